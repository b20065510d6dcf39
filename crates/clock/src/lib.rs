//! The time sources toolgate's crates read: one wall clock ([`Clock`], for windows, record
//! times and expiry stamps that must mean the same thing on every host) and one monotonic
//! clock ([`Monotonic`], for intervals a wall-clock step must not stretch or cut short, such
//! as a JWKS cache's age). Each comes with the real source and a manual one tests move by
//! hand, so no test sleeps to see time pass.
//!
//! Timers inside the async pipeline use tokio's `Instant` instead, so `tokio::time::pause`
//! drives them in tests; these clocks are for code that reads the time, not waits on it.
#![forbid(unsafe_code)]

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// A source of wall-clock time (UTC, as `SystemTime`).
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> SystemTime;
}

/// The operating system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A wall clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
}

impl ManualClock {
    /// A clock standing still at `start`.
    pub fn new(start: SystemTime) -> Self {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }

    /// Sets the clock to `to` (which may be in the past, to test a clock stepping back).
    pub fn set(&self, to: SystemTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A monotonic clock.
pub trait Monotonic: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Instant;
}

/// The operating system's monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemMonotonic;

impl Monotonic for SystemMonotonic {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A monotonic clock that only moves when told to (it starts at the moment it is made).
#[derive(Debug)]
pub struct ManualMonotonic {
    base: Instant,
    offset: Mutex<Duration>,
}

impl ManualMonotonic {
    pub fn new() -> Self {
        ManualMonotonic {
            base: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }
}

impl Default for ManualMonotonic {
    fn default() -> Self {
        Self::new()
    }
}

impl Monotonic for ManualMonotonic {
    fn now(&self) -> Instant {
        self.base + *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(100));
        assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(100));
        clock.advance(Duration::from_millis(1500));
        assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_millis(101_500));
        clock.set(UNIX_EPOCH);
        assert_eq!(clock.now(), UNIX_EPOCH);
    }

    #[test]
    fn manual_monotonic_moves_only_when_told() {
        let clock = ManualMonotonic::new();
        let start = clock.now();
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(61));
        assert_eq!(clock.now() - start, Duration::from_secs(61));
    }
}
