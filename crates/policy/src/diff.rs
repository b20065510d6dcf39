//! What a policy change means (`toolgate policy diff OLD NEW`): tools newly callable or
//! refused, limits loosened or tightened, callers and approvers added, grants widened; not a
//! text diff. Each change says which way it moves: [`Direction::Looser`] lets more through,
//! [`Direction::Tighter`] less, [`Direction::Changed`] can't be ranked (a condition rewritten,
//! a tool whose rules now come from elsewhere) and needs a person to read it.
//!
//! Rules are paired by name when both sides name them, else by position in their entry, the
//! way an operator edits a file. Formatting, comments and key order never show up: both sides
//! are compared as loaded.

use std::fmt;

use crate::identity::{Grant, Identity};
use crate::model::{
    Action, Amount, Condition, DefaultAction, Drift, Limit, Policy, Rule, Scope, WILDCARD, Window,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Looser,
    Tighter,
    Changed,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Looser => "looser",
            Direction::Tighter => "tighter",
            Direction::Changed => "changed",
        }
    }
}

/// One meaningful difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub direction: Direction,
    /// What changed: `default`, `hide`, `tool createRefund`, `tool createRefund rule big
    /// refunds`, `identity bob`, `grant support`, `approvers`, `drift`.
    pub subject: String,
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<8} {}: {}",
            self.direction.as_str(),
            self.subject,
            self.what
        )
    }
}

/// Counts per direction, for a log line or an audit record.
pub fn summary(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no change in meaning".to_owned();
    }
    let n = |d| changes.iter().filter(|c| c.direction == d).count();
    format!(
        "{} looser, {} tighter, {} to review",
        n(Direction::Looser),
        n(Direction::Tighter),
        n(Direction::Changed)
    )
}

/// The differences in meaning from `old` to `new`, most permissive first.
pub fn diff(old: &Policy, new: &Policy) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |direction, subject: String, what: String| {
        out.push(Change {
            direction,
            subject,
            what,
        })
    };
    if old.default != new.default {
        let (d, what) = match new.default {
            DefaultAction::Allow => (Direction::Looser, "tools no entry names are now allowed"),
            DefaultAction::Deny => (Direction::Tighter, "tools no entry names are now denied"),
        };
        push(d, "default".into(), what.into());
    }
    for name in new.hide.iter().filter(|h| !old.hide.contains(h)) {
        push(
            Direction::Tighter,
            "hide".into(),
            format!("`{name}` is now hidden"),
        );
    }
    for name in old.hide.iter().filter(|h| !new.hide.contains(h)) {
        push(
            Direction::Looser,
            "hide".into(),
            format!("`{name}` is listed again (and callable where rules allow)"),
        );
    }
    if old.drift != new.drift {
        let d = rank_change(drift_rank(old.drift), drift_rank(new.drift));
        push(
            d,
            "drift".into(),
            format!("{} → {}", old.drift.as_str(), new.drift.as_str()),
        );
    }
    members(
        &mut push,
        "approvers".into(),
        "approver",
        &old.approvers,
        &new.approvers,
    );
    tools(&mut push, old, new);
    identities(&mut push, &old.identities, &new.identities);
    grants(&mut push, old.grants.as_deref(), new.grants.as_deref());
    out.sort_by_key(|c| c.direction);
    out
}

type Push<'a> = dyn FnMut(Direction, String, String) + 'a;

fn tools(push: &mut Push<'_>, old: &Policy, new: &Policy) {
    for n in &new.tools {
        let subject = format!("tool {}", n.name);
        match old.tools.iter().find(|o| o.name == n.name) {
            Some(o) => rules(push, &subject, &o.rules, &n.rules),
            None => push(
                stance_change(fallback(old, &n.name), stance(&n.rules)),
                subject,
                format!(
                    "new entry; its rules decide now (before: {})",
                    fallback_name(old, &n.name)
                ),
            ),
        }
    }
    for o in old
        .tools
        .iter()
        .filter(|o| !new.tools.iter().any(|n| n.name == o.name))
    {
        push(
            stance_change(stance(&o.rules), fallback(new, &o.name)),
            format!("tool {}", o.name),
            format!("entry removed; {} decides now", fallback_name(new, &o.name)),
        );
    }
}

