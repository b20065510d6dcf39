//! The legacy HTTP+SSE transport (MCP 2024-11-05) for clients that predate streamable HTTP:
//! `GET /sse` opens a session and its one stream (the first event names the POST endpoint),
//! `POST /message?sessionId=…` sends a message, and every answer comes back on the stream.
//! The session ends when the stream closes.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::guard::{check_json_content, read_body, refuse};
use super::session::{HttpSession, frame_of};
use super::{HttpFront, Peer, sse};

pub async fn open(State(front): State<Arc<HttpFront>>, peer: Peer, headers: HeaderMap) -> Response {
    let owner = match front.stream_caller(&headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let session = match front.new_session(owner, peer.0.ip(), true).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let endpoint = sse::named_event("endpoint", &format!("/message?sessionId={}", session.id));
    let rx = session.open_stream();
    let open = OpenStream {
        front: front.clone(),
        session,
    };
    let messages = futures::stream::unfold((rx, open), |(mut rx, open)| async move {
        rx.recv().await.map(|m| (sse::message_event(m), (rx, open)))
    });
    sse::response(
        futures::StreamExt::chain(futures::stream::once(async { endpoint }), messages),
        None,
    )
}

/// Ends the session when its stream goes away (the client disconnected).
struct OpenStream {
    front: Arc<HttpFront>,
    session: Arc<HttpSession>,
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        let front = self.front.clone();
        let session = self.session.clone();
        tokio::spawn(async move {
            front
                .end_session(&session, "the agent closed its SSE stream")
                .await;
        });
    }
}

pub async fn message(
    State(front): State<Arc<HttpFront>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = front.opts.origins.check(&headers) {
        return r;
    }
    if let Err(r) = check_json_content(&headers) {
        return r;
    }
    let owner = match front.caller(&headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(sid) = uri.query().and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("sessionId="))
            .map(str::to_owned)
    }) else {
        return refuse(StatusCode::BAD_REQUEST, "missing ?sessionId=");
    };
    let Ok(sid) = axum::http::HeaderValue::from_str(&sid) else {
        return refuse(StatusCode::BAD_REQUEST, "malformed sessionId");
    };
    let session = match front.session_for(&sid, &owner) {
        Ok(s) if s.legacy => s,
        Ok(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "this is a streamable HTTP session: POST to /mcp",
            );
        }
        Err(r) => return r,
    };
    let body = match read_body(body, front.opts.max_message_bytes, front.opts.body_timeout).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    session.touch();
    let routed = session
        .interceptor
        .from_client(frame_of(body, front.opts.max_message_bytes))
        .await;
    for reply in routed.to_client {
        session.deliver(reply, None).await;
    }
    if !session.interceptor.forward(routed.onward).await {
        return refuse(StatusCode::NOT_FOUND, "the session is closed");
    }
    (StatusCode::ACCEPTED, Body::empty()).into_response()
}
