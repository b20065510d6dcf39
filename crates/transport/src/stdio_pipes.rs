//! The agent's stdin and stdout, read and written on the runtime's own event loop when they
//! are pipes or sockets (what every MCP client spawns us with).
//!
//! `tokio::io::stdin()`/`stdout()` run every read and every write on tokio's blocking thread
//! pool: a hand-off to another thread and back per message, which was most of the gateway's
//! added latency on small calls (the benchmark's profile: futex wake-ups and context
//! switches, not policy work). A pipe or socket can be put in non-blocking mode and polled
//! with epoll like the server child's pipes.
//!
//! Non-blocking mode belongs to the open file, not to our descriptor, so it is shared with
//! every process holding the same open file. We only switch a descriptor when stderr is not
//! the same file: with `2>&1` into one pipe, our stderr and the server child's (which it
//! inherits) would turn non-blocking too, and a server writing its log into a full pipe
//! would get `EAGAIN` where it expects to wait. Anything else (a terminal, a file, `/dev/null`)
//! keeps tokio's blocking-pool stdin/stdout.

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};

use tokio::io::{AsyncRead, AsyncWrite};

pub type AgentIn = Box<dyn AsyncRead + Unpin + Send>;
pub type AgentOut = Box<dyn AsyncWrite + Unpin + Send>;

/// How one of our standard descriptors is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driven {
    /// Non-blocking, polled by the runtime.
    EventLoop,
    /// Tokio's blocking pool (not a pipe or socket, or it shares its file with stderr).
    BlockingPool,
}

/// The agent's side of a stdio session, and how each half is driven (logged at start).
pub struct AgentStdio {
    pub input: AgentIn,
    pub output: AgentOut,
    pub input_driven: Driven,
    pub output_driven: Driven,
}

/// Our stdin and stdout, on the event loop where that is safe. Must run inside the runtime.
pub fn agent_stdio() -> AgentStdio {
    let stderr = identity(io::stderr().as_fd().try_clone_to_owned().ok());
    let (input, input_driven) = match evented_input(stderr) {
        Some(r) => (r, Driven::EventLoop),
        None => (
            Box::new(tokio::io::stdin()) as AgentIn,
            Driven::BlockingPool,
        ),
    };
    let (output, output_driven) = match evented_output(stderr) {
        Some(w) => (w, Driven::EventLoop),
        None => (
            Box::new(tokio::io::stdout()) as AgentOut,
            Driven::BlockingPool,
        ),
    };
    AgentStdio {
        input,
        output,
        input_driven,
        output_driven,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pipe,
    Socket,
    Other,
}

/// (device, inode) of what `fd` refers to, and its kind.
fn identity(fd: Option<OwnedFd>) -> Option<(u64, u64, Kind)> {
    let meta = File::from(fd?).metadata().ok()?;
    let kind = if meta.file_type().is_fifo() {
        Kind::Pipe
    } else if meta.file_type().is_socket() {
        Kind::Socket
    } else {
        Kind::Other
    };
    Some((meta.dev(), meta.ino(), kind))
}

/// A duplicate of `fd` when it is a pipe or socket that stderr does not share, with its kind.
fn candidate(fd: io::Result<OwnedFd>, stderr: Option<(u64, u64, Kind)>) -> Option<(OwnedFd, Kind)> {
    let fd = fd.ok()?;
    let (dev, ino, kind) = identity(fd.try_clone().ok())?;
    if kind == Kind::Other {
        return None;
    }
    if stderr.is_some_and(|(d, i, _)| d == dev && i == ino) {
        return None;
    }
    Some((fd, kind))
}

fn evented_input(stderr: Option<(u64, u64, Kind)>) -> Option<AgentIn> {
    let (fd, kind) = candidate(io::stdin().as_fd().try_clone_to_owned(), stderr)?;
    let evented: io::Result<AgentIn> = match kind {
        Kind::Pipe => tokio::net::unix::pipe::Receiver::from_owned_fd(fd).map(|r| Box::new(r) as _),
        Kind::Socket => unix_stream(fd).map(|s| Box::new(s) as _),
        Kind::Other => return None,
    };
    log_fallback("stdin", evented)
}

fn evented_output(stderr: Option<(u64, u64, Kind)>) -> Option<AgentOut> {
    let (fd, kind) = candidate(io::stdout().as_fd().try_clone_to_owned(), stderr)?;
    let evented: io::Result<AgentOut> = match kind {
        Kind::Pipe => tokio::net::unix::pipe::Sender::from_owned_fd(fd).map(|w| Box::new(w) as _),
        Kind::Socket => unix_stream(fd).map(|s| Box::new(s) as _),
        Kind::Other => return None,
    };
    log_fallback("stdout", evented)
}

/// Any stream socket reads and writes like a Unix stream; tokio only needs it non-blocking.
fn unix_stream(fd: OwnedFd) -> io::Result<tokio::net::UnixStream> {
    let std = std::os::unix::net::UnixStream::from(fd);
    std.set_nonblocking(true)?;
    tokio::net::UnixStream::from_std(std)
}

fn log_fallback<T>(what: &str, r: io::Result<T>) -> Option<T> {
    match r {
        Ok(t) => Some(t),
        Err(e) => {
            tracing::debug!(error = %e, "{what} stays on the blocking pool");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, candidate, identity};
    use std::os::fd::OwnedFd;

    fn pipe() -> (OwnedFd, OwnedFd) {
        let (r, w) = std::io::pipe().unwrap();
        (r.into(), w.into())
    }

    #[test]
    fn a_pipe_is_a_candidate_unless_stderr_is_the_same_pipe() {
        let (r, w) = pipe();
        let (_, _, kind) = identity(r.try_clone().ok()).unwrap();
        assert_eq!(kind, Kind::Pipe);
        let elsewhere = Some((0, 0, Kind::Other));
        assert!(candidate(Ok(r.try_clone().unwrap()), elsewhere).is_some());
        // `2>&1`: stderr is the write end of the same pipe (same inode).
        let same = identity(w.try_clone().ok());
        assert!(candidate(Ok(r), same).is_none());
    }

    #[test]
    fn a_regular_file_is_not_a_candidate() {
        let file = tempfile::tempfile().unwrap();
        assert!(candidate(Ok(OwnedFd::from(file)), None).is_none());
    }
}
