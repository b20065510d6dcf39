//! stdio in: the agent on our stdin/stdout, the server behind an [`UpstreamConn`] (a child
//! process, or a remote server over HTTP when toolgate bridges a stdio-only client).
//!
//! Full duplex: one task reads the agent and runs the pipeline, one pumps the server's
//! messages through the pipeline, and one writer per direction (so a slow reader on one side
//! never blocks the other, and replies we produce ourselves interleave safely with forwarded
//! traffic). Lifecycle:
//! - the agent closes stdin → we end the upstream session (a child gets its stdin closed and
//!   a grace period) and exit with the child's status;
//! - the server goes away first → in-flight calls get an error, we exit non-zero with a message;
//! - SIGINT/SIGTERM, at any time (also while a child is in its grace period after the agent
//!   closed stdin) → forwarded to the child's process group, which gets [`SIGNAL_GRACE`]
//!   before SIGKILL; in-flight calls are closed (settled) and we exit 128+signal.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;
use toolgate_mcp::LineCodec;

use toolgate_pipeline::error::GatewayError;
use toolgate_pipeline::intercept::{AgentSink, Interceptor, Outlets};
use toolgate_upstream::child::{self, GRACE, SIGNAL_GRACE};
use toolgate_upstream::{QUEUE, UpstreamConn, UpstreamEnd};

pub struct StdioOptions {
    pub max_message_bytes: usize,
    /// Cleared when the server goes away (read by `/readyz`).
    pub upstream_up: Arc<std::sync::atomic::AtomicBool>,
}

/// The server side of a stdio run.
pub struct Upstream {
    pub conn: UpstreamConn,
    /// A child process to forward SIGINT/SIGTERM to; `None` for a remote server.
    pub pid: Option<u32>,
}

/// Why the run ended, and the exit code toolgate should return.
#[derive(Debug)]
pub struct RunOutcome {
    pub exit_code: i32,
    pub message: Option<String>,
}

pub async fn run(
    interceptor: Arc<Interceptor>,
    upstream: Upstream,
    opts: StdioOptions,
) -> Result<RunOutcome, GatewayError> {
    let agent = crate::stdio_pipes::agent_stdio();
    tracing::debug!(stdin = ?agent.input_driven, stdout = ?agent.output_driven, "agent stdio");
    run_with_io(interceptor, upstream, opts, agent.input, agent.output).await
}

/// [`run`] with the agent side given explicitly (tests use pipes).
pub async fn run_with_io<R, W>(
    interceptor: Arc<Interceptor>,
    upstream: Upstream,
    opts: StdioOptions,
    agent_in: R,
    agent_out: W,
) -> Result<RunOutcome, GatewayError>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let UpstreamConn {
        to_server,
        mut from_server,
        mut ended,
        server_stream: _,
    } = upstream.conn;
    let (to_agent, agent_rx) = mpsc::channel::<Bytes>(QUEUE);
    let agent_writer = tokio::spawn(child::write_lines(agent_rx, agent_out));
    // One stream back to the agent: what a message relates to doesn't matter here.
    let agent_sink: AgentSink = {
        let to_agent = to_agent.clone();
        Arc::new(move |b, _related| {
            let to_agent = to_agent.clone();
            Box::pin(async move {
                let _ = to_agent.send(b).await;
            })
        })
    };
    interceptor.attach(Outlets {
        agent: agent_sink,
        server: to_server,
    });

    // Agent → server.
    let mut client_task = {
        let interceptor = interceptor.clone();
        let to_agent = to_agent.clone();
        let max = opts.max_message_bytes;
        tokio::spawn(async move {
            let mut frames = FramedRead::new(agent_in, LineCodec::with_max_message_size(max));
            'frames: while let Some(frame) = frames.next().await {
                let frame = match frame {
                    Ok(f) => f,
                    Err(e) => {
                        tracing::error!(error = %e, "reading from the agent failed");
                        break;
                    }
                };
                let routed = interceptor.from_client(frame).await;
                for b in routed.to_client {
                    if to_agent.send(b).await.is_err() {
                        break 'frames;
                    }
                }
                if !interceptor.forward(routed.onward).await {
                    break;
                }
            }
            // Letting go of the writer ends the upstream session: the MCP way to say
            // goodbye. Calls still waiting for a person are withdrawn.
            interceptor.detach();
            interceptor.withdraw_held();
        })
    };

    // Server → agent.
    let mut server_task = {
        let interceptor = interceptor.clone();
        let to_agent = to_agent.clone();
        tokio::spawn(async move {
            while let Some(message) = from_server.recv().await {
                for b in interceptor.from_server(message.frame).await {
                    if to_agent.send(b).await.is_err() {
                        return;
                    }
                }
            }
        })
    };
    // Kept for the errors we owe in-flight calls when the server goes away.
    let final_tx = to_agent;

    let mut signals = Signals::new()?;
    // Biased: once the agent closes stdin the upstream ends too, and both can be ready in the
    // same poll; a clean goodbye must not be reported as the server dying.
    let stop = tokio::select! {
        biased;
        _ = &mut client_task => Stop::AgentClosed,
        end = &mut ended => Stop::UpstreamEnded(end.ok()),
        sig = signals.recv() => Stop::Signal(sig),
    };

    opts.upstream_up
        .store(false, std::sync::atomic::Ordering::Relaxed);
    // The upstream's own wait (a child's grace period plus SIGTERM/SIGKILL) bounds this.
    let wait_end = GRACE + Duration::from_secs(5);
    let outcome = match stop {
        Stop::UpstreamEnded(end) => {
            // Let the server's last messages reach the agent before the errors we owe.
            let _ = tokio::time::timeout(Duration::from_secs(1), &mut server_task).await;
            let (why, code) = match end {
                Some(UpstreamEnd::Failed { message, exit_code }) => (message, exit_code),
                Some(UpstreamEnd::Closed { exit_code }) => {
                    ("the MCP server closed the session".to_owned(), exit_code)
                }
                None => ("the upstream connection was lost".to_owned(), None),
            };
            let why = format!("{why} while the agent was connected");
            fail_in_flight(&interceptor, &final_tx, &why).await;
            RunOutcome {
                exit_code: match code {
                    Some(0) | None => 1,
                    Some(c) => c,
                },
                message: Some(why),
            }
        }
        Stop::AgentClosed => {
            // The child has its grace period to go; a signal meanwhile cuts it short (a
            // client's close() sends SIGTERM after a short wait, and then SIGKILL).
            let end = tokio::select! {
                end = tokio::time::timeout(wait_end, &mut ended) => Ok(end.ok().and_then(Result::ok)),
                sig = signals.recv() => Err(sig),
            };
            match end {
                Ok(end) => {
                    let _ = tokio::time::timeout(Duration::from_secs(1), &mut server_task).await;
                    let exit_code = match end {
                        Some(UpstreamEnd::Closed { exit_code }) => exit_code.unwrap_or(0),
                        Some(UpstreamEnd::Failed { exit_code, .. }) => exit_code.unwrap_or(1),
                        None => 1,
                    };
                    RunOutcome {
                        exit_code,
                        message: None,
                    }
                }
                Err(signo) => {
                    stopped_by_signal(
                        signo,
                        upstream.pid,
                        &mut ended,
                        &interceptor,
                        &mut server_task,
                        &final_tx,
                    )
                    .await
                }
            }
        }
        Stop::Signal(signo) => {
            client_task.abort();
            // Let go of the upstream writer too: a remote server's session is ended now.
            interceptor.detach();
            stopped_by_signal(
                signo,
                upstream.pid,
                &mut ended,
                &interceptor,
                &mut server_task,
                &final_tx,
            )
            .await
        }
    };
    // Close both directions and let the agent writer flush what is queued.
    client_task.abort();
    server_task.abort();
    drop(final_tx);
    let _ = tokio::time::timeout(Duration::from_secs(2), agent_writer).await;
    Ok(outcome)
}

