//! Issue 16, item 7, from the outside: `toolgate run --listen` refuses what a hostile web
//! page can make a browser send (a rebinding `Host`, a subresource `GET /sse`), caps the
//! sessions each identity and each client address may hold and counts them back exactly,
//! and keeps JWT subjects apart from API-key identities.

mod support;

use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Started, TOOLGATE, Upstream, listening};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use toolgate_gateway::identity::{digest_hex, hash_api_key};
use toolgate_testkit::HttpClient;
use toolgate_testkit::example_server_path;
use toolgate_testkit::listening::ListeningGateway;

const ALLOW_ALL: &str = "version: \"1\"\ntools:\n  \"*\": {rules: [{action: allow}]}\n";
const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
const ALICE_KEY: &str = "tg_test_alice_0123456789abcdef";
const BOB_KEY: &str = "tg_test_bob_fedcba9876543210";
/// What Firefox sends for an `<img src>`.
const IMG_ACCEPT: &str = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5";

fn key_hash(key: &str) -> String {
    format!("sha256:{}", digest_hex(&hash_api_key(key)))
}

fn keys_policy() -> String {
    format!(
        "version: \"1\"\nidentities:\n  alice: {{api_keys: [\"{}\"]}}\n  bob: {{api_keys: [\"{}\"]}}\ntools:\n  \"*\": {{rules: [{{action: allow}}]}}\n",
        key_hash(ALICE_KEY),
        key_hash(BOB_KEY)
    )
}

/// An HTTP/1.1 exchange written by hand, so `Host` and `Accept` are exactly what a browser
/// would send. The connection is returned still open (an event stream lives on it).
struct Raw {
    status: u16,
    text: String,
    _conn: TcpStream,
}

async fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Raw {
    let mut conn = TcpStream::connect(addr).await.unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    conn.write_all(req.as_bytes()).await.unwrap();
    // Read the head, then the body: all of it (Content-Length), or for an event stream its
    // first event.
    let mut buf = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    let done = |buf: &[u8]| -> bool {
        let text = String::from_utf8_lossy(buf);
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            return false;
        };
        let lower = head.to_ascii_lowercase();
        if lower.contains("content-type: text/event-stream") {
            return body.contains("\n\n");
        }
        let len = lower
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        body.len() >= len
    };
    while !done(&buf) {
        let mut chunk = [0u8; 4096];
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, conn.read(&mut chunk)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => panic!("reading the answer: {e}"),
            Err(_) => panic!(
                "no complete answer in 15 s: {}",
                String::from_utf8_lossy(&buf)
            ),
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    Raw {
        status,
        text,
        _conn: conn,
    }
}

/// `POST /mcp` initialize naming `host`, with more headers.
async fn initialize_as(g: &ListeningGateway, host: &str, more: &[(&str, &str)]) -> Raw {
    let mut headers = vec![
        ("Host", host),
        ("Accept", "application/json, text/event-stream"),
    ];
    headers.extend_from_slice(more);
    raw(g.addr, "POST", "/mcp", &headers, INITIALIZE).await
}

/// How many sessions the gateway logged as started (its stderr is read by a thread, so a
/// line may come a moment after the answer: wait a little for more).
fn sessions_started(g: &ListeningGateway) -> usize {
    let count = || g.stderr().matches("session started").count();
    let first = count();
    let deadline = Instant::now() + Duration::from_millis(300);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    count().max(first)
}

