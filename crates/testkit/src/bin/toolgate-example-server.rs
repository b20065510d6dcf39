//! `toolgate-example-server`: the testkit's example MCP server on stdio. Flags switch on the
//! misbehaviour tests need (dying, crashing, failing to start, slow start, pagination); the
//! server itself lives in `toolgate_testkit::server`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use toolgate_testkit::server::{ServerConfig, TOOL_NAMES, serve};

/// Example MCP server (online-shop support tools) for toolgate's tests, benchmarks and demo.
///
/// Speaks newline-delimited JSON-RPC 2.0 on stdin/stdout; logs go to stderr (RUST_LOG,
/// default warn).
/// If TOOLGATE_TESTKIT_LOG is set, every received line is appended to that file.
#[derive(Debug, Parser)]
#[command(name = "toolgate-example-server", version)]
struct Cli {
    /// Paginate tools/list with N tools per page.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    page_size: Option<u64>,
    /// Exit after answering N tools/call requests (simulates a dying server).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    exit_after: Option<u64>,
    /// Exit abruptly with code 3, without answering, when TOOL is called.
    #[arg(long, value_name = "TOOL")]
    crash_on: Option<String>,
    /// Wait this long before reading stdin (simulates a slow start).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    startup_delay_ms: u64,
    /// Exit with code 2 at once, with a message on stderr (simulates a broken server).
    #[arg(long)]
    fail_start: bool,
}

fn main() {
    let cli = Cli::parse();
    if cli.fail_start {
        eprintln!("toolgate-example-server: refusing to start because --fail-start was given");
        std::process::exit(2);
    }
    // Quiet by default: its stderr often ends up inside a gateway's or a test's output.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let config = ServerConfig {
        page_size: cli
            .page_size
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        exit_after: cli.exit_after,
        crash_on: cli.crash_on,
        log_path: std::env::var_os("TOOLGATE_TESTKIT_LOG").map(PathBuf::from),
    };
    // One thread is enough (calls interleave on their sleeps) and keeps latency low for
    // benchmarks: no cross-thread wake-ups on the hot path.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime");
    let code = runtime.block_on(async {
        if cli.startup_delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(cli.startup_delay_ms)).await;
        }
        tracing::info!(
            tools = TOOL_NAMES.len(),
            ?config,
            "toolgate-example-server ready"
        );
        match serve(config, tokio::io::stdin(), tokio::io::stdout()).await {
            Ok(reason) => {
                tracing::info!(?reason, "toolgate-example-server exiting");
                reason.exit_code()
            }
            Err(error) => {
                tracing::error!(%error, "toolgate-example-server failed");
                1
            }
        }
    });
    // Exit right away: tokio's stdin reader is a blocking thread that would otherwise keep
    // the runtime's shutdown waiting for one more line.
    std::process::exit(code);
}
