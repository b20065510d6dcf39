//! The cases of the behavioural suite (see `mod.rs`). Each takes the backend's [`Open`].

use std::sync::Arc;
use std::time::Duration;

use toolgate_state::{ReserveOutcome, SettleOutcome, Settlement, StoreError, StoreOptions};

use super::{DAY, HOUR, MINUTE, Open, at, open_at, open_with, req, rolling};

/// The list every backend runs: calls `$m!(ARGS; case, case, ...)`; `backends.rs` expands
/// it into `#[tokio::test]`s.
#[macro_export]
macro_rules! for_each_case {
    ($m:ident, $($arg:tt)*) => {
        $m!($($arg)*;
            calendar_minute_windows_split_at_zero_seconds,
            calendar_hour_window_is_aligned,
            day_window_ends_at_utc_midnight,
            rolling_window_is_exact,
            rolling_retry_after_counts_amounts,
            multi_counter_reserve_is_all_or_nothing,
            same_counter_twice_in_one_call_adds_up,
            same_key_with_two_windows_is_two_counters,
            commit_keeps_and_refund_returns,
            double_settle_never_double_refunds,
            unsettled_reservation_is_refunded_at_ttl,
            commit_after_ttl_counts_again_once,
            refund_after_calendar_window_ended_is_noop,
            invalid_amounts_are_rejected_without_side_effects,
            amount_over_max_never_fits,
            decimal_amounts_are_exact,
            empty_reserve_is_granted,
            concurrent_reserves_are_exact,
            reset_removes_by_prefix,
            reset_forgets_pending_claims,
            snapshot_lists_live_counters,
            foreign_reservation_is_rejected,
            renew_keeps_a_long_call_counted,
            renew_after_settle_is_none,
            renew_after_ttl_is_none_and_capacity_is_back,
            commit_after_renewed_ttl_counts_again_once,
            settle_after_renew_counts_once,
            renewed_claims_keep_their_windows,
            renew_never_moves_a_deadline_earlier,
        );
    };
}

pub async fn calendar_minute_windows_split_at_zero_seconds(open: Open) {
    let h = open_at(open, at(12, 0, 59, 0)).await;
    h.grant(&[req("k", 1.0, 1.0, MINUTE)]).await;
    let l = h.limited(&[req("k", 1.0, 1.0, MINUTE)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_secs(1)));
    assert_eq!((l.index, l.key.as_str(), l.used, l.max), (0, "k", 1.0, 1.0));
    h.advance_ms(999);
    h.limited(&[req("k", 1.0, 1.0, MINUTE)]).await;
    h.advance_ms(1); // 12:01:00.000: a new window
    h.grant(&[req("k", 1.0, 1.0, MINUTE)]).await;
}

pub async fn calendar_hour_window_is_aligned(open: Open) {
    let h = open_at(open, at(12, 59, 30, 0)).await;
    h.grant(&[req("k", 2.0, 2.0, HOUR)]).await;
    let l = h.limited(&[req("k", 1.0, 2.0, HOUR)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_secs(30)));
    h.advance(Duration::from_secs(30));
    h.grant(&[req("k", 2.0, 2.0, HOUR)]).await;
}

pub async fn day_window_ends_at_utc_midnight(open: Open) {
    let h = open_at(open, at(23, 30, 0, 0)).await;
    h.grant(&[req("spend", 100.0, 100.0, DAY)]).await;
    let l = h.limited(&[req("spend", 0.5, 100.0, DAY)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_secs(30 * 60)));
    let view = h.views().await.remove(0);
    assert_eq!(view.window_start, Some(at(0, 0, 0, 0)));
    assert_eq!(view.window_end, at(24, 0, 0, 0));
    h.advance(Duration::from_secs(30 * 60));
    h.grant(&[req("spend", 100.0, 100.0, DAY)]).await;
}

