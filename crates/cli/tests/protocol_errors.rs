//! JSON-RPC errors as each revision defines them (issue 18): a server's error reaches the
//! agent as the server wrote it, and the errors toolgate writes itself use the codes,
//! ids and `data` the revision asks for, so an agent can negotiate through the gateway
//! exactly as it would without it.

mod support;

use reqwest::StatusCode;
use serde_json::{Value, json};
use support::{Upstream, listening};
use toolgate_testkit::HttpClient;
use toolgate_testkit::listening::ListeningGateway;

const ALLOW_ALL: &str = "version: \"1\"\ntools:\n  \"*\": {rules: [{action: allow}]}\n";
const V2026: &str = "2026-07-28";

fn stateless_server() -> ListeningGateway {
    ListeningGateway::example_server(&["--stateless"]).unwrap_or_else(|e| panic!("{e}"))
}

/// A 2026-07-28 request body for `method` with the `_meta` fields that revision requires.
fn modern(id: i64, method: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": V2026,
        "io.modelcontextprotocol/clientCapabilities": {},
    }}})
    .to_string()
}

/// POSTs `body` to `url` with `headers`: (status, parsed body).
async fn post(url: &str, body: &str, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let client = HttpClient::new(url).unwrap();
    let (status, _, text) = client.raw_post(body, headers).await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (StatusCode::from_u16(status.as_u16()).unwrap(), value)
}

/// A 2026-07-28 server answers an unknown method with 404 and -32601; toolgate made that
/// HTTP 200 with -32603 "upstream answered 404", so the agent could not tell a missing
/// method from a broken server. Now the agent gets what it would get directly.
#[tokio::test]
async fn an_upstream_error_reaches_a_stateless_agent_as_the_server_wrote_it() {
    let upstream = stateless_server();
    let s = listening(ALLOW_ALL, &[], &[], Upstream::Url(&upstream.mcp_url()));
    let body = modern(7, "nope/nothing");
    let headers = [
        ("mcp-protocol-version", V2026),
        ("mcp-method", "nope/nothing"),
    ];
    let (direct_status, direct) = post(&upstream.mcp_url(), &body, &headers).await;
    let (status, through) = post(&s.gateway.mcp_url(), &body, &headers).await;
    assert_eq!(direct_status, StatusCode::NOT_FOUND, "{direct}");
    assert_eq!(direct["error"]["code"], -32601, "{direct}");
    assert_eq!(status, direct_status, "{through}\n{}", s.gateway.stderr());
    assert_eq!(through, direct);
}

/// A legacy agent's `initialize` to a server that speaks only 2026-07-28: the server's
/// -32022 lists the revisions it speaks, and that is what the agent needs to retry. toolgate
/// took the 400 for a 2024-11-05 server, tried the legacy transport, and answered -32603.
#[tokio::test]
async fn an_unsupported_version_from_the_upstream_keeps_its_supported_list() {
    let upstream = stateless_server();
    let s = listening(ALLOW_ALL, &[], &[], Upstream::Url(&upstream.mcp_url()));
    let agent = HttpClient::new(&s.gateway.mcp_url()).unwrap();
    let answer = agent
        .initialize()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", s.gateway.stderr()));
    assert_eq!(answer["error"]["code"], -32022, "{answer}");
    assert_eq!(
        answer["error"]["data"]["supported"],
        json!([V2026]),
        "{answer}"
    );
    assert_eq!(answer["id"], 1, "{answer}");
}

/// 2026-07-28: "A request missing any required field is malformed; the server MUST reject
/// it with JSON-RPC error code -32602 (Invalid params). On HTTP, the response status MUST
/// be 400." toolgate said -32020 (header mismatch).
#[tokio::test]
async fn a_modern_request_without_its_meta_fields_is_invalid_params() {
    let s = listening(ALLOW_ALL, &[], &[], Upstream::ExampleServer);
    let url = s.gateway.mcp_url();
    let headers = [
        ("mcp-protocol-version", V2026),
        ("mcp-method", "tools/list"),
    ];
    let no_meta = r#"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{}}"#;
    let no_capabilities = json!({"jsonrpc": "2.0", "id": 4, "method": "tools/list",
        "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": V2026}}})
    .to_string();
    for (body, id) in [(no_meta.to_owned(), 3), (no_capabilities, 4)] {
        let (status, answer) = post(&url, &body, &headers).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert_eq!(answer["error"]["code"], -32602, "{answer}");
        assert_eq!(answer["id"], id, "{answer}");
    }
    // With the fields there, a header that disagrees is still a header mismatch.
    let wrong_method = [
        ("mcp-protocol-version", V2026),
        ("mcp-method", "tools/call"),
    ];
    let (status, answer) = post(&url, &modern(5, "tools/list"), &wrong_method).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["code"], -32020, "{answer}");
}

/// An unsupported protocol version is -32022 (UnsupportedProtocolVersion) with the
/// request's id and the versions toolgate does speak, so the agent can retry with one of
/// them. toolgate answered -32000 with `id: null`.
#[tokio::test]
async fn an_unsupported_version_is_answered_with_the_versions_toolgate_speaks() {
    let s = listening(ALLOW_ALL, &[], &[], Upstream::ExampleServer);
    let url = s.gateway.mcp_url();
    // A header naming a revision nobody knows.
    let list = r#"{"jsonrpc":"2.0","id":8,"method":"tools/list"}"#;
    let (status, answer) = post(&url, list, &[("mcp-protocol-version", "1999-01-01")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["code"], -32022, "{answer}");
    assert_eq!(answer["id"], 8, "{answer}");
    assert_eq!(
        answer["error"]["data"]["requested"], "1999-01-01",
        "{answer}"
    );
    let supported = answer["error"]["data"]["supported"].as_array().unwrap();
    assert!(supported.contains(&json!("2025-11-25")), "{answer}");
    // A stateless request naming it in `_meta` as well.
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/list", "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2099-01-01",
        "io.modelcontextprotocol/clientCapabilities": {},
    }}})
    .to_string();
    let headers = [
        ("mcp-protocol-version", "2099-01-01"),
        ("mcp-method", "tools/list"),
    ];
    let (status, answer) = post(&url, &body, &headers).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["code"], -32022, "{answer}");
    assert_eq!(answer["id"], 9, "{answer}");
    assert_eq!(
        answer["error"]["data"]["requested"], "2099-01-01",
        "{answer}"
    );
}
