//! `toolgate run --policy FILE [--identity NAME] [--state SPEC] -- COMMAND…`: the gateway in
//! front of a stdio MCP server, for one agent on stdin/stdout, or for many over HTTP with
//! `--listen ADDR` (see [`super::run_http`]).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use toolgate_audit::{ArgsMode, AuditKey, AuditLog, AuditOptions, FsyncPolicy, SigningOptions};
use toolgate_pipeline::approvals::{ApprovalQueue, Approver, system_clock};
use toolgate_pipeline::session_factory::{SessionFactory, new_session_id};
use toolgate_pipeline::{FailMode, PolicyHandle, SessionInfo};
use toolgate_state::{StoreOptions, SystemClock, open_store_with_options};
use toolgate_transport::stdio::{self, StdioOptions};
use toolgate_upstream::{Unsolicited, UpstreamSpec};

#[derive(clap::Args)]
pub struct Args {
    /// Policy file (native YAML, Intercept YAML or PolicyLayer JSON); reloaded on change.
    #[arg(short, long, env = "TOOLGATE_POLICY")]
    policy: PathBuf,
    /// Who is calling, for `scope: grant` limits and per-identity rules.
    #[arg(long, env = "TOOLGATE_IDENTITY", default_value = "local")]
    identity: String,
    /// Counter store: `memory`, `sqlite` (platform data dir), `sqlite:PATH` or
    /// `redis://HOST:PORT/DB` (shared by several gateways; also `rediss://`, `redis+unix://`).
    #[arg(long, env = "TOOLGATE_STATE", default_value = "sqlite")]
    state: String,
    /// Key prefix in a shared Redis (gateways with the same prefix share counters).
    #[arg(long, env = "TOOLGATE_STATE_PREFIX")]
    state_prefix: Option<String>,
    /// When the counter store is unreachable: `closed` refuses calls that have limits,
    /// `open` allows them uncounted (logged and audited as such).
    #[arg(long, value_enum, default_value = "closed")]
    state_fail_mode: FailModeArg,
    /// Seconds after which the counter store gives back a reservation nobody renewed: how
    /// soon a crashed gateway's in-flight calls stop counting. A live gateway renews the
    /// reservations of calls in flight or waiting for approval, however long they take.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    reservation_ttl: u64,
    /// Audit log file (JSONL, hash-chained), or `off`. Default: the platform data dir.
    #[arg(long, env = "TOOLGATE_AUDIT")]
    audit: Option<String>,
    /// What the audit log keeps of arguments.
    #[arg(long, value_enum, default_value = "redacted")]
    audit_args: AuditArgs,
    /// Argument paths always redacted in the audit log (e.g. `requestBody.token`); repeatable.
    #[arg(long = "audit-redact", value_name = "PATH")]
    audit_redact: Vec<String>,
    /// Ed25519 seed file: sign chain checkpoints (`toolgate audit keygen FILE` makes one):
    /// when the log opens, every interval while records come, at rotation and at shutdown.
    #[arg(long)]
    audit_key: Option<PathBuf>,
    /// Seconds between signed checkpoints while records are being written (decimals
    /// allowed). Records after the last checkpoint are unsigned: anyone who can write the
    /// file could have written them, so a shorter interval narrows that window.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "60",
        requires = "audit_key",
        value_parser = parse_interval
    )]
    audit_checkpoint_interval: std::time::Duration,
    /// Refuse calls that can't be recorded durably (each allowed call waits for its fsync).
    #[arg(long)]
    audit_required: bool,
    /// Pin file: approved tool definitions, checked on every list and call (`off` to disable).
    /// Default: `toolgate.pins.json` beside the policy; created on first use.
    #[arg(long, env = "TOOLGATE_PIN_FILE")]
    pin_file: Option<String>,
    /// When the audit log is fsynced.
    #[arg(long, value_enum, default_value = "batch")]
    audit_fsync: AuditFsync,
    /// Largest JSON-RPC message accepted in either direction, in bytes.
    #[arg(long, default_value_t = 4 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1024..))]
    max_message_bytes: u64,
    /// Abandon a call the server hasn't answered after this many seconds: the agent gets an
    /// error and the call's counters are refunded (0: wait forever).
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    call_timeout: u64,
    /// Serve `/metrics`, `/healthz` and `/readyz` on this address (e.g. 127.0.0.1:9464).
    #[arg(long, env = "TOOLGATE_ADMIN", value_name = "ADDR")]
    admin: Option<std::net::SocketAddr>,
    /// Identities (API keys, groups) and `auth` settings kept in their own file rather than
    /// in the policy; reloaded on change like the policy.
    #[arg(long, env = "TOOLGATE_IDENTITIES", value_name = "FILE")]
    identities: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) http: super::run_http::HttpArgs,
    #[command(flatten)]
    upstream: super::run_upstream::UpstreamArgs,
    /// The MCP server to run, after `--` (or `--upstream URL`).
    #[arg(
        last = true,
        required_unless_present = "upstream",
        value_name = "COMMAND"
    )]
    command: Vec<OsString>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailModeArg {
    Closed,
    Open,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum AuditArgs {
    Full,
    Redacted,
    Hash,
    None,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum AuditFsync {
    Always,
    Batch,
    Never,
}

pub fn run(args: Args) -> ExitCode {
    // One thread: a stdio session is one stream of messages, and hopping between worker
    // threads cost more than it bought (toolgate-bench: p50 added 135 → 113 µs, p99 203 →
    // 153 µs, 12 → 9.6 context switches per call). SQLite and the audit writer have their
    // own threads; blocking stdin/stdout reads use tokio's blocking pool either way.
    // Many HTTP sessions do use every core.
    let runtime = if args.http.listen.is_some() {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("toolgate: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let code = runtime.block_on(serve(args));
    // Don't wait for stdin readers stuck in blocking reads.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// What every session shares, set up before the first message.
pub(crate) struct Shared {
    pub factory: SessionFactory,
    pub upstream_up: Arc<std::sync::atomic::AtomicBool>,
    pub max_message_bytes: usize,
}

async fn serve(args: Args) -> i32 {
    let (shared, admin_task) = match prepare(&args).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let watcher = shared.factory.policy.watch();
    let audit = shared.factory.audit.clone();
    let code = match args.upstream.spec(&args.command, shared.max_message_bytes) {
        Err(message) => {
            eprintln!("toolgate: {message}");
            2
        }
        Ok(upstream) if args.http.listen.is_some() => {
            super::run_http::serve(&args.http, &shared, &args.identity, upstream).await
        }
        Ok(UpstreamSpec::Shared(_)) => {
            eprintln!("toolgate: --upstream-shared needs --listen (a stdio agent has one session)");
            2
        }
        Ok(upstream) => serve_stdio(&args, &shared, upstream).await,
    };
    watcher.abort();
    if let Some(queue) = &shared.factory.approvals {
        // Pending approvals are denied, never left to be approved after we are gone.
        queue.deny_all(toolgate_pipeline::approvals::DeniedWhy::Shutdown);
    }
    if let Some(task) = admin_task {
        task.abort();
    }
    if let Some(handle) = audit {
        // Flush and close the chain (with a signed checkpoint when a key is set).
        if let Err(e) = handle.shutdown().await {
            eprintln!("toolgate: closing the audit log: {e}");
        }
    }
    code
}

async fn prepare(args: &Args) -> Result<(Shared, Option<tokio::task::JoinHandle<()>>), i32> {
    let policy = PolicyHandle::load_with_identities(&args.policy, args.identities.as_deref())
        .map_err(|e| {
            eprintln!("toolgate: {e}");
            e.exit_code()
        })?;
    let store_options = StoreOptions {
        key_prefix: args.state_prefix.clone(),
        reservation_ttl: std::time::Duration::from_secs(args.reservation_ttl),
        ..StoreOptions::default()
    };
    let store = match open_store_with_options(&args.state, Arc::new(SystemClock), &store_options)
        .await
    {
        Ok(store) => store,
        // Redis down at start is an outage like one that begins later: start, apply
        // --state-fail-mode (closed: calls with limits are refused; open: allowed uncounted)
        // and connect in the background. A bad spec still stops the start.
        Err(e @ toolgate_state::StoreError::Unavailable { .. })
            if args.state.trim_start().starts_with("redis") =>
        {
            eprintln!(
                "toolgate: the counter store `{}` is unreachable ({e}); starting anyway with --state-fail-mode {}, connecting in the background",
                args.state,
                match args.state_fail_mode {
                    FailModeArg::Closed => "closed (calls with limits are refused until it is up)",
                    FailModeArg::Open =>
                        "open (calls with limits are allowed uncounted until it is up)",
                }
            );
            Arc::new(toolgate_state::RedisLater::connect_in_background(
                &args.state,
                Arc::new(SystemClock),
                &store_options,
            ))
        }
        Err(e) => {
            eprintln!(
                "toolgate: cannot open the counter store `{}`: {e}",
                args.state
            );
            return Err(1);
        }
    };
    tracing::info!(
        policy = %args.policy.display(),
        version = policy.current().version(),
        state = %store.describe(),
        "toolgate starting"
    );
    let fail = |message: String| {
        eprintln!("toolgate: {message}");
        1
    };
    let audit = open_audit(args).map_err(fail)?;
    let pins = match args.pin_file.as_deref() {
        Some("off") => None,
        other => {
            let path = other.map(PathBuf::from).unwrap_or_else(|| {
                args.policy
                    .parent()
                    .unwrap_or(std::path::Path::new("."))
                    .join("toolgate.pins.json")
            });
            Some(Arc::new(
                toolgate_pipeline::pins::Pins::open(path).map_err(fail)?,
            ))
        }
    };
    let upstream_up = Arc::new(std::sync::atomic::AtomicBool::new(true));
    // The out-of-band approval queue lives where approvers reach it: the admin listener.
    let approvals = args.admin.map(|_| {
        let queue = ApprovalQueue::new(system_clock());
        match &audit {
            Some(handle) => queue.with_audit(handle.clone()),
            None => queue,
        }
    });
    let admin_task = match args.admin {
        None => None,
        Some(addr) => {
            let metrics = toolgate_admin::install_metrics().map_err(fail)?;
            let state = toolgate_admin::AdminState {
                metrics,
                policy: policy.clone(),
                audit: audit.clone(),
                audit_required: args.audit_required,
                upstream_up: upstream_up.clone(),
                approvals: approvals.clone(),
                approver_auth: Some(approvers_from_policy(policy.clone())),
            };
            let (bound, task) = toolgate_admin::serve(addr, state).await.map_err(fail)?;
            tracing::info!("admin listening on http://{bound} (/metrics, /healthz, /readyz)");
            Some(task)
        }
    };
    let factory = SessionFactory {
        policy,
        store,
        fail_mode: match args.state_fail_mode {
            FailModeArg::Closed => FailMode::Closed,
            FailModeArg::Open => FailMode::Open,
        },
        pins,
        audit,
        audit_required: args.audit_required,
        server_name: args
            .upstream
            .describe()
            .unwrap_or_else(|| server_name(&args.command)),
        approvals,
        call_timeout: (args.call_timeout > 0)
            .then(|| std::time::Duration::from_secs(args.call_timeout)),
    };
    Ok((
        Shared {
            factory,
            upstream_up,
            max_message_bytes: usize::try_from(args.max_message_bytes).unwrap_or(usize::MAX),
        },
        admin_task,
    ))
}

/// One agent on stdin/stdout, one server.
async fn serve_stdio(args: &Args, shared: &Shared, upstream: UpstreamSpec) -> i32 {
    let session = SessionInfo {
        identity: args.identity.clone(),
        groups: Vec::new(),
        session_id: new_session_id(),
    };
    tracing::info!(identity = %session.identity, session = %session.session_id, "stdio session");
    let interceptor = Arc::new(shared.factory.interceptor(session, "stdio"));
    let result = match upstream.connect(Unsolicited::AtOnce).await {
        Ok((conn, pid)) => {
            stdio::run(
                interceptor,
                stdio::Upstream { conn, pid },
                StdioOptions {
                    max_message_bytes: shared.max_message_bytes,
                    upstream_up: shared.upstream_up.clone(),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(outcome) => {
            if let Some(m) = outcome.message {
                eprintln!("toolgate: {m}");
            }
            outcome.exit_code
        }
        Err(e) => {
            eprintln!("toolgate: {e}");
            e.exit_code()
        }
    }
}

/// Approvers authenticate to the admin API with their API key from the policy's
/// `identities` (read from the current policy, so a reload revokes a key there too).
fn approvers_from_policy(policy: PolicyHandle) -> toolgate_admin::ApproverAuth {
    Arc::new(move |token: &str| {
        let current = policy.current();
        let digest = toolgate_identity::hash_api_key(token);
        current
            .identity_for_key_hash(&digest)
            .map(|(identity, groups)| Approver {
                identity: identity.to_owned(),
                groups: groups.to_vec(),
            })
    })
}

/// The server's program name, for audit records.
fn server_name(command: &[OsString]) -> String {
    command
        .first()
        .map(|c| {
            std::path::Path::new(c)
                .file_name()
                .map_or_else(|| c.to_string_lossy(), |f| f.to_string_lossy())
                .into_owned()
        })
        .unwrap_or_default()
}

/// `--audit-checkpoint-interval`: positive seconds, decimals allowed (0.001 s to a day).
fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(0.001..=86_400.0).contains(&secs) {
        return Err(format!("`{s}`: give between 0.001 and 86400 seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// Opens the audit log `--audit` names (default: the data dir; `off` disables it). When the
/// default file is held by another gateway, this one writes `audit-<pid>.jsonl` beside it.
fn open_audit(args: &Args) -> Result<Option<toolgate_audit::AuditHandle>, String> {
    let explicit = args.audit.as_deref();
    if explicit == Some("off") {
        if args.audit_required {
            return Err("--audit-required needs an audit log; drop `--audit off`".into());
        }
        return Ok(None);
    }
    let path = match explicit {
        Some(p) => PathBuf::from(p),
        None => toolgate_audit::default_audit_path().ok_or(
            "no data directory for the default audit log; pass --audit PATH or --audit off",
        )?,
    };
    let signing = match &args.audit_key {
        Some(k) => Some(SigningOptions {
            every: args.audit_checkpoint_interval,
            ..SigningOptions::new(
                AuditKey::load(k).map_err(|e| format!("audit key {}: {e}", k.display()))?,
            )
        }),
        None => None,
    };
    let options = || AuditOptions {
        fsync: match args.audit_fsync {
            AuditFsync::Always => FsyncPolicy::Always,
            AuditFsync::Batch => FsyncPolicy::Batch,
            AuditFsync::Never => FsyncPolicy::Never,
        },
        args_mode: match args.audit_args {
            AuditArgs::Full => ArgsMode::Full,
            AuditArgs::Redacted => ArgsMode::Redacted,
            AuditArgs::Hash => ArgsMode::Hash,
            AuditArgs::None => ArgsMode::None,
        },
        redact_paths: args.audit_redact.clone(),
        signing: signing.clone(),
        ..AuditOptions::default()
    };
    match AuditLog::open(&path, options()) {
        Ok(h) => Ok(Some(h)),
        Err(toolgate_audit::AuditError::Locked(_)) if explicit.is_none() => {
            let alt = path.with_file_name(format!("audit-{}.jsonl", std::process::id()));
            tracing::warn!(
                "{} is in use by another gateway; auditing to {}",
                path.display(),
                alt.display()
            );
            AuditLog::open(&alt, options())
                .map(Some)
                .map_err(|e| format!("cannot open the audit log {}: {e}", alt.display()))
        }
        Err(e) => Err(format!("cannot open the audit log {}: {e}", path.display())),
    }
}
