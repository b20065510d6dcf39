//! The example MCP server: newline-delimited JSON-RPC 2.0 over any byte stream (stdio in the
//! `toolgate-example-server` binary). It is the upstream of toolgate's integration tests,
//! benchmarks and `toolgate demo`, so it must be correct and fast when asked to be, and able
//! to misbehave on purpose (die, crash, answer batches in any protocol era) when told to.
//!
//! Shape: one reader loop parses each line and answers cheap methods inline; every
//! `tools/call` runs in its own task so a slow call never blocks others; all output goes
//! through one writer task so lines never interleave.
//!
//! The same server also speaks HTTP ([`http`]): each HTTP session (or stateless request)
//! gets a [`Server`] of its own, fed one message at a time, whose output is routed to the
//! right HTTP response by the request each message belongs to ([`outbound::Route`]).

#![forbid(unsafe_code)]

mod catalog;
pub mod http;
mod outbound;
pub mod rpc;
mod tools;

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::AbortHandle;

use crate::rpc::{INVALID_REQUEST, PARSE_ERROR, RpcError, id_key};
use outbound::{Out, Outbound, Route, serving, write_loop};

pub use catalog::{
    DEFAULT_PROTOCOL_VERSION, ORDER_STATUSES, SERVER_NAME, SUPPORTED_PROTOCOL_VERSIONS, TOOL_NAMES,
};

/// How long a tool waits for the client to answer a server→client request; bounded so a
/// client that never answers cannot pin a task forever.
const CLIENT_REPLY_TIMEOUT: Duration = Duration::from_secs(60);

/// Behaviour switches (the binary's flags, minus the ones that act before serving).
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Paginate `tools/list` with this many tools per page (`None` or 0: one page).
    pub page_size: Option<usize>,
    /// Answer this many `tools/call`s, then stop (later calls are never answered).
    pub exit_after: Option<u64>,
    /// Stop abruptly, without answering, when this tool is called.
    pub crash_on: Option<String>,
    /// Append every received line, exactly as received, to this file.
    pub log_path: Option<PathBuf>,
}

/// Why [`serve`] returned; the binary turns it into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitReason {
    /// The input reached EOF and in-flight calls finished.
    InputClosed,
    /// `exit_after` calls were answered.
    ExitAfter,
    /// The `crash_on` tool was called.
    Crash,
}

impl ExitReason {
    /// Process exit code: 0 for an orderly stop, 3 for a simulated crash.
    pub fn exit_code(self) -> i32 {
        match self {
            ExitReason::InputClosed | ExitReason::ExitAfter => 0,
            ExitReason::Crash => 3,
        }
    }
}

/// Server→client requests waiting for the client's answer.
#[derive(Default)]
struct Pending {
    waiters: HashMap<String, oneshot::Sender<Value>>,
    /// Set when no answer can arrive any more (input EOF, session ended, stateless HTTP),
    /// so new requests fail at once; says why.
    closed: Option<&'static str>,
}

/// State shared by the reader loop and the call tasks.
struct Server {
    config: ServerConfig,
    out: mpsc::UnboundedSender<Out>,
    /// Cached catalogue; replaced (not edited) by `mutate_tools` so readers never wait long.
    tools: RwLock<Arc<Vec<Value>>>,
    echo_revision: AtomicU64,
    /// Calls answered so far; shared by every HTTP session so `exit_after` counts per
    /// process, as it does over stdio where a process is one connection.
    calls: Arc<AtomicU64>,
    next_request_id: AtomicU64,
    next_batch: AtomicU64,
    pending: Mutex<Pending>,
    /// Running call tasks by request id key, so `notifications/cancelled` can abort them.
    inflight: Mutex<HashMap<String, AbortHandle>>,
    stop: Notify,
    exit_reason: Mutex<Option<ExitReason>>,
}

/// The result of one `tools/call`.
struct CallOutcome {
    response: Option<Value>,
    /// This was the `exit_after`-th call: stop once its response is out.
    exit: bool,
}

impl CallOutcome {
    fn reply(response: Value) -> Self {
        Self {
            response: Some(response),
            exit: false,
        }
    }

    fn silent() -> Self {
        Self {
            response: None,
            exit: false,
        }
    }
}

/// What the reader loop does with one message.
enum Dispatch {
    Reply(Option<Value>),
    Call { id: Value, params: Value },
}

