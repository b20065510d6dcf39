//! Runs the behavioural suite (`suite/`) against every backend: one `backend!` line each.

mod suite;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use toolgate_state::{ManualClock, MemoryStore, SqliteStore, StoreOptions};

use suite::Harness;

/// One `#[tokio::test]` per case, each calling the suite's function with `$open`.
macro_rules! cases {
    ($open:path; $($case:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $case() {
            $crate::suite::cases::$case($open).await;
        }
    )*};
}

macro_rules! backend {
    ($name:ident, $open:path) => {
        mod $name {
            $crate::for_each_case!(cases, $open);
        }
    };
}

backend!(memory, crate::open_memory);
backend!(sqlite, crate::open_sqlite);

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
