//! What is recorded: the events the gateway hands over ([`DecisionEvent`], [`OutcomeEvent`])
//! and the on-disk [`Record`], one JSON object per line.
//!
//! Field order is fixed by the struct (serde writes fields in declaration order), optional
//! fields are left out when empty, and `prev` then `hash` always come last, so a line's
//! bytes are a function of its content and the chain can be checked byte for byte.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Version of the record format, written as `"v"`.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    /// The policy's verdict on one `tools/call`.
    #[default]
    Decision,
    /// What happened to a forwarded call (linked to its decision by `call`).
    Outcome,
    /// The chain head, signed when the log has a key.
    Checkpoint,
    /// First record of a file after rotation; `prev` is the last hash of the previous file.
    Rotation,
    /// Written after the writer repaired the file (a torn last line, records lost to a
    /// failed write), so the gap is visible in the log itself.
    Recovery,
    /// A step in the life of a human-approval request (see [`ApprovalStage`]), linked to
    /// the other steps of the same request by `approval_id`.
    Approval,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Decision => "decision",
            RecordType::Outcome => "outcome",
            RecordType::Checkpoint => "checkpoint",
            RecordType::Rotation => "rotation",
            RecordType::Recovery => "recovery",
            RecordType::Approval => "approval",
        }
    }
}

/// The policy's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Allow,
    Deny,
    /// A person was asked (see `approval` / `approver`).
    Approve,
    /// Hidden or unknown tool, answered with `-32602`.
    UnknownTool,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Deny => "deny",
            Verdict::Approve => "approve",
            Verdict::UnknownTool => "unknown_tool",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        [
            Verdict::Allow,
            Verdict::Deny,
            Verdict::Approve,
            Verdict::UnknownTool,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// What became of a forwarded call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// A result without `isError`.
    Ok,
    /// A result with `isError: true`.
    IsError,
    /// A JSON-RPC error response.
    Error,
    /// The upstream connection or process failed.
    TransportError,
    Timeout,
    /// The client cancelled the call.
    Cancelled,
}

impl CallOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::IsError => "is_error",
            CallOutcome::Error => "error",
            CallOutcome::TransportError => "transport_error",
            CallOutcome::Timeout => "timeout",
            CallOutcome::Cancelled => "cancelled",
        }
    }
}

/// How a record keeps a call's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArgsMode {
    /// As sent.
    Full,
    /// As sent, except values at marked paths and under secret-looking keys, which become
    /// `{"sha256": <salted hash>}`.
    #[default]
    Redacted,
    /// Only `{"sha256": <salted hash of the canonical arguments>}`.
    Hash,
    /// Nothing.
    None,
}

/// Who called what, where: shared by a call's decision and outcome records.
#[derive(Debug, Clone, Default)]
pub struct CallInfo {
    /// Links the outcome to the decision; unique within the log (e.g. `session/request-id`).
    pub call_id: String,
    pub identity: Arc<str>,
    pub session: Arc<str>,
    /// `stdio`, `http`, …
    pub transport: Arc<str>,
    /// The upstream server's name.
    pub server: Arc<str>,
    pub tool: String,
}

/// One counter a decision reserved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterUse {
    pub key: String,
    pub amount: f64,
    pub max: f64,
}

/// The decision on one call, recorded before the call is forwarded or refused.
#[derive(Debug, Clone)]
pub struct DecisionEvent {
    pub call: CallInfo,
    /// The call's `arguments`; kept according to the log's [`ArgsMode`].
    pub arguments: Option<Value>,
    pub verdict: Verdict,
    /// Machine-readable refusal kind (`deny`, `rate_limited`, `approval_denied`,
    /// `invalid_arguments`, `drift`, …).
    pub kind: Option<String>,
    pub rule: Option<String>,
    pub reason: Option<String>,
    pub counters: Vec<CounterUse>,
    /// How approval was obtained (`elicitation`, `queue`, …); reserved.
    pub approval: Option<String>,
    pub approver: Option<String>,
    /// The policy's version hash.
    pub policy_version: String,
}

/// The outcome of a forwarded call.
#[derive(Debug, Clone)]
pub struct OutcomeEvent {
    pub call: CallInfo,
    pub outcome: CallOutcome,
    /// From forwarding to the upstream's answer.
    pub latency: Option<Duration>,
    /// A short description for `error`, `transport_error`, `timeout`.
    pub error: Option<String>,
}

/// What happened to an approval request, written as `"event"` on an `approval` record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStage {
    /// The call was put in the queue to wait for a person.
    Requested,
    /// A person approved it (`approver`, `comment`).
    Approved,
    /// A person declined it (`approver`, `comment`).
    Denied,
    /// Nobody answered before its timeout.
    Expired,
    /// The agent gave up (cancelled the call, or went away).
    Withdrawn,
    /// A policy reload changed what the request was asked under.
    Invalidated,
    /// The gateway stopped with the request still pending.
    Shutdown,
}

