//! [`RedisStore`]: the connection, the calls to the scripts and the decoding of their
//! replies. What the scripts do and how keys are laid out is in the module docs.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, ConnectionAddr, FromRedisValue, Script};

use super::keys::{self, GRACE, Keys};
use super::scripts::{SCRIPTS, outcome, renew_code, reserve_code};
use crate::accounting::{self, Prepared, from_micros, from_units, micros, rolling_micros, span};
use crate::error::StoreError;
use crate::store::StateStore;
use crate::types::{
    CounterRequest, CounterView, Limited, Reservation, ReservationId, ReserveOutcome,
    ReservedCounter, SettleOutcome, Settlement, StoreOptions, Window,
};
use toolgate_clock::Clock;

/// Oldest Redis the scripts run on (`#!lua` script flags).
const MIN_REDIS_MAJOR: u32 = 7;
/// Counters per snapshot/reset script call.
const BATCH: usize = 500;
/// Keys asked for per `SCAN` step.
const SCAN_COUNT: usize = 1000;

/// The Redis [`StateStore`]: counters shared by every gateway using the same Redis and
/// key prefix. See the [module docs](crate::redis) for the design.
pub struct RedisStore {
    conn: ConnectionManager,
    /// `redis://host:port/db` (no credentials), for logs and errors.
    address: String,
    keys: Keys,
    clock: Arc<dyn Clock>,
    ttl: i64,
    timeout: Duration,
    store_id: u64,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("address", &self.address)
            .field("prefix", &self.keys.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://[user:password@]host[:port][/db]` or
    /// `redis+unix:///path?db=N`) with default options.
    pub async fn open(url: &str, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        Self::open_with_options(url, clock, &StoreOptions::default()).await
    }

    /// Like [`RedisStore::open`] with explicit options (key prefix, command timeout,
    /// reservation TTL). Fails with [`StoreError::Unavailable`] if Redis cannot be reached
    /// within the command timeout, and with [`StoreError::InvalidSpec`] for a URL this
    /// build cannot use or a Redis older than 7.0.
    pub async fn open_with_options(
        url: &str,
        clock: Arc<dyn Clock>,
        options: &StoreOptions,
    ) -> Result<Self, StoreError> {
        let invalid = |reason: String| StoreError::InvalidSpec {
            spec: redact(url),
            reason,
        };
        let url = url.trim();
        if url.starts_with("rediss://") || url.starts_with("valkeys://") {
            return Err(invalid(
                "TLS (`rediss://`) is not built into this toolgate; connect through a local TLS proxy (e.g. stunnel) with `redis://127.0.0.1:PORT/DB`, or use a Unix socket `redis+unix:///PATH?db=N`".to_owned(),
            ));
        }
        let keys = Keys::new(options.key_prefix.as_deref())?;
        let client = Client::open(url).map_err(|e| invalid(format!("{e}")))?;
        let address = address(&client);
        let timeout = options.command_timeout.max(Duration::from_millis(1));
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(3)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let unavailable = |detail: String| StoreError::Unavailable {
            store: address.clone(),
            detail,
        };
        let mut conn =
            match tokio::time::timeout(timeout, ConnectionManager::new_with_config(client, config))
                .await
            {
                Ok(Ok(conn)) => conn,
                Ok(Err(e)) => return Err(unavailable(format!("cannot connect: {e}"))),
                Err(_) => {
                    return Err(unavailable(format!(
                        "cannot connect: no answer within {timeout:?}"
                    )));
                }
            };
        let info: String = bounded(
            timeout,
            redis::cmd("INFO").arg("server").query_async(&mut conn),
        )
        .await
        .map_err(|e| unavailable(format!("INFO server: {e}")))?;
        let version = info
            .lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .unwrap_or("unknown")
            .trim()
            .to_owned();
        let major: u32 = version
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        if major < MIN_REDIS_MAJOR {
            return Err(invalid(format!(
                "the server at {address} is Redis {version}; the Redis backend needs Redis {MIN_REDIS_MAJOR}.0 or newer"
            )));
        }
        // Load (and so compile-check) every script now rather than on the first call.
        for (name, script) in SCRIPTS.all() {
            let _: String = bounded(timeout, script.load_async(&mut conn))
                .await
                .map_err(|e| unavailable(format!("loading the {name} script: {e}")))?;
        }
        let store_id = fnv1a(format!("{address}\n{}", keys.prefix).as_bytes());
        tracing::debug!(store = %address, prefix = %keys.prefix, redis = %version, "state store opened");
        Ok(Self {
            conn,
            address,
            keys,
            clock,
            ttl: rolling_micros(options.reservation_ttl),
            timeout,
            store_id,
        })
    }

    /// The key prefix (without the hash-tag braces).
    pub fn key_prefix(&self) -> &str {
        &self.keys.prefix
    }

    fn unavailable(&self, during: &str, e: impl fmt::Display) -> StoreError {
        StoreError::Unavailable {
            store: self.address.clone(),
            detail: format!("{during}: {e}"),
        }
    }

    /// Runs a script with the common arguments (see `prelude.lua`) before `args`.
    async fn run<T: FromRedisValue>(
        &self,
        during: &'static str,
        script: &Script,
        now: i64,
        keys: &[String],
        args: &[String],
    ) -> Result<T, StoreError> {
        let mut call = script.prepare_invoke();
        call.key(&self.keys.pending).key(&self.keys.expired);
        for k in keys {
            call.key(k);
        }
        call.arg(now)
            .arg(grace_ms())
            .arg(&self.keys.counters)
            .arg(&self.keys.logs)
            .arg(&self.keys.reservations);
        for a in args {
            call.arg(a);
        }
        let mut conn = self.conn.clone();
        bounded(self.timeout, call.invoke_async(&mut conn))
            .await
            .map_err(|e| self.unavailable(during, e))
    }

    /// Every counter hash of this store (deduplicated: `SCAN` may repeat a key), with the
    /// caller's key and window.
    async fn scan_counters(&self) -> Result<Vec<(String, String, Window)>, StoreError> {
        let pattern = self.keys.counters_pattern();
        let mut conn = self.conn.clone();
        let mut names = BTreeSet::new();
        let mut cursor: u64 = 0;
        loop {
            let mut cmd = redis::cmd("SCAN");
            cmd.arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(SCAN_COUNT);
            let (next, batch): (u64, Vec<Vec<u8>>) =
                bounded(self.timeout, cmd.query_async(&mut conn))
                    .await
                    .map_err(|e| self.unavailable("SCAN", e))?;
            names.extend(batch.into_iter().filter_map(|n| String::from_utf8(n).ok()));
            if next == 0 {
                break;
            }
            cursor = next;
        }
        Ok(names
            .into_iter()
            .filter_map(|name| {
                let (key, window) = self.keys.parse_counter(&name)?;
                Some((name, key, window))
            })
            .collect())
    }

    fn log_swept(&self, swept: i64) {
        if swept > 0 {
            tracing::warn!(
                store = %self.address,
                count = swept,
                "reservations not settled within their TTL; refunded"
            );
        }
    }

    fn reservation(&self, seq: u64, deadline: i64, prepared: Vec<Prepared>) -> Reservation {
        Reservation {
            id: ReservationId {
                store: self.store_id,
                seq,
            },
            expires_at: from_micros(deadline),
            counters: prepared
                .into_iter()
                .map(|p| ReservedCounter {
                    key: p.key,
                    window: p.window,
                    amount: from_units(p.units),
                })
                .collect(),
        }
    }
}

#[async_trait]
impl StateStore for RedisStore {
    async fn reserve(&self, requests: &[CounterRequest]) -> Result<ReserveOutcome, StoreError> {
        let prepared = accounting::prepare(requests)?;
        let now = micros(self.clock.now());
        let deadline = now.saturating_add(self.ttl);
        let mut counter_keys = Vec::with_capacity(prepared.len() * 2);
        let mut entries = Vec::with_capacity(prepared.len());
        for p in &prepared {
            let (counter, off) = self.keys.counter(&p.key, p.window);
            entries.push(keys::entry_arg(p, &counter, off, now));
            // Per request the script expects the hash, then the log.
            let log = self.keys.log_of(&counter);
            counter_keys.push(counter);
            counter_keys.push(log);
        }
        // A random id is never reused, even after Redis loses its data; in the unlikely
        // event it is taken, draw again.
        for _ in 0..3 {
            let seq = accounting::random_u64();
            let id = keys::id_text(seq);
            let mut all_keys = Vec::with_capacity(counter_keys.len() + 1);
            all_keys.push(self.keys.reservation(&id));
            all_keys.extend(counter_keys.iter().cloned());
            let mut args = vec![id, deadline.to_string(), prepared.len().to_string()];
            args.extend(entries.iter().cloned());
            let reply: Vec<i64> = self
                .run("reserve", &SCRIPTS.reserve, now, &all_keys, &args)
                .await?;
            self.log_swept(reply.first().copied().unwrap_or(0));
            match reply.get(1).copied() {
                Some(reserve_code::GRANTED) => {
                    return Ok(ReserveOutcome::Granted(
                        self.reservation(seq, deadline, prepared),
                    ));
                }
                Some(reserve_code::LIMITED) => {
                    let limited = limited(&prepared, &reply)
                        .ok_or_else(|| self.unavailable("reserve", bad_reply(&reply)))?;
                    tracing::debug!(key = %limited.key, index = limited.index, "reserve limited");
                    return Ok(ReserveOutcome::Limited(limited));
                }
                Some(reserve_code::ID_TAKEN) => continue,
                _ => return Err(self.unavailable("reserve", bad_reply(&reply))),
            }
        }
        Err(self.unavailable(
            "reserve",
            "three random reservation ids in a row were taken; something else writes under this key prefix",
        ))
    }

