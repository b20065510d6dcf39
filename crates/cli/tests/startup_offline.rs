//! Starting without the network: the real `toolgate run --listen` binary with its JWT issuer
//! out of reach still starts and serves API-key callers (access tokens get 503 until the key
//! set loads, retried in the background).

mod support;

use std::net::TcpListener;

use serde_json::json;
use support::{Upstream, listening};
use toolgate_testkit::HttpClient;

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `examples/identities-and-grants.yaml` with its issuer's JWKS URL pointed at a closed port:
/// the example, offline.
fn example_offline() -> String {
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/identities-and-grants.yaml"),
    )
    .unwrap();
    let url = "https://id.example.com/.well-known/jwks.json";
    assert!(example.contains(url), "the example changed");
    example.replace(
        url,
        &format!("http://127.0.0.1:{}/.well-known/jwks.json", closed_port()),
    )
}

#[tokio::test]
async fn an_unreachable_jwks_does_not_keep_api_key_callers_out() {
    let s = listening(&example_offline(), &[], &[], Upstream::ExampleServer);
    let url = s.gateway.mcp_url();
    let stderr = s.gateway.stderr();
    assert!(
        stderr.contains("cannot load the key set yet"),
        "no warning about the JWKS:\n{stderr}"
    );

    // alice's API key works.
    let alice = HttpClient::new(&url)
        .unwrap()
        .with_header("authorization", "Bearer tg_demo_alice");
    let init = alice.initialize().await;
    assert!(init.is_ok(), "{init:?}\n{}", s.gateway.stderr());
    let listed = alice.request("tools/list", json!({})).await.unwrap();
    assert!(listed["result"]["tools"].is_array(), "{listed}");

    // An access token is refused with 503 while the keys are out of reach.
    let jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.c2ln";
    let client = reqwest::Client::new();
    let resp = client
        .post(&url)
        .header("authorization", format!("Bearer {jwt}"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 503, "{}", s.gateway.stderr());
}
