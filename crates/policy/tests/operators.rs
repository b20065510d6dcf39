//! The path and host operators, `[*]` quantifiers and exact numbers, decided end to end
//! through a loaded policy (so parsing, compiling and the reading order are all exercised).

use serde_json::{Value, json};
use toolgate_policy::{CallContext, CompiledPolicy, DenyKind, Verdict, load};

fn compile(text: &str) -> CompiledPolicy {
    CompiledPolicy::new(load(text, "t.yaml").expect("policy loads").policy)
}

/// `allow`, `deny`, `approve`, or `invalid` (denied with kind invalid_arguments).
fn outcome(p: &CompiledPolicy, tool: &str, args: Value) -> &'static str {
    let d = p.decide(&CallContext {
        tool,
        args: &args,
        identity: "alice",
        session: "s1",
        groups: &[],
    });
    match d.verdict {
        Verdict::Allow => "allow",
        Verdict::Approve { .. } => "approve",
        Verdict::Deny {
            kind: DenyKind::InvalidArguments,
            ..
        } => "invalid",
        Verdict::Deny { .. } => "deny",
        Verdict::UnknownTool => "unknown",
    }
}

#[test]
fn path_under_allow_list() {
    let p = compile(
        r#"
tools:
  read_file:
    rules:
      - action: allow
        when: [{path: args.path, op: path_under, value: /srv/shop}]
      - action: deny
"#,
    );
    for (path, want) in [
        ("/srv/shop/a.txt", "allow"),
        ("/srv/shop", "allow"),
        ("/srv//shop/./x/../a", "allow"),
        ("/srv/shop/../../etc/passwd", "deny"),
        ("/srv/shop//../../etc/passwd", "deny"),
        ("//../srv/shop/a", "invalid"),
        ("/srv/shop/%2e%2e/%2e%2e/etc/passwd", "invalid"),
        ("/srv/shop/%252e%252e/x", "invalid"),
        ("/srv/shop2/x", "deny"),
        ("srv/shop/a", "invalid"),
        ("/srv/shop/a\u{0}.txt", "invalid"),
        ("/srv/shop\\..\\..\\etc\\passwd", "invalid"),
    ] {
        assert_eq!(
            outcome(&p, "read_file", json!({ "path": path })),
            want,
            "{path:?}"
        );
    }
    assert_eq!(outcome(&p, "read_file", json!({"path": 5})), "invalid");
    // A missing path makes the condition false, as for every operator.
    assert_eq!(outcome(&p, "read_file", json!({})), "deny");
}

#[test]
fn path_deny_list() {
    let p = compile(
        r#"
tools:
  read_file:
    rules:
      - action: deny
        when: [{path: args.path, op: path_under, value: [/etc, /root]}]
      - action: allow
        when: [{path: args.path, op: path_not_under, value: /proc}]
"#,
    );
    for (path, want) in [
        ("/etc/passwd", "deny"),
        ("/tmp/../etc/passwd", "deny"),
        ("//etc//passwd", "deny"),
        ("/%65tc/passwd", "invalid"),
        ("/etcetera/x", "allow"),
        // The allow condition fails, and the entry has no more rules: a listed tool with
        // nothing deciding is allowed. The point is only that the deny did not fire.
        ("/proc/self/environ", "allow"),
        ("etc/passwd", "invalid"),
        ("/../etc/passwd", "invalid"),
    ] {
        assert_eq!(
            outcome(&p, "read_file", json!({ "path": path })),
            want,
            "{path:?}"
        );
    }
}

#[test]
fn host_in_allow_list() {
    let p = compile(
        r#"
tools:
  fetch:
    rules:
      - action: deny
        when: [{path: args.url, op: host_in, value: [169.254.169.254, 10.0.0.0/8, "fd00::/8", localhost, 127.0.0.0/8]}]
      - action: allow
        when: [{path: args.url, op: host_in, value: [example.com, "https://api.partner.test"]}]
      - action: deny
"#,
    );
    for (url, want) in [
        ("https://example.com/x", "allow"),
        ("https://docs.example.com/x", "allow"),
        ("https://EXAMPLE.com./x", "allow"),
        ("https://evilexample.com/", "deny"),
        ("https://example.com.evil.test/", "deny"),
        ("https://api.partner.test/v1", "allow"),
        ("http://api.partner.test/v1", "deny"),
        ("http://example.com@evil.test/", "invalid"),
        ("https://ex\u{0430}mple.com/", "deny"),
        ("http://2130706433/", "deny"),
        ("http://0x7f000001/", "deny"),
        ("http://0251.0376.0251.0376/", "deny"),
        ("http://[::ffff:a9fe:a9fe]/", "deny"),
        ("http://LOCALHOST/", "deny"),
        ("example.com", "invalid"),
        ("https://exa mple.com", "invalid"),
    ] {
        assert_eq!(outcome(&p, "fetch", json!({ "url": url })), want, "{url:?}");
    }
}