/// Serves MCP on `input`/`output` until EOF, `exit_after` or `crash_on`.
///
/// Errors are I/O errors on the input or the log file; a broken output just ends writing.
pub async fn serve<R, W>(config: ServerConfig, input: R, output: W) -> io::Result<ExitReason>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let mut log = match &config.log_path {
        Some(path) => Some(
            tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .await?,
        ),
        None => None,
    };
    let (out, out_rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(write_loop(out_rx, output));
    let server = Arc::new(Server::new(config, out));
    let mut input = BufReader::new(input);
    let mut line = Vec::with_capacity(4096);

    let reason = loop {
        line.clear();
        let read = tokio::select! {
            biased;
            () = server.stop.notified() => break server.exit_reason(),
            read = input.read_until(b'\n', &mut line) => read?,
        };
        if read == 0 {
            break ExitReason::InputClosed;
        }
        let raw = line.strip_suffix(b"\n").unwrap_or(&line);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // Logged before handling, so by the time any answer is out the line is on disk; in
        // one write, so servers sharing a log (O_APPEND) never interleave within a line.
        if let Some(log) = log.as_mut() {
            let mut entry = Vec::with_capacity(raw.len() + 1);
            entry.extend_from_slice(raw);
            entry.push(b'\n');
            log.write_all(&entry).await?;
            log.flush().await?;
        }
        server.handle_line(raw);
    };
    tracing::debug!(?reason, "example server stopping");

    match reason {
        ExitReason::InputClosed => {
            // Let in-flight calls finish; the writer ends when the last sender goes away.
            server.close_input("the client's input is closed");
            drop(server);
        }
        ExitReason::ExitAfter => {
            server.send(Out::Shutdown);
            server.abort_inflight();
            drop(server);
        }
        ExitReason::Crash => {
            writer.abort();
            server.abort_inflight();
            return Ok(reason);
        }
    }
    if let Ok(Err(error)) = writer.await {
        tracing::debug!(%error, "output closed");
    }
    Ok(reason)
}

impl Server {
    fn new(config: ServerConfig, out: mpsc::UnboundedSender<Out>) -> Self {
        Self::with_call_counter(config, out, Arc::default())
    }

    /// A server whose `exit_after` count is `calls`, shared with other servers.
    fn with_call_counter(
        config: ServerConfig,
        out: mpsc::UnboundedSender<Out>,
        calls: Arc<AtomicU64>,
    ) -> Self {
        Self {
            config,
            out,
            tools: RwLock::new(Arc::new(catalog::tools(0))),
            echo_revision: AtomicU64::new(0),
            calls,
            next_request_id: AtomicU64::new(1),
            next_batch: AtomicU64::new(0),
            pending: Mutex::new(Pending::default()),
            inflight: Mutex::new(HashMap::new()),
            stop: Notify::new(),
            exit_reason: Mutex::new(None),
        }
    }

    fn send(&self, out: Out) {
        // A send error means the writer is gone (output closed or crashing): nothing to do.
        let _ = self.out.send(out);
    }

    fn send_value(&self, message: &Value) {
        let bytes = serde_json::to_vec(message).expect("a serde_json::Value always serialises");
        let route = Route::of(message);
        self.send(Out::Message(Outbound { bytes, route }));
    }

    fn request_stop(&self, reason: ExitReason) {
        self.exit_reason
            .lock()
            .expect("exit_reason lock")
            .get_or_insert(reason);
        self.stop.notify_one();
    }

    fn exit_reason(&self) -> ExitReason {
        self.exit_reason
            .lock()
            .expect("exit_reason lock")
            .unwrap_or(ExitReason::InputClosed)
    }

    fn close_input(&self, why: &'static str) {
        let mut pending = self.pending.lock().expect("pending lock");
        pending.closed = Some(why);
        // Dropping the senders wakes every waiting tool with "connection closed".
        pending.waiters.clear();
    }

    fn abort_inflight(&self) {
        for (_, task) in self.inflight.lock().expect("inflight lock").drain() {
            task.abort();
        }
    }

    /// Parses one line and answers it, inline or from a spawned task.
    fn handle_line(self: &Arc<Self>, raw: &[u8]) {
        let message: Value = match serde_json::from_slice(raw) {
            Ok(message) => message,
            Err(error) => {
                let error = RpcError::new(PARSE_ERROR, format!("Parse error: {error}"));
                self.send_value(&rpc::error_response(&Value::Null, &error));
                return;
            }
        };
        match message {
            Value::Array(items) if items.is_empty() => {
                let error = RpcError::new(INVALID_REQUEST, "Invalid Request: empty batch");
                self.send_value(&rpc::error_response(&Value::Null, &error));
            }
            Value::Array(items) => self.spawn_batch(items),
            message => self.handle_message(message),
        }
    }

    /// Answers one message that is not a batch, inline or from a spawned task.
    fn handle_message(self: &Arc<Self>, message: Value) {
        match self.dispatch(message) {
            Dispatch::Reply(Some(response)) => self.send_value(&response),
            Dispatch::Reply(None) => {}
            Dispatch::Call { id, params } => self.spawn_call(id, params),
        }
    }

