//! toolgate-state: counters for rate limits and spend caps.
//!
//! One trait, [`StateStore`], with an in-memory backend ([`MemoryStore`]), an embedded
//! SQLite backend ([`SqliteStore`], the default) and a Redis backend ([`RedisStore`], see
//! the [Redis module](crate::redis) for its design) for a fleet of gateways that share
//! counters. A call's counters are reserved all-or-nothing, then settled (commit or refund)
//! on the real outcome; a call that runs longer than the reservation TTL keeps its
//! reservation by renewing it, and reservations neither settled nor renewed within the TTL
//! are refunded, so a crashed caller never leaks capacity. The crate knows nothing about MCP or the policy format: the
//! gateway translates limits into [`CounterRequest`]s.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::{Duration, UNIX_EPOCH};
//! use toolgate_state::{
//!     CalendarUnit, CounterRequest, ManualClock, ReserveOutcome, Settlement, Window, open_store,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), toolgate_state::StoreError> {
//! let clock = Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_704_067_200)));
//! let store = open_store("memory", clock).await?;
//! let limits = [
//!     CounterRequest::new("calls:search", 1.0, 30.0, Window::Rolling(Duration::from_secs(60))),
//!     CounterRequest::new("spend:refunds", 250.0, 1000.0, Window::Calendar(CalendarUnit::Day)),
//! ];
//! match store.reserve(&limits).await? {
//!     ReserveOutcome::Granted(reservation) => {
//!         // ... forward the call, then settle on its real outcome:
//!         store.settle(&reservation, Settlement::Commit).await?;
//!     }
//!     ReserveOutcome::Limited(limited) => {
//!         let _retry_after = limited.retry_after; // None: can never fit
//!     }
//! }
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod accounting;
mod error;
mod memory;
pub mod redis;
mod spec;
mod sqlite;
mod store;
mod types;

pub use crate::redis::{RedisLater, RedisStore};
pub use error::StoreError;
pub use memory::MemoryStore;
pub use spec::{default_sqlite_path, open_store, open_store_with_options};
pub use sqlite::SqliteStore;
pub use store::StateStore;
pub use toolgate_clock::{Clock, ManualClock, SystemClock};
pub use types::{
    CalendarUnit, CounterRequest, CounterView, Limited, Reservation, ReservationId, ReserveOutcome,
    ReservedCounter, SettleOutcome, Settlement, StoreOptions, Window,
};
