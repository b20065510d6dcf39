//! Policy test cases (`toolgate policy test`): calls with the decision an operator expects,
//! in YAML (or JSON), located so every problem is reported as `FILE:LINE:COL`.
//!
//! ```yaml
//! policy: support.yaml            # relative to this file; `--policy` overrides
//! cases:
//!   - name: small refunds go through
//!     tool: createRefund
//!     args: {amount: 50}
//!     identity: alice             # default `local`
//!     expect: allow               # allow | approve | deny | invalid_arguments | rate_limited | unknown_tool
//!     rule: createRefund#2        # optional: the rule that must decide (name or entry#N)
//!   - name: the fourth search in a minute is limited
//!     before:                     # calls made first; their outcomes are not checked
//!       - {tool: search, times: 3}
//!     wait_s: 10                  # optional: seconds that pass before the checked call
//!     tool: search
//!     expect: rate_limited
//! ```
//!
//! Each case starts from empty counters, so cases never depend on each other's order.

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, suggest};
use crate::source::{Node, NodeKind, parse_document};

/// What a call can come to, as the agent would read it.
pub const OUTCOMES: &[&str] = &[
    "allow",
    "approve",
    "deny",
    "invalid_arguments",
    "rate_limited",
    "unknown_tool",
];

/// Most calls one `before` entry may repeat: enough for any realistic limit, small enough
/// that a typo can't make a test run for minutes.
pub const MAX_TIMES: u64 = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct CasesFile {
    /// The `policy:` key as written (relative to the cases file), if any.
    pub policy: Option<String>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    /// Where the case starts in its file, for failure lines.
    pub pos: Pos,
    pub call: Call,
    pub before: Vec<(Call, u64)>,
    pub wait_s: u64,
    pub expect: &'static str,
    pub rule: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub identity: String,
    pub tool: String,
    /// The arguments' JSON text (numbers as written, so inexact ones are refused as the
    /// gateway refuses them).
    pub args: String,
}

const CASE_KEYS: &[&str] = &[
    "name", "tool", "args", "identity", "expect", "rule", "before", "wait_s",
];
const BEFORE_KEYS: &[&str] = &["tool", "args", "identity", "times"];

/// Parses a cases file; every problem is returned at once.
pub fn parse_cases(text: &str) -> Result<CasesFile, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let root = parse_document(text, &mut diags);
    let mut file = CasesFile {
        policy: None,
        cases: Vec::new(),
    };
    match root.as_ref().map(|n| &n.kind) {
        Some(NodeKind::Map(entries)) => {
            for (key, value) in entries {
                match key.text.as_str() {
                    "policy" => file.policy = string(value, "policy", &mut diags),
                    "cases" => match &value.kind {
                        NodeKind::Seq(items) => {
                            for item in items {
                                if let Some(case) = case(item, file.cases.len(), &mut diags) {
                                    file.cases.push(case);
                                }
                            }
                        }
                        _ => diags.error(value.pos, "`cases` must be a list of cases"),
                    },
                    other => unknown_key(other, key.pos, &["policy", "cases"], &mut diags),
                }
            }
            if file.cases.is_empty() && !diags.has_errors() {
                diags.error(Pos { line: 1, col: 1 }, "no cases: add a `cases:` list");
            }
        }
        Some(_) => diags.error(
            root.as_ref().map_or(Pos { line: 1, col: 1 }, |n| n.pos),
            "a cases file is a mapping with `cases:` (and optionally `policy:`)",
        ),
        None if !diags.has_errors() => {
            diags.error(Pos { line: 1, col: 1 }, "the cases file is empty")
        }
        None => {}
    }
    if diags.has_errors() {
        Err(diags.sorted())
    } else {
        Ok(file)
    }
}

fn case(node: &Node, index: usize, diags: &mut Diagnostics) -> Option<Case> {
    let NodeKind::Map(entries) = &node.kind else {
        diags.error(node.pos, "a case is a mapping (`tool:`, `expect:`, ...)");
        return None;
    };
    let errors_before = diags.error_count();
    let mut name = None;
    let mut call = CallParts::default();
    let mut before = Vec::new();
    let mut wait_s = 0;
    let mut expect = None;
    let mut expect_written = false;
    let mut rule = None;
    for (key, value) in entries {
        match key.text.as_str() {
            "name" => name = string(value, "name", diags),
            "tool" | "args" | "identity" => call.take(&key.text, value, diags),
            "expect" => {
                expect_written = true;
                expect = outcome(value, diags);
            }
            "rule" => rule = string(value, "rule", diags),
            "wait_s" => wait_s = count(value, "wait_s", u64::MAX / 2, diags).unwrap_or(0),
            "before" => match &value.kind {
                NodeKind::Seq(items) => {
                    for item in items {
                        if let Some(b) = before_call(item, diags) {
                            before.push(b);
                        }
                    }
                }
                _ => diags.error(value.pos, "`before` must be a list of calls"),
            },
            other => unknown_key(other, key.pos, CASE_KEYS, diags),
        }
    }
    let Some(expect) = expect else {
        if expect_written {
            return None; // already reported
        }
        diags.error_hint(
            node.pos,
            "the case has no `expect`",
            format!("one of {}", OUTCOMES.join(", ")),
        );
        return None;
    };
    let call = call.finish(node.pos, diags)?;
    if diags.error_count() > errors_before {
        return None;
    }
    Some(Case {
        name: name.unwrap_or_else(|| format!("case {} ({})", index + 1, call.tool)),
        pos: node.pos,
        call,
        before,
        wait_s,
        expect,
        rule,
    })
}

