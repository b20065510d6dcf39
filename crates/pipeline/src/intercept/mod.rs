//! The interception pipeline for one MCP session, independent of the transport.
//!
//! Client → server: frame → strict parse → classify → (`tools/call`) decide → validate
//! (pins, schema) → reserve → approve (when the rule asks) → forward the original bytes, or
//! answer the agent directly. Server → client: responses to `tools/call` settle their
//! reservation, responses to `tools/list` are filtered, everything else passes through
//! untouched. Anything we could not parse strictly is answered with a JSON-RPC error and
//! never forwarded, and the session keeps working.
//!
//! The pipeline owns the call from the agent's request to its answer: a transport hands it
//! frames ([`Interceptor::from_client`], [`Interceptor::from_server`]), gets back what to
//! answer at once and which request ids to expect answers for, gets ready for those answers
//! (HTTP: a response stream), then lets the rest go on ([`Interceptor::forward`]). Calls held
//! for a person and calls past `--call-timeout` are the pipeline's own business: what they
//! turn into reaches the agent and the server through the session's [`Outlets`], which the
//! transport attaches once.

mod approve;
mod call;
mod outlets;
mod permit;
pub mod refusal;
mod server;
#[cfg(test)]
mod tests;

pub use approve::Held;
pub use outlets::{AgentSink, Outlets};
pub use permit::{Outbound, Permitted, UpstreamClosed, UpstreamWriter};
use refusal::Refused;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::{BufMut, Bytes, BytesMut};
use toolgate_mcp::parse::{TOOLS_CALL, TOOLS_LIST};
use toolgate_mcp::wire::best_effort_id;
use toolgate_mcp::{Frame, Id, Incoming, Kind, Message, parse_bytes};
use toolgate_policy::CompiledPolicy;
use toolgate_state::{Reservation, StateStore};

use crate::audit_sink::AuditSink;
use crate::pins::Pins;
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
    /// The caller's groups (from the policy's `identities`, or a JWT claim), for grants.
    pub groups: Vec<std::sync::Arc<str>>,
    pub session_id: String,
}

/// What one frame from the agent turned into.
#[derive(Debug, Default)]
pub struct Routed {
    /// Answers for the agent now (refusals, errors).
    pub to_client: Vec<Bytes>,
    /// Requests whose answers come later, from the server or from the pipeline (a call
    /// waiting for a person): an HTTP transport waits for them on the request's own
    /// response stream, and must be ready for them before [`Interceptor::forward`].
    pub awaited: Vec<Id>,
    /// What goes on once the transport is ready: pass it to [`Interceptor::forward`].
    pub onward: Onward,
}

/// The part of a frame's fate that happens after the transport is ready for the answers:
/// messages for the server, calls to time, calls to hold for a person.
#[derive(Debug, Default)]
pub struct Onward {
    to_server: Vec<Outbound>,
    calls: Vec<Id>,
    held: Vec<Held>,
}

impl Onward {
    /// Nothing goes to the server and nothing waits for a person.
    pub fn is_empty(&self) -> bool {
        self.to_server.is_empty() && self.held.is_empty()
    }
}

/// One message's fate.
enum Step {
    /// Not a tool call: pass through unchanged.
    Forward(Outbound),
    /// A tool call the policy allowed.
    ForwardCall(Permitted),
    /// Answer the agent ourselves.
    Reply(Bytes),
    /// A tool call waiting for a person's approval.
    Hold(Held),
    /// Drop (a notification we refuse cannot be answered).
    Drop,
}

#[derive(Debug)]
struct PendingCall {
    tool: String,
    reservation: Option<Reservation>,
    /// Keeps the reservation alive until the call is settled (dropped with the entry).
    _renewal: Option<call::Renewal>,
    refund_on_error: bool,
    forwarded_at: tokio::time::Instant,
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
    /// The client declared form elicitation: approvals can be asked in the session.
    client_elicits: bool,
    /// Our own `elicitation/create` requests, waiting for the client's answer.
    elicitations: HashMap<Id, tokio::sync::oneshot::Sender<serde_json::Value>>,
    /// Calls held for approval; sending withdraws one (the agent cancelled it).
    held: HashMap<Id, tokio::sync::oneshot::Sender<()>>,
}

