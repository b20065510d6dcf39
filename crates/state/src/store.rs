//! The [`StateStore`] trait every backend implements.
//!
//! The shape is chosen so that each method is one atomic step in every backend: one SQLite
//! `BEGIN IMMEDIATE` transaction, one critical section in memory, one Lua script round trip
//! in Redis. In particular `reserve` takes all of a call's counters at once, so checking and
//! charging them is all-or-nothing without a distributed lock.
//!
//! A Redis backend maps onto it as: `reserve` = one `EVALSHA` over the counters' keys
//! (check every counter, then `INCRBY` the calendar totals / `ZADD` the rolling logs, and
//! store the reservation's claims in a hash with a deadline in a sorted set); `settle` = one
//! script that reads and deletes that hash; `renew` = one script that moves the deadline in
//! the hash and the sorted set; TTL expiry = the same sweep at the top of each script.
//! Amounts are integers (see `accounting`), so Lua's doubles stay exact.
//!
//! # Reservations that outlive the TTL
//!
//! The TTL exists to recover the capacity of a caller that died mid-call, not to bound how
//! long a call may take: a call still in flight (or waiting for a person's approval) keeps
//! its reservation alive with [`renew`](StateStore::renew), which moves the deadline to
//! `now + TTL`. The caller renews well before [`Reservation::expires_at`] (e.g. when half
//! of the time left has passed; [`reservation_ttl`](StateStore::reservation_ttl) says how
//! long each renewal buys), so a reservation lives exactly as long as its call, and only a
//! caller that stopped renewing — because it died — has its reservation refunded.

use std::time::Duration;

use async_trait::async_trait;

use crate::error::StoreError;
use crate::types::{
    CounterRequest, CounterView, Reservation, ReserveOutcome, SettleOutcome, Settlement,
};

/// Counters for rate limits and spend caps.
///
/// A reservation lifecycle: `reserve` (pending) → any number of `renew` → `settle(Commit |
/// Refund)`; a reservation not settled or renewed within the store's TTL is refunded
/// automatically.
#[async_trait]
pub trait StateStore: Send + Sync + std::fmt::Debug {
    /// Atomically checks every request and, only if all fit (`used + amount <= max` in the
    /// current window), adds every amount as pending. Requests for the same counter in one
    /// call add up. Invalid requests (negative, NaN or infinite amount, `max <= 0`) fail the
    /// whole call with [`StoreError::InvalidRequest`] and change nothing.
    ///
    /// If the returned future is dropped after the store received the call, a grant may
    /// exist that nobody holds; the TTL refunds it (nobody renews it).
    async fn reserve(&self, requests: &[CounterRequest]) -> Result<ReserveOutcome, StoreError>;

    /// Makes a reservation final or gives it back. Settling twice never counts twice:
    /// the second settle returns [`SettleOutcome::NotPending`].
    async fn settle(
        &self,
        reservation: &Reservation,
        settlement: Settlement,
    ) -> Result<SettleOutcome, StoreError>;

    /// Extends a pending reservation's deadline to `now + reservation_ttl`, because the call
    /// it covers is still in flight (or waiting for approval). Returns the reservation with
    /// its new [`expires_at`](Reservation::expires_at), or `None` when it is no longer
    /// pending: already settled, or refunded by its TTL (also when the deadline has passed
    /// and no sweep had reached it yet: it is refunded now, never revived). `None` means the
    /// counters were given back (or made final by a settle); a later commit of an expired one
    /// behaves as without renewals ([`SettleOutcome::CommittedAfterExpiry`] while one of its
    /// windows is still open).
    ///
    /// A deadline only ever moves later: when the stored deadline is already past `now + TTL`
    /// (a clock that stepped back, or a fleet member with a longer TTL renewed it), it is
    /// kept and returned. The claims themselves do not move: a calendar amount stays in the
    /// window it was reserved in and a rolling entry keeps its time, so renewing never
    /// counts anything twice. Like [`settle`](Self::settle), a reservation from another
    /// store is [`StoreError::InvalidRequest`], and any store sharing the same counters
    /// (SQLite file, Redis prefix) may renew it.
    async fn renew(&self, reservation: &Reservation) -> Result<Option<Reservation>, StoreError>;

    /// How long a reservation stays pending after `reserve` or `renew` without another
    /// renewal ([`StoreOptions::reservation_ttl`](crate::StoreOptions::reservation_ttl), in
    /// whole microseconds). A caller renews well within it, e.g. every half of it.
    fn reservation_ttl(&self) -> Duration;

    /// Every live counter (sorted by key, then window) with its current usage.
    async fn snapshot(&self) -> Result<Vec<CounterView>, StoreError>;

    /// Removes every counter whose key starts with `key_prefix` (all of them for `""`), and
    /// forgets the pending reservations' claims on them. Returns how many of them had usage
    /// in their current window (the ones [`snapshot`](Self::snapshot) would have listed).
    async fn reset(&self, key_prefix: &str) -> Result<usize, StoreError>;

    /// Which store this is, for logs and `toolgate status` (e.g. `sqlite:/path/state.db`).
    fn describe(&self) -> String;
}