pub async fn rolling_window_is_exact(open: Open) {
    // max 3 per 10 s: no double burst at a boundary, unlike a fixed window.
    let w = rolling(10);
    let h = open_at(open, at(12, 0, 0, 0)).await;
    for _ in 0..3 {
        h.grant(&[req("k", 1.0, 3.0, w)]).await; // t = 0, 1, 2
        h.advance(Duration::from_secs(1));
    }
    h.advance(Duration::from_secs(2)); // t = 5
    let l = h.limited(&[req("k", 1.0, 3.0, w)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_secs(5)));
    assert_eq!(l.used, 3.0);
    h.advance_ms(4_999); // t = 9.999
    let l = h.limited(&[req("k", 1.0, 3.0, w)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_millis(1)));
    h.advance_ms(2); // t = 10.001: the t=0 entry has left (now - 10, now]
    h.grant(&[req("k", 1.0, 3.0, w)]).await;
    h.advance_ms(499); // t = 10.5: entries at 1, 2, 10.001
    let l = h.limited(&[req("k", 1.0, 3.0, w)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_millis(500)));
}

pub async fn rolling_retry_after_counts_amounts(open: Open) {
    let w = rolling(60);
    let h = open_at(open, at(12, 0, 0, 0)).await;
    h.grant(&[req("k", 6.0, 10.0, w)]).await; // t = 0
    h.advance(Duration::from_secs(10));
    h.grant(&[req("k", 4.0, 10.0, w)]).await; // t = 10
    h.advance(Duration::from_secs(10)); // t = 20
    // 5 more needs the 6 from t=0 gone: at t=60.
    let l = h.limited(&[req("k", 5.0, 10.0, w)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_secs(40)));
    // 10 more needs both gone: at t=70.
    let l = h.limited(&[req("k", 10.0, 10.0, w)]).await;
    assert_eq!(l.retry_after, Some(Duration::from_secs(50)));
}

pub async fn multi_counter_reserve_is_all_or_nothing(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    h.grant(&[req("b", 1.0, 1.0, MINUTE)]).await;
    let l = h
        .limited(&[
            req("a", 5.0, 10.0, MINUTE),
            req("r", 5.0, 10.0, rolling(60)),
            req("b", 1.0, 1.0, MINUTE),
        ])
        .await;
    assert_eq!((l.index, l.key.as_str()), (2, "b"));
    assert_eq!(h.used("a", MINUTE).await, 0.0);
    assert_eq!(h.used("r", rolling(60)).await, 0.0);
    // Full capacity is still there for both: nothing was charged.
    h.grant(&[
        req("a", 10.0, 10.0, MINUTE),
        req("r", 10.0, 10.0, rolling(60)),
    ])
    .await;
}

pub async fn same_counter_twice_in_one_call_adds_up(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    let l = h
        .limited(&[req("k", 6.0, 10.0, MINUTE), req("k", 6.0, 10.0, MINUTE)])
        .await;
    assert_eq!(l.index, 1);
    assert_eq!(l.retry_after, None, "12 > 10 can never fit in one call");
    h.grant(&[req("k", 4.0, 10.0, MINUTE), req("k", 4.0, 10.0, MINUTE)])
        .await;
    assert_eq!(h.used("k", MINUTE).await, 8.0);
    let l = h
        .limited(&[req("k", 1.0, 10.0, MINUTE), req("k", 2.0, 10.0, MINUTE)])
        .await;
    assert_eq!((l.index, l.used), (1, 9.0));
    assert_eq!(l.retry_after, Some(Duration::from_secs(60)));
}

pub async fn same_key_with_two_windows_is_two_counters(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    h.grant(&[req("k", 1.0, 1.0, MINUTE)]).await;
    h.grant(&[req("k", 1.0, 1.0, HOUR)]).await;
    h.limited(&[req("k", 1.0, 1.0, MINUTE)]).await;
    assert_eq!(h.views().await.len(), 2);
}

