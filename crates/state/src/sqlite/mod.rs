//! Embedded SQLite backend: the default store, exact across processes sharing one file.
//!
//! Every store owns one connection on a dedicated thread; async callers hand it jobs over
//! a channel and await the answer, so SQLite never blocks a tokio worker. Each operation is
//! one `BEGIN IMMEDIATE` transaction (the write lock is taken before anything is read), so
//! gateways in several processes sharing the file still never over-grant. WAL mode lets
//! readers and the writer overlap; `busy_timeout` bounds the wait for another process.
//!
//! Pending reservations are rows with a deadline, so the TTL refund also happens after a
//! crash and restart: the next operation on the file sweeps them. `renew` moves that
//! deadline (one `UPDATE`, after the same sweep, so an expired reservation stays refunded).

mod ops;
mod schema;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use tokio::sync::oneshot;

use crate::accounting::{self, from_micros, from_units, micros, rolling_micros, span};
use crate::error::StoreError;
use crate::store::StateStore;
use crate::types::{
    CounterRequest, CounterView, Reservation, ReservationId, ReserveOutcome, ReservedCounter,
    SettleOutcome, Settlement, StoreOptions,
};
use toolgate_clock::Clock;

pub(crate) use schema::SCHEMA_VERSION;

/// A database failure before it is given its path.
#[derive(Debug)]
pub(crate) enum DbError {
    Sqlite(rusqlite::Error),
    Corrupt(String),
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl DbError {
    /// Classifies by what the operator can do about it.
    pub(crate) fn into_store_error(self, path: &Path, during: &str) -> StoreError {
        let path = path.to_path_buf();
        let e = match self {
            Self::Corrupt(detail) => return StoreError::Corrupt { path, detail },
            Self::Sqlite(e) => e,
        };
        let detail = format!("{during}: {e}");
        match &e {
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..) => StoreError::Corrupt { path, detail },
            _ => match e.sqlite_error_code() {
                Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                    StoreError::Corrupt { path, detail }
                }
                Some(
                    ErrorCode::CannotOpen
                    | ErrorCode::ReadOnly
                    | ErrorCode::PermissionDenied
                    | ErrorCode::DiskFull
                    | ErrorCode::SystemIoFailure
                    | ErrorCode::NoLargeFileSupport,
                ) => StoreError::Io { path, detail },
                _ => StoreError::Unavailable {
                    store: format!("sqlite:{}", path.display()),
                    detail,
                },
            },
        }
    }
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The SQLite [`StateStore`].
pub struct SqliteStore {
    path: PathBuf,
    clock: Arc<dyn Clock>,
    ttl: i64,
    store_id: u64,
    jobs: mpsc::Sender<Job>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating it and its directory if needed) the database at `path` with default
    /// options, and migrates its schema.
    pub async fn open(path: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        Self::open_with_options(path, clock, &StoreOptions::default()).await
    }

    /// Like [`SqliteStore::open`] with explicit options.
    pub async fn open_with_options(
        path: impl Into<PathBuf>,
        clock: Arc<dyn Clock>,
        options: &StoreOptions,
    ) -> Result<Self, StoreError> {
        let path = path.into();
        let (ready_tx, ready_rx) = oneshot::channel();
        let (jobs, jobs_rx) = mpsc::channel::<Job>();
        let thread_path = path.clone();
        let busy = options.busy_timeout;
        std::thread::Builder::new()
            .name("toolgate-state-sqlite".to_owned())
            .spawn(move || {
                let mut conn = match schema::open(&thread_path, busy) {
                    Ok((conn, id)) => {
                        let _ = ready_tx.send(Ok(id));
                        conn
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                // Ends when the store (the only sender) is dropped.
                while let Ok(job) = jobs_rx.recv() {
                    job(&mut conn);
                }
            })
            .map_err(|e| StoreError::Unavailable {
                store: format!("sqlite:{}", path.display()),
                detail: format!("cannot start the SQLite thread: {e}"),
            })?;
        let store_id = ready_rx.await.map_err(|_| StoreError::Unavailable {
            store: format!("sqlite:{}", path.display()),
            detail: "the SQLite thread stopped while opening".to_owned(),
        })??;
        tracing::debug!(path = %path.display(), schema = SCHEMA_VERSION, "state store opened");
        Ok(Self {
            path,
            clock,
            ttl: rolling_micros(options.reservation_ttl),
            store_id,
            jobs,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `op` on the SQLite thread in one `BEGIN IMMEDIATE` transaction, after the TTL
    /// sweep, with the time read once the write lock is held.
    async fn run<R, F>(&self, during: &'static str, op: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection, i64) -> Result<R, DbError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let clock = Arc::clone(&self.clock);
        let job: Job = Box::new(move |conn| {
            let result = (|| {
                let txn = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let now = micros(clock.now());
                ops::sweep(&txn, now)?;
                let r = op(&txn, now)?;
                txn.commit()?;
                Ok(r)
            })();
            // The caller may have given up (cancelled); the transaction is done either way.
            let _ = tx.send(result);
        });
        let gone = || StoreError::Unavailable {
            store: self.describe(),
            detail: "the SQLite thread has stopped".to_owned(),
        };
        self.jobs.send(job).map_err(|_| gone())?;
        rx.await
            .map_err(|_| gone())?
            .map_err(|e: DbError| e.into_store_error(&self.path, during))
    }
}

#[async_trait]
impl StateStore for SqliteStore {
    async fn reserve(&self, requests: &[CounterRequest]) -> Result<ReserveOutcome, StoreError> {
        let prepared = accounting::prepare(requests)?;
        let counters: Vec<ReservedCounter> = prepared
            .iter()
            .map(|p| ReservedCounter {
                key: p.key.clone(),
                window: p.window,
                amount: from_units(p.units),
            })
            .collect();
        let ttl = self.ttl;
        let reserved = self
            .run("reserve", move |conn, now| {
                ops::reserve(conn, now, ttl, &prepared)
            })
            .await?;
        Ok(match reserved {
            ops::Reserved::Granted { id, deadline } => ReserveOutcome::Granted(Reservation {
                id: ReservationId {
                    store: self.store_id,
                    seq: u64::try_from(id).unwrap_or(0),
                },
                expires_at: from_micros(deadline),
                counters,
            }),
            ops::Reserved::Limited(limited) => {
                tracing::debug!(key = %limited.key, index = limited.index, "reserve limited");
                ReserveOutcome::Limited(limited)
            }
        })
    }

    async fn settle(
        &self,
        reservation: &Reservation,
        settlement: Settlement,
    ) -> Result<SettleOutcome, StoreError> {
        let id = reservation.id;
        if id.store != self.store_id {
            return Err(StoreError::invalid(format!(
                "reservation {id} was issued by another state store; settle it with the store that granted it"
            )));
        }
        let seq = i64::try_from(id.seq).unwrap_or(i64::MAX);
        self.run("settle", move |conn, now| {
            ops::settle(conn, now, seq, settlement)
        })
        .await
    }

    async fn renew(&self, reservation: &Reservation) -> Result<Option<Reservation>, StoreError> {
        let id = reservation.id;
        if id.store != self.store_id {
            return Err(StoreError::invalid(format!(
                "reservation {id} was issued by another state store; renew it with the store that granted it"
            )));
        }
        let seq = i64::try_from(id.seq).unwrap_or(i64::MAX);
        let ttl = self.ttl;
        let deadline = self
            .run("renew", move |conn, now| ops::renew(conn, now, ttl, seq))
            .await?;
        Ok(deadline.map(|d| Reservation {
            expires_at: from_micros(d),
            ..reservation.clone()
        }))
    }

    fn reservation_ttl(&self) -> Duration {
        span(self.ttl)
    }

    async fn snapshot(&self) -> Result<Vec<CounterView>, StoreError> {
        self.run("snapshot", ops::snapshot).await
    }

    async fn reset(&self, key_prefix: &str) -> Result<usize, StoreError> {
        let prefix = key_prefix.to_owned();
        let removed = self
            .run("reset", move |conn, now| ops::reset(conn, now, &prefix))
            .await?;
        tracing::info!(prefix = key_prefix, removed, "state reset");
        Ok(removed)
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}
