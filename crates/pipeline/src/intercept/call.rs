//! The decision step for `tools/call`: decide, check pins and the argument schema, reserve
//! counters, and then either answer the agent, hold the call for a person, or audit it and
//! hand back a [`Permitted`] call to forward.
//!
//! Everything that can refuse a call without a person runs before a person is asked: an
//! approver never approves a call that drift, invalid arguments or a limit would then
//! refuse, and a call waiting for approval already holds its share of the limits.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use toolgate_audit::{CallOutcome, Verdict as AuditVerdict};
use toolgate_mcp::parse::TOOLS_CALL;
use toolgate_mcp::{Id, Message, ToolCall};
use toolgate_policy::{CallContext, CompiledPolicy, Decision, DenyKind, Verdict};
use toolgate_state::{
    CalendarUnit as StoreUnit, CounterRequest, Reservation, ReserveOutcome, Settlement,
    Window as StoreWindow,
};

use super::approve::Held;
use super::permit::Permitted;
use super::refusal::{Refusal, RefusalKind, Refused};
use super::{FailMode, Interceptor, PendingCall, SessionInfo, Step};
use crate::audit_sink::Recorded;
use crate::telemetry;

impl Interceptor {
    pub(super) async fn tool_call(&self, id: Id, m: Message) -> Step {
        let started = tokio::time::Instant::now();
        if let Some(n) = toolgate_mcp::numbers::first_inexact_number(m.raw()) {
            tracing::warn!(%id, number = n, "refused a tool call with an inexact number");
            let refused = Refused::InexactNumber(n.to_string());
            return Step::Reply(self.refuse_message(Some(&id), TOOLS_CALL, refused));
        }
        let call = match ToolCall::from_message(&m) {
            Ok(Some(call)) => call,
            Ok(None) => {
                return Step::Reply(self.refuse_message(
                    Some(&id),
                    TOOLS_CALL,
                    Refused::NotAToolCall,
                ));
            }
            Err(e) => {
                return Step::Reply(self.refuse_message(
                    Some(&id),
                    TOOLS_CALL,
                    Refused::Malformed(e),
                ));
            }
        };
        let policy = self.policy.current();
        let groups = self.caller_groups(&policy);
        let decision = policy.decide(&CallContext {
            tool: &call.name,
            args: &call.arguments,
            identity: &self.session.identity,
            session: &self.session.session_id,
            groups: &groups,
        });
        let mut c = Judged {
            id,
            raw: m.raw().clone(),
            call,
            policy,
            decision,
            started,
        };
        if let Some((kind, reason)) = self.lookalike(&c) {
            // No rule decided this: the spelling did.
            c.decision.rule = None;
            return self.refuse(&c, kind, &reason, None);
        }
        match &c.decision.verdict {
            Verdict::UnknownTool => {
                c.log(&self.session, "unknown_tool", "hidden");
                if let Some(a) = &self.audit {
                    let recorded = Recorded {
                        verdict: AuditVerdict::UnknownTool,
                        kind: None,
                        reason: Some("hidden by the policy"),
                    };
                    a.record(c.audit_event(a, recorded));
                }
                Step::Reply(Refused::UnknownTool(c.call.name.clone()).to_response(Some(&c.id)))
            }
            Verdict::Deny { kind, reason } => {
                let kind = match kind {
                    DenyKind::Policy => RefusalKind::Deny,
                    DenyKind::InvalidArguments => RefusalKind::InvalidArguments,
                };
                self.refuse(&c, kind, reason, None)
            }
            Verdict::Approve { .. } => match self.check_and_reserve(&c).await {
                Ok(admission) => Step::Hold(Held::new(c, admission)),
                Err(refused) => refused,
            },
            Verdict::Allow => match self.check_and_reserve(&c).await {
                Ok(admission) => self.admit(c, admission, None).await,
                Err(refused) => refused,
            },
        }
    }