pub async fn commit_keeps_and_refund_returns(open: Open) {
    for w in [MINUTE, rolling(60)] {
        let h = open_at(open, at(12, 0, 0, 0)).await;
        let kept = h.grant(&[req("k", 3.0, 5.0, w)]).await;
        assert_eq!(
            h.store.settle(&kept, Settlement::Commit).await.unwrap(),
            SettleOutcome::Committed
        );
        let back = h.grant(&[req("k", 2.0, 5.0, w)]).await;
        assert_eq!(
            h.store.settle(&back, Settlement::Refund).await.unwrap(),
            SettleOutcome::Refunded
        );
        assert_eq!(h.used("k", w).await, 3.0);
        h.grant(&[req("k", 2.0, 5.0, w)]).await;
        h.limited(&[req("k", 1.0, 5.0, w)]).await;
    }
}

pub async fn double_settle_never_double_refunds(open: Open) {
    for w in [MINUTE, rolling(60)] {
        let h = open_at(open, at(12, 0, 0, 0)).await;
        let first = h.grant(&[req("k", 3.0, 5.0, w)]).await;
        let other = h.grant(&[req("k", 2.0, 5.0, w)]).await;
        let store = &h.store;
        assert_eq!(
            store.settle(&first, Settlement::Refund).await.unwrap(),
            SettleOutcome::Refunded
        );
        for again in [Settlement::Refund, Settlement::Commit] {
            assert_eq!(
                store.settle(&first, again).await.unwrap(),
                SettleOutcome::NotPending
            );
        }
        assert_eq!(
            h.used("k", w).await,
            2.0,
            "the other reservation is untouched"
        );
        assert_eq!(
            store.settle(&other, Settlement::Commit).await.unwrap(),
            SettleOutcome::Committed
        );
        assert_eq!(
            store.settle(&other, Settlement::Refund).await.unwrap(),
            SettleOutcome::NotPending
        );
        assert_eq!(h.used("k", w).await, 2.0);
    }
}

pub async fn unsettled_reservation_is_refunded_at_ttl(open: Open) {
    let options = StoreOptions {
        reservation_ttl: Duration::from_secs(60),
        ..StoreOptions::default()
    };
    let h = open_with(open, at(12, 0, 0, 0), options).await;
    let lost = h
        .grant(&[req("h", 5.0, 5.0, HOUR), req("r", 5.0, 5.0, rolling(3600))])
        .await;
    assert_eq!(lost.expires_at(), at(12, 1, 0, 0));
    h.advance(Duration::from_secs(59));
    h.limited(&[req("h", 1.0, 5.0, HOUR)]).await;
    h.advance(Duration::from_secs(1));
    assert!(
        h.views().await.is_empty(),
        "both counters refunded at the TTL"
    );
    let fresh = h
        .grant(&[req("h", 5.0, 5.0, HOUR), req("r", 5.0, 5.0, rolling(3600))])
        .await;
    // Refunding the expired one must not free the new reservation's capacity.
    assert_eq!(
        h.store.settle(&lost, Settlement::Refund).await.unwrap(),
        SettleOutcome::NotPending
    );
    assert_eq!(h.used("h", HOUR).await, 5.0);
    assert_eq!(h.used("r", rolling(3600)).await, 5.0);
    let _ = h.store.settle(&fresh, Settlement::Commit).await.unwrap();
}

pub async fn commit_after_ttl_counts_again_once(open: Open) {
    let options = StoreOptions {
        reservation_ttl: Duration::from_secs(60),
        ..StoreOptions::default()
    };
    let h = open_with(open, at(12, 0, 0, 0), options).await;
    let slow = h
        .grant(&[req("h", 4.0, 10.0, HOUR), req("r", 4.0, 10.0, rolling(600))])
        .await;
    h.advance(Duration::from_secs(61));
    assert_eq!(h.used("h", HOUR).await, 0.0);
    assert_eq!(
        h.store.settle(&slow, Settlement::Commit).await.unwrap(),
        SettleOutcome::CommittedAfterExpiry
    );
    assert_eq!(h.used("h", HOUR).await, 4.0);
    assert_eq!(h.used("r", rolling(600)).await, 4.0);
    assert_eq!(
        h.store.settle(&slow, Settlement::Commit).await.unwrap(),
        SettleOutcome::NotPending
    );
    assert_eq!(h.used("h", HOUR).await, 4.0);
    // The late rolling entry keeps its original time: it leaves 600 s after the reserve.
    h.advance(Duration::from_secs(538)); // t = 599
    assert_eq!(h.used("r", rolling(600)).await, 4.0);
    h.advance(Duration::from_secs(1));
    assert_eq!(h.used("r", rolling(600)).await, 0.0);
}

