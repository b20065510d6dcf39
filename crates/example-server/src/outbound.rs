//! What the server sends, and which client request each message belongs to.
//!
//! Over stdio (and the legacy HTTP+SSE transport) every message goes down one stream, so the
//! route is ignored. Streamable HTTP answers each request on that request's own response,
//! and progress notifications and server→client requests made while a tool runs must ride
//! on the same response stream, ahead of the result; so every message is tagged with the
//! request it belongs to. Tools learn which request they serve from a task-local set around
//! each call, rather than threading an id through every tool.

use std::future::Future;
use std::io;

use serde_json::Value;
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::mpsc;

use crate::rpc::id_key;

tokio::task_local! {
    /// The id key of the `tools/call` the current task is serving.
    static SERVING: String;
}

/// What the writer (stdio) or the session router (HTTP) is asked to do.
pub(super) enum Out {
    Message(Outbound),
    /// Flush what came before and stop (used by `exit_after` on stdio).
    Shutdown,
}

/// One serialised message and where it belongs.
pub(super) struct Outbound {
    pub(super) bytes: Vec<u8>,
    pub(super) route: Route,
}

/// Which client request a message belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    /// The answer to the request with this id key.
    Answer(String),
    /// Sent while serving the request with this id key (progress, server→client requests).
    /// `session_level` messages (list changes) concern the whole session, so a transport
    /// with a session-wide stream prefers that one.
    During {
        request: String,
        session_level: bool,
    },
    /// Tied to no request (errors for unreadable ids, batch answers, or sent outside a call).
    Unrelated,
}

impl Route {
    /// The route of `message`: responses by their own id, everything else by the call the
    /// current task serves.
    pub(super) fn of(message: &Value) -> Route {
        match message.get("method") {
            Some(method) => match SERVING.try_with(Clone::clone) {
                Ok(request) => Route::During {
                    request,
                    session_level: method == "notifications/tools/list_changed",
                },
                Err(_) => Route::Unrelated,
            },
            None => match message.get("id") {
                Some(id) if !id.is_null() => Route::Answer(id_key(id)),
                _ => Route::Unrelated,
            },
        }
    }
}

/// Runs `call` as the serving of the request with id key `request`.
pub(super) fn serving<F: Future>(request: String, call: F) -> impl Future<Output = F::Output> {
    SERVING.scope(request, call)
}

/// Writes queued lines; flushes whenever the queue is momentarily empty, which is after
/// every message under light load and once per burst under heavy load.
pub(super) async fn write_loop<W: AsyncWrite + Unpin>(
    mut rx: mpsc::UnboundedReceiver<Out>,
    output: W,
) -> io::Result<()> {
    let mut output = BufWriter::with_capacity(64 * 1024, output);
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(out) = next.take() {
            match out {
                Out::Message(message) => {
                    output.write_all(&message.bytes).await?;
                    output.write_all(b"\n").await?;
                }
                Out::Shutdown => return output.flush().await,
            }
            next = rx.try_recv().ok();
        }
        output.flush().await?;
    }
    output.flush().await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn routes_follow_ids_and_the_serving_task() {
        assert_eq!(
            Route::of(&json!({"jsonrpc": "2.0", "id": 7, "result": {}})),
            Route::Answer("7".into())
        );
        assert_eq!(
            Route::of(&json!({"jsonrpc": "2.0", "id": null, "error": {}})),
            Route::Unrelated
        );
        let progress = json!({"jsonrpc": "2.0", "method": "notifications/progress"});
        assert_eq!(Route::of(&progress), Route::Unrelated);
        let inside = serving("\"a\"".into(), async {
            (
                Route::of(&progress),
                Route::of(&json!({"method": "notifications/tools/list_changed"})),
            )
        })
        .await;
        assert_eq!(
            inside,
            (
                Route::During {
                    request: "\"a\"".into(),
                    session_level: false
                },
                Route::During {
                    request: "\"a\"".into(),
                    session_level: true
                }
            )
        );
    }
}
