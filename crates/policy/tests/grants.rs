//! What grants mean, decided end to end: the gate, the reading order with grant rules first,
//! groups, `*`, list filtering per caller, and the compiled identity lookups.

use std::sync::Arc;

use serde_json::{Value, json};
use toolgate_policy::{
    CallContext, CompiledPolicy, Decision, DenyKind, KeyHash, Verdict, load, load_identities,
};

fn compile(text: &str) -> CompiledPolicy {
    let loaded = load(text, "t.yaml").unwrap_or_else(|e| {
        panic!(
            "{:#?}",
            e.0.iter().map(|d| d.render("t.yaml")).collect::<Vec<_>>()
        )
    });
    CompiledPolicy::new(loaded.policy)
}

fn example() -> CompiledPolicy {
    let path = format!(
        "{}/../../examples/identities-and-grants.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    compile(&std::fs::read_to_string(path).unwrap())
}

fn groups(names: &[&str]) -> Vec<Arc<str>> {
    names.iter().map(|g| Arc::from(*g)).collect()
}

fn call(
    p: &CompiledPolicy,
    identity: &str,
    groups: &[Arc<str>],
    tool: &str,
    args: Value,
) -> Decision {
    p.decide(&CallContext {
        tool,
        args: &args,
        identity,
        session: "s1",
        groups,
    })
}

/// A caller whose groups come from the policy's `identities`, as the gateway does for API keys.
fn as_known(p: &CompiledPolicy, identity: &str, tool: &str, args: Value) -> Decision {
    call(p, identity, p.groups_of(identity), tool, args)
}

fn denied_reason(d: &Decision) -> &str {
    match &d.verdict {
        Verdict::Deny { reason, .. } => reason,
        other => panic!("expected deny, got {other:?}"),
    }
}

#[test]
fn no_grant_for_the_tool_is_a_policy_denial_without_a_rule() {
    let p = example();
    let d = as_known(&p, "ci-bot", "createRefund", json!({"amount": 5}));
    assert_eq!(
        d.verdict,
        Verdict::Deny {
            kind: DenyKind::Policy,
            reason: "identity `ci-bot` has no grant for tool `createRefund`".into()
        }
    );
    assert_eq!(d.rule, None);
    assert!(d.matched.is_empty() && d.reservations.is_empty());
    // An identity nobody granted anything to.
    let d = as_known(&p, "mallory", "getUser", json!({}));
    assert_eq!(
        denied_reason(&d),
        "identity `mallory` has no grant for tool `getUser`"
    );
}

#[test]
fn hidden_tools_stay_unknown_before_the_grant_gate() {
    let p = compile("hide: [\"import*\"]\ngrants:\n  - {to: [\"*\"], tools: [\"*\"]}\n");
    assert_eq!(
        call(&p, "alice", &[], "importUsers", json!({})).verdict,
        Verdict::UnknownTool
    );
    // Even for a caller with no grant at all: the tool does not exist.
    let gated = compile("hide: [x]\ntools: {}\ngrants: []\n");
    assert_eq!(
        call(&gated, "bob", &[], "x", json!({})).verdict,
        Verdict::UnknownTool
    );
}

#[test]
fn an_empty_grants_section_denies_every_call() {
    let p = compile("default: deny\ntools:\n  t: {rules: [{action: allow}]}\ngrants: []\n");
    assert!(p.has_grants());
    let d = call(&p, "alice", &[], "t", json!({}));
    assert_eq!(
        denied_reason(&d),
        "identity `alice` has no grant for tool `t`"
    );
}

#[test]
fn without_grants_nothing_changes() {
    let p = compile("tools:\n  t: {rules: [{action: allow}]}\n");
    assert!(!p.has_grants());
    assert_eq!(call(&p, "", &[], "t", json!({})).verdict, Verdict::Allow);
    assert_eq!(
        call(&p, "anyone", &[], "t", json!({})).verdict,
        Verdict::Allow
    );
    assert!(p.lists("t") && p.lists_for("t", "anyone", &[]));
}

#[test]
fn a_grant_narrows_a_tool_for_one_group_with_its_own_spend_cap() {
    let p = example();
    // alice (support): the base budget only.
    let d = as_known(&p, "alice", "createRefund", json!({"amount": 40}));
    assert_eq!(d.verdict, Verdict::Allow);
    let keys: Vec<&str> = d.reservations.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["refunds|grant:alice"]);
    // bob (support + contractors): the contractors' cap is read first and counted too.
    let d = as_known(&p, "bob", "createRefund", json!({"amount": 40}));
    assert_eq!(d.verdict, Verdict::Allow);
    let keys: Vec<&str> = d.reservations.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["contractor_refunds|grant:bob", "refunds|grant:bob"]);
    assert_eq!(d.reservations[0].max, 200.0);
    let cap = &d.matched[0];
    assert_eq!(&*cap.entry, "grant:contractors/createRefund");
    assert_eq!(cap.label(), "contractor refund cap");
    // The cap reads the amount like any spend: a bad amount is still invalid arguments.
    let d = as_known(&p, "bob", "createRefund", json!({"amount": "40"}));
    assert!(matches!(
        d.verdict,
        Verdict::Deny {
            kind: DenyKind::InvalidArguments,
            ..
        }
    ));
}

