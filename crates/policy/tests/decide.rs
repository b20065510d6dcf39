//! What policies mean: the published examples and every reading-order rule, decided end to end.

use serde_json::{Value, json};
use toolgate_policy::model::{CalendarUnit, Scope, Window};
use toolgate_policy::{CallContext, CompiledPolicy, Decision, DenyKind, Verdict, load};

fn compile(text: &str) -> CompiledPolicy {
    CompiledPolicy::new(load(text, "t.yaml").expect("policy loads").policy)
}

fn example(name: &str) -> CompiledPolicy {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    CompiledPolicy::new(load(&text, &path).expect("example loads").policy)
}

fn decide(p: &CompiledPolicy, tool: &str, args: Value) -> Decision {
    p.decide(&CallContext {
        tool,
        args: &args,
        identity: "alice",
        session: "s1",
        groups: &[],
    })
}

fn denied_reason(d: &Decision) -> &str {
    match &d.verdict {
        Verdict::Deny { reason, .. } => reason,
        other => panic!("expected deny, got {other:?}"),
    }
}

#[test]
fn policylayer_refresh_token_rate_per_grant() {
    let p = example("policylayer-refresh-token.json");
    let d = decide(&p, "refresh_access_token", json!({}));
    assert_eq!(d.verdict, Verdict::Allow);
    assert_eq!(d.reservations.len(), 1);
    let r = &d.reservations[0];
    assert_eq!(r.key, "refresh_access_token_rate|grant:alice");
    assert_eq!(r.max, 60.0);
    assert_eq!(r.amount, 1.0);
    assert_eq!(r.window, Window::Calendar(CalendarUnit::Minute));
    assert_eq!(r.scope, Scope::Grant);
    // Everything else is denied by default.
    let d = decide(&p, "delete_everything", json!({}));
    assert!(denied_reason(&d).contains("default: deny"));
}

#[test]
fn intercept_fusionauth_allow_with_rate_and_deny_with_reason() {
    let p = example("intercept-fusionauth.yaml");
    let d = decide(
        &p,
        "exchangeRefreshTokenForJWTWithId",
        json!({"token": "x"}),
    );
    assert_eq!(d.verdict, Verdict::Allow);
    assert_eq!(d.reservations[0].max, 30.0);
    assert_eq!(
        d.reservations[0].window,
        Window::Rolling(60.try_into().unwrap())
    );
    // Per identity by default: a caller can't reset it by opening a new session.
    assert_eq!(d.reservations[0].scope, Scope::Grant);
    assert!(d.reservations[0].key.ends_with("|grant:alice"));
    let d = decide(&p, "importRefreshTokensWithId", json!({}));
    assert_eq!(
        denied_reason(&d),
        "Bulk token import is an administrative task, not an agent's"
    );
}

#[test]
fn support_agent_native_example() {
    let p = example("support-agent.yaml");
    // Hidden tools are unknown, by name and by glob.
    assert_eq!(
        decide(&p, "deleteUserWithId", json!({})).verdict,
        Verdict::UnknownTool
    );
    assert_eq!(
        decide(&p, "importUsers", json!({})).verdict,
        Verdict::UnknownTool
    );
    // Big refunds need a person; small ones spend the grant's daily budget.
    let d = decide(&p, "createRefund", json!({"amount": 500}));
    assert!(matches!(d.verdict, Verdict::Approve { .. }));
    let d = decide(&p, "createRefund", json!({"amount": 40}));
    assert_eq!(d.verdict, Verdict::Allow);
    assert_eq!(d.reservations[0].key, "refunds_today|grant:alice");
    assert_eq!(d.reservations[0].amount, 40.0);
    // Everything else falls to `*`.
    let d = decide(&p, "listUsers", json!({}));
    assert_eq!(denied_reason(&d), "Not part of the support workflow");
}

