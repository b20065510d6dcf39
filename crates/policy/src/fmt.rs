//! Printing a [`Policy`] in the native YAML form (`toolgate policy fmt`).
//!
//! The output is canonical: the same policy always prints the same text, whatever format it
//! was loaded from, and loading that text again prints it unchanged (a fixed point, pinned by
//! property and snapshot tests). The policy's version hash is taken over this text.
//!
//! [`to_native_yaml_with_comments`] prints the same text with the source's comments put
//! back (`comments.rs`): the writer tags each line with the path of what it prints, and
//! each comment goes back to the line of the path it was written beside.

use std::fmt::Write;

use serde_json::Value;

use crate::model::{
    Amount, Approval, Condition, DefaultAction, Limit, LimitStyle, Policy, Remember, Rule, Scope,
    Window,
};
use crate::source::{NodeKind, resolve_plain};

mod comments;
mod identities;
mod out;

pub use comments::{CommentsError, to_native_yaml_with_comments};
use out::{Out, Seg};

/// The canonical text of `p` (no comments: the version hash is taken over it).
pub fn to_native_yaml(p: &Policy) -> String {
    let mut out = Out::plain();
    write_policy(&mut out, p);
    out.text
}

fn write_policy(out: &mut Out, p: &Policy) {
    use Seg::{Item, Key};
    out.tag(&[Key("version")]);
    let _ = writeln!(out, "version: {}", quote(&p.version));
    if let Some(d) = &p.description {
        out.tag(&[Key("description")]);
        let _ = writeln!(out, "description: {}", scalar(d));
    }
    out.tag(&[Key("default")]);
    let _ = writeln!(
        out,
        "default: {}",
        match p.default {
            DefaultAction::Allow => "allow",
            DefaultAction::Deny => "deny",
        }
    );
    if p.drift != crate::model::Drift::Block {
        out.tag(&[Key("drift")]);
        let _ = writeln!(out, "drift: {}", p.drift.as_str());
    }
    if !p.approvers.is_empty() {
        let names: Vec<String> = p.approvers.iter().map(|n| scalar(n)).collect();
        out.tag(&[Key("approvers")]);
        let _ = writeln!(out, "approvers: [{}]", names.join(", "));
    }
    if !p.hide.is_empty() {
        out.tag(&[Key("hide")]);
        out.push_str("hide:\n");
        for (i, h) in p.hide.iter().enumerate() {
            out.tag(&[Key("hide"), Item(i)]);
            let _ = writeln!(out, "  - {}", scalar(h));
        }
    }
    if p.tools.is_empty() {
        // Grants can open tools alone; `tools: {}` is only needed without them.
        if p.grants.is_none() {
            out.tag(&[Key("tools")]);
            out.push_str("tools: {}\n");
        }
    } else {
        out.tag(&[Key("tools")]);
        out.push_str("tools:\n");
        for entry in &p.tools {
            let at = [Key("tools"), Key(&entry.name)];
            out.tag(&at);
            let _ = writeln!(out, "  {}:", scalar(&entry.name));
            if entry.rules.is_empty() {
                continue;
            }
            out.tag(&[Key("tools"), Key(&entry.name), Key("rules")]);
            out.push_str("    rules:\n");
            for (i, rule) in entry.rules.iter().enumerate() {
                write_rule(out, rule, 6, &[&at[..], &[Key("rules"), Item(i)]].concat());
            }
        }
    }
    identities::write_identities(out, &p.identities);
    if let Some(auth) = &p.auth {
        identities::write_auth(out, auth);
    }
    if let Some(grants) = &p.grants {
        identities::write_grants(out, grants);
    }
}