    async fn settle(
        &self,
        reservation: &Reservation,
        settlement: Settlement,
    ) -> Result<SettleOutcome, StoreError> {
        let id = reservation.id;
        if id.store != self.store_id {
            return Err(StoreError::invalid(format!(
                "reservation {id} was issued by another state store; settle it with the store that granted it"
            )));
        }
        let now = micros(self.clock.now());
        let text = keys::id_text(id.seq);
        let how = match settlement {
            Settlement::Commit => "commit",
            Settlement::Refund => "refund",
        };
        let reply: Vec<i64> = self
            .run(
                "settle",
                &SCRIPTS.settle,
                now,
                &[self.keys.reservation(&text)],
                &[text, how.to_owned()],
            )
            .await?;
        self.log_swept(reply.first().copied().unwrap_or(0));
        Ok(match reply.get(1).copied() {
            Some(outcome::NOT_PENDING) => SettleOutcome::NotPending,
            Some(outcome::COMMITTED) => SettleOutcome::Committed,
            Some(outcome::REFUNDED) => SettleOutcome::Refunded,
            Some(outcome::COMMITTED_AFTER_EXPIRY) => {
                tracing::warn!(reservation = %id, "commit after the reservation's TTL; counted again");
                SettleOutcome::CommittedAfterExpiry
            }
            _ => return Err(self.unavailable("settle", bad_reply(&reply))),
        })
    }