pub async fn refund_after_calendar_window_ended_is_noop(open: Open) {
    let h = open_at(open, at(12, 0, 30, 0)).await;
    let old = h.grant(&[req("k", 3.0, 5.0, MINUTE)]).await;
    h.advance(Duration::from_secs(40)); // 12:01:10
    h.grant(&[req("k", 5.0, 5.0, MINUTE)]).await;
    let _ = h.store.settle(&old, Settlement::Refund).await.unwrap();
    assert_eq!(h.used("k", MINUTE).await, 5.0);
    h.limited(&[req("k", 1.0, 5.0, MINUTE)]).await;
}

pub async fn invalid_amounts_are_rejected_without_side_effects(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    for (amount, max) in [
        (-1.0, 10.0),
        (f64::NAN, 10.0),
        (f64::INFINITY, 10.0),
        (f64::NEG_INFINITY, 10.0),
        (1.0, 0.0),
        (1.0, -1.0),
        (1.0, f64::NAN),
        (1.0, f64::INFINITY),
    ] {
        let err = h
            .store
            .reserve(&[
                req("ok", 1.0, 10.0, MINUTE),
                req("bad", amount, max, MINUTE),
            ])
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidRequest { .. }), "{err}");
        assert!(err.to_string().contains("request #1"), "{err}");
    }
    assert!(
        h.views().await.is_empty(),
        "the valid request was not charged"
    );
    let err = h
        .store
        .reserve(&[req("k", 1.0, 1.0, rolling(0))])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidRequest { .. }), "{err}");
}

pub async fn amount_over_max_never_fits(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    for w in [MINUTE, rolling(10)] {
        let l = h.limited(&[req("k", 11.0, 10.0, w)]).await;
        assert_eq!((l.retry_after, l.used, l.requested), (None, 0.0, 11.0));
    }
    assert!(h.views().await.is_empty());
}

pub async fn decimal_amounts_are_exact(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    h.grant(&[req("usd", 0.1, 0.3, DAY)]).await;
    let r = h.grant(&[req("usd", 0.2, 0.3, DAY)]).await;
    h.limited(&[req("usd", 0.000_001, 0.3, DAY)]).await;
    let _ = h.store.settle(&r, Settlement::Refund).await.unwrap();
    assert_eq!(h.used("usd", DAY).await, 0.1);
}

pub async fn empty_reserve_is_granted(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    let r = h.grant(&[]).await;
    assert!(r.counters().is_empty());
    let _ = h.store.settle(&r, Settlement::Commit).await.unwrap();
}

pub async fn concurrent_reserves_are_exact(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let store = Arc::clone(&h.store);
        tasks.spawn(async move {
            let requests = [
                req("hot", 1.0, 50.0, MINUTE),
                req("roll", 1.0, 50.0, rolling(60)),
            ];
            matches!(
                store.reserve(&requests).await.unwrap(),
                ReserveOutcome::Granted(_)
            )
        });
    }
    let granted = tasks.join_all().await.into_iter().filter(|g| *g).count();
    assert_eq!(granted, 50);
    assert_eq!(h.used("hot", MINUTE).await, 50.0);
    assert_eq!(h.used("roll", rolling(60)).await, 50.0);
}