/// One printed line of a rule, and the rule member it prints (`when` items by index).
type RuleLine = (Option<(&'static str, Option<usize>)>, String);

fn push(lines: &mut Vec<RuleLine>, key: &'static str, line: String) {
    lines.push((Some((key, None)), line));
}

/// Prints one rule as a list item whose `- ` starts at column `indent`; `at` is the rule's
/// path (its first line is tagged with it, every other line with its member).
pub(crate) fn write_rule(out: &mut Out, r: &Rule, indent: usize, at: &[Seg<'_>]) {
    let mut lines: Vec<RuleLine> = Vec::new();
    if let Some(n) = &r.name {
        push(&mut lines, "name", format!("name: {}", scalar(n)));
    }
    push(
        &mut lines,
        "action",
        format!("action: {}", r.action.as_str()),
    );
    if !r.when.is_empty() {
        push(&mut lines, "when", "when:".into());
        for (i, c) in r.when.iter().enumerate() {
            lines.push((Some(("when", Some(i))), format!("  - {}", condition(c))));
        }
    }
    if let Some(reason) = &r.reason {
        push(&mut lines, "reason", format!("reason: {}", scalar(reason)));
    }
    if r.refund_on_error {
        push(
            &mut lines,
            "refund_on_error",
            "refund_on_error: true".into(),
        );
    }
    if r.approval != Approval::default() {
        let a = &r.approval;
        let mut parts = Vec::new();
        if !a.approvers.is_empty() {
            let names: Vec<String> = a.approvers.iter().map(|n| scalar(n)).collect();
            parts.push(format!("approvers: [{}]", names.join(", ")));
        }
        if let Some(t) = a.timeout {
            parts.push(format!("timeout: {t}"));
        }
        if a.via != crate::model::ApprovalVia::Queue {
            parts.push(format!("via: {}", a.via.as_str()));
        }
        match a.remember {
            Some(Remember::Session) => parts.push("remember: session".into()),
            Some(Remember::For(s)) => parts.push(format!("remember: {s}")),
            None => {}
        }
        push(
            &mut lines,
            "approval",
            format!("approval: {{{}}}", parts.join(", ")),
        );
    }
    let (rate, rest): (Vec<&Limit>, Vec<&Limit>) = r
        .limits
        .iter()
        .partition(|l| l.style == LimitStyle::RateLimit);
    let (spend, list): (Vec<&Limit>, Vec<&Limit>) = rest
        .into_iter()
        .partition(|l| l.style == LimitStyle::Spend && matches!(l.amount, Amount::FromArg(_)));
    let single = |v: &[&Limit]| v.len() == 1;
    let mut listed: Vec<&Limit> = list;
    if single(&rate) && rate[0].counter.is_none() {
        let l = rate[0];
        push(
            &mut lines,
            "rate_limit",
            format!(
                "rate_limit: {{max: {}, window: {}}}",
                number(l.max),
                window(l.window)
            ),
        );
        if l.scope != Scope::default() {
            push(&mut lines, "scope", format!("scope: {}", l.scope.as_str()));
        }
    } else {
        listed.extend(rate);
    }
    if single(&spend) {
        let l = spend[0];
        let Amount::FromArg(from) = &l.amount else {
            unreachable!()
        };
        let counter = l
            .counter
            .as_ref()
            .map(|c| format!("counter: {}, ", flow_scalar(c)))
            .unwrap_or_default();
        push(
            &mut lines,
            "spend",
            format!(
                "spend: {{{counter}from: {}, max: {}, window: {}, scope: {}}}",
                flow_scalar(&from.to_string()),
                number(l.max),
                window(l.window),
                l.scope.as_str()
            ),
        );
    } else {
        listed.extend(spend);
    }
    listed.sort_by_key(|l| style_rank(l.style));
    if !listed.is_empty() {
        push(&mut lines, "limits", "limits:".into());
        for l in listed {
            lines.push((None, format!("  - {}", limit_entry(l))));
        }
    }
    for (i, (member, line)) in lines.iter().enumerate() {
        if i == 0 {
            out.tag(at);
        }
        match member {
            Some((key, None)) => out.tag_in(at, &[Seg::Key(key)]),
            Some((key, Some(n))) => out.tag_in(at, &[Seg::Key(key), Seg::Item(*n)]),
            None => {}
        }
        let lead = if i == 0 { "- " } else { "  " };
        let _ = writeln!(out, "{:indent$}{lead}{line}", "");
    }
}

fn style_rank(s: LimitStyle) -> u8 {
    match s {
        LimitStyle::RateLimit => 0,
        LimitStyle::Spend => 1,
        LimitStyle::List => 2,
    }
}

fn limit_entry(l: &Limit) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &l.counter {
        parts.push(format!("counter: {}", flow_scalar(c)));
    }
    match &l.amount {
        Amount::FromArg(p) => parts.push(format!("from: {}", flow_scalar(&p.to_string()))),
        Amount::Fixed(a) if *a != 1.0 => parts.push(format!("amount: {}", number(*a))),
        Amount::Fixed(_) => {}
    }
    parts.push(format!("max: {}", number(l.max)));
    parts.push(format!("window: {}", window(l.window)));
    parts.push(format!("scope: {}", l.scope.as_str()));
    format!("{{{}}}", parts.join(", "))
}

fn condition(c: &Condition) -> String {
    let mut s = format!(
        "{{path: {}, op: {}",
        flow_scalar(&c.path.to_string()),
        c.op.as_str()
    );
    if let Some(v) = &c.value {
        let _ = write!(s, ", value: {}", json(v));
    }
    s.push('}');
    s
}

fn window(w: Window) -> String {
    match w {
        Window::Calendar(u) => u.as_str().to_owned(),
        Window::Rolling(secs) => secs.to_string(),
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A JSON value as a YAML flow value (JSON is YAML), strings quoted.
fn json(v: &Value) -> String {
    v.to_string()
}

/// A string as a plain scalar when that reads back as the same string, else quoted.
pub fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        quote(s)
    }
}

/// A string inside a flow collection (`{counter: …}`), where `,` ends a plain scalar.
fn flow_scalar(s: &str) -> String {
    if s.contains(',') { quote(s) } else { scalar(s) }
}

pub(crate) fn quote(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | ' ' | ','))
        && !s.ends_with(' ')
        && !s.contains("  ")
        && matches!(resolve_plain(s), NodeKind::Str(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_only_when_it_reads_back_as_the_same_string() {
        assert_eq!(scalar("createRefund"), "createRefund");
        assert_eq!(
            scalar("Not part of the support workflow"),
            "Not part of the support workflow"
        );
        assert_eq!(scalar("*"), "\"*\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("x #y"), "\"x #y\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("123"), "\"123\"");
        assert_eq!(scalar("args.amount"), "args.amount");
        assert_eq!(scalar("import*"), "\"import*\"");
        // Regression (found by the fixed-point property): `{counter: A,, max: 1}` did not
        // parse; a comma ends a plain scalar inside a flow mapping.
        assert_eq!(flow_scalar("A,"), "\"A,\"");
        assert_eq!(flow_scalar("refunds"), "refunds");
    }
}
