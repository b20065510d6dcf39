//! What approvers see: a pending request with its arguments in full ([`ApprovalView`]), a
//! decision with the request it ended ([`DecidedView`]), and the live events
//! ([`ApprovalEvent`]) the admin API streams. All of it serialises to the JSON the admin API,
//! the CLI and the web page read, so the field names here are that API.

use serde::Serialize;
use serde_json::Value;

use super::types::Decision;

/// One pending request as shown to approvers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalView {
    /// Unguessable and URL-safe (32 hex digits).
    pub id: String,
    /// Who made the call.
    pub identity: String,
    pub session: String,
    pub tool: String,
    /// The call's arguments exactly as they will run: an approver must see what they
    /// approve (a masked value could hide a command). Approvers are trusted with them;
    /// the audit log redacts them on its own terms.
    pub arguments: Value,
    /// SHA-256 (hex) of the canonical arguments (sorted keys, no whitespace): what an
    /// approval is bound to.
    pub args_digest: String,
    /// The rule that asked for approval, and its reason.
    pub rule: String,
    pub reason: Option<String>,
    /// Who may answer (names and `group:NAME`; never the caller).
    pub approvers: Vec<String>,
    /// `session` or `<seconds>s` when approving also covers identical later calls.
    pub remember: Option<String>,
    pub policy_version: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub expires_at: String,
    /// Seconds left when this view was taken, so a page needn't trust the browser's clock.
    pub expires_in_s: u64,
}

/// A decision together with the request it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecidedView {
    pub id: String,
    pub identity: String,
    pub tool: String,
    #[serde(flatten)]
    pub decision: Decision,
}

/// What [`super::ApprovalQueue::subscribe`] delivers.
#[derive(Debug, Clone, PartialEq)]
pub enum ApprovalEvent {
    /// A request joined the queue.
    New(ApprovalView),
    /// A request left it (answered, expired, withdrawn, invalidated, shut down).
    Decided(DecidedView),
}

impl ApprovalEvent {
    /// The SSE event name (`new` or `decided`).
    pub fn name(&self) -> &'static str {
        match self {
            ApprovalEvent::New(_) => "new",
            ApprovalEvent::Decided(_) => "decided",
        }
    }

    /// The SSE data: the view or the decision as JSON on one line.
    pub fn to_json(&self) -> String {
        let json = match self {
            ApprovalEvent::New(v) => serde_json::to_string(v),
            ApprovalEvent::Decided(d) => serde_json::to_string(d),
        };
        // Plain strings and JSON values only: serialising can't fail.
        json.unwrap_or_else(|_| "{}".to_string())
    }
}
