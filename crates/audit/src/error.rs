//! The audit crate's one error type. Every variant says what failed, on which file, and
//! what an operator can do about it; nothing in this crate panics on an I/O error.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// Opening, reading, writing, syncing or renaming an audit file failed.
    #[error("audit log {path}: {action} failed: {cause}")]
    Io {
        path: PathBuf,
        action: &'static str,
        /// Kept in the message rather than as `source()`, so it is printed exactly once.
        cause: std::io::Error,
    },
    /// Another process (or another `AuditLog` in this one) holds the log open for writing.
    #[error(
        "audit log {0} is locked by another writer; two gateways can't share one chain (give each its own --audit path)"
    )]
    Locked(PathBuf),
    /// A redaction path in the options does not parse.
    #[error(
        "invalid redaction path `{path}`: {problem} (write e.g. `requestBody.token` or `items[].token`)"
    )]
    BadRedactionPath { path: String, problem: String },
    /// A key file or key text is not a 32-byte Ed25519 key in hex or raw form.
    #[error("{what}: {problem}")]
    BadKey { what: String, problem: String },
    /// A time or duration given to a query does not parse.
    #[error(
        "invalid time `{input}`: {problem} (write RFC 3339, e.g. 2026-01-31T12:00:00Z, or an age such as 90s, 15m, 1h, 7d)"
    )]
    BadTime { input: String, problem: String },
    /// `record()` found the queue full: the writer is far behind (slow or failing disk).
    /// The record was dropped and counted; the gap is noted in the log.
    #[error("the audit queue is full; the record was dropped (is the disk slow or failing?)")]
    QueueFull,
    /// The writer is gone (shut down, or it stopped after an internal error).
    #[error("the audit writer is not running; records can't be written")]
    WriterGone,
    /// A write of a record that had to be durable failed; the call must fail closed.
    #[error("audit record not written: {0}")]
    WriteFailed(String),
}

impl AuditError {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
        cause: std::io::Error,
    ) -> Self {
        AuditError::Io {
            path: path.into(),
            action,
            cause,
        }
    }
}
