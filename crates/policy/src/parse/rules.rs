//! One rule and its conditions → [`Rule`].

use crate::diagnostics::Diagnostics;
use crate::fspath::PathPrefix;
use crate::hosts::HostPattern;
use crate::model::{Action, Condition, Limit, LimitStyle, Matcher, Op, Rule, Scope};
use crate::parse::reader::{MapReader, list, string, word};
use crate::parse::{approval, limits};
use crate::path::ArgPath;
use crate::source::{Node, NodeKind};

pub const RULE_KEYS: &[&str] = &[
    "name",
    "action",
    "when",
    "conditions",
    "reason",
    "on_deny",
    "rate_limit",
    "scope",
    "spend",
    "limits",
    "state",
    "refund_on_error",
    "approval",
    "approvers",
    "remember",
];
const ACTIONS: &[&str] = &["allow", "deny", "approve", "evaluate"];
const OPS: &[&str] = &[
    "eq",
    "neq",
    "in",
    "not_in",
    "lt",
    "lte",
    "gt",
    "gte",
    "regex",
    "contains",
    "exists",
    "path_under",
    "path_not_under",
    "host_in",
    "host_not_in",
];
/// Compiled regexes are capped so a hostile policy can't exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Parses one rule of the tool entry `tool`.
pub fn rule(node: &Node, tool: &str, diags: &mut Diagnostics) -> Option<Rule> {
    let mut m = MapReader::new(node, "a rule", RULE_KEYS, diags)?;
    let mut ok = true;
    let name = m.get("name").and_then(|n| string(n, "rule name", diags));
    let refund_on_error = match m.get("refund_on_error") {
        Some(n) => match n.kind {
            NodeKind::Bool(b) => b,
            _ => {
                diags.error(
                    n.pos,
                    format!(
                        "refund_on_error must be true or false, found {}",
                        n.type_name()
                    ),
                );
                ok = false;
                false
            }
        },
        None => false,
    };
    let action = match m.get("action") {
        Some(a) => match word(a, "action", ACTIONS, diags) {
            Some("allow") => Some(Action::Allow),
            Some("deny") => Some(Action::Deny),
            Some("approve") => Some(Action::Approve),
            Some(_) => Some(Action::Evaluate),
            None => None,
        },
        // Intercept: a rule without an action is a check.
        None => Some(Action::Evaluate),
    };

    let approval = approval::approval(&mut m, action, diags);
    ok &= approval.is_some();
    let reason = one_of(&mut m, "reason", "on_deny", diags, &mut ok)
        .and_then(|n| string(n, "reason", diags));
    let scope = match m.get("scope") {
        Some(s) => limits::scope(s, diags),
        None => Some(Scope::default()),
    };
    let scope_given = m.has("scope");
    let scope = scope.unwrap_or_else(|| {
        ok = false;
        Scope::default()
    });

    let mut lims: Vec<Limit> = Vec::new();
    let mut push = |l: Option<Limit>, ok: &mut bool| match l {
        Some(l) => lims.push(l),
        None => *ok = false,
    };
    if let Some(rl) = m.get("rate_limit") {
        push(limits::rate_limit(rl, scope, diags), &mut ok);
    }
    if let Some(sp) = m.get("spend") {
        push(limits::spend(sp, scope, diags), &mut ok);
    }
    if let Some(ls) = m.get("limits") {
        for item in list(ls, "limits", diags).unwrap_or_default() {
            push(limits::limit_entry(item, diags), &mut ok);
        }
    }
    let state = m
        .get("state")
        .map(|s| (s.pos, limits::state_counter(s, diags)));

    let mut when = Vec::new();
    if let Some(conds) = one_of(&mut m, "when", "conditions", diags, &mut ok) {
        for c in list(conds, "conditions", diags).unwrap_or_default() {
            match condition(c, diags) {
                Some(Parsed::Arg(c)) => when.push(c),
                Some(Parsed::State { counter_path, max }) => {
                    match resolve_state(&state, tool, &counter_path, c, diags) {
                        Some(mut limit) => {
                            limit.max = max;
                            lims.push(limit);
                        }
                        None => ok = false,
                    }
                }
                None => ok = false,
            }
        }
    }
    if let Some((pos, Some(sc))) = &state
        && !lims
            .iter()
            .any(|l| l.counter.as_deref() == Some(&qualified(tool, &sc.counter)))
    {
        diags.warning_hint(
            *pos,
            format!(
                "state counter `{}` is never limited, so it is ignored",
                sc.counter
            ),
            format!(
                "add a condition `{{path: state.{tool}.{}, op: lte, value: N}}`",
                sc.counter
            ),
        );
    }
    // A rule-level `scope` applies to `rate_limit` and is `spend`'s default.
    if scope_given
        && !lims
            .iter()
            .any(|l| matches!(l.style, LimitStyle::RateLimit | LimitStyle::Spend))
    {
        diags.warning_hint(
            m.key_pos("scope").unwrap_or(node.pos),
            "`scope` has no effect without `rate_limit` or `spend`",
            "remove it, or add a limit",
        );
    }
    m.finish(diags);

    let action = action?;
    if !ok {
        return None;
    }
    for c in &when {
        advise_on_regex(c, action, diags);
    }
    if action == Action::Deny && !lims.is_empty() {
        diags.warning(
            node.pos,
            "limits on a `deny` rule are never counted, because the call never runs",
        );
    }
    if action == Action::Evaluate && when.is_empty() && lims.is_empty() {
        diags.warning_hint(
            node.pos,
            "this rule checks nothing",
            "give it conditions or a limit, or an action of allow, deny or approve",
        );
    }
    Some(Rule {
        name,
        action,
        when,
        reason,
        limits: lims,
        refund_on_error,
        approval: approval.unwrap_or_default(),
        pos: node.pos,
    })
}

