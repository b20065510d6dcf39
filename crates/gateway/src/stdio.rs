//! stdio in, stdio out: the agent on our stdin/stdout, the server as a child process.
//!
//! Four tasks, full duplex: agent→pipeline→child, child→pipeline→agent, and one writer per
//! direction (so a slow reader on one side never blocks the other, and replies we produce
//! ourselves interleave safely with forwarded traffic). Lifecycle:
//! - the agent closes stdin → we close the child's stdin, give it a grace period to exit,
//!   then terminate it; we exit with its status;
//! - the child exits first → in-flight calls get an error, we exit non-zero with a message;
//! - SIGINT/SIGTERM → forwarded to the child, which is then reaped.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;
use toolgate_mcp::LineCodec;

use crate::error::GatewayError;
use crate::intercept::Interceptor;

/// How long a child may take to exit after its stdin closed, or after a forwarded signal.
const GRACE: Duration = Duration::from_secs(5);

pub struct StdioOptions {
    pub command: Vec<OsString>,
    pub max_message_bytes: usize,
    /// Abandon (and refund) calls the server hasn't answered after this long.
    pub call_timeout: Option<Duration>,
    /// Cleared when the server process ends (read by `/readyz`).
    pub upstream_up: Arc<std::sync::atomic::AtomicBool>,
}

/// Why the run ended, and the exit code toolgate should return.
#[derive(Debug)]
pub struct RunOutcome {
    pub exit_code: i32,
    pub message: Option<String>,
}

pub async fn run(
    interceptor: Arc<Interceptor>,
    opts: StdioOptions,
) -> Result<RunOutcome, GatewayError> {
    run_with_io(interceptor, opts, tokio::io::stdin(), tokio::io::stdout()).await
}