    /// A tool name or argument key that only imitates one the policy or the pinned schema
    /// mentions (`DELETE_USER`, `{"AMOUNT": …}`, fullwidth forms): rules match names exactly,
    /// but a lenient server (Go's `encoding/json`, .NET) would take it for the real one.
    fn lookalike(&self, c: &Judged) -> Option<(RefusalKind, String)> {
        let tool = &c.call.name;
        let imitated_tool = c
            .policy
            .imitated_tool(tool)
            .or_else(|| self.pins.as_ref().and_then(|p| p.imitated_tool(tool)));
        if let Some(real) = imitated_tool {
            return Some((
                RefusalKind::Deny,
                format!(
                    "tool name `{tool}` imitates `{real}` (it differs only in case or compatibility characters); call the tool by its exact name"
                ),
            ));
        }
        let schema_keys = self.pins.as_ref().and_then(|p| p.schema_keys(tool));
        let mut found = None;
        for_each_key(&c.call.arguments, &mut |key| {
            // A key the pinned schema names exactly is the real one: no folding needed.
            if found.is_some() || schema_keys.as_ref().is_some_and(|k| k.contains(key)) {
                return;
            }
            let real = c
                .policy
                .imitated_arg_key(key)
                .or_else(|| schema_keys.as_ref().and_then(|k| k.imitated(key)));
            if let Some(real) = real {
                found = Some(format!(
                    "argument `{key}` imitates `{real}` (it differs only in case or compatibility characters); send `{real}` exactly"
                ));
            }
        });
        found.map(|reason| (RefusalKind::InvalidArguments, reason))
    }

    /// Answers the agent with a refusal, logged and audited.
    pub(super) fn refuse(
        &self,
        c: &Judged,
        kind: RefusalKind,
        reason: &str,
        retry_after_s: Option<u64>,
    ) -> Step {
        c.log(&self.session, kind.as_str(), reason);
        if let Some(a) = &self.audit {
            let recorded = Recorded {
                verdict: AuditVerdict::Deny,
                kind: Some(kind.as_str()),
                reason: Some(reason),
            };
            a.record(c.audit_event(a, recorded));
        }
        Step::Reply(
            c.refusal(kind, reason, retry_after_s, self.revision())
                .to_response(&c.id),
        )
    }

    /// The checks that need no person: the pinned definition and argument schema, then the
    /// counters (reserved all or nothing). `Err` is the refusal for the agent.
    pub(super) async fn check_and_reserve(&self, c: &Judged) -> Result<Admission, Step> {
        if let Some(pins) = &self.pins {
            if let Some(reason) = pins.refuse_call(&c.call.name, c.policy.policy().drift) {
                return Err(self.refuse(c, RefusalKind::Drift, &reason, None));
            }
            if let Err(errors) = pins.validate(&c.call.name, &c.call.arguments) {
                let reason = format!(
                    "arguments don't match `{}`'s pinned input schema: {}",
                    c.call.name,
                    errors.join("; ")
                );
                return Err(self.refuse(c, RefusalKind::InvalidArguments, &reason, None));
            }
        }
        match self.reserve(&c.decision).await {
            Ok(reservation) => Ok(Admission {
                renewal: reservation
                    .as_ref()
                    .map(|r| Renewal::start(self.store.clone(), r)),
                reservation,
                note: None,
            }),
            Err(ReserveRefusal::StoreFailed(reason)) if self.fail_mode == FailMode::Open => {
                tracing::warn!(tool = %c.call.name, "{reason}; allowed uncounted (--state-fail-mode open)");
                Ok(Admission {
                    reservation: None,
                    renewal: None,
                    note: Some(format!(
                        "{reason}; allowed uncounted by --state-fail-mode open"
                    )),
                })
            }
            Err(ReserveRefusal::StoreFailed(reason)) => {
                Err(self.refuse(c, RefusalKind::Deny, &reason, None))
            }
            Err(ReserveRefusal::Limited {
                reason,
                retry_after_s,
            }) => Err(self.refuse(c, RefusalKind::RateLimited, &reason, retry_after_s)),
        }
    }

    /// The last step of an allowed (or approved) call: the audit record, then a
    /// [`Permitted`] to forward.
    pub(super) async fn admit(
        &self,
        c: Judged,
        admission: Admission,
        approval: Option<ApprovedBy>,
    ) -> Step {
        let Admission {
            reservation,
            renewal,
            note,
        } = admission;
        c.log(&self.session, "allow", note.as_deref().unwrap_or(""));
        if let Some(a) = &self.audit {
            let recorded = Recorded {
                verdict: AuditVerdict::Allow,
                kind: None,
                reason: note.as_deref(),
            };
            let mut event = c.audit_event(a, recorded);
            if let Some(by) = &approval {
                event.approval = Some(by.channel.to_owned());
                event.approver = Some(by.approver.clone());
            }
            if a.required() {
                if let Err(e) = a.record_durably(event).await {
                    tracing::error!(error = %e, "audit log unavailable; refusing the call (--audit-required)");
                    self.settle(reservation, Settlement::Refund).await;
                    let reason = format!(
                        "the audit log is unavailable ({e}); --audit-required refuses calls that can't be recorded"
                    );
                    return Step::Reply(
                        c.refusal(RefusalKind::Deny, &reason, None, self.revision())
                            .to_response(&c.id),
                    );
                }
            } else {
                a.record(event);
            }
        }
        let id_for_timer = c.id.clone();
        self.state().calls.insert(
            c.id,
            PendingCall {
                tool: c.call.name,
                reservation,
                _renewal: renewal,
                refund_on_error: c.decision.refund_on_error,
                forwarded_at: tokio::time::Instant::now(),
            },
        );
        Step::ForwardCall(Permitted::after_decision(c.raw, id_for_timer))
    }

