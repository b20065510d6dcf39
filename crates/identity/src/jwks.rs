//! The issuer's signing keys (a JWK set), read from a file or fetched from a URL, and cached.
//!
//! Every JWT check needs them, so they are held in memory and refreshed behind the callers'
//! backs. The limits are there because the fetch is driven by untrusted input:
//!
//! - a token naming an unknown `kid` triggers a refetch (that is how key rotation is noticed
//!   early), but at most one fetch per [`UNKNOWN_KID_REFETCH_INTERVAL`], so a flood of tokens
//!   with random kids is a flood of cheap refusals, not of requests to the issuer;
//! - a fetch times out after [`FETCH_TIMEOUT`] and refuses bodies over [`MAX_JWKS_BYTES`];
//! - `Cache-Control: max-age` is honoured but clamped to [`MIN_MAX_AGE`, `MAX_MAX_AGE`], so an
//!   issuer can neither make us fetch on every request nor pin a key for a week;
//! - when a refresh fails, the cached set keeps serving (a short issuer outage must not lock
//!   everyone out) and one warning is logged per distinct failure; with nothing cached we fail
//!   closed ([`AuthError::JwksUnavailable`], HTTP 503) and retry at most every
//!   [`RETRY_AFTER_FAILURE`];
//! - keys come over HTTPS, or plain HTTP only from a loopback address (anyone on the path
//!   could otherwise hand us their own keys).
//!
//! A `File` source is re-read when its modification time or size changes, looked at no more
//! than once per [`FILE_CHECK_INTERVAL`].
//!
//! What counts as a usable key in the set is decided in [`super::key_set`].

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwapOption;
use tokio::io::AsyncReadExt;
use toolgate_clock::Monotonic;

use super::AuthError;
use super::key_set::KeySet;

/// How long one JWKS fetch may take, body included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest JWKS document accepted (real ones are a few KiB).
pub const MAX_JWKS_BYTES: usize = 1024 * 1024;
/// Cache lifetime when the issuer sends no `Cache-Control: max-age`.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// Shortest cache lifetime, whatever the issuer says.
pub const MIN_MAX_AGE: Duration = Duration::from_secs(60);
/// Longest cache lifetime, whatever the issuer says.
pub const MAX_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);
/// At most one fetch per this interval is caused by tokens naming an unknown `kid`.
pub const UNKNOWN_KID_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
/// After a failed fetch or read, the next try waits this long.
pub const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);
/// A JWKS file's metadata is looked at no more often than this.
pub const FILE_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Where the issuer's keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    /// The issuer's `jwks_uri`.
    Url(reqwest::Url),
    /// A local JWK set document, for issuers that are not reachable or for pinned keys.
    File(PathBuf),
}

impl fmt::Display for JwksSource {
    // Logged often: never show credentials or a query string a URL might carry.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwksSource::Url(url) => {
                let host = url.host_str().unwrap_or("?");
                match url.port() {
                    Some(port) => write!(f, "{}://{host}:{port}{}", url.scheme(), url.path()),
                    None => write!(f, "{}://{host}{}", url.scheme(), url.path()),
                }
            }
            JwksSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// What callers see without taking the refresh lock.
struct Snapshot {
    keys: Arc<KeySet>,
    /// When the set should be looked at again (URL: cache expiry; file: next stat).
    recheck_at: Instant,
}

#[derive(Default)]
struct RefreshState {
    /// The last fetch attempt of a URL source, successful or not.
    last_attempt: Option<Instant>,
    /// The last failure, while it lasts: when, and why.
    last_failure: Option<(Instant, String)>,
    /// Modification time and size of the file the cached set was read from.
    file_stamp: Option<(Option<SystemTime>, u64)>,
}

/// The cached key set of one source. Shared (`Arc`) across settings reloads that keep the
/// source, so a reload does not cost a refetch.
pub(crate) struct JwksCache {
    source: JwksSource,
    http: reqwest::Client,
    clock: Arc<dyn Monotonic>,
    current: ArcSwapOption<Snapshot>,
    refresh: tokio::sync::Mutex<RefreshState>,
}

impl JwksCache {
    pub(crate) fn new(
        source: JwksSource,
        http: reqwest::Client,
        clock: Arc<dyn Monotonic>,
    ) -> Self {
        JwksCache {
            source,
            http,
            clock,
            current: ArcSwapOption::empty(),
            refresh: tokio::sync::Mutex::new(RefreshState::default()),
        }
    }

    pub(crate) fn source(&self) -> &JwksSource {
        &self.source
    }

