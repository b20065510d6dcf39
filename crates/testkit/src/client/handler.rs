//! Answers to server→client requests (elicitation, sampling, roots, ping) for the test
//! client. A test plugs in a handler to script the "user" side of a mid-call round trip;
//! [`canned_handler`] covers the common case with fixed, assertable answers.

use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::rpc::RpcError;

/// The answer `canned_handler` gives to `elicitation/create` (as `content.answer`).
pub const CANNED_ANSWER: &str = "yes, go ahead";
/// The text `canned_handler` gives to `sampling/createMessage`.
pub const CANNED_SAMPLE: &str = "This is a canned completion from the toolgate testkit.";
/// The single root `canned_handler` gives to `roots/list`.
pub const CANNED_ROOT: &str = "file:///tmp/toolgate-testkit";

/// A request the server sent to the client.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRequest {
    pub id: Value,
    pub method: String,
    /// `null` when the request had no params.
    pub params: Value,
}

/// Computes the `result` (or error) for a server→client request.
pub type RequestHandler =
    Arc<dyn Fn(ServerRequest) -> BoxFuture<'static, Result<Value, RpcError>> + Send + Sync>;

/// Wraps an async closure as a [`RequestHandler`].
pub fn handler_fn<F, Fut>(handler: F) -> RequestHandler
where
    F: Fn(ServerRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, RpcError>> + Send + 'static,
{
    Arc::new(move |request| Box::pin(handler(request)))
}

/// Accepts every elicitation with [`CANNED_ANSWER`], samples [`CANNED_SAMPLE`], lists one
/// root ([`CANNED_ROOT`]), answers `ping`; anything else gets "method not found".
pub fn canned_handler() -> RequestHandler {
    handler_fn(|request| async move {
        match request.method.as_str() {
            "elicitation/create" => Ok(json!({
                "action": "accept",
                "content": {"answer": CANNED_ANSWER},
            })),
            "sampling/createMessage" => Ok(json!({
                "role": "assistant",
                "content": {"type": "text", "text": CANNED_SAMPLE},
                "model": "toolgate-testkit-canned",
                "stopReason": "endTurn",
            })),
            "roots/list" => Ok(json!({"roots": [{"uri": CANNED_ROOT, "name": "testkit"}]})),
            "ping" => Ok(json!({})),
            other => Err(RpcError::method_not_found(other)),
        }
    })
}
