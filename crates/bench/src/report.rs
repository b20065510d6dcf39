//! The two outputs of a run: the human tables (stdout) and the JSON document (`--json`),
//! both carrying the command and the machine, plus the targets of the benchmark issue with
//! whether this run met them.

use std::fmt::Write as _;

use super::Config;
use super::machine::Machine;
use super::results::{MainResults, PayloadRow, Results, ThroughputRow, VariantSet};
use super::scenarios::human_bytes;
use super::stats::{PERCENTILES, Samples, Versus, ratio};
use super::stdio_peers;

/// Headings of the human report (the smoke test looks for them).
pub const HEADINGS: [&str; 7] = [
    "## 1. Sequential round trips",
    "## 2. Throughput",
    "## 3. Large payloads",
    "## 4. Policy size",
    "## 5. State backends",
    "## 5b. Audit and pins",
    "## 6. Memory",
];

/// The stdio targets.
const TARGET_ADDED_P50_US: f64 = 30.0;
const TARGET_ADDED_P99_US: f64 = 150.0;
const TARGET_IDLE_RSS_MIB: f64 = 20.0;

/// One target and this run's verdict.
pub(super) struct Target {
    pub name: &'static str,
    pub target: String,
    pub measured: String,
    pub status: &'static str,
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn opt_us(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"))
}

pub(super) fn thousands(x: f64) -> String {
    let n = x.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn human(cfg: &Config, machine: &Machine, r: &Results) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "toolgate-bench: end-to-end overhead of the gateway (`toolgate run`, stdio and HTTP) against a direct connection"
    );
    let _ = writeln!(o, "command:  {}", cfg.command_line);
    let _ = writeln!(o, "machine:  {}", machine.describe());
    let _ = writeln!(
        o,
        "load avg: {} at start, {} at end (1/5/15 min); other processes share these cores",
        machine.load_start.as_deref().unwrap_or("n/a"),
        machine.load_end.as_deref().unwrap_or("n/a")
    );
    let _ = writeln!(o, "toolgate: {}", cfg.toolgate.display());
    let _ = writeln!(o, "server:   {}", cfg.server.display());
    let _ = writeln!(
        o,
        "client:   synchronous pipes, one write per request, responses checked by their bytes; TOOLGATE_LOG=warn"
    );
    let _ = writeln!(
        o,
        "all times in µs; added = through − direct at the same percentile; ratio = through / direct"
    );
    if machine.bench_profile == "debug" {
        let _ = writeln!(
            o,
            "WARNING: this bench was built without optimisations; use --release builds for real figures"
        );
    }