/// Retries `initialize` from loopback until it is no longer refused for a cap (a session
/// that ended gives its slot back a moment later, from another task).
async fn initialize_when_free(g: &ListeningGateway, more: &[(&str, &str)]) -> Raw {
    let host = g.addr.to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = initialize_as(g, &host, more).await;
        if r.status != 429 || Instant::now() > deadline {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `toolgate run --listen 127.0.0.1:0 … -- example-server SERVER_ARGS…`.
fn start_with_server(
    policy: &str,
    extra: &[&str],
    server_args: &[&str],
) -> (tempfile::TempDir, ListeningGateway) {
    let dir = tempfile::tempdir().unwrap();
    let policy_path = dir.path().join("policy.yaml");
    std::fs::write(&policy_path, policy).unwrap();
    let mut cmd = Command::new(TOOLGATE);
    cmd.args([
        "run",
        "--audit",
        "off",
        "--pin-file",
        "off",
        "--state",
        "memory",
    ])
    .args(["--listen", "127.0.0.1:0"])
    .args(extra)
    .arg("--policy")
    .arg(&policy_path)
    .arg("--")
    .arg(example_server_path())
    .args(server_args);
    let gateway = ListeningGateway::start(cmd).unwrap_or_else(|e| panic!("{e}"));
    (dir, gateway)
}

fn start(policy: &str, extra: &[&str]) -> Started {
    listening(policy, extra, &[], Upstream::ExampleServer)
}

/// A page on evil.example whose DNS name now points at 127.0.0.1 talks to the gateway
/// with `Host: evil.example:PORT` and no `Origin` on simple requests: refused before any
/// session (and server process) starts. The gateway's own names still work.
#[tokio::test]
async fn a_rebinding_host_name_is_refused_on_an_open_loopback_gateway() {
    let s = start(ALLOW_ALL, &[]);
    let g = &s.gateway;
    let port = g.addr.port();
    let evil = format!("evil.example:{port}");

    let r = initialize_as(g, &evil, &[]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.text.contains("--allowed-host"), "{}", r.text);
    let r = raw(
        g.addr,
        "GET",
        "/sse",
        &[("Host", &evil), ("Accept", "text/event-stream")],
        "",
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = raw(
        g.addr,
        "GET",
        "/.well-known/oauth-protected-resource",
        &[("Host", &evil)],
        "",
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(sessions_started(g), 0, "{}", g.stderr());

    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let r = initialize_as(g, &host, &[]).await;
        assert_eq!(r.status, 200, "{host}: {}", r.text);
    }
    assert_eq!(sessions_started(g), 2, "{}", g.stderr());
}

/// `--allowed-host` adds names (any port, or the one given); a gateway that requires
/// credentials answers to any name while none is listed (a rebinding page has no token).
#[tokio::test]
async fn allowed_hosts_pass_and_credentials_make_any_host_name_safe() {
    let s = start(
        ALLOW_ALL,
        &[
            "--allowed-host",
            "devbox.test",
            "--allowed-host",
            "gw.test:1",
        ],
    );
    let g = &s.gateway;
    let port = g.addr.port();
    let r = initialize_as(g, &format!("devbox.test:{port}"), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = initialize_as(g, &format!("gw.test:{port}"), &[]).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = initialize_as(g, &format!("other.test:{port}"), &[]).await;
    assert_eq!(r.status, 403, "{}", r.text);

    let s = start(&keys_policy(), &[]);
    let g = &s.gateway;
    let evil = format!("evil.example:{}", g.addr.port());
    let r = initialize_as(g, &evil, &[]).await;
    assert_eq!(r.status, 401, "{}", r.text);
    let bearer = format!("Bearer {ALICE_KEY}");
    let r = initialize_as(g, &evil, &[("Authorization", &bearer)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// `<img src="http://127.0.0.1:8787/sse">` sends no `Origin` and `Accept: image/…,*/*`: it
/// must not open a legacy session (each one a server process). An event-stream client
/// names `text/event-stream`.
#[tokio::test]
async fn a_browser_subresource_request_cannot_open_a_legacy_session() {
    let s = start(ALLOW_ALL, &[]);
    let g = &s.gateway;
    let host = g.addr.to_string();
    for accept in [Some(IMG_ACCEPT), Some("*/*"), Some("text/*"), None] {
        let mut headers = vec![("Host", host.as_str())];
        headers.extend(accept.map(|a| ("Accept", a)));
        let r = raw(g.addr, "GET", "/sse", &headers, "").await;
        assert_eq!(r.status, 406, "{accept:?}: {}", r.text);
        assert!(r.text.contains("text/event-stream"), "{}", r.text);
    }
    assert_eq!(sessions_started(g), 0, "{}", g.stderr());

    let r = raw(
        g.addr,
        "GET",
        "/sse",
        &[("Host", &host), ("Accept", "text/event-stream")],
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("event: endpoint"), "{}", r.text);
    assert_eq!(sessions_started(g), 1, "{}", g.stderr());
}

/// `--max-sessions-per-client`: a client address holds at most N sessions, legacy and
/// streamable together; one that ends — DELETE, its SSE stream closed, its server gone —
/// gives its place back.
#[tokio::test]
async fn sessions_per_client_address_are_capped_and_counted_back_when_they_end() {
    let (_dir, g) = start_with_server(
        ALLOW_ALL,
        &["--max-sessions-per-client", "2"],
        &["--crash-on", "echo"],
    );
    let url = g.mcp_url();
    let first = HttpClient::connect(&url).await.unwrap();
    let second = HttpClient::connect(&url).await.unwrap();
    let refused = initialize_as(&g, &g.addr.to_string(), &[]).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert!(
        refused.text.contains("--max-sessions-per-client"),
        "{}",
        refused.text
    );
    let host = g.addr.to_string();
    let sse = [("Host", host.as_str()), ("Accept", "text/event-stream")];
    let r = raw(g.addr, "GET", "/sse", &sse, "").await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(sessions_started(&g), 2, "{}", g.stderr());

    // DELETE.
    assert_eq!(first.delete().await.unwrap().as_u16(), 200);
    let legacy = raw(g.addr, "GET", "/sse", &sse, "").await;
    assert_eq!(legacy.status, 200, "{}", legacy.text);
    assert_eq!(initialize_as(&g, &host, &[]).await.status, 429);

    // The legacy stream closed by its agent.
    drop(legacy);
    let r = initialize_when_free(&g, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(initialize_as(&g, &host, &[]).await.status, 429);

    // The server of `second` dies (the example server crashes on `echo`).
    let _ = second.call_tool("echo", json!({"text": "bye"})).await;
    let r = initialize_when_free(&g, &[]).await;
    assert_eq!(r.status, 200, "{}\n{}", r.text, g.stderr());
    assert_eq!(initialize_as(&g, &host, &[]).await.status, 429);
}

/// Idle sessions are reaped and their places given back.
#[tokio::test]
async fn an_idle_session_gives_its_place_back() {
    let s = start(
        ALLOW_ALL,
        &["--max-sessions-per-client", "1", "--session-idle", "1"],
    );
    let g = &s.gateway;
    let _idle = HttpClient::connect(&g.mcp_url()).await.unwrap();
    let host = g.addr.to_string();
    assert_eq!(initialize_as(g, &host, &[]).await.status, 429);
    let r = initialize_when_free(g, &[]).await;
    assert_eq!(r.status, 200, "{}\n{}", r.text, g.stderr());
    assert!(g.stderr().contains("idle for too long"), "{}", g.stderr());
}

/// `--max-sessions-per-identity`: one identity's sessions are capped wherever they come
/// from; another identity is not held back by them.
#[tokio::test]
async fn sessions_per_identity_are_capped() {
    let s = start(&keys_policy(), &["--max-sessions-per-identity", "1"]);
    let g = &s.gateway;
    let alice = format!("Bearer {ALICE_KEY}");
    let bob = format!("Bearer {BOB_KEY}");
    let host = g.addr.to_string();
    let r = initialize_as(g, &host, &[("Authorization", &alice)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = initialize_as(g, &host, &[("Authorization", &alice)]).await;
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.text.contains("--max-sessions-per-identity"), "{}", r.text);
    assert!(r.text.contains("`alice`"), "{}", r.text);
    let r = initialize_as(g, &host, &[("Authorization", &bob)]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let agent = HttpClient::new(&g.mcp_url())
        .unwrap()
        .with_header("authorization", &bob);
    let err = agent.initialize().await.unwrap_err().to_string();
    assert!(
        err.contains("429") || err.contains("too many sessions"),
        "{err}"
    );
}
