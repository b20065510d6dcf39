//! Every answer the pipeline makes up itself, and the one place each becomes bytes on the
//! wire (agentgateway's `ProxyError::as_reason` is the pattern): a tool call the policy
//! refused is a normal `CallToolResult` with `isError: true` ([`Refusal`], kind under
//! `_meta["dev.toolgate/decision"]`), so the model can read and adapt; a message refused
//! before any decision, or a failure of the call's transport, is a JSON-RPC error
//! ([`Refused`]). Adding a variant forces its code, message and audit kind to be chosen here.

use bytes::Bytes;
use serde_json::{Value, json};
use toolgate_mcp::wire::{
    HEADER_MISMATCH, INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, UNSUPPORTED_PROTOCOL_VERSION,
    error_response, parse_error_response, tool_denial,
};
use toolgate_mcp::{Id, ParseError};
use toolgate_policy::RuleRef;

/// A message refused, or a call failed, before or outside any policy decision.
#[derive(Debug)]
pub enum Refused {
    /// From the agent: over `--max-message-bytes`.
    Oversize,
    /// From the agent: the strict parser refused it.
    Malformed(ParseError),
    /// A fractional or exponent numeric id (`1.0` equals `1` for a JavaScript server).
    NonIntegerId(String),
    /// A method name with spaces or non-printable characters.
    BadMethodName,
    /// The id of a request still in flight.
    DuplicateId(Id),
    /// `Tools/Call`, `tools/call ` and other spellings a lenient server would route.
    DisguisedMethod(String),
    /// `tools/call` whose params are not a tool call.
    NotAToolCall,
    /// A number the gateway can't compare as written.
    InexactNumber(String),
    /// A hidden tool: answered as if it did not exist.
    UnknownTool(String),
    /// From the server: over `--max-message-bytes`.
    ServerOversize,
    /// From the server: the strict parser refused its answer.
    ServerMalformed(String),
    /// From the server: a `tools/list` answer that could not be filtered.
    ListUncheckable(String),
    /// The call was given up (`--call-timeout`) or its server or session went away.
    CallFailed(String),
    /// 2026-07-28: routing headers that disagree with the body.
    HeaderMismatch(String),
    /// 2026-07-28: a stateless request to a server that needs a session; the revisions it
    /// speaks, and the one the request asked for.
    NeedsSession {
        supported: Vec<&'static str>,
        requested: Option<String>,
    },
}

impl Refused {
    /// The JSON-RPC error code: -32600 for requests we refuse to carry, -32602 for bad
    /// parameters (and unknown tools, as the spec asks), the parser's own code for what it
    /// refused, -32603 for what went wrong on the server's side.
    pub fn code(&self) -> i64 {
        match self {
            Refused::Malformed(e) => e.code(),
            Refused::Oversize
            | Refused::NonIntegerId(_)
            | Refused::BadMethodName
            | Refused::DuplicateId(_)
            | Refused::DisguisedMethod(_) => INVALID_REQUEST,
            Refused::NotAToolCall | Refused::InexactNumber(_) | Refused::UnknownTool(_) => {
                INVALID_PARAMS
            }
            Refused::ServerOversize
            | Refused::ServerMalformed(_)
            | Refused::ListUncheckable(_)
            | Refused::CallFailed(_) => INTERNAL_ERROR,
            Refused::HeaderMismatch(_) => HEADER_MISMATCH,
            Refused::NeedsSession { .. } => UNSUPPORTED_PROTOCOL_VERSION,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refused::Oversize => {
                "message exceeds the size limit (--max-message-bytes); it was not forwarded".into()
            }
            Refused::Malformed(e) => e.message(),
            Refused::NonIntegerId(n) => {
                format!("request id {n} is refused: numeric ids must be integers")
            }
            Refused::BadMethodName => "method names must be printable ASCII without spaces".into(),
            Refused::DuplicateId(id) => {
                format!("request id {id} is already in flight; ids must be unique")
            }
            Refused::DisguisedMethod(m) => {
                format!("method `{m}` is refused: it is a variant spelling of `tools/call`")
            }
            Refused::NotAToolCall => "not a tool call".into(),
            Refused::InexactNumber(n) => format!(
                "number {n} is not exactly the value toolgate reads it as (a 64-bit float); send it as the shortest decimal that reads back as the same float, at most 17 significant digits"
            ),
            Refused::UnknownTool(name) => format!("Unknown tool: {name}"),
            Refused::ServerOversize => {
                "the server's response exceeds the size limit (--max-message-bytes)".into()
            }
            Refused::ServerMalformed(why) => format!("the server sent a malformed response: {why}"),
            Refused::ListUncheckable(why) => {
                format!("the server's tools/list response could not be checked: {why}")
            }
            Refused::CallFailed(why) | Refused::HeaderMismatch(why) => why.clone(),
            Refused::NeedsSession { .. } => "this gateway's server needs a session: send `initialize` with one of the supported versions".into(),
        }
    }

    /// The `kind` an audit record of a refused message carries (`None`: not a refusal of
    /// the agent's message, nothing to audit as one).
    pub fn audit_kind(&self) -> Option<&'static str> {
        match self {
            Refused::Oversize => Some("oversize"),
            Refused::Malformed(_)
            | Refused::NonIntegerId(_)
            | Refused::BadMethodName
            | Refused::NotAToolCall
            | Refused::InexactNumber(_) => Some("malformed"),
            Refused::DuplicateId(_) => Some("duplicate_id"),
            Refused::DisguisedMethod(_) => Some("disguised_method"),
            Refused::UnknownTool(_)
            | Refused::ServerOversize
            | Refused::ServerMalformed(_)
            | Refused::ListUncheckable(_)
            | Refused::CallFailed(_)
            | Refused::HeaderMismatch(_)
            | Refused::NeedsSession { .. } => None,
        }
    }

    /// The JSON-RPC error response (`id` null when none could be read).
    pub fn to_response(&self, id: Option<&Id>) -> Bytes {
        match self {
            // The parser's error carries the JSON path of what it refused.
            Refused::Malformed(e) => parse_error_response(id, e),
            // A fractional id is answered with `null`: echoing it would answer another
            // request for a JavaScript client.
            Refused::NonIntegerId(_) => error_response(None, self.code(), &self.message(), None),
            Refused::NeedsSession {
                supported,
                requested,
            } => error_response(
                id,
                self.code(),
                &self.message(),
                Some(&json!({"supported": supported, "requested": requested})),
            ),
            _ => error_response(id, self.code(), &self.message(), None),
        }
    }
}

/// The `kind` values of a refused tool call an agent (or a test) can branch on.
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
    /// The session's negotiated revision: the result carries what it requires.
    pub revision: Option<toolgate_mcp::ProtocolVersion>,
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
        tool_denial(id, &text, &self.details(), self.revision)
    }
}
