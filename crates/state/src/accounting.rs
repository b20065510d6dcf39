//! Backend-independent arithmetic: fixed-point amounts, time in microseconds, window
//! boundaries, request validation and the all-or-nothing fit check.
//!
//! Every backend shares this code so they agree to the last unit on what fits and when
//! to retry; only where the numbers live differs.
//!
//! Amounts are stored as integers in millionths (`units`) so that sums are exact and a
//! refund removes exactly what its reserve added (with `f64`, `0.1 + 0.2 - 0.1 != 0.2`, and
//! `0.1 + 0.2 <= 0.3` is false). The bound `MAX_UNITS = 2^51` (amounts up to about 2.25e9)
//! keeps every sum exact in a double, which a Lua (Redis) implementation will need, and lets
//! an amount reported back as `f64` convert to the same units again.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::StoreError;
use crate::types::{CalendarUnit, CounterRequest, Limited, Window};

/// Units per 1.0 of amount.
pub(crate) const SCALE: f64 = 1_000_000.0;
/// Largest amount or max, in units.
pub(crate) const MAX_UNITS: i64 = 1 << 51;
/// Longest rolling window accepted (keeps all microsecond arithmetic far from overflow).
const MAX_ROLLING: Duration = Duration::from_secs(10 * 366 * 86_400);

pub(crate) fn from_units(units: i64) -> f64 {
    units as f64 / SCALE
}

/// Microseconds since the Unix epoch (negative before it).
pub(crate) fn micros(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_micros()).map_or(i64::MIN, |v| -v),
    }
}

pub(crate) fn from_micros(us: i64) -> SystemTime {
    if us >= 0 {
        UNIX_EPOCH + Duration::from_micros(us.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_micros(us.unsigned_abs())
    }
}

/// A non-negative span in microseconds as a `Duration` (negatives clamp to zero).
pub(crate) fn span(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}

/// Length of a calendar unit in microseconds.
fn unit_micros(unit: CalendarUnit) -> i64 {
    match unit {
        CalendarUnit::Minute => 60_000_000,
        CalendarUnit::Hour => 3_600_000_000,
        CalendarUnit::Day => 86_400_000_000,
    }
}

/// Start and end (exclusive) of the calendar window containing `now`.
pub(crate) fn calendar_bounds(unit: CalendarUnit, now: i64) -> (i64, i64) {
    let len = unit_micros(unit);
    let start = now.div_euclid(len) * len;
    (start, start + len)
}

/// End of the calendar window that started at `start`.
pub(crate) fn calendar_end(unit: CalendarUnit, start: i64) -> i64 {
    start + unit_micros(unit)
}

/// Rolling window length in microseconds; validated to be in `1..=MAX_ROLLING` by `prepare`.
pub(crate) fn rolling_micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// Stable text form of a window, used as part of a counter's identity in storage.
pub(crate) fn encode_window(w: Window) -> String {
    match w {
        Window::Calendar(CalendarUnit::Minute) => "minute".to_owned(),
        Window::Calendar(CalendarUnit::Hour) => "hour".to_owned(),
        Window::Calendar(CalendarUnit::Day) => "day".to_owned(),
        Window::Rolling(d) => format!("rolling:{}", d.as_micros()),
    }
}

/// Inverse of [`encode_window`]; `None` for text this build did not write.
pub(crate) fn decode_window(s: &str) -> Option<Window> {
    match s {
        "minute" => Some(Window::Calendar(CalendarUnit::Minute)),
        "hour" => Some(Window::Calendar(CalendarUnit::Hour)),
        "day" => Some(Window::Calendar(CalendarUnit::Day)),
        _ => {
            let us: u64 = s.strip_prefix("rolling:")?.parse().ok()?;
            (us > 0).then(|| Window::Rolling(Duration::from_micros(us)))
        }
    }
}

/// A validated request with amounts in units.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub key: String,
    pub window: Window,
    pub units: i64,
    pub max: i64,
}

fn amount_units(value: f64) -> Option<i64> {
    let scaled = (value * SCALE).round();
    // `as` saturates; the range check below rejects anything that saturated.
    (scaled.is_finite() && (0.0..=MAX_UNITS as f64).contains(&scaled)).then_some(scaled as i64)
}

