//! Redis-only behaviour: several gateways on one Redis, key layout and expiry, choosing the
//! backend from a spec, and surviving a Redis that dies and comes back. Shared behaviour
//! lives in `suite/` (run against Redis by `backends.rs`).
//!
//! The fault tests start a private `redis-server` on a free loopback port and kill only
//! that one; the shared test Redis is never stopped.

mod redis_env;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use toolgate_state::{
    CalendarUnit, Clock, CounterRequest, ManualClock, RedisStore, ReserveOutcome, SettleOutcome,
    Settlement, StateStore, StoreError, StoreOptions, Window, open_store, open_store_with_options,
};

const MINUTE: Window = Window::Calendar(CalendarUnit::Minute);

fn clock() -> Arc<ManualClock> {
    // 2024-01-01T12:00:00Z
    Arc::new(ManualClock::new(
        UNIX_EPOCH + Duration::from_secs(1_704_110_400),
    ))
}

fn options(prefix: &str) -> StoreOptions {
    StoreOptions {
        key_prefix: Some(prefix.to_owned()),
        ..StoreOptions::default()
    }
}

fn one(key: &str, max: f64) -> [CounterRequest; 1] {
    [CounterRequest::new(key, 1.0, max, MINUTE)]
}

async fn used(store: &dyn StateStore, key: &str) -> f64 {
    let views = store.snapshot().await.unwrap();
    views.iter().find(|v| v.key == key).map_or(0.0, |v| v.used)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_never_over_grant() {
    if !redis_env::ready("two_gateways_never_over_grant").await {
        return;
    }
    // Two stores, each with its own connection, stand in for two gateway processes.
    let prefix = redis_env::unique_prefix();
    let _cleanup = redis_env::Cleanup::new(&prefix);
    let clock = clock();
    let url = redis_env::url();
    let a: Arc<dyn StateStore> = Arc::new(
        RedisStore::open_with_options(&url, clock.clone(), &options(&prefix))
            .await
            .unwrap(),
    );
    let b: Arc<dyn StateStore> = Arc::new(
        RedisStore::open_with_options(&url, clock.clone(), &options(&prefix))
            .await
            .unwrap(),
    );
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let store = Arc::clone(if i % 2 == 0 { &a } else { &b });
        tasks.spawn(async move {
            let requests = [
                CounterRequest::new("global", 1.0, 50.0, Window::Calendar(CalendarUnit::Day)),
                CounterRequest::new("roll", 1.0, 50.0, Window::Rolling(Duration::from_secs(60))),
            ];
            match store.reserve(&requests).await.unwrap() {
                ReserveOutcome::Granted(r) => Some((i % 2, r)),
                ReserveOutcome::Limited(_) => None,
            }
        });
    }
    let granted: Vec<_> = tasks.join_all().await.into_iter().flatten().collect();
    eprintln!(
        "200 concurrent reserves from two stores: {:?}",
        started.elapsed()
    );
    assert_eq!(granted.len(), 50);
    assert_eq!(used(a.as_ref(), "global").await, 50.0);
    assert_eq!(used(b.as_ref(), "roll").await, 50.0);
    // Same Redis and prefix: one store, so either gateway may settle the other's grant.
    let (from_a, r) = granted[0].clone();
    let other = if from_a == 0 { &b } else { &a };
    other.settle(&r, Settlement::Refund).await.unwrap();
    assert_eq!(used(a.as_ref(), "global").await, 49.0);
}

#[tokio::test]
async fn prefixes_are_separate_stores() {
    if !redis_env::ready("prefixes_are_separate_stores").await {
        return;
    }
    let (p1, p2) = (redis_env::unique_prefix(), redis_env::unique_prefix());
    let _cleanup = (redis_env::Cleanup::new(&p1), redis_env::Cleanup::new(&p2));
    let clock = clock();
    let url = redis_env::url();
    let one_store = RedisStore::open_with_options(&url, clock.clone(), &options(&p1))
        .await
        .unwrap();
    let two_store = RedisStore::open_with_options(&url, clock.clone(), &options(&p2))
        .await
        .unwrap();
    let r = one_store.reserve(&one("k", 1.0)).await.unwrap();
    assert!(matches!(r, ReserveOutcome::Granted(_)));
    let r = two_store.reserve(&one("k", 1.0)).await.unwrap();
    assert!(matches!(r, ReserveOutcome::Granted(_)), "{r:?}");
    assert!(
        two_store.describe().contains(&p2),
        "{}",
        two_store.describe()
    );
}

