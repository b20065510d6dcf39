//! Streamable HTTP with sessions (MCP 2025-03-26 to 2025-11-25) at `/mcp`.
//!
//! `POST initialize` creates a session (a [`Server`] of its own and a random
//! `Mcp-Session-Id`); later requests must carry the id (400 without, 404 for one that is
//! unknown or ended). A POST holding requests is answered with `application/json` when the
//! answer is all there is to say, or with an event stream when the server has something to
//! send first (progress, or a server→client request such as elicitation) and then the
//! answer: the decision waits for the first message, so a quick call costs no stream. POSTs
//! of notifications and responses get 202. `GET` opens the session's standalone stream, for
//! messages tied to no request (and list changes, which concern the whole session); `DELETE`
//! ends the session.
//!
//! A router task per session takes the server's output and puts each message on the stream
//! of the request it belongs to ([`Route`]); what has no open stream there goes to the
//! standalone stream, or is dropped when none is open (a client that did not ask to listen).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::posted::{join, read_body};
use super::sse::{self, EventWriter, Step};
use super::{
    App, Refused, SessionMap, accepts, check_origin, header_str, json_response, random_id, refuse,
};
use crate::outbound::{Out, Outbound, Route};
use crate::rpc::{INVALID_REQUEST, id_key};
use crate::{SUPPORTED_PROTOCOL_VERSIONS, Server};

const SESSION_HEADER: &str = "mcp-session-id";
/// JSON-RPC code for "no such session" in the 404's body (the status is what clients act on).
const SESSION_NOT_FOUND: i64 = -32001;

struct Streamable {
    app: Arc<App>,
    sessions: SessionMap<Session>,
}

pub(super) fn router(app: Arc<App>) -> Router {
    let state = Arc::new(Streamable {
        app,
        sessions: SessionMap::default(),
    });
    Router::new()
        .route("/mcp", post(on_post).get(on_get).delete(on_delete))
        .with_state(state)
}

/// What a POST's stream receives from the router.
enum Frame {
    /// A message sent while serving one of the POST's requests.
    Interim(Vec<u8>),
    /// The answer to one of its requests.
    Final(Vec<u8>),
    /// One of its requests was cancelled and will never be answered.
    Cancelled,
}

#[derive(Default)]
struct Streams {
    /// Open POSTs by the id key of each request they carry, with the POST's stream number.
    posts: HashMap<String, (u64, mpsc::UnboundedSender<Frame>)>,
    /// The GET stream, with its stream number.
    standalone: Option<(u64, mpsc::UnboundedSender<Bytes>)>,
}

struct Session {
    server: Arc<Server>,
    streams: Mutex<Streams>,
    next_stream: AtomicU64,
    /// The router and the stop watcher, ended with the session.
    tasks: Mutex<Vec<AbortHandle>>,
}

impl Session {
    fn start(app: &Arc<App>) -> Arc<Session> {
        let (server, mut out) = app.new_server();
        let session = Arc::new(Session {
            server,
            streams: Mutex::default(),
            next_stream: AtomicU64::new(1),
            tasks: Mutex::default(),
        });
        let watcher = app.watch(&session.server);
        let router = {
            let session = Arc::clone(&session);
            tokio::spawn(async move {
                while let Some(out) = out.recv().await {
                    if let Out::Message(message) = out {
                        session.route(message);
                    }
                }
            })
        };
        session
            .tasks
            .lock()
            .expect("tasks lock")
            .extend([watcher, router.abort_handle()]);
        session
    }

    /// Puts one message on the stream it belongs to.
    fn route(&self, message: Outbound) {
        let mut streams = self.streams.lock().expect("streams lock");
        let bytes = match message.route {
            Route::Answer(key) => {
                match streams.posts.remove(&key) {
                    Some((_, tx)) => {
                        if tx.send(Frame::Final(message.bytes)).is_err() {
                            tracing::debug!(request = %key, "answer dropped: the client left");
                        }
                    }
                    // Answers go only where they were asked for.
                    None => tracing::debug!(request = %key, "answer dropped: no open POST"),
                }
                return;
            }
            Route::During {
                request,
                session_level,
            } => {
                let prefer_standalone = session_level && streams.standalone.is_some();
                match streams.posts.get(&request) {
                    Some((_, tx)) if !prefer_standalone => {
                        match tx.send(Frame::Interim(message.bytes)) {
                            Ok(()) => return,
                            // The client left that POST: the standalone stream may still
                            // reach it.
                            Err(mpsc::error::SendError(frame)) => match frame {
                                Frame::Interim(bytes) => bytes,
                                Frame::Final(_) | Frame::Cancelled => return,
                            },
                        }
                    }
                    _ => message.bytes,
                }
            }
            Route::Unrelated => message.bytes,
        };
        let Some((number, tx)) = &streams.standalone else {
            tracing::debug!("message dropped: no standalone stream is open");
            return;
        };
        let number = *number;
        if tx.send(Bytes::from(bytes)).is_err() {
            tracing::debug!(
                stream = number,
                "message dropped: the standalone stream closed"
            );
            streams.standalone = None;
        }
    }

