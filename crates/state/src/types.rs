//! The vocabulary of the state store: windows, counter requests, reservations, outcomes
//! and snapshots.
//!
//! These types are the crate's own (it knows nothing of MCP or the policy format); the
//! gateway translates a policy decision's limits into [`CounterRequest`]s.

use std::fmt;
use std::time::{Duration, SystemTime};

/// A calendar unit for fixed windows aligned to UTC boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarUnit {
    /// From `hh:mm:00` to the next minute.
    Minute,
    /// From `hh:00:00` to the next hour.
    Hour,
    /// From `00:00:00` UTC to the next midnight UTC.
    Day,
}

impl CalendarUnit {
    /// Length of the unit (Unix time has no leap seconds, so a day is always 86 400 s).
    pub fn duration(self) -> Duration {
        match self {
            Self::Minute => Duration::from_secs(60),
            Self::Hour => Duration::from_secs(3600),
            Self::Day => Duration::from_secs(86_400),
        }
    }
}

/// How long amounts count against a counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Window {
    /// Fixed window aligned to UTC calendar boundaries; everything resets at the boundary.
    Calendar(CalendarUnit),
    /// Exact sliding window: counts everything reserved in `(now - d, now]`, so there is no
    /// double burst across a boundary.
    Rolling(Duration),
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Calendar(CalendarUnit::Minute) => f.write_str("minute"),
            Self::Calendar(CalendarUnit::Hour) => f.write_str("hour"),
            Self::Calendar(CalendarUnit::Day) => f.write_str("day"),
            Self::Rolling(d) => write!(f, "rolling {}s", d.as_secs_f64()),
        }
    }
}

/// One counter to charge in a [`StateStore::reserve`](crate::StateStore::reserve) call.
///
/// A counter is identified by the pair (`key`, `window`): the same key with two windows is
/// two counters. `max` is not stored as configuration; each request brings the limit that
/// applies now, so a policy reload takes effect on the next call.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterRequest {
    /// Counter name, chosen by the caller (e.g. `rl:search:session:abc`).
    pub key: String,
    /// Amount to add: finite and `>= 0` (a negative is rejected, never a refund).
    pub amount: f64,
    /// Largest total allowed in the window: finite and `> 0`.
    pub max: f64,
    /// Which window the amount counts in.
    pub window: Window,
}

impl CounterRequest {
    /// Convenience constructor.
    pub fn new(key: impl Into<String>, amount: f64, max: f64, window: Window) -> Self {
        Self {
            key: key.into(),
            amount,
            max,
            window,
        }
    }
}

/// Identifies a reservation within the store that issued it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReservationId {
    pub(crate) store: u64,
    pub(crate) seq: u64,
}

impl fmt::Display for ReservationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}-{}", self.store, self.seq)
    }
}

/// One counter charged by a reservation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservedCounter {
    /// The counter's key.
    pub key: String,
    /// The counter's window.
    pub window: Window,
    /// The amount reserved (after rounding to the store's resolution of 10^-6).
    pub amount: f64,
}

/// Proof of a granted reserve; hand it back to [`StateStore::settle`](crate::StateStore::settle).
#[derive(Debug, Clone, PartialEq)]
pub struct Reservation {
    pub(crate) id: ReservationId,
    pub(crate) expires_at: SystemTime,
    pub(crate) counters: Vec<ReservedCounter>,
}

impl Reservation {
    /// The reservation's id (for logs and audit records).
    pub fn id(&self) -> ReservationId {
        self.id
    }

    /// When the store refunds it by itself if it has not been settled or renewed by then.
    /// [`StateStore::renew`](crate::StateStore::renew) returns the reservation with its new
    /// deadline; the caller renews before this time (e.g. when half of what is left of it
    /// has passed).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// The counters charged, in request order.
    pub fn counters(&self) -> &[ReservedCounter] {
        &self.counters
    }
}