pub struct Interceptor {
    policy: PolicyHandle,
    store: Arc<dyn StateStore>,
    session: SessionInfo,
    state: Mutex<SessionState>,
    fail_mode: FailMode,
    audit: Option<AuditSink>,
    pins: Option<Arc<Pins>>,
    /// Numbers our elicitation requests.
    elicitation_seq: std::sync::atomic::AtomicU64,
    /// The out-of-band approval queue (admin API), when the gateway runs one.
    approvals: Option<crate::approvals::ApprovalQueue>,
    /// The groups the caller's credentials carry (refreshed on every authenticated request).
    credential_groups: arc_swap::ArcSwap<Vec<Arc<str>>>,
    /// `--call-timeout`: a forwarded call the server hasn't answered by then is abandoned.
    call_timeout: Option<std::time::Duration>,
    /// Where deferred messages go (attached by the transport once, let go at the end).
    outlets: Mutex<Option<Outlets>>,
}

impl Interceptor {
    pub fn new(policy: PolicyHandle, store: Arc<dyn StateStore>, session: SessionInfo) -> Self {
        Interceptor {
            credential_groups: arc_swap::ArcSwap::from_pointee(session.groups.clone()),
            policy,
            store,
            session,
            state: Mutex::new(SessionState::default()),
            fail_mode: FailMode::Closed,
            audit: None,
            pins: None,
            elicitation_seq: std::sync::atomic::AtomicU64::new(1),
            approvals: None,
            call_timeout: None,
            outlets: Mutex::new(None),
        }
    }

    pub fn with_call_timeout(mut self, after: Option<std::time::Duration>) -> Self {
        self.call_timeout = after;
        self
    }

    pub fn with_pins(mut self, pins: Arc<Pins>) -> Self {
        self.pins = Some(pins);
        self
    }

    pub fn with_fail_mode(mut self, mode: FailMode) -> Self {
        self.fail_mode = mode;
        self
    }

    pub fn with_approvals(mut self, queue: crate::approvals::ApprovalQueue) -> Self {
        self.approvals = Some(queue);
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

    /// The answer to a message refused before any policy decision, audited with its kind
    /// (`what`: the tool or method, `?` when unknown).
    fn refuse_message(&self, id: Option<&Id>, what: &str, refused: Refused) -> Bytes {
        if let (Some(a), Some(kind)) = (&self.audit, refused.audit_kind()) {
            let policy = self.policy.current();
            a.refused_message(
                id.map(|i| i.to_string()).as_deref(),
                what,
                kind,
                &refused.message(),
                policy.version(),
            );
        }
        refused.to_response(id)
    }

    /// The negotiated revision as a [`ProtocolVersion`], when known.
    pub(crate) fn revision(&self) -> Option<toolgate_mcp::ProtocolVersion> {
        self.state()
            .protocol_version
            .as_deref()
            .and_then(toolgate_mcp::ProtocolVersion::parse)
    }

    /// The revision a session-less request speaks (2026-07-28 stateless requests carry it in
    /// `_meta`), where no `initialize` will tell.
    pub fn assume_protocol_version(&self, version: &str) {
        self.state().protocol_version = Some(version.to_owned());
    }

    /// The protocol version the server answered `initialize` with, once known.
    pub fn protocol_version(&self) -> Option<String> {
        self.state().protocol_version.clone()
    }

    /// Number of tool calls forwarded and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.state().calls.len()
    }

