//! `action: approve` answered out of band (issue 7): a client that can't be asked in its
//! session waits while the request sits in the admin API's queue; an approver (authenticated
//! by their API key from the policy) releases it, or it times out. Nobody approves their own
//! call.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use toolgate_gateway::identity::{digest_hex, hash_api_key};
use toolgate_testkit::{StderrMode, StdioClient, example_server_path};

use support::{TOOLGATE, calls_upstream, kind};
const OLGA_KEY: &str = "tg_test_olga_approver_key";

fn policy() -> String {
    format!(
        r#"version: "1"
identities:
  olga: {{groups: [sre], api_keys: ["sha256:{}"]}}
tools:
  echo:
    rules:
      - name: echo needs a human
        action: approve
        approval: {{timeout: 3}}
  add: {{rules: [{{action: allow}}]}}
"#,
        digest_hex(&hash_api_key(OLGA_KEY))
    )
}

struct Gate {
    client: StdioClient,
    admin: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A stdio gateway with `--admin` on a free port; its client declares no elicitation.
async fn gate(identity: &str) -> Gate {
    let dir = tempfile::tempdir().unwrap();
    let policy_path = dir.path().join("p.yaml");
    std::fs::write(&policy_path, policy()).unwrap();
    let log = dir.path().join("upstream.log");
    let client = StdioClient::builder(TOOLGATE)
        .args([
            "run",
            "--state",
            "memory",
            "--audit",
            "off",
            "--pin-file",
            "off",
        ])
        .args(["--identity", identity, "--admin", "127.0.0.1:0", "--policy"])
        .arg(&policy_path)
        .arg("--")
        .arg(example_server_path())
        .env("TOOLGATE_TESTKIT_LOG", &log)
        .env("RUST_LOG", "info")
        .capabilities(json!({}))
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(20))
        .spawn()
        .unwrap();
    client.initialize("2025-06-18").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let admin = loop {
        let err = client.stderr_output();
        if let Some(addr) = err
            .split("admin listening on http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
        {
            break format!("http://{addr}");
        }
        assert!(Instant::now() < deadline, "no admin address in:\n{err}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    Gate {
        client,
        admin,
        log,
        _dir: dir,
    }
}

/// The pending approvals, once one is there.
async fn pending(admin: &str, key: &str) -> Vec<Value> {
    let http = reqwest::Client::new();
    for _ in 0..100 {
        let text = http
            .get(format!("{admin}/approvals"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let list: Vec<Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        if !list.is_empty() {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no approval request appeared");
}

async fn answer(admin: &str, key: &str, id: &str, verb: &str) -> (u16, String) {
    let resp = reqwest::Client::new()
        .post(format!("{admin}/approvals/{id}/{verb}"))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(r#"{"comment":"checked"}"#)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// `toolgate approvals ARGS --admin URL` with olga's key; (exit code, stdout + stderr).
async fn approvals_cli(admin: &str, args: &[&str]) -> (Option<i32>, String) {
    let out = tokio::process::Command::new(TOOLGATE)
        .arg("approvals")
        .args(args)
        .args(["--admin", admin])
        .env("TOOLGATE_ADMIN_TOKEN", OLGA_KEY)
        .output()
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[tokio::test]
async fn a_queued_call_waits_for_an_approver_and_runs_once() {
    let g = gate("agent-7").await;
    let call = g.client.call_tool("echo", json!({"text": "held"}));
    let approve = async {
        let list = pending(&g.admin, OLGA_KEY).await;
        assert_eq!(list[0]["tool"], "echo");
        assert_eq!(list[0]["identity"], "agent-7");
        let id = list[0]["id"].as_str().unwrap().to_owned();
        // The operator's way: `toolgate approvals approve ID`.
        let (code, out) =
            approvals_cli(&g.admin, &["approve", &id, "--comment", "looks fine"]).await;
        assert_eq!(code, Some(0), "{out}");
        // A second answer loses: the request was decided.
        let (code, out) = approvals_cli(&g.admin, &["deny", &id]).await;
        assert_eq!(code, Some(1), "{out}");
        let (again, _) = answer(&g.admin, OLGA_KEY, &id, "deny").await;
        assert_eq!(again, 409);
    };
    let (resp, ()) = tokio::join!(call, approve);
    assert_eq!(resp["result"]["content"][0]["text"], "held", "{resp}");
    assert_eq!(calls_upstream(&g.log), 1);
    // The session went on meanwhile, and the next identical call asks again.
    let sum = g.client.call_tool("add", json!({"a": 1, "b": 2})).await;
    assert_eq!(sum["result"]["isError"], json!(false));
}

#[tokio::test]
async fn nobody_answering_denies_the_call_at_the_timeout() {
    let g = gate("agent-7").await;
    let resp = g.client.call_tool("echo", json!({"text": "held"})).await;
    assert_eq!(kind(&resp), "approval_denied", "{resp}");
    assert!(resp.to_string().contains("in time"), "{resp}");
    assert_eq!(calls_upstream(&g.log), 0);
}

#[tokio::test]
async fn an_approver_cannot_approve_their_own_call_and_a_bad_key_gets_401() {
    let g = gate("olga").await;
    let call = g.client.call_tool("echo", json!({"text": "mine"}));
    let refuse = async {
        let list = pending(&g.admin, OLGA_KEY).await;
        let id = list[0]["id"].as_str().unwrap().to_owned();
        let (status, text) = answer(&g.admin, OLGA_KEY, &id, "approve").await;
        assert_eq!(status, 403, "{text}");
        let (status, _) = answer(&g.admin, "tg_wrong", &id, "approve").await;
        assert_eq!(status, 401);
    };
    let (resp, ()) = tokio::join!(call, refuse);
    assert_eq!(kind(&resp), "approval_denied", "{resp}");
    assert_eq!(calls_upstream(&g.log), 0);
}
