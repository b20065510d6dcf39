//! One stdio server shared by every HTTP session (`--upstream-shared`), for servers that are
//! expensive to start or hold state all agents should see.
//!
//! The gateway performs the `initialize` handshake itself, once, and answers each session's
//! `initialize` with the server's cached result. Every session is a *lane*: its request ids
//! are rewritten to ids unique on the shared connection (so two agents both sending id 1 don't
//! collide) and mapped back on the answer; progress tokens likewise; a session's
//! `notifications/cancelled` names the rewritten id. Only those members change: the rest of
//! each message is forwarded byte for byte ([`replace_member`]).
//!
//! What sharing costs, and why `--upstream-per-session` is the default:
//! - a server→client request (elicitation, sampling, `roots/list`) can't say which session it
//!   is for: it goes to the session with the most recent request in flight, a guess;
//! - notifications that may belong to one session (logging, resource updates) are dropped
//!   rather than shown to every agent; list changes go to all;
//! - the server sees one client: its capabilities, roots and subscriptions are shared.

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use toolgate_mcp::splice::replace_member;
use toolgate_mcp::wire::{INTERNAL_ERROR, best_effort_id, error_response};
use toolgate_mcp::{Frame, Id};

use super::{FromServer, QUEUE, ServerStream, UpstreamConn, UpstreamEnd, child};
use toolgate_pipeline::error::GatewayError;

/// The revision the gateway asks the shared server for.
const HANDSHAKE_VERSION: &str = "2025-11-25";
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// A handle on the shared server; clones share it. A server that died is started again for
/// the next session.
#[derive(Clone)]
pub struct SharedChild {
    command: Arc<Vec<OsString>>,
    max_message_bytes: usize,
    mux: Arc<tokio::sync::Mutex<Option<mpsc::Sender<NewLane>>>>,
}

struct NewLane {
    to_server: mpsc::Receiver<Bytes>,
    from_server: mpsc::Sender<FromServer>,
    ended: oneshot::Sender<UpstreamEnd>,
}

