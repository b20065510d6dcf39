//! The one policy model every input format loads into.
//!
//! Native YAML, Intercept YAML and PolicyLayer JSON all become a [`Policy`]; `policy fmt`
//! prints it back in the native form and the compiler turns it into a matcher. Values here
//! are already validated (limits are positive, regexes compile, paths parse), so later stages
//! never re-check them.

use std::fmt;
use std::num::NonZeroU64;

use crate::diagnostics::Pos;
use crate::fspath::PathPrefix;
use crate::hosts::HostPattern;
use crate::identity::{AuthSettings, Grant, Identity};
use crate::path::ArgPath;

/// Name of the catch-all tool entry.
pub const WILDCARD: &str = "*";

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: String,
    pub description: Option<String>,
    pub default: DefaultAction,
    /// Tool names and `*` globs that are never listed and answer "unknown tool".
    pub hide: Vec<String>,
    /// Entries in file order; at most one per name, `*` included.
    pub tools: Vec<ToolEntry>,
    /// What happens when a server changes a pinned tool, or shows a new one.
    pub drift: Drift,
    /// Callers known by name (API-key hashes, groups); empty when the section is absent.
    pub identities: Vec<Identity>,
    /// How HTTP callers authenticate beyond API keys; `None` when absent or empty.
    pub auth: Option<AuthSettings>,
    /// `None`: no `grants` section, every caller is judged by `tools` alone. `Some` (even
    /// empty): a caller may only call tools an applicable grant opens.
    pub grants: Option<Vec<Grant>>,
    /// Who may answer approval requests of rules that name no approvers of their own
    /// (identity names and `group:NAME`). Holding an API key does not make one an approver.
    pub approvers: Vec<String>,
}

/// The policy's answer to tool drift (a definition that differs from its pin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Drift {
    /// Hide the tool and refuse its calls until `toolgate pin --accept` (default).
    #[default]
    Block,
    /// Log it and carry on.
    Warn,
    /// Ignore pins.
    Allow,
}

impl Drift {
    pub fn as_str(self) -> &'static str {
        match self {
            Drift::Block => "block",
            Drift::Warn => "warn",
            Drift::Allow => "allow",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DefaultAction {
    Allow,
    #[default]
    Deny,
}

#[derive(Debug, Clone)]
pub struct ToolEntry {
    pub name: String,
    pub rules: Vec<Rule>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub name: Option<String>,
    pub action: Action,
    /// All must hold (AND). Empty means "always".
    pub when: Vec<Condition>,
    pub reason: Option<String>,
    pub limits: Vec<Limit>,
    /// Give the counters back when the tool answers `isError: true`.
    pub refund_on_error: bool,
    /// For `approve` rules: who approves, how long the call waits, what an approval covers.
    pub approval: Approval,
    pub pos: Pos,
}

/// How an `approve` rule asks for a person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Approval {
    /// Who may approve: identity names and `group:NAME`. Empty: the policy's top-level
    /// `approvers`; never the caller.
    pub approvers: Vec<String>,
    /// An approval also covers identical calls: for the session, or for some seconds.
    pub remember: Option<Remember>,
    /// Seconds the call waits for an answer ([`DEFAULT_APPROVAL_TIMEOUT_S`] when absent).
    pub timeout: Option<u64>,
    /// Where the person is asked.
    pub via: ApprovalVia,
}

/// Where an approval question goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApprovalVia {
    /// The out-of-band queue (admin API, `toolgate approvals`, the web page), answered by
    /// a named approver other than the caller.
    #[default]
    Queue,
    /// The caller's own MCP client (form elicitation). The operator trusts the client
    /// application to show the question to a person: a headless agent can answer it
    /// itself, so this is never a default.
    Session,
}

impl ApprovalVia {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalVia::Queue => "queue",
            ApprovalVia::Session => "session",
        }
    }
}

/// How long one approval covers identical calls (same identity, tool, arguments, policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remember {
    Session,
    For(u64),
}

/// How long a call waits for a person when the rule doesn't say.
pub const DEFAULT_APPROVAL_TIMEOUT_S: u64 = 300;

