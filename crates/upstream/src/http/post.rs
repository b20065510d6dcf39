//! One message POSTed to a streamable-HTTP server, and its answer read back.
//!
//! Each message is its own task, so a slow tool call never holds back the others. The task
//! owes an answer for every request it carried: the server's (a JSON body, or a `message`
//! event on the response stream, resumed with `Last-Event-ID` when the stream is cut), or,
//! when the server never gave one, a JSON-RPC error the pipeline settles as "did not run".

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, StatusCode};
use reqwest::{RequestBuilder, Response};
use tokio::sync::oneshot;
use toolgate_mcp::{Frame, Id};

use super::connection::{
    Body, DriverEvent, MCP_METHOD, MCP_NAME, SESSION_EXPIRED, SESSION_ID, Shared, backoff,
    body_kind, describe, is_outage, read_json,
};
use super::message::{Outgoing, answered_ids, mirrored_header_value, negotiated_version};
use crate::sse::{SseEvent, SseParser};

/// Tries to resume a cut response stream before giving up on its answer.
const MAX_RESUME_ATTEMPTS: u32 = 3;
/// The first resumption delay when the server named none (`retry:`).
const RESUME_BASE: Duration = Duration::from_millis(250);

/// What became of an `initialize` the driver is holding later messages for.
#[derive(Debug)]
pub(super) enum InitOutcome {
    /// Answered (or failed for good): later messages may go.
    Ready,
    /// Auto mode, and the server refused the POST the way a 2024-11-05 server does: try the
    /// legacy HTTP+SSE transport. The text says what the POST got, for the error answer if
    /// that fails too.
    Fallback(String),
}

/// One message on its way.
pub(super) struct Post {
    pub shared: Arc<Shared>,
    pub body: Bytes,
    pub out: Outgoing,
    /// Opened once this message no longer holds back the ones after it.
    pub gate: Option<oneshot::Sender<InitOutcome>>,
    /// The first `initialize` in Auto mode: a 400, 404 or 405 means "try legacy SSE".
    pub may_fall_back: bool,
}

enum Failure {
    /// The server never answered; the text says why.
    Unanswered(String),
    /// The connection is ending.
    Cancelled,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Unanswered(message)
    }
}

impl Post {
    pub async fn run(mut self) {
        let shared = Arc::clone(&self.shared);
        let mut pending = self.out.requests.clone();
        let result = tokio::select! {
            result = self.exchange(&mut pending) => result,
            () = shared.cancel.cancelled() => Err(Failure::Cancelled),
        };
        let message = match result {
            Ok(()) if pending.is_empty() => return,
            Ok(()) => format!(
                "upstream {} finished its answer without a response to this request",
                shared.shown_url
            ),
            Err(Failure::Cancelled) => {
                shared.fail_now(&pending, &shared.end_reason());
                return;
            }
            Err(Failure::Unanswered(message)) => message,
        };
        if pending.is_empty() {
            // A notification or a response to the server: no one waits for an answer.
            tracing::warn!(method = self.method(), error = %message, "upstream did not take a message");
        } else {
            shared.fail(&pending, &message).await;
        }
    }

    fn method(&self) -> &str {
        self.out.method.as_deref().unwrap_or("(response)")
    }

