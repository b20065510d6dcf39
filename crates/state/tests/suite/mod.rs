//! The behavioural test suite every `StateStore` backend must pass.
//!
//! Each case is a plain async function over an [`Open`] factory, and `backends.rs` stamps
//! the list out once per backend, so a new backend (Redis) is one more line there.

pub mod cases;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use toolgate_state::{
    CalendarUnit, CounterRequest, CounterView, Limited, ManualClock, Reservation, ReserveOutcome,
    StateStore, StoreOptions, Window,
};

/// A store under test with its clock; `_keep` holds whatever must outlive it (a temp dir).
pub struct Harness {
    pub store: Arc<dyn StateStore>,
    pub clock: Arc<ManualClock>,
    pub _keep: Option<Box<dyn std::any::Any + Send>>,
}

/// Opens a fresh, empty store of one backend on the given clock.
pub type Open = fn(Arc<ManualClock>, StoreOptions) -> Pin<Box<dyn Future<Output = Harness> + Send>>;

/// 2024-01-01T00:00:00Z.
const JAN_1_2024: u64 = 1_704_067_200;

/// A time on 2024-01-01 (UTC), plus `ms` milliseconds.
pub fn at(h: u64, m: u64, s: u64, ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(JAN_1_2024 + h * 3600 + m * 60 + s) + Duration::from_millis(ms)
}

pub async fn open_at(open: Open, start: SystemTime) -> Harness {
    open_with(open, start, StoreOptions::default()).await
}

pub async fn open_with(open: Open, start: SystemTime, options: StoreOptions) -> Harness {
    open(Arc::new(ManualClock::new(start)), options).await
}

pub const MINUTE: Window = Window::Calendar(CalendarUnit::Minute);
pub const HOUR: Window = Window::Calendar(CalendarUnit::Hour);
pub const DAY: Window = Window::Calendar(CalendarUnit::Day);

pub fn rolling(secs: u64) -> Window {
    Window::Rolling(Duration::from_secs(secs))
}

pub fn req(key: &str, amount: f64, max: f64, window: Window) -> CounterRequest {
    CounterRequest::new(key, amount, max, window)
}

impl Harness {
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub fn advance_ms(&self, ms: u64) {
        self.clock.advance(Duration::from_millis(ms));
    }

    pub async fn reserve(&self, requests: &[CounterRequest]) -> ReserveOutcome {
        self.store.reserve(requests).await.expect("reserve failed")
    }

    /// Reserves and expects a grant.
    pub async fn grant(&self, requests: &[CounterRequest]) -> Reservation {
        match self.reserve(requests).await {
            ReserveOutcome::Granted(r) => r,
            ReserveOutcome::Limited(l) => panic!("expected a grant, got {l:?}"),
        }
    }

    /// Reserves and expects a refusal.
    pub async fn limited(&self, requests: &[CounterRequest]) -> Limited {
        match self.reserve(requests).await {
            ReserveOutcome::Limited(l) => l,
            ReserveOutcome::Granted(r) => panic!("expected a limit, got {r:?}"),
        }
    }

    pub async fn views(&self) -> Vec<CounterView> {
        self.store.snapshot().await.expect("snapshot failed")
    }

    /// Used amount of a counter per the snapshot (0 when not listed).
    pub async fn used(&self, key: &str, window: Window) -> f64 {
        self.views()
            .await
            .into_iter()
            .find(|v| v.key == key && v.window == window)
            .map_or(0.0, |v| v.used)
    }
}
