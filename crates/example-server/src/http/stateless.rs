//! The stateless 2026-07-28 revision at `/mcp`: no `initialize`, no session. Every request
//! is self-contained: `params._meta["io.modelcontextprotocol/protocolVersion"]` names the
//! revision, and the `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers repeat
//! what the body says so infrastructure can route without reading bodies. A request whose
//! headers disagree with its body is refused with 400 and `-32020`, before anything runs:
//! that disagreement is exactly how a gateway reading headers could be fooled, so the
//! example server must refuse it for toolgate's tests to mean anything.
//!
//! Checks run in the order the official Python SDK runs them (`mcp/shared/inbound.py`):
//! the `_meta` envelope (-32602), then the headers (-32020), then the version (-32022).
//! Results carry what that SDK's 2026 types require: `resultType`, the server's identity
//! under `_meta`, and `ttlMs`/`cacheScope` on cacheable results. Error answers use its HTTP
//! status table (400 for malformed or mismatched, 404 for an unknown method).
//!
//! Each request gets a fresh [`Server`](crate::Server) with no back-channel: tools
//! that would ask the client something (elicitation, sampling, roots) report that they
//! cannot. Dropping the request (the client closing the stream) cancels its call.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use serde_json::{Map, Value, json};
use tokio::task::AbortHandle;

use super::sse::{self, EventWriter, Step};
use super::{App, accepts, check_origin, header_str, json_response, refuse};
use crate::outbound::{Out, Route};
use crate::rpc::{INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR};
use crate::{Server, catalog};

/// The one revision served here.
pub const STATELESS_VERSION: &str = "2026-07-28";
/// A routing header disagrees with the body (MCP 2026-07-28).
pub const HEADER_MISMATCH: i64 = -32020;
/// The revision asked for is not served; `data.supported` lists what is.
pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
const VERSION_META: &str = "io.modelcontextprotocol/protocolVersion";
const SERVER_INFO_META: &str = "io.modelcontextprotocol/serverInfo";
const ROUTING_HEADERS: [&str; 3] = ["mcp-protocol-version", "mcp-method", "mcp-name"];

pub(super) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/mcp", post(on_post).get(not_allowed).delete(not_allowed))
        .with_state(app)
}

/// No streams to open and no session to end.
async fn not_allowed() -> Response {
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")]).into_response()
}

/// A refusal with `data`, as the `-32022` answer needs.
struct Refusal {
    code: i64,
    message: String,
    data: Option<Value>,
}

impl Refusal {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    fn unsupported(requested: &Value) -> Self {
        Self {
            code: UNSUPPORTED_PROTOCOL_VERSION,
            message: format!(
                "Unsupported protocol version: this server is stateless and speaks only \
                 {STATELESS_VERSION} (no initialize; use server/discover)"
            ),
            data: Some(json!({"supported": [STATELESS_VERSION], "requested": requested})),
        }
    }

    fn response(self, id: &Value) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(data) = self.data {
            error["data"] = data;
        }
        let body = json!({"jsonrpc": "2.0", "id": id, "error": error});
        json_response(status_for(self.code), body.to_string())
    }
}

/// The HTTP status of an error answer given as JSON (the Python SDK's table).
fn status_for(code: i64) -> StatusCode {
    match code {
        PARSE_ERROR
        | INVALID_REQUEST
        | INVALID_PARAMS
        | HEADER_MISMATCH
        | -32021
        | UNSUPPORTED_PROTOCOL_VERSION => StatusCode::BAD_REQUEST,
        METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    }
}

async fn on_post(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refused) = check_origin(&headers) {
        return refused.into_response();
    }
    let (json_ok, sse_ok) = accepts(&headers);
    if !json_ok && !sse_ok {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            &Value::Null,
            INVALID_REQUEST,
            "Not Acceptable: accept application/json and text/event-stream",
        );
    }
    app.log(&body).await;
    let message: Value = match serde_json::from_slice(&body) {
        Ok(message) => message,
        Err(error) => {
            return Refusal::new(PARSE_ERROR, format!("Parse error: {error}"))
                .response(&Value::Null);
        }
    };
    let (id, method) = match (message.get("id"), message.get("method")) {
        // Notifications are acknowledged and dropped: this revision defines none that a
        // server keeping no state could act on (a client cancels by closing the stream).
        (None, Some(Value::String(_))) if message.is_object() => {
            return StatusCode::ACCEPTED.into_response();
        }
        (Some(id), Some(Value::String(method))) if !id.is_null() => (id.clone(), method.clone()),
        _ => {
            return Refusal::new(
                INVALID_REQUEST,
                "Invalid Request: the body must be one JSON-RPC request or notification \
                 (no batches, no responses: a stateless server sends no requests)",
            )
            .response(&Value::Null);
        }
    };
    if let Err(refusal) = check(&headers, &method, message.get("params")) {
        tracing::debug!(%method, reason = %refusal.message, "refused a stateless request");
        return refusal.response(&id);
    }
    if method == "server/discover" {
        return json_response(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": id, "result": discover_result()}).to_string(),
        );
    }
    run(&app, message, &method, json_ok, sse_ok).await
}

