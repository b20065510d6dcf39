//! `action: approve` answered out of band, the default: the call waits while the request
//! sits in the admin API's queue; an approver the policy names (authenticated by their API
//! key) releases it, or it times out. Nobody approves their own call, neither through their
//! own client nor by holding an API key.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use toolgate_identity::{digest_hex, hash_api_key};
use toolgate_testkit::{StderrMode, StdioClient, example_server_path, handler_fn};

use support::{TOOLGATE, calls_upstream, kind};
const OLGA_KEY: &str = "tg_test_olga_approver_key";
/// Bob holds an API key, so the admin API knows him, but the policy names him no approver.
const BOB_KEY: &str = "tg_test_bob_agent_key";

fn policy() -> String {
    format!(
        r#"version: "1"
approvers: ["group:sre"]
identities:
  olga: {{groups: [sre], api_keys: ["sha256:{}"]}}
  bob: {{groups: [support], api_keys: ["sha256:{}"]}}
tools:
  echo:
    rules:
      - name: echo needs a human
        action: approve
        approval: {{timeout: 3}}
  add: {{rules: [{{action: allow}}]}}
"#,
        digest_hex(&hash_api_key(OLGA_KEY)),
        digest_hex(&hash_api_key(BOB_KEY))
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
    gate_with(identity, None).await
}

/// [`gate`] whose client declares elicitation and answers every question with `accept`,
/// counting them in `asked`: what a headless agent does.
async fn gate_with(identity: &str, asked: Option<Arc<AtomicUsize>>) -> Gate {
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
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(20));
    let client = match asked {
        None => client.capabilities(json!({})),
        Some(asked) => client
            .capabilities(json!({"elicitation": {}}))
            .handler(handler_fn(move |_req| {
                let asked = asked.clone();
                async move {
                    asked.fetch_add(1, Ordering::SeqCst);
                    Ok(json!({"action": "accept", "content": {"decision": "approve"}}))
                }
            })),
    };
    let client = client.spawn().unwrap();
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

/// The attack: a headless agent that declares elicitation and answers `accept` to whatever
/// it is asked, and another agent (bob) who holds an API key. Neither may approve: the
/// question never goes to the caller's session unless the rule says `via: session`, and only
/// the approvers the policy names may answer.
#[tokio::test]
async fn neither_the_callers_client_nor_a_key_holder_can_approve() {
    let asked = Arc::new(AtomicUsize::new(0));
    let g = gate_with("agent-7", Some(asked.clone())).await;
    let call = g.client.call_tool("echo", json!({"text": "pay 5000"}));
    let approve = async {
        let list = pending(&g.admin, OLGA_KEY).await;
        let id = list[0]["id"].as_str().unwrap().to_owned();
        // What will run is what the approver sees.
        assert_eq!(list[0]["arguments"], json!({"text": "pay 5000"}));
        let (status, text) = answer(&g.admin, BOB_KEY, &id, "approve").await;
        assert_eq!(status, 403, "bob is no approver: {text}");
        assert_eq!(calls_upstream(&g.log), 0);
        let (status, text) = answer(&g.admin, OLGA_KEY, &id, "approve").await;
        assert_eq!(status, 200, "{text}");
    };
    let (resp, ()) = tokio::join!(call, approve);
    assert_eq!(resp["result"]["content"][0]["text"], "pay 5000", "{resp}");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "the agent's client was asked"
    );
    assert_eq!(calls_upstream(&g.log), 1);
}

/// Without `--admin` there is no queue: the call is refused with how to configure one, even
/// though the client could have been asked.
#[tokio::test]
async fn without_a_queue_an_approval_is_refused_with_how_to_configure_one() {
    let dir = tempfile::tempdir().unwrap();
    let policy_path = dir.path().join("p.yaml");
    std::fs::write(&policy_path, policy()).unwrap();
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let client = StdioClient::builder(TOOLGATE)
        .args([
            "run",
            "--state",
            "memory",
            "--audit",
            "off",
            "--pin-file",
            "off",
            "--policy",
        ])
        .arg(&policy_path)
        .arg("--")
        .arg(example_server_path())
        .capabilities(json!({"elicitation": {}}))
        .handler(handler_fn(move |_req| {
            let asked = counter.clone();
            async move {
                asked.fetch_add(1, Ordering::SeqCst);
                Ok(json!({"action": "accept", "content": {"decision": "approve"}}))
            }
        }))
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(20))
        .spawn()
        .unwrap();
    client.initialize("2025-06-18").await.unwrap();
    let resp = client.call_tool("echo", json!({"text": "pay 5000"})).await;
    assert_eq!(kind(&resp), "approval_denied", "{resp}");
    assert!(resp.to_string().contains("--admin"), "{resp}");
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}
