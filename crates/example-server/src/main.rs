//! `toolgate-example-server`: the testkit's example MCP server, on stdio or (with `--http`)
//! over HTTP in any of the three MCP HTTP transports. Flags switch on the misbehaviour tests
//! need (dying, crashing, failing to start, slow start, pagination); the server itself lives
//! in the `toolgate_example_server` library.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use toolgate_example_server::http::{HttpMode, serve_http};
use toolgate_example_server::{ServerConfig, TOOL_NAMES, serve};

/// Example MCP server (online-shop support tools) for toolgate's tests, benchmarks and demo.
///
/// Speaks newline-delimited JSON-RPC 2.0 on stdin/stdout, or HTTP with --http; logs go to
/// stderr (RUST_LOG, default warn).
/// If TOOLGATE_TESTKIT_LOG is set, every received line (HTTP: message body) is appended to
/// that file.
#[derive(Debug, Parser)]
#[command(name = "toolgate-example-server", version)]
struct Cli {
    /// Paginate tools/list with N tools per page.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    page_size: Option<u64>,
    /// Exit after answering N tools/call requests (simulates a dying server; over HTTP, N
    /// calls across all sessions, then the process exits).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    exit_after: Option<u64>,
    /// Exit abruptly with code 3, without answering, when TOOL is called (over HTTP: the
    /// whole process).
    #[arg(long, value_name = "TOOL")]
    crash_on: Option<String>,
    /// Wait this long before reading stdin, or binding with --http (simulates a slow start).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    startup_delay_ms: u64,
    /// Exit with code 2 at once, with a message on stderr (simulates a broken server).
    #[arg(long)]
    fail_start: bool,
    /// Serve MCP over HTTP on ADDR (e.g. 127.0.0.1:0) instead of stdio: streamable HTTP at
    /// /mcp; prints `listening on http://ADDR/mcp` on stderr once bound.
    #[arg(long, value_name = "ADDR")]
    http: Option<SocketAddr>,
    /// With --http: the stateless 2026-07-28 revision (no session, no initialize).
    #[arg(long, requires = "http", conflicts_with = "legacy_sse")]
    stateless: bool,
    /// With --http: the 2024-11-05 HTTP+SSE transport (GET /sse, POST /message).
    #[arg(long, requires = "http")]
    legacy_sse: bool,
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
        let served = match cli.http {
            Some(addr) => {
                let mode = if cli.stateless {
                    HttpMode::Stateless
                } else if cli.legacy_sse {
                    HttpMode::LegacySse
                } else {
                    HttpMode::Streamable
                };
                serve_on(addr, mode, config).await
            }
            None => serve(config, tokio::io::stdin(), tokio::io::stdout()).await,
        };
        match served {
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
    // the runtime's shutdown waiting for one more line (and over HTTP, a crash is abrupt).
    std::process::exit(code);
}

/// Binds `addr`, says where it listens, and serves HTTP until `exit_after` or `crash_on`.
async fn serve_on(
    addr: SocketAddr,
    mode: HttpMode,
    config: ServerConfig,
) -> std::io::Result<toolgate_example_server::ExitReason> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    // On stderr whatever RUST_LOG says: tests read the port from this line.
    eprintln!("toolgate-example-server: {}", mode.announcement(bound));
    serve_http(config, mode, listener).await
}