    if let Some(main) = &r.main {
        let _ = writeln!(
            o,
            "\ngateway:  {} (TOOLGATE_LOG=warn)",
            main.gateway_command
        );
        if let Some(set) = &main.latency {
            let _ = writeln!(
                o,
                "\n{}: echo {{\"text\":\"x\"}}, {} calls per side after {} warm-up, interleaved",
                HEADINGS[0], cfg.calls, cfg.warmup
            );
            sequential_table(&mut o, set);
            let _ = writeln!(
                o,
                "startup (spawn → initialize answered): direct {:.1} ms, through toolgate {:.1} ms",
                main.direct_startup.as_secs_f64() * 1e3,
                main.gateway_startup.as_secs_f64() * 1e3
            );
        }
        if !main.throughput.is_empty() {
            let _ = writeln!(
                o,
                "\n{}: pipelined echo calls on one stdio session, {} rounds per side alternating",
                HEADINGS[1], cfg.rounds
            );
            throughput_table(&mut o, &main.throughput);
        }
        if !main.payload.is_empty() {
            let _ = writeln!(
                o,
                "\n{}: echo of N bytes of text (the result carries it twice: ≈2N bytes back); gateway limit --max-message-bytes 4 MiB",
                HEADINGS[2]
            );
            payload_table(&mut o, &main.payload);
        }
    }
    if let Some(set) = &r.policy {
        let _ = writeln!(
            o,
            "\n{}: every tool has a conditional deny and a conditional allow with a rate limit; echo among them",
            HEADINGS[3]
        );
        variant_table(&mut o, set);
    }
    if let Some(set) = &r.state {
        let _ = writeln!(
            o,
            "\n{}: one rule with a rate limit of 1e9/hour, so every call reserves and settles",
            HEADINGS[4]
        );
        variant_table(&mut o, set);
    }
    if let Some(set) = &r.audit {
        let _ = writeln!(
            o,
            "\n{}: one-rule policy, --state memory; audit to a file (redacted args, fsync batch); pins in a fresh pin file, echo pinned by tools/list",
            HEADINGS[5]
        );
        variant_table(&mut o, set);
    }
    if let Some(main) = r.main.as_ref().filter(|_| cfg.sections.memory) {
        let _ = writeln!(
            o,
            "\n{}: the toolgate process, VmRSS/VmHWM from /proc/PID/status",
            HEADINGS[6]
        );
        memory_table(&mut o, main, r.policy.as_ref());
    }
    if let Some(h) = &r.http {
        super::http::report::human(&mut o, h, cfg.calls, cfg.warmup, cfg.rounds);
    }
    if let Some(p) = &r.stdio_peers {
        stdio_peers::human(&mut o, p, cfg);
    }
    let targets = targets(r);
    if !targets.is_empty() {
        let _ = writeln!(o, "\n## Targets (benchmark issue)");
        let _ = writeln!(
            o,
            "{:<40} {:>14} {:>22}  status",
            "target", "goal", "measured"
        );
        for t in &targets {
            let _ = writeln!(
                o,
                "{:<40} {:>14} {:>22}  {}",
                t.name, t.target, t.measured, t.status
            );
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\n## Notes");
        for n in &r.notes {
            let _ = writeln!(o, "- {n}");
        }
    }
    let _ = writeln!(o, "\nwall time {:.1} s", r.wall_seconds);
    o
}

fn sequential_table(o: &mut String, set: &VariantSet) {
    let _ = write!(o, "{:<18}", "");
    for (_, label) in PERCENTILES {
        let _ = write!(o, " {label:>9}");
    }
    let _ = writeln!(o, " {:>9} {:>9}", "mean", "max");
    let mut row = |name: &str, s: &Samples| {
        let _ = write!(o, "{name:<18}");
        for (p, _) in PERCENTILES {
            let _ = write!(o, " {:>9.1}", s.us(p));
        }
        let _ = writeln!(o, " {:>9.1} {:>9.1}", s.mean_us(), s.max_us());
    };
    row("direct", &set.direct);
    for v in &set.variants {
        row(&v.label, &v.samples);
    }
    for v in &set.variants {
        let vs = Versus {
            direct: &set.direct,
            through: &v.samples,
        };
        let _ = write!(o, "{:<18}", format!("added ({})", short(&v.label)));
        for (p, _) in PERCENTILES {
            let _ = write!(o, " {:>+9.1}", vs.added_us(p));
        }
        let _ = writeln!(o, " {:>+9.1}", v.samples.mean_us() - set.direct.mean_us());
        let _ = write!(o, "{:<18}", format!("ratio ({})", short(&v.label)));
        for (p, _) in PERCENTILES {
            let _ = write!(o, " {:>8.2}x", vs.ratio(p));
        }
        let _ = writeln!(
            o,
            " {:>8.2}x",
            ratio(v.samples.mean_us(), set.direct.mean_us())
        );
    }
    if let [gateway, relay, ..] = set.variants.as_slice() {
        let beyond = Versus {
            direct: &relay.samples,
            through: &gateway.samples,
        };
        let _ = write!(o, "{:<18}", "toolgate − relay");
        for (p, _) in PERCENTILES {
            let _ = write!(o, " {:>+9.1}", beyond.added_us(p));
        }
        let _ = writeln!(
            o,
            " {:>+9.1}",
            gateway.samples.mean_us() - relay.samples.mean_us()
        );
    }
    let _ = writeln!(
        o,
        "per call (CPU user+sys, context switches, threads): direct server {} µs, {}",
        opt_us(set.direct_per_call.cpu_us),
        opt_us(set.direct_per_call.switches),
    );
    for v in &set.variants {
        let _ = writeln!(
            o,
            "  {} process: {} µs, {}, {} threads; idle (no calls): {}% of a core",
            v.label,
            opt_us(v.per_call.cpu_us),
            opt_us(v.per_call.switches),
            v.per_call
                .threads
                .map_or_else(|| "n/a".to_owned(), |t| t.to_string()),
            opt_us(v.idle_cpu_pct)
        );
    }
}

/// `through toolgate` → `toolgate`, `relay (floor)` → `relay`: row labels stay narrow.
fn short(label: &str) -> &str {
    match label {
        "through toolgate" => "toolgate",
        "relay (floor)" => "relay",
        other => other,
    }
}

fn throughput_table(o: &mut String, rows: &[ThroughputRow]) {
    let _ = writeln!(
        o,
        "{:>9} {:>8} {:>15} {:>16} {:>7} {:>14} {:>7} {:>14} {:>12} {:>15} {:>11}",
        "in flight",
        "calls",
        "direct calls/s",
        "through calls/s",
        "ratio",
        "relay calls/s",
        "ratio",
        "gw CPU µs/call",
        "gw ctx/call",
        "srv CPU µs/call",
        "gw max RSS"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "{:>9} {:>8} {:>15} {:>16} {:>6.2}x {:>14} {:>7} {:>14} {:>12} {:>15} {:>11}",
            r.in_flight,
            r.calls_per_round * r.direct_rounds.len(),
            thousands(r.direct_rate),
            thousands(r.through_rate),
            ratio(r.through_rate, r.direct_rate),
            r.relay_rate.map_or_else(|| "-".to_owned(), thousands),
            r.relay_rate.map_or_else(
                || "-".to_owned(),
                |x| format!("{:.2}x", ratio(x, r.direct_rate))
            ),
            opt_us(r.gateway.cpu_us),
            opt_us(r.gateway.switches),
            opt_us(r.server.cpu_us),
            mib(r.gateway_rss_max_kib),
        );
    }
}

