//! The gateway as an MCP client of a remote server over HTTP: streamable HTTP (2025-03-26
//! to 2025-11-25, and the stateless 2026-07-28 flavour), falling back to the 2024-11-05
//! HTTP+SSE transport ([`super::legacy`]) for servers that predate it.
//!
//! [`connect`] returns the same pair of queues as a stdio child ([`UpstreamConn`]), so the
//! pipeline never knows which it talks to. Behind them a driver task turns each message into
//! a POST of its own (concurrently: a slow tool call must not hold back a quick one),
//! except that an `initialize` and the `notifications/initialized` after it hold back later
//! messages until they are through, because the session id and protocol version they yield
//! go on every later request. Answers come back as JSON bodies or event streams; anything
//! the server never answered (refused connection, 5xx, cut stream, expired session) comes
//! back as a JSON-RPC error for that request, so the pipeline refunds it.
//!
//! # The `reqwest::Client` to pass
//!
//! Build it with [`client_builder`], or at least with `redirect(Policy::none())` (a redirect
//! would carry the operator's credentials and the agent's arguments somewhere else; every
//! response from another origin is refused anyway) and `connect_timeout`. Set no overall
//! `timeout` or `read_timeout`: event streams stay open for as long as a tool runs or the
//! session lives. No cookie store is needed.

pub(super) mod connection;
mod driver;
mod get;
pub(super) mod message;
mod post;

#[cfg(test)]
mod test_server;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use reqwest::Url;
use tokio::sync::{mpsc, oneshot, watch};
use toolgate_mcp::DEFAULT_MAX_MESSAGE_SIZE;

use self::connection::Shared;
use self::driver::Streamable;
use super::{QUEUE, ServerStream, Unsolicited, UpstreamConn, UpstreamEnd, legacy};

/// Which HTTP transport to speak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HttpProtocol {
    /// Streamable HTTP; if the server refuses the first `initialize` POST with 400, 404 or
    /// 405, the legacy HTTP+SSE transport.
    #[default]
    Auto,
    /// Streamable HTTP only.
    Streamable,
    /// The 2024-11-05 HTTP+SSE transport only.
    LegacySse,
}

/// How to reach a remote MCP server.
#[derive(Debug, Clone)]
pub struct HttpUpstreamOptions {
    /// The MCP endpoint (http or https).
    pub url: Url,
    /// Credentials for the upstream configured by the operator (e.g. `Authorization`),
    /// sent on every request. Never the agent's own: the spec forbids passing those on.
    pub headers: HeaderMap,
    /// Cap on one message, JSON body and event alike; a bigger one arrives as
    /// [`toolgate_mcp::Frame::TooLong`].
    pub max_message_bytes: usize,
    pub protocol: HttpProtocol,
    /// How long connecting may take; also how long the server may stay unreachable after
    /// the session began before the connection is given up.
    pub connect_timeout: Duration,
    /// The connection carries 2026-07-28 stateless requests: no session id, no GET stream,
    /// no DELETE, no stream resumption; method and name mirrored into headers.
    pub stateless: bool,
}

impl HttpUpstreamOptions {
    /// Options with the defaults: no extra headers, the 4 MiB cap, [`HttpProtocol::Auto`],
    /// a 10 s connect timeout, stateful.
    pub fn new(url: Url) -> HttpUpstreamOptions {
        HttpUpstreamOptions {
            url,
            headers: HeaderMap::new(),
            max_message_bytes: DEFAULT_MAX_MESSAGE_SIZE,
            protocol: HttpProtocol::Auto,
            connect_timeout: Duration::from_secs(10),
            stateless: false,
        }
    }
}

/// Why [`connect`] refused its options.
#[derive(Debug, thiserror::Error)]
pub enum HttpUpstreamError {
    #[error("upstream URL `{url}` uses `{scheme}`; use an http:// or https:// URL")]
    UnsupportedScheme { url: String, scheme: String },
    #[error("upstream URL `{url}` names no host; use e.g. https://host/mcp")]
    NoHost { url: String },
}

/// A client builder with what this transport needs: no redirects, a connect timeout, and
/// no overall timeout (streams stay open). Add TLS settings before `build()`.
pub fn client_builder(connect_timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
}

/// Starts a connection to the server at `opts.url`. Sends nothing yet: the agent's own
/// `initialize` (or first stateless request) opens the session when it comes through
/// `to_server`. See the module docs for the `client` to pass.
pub async fn connect(
    opts: HttpUpstreamOptions,
    client: reqwest::Client,
    unsolicited: Unsolicited,
) -> Result<UpstreamConn, HttpUpstreamError> {
    let shown = connection::shown_url(&opts.url);
    match opts.url.scheme() {
        "http" | "https" => {}
        scheme => {
            return Err(HttpUpstreamError::UnsupportedScheme {
                url: shown,
                scheme: scheme.to_owned(),
            });
        }
    }
    if opts.url.host_str().is_none_or(str::is_empty) {
        return Err(HttpUpstreamError::NoHost { url: shown });
    }
    let (to_server, to_rx) = super::UpstreamWriter::channel(QUEUE);
    let (from_tx, from_server) = mpsc::channel(QUEUE);
    let (ended_tx, ended) = oneshot::channel();
    let (server_stream, agent_listens) = match unsolicited {
        Unsolicited::AtOnce => (ServerStream::default(), None),
        Unsolicited::WhenAgentListens => {
            let (switch, listens) = ServerStream::deferred();
            (switch, Some(listens))
        }
    };
    tokio::spawn(async move {
        let end = drive(opts, client, to_rx, from_tx, agent_listens).await;
        let _ = ended_tx.send(end);
    });
    Ok(UpstreamConn {
        to_server,
        from_server,
        ended,
        server_stream,
    })
}

/// Runs the connection to its end. Every task holding the `from_server` sender is finished
/// when this returns, so `from_server` closes before `ended` resolves.
async fn drive(
    opts: HttpUpstreamOptions,
    client: reqwest::Client,
    mut to_server: mpsc::Receiver<Bytes>,
    from_server: mpsc::Sender<super::FromServer>,
    agent_listens: Option<watch::Receiver<bool>>,
) -> UpstreamEnd {
    let (events_tx, events) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared::new(
        client,
        opts.url,
        opts.headers,
        opts.max_message_bytes,
        opts.connect_timeout,
        opts.stateless,
        from_server,
        events_tx,
    ));
    match opts.protocol {
        HttpProtocol::LegacySse => {
            legacy::run(&shared, &mut to_server, VecDeque::new(), None).await
        }
        HttpProtocol::Auto | HttpProtocol::Streamable => {
            match driver::run(
                &shared,
                &mut to_server,
                events,
                opts.protocol,
                agent_listens,
            )
            .await
            {
                Streamable::Ended(end) => end,
                Streamable::Fallback { backlog, refused } => {
                    tracing::info!(
                        upstream = %shared.shown_url,
                        "upstream refused a streamable-HTTP initialize; trying the legacy HTTP+SSE transport"
                    );
                    legacy::run(&shared, &mut to_server, backlog, Some(refused)).await
                }
            }
        }
    }
}