pub async fn reset_removes_by_prefix(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    h.grant(&[
        req("a:1", 1.0, 5.0, MINUTE),
        req("a:2", 1.0, 5.0, rolling(60)),
        req("b:1", 1.0, 5.0, MINUTE),
        req("a%", 1.0, 5.0, MINUTE),
    ])
    .await;
    assert_eq!(h.store.reset("a:").await.unwrap(), 2);
    let keys: Vec<_> = h.views().await.into_iter().map(|v| v.key).collect();
    assert_eq!(keys, ["a%", "b:1"]);
    assert_eq!(h.store.reset("zzz").await.unwrap(), 0);
    assert_eq!(h.store.reset("").await.unwrap(), 2);
    assert!(h.views().await.is_empty());
}

pub async fn reset_forgets_pending_claims(open: Open) {
    let h = open_at(open, at(12, 0, 0, 0)).await;
    for w in [MINUTE, rolling(60)] {
        let old = h.grant(&[req("k", 3.0, 5.0, w)]).await;
        h.store.reset("k").await.unwrap();
        h.grant(&[req("k", 5.0, 5.0, w)]).await;
        let _ = h.store.settle(&old, Settlement::Refund).await.unwrap();
        assert_eq!(
            h.used("k", w).await,
            5.0,
            "old refund must not free the new counter"
        );
    }
}

pub async fn snapshot_lists_live_counters(open: Open) {
    let h = open_at(open, at(12, 0, 10, 0)).await;
    let done = h.grant(&[req("b", 2.0, 10.0, MINUTE)]).await;
    h.store.settle(&done, Settlement::Commit).await.unwrap();
    h.grant(&[req("b", 1.5, 10.0, MINUTE), req("a", 4.0, 8.0, rolling(30))])
        .await;
    h.advance(Duration::from_secs(5));
    let views = h.views().await;
    assert_eq!(views.len(), 2);
    let (a, b) = (&views[0], &views[1]);
    assert_eq!(
        (a.key.as_str(), a.window, a.used, a.pending, a.max),
        ("a", rolling(30), 4.0, 4.0, Some(8.0))
    );
    assert_eq!(a.window_start, None);
    assert_eq!(
        a.window_end,
        at(12, 0, 40, 0),
        "when the newest entry leaves"
    );
    assert_eq!(
        (b.key.as_str(), b.window, b.used, b.pending, b.max),
        ("b", MINUTE, 3.5, 1.5, Some(10.0))
    );
    assert_eq!(b.window_start, Some(at(12, 0, 0, 0)));
    assert_eq!(b.window_end, at(12, 1, 0, 0));
    // Windows that ended are not live.
    h.advance(Duration::from_secs(60));
    assert!(h.views().await.is_empty());
}

pub async fn foreign_reservation_is_rejected(open: Open) {
    let one = open_at(open, at(12, 0, 0, 0)).await;
    let two = open_at(open, at(12, 0, 0, 0)).await;
    let r = one.grant(&[req("k", 1.0, 5.0, MINUTE)]).await;
    let err = two.store.settle(&r, Settlement::Refund).await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidRequest { .. }), "{err}");
    let err = two.store.renew(&r).await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidRequest { .. }), "{err}");
    assert!(err.to_string().contains("renew it"), "{err}");
    assert_eq!(one.used("k", MINUTE).await, 1.0);
}

fn ttl(secs: u64) -> StoreOptions {
    StoreOptions {
        reservation_ttl: Duration::from_secs(secs),
        ..StoreOptions::default()
    }
}

