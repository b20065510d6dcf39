//! Property test: the backends give identical answers to the same random sequence of
//! reserves, settles, resets and clock moves, so the suite's examples are not the only
//! evidence that they agree (renewals included). Memory is checked against SQLite, and Redis (when the test
//! Redis is there, see `redis_env`) against SQLite.

mod redis_env;

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::{Just, Strategy, any, prop_assert, prop_assert_eq, prop_oneof, proptest};
use proptest::test_runner::{Config, TestCaseError};
use toolgate_state::{
    CalendarUnit, CounterRequest, ManualClock, MemoryStore, RedisStore, Reservation,
    ReserveOutcome, SettleOutcome, Settlement, SqliteStore, StateStore, StoreOptions, Window,
};

#[derive(Debug, Clone)]
enum Op {
    Reserve(Vec<(usize, u8)>),
    Settle(usize, bool),
    Renew(usize),
    Advance(u64),
    Reset(usize),
}

const KEYS: [&str; 3] = ["a", "ab", "b"];
const WINDOWS: [Window; 3] = [
    Window::Calendar(CalendarUnit::Minute),
    Window::Rolling(Duration::from_secs(7)),
    Window::Calendar(CalendarUnit::Hour),
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => proptest::collection::vec((0..9usize, 0..6u8), 0..3).prop_map(Op::Reserve),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(i, c)| Op::Settle(i, c)),
        2 => any::<usize>().prop_map(Op::Renew),
        2 => (0..20_000u64).prop_map(Op::Advance),
        1 => (0..KEYS.len()).prop_map(Op::Reset),
        1 => Just(Op::Advance(60_000)),
    ]
}

fn request(counter: usize, amount: u8) -> CounterRequest {
    let key = KEYS[counter % KEYS.len()];
    let window = WINDOWS[counter / KEYS.len()];
    CounterRequest::new(key, f64::from(amount) * 0.5, 4.0, window)
}

fn outcome_shape(o: &ReserveOutcome) -> String {
    match o {
        ReserveOutcome::Granted(r) => format!("granted {:?} {:?}", r.counters(), r.expires_at()),
        ReserveOutcome::Limited(l) => format!("limited {l:?}"),
    }
}

/// 2024-01-01T12:40:30Z: windows of every kind turn over within a case's clock moves.
const START: u64 = 1_704_110_430;

fn options() -> StoreOptions {
    StoreOptions {
        reservation_ttl: Duration::from_secs(15),
        ..StoreOptions::default()
    }
}

/// Runs `ops` against both stores (sharing `clock`) and checks every answer matches.
async fn agree(
    one: &dyn StateStore,
    two: &dyn StateStore,
    clock: &ManualClock,
    ops: Vec<Op>,
) -> Result<(), TestCaseError> {
    let mut held: Vec<(Reservation, Reservation)> = Vec::new();
    // Until a late commit (which counts without checking max), nothing exceeds max.
    let mut late_commit = false;
    for op in ops {
        match op {
            Op::Reserve(items) => {
                let reqs: Vec<_> = items.iter().map(|&(c, a)| request(c, a)).collect();
                let a = one.reserve(&reqs).await.unwrap();
                let b = two.reserve(&reqs).await.unwrap();
                prop_assert_eq!(outcome_shape(&a), outcome_shape(&b));
                if let (ReserveOutcome::Granted(a), ReserveOutcome::Granted(b)) = (a, b) {
                    held.push((a, b));
                }
            }
            Op::Settle(i, commit) if !held.is_empty() => {
                // Keep settled ones around sometimes, to settle them twice.
                let (a, b) = held[i % held.len()].clone();
                let how = if commit {
                    Settlement::Commit
                } else {
                    Settlement::Refund
                };
                let outcome = one.settle(&a, how).await.unwrap();
                prop_assert_eq!(outcome, two.settle(&b, how).await.unwrap());
                late_commit |= outcome == SettleOutcome::CommittedAfterExpiry;
            }
            Op::Settle(..) => {}
            Op::Renew(i) if !held.is_empty() => {
                let (a, b) = &held[i % held.len()];
                let a = one.renew(a).await.unwrap().map(|r| r.expires_at());
                prop_assert_eq!(a, two.renew(b).await.unwrap().map(|r| r.expires_at()));
            }
            Op::Renew(_) => {}
            Op::Advance(ms) => clock.advance(Duration::from_millis(ms)),
            Op::Reset(k) => {
                prop_assert_eq!(
                    one.reset(KEYS[k]).await.unwrap(),
                    two.reset(KEYS[k]).await.unwrap()
                );
            }
        }
        let views = one.snapshot().await.unwrap();
        prop_assert_eq!(&views, &two.snapshot().await.unwrap());
        for v in &views {
            prop_assert!(v.pending <= v.used, "{:?}", v);
            prop_assert!(late_commit || Some(v.used) <= v.max, "{:?}", v);
        }
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(Config { cases: 128, ..Config::default() })]

    #[test]
    fn memory_and_sqlite_agree(ops in proptest::collection::vec(op(), 1..40)) {
        runtime().block_on(async {
            let clock = Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(START)));
            let dir = tempfile::tempdir().unwrap();
            let memory = MemoryStore::with_options(clock.clone(), &options());
            let sqlite = SqliteStore::open_with_options(dir.path().join("s.db"), clock.clone(), &options())
                .await
                .unwrap();
            agree(&memory, &sqlite, &clock, ops).await
        })?;
    }
}

#[test]
fn redis_and_sqlite_agree() {
    let rt = runtime();
    if !rt.block_on(redis_env::ready("redis_and_sqlite_agree")) {
        return;
    }
    proptest!(Config { cases: 64, ..Config::default() }, |(ops in proptest::collection::vec(op(), 1..40))| {
        rt.block_on(async {
            let clock = Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(START)));
            let dir = tempfile::tempdir().unwrap();
            let prefix = redis_env::unique_prefix();
            let _cleanup = redis_env::Cleanup::new(&prefix);
            let redis_options = StoreOptions { key_prefix: Some(prefix), ..options() };
            let redis = RedisStore::open_with_options(&redis_env::url(), clock.clone(), &redis_options)
                .await
                .unwrap();
            let sqlite = SqliteStore::open_with_options(dir.path().join("s.db"), clock.clone(), &options())
                .await
                .unwrap();
            agree(&sqlite, &redis, &clock, ops).await
        })?;
    });
}