/// The envelope, header and version checks, in the Python SDK's order.
fn check(headers: &HeaderMap, method: &str, params: Option<&Value>) -> Result<(), Refusal> {
    if method == "initialize" {
        let requested = params
            .and_then(|p| p.get("protocolVersion"))
            .cloned()
            .unwrap_or(Value::Null);
        return Err(Refusal::unsupported(&requested));
    }
    let Some(version) = params
        .and_then(|p| p.get("_meta"))
        .and_then(|m| m.get(VERSION_META))
    else {
        return Err(Refusal::new(
            INVALID_PARAMS,
            format!(
                "params._meta must carry {VERSION_META:?}: 2026-07-28 requests are self-contained"
            ),
        ));
    };
    for name in ROUTING_HEADERS {
        if headers.get_all(name).iter().count() > 1 {
            return Err(Refusal::new(
                HEADER_MISMATCH,
                format!("the {name} header appears more than once"),
            ));
        }
    }
    if header_str(headers, "mcp-protocol-version") != version.as_str() {
        return Err(Refusal::new(
            HEADER_MISMATCH,
            "MCP-Protocol-Version header does not match params._meta's protocol version",
        ));
    }
    if header_str(headers, "mcp-method") != Some(method) {
        return Err(Refusal::new(
            HEADER_MISMATCH,
            "Mcp-Method header does not match the request body's method",
        ));
    }
    let name_key = match method {
        "tools/call" | "prompts/get" => Some("name"),
        "resources/read" => Some("uri"),
        _ => None,
    };
    if let Some(key) = name_key
        && let Some(named) = params.and_then(|p| p.get(key)).filter(|v| !v.is_null())
    {
        let header = header_str(headers, "mcp-name").and_then(decode_header_value);
        if header.as_deref() != named.as_str() {
            return Err(Refusal::new(
                HEADER_MISMATCH,
                format!("Mcp-Name header does not match the request body's {key:?}"),
            ));
        }
    }
    if version != STATELESS_VERSION {
        return Err(Refusal::unsupported(version));
    }
    Ok(())
}

