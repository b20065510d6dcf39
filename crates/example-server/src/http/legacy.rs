//! The 2024-11-05 HTTP+SSE transport, for testing toolgate against servers that predate
//! streamable HTTP (and its fallback to them).
//!
//! `GET /sse` opens a session: a [`Server`](crate::Server) of its own, whose whole
//! output goes down this one event stream, after a first `endpoint` event naming where to
//! POST (`/message?sessionId=…`). Each POST there is handed to the server exactly as a line
//! on stdio is (batches and all) and acknowledged with 202; its answers come on the stream.
//! The session lives as long as the stream. `GET /mcp` opens a session too, and `POST /mcp`
//! gets 405, so a client pointed at `/mcp` that falls back to this transport on a refused
//! POST (as toolgate's does) finds it.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use tokio::task::AbortHandle;

use super::sse::{self, EventWriter, Step};
use super::{App, SessionMap, check_origin, random_id, refuse};
use crate::Server;
use crate::outbound::Out;
use crate::rpc::{INVALID_REQUEST, PARSE_ERROR};

struct Legacy {
    app: Arc<App>,
    sessions: SessionMap<Server>,
}

pub(super) fn router(app: Arc<App>) -> Router {
    let state = Arc::new(Legacy {
        app,
        sessions: SessionMap::default(),
    });
    Router::new()
        .route("/sse", get(on_get))
        .route("/mcp", get(on_get).post(not_allowed))
        .route("/message", post(on_post))
        .with_state(state)
}

/// Tells a streamable-HTTP client to fall back (toolgate falls back on 400, 404 or 405).
async fn not_allowed() -> Response {
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET")]).into_response()
}

/// Ends the session when its stream goes: the client left, or the process is stopping.
struct SessionGuard {
    state: Arc<Legacy>,
    id: String,
    watcher: AbortHandle,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        if let Some(server) = self.state.sessions.remove(&self.id) {
            server.close_input("the event stream closed");
            server.abort_inflight();
        }
        self.watcher.abort();
        tracing::debug!(session = %self.id, "legacy session ended");
    }
}

async fn on_get(State(state): State<Arc<Legacy>>, headers: HeaderMap) -> Response {
    if let Err(refused) = check_origin(&headers) {
        return refused.into_response();
    }
    let (server, rx) = state.app.new_server();
    let id = random_id();
    state.sessions.insert(id.clone(), Arc::clone(&server));
    let guard = SessionGuard {
        state: Arc::clone(&state),
        id: id.clone(),
        watcher: state.app.watch(&server),
    };
    // The guard holds no `Server`: the stream must not keep the session's server (and so
    // the sender feeding `rx`) alive by itself.
    drop(server);
    let mut writer = EventWriter::without_ids();
    let endpoint = writer.event("endpoint", format!("/message?sessionId={id}").as_bytes());
    let map = move |out: Out| match out {
        Out::Message(message) => Step::Send(writer.message(&message.bytes)),
        Out::Shutdown => Step::Skip,
    };
    let body = sse::until_stopped(
        vec![endpoint],
        rx,
        Some(state.app.stop.subscribe()),
        map,
        guard,
    );
    sse::response(body)
}

/// `sessionId` from the query string (no query extractor: axum is built without it).
fn session_id(uri: &Uri) -> Option<&str> {
    uri.query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("sessionId="))
}

async fn on_post(
    State(state): State<Arc<Legacy>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = check_origin(&headers) {
        return refused.into_response();
    }
    let Some(id) = session_id(&uri) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            &Value::Null,
            INVALID_REQUEST,
            "Bad Request: sessionId is missing; use the endpoint the event stream named",
        );
    };
    let Some(server) = state.sessions.get(id) else {
        return refuse(
            StatusCode::NOT_FOUND,
            &Value::Null,
            INVALID_REQUEST,
            "Session not found: its event stream is closed; open a new one with GET /sse",
        );
    };
    state.app.log(&body).await;
    if let Err(error) = serde_json::from_slice::<Value>(&body) {
        return refuse(
            StatusCode::BAD_REQUEST,
            &Value::Null,
            PARSE_ERROR,
            format!("Parse error: {error}"),
        );
    }
    server.handle_line(&body);
    (StatusCode::ACCEPTED, "Accepted").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_id_is_read_from_the_query() {
        let uri: Uri = "/message?x=1&sessionId=abc".parse().unwrap();
        assert_eq!(session_id(&uri), Some("abc"));
        let uri: Uri = "/message".parse().unwrap();
        assert_eq!(session_id(&uri), None);
    }
}
