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
    // vellaveto writes a hash-chained `proxy-audit.log` next to its config, refuses to start
    // on one over 100 MiB or one cut mid-write, and logs every call: each instance gets a
    // fresh directory.
    let mut instances = 0;
    let mut start_peer = |runner: &mut Runner<'_>| -> Result<(Session, String), BenchError> {
        instances += 1;
        let dir = runner.file(&format!("vellaveto-{instances}"));
        let toml = dir.join("policy.toml");
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(&toml, vellaveto_policy()))
            .map_err(|e| BenchError::new(format!("cannot write {}: {e}", toml.display())))?;
        let command = format!(
            "{} --config {} -- {}",
            exe.display(),
            toml.display(),
            cfg.server.display()
        );
        let stderr_path = runner.stderr_file(LABEL);
        let session = Session::start(Launch {
            label: LABEL.to_owned(),
            program: exe.clone(),
            args: vec![
                "--config".into(),
                toml.into_os_string(),
                "--".into(),
                cfg.server.clone().into_os_string(),
            ],
            stderr_path,
            list_tools: true,
        })?;
        Ok((session, command))
    };
    let (mut peer, command) = match start_peer(runner) {
        Ok(started) => started,
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
    // Why the peer's session is gone (it failed at an earlier level), if it is.
    let mut peer_down: Option<String> = None;
    for &level in &cfg.in_flight {
        stage(&format!("stdio peers: throughput, {level} in flight"));
        if peer_down.is_some() {
            // A fresh instance for this level.
            match start_peer(runner) {
                Ok((fresh, _)) => {
                    let _ = std::mem::replace(&mut sessions[2], fresh).finish();
                    peer_down = None;
                }
                Err(e) => peer_down = Some(format!("could not be restarted: {e}")),
            }
        }
        let live = if peer_down.is_some() { 2 } else { 3 };
        let mut got = rates(&mut sessions[..live], &small, level, cfg).into_iter();
        let (direct, toolgate) = (got.next(), got.next());
        let peer = match (got.next(), &peer_down) {
            (Some(Ok(rate)), _) => Ok(rate),
            (Some(Err(e)), _) => {
                let why = e.to_string();
                peer_down = Some(why.clone());
                Err(why)
            }
            (None, why) => Err(why.clone().unwrap_or_default()),
        };
        let missing = || BenchError::new("no rate measured");
        throughput.push(PeerThroughput {
            in_flight: level,
            direct: direct.ok_or_else(missing)??,
            toolgate: toolgate.ok_or_else(missing)??,
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
) -> Vec<Result<f64, BenchError>> {
    let k = sessions.len();
    let rounds = cfg.rounds.max(1);
    let per_round = (cfg.throughput_calls / rounds).max(level * 2).max(1);
    let mut out: Vec<Result<Duration, BenchError>> = (0..k).map(|_| Ok(Duration::ZERO)).collect();
    for (s, slot) in sessions.iter_mut().zip(out.iter_mut()) {
        if let Err(e) = s.pipelined(call, (level * 2).max(100), level) {
            *slot = Err(e);
        }
    }
    for r in 0..rounds {
        for j in 0..k {
            let side = (r + j) % k;
            if let Ok(total) = &mut out[side] {
                match sessions[side].pipelined(call, per_round, level) {
                    Ok(took) => *total += took,
                    Err(e) => out[side] = Err(e),
                }
            }
        }
    }
    let total = (per_round * rounds) as f64;
    out.into_iter()
        .map(|r| r.map(|t| total / t.as_secs_f64().max(1e-9)))
        .collect()
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
