//! SQLite-only behaviour: persistence, several processes on one file, file errors, and
//! choosing a backend from a `--state` spec. Shared behaviour lives in `suite/`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use rusqlite::Connection;
use toolgate_state::{
    CalendarUnit, Clock, CounterRequest, ManualClock, ReserveOutcome, SettleOutcome, Settlement,
    SqliteStore, StateStore, StoreError, StoreOptions, Window, default_sqlite_path, open_store,
};

const DAY: Window = Window::Calendar(CalendarUnit::Day);

fn clock() -> Arc<ManualClock> {
    // 2024-01-01T12:00:00Z
    Arc::new(ManualClock::new(
        UNIX_EPOCH + Duration::from_secs(1_704_110_400),
    ))
}

fn req(key: &str, amount: f64, max: f64) -> CounterRequest {
    CounterRequest::new(key, amount, max, DAY)
}

async fn used(store: &dyn StateStore, key: &str) -> f64 {
    let views = store.snapshot().await.unwrap();
    views.iter().find(|v| v.key == key).map_or(0.0, |v| v.used)
}

async fn grant(store: &dyn StateStore, requests: &[CounterRequest]) -> toolgate_state::Reservation {
    match store.reserve(requests).await.unwrap() {
        ReserveOutcome::Granted(r) => r,
        ReserveOutcome::Limited(l) => panic!("expected a grant, got {l:?}"),
    }
}

#[tokio::test]
async fn counters_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("state.db");
    let clock = clock();
    let store = SqliteStore::open(&path, clock.clone()).await.unwrap();
    let done = grant(&store, &[req("spend", 30.0, 100.0)]).await;
    store.settle(&done, Settlement::Commit).await.unwrap();
    let pending = grant(&store, &[req("spend", 20.0, 100.0)]).await;
    drop(store);

    let store = SqliteStore::open(&path, clock.clone()).await.unwrap();
    assert_eq!(used(&store, "spend").await, 50.0);
    // A reservation made before the restart can still be settled after it.
    assert_eq!(
        store.settle(&pending, Settlement::Refund).await.unwrap(),
        SettleOutcome::Refunded
    );
    assert_eq!(used(&store, "spend").await, 30.0);
}

#[tokio::test]
async fn pending_reservations_of_a_crashed_process_expire_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let clock = clock();
    let options = StoreOptions {
        reservation_ttl: Duration::from_secs(60),
        ..StoreOptions::default()
    };
    let store = SqliteStore::open_with_options(&path, clock.clone(), &options)
        .await
        .unwrap();
    let _lost = grant(&store, &[req("spend", 100.0, 100.0)]).await;
    drop(store); // the "crash": never settled

    let store = SqliteStore::open(&path, clock.clone()).await.unwrap();
    assert_eq!(used(&store, "spend").await, 100.0);
    clock.advance(Duration::from_secs(60));
    assert_eq!(used(&store, "spend").await, 0.0);
    grant(&store, &[req("spend", 100.0, 100.0)]).await;
}

#[tokio::test]
async fn a_renewal_outlives_a_restart_and_lapses_when_renewals_stop() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let clock = clock();
    let options = StoreOptions {
        reservation_ttl: Duration::from_secs(60),
        ..StoreOptions::default()
    };
    let store = SqliteStore::open_with_options(&path, clock.clone(), &options)
        .await
        .unwrap();
    let held = grant(&store, &[req("spend", 100.0, 100.0)]).await;
    clock.advance(Duration::from_secs(50));
    let renewed = store.renew(&held).await.unwrap().expect("pending");
    assert_eq!(renewed.expires_at(), clock.now() + Duration::from_secs(60));
    drop(store); // the "crash": renewals stop

    let store = SqliteStore::open(&path, clock.clone()).await.unwrap();
    clock.advance(Duration::from_secs(59)); // 109 s: past the first deadline, not the renewed one
    assert_eq!(used(&store, "spend").await, 100.0);
    clock.advance(Duration::from_secs(1));
    assert_eq!(used(&store, "spend").await, 0.0);
    assert_eq!(store.renew(&renewed).await.unwrap(), None);
    grant(&store, &[req("spend", 100.0, 100.0)]).await;
}

