//! Small MCP-over-HTTP servers for the transport tests: an axum app on 127.0.0.1:0 that
//! records every request and answers with whatever the test's handler returns (JSON, an
//! event stream fed from a channel, a bare status), plus helpers to drive a connection.

use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};
use reqwest::Url;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use toolgate_mcp::Frame;

use super::{HttpUpstreamOptions, client_builder, connect};
use crate::{FromServer, Unsolicited, UpstreamConn, UpstreamEnd};

/// One request the server saw.
#[derive(Debug, Clone)]
pub(super) struct Recorded {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The JSON-RPC message of a POST.
    pub fn rpc(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn rpc_method(&self) -> Option<String> {
        self.rpc()["method"].as_str().map(str::to_owned)
    }
}

pub(super) struct TestServer {
    pub url: Url,
    log: Arc<Mutex<Vec<Recorded>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    /// The POSTs whose JSON-RPC method is `method`.
    pub fn posts_of(&self, method: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == Method::POST && r.rpc_method().as_deref() == Some(method))
            .collect()
    }

    pub fn of_method(&self, method: Method) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method)
            .collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server answering every request with `handler`.
pub(super) async fn serve<F, Fut>(handler: F) -> TestServer
where
    F: Fn(Recorded) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let handler = Arc::new(handler);
    let app = Router::new().fallback({
        let log = Arc::clone(&log);
        move |request: Request| {
            let log = Arc::clone(&log);
            let handler = Arc::clone(&handler);
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .unwrap_or_default();
                let recorded = Recorded {
                    method: parts.method,
                    uri: parts.uri,
                    headers: parts.headers,
                    body,
                };
                log.lock().unwrap().push(recorded.clone());
                handler(recorded).await
            }
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    TestServer {
        url: Url::parse(&format!("http://{addr}/mcp")).unwrap(),
        log,
        task,
    }
}

pub(super) fn status(code: u16) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap())
        .body(Body::empty())
        .unwrap()
}

pub(super) fn text(code: u16, body: &str) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap())
        .header("content-type", "text/plain")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub(super) fn json(body: impl Into<String>) -> Response {
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(body.into()))
        .unwrap()
}

/// A complete event stream with `text` as its body.
pub(super) fn sse(text: impl Into<String>) -> Response {
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from(text.into()))
        .unwrap()
}

/// An event stream that stays open; what the sender sends is written as is, and the
/// stream ends when the sender is dropped.
pub(super) fn sse_channel() -> (mpsc::UnboundedSender<String>, Response) {
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|text| (Ok::<_, Infallible>(Bytes::from(text)), rx))
    });
    let response = Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(stream))
        .unwrap();
    (tx, response)
}

pub(super) fn with_header(mut response: Response, name: &'static str, value: &str) -> Response {
    response.headers_mut().insert(name, value.parse().unwrap());
    response
}

/// `data: <json>` as one event.
pub(super) fn event(message: &Value) -> String {
    format!("data: {message}\n\n")
}

pub(super) fn result(id: &Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

pub(super) fn init_result(id: &Value) -> Value {
    result(
        id,
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "serverInfo": {"name": "s", "version": "1"}}),
    )
}

pub(super) const INIT: &str = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
pub(super) const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

pub(super) fn call(id: i64, tool: &str) -> Bytes {
    Bytes::from(
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": {}}})
            .to_string(),
    )
}

/// Connects to `server` with default options changed by `tweak`.
pub(super) async fn start(url: &Url, tweak: impl FnOnce(&mut HttpUpstreamOptions)) -> UpstreamConn {
    start_with(url, tweak, Unsolicited::AtOnce).await
}

/// [`start`], saying when the GET stream may open.
pub(super) async fn start_with(
    url: &Url,
    tweak: impl FnOnce(&mut HttpUpstreamOptions),
    unsolicited: Unsolicited,
) -> UpstreamConn {
    let mut opts = HttpUpstreamOptions::new(url.clone());
    opts.connect_timeout = Duration::from_secs(2);
    opts.headers
        .insert("authorization", "Bearer operator-secret".parse().unwrap());
    tweak(&mut opts);
    let client = client_builder(opts.connect_timeout).build().unwrap();
    connect(opts, client, unsolicited).await.unwrap()
}

pub(super) async fn send(conn: &UpstreamConn, message: impl Into<Bytes>) {
    conn.to_server.send_raw(message.into()).await.unwrap();
}

/// The next message from the server (failing the test after 5 s).
pub(super) async fn next(conn: &mut UpstreamConn) -> FromServer {
    tokio::time::timeout(Duration::from_secs(5), conn.from_server.recv())
        .await
        .expect("no message from the server within 5 s")
        .expect("from_server closed")
}

/// Nothing more arrives for a little while.
pub(super) async fn quiet(conn: &mut UpstreamConn) {
    let got = tokio::time::timeout(Duration::from_millis(300), conn.from_server.recv()).await;
    assert!(got.is_err(), "unexpected message: {got:?}");
}

pub(super) fn value(message: &FromServer) -> Value {
    match &message.frame {
        Frame::Message(bytes) => serde_json::from_slice(bytes).unwrap(),
        Frame::TooLong { .. } => panic!("unexpected TooLong frame"),
    }
}

/// Drops the sender and waits for the end, checking `from_server` closes first.
pub(super) async fn close(conn: UpstreamConn) -> UpstreamEnd {
    let UpstreamConn {
        to_server,
        mut from_server,
        ended,
        ..
    } = conn;
    drop(to_server);
    end_of(&mut from_server, ended).await
}

pub(super) async fn end_of(
    from_server: &mut mpsc::Receiver<FromServer>,
    ended: tokio::sync::oneshot::Receiver<UpstreamEnd>,
) -> UpstreamEnd {
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while from_server.recv().await.is_some() {}
    })
    .await;
    assert!(drained.is_ok(), "from_server did not close");
    tokio::time::timeout(Duration::from_secs(5), ended)
        .await
        .expect("ended did not resolve")
        .expect("ended dropped")
}
