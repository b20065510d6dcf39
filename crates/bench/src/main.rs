//! `toolgate-bench`: end-to-end overhead of `toolgate run` (stdio and HTTP) against a direct
//! connection to the example server, as ratios measured in one run, beside other proxies
//! when `scripts/bench-peers-setup` installed them. The measuring lives in
//! the `toolgate_bench` library; this file reads flags and writes the outputs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use toolgate_bench::{self as bench, Config, HttpConfig, Sections};

/// End-to-end overhead of the gateway against a direct connection, over stdio and HTTP.
///
/// Starts toolgate-example-server directly and behind `toolgate run` (both found next to
/// this executable unless --toolgate/--server say otherwise) and reports latency
/// percentiles, throughput, large-payload cost, policy-size and state/audit variants, and the
/// gateway's memory, each as a ratio to the direct connection; then the same over streamable
/// HTTP (`toolgate run --listen`), beside mcp-proxy and supergateway when installed by
/// scripts/bench-peers-setup. Tables go to stdout, progress to stderr. Build everything with
/// --release for figures worth quoting.
#[derive(Debug, Parser)]
#[command(name = "toolgate-bench", version)]
struct Cli {
    /// The toolgate binary [default: `toolgate` next to this executable].
    #[arg(long, value_name = "PATH")]
    toolgate: Option<PathBuf>,
    /// The example server binary [default: `toolgate-example-server` next to this executable].
    #[arg(long, value_name = "PATH")]
    server: Option<PathBuf>,
    /// Also write the results as JSON here.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// A short run (300 calls, fewer throughput and payload calls): minutes become seconds.
    #[arg(long)]
    quick: bool,
    /// Timed sequential calls per session in each latency comparison [default: 5000; --quick 300].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    calls: Option<u64>,
    /// Untimed calls per session before each latency comparison [default: 500; --quick 50].
    #[arg(long, value_name = "N")]
    warmup: Option<u64>,
    /// Pipelined calls per side at each in-flight level [default: 20000; --quick 1200].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    throughput_calls: Option<u64>,
    /// Alternating rounds per side at each in-flight level [default: 4; --quick 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    rounds: Option<u64>,
    /// In-flight levels for the throughput section.
    #[arg(
        long,
        value_name = "N,…",
        value_delimiter = ',',
        default_value = "1,8,64,256"
    )]
    in_flight: Vec<usize>,
    /// Tool entries of the large policy in the policy-size section (the small one has 10).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    large_policy: usize,
    /// Redis for the state section.
    #[arg(long, value_name = "URL", default_value = "redis://127.0.0.1:6379/0")]
    redis: String,
    /// Skip the Redis variant of the state section.
    #[arg(long)]
    no_redis: bool,
    /// Run only these sections (latency, throughput, payload, policy, state, audit, memory,
    /// http).
    #[arg(long, value_name = "SECTION,…", value_delimiter = ',')]
    only: Vec<String>,
    /// Skip these sections.
    #[arg(long, value_name = "SECTION,…", value_delimiter = ',')]
    skip: Vec<String>,
    /// Keep the temporary directory (policies, stderr of every child, audit log).
    #[arg(long)]
    keep_temp: bool,
    /// HTTP: concurrent sessions at each throughput level.
    #[arg(
        long,
        value_name = "N,…",
        value_delimiter = ',',
        default_value = "1,8,64,256"
    )]
    http_sessions: Vec<usize>,
    /// HTTP: seconds each target is measured per throughput round [default: 1.5; --quick 0.3].
    #[arg(long, value_name = "S")]
    http_window: Option<f64>,
    /// HTTP: idle sessions opened for the per-session memory figure [default: 200; --quick 20].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    idle_sessions: Option<u64>,
    /// Where scripts/bench-peers-setup installed the peers [default: ../bench-peers from this
    /// executable's directory, i.e. target/bench-peers].
    #[arg(long, value_name = "DIR")]
    peers: Option<PathBuf>,
    /// Leave the peers (mcp-proxy, supergateway) out even when installed.
    #[arg(long)]
    no_peers: bool,
    /// Give up when no response arrived for this many seconds.
    #[arg(long, value_name = "S", default_value_t = 60)]
    stall_timeout: u64,
}