/// Counter names of Intercept state are qualified with their tool, as Intercept's
/// `state.<tool>.<counter>` paths are.
fn qualified(tool: &str, counter: &str) -> String {
    format!("{tool}.{counter}")
}

fn resolve_state(
    state: &Option<(crate::diagnostics::Pos, Option<limits::StateCounter>)>,
    tool: &str,
    counter_path: &str,
    cond: &Node,
    diags: &mut Diagnostics,
) -> Option<Limit> {
    let Some((_, Some(sc))) = state else {
        if state.is_none() {
            diags.error_hint(
                cond.pos,
                format!("condition on `{counter_path}` but this rule defines no `state` counter"),
                "add `state: {counter: NAME, window: day, increment_from: args.amount}` to the same rule",
            );
        }
        return None;
    };
    let expected = format!("state.{}", qualified(tool, &sc.counter));
    if counter_path != expected {
        diags.error_hint(
            cond.pos,
            format!("condition path `{counter_path}` does not name this rule's counter"),
            format!("use `{expected}`"),
        );
        return None;
    }
    Some(Limit {
        counter: Some(qualified(tool, &sc.counter)),
        amount: sc.amount.clone(),
        max: 0.0,
        window: sc.window,
        scope: Scope::default(),
        style: LimitStyle::Spend,
    })
}

fn one_of<'n>(
    m: &mut MapReader<'n>,
    a: &str,
    b: &str,
    diags: &mut Diagnostics,
    ok: &mut bool,
) -> Option<&'n Node> {
    match (m.get(a), m.get(b)) {
        (Some(_), Some(second)) => {
            diags.error_hint(
                second.pos,
                format!("`{a}` and `{b}` mean the same thing; give only one"),
                format!("remove `{b}`"),
            );
            *ok = false;
            None
        }
        (first, second) => first.or(second),
    }
}

enum Parsed {
    Arg(Condition),
    State { counter_path: String, max: f64 },
}

