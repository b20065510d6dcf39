//! The streamable HTTP transport at `/mcp` (MCP 2025-03-26 and later): `POST` a message and
//! get its answer as JSON or as an SSE stream, `GET` the session's standalone stream,
//! `DELETE` to end the session. Requests without a session go to [`super::stateless`] when
//! they speak the 2026-07-28 revision.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::sync::mpsc;
use toolgate_mcp::{Id, ProtocolVersion};
use toolgate_pipeline::intercept::refusal::Refused;

use super::guard::{accepts, check_json_content, json_response, read_body, refuse};
use super::resume::{ResponseStream, resume};
use super::session::{Envelope, HttpSession, envelope, frame_of, progress_token};
use super::{HttpFront, Peer, SESSION_HEADER, sse, stateless};

pub async fn post(
    State(front): State<Arc<HttpFront>>,
    peer: Peer,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = front.opts.origins.check(&headers) {
        return r;
    }
    if let Err(r) = check_json_content(&headers) {
        return r;
    }
    let (json_ok, sse_ok) = accepts(&headers);
    if !json_ok && !sse_ok {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            "Accept must include application/json or text/event-stream",
        );
    }
    if let Some(r) = bad_version_header(&headers) {
        return r;
    }
    let owner = match front.caller(&headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let body = match read_body(body, front.opts.max_message_bytes, front.opts.body_timeout).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let head = stateless::Head::read(&body);
    let (session, created) = match headers.get(SESSION_HEADER) {
        Some(sid) => match front.session_for(sid, &owner) {
            Ok(s) if s.legacy => return legacy_session_refused(),
            Ok(s) => (s, false),
            Err(r) => return r,
        },
        None => {
            if head.method.as_deref() == Some("initialize") {
                match front.new_session(owner, peer.0.ip(), false).await {
                    Ok(s) => (s, true),
                    Err(r) => return r,
                }
            } else if stateless::is_modern(&headers, &head) {
                return stateless::handle(&front, owner, &headers, head, body).await;
            } else {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "no Mcp-Session-Id: start a session with `initialize` (or send 2026-07-28 stateless requests)",
                );
            }
        }
    };
    session.touch();
    let routed = session
        .interceptor
        .from_client(frame_of(body, front.opts.max_message_bytes))
        .await;
    let ids = routed.awaited;
    let rx = (!ids.is_empty()).then(|| session.wait_for(&ids, progress_token(head.params())));
    if !session.interceptor.forward(routed.onward).await {
        session.stop_waiting(&ids);
        let why = session
            .ended()
            .unwrap_or_else(|| "the session is closed".into());
        return refuse(
            StatusCode::NOT_FOUND,
            &format!("{why}; start a new session with `initialize`"),
        );
    }
    let mut response = match rx {
        None => match routed.to_client.len() {
            0 => StatusCode::ACCEPTED.into_response(),
            1 => json_response(
                StatusCode::OK,
                routed.to_client.into_iter().next().unwrap_or_default(),
            ),
            _ => sse::response(
                futures::stream::iter(routed.to_client.into_iter().map(sse::message_event)),
                None,
            ),
        },
        Some(rx) => answer(session.clone(), ids, routed.to_client, rx, json_ok, sse_ok).await,
    };
    if created && let Ok(v) = HeaderValue::from_str(&session.id) {
        response.headers_mut().insert(SESSION_HEADER, v);
    }
    response
}

/// The response to a POST that forwarded requests: plain JSON when the answer is all
/// there is (the common case, and the cheapest), an SSE stream when the server has
/// something to say first (progress, elicitation) or the client only takes SSE.
async fn answer(
    session: Arc<HttpSession>,
    ids: Vec<Id>,
    early: Vec<Bytes>,
    mut rx: mpsc::Receiver<Bytes>,
    json_ok: bool,
    sse_ok: bool,
) -> Response {
    let mut pending: HashSet<Id> = ids.into_iter().collect();
    if json_ok && early.is_empty() {
        let guard = Waiting {
            session: session.clone(),
            pending: pending.iter().cloned().collect(),
        };
        let mut answers = Vec::new();
        loop {
            let Some(message) = rx.recv().await else {
                answers.extend(gone(&session, &pending));
                break;
            };
            match envelope(&message) {
                Envelope::Answer(done) => {
                    for id in &done {
                        pending.remove(id);
                    }
                    answers.push(message);
                    if pending.is_empty() {
                        break;
                    }
                }
                Envelope::Other { .. } if sse_ok => {
                    // Switch to a stream: the client is told as it happens.
                    let first: Vec<Bytes> = answers.into_iter().chain([message]).collect();
                    // The stream takes over waiting for the rest (and parks it if the agent
                    // goes away), so the guard must not forget the ids.
                    let mut guard = guard;
                    guard.pending.clear();
                    let stream = ResponseStream::new(session, rx, pending);
                    return sse::response(stream.events(first), None);
                }
                // A JSON-only client: the server's requests go to its GET stream.
                Envelope::Other { .. } => session.deliver_elsewhere(message),
            }
        }
        drop(guard);
        return match answers.len() {
            1 => json_response(
                StatusCode::OK,
                answers.into_iter().next().unwrap_or_default(),
            ),
            _ => json_response(StatusCode::OK, join_batch(&answers)),
        };
    }
    let stream = ResponseStream::new(session, rx, pending);
    sse::response(stream.events(early), None)
}

