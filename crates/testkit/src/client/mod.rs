//! `StdioClient`: an MCP client over a child process's stdin/stdout, for integration tests
//! of the gateway (`toolgate run … -- <server>`) and of the example server itself.
//!
//! A background task reads every line the child writes and routes it: responses to the
//! waiting [`StdioClient::request`], server→client requests to the pluggable handler (or to
//! the inbox when none is set), everything else to the inbox read by [`StdioClient::recv`].
//! Notifications are also kept in a log so tests can assert on progress after the fact.
//! Every wait is bounded (10 s by default) and fails with what it was waiting for.

mod builder;
mod error;
mod handler;
mod reader;

use std::ffi::OsString;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Child;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::paths::example_server_path;
use crate::rpc::{self, id_key};
use reader::{Incoming, Shared};

pub use builder::{StderrMode, StdioClientBuilder};
pub use error::ClientError;
pub use handler::{
    CANNED_ANSWER, CANNED_ROOT, CANNED_SAMPLE, RequestHandler, ServerRequest, canned_handler,
    handler_fn,
};

/// How long any wait lasts unless the builder says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Bound on `tools/list` pages, so a server whose cursor loops fails the test instead of
/// hanging it.
const MAX_PAGES: usize = 1000;

/// An MCP client talking to a child process over stdio. All methods take `&self`, so
/// concurrent calls can be driven with `tokio::join!`.
pub struct StdioClient {
    pid: Option<u32>,
    child: tokio::sync::Mutex<Child>,
    shared: Arc<Shared>,
    inbox: tokio::sync::Mutex<mpsc::UnboundedReceiver<Incoming>>,
    next_id: AtomicI64,
    timeout: Duration,
    capabilities: Value,
    reader: JoinHandle<()>,
    stderr_task: Mutex<Option<JoinHandle<()>>>,
}

impl StdioClient {
    /// Starts configuring a client for `program`.
    pub fn builder(program: impl Into<OsString>) -> StdioClientBuilder {
        StdioClientBuilder {
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
            current_dir: None,
            stderr: StderrMode::Inherit,
            timeout: DEFAULT_TIMEOUT,
            handler: None,
            capabilities: json!({"elicitation": {}, "sampling": {}, "roots": {"listChanged": true}}),
        }
    }

