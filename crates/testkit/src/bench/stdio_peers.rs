//! Section 11: another MCP policy proxy that sits on stdio exactly where `toolgate run --
//! server` does — `vellaveto-proxy` (crates.io), installed by `scripts/bench-peers-setup` —
//! measured in the same way and the same run as toolgate, against the same direct baseline.
//!
//! The call is `add {"a":1,"b":2}`, not `echo` as elsewhere: vellaveto-proxy 6.1.1 blocks a
//! result's `structuredContent` when the tool declared no output schema (`echo` declares none,
//! `add` does), and has no flag to turn that off; it also needs `tools/list` first to learn
//! the schemas, so every session here lists the tools after `initialize`. Both proxies get an
//! equivalent policy — `add` allowed, everything else denied — and each is checked to refuse
//! `echo` before it is measured, so neither is measured as a blind relay. Sequential calls
//! are interleaved one by one across the three sessions; pipelined rounds alternate.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::http::Peers;
use super::machine::stage;
use super::policies;
use super::report::{thousands, variant_table};
use super::results::{PerCall, VariantResult, VariantSet};
use super::scenarios::{GatewaySpec, Runner, interleaved};
use super::session::{CallTemplate, Launch, Session};
use super::stats::ratio;
use super::{BenchError, Config};

pub const LABEL: &str = "vellaveto-proxy";

/// Heading of section 11 in the human report (the smoke test looks for it).
pub const STDIO_PEERS_HEADING: &str = "## 11. Peers on stdio";

/// What the section measured, or why it did not run.
#[derive(Debug, Clone)]
pub enum StdioPeers {
    Skipped(String),
    Measured {
        /// direct, then toolgate, then the peer.
        latency: VariantSet,
        /// Pipelined calls/s at each in-flight level: direct, toolgate, and the peer (or how
        /// it failed; a failed peer session is replaced by a new one for the next level).
        throughput: Vec<PeerThroughput>,
    },
}

#[derive(Debug, Clone)]
pub struct PeerThroughput {
    pub in_flight: usize,
    pub direct: f64,
    pub toolgate: f64,
    pub peer: Result<f64, String>,
}

/// `add` allowed, everything else denied, in vellaveto's TOML (its `Deny` at the lowest
/// priority is the default-deny its own presets use).
fn vellaveto_policy() -> &'static str {
    "# toolgate-bench: the one-rule policy, as vellaveto-proxy TOML\n\
     [[policies]]\n\
     name = \"Allow add\"\n\
     tool_pattern = \"add\"\n\
     function_pattern = \"*\"\n\
     priority = 100\n\
     id = \"add:*:bench-allow-add\"\n\
     policy_type = \"Allow\"\n\
     \n\
     [[policies]]\n\
     name = \"Default deny\"\n\
     tool_pattern = \"*\"\n\
     function_pattern = \"*\"\n\
     priority = 0\n\
     id = \"*:*:bench-default-deny\"\n\
     policy_type = \"Deny\"\n"
}

