//! The reading order the README documents ("Policy semantics, in plain words", points 2–5,
//! and the reference's "an entry with no rules allows its tool"), as a table: native YAML,
//! Intercept YAML (checks only, `*` applying to every tool) and PolicyLayer JSON.

use serde_json::{Value, json};
use toolgate_policy::{CallContext, CompiledPolicy, Verdict, load};

/// `allow`, `allow+N` (N reservations), `deny by RULE`, `approve by RULE`, `deny (default)`,
/// `unknown`.
fn outcome(policy: &str, file: &str, tool: &str, args: Value) -> String {
    let loaded = load(policy, file).unwrap_or_else(|e| panic!("{policy}\n{e:?}"));
    let p = CompiledPolicy::new(loaded.policy);
    let d = p.decide(&CallContext {
        tool,
        args: &args,
        identity: "alice",
        session: "s1",
        groups: &[],
    });
    let rule = d.rule.as_ref().map(|r| r.label());
    match (&d.verdict, rule) {
        (Verdict::Allow, _) if d.reservations.is_empty() => "allow".to_owned(),
        (Verdict::Allow, _) => format!("allow+{}", d.reservations.len()),
        (Verdict::Deny { .. }, Some(r)) => format!("deny by {r}"),
        (Verdict::Deny { .. }, None) => "deny (default)".to_owned(),
        (Verdict::Approve { .. }, Some(r)) => format!("approve by {r}"),
        (Verdict::Approve { .. }, None) => "approve".to_owned(),
        (Verdict::UnknownTool, _) => "unknown".to_owned(),
    }
}

const CATCH_ALL_DENY: &str = r#"
tools:
  list_allowed_directories:
  listed_empty_rules: {rules: []}
  small_only:
    rules:
      - {action: allow, when: [{path: args.n, op: lt, value: 10}]}
  checked:
    rules:
      - {action: evaluate, when: [{path: args.n, op: lt, value: 10}]}
  "*":
    rules:
      - action: deny
        reason: Not part of the workflow
"#;

#[test]
fn native_catch_all_deny() {
    let table: &[(&str, Value, &str)] = &[
        // An entry with no rules allows its tool, whatever `*` would decide.
        ("list_allowed_directories", json!({}), "allow"),
        ("listed_empty_rules", json!({}), "allow"),
        // A tool no entry names is caught by `*`.
        ("write_file", json!({}), "deny by *#1"),
        // An entry's own `allow` decides first; what it leaves undecided reaches `*`.
        ("small_only", json!({"n": 5}), "allow"),
        ("small_only", json!({"n": 50}), "deny by *#1"),
        // A passing check decides nothing: reading goes on to `*`.
        ("checked", json!({"n": 5}), "deny by *#1"),
        ("checked", json!({"n": 50}), "deny by checked#1"),
    ];
    for (tool, args, want) in table {
        assert_eq!(
            outcome(CATCH_ALL_DENY, "p.yaml", tool, args.clone()),
            *want,
            "{tool} {args}"
        );
    }
}

