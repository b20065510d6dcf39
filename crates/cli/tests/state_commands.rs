//! `toolgate state show|reset` from the outside: what `show` prints is what `reset`
//! accepts, a reset that matches nothing says so and fails, and looking at a store that
//! does not exist does not create it.

use std::process::{Command, Output};
use std::time::Duration;

use serde_json::json;
use toolgate_testkit::{StderrMode, StdioClient, example_server_path};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

fn state(args: &[&str], spec: &str) -> Output {
    Command::new(TOOLGATE)
        .arg("state")
        .args(args)
        .args(["--state", spec])
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs a gateway on `spec` and makes calls that leave three counters: `refunds_today`
/// (named by the rule's `spend`), and the unnamed counters of rules `echo#1` and `polite`.
async fn count_some_calls(dir: &std::path::Path, spec: &str) {
    let policy = dir.join("p.yaml");
    std::fs::write(
        &policy,
        "tools:\n  create_refund:\n    rules:\n      - name: refund budget\n        action: allow\n        spend: {counter: refunds_today, from: args.amount, max: 250, window: day}\n  echo:\n    rules:\n      - {action: allow, rate_limit: 100/hour}\n  add:\n    rules:\n      - {name: polite, action: allow, rate_limit: 100/hour}\n",
    )
    .unwrap();
    let g = StdioClient::builder(TOOLGATE)
        .args([
            "run",
            "--audit",
            "off",
            "--identity",
            "alice",
            "--state",
            spec,
        ])
        .arg("--policy")
        .arg(&policy)
        .arg("--")
        .arg(example_server_path())
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(30))
        .spawn()
        .unwrap();
    g.initialize("2025-06-18")
        .await
        .unwrap_or_else(|e| panic!("{e}; gateway stderr:\n{}", g.stderr_output()));
    for (tool, args) in [
        ("create_refund", json!({"order_id": "A1", "amount": 40})),
        ("echo", json!({"text": "hi"})),
        ("add", json!({"a": 1, "b": 2})),
    ] {
        let r = g.call_tool(tool, args).await;
        assert_eq!(r["result"]["isError"], json!(false), "{tool}: {r}");
    }
    drop(g);
}

fn shown_keys(spec: &str) -> Vec<String> {
    let out = state(&["show", "--json"], spec);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["key"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn reset_accepts_what_show_prints_and_fails_when_nothing_matches() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!("sqlite:{}", dir.path().join("state.db").display());
    count_some_calls(dir.path(), &spec).await;
    let mut keys = shown_keys(&spec);
    keys.sort();
    assert_eq!(
        keys,
        [
            "add/polite|grant:alice",
            "echo/echo#1|grant:alice",
            "refunds_today|grant:alice"
        ]
    );

    // A name that is no counter, key or rule: said, and a failure.
    let out = state(&["reset", "refund budget"], &spec);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("no counter matches `refund budget`"),
        "{}",
        text(&out.stderr)
    );

    // A key exactly as `state show` printed it.
    let out = state(&["reset", "refunds_today|grant:alice"], &spec);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("reset 1 counter(s)"),
        "{}",
        text(&out.stdout)
    );
    // A rule's name: the counters named after it.
    let out = state(&["reset", "polite"], &spec);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("reset 1 counter(s)"),
        "{}",
        text(&out.stdout)
    );
    // A counter as printed before the `|`.
    let out = state(&["reset", "echo/echo#1"], &spec);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("reset 1 counter(s)"),
        "{}",
        text(&out.stdout)
    );
    assert!(shown_keys(&spec).is_empty());

    // Gone now: nothing matches any more.
    let out = state(&["reset", "refunds_today"], &spec);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn show_and_reset_do_not_create_a_missing_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub").join("state.db");
    let spec = format!("sqlite:{}", db.display());
    for args in [&["show"][..], &["show", "--json"], &["reset", "--all"]] {
        let out = state(args, &spec);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("no counter store at"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(!db.exists());
    assert!(!dir.path().join("sub").exists());
}