#[tokio::test]
async fn keys_live_under_the_hash_tag_and_all_expire() {
    if !redis_env::ready("keys_live_under_the_hash_tag_and_all_expire").await {
        return;
    }
    let prefix = redis_env::unique_prefix();
    let _cleanup = redis_env::Cleanup::new(&prefix);
    let url = redis_env::url();
    let clock = clock();
    let store = RedisStore::open_with_options(&url, clock.clone(), &options(&prefix))
        .await
        .unwrap();
    let requests = [
        CounterRequest::new("tool:a", 1.0, 5.0, MINUTE),
        CounterRequest::new("tool:b", 1.0, 5.0, Window::Rolling(Duration::from_secs(30))),
    ];
    let ReserveOutcome::Granted(pending) = store.reserve(&requests).await.unwrap() else {
        panic!("expected a grant");
    };
    // An expired reservation leaves a tombstone, so every kind of key exists.
    let short = StoreOptions {
        reservation_ttl: Duration::from_secs(1),
        ..options(&prefix)
    };
    let quick = RedisStore::open_with_options(&url, clock.clone(), &short)
        .await
        .unwrap();
    let _lost = quick.reserve(&one("tool:c", 5.0)).await.unwrap();
    clock.advance(Duration::from_secs(2));
    store.snapshot().await.unwrap();

    let keys = redis_env::keys_of(&url, &prefix).unwrap();
    let tag = format!("{{{prefix}}}");
    let id = format!("{:016x}", pending_seq(&pending.id().to_string()));
    for expected in [
        format!("{tag}:c:minute:tool:a"),
        format!("{tag}:c:rolling:30000000:tool:b"),
        format!("{tag}:l:rolling:30000000:tool:b"),
        format!("{tag}:r:{id}"),
        format!("{tag}:pending"),
        format!("{tag}:expired"),
    ] {
        assert!(keys.contains(&expected), "{expected} not in {keys:?}");
    }
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    for key in &keys {
        assert!(key.starts_with(&format!("{tag}:")), "{key}");
        let ttl: i64 = redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        // Nothing lives longer than its last window (here at most the 300 s TTL) + 60 s.
        assert!(ttl > 0 && ttl <= 361_000, "{key} has PTTL {ttl}");
    }
    store.settle(&pending, Settlement::Commit).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_share_renewals_and_keys_outlive_them() {
    if !redis_env::ready("two_gateways_share_renewals_and_keys_outlive_them").await {
        return;
    }
    let prefix = redis_env::unique_prefix();
    let _cleanup = redis_env::Cleanup::new(&prefix);
    let url = redis_env::url();
    let clock = clock();
    // Gateway a reserves with a 1 s TTL; gateway b (same Redis and prefix) renews with 600 s.
    let short = StoreOptions {
        reservation_ttl: Duration::from_secs(1),
        ..options(&prefix)
    };
    let a = RedisStore::open_with_options(&url, clock.clone(), &short)
        .await
        .unwrap();
    let b = RedisStore::open_with_options(&url, clock.clone(), &options(&prefix))
        .await
        .unwrap();
    let requests = [CounterRequest::new(
        "tool:a",
        1.0,
        1.0,
        Window::Rolling(Duration::from_secs(1)),
    )];
    let ReserveOutcome::Granted(held) = a.reserve(&requests).await.unwrap() else {
        panic!("expected a grant");
    };
    let tag = format!("{{{prefix}}}");
    let rkey = format!("{tag}:r:{:016x}", pending_seq(&held.id().to_string()));
    let pidx = format!("{tag}:pending");
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    // 1 s TTL, 1 s window: the reservation's keys live about a minute (the grace).
    for key in [&rkey, &pidx] {
        let ttl = pttl(&mut conn, key).await;
        assert!(ttl > 0 && ttl <= 61_000, "{key} has PTTL {ttl}");
    }
    let renewed = b.renew(&held).await.unwrap().expect("pending");
    assert_eq!(renewed.expires_at(), clock.now() + Duration::from_secs(300));
    // Its hash and the pending index now outlive the renewed deadline (+ the grace).
    for key in [&rkey, &pidx] {
        let ttl = pttl(&mut conn, key).await;
        assert!(ttl > 359_000 && ttl <= 360_000, "{key} has PTTL {ttl}");
    }
    // a's own renewal (1 s) never pulls b's deadline earlier.
    clock.advance(Duration::from_secs(2));
    assert_eq!(
        a.renew(&held).await.unwrap().map(|r| r.expires_at()),
        Some(renewed.expires_at())
    );
    // Still pending long after a's TTL: both gateways' sweeps (every script starts with
    // one) leave it alone, so the refund below is a real one.
    clock.advance(Duration::from_secs(100));
    for store in [&a, &b] {
        store.snapshot().await.unwrap();
    }
    assert_eq!(
        a.settle(&held, Settlement::Refund).await.unwrap(),
        SettleOutcome::Refunded
    );
    assert_eq!(b.renew(&held).await.unwrap(), None);
}

#[tokio::test]
async fn renew_expires_a_reservation_the_bounded_sweep_did_not_reach() {
    if !redis_env::ready("renew_expires_a_reservation_the_bounded_sweep_did_not_reach").await {
        return;
    }
    let prefix = redis_env::unique_prefix();
    let _cleanup = redis_env::Cleanup::new(&prefix);
    let url = redis_env::url();
    let clock = clock();
    let short = StoreOptions {
        reservation_ttl: Duration::from_secs(1),
        ..options(&prefix)
    };
    let store = RedisStore::open_with_options(&url, clock.clone(), &short)
        .await
        .unwrap();
    let ReserveOutcome::Granted(held) = store.reserve(&one("k", 1.0)).await.unwrap() else {
        panic!("expected a grant");
    };
    // Hide it from the sweep (as if 1000 others were due first): only the renew's own
    // deadline check can see it is past its TTL.
    let tag = format!("{{{prefix}}}");
    let seq = format!("{:016x}", pending_seq(&held.id().to_string()));
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let () = redis::cmd("ZREM")
        .arg(format!("{tag}:pending"))
        .arg(&seq)
        .query_async(&mut conn)
        .await
        .unwrap();
    clock.advance(Duration::from_secs(2));
    assert_eq!(used(&store, "k").await, 1.0, "the sweep did not reach it");
    assert_eq!(store.renew(&held).await.unwrap(), None);
    assert_eq!(used(&store, "k").await, 0.0, "refunded, not revived");
    assert_eq!(
        store.settle(&held, Settlement::Refund).await.unwrap(),
        SettleOutcome::NotPending
    );
}

async fn pttl(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PTTL").arg(key).query_async(conn).await.unwrap()
}

/// The `seq` part of a reservation id's display form (`store-seq`).
fn pending_seq(display: &str) -> u64 {
    display.rsplit('-').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn spec_opens_redis_and_explains_what_it_cannot() {
    if !redis_env::ready("spec_opens_redis_and_explains_what_it_cannot").await {
        return;
    }
    let c: Arc<dyn Clock> = clock();
    let prefix = redis_env::unique_prefix();
    let _cleanup = redis_env::Cleanup::new(&prefix);
    let url = redis_env::url();
    let store = open_store_with_options(&url, c.clone(), &options(&prefix))
        .await
        .unwrap();
    assert!(
        store.describe().starts_with("redis://"),
        "{}",
        store.describe()
    );
    let r = store.reserve(&one("k", 1.0)).await.unwrap();
    assert!(matches!(r, ReserveOutcome::Granted(_)));

    let err = open_store("rediss://u:secret@127.0.0.1:6379/0", c.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidSpec { .. }), "{err}");
    assert!(err.to_string().contains("TLS"), "{err}");
    assert!(!err.to_string().contains("secret"), "{err}");
    for bad in ["", "a{b}"] {
        let err = open_store_with_options(&url, c.clone(), &options(bad))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidRequest { .. }), "{err}");
        assert!(err.to_string().contains("prefix"), "{err}");
    }
    let err = open_store("redis://127.0.0.1:6379/notanumber", c)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidSpec { .. }), "{err}");
}