// Equality is about meaning: where a rule was written (`pos`) doesn't count.
impl PartialEq for ToolEntry {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.rules == other.rules
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.action == other.action
            && self.when == other.when
            && self.reason == other.reason
            && self.limits == other.limits
            && self.refund_on_error == other.refund_on_error
            && self.approval == other.approval
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Terminal: the call is allowed when `when` holds.
    Allow,
    /// Terminal: the call is denied when `when` holds.
    Deny,
    /// Terminal: a person must approve the call when `when` holds.
    Approve,
    /// A check (Intercept's default): when `when` fails the call is denied, otherwise its
    /// limits are counted and evaluation continues with the next rule.
    Evaluate,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Deny => "deny",
            Action::Approve => "approve",
            Action::Evaluate => "evaluate",
        }
    }

    pub fn is_terminal(self) -> bool {
        !matches!(self, Action::Evaluate)
    }
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub path: ArgPath,
    pub op: Op,
    /// The operand as written (`None` only for `exists` without a value).
    pub value: Option<serde_json::Value>,
    /// Compiled once at load for `regex`.
    pub regex: Option<regex::Regex>,
    /// Compiled once at load for the path and host operators.
    pub matcher: Option<Matcher>,
    pub pos: Pos,
}

impl PartialEq for Condition {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.op == other.op && self.value == other.value
    }
}

/// The operand of `path_under`/`path_not_under` or `host_in`/`host_not_in`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    Paths(Vec<PathPrefix>),
    Hosts(Vec<HostPattern>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Neq,
    In,
    NotIn,
    Lt,
    Lte,
    Gt,
    Gte,
    Regex,
    Contains,
    Exists,
    /// The argument, a canonical absolute path, is equal to or under one of the prefixes.
    PathUnder,
    PathNotUnder,
    /// The argument, a URL, has a host (and scheme) one of the patterns matches.
    HostIn,
    HostNotIn,
}

impl Op {
    pub const ALL: [Op; 15] = [
        Op::Eq,
        Op::Neq,
        Op::In,
        Op::NotIn,
        Op::Lt,
        Op::Lte,
        Op::Gt,
        Op::Gte,
        Op::Regex,
        Op::Contains,
        Op::Exists,
        Op::PathUnder,
        Op::PathNotUnder,
        Op::HostIn,
        Op::HostNotIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Neq => "neq",
            Op::In => "in",
            Op::NotIn => "not_in",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Regex => "regex",
            Op::Contains => "contains",
            Op::Exists => "exists",
            Op::PathUnder => "path_under",
            Op::PathNotUnder => "path_not_under",
            Op::HostIn => "host_in",
            Op::HostNotIn => "host_not_in",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == s)
    }
}

/// A counter a rule reserves against when it lets a call through.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// Explicit counter name (PolicyLayer, `spend.counter`); otherwise derived from the rule.
    pub counter: Option<String>,
    pub amount: Amount,
    /// Inclusive maximum per window and scope; always > 0 and finite.
    pub max: f64,
    pub window: Window,
    pub scope: Scope,
    /// Which surface syntax it came from, so `fmt` prints it back the same way.
    pub style: LimitStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitStyle {
    RateLimit,
    Spend,
    List,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A fixed amount per call; a plain rate limit is `Fixed(1.0)`.
    Fixed(f64),
    /// Read from the call's arguments; must be a finite, non-negative number.
    FromArg(ArgPath),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    /// Fixed windows aligned to UTC calendar boundaries.
    Calendar(CalendarUnit),
    /// A sliding window of this many seconds.
    Rolling(NonZeroU64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarUnit {
    Minute,
    Hour,
    Day,
}

impl CalendarUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarUnit::Minute => "minute",
            CalendarUnit::Hour => "hour",
            CalendarUnit::Day => "day",
        }
    }

    pub fn seconds(self) -> u64 {
        match self {
            CalendarUnit::Minute => 60,
            CalendarUnit::Hour => 3600,
            CalendarUnit::Day => 86_400,
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Calendar(u) => f.write_str(u.as_str()),
            Window::Rolling(s) => write!(f, "{s}s"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Scope {
    /// Per MCP session. Over HTTP a caller opens sessions at will, so it can reset such a
    /// limit; never the default.
    Session,
    /// Per identity (the caller's grant): the default, since a caller can't reset it.
    #[default]
    Grant,
    /// Per tool name, shared by every caller.
    Tool,
    /// One counter for everything that uses it.
    Global,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Session, Scope::Grant, Scope::Tool, Scope::Global];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Session => "session",
            Scope::Grant => "grant",
            Scope::Tool => "tool",
            Scope::Global => "global",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|sc| sc.as_str() == s)
    }
}
