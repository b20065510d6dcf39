//! `toolgate run --listen ADDR …`: many agents over HTTP (streamable HTTP at `/mcp`, legacy
//! HTTP+SSE at `/sse`), each session with its own upstream session.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use toolgate_transport::http::{
    ConnLimits, DEFAULT_MAX_SESSIONS_PER_CLIENT, DEFAULT_MAX_SESSIONS_PER_IDENTITY, HostPolicy,
    HttpFront, HttpOptions, OriginPolicy, tls_acceptor,
};
use toolgate_upstream::UpstreamSpec;

use super::run::Shared;

#[derive(clap::Args)]
pub struct HttpArgs {
    /// Serve agents over HTTP instead of stdio: `PORT` (loopback) or `HOST:PORT`. Endpoints:
    /// `/mcp` (streamable HTTP), `/sse` + `/message` (legacy HTTP+SSE).
    #[arg(long, env = "TOOLGATE_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// A browser origin allowed to call (`https://app.example.com`); repeatable. Loopback
    /// origins are allowed while listening on loopback.
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    pub allowed_origins: Vec<String>,
    /// A `Host` name agents reach this gateway by (`gw.example.com`, any port, or
    /// `gw.example.com:8443`); repeatable. Requests naming another host are refused (DNS
    /// rebinding). Always allowed: localhost and loopback addresses, and IP addresses when
    /// not listening on loopback; any name while none is given and credentials are required.
    #[arg(long = "allowed-host", value_name = "HOST")]
    pub allowed_hosts: Vec<String>,
    /// TLS certificate chain (PEM) for `--listen`.
    #[arg(long, requires = "tls_key", value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM) for `--listen`.
    #[arg(long, requires = "tls_cert", value_name = "PEM")]
    pub tls_key: Option<PathBuf>,
    /// Most HTTP sessions open at once.
    #[arg(long, default_value_t = 10_000)]
    pub max_sessions: usize,
    /// Most HTTP sessions one identity may hold open at once (0: no cap).
    #[arg(long, default_value_t = DEFAULT_MAX_SESSIONS_PER_IDENTITY, value_name = "N")]
    pub max_sessions_per_identity: usize,
    /// Most HTTP sessions one client address (an IPv6 /64) may hold open at once (0: no
    /// cap; behind a reverse proxy every agent has the proxy's address).
    #[arg(long, default_value_t = DEFAULT_MAX_SESSIONS_PER_CLIENT, value_name = "N")]
    pub max_sessions_per_client: usize,
    /// End a session unused for this many seconds (with no stream open).
    #[arg(long, default_value_t = 1800, value_name = "SECONDS")]
    pub session_idle: u64,
    /// Listen on a non-loopback address although no credentials are configured: anyone who
    /// can connect is then `--identity`.
    #[arg(long)]
    pub allow_unauthenticated: bool,
}

/// `PORT` means loopback; a host must be given to listen anywhere else.
fn listen_addr(spec: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = spec.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    spec.parse::<SocketAddr>()
        .map_err(|_| format!("--listen {spec:?}: expected PORT or HOST:PORT (e.g. 127.0.0.1:8787)"))
}

pub async fn serve(
    args: &HttpArgs,
    shared: &Shared,
    identity: &str,
    upstream: UpstreamSpec,
) -> i32 {
    let fail = |message: String| {
        eprintln!("toolgate: {message}");
        2
    };
    let Some(spec) = args.listen.as_deref() else {
        return fail("--listen is required for HTTP".into());
    };
    let addr = match listen_addr(spec) {
        Ok(a) => a,
        Err(m) => return fail(m),
    };
    let loopback = addr.ip().is_loopback();
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match tls_acceptor(cert, key) {
            Ok(t) => Some(t),
            Err(m) => return fail(m),
        },
        _ => None,
    };
    let hosts = match HostPolicy::new(&args.allowed_hosts, loopback) {
        Ok(h) => h,
        Err(m) => return fail(m),
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    if let UpstreamSpec::Shared(shared) = &upstream
        && let Err(e) = shared.warm_up().await
    {
        return fail(e.to_string());
    }
    let http = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot set up the HTTP client: {e}")),
    };
    let front = HttpFront::new(
        HttpOptions {
            max_message_bytes: shared.max_message_bytes,
            origins: OriginPolicy {
                allowed: args.allowed_origins.clone(),
                allow_loopback: loopback,
            },
            hosts,
            max_sessions: args.max_sessions,
            max_sessions_per_identity: args.max_sessions_per_identity,
            max_sessions_per_client: args.max_sessions_per_client,
            session_idle: Duration::from_secs(args.session_idle.max(1)),
            default_identity: identity.to_owned(),
            require_credentials: !loopback && !args.allow_unauthenticated,
            ..HttpOptions::default()
        },
        shared.factory.clone(),
        upstream,
        http,
    );
    let front = match front {
        Ok(f) => f,
        Err(m) => return fail(m),
    };
    if !front.credentials_configured() && !loopback && !args.allow_unauthenticated {
        return fail(format!(
            "refusing to listen on {addr} without credentials: give identities API keys or configure auth.jwt (policy or --identities), or pass --allow-unauthenticated"
        ));
    }
    // An issuer out of reach must not keep API-key callers out too: start, refuse access
    // tokens (503) until the keys load, and keep trying in the background.
    let jwks_retry = match front.warm_up().await {
        Ok(()) => None,
        Err(m) => {
            eprintln!(
                "toolgate: auth.jwt: cannot load the key set yet ({m}); starting anyway: API keys work, access tokens are refused (503) until the keys load, retried in the background"
            );
            Some(tokio::spawn(retry_jwks(std::sync::Arc::downgrade(&front))))
        }
    };
    let (bound, server) = match front.serve(addr, tls, ConnLimits::default()).await {
        Ok(s) => s,
        Err(m) => return fail(m),
    };
    // On stderr whatever the log level: scripts and tests read the bound port from it.
    eprintln!("toolgate: listening on {scheme}://{bound}/mcp (legacy SSE: {scheme}://{bound}/sse)");
    let signal = wait_for_signal().await;
    eprintln!(
        "toolgate: stopping (signal {signal}); ending {} session(s)",
        front.session_count()
    );
    if let Some(task) = jwks_retry {
        task.abort();
    }
    front.close_all("toolgate is shutting down").await;
    server.abort();
    // Every server child (per session or shared) gets the signal, then SIGKILL: none is
    // left behind, even one that ignores its stdin closing.
    toolgate_upstream::child::stop_all(signal, toolgate_upstream::child::SIGNAL_GRACE).await;
    0
}

/// Loads the JWKS until it works: after 5 s, then doubling to once a minute. (Requests with
/// a token also retry, at most every 5 s.)
async fn retry_jwks(front: std::sync::Weak<HttpFront>) {
    let mut pause = Duration::from_secs(5);
    loop {
        tokio::time::sleep(pause).await;
        let Some(front) = front.upgrade() else { return };
        match front.warm_up().await {
            Ok(()) => {
                eprintln!("toolgate: auth.jwt: the key set loaded; access tokens are accepted");
                return;
            }
            Err(m) => tracing::debug!(error = %m, "the JWKS still does not load"),
        }
        pause = (pause * 2).min(Duration::from_secs(60));
    }
}

async fn wait_for_signal() -> i32 {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // No signal handlers: serve until killed.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => 2,
        _ = term.recv() => 15,
    }
}
