//! No secret from a marked path, under a secret-looking key, or shaped like a credential
//! appears in cleartext anywhere in the log file — checked on the bytes, with random secrets.

mod common;

use common::{call, clock, options, records};
use proptest::prelude::*;
use serde_json::{Value, json};
use toolgate_audit::{ArgsMode, AuditLog, AuditOptions, DecisionEvent, Verdict};

const SECRET_KEYS: &[&str] = &[
    "token",
    "password",
    "api_key",
    "Authorization",
    "client_secret",
    "X-Api-Key",
    "refreshToken",
    "db_password",
    "privateKey",
    "sessionCookie",
    "credentials",
];

fn decision(args: Value) -> DecisionEvent {
    DecisionEvent {
        call: call(1, "alice", "createUser"),
        arguments: Some(args),
        verdict: Verdict::Allow,
        kind: None,
        rule: None,
        reason: None,
        counters: vec![],
        approval: None,
        approver: None,
        policy_version: "p1".into(),
    }
}

/// Writes one decision per args value and returns the file's bytes as text.
fn logged(args: Vec<Value>, mode: ArgsMode) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(
        &path,
        AuditOptions {
            args_mode: mode,
            redact_paths: vec![
                "requestBody.code".into(),
                "items[].value".into(),
                "headers.*".into(),
            ],
            ..options(clock())
        },
    )
    .unwrap();
    for a in args {
        log.record(decision(a)).unwrap();
    }
    log.shutdown_blocking().unwrap();
    std::fs::read_to_string(&path).unwrap()
}

/// Wraps `leaf` in `depth` levels of harmless objects and arrays.
fn nest(leaf: Value, path: &[(u8, String)]) -> Value {
    path.iter()
        .rev()
        .fold(leaf, |inner, (shape, name)| match shape % 3 {
            0 => json!({ name.clone(): inner }),
            1 => json!([1, inner, "x"]),
            _ => json!({ name.clone(): [inner] }),
        })
}

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{18,32}".prop_map(|s| format!("Q{s}"))
}

fn plain_path() -> impl Strategy<Value = Vec<(u8, String)>> {
    prop::collection::vec((any::<u8>(), "(alpha|beta|data|list|params)"), 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_secret_reaches_the_file(
        code in secret(),
        values in prop::collection::vec(secret(), 1..4),
        header in secret(),
        keyed in prop::collection::vec((secret(), 0..SECRET_KEYS.len(), plain_path(), any::<bool>()), 1..5),
        bearer in secret(),
        noise in "[a-z]{1,10}",
    ) {
        let mut args = json!({
            "requestBody": {"code": code, "name": noise},
            "items": values.iter().map(|v| json!({"value": v, "keep": 1})).collect::<Vec<_>>(),
            "headers": {"X-Anything": header},
            "note": format!("Bearer {bearer}"),
        });
        let obj = args.as_object_mut().unwrap();
        for (i, (s, k, path, wrap)) in keyed.iter().enumerate() {
            // A secret-looking key deep inside harmless structure; its value is the secret
            // itself or an object holding it.
            let value = if *wrap { json!({"value": s, "n": i}) } else { json!(s) };
            obj.insert(format!("field{i}"), nest(json!({ SECRET_KEYS[*k]: value }), path));
        }
        let text = logged(vec![args], ArgsMode::Redacted);
        let mut all: Vec<&String> = vec![&code, &header, &bearer];
        all.extend(values.iter());
        all.extend(keyed.iter().map(|(s, ..)| s));
        for s in all {
            prop_assert!(!text.contains(s.as_str()), "secret {} leaked:\n{}", s, text);
        }
        prop_assert!(text.contains(&noise), "harmless values stay readable");
    }
}

#[test]
fn hash_mode_keeps_only_a_digest_and_none_keeps_nothing() {
    let args = json!({"q": "visible-in-full-mode", "limit": 5});
    let full = logged(vec![args.clone()], ArgsMode::Full);
    assert!(full.contains("visible-in-full-mode"));

    let hashed = logged(vec![args.clone()], ArgsMode::Hash);
    assert!(!hashed.contains("visible-in-full-mode"));
    let line = hashed.lines().next().unwrap();
    let r: toolgate_audit::Record = serde_json::from_str(line).unwrap();
    assert_eq!(r.args_mode, Some(ArgsMode::Hash));
    let digest = r.args.unwrap()["sha256"].as_str().unwrap().to_string();
    assert_eq!(digest.len(), 64);
    // Same salt, same arguments (in any key order) → same digest: a call can be matched.
    let again = logged(
        vec![serde_json::from_str(r#"{"limit":5,"q":"visible-in-full-mode"}"#).unwrap()],
        ArgsMode::Hash,
    );
    assert!(again.contains(&digest));

    let none = logged(vec![args], ArgsMode::None);
    let r: toolgate_audit::Record = serde_json::from_str(none.lines().next().unwrap()).unwrap();
    assert_eq!((r.args_mode, r.args), (Some(ArgsMode::None), None));
}

#[test]
fn redacted_values_are_salted_hashes_of_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path, options(clock())).unwrap();
    log.record(decision(json!({"password": "hunter2"})))
        .unwrap();
    log.shutdown_blocking().unwrap();
    let r = &records(&path)[0];
    let redactor =
        toolgate_audit::Redactor::new(ArgsMode::Redacted, &[], &[], true, b"test-salt".to_vec())
            .unwrap();
    assert_eq!(
        r.args.as_ref().unwrap()["password"]["sha256"],
        json!(redactor.salted_hash(&json!("hunter2")))
    );
}