/// Forgets the POST's remaining request ids when its JSON answer (or its agent) goes away.
struct Waiting {
    session: Arc<HttpSession>,
    pending: Vec<Id>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.session.stop_waiting(&self.pending);
    }
}

/// Errors for requests whose answers can no longer come (the session closed under them).
fn gone(session: &HttpSession, pending: &HashSet<Id>) -> Vec<Bytes> {
    let why = session
        .ended()
        .unwrap_or_else(|| "the session was closed".into());
    pending
        .iter()
        .map(|id| Refused::CallFailed(why.clone()).to_response(Some(id)))
        .collect()
}

fn join_batch(items: &[Bytes]) -> Bytes {
    let mut out = Vec::with_capacity(items.iter().map(Bytes::len).sum::<usize>() + items.len() + 1);
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.push(b']');
    Bytes::from(out)
}

/// `GET /mcp`: the session's standalone stream of server requests and notifications.
pub async fn get(State(front): State<Arc<HttpFront>>, headers: HeaderMap) -> Response {
    let owner = match front.stream_caller(&headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(sid) = headers.get(SESSION_HEADER) else {
        return refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "GET needs an Mcp-Session-Id (stateless requests have no standalone stream)",
        );
    };
    let session = match front.session_for(sid, &owner) {
        Ok(s) if s.legacy => return legacy_session_refused(),
        Ok(s) => s,
        Err(r) => return r,
    };
    session.touch();
    if let Some(last) = headers.get("last-event-id").and_then(|v| v.to_str().ok())
        && let Some(resumed) = resume(session.clone(), last).await
    {
        return sse::response(resumed, None);
    }
    let rx = session.open_stream();
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|m| (sse::message_event(m), rx))
    });
    sse::response(stream, None)
}

/// `DELETE /mcp`: the agent ends its session; the upstream session ends with it.
pub async fn delete(State(front): State<Arc<HttpFront>>, headers: HeaderMap) -> Response {
    if let Err(r) = front.opts.origins.check(&headers) {
        return r;
    }
    let owner = match front.caller(&headers).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(sid) = headers.get(SESSION_HEADER) else {
        return refuse(StatusCode::BAD_REQUEST, "DELETE needs an Mcp-Session-Id");
    };
    let session = match front.session_for(sid, &owner) {
        Ok(s) => s,
        Err(r) => return r,
    };
    front
        .end_session(&session, "the agent ended the session")
        .await;
    (StatusCode::OK, Body::empty()).into_response()
}

/// A legacy HTTP+SSE session's id used at `/mcp`. Its answers only ever go to its one SSE
/// stream, so a POST here would wait forever (found by the `http_front` fuzz target), and a
/// GET would take that stream over.
fn legacy_session_refused() -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        "this is a legacy HTTP+SSE session: POST to /message?sessionId=…",
    )
}

/// An `MCP-Protocol-Version` header naming a revision we don't know is refused (400), as
/// the transport spec asks; a missing one is fine (older clients).
fn bad_version_header(headers: &HeaderMap) -> Option<Response> {
    let v = headers.get("mcp-protocol-version")?;
    match v.to_str().ok().and_then(ProtocolVersion::parse) {
        Some(_) => None,
        None => Some(refuse(
            StatusCode::BAD_REQUEST,
            &format!(
                "unsupported MCP-Protocol-Version {:?}",
                String::from_utf8_lossy(v.as_bytes())
            ),
        )),
    }
}