#[test]
fn intercept_checks_all_must_pass_and_wildcard_applies_to_every_tool() {
    let p = example("intercept-stripe.yaml");
    let ok = decide(
        &p,
        "create_charge",
        json!({"amount": 1000, "currency": "usd"}),
    );
    assert_eq!(ok.verdict, Verdict::Allow);
    // Spend cap of the tool plus the global rate limit of `*`.
    let keys: Vec<&str> = ok.reservations.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "create_charge.daily_spend|grant:alice",
            "*/global rate limit|grant:alice"
        ]
    );
    assert_eq!(ok.reservations[0].amount, 1000.0);
    let d = decide(
        &p,
        "create_charge",
        json!({"amount": 60000, "currency": "usd"}),
    );
    assert_eq!(denied_reason(&d), "Single charge cannot exceed $500.00");
    let d = decide(&p, "create_charge", json!({"amount": 5, "currency": "gbp"}));
    assert_eq!(denied_reason(&d), "Only USD and EUR charges are allowed");
    let d = decide(&p, "delete_product", json!({}));
    assert_eq!(
        denied_reason(&d),
        "Deleting products is not permitted via AI agents"
    );
    assert_eq!(
        decide(&p, "delete_customer", json!({})).verdict,
        Verdict::UnknownTool
    );
    // Unlisted tool: `*` checks pass, then default deny.
    assert!(denied_reason(&decide(&p, "transfer", json!({}))).contains("default: deny"));
}

#[test]
fn first_terminal_rule_wins_in_file_order() {
    let p = compile(
        r#"
default: deny
tools:
  t:
    rules:
      - {action: deny, when: [{path: args.x, op: eq, value: 1}], reason: one}
      - {action: allow, when: [{path: args.x, op: lt, value: 10}]}
      - {action: deny, reason: fallthrough}
"#,
    );
    assert_eq!(denied_reason(&decide(&p, "t", json!({"x": 1}))), "one");
    assert_eq!(decide(&p, "t", json!({"x": 5})).verdict, Verdict::Allow);
    assert_eq!(
        denied_reason(&decide(&p, "t", json!({"x": 50}))),
        "fallthrough"
    );
    assert_eq!(denied_reason(&decide(&p, "t", json!({}))), "fallthrough");
}

#[test]
fn own_allow_ends_reading_before_wildcard_rules() {
    let p = compile(
        r#"
tools:
  a: {rules: [{action: allow}]}
  "*": {rules: [{action: deny, reason: no}]}
"#,
    );
    assert_eq!(decide(&p, "a", json!({})).verdict, Verdict::Allow);
    assert_eq!(denied_reason(&decide(&p, "b", json!({}))), "no");
}

#[test]
fn listed_tool_without_terminal_rule_is_allowed_unlisted_gets_default() {
    let deny = compile("default: deny\ntools:\n  a:\n  b: {rules: [{rate_limit: 5/hour}]}\n");
    assert_eq!(decide(&deny, "a", json!({})).verdict, Verdict::Allow);
    let b = decide(&deny, "b", json!({}));
    assert_eq!(b.verdict, Verdict::Allow);
    assert_eq!(b.reservations.len(), 1);
    assert!(matches!(
        decide(&deny, "c", json!({})).verdict,
        Verdict::Deny { .. }
    ));
    let allow = compile("default: allow\ntools: {}\n");
    assert_eq!(decide(&allow, "c", json!({})).verdict, Verdict::Allow);
}

#[test]
fn failed_check_names_the_condition_when_no_reason_is_given() {
    let p = compile(
        "tools:\n  t:\n    rules:\n      - name: cap\n        conditions: [{path: args.amount, op: lte, value: 100}]\n",
    );
    assert_eq!(
        denied_reason(&decide(&p, "t", json!({"amount": 101}))),
        "condition `args.amount lte 100` of rule `cap` is not met"
    );
    // A missing argument makes the condition false: the check fails closed.
    assert!(matches!(
        decide(&p, "t", json!({})).verdict,
        Verdict::Deny {
            kind: DenyKind::Policy,
            ..
        }
    ));
}

