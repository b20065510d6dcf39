//! The GET stream: where a stateful streamable-HTTP server sends what it starts on its own
//! (notifications, requests such as elicitation or sampling outside any tool call).
//!
//! It is opened once the session is initialized — for an agent on streamable HTTP, once that
//! agent opened its own GET stream: until then nobody would read what it carries, and an
//! idle session would hold a second connection for nothing. Once open it is kept: on a
//! disconnect it comes back after the server's `retry:` delay (or a backoff), with
//! `Last-Event-ID` so the server can replay what we missed. A 405 means the server has no such stream, which is fine.
//! Messages from it relate to no client request (`related: None`).

use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use tokio::sync::watch;
use toolgate_mcp::Frame;

use super::connection::{Body, SESSION_EXPIRED, Shared, backoff, body_kind, describe, is_outage};
use crate::sse::SseParser;

/// The reconnection delay when the server named none.
const RECONNECT_BASE: Duration = Duration::from_millis(500);
const MIN_DELAY: Duration = Duration::from_millis(100);

/// Listens until the connection ends or the server says it has no GET stream; with
/// `agent_listens`, only once it turns true (and never if the agent never listens).
pub(super) async fn run(shared: Arc<Shared>, agent_listens: Option<watch::Receiver<bool>>) {
    let wait_then_listen = async {
        if let Some(mut agent_listens) = agent_listens
            && agent_listens.wait_for(|open| *open).await.is_err()
        {
            return;
        }
        listen(&shared).await;
    };
    tokio::select! {
        () = wait_then_listen => {}
        () = shared.cancel.cancelled() => {}
    }
}

async fn listen(shared: &Shared) {
    let mut parser = SseParser::new(shared.max_message_bytes);
    let mut events = Vec::new();
    let mut failures: u32 = 0;
    loop {
        match shared.get_stream(parser.last_event_id()).send().await {
            Err(err) => {
                let message = shared.unreachable(&err);
                tracing::warn!(error = %message, "GET stream could not connect; retrying");
                if shared.record_unreachable(&message) {
                    return;
                }
                failures += 1;
            }
            Ok(mut response) => {
                let status = response.status();
                if let Err(message) = shared.check_origin(&response) {
                    tracing::warn!(error = %message, "GET stream refused");
                    return;
                }
                if status == StatusCode::METHOD_NOT_ALLOWED {
                    tracing::debug!(upstream = %shared.shown_url, "upstream offers no GET stream (405)");
                    return;
                }
                if status == StatusCode::NOT_FOUND && shared.session_id().is_some() {
                    tracing::error!(upstream = %shared.shown_url, "upstream session expired (404)");
                    shared.fatal(SESSION_EXPIRED.to_owned());
                    return;
                }
                if status.is_success() && body_kind(&response) == Body::EventStream {
                    shared.record_reachable();
                    parser.restart();
                    let mut delivered = false;
                    let ended = loop {
                        match response.chunk().await {
                            Ok(Some(chunk)) => {
                                parser.feed(&chunk, &mut events);
                                for event in events.drain(..) {
                                    if !event.is_message() || is_blank(&event.data) {
                                        continue;
                                    }
                                    delivered = true;
                                    shared.emit(event.data, None).await;
                                }
                            }
                            Ok(None) => break String::from("ended"),
                            Err(err) => break describe(&err),
                        }
                    };
                    tracing::debug!(upstream = %shared.shown_url, how = %ended, "GET stream closed; reconnecting");
                    failures = if delivered { 0 } else { failures + 1 };
                } else if is_outage(status)
                    || status.is_server_error()
                    || status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::REQUEST_TIMEOUT
                {
                    tracing::warn!(
                        status = status.as_u16(),
                        "GET stream refused for now; retrying"
                    );
                    if is_outage(status) && shared.record_unreachable(&format!("answered {status}"))
                    {
                        return;
                    }
                    failures += 1;
                } else {
                    tracing::warn!(
                        upstream = %shared.shown_url,
                        status = status.as_u16(),
                        "upstream refused the GET stream; messages it starts on its own will not arrive"
                    );
                    return;
                }
            }
        }
        // A floor, so a server asking for `retry: 0` and closing at once is not hammered.
        let delay = backoff(parser.retry().unwrap_or(RECONNECT_BASE), failures).max(MIN_DELAY);
        tokio::time::sleep(delay).await;
    }
}

fn is_blank(frame: &Frame) -> bool {
    matches!(frame, Frame::Message(bytes) if bytes.iter().all(u8::is_ascii_whitespace))
}
