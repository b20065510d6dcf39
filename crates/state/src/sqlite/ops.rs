//! The SQL behind each [`StateStore`](crate::StateStore) operation.
//!
//! Each function runs inside one `BEGIN IMMEDIATE` transaction opened by the caller (see
//! `super::SqliteStore::run`), after [`sweep`]; that write lock is what keeps several
//! processes sharing one file exact.

use rusqlite::{Connection, OptionalExtension, params};

use crate::accounting::{
    self, CounterReader, Prepared, calendar_bounds, calendar_end, from_micros, from_units,
    rolling_micros,
};
use crate::sqlite::DbError;
use crate::types::{CounterView, Limited, SettleOutcome, Settlement, Window};

const PENDING: i64 = 0;
const EXPIRED: i64 = 1;

/// One claim of a reservation, as stored in `reservation_entries`.
struct Entry {
    key: String,
    window: Window,
    at: i64,
    units: i64,
    max: i64,
}

impl Entry {
    fn dead_at(&self) -> i64 {
        match self.window {
            Window::Calendar(unit) => calendar_end(unit, self.at),
            Window::Rolling(d) => self.at + rolling_micros(d),
        }
    }
}

fn decode(win: &str) -> Result<Window, DbError> {
    accounting::decode_window(win)
        .ok_or_else(|| DbError::Corrupt(format!("unknown window {win:?} in the counters")))
}

struct Reader<'a>(&'a Connection);

impl CounterReader for Reader<'_> {
    type Error = DbError;

    fn used(&mut self, key: &str, window: Window, now: i64) -> Result<i64, DbError> {
        let win = accounting::encode_window(window);
        match window {
            Window::Calendar(unit) => {
                let row: Option<(Option<i64>, i64)> = self
                    .0
                    .prepare_cached(
                        "SELECT bucket_start, used_units FROM counters WHERE key = ?1 AND win = ?2",
                    )?
                    .query_row(params![key, win], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let current = calendar_bounds(unit, now).0;
                Ok(match row {
                    Some((Some(start), used)) if start == current => used,
                    _ => 0,
                })
            }
            Window::Rolling(d) => Ok(self
                .0
                .prepare_cached(
                    "SELECT COALESCE(SUM(units), 0) FROM events WHERE key = ?1 AND win = ?2 AND ts > ?3",
                )?
                .query_row(params![key, win, now - rolling_micros(d)], |r| r.get(0))?),
        }
    }

    fn rolling_entries(
        &mut self,
        key: &str,
        window: Window,
        since: i64,
    ) -> Result<Vec<(i64, i64)>, DbError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT ts, units FROM events WHERE key = ?1 AND win = ?2 AND ts > ?3 ORDER BY ts, id",
        )?;
        let rows = stmt.query_map(
            params![key, accounting::encode_window(window), since],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Adds `e.units` to the calendar window starting at `e.at` (ending at `end`); a total kept
/// for an older window is replaced, not added to.
fn add_calendar(conn: &Connection, e: &Entry, win: &str, end: i64) -> Result<(), DbError> {
    conn.prepare_cached(
        "INSERT INTO counters (key, win, max_units, bucket_start, used_units, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (key, win) DO UPDATE SET
             used_units = CASE WHEN bucket_start = excluded.bucket_start
                               THEN used_units + excluded.used_units
                               ELSE excluded.used_units END,
             bucket_start = excluded.bucket_start,
             max_units = excluded.max_units,
             expires_at = excluded.expires_at",
    )?
    .execute(params![e.key, win, e.max, e.at, e.units, end])?;
    Ok(())
}

/// Appends a rolling-window event and keeps its counter row alive as long as the event.
fn add_rolling(
    conn: &Connection,
    e: &Entry,
    win: &str,
    len: i64,
    reservation: Option<i64>,
) -> Result<(), DbError> {
    let expires = e.at + len;
    conn.prepare_cached(
        "INSERT INTO events (key, win, ts, units, reservation, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![e.key, win, e.at, e.units, reservation, expires])?;
    conn.prepare_cached(
        "INSERT INTO counters (key, win, max_units, bucket_start, used_units, expires_at)
         VALUES (?1, ?2, ?3, NULL, 0, ?4)
         ON CONFLICT (key, win) DO UPDATE SET
             max_units = excluded.max_units,
             expires_at = MAX(expires_at, excluded.expires_at)",
    )?
    .execute(params![e.key, win, e.max, expires])?;
    Ok(())
}

fn entries(conn: &Connection, id: i64) -> Result<Vec<Entry>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, win, at, units, max_units FROM reservation_entries
         WHERE reservation = ?1 ORDER BY idx",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
        ))
    })?;
    rows.map(|row| {
        let (key, win, at, units, max) = row?;
        Ok(Entry {
            key,
            window: decode(&win)?,
            at,
            units,
            max,
        })
    })
    .collect()
}

