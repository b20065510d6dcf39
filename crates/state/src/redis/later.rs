//! A Redis store that was down when the gateway started: it connects in the background and,
//! until it has, answers every call as an unreachable store would
//! ([`StoreError::Unavailable`]), so the gateway applies its fail mode exactly as for an
//! outage that begins later.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;

use super::store::{RedisStore, redact};
use crate::error::StoreError;
use crate::store::StateStore;
use crate::types::{
    CounterRequest, CounterView, Reservation, ReserveOutcome, SettleOutcome, Settlement,
    StoreOptions,
};
use toolgate_clock::Clock;

/// First pause between connection attempts; it doubles up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);

/// See the [module docs](self).
#[derive(Debug)]
pub struct RedisLater {
    connected: Arc<OnceLock<RedisStore>>,
    /// The URL without credentials, for errors and logs.
    address: String,
    ttl: Duration,
}

impl RedisLater {
    /// Starts connecting to `url` in the background (needs a tokio runtime); the store works
    /// once a connection has opened and the scripts are loaded.
    pub fn connect_in_background(
        url: &str,
        clock: Arc<dyn Clock>,
        options: &StoreOptions,
    ) -> RedisLater {
        let connected = Arc::new(OnceLock::new());
        let address = redact(url);
        let ttl = options.reservation_ttl;
        let (url, options, slot, name) = (
            url.to_owned(),
            options.clone(),
            Arc::downgrade(&connected),
            address.clone(),
        );
        tokio::spawn(async move {
            let mut pause = FIRST_RETRY;
            loop {
                tokio::time::sleep(pause).await;
                if slot.strong_count() == 0 {
                    return;
                }
                match RedisStore::open_with_options(&url, clock.clone(), &options).await {
                    Ok(store) => {
                        tracing::info!(store = %name, "the counter store is reachable now");
                        if let Some(slot) = slot.upgrade() {
                            let _ = slot.set(store);
                        }
                        return;
                    }
                    Err(e) => {
                        tracing::debug!(store = %name, error = %e, "the counter store is still unreachable")
                    }
                }
                pause = (pause * 2).min(MAX_RETRY);
            }
        });
        RedisLater {
            connected,
            address,
            ttl,
        }
    }

    fn store(&self) -> Result<&RedisStore, StoreError> {
        self.connected.get().ok_or_else(|| StoreError::Unavailable {
            store: self.address.clone(),
            detail: "not connected yet (it was unreachable when toolgate started)".to_owned(),
        })
    }
}

#[async_trait]
impl StateStore for RedisLater {
    async fn reserve(&self, requests: &[CounterRequest]) -> Result<ReserveOutcome, StoreError> {
        self.store()?.reserve(requests).await
    }

    async fn settle(
        &self,
        reservation: &Reservation,
        settlement: Settlement,
    ) -> Result<SettleOutcome, StoreError> {
        self.store()?.settle(reservation, settlement).await
    }

    async fn renew(&self, reservation: &Reservation) -> Result<Option<Reservation>, StoreError> {
        self.store()?.renew(reservation).await
    }

    fn reservation_ttl(&self) -> Duration {
        match self.connected.get() {
            Some(store) => store.reservation_ttl(),
            None => self.ttl,
        }
    }

    async fn snapshot(&self) -> Result<Vec<CounterView>, StoreError> {
        self.store()?.snapshot().await
    }

    async fn reset(&self, key_prefix: &str) -> Result<usize, StoreError> {
        self.store()?.reset(key_prefix).await
    }

    fn describe(&self) -> String {
        match self.connected.get() {
            Some(store) => store.describe(),
            None => format!("{} (connecting)", self.address),
        }
    }
}
