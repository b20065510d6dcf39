//! One agent's MCP session over HTTP: its pipeline, its upstream session, and the routing of
//! the server's messages onto the agent's open response streams.
//!
//! Streamable HTTP has no single stream back to the agent: each POST that carries requests
//! gets its own response (JSON or SSE) that must end with those requests' answers, and the
//! optional GET stream carries the rest. A pump task runs every server message through the
//! pipeline and then [`HttpSession::deliver`]s it: an answer goes to the POST that asked;
//! a server request or notification goes to the POST whose stream carried it upstream when
//! known, else to the GET stream, else to any open POST stream, else waits (bounded) for a
//! GET stream to open. A legacy HTTP+SSE session has one stream for everything.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Deserialize;
use serde::de::IgnoredAny;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use toolgate_mcp::{Frame, Id};

use toolgate_pipeline::intercept::{AgentSink, Interceptor, Outlets};
use toolgate_upstream::{ServerStream, UpstreamConn, UpstreamEnd};

/// Messages waiting for a GET stream to open; past this the oldest are dropped.
const BACKLOG: usize = 256;
/// Messages queued for one response stream before the pump waits for the agent to read.
const STREAM_QUEUE: usize = 64;

/// Asks a response stream to hand its state over to a reconnecting `GET`.
pub type Takeover = mpsc::Sender<tokio::sync::oneshot::Sender<super::resume::Parked>>;

/// Who a session belongs to: every request on it must come from the same identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub identity: Arc<str>,
    pub groups: Vec<Arc<str>>,
}

pub struct HttpSession {
    pub id: String,
    pub owner: Owner,
    pub interceptor: Arc<Interceptor>,
    routes: Mutex<Routes>,
    last_active: Mutex<Instant>,
    /// A legacy HTTP+SSE session: every message goes to its one stream.
    pub legacy: bool,
    pump: Mutex<Option<JoinHandle<()>>>,
    /// Set when the upstream session ended on its own; later requests get this message.
    ended: Mutex<Option<String>>,
    /// Numbers response streams (event ids are `<stream>-<seq>`).
    streams: std::sync::atomic::AtomicU64,
    /// Opens the upstream's own stream of server messages once the agent opens one.
    server_stream: ServerStream,
    /// Response streams a `Last-Event-ID` reconnect can take over: open ones and parked
    /// ones whose agent went away.
    resumable: Mutex<HashMap<u64, Takeover>>,
    /// What recently finished response streams sent, for a reconnect after their end.
    finished: Mutex<super::resume::FinishedStreams>,
}

#[derive(Default)]
struct Routes {
    /// Open POST response streams, by the request ids they are waiting for.
    waiting: HashMap<Id, mpsc::Sender<Bytes>>,
    /// Progress tokens of waiting requests (JSON text of the token → request id): progress
    /// must travel on its request's stream, or it can arrive after the answer and be lost.
    progress: HashMap<String, Id>,
    stream: Option<mpsc::Sender<Bytes>>,
    backlog: VecDeque<Bytes>,
}

/// What the router needs to know about a message going to the agent.
#[derive(Debug, PartialEq, Eq)]
pub enum Envelope {
    /// Answers to these request ids.
    Answer(Vec<Id>),
    /// A request or notification from the server, with the progress token it names.
    Other { progress: Option<String> },
}

