//! Who is calling over HTTP: `Authorization: Bearer <token>` becomes a [`Caller`] or a
//! precise refusal ([`AuthError`], with its HTTP status and `WWW-Authenticate` challenge).
//!
//! Two kinds of bearer token are accepted:
//!
//! - **API keys** the operator issues ([`generate_api_key`]); the configuration holds only
//!   their SHA-256 digests ([`api_key`]).
//! - **JWT access tokens** from an OAuth authorization server, as the MCP authorization spec
//!   expects of an HTTP MCP endpoint ([`jwt`], keys from [`jwks`]); the gateway advertises the
//!   server in RFC 9728 metadata ([`metadata`]).
//!
//! A token shaped like a JWT (three base64url segments) is checked as a JWT when JWT is
//! configured, and as an API key otherwise; API keys the gateway generates never contain a dot,
//! so the two cannot be confused.
//!
//! Settings are swapped atomically on reload ([`Authenticator::replace_settings`]): a removed
//! key stops working for the next request, and the cached JWKS survives a reload that keeps
//! its source. No token is ever logged or put into an error; logs name the identity, or the
//! first 8 hex digits of an unknown key's digest.
//!
//! When nothing is configured, [`Authenticator::required`] is false and the HTTP front runs
//! open with a default identity (loopback only); that choice belongs to the front, not here.

#![forbid(unsafe_code)]

mod api_key;
mod b64;
mod error;
mod from_policy;
pub mod jwks;
mod jwt;
mod key_set;
pub mod metadata;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use http::HeaderValue;

pub use api_key::{
    API_KEY_PREFIX, ApiKeyTable, digest_hex, digest_prefix, generate_api_key, hash_api_key,
    parse_digest,
};
pub use error::{AuthError, MalformedReason, REALM};
pub use from_policy::settings_from_policy;
pub use jwks::JwksSource;
pub use jwt::{
    DEFAULT_ALGORITHMS, DEFAULT_LEEWAY, JWT_PREFIX, JwtSettings, JwtSettingsError, MAX_LEEWAY,
};
pub use metadata::{metadata_path_for, metadata_url_for, protected_resource_metadata};
pub use toolgate_clock::{ManualMonotonic, Monotonic, SystemMonotonic};

use jwks::JwksCache;
use jwt::{JwtVerifier, looks_like_jwt};

/// Longest bearer token accepted, in bytes. Real JWTs are well under 2 KiB; anything much
/// larger is an attack on the parser or a mistake.
pub const MAX_TOKEN_LEN: usize = 4096;

/// How a caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    ApiKey,
    Jwt,
}

impl AuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ApiKey => "api_key",
            AuthMethod::Jwt => "jwt",
        }
    }
}

/// An authenticated HTTP caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub identity: Arc<str>,
    pub groups: Vec<Arc<str>>,
    pub method: AuthMethod,
}

/// Everything the authenticator needs, from the glue that reads the configuration.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    pub api_keys: ApiKeyTable,
    pub jwt: Option<JwtSettings>,
    /// Where the RFC 9728 metadata document is served ([`metadata_url_for`]); named in every
    /// challenge so MCP clients can discover the authorization server.
    pub resource_metadata_url: Option<String>,
}

/// The settings in force, swapped as a whole on reload.
struct Active {
    api_keys: ApiKeyTable,
    jwt: Option<JwtVerifier>,
    resource_metadata_url: Option<String>,
}

/// Turns `Authorization` headers into callers. Cheap to share (`Arc<Authenticator>`); every
/// method takes `&self`.
pub struct Authenticator {
    active: ArcSwap<Active>,
    http: reqwest::Client,
    clock: Arc<dyn Monotonic>,
    /// Serialises reloads, so two at once cannot both decide what to do with the JWKS cache.
    reload: Mutex<()>,
}

impl Authenticator {
    /// `http` fetches JWKS documents (each fetch gets its own 5 s timeout).
    pub fn new(settings: AuthSettings, http: reqwest::Client) -> Self {
        Self::with_clock(settings, http, Arc::new(SystemMonotonic))
    }

    /// As [`Authenticator::new`], with the clock that times JWKS caching and refetch limits
    /// (token `exp`/`nbf` are always checked against the system's wall clock).
    pub fn with_clock(
        settings: AuthSettings,
        http: reqwest::Client,
        clock: Arc<dyn Monotonic>,
    ) -> Self {
        let active = build(settings, None, &http, &clock);
        Authenticator {
            active: ArcSwap::from_pointee(active),
            http,
            clock,
            reload: Mutex::new(()),
        }
    }