    async fn renew(&self, reservation: &Reservation) -> Result<Option<Reservation>, StoreError> {
        let id = reservation.id;
        if id.store != self.store_id {
            return Err(StoreError::invalid(format!(
                "reservation {id} was issued by another state store; renew it with the store that granted it"
            )));
        }
        let now = micros(self.clock.now());
        let text = keys::id_text(id.seq);
        let wanted = now.saturating_add(self.ttl);
        let reply: Vec<i64> = self
            .run(
                "renew",
                &SCRIPTS.renew,
                now,
                &[self.keys.reservation(&text)],
                &[text, wanted.to_string()],
            )
            .await?;
        self.log_swept(reply.first().copied().unwrap_or(0));
        match reply.as_slice() {
            [_, renew_code::NOT_PENDING] => Ok(None),
            &[_, renew_code::RENEWED, deadline] => Ok(Some(Reservation {
                expires_at: from_micros(deadline),
                ..reservation.clone()
            })),
            _ => Err(self.unavailable("renew", bad_reply(&reply))),
        }
    }

    fn reservation_ttl(&self) -> Duration {
        span(self.ttl)
    }

    async fn snapshot(&self) -> Result<Vec<CounterView>, StoreError> {
        let counters = self.scan_counters().await?;
        let now = micros(self.clock.now());
        let mut views = Vec::new();
        for batch in batches(&counters) {
            let names: Vec<String> = batch.iter().map(|c| c.0.clone()).collect();
            let args: Vec<String> = batch.iter().map(|c| keys::window_arg(c.2)).collect();
            let (swept, rows): (i64, Vec<Vec<i64>>) = self
                .run("snapshot", &SCRIPTS.snapshot, now, &names, &args)
                .await?;
            self.log_swept(swept);
            for row in rows {
                let view = view(batch, &row)
                    .ok_or_else(|| self.unavailable("snapshot", bad_reply(&row)))?;
                views.push(view);
            }
        }
        views.sort_by(|a, b| {
            (&a.key, accounting::encode_window(a.window))
                .cmp(&(&b.key, accounting::encode_window(b.window)))
        });
        Ok(views)
    }

