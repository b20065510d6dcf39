//! Unit tests for the shared arithmetic.

use std::time::Duration;

use proptest::prelude::{prop_assert_eq, proptest};

use super::{
    MAX_UNITS, amount_units, calendar_bounds, decode_window, encode_window, from_micros, micros,
    prepare, rolling_retry,
};
use crate::types::{CalendarUnit, CounterRequest, Window};

const T_12_00_59: i64 = 1_704_110_459_000_000; // 2024-01-01T12:00:59Z in µs

#[test]
fn minute_boundary_splits_at_zero_seconds() {
    let (start, end) = calendar_bounds(CalendarUnit::Minute, T_12_00_59);
    assert_eq!(start, T_12_00_59 - 59_000_000);
    assert_eq!(end, T_12_00_59 + 1_000_000);
    let (next, _) = calendar_bounds(CalendarUnit::Minute, T_12_00_59 + 1_000_000);
    assert_eq!(next, end);
}

#[test]
fn day_ends_at_utc_midnight() {
    let (start, end) = calendar_bounds(CalendarUnit::Day, T_12_00_59);
    assert_eq!(start, 1_704_067_200_000_000); // 2024-01-01T00:00:00Z
    assert_eq!(end, 1_704_153_600_000_000); // 2024-01-02T00:00:00Z
}

#[test]
fn times_before_the_epoch_floor_correctly() {
    let (start, end) = calendar_bounds(CalendarUnit::Hour, -1);
    assert_eq!((start, end), (-3_600_000_000, 0));
    assert_eq!(micros(from_micros(-5)), -5);
}

#[test]
fn window_encoding_round_trips() {
    for w in [
        Window::Calendar(CalendarUnit::Minute),
        Window::Calendar(CalendarUnit::Hour),
        Window::Calendar(CalendarUnit::Day),
        Window::Rolling(Duration::from_secs(10)),
        Window::Rolling(Duration::from_micros(1)),
    ] {
        assert_eq!(decode_window(&encode_window(w)), Some(w));
    }
    assert_eq!(decode_window("rolling:0"), None);
    assert_eq!(decode_window("week"), None);
}

#[test]
fn decimal_amounts_add_up_exactly() {
    // 0.1 + 0.2 <= 0.3 is false in f64; in units it holds.
    let a = amount_units(0.1).unwrap();
    let b = amount_units(0.2).unwrap();
    assert_eq!(a + b, amount_units(0.3).unwrap());
}

#[test]
fn prepare_rejects_bad_numbers() {
    let w = Window::Calendar(CalendarUnit::Minute);
    for (amount, max) in [
        (-1.0, 10.0),
        (f64::NAN, 10.0),
        (f64::INFINITY, 10.0),
        (1.0, 0.0),
        (1.0, -3.0),
        (1.0, f64::NAN),
        (1e300, 10.0),
        (1.0, 1e-9),
    ] {
        let err = prepare(&[CounterRequest::new("k", amount, max, w)]).unwrap_err();
        assert!(err.to_string().contains("request #0"), "{err}");
    }
    assert!(prepare(&[CounterRequest::new("", 1.0, 1.0, w)]).is_err());
    assert!(
        prepare(&[CounterRequest::new(
            "k",
            1.0,
            1.0,
            Window::Rolling(Duration::ZERO)
        )])
        .is_err()
    );
    assert!(prepare(&[CounterRequest::new("k", 0.0, 1.0, w)]).is_ok());
}

#[test]
fn rolling_retry_waits_for_enough_entries() {
    let s = 1_000_000;
    let entries = [(0, s), (s, s), (2 * s, s)];
    assert_eq!(
        rolling_retry(&entries, s, 5 * s, 10 * s),
        Duration::from_secs(5)
    );
    assert_eq!(
        rolling_retry(&entries, 2 * s, 5 * s, 10 * s),
        Duration::from_secs(6)
    );
}

proptest! {
    #[test]
    fn units_round_trip_for_micro_amounts(u in 0..MAX_UNITS) {
        prop_assert_eq!(amount_units(super::from_units(u)), Some(u));
    }

    #[test]
    fn micros_round_trip(us in -(1i64 << 50)..(1i64 << 50)) {
        prop_assert_eq!(micros(from_micros(us)), us);
    }

    #[test]
    fn calendar_window_contains_now(now in -(1i64 << 50)..(1i64 << 50)) {
        for unit in [CalendarUnit::Minute, CalendarUnit::Hour, CalendarUnit::Day] {
            let (start, end) = calendar_bounds(unit, now);
            prop_assert_eq!(start <= now && now < end, true);
        }
    }
}
