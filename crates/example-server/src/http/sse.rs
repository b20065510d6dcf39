//! Server-sent events as the MCP HTTP transports use them: `event: message` with one
//! JSON-RPC message per `data:` line (serde_json writes no newlines, so one line is always
//! enough), an `id:` per event on streamable HTTP, and a response body that ends once the
//! process is told to stop, after what was already queued, so a graceful stop is not held
//! up by a stream that would otherwise stay open forever.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::sync::{mpsc, watch};

use crate::ExitReason;

/// Formats the events of one stream.
pub(super) struct EventWriter {
    /// Prefix of this stream's event ids (`None`: events carry no id, as in 2024-11-05).
    prefix: Option<String>,
    next: u64,
}

impl EventWriter {
    /// Events with ids `{prefix}-1`, `{prefix}-2`, …
    pub(super) fn with_ids(prefix: String) -> Self {
        Self {
            prefix: Some(prefix),
            next: 1,
        }
    }

    pub(super) fn without_ids() -> Self {
        Self {
            prefix: None,
            next: 1,
        }
    }

    /// One event of type `kind` carrying `data` (which must hold no line break).
    pub(super) fn event(&mut self, kind: &str, data: &[u8]) -> Bytes {
        let mut out = Vec::with_capacity(data.len() + 48);
        if let Some(prefix) = &self.prefix {
            out.extend_from_slice(format!("id: {prefix}-{}\n", self.next).as_bytes());
            self.next += 1;
        }
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(kind.as_bytes());
        out.extend_from_slice(b"\ndata: ");
        out.extend_from_slice(data);
        out.extend_from_slice(b"\n\n");
        Bytes::from(out)
    }

    /// An `event: message` carrying one JSON-RPC message.
    pub(super) fn message(&mut self, json: &[u8]) -> Bytes {
        self.event("message", json)
    }
}

/// A `200 text/event-stream` response with `body`.
pub(super) fn response(body: Body) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache, no-transform"),
        ],
        body,
    )
        .into_response()
}

/// What [`until_stopped`] does with each item it receives.
pub(super) enum Step {
    /// Send these bytes and go on.
    Send(Bytes),
    /// Send nothing for this item and go on.
    Skip,
    /// Send these bytes (if any) and end the stream.
    End(Option<Bytes>),
}

/// A body that sends `first`, then what `map` makes of each item from `rx`, until `rx`
/// closes, `map` says to end, or the process stops when `stop` is given (then it still
/// sends what is queued).
/// `guard` is dropped with the body, which is how the owner learns the client left.
pub(super) fn until_stopped<T, G>(
    first: Vec<Bytes>,
    rx: mpsc::UnboundedReceiver<T>,
    stop: Option<watch::Receiver<Option<ExitReason>>>,
    map: impl FnMut(T) -> Step + Send + 'static,
    guard: G,
) -> Body
where
    T: Send + 'static,
    G: Send + 'static,
{
    struct State<T, F, G> {
        rx: mpsc::UnboundedReceiver<T>,
        stop: Option<watch::Receiver<Option<ExitReason>>>,
        map: F,
        stopping: bool,
        ended: bool,
        _guard: G,
    }
    let state = State {
        rx,
        stop,
        map,
        stopping: false,
        ended: false,
        _guard: guard,
    };
    let rest = futures::stream::unfold(state, |mut state| async move {
        loop {
            if state.ended {
                return None;
            }
            let item = match (&mut state.stop, state.stopping) {
                (_, true) => state.rx.try_recv().ok(),
                (None, false) => state.rx.recv().await,
                (Some(stop), false) => tokio::select! {
                    item = state.rx.recv() => item,
                    _ = stop.wait_for(Option::is_some) => {
                        state.stopping = true;
                        continue;
                    }
                },
            };
            match (state.map)(item?) {
                Step::Send(bytes) => return Some((bytes, state)),
                Step::Skip => {}
                Step::End(bytes) => {
                    state.ended = true;
                    if let Some(bytes) = bytes {
                        return Some((bytes, state));
                    }
                }
            }
        }
    });
    let stream = futures::stream::iter(first)
        .chain(rest)
        .map(Ok::<_, Infallible>);
    Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_numbered_per_stream() {
        let mut writer = EventWriter::with_ids("p3".into());
        assert_eq!(
            writer.message(br#"{"a":1}"#),
            Bytes::from_static(b"id: p3-1\nevent: message\ndata: {\"a\":1}\n\n")
        );
        assert!(writer.message(b"{}").starts_with(b"id: p3-2\n"));
        let mut plain = EventWriter::without_ids();
        assert_eq!(
            plain.event("endpoint", b"/message?sessionId=x"),
            Bytes::from_static(b"event: endpoint\ndata: /message?sessionId=x\n\n")
        );
    }

    #[tokio::test]
    async fn a_stopped_stream_sends_what_is_queued_then_ends() {
        let (tx, rx) = mpsc::unbounded_channel();
        let (stop_tx, stop) = watch::channel(None);
        let body = until_stopped(
            vec![Bytes::from_static(b"first\n")],
            rx,
            Some(stop),
            Step::Send,
            (),
        );
        tx.send(Bytes::from_static(b"queued\n")).unwrap();
        stop_tx.send_replace(Some(ExitReason::ExitAfter));
        let all = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            axum::body::to_bytes(body, 1024),
        )
        .await
        .expect("the body ends")
        .unwrap();
        assert_eq!(all, Bytes::from_static(b"first\nqueued\n"));
        drop(tx);
    }
}