/// The issue's case: a call in flight for 305 s against a 60 s TTL stays counted as long
/// as it is renewed, so nobody else gets its capacity meanwhile.
pub async fn renew_keeps_a_long_call_counted(open: Open) {
    let h = open_with(open, at(12, 0, 0, 0), ttl(60)).await;
    assert_eq!(h.store.reservation_ttl(), Duration::from_secs(60));
    let slow = h
        .grant(&[
            req("spend", 100.0, 100.0, DAY),
            req("r", 5.0, 5.0, rolling(3600)),
        ])
        .await;
    assert_eq!(slow.expires_at(), at(12, 1, 0, 0));
    // Renewed at half the TTL, ten times: the original TTL passes five times over.
    let mut held = slow.clone();
    for i in 1..=10 {
        h.advance(Duration::from_secs(30));
        let renewed = h.store.renew(&held).await.unwrap().expect("still pending");
        assert_eq!(renewed.expires_at(), at(12, 0, 30 * i + 60, 0));
        assert_eq!(renewed.id(), slow.id());
        assert_eq!(renewed.counters(), slow.counters());
        h.limited(&[req("spend", 1.0, 100.0, DAY)]).await;
        h.limited(&[req("r", 1.0, 5.0, rolling(3600))]).await;
        held = renewed;
    }
    h.advance(Duration::from_secs(5)); // t = 305 s
    let l = h.limited(&[req("spend", 100.0, 100.0, DAY)]).await;
    assert_eq!(l.used, 100.0);
    let views = h.views().await;
    assert_eq!(
        views
            .iter()
            .map(|v| (v.used, v.pending))
            .collect::<Vec<_>>(),
        [(5.0, 5.0), (100.0, 100.0)],
        "{views:?}"
    );
    // The reservation from reserve and the renewed one are the same reservation.
    assert_eq!(
        h.store.settle(&slow, Settlement::Commit).await.unwrap(),
        SettleOutcome::Committed
    );
    assert_eq!(
        h.store.settle(&held, Settlement::Commit).await.unwrap(),
        SettleOutcome::NotPending
    );
    assert_eq!(h.store.renew(&held).await.unwrap(), None);
    // Final: no TTL refund ever comes for it.
    h.advance(Duration::from_secs(600));
    let views = h.views().await;
    assert_eq!(
        views
            .iter()
            .map(|v| (v.used, v.pending))
            .collect::<Vec<_>>(),
        [(5.0, 0.0), (100.0, 0.0)],
        "{views:?}"
    );
    h.limited(&[req("spend", 1.0, 100.0, DAY)]).await;
}

pub async fn renew_after_settle_is_none(open: Open) {
    for w in [MINUTE, rolling(60)] {
        for (how, left) in [(Settlement::Commit, 3.0), (Settlement::Refund, 0.0)] {
            let h = open_at(open, at(12, 0, 0, 0)).await;
            let r = h.grant(&[req("k", 3.0, 5.0, w)]).await;
            let _ = h.store.settle(&r, how).await.unwrap();
            assert_eq!(h.store.renew(&r).await.unwrap(), None, "{w} {how:?}");
            assert_eq!(h.used("k", w).await, left, "{w} {how:?}");
            assert_eq!(
                h.store.settle(&r, how).await.unwrap(),
                SettleOutcome::NotPending
            );
            h.grant(&[req("k", 5.0 - left, 5.0, w)]).await;
            h.limited(&[req("k", 1.0, 5.0, w)]).await;
        }
    }
}

pub async fn renew_after_ttl_is_none_and_capacity_is_back(open: Open) {
    let h = open_with(open, at(12, 0, 0, 0), ttl(60)).await;
    let both = [req("h", 5.0, 5.0, HOUR), req("r", 5.0, 5.0, rolling(3600))];
    let lost = h.grant(&both).await;
    h.advance(Duration::from_secs(30));
    let lost = h.store.renew(&lost).await.unwrap().expect("still pending");
    assert_eq!(lost.expires_at(), at(12, 1, 30, 0));
    h.advance(Duration::from_secs(59));
    h.limited(&[req("h", 1.0, 5.0, HOUR)]).await;
    // Its renewed deadline: refunded (by the renew itself, no other call came first), and
    // the renew says so instead of reviving it.
    h.advance(Duration::from_secs(1));
    assert_eq!(h.store.renew(&lost).await.unwrap(), None);
    assert!(h.views().await.is_empty(), "both counters refunded");
    let fresh = h.grant(&both).await;
    assert_eq!(h.store.renew(&lost).await.unwrap(), None);
    assert_eq!(
        h.store.settle(&lost, Settlement::Refund).await.unwrap(),
        SettleOutcome::NotPending
    );
    assert_eq!(h.used("h", HOUR).await, 5.0);
    assert_eq!(h.used("r", rolling(3600)).await, 5.0);
    assert_eq!(
        h.store.settle(&fresh, Settlement::Commit).await.unwrap(),
        SettleOutcome::Committed
    );
}

