//! Errors of the state store.
//!
//! One enum for every backend, so the gateway can map them to its fail mode (closed: deny,
//! open: allow and audit) without knowing which backend is configured. Every message says
//! what went wrong, where, and what the operator can do about it.

use std::path::PathBuf;

/// Anything that can go wrong in a state store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The caller asked for something the store refuses (bad amount, bad window, foreign
    /// reservation). Retrying will not help; the policy or the calling code must change.
    #[error("invalid state store request: {reason}")]
    InvalidRequest {
        /// What was wrong, which request, and what to do.
        reason: String,
    },

    /// The `--state` value could not be understood or names an unsupported backend.
    #[error(
        "invalid state store spec {spec:?}: {reason}; use `memory`, `sqlite` (default path), `sqlite:PATH` or `redis://HOST:PORT/DB`"
    )]
    InvalidSpec {
        /// The spec as given.
        spec: String,
        /// What was wrong with it.
        reason: String,
    },

    /// The store cannot be reached or is busy beyond its timeout. Transient: the gateway's
    /// fail mode decides what happens to the call.
    #[error(
        "state store {store} is unavailable: {detail}; check that it is reachable (and, for SQLite, that no other process holds it locked), then retry"
    )]
    Unavailable {
        /// Which store (e.g. `sqlite:/var/lib/toolgate/state.db`, `redis://10.0.0.5:6379/0`).
        store: String,
        /// What happened.
        detail: String,
    },

    /// The store's file or directory cannot be created, opened or written.
    #[error(
        "cannot use state store path {path}: {detail}; check that the directory exists (or can be created) and is writable, or pass another path with --state sqlite:PATH"
    )]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// What the operating system or SQLite said.
        detail: String,
    },

    /// The file is not a toolgate state database or is damaged.
    #[error(
        "state store file {path} is corrupt or not a toolgate state database: {detail}; move it aside (counters restart empty) or pass another path with --state sqlite:PATH"
    )]
    Corrupt {
        /// The file concerned.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },

    /// The file was written by a newer toolgate with a schema this one does not know.
    #[error(
        "state store file {path} has schema version {found}, newer than the {supported} this toolgate understands; upgrade toolgate or pass another path with --state sqlite:PATH"
    )]
    SchemaTooNew {
        /// The file concerned.
        path: PathBuf,
        /// `PRAGMA user_version` found in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
}

impl StoreError {
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidRequest {
            reason: reason.into(),
        }
    }
}
