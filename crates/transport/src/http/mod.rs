//! MCP over HTTP for agents: the streamable HTTP transport at `/mcp` (sessions, and the
//! stateless 2026-07-28 revision), the legacy HTTP+SSE transport at `/sse` + `/message`,
//! and the OAuth protected-resource metadata (RFC 9728).
//!
//! Each session gets its own pipeline and its own upstream session ([`UpstreamSpec`]), bound
//! to the identity that opened it. Every request passes [`guard`] first: origin check,
//! credentials, size and time limits.

// Checks return the refusal itself as their error: it is built only for refused requests,
// and boxing it would buy nothing on the path that matters.
#![allow(clippy::result_large_err)]

mod guard;
mod legacy;
mod listener;
mod resume;
mod session;
pub mod sse;
mod stateless;
mod streamable;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use tokio::task::JoinHandle;
use toolgate_policy::CompiledPolicy;

pub use guard::{HostPolicy, OriginPolicy};
pub use listener::{ConnLimits, tls_acceptor};
pub use session::Owner;

use guard::refuse;
use session::HttpSession;
use toolgate_identity::{Authenticator, protected_resource_metadata, settings_from_policy};
use toolgate_pipeline::intercept::SessionInfo;
use toolgate_pipeline::session_factory::{SessionFactory, new_session_id};
use toolgate_upstream::{Unsolicited, UpstreamSpec};

pub const SESSION_HEADER: &str = "mcp-session-id";

/// `--max-sessions-per-identity` unless told otherwise.
pub const DEFAULT_MAX_SESSIONS_PER_IDENTITY: usize = 64;
/// `--max-sessions-per-client` unless told otherwise.
pub const DEFAULT_MAX_SESSIONS_PER_CLIENT: usize = 64;

pub struct HttpOptions {
    pub max_message_bytes: usize,
    pub origins: OriginPolicy,
    /// Which `Host` names are answered (DNS-rebinding protection).
    pub hosts: HostPolicy,
    pub max_sessions: usize,
    /// Most sessions one identity may hold open at once (0: no cap).
    pub max_sessions_per_identity: usize,
    /// Most sessions one client address may hold open at once (0: no cap). IPv6 clients
    /// are counted per /64, the block one host usually has to itself.
    pub max_sessions_per_client: usize,
    /// A session nobody used for this long, with no stream open, is ended.
    pub session_idle: Duration,
    /// Time allowed to send a request body.
    pub body_timeout: Duration,
    /// Who is calling when no credentials are configured (loopback use).
    pub default_identity: String,
    /// Refuse requests while no credentials are configured (a non-loopback listener without
    /// `--allow-unauthenticated`: a reload that drops every key must not open the gateway).
    pub require_credentials: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            max_message_bytes: toolgate_mcp::DEFAULT_MAX_MESSAGE_SIZE,
            origins: OriginPolicy::default(),
            hosts: HostPolicy::default(),
            max_sessions: 10_000,
            max_sessions_per_identity: DEFAULT_MAX_SESSIONS_PER_IDENTITY,
            max_sessions_per_client: DEFAULT_MAX_SESSIONS_PER_CLIENT,
            session_idle: Duration::from_secs(30 * 60),
            body_timeout: Duration::from_secs(30),
            default_identity: "local".into(),
            require_credentials: false,
        }
    }
}

pub struct HttpFront {
    pub opts: HttpOptions,
    factory: SessionFactory,
    upstream: UpstreamSpec,
    auth: Authenticator,
    /// The policy the authenticator's settings were built from; rebuilt when it changes.
    auth_source: Mutex<Arc<CompiledPolicy>>,
    sessions: Mutex<HashMap<String, Tracked>>,
    /// Sessions open or being opened, per identity and per client address.
    counts: Arc<Mutex<SessionCounts>>,
    me: Weak<HttpFront>,
}

impl HttpFront {
    /// Fails when the policy's `auth` settings can't be used (a bad JWKS URL, say).
    pub fn new(
        opts: HttpOptions,
        factory: SessionFactory,
        upstream: UpstreamSpec,
        http: reqwest::Client,
    ) -> Result<Arc<Self>, String> {
        let policy = factory.policy.current();
        let settings = settings_from_policy(&policy, policy_dir(&factory))?;
        Ok(Arc::new_cyclic(|me| HttpFront {
            opts,
            factory,
            upstream,
            auth: Authenticator::new(settings, http),
            auth_source: Mutex::new(policy),
            sessions: Mutex::new(HashMap::new()),
            counts: Arc::default(),
            me: me.clone(),
        }))
    }