impl ApprovalStage {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStage::Requested => "requested",
            ApprovalStage::Approved => "approved",
            ApprovalStage::Denied => "denied",
            ApprovalStage::Expired => "expired",
            ApprovalStage::Withdrawn => "withdrawn",
            ApprovalStage::Invalidated => "invalidated",
            ApprovalStage::Shutdown => "shutdown",
        }
    }
}

/// One step of an approval request. Every step carries who asked for what (so a single
/// record reads on its own); the arguments only on `requested`.
#[derive(Debug, Clone)]
pub struct ApprovalAuditEvent {
    pub stage: ApprovalStage,
    /// The request's id, shared by all its steps.
    pub approval_id: String,
    /// Who made the call.
    pub identity: String,
    pub session: String,
    pub tool: String,
    /// The call's arguments (`requested` only); kept according to the log's [`ArgsMode`].
    pub arguments: Option<Value>,
    /// SHA-256 (hex) of the canonical arguments: what an approval is bound to. Written only
    /// when the log keeps arguments in full: an unsalted digest of arguments that are
    /// otherwise redacted would let a reader confirm a guessed secret.
    pub args_digest: String,
    /// The rule that asked for approval, and its reason.
    pub rule: Option<String>,
    pub reason: Option<String>,
    /// Who may answer (`requested` only): names and `group:NAME`; empty means any approver
    /// but the caller.
    pub approvers: Vec<String>,
    /// Who answered (`approved`, `denied`).
    pub approver: Option<String>,
    pub comment: Option<String>,
    /// When the request expires (RFC 3339; `requested` only).
    pub expires: Option<String>,
    /// `session` or `<seconds>s` when an approval also covers identical later calls.
    pub remember: Option<String>,
    pub policy_version: String,
}

/// What the gateway hands to [`crate::AuditHandle::record`].
#[derive(Debug, Clone)]
pub enum AuditEvent {
    Decision(DecisionEvent),
    Outcome(OutcomeEvent),
    Approval(ApprovalAuditEvent),
}

impl From<DecisionEvent> for AuditEvent {
    fn from(e: DecisionEvent) -> Self {
        AuditEvent::Decision(e)
    }
}

impl From<OutcomeEvent> for AuditEvent {
    fn from(e: OutcomeEvent) -> Self {
        AuditEvent::Outcome(e)
    }
}

impl From<ApprovalAuditEvent> for AuditEvent {
    fn from(e: ApprovalAuditEvent) -> Self {
        AuditEvent::Approval(e)
    }
}

fn is_empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// One line of the log. Unknown fields are ignored when reading, so newer writers stay
/// readable by older query tools (the hash chain covers them regardless).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub v: u32,
    pub seq: u64,
    /// RFC 3339 UTC with microseconds.
    pub time: String,
    #[serde(rename = "type")]
    pub record_type: RecordType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_mode: Option<ArgsMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub counters: Vec<CounterUse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CallOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_us: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Approval: which step of the request this record is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<ApprovalStage>,
    /// Approval: the request's id (links its steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_id: Option<String>,
    /// Approval: SHA-256 of the canonical arguments (only when arguments are kept in full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args_digest: Option<String>,
    /// Approval: who may answer (`requested`).
    #[serde(default, skip_serializing_if = "is_empty")]
    pub approvers: Vec<String>,
    /// Approval: the approver's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Approval: when the request expires (`requested`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Approval: how long an approval covers identical calls (`session`, `600s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remember: Option<String>,
    /// Checkpoint: the Ed25519 public key (hex) that made `sig`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Checkpoint: signature (hex) over [`crate::keys::checkpoint_message`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
    /// Rotation: file name of the previous segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Recovery: what was repaired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Recovery: records that could not be written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost: Option<u64>,
    /// Recovery: length and SHA-256 of a torn last line that was cut off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torn_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torn_sha256: Option<String>,
    /// SHA-256 (hex) of the previous line's exact bytes; 64 zeros for the first record.
    pub prev: String,
    /// SHA-256 (hex) of this line's bytes without the `hash` member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

impl Record {
    /// A record with the chain fields set and everything else empty.
    pub fn new(seq: u64, time: String, record_type: RecordType, prev: String) -> Self {
        Record {
            v: FORMAT_VERSION,
            seq,
            time,
            record_type,
            prev,
            ..Record::default()
        }
    }

    /// Fills the call fields shared by decisions and outcomes.
    pub(crate) fn with_call(mut self, call: CallInfo) -> Self {
        self.call = Some(call.call_id);
        self.identity = Some(call.identity.to_string());
        self.session = Some(call.session.to_string());
        self.transport = Some(call.transport.to_string());
        self.server = Some(call.server.to_string());
        self.tool = Some(call.tool);
        self
    }
}