/// Why a reserve was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct Limited {
    /// Index in the request slice of the first request that did not fit.
    pub index: usize,
    /// Its key.
    pub key: String,
    /// Its window.
    pub window: Window,
    /// Amount already used in the window (pending reservations included, and earlier
    /// requests of the same call on the same counter).
    pub used: f64,
    /// The amount that was asked for.
    pub requested: f64,
    /// The limit that applied.
    pub max: f64,
    /// When enough capacity frees up for this request alone (end of the calendar window, or
    /// when the oldest entries that must leave a rolling window have left). `None` when it
    /// can never fit: the amount (with earlier requests of the same call on the same
    /// counter) exceeds `max`.
    pub retry_after: Option<Duration>,
}

/// Result of [`StateStore::reserve`](crate::StateStore::reserve).
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a granted reservation must be settled (or it is refunded at its TTL)"]
pub enum ReserveOutcome {
    /// Every request fitted; all amounts were added as pending.
    Granted(Reservation),
    /// At least one request did not fit; nothing was changed.
    Limited(Limited),
}

/// What to do with a reservation once the call's outcome is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// The call happened: the amounts become final.
    Commit,
    /// The call did not happen (or the rule says not to count it): give the amounts back.
    Refund,
}

/// Result of [`StateStore::settle`](crate::StateStore::settle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettleOutcome {
    /// The pending amounts are now final.
    Committed,
    /// The pending amounts were given back (calendar windows that already ended excepted:
    /// there is nothing to give back to).
    Refunded,
    /// The reservation had outlived its TTL and had been refunded automatically; the commit
    /// added its amounts again to the windows still open (without checking `max`: the call
    /// did happen). A sign that the caller did not renew a reservation for a call that
    /// outlived the TTL (see [`StateStore::renew`](crate::StateStore::renew)).
    CommittedAfterExpiry,
    /// Nothing was changed: the reservation was already settled, or it expired (and was
    /// refunded then) and this is a refund, or its store forgot it (windows closed). Never a
    /// second refund.
    NotPending,
}

/// One live counter, for `toolgate state show`.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterView {
    /// The counter's key.
    pub key: String,
    /// The counter's window.
    pub window: Window,
    /// Amount used in the current window, pending reservations included.
    pub used: f64,
    /// The part of `used` reserved but not yet settled.
    pub pending: f64,
    /// The limit most recently requested for this counter, if the backend knows it.
    pub max: Option<f64>,
    /// Calendar windows: when the current window started. `None` for rolling windows.
    pub window_start: Option<SystemTime>,
    /// Calendar windows: when the current window ends. Rolling windows: when the newest
    /// entry leaves the window, i.e. when the counter is empty if nothing else is added.
    pub window_end: SystemTime,
}

/// Tunables shared by every backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// How long a reservation may stay unsettled after its reserve or its last renewal
    /// before the store refunds it by itself, so a crashed caller never leaks capacity for
    /// longer. A call that takes longer (or waits for approval) stays counted by renewing
    /// its reservation ([`StateStore::renew`](crate::StateStore::renew)); the TTL only has
    /// to exceed the time between renewals, with margin for a slow store.
    pub reservation_ttl: Duration,
    /// SQLite: how long to wait for another process's write lock before giving up.
    pub busy_timeout: Duration,
    /// Redis: the prefix of every key of the store (`None`: `toolgate`), wrapped in a hash
    /// tag (`{toolgate}:…`) so they all share one Redis Cluster slot. Gateways that share
    /// counters use the same prefix; different prefixes are separate stores on one Redis.
    /// Must not be empty or contain `{`, `}` or control characters.
    pub key_prefix: Option<String>,
    /// Redis: how long one command (or connecting) may take before the call fails with
    /// [`StoreError::Unavailable`](crate::StoreError::Unavailable), so a dead Redis costs
    /// each call at most this long.
    pub command_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            reservation_ttl: Duration::from_secs(300),
            busy_timeout: Duration::from_secs(5),
            key_prefix: None,
            command_timeout: Duration::from_secs(2),
        }
    }
}