    /// Whether callers must present credentials (API keys or JWT are configured).
    pub fn credentials_configured(&self) -> bool {
        self.auth.required()
    }

    /// Loads a configured JWKS now, so a bad file or an unreachable issuer shows at start.
    pub async fn warm_up(&self) -> Result<(), String> {
        self.auth.warm_up().await.map_err(|e| e.to_string())
    }

    pub fn router(self: &Arc<Self>) -> Router {
        let hosts = axum::middleware::from_fn_with_state(self.clone(), check_host);
        Router::new()
            .route(
                "/mcp",
                post(streamable::post)
                    .get(streamable::get)
                    .delete(streamable::delete),
            )
            .route("/sse", get(legacy::open))
            .route("/message", post(legacy::message))
            .route(
                "/.well-known/oauth-protected-resource",
                get(resource_metadata),
            )
            .route(
                "/.well-known/oauth-protected-resource/{*path}",
                get(resource_metadata),
            )
            .layer(hosts)
            .with_state(self.clone())
    }

    /// Serves on `addr` until the returned task is aborted; also ends idle sessions.
    pub async fn serve(
        self: &Arc<Self>,
        addr: std::net::SocketAddr,
        tls: Option<tokio_rustls::TlsAcceptor>,
        limits: ConnLimits,
    ) -> Result<(std::net::SocketAddr, JoinHandle<()>), String> {
        let (bound, server) = listener::serve(addr, self.router(), tls, limits).await?;
        let reaper = self.reap_idle_sessions();
        let task = tokio::spawn(async move {
            let _ = server.await;
            reaper.abort();
        });
        Ok((bound, task))
    }

    pub fn session_count(&self) -> usize {
        self.table().len()
    }

    /// Sessions `identity` holds open (or is opening).
    pub fn sessions_of_identity(&self, identity: &str) -> usize {
        lock(&self.counts)
            .by_identity
            .get(identity)
            .copied()
            .unwrap_or(0)
    }

    /// Sessions opened from `client` (or being opened), counted as the cap counts them.
    pub fn sessions_of_client(&self, client: IpAddr) -> usize {
        lock(&self.counts)
            .by_client
            .get(&client_key(client))
            .copied()
            .unwrap_or(0)
    }