    /// The current key set, loading or refreshing it when due.
    pub(crate) async fn keys(&self) -> Result<Arc<KeySet>, AuthError> {
        let now = self.clock.now();
        if let Some(snapshot) = self.current.load_full() {
            if now < snapshot.recheck_at {
                return Ok(snapshot.keys.clone());
            }
            // Due for a look. One caller does it; the others keep using what we have rather
            // than queue behind a slow issuer.
            let Ok(mut state) = self.refresh.try_lock() else {
                return Ok(snapshot.keys.clone());
            };
            // A failure is already logged and the stale set kept: nothing more to do here.
            let _ = self.refresh_locked(&mut state).await;
            return Ok(self.current_keys().unwrap_or_else(|| snapshot.keys.clone()));
        }
        let mut state = self.refresh.lock().await;
        // Someone may have loaded the set while we waited for the lock.
        if let Some(keys) = self.current_keys() {
            return Ok(keys);
        }
        let now = self.clock.now();
        if let Some((at, reason)) = &state.last_failure
            && now.saturating_duration_since(*at) < RETRY_AFTER_FAILURE
        {
            return Err(AuthError::JwksUnavailable {
                reason: reason.clone(),
            });
        }
        match self.refresh_locked(&mut state).await {
            Ok(()) => self
                .current_keys()
                .ok_or_else(|| AuthError::JwksUnavailable {
                    reason: "the key set vanished while loading".to_owned(),
                }),
            Err(reason) => Err(AuthError::JwksUnavailable { reason }),
        }
    }

    /// Called when a token names a `kid` the set lacks: refetches a URL source if the last
    /// attempt is at least [`UNKNOWN_KID_REFETCH_INTERVAL`] old. Returns the set to look in
    /// again, or `None` when nothing new can be had.
    pub(crate) async fn refetch_for_unknown_kid(&self, kid: &str) -> Option<Arc<KeySet>> {
        // A file is re-read when it changes; there is nothing to fetch.
        let JwksSource::Url(_) = &self.source else {
            return None;
        };
        let mut state = self.refresh.lock().await;
        // A fetch that finished while we waited may have brought the key.
        if let Some(keys) = self.current_keys()
            && keys.has_kid(kid)
        {
            return Some(keys);
        }
        let now = self.clock.now();
        if let Some(at) = state.last_attempt
            && now.saturating_duration_since(at) < UNKNOWN_KID_REFETCH_INTERVAL
        {
            tracing::debug!(source = %self.source, "unknown key id; JWKS refetch suppressed (fetched recently)");
            return None;
        }
        tracing::debug!(source = %self.source, "unknown key id; refetching the JWKS");
        let _ = self.refresh_locked(&mut state).await;
        self.current_keys()
    }

    fn current_keys(&self) -> Option<Arc<KeySet>> {
        self.current.load_full().map(|s| s.keys.clone())
    }

    /// Refreshes from the source (the caller holds the refresh lock). On failure the cached
    /// set, if any, keeps serving and is looked at again after a pause.
    async fn refresh_locked(&self, state: &mut RefreshState) -> Result<(), String> {
        let now = self.clock.now();
        let result = match &self.source {
            JwksSource::Url(url) => self.refresh_url(state, url, now).await,
            JwksSource::File(path) => self.refresh_file(state, path, now).await,
        };
        let reason = match result {
            Ok(()) => {
                if state.last_failure.take().is_some() {
                    tracing::info!(source = %self.source, "the issuer's keys (JWKS) load again");
                }
                return Ok(());
            }
            Err(reason) => reason,
        };
        // One warning per distinct failure, not one per request.
        let repeated = state
            .last_failure
            .as_ref()
            .is_some_and(|(_, previous)| *previous == reason);
        if let Some(snapshot) = self.current.load_full() {
            if !repeated {
                tracing::warn!(source = %self.source, %reason, "could not refresh the issuer's keys (JWKS); still using the cached set");
            }
            let pause = match self.source {
                JwksSource::Url(_) => RETRY_AFTER_FAILURE,
                JwksSource::File(_) => FILE_CHECK_INTERVAL,
            };
            self.current.store(Some(Arc::new(Snapshot {
                keys: snapshot.keys.clone(),
                recheck_at: now + pause,
            })));
        } else if !repeated {
            tracing::warn!(source = %self.source, %reason, "could not load the issuer's keys (JWKS); refusing access tokens (503) until it works");
        }
        state.last_failure = Some((now, reason.clone()));
        Err(reason)
    }

