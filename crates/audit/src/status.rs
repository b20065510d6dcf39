//! `toolgate status`: what the gateway did in a period, summarised from the audit log —
//! calls, allowed and refused, refusals by reason, busiest tools, limits hit, outcomes and
//! latency, records lost, and the policy version last in force.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::Serialize;

use crate::error::AuditError;
use crate::query::{Filter, for_each_record};
use crate::record::{ApprovalStage, Record, RecordType, Verdict};
use crate::time::format_rfc3339;

const TOP: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub since: Option<String>,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Decision records: one per `tools/call` judged.
    pub calls: u64,
    pub allowed: u64,
    /// Refused by the policy, a limit, a missing approval or bad arguments.
    pub denied: u64,
    pub unknown_tool: u64,
    pub approval: u64,
    /// Approval requests queued for a person, and how they ended: approved, or denied
    /// (declined, expired, withdrawn, invalidated by a reload, or pending at shutdown).
    pub approval_requests: u64,
    pub approvals_granted: u64,
    pub approvals_refused: Vec<(String, u64)>,
    /// Who answered approval requests, busiest first.
    pub approvers: Vec<(String, u64)>,
    /// `kind: reason`, most frequent first.
    pub denials_by_reason: Vec<(String, u64)>,
    pub top_tools: Vec<(String, u64)>,
    pub top_identities: Vec<(String, u64)>,
    /// Rate and spend limits reached (`rate_limited`), by rule.
    pub limits_hit: Vec<(String, u64)>,
    pub outcomes: Vec<(String, u64)>,
    pub latency_p50_ms: Option<f64>,
    pub latency_p95_ms: Option<f64>,
    /// Recovery records in the period, and the records they say were lost.
    pub recoveries: u64,
    pub lost: u64,
    pub last_policy_version: Option<String>,
    /// Lines that could not be read.
    pub unreadable: u64,
}

/// Builds the summary from records oldest first.
pub fn summarize<'a>(
    records: impl IntoIterator<Item = &'a Record>,
    since: Option<SystemTime>,
) -> Summary {
    let mut s = Summary {
        since: since.map(format_rfc3339),
        ..Summary::default()
    };
    let mut reasons: HashMap<String, u64> = HashMap::new();
    let mut tools: HashMap<String, u64> = HashMap::new();
    let mut identities: HashMap<String, u64> = HashMap::new();
    let mut limits: HashMap<String, u64> = HashMap::new();
    let mut outcomes: HashMap<String, u64> = HashMap::new();
    let mut latencies: Vec<u64> = Vec::new();
    let mut refused: HashMap<String, u64> = HashMap::new();
    let mut approvers: HashMap<String, u64> = HashMap::new();
    for r in records {
        if s.first.is_none() {
            s.first = Some(r.time.clone());
        }
        s.last = Some(r.time.clone());
        match r.record_type {
            RecordType::Decision => {
                s.calls += 1;
                let tool = r.tool.clone().unwrap_or_default();
                *tools.entry(tool).or_default() += 1;
                *identities
                    .entry(r.identity.clone().unwrap_or_default())
                    .or_default() += 1;
                match r.verdict {
                    Some(Verdict::Allow) => s.allowed += 1,
                    Some(Verdict::Approve) => s.approval += 1,
                    Some(Verdict::UnknownTool) => s.unknown_tool += 1,
                    Some(Verdict::Deny) | None => {
                        s.denied += 1;
                        let kind = r.kind.as_deref().unwrap_or("deny");
                        let reason = r.reason.as_deref().unwrap_or("(no reason)");
                        *reasons.entry(format!("{kind}: {reason}")).or_default() += 1;
                        if kind == "rate_limited" {
                            let rule = r.rule.clone().unwrap_or_else(|| reason.to_string());
                            *limits.entry(rule).or_default() += 1;
                        }
                    }
                }
                if let Some(p) = &r.policy {
                    s.last_policy_version = Some(p.clone());
                }
            }
            RecordType::Outcome => {
                let o = r.outcome.map_or("unknown", |o| o.as_str());
                *outcomes.entry(o.to_string()).or_default() += 1;
                latencies.extend(r.latency_us);
            }
            RecordType::Recovery => {
                s.recoveries += 1;
                s.lost += r.lost.unwrap_or(0);
            }
            RecordType::Approval => {
                match r.event {
                    Some(ApprovalStage::Requested) => s.approval_requests += 1,
                    Some(ApprovalStage::Approved) => s.approvals_granted += 1,
                    Some(other) => *refused.entry(other.as_str().to_string()).or_default() += 1,
                    None => {}
                }
                if let Some(by) = &r.approver {
                    *approvers.entry(by.clone()).or_default() += 1;
                }
            }
            RecordType::Checkpoint | RecordType::Rotation => {}
        }
    }
    s.approvals_refused = top(refused, usize::MAX);
    s.approvers = top(approvers, TOP);
    s.denials_by_reason = top(reasons, usize::MAX);
    s.top_tools = top(tools, TOP);
    s.top_identities = top(identities, TOP);
    s.limits_hit = top(limits, usize::MAX);
    s.outcomes = top(outcomes, usize::MAX);
    latencies.sort_unstable();
    let pct = |p: f64| -> Option<f64> {
        let last = latencies.len().checked_sub(1)?;
        let i = ((last as f64) * p).round() as usize;
        Some(latencies[i] as f64 / 1000.0)
    };
    s.latency_p50_ms = pct(0.50);
    s.latency_p95_ms = pct(0.95);
    s
}

