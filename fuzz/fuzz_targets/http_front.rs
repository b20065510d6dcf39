//! The HTTP front's request handling (`crates/transport/src/http`): the axum router of
//! `HttpFront::router()`, driven in-process with `tower::ServiceExt::oneshot`.
//!
//! An input is a short script of requests in a plain-text form (see `parse_script`), so
//! seeds are readable and a later request can use the session an earlier one opened
//! (`$SESSION`). Behind the front runs the testkit's example server as a shared stdio
//! child: the fuzz binary itself, started again with `TOOLGATE_FUZZ_UPSTREAM=1`, so no
//! other binary and no network is needed, and sessions cost no process each.
//!
//! Properties: no panic anywhere in the router or the pipeline; no 5xx answer (nothing an
//! agent sends is the gateway's or the server's fault); every JSON answer is JSON; no
//! request takes longer than 10 s (a hang).
#![no_main]

use std::ffi::OsString;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, Response, header};
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;
use toolgate_pipeline::session_factory::SessionFactory;
use toolgate_pipeline::{FailMode, PolicyHandle};
use toolgate_policy::{CompiledPolicy, load};
use toolgate_state::{MemoryStore, SystemClock};
use toolgate_transport::http::{HttpFront, HttpOptions, OriginPolicy};
use toolgate_upstream::UpstreamSpec;
use toolgate_upstream::shared_child::SharedChild;
use tower::ServiceExt;

const UPSTREAM_ENV: &str = "TOOLGATE_FUZZ_UPSTREAM";
const MAX_BODY: usize = 64 * 1024;

struct Harness {
    runtime: tokio::runtime::Runtime,
    open: Arc<HttpFront>,
    keyed: Arc<HttpFront>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let exe = std::env::current_exe().unwrap();
        let child = SharedChild::new(
            vec![
                OsString::from("env"),
                OsString::from(format!("{UPSTREAM_ENV}=1")),
                exe.into_os_string(),
            ],
            MAX_BODY,
        );
        let (open, keyed) = runtime.block_on(async {
            child.warm_up().await.expect("the example server starts");
            (
                front(include_str!("../policies/http_front.yaml"), &child),
                front(include_str!("../policies/http_front_keys.yaml"), &child),
            )
        });
        Harness {
            runtime,
            open,
            keyed,
        }
    })
}

fn front(policy: &str, child: &SharedChild) -> Arc<HttpFront> {
    let policy = CompiledPolicy::new(load(policy, "fuzz.yaml").expect("fuzz policy").policy);
    let factory = SessionFactory {
        policy: PolicyHandle::fixed(policy),
        store: Arc::new(MemoryStore::new(Arc::new(SystemClock))),
        fail_mode: FailMode::Closed,
        pins: None,
        audit: None,
        audit_required: false,
        server_name: "fuzz".into(),
        approvals: None,
        call_timeout: Some(Duration::from_secs(2)),
    };
    HttpFront::new(
        HttpOptions {
            max_message_bytes: MAX_BODY,
            origins: OriginPolicy {
                allowed: vec!["https://app.example.com".into()],
                allow_loopback: true,
            },
            body_timeout: Duration::from_secs(1),
            ..HttpOptions::default()
        },
        factory,
        UpstreamSpec::Shared(child.clone()),
        reqwest::Client::new(),
    )
    .expect("front")
}

fn init() {
    if std::env::var_os(UPSTREAM_ENV).is_some() {
        // We are the upstream: the example MCP server on stdin/stdout.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let code = runtime.block_on(async {
            toolgate_testkit::server::serve(
                toolgate_testkit::server::ServerConfig::default(),
                tokio::io::stdin(),
                tokio::io::stdout(),
            )
            .await
            .map_or(1, |r| r.exit_code())
        });
        std::process::exit(code);
    }
    harness();
}

fuzz_target!(init: init(), |data: &[u8]| {
    let Some((keyed, requests)) = parse_script(data) else {
        return;
    };
    let h = harness();
    let front = if keyed { &h.keyed } else { &h.open };
    h.runtime.block_on(async {
        run(front, requests).await;
        front.close_all("fuzz input done").await;
    });
});

/// One request of a script, before `$SESSION` is filled in.
struct Script<'a> {
    method: &'a [u8],
    path: &'a [u8],
    headers: Vec<(&'a [u8], &'a [u8])>,
    body: &'a [u8],
}

/// Requests separated by a line `###`. Each is `METHOD PATH`, header lines `name: value`,
/// a blank line, then the body. A first line `!keys` picks the gateway that wants API keys.
fn parse_script(data: &[u8]) -> Option<(bool, Vec<Script<'_>>)> {
    let (keyed, data) = match data.strip_prefix(b"!keys\n") {
        Some(rest) => (true, rest),
        None => (false, data),
    };
    let mut out = Vec::new();
    for chunk in split(data, b"\n###\n").take(6) {
        let (head, body) = match find(chunk, b"\n\n") {
            Some(at) => (&chunk[..at], &chunk[at + 2..]),
            None => (chunk, &b""[..]),
        };
        let mut lines = head.split(|b| *b == b'\n');
        let first = lines.next()?;
        let (method, path) = match find(first, b" ") {
            Some(at) => (&first[..at], &first[at + 1..]),
            None => (first, &b"/mcp"[..]),
        };
        let headers = lines
            .filter_map(|l| find(l, b":").map(|at| (&l[..at], trim(&l[at + 1..]))))
            .collect();
        out.push(Script {
            method,
            path,
            headers,
            body,
        });
    }
    (!out.is_empty()).then_some((keyed, out))
}

