//! `toolgate-bench`: the end-to-end overhead of the gateway (stdio and HTTP) against a
//! direct connection, as ratios measured in one run.
//!
//! The example server is started directly and behind `toolgate run` (several gateway
//! variants where a section compares them); the sessions stay alive side by side and their
//! calls are interleaved, so a busy shared machine slows both sides alike. Sections:
//!
//! 1. sequential `echo {"text":"x"}` round trips: p50/p90/p99/p99.9, direct, through, added,
//!    and through a relay that only copies bytes (the floor of any extra process);
//! 2. throughput with 1, 8, 64, 256 calls in flight on the one stdio session;
//! 3. 4 KiB, 256 KiB and 1 MiB echoes (growth between sizes shows any superlinear cost);
//! 4. a 10-tool and a 10,000-tool policy (conditions and rate limits on every tool);
//! 5. counter stores (memory, SQLite, Redis) with a rate-limited rule; the audit log and pins;
//! 6. the gateway's resident memory idle, under load and after large messages.
//!
//! Sections 7 to 10 ask the same questions over streamable HTTP (`toolgate run --listen`, to
//! an HTTP upstream and to a stdio child per session), beside the stdio↔HTTP bridges of other
//! projects when `scripts/bench-peers-setup` installed them (see [`http`]); section 11 puts
//! another MCP policy proxy on stdio, vellaveto-proxy, beside toolgate when installed.
//!
//! Every gateway runs with `--state memory --audit off --pin-file off` except where that
//! setting is what a section measures, and with `TOOLGATE_LOG=warn`.

pub mod http;
mod json;
mod machine;
mod policies;
mod relay;
mod report;
mod results;
mod scenarios;
mod session;
mod stats;
mod stdio_peers;

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

pub use http::HttpConfig;
pub use http::report::HTTP_HEADINGS;
pub use relay::relay;
pub use report::HEADINGS;
pub use stdio_peers::STDIO_PEERS_HEADING;

/// Which sections run.
#[derive(Debug, Clone, Copy)]
pub struct Sections {
    pub latency: bool,
    pub throughput: bool,
    pub payload: bool,
    pub policy: bool,
    pub state: bool,
    pub audit: bool,
    pub memory: bool,
    pub http: bool,
    pub peers: bool,
}

impl Sections {
    pub const NAMES: [&'static str; 9] = [
        "latency",
        "throughput",
        "payload",
        "policy",
        "state",
        "audit",
        "memory",
        "http",
        "peers",
    ];

    pub fn all() -> Sections {
        Sections {
            latency: true,
            throughput: true,
            payload: true,
            policy: true,
            state: true,
            audit: true,
            memory: true,
            http: true,
            peers: true,
        }
    }

    pub fn none() -> Sections {
        Sections {
            latency: false,
            throughput: false,
            payload: false,
            policy: false,
            state: false,
            audit: false,
            memory: false,
            http: false,
            peers: false,
        }
    }

    /// Switches one section by name; `Err` names the valid ones.
    pub fn set(&mut self, name: &str, on: bool) -> Result<(), String> {
        let flag = match name {
            "latency" => &mut self.latency,
            "throughput" => &mut self.throughput,
            "payload" => &mut self.payload,
            "policy" => &mut self.policy,
            "state" => &mut self.state,
            "audit" => &mut self.audit,
            "memory" => &mut self.memory,
            "http" => &mut self.http,
            "peers" => &mut self.peers,
            other => {
                return Err(format!(
                    "unknown section `{other}`; sections are {}",
                    Self::NAMES.join(", ")
                ));
            }
        };
        *flag = on;
        Ok(())
    }

    fn needs_main_pair(&self) -> bool {
        self.latency || self.throughput || self.payload || self.memory
    }
}

/// Everything a run needs; the binary builds it from its flags.
#[derive(Debug, Clone)]
pub struct Config {
    pub toolgate: PathBuf,
    pub server: PathBuf,
    /// Timed sequential calls per session in every latency comparison.
    pub calls: usize,
    pub warmup: usize,
    /// Pipelined calls per side at each in-flight level (split over `rounds`).
    pub throughput_calls: usize,
    pub rounds: usize,
    pub in_flight: Vec<usize>,
    /// (bytes, timed calls per side).
    pub payloads: Vec<(usize, usize)>,
    pub policy_sizes: (usize, usize),
    /// `None`: skip Redis.
    pub redis: Option<String>,
    pub sections: Sections,
    pub keep_temp: bool,
    pub stall_timeout: Duration,
    /// The bench executable, started as `--relay -- SERVER` for the do-nothing-relay floor
    /// in section 1 (`None`: no relay variant).
    pub relay_exe: Option<PathBuf>,
    /// How long idle CPU is measured after the sessions start.
    pub idle_window: Duration,
    /// The command as typed, for the report.
    pub command_line: String,
    /// The HTTP sections' knobs.
    pub http: HttpConfig,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BenchError(String);

impl BenchError {
    pub fn new(message: impl Into<String>) -> BenchError {
        BenchError(message.into())
    }
}

/// What a run produced.
pub struct Output {
    pub human: String,
    pub json: Value,
}

/// The command line as typed, quoted for a shell.
pub fn command_line() -> String {
    machine::command_line()
}

/// Runs every selected section and renders the report. Progress goes to stderr.
pub fn run(cfg: &Config) -> Result<Output, BenchError> {
    let started = Instant::now();
    let mut machine = machine::Machine::probe();
    machine::start_watchdog(cfg.stall_timeout);
    let mut results = results::Results {
        started_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        ..results::Results::default()
    };
    let mut runner = scenarios::Runner::new(cfg)?;
    let mut notes = Vec::new();
    if cfg.sections.needs_main_pair() {
        results.main = Some(scenarios::main_pair(&mut runner, &mut notes)?);
    }
    if cfg.sections.policy {
        results.policy = Some(scenarios::policy_size(&mut runner, &mut notes)?);
    }
    if cfg.sections.state {
        results.state = Some(scenarios::state_backends(&mut runner, &mut notes)?);
    }
    if cfg.sections.audit {
        results.audit = Some(scenarios::audit_and_pins(&mut runner, &mut notes)?);
    }
    let peers = http::Peers::find(&cfg.http.peers_dir);
    if cfg.sections.http {
        results.http = Some(http::run(&mut runner, &peers)?);
    }
    if cfg.sections.peers {
        results.stdio_peers = Some(stdio_peers::run(&mut runner, &peers)?);
    }
    machine.load_end = machine::load_average();
    results.notes = notes;
    results.wall_seconds = started.elapsed().as_secs_f64();
    Ok(Output {
        human: report::human(cfg, &machine, &results),
        json: json::json(cfg, &machine, &results),
    })
}
