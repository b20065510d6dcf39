//! toolgate's tamper-evident audit log: one JSON line per decision, per outcome and per step
//! of a human-approval request, hash chained (and optionally signed), written off the hot
//! path, verified and queried offline.
//!
//! - [`AuditLog::open`] → [`AuditHandle`]: `record()` queues without touching the disk;
//!   a dedicated thread redacts, chains, batches, syncs and rotates ([`writer`]).
//! - [`verify`] proves a chain across rotated files and names the first bad line.
//! - [`query`], [`tail`], [`Follower`] and [`summarize_files`] read it back for
//!   `toolgate audit tail|query` and `toolgate status`.
//!
//! Why a chain: an operator must be able to show that the log of what agents were allowed
//! to do was not edited afterwards. Why off the hot path: a slow disk must not slow calls
//! (design rule for this crate); gateways that must not run unaudited use
//! [`AuditHandle::record_required`] and fail closed on its error.

#![forbid(unsafe_code)]

pub mod chain;
pub mod error;
pub mod keys;
pub mod query;
pub mod record;
pub mod redact;
pub mod segment;
pub mod status;
pub mod time;
pub mod verify;
pub mod writer;
mod writer_thread;

use std::path::PathBuf;

pub use chain::GENESIS;
pub use error::AuditError;
pub use keys::{AuditKey, PublicKey};
pub use query::{Filter, Follower, Row, Rows, format_row, query, table_header, tail};
pub use record::{
    ApprovalAuditEvent, ApprovalStage, ArgsMode, AuditEvent, CallInfo, CallOutcome, CounterUse,
    DecisionEvent, OutcomeEvent, Record, RecordType, Verdict,
};
pub use redact::Redactor;
pub use segment::{chain_files, rotated_path, rotated_segments};
pub use status::{Summary, summarize, summarize_files};
pub use toolgate_clock::{Clock, ManualClock, SystemClock};
pub use verify::{Position, Problem, ProblemKind, Report, UnsignedTail, VerifyOptions, verify};
pub use writer::{AuditHandle, AuditLog, AuditOptions, FsyncPolicy, Health, SigningOptions};

/// `$XDG_DATA_HOME/toolgate/audit.jsonl`, else `~/.local/share/toolgate/audit.jsonl`;
/// `None` when neither variable is set to an absolute path.
pub fn default_audit_path() -> Option<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base =
        absolute("XDG_DATA_HOME").or_else(|| absolute("HOME").map(|h| h.join(".local/share")))?;
    Some(base.join("toolgate").join("audit.jsonl"))
}