#[tokio::test]
async fn no_redis_at_open_is_unavailable_and_named() {
    // Needs no Redis: a port nothing listens on.
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}/0");
    let started = Instant::now();
    let err = RedisStore::open(&url, clock()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
}

/// A `redis-server` of this test's own on a loopback port, killed on drop.
struct PrivateRedis {
    port: u16,
    child: Child,
}

impl PrivateRedis {
    /// Starts one on `port` and waits until it answers; `None` if `redis-server` is missing
    /// (outside CI).
    fn start(port: u16) -> Option<Self> {
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(c) => c,
            Err(e) if redis_env::in_ci() => {
                panic!("redis-server is required in CI (CI=true) but could not be started: {e}")
            }
            Err(e) => {
                redis_env::loud(&format!("SKIPPED (cannot start redis-server: {e})"));
                return None;
            }
        };
        let server = Self { port, child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if server.ping() {
                return Some(server);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("private redis-server on port {port} did not answer within 10s");
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn ping(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else {
            return false;
        };
        client
            .get_connection_with_timeout(Duration::from_millis(200))
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .is_ok()
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survives_redis_dying_and_coming_back() {
    let port = free_port();
    let Some(server) = PrivateRedis::start(port) else {
        return;
    };
    let url = server.url();
    let store = RedisStore::open(&url, clock()).await.unwrap();
    let r = store.reserve(&one("k", 100.0)).await.unwrap();
    assert!(matches!(r, ReserveOutcome::Granted(_)));

    server.kill();
    for attempt in 0..3 {
        let started = Instant::now();
        let err = store.reserve(&one("k", 100.0)).await.unwrap_err();
        let took = started.elapsed();
        eprintln!("reserve with Redis down (attempt {attempt}): {took:?}: {err}");
        assert!(took < Duration::from_secs(3), "took {took:?}");
        assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
        assert!(
            err.to_string().contains(&format!("127.0.0.1:{port}")),
            "{err}"
        );
    }

    // Same port, empty server (no persistence, no scripts): the same store object
    // reconnects by itself and loads its scripts again (NOSCRIPT).
    let _server = PrivateRedis::start(port).expect("restart redis-server");
    let restarted = Instant::now();
    let mut failures = 0;
    loop {
        match store.reserve(&one("k", 100.0)).await {
            Ok(ReserveOutcome::Granted(_)) => break,
            Ok(other) => panic!("expected a grant, got {other:?}"),
            Err(e) => {
                failures += 1;
                assert!(
                    restarted.elapsed() < Duration::from_secs(10),
                    "no recovery within 10s: {e}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    eprintln!(
        "recovered {:?} after the restart ({failures} failed calls first)",
        restarted.elapsed()
    );
    // The restarted server had nothing: only the new reservation counts.
    assert_eq!(used(&store, "k").await, 1.0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hung_redis_times_out_then_recovers() {
    let port = free_port();
    let Some(server) = PrivateRedis::start(port) else {
        return;
    };
    let options = StoreOptions {
        command_timeout: Duration::from_millis(500),
        ..StoreOptions::default()
    };
    let store = RedisStore::open_with_options(&server.url(), clock(), &options)
        .await
        .unwrap();
    let r = store.reserve(&one("k", 100.0)).await.unwrap();
    assert!(matches!(r, ReserveOutcome::Granted(_)));

    // A stopped process keeps its socket open but never answers: only the timeout helps.
    let pid = server.child.id().to_string();
    let signal = |sig: &str| {
        let status = Command::new("kill").args([sig, &pid]).status().unwrap();
        assert!(status.success(), "kill {sig} {pid}");
    };
    signal("-STOP");
    let started = Instant::now();
    let err = store.reserve(&one("k", 100.0)).await.unwrap_err();
    let took = started.elapsed();
    signal("-CONT");
    eprintln!("reserve with Redis hung: {took:?}: {err}");
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
    assert!(err.to_string().contains("no answer within"), "{err}");
    assert!(took < Duration::from_secs(1), "took {took:?}");

    let resumed = Instant::now();
    loop {
        match store.reserve(&one("k", 100.0)).await {
            Ok(ReserveOutcome::Granted(_)) => break,
            Ok(other) => panic!("expected a grant, got {other:?}"),
            Err(e) => {
                assert!(
                    resumed.elapsed() < Duration::from_secs(10),
                    "no recovery: {e}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    eprintln!("answering again {:?} after SIGCONT", resumed.elapsed());
    // The call that timed out may or may not have run on the server; either way nothing
    // is counted twice.
    let n = used(&store, "k").await;
    assert!(n == 2.0 || n == 3.0, "{n}");
}

#[cfg(unix)]
#[tokio::test]
async fn unix_socket_spec_works() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("redis.sock");
    let spawned = Command::new("redis-server")
        .args(["--port", "0", "--unixsocket"])
        .arg(&sock)
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(c) => c,
        Err(e) if redis_env::in_ci() => panic!("redis-server is required in CI: {e}"),
        Err(e) => {
            redis_env::loud(&format!("SKIPPED (cannot start redis-server: {e})"));
            return;
        }
    };
    let _server = PrivateRedis { port: 0, child };
    let url = format!("redis+unix://{}?db=0", sock.display());
    let deadline = Instant::now() + Duration::from_secs(10);
    let store = loop {
        match open_store(&url, clock()).await {
            Ok(store) => break store,
            // The server may not have created its socket yet.
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(store.describe(), url);
    let r = store.reserve(&one("k", 1.0)).await.unwrap();
    assert!(matches!(r, ReserveOutcome::Granted(_)));
}

#[tokio::test]
async fn scripts_are_loaded_again_after_noscript() {
    let port = free_port();
    let Some(server) = PrivateRedis::start(port) else {
        return;
    };
    let store = RedisStore::open(&server.url(), clock()).await.unwrap();
    let ReserveOutcome::Granted(r) = store.reserve(&one("k", 5.0)).await.unwrap() else {
        panic!("expected a grant");
    };
    // What a restart (or a failover to a replica) does to the script cache.
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut conn)
        .await
        .unwrap();
    store.settle(&r, Settlement::Commit).await.unwrap();
    let () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(used(&store, "k").await, 1.0);
}