/// [`run`] with the agent side given explicitly (tests use pipes).
pub async fn run_with_io<R, W>(
    interceptor: Arc<Interceptor>,
    opts: StdioOptions,
    agent_in: R,
    agent_out: W,
) -> Result<RunOutcome, GatewayError>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let mut child = spawn(&opts.command)?;
    let child_stdin = child.stdin.take().ok_or(GatewayError::Io {
        what: "the server's stdin",
        source: std::io::Error::other("not piped"),
    })?;
    let child_stdout = child.stdout.take().ok_or(GatewayError::Io {
        what: "the server's stdout",
        source: std::io::Error::other("not piped"),
    })?;

    let (to_agent, agent_rx) = mpsc::channel::<Bytes>(1024);
    let (to_server, server_rx) = mpsc::channel::<Bytes>(1024);
    let agent_writer = tokio::spawn(write_lines(agent_rx, agent_out));
    let server_writer = tokio::spawn(write_lines(server_rx, child_stdin));

    // Agent → server.
    let mut client_task = {
        let interceptor = interceptor.clone();
        let to_agent = to_agent.clone();
        let max = opts.max_message_bytes;
        let call_timeout = opts.call_timeout;
        tokio::spawn(async move {
            let mut frames = FramedRead::new(agent_in, LineCodec::with_max_message_size(max));
            while let Some(frame) = frames.next().await {
                let frame = match frame {
                    Ok(f) => f,
                    Err(e) => {
                        tracing::error!(error = %e, "reading from the agent failed");
                        break;
                    }
                };
                let routed = interceptor.from_client(frame).await;
                if let Some(after) = call_timeout {
                    for id in routed.forwarded_calls {
                        let interceptor = interceptor.clone();
                        let to_agent = to_agent.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(after).await;
                            if let Some(error) = interceptor.expire(&id, after).await {
                                let _ = to_agent.send(error).await;
                            }
                        });
                    }
                }
                for b in routed.to_client {
                    if to_agent.send(b).await.is_err() {
                        return;
                    }
                }
                for b in routed.to_server {
                    if to_server.send(b).await.is_err() {
                        return;
                    }
                }
            }
            // Dropping `to_server` closes the child's stdin: the MCP way to say goodbye.
        })
    };

    // Server → agent.
    let mut server_task = {
        let interceptor = interceptor.clone();
        let to_agent = to_agent.clone();
        let max = opts.max_message_bytes;
        tokio::spawn(async move {
            let mut frames = FramedRead::new(child_stdout, LineCodec::with_max_message_size(max));
            while let Some(frame) = frames.next().await {
                let frame = match frame {
                    Ok(f) => f,
                    Err(e) => {
                        tracing::error!(error = %e, "reading from the server failed");
                        break;
                    }
                };
                for b in interceptor.from_server(frame).await.to_client {
                    if to_agent.send(b).await.is_err() {
                        return;
                    }
                }
            }
        })
    };
    // Kept for the errors we owe in-flight calls when the server goes away.
    let final_tx = to_agent;

    let signals = Signals::new()?;
    let pid = child.id();
    // Biased: once the agent closes stdin the child exits too, and both can be ready in the
    // same poll; a clean goodbye must not be reported as the server dying.
    let ended = tokio::select! {
        biased;
        _ = &mut client_task => End::AgentClosed,
        status = child.wait() => End::ChildExited(status),
        sig = signals.recv() => End::Signal(sig),
    };

    opts.upstream_up
        .store(false, std::sync::atomic::Ordering::Relaxed);
    let outcome = match ended {
        End::ChildExited(status) => {
            // Let the server's last words (already written to its stdout) reach the agent.
            let _ = tokio::time::timeout(Duration::from_secs(1), &mut server_task).await;
            let status = status.map_err(|e| GatewayError::Io {
                what: "waiting for the server",
                source: e,
            })?;
            let why = format!(
                "the MCP server exited ({}) while the agent was connected",
                describe(status)
            );
            fail_in_flight(&interceptor, &final_tx, &why).await;
            RunOutcome {
                exit_code: match status.code() {
                    Some(0) | None => 1,
                    Some(c) => c,
                },
                message: Some(why),
            }
        }
        End::AgentClosed => {
            let status = match tokio::time::timeout(GRACE, child.wait()).await {
                Ok(s) => s.ok(),
                Err(_) => {
                    tracing::warn!(
                        "the server did not exit within {GRACE:?} of its stdin closing; terminating it"
                    );
                    terminate(&mut child, pid).await
                }
            };
            let _ = tokio::time::timeout(Duration::from_secs(1), &mut server_task).await;
            RunOutcome {
                exit_code: status.and_then(|s| s.code()).unwrap_or(0),
                message: None,
            }
        }
        End::Signal(signo) => {
            if let Some(pid) = pid {
                forward_signal(pid, signo);
            }
            let status = match tokio::time::timeout(GRACE, child.wait()).await {
                Ok(s) => s.ok(),
                Err(_) => terminate(&mut child, pid).await,
            };
            let _ = tokio::time::timeout(Duration::from_secs(1), &mut server_task).await;
            fail_in_flight(&interceptor, &final_tx, "toolgate is shutting down").await;
            RunOutcome {
                exit_code: 128 + signo,
                message: Some(format!(
                    "stopped by signal {signo}; the server exited ({})",
                    status
                        .map(describe)
                        .unwrap_or_else(|| "status unknown".into())
                )),
            }
        }
    };
    // Close both directions and let the agent writer flush what is queued.
    client_task.abort();
    server_task.abort();
    server_writer.abort();
    drop(final_tx);
    let _ = tokio::time::timeout(Duration::from_secs(2), agent_writer).await;
    Ok(outcome)
}

enum End {
    ChildExited(std::io::Result<ExitStatus>),
    AgentClosed,
    Signal(i32),
}

async fn fail_in_flight(interceptor: &Interceptor, to_agent: &mpsc::Sender<Bytes>, why: &str) {
    for e in interceptor.fail_in_flight(why).await {
        if to_agent.send(e).await.is_err() {
            return;
        }
    }
}

fn spawn(command: &[OsString]) -> Result<Child, GatewayError> {
    let (program, args) = command.split_first().ok_or(GatewayError::NoCommand)?;
    let display = program.to_string_lossy().into_owned();
    Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| match e.kind() {
            ErrorKind::NotFound => GatewayError::CommandNotFound { command: display },
            ErrorKind::PermissionDenied => GatewayError::CommandNotExecutable { command: display },
            _ => GatewayError::Spawn {
                command: display,
                source: e,
            },
        })
}