impl SharedChild {
    pub fn new(command: Vec<OsString>, max_message_bytes: usize) -> SharedChild {
        SharedChild {
            command: Arc::new(command),
            max_message_bytes,
            mux: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    /// Starts and initializes the server now, so a server that can't start stops the
    /// gateway at launch rather than failing the first agent.
    pub async fn warm_up(&self) -> Result<(), GatewayError> {
        let mut mux = self.mux.lock().await;
        if mux.as_ref().is_none_or(mpsc::Sender::is_closed) {
            *mux = Some(start(&self.command, self.max_message_bytes).await?);
        }
        Ok(())
    }

    /// A session's lane on the shared server (started, and initialized, if it isn't running).
    pub async fn lane(&self) -> Result<UpstreamConn, GatewayError> {
        self.warm_up().await?;
        let mux = self.mux.lock().await;
        let (to_server, to_server_rx) = super::UpstreamWriter::channel(QUEUE);
        let (from_server_tx, from_server) = mpsc::channel(QUEUE);
        let (ended_tx, ended) = oneshot::channel();
        let lane = NewLane {
            to_server: to_server_rx,
            from_server: from_server_tx,
            ended: ended_tx,
        };
        let sent = match mux.as_ref() {
            Some(tx) => tx.send(lane).await.is_ok(),
            None => false,
        };
        if !sent {
            return Err(GatewayError::Upstream(
                "the shared MCP server is not running".into(),
            ));
        }
        Ok(UpstreamConn {
            to_server,
            from_server,
            ended,
            server_stream: ServerStream::default(),
        })
    }
}

/// Starts the server, performs the handshake, and runs the multiplexer.
async fn start(command: &[OsString], max: usize) -> Result<mpsc::Sender<NewLane>, GatewayError> {
    let mut conn = child::spawn_raw(command, max)?;
    let child_tx = conn.to_server;
    let init = json!({"jsonrpc": "2.0", "id": "toolgate-init", "method": "initialize", "params": {
        "protocolVersion": HANDSHAKE_VERSION,
        "capabilities": {"elicitation": {}, "sampling": {}, "roots": {"listChanged": true}},
        "clientInfo": {"name": "toolgate", "version": env!("CARGO_PKG_VERSION")}}});
    let failed = |why: String| GatewayError::Upstream(format!("the shared MCP server: {why}"));
    child_tx
        .send(Bytes::from(init.to_string()))
        .await
        .map_err(|_| failed("exited before initialize".into()))?;
    let result = tokio::time::timeout(HANDSHAKE_TIMEOUT, async {
        while let Some(m) = conn.from_server.recv().await {
            let Frame::Message(bytes) = m.frame else {
                continue;
            };
            let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
                continue;
            };
            if v["id"] == json!("toolgate-init") {
                return Some(v);
            }
        }
        None
    })
    .await
    .map_err(|_| {
        failed(format!(
            "no answer to initialize within {HANDSHAKE_TIMEOUT:?}"
        ))
    })?
    .ok_or_else(|| failed("exited during initialize".into()))?;
    let Some(init_result) = result.get("result").cloned() else {
        return Err(failed(format!("initialize failed: {}", result["error"])));
    };
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let _ = child_tx.send(Bytes::from(initialized.to_string())).await;
    tracing::info!(
        version = init_result["protocolVersion"].as_str().unwrap_or("?"),
        "shared MCP server initialized"
    );
    let (lanes_tx, lanes_rx) = mpsc::channel(64);
    tokio::spawn(Mux::new(child_tx, init_result).run(lanes_rx, conn.from_server, conn.ended));
    Ok(lanes_tx)
}

struct Lane {
    tx: mpsc::Sender<FromServer>,
    ended: Option<oneshot::Sender<UpstreamEnd>>,
}

struct Mux {
    child: mpsc::Sender<Bytes>,
    init_result: Value,
    lanes: HashMap<u64, Lane>,
    next_lane: u64,
    /// Rewritten request id → (lane, the session's own id).
    calls: HashMap<u64, (u64, Value)>,
    /// Rewritten progress token → (lane, the session's own token).
    tokens: HashMap<String, (u64, Value)>,
    /// Server→client requests in flight → the lane asked (only it may answer).
    asked: HashMap<String, u64>,
    next_id: u64,
    last_lane: Option<u64>,
}

impl Mux {
    fn new(child: mpsc::Sender<Bytes>, init_result: Value) -> Mux {
        Mux {
            child,
            init_result,
            lanes: HashMap::new(),
            next_lane: 1,
            calls: HashMap::new(),
            tokens: HashMap::new(),
            asked: HashMap::new(),
            next_id: 1,
            last_lane: None,
        }
    }

    async fn run(
        mut self,
        mut new_lanes: mpsc::Receiver<NewLane>,
        mut from_child: mpsc::Receiver<FromServer>,
        ended: oneshot::Receiver<UpstreamEnd>,
    ) {
        let (inbox_tx, mut inbox) = mpsc::channel::<(u64, Option<Bytes>)>(QUEUE);
        loop {
            tokio::select! {
                lane = new_lanes.recv() => {
                    let Some(lane) = lane else { break };
                    let id = self.next_lane;
                    self.next_lane += 1;
                    self.lanes.insert(id, Lane { tx: lane.from_server, ended: Some(lane.ended) });
                    let inbox = inbox_tx.clone();
                    let mut rx = lane.to_server;
                    tokio::spawn(async move {
                        while let Some(m) = rx.recv().await {
                            if inbox.send((id, Some(m))).await.is_err() {
                                return;
                            }
                        }
                        let _ = inbox.send((id, None)).await;
                    });
                }
                Some((lane, message)) = inbox.recv() => match message {
                    Some(m) => self.on_lane_message(lane, m).await,
                    None => self.close_lane(lane).await,
                },
                message = from_child.recv() => match message {
                    Some(m) => self.on_server_message(m.frame).await,
                    None => break,
                },
            }
        }
        let end = match ended.await {
            Ok(UpstreamEnd::Failed { message, exit_code }) => {
                UpstreamEnd::Failed { message, exit_code }
            }
            Ok(UpstreamEnd::Closed { exit_code }) => UpstreamEnd::Failed {
                message: "the shared MCP server closed".into(),
                exit_code,
            },
            Err(_) => UpstreamEnd::Failed {
                message: "the shared MCP server went away".into(),
                exit_code: None,
            },
        };
        for (_, mut lane) in self.lanes.drain() {
            if let Some(tx) = lane.ended.take() {
                let _ = tx.send(end.clone());
            }
        }
    }

