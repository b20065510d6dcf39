//! Opening the SQLite file: connection settings and schema migrations.
//!
//! The schema version lives in `PRAGMA user_version`, so a newer file is refused instead of
//! misread, and future versions migrate in place on open.
//!
//! All amounts are integer units (10^-6) and all times integer microseconds since the Unix
//! epoch, matching `accounting`.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::accounting;
use crate::error::StoreError;
use crate::sqlite::DbError;

/// The schema version this build writes and understands.
pub(crate) const SCHEMA_VERSION: i64 = 1;

const SCHEMA_V1: &str = "
-- Identity of this file, so a reservation is never settled against another store.
CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

-- One row per counter (key, window). Calendar windows keep their running total here;
-- rolling windows keep only the last max and when their newest event expires.
CREATE TABLE counters (
    key          TEXT    NOT NULL,
    win          TEXT    NOT NULL,
    max_units    INTEGER NOT NULL,
    bucket_start INTEGER,
    used_units   INTEGER NOT NULL DEFAULT 0,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (key, win)
) WITHOUT ROWID;
CREATE INDEX counters_expiry ON counters (expires_at);

-- Rolling windows: a sliding log, one row per reserved amount.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL,
    win         TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    units       INTEGER NOT NULL,
    reservation INTEGER,            -- pending reservation that added it; NULL once final
    expires_at  INTEGER NOT NULL
);
CREATE INDEX events_counter ON events (key, win, ts);
CREATE INDEX events_expiry ON events (expires_at);
CREATE INDEX events_reservation ON events (reservation) WHERE reservation IS NOT NULL;

-- Reservations: state 0 = pending until `deadline` (the TTL), state 1 = expired and
-- refunded, kept until `deadline` (its windows' end) so a late commit can be counted.
-- AUTOINCREMENT: ids are never reused, so a stale settle can never hit a newer reservation.
CREATE TABLE reservations (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    state    INTEGER NOT NULL,
    deadline INTEGER NOT NULL
);
CREATE INDEX reservations_deadline ON reservations (state, deadline);

CREATE TABLE reservation_entries (
    reservation INTEGER NOT NULL,
    idx         INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    win         TEXT    NOT NULL,
    at          INTEGER NOT NULL,    -- calendar: window start; rolling: event timestamp
    units       INTEGER NOT NULL,
    max_units   INTEGER NOT NULL,
    PRIMARY KEY (reservation, idx)
) WITHOUT ROWID;
CREATE INDEX reservation_entries_counter ON reservation_entries (key, win);
";

/// Opens (creating if needed) and migrates the database; returns it with the file's store id.
///
/// Retried while the file is busy: switching to WAL needs a moment alone with the file, and
/// SQLite reports `SQLITE_BUSY` for that without calling the busy handler, so two gateways
/// starting together on one file would otherwise race (seen in CI).
pub(crate) fn open(path: &Path, busy_timeout: Duration) -> Result<(Connection, u64), StoreError> {
    let deadline = std::time::Instant::now() + busy_timeout;
    loop {
        match open_once(path, busy_timeout) {
            Err(StoreError::Unavailable { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn open_once(path: &Path, busy_timeout: Duration) -> Result<(Connection, u64), StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Io {
            path: dir.to_path_buf(),
            detail: format!("cannot create the directory: {e}"),
        })?;
    }
    let fail = |e: DbError| e.into_store_error(path, "open");
    let mut conn = Connection::open(path).map_err(|e| fail(e.into()))?;
    conn.busy_timeout(busy_timeout)
        .map_err(|e| fail(e.into()))?;
    // Every statement the store uses stays prepared (the default cache holds 16).
    conn.set_prepared_statement_cache_capacity(64);
    // The first statement that reads the file: a non-database file fails here.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(|e| fail(e.into()))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "SQLite could not enable WAL mode; concurrent access will be slower");
    }
    // NORMAL is durable against process crashes in WAL mode; only power loss can lose the
    // last transactions, and an fsync per reserve would be too slow for the hot path.
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| fail(e.into()))?;
    let store_id = migrate(&mut conn, path)?;
    Ok((conn, store_id))
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<u64, StoreError> {
    let fail = |e: DbError| e.into_store_error(path, "migrate");
    // IMMEDIATE: two processes opening a new file at once must not both create the schema.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| fail(e.into()))?;
    let version: i64 = tx
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| fail(e.into()))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < 1 {
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| fail(e.into()))?;
        if tables > 0 {
            return Err(fail(DbError::Corrupt(
                "it holds tables but no toolgate schema version".to_owned(),
            )));
        }
        tracing::info!(path = %path.display(), "creating state store schema v1");
        tx.execute_batch(SCHEMA_V1).map_err(|e| fail(e.into()))?;
        // Bits of a random u64 stored as SQLite's signed integer.
        let id = i64::from_ne_bytes(accounting::random_u64().to_ne_bytes());
        tx.execute(
            "INSERT INTO meta (name, value) VALUES ('store_id', ?1)",
            [id],
        )
        .map_err(|e| fail(e.into()))?;
    }
    // Future migrations: `if version < 2 { ... }`, each in this same transaction.
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(|e| fail(e.into()))?;
    let id: Option<i64> = tx
        .query_row("SELECT value FROM meta WHERE name = 'store_id'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| fail(e.into()))?;
    let id = id.ok_or_else(|| {
        fail(DbError::Corrupt(
            "the meta table has no store_id row".to_owned(),
        ))
    })?;
    tx.commit().map_err(|e| fail(e.into()))?;
    Ok(u64::from_ne_bytes(id.to_ne_bytes()))
}