pub fn run(runner: &mut Runner<'_>, peers: &Peers) -> Result<StdioPeers, BenchError> {
    let cfg = runner.cfg;
    if !cfg.http.peers {
        return Ok(StdioPeers::Skipped("left out (--no-peers)".to_owned()));
    }
    let Some(exe) = peers.vellaveto.clone() else {
        return Ok(StdioPeers::Skipped(format!(
            "not installed (run scripts/bench-peers-setup; looked in {})",
            peers.dir.display()
        )));
    };
    stage("stdio peers: direct vs toolgate vs vellaveto-proxy");
    let policy = runner.write_policy("peers-allow-add.yaml", &policies::allow_add())?;
    // vellaveto writes `proxy-audit.log` next to its config: a directory of its own.
    let dir = runner.file("vellaveto");
    std::fs::create_dir_all(&dir)
        .map_err(|e| BenchError::new(format!("cannot create {}: {e}", dir.display())))?;
    let toml = dir.join("policy.toml");
    std::fs::write(&toml, vellaveto_policy())
        .map_err(|e| BenchError::new(format!("cannot write {}: {e}", toml.display())))?;
    let spec = GatewaySpec::new("toolgate", &policy);
    let mut sessions = Vec::new();
    for (label, program, args) in [
        ("direct", cfg.server.clone(), Vec::new()),
        ("toolgate", cfg.toolgate.clone(), spec.args(&cfg.server)),
    ] {
        let stderr_path = runner.stderr_file(&format!("peers-{label}"));
        sessions.push(Session::start(Launch {
            label: label.to_owned(),
            program,
            args,
            stderr_path,
            list_tools: true,
        })?);
    }
    refuses(&mut sessions[1], "echo")?;
    let args = vec![
        "--config".into(),
        toml.clone().into_os_string(),
        "--".into(),
        cfg.server.clone().into_os_string(),
    ];
    let command = format!(
        "{} --config {} -- {}",
        exe.display(),
        toml.display(),
        cfg.server.display()
    );
    let start_peer = |runner: &mut Runner<'_>| {
        let stderr_path = runner.stderr_file(LABEL);
        Session::start(Launch {
            label: LABEL.to_owned(),
            program: exe.clone(),
            args: args.clone(),
            stderr_path,
            list_tools: true,
        })
    };
    let mut peer = match start_peer(runner) {
        Ok(peer) => peer,
        Err(e) => {
            let mut notes = Vec::new();
            runner.finish_all(sessions, &mut notes);
            return Ok(StdioPeers::Skipped(format!("did not start: {e}")));
        }
    };
    let checked = refuses(&mut peer, "echo").and_then(|()| added(&mut peer));
    if let Err(why) = checked {
        let mut notes = Vec::new();
        runner.finish_all(sessions, &mut notes);
        return Ok(StdioPeers::Skipped(format!("failed its checks: {why}")));
    }
    sessions.push(peer);

    let small = CallTemplate::tool("add", json!({"a": 1, "b": 2}));
    let (mut samples, used) = interleaved(&mut sessions, &small, cfg.warmup, cfg.calls)?;
    let variant = |i: usize, label: &str, command: String, samples: &mut Vec<_>| VariantResult {
        label: label.to_owned(),
        command,
        samples: std::mem::take(&mut samples[i]),
        startup: sessions[i].startup,
        idle_rss_kib: None,
        idle_cpu_pct: None,
        per_call: PerCall::over(&used[i], cfg.calls),
        detail: None,
    };
    let variants = vec![
        variant(
            1,
            "toolgate",
            spec.command(&cfg.toolgate, &cfg.server),
            &mut samples,
        ),
        variant(2, LABEL, command, &mut samples),
    ];
    let latency = VariantSet {
        direct: std::mem::take(&mut samples[0]),
        direct_startup: sessions[0].startup,
        direct_per_call: PerCall::over(&used[0], cfg.calls),
        variants,
        notes: Vec::new(),
    };

    let mut throughput = Vec::new();
    for &level in &cfg.in_flight {
        stage(&format!("stdio peers: throughput, {level} in flight"));
        let [direct, toolgate, peer] = rates(&mut sessions, &small, level, cfg);
        let peer = match peer {
            Ok(rate) => Ok(rate),
            Err(e) => {
                // Its session is unusable now: a fresh one for the next level.
                let failed = std::mem::replace(&mut sessions[2], start_peer(runner)?);
                let _ = failed.finish();
                Err(e.to_string())
            }
        };
        throughput.push(PeerThroughput {
            in_flight: level,
            direct: direct?,
            toolgate: toolgate?,
            peer,
        });
    }
    let mut notes = Vec::new();
    runner.finish_all(sessions, &mut notes);
    Ok(StdioPeers::Measured {
        latency,
        throughput,
    })
}

/// `add {"a":1,"b":2}` must answer 3.
fn added(session: &mut Session) -> Result<(), BenchError> {
    let response = session.request(
        "tools/call",
        json!({"name": "add", "arguments": {"a": 1, "b": 2}}),
    )?;
    if response.pointer("/result/structuredContent/sum") == Some(&json!(3)) {
        Ok(())
    } else {
        Err(BenchError::new(format!("add did not answer 3: {response}")))
    }
}