    async fn reset(&self, key_prefix: &str) -> Result<usize, StoreError> {
        let counters: Vec<_> = self
            .scan_counters()
            .await?
            .into_iter()
            .filter(|c| c.1.starts_with(key_prefix))
            .collect();
        let now = micros(self.clock.now());
        let mut removed = 0usize;
        // Runs even with no counters: claims on counters already gone are forgotten too.
        for batch in batches(&counters) {
            let names: Vec<String> = batch.iter().map(|c| c.0.clone()).collect();
            let mut args: Vec<String> = batch.iter().map(|c| keys::window_arg(c.2)).collect();
            args.push(key_prefix.to_owned());
            let (swept, count): (i64, i64) = self
                .run("reset", &SCRIPTS.reset, now, &names, &args)
                .await?;
            self.log_swept(swept);
            removed += usize::try_from(count).unwrap_or(0);
        }
        tracing::info!(store = %self.address, prefix = key_prefix, removed, "state reset");
        Ok(removed)
    }

    fn describe(&self) -> String {
        if self.keys.prefix == keys::DEFAULT_PREFIX {
            self.address.clone()
        } else {
            format!("{} (key prefix {:?})", self.address, self.keys.prefix)
        }
    }
}

/// A limited reply `{swept, 0, index, used, retry_us | -1}` with the request it names.
fn limited(prepared: &[Prepared], reply: &[i64]) -> Option<Limited> {
    let &[_, _, index, used, retry] = reply else {
        return None;
    };
    let index = usize::try_from(index).ok()?;
    let p = prepared.get(index)?;
    Some(Limited {
        index,
        key: p.key.clone(),
        window: p.window,
        used: from_units(used),
        requested: from_units(p.units),
        max: from_units(p.max),
        retry_after: (retry >= 0).then(|| span(retry)),
    })
}

/// A snapshot row `{index, used, pending, start | 0, end, max}` of a batch.
fn view(batch: &[(String, String, Window)], row: &[i64]) -> Option<CounterView> {
    let &[index, used, pending, start, end, max] = row else {
        return None;
    };
    let (_, key, window) = batch.get(usize::try_from(index).ok()?)?;
    Some(CounterView {
        key: key.clone(),
        window: *window,
        used: from_units(used),
        pending: from_units(pending),
        max: Some(from_units(max)),
        window_start: matches!(window, Window::Calendar(_)).then(|| from_micros(start)),
        window_end: from_micros(end),
    })
}

/// `items` in batches of [`BATCH`]; one empty batch when there are none, since the
/// scripts also sweep.
fn batches<T>(items: &[T]) -> Vec<&[T]> {
    if items.is_empty() {
        vec![items]
    } else {
        items.chunks(BATCH).collect()
    }
}

fn bad_reply(reply: &impl fmt::Debug) -> String {
    format!("unexpected script reply {reply:?}; is another program writing under this key prefix?")
}

/// Bounds a Redis call by `timeout`, turning the elapsed timer into an error.
async fn bounded<T>(
    timeout: Duration,
    call: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T, String> {
    match tokio::time::timeout(timeout, call).await {
        Ok(Ok(v)) => Ok(v),
        // The connection's own response timeout (the same length) usually fires first.
        Ok(Err(e)) if e.is_timeout() => Err(format!("no answer within {timeout:?}")),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {timeout:?}")),
    }
}

fn grace_ms() -> u64 {
    u64::try_from(GRACE.as_millis()).unwrap_or(u64::MAX)
}

/// `redis://host:port/db` or `redis+unix:///path?db=N`, without credentials.
fn address(client: &Client) -> String {
    let info = client.get_connection_info();
    let db = info.redis_settings().db();
    match info.addr() {
        ConnectionAddr::Unix(path) => format!("redis+unix://{}?db={db}", path.display()),
        ConnectionAddr::Tcp(host, port) | ConnectionAddr::TcpTls { host, port, .. } => {
            if host.contains(':') {
                format!("redis://[{host}]:{port}/{db}")
            } else {
                format!("redis://{host}:{port}/{db}")
            }
        }
        other => format!("redis://{other}/{db}"),
    }
}

/// The URL with any credentials replaced by `***`, for error messages.
pub(super) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// FNV-1a: a stable store id from the address and prefix, so every gateway (and every
/// store object) on the same Redis and prefix is the same store.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(redact("redis://u:pw@h:1/0"), "redis://***@h:1/0");
        assert_eq!(redact("redis://:p@ss@h/0"), "redis://***@h/0");
        assert_eq!(redact("redis://h:1/0"), "redis://h:1/0");
        assert_eq!(redact("redis://h:1/0?x=a@b"), "redis://h:1/0?x=a@b");
    }
}
