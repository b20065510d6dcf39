//! `toolgate run --policy FILE [--identity NAME] [--state SPEC] -- COMMAND…`: the gateway in
//! front of a stdio MCP server.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use toolgate_gateway::stdio::{self, StdioOptions};
use toolgate_gateway::{Interceptor, PolicyHandle, SessionInfo};
use toolgate_state::{SystemClock, open_store};

#[derive(clap::Args)]
pub struct Args {
    /// Policy file (native YAML, Intercept YAML or PolicyLayer JSON); reloaded on change.
    #[arg(short, long, env = "TOOLGATE_POLICY")]
    policy: PathBuf,
    /// Who is calling, for `scope: grant` limits and per-identity rules.
    #[arg(long, env = "TOOLGATE_IDENTITY", default_value = "local")]
    identity: String,
    /// Counter store: `memory`, `sqlite` (platform data dir) or `sqlite:PATH`.
    #[arg(long, env = "TOOLGATE_STATE", default_value = "sqlite")]
    state: String,
    /// Largest JSON-RPC message accepted in either direction, in bytes.
    #[arg(long, default_value_t = 4 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1024..))]
    max_message_bytes: u64,
    /// The MCP server to run, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

pub fn run(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
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

async fn serve(args: Args) -> i32 {
    let policy = match PolicyHandle::load(&args.policy) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("toolgate: {e}");
            return e.exit_code();
        }
    };
    let store = match open_store(&args.state, Arc::new(SystemClock)).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "toolgate: cannot open the counter store `{}`: {e}",
                args.state
            );
            return 1;
        }
    };
    let session = SessionInfo {
        identity: args.identity.clone(),
        session_id: new_session_id(),
    };
    tracing::info!(
        policy = %args.policy.display(),
        version = policy.current().version(),
        state = %store.describe(),
        identity = %session.identity,
        session = %session.session_id,
        "toolgate starting"
    );
    let watcher = policy.watch();
    let interceptor = Arc::new(Interceptor::new(policy, store, session));
    let result = stdio::run(
        interceptor,
        StdioOptions {
            command: args.command,
            max_message_bytes: usize::try_from(args.max_message_bytes).unwrap_or(usize::MAX),
        },
    )
    .await;
    watcher.abort();
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

/// A session id unique to this run: scope-`session` counters must not carry over between
/// runs that share a SQLite file.
fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if from_os.is_err() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        bytes[..16].copy_from_slice(&now.to_le_bytes());
        bytes[0] ^= std::process::id() as u8;
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
