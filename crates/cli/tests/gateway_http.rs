//! The HTTP front from the outside: `toolgate run --listen` in front of the example server,
//! driven by a small streamable-HTTP agent. Identities (API keys, grants, sessions bound to
//! their identity), refusals at the HTTP layer (401, 403, 404, 413), and exact counters
//! across many concurrent sessions.

mod support;

use std::path::Path;
use std::process::Command;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use support::{Started, TOOLGATE, Upstream, kind, listening};
use toolgate_identity::{digest_hex, hash_api_key};
use toolgate_testkit::example_server_path;
use toolgate_testkit::{HttpClient, LegacySseClient};

const ALLOW_ALL: &str = "version: \"1\"\ntools:\n  \"*\": {rules: [{action: allow}]}\n";

const ALICE_KEY: &str = "tg_test_alice_0123456789abcdef";
const BOB_KEY: &str = "tg_test_bob_fedcba9876543210";

fn key_hash(key: &str) -> String {
    format!("sha256:{}", digest_hex(&hash_api_key(key)))
}

/// Two identities with API keys; searches for everyone granted (two per identity, counted
/// per identity), orders for alice only.
fn identities_policy() -> String {
    format!(
        r#"version: "1"
identities:
  alice: {{api_keys: ["{alice}"]}}
  bob: {{groups: [support], api_keys: ["{bob}"]}}
grants:
  - name: searchers
    to: [alice, "group:support"]
    tools: [search_orders]
    rules:
      search_orders:
        - {{name: searches, action: allow, rate_limit: {{max: 2, window: day}}, scope: grant}}
  - name: order-desk
    to: [alice]
    tools: [get_order]
"#,
        alice = key_hash(ALICE_KEY),
        bob = key_hash(BOB_KEY)
    )
}

fn start(policy: &str, extra: &[&str]) -> Started {
    listening(policy, extra, &[], Upstream::ExampleServer)
}

/// An agent presenting `key` (if any) as its bearer token.
fn agent(url: &str, key: Option<&str>) -> HttpClient {
    let client = HttpClient::new(url).unwrap();
    match key {
        Some(k) => client.with_header("authorization", &format!("Bearer {k}")),
        None => client,
    }
}