    /// Ends every session (shutdown): in-flight calls are refunded and answered.
    pub async fn close_all(&self, why: &str) {
        let all: Vec<_> = self.table().drain().map(|(_, t)| t).collect();
        for t in all {
            t.session.close(why).await;
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<String, Tracked>> {
        lock(&self.sessions)
    }

    /// Whether every caller must authenticate right now (credentials configured, or the
    /// gateway refuses everyone until some are).
    fn credentials_required(&self) -> bool {
        self.refresh_auth();
        self.auth.required() || self.opts.require_credentials
    }

    /// Who is calling: from the bearer token when credentials are configured, else the
    /// default identity (or a refusal, see [`HttpOptions::require_credentials`]).
    async fn caller(&self, headers: &HeaderMap) -> Result<Owner, Response> {
        self.refresh_auth();
        if !self.auth.required() {
            if self.opts.require_credentials {
                return Err(refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "no credentials are configured (identities with api_keys, or auth.jwt): refusing every caller",
                ));
            }
            return Ok(Owner {
                identity: Arc::from(self.opts.default_identity.as_str()),
                groups: Vec::new(),
            });
        }
        if headers.get_all(header::AUTHORIZATION).iter().count() > 1 {
            // Two credentials: a proxy might check one and us the other. Neither is used.
            tracing::warn!("refused an HTTP request with several Authorization headers");
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "send exactly one Authorization header",
            ));
        }
        match self
            .auth
            .authenticate(headers.get(header::AUTHORIZATION))
            .await
        {
            Ok(caller) => Ok(Owner {
                identity: caller.identity,
                groups: caller.groups,
            }),
            Err(e) => {
                tracing::warn!(code = e.code(), error = %e, "refused an HTTP request: not authenticated");
                let mut response = refuse(e.status(), &e.to_string());
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, self.auth.challenge(&e));
                Err(response)
            }
        }
    }

    /// The checks for a request that opens an event stream (`GET /mcp`, `GET /sse`): origin,
    /// `Accept: text/event-stream` by name (a browser's `<img>` sends `*/*`, and must not
    /// open a session), credentials.
    async fn stream_caller(&self, headers: &HeaderMap) -> Result<Owner, Response> {
        self.opts.origins.check(headers)?;
        if !guard::asks_for_event_stream(headers) {
            return Err(refuse(
                StatusCode::NOT_ACCEPTABLE,
                "Accept must name text/event-stream (`*/*` is not enough to open an event stream)",
            ));
        }
        self.caller(headers).await
    }

    /// Rebuilds the authenticator's settings after a policy reload. Settings that don't load
    /// keep the previous ones (the policy itself loaded, so this is rare: a bad JWKS URL).
    fn refresh_auth(&self) {
        let policy = self.factory.policy.current();
        let mut source = self.auth_source.lock().unwrap_or_else(|p| p.into_inner());
        if Arc::ptr_eq(&source, &policy) {
            return;
        }
        match settings_from_policy(&policy, policy_dir(&self.factory)) {
            Ok(settings) => self.auth.replace_settings(settings),
            Err(e) => {
                tracing::error!(error = %e, "the reloaded policy's auth settings can't be used; keeping the previous ones")
            }
        }
        *source = policy;
    }

    /// The session a request names, if it exists and belongs to the caller.
    fn session_for(&self, sid: &HeaderValue, owner: &Owner) -> Result<Arc<HttpSession>, Response> {
        let sid = sid.to_str().unwrap_or("");
        let Some(session) = self.table().get(sid).map(|t| t.session.clone()) else {
            return Err(refuse(
                StatusCode::NOT_FOUND,
                "unknown or expired session; start a new one with `initialize`",
            ));
        };
        if session.owner.identity != owner.identity {
            tracing::warn!(session = %session.id, owner = %session.owner.identity, caller = %owner.identity, "refused a request on another identity's session");
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "this session belongs to another identity",
            ));
        }
        // Authenticated just now under the current policy: its groups, not the ones the
        // session started with, are what the pipeline judges by.
        session.interceptor.refresh_credentials(&owner.groups);
        Ok(session)
    }

    async fn new_session(
        &self,
        owner: Owner,
        client: IpAddr,
        legacy: bool,
    ) -> Result<Arc<HttpSession>, Response> {
        // Counted before the upstream starts, so requests racing in can't overshoot a cap.
        let slot = self.take_slot(&owner.identity, client)?;
        // A legacy agent's one stream is open from the start; a streamable one opens its
        // GET stream when it wants the server's own messages (or never).
        let unsolicited = if legacy {
            Unsolicited::AtOnce
        } else {
            Unsolicited::WhenAgentListens
        };
        let (conn, _pid) = self.upstream.connect(unsolicited).await.map_err(|e| {
            tracing::error!(error = %e, "could not open an upstream session");
            refuse(
                StatusCode::BAD_GATEWAY,
                &format!("could not reach the MCP server: {e}"),
            )
        })?;
        let id = new_session_id();
        let info = SessionInfo {
            identity: owner.identity.to_string(),
            groups: owner.groups.clone(),
            session_id: id.clone(),
        };
        let transport = if legacy { "http+sse" } else { "http" };
        let interceptor = Arc::new(self.factory.interceptor(info, transport));
        let me = self.me.clone();
        let session =
            HttpSession::start(id.clone(), owner, interceptor, conn, legacy, move |sid| {
                if let Some(front) = me.upgrade() {
                    front.table().remove(sid);
                }
            });
        tracing::info!(session = %id, identity = %session.owner.identity, %client, transport, "session started");
        // Ended already (the upstream went away at once)? Then it is not listed, and its
        // slot goes back here. Checked under the table's lock: the pump marks the session
        // ended before it takes the lock to unlist it, so no ended session stays listed.
        let mut table = self.table();
        if session.ended().is_none() {
            table.insert(
                id,
                Tracked {
                    session: session.clone(),
                    _slot: slot,
                },
            );
        }
        drop(table);
        Ok(session)
    }

    /// Counts a session about to open against `--max-sessions` and the per-identity and
    /// per-client caps; the slot is given back when dropped.
    fn take_slot(&self, identity: &Arc<str>, client: IpAddr) -> Result<Slot, Response> {
        let key = client_key(client);
        let mut counts = lock(&self.counts);
        let too_many = |status, what: &str, flag: &str, limit: usize| {
            tracing::warn!(%identity, %client, limit, "refused a new session: {what}");
            Err(refuse(
                status,
                &format!(
                    "too many sessions {what} (limit {limit}, {flag}); end one (DELETE /mcp) or wait for an idle one to expire"
                ),
            ))
        };
        if counts.total >= self.opts.max_sessions {
            return too_many(
                StatusCode::SERVICE_UNAVAILABLE,
                "on this gateway",
                "--max-sessions",
                self.opts.max_sessions,
            );
        }
        let cap = self.opts.max_sessions_per_identity;
        if cap > 0 && counts.by_identity.get(identity).copied().unwrap_or(0) >= cap {
            return too_many(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("for identity `{identity}`"),
                "--max-sessions-per-identity",
                cap,
            );
        }
        let cap = self.opts.max_sessions_per_client;
        if cap > 0 && counts.by_client.get(&key).copied().unwrap_or(0) >= cap {
            return too_many(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("from client address {key}"),
                "--max-sessions-per-client",
                cap,
            );
        }
        counts.total += 1;
        *counts.by_identity.entry(identity.clone()).or_default() += 1;
        *counts.by_client.entry(key).or_default() += 1;
        Ok(Slot {
            counts: self.counts.clone(),
            identity: identity.clone(),
            client: key,
        })
    }

    async fn end_session(&self, session: &HttpSession, why: &str) {
        self.table().remove(&session.id);
        session.close(why).await;
        tracing::info!(session = %session.id, reason = why, "session ended");
    }

    fn reap_idle_sessions(self: &Arc<Self>) -> JoinHandle<()> {
        let me = Arc::downgrade(self);
        // Every 30 s, or more often for a short --session-idle, so a session ends (and gives
        // its slot back) close to when it should.
        let every =
            (self.opts.session_idle / 2).clamp(Duration::from_millis(500), Duration::from_secs(30));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let Some(front) = me.upgrade() else { return };
                let idle: Vec<_> = front
                    .table()
                    .values()
                    .filter(|t| t.session.idle_for(front.opts.session_idle))
                    .map(|t| t.session.clone())
                    .collect();
                for s in idle {
                    front
                        .end_session(&s, "the session was idle for too long")
                        .await;
                }
            }
        })
    }
}

