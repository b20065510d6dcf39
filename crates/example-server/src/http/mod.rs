//! The example server over HTTP, so toolgate can be tested and benchmarked as an HTTP
//! client of a real MCP server (`toolgate run --upstream http://…/mcp`), in each of the
//! three HTTP transports found in the wild:
//!
//! - [`HttpMode::Streamable`]: streamable HTTP (2025-03-26 … 2025-11-25) at `/mcp`, with
//!   sessions ([`streamable`]);
//! - [`HttpMode::Stateless`]: the 2026-07-28 stateless revision at `/mcp` ([`stateless`]);
//! - [`HttpMode::LegacySse`]: the 2024-11-05 HTTP+SSE transport, `GET /sse` + `POST
//!   /message` ([`legacy`]).
//!
//! The tools and the dispatcher are the stdio server's own ([`super::Server`]): each HTTP
//! session (or stateless request) gets a `Server` of its own, exactly as one stdio
//! connection does, so behaviour cannot drift between transports. `exit_after` counts calls
//! across the whole process and `crash_on` ends it, because over HTTP the process, not a
//! connection, is what a test wants to see die.

mod legacy;
mod posted;
mod sse;
mod stateless;
mod streamable;

pub use stateless::{
    HEADER_MISMATCH, STATELESS_VERSION, UNSUPPORTED_PROTOCOL_VERSION, decode_header_value,
};

use std::collections::HashMap;
use std::io;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

use super::outbound::Out;
use super::{ExitReason, Server, ServerConfig};
use crate::rpc::{self, RpcError};

/// How long an `exit_after` stop waits for responses still being written before the
/// process goes; calls past the limit are never answered, so something must cut them off.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Which HTTP transport to serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpMode {
    /// Streamable HTTP with sessions at `/mcp` (MCP 2025-03-26 to 2025-11-25).
    #[default]
    Streamable,
    /// The stateless 2026-07-28 revision at `/mcp`: no session, no `initialize`.
    Stateless,
    /// The 2024-11-05 HTTP+SSE transport: `GET /sse` (also `GET /mcp`), `POST /message`.
    LegacySse,
}

impl HttpMode {
    /// The line to print once bound: `listening on http://ADDR/mcp`, plus where the legacy
    /// event stream is. Tests read the address from it.
    pub fn announcement(self, addr: std::net::SocketAddr) -> String {
        match self {
            HttpMode::Streamable => format!("listening on http://{addr}/mcp"),
            HttpMode::Stateless => {
                format!("listening on http://{addr}/mcp (stateless 2026-07-28)")
            }
            HttpMode::LegacySse => format!(
                "listening on http://{addr}/mcp (legacy HTTP+SSE: GET http://{addr}/sse, POST /message)"
            ),
        }
    }
}

/// Serves MCP over HTTP on `listener` until `exit_after` or `crash_on` stops it (it never
/// stops otherwise). On `exit_after` it stops accepting, lets responses in flight finish
/// (for up to [`EXIT_GRACE`]) and returns; on `crash_on` it returns at once.
///
/// Errors are I/O errors opening the log file or serving.
pub async fn serve_http(
    config: ServerConfig,
    mode: HttpMode,
    listener: TcpListener,
) -> io::Result<ExitReason> {
    let log = match &config.log_path {
        Some(path) => Some(
            tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await?,
        ),
        None => None,
    };
    let app = Arc::new(App::new(config, log));
    let router: Router = match mode {
        HttpMode::Streamable => streamable::router(Arc::clone(&app)),
        HttpMode::Stateless => stateless::router(Arc::clone(&app)),
        HttpMode::LegacySse => legacy::router(Arc::clone(&app)),
    };
    let shutdown = {
        let app = Arc::clone(&app);
        async move {
            app.stopped().await;
        }
    };
    let mut serving = tokio::spawn(
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .into_future(),
    );
    let reason = tokio::select! {
        reason = app.stopped() => reason,
        ended = &mut serving => {
            return match ended {
                Ok(Ok(())) => Ok(app.reason().unwrap_or(ExitReason::InputClosed)),
                Ok(Err(error)) => Err(error),
                Err(error) => Err(io::Error::other(error)),
            };
        }
    };
    tracing::debug!(?reason, "example HTTP server stopping");
    if reason == ExitReason::Crash {
        serving.abort();
        return Ok(reason);
    }
    // Long-lived event streams watch `stopped()` and end after what is queued; responses
    // to calls in flight get the grace period.
    if tokio::time::timeout(EXIT_GRACE, &mut serving)
        .await
        .is_err()
    {
        serving.abort();
    }
    Ok(reason)
}