fn condition(node: &Node, diags: &mut Diagnostics) -> Option<Parsed> {
    let mut m = MapReader::new(node, "a condition", &["path", "op", "value"], diags)?;
    let path = m.get("path");
    let op = m.get("op");
    let value = m.get("value");
    m.finish(diags);
    let Some(path_node) = path else {
        diags.error_hint(
            node.pos,
            "a condition needs `path`",
            "e.g. `{path: args.amount, op: lte, value: 100}`",
        );
        return None;
    };
    let Some(op_node) = op else {
        diags.error_hint(
            node.pos,
            "a condition needs `op`",
            format!("one of {}", OPS.join(", ")),
        );
        return None;
    };
    let path_text = string(path_node, "path", diags)?;
    let op = word(op_node, "op", OPS, diags).and_then(Op::parse)?;

    if path_text.starts_with("state.") {
        if op != Op::Lte {
            diags.error_hint(
                op_node.pos,
                "a condition on a `state` counter supports only `op: lte` (the counter's maximum)",
                "write `op: lte` with the largest total allowed",
            );
            return None;
        }
        let max = value.and_then(|v| crate::parse::reader::number(v, "value", diags))?;
        if max <= 0.0 {
            diags.error(
                value.map_or(node.pos, |v| v.pos),
                "a counter maximum must be positive",
            );
            return None;
        }
        return Some(Parsed::State {
            counter_path: path_text,
            max,
        });
    }

    let path = match ArgPath::parse(&path_text) {
        Ok(p) => p,
        Err(e) => {
            diags.error(path_node.pos, format!("condition path: {e}"));
            return None;
        }
    };
    let value_json = value.map(Node::to_json);
    let mut regex = None;
    let mut matcher = None;
    match op {
        Op::Exists => {
            if let Some(v) = value
                && !matches!(v.kind, NodeKind::Bool(_))
            {
                diags.error_hint(
                    v.pos,
                    "`exists` takes `value: true` or `value: false`",
                    "or leave `value` out (it means true)",
                );
                return None;
            }
        }
        _ if value.is_none() => {
            diags.error(node.pos, format!("op `{}` needs a `value`", op.as_str()));
            return None;
        }
        Op::In | Op::NotIn => {
            let v = value?;
            if !matches!(v.kind, NodeKind::Seq(_)) {
                diags.error_hint(
                    v.pos,
                    format!(
                        "op `{}` needs a list value, found {}",
                        op.as_str(),
                        v.type_name()
                    ),
                    "e.g. `value: [usd, eur]`",
                );
                return None;
            }
        }
        Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
            let v = value?;
            crate::parse::reader::number(v, &format!("the value of `{}`", op.as_str()), diags)?;
        }
        Op::Regex => {
            let v = value?;
            let pattern = string(v, "a regex", diags)?;
            match regex::RegexBuilder::new(&pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
            {
                Ok(r) => regex = Some(r),
                Err(e) => {
                    // The regex crate's message spans lines; keep its last, the cause.
                    let text = e.to_string();
                    let detail = text
                        .lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("")
                        .trim()
                        .trim_start_matches("error: ")
                        .to_owned();
                    diags.error(v.pos, format!("invalid regex `{pattern}`: {detail}"));
                    return None;
                }
            }
        }
        Op::PathUnder | Op::PathNotUnder => {
            let items = strings(
                value?,
                op,
                "e.g. `value: /srv/shop` or `value: [/srv/shop, /tmp/up]`",
                diags,
            )?;
            let mut prefixes = Vec::new();
            for (text, pos) in items {
                match PathPrefix::parse(&text) {
                    Ok(p) => prefixes.push(p),
                    Err(e) => {
                        diags.error(pos, e);
                        return None;
                    }
                }
            }
            matcher = Some(Matcher::Paths(prefixes));
        }
        Op::HostIn | Op::HostNotIn => {
            let items = strings(
                value?,
                op,
                "e.g. `value: [example.com, \"https://api.test\", 10.0.0.0/8]`",
                diags,
            )?;
            let mut patterns = Vec::new();
            for (text, pos) in items {
                match HostPattern::parse(&text) {
                    Ok(p) => patterns.push(p),
                    Err(e) => {
                        diags.error_hint(
                            pos,
                            e,
                            "write a host (`example.com`, which also matches its subdomains), `https://example.com`, an IP address or a CIDR range",
                        );
                        return None;
                    }
                }
            }
            matcher = Some(Matcher::Hosts(patterns));
        }
        Op::Eq | Op::Neq | Op::Contains => {}
    }
    Some(Parsed::Arg(Condition {
        path,
        op,
        value: value_json,
        regex,
        matcher,
        pos: node.pos,
    }))
}

/// The operand of a path or host operator: one string or a non-empty list of strings, each
/// with its position.
fn strings(
    v: &Node,
    op: Op,
    example: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<(String, crate::diagnostics::Pos)>> {
    let items: Vec<&Node> = match &v.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        _ => vec![v],
    };
    if items.is_empty() {
        diags.error_hint(
            v.pos,
            format!("op `{}` needs at least one value", op.as_str()),
            example,
        );
        return None;
    }
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            NodeKind::Str(s) => out.push((s.clone(), item.pos)),
            _ => {
                diags.error_hint(
                    item.pos,
                    format!(
                        "op `{}` needs a string or a list of strings, found {}",
                        op.as_str(),
                        item.type_name()
                    ),
                    example,
                );
                return None;
            }
        }
    }
    Some(out)
}

