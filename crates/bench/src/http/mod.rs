//! The HTTP half of `toolgate-bench`: toolgate serving agents over streamable HTTP
//! (`toolgate run --listen`) against the example server spoken to directly over HTTP, and
//! beside the stdio↔HTTP bridges other projects publish (mcp-proxy from PyPI, supergateway
//! from npm; installed by `scripts/bench-peers-setup`, left out with a reason when missing).
//!
//! Targets, all alive side by side for the shared sections:
//! - **direct**: the client → `toolgate-example-server --http`;
//! - **toolgate HTTP→HTTP**: → `toolgate run --listen … --upstream http://…/mcp` → its own
//!   example server over HTTP (each agent session gets its own upstream session);
//! - **toolgate HTTP→stdio**: → `toolgate run --listen … -- toolgate-example-server` (a
//!   stdio child per session);
//! - **mcp-proxy**: → `mcp-proxy --port … -- toolgate-example-server` (one stdio child
//!   shared by every session);
//! - **supergateway**: → `supergateway --stdio … --outputTransport streamableHttp
//!   --stateful` (a child per session, answers as event streams).
//!
//! Sections: sequential round trips, throughput with 1/8/64/256 concurrent sessions, echoes
//! of 512 KiB and 1 MiB, and resident memory idle and per idle session (fresh processes,
//! one target at a time). The client is [`mcp::McpSession`] over [`wire::Conn`] on one
//! current-thread runtime: it uses at most one core, and its CPU per call is reported.

mod mcp;
mod measure;
pub mod report;
pub mod results;
mod targets;
mod wire;

use std::time::Duration;

use serde_json::json;

pub use targets::{Kind, Peers};

use super::BenchError;
use super::machine::stage;
use super::policies;
use super::scenarios::{Runner, human_bytes, payload_text};
use super::session::CallTemplate;
use mcp::McpSession;
use results::{HttpResults, Level, PayloadSize, TargetInfo};
use targets::Target;