#[test]
fn native_star_checks_and_limits_still_apply_to_an_empty_entry() {
    let cases: &[(&str, &str, Value, &str)] = &[
        // `*` check (evaluate) with a limit: counted for the listed tool, and it passes.
        (
            "tools:\n  a:\n  \"*\":\n    rules:\n      - {rate_limit: 100/hour}\n",
            "a",
            json!({}),
            "allow+1",
        ),
        // `*` check that fails: the listed tool is denied by it.
        (
            "tools:\n  a:\n  \"*\":\n    rules:\n      - {action: evaluate, when: [{path: args.ok, op: eq, value: true}]}\n",
            "a",
            json!({"ok": false}),
            "deny by *#1",
        ),
        // `*` allow with limits: counted for the listed tool too.
        (
            "tools:\n  a:\n  \"*\":\n    rules:\n      - {action: allow, rate_limit: 100/hour}\n",
            "a",
            json!({}),
            "allow+1",
        ),
        // `*` approve: a listed tool is allowed, an unlisted one needs a person.
        (
            "approvers: [olga]\ntools:\n  a:\n  \"*\":\n    rules:\n      - {action: approve}\n",
            "a",
            json!({}),
            "allow",
        ),
        (
            "approvers: [olga]\ntools:\n  a:\n  \"*\":\n    rules:\n      - {action: approve}\n",
            "b",
            json!({}),
            "approve by *#1",
        ),
        // Hidden beats everything.
        (
            "hide: [a]\ntools:\n  a:\n  \"*\":\n    rules:\n      - {action: deny}\n",
            "a",
            json!({}),
            "unknown",
        ),
        // No `*`: listed tools are allowed, others get `default`.
        ("tools:\n  a:\n", "a", json!({}), "allow"),
        ("tools:\n  a:\n", "b", json!({}), "deny (default)"),
        ("default: allow\ntools:\n  a:\n", "b", json!({}), "allow"),
        // The tool's own rules are read before `*`.
        (
            "tools:\n  a:\n    rules:\n      - {action: deny}\n  \"*\":\n    rules:\n      - {action: allow}\n",
            "a",
            json!({}),
            "deny by a#1",
        ),
        // A grant's rules come first, also for an empty entry.
        (
            "identities:\n  alice: {}\ngrants:\n  - name: g\n    to: [alice]\n    tools: [a]\n    rules:\n      a:\n        - {action: deny, when: [{path: args.n, op: gt, value: 1}]}\ntools:\n  a:\n  \"*\":\n    rules:\n      - {action: deny}\n",
            "a",
            json!({"n": 5}),
            "deny by grant:g/a#1",
        ),
        (
            "identities:\n  alice: {}\ngrants:\n  - name: g\n    to: [alice]\n    tools: [a]\n    rules:\n      a:\n        - {action: deny, when: [{path: args.n, op: gt, value: 1}]}\ntools:\n  a:\n  \"*\":\n    rules:\n      - {action: deny}\n",
            "a",
            json!({"n": 0}),
            "allow",
        ),
    ];
    for (policy, tool, args, want) in cases {
        assert_eq!(
            outcome(policy, "p.yaml", tool, args.clone()),
            *want,
            "{policy}\n{tool} {args}"
        );
    }
}

#[test]
fn intercept_checks_only_and_star_applies_to_every_tool() {
    let policy = r#"
version: "1"
default: allow
tools:
  create_charge:
    rules:
      - name: small charges
        conditions:
          - {path: args.amount, op: lte, value: 1000}
        on_deny: Charges over 1000 are not allowed
  list_customers:
    rules: []
  "*":
    rules:
      - name: global rate
        rate_limit: "100/hour"
        on_deny: Too many calls
"#;
    let table: &[(&str, Value, &str)] = &[
        // Both checks pass: allowed, the `*` limit counted.
        ("create_charge", json!({"amount": 10}), "allow+1"),
        (
            "create_charge",
            json!({"amount": 5000}),
            "deny by small charges",
        ),
        // An empty entry still meets the `*` check.
        ("list_customers", json!({}), "allow+1"),
        // A tool the file does not name: the `*` check, then `default: allow`.
        ("refund", json!({}), "allow+1"),
    ];
    for (tool, args, want) in table {
        assert_eq!(
            outcome(policy, "p.yaml", tool, args.clone()),
            *want,
            "{tool} {args}"
        );
    }
    // Without `default`, toolgate denies what the file doesn't name (and warns).
    let no_default = policy.replace("default: allow\n", "");
    assert_eq!(
        outcome(&no_default, "p.yaml", "refund", json!({})),
        "deny (default)"
    );
    assert_eq!(
        outcome(&no_default, "p.yaml", "list_customers", json!({})),
        "allow+1"
    );
}

#[test]
fn policylayer_entries_and_a_star_deny() {
    let policy = r#"{
  "version": "1",
  "default": "allow",
  "tools": {
    "listed": {},
    "limited": {"limits": [{"counter": "c", "max": 5, "window": "minute"}]},
    "blocked": {"action": "deny", "reason": "no"},
    "*": {"action": "deny", "reason": "not in the list"}
  }
}"#;
    let table: &[(&str, &str)] = &[
        ("listed", "allow"),
        ("limited", "allow+1"),
        ("blocked", "deny by blocked#1"),
        ("other", "deny by *#1"),
    ];
    for (tool, want) in table {
        assert_eq!(outcome(policy, "p.json", tool, json!({})), *want, "{tool}");
    }
}