/// A listed session and the slot it holds in the session counts: removing it from the
/// table gives the slot back, whoever still holds the session itself (a parked stream, say).
struct Tracked {
    session: Arc<HttpSession>,
    _slot: Slot,
}

#[derive(Default)]
struct SessionCounts {
    total: usize,
    by_identity: HashMap<Arc<str>, usize>,
    by_client: HashMap<IpAddr, usize>,
}

/// One session counted in [`SessionCounts`] until dropped.
struct Slot {
    counts: Arc<Mutex<SessionCounts>>,
    identity: Arc<str>,
    client: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = lock(&self.counts);
        counts.total = counts.total.saturating_sub(1);
        if let Some(n) = counts.by_identity.get_mut(&self.identity) {
            *n -= 1;
            if *n == 0 {
                counts.by_identity.remove(&self.identity);
            }
        }
        if let Some(n) = counts.by_client.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                counts.by_client.remove(&self.client);
            }
        }
    }
}

/// The address a client is counted under: IPv4 (and IPv4-mapped IPv6) as it is, other IPv6
/// by its /64, the block one host usually has to itself.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Refuses requests for host names the gateway doesn't answer to ([`HostPolicy`]), before
/// any handler runs: on every endpoint, the metadata included.
async fn check_host(State(front): State<Arc<HttpFront>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()));
    if let Err(r) = front
        .opts
        .hosts
        .check(host.as_deref(), front.credentials_required())
    {
        return r;
    }
    next.run(request).await
}

/// The client's address, as the listener recorded it (see [`listener::serve`]).
pub(crate) type Peer = axum::extract::ConnectInfo<SocketAddr>;

fn policy_dir(factory: &SessionFactory) -> &std::path::Path {
    factory
        .policy
        .path()
        .parent()
        .unwrap_or(std::path::Path::new("."))
}

/// RFC 9728 protected-resource metadata, when the policy names the resource (`auth.resource`):
/// where an MCP client learns which authorization server issues tokens for this gateway.
async fn resource_metadata(State(front): State<Arc<HttpFront>>) -> Response {
    let policy = front.factory.policy.current();
    match policy.policy().auth.as_ref().and_then(|a| {
        a.resource
            .as_deref()
            .map(|r| protected_resource_metadata(r, &a.authorization_servers, &[]))
    }) {
        Some(doc) => guard::json_response(StatusCode::OK, bytes::Bytes::from(doc.to_string())),
        None => refuse(
            StatusCode::NOT_FOUND,
            "no protected-resource metadata: the policy sets no auth.resource",
        ),
    }
}