/// What decides a tool that has no entry of its own.
fn fallback(p: &Policy, tool: &str) -> Stance {
    match p
        .tools
        .iter()
        .find(|e| e.name == WILDCARD && tool != WILDCARD)
    {
        Some(wild) => stance(&wild.rules),
        None => match p.default {
            DefaultAction::Allow => Stance::Always(Action::Allow),
            DefaultAction::Deny => Stance::Always(Action::Deny),
        },
    }
}

fn fallback_name(p: &Policy, tool: &str) -> String {
    if tool != WILDCARD && p.tools.iter().any(|e| e.name == WILDCARD) {
        "the `*` entry".into()
    } else {
        match p.default {
            DefaultAction::Allow => "`default: allow`".into(),
            DefaultAction::Deny => "`default: deny`".into(),
        }
    }
}

/// What an entry amounts to, as far as it can be ranked without reading conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stance {
    /// Every call gets this action (unconditional first rule, no limits).
    Always(Action),
    Mixed,
}

fn stance(rules: &[Rule]) -> Stance {
    match rules.first() {
        // An entry with no rules allows its tool.
        None => Stance::Always(Action::Allow),
        Some(r) if r.when.is_empty() && r.limits.is_empty() && r.action.is_terminal() => {
            Stance::Always(r.action)
        }
        Some(_) => Stance::Mixed,
    }
}

fn stance_change(from: Stance, to: Stance) -> Direction {
    match (from, to) {
        (Stance::Always(a), Stance::Always(b)) => rank_change(action_rank(a), action_rank(b)),
        (Stance::Always(Action::Deny), Stance::Mixed) => Direction::Looser,
        (Stance::Mixed, Stance::Always(Action::Deny)) => Direction::Tighter,
        _ => Direction::Changed,
    }
}

fn rules(push: &mut Push<'_>, entry: &str, old: &[Rule], new: &[Rule]) {
    let mut paired_old = vec![false; old.len()];
    for (i, n) in new.iter().enumerate() {
        let partner = match &n.name {
            Some(name) => old.iter().position(|o| o.name.as_deref() == Some(name)),
            None => (i < old.len() && old[i].name.is_none()).then_some(i),
        };
        let subject = format!("{entry} rule {}", label(n, i));
        match partner {
            Some(j) if !paired_old[j] => {
                paired_old[j] = true;
                if j != i {
                    push(
                        Direction::Changed,
                        subject.clone(),
                        format!(
                            "moved from position {} to {} (rules are read in order)",
                            j + 1,
                            i + 1
                        ),
                    );
                }
                rule(push, &subject, &old[j], n);
            }
            _ => push(
                match n.action {
                    Action::Allow => Direction::Looser,
                    Action::Deny => Direction::Tighter,
                    _ => Direction::Changed,
                },
                subject,
                format!("new rule: {}", describe(n)),
            ),
        }
    }
    for (j, o) in old.iter().enumerate().filter(|(j, _)| !paired_old[*j]) {
        push(
            match o.action {
                Action::Allow => Direction::Tighter,
                Action::Deny => Direction::Looser,
                _ => Direction::Changed,
            },
            format!("{entry} rule {}", label(o, j)),
            format!("rule removed: {}", describe(o)),
        );
    }
}

