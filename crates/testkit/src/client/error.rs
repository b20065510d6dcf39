//! Errors of the test client. Each says what the test was waiting for, so a failing
//! integration test explains itself without a debugger.

use std::io;
use std::time::Duration;

/// Why a [`StdioClient`](super::StdioClient) operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("could not spawn `{program}`: {source}")]
    Spawn { program: String, source: io::Error },
    #[error("I/O error talking to the server: {0}")]
    Io(#[from] io::Error),
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout { what: String, after: Duration },
    #[error("the server's stdout closed while waiting for {what}")]
    Closed { what: String },
    #[error("the server wrote a line that is not JSON ({error}): {line}")]
    InvalidJson { line: String, error: String },
    #[error("unexpected answer to {what}: {detail}")]
    Protocol { what: String, detail: String },
}