    async fn to_lane(&self, lane: u64, message: Bytes) {
        if let Some(l) = self.lanes.get(&lane) {
            let _ =
                l.tx.send(FromServer::unrelated(Frame::Message(message)))
                    .await;
        }
    }

    async fn to_child(&self, message: Bytes) {
        let _ = self.child.send(message).await;
    }

    async fn on_lane_message(&mut self, lane: u64, bytes: Bytes) {
        let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
            tracing::warn!("dropped an unreadable message on a shared-server lane");
            return;
        };
        match value {
            // Batches (2025-03-26 only) go element by element, re-serialised; their answers
            // come back one by one.
            Value::Array(items) => {
                for item in items {
                    let raw = Bytes::from(item.to_string());
                    self.lane_message(lane, raw, item).await;
                }
            }
            one => self.lane_message(lane, bytes, one).await,
        }
    }

    /// One message from a session: `raw` is forwarded with only the members that must
    /// change spliced in.
    async fn lane_message(&mut self, lane: u64, raw: Bytes, m: Value) {
        let method = m.get("method").and_then(Value::as_str);
        match (method, m.get("id")) {
            (Some("initialize"), Some(id)) => {
                let answer = json!({"jsonrpc": "2.0", "id": id, "result": self.init_result});
                self.to_lane(lane, Bytes::from(answer.to_string())).await;
            }
            (Some(_), Some(id)) => {
                let n = self.next_id;
                self.next_id += 1;
                self.calls.insert(n, (lane, id.clone()));
                let Some(mut out) = replace_member(&raw, &["id"], n.to_string().as_bytes()) else {
                    return;
                };
                if let Some(token) = m.pointer("/params/_meta/progressToken") {
                    let ours = format!("toolgate-{n}");
                    self.tokens.insert(ours.clone(), (lane, token.clone()));
                    let quoted = json!(ours).to_string();
                    let path = ["params", "_meta", "progressToken"];
                    if let Some(spliced) = replace_member(&out, &path, quoted.as_bytes()) {
                        out = spliced;
                    }
                }
                self.last_lane = Some(lane);
                self.to_child(out).await;
            }
            (Some("notifications/initialized"), None) => {}
            (Some("notifications/cancelled"), None) => {
                let theirs = m.pointer("/params/requestId");
                let ours = self
                    .calls
                    .iter()
                    .find(|(_, (l, id))| *l == lane && Some(id) == theirs)
                    .map(|(n, _)| *n);
                if let Some(n) = ours
                    && let Some(out) =
                        replace_member(&raw, &["params", "requestId"], n.to_string().as_bytes())
                {
                    self.to_child(out).await;
                }
            }
            (Some(_), None) => self.to_child(raw).await,
            (None, Some(id)) => {
                // An answer to a server request: only from the lane that was asked.
                let key = id.to_string();
                if self.asked.get(&key) == Some(&lane) {
                    self.asked.remove(&key);
                    self.to_child(raw).await;
                } else {
                    tracing::warn!(%id, "dropped an answer to a server request this session was not asked");
                }
            }
            (None, None) => {}
        }
    }