    fn stream_number(&self) -> u64 {
        self.next_stream.fetch_add(1, Ordering::Relaxed)
    }

    /// Ends the session: tools waiting for the client fail, calls stop, open POSTs end.
    fn end(&self) {
        self.server.close_input("the HTTP session ended");
        self.server.abort_inflight();
        for task in self.tasks.lock().expect("tasks lock").drain(..) {
            task.abort();
        }
        *self.streams.lock().expect("streams lock") = Streams::default();
    }
}

/// Unregisters a POST's requests when its response ends (answered, or the client left).
struct PostGuard {
    session: Arc<Session>,
    number: u64,
    keys: Vec<String>,
}

impl Drop for PostGuard {
    fn drop(&mut self) {
        let mut streams = self.session.streams.lock().expect("streams lock");
        for key in &self.keys {
            if streams
                .posts
                .get(key)
                .is_some_and(|(n, _)| *n == self.number)
            {
                streams.posts.remove(key);
            }
        }
    }
}

/// The session a request names: 400 without the header, 404 when unknown.
fn find_session(state: &Streamable, headers: &HeaderMap) -> Result<Arc<Session>, Refused> {
    let Some(id) = header_str(headers, SESSION_HEADER) else {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Bad Request: the Mcp-Session-Id header is required (send initialize first)",
        ));
    };
    state.sessions.get(id).ok_or_else(|| {
        Refused::new(
            StatusCode::NOT_FOUND,
            SESSION_NOT_FOUND,
            "Session not found: it ended or never existed; initialize a new one",
        )
    })
}

async fn on_post(
    State(state): State<Arc<Streamable>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = check_origin(&headers) {
        return refused.into_response();
    }
    let (json_ok, sse_ok) = accepts(&headers);
    if !json_ok && !sse_ok {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            &Value::Null,
            INVALID_REQUEST,
            "Not Acceptable: accept application/json and text/event-stream",
        );
    }
    state.app.log(&body).await;
    let body = match read_body(&body) {
        Ok(body) => body,
        Err(refused) => return refused.into_response(),
    };
    if let Some(version) = header_str(&headers, "mcp-protocol-version")
        && !body.initialize
        && !SUPPORTED_PROTOCOL_VERSIONS.contains(&version)
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            &Value::Null,
            INVALID_REQUEST,
            format!(
                "Bad Request: unsupported MCP-Protocol-Version {version:?}; supported: {}",
                SUPPORTED_PROTOCOL_VERSIONS.join(", ")
            ),
        );
    }
    let (session, new_id) = if body.initialize {
        let id = random_id();
        let session = Session::start(&state.app);
        state.sessions.insert(id.clone(), Arc::clone(&session));
        tracing::debug!(session = %id, "session started");
        (session, Some(id))
    } else {
        match find_session(&state, &headers) {
            Ok(session) => (session, None),
            Err(refused) => return refused.into_response(),
        }
    };
    if body.requests.is_empty() {
        for message in body.messages {
            forget_if_cancelled(&session, &message);
            session.server.handle_message(message);
        }
        return StatusCode::ACCEPTED.into_response();
    }
    let number = session.stream_number();
    let (tx, rx) = mpsc::unbounded_channel();
    {
        let mut streams = session.streams.lock().expect("streams lock");
        if let Some(busy) = body
            .requests
            .iter()
            .find(|k| streams.posts.contains_key(*k))
        {
            return refuse(
                StatusCode::BAD_REQUEST,
                &Value::Null,
                INVALID_REQUEST,
                format!("Invalid Request: request id {busy} is already in flight in this session"),
            );
        }
        for key in &body.requests {
            streams.posts.insert(key.clone(), (number, tx.clone()));
        }
    }
    drop(tx);
    let guard = PostGuard {
        session: Arc::clone(&session),
        number,
        keys: body.requests.clone(),
    };
    for message in body.messages {
        forget_if_cancelled(&session, &message);
        session.server.handle_message(message);
    }
    let answer = Answer {
        rx,
        guard,
        expected: body.requests.len(),
        batch: body.batch,
        json_ok,
        sse_ok,
    };
    let mut response = answer.respond().await;
    if let Some(id) = new_id
        && let Ok(value) = HeaderValue::from_str(&id)
    {
        response.headers_mut().insert(SESSION_HEADER, value);
    }
    response
}

/// A `notifications/cancelled` ends the wait of the POST carrying that request: per the
/// spec a cancelled request is never answered, so its stream would otherwise stay open.
fn forget_if_cancelled(session: &Session, message: &Value) {
    if message.get("method").and_then(Value::as_str) != Some("notifications/cancelled") {
        return;
    }
    let Some(request) = message.pointer("/params/requestId") else {
        return;
    };
    let removed = session
        .streams
        .lock()
        .expect("streams lock")
        .posts
        .remove(&id_key(request));
    if let Some((_, tx)) = removed {
        let _ = tx.send(Frame::Cancelled);
    }
}

