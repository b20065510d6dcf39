//! Two gateways on one machine with the default audit log (one per `mcpServers` entry is the
//! README's own pattern): the second finds `audit.jsonl` in use and writes a chain of its own
//! beside it. Regression (issue 24): `audit verify`, `audit query`, `audit tail` and `status`
//! read only `audit.jsonl`, so the second gateway's records were invisible — and a tampered
//! second chain passed `audit verify`. Now every reader takes every chain of the directory.
//!
//! Needs the example server binary: `cargo build -p toolgate-testkit --bins`.

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use toolgate_testkit::{StderrMode, StdioClient, example_server_path};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

const POLICY: &str = r#"
version: "1"
default: deny
tools:
  echo: {rules: [{action: allow}]}
  add: {rules: [{action: allow}]}
"#;

/// A gateway with the default audit log (no `--audit`), data dir `data`.
async fn gateway(data: &Path, policy: &Path, log: &str) -> StdioClient {
    let client = StdioClient::builder(TOOLGATE)
        .args(["run", "--state", "memory", "--pin-file", "off", "--policy"])
        .arg(policy)
        .arg("--")
        .arg(example_server_path())
        .env("XDG_DATA_HOME", data)
        .env("TOOLGATE_TESTKIT_LOG", data.join(log))
        .stderr(StderrMode::Capture)
        .spawn()
        .unwrap();
    client.initialize("2025-06-18").await.unwrap();
    client
}

fn toolgate(data: &Path, args: &[&str]) -> Output {
    std::process::Command::new(TOOLGATE)
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn every_reader_reads_the_chain_of_a_second_gateway() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let policy = data.join("policy.yaml");
    std::fs::write(&policy, POLICY).unwrap();

    // Both run at once: the second finds audit.jsonl locked by the first.
    let first = gateway(data, &policy, "first.log").await;
    let second = gateway(data, &policy, "second.log").await;
    first
        .call_tool("echo", json!({"text": "from the first"}))
        .await;
    second.call_tool("add", json!({"a": 1, "b": 2})).await;
    for client in [first, second] {
        client.close_stdin().await;
        assert!(client.wait_exit().await.unwrap().success());
    }
    let logs = data.join("toolgate");
    assert!(logs.join("audit.jsonl").is_file());
    assert!(
        logs.join("audit-2.jsonl").is_file(),
        "the second gateway's chain"
    );

    // status: both calls.
    let out = toolgate(data, &["status", "--json", "--since", "all"]);
    assert!(out.status.success(), "{}", describe(&out));
    let summary: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(summary["calls"], 2, "{summary}");

    // query: both decisions, merged by time.
    let out = toolgate(data, &["audit", "query", "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    let tools: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["type"] == "decision")
        .map(|r| r["tool"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tools, ["echo", "add"]);

    // tail: the newest record of all chains.
    let out = toolgate(data, &["audit", "tail", "-n", "1", "--json"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(stdout(&out).contains("\"add\""), "{}", describe(&out));

    // verify: each chain on its own, both named.
    let out = toolgate(data, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let text = stdout(&out);
    assert!(text.contains("audit.jsonl: ok: "), "{text}");
    assert!(text.contains("audit-2.jsonl: ok: "), "{text}");
    assert!(text.contains("ok: all 2 audit chains verified"), "{text}");

    // A record edited in the second chain is not skipped.
    let second_log = logs.join("audit-2.jsonl");
    let edited = std::fs::read_to_string(&second_log)
        .unwrap()
        .replacen("\"add\"", "\"adD\"", 1);
    std::fs::write(&second_log, edited).unwrap();
    let out = toolgate(data, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stdout(&out).contains(&format!("TAMPERED {}:", second_log.display())),
        "{}",
        describe(&out)
    );

    // Naming one file reads that chain, and says which chains it left out.
    let out = toolgate(
        data,
        &[
            "audit",
            "verify",
            logs.join("audit.jsonl").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 other audit chain(s) beside"),
        "{}",
        describe(&out)
    );
}
