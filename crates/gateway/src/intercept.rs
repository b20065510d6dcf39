//! The interception pipeline for one MCP session, independent of the transport.
//!
//! Client → server: frame → strict parse → classify → (`tools/call`) decide → reserve →
//! forward the original bytes, or answer the agent directly. Server → client: responses to
//! `tools/call` settle their reservation, responses to `tools/list` are filtered, everything
//! else passes through untouched. Anything we could not parse strictly is answered with a
//! JSON-RPC error and never forwarded, and the session keeps working.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use serde_json::Value;
use toolgate_mcp::parse::{TOOLS_CALL, TOOLS_LIST};
use toolgate_mcp::wire::{
    INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, best_effort_id, error_response,
    parse_error_response,
};
use toolgate_mcp::{
    Frame, Id, Incoming, Kind, Message, Outcome, ToolCall, filter_tools_list, parse_bytes,
};
use toolgate_policy::{CallContext, Decision, DenyKind, Verdict};
use toolgate_state::{
    CalendarUnit as StoreUnit, CounterRequest, Reservation, ReserveOutcome, Settlement, StateStore,
    Window as StoreWindow,
};

use toolgate_audit::{CallOutcome, Verdict as AuditVerdict};

use crate::audit_sink::{AuditSink, Recorded};
use crate::decision_reply::{Refusal, RefusalKind};
use crate::permit::Permitted;
use crate::pins::{Listed, Pins};
use crate::policy_handle::PolicyHandle;
use crate::telemetry;

/// What the server's answer says about whether the tool ran.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// A result (or something we couldn't read: assume it ran, keep the count).
    Ran,
    /// A result with `isError: true`: refunded only when the rule says `refund_on_error`.
    ToolError,
    /// A JSON-RPC error: the tool did not run.
    NotRun,
}

/// Who is calling, in which session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub identity: String,
    pub session_id: String,
}

/// Where the messages produced by one incoming frame go.
#[derive(Debug, Default)]
pub struct Routed {
    pub to_server: Vec<Bytes>,
    pub to_client: Vec<Bytes>,
    /// Tool calls forwarded by this frame (the transport times them).
    pub forwarded_calls: Vec<Id>,
}

/// One message's fate.
enum Step {
    /// Not a tool call: pass through unchanged.
    Forward(Bytes),
    /// A tool call the policy allowed.
    ForwardCall(Permitted),
    /// Answer the agent ourselves.
    Reply(Bytes),
    /// Drop (a notification we refuse cannot be answered).
    Drop,
}

#[derive(Debug)]
struct PendingCall {
    tool: String,
    reservation: Option<Reservation>,
    refund_on_error: bool,
    forwarded_at: std::time::Instant,
}

/// What to do when the counter store fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailMode {
    /// Refuse calls that have limits (default).
    #[default]
    Closed,
    /// Allow them uncounted, and say so in the log and the audit record.
    Open,
}

#[derive(Debug, Default)]
struct SessionState {
    /// Every client request forwarded and not yet answered, whatever its method: a new
    /// request reusing one of these ids could be mistaken for it when the answer comes back.
    requests: HashSet<Id>,
    calls: HashMap<Id, PendingCall>,
    /// Calls abandoned after `--call-timeout`: their late answers are dropped.
    expired: HashSet<Id>,
    lists: HashSet<Id>,
    initialize: Option<Id>,
    protocol_version: Option<String>,
}

pub struct Interceptor {
    policy: PolicyHandle,
    store: Arc<dyn StateStore>,
    session: SessionInfo,
    state: Mutex<SessionState>,
    fail_mode: FailMode,
    audit: Option<AuditSink>,
    pins: Option<Arc<Pins>>,
}

impl Interceptor {
    pub fn new(policy: PolicyHandle, store: Arc<dyn StateStore>, session: SessionInfo) -> Self {
        Interceptor {
            policy,
            store,
            session,
            state: Mutex::new(SessionState::default()),
            fail_mode: FailMode::Closed,
            audit: None,
            pins: None,
        }
    }

    pub fn with_pins(mut self, pins: Arc<Pins>) -> Self {
        self.pins = Some(pins);
        self
    }

    pub fn with_fail_mode(mut self, mode: FailMode) -> Self {
        self.fail_mode = mode;
        self
    }

