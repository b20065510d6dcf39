//! What a refused call looks like to the agent: a `CallToolResult` with `isError: true`, the
//! text `Denied by policy: <reason>`, and details under `_meta["dev.toolgate/decision"]`.

use bytes::Bytes;
use serde_json::{Value, json};
use toolgate_mcp::Id;
use toolgate_mcp::wire::tool_denial;
use toolgate_policy::RuleRef;

/// The `kind` values an agent (or a test) can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Deny,
    RateLimited,
    ApprovalDenied,
    InvalidArguments,
    Drift,
}

impl RefusalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::Deny => "deny",
            RefusalKind::RateLimited => "rate_limited",
            RefusalKind::ApprovalDenied => "approval_denied",
            RefusalKind::InvalidArguments => "invalid_arguments",
            RefusalKind::Drift => "drift",
        }
    }
}

pub struct Refusal<'a> {
    pub kind: RefusalKind,
    pub tool: &'a str,
    pub reason: &'a str,
    pub rule: Option<&'a RuleRef>,
    pub retry_after_s: Option<u64>,
    pub policy_version: &'a str,
}

impl Refusal<'_> {
    pub fn details(&self) -> Value {
        let mut d = json!({
            "kind": self.kind.as_str(),
            "tool": self.tool,
            "reason": self.reason,
            "rule": self.rule.map(RuleRef::label),
            "policy_version": self.policy_version,
        });
        if let Some(s) = self.retry_after_s {
            d["retry_after_s"] = json!(s);
        }
        d
    }

    pub fn to_response(&self, id: &Id) -> Bytes {
        let text = match self.retry_after_s {
            Some(s) => format!("Denied by policy: {} (retry after {s} s)", self.reason),
            None => format!("Denied by policy: {}", self.reason),
        };
        tool_denial(id, &text, &self.details())
    }
}
