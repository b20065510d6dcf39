//! Server-Sent Events on our side of the wire: one JSON-RPC message per `message` event.
//!
//! Built by hand rather than with axum's `Sse` so that a message is never split or refused
//! for what it contains: it goes through [`line_safe`] first (a valid JSON message then has
//! no line break left), so it is always exactly one `data:` line.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use futures::Stream;
use futures::stream::StreamExt;

use toolgate_mcp::line_safe::line_safe;

/// How often an idle stream gets a comment, so proxies and clients don't time it out.
pub const KEEPALIVE: Duration = Duration::from_secs(15);

/// `event: message` with `data: <json>`.
pub fn message_event(json: Bytes) -> Bytes {
    let json = line_safe(json);
    let mut out = BytesMut::with_capacity(json.len() + 24);
    out.put_slice(b"event: message\ndata: ");
    out.put_slice(&json);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// `id: <id>` + `event: message` + `data: <json>`: an event a client can resume after.
pub fn message_event_with_id(id: &str, json: Bytes) -> Bytes {
    let json = line_safe(json);
    let mut out = BytesMut::with_capacity(json.len() + id.len() + 30);
    out.put_slice(b"id: ");
    out.put_slice(id.as_bytes());
    out.put_slice(b"\nevent: message\ndata: ");
    out.put_slice(&json);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// An event of another type (legacy SSE's `endpoint`), `data` on one line.
pub fn named_event(event: &str, data: &str) -> Bytes {
    Bytes::from(format!(
        "event: {event}\ndata: {}\n\n",
        data.replace(['\r', '\n'], "")
    ))
}

/// A `text/event-stream` response of `events`, with keep-alive comments while it is idle.
pub fn response<S>(events: S, extra: Option<(&'static str, HeaderValue)>) -> Response
where
    S: Stream<Item = Bytes> + Send + 'static,
{
    let keepalive = futures::stream::unfold((), |()| async {
        tokio::time::sleep(KEEPALIVE).await;
        Some((Bytes::from_static(b": keep-alive\n\n"), ()))
    });
    // The keep-alive stream never ends, so the merged stream ends when `events` does.
    let merged = futures::stream::select_with_strategy(
        events
            .map(Some)
            .chain(futures::stream::once(async { None })),
        keepalive.map(Some),
        |_: &mut ()| futures::stream::PollNext::Left,
    )
    .take_while(|item| futures::future::ready(item.is_some()))
    .filter_map(|item| async move { item.map(Ok::<_, Infallible>) });
    let mut response = Response::new(Body::from_stream(merged));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Tell buffering proxies (nginx) to pass events through as they come.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    if let Some((name, value)) = extra {
        headers.insert(name, value);
    }
    response
}