/// The answer to a POST holding requests, from the first frame on.
struct Answer {
    rx: mpsc::UnboundedReceiver<Frame>,
    guard: PostGuard,
    /// How many requests still need their answer (or cancellation).
    expected: usize,
    batch: bool,
    json_ok: bool,
    sse_ok: bool,
}

impl Answer {
    async fn respond(mut self) -> Response {
        // Answers gathered while everything so far is an answer: maybe JSON suffices.
        let mut answers: Vec<Vec<u8>> = Vec::new();
        let mut first_interim = None;
        while self.expected > 0 {
            match self.rx.recv().await {
                Some(Frame::Final(bytes)) => {
                    self.expected -= 1;
                    answers.push(bytes);
                }
                Some(Frame::Cancelled) => self.expected -= 1,
                Some(Frame::Interim(bytes)) if self.sse_ok => {
                    first_interim = Some(bytes);
                    break;
                }
                // A client that takes no event stream cannot get these; they are dropped.
                Some(Frame::Interim(_)) => {}
                None => return self.ended(answers),
            }
        }
        if first_interim.is_none() && self.json_ok && !answers.is_empty() {
            return json_response(StatusCode::OK, join(answers, self.batch));
        }
        let mut writer = EventWriter::with_ids(format!("p{}", self.guard.number));
        let mut first: Vec<Bytes> = answers.iter().map(|a| writer.message(a)).collect();
        if let Some(interim) = first_interim {
            first.push(writer.message(&interim));
        }
        let mut expected = self.expected;
        let map = move |frame: Frame| {
            let bytes = match frame {
                Frame::Interim(bytes) => return Step::Send(writer.message(&bytes)),
                Frame::Final(bytes) => Some(writer.message(&bytes)),
                Frame::Cancelled => None,
            };
            expected = expected.saturating_sub(1);
            match (expected, bytes) {
                (0, bytes) => Step::End(bytes),
                (_, Some(bytes)) => Step::Send(bytes),
                (_, None) => Step::Skip,
            }
        };
        if self.expected == 0 {
            // Everything is answered (or cancelled) already: the stream is just `first`.
            return sse::response(Body::from_stream(futures::stream::iter(
                first.into_iter().map(Ok::<_, Infallible>),
            )));
        }
        // Not cut short by a stop: the answer may be on its way through the router, and the
        // stop's grace period bounds the wait.
        let body = sse::until_stopped(first, self.rx, None, map, self.guard);
        sse::response(body)
    }

    /// The router let go of this POST before every answer came: the session ended.
    fn ended(self, answers: Vec<Vec<u8>>) -> Response {
        if !answers.is_empty() && self.json_ok {
            return json_response(StatusCode::OK, join(answers, self.batch));
        }
        refuse(
            StatusCode::NOT_FOUND,
            &Value::Null,
            SESSION_NOT_FOUND,
            "Session not found: the session ended before the request was answered",
        )
    }
}

async fn on_get(State(state): State<Arc<Streamable>>, headers: HeaderMap) -> Response {
    if let Err(refused) = check_origin(&headers) {
        return refused.into_response();
    }
    if !accepts(&headers).1 {
        return refuse(
            StatusCode::NOT_ACCEPTABLE,
            &Value::Null,
            INVALID_REQUEST,
            "Not Acceptable: GET opens an event stream; accept text/event-stream",
        );
    }
    let session = match find_session(&state, &headers) {
        Ok(session) => session,
        Err(refused) => return refused.into_response(),
    };
    // Nothing is kept for replay; a response stream cut short cannot be resumed, and saying
    // so beats handing the client a stream where its answer will never come.
    if header_str(&headers, "last-event-id").is_some_and(|id| id.starts_with('p')) {
        return refuse(
            StatusCode::BAD_REQUEST,
            &Value::Null,
            INVALID_REQUEST,
            "Bad Request: this server does not replay response streams (Last-Event-ID)",
        );
    }
    let number = session.stream_number();
    let (tx, rx) = mpsc::unbounded_channel();
    // A newer GET replaces an older one (whose client may be gone without our noticing):
    // dropping the old sender ends the old stream.
    session.streams.lock().expect("streams lock").standalone = Some((number, tx));
    let mut writer = EventWriter::with_ids(format!("g{number}"));
    let body = sse::until_stopped(
        Vec::new(),
        rx,
        Some(state.app.stop.subscribe()),
        move |bytes: Bytes| Step::Send(writer.message(&bytes)),
        (),
    );
    sse::response(body)
}

async fn on_delete(State(state): State<Arc<Streamable>>, headers: HeaderMap) -> Response {
    if let Err(refused) = check_origin(&headers) {
        return refused.into_response();
    }
    if let Err(refused) = find_session(&state, &headers) {
        return refused.into_response();
    }
    let removed = header_str(&headers, SESSION_HEADER).and_then(|id| state.sessions.remove(id));
    if let Some(session) = removed {
        session.end();
        tracing::debug!("session ended by DELETE");
    }
    StatusCode::OK.into_response()
}