/// Runs every HTTP section.
pub fn run(runner: &mut Runner<'_>, peers: &Peers) -> Result<HttpResults, BenchError> {
    let cfg = runner.cfg;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::new(format!("cannot start the client runtime: {e}")))?;
    let policy = runner.write_policy("http-one-rule.yaml", &policies::one_rule())?;
    let mut out = HttpResults {
        idle_sessions: cfg.http.idle_sessions,
        latency_calls: cfg.calls,
        ..HttpResults::default()
    };

    stage("HTTP: starting direct, toolgate and the peers");
    let mut targets = Vec::new();
    for kind in Kind::ALL {
        let mut info = TargetInfo {
            kind,
            command: None,
            startup: None,
            skipped: None,
        };
        if let Some(why) = skip_reason(cfg, peers, kind) {
            info.skipped = Some(why);
            out.targets.push(info);
            continue;
        }
        match Target::start(runner, kind, &policy, peers) {
            Ok(target) => {
                info.command = Some(target.command.clone());
                info.startup = Some(target.startup);
                match rt.block_on(check(&target)) {
                    Ok(()) => targets.push(target),
                    Err(e) if kind.is_peer() => {
                        info.skipped = Some(format!("failed its checks: {e}"));
                        target.finish(&mut out.notes);
                    }
                    Err(e) => return Err(target.fail(&e)),
                }
            }
            Err(e) if kind.is_peer() => info.skipped = Some(format!("did not start: {e}")),
            Err(e) => return Err(e),
        }
        out.targets.push(info);
    }

    let small = CallTemplate::echo("x");
    stage("HTTP: sequential round trips");
    let mut sessions: Vec<Option<McpSession>> = Vec::new();
    for t in &targets {
        let s = rt
            .block_on(McpSession::open(t.addr, t.path))
            .map_err(|e| t.fail(&e))?;
        sessions.push(Some(s));
    }
    let got = rt.block_on(measure::interleaved(
        &mut sessions,
        &targets,
        &small,
        cfg.warmup,
        cfg.calls,
    ));
    for (t, r) in targets.iter().zip(got) {
        let row = r.map(|(samples, cpu)| results::LatencyRow { samples, cpu });
        out.latency.push((t.kind, row));
    }

    for &level in &cfg.http.sessions {
        stage(&format!("HTTP: throughput, {level} concurrent sessions"));
        let mut open = Vec::new();
        for t in &targets {
            open.push(rt.block_on(measure::open_sessions(t, level)));
        }
        let window = cfg.http.window;
        let rows = rt.block_on(measure::throughput(
            &targets, &mut open, &small, cfg.rounds, window,
        ));
        for list in open.iter_mut().flatten() {
            rt.block_on(measure::close_sessions(list));
        }
        out.throughput.push(Level {
            sessions: level,
            rows: targets.iter().map(|t| t.kind).zip(rows).collect(),
        });
    }

    for &(bytes, n) in &cfg.http.payloads {
        stage(&format!("HTTP: echo of {}", human_bytes(bytes)));
        let text = payload_text(bytes);
        let mut checked = Vec::new();
        for s in sessions.iter_mut() {
            let r = match s {
                Some(s) => rt.block_on(s.echo_checked(&text)),
                None => Err("its session failed earlier".to_owned()),
            };
            checked.push(r);
        }
        // A target that refused the size sits this size out (its session may be gone).
        let mut live: Vec<Option<McpSession>> = Vec::new();
        for (slot, ok) in sessions.iter_mut().zip(&checked) {
            live.push(if ok.is_ok() { slot.take() } else { None });
        }
        let call = CallTemplate::echo(&text);
        let got = rt.block_on(measure::interleaved(&mut live, &targets, &call, 1, n));
        let mut rows = Vec::new();
        for ((t, check), r) in targets.iter().zip(checked).zip(got) {
            rows.push((t.kind, check.and(r.map(|(s, _)| s))));
        }
        // Put back the sessions that are still good; reopen the others for the next size.
        for (i, slot) in live.into_iter().enumerate() {
            sessions[i] = match slot {
                Some(s) => Some(s),
                None => rt
                    .block_on(McpSession::open(targets[i].addr, targets[i].path))
                    .ok(),
            };
        }
        out.payload.push(PayloadSize { bytes, rows });
    }
    for s in sessions.iter_mut().flatten() {
        rt.block_on(s.close());
    }
    for t in targets {
        t.finish(&mut out.notes);
    }

    let n = cfg.http.idle_sessions;
    for kind in Kind::ALL {
        if out
            .targets
            .iter()
            .any(|t| t.kind == kind && t.skipped.is_some())
        {
            continue;
        }
        stage(&format!(
            "HTTP: memory of {}, {n} idle sessions",
            kind.label()
        ));
        let row = match Target::start(runner, kind, &policy, peers) {
            Ok(target) => {
                let mut got = rt.block_on(measure::memory(&target, n));
                target.finish(&mut out.notes);
                // toolgate: the same without the agents' connections, in a fresh process.
                if let (Ok(m), true) = (&mut got, kind.polices()) {
                    let detached = Target::start(runner, kind, &policy, peers)?;
                    m.front_detached_kib = rt.block_on(measure::memory_detached(&detached, n)).ok();
                    detached.finish(&mut out.notes);
                }
                got
            }
            Err(e) => Err(e.to_string()),
        };
        out.memory.push((kind, row));
    }
    Ok(out)
}

/// Why `kind` is left out of this run, if it is.
fn skip_reason(cfg: &super::Config, peers: &Peers, kind: Kind) -> Option<String> {
    if kind.is_peer() && !cfg.http.peers {
        return Some("left out (--no-peers)".to_owned());
    }
    peers.missing(kind)
}

/// Before measuring: a full echo check, and for toolgate a call the policy must refuse.
async fn check(target: &Target) -> Result<(), String> {
    let mut s = McpSession::open(target.addr, target.path).await?;
    s.echo_checked("x").await?;
    if target.kind.polices() {
        s.expect_denied("add", json!({"a": 1, "b": 2})).await?;
    }
    s.close().await;
    Ok(())
}

/// The HTTP section's knobs (part of [`super::Config`]).
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Concurrent sessions per throughput level.
    pub sessions: Vec<usize>,
    /// Measuring window of one throughput round (per target).
    pub window: Duration,
    /// (bytes of echoed text, timed calls per target).
    pub payloads: Vec<(usize, usize)>,
    /// Idle sessions opened for the memory figures.
    pub idle_sessions: usize,
    /// Run the peers when installed.
    pub peers: bool,
    pub peers_dir: std::path::PathBuf,
}