#[test]
fn type_mismatch_is_an_invalid_arguments_denial_even_on_a_deny_rule() {
    // Regression: treating "5000" as "not greater than 100" would skip the deny rule.
    let p = compile(
        "tools:\n  pay:\n    rules:\n      - {action: deny, when: [{path: args.amount, op: gt, value: 100}]}\n      - {action: allow}\n",
    );
    let d = decide(&p, "pay", json!({"amount": "5000"}));
    match d.verdict {
        Verdict::Deny { kind, reason } => {
            assert_eq!(kind, DenyKind::InvalidArguments);
            assert!(reason.contains("is a string"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn spend_amounts_must_be_non_negative_numbers() {
    let p = compile(
        "tools:\n  refund:\n    rules:\n      - action: allow\n        spend: {counter: c, from: args.amount, max: 1000, window: day}\n",
    );
    for bad in [json!(-500), json!("600"), json!(null), json!([1])] {
        let d = decide(&p, "refund", json!({ "amount": bad }));
        assert!(
            matches!(
                d.verdict,
                Verdict::Deny {
                    kind: DenyKind::InvalidArguments,
                    ..
                }
            ),
            "{bad}: {d:?}"
        );
        assert!(d.reservations.is_empty());
    }
    let d = decide(&p, "refund", json!({}));
    assert!(denied_reason(&d).contains("missing"));
    let d = decide(&p, "refund", json!({"amount": 0}));
    assert_eq!(d.verdict, Verdict::Allow);
}

#[test]
fn scopes_key_counters_by_session_identity_tool_or_nothing() {
    let p = compile(
        r#"
tools:
  "*":
    rules:
      - action: allow
        limits:
          - {counter: s, max: 1, window: 60, scope: session}
          - {counter: g, max: 1, window: 60, scope: grant}
          - {counter: t, max: 1, window: 60, scope: tool}
          - {counter: "x|y", max: 1, window: 60, scope: global}
"#,
    );
    let d = decide(&p, "any_tool", json!({}));
    let keys: Vec<&str> = d.reservations.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "s|session:s1",
            "g|grant:alice",
            "t|tool:any_tool",
            "x%7Cy|global"
        ]
    );
}

#[test]
fn unnamed_rule_counters_are_stable_per_entry_and_position() {
    let p = compile("tools:\n  t: {rules: [{action: allow, rate_limit: 3/minute}]}\n");
    assert_eq!(
        decide(&p, "t", json!({})).reservations[0].key,
        "t/t#1|grant:alice"
    );
}

#[test]
fn hidden_wins_over_an_allow_entry() {
    let p = compile("hide: [x]\ntools:\n  x: {rules: [{action: allow}]}\n");
    assert_eq!(decide(&p, "x", json!({})).verdict, Verdict::UnknownTool);
    assert!(!p.lists("x"));
}

#[test]
fn list_filter_removes_hidden_and_unconditionally_denied_tools() {
    let p = example("policy.yaml");
    assert!(p.lists("get_order"));
    assert!(p.lists("read_file"), "conditional deny keeps it listed");
    assert!(!p.lists("delete_user"), "hidden");
    assert!(!p.lists("send_email"), "falls to the `*` deny");
    let default_deny = compile("default: deny\ntools: {a: {rules: [{action: allow}]}}\n");
    assert!(default_deny.lists("a"));
    assert!(!default_deny.lists("b"));
}

#[test]
fn decisions_are_deterministic() {
    let p = example("policy.yaml");
    let args = json!({"amount": 42, "order_id": "A1"});
    let first = decide(&p, "create_refund", args.clone());
    for _ in 0..100 {
        assert_eq!(decide(&p, "create_refund", args.clone()), first);
    }
}

#[test]
fn policy_version_tracks_meaning_not_formatting() {
    let a = compile("tools:\n  t: {rules: [{action: allow}]}\n");
    let b = compile("# comment\ntools:\n  t:\n    rules:\n      - action: allow\n");
    let c = compile("tools:\n  t: {rules: [{action: deny}]}\n");
    assert_eq!(a.version(), b.version());
    assert_ne!(a.version(), c.version());
    assert_eq!(a.version().len(), 64);
}

#[test]
fn refund_on_error_comes_from_the_deciding_rule() {
    let p = compile(
        "tools:\n  t:\n    rules:\n      - {action: allow, refund_on_error: true, rate_limit: 5/minute}\n  u: {rules: [{action: allow, rate_limit: 5/minute}]}\n",
    );
    assert!(decide(&p, "t", json!({})).refund_on_error);
    assert!(!decide(&p, "u", json!({})).refund_on_error);
}

#[test]
fn sliding_algorithm_turns_a_calendar_unit_into_a_sliding_window() {
    let p = compile(
        "tools:\n  t:\n    rules:\n      - action: allow\n        rate_limit: {max: 5, window: minute, algorithm: sliding}\n        spend: {from: args.a, max: 9, window: day, algorithm: sliding}\n",
    );
    let d = decide(&p, "t", json!({"a": 1}));
    assert_eq!(
        d.reservations[0].window,
        Window::Rolling(60.try_into().unwrap())
    );
    assert_eq!(
        d.reservations[1].window,
        Window::Rolling(86_400.try_into().unwrap())
    );
    let err = load(
        "tools: {t: {rules: [{action: allow, rate_limit: {max: 1, window: 30, algorithm: fixed}}]}}",
        "x.yaml",
    )
    .unwrap_err();
    assert!(err.0[0].message.contains("always slides"), "{:?}", err.0);
}