    /// The caller's groups: those its credentials carry (a JWT claim, an API key's identity)
    /// and those the current policy gives its identity (a reload can change them).
    fn caller_groups<'p>(&'p self, policy: &'p CompiledPolicy) -> Cow<'p, [Arc<str>]> {
        let from_policy = policy.groups_of(&self.session.identity);
        let credential = self.credential_groups.load();
        if credential.is_empty() {
            return Cow::Borrowed(from_policy);
        }
        let mut all: Vec<Arc<str>> = credential.as_ref().clone();
        all.extend(
            from_policy
                .iter()
                .filter(|g| !all.contains(g))
                .cloned()
                .collect::<Vec<_>>(),
        );
        Cow::Owned(all)
    }

    /// The groups the caller's credentials carry now, from the latest authenticated request
    /// of this session: after a reload an API key's identity may have lost a group (or the
    /// key may be gone, which the transport refuses before this), and an open session must
    /// not keep what the caller had when it started.
    pub fn refresh_credentials(&self, groups: &[Arc<str>]) {
        if self.credential_groups.load().as_slice() != groups {
            self.credential_groups.store(Arc::new(groups.to_vec()));
        }
    }

    /// The ids of the tool calls forwarded and not yet answered.
    pub fn in_flight_ids(&self) -> Vec<Id> {
        self.state().calls.keys().cloned().collect()
    }

    /// Handles one frame from the agent.
    pub async fn from_client(&self, frame: Frame) -> Routed {
        let mut routed = Routed::default();
        let bytes = match frame {
            Frame::TooLong { prefix } => {
                let id = best_effort_id(&prefix);
                tracing::warn!(id = ?id, "refused an over-long message from the client");
                routed
                    .to_client
                    .push(self.refuse_message(id.as_ref(), "?", Refused::Oversize));
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
                routed
                    .to_client
                    .push(self.refuse_message(id.as_ref(), "?", Refused::Malformed(e)));
                return routed;
            }
        };
        match incoming {
            Incoming::Message(m) => match self.client_message(m, &mut routed).await {
                Step::Forward(b) => routed.onward.to_server.push(b),
                Step::ForwardCall(p) => {
                    routed.onward.calls.push(p.id().clone());
                    routed.onward.to_server.push(p.into())
                }
                Step::Reply(b) => routed.to_client.push(b),
                Step::Hold(h) => routed.onward.held.push(h),
                Step::Drop => {}
            },
            Incoming::Batch(messages) => {
                // Evaluate element by element; forward the allowed ones as one batch (the
                // original bytes when all are), answer the rest in one batch of our own.
                let total = messages.len();
                let mut forward: Vec<Outbound> = Vec::new();
                let mut replies = Vec::new();
                for m in messages {
                    match self.client_message(m, &mut routed).await {
                        Step::Forward(b) => forward.push(b),
                        Step::ForwardCall(p) => {
                            routed.onward.calls.push(p.id().clone());
                            forward.push(p.into())
                        }
                        Step::Reply(b) => replies.push(b),
                        Step::Hold(h) => routed.onward.held.push(h),
                        Step::Drop => {}
                    }
                }
                if forward.len() == total && routed.onward.held.is_empty() {
                    // Every element passed as it is: the original bytes go on.
                    routed.onward.to_server.push(Outbound::checked(bytes));
                } else if !forward.is_empty() {
                    let parts: Vec<&[u8]> = forward.iter().map(Outbound::as_bytes).collect();
                    routed
                        .onward
                        .to_server
                        .push(Outbound::checked(join_batch(&parts)));
                }
                if !replies.is_empty() {
                    routed.to_client.push(join_batch(&replies));
                }
            }
        }
        routed
    }