    /// Runs one `tools/call` in its own task, registered for cancellation.
    fn spawn_call(self: &Arc<Self>, id: Value, params: Value) {
        let key = id_key(&id);
        let server = Arc::clone(self);
        // Held across the spawn so the task cannot finish (and unregister) before it is
        // registered, which would leave a stale entry behind.
        let mut inflight = self.inflight.lock().expect("inflight lock");
        let task_key = key.clone();
        let serves = key.clone();
        let task = tokio::spawn(async move {
            let outcome = serving(serves, server.run_call(id, params)).await;
            server
                .inflight
                .lock()
                .expect("inflight lock")
                .remove(&task_key);
            if let Some(response) = &outcome.response {
                server.send_value(response);
            }
            if outcome.exit {
                server.request_stop(ExitReason::ExitAfter);
            }
        });
        inflight.insert(key, task.abort_handle());
    }

    /// Answers a batch with one array once every element is done (calls run concurrently).
    fn spawn_batch(self: &Arc<Self>, items: Vec<Value>) {
        // `#` never occurs at the start of a JSON id's text, so these keys cannot collide.
        let key = format!("#batch{}", self.next_batch.fetch_add(1, Ordering::Relaxed));
        let server = Arc::clone(self);
        let mut inflight = self.inflight.lock().expect("inflight lock");
        let task_key = key.clone();
        let task = tokio::spawn(async move {
            let answers = items.into_iter().map(|item| {
                let server = Arc::clone(&server);
                async move {
                    match server.dispatch(item) {
                        Dispatch::Reply(response) => CallOutcome {
                            response,
                            exit: false,
                        },
                        Dispatch::Call { id, params } => {
                            serving(id_key(&id), server.run_call(id, params)).await
                        }
                    }
                }
            });
            let outcomes = futures::future::join_all(answers).await;
            server
                .inflight
                .lock()
                .expect("inflight lock")
                .remove(&task_key);
            let exit = outcomes.iter().any(|outcome| outcome.exit);
            let responses: Vec<Value> = outcomes.into_iter().filter_map(|o| o.response).collect();
            // A batch of only notifications gets no answer at all (JSON-RPC 2.0 §6).
            if !responses.is_empty() {
                server.send_value(&Value::Array(responses));
            }
            if exit {
                server.request_stop(ExitReason::ExitAfter);
            }
        });
        inflight.insert(key, task.abort_handle());
    }