/// Reads the log files (oldest first) and summarises records since `since`.
pub fn summarize_files(
    paths: &[PathBuf],
    since: Option<SystemTime>,
) -> Result<Summary, AuditError> {
    let filter = Filter {
        since,
        all_types: true,
        ..Filter::default()
    };
    let mut records = Vec::new();
    let mut unreadable = 0;
    for_each_record(paths, &filter, None, &mut unreadable, |row| {
        records.push(row.record);
        true
    })?;
    let mut s = summarize(&records, since);
    s.unreadable = unreadable;
    Ok(s)
}

fn top(counts: HashMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

impl Summary {
    /// The terminal form.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let period = match (&self.since, &self.first, &self.last) {
            (Some(since), _, Some(last)) => format!("since {since} (last record {last})"),
            (None, Some(first), Some(last)) => format!("{first} to {last}"),
            (Some(since), _, None) => format!("since {since}: no records"),
            _ => "no records".to_string(),
        };
        let _ = writeln!(o, "toolgate status: {period}");
        let pct = |n: u64| {
            if self.calls == 0 {
                String::new()
            } else {
                format!(" ({:.0}%)", n as f64 * 100.0 / self.calls as f64)
            }
        };
        let _ = writeln!(o, "  calls         {}", self.calls);
        let _ = writeln!(o, "  allowed       {}{}", self.allowed, pct(self.allowed));
        let _ = writeln!(o, "  denied        {}{}", self.denied, pct(self.denied));
        if self.unknown_tool > 0 {
            let _ = writeln!(o, "  unknown tool  {}", self.unknown_tool);
        }
        if self.approval > 0 {
            let _ = writeln!(o, "  approval      {}", self.approval);
        }
        if self.approval_requests > 0 || self.approvals_granted > 0 {
            let refused: u64 = self.approvals_refused.iter().map(|(_, n)| n).sum();
            let _ = writeln!(
                o,
                "  approvals     {} requested, {} granted, {} refused",
                self.approval_requests, self.approvals_granted, refused
            );
        }
        if let Some(p50) = self.latency_p50_ms {
            let p95 = self.latency_p95_ms.unwrap_or(p50);
            let _ = writeln!(o, "  latency       p50 {p50:.1} ms, p95 {p95:.1} ms");
        }
        section(&mut o, "denials by reason", &self.denials_by_reason);
        section(&mut o, "limits hit", &self.limits_hit);
        section(&mut o, "top tools", &self.top_tools);
        section(&mut o, "top identities", &self.top_identities);
        section(&mut o, "outcomes", &self.outcomes);
        section(&mut o, "approvals refused", &self.approvals_refused);
        section(&mut o, "approvers", &self.approvers);
        if self.recoveries > 0 || self.unreadable > 0 {
            let _ = writeln!(
                o,
                "warnings: {} recovery record(s), {} record(s) lost, {} unreadable line(s) — run `toolgate audit verify`",
                self.recoveries, self.lost, self.unreadable
            );
        }
        let _ = writeln!(
            o,
            "policy version: {}",
            self.last_policy_version.as_deref().unwrap_or("-")
        );
        o
    }
}

fn section(o: &mut String, title: &str, rows: &[(String, u64)]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "{title}:");
    for (name, n) in rows {
        let _ = writeln!(o, "  {n:>7}  {name}");
    }
}
