//! The measurements. Every one compares sessions that are alive side by side in this run:
//! the example server spoken to directly, and the same server behind one or more gateway
//! variants. Sequential latencies are interleaved call by call (the session that goes first
//! rotates), and throughput rounds alternate sides, so load from other processes on a shared
//! machine falls on both sides alike instead of on whichever ran second.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use super::machine::{self, RssSampler, TempDir, hwm_kib, rss_kib, stage};
use super::policies;
use super::results::{
    MainResults, PayloadRow, PerCall, ThroughputRow, Usage, VariantResult, VariantSet,
};
use super::session::{CallTemplate, Launch, Session};
use super::stats::Samples;
use super::{BenchError, Config};

/// How one gateway is started.
#[derive(Debug, Clone)]
pub struct GatewaySpec {
    pub label: String,
    pub policy: PathBuf,
    pub state: String,
    pub state_prefix: Option<String>,
    pub audit: String,
    pub pin_file: String,
    pub list_tools: bool,
}

impl GatewaySpec {
    /// `--state memory --audit off --pin-file off`: only what is being measured changes.
    pub fn new(label: &str, policy: &Path) -> GatewaySpec {
        GatewaySpec {
            label: label.to_owned(),
            policy: policy.to_owned(),
            state: "memory".to_owned(),
            state_prefix: None,
            audit: "off".to_owned(),
            pin_file: "off".to_owned(),
            list_tools: false,
        }
    }

    pub(super) fn args(&self, server: &Path) -> Vec<OsString> {
        let mut args: Vec<OsString> =
            vec!["run".into(), "--policy".into(), self.policy.clone().into()];
        args.extend(["--state".into(), self.state.clone().into()]);
        if let Some(prefix) = &self.state_prefix {
            args.extend(["--state-prefix".into(), prefix.clone().into()]);
        }
        args.extend(["--audit".into(), self.audit.clone().into()]);
        args.extend(["--pin-file".into(), self.pin_file.clone().into()]);
        args.extend(["--".into(), server.as_os_str().to_owned()]);
        args
    }

