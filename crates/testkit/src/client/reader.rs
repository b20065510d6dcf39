//! The client's half that runs in the background: shared state, the task that reads the
//! child's stdout and routes every message, the handler runner for server→client
//! requests, and stderr capture. Kept apart from the test-facing API in `mod.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::ChildStdin;
use tokio::sync::{mpsc, oneshot, watch};

use super::RequestHandler;
use super::handler::ServerRequest;
use crate::rpc::{self, id_key};

/// One line from the child that nobody was waiting for.
pub(super) enum Incoming {
    Message(Value),
    Invalid { line: String, error: String },
}

/// Requests waiting for their response.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) waiters: HashMap<String, oneshot::Sender<Value>>,
    /// The child's stdout is closed: new requests fail at once instead of timing out.
    pub(super) closed: bool,
}

/// State shared with the reader task.
pub(super) struct Shared {
    pub(super) pending: Mutex<Pending>,
    pub(super) notifications: Mutex<Vec<Value>>,
    pub(super) server_requests: Mutex<Vec<Value>>,
    /// Bumped on every notification, server request and on close, to wake waiters.
    pub(super) events: watch::Sender<u64>,
    pub(super) handler: RwLock<Option<RequestHandler>>,
    pub(super) stdin: tokio::sync::Mutex<Option<ChildStdin>>,
    pub(super) stderr: Mutex<Vec<u8>>,
}

impl Shared {
    pub(super) fn bump(&self) {
        self.events.send_modify(|n| *n += 1);
    }

    pub(super) fn is_closed(&self) -> bool {
        self.pending.lock().expect("pending lock").closed
    }

    pub(super) async fn write_line(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut stdin = self.stdin.lock().await;
        let stdin = stdin.as_mut().ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "stdin was closed by the test",
            )
        })?;
        // One buffer, one write: a line is never split around another writer's line.
        let mut line = Vec::with_capacity(bytes.len() + 1);
        line.extend_from_slice(bytes);
        line.push(b'\n');
        stdin.write_all(&line).await?;
        stdin.flush().await
    }
}

/// Reads the child's stdout line by line and routes each message.
pub(super) async fn read_loop(
    shared: Arc<Shared>,
    stdout: impl AsyncRead + Unpin,
    inbox: mpsc::UnboundedSender<Incoming>,
) {
    let mut reader = BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let raw = line.strip_suffix(b"\n").unwrap_or(&line);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let incoming = match serde_json::from_slice::<Value>(raw) {
            Ok(message) => route(&shared, message),
            Err(error) => Some(Incoming::Invalid {
                line: String::from_utf8_lossy(raw).into_owned(),
                error: error.to_string(),
            }),
        };
        if let Some(incoming) = incoming {
            let _ = inbox.send(incoming);
        }
    }
    let mut pending = shared.pending.lock().expect("pending lock");
    pending.closed = true;
    // Dropping the senders fails every waiting request with `Closed` right away.
    pending.waiters.clear();
    drop(pending);
    shared.bump();
}

/// Delivers a response to its waiter or a server request to the handler; returns what is
/// left for the inbox.
fn route(shared: &Arc<Shared>, message: Value) -> Option<Incoming> {
    let has_method = message.get("method").is_some();
    match message.get("id") {
        Some(id) if !has_method => {
            let waiter = shared
                .pending
                .lock()
                .expect("pending lock")
                .waiters
                .remove(&id_key(id));
            match waiter {
                Some(waiter) => {
                    let _ = waiter.send(message);
                    None
                }
                None => Some(Incoming::Message(message)),
            }
        }
        Some(_) => {
            shared
                .server_requests
                .lock()
                .expect("server_requests lock")
                .push(message.clone());
            shared.bump();
            let handler = shared.handler.read().expect("handler lock").clone();
            match handler {
                Some(handler) => {
                    tokio::spawn(answer(Arc::clone(shared), handler, message));
                    None
                }
                None => Some(Incoming::Message(message)),
            }
        }
        None if has_method => {
            shared
                .notifications
                .lock()
                .expect("notifications lock")
                .push(message.clone());
            shared.bump();
            Some(Incoming::Message(message))
        }
        // Batch answers (arrays) and anything odd: let the test look at it.
        None => Some(Incoming::Message(message)),
    }
}

/// Runs the handler for one server request and writes its answer.
async fn answer(shared: Arc<Shared>, handler: RequestHandler, message: Value) {
    let id = message.get("id").cloned().unwrap_or(Value::Null);
    let request = ServerRequest {
        id: id.clone(),
        method: message
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        params: message.get("params").cloned().unwrap_or(Value::Null),
    };
    let reply = match handler(request).await {
        Ok(result) => rpc::response(&id, result),
        Err(error) => rpc::error_response(&id, &error),
    };
    let bytes = serde_json::to_vec(&reply).expect("a serde_json::Value always serialises");
    if let Err(error) = shared.write_line(&bytes).await {
        tracing::debug!(%error, "could not answer a server request");
    }
}

pub(super) async fn capture_stderr(shared: Arc<Shared>, mut stderr: impl AsyncRead + Unpin) {
    let mut chunk = [0u8; 4096];
    while let Ok(read @ 1..) = stderr.read(&mut chunk).await {
        shared
            .stderr
            .lock()
            .expect("stderr lock")
            .extend_from_slice(&chunk[..read]);
    }
}