/// Warns when a `regex` looks like a path-prefix or URL-host check, which a string match
/// can't make safely (`^/srv/shop/` matches `/srv/shop/../../etc/passwd`; `^https://a\.com`
/// matches `https://a.com.evil.net`), and points to the operator made for it. The advice
/// only ever *adds*: a condition to an `allow`/`evaluate` rule (AND: it can only narrow what
/// the rule lets through) or a separate rule beside a `deny`/`approve` one (it can only
/// catch more calls), so following it never widens what the policy allows.
fn advise_on_regex(c: &Condition, action: Action, diags: &mut Diagnostics) {
    let Some(pattern) = c.value.as_ref().and_then(|v| v.as_str()) else {
        return;
    };
    if c.op != Op::Regex {
        return;
    }
    let Some(body) = pattern.strip_prefix('^') else {
        return;
    };
    let (literal, rest) = literal_prefix(body);
    let restricting = matches!(action, Action::Deny | Action::Approve);
    // For a deny/approve rule a separate rule is only good advice when the regex is nothing
    // but the prefix; for allow/evaluate an added condition narrows whatever the regex is.
    let pure = |rest: &str| matches!(rest, "" | ".*" | "(/|$)" | "/" | "$" | "/.*");
    let path = &c.path;
    let suggest = |op: &str, value: String| {
        if restricting {
            format!(
                "add a rule `{{action: {}, when: [{{path: {path}, op: {op}, value: {value}}}]}}` beside this one",
                action.as_str()
            )
        } else {
            format!("add `{{path: {path}, op: {op}, value: {value}}}` to this rule's conditions")
        }
    };
    if literal.starts_with('/') {
        let prefix = literal.trim_end_matches('/');
        if prefix.is_empty() || (restricting && !pure(rest)) {
            return;
        }
        diags.warning_hint(
            c.pos,
            if restricting {
                format!(
                    "`regex` `{pattern}` checks the text of `{path}`, not the path it names: `/tmp/..{prefix}/x` and `/{prefix}/x` name a path under `{prefix}` but don't match it"
                )
            } else {
                format!(
                    "`regex` `{pattern}` checks the text of `{path}`, not the path it names: `{prefix}/../../etc/passwd` and `{prefix}/%2e%2e/x` match it"
                )
            },
            format!(
                "{}; `path_under` compares canonical path components, so `..`, `//` and percent-encoding can't climb out",
                suggest("path_under", prefix.to_owned())
            ),
        );
        return;
    }
    let (schemes, after_scheme) = if let Some(a) = body.strip_prefix("https?://") {
        (vec!["http", "https"], a)
    } else if let Some(a) = body.strip_prefix("https://") {
        (vec!["https"], a)
    } else if let Some(a) = body.strip_prefix("http://") {
        (vec!["http"], a)
    } else {
        return;
    };
    let (literal, rest) = literal_prefix(after_scheme);
    // The host is the literal up to the first `/`, `:`, `?` or `#`.
    let host = literal.split(['/', ':', '?', '#']).next().unwrap_or("");
    let pure_host = (literal == host || literal == format!("{host}/")) && pure(rest);
    if host.is_empty() || (restricting && !pure_host) || HostPattern::parse(host).is_err() {
        return;
    }
    let value = format!(
        "[{}]",
        schemes
            .iter()
            .map(|s| format!("\"{s}://{host}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let scheme = schemes[schemes.len() - 1];
    diags.warning_hint(
        c.pos,
        if restricting {
            let upper = host.to_ascii_uppercase();
            format!(
                "`regex` `{pattern}` checks the text of `{path}`, not the host it names: `{scheme}://{upper}/` and `{scheme}://x@{host}/` reach that host but don't match it"
            )
        } else {
            format!(
                "`regex` `{pattern}` checks the text of `{path}`, not the host it names: `{scheme}://{host}.evil.test/` or `{scheme}://{host}@evil.test/` can match it"
            )
        },
        format!(
            "{}; `host_in` parses the URL, refuses user info and matches whole labels",
            suggest("host_in", value)
        ),
    );
}

/// The literal text at the start of a regex body (`\.` and `\/` unescaped) and the rest.
fn literal_prefix(body: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        match ch {
            c if c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '~' | ':') => {
                out.push(c)
            }
            '\\' => match chars.peek() {
                Some((_, e)) if matches!(e, '.' | '/' | '-' | '_' | '~' | ':') => {
                    out.push(*e);
                    chars.next();
                }
                _ => return (out, &body[i..]),
            },
            _ => return (out, &body[i..]),
        }
    }
    (out, "")
}