    /// Spawns `program args…` with the defaults.
    pub fn spawn<I, S>(program: impl Into<OsString>, args: I) -> Result<Self, ClientError>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Self::builder(program).args(args).spawn()
    }

    /// Spawns the example server (found by [`example_server_path`]) with `args`.
    pub fn example_server<I, S>(args: I) -> Result<Self, ClientError>
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Self::spawn(example_server_path(), args)
    }

    /// The child's process id.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The bound on every wait.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Replaces (or removes) the server→client request handler.
    pub fn set_handler(&self, handler: Option<RequestHandler>) {
        *self.shared.handler.write().expect("handler lock") = handler;
    }

    /// Sends `initialize` and, if it succeeded, `notifications/initialized`.
    /// Returns the whole `initialize` response.
    pub async fn initialize(&self, protocol_version: &str) -> Result<Value, ClientError> {
        let params = json!({
            "protocolVersion": protocol_version,
            "capabilities": self.capabilities,
            "clientInfo": {"name": "toolgate-testkit", "version": env!("CARGO_PKG_VERSION")},
        });
        let response = self.request("initialize", params).await?;
        if response.get("result").is_some() {
            self.notify("notifications/initialized", Value::Null)
                .await?;
        }
        Ok(response)
    }

    /// Sends a request with the next id and returns the whole response (result or error).
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        let id = json!(self.next_id.fetch_add(1, Ordering::Relaxed));
        self.request_with_id(id, method, params).await
    }

    /// Like [`request`](Self::request) with a caller-chosen id (string ids, reuse, …).
    pub async fn request_with_id(
        &self,
        id: Value,
        method: &str,
        params: Value,
    ) -> Result<Value, ClientError> {
        let what = format!("the response to {method} (id {id})");
        let key = id_key(&id);
        let (tx, rx) = oneshot::channel();
        {
            let mut pending = self.shared.pending.lock().expect("pending lock");
            if pending.closed {
                return Err(ClientError::Closed { what });
            }
            pending.waiters.insert(key.clone(), tx);
        }
        let forget = || {
            let mut pending = self.shared.pending.lock().expect("pending lock");
            pending.waiters.remove(&key);
        };
        if let Err(error) = self.send(&rpc::request(&id, method, params)).await {
            forget();
            return Err(error);
        }
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(_)) => Err(ClientError::Closed { what }),
            Err(_) => {
                forget();
                Err(ClientError::Timeout {
                    what,
                    after: self.timeout,
                })
            }
        }
    }

    /// Sends a notification.
    pub async fn notify(&self, method: &str, params: Value) -> Result<(), ClientError> {
        self.send(&rpc::notification(method, params)).await
    }

    /// `tools/call`; returns the whole JSON-RPC response. Panics on timeout or closed pipe.
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Value {
        self.try_call_tool(name, arguments)
            .await
            .unwrap_or_else(|error| panic!("tools/call {name}: {error}"))
    }

    /// `tools/call` without panicking.
    pub async fn try_call_tool(&self, name: &str, arguments: Value) -> Result<Value, ClientError> {
        let params = json!({"name": name, "arguments": arguments});
        self.request("tools/call", params).await
    }

    /// `tools/call` with `_meta.progressToken`, so the server reports progress.
    /// Panics on timeout or closed pipe.
    pub async fn call_tool_with_progress(
        &self,
        name: &str,
        arguments: Value,
        token: Value,
    ) -> Value {
        let params =
            json!({"name": name, "arguments": arguments, "_meta": {"progressToken": token}});
        self.request("tools/call", params)
            .await
            .unwrap_or_else(|error| panic!("tools/call {name}: {error}"))
    }

    /// Every tool, following `nextCursor`. Panics on any error.
    pub async fn list_tools_all(&self) -> Vec<Value> {
        self.try_list_tools_all()
            .await
            .unwrap_or_else(|error| panic!("tools/list: {error}"))
    }

    /// Every tool, following `nextCursor`.
    pub async fn try_list_tools_all(&self) -> Result<Vec<Value>, ClientError> {
        let mut tools = Vec::new();
        let mut cursor: Option<Value> = None;
        for _ in 0..MAX_PAGES {
            let params = match cursor.take() {
                Some(cursor) => json!({"cursor": cursor}),
                None => json!({}),
            };
            let response = self.request("tools/list", params).await?;
            let protocol = |detail: String| ClientError::Protocol {
                what: "tools/list".to_owned(),
                detail,
            };
            let page = response
                .pointer("/result/tools")
                .and_then(Value::as_array)
                .ok_or_else(|| protocol(format!("no result.tools in {response}")))?;
            tools.extend(page.iter().cloned());
            match response.pointer("/result/nextCursor") {
                None | Some(Value::Null) => return Ok(tools),
                Some(next @ Value::String(_)) => cursor = Some(next.clone()),
                Some(other) => {
                    return Err(protocol(format!("nextCursor is not a string: {other}")));
                }
            }
        }
        Err(ClientError::Protocol {
            what: "tools/list".to_owned(),
            detail: format!("more than {MAX_PAGES} pages; does the cursor loop?"),
        })
    }

    /// Writes `bytes` and a newline to the child's stdin, exactly as given.
    pub async fn send_raw(&self, bytes: impl AsRef<[u8]>) -> Result<(), ClientError> {
        Ok(self.shared.write_line(bytes.as_ref()).await?)
    }

    /// Writes one JSON message.
    pub async fn send(&self, message: &Value) -> Result<(), ClientError> {
        let bytes = serde_json::to_vec(message).expect("a serde_json::Value always serialises");
        self.send_raw(bytes).await
    }

    /// The next message nobody was waiting for: answers to [`send_raw`](Self::send_raw),
    /// notifications, and server requests when no handler is set. In arrival order.
    pub async fn recv(&self) -> Result<Value, ClientError> {
        self.recv_timeout(self.timeout).await
    }

    /// [`recv`](Self::recv) with its own bound; a `Timeout` error means silence, which is
    /// what a test asserting "this was not forwarded" wants.
    pub async fn recv_timeout(&self, timeout: Duration) -> Result<Value, ClientError> {
        let what = "a message from the server".to_owned();
        let mut inbox = self.inbox.lock().await;
        match tokio::time::timeout(timeout, inbox.recv()).await {
            Ok(Some(Incoming::Message(message))) => Ok(message),
            Ok(Some(Incoming::Invalid { line, error })) => {
                Err(ClientError::InvalidJson { line, error })
            }
            Ok(None) => Err(ClientError::Closed { what }),
            Err(_) => Err(ClientError::Timeout {
                what,
                after: timeout,
            }),
        }
    }

    /// The next response (or batch array) from the inbox, skipping notifications and
    /// server requests (those stay in their logs).
    pub async fn recv_response(&self) -> Result<Value, ClientError> {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let message = self.recv_timeout(left).await.map_err(|error| match error {
                ClientError::Timeout { .. } => ClientError::Timeout {
                    what: "a response from the server".to_owned(),
                    after: self.timeout,
                },
                other => other,
            })?;
            if message.is_array() || message.get("method").is_none() {
                return Ok(message);
            }
        }
    }

    /// Every notification received so far, oldest first.
    pub fn notifications(&self) -> Vec<Value> {
        self.shared
            .notifications
            .lock()
            .expect("notifications lock")
            .clone()
    }

    /// Returns the notifications received so far and forgets them.
    pub fn take_notifications(&self) -> Vec<Value> {
        std::mem::take(
            &mut *self
                .shared
                .notifications
                .lock()
                .expect("notifications lock"),
        )
    }

    /// Every server→client request received so far (handled or not), oldest first.
    pub fn server_requests(&self) -> Vec<Value> {
        self.shared
            .server_requests
            .lock()
            .expect("server_requests lock")
            .clone()
    }

    /// Waits until at least `count` notifications with `method` were received; returns
    /// all of them.
    pub async fn wait_for_notifications(
        &self,
        method: &str,
        count: usize,
    ) -> Result<Vec<Value>, ClientError> {
        let what = format!("{count} {method} notification(s)");
        let mut events = self.shared.events.subscribe();
        let wait = async {
            loop {
                let found: Vec<Value> = self
                    .notifications()
                    .into_iter()
                    .filter(|n| n.get("method").and_then(Value::as_str) == Some(method))
                    .collect();
                if found.len() >= count {
                    return Ok(found);
                }
                if self.shared.is_closed() {
                    return Err(ClientError::Closed { what: what.clone() });
                }
                // The sender lives in `shared`, so this only fails if `shared` is gone.
                let _ = events.changed().await;
            }
        };
        tokio::time::timeout(self.timeout, wait)
            .await
            .unwrap_or_else(|_| {
                Err(ClientError::Timeout {
                    what: what.clone(),
                    after: self.timeout,
                })
            })
    }

    /// Closes the child's stdin (EOF), as a client going away does.
    pub async fn close_stdin(&self) {
        self.shared.stdin.lock().await.take();
    }

    /// Waits for the child to exit, then for its captured stderr to drain.
    pub async fn wait_exit(&self) -> Result<ExitStatus, ClientError> {
        let mut child = self.child.lock().await;
        let status = tokio::time::timeout(self.timeout, child.wait())
            .await
            .map_err(|_| ClientError::Timeout {
                what: "the server to exit".to_owned(),
                after: self.timeout,
            })??;
        let stderr_task = self.stderr_task.lock().expect("stderr_task lock").take();
        if let Some(task) = stderr_task {
            // Bounded: a grandchild may keep the pipe open after the child is gone.
            let _ = tokio::time::timeout(Duration::from_secs(1), task).await;
        }
        Ok(status)
    }

    /// Kills the child and reaps it.
    pub async fn kill(&self) -> Result<(), ClientError> {
        Ok(self.child.lock().await.kill().await?)
    }

    /// What the child wrote to stderr so far ([`StderrMode::Capture`] only).
    pub fn stderr_output(&self) -> String {
        String::from_utf8_lossy(&self.shared.stderr.lock().expect("stderr lock")).into_owned()
    }
}

impl Drop for StdioClient {
    fn drop(&mut self) {
        // The child itself is killed by `kill_on_drop`.
        self.reader.abort();
        if let Some(task) = self.stderr_task.lock().expect("stderr_task lock").take() {
            task.abort();
        }
    }
}