/// Header values that would not survive as a header travel as `=?base64?…?=`; only the
/// canonical encoding is accepted, so one name has exactly one spelling.
pub fn decode_header_value(value: &str) -> Option<String> {
    let Some(payload) = value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    else {
        return Some(value.to_owned());
    };
    let engine = base64::engine::general_purpose::STANDARD;
    let bytes = engine.decode(payload).ok()?;
    if engine.encode(&bytes) != payload {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// The `server/discover` result.
fn discover_result() -> Value {
    let init = catalog::initialize_result(&Value::Null);
    json!({
        "supportedVersions": [STATELESS_VERSION],
        // Nothing can carry a list change to a client that keeps no stream open.
        "capabilities": {"tools": {}},
        "instructions": init["instructions"],
        "resultType": "complete",
        "ttlMs": 0,
        "cacheScope": "private",
        "_meta": {SERVER_INFO_META: init["serverInfo"]},
    })
}

/// Adds what a 2026-07-28 result must carry to an answer; returns the HTTP status a JSON
/// answer gets.
fn finish(answer: &mut Value, method: &str) -> StatusCode {
    if let Some(code) = answer.pointer("/error/code").and_then(Value::as_i64) {
        return status_for(code);
    }
    let Some(result) = answer.get_mut("result").and_then(Value::as_object_mut) else {
        return StatusCode::OK;
    };
    result
        .entry("resultType")
        .or_insert_with(|| json!("complete"));
    if method == "tools/list" {
        result.entry("ttlMs").or_insert_with(|| json!(0));
        result
            .entry("cacheScope")
            .or_insert_with(|| json!("private"));
    }
    let meta = result
        .entry("_meta")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(meta) = meta.as_object_mut() {
        meta.entry(SERVER_INFO_META)
            .or_insert_with(|| catalog::initialize_result(&Value::Null)["serverInfo"].clone());
    }
    StatusCode::OK
}

/// Ends the request's server when the response is done or dropped: a stateless client
/// cancels by closing the stream, and nothing outlives its request.
struct RequestGuard {
    server: Arc<Server>,
    watcher: AbortHandle,
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.server.abort_inflight();
        self.watcher.abort();
    }
}

/// Runs one request on a fresh server; JSON when the answer is all there is, else an event
/// stream with progress first.
async fn run(
    app: &Arc<App>,
    message: Value,
    method: &str,
    json_ok: bool,
    sse_ok: bool,
) -> Response {
    let (server, mut rx) = app.new_server();
    server.close_input(
        "a stateless (2026-07-28) request has no back-channel for server→client requests",
    );
    let guard = RequestGuard {
        watcher: app.watch(&server),
        server,
    };
    guard.server.handle_message(message);
    let method = method.to_owned();
    let mut writer = EventWriter::with_ids("s1".to_owned());
    let mut first = Vec::new();
    // Until something other than the answer shows up, JSON may still do.
    loop {
        // The server holds the sender for as long as the guard lives: this ends with an
        // answer, or never (a crash or a call past `exit_after`, as over stdio).
        let Some(out) = rx.recv().await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let Out::Message(message) = out else { continue };
        let answer = matches!(message.route, Route::Answer(_));
        if answer {
            let mut value: Value = serde_json::from_slice(&message.bytes).unwrap_or_default();
            let status = finish(&mut value, &method);
            if json_ok {
                return json_response(status, value.to_string());
            }
            first.push(writer.message(value.to_string().as_bytes()));
            return sse::response(axum::body::Body::from_stream(futures::stream::iter(
                first.into_iter().map(Ok::<_, std::convert::Infallible>),
            )));
        }
        if sse_ok {
            first.push(writer.message(&message.bytes));
            break;
        }
    }
    let map = move |out: Out| match out {
        Out::Message(message) if matches!(message.route, Route::Answer(_)) => {
            let mut value: Value = serde_json::from_slice(&message.bytes).unwrap_or_default();
            finish(&mut value, &method);
            Step::End(Some(writer.message(value.to_string().as_bytes())))
        }
        Out::Message(message) => Step::Send(writer.message(&message.bytes)),
        Out::Shutdown => Step::Skip,
    };
    sse::response(sse::until_stopped(first, rx, None, map, guard))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn call_params(name: &str) -> Value {
        json!({"name": name, "arguments": {}, "_meta": {VERSION_META: STATELESS_VERSION}})
    }

    #[test]
    fn headers_must_mirror_the_body() {
        let good = [
            ("mcp-protocol-version", STATELESS_VERSION),
            ("mcp-method", "tools/call"),
            ("mcp-name", "echo"),
        ];
        assert!(check(&headers(&good), "tools/call", Some(&call_params("echo"))).is_ok());
        let code = |pairs: &[(&'static str, &'static str)], params: &Value| {
            check(&headers(pairs), "tools/call", Some(params))
                .err()
                .map(|r| r.code)
        };
        assert_eq!(
            code(&good, &call_params("delete_user")),
            Some(HEADER_MISMATCH)
        );
        assert_eq!(
            code(&good[..2], &call_params("echo")),
            Some(HEADER_MISMATCH)
        );
        let twice = [good[0], good[1], good[2], ("mcp-name", "echo")];
        assert_eq!(code(&twice, &call_params("echo")), Some(HEADER_MISMATCH));
        assert_eq!(code(&good, &json!({"name": "echo"})), Some(INVALID_PARAMS));
        let old = json!({"name": "echo", "_meta": {VERSION_META: "2025-11-25"}});
        let old_headers = [
            ("mcp-protocol-version", "2025-11-25"),
            ("mcp-method", "tools/call"),
            ("mcp-name", "echo"),
        ];
        assert_eq!(code(&old_headers, &old), Some(UNSUPPORTED_PROTOCOL_VERSION));
    }

    #[test]
    fn base64_names_decode_only_when_canonical() {
        assert_eq!(decode_header_value("echo").as_deref(), Some("echo"));
        assert_eq!(
            decode_header_value("=?base64?ZWNobw==?=").as_deref(),
            Some("echo")
        );
        assert_eq!(decode_header_value("=?base64?ZWNob3==?="), None);
        assert_eq!(decode_header_value("=?base64?!!?="), None);
    }

    #[test]
    fn results_are_stamped_for_2026() {
        let mut answer = json!({"jsonrpc": "2.0", "id": 1, "result": {"tools": []}});
        assert_eq!(finish(&mut answer, "tools/list"), StatusCode::OK);
        let result = &answer["result"];
        assert_eq!(result["resultType"], "complete");
        assert_eq!(result["ttlMs"], 0);
        assert_eq!(
            result["_meta"][SERVER_INFO_META]["name"],
            crate::SERVER_NAME
        );
        let mut error = json!({"jsonrpc": "2.0", "id": 1, "error": {"code": METHOD_NOT_FOUND}});
        assert_eq!(finish(&mut error, "nope"), StatusCode::NOT_FOUND);
        let discover = discover_result();
        assert_eq!(discover["supportedVersions"], json!([STATELESS_VERSION]));
        assert!(discover["capabilities"]["tools"].is_object());
    }
}