/// `tool` must be refused: an error, or a result with `isError: true`.
fn refuses(session: &mut Session, tool: &str) -> Result<(), BenchError> {
    let response = session.request(
        "tools/call",
        json!({"name": tool, "arguments": {"text": "x"}}),
    )?;
    let refused = response.get("error").is_some()
        || response.pointer("/result/isError") == Some(&Value::Bool(true));
    if refused {
        Ok(())
    } else {
        Err(BenchError::new(format!(
            "`{tool}` was not refused: {response}"
        )))
    }
}

/// calls/s of each session with `level` in flight, over alternating rounds; a session that
/// fails sits out the remaining rounds.
fn rates(
    sessions: &mut [Session],
    call: &CallTemplate,
    level: usize,
    cfg: &Config,
) -> [Result<f64, BenchError>; 3] {
    let rounds = cfg.rounds.max(1);
    let per_round = (cfg.throughput_calls / rounds).max(level * 2).max(1);
    let mut out: [Result<Duration, BenchError>; 3] = std::array::from_fn(|_| Ok(Duration::ZERO));
    for (s, slot) in sessions.iter_mut().zip(out.iter_mut()) {
        if let Err(e) = s.pipelined(call, (level * 2).max(100), level) {
            *slot = Err(e);
        }
    }
    for r in 0..rounds {
        for j in 0..3 {
            let side = (r + j) % 3;
            if let Ok(total) = &mut out[side] {
                match sessions[side].pipelined(call, per_round, level) {
                    Ok(took) => *total += took,
                    Err(e) => out[side] = Err(e),
                }
            }
        }
    }
    let total = (per_round * rounds) as f64;
    out.map(|r| r.map(|t| total / t.as_secs_f64().max(1e-9)))
}

/// Section 11: the other stdio policy proxy beside toolgate.
pub fn human(o: &mut String, p: &StdioPeers, cfg: &Config) {
    let _ = writeln!(
        o,
        "\n{}: toolgate and {} with equivalent one-rule policies (add allowed, the rest denied; add because vellaveto blocks echo's schema-less structuredContent), same direct baseline, interleaved",
        STDIO_PEERS_HEADING, LABEL
    );
    match p {
        StdioPeers::Skipped(why) => {
            let _ = writeln!(o, "{}: {why}", LABEL);
        }
        StdioPeers::Measured {
            latency,
            throughput,
        } => {
            let _ = writeln!(
                o,
                "sequential add {{\"a\":1,\"b\":2}}, {} calls each after {} warm-up (µs):",
                cfg.calls, cfg.warmup
            );
            variant_table(o, latency);
            let _ = writeln!(
                o,
                "pipelined calls/s on one session ({} rounds each, alternating):",
                cfg.rounds
            );
            let _ = writeln!(
                o,
                "{:>9} {:>12} {:>12} {:>7} {:>16} {:>7}",
                "in flight", "direct", "toolgate", "ratio", LABEL, "ratio"
            );
            for t in throughput {
                let _ = write!(
                    o,
                    "{:>9} {:>12} {:>12} {:>6.2}x",
                    t.in_flight,
                    thousands(t.direct),
                    thousands(t.toolgate),
                    ratio(t.toolgate, t.direct),
                );
                let _ = match &t.peer {
                    Ok(rate) => writeln!(
                        o,
                        " {:>16} {:>6.2}x",
                        thousands(*rate),
                        ratio(*rate, t.direct)
                    ),
                    Err(e) => writeln!(o, " failed: {}", first_line(e)),
                };
            }
        }
    }
}

/// The first line of an error, plus the last line of the stderr it quotes (the cause),
/// without terminal colour codes (some peers colour their logs even into a file).
fn first_line(e: &str) -> String {
    let mut plain = String::with_capacity(e.len());
    let mut chars = e.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters… final byte in @..~
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) && d != '[' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    let mut lines = plain.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("").to_owned();
    match lines.next_back() {
        Some(last) => format!("{first} — {last}"),
        None => first,
    }
}
