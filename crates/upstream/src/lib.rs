//! The server side of a session, whatever carries it: a child process on stdio
//! ([`child`]) or a remote server over streamable HTTP / legacy HTTP+SSE ([`http`]).
//!
//! Every upstream is the same pair of queues ([`UpstreamConn`]), so the pipeline and the
//! inbound transports never know which one they talk to. Failures the server never answered
//! (a refused connection, an HTTP 5xx, a dropped stream) come back as JSON-RPC error
//! responses for the request they hit, so the pipeline settles (refunds) them like any other
//! "the tool did not run" answer.
//!
//! The queue to the server is an [`UpstreamWriter`] (from the pipeline crate): it only takes
//! what the pipeline let through.
// `deny`, not `forbid`: one function may opt out, `die_with_parent` (the few lines that run
// in a forked child before it execs the server), with its own `allow` and reasons.
#![deny(unsafe_code)]

pub mod child;
mod die_with_parent;
pub mod http;
mod legacy;
pub mod shared_child;
mod sse;

use tokio::sync::{mpsc, oneshot};
use toolgate_mcp::{Frame, Id};

pub use toolgate_pipeline::intercept::{UpstreamClosed, UpstreamWriter};

/// How many messages each direction may queue before the sender waits.
pub const QUEUE: usize = 1024;

/// One MCP session with the server.
pub struct UpstreamConn {
    /// Messages for the server, only as the pipeline let them through. Dropping the writer
    /// ends the session politely (stdio: closes the child's stdin; HTTP: `DELETE` of the
    /// session).
    pub to_server: UpstreamWriter,
    /// Messages from the server, framed: one over the size cap arrives as
    /// [`Frame::TooLong`].
    pub from_server: mpsc::Receiver<FromServer>,
    /// Resolves once, when the session with the server is over, saying why.
    pub ended: oneshot::Receiver<UpstreamEnd>,
    /// Opens the server's stream of unsolicited messages when it was deferred.
    pub server_stream: ServerStream,
}

/// When an HTTP upstream's stream of unsolicited server messages (its `GET` stream) opens.
/// Other upstreams have one channel for everything and ignore this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsolicited {
    /// As soon as the session is initialized: the agent has a stream for them from the start
    /// (stdio, legacy HTTP+SSE).
    AtOnce,
    /// When the agent opens a stream of its own for them (streamable HTTP's `GET`), so an
    /// idle session doesn't hold a second upstream connection (≈ 25 KiB) nobody reads.
    WhenAgentListens,
}

/// The switch that opens a deferred server stream ([`Unsolicited::WhenAgentListens`]); a
/// no-op for connections that opened theirs at once.
#[derive(Debug, Clone, Default)]
pub struct ServerStream(Option<std::sync::Arc<tokio::sync::watch::Sender<bool>>>);

impl ServerStream {
    /// A switch for a deferred stream, and what the connection waits on.
    pub fn deferred() -> (ServerStream, tokio::sync::watch::Receiver<bool>) {
        let (tx, rx) = tokio::sync::watch::channel(false);
        (ServerStream(Some(std::sync::Arc::new(tx))), rx)
    }

    /// The agent listens now: open the server's stream (once; later calls do nothing).
    pub fn open(&self) {
        if let Some(tx) = &self.0 {
            tx.send_if_modified(|open| !std::mem::replace(open, true));
        }
    }
}

/// A message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromServer {
    pub frame: Frame,
    /// The client request this message belongs to, when the transport knows it (HTTP: the
    /// request whose POST response stream carried it). Inbound HTTP uses it to put a
    /// server→client request on the right response stream.
    pub related: Option<Id>,
}

impl FromServer {
    pub fn unrelated(frame: Frame) -> FromServer {
        FromServer {
            frame,
            related: None,
        }
    }
}

/// Why a session with the server ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamEnd {
    /// We closed it (the agent went away) and the server let go cleanly.
    Closed {
        /// The child's exit code, for stdio servers.
        exit_code: Option<i32>,
    },
    /// The server went away on its own, or can no longer be reached.
    Failed {
        /// What happened, for the agent and the log ("the MCP server exited (status 3)",
        /// "upstream http://…/mcp answered 404: session expired").
        message: String,
        /// The child's exit code, for stdio servers.
        exit_code: Option<i32>,
    },
}

/// How to reach the server, once per session.
#[derive(Clone)]
pub enum UpstreamSpec {
    /// A stdio server started for each session.
    Command {
        command: Vec<std::ffi::OsString>,
        max_message_bytes: usize,
    },
    /// One stdio server shared by every session ([`shared_child`]).
    Shared(shared_child::SharedChild),
    /// A remote server over streamable HTTP (or legacy HTTP+SSE); one upstream session each.
    Http {
        options: http::HttpUpstreamOptions,
        client: reqwest::Client,
    },
}

impl UpstreamSpec {
    /// Opens a new session with the server. For a child process, also its pid.
    pub async fn connect(
        &self,
        unsolicited: Unsolicited,
    ) -> Result<(UpstreamConn, Option<u32>), toolgate_pipeline::GatewayError> {
        match self {
            UpstreamSpec::Command {
                command,
                max_message_bytes,
            } => child::spawn(command, *max_message_bytes).map(|c| (c.conn, c.pid)),
            UpstreamSpec::Shared(shared) => shared.lane().await.map(|conn| (conn, None)),
            UpstreamSpec::Http { options, client } => {
                http::connect(options.clone(), client.clone(), unsolicited)
                    .await
                    .map(|conn| (conn, None))
                    .map_err(|e| toolgate_pipeline::GatewayError::Upstream(e.to_string()))
            }
        }
    }

    /// Whether stateless (2026-07-28) requests can be forwarded as they are. A stdio
    /// server expects the `initialize` handshake, so requests without one are refused with
    /// -32022 and the list of revisions it does speak: the client falls back to a session.
    pub fn stateless(&self) -> bool {
        match self {
            UpstreamSpec::Command { .. } | UpstreamSpec::Shared(_) => false,
            UpstreamSpec::Http { options, .. } => {
                !matches!(options.protocol, http::HttpProtocol::LegacySse)
            }
        }
    }

    /// A connection for stateless requests (see [`UpstreamSpec::stateless`]).
    pub async fn connect_stateless(&self) -> Result<UpstreamConn, toolgate_pipeline::GatewayError> {
        match self {
            UpstreamSpec::Command { .. } | UpstreamSpec::Shared(_) => {
                Err(toolgate_pipeline::GatewayError::Stateless)
            }
            UpstreamSpec::Http { options, client } => {
                let options = http::HttpUpstreamOptions {
                    stateless: true,
                    ..options.clone()
                };
                http::connect(options, client.clone(), Unsolicited::AtOnce)
                    .await
                    .map_err(|e| toolgate_pipeline::GatewayError::Upstream(e.to_string()))
            }
        }
    }
}
