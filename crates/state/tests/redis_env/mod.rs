//! Finding the test Redis, and per-test key prefixes that are cleaned up afterwards.
//!
//! The address comes from `TOOLGATE_TEST_REDIS` (default `redis://127.0.0.1:6379/0`). When
//! no Redis answers there, the Redis tests fail if `CI=true` (Redis is required in CI) and
//! otherwise print a loud `SKIPPED` line to stderr and pass.
#![allow(dead_code)] // each test crate uses a different part

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The Redis the tests use.
pub fn url() -> String {
    std::env::var("TOOLGATE_TEST_REDIS")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/0".to_owned())
}

/// Whether the tests run in CI (where a missing Redis is a failure, not a skip).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// True if the test Redis answers `PING`. Otherwise panics in CI, or prints a `SKIPPED`
/// line for `test` and returns false.
pub async fn ready(test: &str) -> bool {
    let url = url();
    let ping = async {
        let client = redis::Client::open(url.as_str()).map_err(|e| e.to_string())?;
        let mut conn = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| e.to_string())?;
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map_err(|e| e.to_string())
    };
    let result = match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(r) => r,
        Err(_) => Err("no answer within 2s".to_owned()),
    };
    match result {
        Ok(_) => true,
        Err(e) if in_ci() => panic!(
            "Redis is required in CI (CI=true) but there is no Redis at {url}: {e}; start redis-server or point TOOLGATE_TEST_REDIS at one"
        ),
        Err(e) => {
            loud(&format!(
                "SKIPPED {test} (no Redis at {url}: {e}; start redis-server or set TOOLGATE_TEST_REDIS)"
            ));
            false
        }
    }
}

/// Writes a line straight to the process's stderr: unlike `eprintln!`, the test harness
/// does not capture it, so a skipped test is visible in a normal `cargo test` run.
pub fn loud(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "=== {line} ===");
}

/// A random value without a dependency (std's `RandomState` is seeded by the OS).
pub fn random() -> u64 {
    static SALT: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(SALT.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish()
}

/// A key prefix no other test (or run) uses.
pub fn unique_prefix() -> String {
    format!("toolgate-test-{:016x}", random())
}

/// Deletes every key under a prefix when dropped (keys expire by themselves too; this
/// keeps a developer's Redis tidy right away).
pub struct Cleanup {
    pub url: String,
    pub prefix: String,
}

impl Cleanup {
    pub fn new(prefix: &str) -> Self {
        Self {
            url: url(),
            prefix: prefix.to_owned(),
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Err(e) = delete_prefix(&self.url, &self.prefix) {
            eprintln!("could not clean up Redis keys {{{}}}:* — {e}", self.prefix);
        }
    }
}

/// Every key of a store under `prefix` (`{prefix}:*`).
pub fn keys_of(url: &str, prefix: &str) -> redis::RedisResult<Vec<String>> {
    let client = redis::Client::open(url)?;
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(2))?;
    conn.set_read_timeout(Some(Duration::from_secs(2)))?;
    let pattern = format!("{{{prefix}}}:*");
    let mut cursor = 0u64;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(&pattern)
            .arg("COUNT")
            .arg(1000)
            .query(&mut conn)?;
        keys.extend(batch);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

fn delete_prefix(url: &str, prefix: &str) -> redis::RedisResult<()> {
    let keys = keys_of(url, prefix)?;
    if keys.is_empty() {
        return Ok(());
    }
    let client = redis::Client::open(url)?;
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(2))?;
    redis::cmd("DEL").arg(&keys).query::<()>(&mut conn)
}
