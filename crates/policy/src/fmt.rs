//! Printing a [`Policy`] in the native YAML form (`toolgate policy fmt`).
//!
//! The output is canonical: the same policy always prints the same text, whatever format it
//! was loaded from, and loading that text again prints it unchanged (a fixed point, pinned by
//! property and snapshot tests). The policy's version hash is taken over this text.

use std::fmt::Write;

use serde_json::Value;

use crate::model::{
    Amount, Approval, Condition, DefaultAction, Limit, LimitStyle, Policy, Remember, Rule, Scope,
    Window,
};
use crate::source::{NodeKind, resolve_plain};

mod identities;

pub fn to_native_yaml(p: &Policy) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "version: {}", quote(&p.version));
    if let Some(d) = &p.description {
        let _ = writeln!(out, "description: {}", scalar(d));
    }
    let _ = writeln!(
        out,
        "default: {}",
        match p.default {
            DefaultAction::Allow => "allow",
            DefaultAction::Deny => "deny",
        }
    );
    if p.drift != crate::model::Drift::Block {
        let _ = writeln!(out, "drift: {}", p.drift.as_str());
    }
    if !p.approvers.is_empty() {
        let names: Vec<String> = p.approvers.iter().map(|n| scalar(n)).collect();
        let _ = writeln!(out, "approvers: [{}]", names.join(", "));
    }
    if !p.hide.is_empty() {
        out.push_str("hide:\n");
        for h in &p.hide {
            let _ = writeln!(out, "  - {}", scalar(h));
        }
    }
    if p.tools.is_empty() {
        // Grants can open tools alone; `tools: {}` is only needed without them.
        if p.grants.is_none() {
            out.push_str("tools: {}\n");
        }
    } else {
        out.push_str("tools:\n");
        for entry in &p.tools {
            if entry.rules.is_empty() {
                let _ = writeln!(out, "  {}:", scalar(&entry.name));
                continue;
            }
            let _ = writeln!(out, "  {}:\n    rules:", scalar(&entry.name));
            for rule in &entry.rules {
                write_rule(&mut out, rule, 6);
            }
        }
    }
    identities::write_identities(&mut out, &p.identities);
    if let Some(auth) = &p.auth {
        identities::write_auth(&mut out, auth);
    }
    if let Some(grants) = &p.grants {
        identities::write_grants(&mut out, grants);
    }
    out
}

/// Prints one rule as a list item whose `- ` starts at column `indent`.
pub(crate) fn write_rule(out: &mut String, r: &Rule, indent: usize) {
    let mut lines: Vec<String> = Vec::new();
    if let Some(n) = &r.name {
        lines.push(format!("name: {}", scalar(n)));
    }
    lines.push(format!("action: {}", r.action.as_str()));
    if !r.when.is_empty() {
        lines.push("when:".into());
        for c in &r.when {
            lines.push(format!("  - {}", condition(c)));
        }
    }
    if let Some(reason) = &r.reason {
        lines.push(format!("reason: {}", scalar(reason)));
    }
    if r.refund_on_error {
        lines.push("refund_on_error: true".into());
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
        lines.push(format!("approval: {{{}}}", parts.join(", ")));
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
        lines.push(format!(
            "rate_limit: {{max: {}, window: {}}}",
            number(l.max),
            window(l.window)
        ));
        if l.scope != Scope::default() {
            lines.push(format!("scope: {}", l.scope.as_str()));
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
        lines.push(format!(
            "spend: {{{counter}from: {}, max: {}, window: {}, scope: {}}}",
            flow_scalar(&from.to_string()),
            number(l.max),
            window(l.window),
            l.scope.as_str()
        ));
    } else {
        listed.extend(spend);
    }
    listed.sort_by_key(|l| style_rank(l.style));
    if !listed.is_empty() {
        lines.push("limits:".into());
        for l in listed {
            lines.push(format!("  - {}", limit_entry(l)));
        }
    }
    for (i, line) in lines.iter().enumerate() {
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