    async fn exchange(&mut self, pending: &mut Vec<Id>) -> Result<(), Failure> {
        let shared = Arc::clone(&self.shared);
        let started = Instant::now();
        let sent_session = shared.session_id().is_some();
        let sent = self.request().send().await;
        let ms = started.elapsed().as_millis() as u64;
        let id = self.out.related().map(ToString::to_string);
        let mut response = match sent {
            Ok(response) => response,
            Err(err) => {
                let message = shared.unreachable(&err);
                tracing::debug!(method = self.method(), id, ms, error = %message, "POST failed");
                shared.record_unreachable(&message);
                return Err(message.into());
            }
        };
        let status = response.status();
        tracing::debug!(
            method = self.method(),
            id,
            status = status.as_u16(),
            ms,
            "POST"
        );
        shared.check_origin(&response)?;
        if is_outage(status) {
            shared.record_unreachable(&format!("answered {status}"));
        } else {
            shared.record_reachable();
        }
        if status == StatusCode::NOT_FOUND && sent_session {
            tracing::error!(upstream = %shared.shown_url, "upstream session expired (404)");
            shared.fatal(SESSION_EXPIRED.to_owned());
            return Err(SESSION_EXPIRED.to_owned().into());
        }
        if self.may_fall_back
            && matches!(
                status,
                StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            )
        {
            let detail = shared.status_error(response).await;
            if let Some(gate) = self.gate.take() {
                let _ = gate.send(InitOutcome::Fallback(detail));
            }
            // The legacy transport re-sends this initialize and owes its answer now.
            pending.clear();
            return Ok(());
        }
        if !status.is_success() {
            return Err(shared.status_error(response).await.into());
        }
        if self.out.is_initialize()
            && let Some(session) = response.headers().get(SESSION_ID)
        {
            shared.set_session_id(session);
        }
        if self.out.is_initialized_notification() {
            shared.send_event(DriverEvent::Initialized);
        }
        if status == StatusCode::ACCEPTED {
            if !pending.is_empty() {
                // Only notifications and responses should get 202; a server doing this may
                // still answer on the GET stream, so do not answer for it.
                tracing::warn!(
                    method = self.method(),
                    id,
                    "upstream answered 202 to a request"
                );
                pending.clear();
            }
            return Ok(());
        }
        match body_kind(&response) {
            Body::Json => {
                let frame = read_json(&mut response, shared.max_message_bytes)
                    .await
                    .map_err(|err| {
                        format!(
                            "upstream {} broke off its answer: {}",
                            shared.shown_url,
                            describe(&err)
                        )
                    })?;
                if let Frame::Message(bytes) = &frame
                    && bytes.iter().all(u8::is_ascii_whitespace)
                {
                    return Ok(());
                }
                let cut = matches!(frame, Frame::TooLong { .. });
                self.deliver(frame, pending).await;
                if cut {
                    // The body was the answer, too big to pass: the pipeline answers it as
                    // such, by the related id.
                    pending.clear();
                }
                Ok(())
            }
            Body::EventStream => self.stream(response, pending).await,
            Body::Other if pending.is_empty() => Ok(()),
            Body::Other => Err(format!(
                "upstream {} answered {status} with neither JSON nor an event stream",
                shared.shown_url
            )
            .into()),
        }
    }

    /// The POST with the 2026-07-28 mirror headers when the message is stateless.
    fn request(&self) -> RequestBuilder {
        let stateless = self.shared.stateless || self.out.declares_stateless();
        let version = self
            .out
            .meta_version
            .as_deref()
            .filter(|_| stateless)
            .and_then(|v| HeaderValue::from_str(v).ok());
        if let Some(version) = self.out.meta_version.as_deref().filter(|_| stateless) {
            // Later messages without their own version (notifications) send the last one.
            self.shared.set_protocol_version(version);
        }
        let mut request = self.shared.post(self.body.clone(), version);
        if stateless {
            if let Some(method) = self.out.method.as_deref().and_then(mirrored_header_value) {
                request = request.header(MCP_METHOD, method);
            }
            if let Some(name) = self.out.name.as_deref().and_then(mirrored_header_value) {
                request = request.header(MCP_NAME, name);
            }
        }
        request
    }

    /// Passes one server message on and crosses off the requests it answers.
    async fn deliver(&mut self, frame: Frame, pending: &mut Vec<Id>) {
        let answered = answered_ids(&frame);
        if self.out.is_initialize()
            && let Some(id) = self.out.related()
            && answered.contains(id)
            && let Some(version) = negotiated_version(&frame, id)
        {
            self.shared.set_protocol_version(&version);
            self.shared.establish();
        }
        if self.shared.stateless && !answered.is_empty() {
            self.shared.establish();
        }
        self.shared.emit(frame, self.out.related().cloned()).await;
        let before = pending.len();
        pending.retain(|id| !answered.contains(id));
        if before > 0
            && pending.is_empty()
            && let Some(gate) = self.gate.take()
        {
            let _ = gate.send(InitOutcome::Ready);
        }
    }

