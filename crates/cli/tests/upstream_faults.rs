//! `toolgate run --upstream URL` against HTTP servers that misbehave the way real ones do
//! (issue 18): found by running the official conformance suite through toolgate. Each
//! server here is the example server with a `--quirk`; each test failed before its fix.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{TOOLGATE, Upstream, listening};
use toolgate_testkit::client::{CANNED_ANSWER, canned_handler};
use toolgate_testkit::listening::ListeningGateway;
use toolgate_testkit::{HttpClient, StderrMode, StdioClient};

const ALLOW_ALL: &str = "version: \"1\"\ntools:\n  \"*\": {rules: [{action: allow}]}\n";

fn server(args: &[&str]) -> ListeningGateway {
    ListeningGateway::example_server(args).unwrap_or_else(|e| panic!("{e}"))
}

/// `toolgate run --upstream URL EXTRA…` with its agent on stdio.
async fn stdio_gateway(url: &str, extra: &[&str]) -> (StdioClient, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, ALLOW_ALL).unwrap();
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
        .args(extra)
        .arg("--policy")
        .arg(&policy)
        .args(["--upstream", url])
        .stderr(StderrMode::Capture)
        .handler(canned_handler())
        .timeout(Duration::from_secs(10))
        .spawn()
        .unwrap();
    client.initialize("2025-11-25").await.unwrap();
    (client, dir)
}

fn text(answer: &Value) -> &str {
    answer["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
}

/// The conformance suite's `server-sse-polling` hung for 300 s through toolgate: the server
/// primed the call's response stream, closed it, and had nothing to replay when toolgate
/// resumed it with `Last-Event-ID`; the resumed stream stayed open and silent, and the
/// agent never got even response headers. A resumed stream's silence is now bounded
/// (`--upstream-resume-timeout`) and the call is answered with an error saying so.
#[tokio::test]
async fn a_resumed_stream_with_nothing_to_replay_gets_the_call_an_error() {
    let upstream = server(&["--quirk", "poll-without-replay"]);
    let s = listening(
        ALLOW_ALL,
        &["--upstream-resume-timeout", "1"],
        &[],
        Upstream::Url(&upstream.mcp_url()),
    );
    let agent = HttpClient::connect(&s.gateway.mcp_url()).await.unwrap();
    let answer = agent
        .call_tool("echo", json!({"text": "hi"}))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", s.gateway.stderr()));
    assert_eq!(answer["error"]["code"], -32603, "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("resumed"), "{message}");
    // The session still works for what the server does answer.
    let listed = agent.list_tools().await.unwrap();
    assert!(!listed.is_empty());
}

/// The same with the agent on stdio, where there is no HTTP response to hold: the call
/// still gets its answer.
#[tokio::test]
async fn a_resumed_stream_with_nothing_to_replay_answers_a_stdio_agent_too() {
    let upstream = server(&["--quirk", "poll-without-replay"]);
    let (client, _dir) =
        stdio_gateway(&upstream.mcp_url(), &["--upstream-resume-timeout", "1"]).await;
    let answer = client
        .try_call_tool("echo", json!({"text": "hi"}))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", client.stderr_output()));
    assert_eq!(answer["error"]["code"], -32603, "{answer}");
}

/// Elicitations the conformance suite's server sends on its standalone GET stream were
/// lost in 5 runs of 10: toolgate opened the upstream GET when the agent opened its own,
/// so the call that triggered the elicitation could reach the server first, and a server
/// drops what it has no stream for. Calls now wait until the upstream GET stream is open.
#[tokio::test]
async fn a_server_request_on_the_get_stream_is_not_lost_to_the_call_that_caused_it() {
    let upstream = server(&["--quirk", "requests-on-get-only"]);
    let s = listening(ALLOW_ALL, &[], &[], Upstream::Url(&upstream.mcp_url()));
    let agent = HttpClient::connect(&s.gateway.mcp_url()).await.unwrap();
    // The agent listens, then calls at once, as the SDK clients do.
    let _stream = agent.listen().await.unwrap();
    let answer = agent
        .call_tool("ask_user", json!({"question": "go on?"}))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", s.gateway.stderr()));
    assert_eq!(
        text(&answer),
        format!("The user answered: {CANNED_ANSWER}"),
        "{answer}"
    );
}

/// An agent that never opens a GET stream: the server's request still reaches it (on the
/// call's own response stream), where a direct connection would have lost it.
#[tokio::test]
async fn a_server_request_on_the_get_stream_reaches_an_agent_that_does_not_listen() {
    let upstream = server(&["--quirk", "requests-on-get-only"]);
    let s = listening(ALLOW_ALL, &[], &[], Upstream::Url(&upstream.mcp_url()));
    let agent = HttpClient::connect(&s.gateway.mcp_url()).await.unwrap();
    let answer = agent
        .call_tool("sample", json!({"prompt": "hello"}))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", s.gateway.stderr()));
    assert!(
        !answer["result"]["isError"].as_bool().unwrap_or(true),
        "{answer}"
    );
}

/// With the agent on stdio, toolgate opens the upstream GET as soon as the session is
/// initialized; the first call used to race it.
#[tokio::test]
async fn a_server_request_on_the_get_stream_reaches_a_stdio_agent() {
    let upstream = server(&["--quirk", "requests-on-get-only"]);
    let (client, _dir) = stdio_gateway(&upstream.mcp_url(), &[]).await;
    let answer = client
        .try_call_tool("ask_user", json!({"question": "go on?"}))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", client.stderr_output()));
    assert_eq!(
        text(&answer),
        format!("The user answered: {CANNED_ANSWER}"),
        "{answer}"
    );
}

/// 2026-07-28 `subscriptions/listen`: the answer is a stream that stays open, carrying an
/// acknowledgment and then the notifications asked for, and never a response. toolgate
/// waited for the response before saying anything, so the agent got nothing at all; a
/// stateless answer now streams from the first message that comes before the response.
#[tokio::test]
async fn a_subscription_stream_reaches_a_stateless_agent_as_it_comes() {
    let upstream = server(&["--stateless"]);
    let s = listening(ALLOW_ALL, &[], &[], Upstream::Url(&upstream.mcp_url()));
    let body = json!({"jsonrpc": "2.0", "id": 4, "method": "subscriptions/listen", "params": {
        "notifications": {"toolsListChanged": true},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    let request = reqwest::Client::new()
        .post(s.gateway.mcp_url())
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "subscriptions/listen")
        .body(body.to_string());
    let mut seen = String::new();
    let read = async {
        let mut response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        while !seen.contains("notifications/subscriptions/acknowledged") {
            match response.chunk().await.unwrap() {
                Some(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                None => break,
            }
        }
    };
    let in_time = tokio::time::timeout(Duration::from_secs(5), read).await;
    assert!(
        in_time.is_ok() && seen.contains("subscriptionId\":4"),
        "{seen}\n{}",
        s.gateway.stderr()
    );
}