/// A reservation whose renewals stopped behaves exactly like one never renewed.
pub async fn commit_after_renewed_ttl_counts_again_once(open: Open) {
    let h = open_with(open, at(12, 0, 0, 0), ttl(60)).await;
    let slow = h
        .grant(&[req("h", 4.0, 10.0, HOUR), req("r", 4.0, 10.0, rolling(600))])
        .await;
    h.advance(Duration::from_secs(50));
    assert!(h.store.renew(&slow).await.unwrap().is_some());
    h.advance(Duration::from_secs(61)); // t = 111 > 110
    assert_eq!(h.used("h", HOUR).await, 0.0);
    assert_eq!(h.used("r", rolling(600)).await, 0.0);
    assert_eq!(h.store.renew(&slow).await.unwrap(), None);
    assert_eq!(
        h.store.settle(&slow, Settlement::Commit).await.unwrap(),
        SettleOutcome::CommittedAfterExpiry
    );
    assert_eq!(h.used("h", HOUR).await, 4.0);
    assert_eq!(h.used("r", rolling(600)).await, 4.0);
    assert_eq!(
        h.store.settle(&slow, Settlement::Commit).await.unwrap(),
        SettleOutcome::NotPending
    );
    assert_eq!(h.store.renew(&slow).await.unwrap(), None);
    assert_eq!(h.used("h", HOUR).await, 4.0);
    assert_eq!(h.used("r", rolling(600)).await, 4.0);
}

pub async fn settle_after_renew_counts_once(open: Open) {
    for w in [HOUR, rolling(600)] {
        let h = open_with(open, at(12, 0, 0, 0), ttl(20)).await;
        let other = h.grant(&[req("k", 2.0, 5.0, w)]).await;
        let _ = h.store.settle(&other, Settlement::Commit).await.unwrap();
        // Refund after a renewal, past the original TTL: given back once.
        let back = h.grant(&[req("k", 3.0, 5.0, w)]).await;
        h.advance(Duration::from_secs(15));
        let renewed = h.store.renew(&back).await.unwrap().expect("pending");
        h.advance(Duration::from_secs(15)); // t = 30: original TTL 20, renewed 35
        assert_eq!(h.used("k", w).await, 5.0, "{w}");
        assert_eq!(
            h.store.settle(&renewed, Settlement::Refund).await.unwrap(),
            SettleOutcome::Refunded
        );
        for again in [Settlement::Refund, Settlement::Commit] {
            assert_eq!(
                h.store.settle(&back, again).await.unwrap(),
                SettleOutcome::NotPending
            );
        }
        assert_eq!(h.store.renew(&back).await.unwrap(), None);
        assert_eq!(
            h.used("k", w).await,
            2.0,
            "{w}: only its own amount went back"
        );
        // Commit after renewals, past the original TTL: counted once, never refunded.
        let kept = h.grant(&[req("k", 3.0, 5.0, w)]).await;
        for _ in 0..3 {
            h.advance(Duration::from_secs(10));
            assert!(h.store.renew(&kept).await.unwrap().is_some());
        }
        h.advance(Duration::from_secs(10)); // 40 s after its reserve
        assert_eq!(
            h.store.settle(&kept, Settlement::Commit).await.unwrap(),
            SettleOutcome::Committed
        );
        assert_eq!(
            h.store.settle(&kept, Settlement::Commit).await.unwrap(),
            SettleOutcome::NotPending
        );
        h.advance(Duration::from_secs(60));
        assert_eq!(h.used("k", w).await, 5.0, "{w}");
        h.limited(&[req("k", 1.0, 5.0, w)]).await;
    }
}