/// What every handler shares.
struct App {
    config: ServerConfig,
    log: Option<tokio::sync::Mutex<tokio::fs::File>>,
    calls: Arc<AtomicU64>,
    stop: watch::Sender<Option<ExitReason>>,
}

impl App {
    fn new(config: ServerConfig, log: Option<tokio::fs::File>) -> Self {
        Self {
            config,
            log: log.map(tokio::sync::Mutex::new),
            calls: Arc::default(),
            stop: watch::Sender::new(None),
        }
    }

    /// A fresh server (one session's or one request's) and the receiver of its output.
    fn new_server(self: &Arc<Self>) -> (Arc<Server>, mpsc::UnboundedReceiver<Out>) {
        let (out, rx) = mpsc::unbounded_channel();
        let server = Server::with_call_counter(self.config.clone(), out, Arc::clone(&self.calls));
        (Arc::new(server), rx)
    }

    /// Forwards `server`'s own stop (`exit_after`, `crash_on`) to the process; abort the
    /// handle when the server is done with.
    fn watch(self: &Arc<Self>, server: &Arc<Server>) -> AbortHandle {
        let app = Arc::clone(self);
        let server = Arc::clone(server);
        tokio::spawn(async move {
            server.stop.notified().await;
            app.request_stop(server.exit_reason());
        })
        .abort_handle()
    }

    /// The first reason wins, as over stdio.
    fn request_stop(&self, reason: ExitReason) {
        self.stop.send_if_modified(|current| {
            if current.is_some() {
                return false;
            }
            *current = Some(reason);
            true
        });
    }

    fn reason(&self) -> Option<ExitReason> {
        *self.stop.borrow()
    }

    /// Resolves once the process is asked to stop.
    async fn stopped(&self) -> ExitReason {
        let mut rx = self.stop.subscribe();
        match rx.wait_for(Option::is_some).await {
            Ok(reason) => reason.unwrap_or(ExitReason::InputClosed),
            // The sender lives in `self`, so it cannot be gone while we borrow it.
            Err(_) => ExitReason::InputClosed,
        }
    }

    /// Appends a received message, exactly as received, to `TOOLGATE_TESTKIT_LOG`; before
    /// handling, so by the time any answer is out the message is on disk.
    async fn log(&self, body: &[u8]) {
        let Some(log) = &self.log else { return };
        let mut file = log.lock().await;
        let written = async {
            file.write_all(body).await?;
            file.write_all(b"\n").await?;
            file.flush().await
        };
        if let Err(error) = written.await {
            tracing::warn!(%error, "cannot write TOOLGATE_TESTKIT_LOG");
        }
    }
}

/// Live sessions by id (streamable and legacy).
struct SessionMap<S> {
    map: Mutex<HashMap<String, Arc<S>>>,
}

impl<S> Default for SessionMap<S> {
    fn default() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }
}

impl<S> SessionMap<S> {
    fn get(&self, id: &str) -> Option<Arc<S>> {
        self.map.lock().expect("sessions lock").get(id).cloned()
    }

    fn insert(&self, id: String, session: Arc<S>) {
        self.map.lock().expect("sessions lock").insert(id, session);
    }

    fn remove(&self, id: &str) -> Option<Arc<S>> {
        self.map.lock().expect("sessions lock").remove(id)
    }
}

