//! `toolgate … | head`: every command ends quietly when the reader of its stdout goes away
//! (no panic message, exit 0, or the answer the command had reached), tested with the real
//! binary writing into a pipe whose reader is already closed.
//!
//! Needs the example server binary: `cargo build -p toolgate-example-server`.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::json;
use toolgate_testkit::{StderrMode, StdioClient, example_server_path};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

const POLICY: &str = r#"
version: "1"
default: deny
tools:
  echo: {rules: [{action: allow}]}
"#;

/// Runs `toolgate ARGS` with stdout a pipe whose reader is already gone.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(TOOLGATE)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A real gateway session with a few calls, for an audit log to read.
async fn session(dir: &Path, policy: &Path, audit: &Path) {
    let client = StdioClient::builder(TOOLGATE)
        .args(["run", "--state", "memory", "--pin-file", "off", "--audit"])
        .arg(audit)
        .arg("--policy")
        .arg(policy)
        .arg("--")
        .arg(example_server_path())
        .env("TOOLGATE_TESTKIT_LOG", dir.join("server.log"))
        .stderr(StderrMode::Capture)
        .spawn()
        .unwrap();
    client.initialize("2025-06-18").await.unwrap();
    for i in 0..3 {
        client
            .call_tool("echo", json!({"text": format!("hi {i}")}))
            .await;
    }
    client.close_stdin().await;
    assert!(client.wait_exit().await.unwrap().success());
}

#[tokio::test]
async fn every_command_ends_quietly_when_its_reader_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let policy_path = dir.path().join("policy.yaml");
    std::fs::write(&policy_path, POLICY).unwrap();
    let audit_path = dir.path().join("audit.jsonl");
    session(dir.path(), &policy_path, &audit_path).await;
    let audit = audit_path.to_str().unwrap();
    let policy = policy_path.to_str().unwrap();
    let key = dir.path().join("audit.key");
    let cases: Vec<Vec<&str>> = vec![
        vec!["status", "--json", "--since", "all", "--audit", audit],
        vec!["status", "--since", "all", "--audit", audit],
        vec!["audit", "tail", audit],
        vec!["audit", "tail", "--json", audit],
        vec!["audit", "query", audit],
        vec!["audit", "verify", audit],
        vec!["audit", "keygen", key.to_str().unwrap()],
        vec!["validate", policy],
        vec!["policy", "fmt", policy],
        vec!["policy", "decide", policy, "--tool", "echo"],
        vec!["state", "show", "--state", "memory"],
        vec!["--help"],
    ];
    for args in &cases {
        let (code, stderr) = with_closed_stdout(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    }

    // A command whose exit code is its answer keeps it when nobody reads the answer.
    let text = std::fs::read_to_string(&audit_path).unwrap();
    std::fs::write(&audit_path, text.replacen("\"echo\"", "\"echO\"", 1)).unwrap();
    let (code, stderr) = with_closed_stdout(&["audit", "verify", audit]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    std::fs::write(&policy_path, "default: maybe\n").unwrap();
    let (code, stderr) = with_closed_stdout(&["validate", policy]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
