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
//! script that reads and deletes that hash; TTL expiry = the same sweep at the top of each
//! script. Amounts are integers (see `accounting`), so Lua's doubles stay exact.

use async_trait::async_trait;

use crate::error::StoreError;
use crate::types::{
    CounterRequest, CounterView, Reservation, ReserveOutcome, SettleOutcome, Settlement,
};

/// Counters for rate limits and spend caps.
///
/// A reservation lifecycle: `reserve` (pending) → `settle(Commit | Refund)`; a reservation
/// not settled within the store's TTL is refunded automatically.
#[async_trait]
pub trait StateStore: Send + Sync + std::fmt::Debug {
    /// Atomically checks every request and, only if all fit (`used + amount <= max` in the
    /// current window), adds every amount as pending. Requests for the same counter in one
    /// call add up. Invalid requests (negative, NaN or infinite amount, `max <= 0`) fail the
    /// whole call with [`StoreError::InvalidRequest`] and change nothing.
    ///
    /// If the returned future is dropped after the store received the call, a grant may
    /// exist that nobody holds; the TTL refunds it.
    async fn reserve(&self, requests: &[CounterRequest]) -> Result<ReserveOutcome, StoreError>;

    /// Makes a reservation final or gives it back. Settling twice never counts twice:
    /// the second settle returns [`SettleOutcome::NotPending`].
    async fn settle(
        &self,
        reservation: &Reservation,
        settlement: Settlement,
    ) -> Result<SettleOutcome, StoreError>;

    /// Every live counter (sorted by key, then window) with its current usage.
    async fn snapshot(&self) -> Result<Vec<CounterView>, StoreError>;

    /// Removes every counter whose key starts with `key_prefix` (all of them for `""`), and
    /// forgets the pending reservations' claims on them. Returns how many of them had usage
    /// in their current window (the ones [`snapshot`](Self::snapshot) would have listed).
    async fn reset(&self, key_prefix: &str) -> Result<usize, StoreError>;

    /// Which store this is, for logs and `toolgate status` (e.g. `sqlite:/path/state.db`).
    fn describe(&self) -> String;
}
