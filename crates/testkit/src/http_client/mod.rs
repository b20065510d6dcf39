//! MCP clients over HTTP for Rust tests: [`HttpClient`] for streamable HTTP (with a session,
//! or stateless 2026-07-28) and [`LegacySseClient`] for the 2024-11-05 HTTP+SSE transport.
//! They drive the example server's HTTP modes and toolgate's own HTTP listener the way real
//! agents do, and can also send what real agents would not ([`HttpClient::raw_post`]).
//!
//! Answers may come as JSON or as an event stream; either way a request returns its
//! JSON-RPC response, and what else the stream carried is kept: notifications in
//! [`HttpClient::notifications`], server→client requests in
//! [`HttpClient::server_requests`] (answered by the handler, [`canned_handler`] by default).
//! Every wait is bounded (10 s by default) and fails with what it was waiting for.

mod error;
mod exchange;
mod legacy;
pub mod sse;
#[cfg(test)]
mod tests;

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use base64::Engine;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use serde_json::{Value, json};

use crate::client::{RequestHandler, canned_handler};
use crate::rpc;
use crate::server::http::STATELESS_VERSION;
use exchange::{http_error, parse, status_error};
use sse::SseReader;

pub use error::HttpClientError;
pub use legacy::LegacySseClient;

/// How long any wait lasts unless [`HttpClient::with_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The revision [`HttpClient::initialize`] asks for unless told otherwise.
pub const DEFAULT_PROTOCOL_VERSION: &str = "2025-11-25";
const SESSION_HEADER: &str = "mcp-session-id";
const ACCEPT_BOTH: &str = "application/json, text/event-stream";
/// Bound on `tools/list` pages, so a cursor that loops fails the test instead of hanging it.
const MAX_PAGES: usize = 1000;

/// An MCP client of one streamable-HTTP endpoint. All methods take `&self`, so concurrent
/// requests can be driven with `tokio::join!`.
pub struct HttpClient {
    http: reqwest::Client,
    url: Url,
    extra: HeaderMap,
    stateless: bool,
    /// Asked for in `initialize`; replaced by the negotiated one.
    protocol_version: Mutex<String>,
    negotiated: Mutex<bool>,
    session_id: Mutex<Option<String>>,
    next_id: AtomicI64,
    timeout: Duration,
    handler: Option<RequestHandler>,
    notifications: Mutex<Vec<Value>>,
    server_requests: Mutex<Vec<Value>>,
}

impl HttpClient {
    /// A client of `url` (e.g. `http://127.0.0.1:PORT/mcp`) that has sent nothing yet; set
    /// headers, then [`initialize`](Self::initialize).
    pub fn new(url: &str) -> Result<Self, HttpClientError> {
        let parsed = Url::parse(url).map_err(|error| HttpClientError::InvalidUrl {
            url: url.to_owned(),
            reason: error.to_string(),
        })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(DEFAULT_TIMEOUT)
            // Tests talk to loopback; a proxy from the environment must not get in between.
            .no_proxy()
            .build()
            .map_err(|error| HttpClientError::InvalidUrl {
                url: url.to_owned(),
                reason: error::describe(&error),
            })?;
        Ok(Self {
            http,
            url: parsed,
            extra: HeaderMap::new(),
            stateless: false,
            protocol_version: Mutex::new(DEFAULT_PROTOCOL_VERSION.to_owned()),
            negotiated: Mutex::new(false),
            session_id: Mutex::new(None),
            next_id: AtomicI64::new(1),
            timeout: DEFAULT_TIMEOUT,
            handler: Some(canned_handler()),
            notifications: Mutex::new(Vec::new()),
            server_requests: Mutex::new(Vec::new()),
        })
    }

    /// [`new`](Self::new), then `initialize` and `notifications/initialized`; the session id
    /// the server hands out is sent on every later request.
    pub async fn connect(url: &str) -> Result<Self, HttpClientError> {
        let client = Self::new(url)?;
        client.initialize().await?;
        Ok(client)
    }

    /// A client of the stateless 2026-07-28 revision: no handshake, and every request
    /// carries `_meta["io.modelcontextprotocol/protocolVersion"]` plus the
    /// `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers.
    pub fn stateless(url: &str) -> Result<Self, HttpClientError> {
        let mut client = Self::new(url)?;
        client.stateless = true;
        *client.protocol_version.get_mut().expect("lock") = STATELESS_VERSION.to_owned();
        Ok(client)
    }

