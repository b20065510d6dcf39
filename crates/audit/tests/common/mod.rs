//! Shared helpers for the audit integration tests: event builders, a log written with a
//! fixed clock and salt, and line-level file surgery for tamper tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use toolgate_audit::{
    AuditHandle, AuditLog, AuditOptions, CallInfo, CallOutcome, CounterUse, DecisionEvent,
    ManualClock, OutcomeEvent, Record, Verdict, VerifyOptions, chain_files, verify,
};

pub fn call(i: usize, identity: &str, tool: &str) -> CallInfo {
    CallInfo {
        call_id: format!("s1/{i}"),
        identity: identity.into(),
        session: "s1".into(),
        transport: "stdio".into(),
        server: "fusionauth".into(),
        tool: tool.into(),
    }
}

pub fn allow(i: usize) -> DecisionEvent {
    DecisionEvent {
        call: call(i, "alice", "createRefund"),
        arguments: Some(json!({"amount": i, "token": format!("secret-{i}")})),
        verdict: Verdict::Allow,
        kind: None,
        rule: Some("createRefund#2".into()),
        reason: None,
        counters: vec![CounterUse {
            key: "refunds_today|grant:alice".into(),
            amount: i as f64,
            max: 1000.0,
        }],
        approval: None,
        approver: None,
        policy_version: "p1".into(),
    }
}

pub fn deny(i: usize, identity: &str, tool: &str, kind: &str, reason: &str) -> DecisionEvent {
    DecisionEvent {
        call: call(i, identity, tool),
        arguments: Some(json!({})),
        verdict: Verdict::Deny,
        kind: Some(kind.into()),
        rule: Some(format!("{tool}#1")),
        reason: Some(reason.into()),
        counters: vec![],
        approval: None,
        approver: None,
        policy_version: "p1".into(),
    }
}

pub fn outcome(i: usize, o: CallOutcome) -> OutcomeEvent {
    OutcomeEvent {
        call: call(i, "alice", "createRefund"),
        outcome: o,
        latency: Some(Duration::from_micros(1500 + i as u64)),
        error: None,
    }
}

/// Options with a fixed clock and salt, so output is reproducible.
pub fn options(clock: Arc<ManualClock>) -> AuditOptions {
    AuditOptions {
        clock,
        salt: Some(b"test-salt".to_vec()),
        ..AuditOptions::default()
    }
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        toolgate_audit::time::parse_rfc3339("2026-01-31T12:00:00Z").unwrap(),
    ))
}

/// Writes `n` decision + outcome pairs, one second apart.
pub fn write_pairs(log: &AuditHandle, clock: &ManualClock, range: std::ops::Range<usize>) {
    for i in range {
        log.record(allow(i)).unwrap();
        clock.advance(Duration::from_millis(10));
        log.record(outcome(i, CallOutcome::Ok)).unwrap();
        clock.advance(Duration::from_millis(990));
    }
}

/// A closed log with `n` pairs at `dir/audit.jsonl`.
pub fn small_log(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(&path, options(clock.clone())).unwrap();
    write_pairs(&log, &clock, 0..n);
    log.shutdown_blocking().unwrap();
    path
}

pub fn lines(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

pub fn write_lines(path: &Path, lines: &[Vec<u8>]) {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    std::fs::write(path, out).unwrap();
}

pub fn records(path: &Path) -> Vec<Record> {
    lines(path)
        .iter()
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

/// Records of a file another thread may be writing: a partial last line is skipped.
pub fn records_so_far(path: &Path) -> Vec<Record> {
    if !path.exists() {
        return Vec::new();
    }
    lines(path)
        .iter()
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect()
}

pub fn verify_path(path: &Path) -> toolgate_audit::Report {
    verify(&chain_files(path).unwrap(), &VerifyOptions::default()).unwrap()
}
