//! Redis backend (`--state redis://host:port/db`): one set of counters shared by a fleet of
//! gateways.
//!
//! # Atomicity
//!
//! Each [`StateStore`](crate::StateStore) operation is one Lua script run with `EVALSHA`
//! (see `scripts.rs`); Redis runs a script to the end before any other command, which is
//! what makes the multi-counter reserve all-or-nothing across gateways without a lock.
//! `reserve`, `settle` and `renew` are one round trip each; `snapshot` and `reset` first list the
//! counters with `SCAN` (never `KEYS`), then run their script over what they found (in
//! batches of 500 counters).
//!
//! The scripts (`prelude.lua` plus one body each):
//! - every script starts with the TTL **sweep**: pending reservations whose deadline has
//!   passed are refunded and kept as tombstones until their windows close (so a late commit
//!   can still count), tombstones whose windows have closed are deleted. At most 1000 of
//!   each per call, so a script never blocks Redis for long after an outage.
//! - `reserve.lua` reads every requested counter (calendar total, or the sum of the rolling
//!   log's entries still in the window), stops at the first that does not fit and returns
//!   its index, usage and retry-after; only if all fit does it add the amounts (`HINCRBY`
//!   on the calendar hash, `ZADD` to the rolling log), write the reservation hash and add
//!   its id to the pending index.
//! - `settle.lua` reads and deletes the reservation: a pending one is committed (calendar
//!   amounts leave the pending total) or refunded (amounts taken back; a calendar window
//!   that ended keeps its count); a tombstone counts again on commit (windows still open)
//!   and nothing happens on refund; a missing one is "not pending". Never twice.
//! - `renew.lua` moves a pending reservation's deadline to the one asked for (the gateway's
//!   `now` + its TTL; never earlier than the stored one) in its hash (`d`) and in the
//!   pending index, and extends the expiry of both to match. A reservation past its
//!   deadline that the bounded sweep did not reach is expired first, exactly as `settle`
//!   does, so a renewal never revives a refunded reservation; a tombstone or a missing one
//!   is "not pending". The claims are not touched: calendar amounts stay in their window's
//!   `used`/`pend`, rolling entries keep their time and leave their log when their window
//!   says so, pending or not.
//! - `snapshot.lua` reports usage, pending part, window and max of the counters given.
//! - `reset.lua` deletes the counters given and strips claims on counters that are gone
//!   from every live reservation, so an old refund cannot free a fresh counter's capacity.
//!
//! The arithmetic is the same as the other backends' (`accounting`): amounts are integer
//! millionths (at most 2^51, so Lua's doubles add them exactly) and times are integer
//! microseconds; numbers go back to Redis through `string.format('%d')`, never through
//! Lua's 14-digit `tostring`.
//!
//! # Key layout
//!
//! With the default prefix `toolgate` (see
//! [`StoreOptions::key_prefix`](crate::StoreOptions::key_prefix)):
//!
//! | key | type | holds | expires |
//! | --- | --- | --- | --- |
//! | `{toolgate}:c:<window>:<key>` | hash | `max`; calendar: `start` of the window held, `used` and its pending part `pend` (units) | calendar: window end; rolling: with its log |
//! | `{toolgate}:l:<window>:<key>` | sorted set | rolling log: member `<reservation>:<index>:<units>`, score = time (µs) | newest entry + window |
//! | `{toolgate}:r:<reservation>` | hash | `s` (`p` pending / `x` expired), `d` deadline (moved by `renew`), `e<i>` = entry *i* | deadline or last window end, whichever is later |
//! | `{toolgate}:pending` | sorted set | pending reservation ids, score = deadline | with the latest reservation |
//! | `{toolgate}:expired` | sorted set | tombstones, score = when their windows close | with the latest tombstone |
//!
//! `<window>` is `minute`, `hour`, `day` or `rolling:<µs>`; the caller's key comes last so
//! it may contain anything. Every expiry gets 60 s of grace on top, and is only ever
//! extended: key expiry is garbage collection of idle counters, never what decides a
//! window (the scripts compare times themselves), so a Redis that forgets nothing early is
//! all that matters.
//!
//! The prefix is wrapped in a Redis Cluster hash tag, so every key of a store lives in one
//! slot and a script may touch any of them (the sweep reaches reservations and counters it
//! was not given as `KEYS`; that is safe only because they share the slot). The price: one
//! prefix is one slot, held by one node — a cluster spreads *prefixes*, not the counters of
//! one prefix. Several fleets can share a Redis (or a cluster) with different prefixes.
//! This build connects to one Redis server (standalone or a primary); it has no Cluster
//! client.
//!
//! # Time
//!
//! `now` comes from the store's injected [`Clock`](crate::Clock), read by the gateway just
//! before the call and passed to the script as an argument, not from Redis' `TIME`: the
//! tests drive windows and TTLs with a `ManualClock` and stay deterministic, and all
//! backends read time the same way. The consequence for a fleet: **the gateways' clocks
//! must be synchronised** (NTP). A gateway whose clock is off by δ sees calendar boundaries
//! and rolling windows shifted by δ and sweeps reservations δ early or late (so keep the
//! reservation TTL well above the skew); amounts are still never added twice or lost, only
//! *when* a window turns over moves. Calls from different gateways may also reach Redis in
//! a different order than their clocks read, which is the same effect on the scale of a
//! round trip. Key expiry is relative (`PEXPIRE` with a duration computed from the
//! gateway's times, plus the grace), so Redis' own clock only drives garbage collection.
//!
//! # Reservation TTL and crashes
//!
//! A granted reservation is pending until `now + reservation_ttl`, and each `renew` (from
//! any gateway of the fleet) moves that to its `now + reservation_ttl`; the first script
//! that runs after the deadline (from any gateway) refunds it. So a gateway that crashes
//! with reservations in flight leaks nothing beyond the TTL after its last renewal, while
//! a call that runs (or waits for approval) longer than the TTL keeps its reservation as
//! long as its gateway renews it. Gateways of one fleet should use the same TTL: a
//! renewal never shortens a deadline, so the longest TTL in use wins. Ids are random 64-bit
//! numbers: unlike a counter in Redis, they are never reused after a Redis restart, so a
//! stale settle cannot hit a newer reservation.
//!
//! # Failures
//!
//! The connection is a [`ConnectionManager`](redis::aio::ConnectionManager): one
//! multiplexed connection, re-established in the background when it breaks (3 quick
//! retries per attempt, and a new attempt on the next call). Every command is bounded by
//! [`StoreOptions::command_timeout`](crate::StoreOptions::command_timeout) (2 s by
//! default), so while Redis is down or hung each call fails fast with
//! [`StoreError::Unavailable`](crate::StoreError::Unavailable) naming the address (the
//! gateway's `--state-fail-mode` decides what happens to the call), and calls succeed
//! again by themselves once it is back. A call that timed out may still have run in Redis:
//! a reserve nobody holds is refunded at its TTL, and settling again is safe (the second
//! settle is `NotPending`). A restarted Redis has forgotten the scripts: the next call gets
//! `NOSCRIPT` and loads them again. A Redis without persistence also forgets the counters
//! on a restart (everyone starts with full capacity again); enable AOF or RDB if spend caps
//! must survive one.
//!
//! Needs Redis 7.0 or newer (or a compatible server reporting it, such as Valkey): the
//! scripts use `#!lua` flags. `rediss://` (TLS) is not built in; use a local TLS proxy
//! (stunnel, a sidecar) or a Unix socket (`redis+unix:///path?db=0`).

mod keys;
mod later;
mod scripts;
mod store;

pub use keys::DEFAULT_PREFIX;
pub use later::RedisLater;
pub use store::RedisStore;
