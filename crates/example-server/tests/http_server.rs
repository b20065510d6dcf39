//! The example server over streamable HTTP (`--http 127.0.0.1:0`), driven by `HttpClient`:
//! sessions, JSON versus event-stream answers, mid-call server requests, the standalone GET
//! stream, DELETE, and the misbehaviour flags. These pin what toolgate's HTTP-upstream tests
//! and benchmarks rely on.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use toolgate_testkit::client::CANNED_ANSWER;
use toolgate_testkit::listening::ListeningGateway;
use toolgate_testkit::server::TOOL_NAMES;
use toolgate_testkit::{HttpClient, HttpClientError};

fn start(args: &[&str]) -> ListeningGateway {
    let mut command = Command::new(env!("CARGO_BIN_EXE_toolgate-example-server"));
    command.args(["--http", "127.0.0.1:0"]).args(args);
    ListeningGateway::start(command).expect("the example server listens")
}

fn text(response: &Value) -> &str {
    response["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text content in {response}"))
}

fn content_type(headers: &reqwest::header::HeaderMap) -> &str {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A session id header for `raw_post`.
fn session(client: &HttpClient) -> (&'static str, String) {
    ("mcp-session-id", client.session_id().expect("a session id"))
}

#[tokio::test]
async fn initialize_lists_and_calls_with_json_answers() {
    let server = start(&[]);
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let id = client
        .session_id()
        .expect("initialize hands out a session id");
    assert!(
        id.len() >= 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );

    let names: Vec<String> = client
        .list_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, TOOL_NAMES);
    let echo = client
        .call_tool("echo", json!({"text": "over http"}))
        .await
        .unwrap();
    assert_eq!(text(&echo), "over http");

    // A quick call with nothing to say first is answered as plain JSON.
    let (name, value) = session(&client);
    let body = r#"{"jsonrpc":"2.0","id":"raw","method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3}}}"#;
    let (status, headers, body) = client
        .raw_post(
            body,
            &[(name, &value), ("mcp-protocol-version", "2025-11-25")],
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(
        content_type(&headers).starts_with("application/json"),
        "{headers:?}"
    );
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["id"], "raw");
    assert_eq!(answer["result"]["structuredContent"]["sum"], 5);
}

#[tokio::test]
async fn progress_comes_on_an_event_stream_before_the_result() {
    let server = start(&[]);
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let response = client
        .call_tool_with_progress("slow", json!({"ms": 60, "steps": 3}), json!("tok"))
        .await
        .unwrap();
    assert_eq!(text(&response), "Waited 60 ms in 3 step(s)");
    let progress = client.take_notifications();
    let steps: Vec<Value> = progress
        .iter()
        .map(|n| {
            assert_eq!(n["method"], "notifications/progress", "{n}");
            assert_eq!(n["params"]["progressToken"], "tok", "{n}");
            n["params"]["progress"].clone()
        })
        .collect();
    assert_eq!(steps, [json!(1), json!(2), json!(3)]);

    // On the wire: an event stream, events with ids, progress first, the result last.
    let (name, value) = session(&client);
    let body = r#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"slow","arguments":{"ms":20,"steps":2},"_meta":{"progressToken":1}}}"#;
    let (status, headers, body) = client.raw_post(body, &[(name, &value)]).await.unwrap();
    assert_eq!(status, 200);
    assert!(
        content_type(&headers).starts_with("text/event-stream"),
        "{headers:?}"
    );
    let data: Vec<Value> = body
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).unwrap())
        .collect();
    assert_eq!(data.len(), 3, "{body}");
    assert_eq!(data[0]["method"], "notifications/progress");
    assert_eq!(data[1]["method"], "notifications/progress");
    assert_eq!(data[2]["id"], 9);
    assert_eq!(
        body.lines().filter(|l| *l == "event: message").count(),
        3,
        "{body}"
    );
    assert_eq!(
        body.lines().filter(|l| l.starts_with("id: ")).count(),
        3,
        "{body}"
    );
}