fn rule(push: &mut Push<'_>, subject: &str, old: &Rule, new: &Rule) {
    if old.action != new.action {
        push(
            rank_change(action_rank(old.action), action_rank(new.action)),
            subject.into(),
            format!("action {} → {}", old.action.as_str(), new.action.as_str()),
        );
    }
    if old.when != new.when {
        push(
            Direction::Changed,
            subject.into(),
            format!(
                "conditions [{}] → [{}]",
                conditions(&old.when),
                conditions(&new.when)
            ),
        );
    }
    limits(push, subject, &old.limits, &new.limits);
    let (oa, na) = (&old.approval, &new.approval);
    if old.action == Action::Approve || new.action == Action::Approve {
        members(
            push,
            subject.into(),
            "approver",
            &oa.approvers,
            &na.approvers,
        );
        if oa.via != na.via {
            push(
                if na.via == crate::model::ApprovalVia::Session {
                    Direction::Looser
                } else {
                    Direction::Tighter
                },
                subject.into(),
                format!("approval via {} → {}", oa.via.as_str(), na.via.as_str()),
            );
        }
        if oa.remember != na.remember {
            push(
                Direction::Changed,
                subject.into(),
                format!("approval remembered {:?} → {:?}", oa.remember, na.remember),
            );
        }
    }
    if old.refund_on_error != new.refund_on_error {
        push(
            if new.refund_on_error {
                Direction::Looser
            } else {
                Direction::Tighter
            },
            subject.into(),
            format!(
                "refund on `isError` {} → {}",
                old.refund_on_error, new.refund_on_error
            ),
        );
    }
}

fn limits(push: &mut Push<'_>, subject: &str, old: &[Limit], new: &[Limit]) {
    let key = |l: &Limit| l.counter.clone().unwrap_or_default();
    for n in new {
        let name = limit_name(n);
        match old.iter().find(|o| key(o) == key(n)) {
            None => push(
                Direction::Tighter,
                subject.into(),
                format!("new limit {name}"),
            ),
            Some(o) => {
                if o.max != n.max {
                    push(
                        if n.max > o.max {
                            Direction::Looser
                        } else {
                            Direction::Tighter
                        },
                        subject.into(),
                        format!("{name}: max {} → {}", o.max, n.max),
                    );
                }
                if o.window != n.window {
                    // The same maximum over a longer window lets fewer calls through.
                    push(
                        rank_change(window_secs(n.window), window_secs(o.window)),
                        subject.into(),
                        format!("{name}: window {} → {}", o.window, n.window),
                    );
                }
                if o.scope != n.scope {
                    push(
                        rank_change(scope_rank(o.scope), scope_rank(n.scope)),
                        subject.into(),
                        format!("{name}: scope {} → {}", o.scope.as_str(), n.scope.as_str()),
                    );
                }
                if o.amount != n.amount {
                    push(
                        Direction::Changed,
                        subject.into(),
                        format!(
                            "{name}: amount {} → {}",
                            amount(&o.amount),
                            amount(&n.amount)
                        ),
                    );
                }
            }
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| key(n) == key(o))) {
        push(
            Direction::Looser,
            subject.into(),
            format!("limit {} removed", limit_name(o)),
        );
    }
}

fn identities(push: &mut Push<'_>, old: &[Identity], new: &[Identity]) {
    for n in new {
        let subject = format!("identity {}", n.name);
        match old.iter().find(|o| o.name == n.name) {
            None => push(Direction::Looser, subject, "new caller".into()),
            Some(o) => {
                members(push, subject.clone(), "group", &o.groups, &n.groups);
                let keys_added = n
                    .api_keys
                    .iter()
                    .filter(|k| !o.api_keys.contains(k))
                    .count();
                let keys_removed = o
                    .api_keys
                    .iter()
                    .filter(|k| !n.api_keys.contains(k))
                    .count();
                if keys_added > 0 {
                    push(
                        Direction::Looser,
                        subject.clone(),
                        format!("{keys_added} API key(s) added"),
                    );
                }
                if keys_removed > 0 {
                    push(
                        Direction::Tighter,
                        subject.clone(),
                        format!("{keys_removed} API key(s) revoked"),
                    );
                }
                members(
                    push,
                    subject,
                    "JWT subject",
                    &o.jwt_subjects,
                    &n.jwt_subjects,
                );
            }
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| n.name == o.name)) {
        push(
            Direction::Tighter,
            format!("identity {}", o.name),
            "caller removed".into(),
        );
    }
}

