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
use toolgate_identity::{digest_hex, hash_api_key};
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

/// A JWT issuer and a gateway trusting it, with the API-key identity `alice` (group
/// `support`); `extra_identity_yaml` is added under alice.
struct JwtGateway {
    started: Started,
    key: jsonwebtoken::EncodingKey,
}

impl JwtGateway {
    fn start(alice_extra: &str) -> JwtGateway {
        use jsonwebtoken::{Algorithm, EncodingKey, jwk::Jwk};
        let fixtures =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../identity/tests/fixtures/jwt");
        let pem = std::fs::read(fixtures.join("test-only-rsa2048.pem")).unwrap();
        let key = EncodingKey::from_rsa_pem(&pem).unwrap();
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).unwrap();
        jwk.common.key_id = Some("k1".into());
        let policy = format!(
            r#"version: "1"
identities:
  alice:
    groups: [support]
    api_keys: ["{}"]{alice_extra}
auth:
  jwt: {{issuer: "https://id.test/", audience: toolgate, jwks_file: jwks.json}}
grants:
  - {{name: alice, to: [alice], tools: [get_order]}}
  - {{name: support, to: ["group:support"], tools: [search_orders]}}
"#,
            key_hash(ALICE_KEY)
        );
        let jwks = json!({"keys": [jwk]}).to_string();
        let started = listening(
            &policy,
            &[],
            &[("jwks.json", &jwks)],
            Upstream::ExampleServer,
        );
        JwtGateway { started, key }
    }

    fn token(&self, sub: &str) -> String {
        use jsonwebtoken::{Algorithm, Header, encode};
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("k1".into());
        let claims = json!({"iss": "https://id.test/", "aud": "toolgate", "sub": sub,
            "iat": now, "exp": now + 600});
        encode(&header, &claims, &self.key).unwrap()
    }

    fn agent(&self, bearer: &str) -> HttpClient {
        HttpClient::new(&self.started.gateway.mcp_url())
            .unwrap()
            .with_header("authorization", &format!("Bearer {bearer}"))
    }
}

fn decision_kind(resp: &serde_json::Value) -> &str {
    resp["result"]["_meta"]["dev.toolgate/decision"]["kind"]
        .as_str()
        .unwrap_or("")
}

/// Issue 16: whoever gets a token with `sub: alice` from the issuer (a self-service
/// sign-up, say) is not the API-key identity `alice`: none of her grants, none of her
/// groups, not her sessions.
#[tokio::test]
async fn a_jwt_subject_is_not_the_api_key_identity_of_the_same_name() {
    let g = JwtGateway::start("");
    let gateway = &g.started.gateway;
    let by_key = g.agent(ALICE_KEY);
    by_key.initialize().await.unwrap();
    let ok = by_key
        .call_tool("get_order", json!({"order_id": "ORD-1001"}))
        .await
        .unwrap();
    assert_eq!(decision_kind(&ok), "", "{ok}");

    let by_token = g.agent(&g.token("alice"));
    by_token
        .initialize()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", gateway.stderr()));
    for (tool, args) in [
        ("get_order", json!({"order_id": "ORD-1001"})),
        ("search_orders", json!({"query": "lamp"})),
    ] {
        let denied = by_token.call_tool(tool, args).await.unwrap();
        assert_eq!(decision_kind(&denied), "deny", "{tool}: {denied}");
        let text = denied["result"]["content"][0]["text"].as_str().unwrap();
        assert!(text.contains("`jwt:alice`"), "{text}");
    }
    assert!(by_token.list_tools().await.unwrap().is_empty());

    // Not alice's session either.
    let sid = by_key.session_id().unwrap();
    let bearer = format!("Bearer {}", g.token("alice"));
    let r = raw(
        gateway.addr,
        "POST",
        "/mcp",
        &[
            ("Host", &gateway.addr.to_string()),
            ("Accept", "application/json"),
            ("Authorization", &bearer),
            ("Mcp-Session-Id", &sid),
        ],
        r#"{"jsonrpc":"2.0","id":9,"method":"tools/list"}"#,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
}

/// `identities.NAME.jwt_subjects` says which subjects are that identity: such a token gets
/// the identity's grants and groups; other subjects stay `jwt:<sub>`.
#[tokio::test]
async fn a_policy_maps_a_jwt_subject_onto_a_named_identity() {
    let g = JwtGateway::start("\n    jwt_subjects: [00u-alice-at-idp]");
    let mapped = g.agent(&g.token("00u-alice-at-idp"));
    mapped.initialize().await.unwrap();
    for (tool, args) in [
        ("get_order", json!({"order_id": "ORD-1001"})),
        ("search_orders", json!({"query": "lamp"})),
    ] {
        let ok = mapped.call_tool(tool, args).await.unwrap();
        assert_eq!(decision_kind(&ok), "", "{tool}: {ok}");
    }
    let unmapped = g.agent(&g.token("alice"));
    unmapped.initialize().await.unwrap();
    let denied = unmapped
        .call_tool("get_order", json!({"order_id": "ORD-1001"}))
        .await
        .unwrap();
    assert_eq!(decision_kind(&denied), "deny", "{denied}");
}