    async fn client_message(&self, m: Message, routed: &mut Routed) -> Step {
        if let Kind::Request { id, method } = m.kind() {
            if let Some(refused) = refuse_request_shape(id, method) {
                return Step::Reply(self.refuse_message(Some(id), method, refused));
            }
            if self.state().requests.contains(id) {
                tracing::warn!(%id, %method, "refused a request reusing an id still in flight");
                let refused = Refused::DuplicateId(id.clone());
                return Step::Reply(self.refuse_message(Some(id), method, refused));
            }
        }
        let request_id = match m.kind() {
            Kind::Request { id, .. } => Some(id.clone()),
            _ => None,
        };
        let step = self.route_client_message(m).await;
        // A held call's id stays taken while it waits, like a forwarded call's.
        if let (Some(id), Step::Forward(_) | Step::ForwardCall(_) | Step::Hold(_)) =
            (request_id, &step)
        {
            self.state().requests.insert(id.clone());
            routed.awaited.push(id);
        }
        step
    }

    async fn route_client_message(&self, m: Message) -> Step {
        match m.kind().clone() {
            Kind::Request { id, method } if method == TOOLS_CALL => self.tool_call(id, m).await,
            Kind::Request { id, method } if is_disguised_tool_call(&method) => {
                tracing::warn!(%method, "refused a method spelled like tools/call");
                let refused = Refused::DisguisedMethod(method.clone());
                Step::Reply(self.refuse_message(Some(&id), &method, refused))
            }
            Kind::Request { id, method } => {
                let mut st = self.state();
                if method == TOOLS_LIST {
                    st.lists.insert(id);
                } else if method == "initialize" {
                    st.initialize = Some(id);
                    st.client_elicits = declares_form_elicitation(m.params());
                }
                Step::Forward(Outbound::checked(m.raw().clone()))
            }
            Kind::Notification { method }
                if method == TOOLS_CALL || is_disguised_tool_call(&method) =>
            {
                // A tool call without an id can't be answered, so it can't be refused
                // visibly either: drop it rather than let a server run it unchecked.
                tracing::warn!(%method, "dropped a tools/call sent as a notification");
                let tool = m
                    .params()
                    .and_then(|p| p.get("name"))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(&method)
                    .to_owned();
                if let Some(a) = &self.audit {
                    a.refused_message(
                        None,
                        &tool,
                        "notification_call",
                        "a tools/call sent as a notification (no id to answer) was dropped",
                        self.policy.current().version(),
                    );
                }
                Step::Drop
            }
            Kind::Notification { method } => {
                if method == "notifications/cancelled" {
                    self.client_cancelled(&m).await;
                }
                Step::Forward(Outbound::checked(m.raw().clone()))
            }
            Kind::Response { id: Some(id), .. } if self.state().elicitations.contains_key(&id) => {
                // The answer to our own approval question: never the server's business.
                if let Some(tx) = self.state().elicitations.remove(&id) {
                    let _ = tx.send(m.value().clone());
                }
                Step::Drop
            }
            Kind::Response { .. } => Step::Forward(Outbound::checked(m.raw().clone())),
        }
    }
}

/// Whether `initialize` params declare form elicitation: `elicitation: {}` (2025-06-18) or
/// `elicitation: {form: {}}` (2025-11-25; `{url: {}}` alone is not enough to ask a question).
fn declares_form_elicitation(params: Option<&serde_json::Value>) -> bool {
    match params
        .and_then(|p| p.get("capabilities"))
        .and_then(|c| c.get("elicitation"))
        .and_then(serde_json::Value::as_object)
    {
        Some(e) => e.is_empty() || e.contains_key("form"),
        None => false,
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
fn refuse_request_shape(id: &Id, method: &str) -> Option<Refused> {
    if let Id::Number(n) = id
        && !(n.is_i64() || n.is_u64())
    {
        return Some(Refused::NonIntegerId(n.to_string()));
    }
    if method.is_empty() || !method.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Some(Refused::BadMethodName);
    }
    None
}

fn join_batch<T: AsRef<[u8]>>(items: &[T]) -> Bytes {
    let len = items.iter().map(|i| i.as_ref().len()).sum::<usize>() + items.len() + 1;
    let mut out = BytesMut::with_capacity(len);
    out.put_u8(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        out.extend_from_slice(item.as_ref());
    }
    out.put_u8(b']');
    out.freeze()
}
