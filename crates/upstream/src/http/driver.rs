//! The streamable-HTTP session driver: takes messages off `to_server`, starts one POST task
//! per message, opens the GET stream once the session is initialized (and, for an HTTP
//! agent, once it opened its own GET stream), and ends the session
//! (DELETE, or a clear failure) when the agent leaves or the server is gone.
//!
//! An `initialize` and the `notifications/initialized` after it hold back what follows until
//! they are through: the session id and protocol version they yield go on every later
//! request, and a server must see `initialized` before other requests. Held-back messages
//! wait in a backlog (bounded, so the agent feels backpressure) rather than in the channel,
//! so that the agent going away is noticed even while a slow `initialize` is pending.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

use super::HttpProtocol;
use super::connection::{DriverEvent, Shared, describe};
use super::get;
use super::message::Outgoing;
use super::post::{InitOutcome, Post};
use crate::{QUEUE, UpstreamEnd};

/// How a streamable session ended.
pub(super) enum Streamable {
    Ended(UpstreamEnd),
    /// The server refused the first `initialize` like a 2024-11-05 server: go legacy,
    /// starting with `backlog` (that initialize, then what queued behind it). `refused`
    /// says what the POST got.
    Fallback {
        backlog: VecDeque<Bytes>,
        refused: String,
    },
}

enum Stop {
    Closed,
    Failed(String),
    Fallback(String),
}

struct Driver<'a> {
    shared: &'a Arc<Shared>,
    protocol: HttpProtocol,
    tasks: JoinSet<()>,
    /// Set while a message holds back the ones after it.
    gate: Option<oneshot::Receiver<InitOutcome>>,
    /// Messages waiting for the gate.
    backlog: VecDeque<Bytes>,
    /// The first initialize in Auto mode, kept to re-send over the legacy transport.
    held: Option<Bytes>,
    first: bool,
    listening: bool,
    /// `Some` while the GET stream waits for the agent to listen (see [`Unsolicited`]).
    ///
    /// [`Unsolicited`]: crate::Unsolicited
    agent_listens: Option<watch::Receiver<bool>>,
}

/// Runs the session until the agent leaves, the server is gone, or the server turns out to
/// speak only the legacy transport.
pub(super) async fn run(
    shared: &Arc<Shared>,
    to_server: &mut mpsc::Receiver<Bytes>,
    mut events: mpsc::UnboundedReceiver<DriverEvent>,
    protocol: HttpProtocol,
    agent_listens: Option<watch::Receiver<bool>>,
) -> Streamable {
    let mut driver = Driver {
        shared,
        protocol,
        tasks: JoinSet::new(),
        gate: None,
        backlog: VecDeque::new(),
        held: None,
        first: true,
        listening: false,
        agent_listens,
    };
    let stop = loop {
        while driver.gate.is_none()
            && let Some(body) = driver.backlog.pop_front()
        {
            driver.dispatch(body);
        }
        tokio::select! {
            Some(event) = events.recv() => match event {
                DriverEvent::Fatal(message) => break Stop::Failed(message),
                DriverEvent::Initialized => driver.listen(),
            },
            outcome = wait(&mut driver.gate) => {
                driver.gate = None;
                if let (InitOutcome::Fallback(refused), Some(initialize)) =
                    (outcome, driver.held.take())
                {
                    driver.backlog.push_front(initialize);
                    break Stop::Fallback(refused);
                }
            }
            Some(_) = driver.tasks.join_next(), if !driver.tasks.is_empty() => {}
            message = to_server.recv(), if driver.backlog.len() < QUEUE => match message {
                Some(body) => driver.backlog.push_back(body),
                None => break Stop::Closed,
            },
        }
    };
    driver.finish(stop).await
}

impl Driver<'_> {
    /// Starts the POST task of one message.
    fn dispatch(&mut self, body: Bytes) {
        let shared = self.shared;
        let out = Outgoing::peek(&body);
        let holds = !shared.stateless && (out.is_initialize() || out.is_initialized_notification());
        let may_fall_back = self.first
            && self.protocol == HttpProtocol::Auto
            && !shared.stateless
            && out.is_initialize()
            && !out.declares_stateless();
        self.first = false;
        let gate = holds.then(|| {
            let (tx, rx) = oneshot::channel();
            self.gate = Some(rx);
            tx
        });
        if may_fall_back {
            self.held = Some(body.clone());
        }
        self.tasks.spawn(
            Post {
                shared: Arc::clone(shared),
                body,
                out,
                gate,
                may_fall_back,
            }
            .run(),
        );
    }

    /// Opens the GET stream, once, for a stateful session (when the agent listens, if that
    /// was asked for).
    fn listen(&mut self) {
        if !self.listening && !self.shared.stateless {
            self.listening = true;
            self.tasks
                .spawn(get::run(Arc::clone(self.shared), self.agent_listens.take()));
        }
    }

    async fn finish(mut self, stop: Stop) -> Streamable {
        let shared = self.shared;
        let message = match stop {
            Stop::Fallback(refused) => {
                while self.tasks.join_next().await.is_some() {}
                return Streamable::Fallback {
                    backlog: self.backlog,
                    refused,
                };
            }
            Stop::Closed => format!(
                "the session with upstream {} closed before it answered",
                shared.shown_url
            ),
            Stop::Failed(ref message) => {
                tracing::error!(upstream = %shared.shown_url, "{message}");
                message.clone()
            }
        };
        shared.set_end_reason(&message);
        shared.cancel.cancel();
        while self.tasks.join_next().await.is_some() {}
        // Requests never sent still need an answer.
        for body in self.backlog.drain(..) {
            shared.fail_now(&Outgoing::peek(&body).requests, &message);
        }
        match stop {
            Stop::Closed => {
                delete_session(shared).await;
                Streamable::Ended(UpstreamEnd::Closed { exit_code: None })
            }
            _ => Streamable::Ended(UpstreamEnd::Failed {
                message,
                exit_code: None,
            }),
        }
    }
}

/// What the held-back message became; never resolves while nothing is held back.
async fn wait(gate: &mut Option<oneshot::Receiver<InitOutcome>>) -> InitOutcome {
    match gate {
        // A dropped sender: the POST task ended without a verdict, which is "go on".
        Some(rx) => rx.await.unwrap_or(InitOutcome::Ready),
        None => std::future::pending().await,
    }
}

/// Ends the session politely: `DELETE` with its id (a 405 just means the server does not
/// let clients end sessions).
async fn delete_session(shared: &Shared) {
    if shared.session_id().is_none() {
        return;
    }
    let request = shared.request(Method::DELETE, &shared.url, None).send();
    match tokio::time::timeout(shared.connect_timeout, request).await {
        Ok(Ok(response)) => {
            tracing::debug!(upstream = %shared.shown_url, status = response.status().as_u16(), "DELETE session");
        }
        Ok(Err(err)) => {
            tracing::debug!(upstream = %shared.shown_url, error = %describe(&err), "DELETE session failed");
        }
        Err(_) => tracing::debug!(upstream = %shared.shown_url, "DELETE session timed out"),
    }
}