/// 128 random bits in hex: session ids must not be guessable (the spec asks for a
/// cryptographically secure id; a guessable one would let one client join another's session).
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if let Err(error) = getrandom::fill(&mut bytes) {
        // Only a broken OS gets here; a test server should still run.
        tracing::warn!(%error, "no OS randomness; session ids fall back to a hash");
        use std::hash::{BuildHasher, RandomState};
        let state = RandomState::new();
        let now = std::time::SystemTime::now();
        bytes[..8].copy_from_slice(&state.hash_one(now).to_le_bytes());
        bytes[8..].copy_from_slice(&state.hash_one((now, 1u8)).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A JSON body with `status`.
fn json_response(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}

/// A transport-level refusal: `status` with a JSON-RPC error (id `id`, often `null`) that
/// says what was wrong, for clients that show the body.
fn refuse(status: StatusCode, id: &Value, code: i64, message: impl Into<String>) -> Response {
    Refused::new(status, code, message)
        .with_id(id)
        .into_response()
}

/// A [`refuse`] answer not yet built, for checks that return `Result` (a `Response` is
/// too big to be an `Err` worth moving around).
struct Refused {
    status: StatusCode,
    id: Value,
    error: RpcError,
}

impl Refused {
    fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            id: Value::Null,
            error: RpcError::new(code, message),
        }
    }

    fn with_id(mut self, id: &Value) -> Self {
        self.id = id.clone();
        self
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let body = rpc::error_response(&self.id, &self.error).to_string();
        json_response(self.status, body)
    }
}

/// What the client's `Accept` header allows: (JSON, event stream). A missing header (or
/// `*/*`) allows both, so curl works; the spec's clients always name both.
fn accepts(headers: &HeaderMap) -> (bool, bool) {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return (true, true);
    }
    let mut types = values.iter().flat_map(|v| v.split(',')).map(|t| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let (mut json, mut sse) = (false, false);
    for media in &mut types {
        match media.as_str() {
            "*/*" => (json, sse) = (true, true),
            "application/json" | "application/*" => json = true,
            "text/event-stream" | "text/*" => sse = true,
            _ => {}
        }
    }
    (json, sse)
}

/// Refuses a browser page on another origin (DNS rebinding: the spec wants servers on
/// localhost to check `Origin`, and 2025-11-25 says 403). No `Origin` is not a browser.
fn check_origin(headers: &HeaderMap) -> Result<(), Refused> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
        .map(|authority| match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        });
    match host {
        Some("localhost" | "127.0.0.1" | "::1") => Ok(()),
        _ => Err(Refused::new(
            StatusCode::FORBIDDEN,
            rpc::INVALID_REQUEST,
            "Forbidden: this server only accepts requests from a loopback Origin",
        )),
    }
}

/// The value of header `name`, if present once and text.
fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(name: header::HeaderName, value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn accept_header_is_read_by_media_type() {
        assert_eq!(accepts(&HeaderMap::new()), (true, true));
        let both = with(header::ACCEPT, "application/json;q=0.9, text/event-stream");
        assert_eq!(accepts(&both), (true, true));
        assert_eq!(
            accepts(&with(header::ACCEPT, "application/json")),
            (true, false)
        );
        assert_eq!(accepts(&with(header::ACCEPT, "text/html")), (false, false));
    }

    #[test]
    fn only_loopback_origins_pass() {
        assert!(check_origin(&HeaderMap::new()).is_ok());
        for ok in [
            "http://localhost:3000",
            "http://127.0.0.1",
            "http://[::1]:8080",
        ] {
            assert!(check_origin(&with(header::ORIGIN, ok)).is_ok(), "{ok}");
        }
        for bad in [
            "https://evil.example",
            "null",
            "http://127.0.0.1.evil.example",
        ] {
            let Err(refused) = check_origin(&with(header::ORIGIN, bad)) else {
                panic!("accepted {bad}");
            };
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{bad}");
        }
    }

    #[test]
    fn session_ids_are_random_hex() {
        let (a, b) = (random_id(), random_id());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