fn before_call(node: &Node, diags: &mut Diagnostics) -> Option<(Call, u64)> {
    let NodeKind::Map(entries) = &node.kind else {
        diags.error(
            node.pos,
            "a `before` entry is a mapping (`tool:`, `args:`, `times:`)",
        );
        return None;
    };
    let mut call = CallParts::default();
    let mut times = 1;
    for (key, value) in entries {
        match key.text.as_str() {
            "tool" | "args" | "identity" => call.take(&key.text, value, diags),
            "times" => times = count(value, "times", MAX_TIMES, diags).unwrap_or(1),
            other => unknown_key(other, key.pos, BEFORE_KEYS, diags),
        }
    }
    Some((call.finish(node.pos, diags)?, times))
}

#[derive(Default)]
struct CallParts {
    tool: Option<String>,
    args: Option<String>,
    identity: Option<String>,
}

impl CallParts {
    fn take(&mut self, key: &str, value: &Node, diags: &mut Diagnostics) {
        match key {
            "tool" => self.tool = string(value, "tool", diags),
            "identity" => self.identity = string(value, "identity", diags),
            _ => match &value.kind {
                // A string holds the JSON text itself, numbers exactly as written.
                NodeKind::Str(text) => self.args = Some(text.clone()),
                NodeKind::Map(_) => self.args = Some(value.to_json().to_string()),
                _ => diags.error(
                    value.pos,
                    "`args` must be a mapping, or a string holding a JSON object",
                ),
            },
        }
    }

    fn finish(self, pos: Pos, diags: &mut Diagnostics) -> Option<Call> {
        let Some(tool) = self.tool else {
            diags.error(pos, "the call has no `tool`");
            return None;
        };
        Some(Call {
            identity: self.identity.unwrap_or_else(|| "local".into()),
            tool,
            args: self.args.unwrap_or_else(|| "{}".into()),
        })
    }
}

fn string(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) if !s.is_empty() => Some(s.clone()),
        _ => {
            diags.error(node.pos, format!("`{what}` must be a non-empty string"));
            None
        }
    }
}

fn count(node: &Node, what: &str, max: u64, diags: &mut Diagnostics) -> Option<u64> {
    match &node.kind {
        NodeKind::Number(n) if n.as_u64().is_some_and(|v| v <= max) => n.as_u64(),
        _ => {
            diags.error(
                node.pos,
                format!("`{what}` must be a whole number from 0 to {max}"),
            );
            None
        }
    }
}

fn outcome(node: &Node, diags: &mut Diagnostics) -> Option<&'static str> {
    let text = node.as_str().unwrap_or_default();
    if let Some(known) = OUTCOMES.iter().find(|o| **o == text) {
        return Some(known);
    }
    let hint = match suggest(text, OUTCOMES) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("one of {}", OUTCOMES.join(", ")),
    };
    diags.error_hint(node.pos, format!("unknown outcome `{text}`"), hint);
    None
}

fn unknown_key(key: &str, pos: Pos, known: &[&str], diags: &mut Diagnostics) {
    let hint = match suggest(key, known) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("known keys: {}", known.join(", ")),
    };
    diags.error_hint(pos, format!("unknown key `{key}`"), hint);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses_with_defaults() {
        let f = parse_cases(
            "policy: p.yaml\ncases:\n  - name: n\n    tool: t\n    args: {amount: 1.50}\n    expect: allow\n    rule: t#1\n  - tool: u\n    before:\n      - {tool: u, times: 3}\n    wait_s: 5\n    expect: rate_limited\n",
        )
        .unwrap();
        assert_eq!(f.policy.as_deref(), Some("p.yaml"));
        assert_eq!(f.cases.len(), 2);
        assert_eq!(f.cases[0].call.identity, "local");
        assert_eq!(f.cases[0].rule.as_deref(), Some("t#1"));
        assert_eq!(f.cases[1].name, "case 2 (u)");
        assert_eq!(f.cases[1].before[0].1, 3);
        assert_eq!(f.cases[1].wait_s, 5);
        assert_eq!(f.cases[1].call.args, "{}");
    }

    #[test]
    fn every_problem_is_located_and_reported_at_once() {
        let errs = parse_cases(
            "cases:\n  - tool: t\n    expect: alow\n  - tool: t\n    expct: deny\n  - expect: deny\n",
        )
        .unwrap_err();
        let lines: Vec<String> = errs.iter().map(|d| d.render("c.yaml")).collect();
        assert!(
            lines[0]
                .starts_with("c.yaml:3:13: error: unknown outcome `alow`; did you mean `allow`?"),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("c.yaml:5:5: error: unknown key `expct`")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("the call has no `tool`")),
            "{lines:?}"
        );
    }

    #[test]
    fn args_as_a_string_keep_numbers_as_written() {
        let f = parse_cases(
            "cases:\n  - tool: pay\n    args: '{\"amount\": 100.00000000000000001}'\n    expect: invalid_arguments\n",
        )
        .unwrap();
        assert_eq!(f.cases[0].call.args, r#"{"amount": 100.00000000000000001}"#);
    }
}