fn payload_table(o: &mut String, rows: &[PayloadRow]) {
    let _ = writeln!(
        o,
        "{:>8} {:>5} {:>10} {:>11} {:>10} {:>8} {:>10} {:>11} {:>10} {:>13} {:>10} {:>10}",
        "size",
        "n",
        "direct p50",
        "through p50",
        "added p50",
        "ratio",
        "direct p99",
        "through p99",
        "added p99",
        "added µs/KiB",
        "relay p50",
        "relay +p50"
    );
    for r in rows {
        let vs = Versus {
            direct: &r.direct,
            through: &r.through,
        };
        let _ = writeln!(
            o,
            "{:>8} {:>5} {:>10.1} {:>11.1} {:>+10.1} {:>7.2}x {:>10.1} {:>11.1} {:>+10.1} {:>13.3} {:>10} {:>10}",
            human_bytes(r.bytes),
            r.direct.len(),
            r.direct.us(50.0),
            r.through.us(50.0),
            vs.added_us(50.0),
            vs.ratio(50.0),
            r.direct.us(99.0),
            r.through.us(99.0),
            vs.added_us(99.0),
            vs.added_us(50.0) / (r.bytes as f64 / 1024.0),
            r.relay
                .as_ref()
                .map_or_else(|| "-".to_owned(), |s| format!("{:.1}", s.us(50.0))),
            r.relay.as_ref().map_or_else(
                || "-".to_owned(),
                |s| format!("{:+.1}", s.us(50.0) - r.direct.us(50.0))
            ),
        );
    }
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let k = b.bytes as f64 / a.bytes as f64;
        let exp = |x: f64, y: f64| {
            if x > 0.0 && y > 0.0 {
                (y / x).ln() / k.ln()
            } else {
                f64::NAN
            }
        };
        let added = |r: &PayloadRow| r.through.us(50.0) - r.direct.us(50.0);
        let _ = writeln!(
            o,
            "{} → {} ({k:.0}× the bytes): p50 grows direct ×{:.2}, through ×{:.2}, added ×{:.2}; exponent {:.2} / {:.2} / {:.2} (1 = linear, 2 = quadratic)",
            human_bytes(a.bytes),
            human_bytes(b.bytes),
            ratio(b.direct.us(50.0), a.direct.us(50.0)),
            ratio(b.through.us(50.0), a.through.us(50.0)),
            ratio(added(b), added(a)),
            exp(a.direct.us(50.0), b.direct.us(50.0)),
            exp(a.through.us(50.0), b.through.us(50.0)),
            exp(added(a), added(b)),
        );
    }
}

pub(super) fn variant_table(o: &mut String, set: &VariantSet) {
    let _ = writeln!(
        o,
        "{:<15} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8} {:>11} {:>8} {:>10} {:>10} {:>8}",
        "variant",
        "p50",
        "p99",
        "added p50",
        "added p99",
        "ratio50",
        "ratio99",
        "CPU µs/call",
        "ctx/call",
        "startup ms",
        "idle RSS",
        "idle CPU"
    );
    let _ = writeln!(
        o,
        "{:<15} {:>8.1} {:>8.1} {:>9} {:>9} {:>8} {:>8} {:>11} {:>8} {:>10.1} {:>10} {:>8}",
        "direct",
        set.direct.us(50.0),
        set.direct.us(99.0),
        "-",
        "-",
        "-",
        "-",
        opt_us(set.direct_per_call.cpu_us),
        opt_us(set.direct_per_call.switches),
        set.direct_startup.as_secs_f64() * 1e3,
        "-",
        "-"
    );
    for v in &set.variants {
        let vs = Versus {
            direct: &set.direct,
            through: &v.samples,
        };
        let _ = writeln!(
            o,
            "{:<15} {:>8.1} {:>8.1} {:>+9.1} {:>+9.1} {:>7.2}x {:>7.2}x {:>11} {:>8} {:>10.1} {:>10} {:>7}%",
            v.label,
            v.samples.us(50.0),
            v.samples.us(99.0),
            vs.added_us(50.0),
            vs.added_us(99.0),
            vs.ratio(50.0),
            vs.ratio(99.0),
            opt_us(v.per_call.cpu_us),
            opt_us(v.per_call.switches),
            v.startup.as_secs_f64() * 1e3,
            mib(v.idle_rss_kib),
            opt_us(v.idle_cpu_pct),
        );
    }
    let _ = writeln!(
        o,
        "({} calls per variant, interleaved; CPU and context switches: the direct server's or the toolgate process's, per timed call; idle CPU: % of a core with no calls)",
        set.direct.len()
    );
    for v in &set.variants {
        if let Some(d) = &v.detail {
            let _ = writeln!(o, "{}: {d}", v.label);
        }
    }
    for n in &set.notes {
        let _ = writeln!(o, "note: {n}");
    }
}