    async fn refresh_url(
        &self,
        state: &mut RefreshState,
        url: &reqwest::Url,
        now: Instant,
    ) -> Result<(), String> {
        if !url_may_serve_keys(url) {
            return Err(
                "refusing to fetch keys over plain HTTP from a non-loopback host; use an https:// jwks URL"
                    .to_owned(),
            );
        }
        state.last_attempt = Some(now);
        let (keys, max_age) = fetch(&self.http, url).await?;
        tracing::debug!(source = %self.source, keys = keys.len(), max_age_s = max_age.as_secs(), "fetched the issuer's keys");
        self.current.store(Some(Arc::new(Snapshot {
            keys: Arc::new(keys),
            recheck_at: now + max_age,
        })));
        Ok(())
    }

    async fn refresh_file(
        &self,
        state: &mut RefreshState,
        path: &std::path::Path,
        now: Instant,
    ) -> Result<(), String> {
        let shown = path.display();
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        let stamp = (meta.modified().ok(), meta.len());
        if let Some(snapshot) = self.current.load_full()
            && state.file_stamp == Some(stamp)
        {
            self.current.store(Some(Arc::new(Snapshot {
                keys: snapshot.keys.clone(),
                recheck_at: now + FILE_CHECK_INTERVAL,
            })));
            return Ok(());
        }
        if meta.len() > MAX_JWKS_BYTES as u64 {
            return Err(format!("{shown} is larger than 1 MiB"));
        }
        let mut bytes = Vec::new();
        tokio::fs::File::open(path)
            .await
            .map_err(|e| format!("cannot read {shown}: {e}"))?
            .take(MAX_JWKS_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        if bytes.len() > MAX_JWKS_BYTES {
            return Err(format!("{shown} is larger than 1 MiB"));
        }
        let keys = KeySet::parse(&bytes).map_err(|e| format!("{shown}: {e}"))?;
        let reloaded = state.file_stamp.is_some();
        state.file_stamp = Some(stamp);
        if reloaded {
            tracing::info!(source = %self.source, keys = keys.len(), "the JWKS file changed; reloaded the issuer's keys");
        }
        self.current.store(Some(Arc::new(Snapshot {
            keys: Arc::new(keys),
            recheck_at: now + FILE_CHECK_INTERVAL,
        })));
        Ok(())
    }
}

/// HTTPS anywhere; plain HTTP only from this machine (tests, a local sidecar).
pub(crate) fn url_may_serve_keys(url: &reqwest::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host_str() {
            Some(host) if host.eq_ignore_ascii_case("localhost") => true,
            Some(host) => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()),
            None => false,
        },
        _ => false,
    }
}

async fn fetch(http: &reqwest::Client, url: &reqwest::Url) -> Result<(KeySet, Duration), String> {
    let mut response = http
        .get(url.clone())
        .header(
            http::header::ACCEPT,
            "application/jwk-set+json, application/json",
        )
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .map_err(describe_reqwest)?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the JWKS endpoint answered HTTP {status}"));
    }
    let too_large = || "the JWKS document is larger than 1 MiB".to_owned();
    if response
        .content_length()
        .is_some_and(|n| n > MAX_JWKS_BYTES as u64)
    {
        return Err(too_large());
    }
    let max_age = cache_max_age(response.headers());
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(describe_reqwest)? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let keys = KeySet::parse(&body)?;
    Ok((keys, max_age))
}

/// The cache lifetime the issuer asked for, clamped; [`DEFAULT_MAX_AGE`] when it said nothing.
pub(crate) fn cache_max_age(headers: &http::HeaderMap) -> Duration {
    let mut max_age = None;
    for value in headers.get_all(http::header::CACHE_CONTROL) {
        let Ok(text) = value.to_str() else { continue };
        for directive in text.split(',') {
            if let Some((name, secs)) = directive.trim().split_once('=')
                && name.trim().eq_ignore_ascii_case("max-age")
                && let Ok(secs) = secs.trim().trim_matches('"').parse::<u64>()
            {
                max_age = Some(Duration::from_secs(secs));
            }
        }
    }
    max_age
        .unwrap_or(DEFAULT_MAX_AGE)
        .clamp(MIN_MAX_AGE, MAX_MAX_AGE)
}

/// A fetch error for logs and 503 bodies: what failed and why, without the URL (which may
/// carry credentials).
fn describe_reqwest(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = if error.is_timeout() {
        format!("timed out after {} s", FETCH_TIMEOUT.as_secs())
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(&error);
    for _ in 0..3 {
        let Some(cause) = source else { break };
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