#[tokio::test]
async fn server_requests_mid_call_are_answered_through_the_stream() {
    let server = start(&[]);
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let asked = client
        .call_tool("ask_user", json!({"question": "Refund it?"}))
        .await
        .unwrap();
    assert_eq!(text(&asked), format!("The user answered: {CANNED_ANSWER}"));
    let roots = client.call_tool("list_roots", json!({})).await.unwrap();
    assert_eq!(roots["result"]["isError"], false, "{roots}");
    let methods: Vec<Value> = client
        .server_requests()
        .iter()
        .map(|r| r["method"].clone())
        .collect();
    assert_eq!(methods, [json!("elicitation/create"), json!("roots/list")]);
}

#[tokio::test]
async fn delete_ends_the_session_and_unknown_sessions_get_404() {
    let server = start(&[]);
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    client
        .call_tool("echo", json!({"text": "alive"}))
        .await
        .unwrap();
    assert_eq!(client.delete().await.unwrap(), 200);
    let gone = client
        .call_tool("echo", json!({"text": "too late"}))
        .await
        .unwrap_err();
    assert_eq!(
        gone.status(),
        Some(reqwest::StatusCode::NOT_FOUND),
        "{gone}"
    );
    assert_eq!(client.delete().await.unwrap(), 404);

    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let (status, _, _) = client
        .raw_post(
            ping,
            &[("mcp-session-id", "0123456789abcdef0123456789abcdef")],
        )
        .await
        .unwrap();
    assert_eq!(status, 404);
    let (status, _, body) = client.raw_post(ping, &[]).await.unwrap();
    assert_eq!(status, 400, "a request without a session id: {body}");
}

#[tokio::test]
async fn notifications_and_responses_get_202_and_bad_posts_are_refused() {
    let server = start(&[]);
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let (name, value) = session(&client);
    let headers = [(name, value.as_str())];
    let notification = r#"{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}"#;
    assert_eq!(
        client.raw_post(notification, &headers).await.unwrap().0,
        202
    );
    let stray_response = r#"{"jsonrpc":"2.0","id":77,"result":{}}"#;
    assert_eq!(
        client.raw_post(stray_response, &headers).await.unwrap().0,
        202
    );

    let (status, _, body) = client.raw_post("{not json", &headers).await.unwrap();
    assert_eq!(
        (status.as_u16(), code_of(&body)),
        (400, Some(-32700)),
        "{body}"
    );
    let bad_version = [
        (name, value.as_str()),
        ("mcp-protocol-version", "1999-01-01"),
    ];
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    assert_eq!(client.raw_post(ping, &bad_version).await.unwrap().0, 400);
    let browser = [(name, value.as_str()), ("origin", "https://evil.example")];
    assert_eq!(client.raw_post(ping, &browser).await.unwrap().0, 403);
    let no_json = [(name, value.as_str()), ("accept", "text/html")];
    assert_eq!(client.raw_post(ping, &no_json).await.unwrap().0, 406);

    // 2025-03-26 batches: one JSON array with every answer.
    let batch = r#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"b"}}}]"#;
    let (status, _, body) = client.raw_post(batch, &headers).await.unwrap();
    assert_eq!(status, 200);
    let answers: Value = serde_json::from_str(&body).unwrap();
    let mut ids: Vec<i64> = answers
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2]);
}

fn code_of(body: &str) -> Option<i64> {
    serde_json::from_str::<Value>(body)
        .ok()?
        .pointer("/error/code")?
        .as_i64()
}

