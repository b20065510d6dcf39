//! Property test: the memory and SQLite backends give identical answers to the same random
//! sequence of reserves, settles and clock moves, so the suite's examples are not the only
//! evidence that they agree.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::{Just, Strategy, any, prop_assert, prop_assert_eq, prop_oneof, proptest};
use proptest::test_runner::Config;
use toolgate_state::{
    CalendarUnit, CounterRequest, ManualClock, MemoryStore, Reservation, ReserveOutcome,
    SettleOutcome, Settlement, SqliteStore, StateStore, StoreOptions, Window,
};

#[derive(Debug, Clone)]
enum Op {
    Reserve(Vec<(usize, u8)>),
    Settle(usize, bool),
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

proptest! {
    #![proptest_config(Config { cases: 128, ..Config::default() })]

    #[test]
    fn memory_and_sqlite_agree(ops in proptest::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let clock = Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_704_110_430)));
            let options = StoreOptions { reservation_ttl: Duration::from_secs(15), ..StoreOptions::default() };
            let dir = tempfile::tempdir().unwrap();
            let memory = MemoryStore::with_options(clock.clone(), &options);
            let sqlite = SqliteStore::open_with_options(dir.path().join("s.db"), clock.clone(), &options)
                .await
                .unwrap();
            let mut held: Vec<(Reservation, Reservation)> = Vec::new();
            // Until a late commit (which counts without checking max), nothing exceeds max.
            let mut late_commit = false;
            for op in ops {
                match op {
                    Op::Reserve(items) => {
                        let reqs: Vec<_> = items.iter().map(|&(c, a)| request(c, a)).collect();
                        let m = memory.reserve(&reqs).await.unwrap();
                        let s = sqlite.reserve(&reqs).await.unwrap();
                        prop_assert_eq!(outcome_shape(&m), outcome_shape(&s));
                        if let (ReserveOutcome::Granted(m), ReserveOutcome::Granted(s)) = (m, s) {
                            held.push((m, s));
                        }
                    }
                    Op::Settle(i, commit) if !held.is_empty() => {
                        // Keep settled ones around sometimes, to settle them twice.
                        let (m, s) = held[i % held.len()].clone();
                        let how = if commit { Settlement::Commit } else { Settlement::Refund };
                        let outcome = memory.settle(&m, how).await.unwrap();
                        prop_assert_eq!(outcome, sqlite.settle(&s, how).await.unwrap());
                        late_commit |= outcome == SettleOutcome::CommittedAfterExpiry;
                    }
                    Op::Settle(..) => {}
                    Op::Advance(ms) => clock.advance(Duration::from_millis(ms)),
                    Op::Reset(k) => {
                        prop_assert_eq!(
                            memory.reset(KEYS[k]).await.unwrap(),
                            sqlite.reset(KEYS[k]).await.unwrap()
                        );
                    }
                }
                let views = memory.snapshot().await.unwrap();
                prop_assert_eq!(&views, &sqlite.snapshot().await.unwrap());
                for v in &views {
                    prop_assert!(v.pending <= v.used, "{:?}", v);
                    prop_assert!(late_commit || Some(v.used) <= v.max, "{:?}", v);
                }
            }
            Ok(())
        })?;
    }
}
