//! The 2024-11-05 HTTP+SSE transport, for servers that predate streamable HTTP.
//!
//! The client opens one long `GET` event stream; its first `endpoint` event names the URI to
//! POST messages to (resolved against the stream's URL, and refused unless it is on the same
//! origin: following it elsewhere would hand the operator's credentials and the agent's
//! arguments to another host). Every server message, answers included, arrives on that one
//! stream, so the transport cannot tell which request a message belongs to (`related: None`).
//! Messages are POSTed one after the other, in order. The session lives exactly as long as
//! the stream: when it ends, requests still waiting get an error answer and the connection
//! is over (the 2024-11-05 transport has no resumption).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Response, Url};
use tokio::sync::{mpsc, oneshot};
use toolgate_mcp::{Frame, Id};

use super::UpstreamEnd;
use super::http::connection::{Body, EVENT_STREAM, JSON, Shared, body_kind, describe};
use super::http::message::{Outgoing, answered_ids};
use super::sse::{SseEvent, SseParser};

type Pending = Arc<Mutex<HashSet<Id>>>;

/// An open legacy session: the stream, already read up to its `endpoint` event.
struct Opened {
    endpoint: Url,
    response: Response,
    parser: SseParser,
    /// Events read in the same chunks as the `endpoint` event, to deliver first.
    early: Vec<SseEvent>,
}

/// Runs a legacy session until `to_server` closes or the stream ends. `backlog` holds
/// messages to send before those on `to_server` (after a fallback: the `initialize` the
/// streamable POST got refused, and what queued behind it); `refused` says what that POST
/// got, for the error answer should this transport fail too.
pub(super) async fn run(
    shared: &Arc<Shared>,
    to_server: &mut mpsc::Receiver<Bytes>,
    mut backlog: VecDeque<Bytes>,
    refused: Option<String>,
) -> UpstreamEnd {
    // Nothing is opened before the agent's first message, as for streamable HTTP.
    let first = match backlog.pop_front() {
        Some(body) => body,
        None => match to_server.recv().await {
            Some(body) => body,
            None => return UpstreamEnd::Closed { exit_code: None },
        },
    };
    let opened = match tokio::time::timeout(shared.connect_timeout, open(shared)).await {
        Ok(Ok(opened)) => opened,
        outcome => {
            let why = match outcome {
                Ok(Err(why)) => why,
                _ => format!(
                    "upstream {} named no message endpoint within {} s",
                    shared.shown_url,
                    shared.connect_timeout.as_secs_f32()
                ),
            };
            let message = match refused {
                Some(detail) => format!("{detail}; the legacy HTTP+SSE fallback failed too: {why}"),
                None => why,
            };
            tracing::error!(upstream = %shared.shown_url, "{message}");
            for body in std::iter::once(&first).chain(&backlog) {
                shared.fail(&Outgoing::peek(body).requests, &message).await;
            }
            return UpstreamEnd::Failed {
                message,
                exit_code: None,
            };
        }
    };
    let endpoint = opened.endpoint.clone();
    let pending: Pending = Arc::default();
    let (closed_tx, mut closed) = oneshot::channel();
    let reader = tokio::spawn(read(
        Arc::clone(shared),
        opened,
        Arc::clone(&pending),
        closed_tx,
    ));

    backlog.push_front(first);
    let stop = loop {
        let body = match backlog.pop_front() {
            Some(body) => body,
            None => tokio::select! {
                message = to_server.recv() => match message {
                    Some(body) => body,
                    None => break None,
                },
                why = &mut closed => break Some(why.unwrap_or_default()),
            },
        };
        let requests = Outgoing::peek(&body).requests;
        lock(&pending).extend(requests.iter().cloned());
        let result = tokio::select! {
            result = post(shared, &endpoint, body, &requests) => result,
            why = &mut closed => break Some(why.unwrap_or_default()),
        };
        if let Err(message) = result {
            let failed: Vec<Id> = {
                let mut waiting = lock(&pending);
                requests
                    .into_iter()
                    .filter(|id| waiting.remove(id))
                    .collect()
            };
            if failed.is_empty() {
                tracing::warn!(error = %message, "upstream did not take a message");
            }
            shared.fail(&failed, &message).await;
        }
    };

    shared.cancel.cancel();
    let _ = reader.await;
    let mut waiting: Vec<Id> = lock(&pending).drain().collect();
    // Messages never sent still need an answer.
    waiting.extend(
        backlog
            .iter()
            .flat_map(|body| Outgoing::peek(body).requests),
    );
    match stop {
        None => {
            let message = format!(
                "the session with upstream {} closed before it answered",
                shared.shown_url
            );
            shared.fail_now(&waiting, &message);
            UpstreamEnd::Closed { exit_code: None }
        }
        Some(why) => {
            let message = format!(
                "upstream {} closed its SSE stream ({why}); a legacy HTTP+SSE session cannot resume",
                shared.shown_url
            );
            tracing::error!(upstream = %shared.shown_url, "{message}");
            shared.fail(&waiting, &message).await;
            UpstreamEnd::Failed {
                message,
                exit_code: None,
            }
        }
    }
}

