//! Runs the behavioural suite (`suite/`) against every backend: one `backend!` line each.

mod redis_env;
mod suite;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use toolgate_state::{ManualClock, MemoryStore, RedisStore, SqliteStore, StoreOptions};

use suite::Harness;

/// One `#[tokio::test]` per case, each calling the suite's function with `$open`; with
/// `if $ready`, only when `$ready(name).await` says the backend's server is there.
macro_rules! cases {
    ($open:path, if $ready:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            if !$ready(concat!(module_path!(), "::", stringify!($case))).await {
                return;
            }
            $crate::suite::cases::$case($open).await;
        }
    )*};
    ($open:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            $crate::suite::cases::$case($open).await;
        }
    )*};
}

macro_rules! backend {
    ($name:ident, $open:path $(, if $ready:path)?) => {
        mod $name {
            $crate::for_each_case!(cases, $open $(, if $ready)?);
        }
    };
}

backend!(memory, crate::open_memory);
backend!(sqlite, crate::open_sqlite);
backend!(redis, crate::open_redis, if crate::redis_env::ready);

type Opening = Pin<Box<dyn Future<Output = Harness> + Send>>;

fn open_memory(clock: Arc<ManualClock>, options: StoreOptions) -> Opening {
    Box::pin(async move {
        Harness {
            store: Arc::new(MemoryStore::with_options(clock.clone(), &options)),
            clock,
            _keep: None,
        }
    })
}

fn open_sqlite(clock: Arc<ManualClock>, options: StoreOptions) -> Opening {
    Box::pin(async move {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("state.db");
        let store = SqliteStore::open_with_options(path, clock.clone(), &options)
            .await
            .expect("open sqlite store");
        Harness {
            store: Arc::new(store),
            clock,
            _keep: Some(Box::new(dir)),
        }
    })
}

/// A store on the test Redis under a fresh random key prefix, deleted afterwards.
fn open_redis(clock: Arc<ManualClock>, options: StoreOptions) -> Opening {
    Box::pin(async move {
        let prefix = redis_env::unique_prefix();
        let options = StoreOptions {
            key_prefix: Some(prefix.clone()),
            ..options
        };
        let store = RedisStore::open_with_options(&redis_env::url(), clock.clone(), &options)
            .await
            .expect("open redis store");
        Harness {
            store: Arc::new(store),
            clock,
            _keep: Some(Box::new(redis_env::Cleanup::new(&prefix))),
        }
    })
}