fn grants(push: &mut Push<'_>, old: Option<&[Grant]>, new: Option<&[Grant]>) {
    let (old, new) = match (old, new) {
        (None, None) => return,
        (None, Some(n)) => {
            push(
                Direction::Tighter,
                "grants".into(),
                "a `grants` section now limits every caller to the tools a grant opens".into(),
            );
            (&[][..], n)
        }
        (Some(_), None) => {
            push(
                Direction::Looser,
                "grants".into(),
                "the `grants` section is gone: callers are judged by `tools` alone".into(),
            );
            return;
        }
        (Some(o), Some(n)) => (o, n),
    };
    let label = |g: &Grant, i: usize| g.name.clone().unwrap_or_else(|| format!("grant#{}", i + 1));
    for (i, n) in new.iter().enumerate() {
        let subject = format!("grant {}", label(n, i));
        let partner = old
            .iter()
            .enumerate()
            .find(|(j, o)| o.name == n.name && (n.name.is_some() || *j == i));
        let Some((_, o)) = partner else {
            push(
                Direction::Looser,
                subject,
                format!("new grant of {} to {}", n.tools.join(", "), grantees(n)),
            );
            continue;
        };
        let (o_to, n_to): (Vec<String>, Vec<String>) = (
            o.to.iter().map(ToString::to_string).collect(),
            n.to.iter().map(ToString::to_string).collect(),
        );
        members(push, subject.clone(), "grantee", &o_to, &n_to);
        members(push, subject.clone(), "tool", &o.tools, &n.tools);
        if o.rules != n.rules {
            push(Direction::Changed, subject, "its rules changed".into());
        }
    }
    for (j, o) in old.iter().enumerate() {
        if !new
            .iter()
            .enumerate()
            .any(|(i, n)| n.name == o.name && (o.name.is_some() || i == j))
        {
            push(
                Direction::Tighter,
                format!("grant {}", label(o, j)),
                "grant removed".into(),
            );
        }
    }
}

/// Added members widen (more approvers, groups, grantees, tools), removed ones narrow.
fn members(push: &mut Push<'_>, subject: String, what: &str, old: &[String], new: &[String]) {
    for n in new.iter().filter(|n| !old.contains(n)) {
        push(
            Direction::Looser,
            subject.clone(),
            format!("{what} `{n}` added"),
        );
    }
    for o in old.iter().filter(|o| !new.contains(o)) {
        push(
            Direction::Tighter,
            subject.clone(),
            format!("{what} `{o}` removed"),
        );
    }
}

