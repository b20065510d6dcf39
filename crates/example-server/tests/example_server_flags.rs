//! The example server's switches for misbehaviour and observability: the received-line log
//! (`TOOLGATE_TESTKIT_LOG`), `--crash-on`, `--exit-after`, `--fail-start`,
//! `--startup-delay-ms`, and a clean exit on EOF.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use toolgate_testkit::{ClientError, StderrMode, StdioClient, example_server_path};

#[tokio::test]
async fn testkit_log_records_every_received_line_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("received.jsonl");
    let client = StdioClient::builder(example_server_path())
        .env("TOOLGATE_TESTKIT_LOG", &log)
        .spawn()
        .unwrap();
    client.initialize("2025-06-18").await.unwrap();
    // Odd spacing and key order on purpose: the log must hold the bytes, not a re-encoding.
    let raw = r#"{ "id" : 99, "jsonrpc":"2.0", "method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}} }"#;
    client.send_raw(raw).await.unwrap();
    assert_eq!(client.recv_response().await.unwrap()["id"], 99);
    client.call_tool("add", json!({"a": 1, "b": 2})).await;

    let lines: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let methods: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["method"].clone())
        .collect();
    assert_eq!(
        methods,
        [
            json!("initialize"),
            json!("notifications/initialized"),
            json!("tools/call"),
            json!("tools/call")
        ]
    );
    assert_eq!(lines[2], raw);
}

#[tokio::test]
async fn crash_on_exits_3_without_answering() {
    let client = StdioClient::example_server(["--crash-on", "delete_user"]).unwrap();
    client.initialize("2025-06-18").await.unwrap();
    let echo = client.call_tool("echo", json!({"text": "before"})).await;
    assert_eq!(echo["result"]["content"][0]["text"], "before");
    let error = client
        .try_call_tool("delete_user", json!({"user_id": "USR-1"}))
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Closed { .. }), "{error}");
    let status = client.wait_exit().await.unwrap();
    assert_eq!(status.code(), Some(3));
}

#[tokio::test]
async fn exit_after_answers_n_calls_then_dies() {
    let client = StdioClient::example_server(["--exit-after", "2"]).unwrap();
    client.initialize("2025-06-18").await.unwrap();
    for n in 0..2 {
        let response = client
            .call_tool("echo", json!({"text": format!("call {n}")}))
            .await;
        assert_eq!(response["result"]["isError"], false, "{response}");
    }
    let status = client.wait_exit().await.unwrap();
    assert_eq!(status.code(), Some(0));
    let error = client
        .try_call_tool("echo", json!({"text": "too late"}))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ClientError::Closed { .. } | ClientError::Io(_)),
        "{error}"
    );
}

#[tokio::test]
async fn fail_start_exits_2_with_a_message() {
    let client = StdioClient::builder(example_server_path())
        .arg("--fail-start")
        .stderr(StderrMode::Capture)
        .spawn()
        .unwrap();
    let status = client.wait_exit().await.unwrap();
    assert_eq!(status.code(), Some(2));
    assert!(
        client.stderr_output().contains("--fail-start"),
        "{}",
        client.stderr_output()
    );
    let error = client.recv().await.unwrap_err();
    assert!(matches!(error, ClientError::Closed { .. }), "{error}");
}

#[tokio::test]
async fn startup_delay_holds_the_first_answer() {
    let start = Instant::now();
    let client = StdioClient::example_server(["--startup-delay-ms", "300"]).unwrap();
    client.initialize("2025-06-18").await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn eof_on_stdin_exits_cleanly() {
    let client = StdioClient::builder(example_server_path())
        .env("RUST_LOG", "info")
        .stderr(StderrMode::Capture)
        .spawn()
        .unwrap();
    client.initialize("2025-06-18").await.unwrap();
    client.close_stdin().await;
    assert_eq!(client.wait_exit().await.unwrap().code(), Some(0));
    // Logs go to stderr only; stdout carried nothing but protocol.
    assert!(
        client.stderr_output().contains("ready"),
        "{}",
        client.stderr_output()
    );
    let error = client.recv().await.unwrap_err();
    assert!(matches!(error, ClientError::Closed { .. }), "{error}");
}

#[tokio::test]
async fn timeouts_say_what_was_awaited() {
    let client = StdioClient::builder(example_server_path())
        .timeout(Duration::from_millis(200))
        .spawn()
        .unwrap();
    client.initialize("2025-06-18").await.unwrap();
    let error = client
        .try_call_tool("slow", json!({"ms": 2000}))
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Timeout { .. }), "{error}");
    assert!(error.to_string().contains("tools/call"), "{error}");
    let silence = client
        .recv_timeout(Duration::from_millis(50))
        .await
        .unwrap_err();
    assert!(matches!(silence, ClientError::Timeout { .. }), "{silence}");
}
