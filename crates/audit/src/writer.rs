//! The caller's side of the log: [`AuditLog::open`] starts a dedicated writer thread and
//! returns an [`AuditHandle`]. [`AuditHandle::record`] stamps the time and queues the
//! event (no disk I/O, no lock held across I/O, never blocks); the thread redacts,
//! chains, batches, writes and syncs. Failures are counted and exposed by
//! [`AuditHandle::health`] instead of panicking, and [`AuditHandle::record_required`] waits
//! until the record is on disk for gateways that must fail closed without an audit trail.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::oneshot;

use crate::error::AuditError;
use crate::keys::{AuditKey, random_bytes};
use crate::record::{ArgsMode, AuditEvent};
use crate::redact::Redactor;
use crate::writer_thread::Writer;
use toolgate_clock::{Clock, SystemClock};

/// When the writer calls `fsync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FsyncPolicy {
    /// After every record.
    Always,
    /// After every batch of records (whatever was queued when the writer woke up).
    #[default]
    Batch,
    /// Never (the OS writes back when it likes); `record_required` still syncs.
    Never,
}

/// Signed checkpoints: one when the log opens (unless it already ends with one by this
/// key), then periodic ones while records come, around rotations and at close.
#[derive(Debug, Clone)]
pub struct SigningOptions {
    pub key: AuditKey,
    /// A checkpoint after this many records…
    pub every_records: u64,
    /// …or this long after the last one, whichever comes first. Nothing is signed while
    /// nothing is written.
    pub every: Duration,
}

impl SigningOptions {
    pub fn new(key: AuditKey) -> Self {
        SigningOptions {
            key,
            every_records: 1000,
            every: Duration::from_secs(60),
        }
    }
}

/// How the log is written.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub fsync: FsyncPolicy,
    /// Rotate when the live file would grow past this (default 64 MiB).
    pub max_bytes: u64,
    /// Records `record()` may queue before it starts dropping (and counting) them.
    pub queue_capacity: usize,
    /// Most records written with one `write` call.
    pub max_batch: usize,
    /// How arguments are kept (default `redacted`).
    pub args_mode: ArgsMode,
    /// Argument paths always redacted: `requestBody.token`, `items[].token`, `headers.*`.
    pub redact_paths: Vec<String>,
    /// Key names (or fragments) added to the built-in secret-looking list.
    pub secret_keys: Vec<String>,
    /// Detect secret-looking keys and credential-looking strings (default on).
    pub detect_secrets: bool,
    /// Salt for argument hashes. `None`: a random salt per open, so hashes are comparable
    /// only within one run; give a stable secret salt to compare across runs.
    pub salt: Option<Vec<u8>>,
    pub signing: Option<SigningOptions>,
    pub clock: Arc<dyn Clock>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            fsync: FsyncPolicy::Batch,
            max_bytes: 64 * 1024 * 1024,
            queue_capacity: 16 * 1024,
            max_batch: 1024,
            args_mode: ArgsMode::Redacted,
            redact_paths: Vec::new(),
            secret_keys: Vec::new(),
            detect_secrets: true,
            salt: None,
            signing: None,
            clock: Arc::new(SystemClock),
        }
    }
}

/// A snapshot of the writer's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// The last write succeeded and the writer is running. Gateways running with
    /// `--audit-required` refuse calls while this is false.
    pub healthy: bool,
    pub running: bool,
    /// Records written (and, per the fsync policy, synced).
    pub written: u64,
    /// Records lost because a write failed.
    pub failed: u64,
    /// Records dropped because the queue was full.
    pub dropped: u64,
    /// Records queued and not yet written.
    pub queued: usize,
    pub last_error: Option<String>,
}

/// Counters shared by the handles and the writer thread.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub queued: AtomicUsize,
    pub written: AtomicU64,
    pub failed: AtomicU64,
    pub dropped: AtomicU64,
    pub healthy: AtomicBool,
    pub running: AtomicBool,
    pub last_error: Mutex<Option<String>>,
}

impl Shared {
    pub(crate) fn set_error(&self, e: String) {
        self.healthy.store(false, Ordering::SeqCst);
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
    }
}

pub(crate) type Ack = oneshot::Sender<Result<(), AuditError>>;

pub(crate) enum Msg {
    Event {
        time: SystemTime,
        event: Box<AuditEvent>,
        ack: Option<Ack>,
    },
    /// Answered once everything queued before it is written and synced.
    Flush(Ack),
    /// Write what is queued, a final checkpoint, sync, answer, stop.
    Shutdown(Ack),
}

/// Opens audit logs.
pub struct AuditLog;

impl AuditLog {
    /// Opens (or creates) the log at `path`, continuing its chain, and starts the writer.
    /// Fails when the file can't be opened or locked, or an option is invalid.
    pub fn open(path: impl AsRef<Path>, options: AuditOptions) -> Result<AuditHandle, AuditError> {
        let path = path.as_ref().to_path_buf();
        let salt = match options.salt.clone() {
            Some(s) => s,
            None => random_bytes::<32>()?.to_vec(),
        };
        let redactor = Redactor::new(
            options.args_mode,
            &options.redact_paths,
            &options.secret_keys,
            options.detect_secrets,
            salt,
        )?;
        let shared = Arc::new(Shared::default());
        let writer = Writer::open(path.clone(), &options, redactor, shared.clone())?;
        let (tx, rx) = channel();
        shared.running.store(true, Ordering::SeqCst);
        shared.healthy.store(true, Ordering::SeqCst);
        let thread_shared = shared.clone();
        std::thread::Builder::new()
            .name("toolgate-audit".into())
            .spawn(move || {
                writer.run(rx);
                thread_shared.running.store(false, Ordering::SeqCst);
                thread_shared.healthy.store(false, Ordering::SeqCst);
            })
            .map_err(|e| AuditError::io(&path, "starting the writer thread", e))?;
        Ok(AuditHandle {
            inner: Arc::new(Inner {
                tx,
                shared,
                clock: options.clock.clone(),
                capacity: options.queue_capacity.max(1),
                path,
            }),
        })
    }
}