async fn call(client: &HttpClient, tool: &str, args: Value) -> Value {
    client
        .call_tool(tool, args)
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

async fn tool_names(client: &HttpClient) -> Vec<String> {
    let mut names: Vec<String> = client
        .list_tools()
        .await
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":9,"method":"tools/list"}"#;

/// POSTs `body` with `headers`; (status, headers, body text).
async fn post(
    client: &HttpClient,
    body: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let (status, headers, text) = client.raw_post(body, headers).await.unwrap();
    (
        StatusCode::from_u16(status.as_u16()).unwrap(),
        headers,
        text,
    )
}

fn upstream_lines(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .count()
}

#[tokio::test]
async fn two_api_keys_are_two_identities_with_their_own_grants_and_counters() {
    let s = start(&identities_policy(), &[]);
    let url = s.gateway.mcp_url();
    let alice = agent(&url, Some(ALICE_KEY));
    let bob = agent(&url, Some(BOB_KEY));
    alice.initialize().await.unwrap();
    bob.initialize().await.unwrap();

    // What each may see.
    assert_eq!(
        tool_names(&alice).await,
        ["get_order", "search_orders"],
        "{}",
        s.gateway.stderr()
    );
    assert_eq!(tool_names(&bob).await, ["search_orders"]);

    // `scope: grant` counts per identity: two searches each, the third refused.
    for agent in [&alice, &bob] {
        for _ in 0..2 {
            let ok = call(agent, "search_orders", json!({"query": "lamp"})).await;
            assert_eq!(kind(&ok), "", "{ok}");
        }
        let third = call(agent, "search_orders", json!({"query": "lamp"})).await;
        assert_eq!(kind(&third), "rate_limited", "{third}");
        assert_eq!(
            third["result"]["_meta"]["dev.toolgate/decision"]["rule"],
            "searches"
        );
    }

    // bob holds no grant for get_order: denied, and the server never hears of it.
    let before = upstream_lines(&s.log);
    let denied = call(&bob, "get_order", json!({"order_id": "ORD-1001"})).await;
    assert_eq!(kind(&denied), "deny", "{denied}");
    let text = denied["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("no grant"), "{text}");
    assert_eq!(upstream_lines(&s.log), before);
    let allowed = call(&alice, "get_order", json!({"order_id": "ORD-1001"})).await;
    assert_eq!(kind(&allowed), "", "{allowed}");
}

#[tokio::test]
async fn a_bad_or_missing_key_gets_401_and_nothing_reaches_the_upstream() {
    let s = start(&identities_policy(), &[]);
    let client = agent(&s.gateway.mcp_url(), None);
    for key in [Some("tg_not_a_key"), None, Some("a.b.c")] {
        let auth = key.map(|k| format!("Bearer {k}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let (status, headers, text) = post(&client, INITIALIZE, &headers).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{key:?}: {text}");
        let challenge = headers["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.starts_with("Bearer realm=\"toolgate\""),
            "{challenge}"
        );
        assert_eq!(
            challenge.contains("error=\"invalid_token\""),
            key.is_some(),
            "{key:?}: {challenge}"
        );
        assert!(
            !text.contains("tg_not_a_key"),
            "the refusal must not echo the key: {text}"
        );
    }
    // Two credentials are one too many, even if one is good.
    let (good, bad) = (
        format!("Bearer {ALICE_KEY}"),
        "Bearer tg_not_a_key".to_owned(),
    );
    let (status, _, text) = post(
        &client,
        INITIALIZE,
        &[("authorization", &good), ("authorization", &bad)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    // Not even a session was started: no server process read a line.
    assert_eq!(upstream_lines(&s.log), 0, "{}", s.gateway.stderr());
    assert!(s.gateway.stderr().contains("not authenticated"));
}

#[tokio::test]
async fn a_session_answers_only_the_identity_that_opened_it() {
    let s = start(&identities_policy(), &[]);
    let url = s.gateway.mcp_url();
    let alice = agent(&url, Some(ALICE_KEY));
    alice.initialize().await.unwrap();
    let session = alice.session_id().unwrap();
    let bearer = format!("Bearer {BOB_KEY}");
    let (status, _, text) = post(
        &agent(&url, None),
        LIST,
        &[("authorization", &bearer), ("mcp-session-id", &session)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(text.contains("another identity"));
}

#[tokio::test]
async fn http_layer_refusals_are_precise() {
    let s = start(ALLOW_ALL, &[]);
    let url = s.gateway.mcp_url();
    let client = HttpClient::connect(&url).await.unwrap();
    let session = client.session_id().unwrap();
    let sid = ("mcp-session-id", session.as_str());

    // A browser page from another origin (DNS rebinding) is refused.
    let (status, _, text) = post(&client, LIST, &[sid, ("origin", "http://evil.example")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    let (status, _, text) = post(&client, LIST, &[sid, ("origin", "http://localhost:3000")]).await;
    assert_eq!(status, StatusCode::OK, "{text}");

    // An unknown protocol revision, an unknown session, no session at all.
    let (status, _, _) = post(
        &client,
        LIST,
        &[sid, ("mcp-protocol-version", "1999-01-01")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = post(&client, LIST, &[("mcp-session-id", "0123456789abcdef")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = post(&client, LIST, &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A body over --max-message-bytes is refused before anything reads it.
    let huge = json!({"jsonrpc": "2.0", "id": 10, "method": "tools/call",
        "params": {"name": "echo", "arguments": {"text": "x".repeat(5 * 1024 * 1024)}}});
    let (status, _, text) = post(&client, &huge.to_string(), &[sid]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{text}");

    // DELETE ends the session; it is gone afterwards.
    assert_eq!(client.delete().await.unwrap().as_u16(), 200);
    let (status, _, _) = post(&client, LIST, &[sid]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A legacy HTTP+SSE session's id sent to `/mcp`: its answers only ever go to its SSE
/// stream, so the POST waited forever and a GET took that stream over (found by the
/// `http_front` fuzz target). Now both are refused at once and the session goes on.
#[tokio::test]
async fn legacy_session_id_at_mcp_is_refused_not_left_waiting() {
    let s = start(ALLOW_ALL, &[]);
    let legacy = LegacySseClient::connect(&s.gateway.sse_url())
        .await
        .unwrap();
    let sid = legacy
        .endpoint()
        .query_pairs()
        .find(|(k, _)| k == "sessionId")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let client = HttpClient::new(&s.gateway.mcp_url()).unwrap();
    let waited = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        post(&client, LIST, &[("mcp-session-id", sid.as_str())]),
    )
    .await;
    let (status, _, text) = waited.expect("a POST with a legacy session id was left waiting");
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("legacy HTTP+SSE session"), "{text}");
    let get = reqwest::Client::new()
        .get(s.gateway.mcp_url())
        .header("accept", "text/event-stream")
        .header("mcp-session-id", sid.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::BAD_REQUEST);
    let answer = legacy
        .call_tool("echo", json!({"text": "still here"}))
        .await
        .unwrap();
    assert!(answer.to_string().contains("still here"), "{answer}");
}

#[test]
fn a_public_address_without_credentials_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, ALLOW_ALL).unwrap();
    let out = Command::new(TOOLGATE)
        .args([
            "run",
            "--audit",
            "off",
            "--state",
            "memory",
            "--listen",
            "0.0.0.0:0",
        ])
        .arg("--policy")
        .arg(&policy)
        .arg("--")
        .arg(example_server_path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("without credentials"), "{stderr}");
}

/// JWT access tokens from an OAuth issuer: identity from `sub`, groups from the `groups`
/// claim (which grants read), expiry enforced, and the RFC 9728 metadata that tells a client
/// where to get a token.
#[tokio::test]
async fn jwt_callers_get_their_identity_and_groups_from_the_token() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, jwk::Jwk};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../identity/tests/fixtures/jwt");
    let pem = std::fs::read(fixtures.join("test-only-rsa2048.pem")).unwrap();
    let key = EncodingKey::from_rsa_pem(&pem).unwrap();
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).unwrap();
    jwk.common.key_id = Some("k1".into());
    let policy = r#"version: "1"
auth:
  jwt: {issuer: "https://id.test/", audience: toolgate, jwks_file: jwks.json}
  resource: "http://127.0.0.1/mcp"
  authorization_servers: ["https://id.test/"]
grants:
  - {name: support, to: ["group:support"], tools: [search_orders]}
"#;
    let jwks = json!({"keys": [jwk]}).to_string();
    let started = listening(
        policy,
        &[],
        &[("jwks.json", &jwks)],
        Upstream::ExampleServer,
    );
    let gateway = &started.gateway;

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = |sub: &str, groups: &[&str], exp: u64| {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("k1".into());
        let claims = json!({"iss": "https://id.test/", "aud": "toolgate", "sub": sub,
            "groups": groups, "iat": now, "exp": exp});
        encode(&header, &claims, &key).unwrap()
    };
    let url = gateway.mcp_url();

    let carol = agent(&url, Some(&token("carol", &["support"], now + 600)));
    carol
        .initialize()
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", gateway.stderr()));
    let ok = call(&carol, "search_orders", json!({"query": "lamp"})).await;
    assert_eq!(kind(&ok), "", "{ok}");

    let dave = agent(&url, Some(&token("dave", &[], now + 600)));
    dave.initialize().await.unwrap();
    let denied = call(&dave, "search_orders", json!({"query": "lamp"})).await;
    assert_eq!(kind(&denied), "deny", "{denied}");

    let expired = format!("Bearer {}", token("carol", &["support"], now - 3600));
    let anonymous = agent(&url, None);
    let (status, headers, _) = post(&anonymous, INITIALIZE, &[("authorization", &expired)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(
        challenge.contains(
            "resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource/mcp\""
        ),
        "{challenge}"
    );

    let metadata = reqwest::get(gateway.url("/.well-known/oauth-protected-resource/mcp"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    assert_eq!(metadata["resource"], "http://127.0.0.1/mcp");
    assert_eq!(
        metadata["authorization_servers"],
        json!(["https://id.test/"])
    );
}

/// Issue 6's exactness on the embedded store: one gateway on a SQLite file, 200 HTTP
/// sessions (each with its own server process) calling at once, a global limit of 50:
/// exactly 50 calls reach a server, every other one is refused with `retry_after_s`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_sessions_on_one_sqlite_file_forward_exactly_the_limit() {
    let db = tempfile::tempdir().unwrap();
    let state = format!("sqlite:{}", db.path().join("counters.db").display());
    let started = listening(
        "tools:\n  echo:\n    rules:\n      - {name: fleet, action: allow, rate_limit: {max: 50, window: 3600}, scope: global}\n",
        &[
            "--state",
            &state,
            "--max-sessions-per-client",
            "0",
            "--max-sessions-per-identity",
            "0",
        ],
        &[],
        Upstream::ExampleServer,
    );
    let (gateway, log) = (&started.gateway, &started.log);
    let url = gateway.mcp_url();

    let sessions = futures::future::join_all((0..200).map(|_| {
        let url = url.clone();
        async move { HttpClient::connect(&url).await.unwrap() }
    }))
    .await;
    let answers = futures::future::join_all(
        sessions
            .iter()
            .enumerate()
            .map(|(i, agent)| call(agent, "echo", json!({"text": format!("c{i}")}))),
    )
    .await;

    let passed = answers.iter().filter(|a| kind(a).is_empty()).count();
    let limited: Vec<_> = answers
        .iter()
        .filter(|a| kind(a) == "rate_limited")
        .collect();
    let odd: Vec<_> = answers
        .iter()
        .filter(|a| !kind(a).is_empty() && kind(a) != "rate_limited")
        .collect();
    assert_eq!(
        passed,
        50,
        "unexpected answers {odd:?}\n{}",
        gateway.stderr()
    );
    assert_eq!(limited.len(), 150);
    assert!(limited.iter().all(|a| {
        a["result"]["_meta"]["dev.toolgate/decision"]["retry_after_s"]
            .as_f64()
            .is_some_and(|s| s > 0.0)
    }));
    let forwarded = support::calls_upstream(log);
    assert_eq!(forwarded, 50);
}

/// `--tls-cert`/`--tls-key`: the same endpoint over HTTPS (rustls), with a certificate made
/// here by openssl for 127.0.0.1.
#[tokio::test]
async fn tls_serves_mcp_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=toolgate-test"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        // A leaf, not a CA: rustls refuses a CA certificate as a server identity.
        .args(["-addext", "basicConstraints=critical,CA:FALSE", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed (Debian package openssl)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (cert_path, key_path) = (cert.display().to_string(), key.display().to_string());
    let started = listening(
        ALLOW_ALL,
        &["--tls-cert", &cert_path, "--tls-key", &key_path],
        &[],
        Upstream::ExampleServer,
    );
    let gateway = &started.gateway;
    assert!(
        gateway.stderr().contains("listening on https://"),
        "{}",
        gateway.stderr()
    );
    let pem = std::fs::read(&cert).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let url = format!("https://{}/mcp", gateway.addr);
    let resp = client
        .post(&url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(init.to_string())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{}", gateway.stderr()));
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().contains_key("mcp-session-id"));
    // Plain HTTP on the TLS port is not answered as MCP.
    let plain = reqwest::Client::new()
        .post(format!("http://{}/mcp", gateway.addr))
        .body(init.to_string())
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}

/// `--upstream-shared`: one server process for every session. Two agents using the same
/// request ids and progress tokens at the same time each get their own answers and progress;
/// the server saw one `initialize` (toolgate's) and rewritten ids.
#[tokio::test]
async fn sessions_sharing_one_server_keep_their_ids_and_progress_apart() {
    let s = start(ALLOW_ALL, &["--upstream-shared"]);
    let url = s.gateway.mcp_url();
    let (a, b) = (
        HttpClient::connect(&url).await.unwrap(),
        HttpClient::connect(&url).await.unwrap(),
    );
    let (ra, rb) = tokio::join!(
        a.call_tool_with_progress("slow", json!({"ms": 300, "steps": 3}), json!("tok")),
        b.call_tool_with_progress("slow", json!({"ms": 100, "steps": 2}), json!("tok")),
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra["id"], rb["id"], "both used the same id: {ra} {rb}");
    assert_eq!(ra["result"]["isError"], json!(false), "{ra}");
    assert_eq!(rb["result"]["isError"], json!(false), "{rb}");
    let progress = |c: &HttpClient| {
        c.notifications()
            .iter()
            .filter(|n| n["method"] == "notifications/progress")
            .map(|n| n["params"]["progressToken"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        progress(&a),
        vec![json!("tok"); 3],
        "{:?}",
        a.notifications()
    );
    assert_eq!(
        progress(&b),
        vec![json!("tok"); 2],
        "{:?}",
        b.notifications()
    );
    let log = std::fs::read_to_string(&s.log).unwrap_or_default();
    assert_eq!(log.matches("\"initialize\"").count(), 1, "{log}");
    assert!(
        log.contains("toolgate-"),
        "progress tokens are rewritten: {log}"
    );
}

/// One agent session and a raw HTTP client for the resumability tests. The client gives up
/// after 30 s: a stream that never ends must fail the test, not hang it.
async fn resumable_session(s: &Started) -> (String, String, reqwest::Client) {
    let url = s.gateway.mcp_url();
    let client = HttpClient::connect(&url).await.unwrap();
    let session = client.session_id().unwrap();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    (url, session, http)
}

/// POSTs a `slow` call (600 ms, three progress steps) and reads its SSE answer up to the
/// first event; returns the rest of the body and the first event's id.
async fn slow_call_first_event(
    http: &reqwest::Client,
    url: &str,
    session: &str,
    id: i64,
) -> (
    impl futures::Stream<Item = reqwest::Result<impl AsRef<[u8]>>>,
    String,
) {
    use futures::StreamExt;
    let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {
        "name": "slow", "arguments": {"ms": 600, "steps": 3}, "_meta": {"progressToken": "p"}}});
    let resp = http
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", session)
        .body(call.to_string())
        .send()
        .await
        .unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut body = Box::pin(resp.bytes_stream());
    let mut seen = String::new();
    while !seen.contains("\n\n") {
        seen.push_str(&String::from_utf8_lossy(
            &body.next().await.unwrap().unwrap(),
        ));
    }
    assert!(seen.contains("notifications/progress"), "{seen}");
    let first_id = seen
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .expect("events carry ids")
        .to_owned();
    (body, first_id)
}

/// `GET` with `Last-Event-ID`: the answer to call `id` must be on the new stream; returns how
/// many progress notifications came with it.
async fn resume_expecting_answer(
    http: &reqwest::Client,
    url: &str,
    session: &str,
    last_event_id: &str,
    id: i64,
) -> usize {
    let resumed = http
        .get(url)
        .header("accept", "text/event-stream")
        .header("mcp-session-id", session)
        .header("last-event-id", last_event_id)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let messages: Vec<serde_json::Value> = resumed
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let answer = messages
        .iter()
        .find(|m| m["id"] == json!(id))
        .unwrap_or_else(|| panic!("{resumed}"));
    assert_eq!(answer["result"]["isError"], json!(false), "{answer}");
    messages
        .iter()
        .filter(|m| m["method"] == "notifications/progress")
        .count()
}

/// Streamable HTTP resumability: the agent's connection drops mid-answer; a `GET` with
/// `Last-Event-ID` replays what it missed and delivers the answer that came meanwhile.
/// Regression: the `GET` often arrived before the server had noticed the drop (it only does
/// when a later write fails), found no parked stream and got a standalone stream that never
/// ended — CI hung on this test for 75 minutes.
#[tokio::test]
async fn a_dropped_response_stream_resumes_with_last_event_id() {
    let s = start(ALLOW_ALL, &[]);
    let (url, session, http) = resumable_session(&s).await;
    // Read the first event (a progress notification), then hang up.
    let (body, last_id) = slow_call_first_event(&http, &url, &session, 77).await;
    drop(body);
    let progress = resume_expecting_answer(&http, &url, &session, &last_id, 77).await;
    assert_eq!(progress, 2, "the first of three was already seen");
}

/// A reconnect takes the stream over even while the old connection is still open: the old
/// response ends without the answer, the new one replays what came after `Last-Event-ID` and
/// carries the answer. (The server cannot tell a dead connection from a quiet one.)
#[tokio::test]
async fn last_event_id_takes_over_a_stream_whose_connection_is_still_open() {
    use futures::StreamExt;
    let s = start(ALLOW_ALL, &[]);
    let (url, session, http) = resumable_session(&s).await;
    let (old, first_id) = slow_call_first_event(&http, &url, &session, 5).await;
    // Resume from before the first event: it is replayed too.
    let (no, _) = first_id.split_once('-').unwrap();
    let from_start = format!("{no}-0");
    let resumed = resume_expecting_answer(&http, &url, &session, &from_start, 5);
    let rest_of_old = async {
        let mut rest = String::new();
        let mut old = Box::pin(old);
        while let Some(chunk) = old.next().await {
            rest.push_str(&String::from_utf8_lossy(chunk.unwrap().as_ref()));
        }
        rest
    };
    let (progress, rest_of_old) = tokio::join!(resumed, rest_of_old);
    assert!(
        !rest_of_old.contains("\"result\""),
        "the answer went to the old connection: {rest_of_old}"
    );
    assert_eq!(
        progress, 3,
        "every progress event after id 0 is on the new stream"
    );
}

/// The stream ended normally while the agent was not reading (its last events went into a
/// connection it had lost — a write succeeds until the peer's reset comes back): a reconnect
/// with `Last-Event-ID` still gets the rest, answer included, and its stream ends.
#[tokio::test]
async fn a_stream_that_finished_while_its_agent_was_away_is_replayed() {
    let s = start(ALLOW_ALL, &[]);
    let (url, session, http) = resumable_session(&s).await;
    let (old, first_id) = slow_call_first_event(&http, &url, &session, 9).await;
    // The call takes 600 ms; by now the server has written everything to the old connection.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let progress = resume_expecting_answer(&http, &url, &session, &first_id, 9).await;
    assert_eq!(progress, 2, "the first of three was already seen");
    drop(old);
}

/// Over HTTP a session is something the caller opens at will: a limit that a new session
/// resets is no limit. `rate_limit: 3/minute` with the default scope gave 12 calls in
/// seconds over 4 sessions; per identity by default, it gives 3.
#[tokio::test]
async fn a_new_session_does_not_reset_a_limit_with_the_default_scope() {
    let s = start(
        "version: \"1\"\ntools:\n  search_orders:\n    rules:\n      - {action: allow, rate_limit: 3/minute}\n",
        &[],
    );
    let url = s.gateway.mcp_url();
    let mut allowed = 0;
    for _ in 0..4 {
        let fresh = agent(&url, None);
        fresh.initialize().await.unwrap();
        for _ in 0..3 {
            let r = call(&fresh, "search_orders", json!({"query": "lamp"})).await;
            if kind(&r).is_empty() {
                allowed += 1;
            } else {
                assert_eq!(kind(&r), "rate_limited", "{r}");
            }
        }
    }
    assert_eq!(allowed, 3, "{}", s.gateway.stderr());
}

/// A reload reaches live sessions: removing bob from `support` takes the grant away from
/// his open session at once (it kept the group forever), and removing his key ends the
/// session's access.
#[tokio::test]
async fn a_reload_reaches_open_sessions() {
    let s = start(&identities_policy(), &[]);
    let url = s.gateway.mcp_url();
    let bob = agent(&url, Some(BOB_KEY));
    bob.initialize().await.unwrap();
    let ok = call(&bob, "search_orders", json!({"query": "lamp"})).await;
    assert_eq!(kind(&ok), "", "{ok}");

    let policy_path = s.dir.path().join("policy.yaml");
    let without_group = identities_policy().replace("groups: [support], ", "");
    assert_ne!(without_group, identities_policy());
    std::fs::write(&policy_path, &without_group).unwrap();
    wait_for_reload(&s, 1).await;
    let denied = call(&bob, "search_orders", json!({"query": "lamp"})).await;
    assert_eq!(kind(&denied), "deny", "{denied}");

    let without_key = without_group.replace(&key_hash(BOB_KEY), &key_hash("tg_other_key_0000"));
    std::fs::write(&policy_path, &without_key).unwrap();
    wait_for_reload(&s, 2).await;
    let gone = bob
        .call_tool("search_orders", json!({"query": "lamp"}))
        .await;
    assert!(gone.is_err(), "the removed key still works: {gone:?}");
}

/// Waits until the gateway logged its `n`-th policy reload.
async fn wait_for_reload(s: &Started, n: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let seen = s.gateway.stderr().matches("policy reloaded").count();
        if seen >= n {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no reload #{n}:\n{}",
            s.gateway.stderr()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