fn memory_table(o: &mut String, main: &MainResults, policy: Option<&VariantSet>) {
    let m = &main.memory;
    let rows = [
        (
            "idle after initialize (one-rule policy)",
            m.gateway_idle_kib,
        ),
        (
            "under load, max sampled (throughput runs)",
            m.gateway_load_max_kib,
        ),
        ("idle after the throughput runs", m.gateway_after_load_kib),
        (
            "peak (VmHWM) after the throughput runs",
            m.gateway_hwm_small_kib,
        ),
        ("idle after the large payloads", m.gateway_after_payload_kib),
        (
            "peak (VmHWM) after the large payloads",
            m.gateway_hwm_payload_kib,
        ),
        ("example server alone, idle (for scale)", m.server_idle_kib),
    ];
    for (what, kib) in rows {
        let _ = writeln!(o, "{what:<44} {:>10}", mib(kib));
    }
    if let Some(set) = policy {
        for v in &set.variants {
            let what = format!("idle after initialize, {} policy", v.label);
            let _ = writeln!(o, "{what:<44} {:>10}", mib(v.idle_rss_kib));
        }
    }
}

pub(super) fn targets(r: &Results) -> Vec<Target> {
    let mut out = Vec::new();
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    if let Some(set) = r.main.as_ref().and_then(|m| m.latency.as_ref())
        && let Some(v) = set.variants.first()
    {
        let vs = Versus {
            direct: &set.direct,
            through: &v.samples,
        };
        let (p50, p99) = (vs.added_us(50.0), vs.added_us(99.0));
        out.push(Target {
            name: "stdio added latency p50",
            target: format!("≤ {TARGET_ADDED_P50_US} µs"),
            measured: format!("{p50:.1} µs"),
            status: met(p50 <= TARGET_ADDED_P50_US),
        });
        out.push(Target {
            name: "stdio added latency p99",
            target: format!("≤ {TARGET_ADDED_P99_US} µs"),
            measured: format!("{p99:.1} µs"),
            status: met(p99 <= TARGET_ADDED_P99_US),
        });
    }
    if let Some(set) = r.main.as_ref().and_then(|m| m.latency.as_ref())
        && let [gateway, relay, ..] = set.variants.as_slice()
    {
        let floor = relay.samples.us(50.0) - set.direct.us(50.0);
        let beyond = gateway.samples.us(50.0) - relay.samples.us(50.0);
        out.push(Target {
            name: "(info) p50: relay floor + toolgate's own",
            target: "-".to_owned(),
            measured: format!("{floor:.1} + {beyond:.1} µs"),
            status: "info",
        });
    }
    if let Some(kib) = r.main.as_ref().and_then(|m| m.memory.gateway_idle_kib) {
        let mib = kib as f64 / 1024.0;
        out.push(Target {
            name: "RSS idle (one-rule policy)",
            target: format!("≤ {TARGET_IDLE_RSS_MIB} MiB"),
            measured: format!("{mib:.1} MiB"),
            status: met(mib <= TARGET_IDLE_RSS_MIB),
        });
    }
    if let Some(h) = &r.http {
        for (name, target, measured, status) in super::http::report::targets(h) {
            out.push(Target {
                name,
                target,
                measured,
                status,
            });
        }
    }
    out.push(Target {
        name: "policy decision",
        target: "≤ 1 µs".to_owned(),
        measured: "see decide bench".to_owned(),
        status: "not measured here",
    });
    if let Some(set) = &r.policy
        && let [small, large] = set.variants.as_slice()
    {
        for (p, label) in [(50.0, "p50"), (99.0, "p99")] {
            let a = small.samples.us(p) - set.direct.us(p);
            let b = large.samples.us(p) - set.direct.us(p);
            let allowed = (a.abs() * 0.25).max(5.0);
            out.push(Target {
                name: if label == "p50" {
                    "added p50 flat with policy size"
                } else {
                    "added p99 flat with policy size"
                },
                target: format!("Δ ≤ {allowed:.1} µs"),
                measured: format!("{a:.1} → {b:.1} µs"),
                status: met(b - a <= allowed),
            });
        }
    }
    out
}