    /// Swaps in new settings. Requests that start after this returns see only the new ones,
    /// so a removed API key is refused from the next request on. The cached JWKS is kept when
    /// the new settings use the same source, and dropped otherwise.
    pub fn replace_settings(&self, settings: AuthSettings) {
        let _guard = self.reload.lock().unwrap_or_else(|e| e.into_inner());
        let reuse = self
            .active
            .load()
            .jwt
            .as_ref()
            .map(|verifier| verifier.jwks().clone());
        let active = build(settings, reuse, &self.http, &self.clock);
        self.active.store(Arc::new(active));
    }

    /// Whether callers must authenticate: true when any API key or JWT is configured. False
    /// means the HTTP front is open (and then uses a default identity).
    pub fn required(&self) -> bool {
        let active = self.active.load();
        !active.api_keys.is_empty() || active.jwt.is_some()
    }

    /// The configured `resource_metadata` URL.
    pub fn resource_metadata_url(&self) -> Option<String> {
        self.active.load().resource_metadata_url.clone()
    }

    /// The `WWW-Authenticate` value for a refusal, naming the configured metadata URL.
    pub fn challenge(&self, error: &AuthError) -> HeaderValue {
        error.www_authenticate(self.active.load().resource_metadata_url.as_deref())
    }

    /// Loads the JWKS now instead of on the first request, so a start-up can report a bad
    /// JWKS file or an unreachable issuer at once. A no-op without JWT settings.
    pub async fn warm_up(&self) -> Result<(), AuthError> {
        let jwks = self.active.load().jwt.as_ref().map(|v| v.jwks().clone());
        match jwks {
            Some(jwks) => jwks.keys().await.map(|_| ()),
            None => Ok(()),
        }
    }

    /// Authenticates one request from its `Authorization` header (`None` when absent).
    pub async fn authenticate(
        &self,
        authorization: Option<&HeaderValue>,
    ) -> Result<Caller, AuthError> {
        let result = self.check(authorization).await;
        match &result {
            Ok(caller) => tracing::debug!(
                identity = %caller.identity,
                method = caller.method.as_str(),
                "authenticated"
            ),
            Err(error) => tracing::debug!(reason = error.code(), "authentication refused"),
        }
        result
    }

    async fn check(&self, authorization: Option<&HeaderValue>) -> Result<Caller, AuthError> {
        let token = bearer_token(authorization)?;
        // One snapshot for the whole request: a reload mid-way cannot mix old and new.
        let active = self.active.load_full();
        if let Some(jwt) = &active.jwt
            && looks_like_jwt(token)
        {
            return jwt.verify(token).await;
        }
        active.api_keys.lookup(token).ok_or_else(|| {
            tracing::debug!(
                key_digest = %digest_prefix(&hash_api_key(token)),
                "unknown API key"
            );
            AuthError::UnknownKey
        })
    }
}

fn build(
    settings: AuthSettings,
    reuse: Option<Arc<JwksCache>>,
    http: &reqwest::Client,
    clock: &Arc<dyn Monotonic>,
) -> Active {
    let jwt = settings.jwt.map(|jwt| {
        for problem in jwt.problems() {
            // The loader should have refused these; we fail closed on them regardless.
            tracing::warn!(%problem, "JWT settings problem");
        }
        let cache = match reuse {
            Some(cache) if *cache.source() == jwt.jwks => cache,
            _ => Arc::new(JwksCache::new(
                jwt.jwks.clone(),
                http.clone(),
                clock.clone(),
            )),
        };
        JwtVerifier::new(jwt, cache)
    });
    Active {
        api_keys: settings.api_keys,
        jwt,
        resource_metadata_url: settings.resource_metadata_url,
    }
}

/// The token of a `Bearer` `Authorization` header (RFC 6750 §2.1): the scheme is
/// case-insensitive, then one or more spaces, then exactly one token. Anything a proxy or a
/// server might read differently — control characters, non-ASCII bytes, several tokens, an
/// oversize token — is refused rather than guessed at.
pub(crate) fn bearer_token(header: Option<&HeaderValue>) -> Result<&str, AuthError> {
    let header = header.ok_or(AuthError::Missing)?;
    let bytes = header.as_bytes();
    if bytes.len() > MAX_TOKEN_LEN + "Bearer ".len() + 64 {
        return Err(AuthError::Malformed(MalformedReason::TooLong));
    }
    if bytes.iter().any(u8::is_ascii_control) {
        return Err(AuthError::Malformed(MalformedReason::ControlCharacter));
    }
    let text = std::str::from_utf8(bytes)
        .ok()
        .filter(|t| t.is_ascii())
        .ok_or(AuthError::Malformed(MalformedReason::NotAscii))?
        .trim_matches(' ');
    if text.is_empty() {
        return Err(AuthError::Missing);
    }
    let (scheme, rest) = text.split_once(' ').unwrap_or((text, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::WrongScheme);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Err(AuthError::Malformed(MalformedReason::EmptyToken));
    }
    if token.contains(' ') {
        return Err(AuthError::Malformed(MalformedReason::SeveralTokens));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::Malformed(MalformedReason::TooLong));
    }
    Ok(token)
}
