//! A stdio MCP server as a child process: our messages on its stdin, its messages on stdout,
//! its stderr passed through to ours.
//!
//! Lifecycle: dropping [`UpstreamConn::to_server`] closes the child's stdin (the MCP way to
//! say goodbye); the child then has [`GRACE`] to exit before it is sent SIGTERM, and SIGKILL
//! two seconds later. A child that exits while its stdin is still open has failed, and
//! `ended` says how.
//!
//! Nothing outlives toolgate. The child leads a process group of its own, and every signal
//! toolgate sends it goes to the whole group, so a server's own children (`npx` → `node`)
//! get it too; a terminal's Ctrl-C reaches toolgate, which forwards it. When the task
//! holding the child is dropped (the runtime shutting down) the group is killed. When
//! toolgate is killed outright, the kernel kills the child ([`super::die_with_parent`]).

use std::ffi::OsString;
use std::io::ErrorKind;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};
use tokio_util::codec::FramedRead;
use toolgate_mcp::LineCodec;

use super::{FromServer, QUEUE, ServerStream, UpstreamConn, UpstreamEnd, UpstreamWriter};
use toolgate_mcp::line_safe::line_safe;
use toolgate_pipeline::error::GatewayError;

/// How long a child may take to exit after its stdin closed.
pub const GRACE: Duration = Duration::from_secs(5);

/// How long a child may take to exit after a forwarded SIGINT/SIGTERM before it is killed.
/// Short: whoever signalled toolgate (a client closing its session, a supervisor) waits for
/// it, and the TypeScript SDK sends SIGKILL two seconds after its SIGTERM.
pub const SIGNAL_GRACE: Duration = Duration::from_secs(1);

/// A running stdio server.
pub struct ChildUpstream {
    pub conn: UpstreamConn,
    /// For forwarding signals ([`signal`]): also the id of the child's process group.
    pub pid: Option<u32>,
}

/// Starts `command` (program and arguments) as a stdio MCP server.
pub fn spawn(
    command: &[OsString],
    max_message_bytes: usize,
) -> Result<ChildUpstream, GatewayError> {
    let raw = spawn_raw(command, max_message_bytes)?;
    Ok(ChildUpstream {
        conn: UpstreamConn {
            to_server: UpstreamWriter::new(raw.to_server),
            from_server: raw.from_server,
            ended: raw.ended,
            server_stream: ServerStream::default(),
        },
        pid: raw.pid,
    })
}

/// A started child whose queue to the server is still raw bytes: for the shared child, which
/// speaks to the server on its own behalf (its handshake and multiplexer).
pub(crate) struct RawChild {
    pub to_server: mpsc::Sender<Bytes>,
    pub from_server: mpsc::Receiver<FromServer>,
    pub ended: oneshot::Receiver<UpstreamEnd>,
    pub pid: Option<u32>,
}

pub(crate) fn spawn_raw(
    command: &[OsString],
    max_message_bytes: usize,
) -> Result<RawChild, GatewayError> {
    let mut child = start(command)?;
    let stdin = child.stdin.take().ok_or(GatewayError::Io {
        what: "the server's stdin",
        source: std::io::Error::other("not piped"),
    })?;
    let stdout = child.stdout.take().ok_or(GatewayError::Io {
        what: "the server's stdout",
        source: std::io::Error::other("not piped"),
    })?;
    let pid = child.id();
    let (to_server, to_server_rx) = mpsc::channel::<Bytes>(QUEUE);
    let (from_server_tx, from_server) = mpsc::channel::<FromServer>(QUEUE);
    let (ended_tx, ended) = oneshot::channel();
    let (stdin_closed_tx, stdin_closed) = oneshot::channel::<()>();

    tokio::spawn(async move {
        write_lines(to_server_rx, stdin).await;
        let _ = stdin_closed_tx.send(());
    });
    let reader = tokio::spawn(async move {
        let mut frames =
            FramedRead::new(stdout, LineCodec::with_max_message_size(max_message_bytes));
        while let Some(frame) = frames.next().await {
            match frame {
                Ok(frame) => {
                    if from_server_tx
                        .send(FromServer::unrelated(frame))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "reading from the server failed");
                    return;
                }
            }
        }
    });
    tokio::spawn(async move {
        // Dropped with this task: if the runtime goes away before the child was reaped
        // (toolgate exiting), its whole process group is killed.
        let mut group = GroupGuard::new(pid);
        let end = supervise(&mut child, pid, stdin_closed).await;
        group.disarm();
        // Let the server's last words (already on its stdout) reach the pipeline first.
        let _ = tokio::time::timeout(Duration::from_secs(1), reader).await;
        let _ = ended_tx.send(end);
    });
    Ok(RawChild {
        to_server,
        from_server,
        ended,
        pid,
    })
}