    pub fn with_audit(mut self, audit: AuditSink) -> Self {
        self.audit = Some(audit);
        self
    }

    fn state(&self) -> MutexGuard<'_, SessionState> {
        // A panic while holding the lock can't leave the maps half-updated in a way that
        // matters more than losing the session, so keep serving.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The protocol version the server answered `initialize` with, once known.
    pub fn protocol_version(&self) -> Option<String> {
        self.state().protocol_version.clone()
    }

    /// Number of tool calls forwarded and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.state().calls.len()
    }

    /// Handles one frame from the agent.
    pub async fn from_client(&self, frame: Frame) -> Routed {
        let mut routed = Routed::default();
        let bytes = match frame {
            Frame::TooLong { prefix } => {
                let id = best_effort_id(&prefix);
                tracing::warn!(id = ?id, "refused an over-long message from the client");
                routed.to_client.push(error_response(
                    id.as_ref(),
                    INVALID_REQUEST,
                    "message exceeds the size limit (--max-message-bytes); it was not forwarded",
                    None,
                ));
                return routed;
            }
            Frame::Message(bytes) => bytes,
        };
        let incoming = match parse_bytes(bytes.clone()) {
            Ok(incoming) => incoming,
            Err(e) => {
                let id = best_effort_id(&bytes);
                telemetry::refused_message("client");
                tracing::warn!(id = ?id, error = %e.message(), "refused a malformed message from the client");
                routed.to_client.push(parse_error_response(id.as_ref(), &e));
                return routed;
            }
        };
        match incoming {
            Incoming::Message(m) => match self.client_message(m).await {
                Step::Forward(b) => routed.to_server.push(b),
                Step::ForwardCall(p) => {
                    routed.forwarded_calls.push(p.id().clone());
                    routed.to_server.push(p.into_bytes())
                }
                Step::Reply(b) => routed.to_client.push(b),
                Step::Drop => {}
            },
            Incoming::Batch(messages) => {
                // Evaluate element by element; forward the allowed ones as one batch (the
                // original bytes when all are), answer the rest in one batch of our own.
                let total = messages.len();
                let mut forward = Vec::new();
                let mut replies = Vec::new();
                for m in messages {
                    match self.client_message(m).await {
                        Step::Forward(b) => forward.push(b),
                        Step::ForwardCall(p) => {
                            routed.forwarded_calls.push(p.id().clone());
                            forward.push(p.into_bytes())
                        }
                        Step::Reply(b) => replies.push(b),
                        Step::Drop => {}
                    }
                }
                if forward.len() == total {
                    routed.to_server.push(bytes);
                } else if !forward.is_empty() {
                    routed.to_server.push(join_batch(&forward));
                }
                if !replies.is_empty() {
                    routed.to_client.push(join_batch(&replies));
                }
            }
        }
        routed
    }

    async fn client_message(&self, m: Message) -> Step {
        if let Kind::Request { id, method } = m.kind() {
            if let Some(refusal) = refuse_request_shape(id, method) {
                return Step::Reply(refusal);
            }
            if self.state().requests.contains(id) {
                tracing::warn!(%id, %method, "refused a request reusing an id still in flight");
                return Step::Reply(error_response(
                    Some(id),
                    INVALID_REQUEST,
                    &format!("request id {id} is already in flight; ids must be unique"),
                    None,
                ));
            }
        }
        let request_id = match m.kind() {
            Kind::Request { id, .. } => Some(id.clone()),
            _ => None,
        };
        let step = self.route_client_message(m).await;
        if let (Some(id), Step::Forward(_) | Step::ForwardCall(_)) = (request_id, &step) {
            self.state().requests.insert(id);
        }
        step
    }

    async fn route_client_message(&self, m: Message) -> Step {
        match m.kind().clone() {
            Kind::Request { id, method } if method == TOOLS_CALL => self.tool_call(id, m).await,
            Kind::Request { id, method } if is_disguised_tool_call(&method) => {
                tracing::warn!(%method, "refused a method spelled like tools/call");
                Step::Reply(error_response(
                    Some(&id),
                    INVALID_REQUEST,
                    &format!(
                        "method `{method}` is refused: it is a variant spelling of `tools/call`"
                    ),
                    None,
                ))
            }
            Kind::Request { id, method } => {
                let mut st = self.state();
                if method == TOOLS_LIST {
                    st.lists.insert(id);
                } else if method == "initialize" {
                    st.initialize = Some(id);
                }
                Step::Forward(m.raw().clone())
            }
            Kind::Notification { method }
                if method == TOOLS_CALL || is_disguised_tool_call(&method) =>
            {
                // A tool call without an id can't be answered, so it can't be refused
                // visibly either: drop it rather than let a server run it unchecked.
                tracing::warn!(%method, "dropped a tools/call sent as a notification");
                Step::Drop
            }
            Kind::Notification { method } => {
                if method == "notifications/cancelled" {
                    self.client_cancelled(&m).await;
                }
                Step::Forward(m.raw().clone())
            }
            Kind::Response { .. } => Step::Forward(m.raw().clone()),
        }
    }

    async fn tool_call(&self, id: Id, m: Message) -> Step {
        let started = std::time::Instant::now();
        if let Some(n) = crate::numbers::first_inexact_number(m.raw()) {
            tracing::warn!(%id, number = n, "refused a tool call with an inexact number");
            return Step::Reply(error_response(
                Some(&id),
                INVALID_PARAMS,
                &format!(
                    "number {n} has more precision than toolgate can compare exactly; send at most 17 significant digits"
                ),
                None,
            ));
        }
        let call = match ToolCall::from_message(&m) {
            Ok(Some(call)) => call,
            Ok(None) => {
                return Step::Reply(error_response(
                    Some(&id),
                    INVALID_PARAMS,
                    "not a tool call",
                    None,
                ));
            }
            Err(e) => return Step::Reply(parse_error_response(Some(&id), &e)),
        };
        let policy = self.policy.current();
        let decision = policy.decide(&CallContext {
            tool: &call.name,
            args: &call.arguments,
            identity: &self.session.identity,
            session: &self.session.session_id,
        });
        let audit_id = id.to_string();
        let refuse = |kind: RefusalKind, reason: &str, d: &Decision, retry_after_s| {
            let r = Refusal {
                kind,
                tool: &call.name,
                reason,
                rule: d.rule.as_ref(),
                retry_after_s,
                policy_version: policy.version(),
            };
            log_decision(
                &self.session,
                &policy,
                started,
                &call.name,
                kind.as_str(),
                d,
                reason,
            );
            if let Some(a) = &self.audit {
                let recorded = Recorded {
                    verdict: AuditVerdict::Deny,
                    kind: Some(kind.as_str()),
                    reason: Some(reason),
                };
                a.record(a.decision_event(
                    &audit_id,
                    &call.name,
                    &call.arguments,
                    d,
                    recorded,
                    policy.version(),
                ));
            }
            Step::Reply(r.to_response(&id))
        };
        match &decision.verdict {
            Verdict::UnknownTool => {
                log_decision(
                    &self.session,
                    &policy,
                    started,
                    &call.name,
                    "unknown_tool",
                    &decision,
                    "hidden",
                );
                if let Some(a) = &self.audit {
                    let recorded = Recorded {
                        verdict: AuditVerdict::UnknownTool,
                        kind: None,
                        reason: Some("hidden by the policy"),
                    };
                    a.record(a.decision_event(
                        &audit_id,
                        &call.name,
                        &call.arguments,
                        &decision,
                        recorded,
                        policy.version(),
                    ));
                }
                Step::Reply(error_response(
                    Some(&id),
                    INVALID_PARAMS,
                    &format!("Unknown tool: {}", call.name),
                    None,
                ))
            }
            Verdict::Deny { kind, reason } => {
                let kind = match kind {
                    DenyKind::Policy => RefusalKind::Deny,
                    DenyKind::InvalidArguments => RefusalKind::InvalidArguments,
                };
                refuse(kind, reason, &decision, None)
            }
            Verdict::Approve { reason } => {
                let why = reason
                    .as_deref()
                    .unwrap_or("the policy requires a person's approval");
                let text =
                    format!("{why}; this gateway has no approval channel, so the call is refused");
                refuse(RefusalKind::ApprovalDenied, &text, &decision, None)
            }
            Verdict::Allow => {
                if let Some(pins) = &self.pins {
                    if let Some(reason) = pins.refuse_call(&call.name, policy.policy().drift) {
                        return refuse(RefusalKind::Drift, &reason, &decision, None);
                    }
                    if let Err(errors) = pins.validate(&call.name, &call.arguments) {
                        let reason = format!(
                            "arguments don't match `{}`'s pinned input schema: {}",
                            call.name,
                            errors.join("; ")
                        );
                        return refuse(RefusalKind::InvalidArguments, &reason, &decision, None);
                    }
                }
                let (reservation, note) = match self.reserve(&decision).await {
                    Ok(r) => (r, None),
                    Err((RefusalKind::Deny, reason, None)) if self.fail_mode == FailMode::Open => {
                        tracing::warn!(tool = %call.name, "{reason}; allowed uncounted (--state-fail-mode open)");
                        (
                            None,
                            Some(format!(
                                "{reason}; allowed uncounted by --state-fail-mode open"
                            )),
                        )
                    }
                    Err((kind, reason, retry)) => return refuse(kind, &reason, &decision, retry),
                };
                log_decision(
                    &self.session,
                    &policy,
                    started,
                    &call.name,
                    "allow",
                    &decision,
                    note.as_deref().unwrap_or(""),
                );
                if let Some(a) = &self.audit {
                    let recorded = Recorded {
                        verdict: AuditVerdict::Allow,
                        kind: None,
                        reason: note.as_deref(),
                    };
                    let event = a.decision_event(
                        &audit_id,
                        &call.name,
                        &call.arguments,
                        &decision,
                        recorded,
                        policy.version(),
                    );
                    if a.required() {
                        if let Err(e) = a.record_durably(event).await {
                            tracing::error!(error = %e, "audit log unavailable; refusing the call (--audit-required)");
                            self.settle(reservation, Settlement::Refund).await;
                            let reason = format!(
                                "the audit log is unavailable ({e}); --audit-required refuses calls that can't be recorded"
                            );
                            let r = Refusal {
                                kind: RefusalKind::Deny,
                                tool: &call.name,
                                reason: &reason,
                                rule: decision.rule.as_ref(),
                                retry_after_s: None,
                                policy_version: policy.version(),
                            };
                            return Step::Reply(r.to_response(&id));
                        }
                    } else {
                        a.record(event);
                    }
                }
                let id_for_timer = id.clone();
                self.state().calls.insert(
                    id,
                    PendingCall {
                        tool: call.name,
                        reservation,
                        refund_on_error: decision.refund_on_error,
                        forwarded_at: std::time::Instant::now(),
                    },
                );
                Step::ForwardCall(Permitted::after_decision(m.raw().clone(), id_for_timer))
            }
        }
    }

    /// Reserves every counter of the decision, all or nothing. `Err((kind, reason,
    /// retry_after_s))` when a limit is reached or the store fails (fail closed).
    async fn reserve(
        &self,
        d: &Decision,
    ) -> Result<Option<Reservation>, (RefusalKind, String, Option<u64>)> {
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
                Err((RefusalKind::RateLimited, reason, retry))
            }
            Err(e) => {
                telemetry::store_error();
                tracing::error!(error = %e, "counter store failed");
                Err((
                    RefusalKind::Deny,
                    format!(
                        "the counter store is unavailable ({e}); calls with limits are refused until it is back"
                    ),
                    None,
                ))
            }
        }
    }

    /// A cancelled call is committed, not refunded: the spec lets a server ignore a
    /// cancellation and run the call anyway (server-everything does, and then never
    /// answers), so refunding would let "call, cancel, repeat" beat a spend cap. The id stays
    /// reserved until the server answers, so a late answer can't be matched to a new request.
    async fn client_cancelled(&self, m: &Message) {
        let Some(id) = m
            .params()
            .and_then(|p| p.get("requestId"))
            .and_then(Id::from_value)
        else {
            return;
        };
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
    async fn settle(&self, reservation: Option<Reservation>, how: Settlement) {
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

    /// Handles one frame from the server.
    pub async fn from_server(&self, frame: Frame) -> Routed {
        let mut routed = Routed::default();
        let bytes = match frame {
            Frame::TooLong { prefix } => {
                let id = best_effort_id(&prefix);
                tracing::error!(id = ?id, "the server sent a message over the size limit; answering with an error");
                if let Some(id) = &id {
                    self.server_answered(id, Answer::Ran).await;
                }
                routed.to_client.push(error_response(
                    id.as_ref(),
                    INTERNAL_ERROR,
                    "the server's response exceeds the size limit (--max-message-bytes)",
                    None,
                ));
                return routed;
            }
            Frame::Message(bytes) => bytes,
        };
        let incoming = match parse_bytes(bytes.clone()) {
            Ok(i) => i,
            Err(e) => {
                // Forwarding what we can't read could leak a hidden tool in a list: refuse.
                let id = best_effort_id(&bytes);
                telemetry::refused_message("server");
                tracing::error!(id = ?id, error = %e.message(), "the server sent a malformed message; not forwarded");
                if let Some(id) = &id {
                    self.server_answered(id, Answer::Ran).await;
                    routed.to_client.push(error_response(
                        Some(id),
                        INTERNAL_ERROR,
                        &format!("the server sent a malformed response: {}", e.message()),
                        None,
                    ));
                }
                return routed;
            }
        };
        match incoming {
            Incoming::Message(m) => {
                if let Some(b) = self.server_message(&m).await {
                    routed.to_client.push(b);
                }
            }
            Incoming::Batch(messages) => {
                let total = messages.len();
                let mut out: Vec<Bytes> = Vec::with_capacity(total);
                for m in &messages {
                    if let Some(b) = self.server_message(m).await {
                        out.push(b);
                    }
                }
                let unchanged =
                    out.len() == total && out.iter().zip(&messages).all(|(o, m)| o == m.raw());
                if unchanged {
                    routed.to_client.push(bytes);
                } else if !out.is_empty() {
                    routed.to_client.push(join_batch(&out));
                }
            }
        }
        routed
    }

    async fn server_message(&self, m: &Message) -> Option<Bytes> {
        let Kind::Response {
            id: Some(id),
            outcome,
        } = m.kind()
        else {
            return Some(m.raw().clone());
        };
        if self.state().expired.remove(id) {
            self.state().requests.remove(id);
            tracing::warn!(%id, "dropped the server's late answer to a call abandoned at its timeout");
            return None;
        }
        let is_tool_error = m
            .result()
            .and_then(|r| r.get("isError"))
            .and_then(Value::as_bool)
            == Some(true);
        let settlement = match outcome {
            // A JSON-RPC error means the server did not run the tool.
            Outcome::Error { .. } => Answer::NotRun,
            Outcome::Result if is_tool_error => Answer::ToolError,
            Outcome::Result => Answer::Ran,
        };
        if self.server_answered(id, settlement).await {
            return Some(m.raw().clone());
        }
        let (is_list, is_init) = {
            let mut st = self.state();
            let is_list = st.lists.remove(id);
            let is_init = st.initialize.as_ref() == Some(id);
            if is_init {
                st.initialize = None;
                st.protocol_version = m
                    .result()
                    .and_then(|r| r.get("protocolVersion"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
            (is_list, is_init)
        };
        if is_init || !is_list || !matches!(outcome, Outcome::Result) {
            return Some(m.raw().clone());
        }
        let policy = self.policy.current();
        let drift = policy.policy().drift;
        let pins = self.pins.clone();
        let keep = |name: &str, def: &Value| {
            policy.lists(name)
                && pins
                    .as_ref()
                    .is_none_or(|p| matches!(p.on_listed(def, drift), Listed::Keep))
        };
        match filter_tools_list(m.value(), keep) {
            Ok(None) => Some(m.raw().clone()),
            Ok(Some(filtered)) => Some(filtered),
            Err(e) => {
                tracing::error!(error = %e.message(), "could not filter a tools/list response; not forwarded");
                Some(error_response(
                    Some(id),
                    INTERNAL_ERROR,
                    &format!(
                        "the server's tools/list response could not be checked: {}",
                        e.message()
                    ),
                    None,
                ))
            }
        }
    }

    /// Settles the call answered by `id`, if it is one of ours. True when it was a tool call.
    async fn server_answered(&self, id: &Id, answer: Answer) -> bool {
        let pending = {
            let mut st = self.state();
            st.requests.remove(id);
            st.calls.remove(id)
        };
        match pending {
            Some(p) => {
                let how = match answer {
                    Answer::Ran => Settlement::Commit,
                    Answer::ToolError if p.refund_on_error => Settlement::Refund,
                    Answer::ToolError => Settlement::Commit,
                    Answer::NotRun => Settlement::Refund,
                };
                let label = match answer {
                    Answer::Ran => "ok",
                    Answer::ToolError => "is_error",
                    Answer::NotRun => "error",
                };
                let policy = self.policy.current();
                telemetry::upstream(
                    tool_label(&policy, &p.tool),
                    label,
                    p.forwarded_at.elapsed(),
                );
                if let Some(a) = &self.audit {
                    let outcome = match answer {
                        Answer::Ran => CallOutcome::Ok,
                        Answer::ToolError => CallOutcome::IsError,
                        Answer::NotRun => CallOutcome::Error,
                    };
                    a.outcome(
                        &id.to_string(),
                        &p.tool,
                        outcome,
                        Some(p.forwarded_at.elapsed()),
                        None,
                    );
                }
                self.settle(p.reservation, how).await;
                true
            }
            None => false,
        }
    }

    /// Abandons a call the server has not answered in time: the agent gets an error, the
    /// counters are refunded, and the late answer (if any) will be dropped.
    pub async fn expire(&self, id: &Id, after: Duration) -> Option<Bytes> {
        let pending = {
            let mut st = self.state();
            let p = st.calls.remove(id)?;
            st.expired.insert(id.clone());
            p
        };
        let why = format!(
            "the server did not answer within {}s (--call-timeout); the call was abandoned and its counters refunded",
            after.as_secs()
        );
        tracing::warn!(tool = %pending.tool, %id, "{why}");
        if let Some(a) = &self.audit {
            a.outcome(
                &id.to_string(),
                &pending.tool,
                CallOutcome::Timeout,
                Some(pending.forwarded_at.elapsed()),
                Some(why.clone()),
            );
        }
        self.settle(pending.reservation, Settlement::Refund).await;
        Some(error_response(Some(id), INTERNAL_ERROR, &why, None))
    }

    /// The server is gone: every call still waiting gets an error and its counters back.
    pub async fn fail_in_flight(&self, why: &str) -> Vec<Bytes> {
        let pending: Vec<(Id, PendingCall)> = self.state().calls.drain().collect();
        let mut errors = Vec::with_capacity(pending.len());
        for (id, p) in pending {
            tracing::warn!(tool = %p.tool, %id, "call failed: {why}");
            if let Some(a) = &self.audit {
                a.outcome(
                    &id.to_string(),
                    &p.tool,
                    CallOutcome::TransportError,
                    Some(p.forwarded_at.elapsed()),
                    Some(why.to_owned()),
                );
            }
            self.settle(p.reservation, Settlement::Refund).await;
            errors.push(error_response(Some(&id), INTERNAL_ERROR, why, None));
        }
        errors
    }
}

/// `Tools/Call`, `tools/call\u00a0`, `tools//call`: spellings a lenient server might route
/// to the tool handler but that would skip our exact-match check.
fn is_disguised_tool_call(method: &str) -> bool {
    let folded: String = method
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '/')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    method != TOOLS_CALL && (folded == TOOLS_CALL || folded.replace("//", "/") == TOOLS_CALL)
}

/// Refuses requests a server could match to the wrong thing: MCP method names are printable
/// ASCII, and a fractional or exponent number id (`1.0`, `1e0`) equals an integer id for a
/// JavaScript server, so its answer could be taken for another request's.
fn refuse_request_shape(id: &Id, method: &str) -> Option<Bytes> {
    if let Id::Number(n) = id
        && !(n.is_i64() || n.is_u64())
    {
        return Some(error_response(
            None,
            INVALID_REQUEST,
            &format!("request id {n} is refused: numeric ids must be integers"),
            None,
        ));
    }
    if method.is_empty() || !method.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Some(error_response(
            Some(id),
            INVALID_REQUEST,
            "method names must be printable ASCII without spaces",
            None,
        ));
    }
    None
}

fn join_batch(items: &[Bytes]) -> Bytes {
    let len = items.iter().map(Bytes::len).sum::<usize>() + items.len() + 1;
    let mut out = BytesMut::with_capacity(len);
    out.put_u8(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        out.extend_from_slice(item);
    }
    out.put_u8(b']');
    out.freeze()
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
    started: std::time::Instant,
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
fn tool_label<'a>(policy: &toolgate_policy::CompiledPolicy, tool: &'a str) -> &'a str {
    if policy.has_entry(tool) { tool } else { "*" }
}