struct Inner {
    tx: Sender<Msg>,
    shared: Arc<Shared>,
    clock: Arc<dyn Clock>,
    capacity: usize,
    path: PathBuf,
}

/// A cheap, clonable handle to a running log. When the last handle is dropped the writer
/// writes what is queued, a final checkpoint, and stops; call [`AuditHandle::shutdown`] to
/// wait for that.
#[derive(Clone)]
pub struct AuditHandle {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AuditHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditHandle")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

impl AuditHandle {
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Queues one record and returns at once. `Err(QueueFull)` when the writer is this far
    /// behind (the record is dropped, counted, and the gap noted in the log), `Err(WriterGone)`
    /// when the writer has stopped.
    pub fn record(&self, event: impl Into<AuditEvent>) -> Result<(), AuditError> {
        let time = self.inner.clock.now();
        let shared = &self.inner.shared;
        if shared.queued.fetch_add(1, Ordering::Relaxed) >= self.inner.capacity {
            shared.queued.fetch_sub(1, Ordering::Relaxed);
            let n = shared.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_power_of_two() {
                tracing::warn!(dropped = n, "audit queue full; records are being dropped");
            }
            return Err(AuditError::QueueFull);
        }
        self.send(Msg::Event {
            time,
            event: Box::new(event.into()),
            ack: None,
        })
    }

    /// Queues one record and waits until it is written and synced. Use it when calls must
    /// fail closed without an audit trail (`--audit-required`): on `Err`, refuse the call.
    pub async fn record_required(&self, event: impl Into<AuditEvent>) -> Result<(), AuditError> {
        let time = self.inner.clock.now();
        let (ack, done) = oneshot::channel();
        self.inner.shared.queued.fetch_add(1, Ordering::Relaxed);
        self.send(Msg::Event {
            time,
            event: Box::new(event.into()),
            ack: Some(ack),
        })?;
        done.await.map_err(|_| AuditError::WriterGone)?
    }

    /// Waits until everything queued so far is written and synced.
    pub async fn flush(&self) -> Result<(), AuditError> {
        let (ack, done) = oneshot::channel();
        self.send_control(Msg::Flush(ack))?;
        done.await.map_err(|_| AuditError::WriterGone)?
    }

    /// [`flush`](Self::flush) for code outside an async runtime (never call it on one).
    pub fn flush_blocking(&self) -> Result<(), AuditError> {
        let (ack, done) = oneshot::channel();
        self.send_control(Msg::Flush(ack))?;
        done.blocking_recv().map_err(|_| AuditError::WriterGone)?
    }

    /// Writes what is queued and a final checkpoint, syncs, and stops the writer. Later
    /// records fail with `WriterGone`.
    pub async fn shutdown(&self) -> Result<(), AuditError> {
        let (ack, done) = oneshot::channel();
        self.send_control(Msg::Shutdown(ack))?;
        done.await.map_err(|_| AuditError::WriterGone)?
    }

    /// [`shutdown`](Self::shutdown) for code outside an async runtime.
    pub fn shutdown_blocking(&self) -> Result<(), AuditError> {
        let (ack, done) = oneshot::channel();
        self.send_control(Msg::Shutdown(ack))?;
        done.blocking_recv().map_err(|_| AuditError::WriterGone)?
    }

    /// True while the writer runs and its last write succeeded.
    pub fn is_healthy(&self) -> bool {
        let s = &self.inner.shared;
        s.healthy.load(Ordering::SeqCst) && s.running.load(Ordering::SeqCst)
    }

    pub fn health(&self) -> Health {
        let s = &self.inner.shared;
        let running = s.running.load(Ordering::SeqCst);
        Health {
            healthy: s.healthy.load(Ordering::SeqCst) && running,
            running,
            written: s.written.load(Ordering::Relaxed),
            failed: s.failed.load(Ordering::Relaxed),
            dropped: s.dropped.load(Ordering::Relaxed),
            queued: s.queued.load(Ordering::Relaxed),
            last_error: s
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        }
    }

    fn send(&self, msg: Msg) -> Result<(), AuditError> {
        let shared = &self.inner.shared;
        if !shared.running.load(Ordering::SeqCst) {
            shared.queued.fetch_sub(1, Ordering::Relaxed);
            shared.failed.fetch_add(1, Ordering::Relaxed);
            return Err(AuditError::WriterGone);
        }
        self.inner.tx.send(msg).map_err(|_| {
            shared.queued.fetch_sub(1, Ordering::Relaxed);
            shared.failed.fetch_add(1, Ordering::Relaxed);
            shared.healthy.store(false, Ordering::SeqCst);
            AuditError::WriterGone
        })
    }

    fn send_control(&self, msg: Msg) -> Result<(), AuditError> {
        if !self.inner.shared.running.load(Ordering::SeqCst) {
            return Err(AuditError::WriterGone);
        }
        self.inner.tx.send(msg).map_err(|_| AuditError::WriterGone)
    }
}
