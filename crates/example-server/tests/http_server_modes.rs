//! The example server's other HTTP transports: the stateless 2026-07-28 revision
//! (`--stateless`: discover, header/body agreement, 2026 result fields) and the 2024-11-05
//! HTTP+SSE transport (`--legacy-sse`).

use std::process::Command;

use serde_json::{Value, json};
use toolgate_testkit::client::CANNED_ANSWER;
use toolgate_testkit::listening::ListeningGateway;
use toolgate_testkit::server::http::{
    HEADER_MISMATCH, STATELESS_VERSION, UNSUPPORTED_PROTOCOL_VERSION,
};
use toolgate_testkit::server::{SERVER_NAME, TOOL_NAMES};
use toolgate_testkit::{HttpClient, LegacySseClient};

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

fn code_of(body: &str) -> Option<i64> {
    serde_json::from_str::<Value>(body)
        .ok()?
        .pointer("/error/code")?
        .as_i64()
}

#[tokio::test]
async fn stateless_discover_list_and_call() {
    let server = start(&["--stateless"]);
    let client = HttpClient::stateless(&server.mcp_url()).unwrap();
    let discovered = client.discover().await.unwrap();
    let result = &discovered["result"];
    assert_eq!(
        result["supportedVersions"],
        json!([STATELESS_VERSION]),
        "{discovered}"
    );
    assert!(result["capabilities"]["tools"].is_object(), "{discovered}");
    assert_eq!(result["resultType"], "complete");
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        SERVER_NAME
    );

    assert_eq!(client.list_tools().await.unwrap().len(), TOOL_NAMES.len());
    let echo = client
        .call_tool("echo", json!({"text": "no session"}))
        .await
        .unwrap();
    assert_eq!(text(&echo), "no session");
    assert_eq!(echo["result"]["resultType"], "complete");
    assert_eq!(
        client.session_id(),
        None,
        "a stateless server hands out no session"
    );

    let progress = client
        .call_tool_with_progress("slow", json!({"ms": 20, "steps": 2}), json!("p"))
        .await
        .unwrap();
    assert_eq!(progress["result"]["isError"], false, "{progress}");
    assert_eq!(client.notifications().len(), 2);

    // No back-channel: tools that would ask the client say so instead of hanging.
    let asked = client
        .call_tool("ask_user", json!({"question": "?"}))
        .await
        .unwrap();
    assert_eq!(asked["result"]["isError"], true, "{asked}");
}

/// A body and headers for a stateless `tools/call` of `name`.
fn stateless_call(name: &str) -> String {
    json!({
        "jsonrpc": "2.0", "id": 5, "method": "tools/call",
        "params": {"name": name, "arguments": {"user_id": "USR-1"},
                   "_meta": {"io.modelcontextprotocol/protocolVersion": STATELESS_VERSION}},
    })
    .to_string()
}

#[tokio::test]
async fn stateless_refuses_headers_that_disagree_with_the_body() {
    let server = start(&["--stateless"]);
    let client = HttpClient::stateless(&server.mcp_url()).unwrap();
    let good = [
        ("mcp-protocol-version", STATELESS_VERSION),
        ("mcp-method", "tools/call"),
        ("mcp-name", "delete_user"),
    ];
    let (status, _, body) = client
        .raw_post(stateless_call("delete_user"), &good)
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");

    // The header says one tool, the body calls another: refused before anything runs.
    let lying = [good[0], good[1], ("mcp-name", "get_order")];
    let (status, _, body) = client
        .raw_post(stateless_call("delete_user"), &lying)
        .await
        .unwrap();
    assert_eq!(
        (status.as_u16(), code_of(&body)),
        (400, Some(HEADER_MISMATCH)),
        "{body}"
    );
    let wrong_method = [good[0], ("mcp-method", "tools/list"), good[2]];
    let (status, _, body) = client
        .raw_post(stateless_call("delete_user"), &wrong_method)
        .await
        .unwrap();
    assert_eq!(
        (status.as_u16(), code_of(&body)),
        (400, Some(HEADER_MISMATCH)),
        "{body}"
    );
    let (status, _, body) = client
        .raw_post(stateless_call("delete_user"), &good[1..])
        .await
        .unwrap();
    assert_eq!(
        (status.as_u16(), code_of(&body)),
        (400, Some(HEADER_MISMATCH)),
        "{body}"
    );

    let no_meta = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#;
    let list_headers = [good[0], ("mcp-method", "tools/list")];
    let (status, _, body) = client.raw_post(no_meta, &list_headers).await.unwrap();
    assert_eq!(
        (status.as_u16(), code_of(&body)),
        (400, Some(-32602)),
        "{body}"
    );
    let old = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}"#;
    let old_headers = [
        ("mcp-protocol-version", "2025-11-25"),
        ("mcp-method", "tools/list"),
    ];
    let (status, _, body) = client.raw_post(old, &old_headers).await.unwrap();
    assert_eq!(
        (status.as_u16(), code_of(&body)),
        (400, Some(UNSUPPORTED_PROTOCOL_VERSION)),
        "{body}"
    );
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}"#;
    let (status, _, body) = client.raw_post(init, &[]).await.unwrap();
    assert_eq!(
        (status.as_u16(), code_of(&body)),
        (400, Some(UNSUPPORTED_PROTOCOL_VERSION)),
        "{body}"
    );
    let unknown = client
        .request("resources/list", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        unknown.status(),
        Some(reqwest::StatusCode::NOT_FOUND),
        "{unknown}"
    );
    assert_eq!(unknown.rpc_code(), Some(-32601));
}

#[tokio::test]
async fn stateless_has_no_get_or_delete() {
    let server = start(&["--stateless"]);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let response = http
            .request(method.clone(), server.mcp_url())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
    }
}

#[tokio::test]
async fn legacy_sse_session_answers_on_its_stream() {
    let server = start(&["--legacy-sse"]);
    let client = LegacySseClient::connect(&server.sse_url()).await.unwrap();
    assert_eq!(client.endpoint().path(), "/message");
    let echo = client
        .call_tool("echo", json!({"text": "2024"}))
        .await
        .unwrap();
    assert_eq!(text(&echo), "2024");
    let asked = client
        .call_tool("ask_user", json!({"question": "Refund it?"}))
        .await
        .unwrap();
    assert_eq!(text(&asked), format!("The user answered: {CANNED_ANSWER}"));
    assert_eq!(client.server_requests().len(), 1);

    // A streamable-HTTP POST to /mcp is refused so that clients fall back to this transport.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let refused = http.post(server.mcp_url()).body("{}").send().await.unwrap();
    assert_eq!(refused.status(), 405);
    let unknown = http
        .post(server.url("/message?sessionId=nope"))
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}