/// Stops the child (the signal to its process group, SIGKILL after [`SIGNAL_GRACE`]) or
/// waits briefly for a remote session to end, then closes what is in flight (its counters
/// settle as for a server that went away).
async fn stopped_by_signal(
    signo: i32,
    pid: Option<u32>,
    ended: &mut tokio::sync::oneshot::Receiver<UpstreamEnd>,
    interceptor: &Interceptor,
    server_task: &mut tokio::task::JoinHandle<()>,
    to_agent: &mpsc::Sender<Bytes>,
) -> RunOutcome {
    let end = match pid {
        Some(pid) => {
            child::signal(pid, signo);
            match tokio::time::timeout(SIGNAL_GRACE, &mut *ended).await {
                Ok(end) => end.ok(),
                Err(_) => {
                    tracing::warn!(
                        "the server did not exit within {SIGNAL_GRACE:?} of signal {signo}; killing it"
                    );
                    child::signal(pid, nix::sys::signal::Signal::SIGKILL as i32);
                    tokio::time::timeout(Duration::from_secs(2), &mut *ended)
                        .await
                        .ok()
                        .and_then(Result::ok)
                }
            }
        }
        None => tokio::time::timeout(Duration::from_secs(2), &mut *ended)
            .await
            .ok()
            .and_then(Result::ok),
    };
    let _ = tokio::time::timeout(Duration::from_millis(200), &mut *server_task).await;
    fail_in_flight(interceptor, to_agent, "toolgate is shutting down").await;
    let server = match end {
        Some(UpstreamEnd::Failed { message, .. }) => message,
        Some(UpstreamEnd::Closed { exit_code }) => format!(
            "the server closed ({})",
            exit_code.map_or_else(|| "status unknown".into(), |c| format!("exit status {c}"))
        ),
        None => "the server's status is unknown".to_owned(),
    };
    RunOutcome {
        exit_code: 128 + signo,
        message: Some(format!("stopped by signal {signo}; {server}")),
    }
}

enum Stop {
    UpstreamEnded(Option<UpstreamEnd>),
    AgentClosed,
    Signal(i32),
}

async fn fail_in_flight(interceptor: &Interceptor, to_agent: &mpsc::Sender<Bytes>, why: &str) {
    for e in interceptor.close(why).await {
        if to_agent.send(e).await.is_err() {
            return;
        }
    }
}

struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Signals, GatewayError> {
        use tokio::signal::unix::{SignalKind, signal};
        let io = |source| GatewayError::Io {
            what: "signal handlers",
            source,
        };
        Ok(Signals {
            int: signal(SignalKind::interrupt()).map_err(io)?,
            term: signal(SignalKind::terminate()).map_err(io)?,
        })
    }

    async fn recv(&mut self) -> i32 {
        tokio::select! {
            _ = self.int.recv() => nix::sys::signal::Signal::SIGINT as i32,
            _ = self.term.recv() => nix::sys::signal::Signal::SIGTERM as i32,
        }
    }
}