fn grantees(g: &Grant) -> String {
    g.to.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn rank_change<T: PartialOrd>(from: T, to: T) -> Direction {
    if to > from {
        Direction::Looser
    } else if to < from {
        Direction::Tighter
    } else {
        Direction::Changed
    }
}

/// Higher lets more through.
fn action_rank(a: Action) -> u8 {
    match a {
        Action::Deny => 0,
        Action::Approve => 1,
        Action::Evaluate => 2,
        Action::Allow => 3,
    }
}

fn drift_rank(d: Drift) -> u8 {
    match d {
        Drift::Block => 0,
        Drift::Warn => 1,
        Drift::Allow => 2,
    }
}

/// Higher is easier to escape: a session-scoped limit resets when the caller reconnects.
fn scope_rank(s: Scope) -> u8 {
    match s {
        Scope::Global => 0,
        Scope::Tool => 1,
        Scope::Grant => 2,
        Scope::Session => 3,
    }
}

fn window_secs(w: Window) -> u64 {
    match w {
        Window::Calendar(u) => u.seconds(),
        Window::Rolling(s) => s.get(),
    }
}

fn label(r: &Rule, index: usize) -> String {
    match &r.name {
        Some(n) => format!("\"{n}\""),
        None => format!("#{}", index + 1),
    }
}

fn describe(r: &Rule) -> String {
    let mut s = r.action.as_str().to_owned();
    if !r.when.is_empty() {
        s.push_str(&format!(" when [{}]", conditions(&r.when)));
    }
    for l in &r.limits {
        s.push_str(&format!(
            ", {} max {} per {}",
            limit_name(l),
            l.max,
            l.window
        ));
    }
    s
}

fn conditions(c: &[Condition]) -> String {
    c.iter()
        .map(|c| match &c.value {
            Some(v) => format!("{} {} {v}", c.path, c.op.as_str()),
            None => format!("{} {}", c.path, c.op.as_str()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn limit_name(l: &Limit) -> String {
    match &l.counter {
        Some(c) => format!("limit `{c}`"),
        None => "rate limit".to_owned(),
    }
}

fn amount(a: &Amount) -> String {
    match a {
        Amount::Fixed(n) => n.to_string(),
        Amount::FromArg(p) => p.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> Policy {
        crate::load(yaml, "p.yaml").expect("valid policy").policy
    }

    fn lines(old: &str, new: &str) -> Vec<String> {
        diff(&load(old), &load(new))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const BASE: &str = "version: \"1\"\ndefault: deny\nhide: [secret]\napprovers: [lead]\ntools:\n  refund:\n    rules:\n      - name: big\n        action: approve\n        when: [{path: args.amount, op: gt, value: 100}]\n      - action: allow\n        rate_limit: {max: 10, window: hour}\n  read:\n    rules:\n      - action: allow\n";

    #[test]
    fn the_same_policy_formatted_differently_has_no_change() {
        let reordered = "# a comment\nversion: \"1\"\napprovers: [lead]\nhide: [secret]\ndefault: deny\ntools:\n  read:\n    rules: [{action: allow}]\n  refund:\n    rules:\n      - {name: big, action: approve, when: [{path: args.amount, op: gt, value: 100}]}\n      - {action: allow, rate_limit: {max: 10, window: hour}}\n";
        assert_eq!(lines(BASE, reordered), Vec::<String>::new());
        assert_eq!(summary(&[]), "no change in meaning");
    }

    #[test]
    fn loosening_and_tightening_are_told_apart() {
        let new = BASE
            .replace("max: 10, window: hour", "max: 20, window: minute")
            .replace("default: deny", "default: allow")
            .replace("approvers: [lead]", "approvers: [lead, bob]")
            .replace("hide: [secret]", "hide: [secret, read]");
        let got = lines(BASE, &new);
        assert_eq!(
            got,
            [
                "looser   default: tools no entry names are now allowed",
                "looser   approvers: approver `bob` added",
                "looser   tool refund rule #2: rate limit: max 10 → 20",
                "looser   tool refund rule #2: rate limit: window hour → minute",
                "tighter  hide: `read` is now hidden",
            ],
            "{got:#?}"
        );
        let changes = diff(&load(BASE), &load(&new));
        assert_eq!(summary(&changes), "4 looser, 1 tighter, 0 to review");
    }

    #[test]
    fn actions_conditions_and_entries() {
        let new = BASE
            .replace("action: approve", "action: allow")
            .replace("value: 100", "value: 500")
            .replace(
                "  read:\n    rules:\n      - action: allow\n",
                "  delete:\n    rules:\n      - action: allow\n",
            );
        let got = lines(BASE, &new);
        assert!(
            got.contains(&"looser   tool refund rule \"big\": action approve → allow".to_owned()),
            "{got:#?}"
        );
        assert!(got.contains(&"changed  tool refund rule \"big\": conditions [args.amount gt 100] → [args.amount gt 500]".to_owned()), "{got:#?}");
        assert!(
            got.contains(
                &"looser   tool delete: new entry; its rules decide now (before: `default: deny`)"
                    .to_owned()
            ),
            "{got:#?}"
        );
        assert!(
            got.contains(
                &"tighter  tool read: entry removed; `default: deny` decides now".to_owned()
            ),
            "{got:#?}"
        );
    }

    #[test]
    fn a_session_scope_is_looser_than_per_identity() {
        let new = BASE.replace(
            "max: 10, window: hour}",
            "max: 10, window: hour}\n        scope: session",
        );
        assert_eq!(
            lines(BASE, &new),
            ["looser   tool refund rule #2: rate limit: scope grant → session"]
        );
    }
}
