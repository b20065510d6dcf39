//! `toolgate-bench-pins`: what pinning costs a large server's `tools/list`, end to end.
//!
//! For each tool count N, the example server lists N generated tools beside its 15
//! (`--extra-tools`), behind `toolgate run` with a fresh pin file:
//!
//! * **first listing**: `initialize`, then the agent's `tools/list` (every page), which waits
//!   for the gateway's own listing: every tool hashed and pinned, the file written once;
//! * **later listing**: the same session lists again (every tool hashed and checked);
//! * **next process**: a new gateway with the pins on disk: `initialize` and one listing (the
//!   gateway's own listing and the agent's, both checked against the pins);
//! * and the same first listing with `--pin-file off`, the floor.
//!
//! Times are medians of `--runs` runs. The counts double, so a linear cost doubles per row.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Parser;
use toolgate_testkit::{StderrMode, StdioClient};

#[derive(Debug, Parser)]
#[command(name = "toolgate-bench-pins", version)]
struct Cli {
    /// The toolgate binary [default: `toolgate` next to this executable].
    #[arg(long)]
    toolgate: Option<PathBuf>,
    /// Tool counts to measure.
    #[arg(long, value_delimiter = ',', default_values_t = [1250usize, 2500, 5000, 10000])]
    tools: Vec<usize>,
    /// Runs per count (the median is shown).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

fn next_to_me(name: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join(name)))
        .unwrap_or_else(|| PathBuf::from(name))
}

/// Starts `toolgate run` on a policy allowing everything, in front of a server with
/// `extra` generated tools.
fn gateway(toolgate: &Path, dir: &Path, pin_file: &str, extra: usize) -> StdioClient {
    let policy = dir.join("policy.yaml");
    let _ = std::fs::write(&policy, "version: \"1\"\ndefault: allow\n");
    StdioClient::builder(toolgate)
        .args([
            "run",
            "--state",
            "memory",
            "--audit",
            "off",
            "--pin-file",
            pin_file,
        ])
        .arg("--policy")
        .arg(&policy)
        .arg("--")
        .arg(toolgate_testkit::example_server_path())
        .args(["--extra-tools", &extra.to_string()])
        .env("TOOLGATE_LOG", "warn")
        .stderr(StderrMode::Inherit)
        .timeout(Duration::from_secs(600))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", toolgate.display()))
}

async fn timed_list(client: &StdioClient, expect: usize) -> Duration {
    let started = Instant::now();
    let tools = client.list_tools_all().await;
    let took = started.elapsed();
    assert_eq!(
        tools.len(),
        expect,
        "the gateway listed another number of tools"
    );
    took
}

async fn stop(client: StdioClient) {
    client.close_stdin().await;
    let _ = client.wait_exit().await;
}

/// One run for `extra` tools: (first, later, next process, without pins).
async fn run_once(toolgate: &Path, dir: &Path, extra: usize) -> [Duration; 4] {
    let total = extra + 15;
    let pins = dir.join("pins.json");
    let _ = std::fs::remove_file(&pins);
    let pins_arg = pins.display().to_string();

    let g = gateway(toolgate, dir, &pins_arg, extra);
    let started = Instant::now();
    g.initialize("2025-06-18").await.expect("initialize");
    timed_list(&g, total).await;
    let first = started.elapsed();
    let later = timed_list(&g, total).await;
    stop(g).await;

    let g = gateway(toolgate, dir, &pins_arg, extra);
    let started = Instant::now();
    g.initialize("2025-06-18").await.expect("initialize");
    timed_list(&g, total).await;
    let next = started.elapsed();
    stop(g).await;

    let g = gateway(toolgate, dir, "off", extra);
    let started = Instant::now();
    g.initialize("2025-06-18").await.expect("initialize");
    timed_list(&g, total).await;
    let off = started.elapsed();
    stop(g).await;
    [first, later, next, off]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cli = Cli::parse();
    let toolgate = cli.toolgate.unwrap_or_else(|| next_to_me("toolgate"));
    let dir = std::env::temp_dir().join(format!("toolgate-bench-pins-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    println!(
        "| tools listed | first listing (pins every tool) | later listing, same session | next process (checks every tool) | first listing, --pin-file off |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for &extra in &cli.tools {
        let mut runs: Vec<[Duration; 4]> = Vec::new();
        for _ in 0..cli.runs.max(1) {
            runs.push(run_once(&toolgate, &dir, extra).await);
        }
        let median = |i: usize| {
            let mut v: Vec<Duration> = runs.iter().map(|r| r[i]).collect();
            v.sort();
            v[v.len() / 2]
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            extra + 15,
            ms(median(0)),
            ms(median(1)),
            ms(median(2)),
            ms(median(3))
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