#[tokio::test]
async fn two_stores_on_one_file_share_renewals() {
    // Two stores on one file stand in for two processes: either may renew or settle the
    // other's reservation, and each one's sweep sees the other's renewals.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let clock = clock();
    let ttl = |secs| StoreOptions {
        reservation_ttl: Duration::from_secs(secs),
        ..StoreOptions::default()
    };
    let a = SqliteStore::open_with_options(&path, clock.clone(), &ttl(60))
        .await
        .unwrap();
    let b = SqliteStore::open_with_options(&path, clock.clone(), &ttl(10))
        .await
        .unwrap();
    let held = grant(&a, &[req("spend", 100.0, 100.0)]).await;
    clock.advance(Duration::from_secs(40));
    let renewed = a.renew(&held).await.unwrap().expect("pending");
    // b's shorter TTL never pulls the deadline a set earlier.
    assert_eq!(
        b.renew(&held).await.unwrap().map(|r| r.expires_at()),
        Some(renewed.expires_at())
    );
    clock.advance(Duration::from_secs(40)); // 80 s: past the first deadline
    for store in [&a, &b] {
        let ReserveOutcome::Limited(l) = store.reserve(&[req("spend", 1.0, 100.0)]).await.unwrap()
        else {
            panic!("the renewed reservation still counts");
        };
        assert_eq!(l.used, 100.0);
    }
    assert_eq!(
        b.settle(&held, Settlement::Commit).await.unwrap(),
        SettleOutcome::Committed
    );
    assert_eq!(a.renew(&held).await.unwrap(), None);
    clock.advance(Duration::from_secs(3600));
    assert_eq!(used(&a, "spend").await, 100.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_file_never_over_grant() {
    // Two stores, each with its own connection and thread, stand in for two processes.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let clock = clock();
    let a: Arc<dyn StateStore> = Arc::new(SqliteStore::open(&path, clock.clone()).await.unwrap());
    let b: Arc<dyn StateStore> = Arc::new(SqliteStore::open(&path, clock.clone()).await.unwrap());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let store = Arc::clone(if i % 2 == 0 { &a } else { &b });
        tasks.spawn(async move {
            let requests = [
                req("global", 1.0, 50.0),
                CounterRequest::new("roll", 1.0, 50.0, Window::Rolling(Duration::from_secs(60))),
            ];
            matches!(
                store.reserve(&requests).await.unwrap(),
                ReserveOutcome::Granted(_)
            )
        });
    }
    let granted = tasks.join_all().await.into_iter().filter(|g| *g).count();
    assert_eq!(granted, 50);
    assert_eq!(used(a.as_ref(), "global").await, 50.0);
    assert_eq!(used(b.as_ref(), "global").await, 50.0);
}

#[tokio::test]
async fn file_is_wal_with_a_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let _store = SqliteStore::open(&path, clock()).await.unwrap();
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), version), ("wal", 1));
}

#[tokio::test]
async fn write_lock_held_too_long_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let options = StoreOptions {
        busy_timeout: Duration::from_millis(50),
        ..StoreOptions::default()
    };
    let store = SqliteStore::open_with_options(&path, clock(), &options)
        .await
        .unwrap();
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = store.reserve(&[req("k", 1.0, 5.0)]).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
    other.execute_batch("ROLLBACK").unwrap();
    grant(&store, &[req("k", 1.0, 5.0)]).await;
}

fn assert_names(err: &StoreError, path: &Path) {
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(
        text.contains("--state sqlite:PATH"),
        "says what to do: {text}"
    );
}

#[tokio::test]
async fn garbage_file_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    std::fs::write(&path, vec![b'x'; 8192]).unwrap();
    let err = SqliteStore::open(&path, clock()).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert_names(&err, &path);
}

#[tokio::test]
async fn foreign_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE counters (x)")
        .unwrap();
    let err = SqliteStore::open(&path, clock()).await.unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert_names(&err, &path);
}

#[tokio::test]
async fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    drop(SqliteStore::open(&path, clock()).await.unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = SqliteStore::open(&path, clock()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
    assert_names(&err, &path);
}

#[tokio::test]
async fn unusable_directory_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let path = blocker.join("state.db");
    let err = SqliteStore::open(&path, clock()).await.unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err}");
    assert_names(&err, &blocker);
}

#[tokio::test]
async fn a_directory_is_not_a_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = SqliteStore::open(dir.path(), clock()).await.unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err}");
    assert_names(&err, dir.path());
}

#[tokio::test]
async fn spec_selects_the_backend() {
    let dir = tempfile::tempdir().unwrap();
    let c: Arc<dyn Clock> = clock();
    assert_eq!(
        open_store("memory", c.clone()).await.unwrap().describe(),
        "memory"
    );
    let path = dir.path().join("s.db");
    for spec in [
        format!("sqlite:{}", path.display()),
        format!("sqlite://{}", path.display()),
    ] {
        let store = open_store(&spec, c.clone()).await.unwrap();
        assert_eq!(store.describe(), format!("sqlite:{}", path.display()));
    }
    for (spec, needle) in [
        ("rediss://localhost:6379/0", "TLS"),
        ("postgres://x", "unknown backend"),
        ("sqlitex", "unknown backend"),
        ("", "unknown backend"),
    ] {
        let err = open_store(spec, c.clone()).await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidSpec { .. }), "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    }
}

#[test]
fn default_path_is_under_a_toolgate_directory() {
    if let Some(path) = default_sqlite_path() {
        assert!(path.is_absolute() || cfg!(windows), "{}", path.display());
        assert!(path.ends_with(Path::new("toolgate").join("state.db")));
    }
}
