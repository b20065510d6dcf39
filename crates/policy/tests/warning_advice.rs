//! Every warning `validate` prints must be true. For the warnings whose advice is mechanical
//! ("remove it": a rule-level `scope` with no limit to scope, a rule that can never match, an
//! entry for a hidden tool, limits on a `deny` rule), following
//! the advice must not change any decision: same verdict, same counters reserved. (The
//! `scope` warning once fired beside `spend`, whose default scope the rule's `scope` is;
//! removing it moved a global budget to one per identity. This property catches that.)

use proptest::prelude::*;
use serde_json::{Value, json};
use toolgate_policy::{CallContext, CompiledPolicy, Decision, Verdict, load};

/// One rule as a flow mapping on one line, so a warning's line names it.
fn arb_rule_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["allow", "deny", "approve", "evaluate"]),
        prop::option::of(prop::sample::select(vec![
            "{path: args.amount, op: gt, value: 10}",
            "{path: args.amount, op: lte, value: 100}",
            "{path: args.kind, op: eq, value: a}",
        ])),
        prop::option::of(prop::sample::select(vec![
            "session", "grant", "tool", "global",
        ])),
        prop::option::of(prop::sample::select(vec!["5/hour", "{max: 3, window: 60}"])),
        prop::option::of((
            prop::sample::select(vec!["budget", "other"]),
            prop::option::of(prop::sample::select(vec![
                "session", "grant", "tool", "global",
            ])),
        )),
        prop::option::of(prop::sample::select(vec!["per_tool", "per_all"])),
    )
        .prop_map(|(action, when, scope, rate, spend, limit)| {
            let mut parts = vec![format!("action: {action}")];
            if let Some(w) = when {
                parts.push(format!("when: [{w}]"));
            }
            if let Some(s) = scope {
                parts.push(format!("scope: {s}"));
            }
            if let Some(r) = rate {
                parts.push(format!("rate_limit: {r}"));
            }
            if let Some((counter, s)) = spend {
                let s = s.map(|s| format!(", scope: {s}")).unwrap_or_default();
                parts.push(format!(
                    "spend: {{counter: {counter}, from: args.amount, max: 100, window: day{s}}}"
                ));
            }
            if let Some(c) = limit {
                parts.push(format!("limits: [{{counter: {c}, max: 9, window: hour}}]"));
            }
            if action == "approve" {
                parts.push("approval: {approvers: [olga]}".into());
            }
            format!("      - {{{}}}", parts.join(", "))
        })
}

fn arb_policy_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(arb_rule_line(), 0..4),
        prop::collection::vec(arb_rule_line(), 0..3),
        prop::collection::vec(arb_rule_line(), 0..3),
        prop::sample::select(vec!["", "hide: [u]\n", "hide: [\"t*\"]\n"]),
        prop::sample::select(vec!["default: allow\n", "default: deny\n"]),
    )
        .prop_map(|(t, u, star, hide, default)| {
            let entry = |name: &str, rules: &[String]| {
                if rules.is_empty() {
                    format!("  {name}:\n")
                } else {
                    format!("  {name}:\n    rules:\n{}\n", rules.join("\n"))
                }
            };
            format!(
                "{default}{hide}tools:\n{}{}{}",
                entry("t", &t),
                entry("u", &u),
                entry("\"*\"", &star)
            )
        })
}

/// The verdict and the counters, everything a caller or the store sees.
fn outcome(d: &Decision) -> (String, Vec<String>) {
    let verdict = match &d.verdict {
        Verdict::Allow => "allow".to_owned(),
        Verdict::Approve { .. } => "approve".to_owned(),
        Verdict::Deny { kind, reason } => format!("deny {} {reason}", kind.as_str()),
        Verdict::UnknownTool => "unknown".to_owned(),
    };
    let mut counters: Vec<String> = d
        .reservations
        .iter()
        .map(|r| format!("{} {} {} {}", r.key, r.amount, r.max, r.window))
        .collect();
    counters.sort();
    (verdict, counters)
}

fn decisions(text: &str) -> Vec<(String, Vec<String>)> {
    let p = CompiledPolicy::new(load(text, "p.yaml").expect("loads").policy);
    let mut out = Vec::new();
    for tool in ["t", "u", "v"] {
        for args in [
            json!({}),
            json!({"amount": 5, "kind": "a"}),
            json!({"amount": 50, "kind": "b"}),
            json!({"amount": 500}),
        ] {
            for (identity, session) in [("alice", "s1"), ("bob", "s2")] {
                let args: Value = args.clone();
                out.push(outcome(&p.decide(&CallContext {
                    tool,
                    args: &args,
                    identity,
                    session,
                    groups: &[],
                })));
            }
        }
    }
    out
}

/// Removes the `key: value` item starting at 1-based `col` of a flow mapping on `line`.
fn remove_flow_item(line: &str, col: usize) -> String {
    let start = col - 1;
    let rest = &line[start..];
    // The value ends at the `,` or `}` that closes the item at depth 0.
    let mut depth = 0i32;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => {
                end = i;
                break;
            }
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                end = i + 1;
                break;
            }
            _ => {}
        }
    }
    let mut out = format!("{}{}", &line[..start], rest[end..].trim_start());
    // `{a, b}` minus its last item leaves `{a, }`.
    out = out.replace(", }", "}");
    out
}

/// The policy text with one warning's advice applied, or `None` when it has no mechanical
/// advice (those warnings are not this property's business).
fn follow(text: &str, message: &str, line: usize, col: usize) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let i = line - 1;
    if message.starts_with("`scope` has no effect") {
        lines[i] = remove_flow_item(&lines[i], col);
    } else if message == "this rule can never match" {
        lines.remove(i);
    } else if message.starts_with("limits on a `deny` rule") {
        for key in ["rate_limit: ", "spend: ", "limits: "] {
            while let Some(at) = lines[i].find(key) {
                lines[i] = remove_flow_item(&lines[i], at + 1);
            }
        }
    } else if message.ends_with("is hidden, so its rules never apply") {
        lines.remove(i);
        while lines.get(i).is_some_and(|l| l.starts_with("    ")) {
            lines.remove(i);
        }
    } else {
        return None;
    }
    // An entry whose rules are all gone is an empty entry, which means something else (it
    // allows its tool): keep it an entry with rules by leaving `rules: []`.
    for j in 0..lines.len() {
        let next_is_rule = lines.get(j + 1).is_some_and(|l| l.starts_with("      "));
        if lines[j] == "    rules:" && !next_is_rule {
            lines[j] = "    rules: []".to_owned();
        }
    }
    Some(lines.join("\n") + "\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn following_a_warnings_advice_changes_no_decision(text in arb_policy_text()) {
        let Ok(loaded) = load(&text, "p.yaml") else {
            return Ok(());
        };
        let before = decisions(&text);
        for w in &loaded.warnings {
            let Some(after) = follow(&text, &w.message, w.pos.line as usize, w.pos.col as usize) else {
                continue;
            };
            let reloaded = load(&after, "p.yaml");
            prop_assert!(reloaded.is_ok(), "advice of `{}` broke the policy:\n{after}\n{reloaded:?}", w.message);
            prop_assert_eq!(
                &decisions(&after),
                &before,
                "following `{}` at {}:{} changed a decision\nbefore:\n{}\nafter:\n{}",
                w.message, w.pos.line, w.pos.col, text, after
            );
        }
    }
}