    async fn deliver_event(&mut self, event: SseEvent, pending: &mut Vec<Id>) {
        if !event.is_message() {
            tracing::debug!(event = %event.event, "ignoring a non-message event");
            return;
        }
        // An event with empty data only primes the stream with an id (2025-11-25).
        if let Frame::Message(bytes) = &event.data
            && bytes.iter().all(u8::is_ascii_whitespace)
        {
            return;
        }
        self.deliver(event.data, pending).await;
    }

    /// Reads an event-stream answer until the stream ends, resuming it while requests wait.
    async fn stream(
        &mut self,
        mut response: Response,
        pending: &mut Vec<Id>,
    ) -> Result<(), Failure> {
        let shared = Arc::clone(&self.shared);
        let mut parser = SseParser::new(shared.max_message_bytes);
        let mut events = Vec::new();
        let mut attempts = 0;
        loop {
            let broke = loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        let before = parser.last_event_id().map(str::to_owned);
                        parser.feed(&chunk, &mut events);
                        if !events.is_empty() || parser.last_event_id() != before.as_deref() {
                            // Progress: a server that polls (closes and expects a resume)
                            // may cut the stream many times.
                            attempts = 0;
                        }
                        for event in events.drain(..) {
                            self.deliver_event(event, pending).await;
                        }
                    }
                    Ok(None) => break None,
                    Err(err) => break Some(describe(&err)),
                }
            };
            if pending.is_empty() {
                return Ok(());
            }
            let how = broke.map_or_else(|| String::from("ended"), |e| format!("broke off ({e})"));
            let resumable = !shared.stateless && !self.out.declares_stateless();
            let Some(last) = parser
                .last_event_id()
                .filter(|_| resumable)
                .map(str::to_owned)
            else {
                return Err(format!(
                    "upstream {} {how} its response stream before answering",
                    shared.shown_url
                )
                .into());
            };
            response = self.resume(&parser, &last, &mut attempts, &how).await?;
            parser.restart();
        }
    }

    /// Re-opens a cut stream with `GET` and `Last-Event-ID`, a few times with backoff.
    async fn resume(
        &self,
        parser: &SseParser,
        last: &str,
        attempts: &mut u32,
        how: &str,
    ) -> Result<Response, Failure> {
        let shared = &self.shared;
        let gave_up = |why: String| {
            format!(
                "upstream {} {how} its response stream before answering, and {why}",
                shared.shown_url
            )
        };
        loop {
            if *attempts >= MAX_RESUME_ATTEMPTS {
                return Err(gave_up(format!(
                    "{MAX_RESUME_ATTEMPTS} attempts to resume it failed"
                ))
                .into());
            }
            let delay = parser
                .retry()
                .unwrap_or_else(|| backoff(RESUME_BASE, *attempts));
            *attempts += 1;
            tracing::warn!(
                upstream = %shared.shown_url,
                attempt = *attempts,
                delay_ms = delay.as_millis() as u64,
                "response stream {how} before its answer; resuming with Last-Event-ID"
            );
            tokio::time::sleep(delay).await;
            let response = match shared.get_stream(Some(last)).send().await {
                Ok(response) => response,
                Err(err) => {
                    let message = shared.unreachable(&err);
                    if shared.record_unreachable(&message) {
                        return Err(message.into());
                    }
                    continue;
                }
            };
            shared.check_origin(&response)?;
            let status = response.status();
            if status == StatusCode::NOT_FOUND && shared.session_id().is_some() {
                tracing::error!(upstream = %shared.shown_url, "upstream session expired (404)");
                shared.fatal(SESSION_EXPIRED.to_owned());
                return Err(SESSION_EXPIRED.to_owned().into());
            }
            if status.is_success() && body_kind(&response) == Body::EventStream {
                shared.record_reachable();
                return Ok(response);
            }
            if status == StatusCode::METHOD_NOT_ALLOWED {
                return Err(
                    gave_up(String::from("it cannot be resumed (GET answered 405)")).into(),
                );
            }
            if is_outage(status) {
                shared.record_unreachable(&format!("answered {status}"));
            }
            tracing::warn!(upstream = %shared.shown_url, status = status.as_u16(), "resuming a response stream failed");
        }
    }
}