async fn run(front: &Arc<HttpFront>, requests: Vec<Script<'_>>) {
    let router: Router = front.router();
    let mut session = String::new();
    // Event streams are read to the end in the background, as a live agent reads them (a
    // stream nobody reads is a stuck writer: a `Last-Event-ID` takeover then waits its full
    // 10 s by design). Legacy sessions live as long as their stream: until the script ends.
    let mut readers = Vec::new();
    for script in requests {
        let Some(request) = build(&script, &session) else {
            continue;
        };
        let what = format!("{} {}", request.method(), request.uri());
        // An answer to HEAD has the headers of a GET's and no body.
        let head = request.method() == Method::HEAD;
        let response =
            match tokio::time::timeout(Duration::from_secs(10), router.clone().oneshot(request))
                .await
            {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => match e {},
                Err(_) => panic!("{what}: no response within 10 s"),
            };
        let status = response.status();
        if verbose() {
            eprintln!("{what} -> {status} {:?}", response.headers());
        }
        assert!(
            !status.is_server_error(),
            "{what}: answered {status} (headers {:?})",
            response.headers()
        );
        if let Some(sid) = response
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
        {
            session = sid.to_owned();
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if head {
            continue;
        }
        if content_type.starts_with("application/json") {
            let body = read_all(response).await;
            if verbose() {
                eprintln!("  {}", String::from_utf8_lossy(&body));
            }
            assert!(
                serde_json::from_slice::<serde_json::Value>(&body).is_ok(),
                "{what}: a JSON answer that is not JSON: {:?}",
                String::from_utf8_lossy(&body)
            );
        } else if content_type.starts_with("text/event-stream") {
            let mut body = response.into_body().into_data_stream();
            // The first event comes at once on a legacy stream (the endpoint) and on a POST's
            // stream (what the server said); a session's GET stream may stay quiet.
            if let Ok(Some(Ok(first))) =
                tokio::time::timeout(Duration::from_millis(20), body.next()).await
            {
                if verbose() {
                    eprintln!("  {}", String::from_utf8_lossy(&first));
                }
                if let Some(sid) = legacy_session(&first) {
                    session = sid;
                }
            }
            readers.push(tokio::spawn(
                async move { while body.next().await.is_some() {} },
            ));
        }
    }
    for reader in &readers {
        reader.abort();
    }
    for reader in readers {
        let _ = reader.await;
    }
    // Let the sessions whose streams just closed end.
    tokio::task::yield_now().await;
}

/// `TOOLGATE_FUZZ_VERBOSE=1`: print each request's status (for writing seeds).
fn verbose() -> bool {
    static VERBOSE: OnceLock<bool> = OnceLock::new();
    *VERBOSE.get_or_init(|| std::env::var_os("TOOLGATE_FUZZ_VERBOSE").is_some())
}

fn build(script: &Script<'_>, session: &str) -> Option<Request<Body>> {
    let fill = |b: &[u8]| -> Vec<u8> { replace(b, b"$SESSION", session.as_bytes()) };
    let method = Method::from_bytes(script.method).ok()?;
    let path = String::from_utf8(fill(script.path)).ok()?;
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in &script.headers {
        let name = HeaderName::from_bytes(name).ok()?;
        let value = HeaderValue::from_bytes(&fill(value)).ok()?;
        builder = builder.header(name, value);
    }
    builder.body(Body::from(script.body.to_vec())).ok()
}

async fn read_all(response: Response<Body>) -> bytes::Bytes {
    match tokio::time::timeout(
        Duration::from_secs(10),
        axum::body::to_bytes(response.into_body(), usize::MAX),
    )
    .await
    {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => panic!("reading a JSON answer failed: {e}"),
        Err(_) => panic!("a JSON answer did not end within 10 s"),
    }
}

/// The session id in a legacy stream's `endpoint` event.
fn legacy_session(event: &[u8]) -> Option<String> {
    let at = find(event, b"sessionId=")? + b"sessionId=".len();
    let rest = &event[at..];
    let end = rest
        .iter()
        .position(|b| matches!(b, b'\n' | b'\r' | b'&'))
        .unwrap_or(rest.len());
    String::from_utf8(rest[..end].to_vec()).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut data: &'a [u8], sep: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    std::iter::from_fn(move || {
        if data.is_empty() {
            return None;
        }
        match find(data, sep) {
            Some(at) => {
                let (piece, rest) = (&data[..at], &data[at + sep.len()..]);
                data = rest;
                Some(piece)
            }
            None => Some(std::mem::take(&mut data)),
        }
    })
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| *c != b' ').unwrap_or(b.len());
    &b[start..]
}

fn replace(b: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut rest = b;
    while let Some(at) = find(rest, from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}