impl HttpSession {
    /// Starts the session's pump over `upstream`. `on_end` runs once, when the upstream
    /// session ends by itself (the caller removes the session from its table).
    pub fn start(
        id: String,
        owner: Owner,
        interceptor: Arc<Interceptor>,
        upstream: UpstreamConn,
        legacy: bool,
        on_end: impl FnOnce(&str) + Send + 'static,
    ) -> Arc<HttpSession> {
        let UpstreamConn {
            to_server,
            mut from_server,
            ended,
            server_stream,
        } = upstream;
        let session = Arc::new(HttpSession {
            id,
            owner,
            interceptor,
            routes: Mutex::new(Routes::default()),
            last_active: Mutex::new(Instant::now()),
            legacy,
            pump: Mutex::new(None),
            ended: Mutex::new(None),
            streams: std::sync::atomic::AtomicU64::new(1),
            resumable: Mutex::new(HashMap::new()),
            finished: Mutex::new(super::resume::FinishedStreams::default()),
            server_stream,
        });
        // The pump and the outlets hold weak references: dropping the session from the table
        // (DELETE, idle expiry) must free it even while the upstream is still connected.
        let weak = Arc::downgrade(&session);
        let agent: AgentSink = {
            let weak = weak.clone();
            Arc::new(move |message, related| {
                let weak = weak.clone();
                Box::pin(async move {
                    if let Some(s) = weak.upgrade() {
                        s.deliver(message, related.as_ref()).await;
                    }
                })
            })
        };
        session.interceptor.attach(Outlets {
            agent,
            server: to_server,
        });
        let pump = tokio::spawn(async move {
            while let Some(message) = from_server.recv().await {
                let Some(session) = weak.upgrade() else {
                    return;
                };
                let to_client = session.interceptor.from_server(message.frame).await;
                for b in to_client {
                    session.deliver(b, message.related.as_ref()).await;
                }
            }
            let why = match ended.await {
                Ok(UpstreamEnd::Failed { message, .. }) => message,
                Ok(UpstreamEnd::Closed { .. }) => "the upstream session closed".to_owned(),
                Err(_) => "the upstream connection was lost".to_owned(),
            };
            let Some(session) = weak.upgrade() else {
                return;
            };
            tracing::warn!(session = %session.id, reason = %why, "upstream session ended");
            for error in session.interceptor.close(&why).await {
                session.deliver(error, None).await;
            }
            *lock(&session.ended) = Some(why);
            session.close_streams();
            on_end(&session.id);
        });
        *lock(&session.pump) = Some(pump);
        session
    }

