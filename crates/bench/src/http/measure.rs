//! The HTTP measurements, each over every running target in one pass so a busy shared
//! machine slows all of them alike: sequential calls interleaved one by one (who goes first
//! rotates), throughput rounds alternating between targets, payload calls interleaved.
//!
//! Throughput is a closed loop: `n` sessions, each its own `initialize`, each calling in a
//! loop. Calls are counted when they complete inside a window that opens after a short
//! warm-up and closes at a deadline, with every session still busy at both ends, so the
//! count is a steady-state rate rather than one diluted by the ramp-up.

use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::future::join_all;

use super::super::machine::{RssSampler, cpu_time_fine, progress, rss_kib};
use super::super::session::CallTemplate;
use super::super::stats::Samples;
use super::mcp::McpSession;
use super::results::{CpuPerCall, Memory, Outcome, Throughput};
use super::targets::Target;

/// Sessions opened at once (a stdio-child target spawns a process for each).
const OPEN_CONCURRENCY: usize = 16;

/// CPU used so far by the client (this process), a target's front and its servers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Probe {
    client: Option<Duration>,
    front: Option<Duration>,
    server: Option<Duration>,
}

impl Probe {
    /// `servers`: fixed for the interval (children come and go with sessions).
    pub fn now(target: &Target, servers: &[u32]) -> Probe {
        let server = servers
            .iter()
            .map(|&p| cpu_time_fine(p))
            .try_fold(Duration::ZERO, |sum, t| t.map(|t| sum + t));
        Probe {
            client: cpu_time_fine(std::process::id()),
            front: cpu_time_fine(target.front_pid()),
            server,
        }
    }

    fn since(&self, before: &Probe) -> Probe {
        let d =
            |a: Option<Duration>, b: Option<Duration>| a.zip(b).map(|(a, b)| a.saturating_sub(b));
        Probe {
            client: d(self.client, before.client),
            front: d(self.front, before.front),
            server: d(self.server, before.server),
        }
    }

    fn add(&mut self, other: &Probe) {
        let s = |a: Option<Duration>, b: Option<Duration>| a.zip(b).map(|(a, b)| a + b);
        self.client = s(self.client, other.client);
        self.front = s(self.front, other.front);
        self.server = s(self.server, other.server);
    }

    fn zero() -> Probe {
        Probe {
            client: Some(Duration::ZERO),
            front: Some(Duration::ZERO),
            server: Some(Duration::ZERO),
        }
    }

    pub fn per_call(&self, calls: usize, servers_exist: bool) -> CpuPerCall {
        let us = |d: Option<Duration>| d.map(|d| d.as_secs_f64() * 1e6 / calls.max(1) as f64);
        CpuPerCall {
            client: us(self.client),
            front: us(self.front),
            server: if servers_exist { us(self.server) } else { None },
        }
    }
}

/// Opens `n` sessions on `target`, `OPEN_CONCURRENCY` at a time.
pub async fn open_sessions(target: &Target, n: usize) -> Outcome<Vec<McpSession>> {
    let (addr, path) = (target.addr, target.path);
    let opened: Vec<Result<McpSession, String>> = futures::stream::iter(0..n)
        .map(|_| McpSession::open(addr, path))
        .buffer_unordered(OPEN_CONCURRENCY)
        .collect()
        .await;
    progress();
    opened.into_iter().collect::<Result<Vec<_>, _>>()
}

/// Ends every session (`DELETE`), concurrently.
pub async fn close_sessions(sessions: &mut [McpSession]) {
    futures::stream::iter(sessions.iter_mut())
        .for_each_concurrent(OPEN_CONCURRENCY, |s| s.close())
        .await;
}