#[tokio::test]
async fn the_get_stream_carries_list_changes_and_sessions_keep_their_own_state() {
    let server = start(&[]);
    let changer = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let bystander = HttpClient::connect(&server.mcp_url()).await.unwrap();
    assert_ne!(changer.session_id(), bystander.session_id());
    let mut stream = changer.listen().await.unwrap();
    let mutated = changer.call_tool("mutate_tools", json!({})).await.unwrap();
    assert_eq!(mutated["result"]["isError"], false, "{mutated}");
    let pushed = stream.next_message().await.unwrap().expect("an event");
    assert_eq!(pushed["method"], "notifications/tools/list_changed");
    assert!(
        changer.notifications().is_empty(),
        "went to the GET stream only"
    );

    let echo_description = |tools: Vec<Value>| {
        tools
            .into_iter()
            .find(|t| t["name"] == "echo")
            .map(|t| t["description"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let changed = echo_description(changer.list_tools().await.unwrap());
    let unchanged = echo_description(bystander.list_tools().await.unwrap());
    assert!(changed.contains("revision 1"), "{changed}");
    assert!(!unchanged.contains("revision"), "{unchanged}");
}

#[tokio::test]
async fn a_cancelled_call_ends_its_post_without_an_answer() {
    let server = start(&[]);
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let call = client.request_with_id(
        json!("long"),
        "tools/call",
        json!({"name": "slow", "arguments": {"ms": 5000}}),
    );
    let cancel = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        client
            .notify("notifications/cancelled", json!({"requestId": "long"}))
            .await
    };
    let started = std::time::Instant::now();
    let (answer, cancelled) = tokio::join!(call, cancel);
    assert_eq!(cancelled.unwrap(), 202);
    assert!(
        matches!(answer, Err(HttpClientError::StreamEnded { .. })),
        "{answer:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn page_size_and_the_received_message_log_work_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("received.jsonl");
    let mut command = Command::new(env!("CARGO_BIN_EXE_toolgate-example-server"));
    command
        .args(["--http", "127.0.0.1:0", "--page-size", "4"])
        .env("TOOLGATE_TESTKIT_LOG", &log);
    let server = ListeningGateway::start(command).unwrap();
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let first = client.request("tools/list", json!({})).await.unwrap();
    assert_eq!(first["result"]["tools"].as_array().unwrap().len(), 4);
    assert_eq!(client.list_tools().await.unwrap().len(), TOOL_NAMES.len());

    let raw = r#"{ "id" : 99, "jsonrpc":"2.0", "method":"ping" }"#;
    let (name, value) = session(&client);
    assert_eq!(
        client.raw_post(raw, &[(name, &value)]).await.unwrap().0,
        200
    );
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
        methods[..2],
        [json!("initialize"), json!("notifications/initialized")]
    );
    assert_eq!(lines.last().unwrap(), raw, "logged exactly as received");
}

#[tokio::test]
async fn exit_after_answers_n_calls_then_the_process_exits() {
    let mut server = start(&["--exit-after", "2"]);
    let client = HttpClient::connect(&server.mcp_url()).await.unwrap();
    let first = client
        .call_tool("echo", json!({"text": "1"}))
        .await
        .unwrap();
    assert_eq!(text(&first), "1");
    // The last call answers on an event stream: the exit must still wait for it.
    let last = client
        .call_tool_with_progress("slow", json!({"ms": 20, "steps": 2}), json!(1))
        .await
        .unwrap();
    assert_eq!(last["result"]["isError"], false, "{last}");
    let status = tokio::task::spawn_blocking(move || server.wait_exit(Duration::from_secs(10)))
        .await
        .unwrap()
        .expect("the process exits");
    assert_eq!(status.code(), Some(0));
}

#[tokio::test]
async fn crash_on_exits_3_without_answering() {
    let mut server = start(&["--crash-on", "delete_user"]);
    let client = HttpClient::connect(&server.mcp_url())
        .await
        .unwrap()
        .with_timeout(Duration::from_secs(5));
    client
        .call_tool("echo", json!({"text": "before"}))
        .await
        .unwrap();
    let error = client
        .call_tool("delete_user", json!({"user_id": "USR-1"}))
        .await
        .unwrap_err();
    assert!(matches!(error, HttpClientError::Http { .. }), "{error}");
    let status = tokio::task::spawn_blocking(move || server.wait_exit(Duration::from_secs(10)))
        .await
        .unwrap()
        .expect("the process exits");
    assert_eq!(status.code(), Some(3));
}