fn main() -> ExitCode {
    // `--relay -- COMMAND…`: the do-nothing relay the bench measures as a floor.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "--relay") {
        let command = args.get(3..).unwrap_or_default();
        let code = bench::relay(command);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let cli = Cli::parse();
    let cfg = match config(&cli) {
        Ok(cfg) => cfg,
        Err(message) => {
            eprintln!("toolgate-bench: {message}");
            return ExitCode::from(2);
        }
    };
    let output = match bench::run(&cfg) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("toolgate-bench: {e}");
            return ExitCode::from(1);
        }
    };
    print!("{}", output.human);
    if let Some(path) = &cli.json {
        let text = serde_json::to_string_pretty(&output.json).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("toolgate-bench: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
        eprintln!("toolgate-bench: wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

fn config(cli: &Cli) -> Result<Config, String> {
    let pick = |given: Option<u64>, full: usize, quick: usize| {
        given.map_or(if cli.quick { quick } else { full }, |n| n as usize)
    };
    let mut sections = if cli.only.is_empty() {
        Sections::all()
    } else {
        Sections::none()
    };
    for name in &cli.only {
        sections.set(name, true)?;
    }
    for name in &cli.skip {
        sections.set(name, false)?;
    }
    if cli.in_flight.contains(&0) {
        return Err("--in-flight levels must be at least 1".to_owned());
    }
    if cli.http_sessions.contains(&0) {
        return Err("--http-sessions levels must be at least 1".to_owned());
    }
    let window = cli.http_window.unwrap_or(if cli.quick { 0.3 } else { 1.5 });
    if !(window.is_finite() && window > 0.0) {
        return Err("--http-window must be a positive number of seconds".to_owned());
    }
    let http_samples = if cli.quick { 5 } else { 50 };
    let http = HttpConfig {
        sessions: cli.http_sessions.clone(),
        window: Duration::from_secs_f64(window),
        payloads: vec![(512 << 10, http_samples), (1 << 20, http_samples)],
        idle_sessions: pick(cli.idle_sessions, 200, 20),
        peers: !cli.no_peers,
        peers_dir: match &cli.peers {
            Some(dir) => dir.clone(),
            None => default_peers_dir()?,
        },
    };
    let payloads = if cli.quick {
        vec![(4 << 10, 50), (256 << 10, 10), (1 << 20, 5)]
    } else {
        vec![(4 << 10, 1000), (256 << 10, 100), (1 << 20, 50)]
    };
    Ok(Config {
        toolgate: binary(cli.toolgate.as_deref(), "toolgate", "toolgate-cli")?,
        server: binary(
            cli.server.as_deref(),
            "toolgate-example-server",
            "toolgate-example-server",
        )?,
        calls: pick(cli.calls, 5000, 300),
        warmup: pick(cli.warmup, 500, 50),
        throughput_calls: pick(cli.throughput_calls, 20_000, 1200),
        rounds: pick(cli.rounds, 4, 2),
        in_flight: cli.in_flight.clone(),
        payloads,
        policy_sizes: (10, cli.large_policy.max(1)),
        redis: (!cli.no_redis).then(|| cli.redis.clone()),
        sections,
        keep_temp: cli.keep_temp,
        stall_timeout: Duration::from_secs(cli.stall_timeout.max(1)),
        relay_exe: std::env::current_exe().ok(),
        idle_window: Duration::from_millis(if cli.quick { 500 } else { 2000 }),
        command_line: bench::command_line(),
        http,
    })
}

/// `target/bench-peers` when this executable is `target/<profile>/toolgate-bench`.
fn default_peers_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let profile_dir = exe.parent().ok_or("this executable has no directory")?;
    Ok(profile_dir
        .parent()
        .unwrap_or(profile_dir)
        .join("bench-peers"))
}

/// `given`, or `name` in the directory of this executable.
fn binary(given: Option<&Path>, name: &str, package: &str) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return if path.is_file() {
            Ok(path.to_owned())
        } else {
            Err(format!("{} is not a file", path.display()))
        };
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let dir = exe.parent().ok_or("this executable has no directory")?;
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "cannot find {} (build it with `cargo build --release -p {package} --bins`, \
             or pass --{} PATH)",
            path.display(),
            if name == "toolgate" {
                "toolgate"
            } else {
                "server"
            }
        ))
    }
}