fn lock(pending: &Pending) -> std::sync::MutexGuard<'_, HashSet<Id>> {
    pending.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Opens the stream and reads it up to the `endpoint` event.
async fn open(shared: &Shared) -> Result<Opened, String> {
    let mut response = shared
        .client
        .get(shared.url.clone())
        .headers(shared.headers.clone())
        .header(ACCEPT, EVENT_STREAM)
        .send()
        .await
        .map_err(|err| shared.unreachable(&err))?;
    shared.check_origin(&response)?;
    let status = response.status();
    if !status.is_success() {
        return Err(shared.status_error(response).await);
    }
    if body_kind(&response) != Body::EventStream {
        return Err(format!(
            "upstream {} answered the SSE GET with something other than an event stream",
            shared.shown_url
        ));
    }
    let mut parser = SseParser::new(shared.max_message_bytes);
    let mut events = Vec::new();
    let mut early = Vec::new();
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => {
                return Err(format!(
                    "upstream {} closed its SSE stream before naming a message endpoint",
                    shared.shown_url
                ));
            }
            Err(err) => return Err(shared.unreachable(&err)),
        };
        parser.feed(&chunk, &mut events);
        let mut endpoint = None;
        for event in events.drain(..) {
            if endpoint.is_none() && event.event == "endpoint" {
                endpoint = Some(resolve(shared, &event.data)?);
            } else {
                early.push(event);
            }
        }
        if let Some(endpoint) = endpoint {
            return Ok(Opened {
                endpoint,
                response,
                parser,
                early,
            });
        }
    }
}

/// The POST URI of an `endpoint` event, resolved against the stream URL, same origin only.
fn resolve(shared: &Shared, data: &Frame) -> Result<Url, String> {
    let Frame::Message(bytes) = data else {
        return Err(format!(
            "upstream {} sent an over-long endpoint event",
            shared.shown_url
        ));
    };
    let text = std::str::from_utf8(bytes).map_err(|_| {
        format!(
            "upstream {} sent an endpoint that is not UTF-8",
            shared.shown_url
        )
    })?;
    let endpoint = shared.url.join(text.trim()).map_err(|err| {
        format!(
            "upstream {} sent an endpoint that is not a URI: {err}",
            shared.shown_url
        )
    })?;
    if endpoint.origin() != shared.url.origin() {
        return Err(format!(
            "upstream {} named a message endpoint on another origin ({}); refusing to post there",
            shared.shown_url,
            endpoint.origin().ascii_serialization()
        ));
    }
    Ok(endpoint)
}

/// Delivers every message event of the stream until it ends or the session closes, and
/// crosses answered requests off `pending`. Says how the stream ended on `closed`.
async fn read(
    shared: Arc<Shared>,
    opened: Opened,
    pending: Pending,
    closed: oneshot::Sender<String>,
) {
    let Opened {
        mut response,
        mut parser,
        early,
        ..
    } = opened;
    let deliver = |events: Vec<SseEvent>| {
        let shared = Arc::clone(&shared);
        let pending = Arc::clone(&pending);
        async move {
            for event in events {
                if !event.is_message() {
                    continue;
                }
                if let Frame::Message(bytes) = &event.data
                    && bytes.iter().all(u8::is_ascii_whitespace)
                {
                    continue;
                }
                // Crossed off first, so a failing POST cannot answer it a second time.
                {
                    let mut waiting = lock(&pending);
                    for id in answered_ids(&event.data) {
                        waiting.remove(&id);
                    }
                }
                shared.emit(event.data, None).await;
            }
        }
    };
    let reading = async {
        deliver(early).await;
        let mut events = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    parser.feed(&chunk, &mut events);
                    deliver(std::mem::take(&mut events)).await;
                }
                Ok(None) => return String::from("it ended"),
                Err(err) => return describe(&err),
            }
        }
    };
    tokio::select! {
        why = reading => {
            let _ = closed.send(why);
        }
        () = shared.cancel.cancelled() => {}
    }
}

/// POSTs one message to the endpoint; the answer comes on the stream.
async fn post(shared: &Shared, endpoint: &Url, body: Bytes, requests: &[Id]) -> Result<(), String> {
    let started = Instant::now();
    let sent = shared
        .client
        .post(endpoint.clone())
        .headers(shared.headers.clone())
        .header(CONTENT_TYPE, JSON)
        .body(body)
        .send()
        .await;
    let ms = started.elapsed().as_millis() as u64;
    let id = requests.first().map(ToString::to_string);
    let response = sent.map_err(|err| {
        let message = shared.unreachable(&err);
        tracing::debug!(id, ms, error = %message, "legacy POST failed");
        message
    })?;
    let status = response.status();
    tracing::debug!(id, status = status.as_u16(), ms, "legacy POST");
    shared.check_origin(&response)?;
    if !status.is_success() {
        return Err(shared.status_error(response).await);
    }
    Ok(())
}