/// `warmup` then `n` timed calls on every session (one per target, `None` for targets left
/// out), interleaved one call at a time; the session that goes first rotates. A session
/// that fails is dropped from the rest of the run and its error kept.
pub async fn interleaved(
    sessions: &mut [Option<McpSession>],
    targets: &[Target],
    call: &CallTemplate,
    warmup: usize,
    n: usize,
) -> Vec<Outcome<(Samples, CpuPerCall)>> {
    let k = sessions.len();
    let mut errors: Vec<Option<String>> = vec![None; k];
    for _ in 0..warmup {
        for (i, slot) in sessions.iter_mut().enumerate() {
            if let Some(s) = slot
                && let Err(e) = s.call_timed(call).await
            {
                errors[i] = Some(e);
                *slot = None;
            }
        }
    }
    let servers: Vec<Vec<u32>> = targets.iter().map(Target::server_pids).collect();
    let before: Vec<Probe> = targets
        .iter()
        .zip(&servers)
        .map(|(t, s)| Probe::now(t, s))
        .collect();
    // The client's CPU is shared by all targets here; it is split evenly below.
    let mut samples = vec![Vec::with_capacity(n); k];
    for i in 0..n {
        for j in 0..k {
            let at = (i + j) % k;
            if let Some(s) = &mut sessions[at] {
                match s.call_timed(call).await {
                    Ok(ns) => samples[at].push(ns),
                    Err(e) => {
                        errors[at] = Some(e);
                        sessions[at] = None;
                    }
                }
            }
        }
    }
    let live = sessions.iter().filter(|s| s.is_some()).count().max(1);
    let mut out = Vec::with_capacity(k);
    for (i, got) in samples.into_iter().enumerate() {
        if let Some(e) = errors[i].take() {
            out.push(Err(e));
            continue;
        }
        let used = Probe::now(&targets[i], &servers[i]).since(&before[i]);
        let mut cpu = used.per_call(n, !servers[i].is_empty());
        cpu.client = cpu.client.map(|c| c / live as f64);
        out.push(Ok((Samples::new(got), cpu)));
    }
    out
}

/// What one load run produced.
struct Load {
    calls: usize,
    latency: Vec<u64>,
}

/// Every session calls in a loop; completions inside `[start + warm, start + warm + window]`
/// are counted.
async fn load(
    sessions: &mut [McpSession],
    call: &CallTemplate,
    warm: Duration,
    window: Duration,
) -> Outcome<Load> {
    let start = Instant::now();
    let (open, close) = (start + warm, start + warm + window);
    let runs = sessions.iter_mut().map(|s| async move {
        let mut latency = Vec::new();
        while Instant::now() < close {
            let ns = s.call_timed(call).await?;
            let done = Instant::now();
            if done >= open && done <= close {
                latency.push(ns);
            }
        }
        Ok::<_, String>(latency)
    });
    let mut out = Load {
        calls: 0,
        latency: Vec::new(),
    };
    for run in join_all(runs).await {
        let latency = run?;
        out.calls += latency.len();
        out.latency.extend(latency);
    }
    Ok(out)
}