/// Validates every request before anything is touched, so a bad one fails the whole call.
pub(crate) fn prepare(requests: &[CounterRequest]) -> Result<Vec<Prepared>, StoreError> {
    let limit = from_units(MAX_UNITS);
    requests
        .iter()
        .enumerate()
        .map(|(index, r)| {
            let what = |msg: String| {
                StoreError::invalid(format!("request #{index} (key {:?}): {msg}", r.key))
            };
            if r.key.is_empty() {
                return Err(what(
                    "the key is empty; give every counter a name".to_owned(),
                ));
            }
            if !r.amount.is_finite() || r.amount < 0.0 {
                return Err(what(format!(
                    "amount {} is not a finite number >= 0; check the value the spend counter reads (a negative amount is never a refund: settle with Refund instead)",
                    r.amount
                )));
            }
            let units = amount_units(r.amount).ok_or_else(|| {
                what(format!(
                    "amount {} is larger than the largest supported ({limit})",
                    r.amount
                ))
            })?;
            if !r.max.is_finite() || r.max <= 0.0 {
                return Err(what(format!(
                    "max {} is not a finite number > 0; fix the limit in the policy",
                    r.max
                )));
            }
            let max = amount_units(r.max).filter(|m| *m > 0).ok_or_else(|| {
                what(format!(
                    "max {} is outside the supported range 0.000001..={limit}; fix the limit in the policy",
                    r.max
                ))
            })?;
            if let Window::Rolling(d) = r.window
                && (d.as_micros() == 0 || d > MAX_ROLLING)
            {
                return Err(what(format!(
                    "rolling window of {d:?} is outside 1µs..=10 years; fix the window in the policy"
                )));
            }
            // Storage keeps rolling windows in whole microseconds; normalise here so every
            // backend sees the same counter identity.
            let window = match r.window {
                Window::Rolling(d) => Window::Rolling(Duration::from_micros(
                    u64::try_from(d.as_micros()).unwrap_or(u64::MAX),
                )),
                w @ Window::Calendar(_) => w,
            };
            Ok(Prepared {
                key: r.key.clone(),
                window,
                units,
                max,
            })
        })
        .collect()
}

/// Read access to a backend's counters, as needed by [`check`].
pub(crate) trait CounterReader {
    type Error;
    /// Units used in the window containing `now` (pending included).
    fn used(&mut self, key: &str, window: Window, now: i64) -> Result<i64, Self::Error>;
    /// Rolling window only: `(timestamp, units)` of every entry with `ts > since`, oldest first.
    fn rolling_entries(
        &mut self,
        key: &str,
        window: Window,
        since: i64,
    ) -> Result<Vec<(i64, i64)>, Self::Error>;
}

/// The all-or-nothing fit check: `None` if every request fits (taking earlier requests of
/// the same call on the same counter into account), else why the first one does not.
pub(crate) fn check<R: CounterReader + ?Sized>(
    requests: &[Prepared],
    now: i64,
    reader: &mut R,
) -> Result<Option<Limited>, R::Error> {
    // Units already claimed by earlier requests of this call, per counter.
    let mut claimed: HashMap<(&str, Window), i64> = HashMap::new();
    for (index, r) in requests.iter().enumerate() {
        let used = reader.used(&r.key, r.window, now)?;
        let prior = claimed.entry((r.key.as_str(), r.window)).or_insert(0);
        if used + *prior + r.units <= r.max {
            *prior += r.units;
            continue;
        }
        let own = *prior + r.units;
        let retry_after = if own > r.max {
            None
        } else {
            match r.window {
                Window::Calendar(unit) => Some(span(calendar_bounds(unit, now).1 - now)),
                Window::Rolling(d) => {
                    let len = rolling_micros(d);
                    let entries = reader.rolling_entries(&r.key, r.window, now - len)?;
                    Some(rolling_retry(&entries, used + own - r.max, now, len))
                }
            }
        };
        return Ok(Some(Limited {
            index,
            key: r.key.clone(),
            window: r.window,
            used: from_units(used + *prior),
            requested: from_units(r.units),
            max: from_units(r.max),
            retry_after,
        }));
    }
    Ok(None)
}

/// How long until the oldest entries holding at least `need` units have left a rolling
/// window of `len`.
fn rolling_retry(entries: &[(i64, i64)], need: i64, now: i64, len: i64) -> Duration {
    let mut freed = 0;
    for &(ts, units) in entries {
        freed += units;
        if freed >= need {
            return span(ts + len - now);
        }
    }
    // Only reachable if `used` and the entries disagree (e.g. a clock stepped back):
    // a full window is a safe answer.
    span(len)
}

/// A random 64-bit value without a dependency: std's `RandomState` is seeded from the OS.
pub(crate) fn random_u64() -> u64 {
    static SALT: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(SALT.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.write_i64(micros(SystemTime::now()));
    h.finish()
}

#[cfg(test)]
#[path = "accounting_tests.rs"]
mod tests;