async fn supervise(
    child: &mut Child,
    pid: Option<u32>,
    stdin_closed: oneshot::Receiver<()>,
) -> UpstreamEnd {
    tokio::select! {
        // Biased: when we close stdin the child exits right after, and both can be ready in
        // the same poll; a clean goodbye must not be reported as the server dying.
        biased;
        _ = stdin_closed => {
            let status = match tokio::time::timeout(GRACE, child.wait()).await {
                Ok(s) => s.ok(),
                Err(_) => {
                    tracing::warn!(
                        "the server did not exit within {GRACE:?} of its stdin closing; terminating it"
                    );
                    terminate(child, pid).await
                }
            };
            UpstreamEnd::Closed { exit_code: status.and_then(|s| s.code()) }
        }
        status = child.wait() => match status {
            Ok(status) => UpstreamEnd::Failed {
                message: format!("the MCP server exited ({})", describe(status)),
                exit_code: status.code(),
            },
            Err(e) => UpstreamEnd::Failed {
                message: format!("waiting for the MCP server failed: {e}"),
                exit_code: None,
            },
        },
    }
}

fn start(command: &[OsString]) -> Result<Child, GatewayError> {
    let (program, args) = command.split_first().ok_or(GatewayError::NoCommand)?;
    let display = program.to_string_lossy().into_owned();
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        // Its own process group: signals for the server reach its children too.
        .process_group(0)
        .kill_on_drop(true);
    super::die_with_parent::arrange(&mut command);
    command.spawn().map_err(|e| match e.kind() {
        ErrorKind::NotFound => GatewayError::CommandNotFound { command: display },
        ErrorKind::PermissionDenied => GatewayError::CommandNotExecutable { command: display },
        _ => GatewayError::Spawn {
            command: display,
            source: e,
        },
    })
}

/// Writes each message followed by `\n`, flushing whenever the queue is empty so a burst is
/// one write and a lone message is never held back. The stdio transport writes to the agent
/// with it too.
pub async fn write_lines<W: AsyncWrite + Unpin>(mut rx: mpsc::Receiver<Bytes>, out: W) {
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

async fn terminate(child: &mut Child, pid: Option<u32>) -> Option<ExitStatus> {
    if let Some(pid) = pid {
        signal(pid, nix::sys::signal::Signal::SIGTERM as i32);
        if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_secs(2), child.wait()).await {
            return Some(s);
        }
        signal(pid, nix::sys::signal::Signal::SIGKILL as i32);
    }
    let _ = child.start_kill();
    child.wait().await.ok()
}

/// Sends signal `signo` to the server and the processes it started (its process group);
/// ignored if they are already gone.
pub fn signal(pid: u32, signo: i32) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    let Ok(sig) = Signal::try_from(signo) else {
        return;
    };
    let Ok(pid) = i32::try_from(pid) else { return };
    if pid <= 1 {
        return;
    }
    if let Err(e) = killpg(Pid::from_raw(pid), sig) {
        tracing::debug!(error = %e, "could not signal the server (already gone?)");
    }
}

/// The children not yet reaped (their pids, which are also their process groups), for
/// [`stop_all`].
static LIVE: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<u32>> {
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Stops every server child toolgate still runs (shutdown of `--listen`): `signo` to each
/// process group, SIGKILL to those still there after `grace`. Returns once they are reaped
/// (or after `grace` plus a second).
pub async fn stop_all(signo: i32, grace: Duration) {
    let pids = live().clone();
    if pids.is_empty() {
        return;
    }
    for &pid in &pids {
        signal(pid, signo);
    }
    let start = tokio::time::Instant::now();
    let mut killed = false;
    while !live().is_empty() {
        let waited = start.elapsed();
        if waited >= grace && !killed {
            let left = live().clone();
            tracing::warn!(
                count = left.len(),
                "server processes did not exit within {grace:?} of signal {signo}; killing them"
            );
            for pid in left {
                signal(pid, nix::sys::signal::Signal::SIGKILL as i32);
            }
            killed = true;
        }
        if waited >= grace + Duration::from_secs(1) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Registers a running child in [`LIVE`]; kills its process group when dropped while armed
/// (the child not yet reaped: the runtime is going away with it).
struct GroupGuard(Option<u32>);

impl GroupGuard {
    fn new(pid: Option<u32>) -> GroupGuard {
        if let Some(pid) = pid {
            live().push(pid);
        }
        GroupGuard(pid)
    }

    /// The child was reaped: nothing to kill any more.
    fn disarm(&mut self) {
        if let Some(pid) = self.0.take() {
            live().retain(|&p| p != pid);
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(pid) = self.0.take() {
            signal(pid, nix::sys::signal::Signal::SIGKILL as i32);
            live().retain(|&p| p != pid);
        }
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