#[test]
fn grant_rules_are_read_before_the_tools_own_and_can_deny() {
    let p = compile(
        r#"
tools:
  pay: {rules: [{action: allow}]}
  "*": {rules: [{action: deny, reason: not here}]}
grants:
  - to: ["*"]
    tools: [pay, other]
  - to: ["group:interns"]
    rules:
      pay:
        - {action: deny, when: [{path: args.amount, op: gt, value: 10}], reason: interns pay little}
"#,
    );
    let interns = groups(&["interns"]);
    let d = call(&p, "ivy", &interns, "pay", json!({"amount": 50}));
    assert_eq!(denied_reason(&d), "interns pay little");
    let rule = d.rule.unwrap();
    assert_eq!(&*rule.entry, "grant#2/pay");
    assert_eq!(rule.label(), "grant#2/pay#1");
    assert_eq!(
        call(&p, "ivy", &interns, "pay", json!({"amount": 5})).verdict,
        Verdict::Allow
    );
    assert_eq!(
        call(&p, "carl", &[], "pay", json!({"amount": 50})).verdict,
        Verdict::Allow
    );
    // Opened by a grant, but the `*` rules still apply after the grant's and the tool's own.
    assert_eq!(
        denied_reason(&call(&p, "carl", &[], "other", json!({}))),
        "not here"
    );
}

#[test]
fn a_grant_opens_a_tool_the_base_policy_denies_by_default() {
    let p = example();
    // `getUser` has an entry; `getInvoice` has none and would get `default: deny`.
    for tool in ["getUser", "getInvoice"] {
        let d = as_known(&p, "ci-bot", tool, json!({}));
        assert_eq!(d.verdict, Verdict::Allow, "{tool}");
        assert_eq!(d.rule, None);
    }
    // Support was not granted `getInvoice`.
    assert_eq!(
        denied_reason(&as_known(&p, "alice", "getInvoice", json!({}))),
        "identity `alice` has no grant for tool `getInvoice`"
    );
}

#[test]
fn groups_come_from_the_groups_slice() {
    let p = example();
    let support = groups(&["support"]);
    // A JWT caller the file doesn't know, whose token says it is in `support`.
    let d = call(&p, "dana@example.com", &support, "searchUsers", json!({}));
    assert_eq!(d.verdict, Verdict::Allow);
    assert_eq!(
        d.reservations[0].key,
        "searchUsers/searchUsers#1|grant:dana@example.com"
    );
    // The same caller without the group.
    let d = call(&p, "dana@example.com", &[], "searchUsers", json!({}));
    assert!(denied_reason(&d).contains("has no grant"));
    // Group names are exact.
    let d = call(
        &p,
        "dana@example.com",
        &groups(&["Support"]),
        "searchUsers",
        json!({}),
    );
    assert!(denied_reason(&d).contains("has no grant"));
}

#[test]
fn star_grants_apply_to_every_caller_with_an_identity_but_not_to_nobody() {
    let p = compile("grants:\n  - {name: all, to: [\"*\"], tools: [\"read_*\"]}\n");
    assert_eq!(
        call(&p, "anyone", &[], "read_file", json!({})).verdict,
        Verdict::Allow
    );
    assert!(denied_reason(&call(&p, "anyone", &[], "write_file", json!({}))).contains("no grant"));
    assert_eq!(
        denied_reason(&call(&p, "", &[], "read_file", json!({}))),
        "an unauthenticated caller has no grant for tool `read_file`"
    );
}