    pub fn next_stream_no(&self) -> u64 {
        self.streams
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Registers a response stream a reconnect may take over (see [`super::resume`]).
    pub fn register_stream(&self, no: u64, takeover: Takeover) {
        lock(&self.resumable).insert(no, takeover);
    }

    /// Forgets a response stream that was given up.
    pub fn forget_stream(&self, no: u64) {
        lock(&self.resumable).remove(&no);
    }

    /// A response stream ended with every answer sent: keep the tail of what it sent for a
    /// while, in case the agent lost it (see [`super::resume`]).
    pub fn stream_finished(&self, no: u64, sent: VecDeque<(u64, Bytes)>) {
        self.forget_stream(no);
        lock(&self.finished).add(no, sent, Instant::now());
    }

    /// What finished stream `no` sent after event `seen`, while it is kept.
    pub fn finished_events_after(&self, no: u64, seen: u64) -> Option<Vec<(u64, Bytes)>> {
        lock(&self.finished).events_after(no, seen, Instant::now())
    }

    /// The handle that takes over stream `no`, whether its agent is still reading it or it
    /// is parked.
    pub fn takeover(&self, no: u64) -> Option<Takeover> {
        lock(&self.resumable).get(&no).cloned()
    }

    /// Why the upstream session ended, if it did.
    pub fn ended(&self) -> Option<String> {
        lock(&self.ended).clone()
    }

    pub fn touch(&self) {
        *lock(&self.last_active) = Instant::now();
    }

    /// Idle for longer than `limit`, with no stream open.
    pub fn idle_for(&self, limit: Duration) -> bool {
        // Called periodically for every session: a good time to let old replays go.
        lock(&self.finished).prune(Instant::now());
        let routes = lock(&self.routes);
        let streams_open = routes.waiting.values().any(|tx| !tx.is_closed())
            || routes.stream.as_ref().is_some_and(|tx| !tx.is_closed())
            || !lock(&self.resumable).is_empty();
        !streams_open && lock(&self.last_active).elapsed() > limit
    }

    /// A response stream for a POST waiting on `ids`; register before forwarding, so an
    /// answer can't arrive first. `progress` is the request's progress token, if it has one.
    pub fn wait_for(&self, ids: &[Id], progress: Option<String>) -> mpsc::Receiver<Bytes> {
        let (tx, rx) = mpsc::channel(STREAM_QUEUE);
        let mut routes = lock(&self.routes);
        for id in ids {
            routes.waiting.insert(id.clone(), tx.clone());
        }
        if let (Some(token), [id]) = (progress, ids) {
            routes.progress.insert(token, id.clone());
        }
        rx
    }

    /// Forgets the POST stream waiting on `ids` (its agent went away, or it finished).
    pub fn stop_waiting(&self, ids: &[Id]) {
        let mut routes = lock(&self.routes);
        for id in ids {
            routes.waiting.remove(id);
        }
        routes.progress.retain(|_, id| !ids.contains(id));
    }

    /// Opens the session's standalone stream (GET, or the legacy `/sse`), replacing an
    /// older one, and hands it what waited for it.
    pub fn open_stream(&self) -> mpsc::Receiver<Bytes> {
        self.server_stream.open();
        let (tx, rx) = mpsc::channel(STREAM_QUEUE.max(BACKLOG));
        let mut routes = lock(&self.routes);
        while let Some(b) = routes.backlog.pop_front() {
            if tx.try_send(b).is_err() {
                break;
            }
        }
        routes.stream = Some(tx);
        rx
    }

    /// Puts a message for the agent on the right stream (see the module docs).
    pub async fn deliver(&self, message: Bytes, related: Option<&Id>) {
        let target = {
            let mut routes = lock(&self.routes);
            match envelope(&message) {
                Envelope::Answer(ids) if !self.legacy => {
                    let mut target = None;
                    for id in &ids {
                        if let Some(tx) = routes.waiting.remove(id) {
                            target.get_or_insert(tx);
                        }
                    }
                    routes.progress.retain(|_, id| !ids.contains(id));
                    target.or_else(|| routes.stream.clone())
                }
                // The request it belongs to, when known; else the one request waiting (a
                // server asks mid-call about the call in progress); else the GET stream.
                Envelope::Other { progress } if !self.legacy => {
                    let open = |tx: &mpsc::Sender<Bytes>| !tx.is_closed();
                    let by_id = |id: &Id| routes.waiting.get(id).filter(|tx| open(tx)).cloned();
                    let mut waiting = routes.waiting.values().filter(|tx| open(tx));
                    let only = match (waiting.next(), waiting.next()) {
                        (Some(tx), None) => Some(tx.clone()),
                        _ => None,
                    };
                    related
                        .and_then(by_id)
                        .or_else(|| {
                            progress
                                .and_then(|t| routes.progress.get(&t))
                                .and_then(by_id)
                        })
                        .or(only)
                        .or_else(|| routes.stream.clone().filter(open))
                        .or_else(|| routes.waiting.values().find(|tx| open(tx)).cloned())
                }
                _ => routes.stream.clone(),
            }
        };
        match target {
            Some(tx) => {
                if let Err(mpsc::error::SendError(message)) = tx.send(message).await {
                    // The agent closed that stream: keep the message for its next stream.
                    self.keep(message);
                }
            }
            None => self.keep(message),
        }
    }

    /// Puts a server request or notification on the standalone stream (or keeps it for
    /// the next one): for a POST whose client only takes JSON.
    pub fn deliver_elsewhere(&self, message: Bytes) {
        let stream = lock(&self.routes).stream.clone();
        match stream {
            Some(tx) => {
                if let Err(e) = tx.try_send(message) {
                    self.keep(e.into_inner());
                }
            }
            None => self.keep(message),
        }
    }

    fn keep(&self, message: Bytes) {
        let mut routes = lock(&self.routes);
        if routes.backlog.len() == BACKLOG {
            routes.backlog.pop_front();
            tracing::warn!(session = %self.id, "no stream open to the agent; dropped the oldest waiting message");
        }
        routes.backlog.push_back(message);
    }

    /// Ends the session: the upstream session is closed (a child gets its stdin closed, an
    /// HTTP upstream a DELETE), in-flight calls are refunded and answered with `why`.
    pub async fn close(&self, why: &str) {
        for error in self.interceptor.close(why).await {
            self.deliver(error, None).await;
        }
        self.close_streams();
    }

    fn close_streams(&self) {
        let mut routes = lock(&self.routes);
        routes.waiting.clear();
        routes.stream = None;
    }
}

impl Drop for HttpSession {
    fn drop(&mut self) {
        if let Some(pump) = lock(&self.pump).take() {
            pump.abort();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Routing tables stay consistent across a panic elsewhere: keep serving.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[derive(Deserialize)]
struct Shape {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    method: Option<IgnoredAny>,
    #[serde(default)]
    params: Option<ParamsShape>,
}

#[derive(Deserialize)]
struct ParamsShape {
    #[serde(default, rename = "progressToken")]
    progress_token: Option<serde_json::Value>,
}

/// Classifies a message (or batch) going to the agent. Everything here was produced or
/// checked by the pipeline, so a shallow read is enough.
pub fn envelope(message: &[u8]) -> Envelope {
    let other = |s: Option<Shape>| Envelope::Other {
        progress: s
            .and_then(|s| s.params)
            .and_then(|p| p.progress_token)
            .map(|t| t.to_string()),
    };
    let first = message.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let Ok(items) = serde_json::from_slice::<Vec<Shape>>(message) else {
            return other(None);
        };
        let ids: Vec<Id> = items.into_iter().filter_map(answer_id).collect();
        return if ids.is_empty() {
            other(None)
        } else {
            Envelope::Answer(ids)
        };
    }
    match serde_json::from_slice::<Shape>(message) {
        Ok(s) if s.method.is_none() && s.id.is_some() => match answer_id(s) {
            Some(id) => Envelope::Answer(vec![id]),
            None => other(None),
        },
        Ok(s) => other(Some(s)),
        Err(_) => other(None),
    }
}

fn answer_id(s: Shape) -> Option<Id> {
    match (s.method, s.id) {
        (None, Some(id)) => Id::from_value(&id),
        _ => None,
    }
}

/// The progress token a client request asks progress for (`params._meta.progressToken`), as
/// JSON text, to match the server's `notifications/progress` with.
pub fn progress_token(params: Option<&serde_json::Value>) -> Option<String> {
    params?
        .get("_meta")?
        .get("progressToken")
        .map(|t| t.to_string())
}

/// The frame for a request body: the cap applies to HTTP bodies as to stdio lines.
pub fn frame_of(body: Bytes, max: usize) -> Frame {
    if body.len() > max {
        let keep = body.len().min(toolgate_mcp::framing::TOO_LONG_PREFIX);
        Frame::TooLong {
            prefix: body.slice(..keep),
        }
    } else {
        Frame::Message(body)
    }
}

#[cfg(test)]
mod tests {
    use super::{Envelope, envelope};
    use toolgate_mcp::Id;

    #[test]
    fn answers_and_server_messages_are_told_apart() {
        let n = |i: i64| Id::Number(i.into());
        assert_eq!(
            envelope(br#"{"jsonrpc":"2.0","id":3,"result":{}}"#),
            Envelope::Answer(vec![n(3)])
        );
        assert_eq!(
            envelope(br#"{"jsonrpc":"2.0","id":"a","method":"elicitation/create","params":{}}"#),
            Envelope::Other { progress: None }
        );
        assert_eq!(
            envelope(
                br#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":7,"progress":1}}"#
            ),
            Envelope::Other {
                progress: Some("7".into())
            }
        );
        assert_eq!(
            envelope(
                br#" [{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","id":2,"error":{}}]"#
            ),
            Envelope::Answer(vec![n(1), n(2)])
        );
    }
}
