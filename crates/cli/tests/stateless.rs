//! The stateless 2026-07-28 revision through the gateway (issue 5): no `initialize`, no
//! session; each request carries its version in `_meta` and routing headers. The policy must
//! hold exactly as in a session, and headers that disagree with the body are refused before
//! the policy runs.

mod support;

use std::process::Command;

use serde_json::{Value, json};
use support::{Started, Upstream, calls_upstream, kind, listening};
use toolgate_testkit::HttpClient;
use toolgate_testkit::example_server_path;
use toolgate_testkit::listening::ListeningGateway;

const POLICY: &str = r#"version: "1"
hide: [delete_user]
tools:
  echo:
    rules:
      - {name: echoes, action: allow, rate_limit: {max: 2, window: day}, scope: grant}
  read_file:
    rules:
      - {action: deny, reason: No files over HTTP}
  add: {rules: [{action: allow}]}
"#;

/// toolgate --listen in front of the example server speaking 2026-07-28 over HTTP; the
/// server logs into the gateway's directory (`Started::log`).
fn stateless_setup() -> (ListeningGateway, Started, tempfile::TempDir) {
    let logs = tempfile::tempdir().unwrap();
    let mut server = Command::new(example_server_path());
    server
        .args(["--http", "127.0.0.1:0", "--stateless"])
        .env("TOOLGATE_TESTKIT_LOG", logs.path().join("upstream.log"));
    let server = ListeningGateway::start(server).unwrap_or_else(|e| panic!("{e}"));
    let mut started = listening(POLICY, &[], &[], Upstream::Url(&server.mcp_url()));
    started.log = logs.path().join("upstream.log");
    (server, started, logs)
}

#[tokio::test]
async fn a_stateless_request_is_policed_like_a_session_one() {
    let (server, started, _logs) = stateless_setup();
    let (gateway, log) = (&started.gateway, &started.log);
    let client = HttpClient::stateless(&gateway.mcp_url()).unwrap();

    let discovered = client.discover().await.unwrap();
    assert!(
        discovered["result"]["supportedVersions"]
            .to_string()
            .contains("2026-07-28"),
        "{discovered}\n{}",
        gateway.stderr()
    );

    let names: Vec<String> = client
        .list_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"echo".to_owned()), "{names:?}");
    for gone in ["delete_user", "read_file", "send_email"] {
        assert!(
            !names.contains(&gone.to_owned()),
            "{gone} listed: {names:?}"
        );
    }

    // Allowed, denied, hidden, rate-limited: exactly as in a session.
    let ok = client
        .call_tool("echo", json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(ok["result"]["content"][0]["text"], "hi", "{ok}");
    let denied = client
        .call_tool("read_file", json!({"path": "/etc/passwd"}))
        .await
        .unwrap();
    assert_eq!(kind(&denied), "deny", "{denied}");
    // 2026-07-28 results carry `resultType`; a refusal is one.
    assert_eq!(denied["result"]["resultType"], "complete", "{denied}");
    assert!(denied.to_string().contains("No files over HTTP"));
    let hidden = client.call_tool("delete_user", json!({})).await;
    let hidden = match hidden {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(hidden["error"]["code"], json!(-32602), "{hidden}");
    client
        .call_tool("echo", json!({"text": "2"}))
        .await
        .unwrap();
    let limited = client
        .call_tool("echo", json!({"text": "3"}))
        .await
        .unwrap();
    assert_eq!(kind(&limited), "rate_limited", "{limited}");
    assert_eq!(calls_upstream(log), 2, "only the two allowed echoes ran");
    drop(server);
}

#[tokio::test]
async fn routing_headers_that_disagree_with_the_body_are_refused() {
    let (_server, started, _logs) = stateless_setup();
    let (gateway, log) = (&started.gateway, &started.log);
    let client = HttpClient::stateless(&gateway.mcp_url()).unwrap();
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "read_file", "arguments": {"path": "/srv/x"},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}}}})
    .to_string();
    let base = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
    ];
    // A header naming an allowed tool while the body calls a denied one.
    for extra in [
        vec![("mcp-name", "echo")],
        vec![],
        vec![("mcp-name", "read_file"), ("mcp-name", "echo")],
    ] {
        let headers: Vec<(&str, &str)> = base.iter().copied().chain(extra.clone()).collect();
        let (status, _, text) = client.raw_post(body.clone(), &headers).await.unwrap();
        assert_eq!(status.as_u16(), 400, "{extra:?}: {text}");
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reply["error"]["code"], json!(-32020), "{text}");
    }
    let wrong_method = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
        ("mcp-name", "read_file"),
    ];
    let (status, _, _) = client.raw_post(body.clone(), &wrong_method).await.unwrap();
    assert_eq!(status.as_u16(), 400);
    assert_eq!(calls_upstream(log), 0, "nothing reached the server");
    assert!(gateway.stderr().contains("refused a stateless request"));
}

/// A stdio server needs the `initialize` handshake: stateless requests are told so with
/// -32022 and the revisions that work, and a session through the same gateway works.
#[tokio::test]
async fn a_stdio_upstream_sends_stateless_clients_to_a_session() {
    let started = listening(POLICY, &[], &[], Upstream::ExampleServer);
    let gateway = &started.gateway;
    let stateless = HttpClient::stateless(&gateway.mcp_url()).unwrap();
    let err = stateless.discover().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    assert_eq!(err.rpc_code(), Some(-32022), "{err}");
    let session = HttpClient::connect(&gateway.mcp_url()).await.unwrap();
    let ok = session
        .call_tool("echo", json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(ok["result"]["content"][0]["text"], "hi");
}