    async fn on_server_message(&mut self, frame: Frame) {
        let bytes = match frame {
            Frame::Message(b) => b,
            Frame::TooLong { prefix } => {
                // Answer the session whose request it was, under its own id.
                if let Some(Id::Number(n)) = best_effort_id(&prefix)
                    && let Some((lane, id)) = n.as_u64().and_then(|n| self.calls.remove(&n))
                {
                    let error = error_response(
                        Id::from_value(&id).as_ref(),
                        INTERNAL_ERROR,
                        "the server's response exceeds the size limit (--max-message-bytes)",
                        None,
                    );
                    self.to_lane(lane, error).await;
                }
                return;
            }
        };
        let Ok(m) = serde_json::from_slice::<Value>(&bytes) else {
            tracing::warn!("the shared MCP server sent an unreadable message; dropped");
            return;
        };
        let method = m.get("method").and_then(Value::as_str).map(str::to_owned);
        match (method.as_deref(), m.get("id").cloned()) {
            (None, Some(id)) => {
                let Some((lane, theirs)) = id.as_u64().and_then(|n| self.calls.remove(&n)) else {
                    return;
                };
                self.tokens.remove(&format!("toolgate-{id}"));
                if let Some(out) = replace_member(&bytes, &["id"], theirs.to_string().as_bytes()) {
                    self.to_lane(lane, out).await;
                }
            }
            (Some(_), Some(id)) => {
                // A server request: to the session most recently waiting on the server.
                let busy = |lane: &u64| self.calls.values().any(|(l, _)| l == lane);
                let lane = self
                    .last_lane
                    .filter(busy)
                    .or_else(|| self.calls.values().map(|(l, _)| *l).next())
                    .or(self.last_lane)
                    .filter(|l| self.lanes.contains_key(l));
                match lane {
                    Some(lane) => {
                        self.asked.insert(id.to_string(), lane);
                        self.to_lane(lane, bytes).await;
                    }
                    None => {
                        let error = json!({"jsonrpc": "2.0", "id": id, "error": {
                            "code": INTERNAL_ERROR, "message": "no agent session to ask"}});
                        self.to_child(Bytes::from(error.to_string())).await;
                    }
                }
            }
            (Some("notifications/progress"), None) => {
                let token = m.pointer("/params/progressToken").and_then(Value::as_str);
                if let Some((lane, theirs)) = token.and_then(|t| self.tokens.get(t)).cloned()
                    && let Some(out) = replace_member(
                        &bytes,
                        &["params", "progressToken"],
                        theirs.to_string().as_bytes(),
                    )
                {
                    self.to_lane(lane, out).await;
                }
            }
            (Some(list_changed), None) if list_changed.ends_with("/list_changed") => {
                for lane in self.lanes.keys().copied().collect::<Vec<_>>() {
                    self.to_lane(lane, bytes.clone()).await;
                }
            }
            (Some(other), None) => {
                tracing::debug!(
                    method = other,
                    "dropped a server notification no single session owns"
                );
            }
            (None, None) => {}
        }
    }

    async fn close_lane(&mut self, lane: u64) {
        // What it left in flight is cancelled on the server.
        let orphans: Vec<u64> = self
            .calls
            .iter()
            .filter(|(_, (l, _))| *l == lane)
            .map(|(n, _)| *n)
            .collect();
        for n in orphans {
            self.calls.remove(&n);
            self.tokens.remove(&format!("toolgate-{n}"));
            let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                "params": {"requestId": n, "reason": "the agent session ended"}});
            self.to_child(Bytes::from(cancel.to_string())).await;
        }
        self.asked.retain(|_, l| *l != lane);
        if let Some(mut l) = self.lanes.remove(&lane)
            && let Some(tx) = l.ended.take()
        {
            let _ = tx.send(UpstreamEnd::Closed { exit_code: None });
        }
        if self.last_lane == Some(lane) {
            self.last_lane = None;
        }
    }
}