    /// Sends `name: value` on every request (e.g. `Authorization`). Panics on a name or
    /// value HTTP cannot carry: that is a bug in the test.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|error| panic!("header name {name:?}: {error}"));
        let value = HeaderValue::from_str(value)
            .unwrap_or_else(|error| panic!("header value {value:?}: {error}"));
        self.extra.append(name, value);
        self
    }

    /// Bounds every wait by `timeout` instead of [`DEFAULT_TIMEOUT`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Answers server→client requests with `handler` (`None`: record them, answer nothing).
    pub fn with_handler(mut self, handler: Option<RequestHandler>) -> Self {
        self.handler = handler;
        self
    }

    /// Asks for `version` in `initialize` instead of [`DEFAULT_PROTOCOL_VERSION`].
    pub fn with_protocol_version(self, version: &str) -> Self {
        *self.protocol_version.lock().expect("lock") = version.to_owned();
        self
    }

    /// The session id the server handed out, if any.
    pub fn session_id(&self) -> Option<String> {
        self.session_id.lock().expect("session lock").clone()
    }

    /// The bound on every wait.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `initialize` and, if it succeeded, `notifications/initialized`; keeps the
    /// session id and the negotiated revision. Returns the whole `initialize` response.
    pub async fn initialize(&self) -> Result<Value, HttpClientError> {
        let version = self.protocol_version.lock().expect("lock").clone();
        let params = json!({
            "protocolVersion": version,
            "capabilities": {"elicitation": {}, "sampling": {}, "roots": {"listChanged": true}},
            "clientInfo": {"name": "toolgate-testkit", "version": env!("CARGO_PKG_VERSION")},
        });
        let response = self.request("initialize", params).await?;
        if let Some(agreed) = response
            .pointer("/result/protocolVersion")
            .and_then(Value::as_str)
        {
            *self.protocol_version.lock().expect("lock") = agreed.to_owned();
            *self.negotiated.lock().expect("lock") = true;
            self.notify("notifications/initialized", Value::Null)
                .await?;
        }
        Ok(response)
    }

    /// `server/discover` (stateless revision); returns the whole response.
    pub async fn discover(&self) -> Result<Value, HttpClientError> {
        self.request("server/discover", json!({})).await
    }

    /// Sends a request with the next id; returns its JSON-RPC response (result or error).
    /// An HTTP error status is an `Err` carrying the body ([`HttpClientError::Status`]).
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, HttpClientError> {
        let id = json!(self.next_id.fetch_add(1, Ordering::Relaxed));
        self.request_with_id(id, method, params).await
    }

    /// [`request`](Self::request) with a caller-chosen id.
    pub async fn request_with_id(
        &self,
        id: Value,
        method: &str,
        params: Value,
    ) -> Result<Value, HttpClientError> {
        let what = format!("the response to {method} (id {id})");
        let message = self.envelope(rpc::request(&id, method, params));
        let exchange = async {
            let response = self.post(&message, &what).await?;
            self.answer_of(response, &id, &what).await
        };
        self.bounded(&what, exchange).await
    }

    /// Sends a notification; returns the HTTP status (202 expected).
    pub async fn notify(&self, method: &str, params: Value) -> Result<StatusCode, HttpClientError> {
        let what = format!("the {method} notification");
        let message = self.envelope(rpc::notification(method, params));
        self.bounded(&what, async {
            let response = self.post(&message, &what).await?;
            let status = response.status();
            if !status.is_success() {
                return Err(status_error(response, &what).await);
            }
            Ok(status)
        })
        .await
    }

    /// `tools/call`; returns the whole JSON-RPC response.
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<Value, HttpClientError> {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
    }

    /// `tools/call` with `_meta.progressToken`, so the server reports progress (which comes
    /// before the result on an event stream, into [`notifications`](Self::notifications)).
    pub async fn call_tool_with_progress(
        &self,
        name: &str,
        arguments: Value,
        token: Value,
    ) -> Result<Value, HttpClientError> {
        let params =
            json!({"name": name, "arguments": arguments, "_meta": {"progressToken": token}});
        self.request("tools/call", params).await
    }

    /// Every tool, following `nextCursor`.
    pub async fn list_tools(&self) -> Result<Vec<Value>, HttpClientError> {
        let mut tools = Vec::new();
        let mut cursor: Option<Value> = None;
        for _ in 0..MAX_PAGES {
            let params = match cursor.take() {
                Some(cursor) => json!({"cursor": cursor}),
                None => json!({}),
            };
            let response = self.request("tools/list", params).await?;
            let protocol = |detail: String| HttpClientError::Protocol {
                what: "tools/list".to_owned(),
                detail,
            };
            let page = response
                .pointer("/result/tools")
                .and_then(Value::as_array)
                .ok_or_else(|| protocol(format!("no result.tools in {response}")))?;
            tools.extend(page.iter().cloned());
            match response.pointer("/result/nextCursor") {
                None | Some(Value::Null) => return Ok(tools),
                Some(next @ Value::String(_)) => cursor = Some(next.clone()),
                Some(other) => {
                    return Err(protocol(format!("nextCursor is not a string: {other}")));
                }
            }
        }
        Err(HttpClientError::Protocol {
            what: "tools/list".to_owned(),
            detail: format!("more than {MAX_PAGES} pages; does the cursor loop?"),
        })
    }

    /// POSTs `body` exactly as given with the client's extra headers and then `headers`
    /// (`Content-Type` and `Accept` default to JSON and both answer types; nothing else is
    /// added, not even the session id: pass [`session_id`](Self::session_id) if wanted).
    /// Returns status, headers and the whole body.
    pub async fn raw_post(
        &self,
        body: impl Into<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Result<(StatusCode, HeaderMap, String), HttpClientError> {
        let what = "the answer to a raw POST".to_owned();
        let mut request = self.http.post(self.url.clone()).headers(self.extra.clone());
        let named = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        if !named("content-type") {
            request = request.header(CONTENT_TYPE, "application/json");
        }
        if !named("accept") {
            request = request.header(ACCEPT, ACCEPT_BOTH);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body.into());
        self.bounded(&what, async {
            let response = request
                .send()
                .await
                .map_err(|error| http_error(&what, &error))?;
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response
                .text()
                .await
                .map_err(|error| http_error(&what, &error))?;
            Ok((status, headers, body))
        })
        .await
    }

    /// `DELETE` the session; returns the HTTP status.
    pub async fn delete(&self) -> Result<StatusCode, HttpClientError> {
        let what = "the answer to DELETE".to_owned();
        let request = self.with_session(self.http.delete(self.url.clone()));
        self.bounded(&what, async {
            let response = request
                .send()
                .await
                .map_err(|error| http_error(&what, &error))?;
            Ok(response.status())
        })
        .await
    }

    /// Opens the session's standalone event stream (`GET`).
    pub async fn listen(&self) -> Result<EventStream, HttpClientError> {
        let what = "the GET event stream".to_owned();
        let request = self
            .with_session(self.http.get(self.url.clone()))
            .header(ACCEPT, "text/event-stream");
        self.bounded(&what, async {
            let response = request
                .send()
                .await
                .map_err(|error| http_error(&what, &error))?;
            if !response.status().is_success() {
                return Err(status_error(response, &what).await);
            }
            Ok(EventStream {
                reader: SseReader::new(response),
                timeout: self.timeout,
            })
        })
        .await
    }

    /// Every notification seen so far, oldest first.
    pub fn notifications(&self) -> Vec<Value> {
        self.notifications
            .lock()
            .expect("notifications lock")
            .clone()
    }

    /// Returns the notifications seen so far and forgets them.
    pub fn take_notifications(&self) -> Vec<Value> {
        std::mem::take(&mut *self.notifications.lock().expect("notifications lock"))
    }

    /// Every server→client request seen so far (answered or not), oldest first.
    pub fn server_requests(&self) -> Vec<Value> {
        self.server_requests.lock().expect("requests lock").clone()
    }
}

/// A session's standalone event stream ([`HttpClient::listen`]).
pub struct EventStream {
    reader: SseReader,
    timeout: Duration,
}

impl EventStream {
    /// The next JSON-RPC message on the stream; `None` when it ended. Bounded by the
    /// client's timeout.
    pub async fn next_message(&mut self) -> Result<Option<Value>, HttpClientError> {
        let what = "a message on the GET event stream";
        let next = async {
            while let Some(event) = self.reader.next().await? {
                if event.event == "message" && !event.data.trim().is_empty() {
                    return parse(&event.data).map(Some);
                }
            }
            Ok(None)
        };
        tokio::time::timeout(self.timeout, next)
            .await
            .unwrap_or_else(|_| {
                Err(HttpClientError::Timeout {
                    what: what.to_owned(),
                    after: self.timeout,
                })
            })
    }
}

/// `Mcp-Name` values that would not survive as a header travel as `=?base64?…?=`.
pub fn encode_header_value(value: &str) -> String {
    let plain = value.bytes().all(|b| (0x20..=0x7e).contains(&b))
        && value.trim() == value
        && !(value.starts_with("=?base64?") && value.ends_with("?="));
    if plain {
        return value.to_owned();
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(value);
    format!("=?base64?{encoded}?=")
}