    /// The gateway's command line, for the report.
    pub fn command(&self, toolgate: &Path, server: &Path) -> String {
        std::iter::once(toolgate.display().to_string())
            .chain(
                self.args(server)
                    .iter()
                    .map(|a| a.to_string_lossy().into_owned()),
            )
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Starts sessions and keeps the run's temporary files.
pub struct Runner<'a> {
    pub cfg: &'a Config,
    pub tmp: TempDir,
    sessions_started: usize,
}

impl<'a> Runner<'a> {
    pub fn new(cfg: &'a Config) -> Result<Runner<'a>, BenchError> {
        let tmp = TempDir::new(cfg.keep_temp)
            .map_err(|e| BenchError::new(format!("cannot create a temporary directory: {e}")))?;
        Ok(Runner {
            cfg,
            tmp,
            sessions_started: 0,
        })
    }

    pub(super) fn file(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    pub fn write_policy(&self, name: &str, text: &str) -> Result<PathBuf, BenchError> {
        let path = self.file(name);
        std::fs::write(&path, text)
            .map_err(|e| BenchError::new(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }

    pub(super) fn stderr_file(&mut self, label: &str) -> PathBuf {
        self.sessions_started += 1;
        let slug: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        self.file(&format!("{:02}-{slug}.stderr", self.sessions_started))
    }

    pub fn direct(&mut self) -> Result<Session, BenchError> {
        let stderr_path = self.stderr_file("direct");
        Session::start(Launch {
            label: "direct".to_owned(),
            program: self.cfg.server.clone(),
            args: Vec::new(),
            stderr_path,
            list_tools: false,
        })
    }

    /// The bench itself as `--relay -- SERVER`: a process that only copies bytes.
    pub fn relay(&mut self, exe: &Path) -> Result<Session, BenchError> {
        let stderr_path = self.stderr_file("relay");
        Session::start(Launch {
            label: "relay (floor)".to_owned(),
            program: exe.to_owned(),
            args: vec![
                "--relay".into(),
                "--".into(),
                self.cfg.server.clone().into_os_string(),
            ],
            stderr_path,
            list_tools: false,
        })
    }

    /// Starts a gateway and checks that it really judges calls (`add` must be denied).
    pub fn gateway(&mut self, spec: &GatewaySpec) -> Result<Session, BenchError> {
        let stderr_path = self.stderr_file(&spec.label);
        let mut session = Session::start(Launch {
            label: spec.label.clone(),
            program: self.cfg.toolgate.clone(),
            args: spec.args(&self.cfg.server),
            stderr_path,
            list_tools: spec.list_tools,
        })?;
        session.expect_denied("add", json!({"a": 1, "b": 2}))?;
        Ok(session)
    }

    /// Closes every session; a gateway that wrote to stderr (warnings and up) is noted.
    pub fn finish_all(&self, sessions: Vec<Session>, notes: &mut Vec<String>) {
        for session in sessions {
            let label = session.label.clone();
            let stderr_path = session.stderr_path().to_owned();
            match session.finish() {
                Ok(status) if status.success() => {}
                Ok(status) => notes.push(format!("{label} exited with {status}")),
                Err(e) => notes.push(e.to_string()),
            }
            let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
            let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
            if !lines.is_empty() {
                notes.push(format!(
                    "{label} wrote {} line(s) to stderr, first: {}",
                    lines.len(),
                    lines[0]
                ));
            }
        }
    }
}

/// `warmup` then `n` timed calls on every session, interleaved one call at a time; the
/// session that goes first rotates. Also what each child used during the timed part.
pub(super) fn interleaved(
    sessions: &mut [Session],
    call: &CallTemplate,
    warmup: usize,
    n: usize,
) -> Result<(Vec<Samples>, Vec<Usage>), BenchError> {
    let k = sessions.len();
    for _ in 0..warmup {
        for s in sessions.iter_mut() {
            s.call_timed(call)?;
        }
    }
    let before: Vec<Usage> = sessions.iter().map(|s| Usage::now(s.pid())).collect();
    let mut samples = vec![Vec::with_capacity(n); k];
    for i in 0..n {
        for j in 0..k {
            let at = (i + j) % k;
            samples[at].push(sessions[at].call_timed(call)?);
        }
    }
    let used: Vec<Usage> = sessions
        .iter()
        .zip(&before)
        .map(|(s, before)| Usage::now(s.pid()).since(before))
        .collect();
    Ok((samples.into_iter().map(Samples::new).collect(), used))
}

/// CPU each session's process uses while nobody calls, over `window`, % of one core.
fn idle_cpu(sessions: &[Session], window: Duration) -> Vec<Option<f64>> {
    let before: Vec<Usage> = sessions.iter().map(|s| Usage::now(s.pid())).collect();
    std::thread::sleep(window);
    sessions
        .iter()
        .zip(&before)
        .map(|(s, before)| Usage::now(s.pid()).since(before).cpu_pct(window))
        .collect()
}

/// Runs a latency comparison of `specs` against a direct session, each started fresh.
pub fn variant_set(
    runner: &mut Runner<'_>,
    specs: &[GatewaySpec],
    calls: usize,
) -> Result<(VariantSet, Vec<Session>), BenchError> {
    let mut sessions = vec![runner.direct()?];
    for spec in specs {
        sessions.push(runner.gateway(spec)?);
    }
    std::thread::sleep(Duration::from_millis(200));
    let idle: Vec<Option<u64>> = sessions.iter().map(|s| rss_kib(s.pid())).collect();
    let idle_cpu = idle_cpu(&sessions, runner.cfg.idle_window);
    let call = CallTemplate::echo("x");
    let (mut samples, used) = interleaved(&mut sessions, &call, runner.cfg.warmup, calls)?;
    let direct = std::mem::take(&mut samples[0]);
    let variants = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| VariantResult {
            label: spec.label.clone(),
            command: spec.command(&runner.cfg.toolgate, &runner.cfg.server),
            samples: std::mem::take(&mut samples[i + 1]),
            startup: sessions[i + 1].startup,
            idle_rss_kib: idle[i + 1],
            idle_cpu_pct: idle_cpu[i + 1],
            per_call: PerCall::over(&used[i + 1], calls),
            detail: None,
        })
        .collect();
    let set = VariantSet {
        direct,
        direct_startup: sessions[0].startup,
        direct_per_call: PerCall::over(&used[0], calls),
        variants,
        notes: Vec::new(),
    };
    Ok((set, sessions))
}

/// Sections 1, 2, 3 and 6 on one direct session and one one-rule gateway.
pub fn main_pair(
    runner: &mut Runner<'_>,
    notes: &mut Vec<String>,
) -> Result<MainResults, BenchError> {
    let cfg = runner.cfg;
    stage("sequential round trips (direct vs through toolgate)");
    let policy = runner.write_policy("one-rule.yaml", &policies::one_rule())?;
    let spec = GatewaySpec::new("through toolgate", &policy);
    let mut sessions = vec![runner.direct()?, runner.gateway(&spec)?];
    if let Some(exe) = &cfg.relay_exe {
        sessions.push(runner.relay(exe)?);
    }
    let mut out = MainResults {
        gateway_command: spec.command(&cfg.toolgate, &cfg.server),
        direct_startup: sessions[0].startup,
        gateway_startup: sessions[1].startup,
        ..MainResults::default()
    };
    let gw_pid = sessions[1].pid();
    let server_pid = sessions[0].pid();
    std::thread::sleep(Duration::from_millis(300));
    out.memory.gateway_idle_kib = rss_kib(gw_pid);
    out.memory.server_idle_kib = rss_kib(server_pid);
    let idle_rss: Vec<Option<u64>> = sessions.iter().map(|s| rss_kib(s.pid())).collect();
    let idle_cpu = idle_cpu(&sessions, cfg.idle_window);

    let small = CallTemplate::echo("x");
    if cfg.sections.latency {
        let (mut samples, used) = interleaved(&mut sessions, &small, cfg.warmup, cfg.calls)?;
        let mut variants = Vec::new();
        for i in 1..sessions.len() {
            let command = if i == 1 {
                out.gateway_command.clone()
            } else {
                format!(
                    "{} --relay -- {}",
                    cfg.relay_exe.as_deref().unwrap_or(Path::new("?")).display(),
                    cfg.server.display()
                )
            };
            variants.push(VariantResult {
                label: sessions[i].label.clone(),
                command,
                samples: std::mem::take(&mut samples[i]),
                startup: sessions[i].startup,
                idle_rss_kib: idle_rss[i],
                idle_cpu_pct: idle_cpu[i],
                per_call: PerCall::over(&used[i], cfg.calls),
                detail: None,
            });
        }
        out.latency = Some(VariantSet {
            direct: std::mem::take(&mut samples[0]),
            direct_startup: out.direct_startup,
            direct_per_call: PerCall::over(&used[0], cfg.calls),
            variants,
            notes: Vec::new(),
        });
    }

    if cfg.sections.throughput {
        for &level in &cfg.in_flight {
            stage(&format!("throughput, {level} in flight"));
            out.throughput
                .push(throughput(&mut sessions, &small, level, cfg)?);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    out.memory.gateway_load_max_kib = out
        .throughput
        .iter()
        .filter_map(|r| r.gateway_rss_max_kib)
        .max();
    out.memory.gateway_after_load_kib = rss_kib(gw_pid);
    out.memory.gateway_hwm_small_kib = hwm_kib(gw_pid);

    if cfg.sections.payload {
        for &(bytes, samples) in &cfg.payloads {
            stage(&format!("large payloads, {} echoed", human_bytes(bytes)));
            let text = payload_text(bytes);
            for s in sessions.iter_mut() {
                s.echo_checked(&text)?;
            }
            let call = CallTemplate::echo(&text);
            let (mut got, _) = interleaved(&mut sessions, &call, 2, samples)?;
            out.payload.push(PayloadRow {
                bytes,
                direct: std::mem::take(&mut got[0]),
                through: std::mem::take(&mut got[1]),
                relay: got.get_mut(2).map(std::mem::take),
            });
        }
        std::thread::sleep(Duration::from_millis(300));
        out.memory.gateway_after_payload_kib = rss_kib(gw_pid);
        out.memory.gateway_hwm_payload_kib = hwm_kib(gw_pid);
    }
    runner.finish_all(sessions, notes);
    Ok(out)
}

/// Pipelined calls at one level, `rounds` alternating rounds per side.
fn throughput(
    sessions: &mut [Session],
    call: &CallTemplate,
    level: usize,
    cfg: &Config,
) -> Result<ThroughputRow, BenchError> {
    let rounds = cfg.rounds.max(1);
    let per_round = (cfg.throughput_calls / rounds).max(level * 2).max(1);
    for s in sessions.iter_mut() {
        s.pipelined(call, (level * 2).max(100), level)?;
    }
    let k = sessions.len();
    let mut rates = vec![Vec::new(); k];
    let zero = Usage {
        cpu: Some(Duration::ZERO),
        switches: Some(0),
        threads: None,
    };
    let mut used = vec![zero; k];
    let mut rss_max = None;
    for r in 0..rounds {
        // Rotate who goes first, so no side always runs right after the same other one.
        for j in 0..k {
            let side = (r + j) % k;
            let pid = sessions[side].pid();
            let sampler = (side == 1).then(|| RssSampler::start(pid));
            let before = Usage::now(pid);
            let took = sessions[side].pipelined(call, per_round, level)?;
            used[side].add(&Usage::now(pid).since(&before));
            if let Some(sampler) = sampler {
                rss_max = rss_max.max(sampler.finish());
            }
            rates[side].push(per_round as f64 / took.as_secs_f64());
        }
    }
    let total = per_round * rounds;
    let overall =
        |rounds: &[f64]| total as f64 / rounds.iter().map(|r| per_round as f64 / r).sum::<f64>();
    Ok(ThroughputRow {
        in_flight: level,
        calls_per_round: per_round,
        direct_rate: overall(&rates[0]),
        through_rate: overall(&rates[1]),
        relay_rate: rates.get(2).map(|r| overall(r)),
        direct_rounds: rates[0].clone(),
        through_rounds: rates[1].clone(),
        gateway_rss_max_kib: rss_max,
        gateway: PerCall::over(&used[1], total),
        server: PerCall::over(&used[0], total),
    })
}

/// Section 4: the per-call cost of a small and a large policy.
pub fn policy_size(
    runner: &mut Runner<'_>,
    notes: &mut Vec<String>,
) -> Result<VariantSet, BenchError> {
    let (small, large) = runner.cfg.policy_sizes;
    stage(&format!("policy size, {small} vs {large} tools"));
    let mut specs = Vec::new();
    for n in [small, large] {
        let path = runner.write_policy(&format!("policy-{n}-tools.yaml"), &policies::sized(n))?;
        specs.push(GatewaySpec::new(&format!("{n} tools"), &path));
    }
    let calls = runner.cfg.calls;
    let (set, sessions) = variant_set(runner, &specs, calls)?;
    runner.finish_all(sessions, notes);
    Ok(set)
}

/// Section 5a: counter stores, each reserving and settling on every call.
pub fn state_backends(
    runner: &mut Runner<'_>,
    notes: &mut Vec<String>,
) -> Result<VariantSet, BenchError> {
    stage("state backends (memory, sqlite, redis)");
    let policy = runner.write_policy("rate-limited.yaml", &policies::rate_limited())?;
    let mut specs = vec![GatewaySpec::new("memory", &policy)];
    let mut sqlite = GatewaySpec::new("sqlite", &policy);
    sqlite.state = format!("sqlite:{}", runner.file("state.sqlite").display());
    specs.push(sqlite);
    let mut set_notes = Vec::new();
    let mut redis_prefix = None;
    match &runner.cfg.redis {
        None => set_notes.push("Redis skipped (--no-redis)".to_owned()),
        Some(url) => match machine::redis_ping(url) {
            Ok(()) => {
                let prefix = machine::unique_name("toolgate-bench");
                let mut redis = GatewaySpec::new("redis", &policy);
                redis.state = url.clone();
                redis.state_prefix = Some(prefix.clone());
                redis_prefix = Some((url.clone(), prefix));
                specs.push(redis);
            }
            Err(why) => set_notes.push(format!("Redis skipped: {why}")),
        },
    }
    let calls = runner.cfg.calls;
    let (mut set, sessions) = variant_set(runner, &specs, calls)?;
    runner.finish_all(sessions, notes);
    if let Some((url, prefix)) = redis_prefix {
        let cleared = std::process::Command::new(&runner.cfg.toolgate)
            .args([
                "state",
                "reset",
                "--all",
                "--state",
                &url,
                "--state-prefix",
                &prefix,
            ])
            .output();
        match cleared {
            Ok(o) if o.status.success() => {}
            _ => set_notes.push(format!(
                "could not clear the Redis keys under `{prefix}` (they expire with their windows)"
            )),
        }
        if let Some(v) = set.variants.iter_mut().find(|v| v.label == "redis") {
            v.detail = Some(format!("{url}, --state-prefix {prefix}"));
        }
    }
    set.notes = set_notes;
    Ok(set)
}

/// Section 5b: the audit log (and pins, which are on by default in `toolgate run`).
pub fn audit_and_pins(
    runner: &mut Runner<'_>,
    notes: &mut Vec<String>,
) -> Result<VariantSet, BenchError> {
    stage("audit off vs on, pins off vs on");
    let policy = runner.write_policy("audit-one-rule.yaml", &policies::one_rule())?;
    let audit_path = runner.file("audit.jsonl");
    let mut audit = GatewaySpec::new("audit file", &policy);
    audit.audit = audit_path.display().to_string();
    let mut pins = GatewaySpec::new("pins on", &policy);
    pins.pin_file = runner.file("pins.json").display().to_string();
    pins.list_tools = true;
    let specs = [GatewaySpec::new("audit off", &policy), audit, pins];
    let calls = runner.cfg.calls;
    let (mut set, sessions) = variant_set(runner, &specs, calls)?;
    runner.finish_all(sessions, notes);
    if let Ok(text) = std::fs::read_to_string(&audit_path) {
        let calls = runner.cfg.calls + runner.cfg.warmup + 1;
        if let Some(v) = set.variants.iter_mut().find(|v| v.label == "audit file") {
            v.detail = Some(format!(
                "{} records, {} bytes per call (redacted args, fsync batch)",
                text.lines().count(),
                text.len() / calls
            ));
        }
    }
    Ok(set)
}

/// `bytes` of plain ASCII text (a JSON string that needs no escaping).
pub(super) fn payload_text(bytes: usize) -> String {
    const WORDS: &[u8] = b"the quick brown fox jumps over the lazy dog 0123456789 ";
    WORDS
        .iter()
        .cycle()
        .take(bytes)
        .map(|&b| b as char)
        .collect()
}

pub fn human_bytes(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} B")
    }
}