/// Writes each message followed by `\n`, flushing whenever the queue is empty so a burst is
/// one write and a lone message is never held back.
async fn write_lines<W: AsyncWrite + Unpin>(mut rx: mpsc::Receiver<Bytes>, out: W) {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(msg) = next {
            let msg = line_safe(msg);
            if out.write_all(&msg).await.is_err() || out.write_all(b"\n").await.is_err() {
                return;
            }
            next = rx.try_recv().ok();
        }
        if out.flush().await.is_err() {
            return;
        }
    }
    let _ = out.flush().await;
    let _ = out.shutdown().await;
}

/// Makes a validated JSON message safe to send as one line to any line reader.
///
/// Raw CR/LF can only be whitespace in valid JSON, but Python's universal newlines and
/// Node's readline end a line at a bare CR: one line for us could be three for the server
/// (request smuggling). NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR can only sit inside
/// strings, where `str.splitlines`-style readers would also break; their `\u` escapes mean
/// the same. Copies only when one of these is present.
fn line_safe(msg: Bytes) -> Bytes {
    let at = |i: usize| msg.get(i).copied();
    let needs = (0..msg.len()).any(|i| match msg[i] {
        b'\r' | b'\n' => true,
        0xC2 => at(i + 1) == Some(0x85),
        0xE2 => at(i + 1) == Some(0x80) && matches!(at(i + 2), Some(0xA8 | 0xA9)),
        _ => false,
    });
    if !needs {
        return msg;
    }
    let mut out = Vec::with_capacity(msg.len() + 16);
    let mut i = 0;
    while i < msg.len() {
        match (msg[i], at(i + 1), at(i + 2)) {
            (b'\r' | b'\n', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (0xC2, Some(0x85), _) => {
                out.extend_from_slice(br"\u0085");
                i += 2;
            }
            (0xE2, Some(0x80), Some(0xA8)) => {
                out.extend_from_slice(br"\u2028");
                i += 3;
            }
            (0xE2, Some(0x80), Some(0xA9)) => {
                out.extend_from_slice(br"\u2029");
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Bytes::from(out)
}

async fn terminate(child: &mut Child, pid: Option<u32>) -> Option<ExitStatus> {
    if let Some(pid) = pid {
        forward_signal(pid, nix::sys::signal::Signal::SIGTERM as i32);
        if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_secs(2), child.wait()).await {
            return Some(s);
        }
    }
    let _ = child.start_kill();
    child.wait().await.ok()
}

fn forward_signal(pid: u32, signo: i32) {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    let Ok(sig) = Signal::try_from(signo) else {
        return;
    };
    let Ok(pid) = i32::try_from(pid) else { return };
    if let Err(e) = kill(Pid::from_raw(pid), sig) {
        tracing::debug!(error = %e, "could not signal the server (already gone?)");
    }
}

fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit status {c}"),
        (None, Some(s)) => format!("killed by signal {s}"),
        _ => "unknown status".into(),
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

    async fn recv(mut self) -> i32 {
        tokio::select! {
            _ = self.int.recv() => nix::sys::signal::Signal::SIGINT as i32,
            _ = self.term.recv() => nix::sys::signal::Signal::SIGTERM as i32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line_safe;
    use bytes::Bytes;

    #[test]
    fn line_safe_neutralises_line_breaks_without_changing_meaning() {
        let raw = Bytes::from("{\"a\":\r1,\n\"b\":\"x\u{2028}y\u{85}z\u{2029}\"}");
        let safe = line_safe(raw.clone());
        assert!(!safe.contains(&b'\r') && !safe.contains(&b'\n'));
        assert!(!String::from_utf8_lossy(&safe).contains('\u{2028}'));
        let before: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        let after: serde_json::Value = serde_json::from_slice(&safe).unwrap();
        assert_eq!(before, after);
        let plain = Bytes::from_static(b"{\"a\":1}");
        assert_eq!(
            line_safe(plain.clone()).as_ptr(),
            plain.as_ptr(),
            "no copy when clean"
        );
    }
}