fn delete_reservation(conn: &Connection, id: i64) -> Result<(), DbError> {
    conn.prepare_cached("DELETE FROM reservation_entries WHERE reservation = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM reservations WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Gives back what reservation `id` added; calendar windows that moved on are left alone.
fn refund(conn: &Connection, id: i64, entries: &[Entry]) -> Result<(), DbError> {
    for e in entries
        .iter()
        .filter(|e| matches!(e.window, Window::Calendar(_)))
    {
        conn.prepare_cached(
            "UPDATE counters SET used_units = MAX(used_units - ?1, 0)
             WHERE key = ?2 AND win = ?3 AND bucket_start = ?4",
        )?
        .execute(params![
            e.units,
            e.key,
            accounting::encode_window(e.window),
            e.at
        ])?;
    }
    conn.prepare_cached("DELETE FROM events WHERE reservation = ?1")?
        .execute([id])?;
    Ok(())
}

/// Counts an expired (already refunded) reservation again, in the windows still open.
fn reapply(conn: &Connection, now: i64, entries: &[Entry]) -> Result<(), DbError> {
    for e in entries {
        let win = accounting::encode_window(e.window);
        match e.window {
            Window::Calendar(unit) => {
                let (start, end) = calendar_bounds(unit, now);
                if start == e.at {
                    add_calendar(conn, e, &win, end)?;
                }
            }
            Window::Rolling(d) => {
                let len = rolling_micros(d);
                if e.at + len > now {
                    add_rolling(conn, e, &win, len, None)?;
                }
            }
        }
    }
    Ok(())
}

/// Refunds reservations past their TTL, then deletes whatever has left every window.
pub(super) fn sweep(conn: &Connection, now: i64) -> Result<(), DbError> {
    let expired: Vec<i64> = conn
        .prepare_cached("SELECT id FROM reservations WHERE state = ?1 AND deadline <= ?2")?
        .query_map(params![PENDING, now], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in expired {
        tracing::warn!(
            reservation = id,
            "reservation not settled within its TTL; refunded"
        );
        let list = entries(conn, id)?;
        refund(conn, id, &list)?;
        match list.iter().map(Entry::dead_at).max().filter(|&t| t > now) {
            // Kept as a tombstone while a late commit could still count somewhere.
            Some(until) => {
                conn.prepare_cached(
                    "UPDATE reservations SET state = ?1, deadline = ?2 WHERE id = ?3",
                )?
                .execute(params![EXPIRED, until, id])?;
            }
            None => delete_reservation(conn, id)?,
        }
    }
    conn.prepare_cached(
        "DELETE FROM reservation_entries WHERE reservation IN
             (SELECT id FROM reservations WHERE state = ?1 AND deadline <= ?2)",
    )?
    .execute(params![EXPIRED, now])?;
    conn.prepare_cached("DELETE FROM reservations WHERE state = ?1 AND deadline <= ?2")?
        .execute(params![EXPIRED, now])?;
    conn.prepare_cached("DELETE FROM events WHERE expires_at <= ?1")?
        .execute([now])?;
    conn.prepare_cached("DELETE FROM counters WHERE expires_at <= ?1")?
        .execute([now])?;
    Ok(())
}

/// Result of [`reserve`]: the new reservation's row id and deadline, or why not.
pub(super) enum Reserved {
    Granted { id: i64, deadline: i64 },
    Limited(Limited),
}

pub(super) fn reserve(
    conn: &Connection,
    now: i64,
    ttl: i64,
    prepared: &[Prepared],
) -> Result<Reserved, DbError> {
    if let Some(limited) = accounting::check(prepared, now, &mut Reader(conn))? {
        return Ok(Reserved::Limited(limited));
    }
    let deadline = now.saturating_add(ttl);
    conn.prepare_cached("INSERT INTO reservations (state, deadline) VALUES (?1, ?2)")?
        .execute(params![PENDING, deadline])?;
    let id = conn.last_insert_rowid();
    for (idx, p) in prepared.iter().enumerate() {
        let win = accounting::encode_window(p.window);
        let mut e = Entry {
            key: p.key.clone(),
            window: p.window,
            at: now,
            units: p.units,
            max: p.max,
        };
        match p.window {
            Window::Calendar(unit) => {
                let (start, end) = calendar_bounds(unit, now);
                e.at = start;
                add_calendar(conn, &e, &win, end)?;
            }
            Window::Rolling(d) => add_rolling(conn, &e, &win, rolling_micros(d), Some(id))?,
        }
        conn.prepare_cached(
            "INSERT INTO reservation_entries (reservation, idx, key, win, at, units, max_units)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id,
            i64::try_from(idx).unwrap_or(i64::MAX),
            e.key,
            win,
            e.at,
            e.units,
            e.max
        ])?;
    }
    Ok(Reserved::Granted { id, deadline })
}

pub(super) fn settle(
    conn: &Connection,
    now: i64,
    id: i64,
    settlement: Settlement,
) -> Result<SettleOutcome, DbError> {
    let state: Option<i64> = conn
        .prepare_cached("SELECT state FROM reservations WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let outcome = match (state, settlement) {
        (None, _) => return Ok(SettleOutcome::NotPending),
        (Some(PENDING), Settlement::Commit) => {
            conn.prepare_cached("UPDATE events SET reservation = NULL WHERE reservation = ?1")?
                .execute([id])?;
            SettleOutcome::Committed
        }
        (Some(PENDING), Settlement::Refund) => {
            refund(conn, id, &entries(conn, id)?)?;
            SettleOutcome::Refunded
        }
        (Some(_), Settlement::Commit) => {
            tracing::warn!(
                reservation = id,
                "commit after the reservation's TTL; counted again"
            );
            reapply(conn, now, &entries(conn, id)?)?;
            SettleOutcome::CommittedAfterExpiry
        }
        (Some(_), Settlement::Refund) => SettleOutcome::NotPending,
    };
    delete_reservation(conn, id)?;
    Ok(outcome)
}

/// Moves a pending reservation's deadline to `now + ttl` (never earlier than it was); its
/// deadline, or `None` when it is not pending (settled, or expired: the sweep that ran
/// first in this transaction has refunded it into a tombstone).
pub(super) fn renew(
    conn: &Connection,
    now: i64,
    ttl: i64,
    id: i64,
) -> Result<Option<i64>, DbError> {
    let Some(old): Option<i64> = conn
        .prepare_cached("SELECT deadline FROM reservations WHERE id = ?1 AND state = ?2")?
        .query_row(params![id, PENDING], |r| r.get(0))
        .optional()?
    else {
        return Ok(None);
    };
    let deadline = old.max(now.saturating_add(ttl));
    if deadline != old {
        conn.prepare_cached("UPDATE reservations SET deadline = ?1 WHERE id = ?2")?
            .execute(params![deadline, id])?;
    }
    Ok(Some(deadline))
}

pub(super) fn snapshot(conn: &Connection, now: i64) -> Result<Vec<CounterView>, DbError> {
    let rows: Vec<(String, String, i64, Option<i64>, i64)> = conn
        .prepare_cached(
            "SELECT key, win, max_units, bucket_start, used_units FROM counters ORDER BY key, win",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut views = Vec::with_capacity(rows.len());
    for (key, win, max, bucket_start, used_units) in rows {
        let window = decode(&win)?;
        let (used, pending, start, end) = match window {
            Window::Calendar(unit) => {
                let (current, end) = calendar_bounds(unit, now);
                if bucket_start != Some(current) {
                    continue;
                }
                let pending: i64 = conn
                    .prepare_cached(
                        "SELECT COALESCE(SUM(e.units), 0) FROM reservation_entries e
                         JOIN reservations r ON r.id = e.reservation
                         WHERE r.state = ?1 AND e.key = ?2 AND e.win = ?3 AND e.at = ?4",
                    )?
                    .query_row(params![PENDING, key, win, current], |r| r.get(0))?;
                (used_units, pending, Some(current), end)
            }
            Window::Rolling(d) => {
                let len = rolling_micros(d);
                let (used, pending, newest): (i64, i64, Option<i64>) = conn
                    .prepare_cached(
                        "SELECT COALESCE(SUM(units), 0),
                                COALESCE(SUM(CASE WHEN reservation IS NULL THEN 0 ELSE units END), 0),
                                MAX(ts)
                         FROM events WHERE key = ?1 AND win = ?2 AND ts > ?3",
                    )?
                    .query_row(params![key, win, now - len], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
                let Some(newest) = newest else { continue };
                (used, pending, None, newest + len)
            }
        };
        if used == 0 {
            continue;
        }
        views.push(CounterView {
            key,
            window,
            used: from_units(used),
            pending: from_units(pending),
            max: Some(from_units(max)),
            window_start: start.map(from_micros),
            window_end: from_micros(end),
        });
    }
    Ok(views)
}

pub(super) fn reset(conn: &Connection, now: i64, prefix: &str) -> Result<usize, DbError> {
    // substr/length count characters on both sides, which matches a byte-prefix test on
    // UTF-8; unlike LIKE it needs no escaping of `%` and `_`.
    const MATCH: &str = "substr(key, 1, length(?1)) = ?1";
    let matching: Vec<(String, String)> = conn
        .prepare(&format!("SELECT key, win FROM counters WHERE {MATCH}"))?
        .query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    // Count what a snapshot would have listed: counters with usage in their window.
    let mut removed = 0;
    for (key, win) in matching {
        if Reader(conn).used(&key, decode(&win)?, now)? > 0 {
            removed += 1;
        }
    }
    conn.execute(&format!("DELETE FROM counters WHERE {MATCH}"), [prefix])?;
    conn.execute(&format!("DELETE FROM events WHERE {MATCH}"), [prefix])?;
    // Pending claims on removed counters are forgotten, so a later refund cannot free
    // capacity in a fresh counter of the same name.
    conn.execute(
        &format!("DELETE FROM reservation_entries WHERE {MATCH}"),
        [prefix],
    )?;
    Ok(removed)
}