    /// Reserves every counter of the decision, all or nothing.
    async fn reserve(&self, d: &Decision) -> Result<Option<Reservation>, ReserveRefusal> {
        if d.reservations.is_empty() {
            return Ok(None);
        }
        let requests: Vec<CounterRequest> = d
            .reservations
            .iter()
            .map(|r| CounterRequest::new(r.key.clone(), r.amount, r.max, store_window(r.window)))
            .collect();
        match self.store.reserve(&requests).await {
            Ok(ReserveOutcome::Granted(res)) => Ok(Some(res)),
            Ok(ReserveOutcome::Limited(l)) => {
                let r = &d.reservations[l.index.min(d.reservations.len() - 1)];
                telemetry::limit_hit(&r.counter);
                let reason = match &r.reason {
                    Some(reason) => reason.to_string(),
                    None => format!(
                        "limit of {} per {} reached for `{}` (used {})",
                        fmt_amount(r.max),
                        r.window,
                        r.counter,
                        fmt_amount(l.used)
                    ),
                };
                let retry = l
                    .retry_after
                    .map(|d: Duration| d.as_secs_f64().ceil().max(1.0) as u64);
                Err(ReserveRefusal::Limited {
                    reason,
                    retry_after_s: retry,
                })
            }
            Err(e) => {
                telemetry::store_error();
                tracing::error!(error = %e, "counter store failed");
                // The store's address and error are for the operator's log, not the agent.
                Err(ReserveRefusal::StoreFailed(
                    "the counter store is unavailable; calls with limits are refused until it is back"
                        .to_owned(),
                ))
            }
        }
    }

    /// A cancelled call is committed, not refunded: the spec lets a server ignore a
    /// cancellation and run the call anyway (server-everything does, and then never
    /// answers), so refunding would let "call, cancel, repeat" beat a spend cap. The id stays
    /// reserved until the server answers, so a late answer can't be matched to a new request.
    pub(super) async fn client_cancelled(&self, m: &Message) {
        let Some(id) = m
            .params()
            .and_then(|p| p.get("requestId"))
            .and_then(Id::from_value)
        else {
            return;
        };
        if let Some(withdraw) = self.state().held.remove(&id) {
            // Still waiting for a person: the question is taken back, nothing ran.
            let _ = withdraw.send(());
            return;
        }
        let pending = self.state().calls.remove(&id);
        if let Some(p) = pending {
            tracing::info!(tool = %p.tool, %id, "call cancelled by the client; its counters stay used");
            if let Some(a) = &self.audit {
                a.outcome(
                    &id.to_string(),
                    &p.tool,
                    CallOutcome::Cancelled,
                    Some(p.forwarded_at.elapsed()),
                    None,
                );
            }
            self.settle(p.reservation, Settlement::Commit).await;
        }
    }

    /// Commits run in the background (the amounts already count); refunds are awaited, so
    /// an agent that retries right after an answer finds its capacity back.
    pub(super) async fn settle(&self, reservation: Option<Reservation>, how: Settlement) {
        let Some(res) = reservation else { return };
        let store = self.store.clone();
        let work = async move {
            if let Err(e) = store.settle(&res, how).await {
                tracing::error!(error = %e, "could not settle a reservation; its TTL will release it");
            }
        };
        match how {
            Settlement::Refund => work.await,
            Settlement::Commit => {
                tokio::spawn(work);
            }
        }
    }
}

/// Why counters could not be reserved. Fail-open mode lets exactly one of these through.
pub(super) enum ReserveRefusal {
    /// A limit is reached.
    Limited {
        reason: String,
        retry_after_s: Option<u64>,
    },
    /// The store failed: refused unless `--state-fail-mode open`.
    StoreFailed(String),
}

/// What a call passed the checks with: its counters (kept alive while it waits), and a
/// note for the audit record.
#[derive(Debug)]
pub(super) struct Admission {
    pub reservation: Option<Reservation>,
    pub renewal: Option<Renewal>,
    pub note: Option<String>,
}