#[test]
fn grant_counters_are_stable_and_grant_scope_is_per_identity() {
    let p = compile(
        r#"
grants:
  - name: support
    to: [alice, bob]
    tools: [refund]
    rules:
      refund:
        - action: allow
          rate_limit: 5/hour
          scope: grant
"#,
    );
    let d = call(&p, "bob", &[], "refund", json!({}));
    assert_eq!(
        d.reservations[0].key,
        "grant:support/refund/grant:support/refund#1|grant:bob"
    );
    assert_eq!(d.rule.unwrap().label(), "grant:support/refund#1");
}

#[test]
fn lists_for_follows_grants_and_lists_stays_as_before_without_them() {
    let p = example();
    let alice = p.groups_of("alice");
    assert!(p.lists_for("createRefund", "alice", alice));
    assert!(
        !p.lists_for("getInvoice", "alice", alice),
        "no grant opens it"
    );
    assert!(p.lists_for("getInvoice", "ci-bot", &[]), "opened by a glob");
    assert!(!p.lists_for("importUsers", "ci-bot", &[]), "hidden");
    assert!(!p.lists_for("getUser", "", &[]), "nobody");
    // Without identity no grant applies, so a policy with grants lists nothing.
    assert!(!p.lists("getUser"));
    assert!(p.denies_unconditionally("getUser"));

    let deny = compile(
        "tools:\n  t:\ngrants:\n  - {to: [\"*\"], tools: [t]}\n  - to: [\"group:g\"]\n    rules:\n      \"*\": [{action: deny}]\n",
    );
    assert!(deny.lists_for("t", "x", &[]));
    assert!(
        !deny.lists_for("t", "x", &groups(&["g"])),
        "a grant's unconditional deny hides it"
    );
}

#[test]
fn key_hashes_and_names_resolve_to_identities_and_groups() {
    let p = example();
    let alice = KeyHash::of_token(b"tg_demo_alice");
    let (name, gs) = p.identity_for_key_hash(&alice.0).unwrap();
    assert_eq!((name, gs), ("alice", &groups(&["support"])[..]));
    let (name, gs) = p
        .identity_for_key_hash(&KeyHash::of_token(b"tg_demo_ci").0)
        .unwrap();
    assert_eq!(name, "ci-bot");
    assert!(gs.is_empty());
    assert_eq!(
        p.identity_for_key_hash(&KeyHash::of_token(b"guess").0),
        None
    );
    assert_eq!(p.groups_of("bob"), &groups(&["support", "contractors"])[..]);
    assert!(p.groups_of("nobody").is_empty());
    let auth = p.auth().unwrap();
    assert_eq!(auth.resource.as_deref(), Some("https://gw.example.com/mcp"));
    assert_eq!(auth.jwt.as_ref().unwrap().leeway, 60);
    assert!(p.has_grants());
}

#[test]
fn an_identities_file_combines_with_a_policy_once() {
    let policy = compile("tools:\n  t:\ngrants:\n  - {to: [\"group:ops\"], tools: [t]}\n");
    let before = policy.version().to_owned();
    let file = load_identities(
        "identities:\n  olga:\n    groups: [ops]\n    api_keys: [sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b]\n",
        "ids.yaml",
    )
    .unwrap()
    .file;
    let p = policy.with_identities(file.clone()).unwrap();
    assert_ne!(p.version(), before, "who may call is part of the version");
    let (name, gs) = p
        .identity_for_key_hash(&KeyHash::of_token(b"secret").0)
        .unwrap();
    assert_eq!(name, "olga");
    let d = call(&p, name, gs, "t", json!({}));
    assert_eq!(d.verdict, Verdict::Allow);

    let err = example().with_identities(file).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`identities` is defined twice: in the policy and in the identities file; keep it in one place"
    );
}

#[test]
fn the_examples_in_docs_identities_md_load() {
    let path = format!("{}/../../docs/identities.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(path).unwrap();
    let blocks: Vec<&str> = doc
        .split("```yaml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(blocks.len() >= 5, "the doc lost its examples");
    for block in blocks {
        // Reference listings (`…` placeholders, both JWKS keys to show the choice) are not
        // files.
        if block.starts_with("auth:") || block.contains('…') {
            continue;
        }
        let result = if block.contains("tools:") || block.contains("grants:") {
            load(block, "doc.yaml").map(|l| l.warnings)
        } else {
            load_identities(block, "doc.yaml").map(|l| l.warnings)
        };
        match result {
            Ok(warnings) => assert!(warnings.is_empty(), "{block}\n{warnings:?}"),
            Err(e) => panic!("{block}\n{:#?}", e.0),
        }
    }
}