/// Throughput of every target at one level: `sessions[i]` are target `i`'s open sessions
/// (or why it has none); `rounds` rounds of `window` each, alternating between targets.
pub async fn throughput(
    targets: &[Target],
    sessions: &mut [Outcome<Vec<McpSession>>],
    call: &CallTemplate,
    rounds: usize,
    window: Duration,
) -> Vec<Outcome<Throughput>> {
    let k = targets.len();
    let warm = (window / 10).clamp(Duration::from_millis(50), Duration::from_millis(500));
    // One call per session first: connections and lazily built state are in place.
    for s in sessions.iter_mut() {
        if let Ok(list) = s {
            let warmed = join_all(list.iter_mut().map(|s| s.call_timed(call))).await;
            if let Some(Err(e)) = warmed.into_iter().find(Result::is_err) {
                *s = Err(e);
            }
        }
    }
    let servers: Vec<Vec<u32>> = targets.iter().map(Target::server_pids).collect();
    let mut used = vec![Probe::zero(); k];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut calls = vec![0usize; k];
    let mut latency: Vec<Vec<u64>> = vec![Vec::new(); k];
    let mut rss_max: Vec<Option<u64>> = vec![None; k];
    let mut failed: Vec<Option<String>> = vec![None; k];
    for r in 0..rounds.max(1) {
        for j in 0..k {
            let t = (r + j) % k;
            let Ok(list) = &mut sessions[t] else { continue };
            if failed[t].is_some() {
                continue;
            }
            let sampler = RssSampler::start(targets[t].front_pid());
            let before = Probe::now(&targets[t], &servers[t]);
            let got = load(list, call, warm, window).await;
            // The CPU of the warm-up is counted too: scale to the window's share.
            let delta = Probe::now(&targets[t], &servers[t]).since(&before);
            rss_max[t] = rss_max[t].max(sampler.finish());
            match got {
                Ok(l) => {
                    used[t].add(&scale(&delta, window, warm + window));
                    rates[t].push(l.calls as f64 / window.as_secs_f64());
                    calls[t] += l.calls;
                    latency[t].extend(l.latency);
                }
                Err(e) => failed[t] = Some(e),
            }
        }
    }
    let seconds = window.as_secs_f64() * rounds.max(1) as f64;
    (0..k)
        .map(|t| {
            if let Err(e) = &sessions[t] {
                return Err(e.clone());
            }
            if let Some(e) = failed[t].take() {
                return Err(e);
            }
            let cpu = used[t].per_call(calls[t], !servers[t].is_empty());
            Ok(Throughput {
                calls: calls[t],
                seconds,
                rate: calls[t] as f64 / seconds,
                rounds: rates[t].clone(),
                client_core_pct: used[t].client.map(|c| 100.0 * c.as_secs_f64() / seconds),
                cpu,
                front_rss_max_kib: rss_max[t],
                latency: Samples::new(std::mem::take(&mut latency[t])),
            })
        })
        .collect()
}

fn scale(p: &Probe, part: Duration, whole: Duration) -> Probe {
    let f = part.as_secs_f64() / whole.as_secs_f64().max(1e-9);
    let s = |d: Option<Duration>| d.map(|d| d.mul_f64(f));
    Probe {
        client: s(p.client),
        front: s(p.front),
        server: s(p.server),
    }
}

/// RSS growth of a fresh `target`'s front after `n` sessions whose connections were each
/// closed right after `initialize` (at most `OPEN_CONCURRENCY` connections open at once):
/// what a session costs without the agent's connection. A separate process, because memory
/// freed when connections close stays with the allocator and RSS would not show it.
pub async fn memory_detached(target: &Target, n: usize) -> Outcome<u64> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(target.front_pid());
    let (addr, path) = (target.addr, target.path);
    let opened: Vec<Result<McpSession, String>> = futures::stream::iter(0..n)
        .map(|_| async move {
            let mut s = McpSession::open(addr, path).await?;
            s.disconnect();
            Ok(s)
        })
        .buffer_unordered(OPEN_CONCURRENCY)
        .collect()
        .await;
    let mut sessions = opened.into_iter().collect::<Result<Vec<_>, String>>()?;
    progress();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let after = rss_kib(target.front_pid());
    close_sessions(&mut sessions).await;
    before
        .zip(after)
        .map(|(b, a)| a.saturating_sub(b))
        .ok_or_else(|| "its RSS could not be read from /proc".to_owned())
}

/// RSS of the front and the summed RSS of the servers behind it (count of them).
fn rss_now(target: &Target) -> (Option<u64>, u64, usize) {
    let servers = target.server_pids();
    let total = servers.iter().filter_map(|&p| rss_kib(p)).sum();
    (rss_kib(target.front_pid()), total, servers.len())
}

/// Memory with no session, then with `n` idle sessions (each initialized, then left alone).
pub async fn memory(target: &Target, n: usize) -> Outcome<Memory> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (front_idle, server_idle, _) = rss_now(target);
    let mut sessions = open_sessions(target, n).await?;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (front_sessions, server_sessions, server_processes) = rss_now(target);
    close_sessions(&mut sessions).await;
    match (front_idle, front_sessions) {
        (Some(front_idle_kib), Some(front_sessions_kib)) => Ok(Memory {
            sessions: n,
            front_idle_kib,
            front_sessions_kib,
            front_detached_kib: None,
            server_idle_kib: server_idle,
            server_sessions_kib: server_sessions,
            server_processes,
        }),
        _ => Err("its RSS could not be read from /proc".to_owned()),
    }
}