/// Keeps a reservation from lapsing while its call is in flight or waiting for a person:
/// the store's TTL only exists to give back what a dead gateway held, and a call that runs
/// longer must stay counted (otherwise "slow call, repeat" beats a spend cap). Dropping it
/// stops the renewals; the call's settlement ends the reservation.
#[derive(Debug)]
pub(super) struct Renewal(tokio::task::JoinHandle<()>);

impl Renewal {
    fn start(store: Arc<dyn toolgate_state::StateStore>, reservation: &Reservation) -> Renewal {
        let mut reservation = reservation.clone();
        // A third of the TTL: two renewals can fail (a store hiccup) before it lapses.
        let every = (store.reservation_ttl() / 3).max(Duration::from_millis(100));
        Renewal(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match store.renew(&reservation).await {
                    Ok(Some(renewed)) => reservation = renewed,
                    Ok(None) => {
                        tracing::warn!(reservation = %reservation.id(), "a reservation lapsed while its call was still open; its counters were given back");
                        return;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, reservation = %reservation.id(), "could not renew a reservation; retrying");
                    }
                }
            }
        }))
    }
}

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A tool call the policy has judged, with everything its refusal or admission needs.
pub(super) struct Judged {
    pub id: Id,
    pub raw: Bytes,
    pub call: ToolCall,
    pub policy: Arc<CompiledPolicy>,
    pub decision: Decision,
    pub started: tokio::time::Instant,
}

/// How a held call was approved, for the audit record.
pub(super) struct ApprovedBy {
    /// `elicitation` or `queue`.
    pub channel: &'static str,
    pub approver: String,
}

impl Judged {
    fn refusal<'a>(
        &'a self,
        kind: RefusalKind,
        reason: &'a str,
        retry_after_s: Option<u64>,
        revision: Option<toolgate_mcp::ProtocolVersion>,
    ) -> Refusal<'a> {
        Refusal {
            kind,
            tool: &self.call.name,
            reason,
            rule: self.decision.rule.as_ref(),
            retry_after_s,
            policy_version: self.policy.version(),
            revision,
        }
    }

    fn audit_event(
        &self,
        a: &crate::audit_sink::AuditSink,
        recorded: Recorded<'_>,
    ) -> toolgate_audit::DecisionEvent {
        a.decision_event(
            &self.id.to_string(),
            &self.call.name,
            &self.call.arguments,
            &self.decision,
            recorded,
            self.policy.version(),
        )
    }

    pub(super) fn log(&self, s: &SessionInfo, verdict: &str, reason: &str) {
        log_decision(
            s,
            &self.policy,
            self.started,
            &self.call.name,
            verdict,
            &self.decision,
            reason,
        );
    }
}

fn store_window(w: toolgate_policy::model::Window) -> StoreWindow {
    use toolgate_policy::model::{CalendarUnit, Window};
    match w {
        Window::Calendar(CalendarUnit::Minute) => StoreWindow::Calendar(StoreUnit::Minute),
        Window::Calendar(CalendarUnit::Hour) => StoreWindow::Calendar(StoreUnit::Hour),
        Window::Calendar(CalendarUnit::Day) => StoreWindow::Calendar(StoreUnit::Day),
        Window::Rolling(secs) => StoreWindow::Rolling(Duration::from_secs(secs.get())),
    }
}

fn fmt_amount(a: f64) -> String {
    if a.fract() == 0.0 && a.abs() < 1e15 {
        format!("{}", a as i64)
    } else {
        format!("{a}")
    }
}

fn log_decision(
    s: &SessionInfo,
    policy: &toolgate_policy::CompiledPolicy,
    started: tokio::time::Instant,
    tool: &str,
    verdict: &str,
    d: &Decision,
    reason: &str,
) {
    telemetry::decision(
        tool_label(policy, tool),
        verdict,
        &s.identity,
        started.elapsed(),
    );
    tracing::info!(
        target: "toolgate::decision",
        tool,
        identity = %s.identity,
        session = %s.session_id,
        verdict,
        rule = d.rule.as_ref().map(|r| r.label()).as_deref().unwrap_or("-"),
        reason,
    );
}

/// The metrics label for a tool: its name when the policy names it, else `*` (agents choose
/// tool names freely; labels must stay bounded).
pub(super) fn tool_label<'a>(policy: &toolgate_policy::CompiledPolicy, tool: &'a str) -> &'a str {
    if policy.has_entry(tool) { tool } else { "*" }
}

/// Calls `f` with every object key in `v`, at any depth.
fn for_each_key(v: &serde_json::Value, f: &mut impl FnMut(&str)) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, inner) in map {
                f(k);
                for_each_key(inner, f);
            }
        }
        serde_json::Value::Array(items) => {
            for inner in items {
                for_each_key(inner, f);
            }
        }
        _ => {}
    }
}
