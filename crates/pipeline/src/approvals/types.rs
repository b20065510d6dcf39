//! The vocabulary of the approval queue: what the pipeline submits ([`NewApproval`]), what it
//! gets back ([`Decision`]), who answers ([`Approver`]) and why an answer is refused
//! ([`AnswerError`]). Kept apart from the queue so the admin API and the pipeline can name
//! these types without reading the queue's machinery.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use toolgate_audit::ApprovalStage;

/// Whether an approval also covers identical later calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remember {
    /// Identical calls in the same session, until the session ends
    /// ([`super::ApprovalQueue::forget_session`]).
    Session,
    /// Identical calls in any session of the same identity, for this long after the answer.
    For(Duration),
}

impl Remember {
    /// `session` or `<seconds>s`, as shown to approvers and written to the audit log.
    pub fn label(self) -> String {
        match self {
            Remember::Session => "session".to_string(),
            Remember::For(d) => format!("{}s", d.as_secs()),
        }
    }
}

/// A call waiting for a person.
#[derive(Debug, Clone)]
pub struct NewApproval {
    /// Who made the call (can't approve it).
    pub identity: String,
    pub groups: Vec<Arc<str>>,
    pub session: String,
    pub tool: String,
    /// The call's arguments: bound by digest, shown to approvers in full.
    pub arguments: Value,
    pub policy_version: String,
    /// The label of the rule that asked for approval.
    pub rule: String,
    pub reason: Option<String>,
    /// Who may answer: identities (`alice`) and groups (`group:sre`). Empty: anyone the
    /// approver authenticator accepts, except the caller.
    pub approvers: Vec<String>,
    pub remember: Option<Remember>,
    /// How long the call may wait (the caller decides the default, 300 s).
    pub timeout: Duration,
}

/// How a request ended. Every receiver gets exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    Approved {
        by: String,
        comment: Option<String>,
    },
    Denied {
        /// The person who declined; `None` when nobody did (expiry, withdrawal, reload,
        /// shutdown).
        by: Option<String>,
        why: DeniedWhy,
        comment: Option<String>,
    },
}

impl Decision {
    pub fn is_approved(&self) -> bool {
        matches!(self, Decision::Approved { .. })
    }

    /// The audit step this decision is recorded as.
    pub(crate) fn stage(&self) -> ApprovalStage {
        match self {
            Decision::Approved { .. } => ApprovalStage::Approved,
            Decision::Denied { why, .. } => why.stage(),
        }
    }
}

/// Why a request was denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeniedWhy {
    /// An approver said no.
    Declined,
    /// Nobody answered in time.
    Expired,
    /// The agent cancelled the call or went away.
    Withdrawn,
    /// A policy reload changed the rule the request was asked under.
    PolicyChanged,
    /// The gateway is stopping (pending requests are denied, never approved).
    Shutdown,
}

impl DeniedWhy {
    pub fn as_str(self) -> &'static str {
        match self {
            DeniedWhy::Declined => "declined",
            DeniedWhy::Expired => "expired",
            DeniedWhy::Withdrawn => "withdrawn",
            DeniedWhy::PolicyChanged => "policy_changed",
            DeniedWhy::Shutdown => "shutdown",
        }
    }

    fn stage(self) -> ApprovalStage {
        match self {
            DeniedWhy::Declined => ApprovalStage::Denied,
            DeniedWhy::Expired => ApprovalStage::Expired,
            DeniedWhy::Withdrawn => ApprovalStage::Withdrawn,
            DeniedWhy::PolicyChanged => ApprovalStage::Invalidated,
            DeniedWhy::Shutdown => ApprovalStage::Shutdown,
        }
    }
}

/// Someone answering a request, as the admin API authenticated them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver {
    pub identity: String,
    pub groups: Vec<Arc<str>>,
}

impl Approver {
    /// True when `approvers` (names and `group:NAME`) lets this person answer. An empty
    /// list lets nobody: holding a credential does not make one an approver (the caller is
    /// refused separately, even when listed).
    pub fn may_answer(&self, approvers: &[String]) -> bool {
        approvers.iter().any(|a| match a.strip_prefix("group:") {
            Some(group) => self.groups.iter().any(|g| &**g == group),
            None => *a == self.identity,
        })
    }
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error(
        "no pending approval request has this id (check the id with `toolgate approvals list`)"
    )]
    NotFound,
    #[error(
        "this approval request was already decided (approved, denied, expired or withdrawn); nothing was changed"
    )]
    AlreadyDecided,
    #[error("you made this call: it must be approved by someone else (self-approval is refused)")]
    SelfApproval,
    #[error("you are not an approver of this request; it may be answered by: {}", .allowed.join(", "))]
    NotAnApprover { allowed: Vec<String> },
}

impl AnswerError {
    /// A stable machine-readable name (`error_code` in the admin API's JSON).
    pub fn code(&self) -> &'static str {
        match self {
            AnswerError::NotFound => "not_found",
            AnswerError::AlreadyDecided => "already_decided",
            AnswerError::SelfApproval => "self_approval",
            AnswerError::NotAnApprover { .. } => "not_an_approver",
        }
    }
}