    /// Classifies one message and answers everything except `tools/call`.
    fn dispatch(&self, message: Value) -> Dispatch {
        let Value::Object(mut message) = message else {
            let error = RpcError::new(INVALID_REQUEST, "Invalid Request: expected an object");
            return Dispatch::Reply(Some(rpc::error_response(&Value::Null, &error)));
        };
        let id = message.remove("id");
        let method = match message.get("method") {
            None => None,
            Some(Value::String(method)) => Some(method.clone()),
            Some(_) => {
                let error = RpcError::new(INVALID_REQUEST, "Invalid Request: bad method");
                let id = id.unwrap_or(Value::Null);
                return Dispatch::Reply(Some(rpc::error_response(&id, &error)));
            }
        };
        let params = message.remove("params").unwrap_or(Value::Null);
        match (method, id) {
            (None, Some(id)) if message.contains_key("result") || message.contains_key("error") => {
                self.deliver_reply(&id, message);
                Dispatch::Reply(None)
            }
            (None, id) => {
                let error = RpcError::new(INVALID_REQUEST, "Invalid Request: no method");
                let id = id.unwrap_or(Value::Null);
                Dispatch::Reply(Some(rpc::error_response(&id, &error)))
            }
            (Some(method), None) => {
                self.handle_notification(&method, &params);
                Dispatch::Reply(None)
            }
            (Some(method), Some(id)) => {
                if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
                    let error =
                        RpcError::new(INVALID_REQUEST, "Invalid Request: jsonrpc must be \"2.0\"");
                    return Dispatch::Reply(Some(rpc::error_response(&id, &error)));
                }
                let result = match method.as_str() {
                    "tools/call" => return Dispatch::Call { id, params },
                    "initialize" => Ok(catalog::initialize_result(&params)),
                    "ping" => Ok(json!({})),
                    "tools/list" => self.list_tools(&params),
                    other => Err(RpcError::method_not_found(other)),
                };
                Dispatch::Reply(Some(match result {
                    Ok(result) => rpc::response(&id, result),
                    Err(error) => rpc::error_response(&id, &error),
                }))
            }
        }
    }

    /// Only cancellation needs action; `notifications/initialized` and the rest are noted.
    fn handle_notification(&self, method: &str, params: &Value) {
        if method != "notifications/cancelled" {
            return;
        }
        let Some(request_id) = params.get("requestId") else {
            return;
        };
        let task = self
            .inflight
            .lock()
            .expect("inflight lock")
            .remove(&id_key(request_id));
        if let Some(task) = task {
            // Per the spec a cancelled request gets no response at all.
            task.abort();
            tracing::debug!(%request_id, "call cancelled by the client");
        }
    }

    /// Hands a client's answer to the tool task waiting for it.
    fn deliver_reply(&self, id: &Value, reply: Map<String, Value>) {
        let waiter = self
            .pending
            .lock()
            .expect("pending lock")
            .waiters
            .remove(&id_key(id));
        match waiter {
            Some(waiter) => {
                let _ = waiter.send(Value::Object(reply));
            }
            None => {
                tracing::warn!(%id, "answer to a request the server did not send (or gave up on)")
            }
        }
    }

    fn list_tools(&self, params: &Value) -> Result<Value, RpcError> {
        let tools = Arc::clone(&self.tools.read().expect("tools lock"));
        catalog::page(&tools, params.get("cursor"), self.config.page_size)
    }

    /// Runs one `tools/call`, applying `crash_on` and `exit_after` first.
    async fn run_call(self: &Arc<Self>, id: Value, params: Value) -> CallOutcome {
        let Value::Object(mut params) = params else {
            let error = RpcError::invalid_params("tools/call params must be an object");
            return CallOutcome::reply(rpc::error_response(&id, &error));
        };
        let Some(Value::String(name)) = params.remove("name") else {
            let error = RpcError::invalid_params("tools/call needs params.name (a string)");
            return CallOutcome::reply(rpc::error_response(&id, &error));
        };
        if self.config.crash_on.as_deref() == Some(name.as_str()) {
            tracing::warn!(tool = %name, "crashing on purpose (--crash-on)");
            self.request_stop(ExitReason::Crash);
            return CallOutcome::silent();
        }
        let count = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let exit = match self.config.exit_after {
            // Past the limit the server is "dead": the call is never answered.
            Some(limit) if count > limit => return CallOutcome::silent(),
            Some(limit) => count == limit,
            None => false,
        };
        let arguments = match params.remove("arguments") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(arguments)) => arguments,
            Some(_) => {
                let error = RpcError::invalid_params("tools/call arguments must be an object");
                return CallOutcome::reply(rpc::error_response(&id, &error));
            }
        };
        let meta = params.get("_meta");
        let response = match tools::call(self, &name, &arguments, meta).await {
            Ok(result) => rpc::response(&id, result),
            Err(error) => rpc::error_response(&id, &error),
        };
        CallOutcome {
            response: Some(response),
            exit,
        }
    }

    /// Sends a server→client request and waits for the answer's `result`.
    /// `Err` carries a human-readable reason (client error, timeout, connection closed).
    async fn client_request(&self, method: &str, params: Value) -> Result<Value, String> {
        let id = json!(self.next_request_id.fetch_add(1, Ordering::Relaxed));
        let key = id_key(&id);
        let (tx, rx) = oneshot::channel();
        {
            let mut pending = self.pending.lock().expect("pending lock");
            if let Some(why) = pending.closed {
                return Err(format!("cannot send {method}: {why}"));
            }
            pending.waiters.insert(key.clone(), tx);
        }
        self.send_value(&rpc::request(&id, method, params));
        let reply = match tokio::time::timeout(CLIENT_REPLY_TIMEOUT, rx).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(_)) => {
                return Err(format!(
                    "the connection closed before {method} was answered"
                ));
            }
            Err(_) => {
                self.pending
                    .lock()
                    .expect("pending lock")
                    .waiters
                    .remove(&key);
                return Err(format!(
                    "no answer to {method} within {}s",
                    CLIENT_REPLY_TIMEOUT.as_secs()
                ));
            }
        };
        match reply.get("result") {
            Some(result) => Ok(result.clone()),
            None => Err(format!(
                "the client answered {method} with an error: {}",
                reply.get("error").unwrap_or(&Value::Null)
            )),
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.send_value(&rpc::notification(method, params));
    }

    /// Changes `echo`'s description and tells the client; returns the new revision.
    fn mutate_tools(&self) -> u64 {
        let revision = self.echo_revision.fetch_add(1, Ordering::SeqCst) + 1;
        *self.tools.write().expect("tools lock") = Arc::new(catalog::tools(revision));
        self.notify("notifications/tools/list_changed", Value::Null);
        revision
    }
}

#[cfg(test)]
mod tests;