/// Renewing moves the deadline, not the claims: a calendar amount stays in the window it
/// was reserved in and a rolling entry leaves its window at its original time, pending or
/// not; when the renewed reservation is finally refunded (by settle or by its TTL) the
/// amounts reserved since are untouched.
pub async fn renewed_claims_keep_their_windows(open: Open) {
    for by_settle in [true, false] {
        let h = open_with(open, at(12, 59, 30, 0), ttl(30)).await;
        let a = h
            .grant(&[req("k", 3.0, 5.0, HOUR), req("r", 3.0, 5.0, rolling(60))])
            .await;
        h.advance(Duration::from_secs(20)); // 12:59:50
        let a = h.store.renew(&a).await.unwrap().expect("pending");
        h.limited(&[req("k", 3.0, 5.0, HOUR)]).await;
        h.advance(Duration::from_secs(20)); // 13:00:10: a new hour
        let a = h.store.renew(&a).await.unwrap().expect("pending");
        assert_eq!(
            h.used("k", HOUR).await,
            0.0,
            "the old hour's claim stays there"
        );
        let k = h.grant(&[req("k", 5.0, 5.0, HOUR)]).await;
        let _ = h.store.settle(&k, Settlement::Commit).await.unwrap();
        let l = h.limited(&[req("r", 5.0, 5.0, rolling(60))]).await;
        assert_eq!(
            (l.used, l.retry_after),
            (3.0, Some(Duration::from_secs(20)))
        );
        h.advance(Duration::from_secs(25)); // 13:00:35: a's rolling entry left at 13:00:30
        let a = h.store.renew(&a).await.unwrap().expect("pending");
        assert_eq!(a.expires_at(), at(13, 1, 5, 0));
        assert_eq!(h.used("r", rolling(60)).await, 0.0);
        let r = h.grant(&[req("r", 5.0, 5.0, rolling(60))]).await;
        let _ = h.store.settle(&r, Settlement::Commit).await.unwrap();
        if by_settle {
            assert_eq!(
                h.store.settle(&a, Settlement::Refund).await.unwrap(),
                SettleOutcome::Refunded
            );
        } else {
            h.advance(Duration::from_secs(30)); // 13:01:05: its deadline
            assert_eq!(h.store.renew(&a).await.unwrap(), None);
        }
        // Every window of its claims has closed: nothing left to give back or count again.
        assert_eq!(
            h.store.settle(&a, Settlement::Commit).await.unwrap(),
            SettleOutcome::NotPending
        );
        assert_eq!(h.used("k", HOUR).await, 5.0, "by_settle {by_settle}");
        assert_eq!(h.used("r", rolling(60)).await, 5.0, "by_settle {by_settle}");
        h.limited(&[req("k", 1.0, 5.0, HOUR)]).await;
        h.limited(&[req("r", 1.0, 5.0, rolling(60))]).await;
    }
}

pub async fn renew_never_moves_a_deadline_earlier(open: Open) {
    let h = open_with(open, at(12, 0, 0, 0), ttl(60)).await;
    let r = h.grant(&[req("k", 5.0, 5.0, HOUR)]).await;
    h.advance(Duration::from_secs(30));
    let r = h.store.renew(&r).await.unwrap().expect("pending");
    assert_eq!(r.expires_at(), at(12, 1, 30, 0));
    // The clock steps back 20 s: now + TTL would be earlier than the deadline held.
    h.clock.set(at(12, 0, 10, 0));
    let again = h.store.renew(&r).await.unwrap().expect("pending");
    assert_eq!(again.expires_at(), at(12, 1, 30, 0));
    h.clock.set(at(12, 1, 29, 0));
    h.limited(&[req("k", 1.0, 5.0, HOUR)]).await;
    h.clock.set(at(12, 1, 30, 0));
    assert_eq!(h.store.renew(&r).await.unwrap(), None);
    assert_eq!(h.used("k", HOUR).await, 0.0);
}