/// `[*]` quantifiers, as a table: (action, list) → does the rule fire.
#[test]
fn each_quantifier_table() {
    let rule = |action: &str, op: &str, value: &str| {
        compile(&format!(
            r#"
default: deny
tools:
  order:
    rules:
      - action: {action}
        when: [{{path: "args.items[*].sku", op: {op}, value: {value}}}]
      - action: {fallback}
"#,
            fallback = if action == "allow" { "deny" } else { "allow" }
        ))
    };
    // The same condition `sku in [a, b]` under each action; "fires" means the rule decided.
    let lists: [(&str, Value); 6] = [
        ("all match", json!([{"sku": "a"}, {"sku": "b"}])),
        ("one matches", json!([{"sku": "a"}, {"sku": "z"}])),
        ("none match", json!([{"sku": "y"}, {"sku": "z"}])),
        ("empty", json!([])),
        ("element lacks sku", json!([{"sku": "a"}, {"qty": 1}])),
        ("missing list", Value::Null),
    ];
    let table: [(&str, [&str; 6]); 3] = [
        // allow fires only when ALL elements match, never on an empty or missing list.
        ("allow", ["allow", "deny", "deny", "deny", "deny", "deny"]),
        // deny fires when ANY element matches.
        ("deny", ["deny", "deny", "allow", "allow", "deny", "allow"]),
        // approve fires when ANY element matches.
        (
            "approve",
            ["approve", "approve", "allow", "allow", "approve", "allow"],
        ),
    ];
    for (action, wants) in table {
        let p = rule(action, "in", "[a, b]");
        for ((name, items), want) in lists.iter().zip(wants) {
            let args = if items.is_null() {
                json!({})
            } else {
                json!({ "items": items })
            };
            assert_eq!(outcome(&p, "order", args), want, "{action} / {name}");
        }
    }
    // evaluate: the check passes only when ALL elements satisfy it.
    let p = compile(
        r#"
tools:
  order:
    rules:
      - when: [{path: "args.items[*].qty", op: lte, value: 10}]
      - action: allow
"#,
    );
    for (items, want) in [
        (json!([{"qty": 1}, {"qty": 10}]), "allow"),
        (json!([{"qty": 1}, {"qty": 11}]), "deny"),
        (json!([]), "deny"),
        (json!([{"qty": 1}, {}]), "deny"),
        // A type mismatch in any element denies with invalid_arguments.
        (json!([{"qty": 1}, {"qty": "5000"}]), "invalid"),
        // `[*]` on something that is not a list.
        (json!({"0": {"qty": 1}}), "invalid"),
    ] {
        assert_eq!(
            outcome(&p, "order", json!({ "items": items })),
            want,
            "{items}"
        );
    }
    // A negated operator under deny fires when ANY element is outside the list.
    let p = rule("deny", "not_in", "[a, b]");
    assert_eq!(
        outcome(&p, "order", json!({"items": [{"sku": "a"}, {"sku": "x"}]})),
        "deny"
    );
    assert_eq!(
        outcome(&p, "order", json!({"items": [{"sku": "a"}, {"sku": "b"}]})),
        "allow"
    );
}

#[test]
fn each_with_path_operator() {
    let p = compile(
        r#"
tools:
  copy:
    rules:
      - action: allow
        when: [{path: "args.files[*]", op: path_under, value: /srv/shop}]
      - action: deny
"#,
    );
    assert_eq!(
        outcome(&p, "copy", json!({"files": ["/srv/shop/a", "/srv/shop/b"]})),
        "allow"
    );
    assert_eq!(
        outcome(&p, "copy", json!({"files": ["/srv/shop/a", "/etc/passwd"]})),
        "deny"
    );
    assert_eq!(
        outcome(&p, "copy", json!({"files": ["/srv/shop/a", "../x"]})),
        "invalid"
    );
    assert_eq!(outcome(&p, "copy", json!({"files": []})), "deny");
}

#[test]
fn numbers_compare_exactly_as_written() {
    let p = compile(
        r#"
tools:
  upload:
    rules:
      - action: deny
        when: [{path: args.size, op: gt, value: 1024}]
      - action: allow
"#,
    );
    // serde_json reads 1024.0000000000001 as the f64 1024.0; the gateway refuses such a
    // number before it gets here (numbers::is_exact), and 1024.0000000000002 (the next f64
    // up is 1024.0000000000002274) is compared by its shortest text, exactly.
    for (size, want) in [
        ("1024", "allow"),
        ("1024.0", "allow"),
        ("1.024e3", "allow"),
        ("1024.0000000000002", "deny"),
        ("1025", "deny"),
        ("1e400", "deny"),
        ("-0", "allow"),
    ] {
        let args: Value = serde_json::from_str(&format!(r#"{{"size": {size}}}"#))
            .unwrap_or_else(|_| json!({"size": f64::MAX}));
        assert_eq!(outcome(&p, "upload", args), want, "{size}");
    }
    assert!(!toolgate_policy::numbers::is_exact("1024.0000000000001"));
    assert!(toolgate_policy::numbers::is_exact("1024.0000000000002"));
}

#[test]
fn bad_operands_are_located_errors() {
    for (value, op, expect) in [
        ("srv/shop", "path_under", "absolute"),
        ("/srv/../etc", "path_under", "canonical"),
        ("[]", "path_not_under", "at least one"),
        ("5", "path_under", "string"),
        ("'*.example.com'", "host_in", "subdomains"),
        ("example.com/x", "host_not_in", "CIDR"),
        ("10.0.0.0/40", "host_in", "prefix length"),
    ] {
        let text = format!(
            "tools:\n  t:\n    rules:\n      - action: allow\n        when: [{{path: args.x, op: {op}, value: {value}}}]\n"
        );
        let err = load(&text, "t.yaml").expect_err(&text);
        let all = format!("{err:?}");
        assert!(all.contains(expect), "{value}: {all}");
    }
    let text = "tools:\n  t:\n    rules:\n      - action: allow\n        spend: {from: 'args.items[*].amount', max: 5, window: day}\n";
    let err = load(text, "t.yaml").expect_err("spend over [*]");
    assert!(format!("{err:?}").contains("names many values"));
}
