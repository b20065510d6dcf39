//! `action: approve` with `approval: {via: session}`, answered in the agent's own session (the
//! operator trusts that client application to show it to a person): the gateway asks the
//! person at the client with an `elicitation/create` while it holds the call, and the call
//! runs only on an explicit approval, once per approval.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use toolgate_testkit::{StderrMode, StdioClient, example_server_path, handler_fn};

use support::{TOOLGATE, calls_upstream, kind};

const POLICY: &str = r#"version: "1"
tools:
  echo:
    rules:
      - name: echo needs a human
        action: approve
        reason: Echoes are sensitive today
        approval: {timeout: 2, via: session}
  add:
    rules:
      - {action: allow}
"#;

struct Gate {
    client: StdioClient,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A gateway whose client answers elicitations with `answer` (None: declares no elicitation).
fn gate(answer: Option<Value>, asked: Arc<AtomicUsize>) -> Gate {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let log = dir.path().join("upstream.log");
    let mut builder = StdioClient::builder(TOOLGATE)
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
        .arg(&policy)
        .arg("--")
        .arg(example_server_path())
        .env("TOOLGATE_TESTKIT_LOG", &log)
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(15));
    match answer {
        None => builder = builder.capabilities(json!({"sampling": {}})),
        Some(answer) => {
            builder = builder
                .capabilities(json!({"elicitation": {}}))
                .handler(handler_fn(move |req| {
                    let (answer, asked) = (answer.clone(), asked.clone());
                    async move {
                        assert_eq!(req.method, "elicitation/create");
                        asked.fetch_add(1, Ordering::SeqCst);
                        let message = req.params["message"].as_str().unwrap_or("").to_owned();
                        assert!(message.contains("Tool: echo"), "{message}");
                        assert!(message.contains("Echoes are sensitive today"), "{message}");
                        if answer == json!("hang") {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                        }
                        Ok(answer)
                    }
                }));
        }
    }
    Gate {
        client: builder.spawn().unwrap(),
        log,
        _dir: dir,
    }
}

#[tokio::test]
async fn an_approved_call_runs_once_and_the_next_identical_call_asks_again() {
    let asked = Arc::new(AtomicUsize::new(0));
    let approve = json!({"action": "accept", "content": {"decision": "approve"}});
    let g = gate(Some(approve), asked.clone());
    g.client.initialize("2025-06-18").await.unwrap();
    for round in 1..=2 {
        let resp = g.client.call_tool("echo", json!({"text": "hi"})).await;
        assert_eq!(
            resp["result"]["isError"],
            json!(false),
            "{resp}\n{}",
            g.client.stderr_output()
        );
        assert_eq!(resp["result"]["content"][0]["text"], "hi");
        assert_eq!(asked.load(Ordering::SeqCst), round, "each call asks");
        assert_eq!(
            calls_upstream(&g.log),
            round,
            "each approval runs the call once"
        );
    }
    // Calls that need no approval are not held up.
    let sum = g.client.call_tool("add", json!({"a": 2, "b": 3})).await;
    assert_eq!(sum["result"]["isError"], json!(false));
}

#[tokio::test]
async fn declining_refuses_the_call_and_the_server_never_sees_it() {
    for answer in [
        json!({"action": "decline"}),
        json!({"action": "cancel"}),
        json!({"action": "accept", "content": {"decision": "deny", "comment": "not today"}}),
    ] {
        let asked = Arc::new(AtomicUsize::new(0));
        let g = gate(Some(answer.clone()), asked.clone());
        g.client.initialize("2025-06-18").await.unwrap();
        let resp = g.client.call_tool("echo", json!({"text": "hi"})).await;
        assert_eq!(resp["result"]["isError"], json!(true), "{answer}: {resp}");
        assert_eq!(kind(&resp), "approval_denied", "{resp}");
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        assert_eq!(calls_upstream(&g.log), 0, "{answer}");
    }
}

#[tokio::test]
async fn nobody_answering_is_a_denial_at_the_timeout() {
    let asked = Arc::new(AtomicUsize::new(0));
    let g = gate(Some(json!("hang")), asked.clone());
    g.client.initialize("2025-06-18").await.unwrap();
    let started = std::time::Instant::now();
    let resp = g.client.call_tool("echo", json!({"text": "hi"})).await;
    assert_eq!(kind(&resp), "approval_denied", "{resp}");
    assert!(resp.to_string().contains("within 2 s"), "{resp}");
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(calls_upstream(&g.log), 0);
}

#[tokio::test]
async fn a_client_that_cannot_be_asked_is_refused_without_a_queue() {
    let g = gate(None, Arc::new(AtomicUsize::new(0)));
    g.client.initialize("2025-06-18").await.unwrap();
    let resp = g.client.call_tool("echo", json!({"text": "hi"})).await;
    assert_eq!(kind(&resp), "approval_denied", "{resp}");
    assert!(
        resp.to_string().contains("declared no form elicitation"),
        "{resp}"
    );
    assert_eq!(calls_upstream(&g.log), 0);
}

#[tokio::test]
async fn cancelling_a_held_call_withdraws_the_question() {
    let asked = Arc::new(AtomicUsize::new(0));
    let g = gate(Some(json!("hang")), asked.clone());
    g.client.initialize("2025-06-18").await.unwrap();
    g.client
        .send(
            &json!({"jsonrpc": "2.0", "id": "held-1", "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "hi"}}}),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1, "the person was asked");
    g.client
        .notify("notifications/cancelled", json!({"requestId": "held-1"}))
        .await
        .unwrap();
    // The session goes on, the id is free again, and the withdrawn call never ran.
    let sum = g.client.call_tool("add", json!({"a": 1, "b": 1})).await;
    assert_eq!(sum["result"]["isError"], json!(false), "{sum}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(calls_upstream(&g.log), 1, "only `add` reached the server");
    assert!(
        g.client.stderr_output().contains("withdrawn"),
        "{}",
        g.client.stderr_output()
    );
}
