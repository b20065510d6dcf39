//! How an `approve` rule asks for a person: who may approve, how long the call waits, and
//! whether an approval covers identical calls for a while.
//!
//! ```yaml
//! - action: approve
//!   approval: {approvers: [alice, "group:sre"], timeout: 5m, remember: session}
//! - action: approve
//!   approval: {via: session}   # ask in the caller's own client: trusts that application
//! ```
//! `approvers` and `remember` may also sit on the rule itself (as the approval issue writes
//! them); one key in both places is an error, not a silent choice.

use crate::diagnostics::Diagnostics;
use crate::model::{Action, Approval, ApprovalVia, Remember};
use crate::parse::reader::{MapReader, list, string, word};
use crate::source::{Node, NodeKind};

const APPROVAL_KEYS: &[&str] = &["approvers", "timeout", "remember", "via"];
/// Longest an agent's call may be held waiting for a person.
const MAX_TIMEOUT_S: u64 = 24 * 3600;
/// Longest an approval may cover identical calls.
const MAX_REMEMBER_S: u64 = 30 * 24 * 3600;

/// Reads the approval settings of a rule (`None` with errors when they don't parse).
pub fn approval<'n>(
    m: &mut MapReader<'n>,
    action: Option<Action>,
    diags: &mut Diagnostics,
) -> Option<Approval> {
    let nested = m.get("approval");
    let mut inner = match nested {
        Some(n) => Some(MapReader::new(n, "approval", APPROVAL_KEYS, diags)?),
        None => None,
    };
    let mut ok = true;
    let approvers_node = pick("approvers", m, inner.as_mut(), diags, &mut ok);
    let remember_node = pick("remember", m, inner.as_mut(), diags, &mut ok);
    let timeout_node = inner.as_mut().and_then(|i| i.get("timeout"));
    let via_node = inner.as_mut().and_then(|i| i.get("via"));
    let given = approvers_node
        .or(remember_node)
        .or(timeout_node)
        .or(via_node)
        .or(nested);
    if let Some(first) = given
        && action.is_some_and(|a| a != Action::Approve)
    {
        diags.error_hint(
            first.pos,
            "approval settings only apply to `action: approve` rules",
            "remove them, or make the rule `action: approve`",
        );
        ok = false;
    }
    let mut approval = Approval::default();
    if let Some(n) = approvers_node {
        for item in list(n, "approvers", diags).unwrap_or_default() {
            match string(item, "an approver", diags) {
                Some(a) if valid_approver(&a) => approval.approvers.push(a),
                Some(a) => {
                    diags.error_hint(
                        item.pos,
                        format!("approver `{a}` is not an identity name or `group:NAME`"),
                        "use names as in `identities`, or `group:sre`",
                    );
                    ok = false;
                }
                None => ok = false,
            }
        }
    }
    if let Some(n) = remember_node {
        approval.remember = match &n.kind {
            NodeKind::Str(s) if s == "session" => Some(Remember::Session),
            _ => match seconds(n, "remember", MAX_REMEMBER_S, diags) {
                Some(s) => Some(Remember::For(s)),
                None => {
                    ok = false;
                    None
                }
            },
        };
    }
    if let Some(n) = timeout_node {
        approval.timeout = seconds(n, "approval timeout", MAX_TIMEOUT_S, diags);
        ok &= approval.timeout.is_some();
    }
    if let Some(n) = via_node {
        match word(n, "approval via", &["queue", "session"], diags) {
            Some("session") => {
                approval.via = ApprovalVia::Session;
                if let Some(a) = approvers_node {
                    diags.error_hint(
                        a.pos,
                        "`approvers` can't be checked in the caller's own session (`via: session`)",
                        "use `via: queue` (the default) to have named approvers answer",
                    );
                    ok = false;
                }
                diags.warning_hint(
                    n.pos,
                    "`via: session` asks the caller's own client: a headless agent can approve its own calls",
                    "use it only for clients that show the question to a person; `via: queue` has named approvers answer",
                );
            }
            Some(_) => approval.via = ApprovalVia::Queue,
            None => ok = false,
        }
    }
    if let Some(i) = inner {
        i.finish(diags);
    }
    ok.then_some(approval)
}

/// `key` from the rule or from its `approval` map; both is an error.
fn pick<'n>(
    key: &str,
    rule: &mut MapReader<'n>,
    nested: Option<&mut MapReader<'n>>,
    diags: &mut Diagnostics,
    ok: &mut bool,
) -> Option<&'n Node> {
    let outer = rule.get(key);
    let inner = nested.and_then(|i| i.get(key));
    match (outer, inner) {
        (Some(o), Some(_)) => {
            diags.error_hint(
                o.pos,
                format!("`{key}` is given both on the rule and under `approval`"),
                "keep one of them",
            );
            *ok = false;
            None
        }
        (o, i) => o.or(i),
    }
}

pub(crate) fn valid_approver(a: &str) -> bool {
    let name = a.strip_prefix("group:").unwrap_or(a);
    !name.is_empty() && name != "*" && !name.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// A duration: whole seconds, or a number with a unit (`90s`, `10m`, `2h`, `1d`).
fn seconds(node: &Node, what: &str, max: u64, diags: &mut Diagnostics) -> Option<u64> {
    let parsed = match &node.kind {
        NodeKind::Number(n) => n.as_u64(),
        NodeKind::Str(s) => {
            let (digits, unit) =
                s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
            let factor = match unit {
                "" | "s" => Some(1),
                "m" => Some(60),
                "h" => Some(3600),
                "d" => Some(86_400),
                _ => None,
            };
            digits
                .parse::<u64>()
                .ok()
                .zip(factor)
                .map(|(n, f)| n.saturating_mul(f))
        }
        _ => None,
    };
    match parsed {
        Some(s) if (1..=max).contains(&s) => Some(s),
        Some(_) => {
            diags.error(
                node.pos,
                format!("{what} must be between 1 second and {max} seconds"),
            );
            None
        }
        None => {
            diags.error_hint(
                node.pos,
                format!("{what} is not a duration"),
                "use seconds (`300`) or a number with s, m, h or d (`5m`)",
            );
            None
        }
    }
}
