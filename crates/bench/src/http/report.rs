//! The HTTP sections of the human report and of the JSON document, and the HTTP targets of
//! the benchmark issue with this run's verdict. Every target has a row in every table; one
//! that was not measured says why (not installed, refused the request, failed).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::super::scenarios::human_bytes;
use super::super::stats::{PERCENTILES, Samples, Versus, ratio, round2};
use super::results::{CpuPerCall, HttpResults, Outcome};
use super::targets::Kind;

/// Headings of the HTTP part of the human report (the smoke test looks for them).
pub const HTTP_HEADINGS: [&str; 4] = [
    "## 7. HTTP: sequential round trips",
    "## 8. HTTP: throughput",
    "## 9. HTTP: large payloads",
    "## 10. HTTP: memory",
];

const TARGET_HTTP_RATIO: f64 = 0.90;
const TARGET_IDLE_RSS_MIB: f64 = 20.0;
const TARGET_SESSION_KIB: f64 = 50.0;

fn opt1(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "-".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

fn thousands(x: f64) -> String {
    let digits = (x.round() as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cpu_cells(c: &CpuPerCall) -> String {
    format!(
        "{:>7} {:>7} {:>7}",
        opt1(c.client),
        opt1(c.front),
        opt1(c.server)
    )
}

pub fn human(o: &mut String, r: &HttpResults, calls: usize, warmup: usize, rounds: usize) {
    let _ = writeln!(
        o,
        "\nHTTP targets (client: one keep-alive connection per session, one current-thread runtime in this process):"
    );
    for t in &r.targets {
        match (&t.skipped, &t.command) {
            (Some(why), _) => {
                let _ = writeln!(o, "  {:<20} {why}", t.kind.label());
            }
            (None, Some(cmd)) => {
                let startup = t.startup.map_or(0.0, |d| d.as_secs_f64() * 1e3);
                let _ = writeln!(
                    o,
                    "  {:<20} {cmd}  (listening after {startup:.0} ms)",
                    t.kind.label()
                );
            }
            (None, None) => {}
        }
    }
    let skipped = |kind: Kind| {
        r.targets
            .iter()
            .find(|t| t.kind == kind)
            .and_then(|t| t.skipped.clone())
    };

    let _ = writeln!(
        o,
        "\n{}: echo {{\"text\":\"x\"}}, {calls} calls per target after {warmup} warm-up, interleaved; µs",
        HTTP_HEADINGS[0]
    );
    let _ = write!(o, "{:<20}", "target");
    for (_, label) in PERCENTILES {
        let _ = write!(o, " {label:>8}");
    }
    for (_, label) in PERCENTILES {
        let _ = write!(o, " {:>10}", format!("+{label}"));
    }
    let _ = writeln!(
        o,
        " {:>7} {:>7}   CPU µs/call: {:>7} {:>7} {:>7}",
        "x p50", "x p99", "client", "front", "server"
    );
    let direct = r.latency_of(Kind::Direct).map(|d| &d.samples);
    for kind in Kind::ALL {
        let _ = write!(o, "{:<20}", kind.label());
        let row = r.latency.iter().find(|(k, _)| *k == kind).map(|(_, r)| r);
        match (row, skipped(kind)) {
            (Some(Ok(row)), _) => {
                for (p, _) in PERCENTILES {
                    let _ = write!(o, " {:>8.1}", row.samples.us(p));
                }
                match direct.filter(|_| kind != Kind::Direct) {
                    Some(d) => {
                        let vs = Versus {
                            direct: d,
                            through: &row.samples,
                        };
                        for (p, _) in PERCENTILES {
                            let _ = write!(o, " {:>+10.1}", vs.added_us(p));
                        }
                        let _ = write!(o, " {:>6.2}x {:>6.2}x", vs.ratio(50.0), vs.ratio(99.0));
                    }
                    None => {
                        let _ = write!(o, "{}", " ".repeat(4 * 11 + 16));
                    }
                }
                let _ = writeln!(o, "   {:>24}", cpu_cells(&row.cpu));
            }
            (Some(Err(e)), _) => {
                let _ = writeln!(o, " failed: {e}");
            }
            (None, Some(why)) => {
                let _ = writeln!(o, " {why}");
            }
            (None, None) => {
                let _ = writeln!(o, " -");
            }
        }
    }
    let _ = writeln!(
        o,
        "(+pN: added = target − direct at that percentile; x: ratio to direct; CPU: this client, the front process (gateway or bridge; the server for direct), the servers behind it)"
    );

    if !r.throughput.is_empty() {
        let _ = writeln!(
            o,
            "\n{}: N sessions, each its own initialize, then echo calls in a loop; {rounds} rounds per target alternating, counted in a window after a warm-up",
            HTTP_HEADINGS[1]
        );
        let _ = writeln!(
            o,
            "{:>8} {:<20} {:>10} {:>7} {:>9} {:>8} {:>9}   CPU µs/call: {:>7} {:>7} {:>7} {:>13}",
            "sessions",
            "target",
            "calls/s",
            "ratio",
            "p50 µs",
            "p99 µs",
            "client %",
            "client",
            "front",
            "server",
            "front max RSS"
        );
        for level in &r.throughput {
            let direct = level.rate_of(Kind::Direct);
            for kind in Kind::ALL {
                let _ = write!(o, "{:>8} {:<20}", level.sessions, kind.label());
                let row = level.rows.iter().find(|(k, _)| *k == kind).map(|(_, r)| r);
                match (row, skipped(kind)) {
                    (Some(Ok(t)), _) => {
                        let _ = writeln!(
                            o,
                            " {:>10} {:>7} {:>9.1} {:>8.1} {:>9}   {:>37} {:>13}",
                            thousands(t.rate),
                            direct.map_or_else(
                                || "-".to_owned(),
                                |d| format!("{:.2}x", ratio(t.rate, d))
                            ),
                            t.latency.us(50.0),
                            t.latency.us(99.0),
                            opt1(t.client_core_pct),
                            cpu_cells(&t.cpu),
                            mib(t.front_rss_max_kib),
                        );
                    }
                    (Some(Err(e)), _) => {
                        let _ = writeln!(o, " failed: {e}");
                    }
                    (None, Some(why)) => {
                        let _ = writeln!(o, " {why}");
                    }
                    (None, None) => {
                        let _ = writeln!(o, " -");
                    }
                }
            }
        }
    }

    if !r.payload.is_empty() {
        let _ = writeln!(
            o,
            "\n{}: echo of N bytes of text (request ≈N bytes; the result carries the text twice: ≈2N bytes back); µs",
            HTTP_HEADINGS[2]
        );
        let _ = writeln!(
            o,
            "{:>8} {:<20} {:>4} {:>10} {:>10} {:>10} {:>7} {:>10}",
            "size", "target", "n", "p50", "p99", "added p50", "ratio", "added p99"
        );
        for size in &r.payload {
            let direct = size
                .rows
                .iter()
                .find(|(k, _)| *k == Kind::Direct)
                .and_then(|(_, r)| r.as_ref().ok());
            for kind in Kind::ALL {
                let _ = write!(o, "{:>8} {:<20}", human_bytes(size.bytes), kind.label());
                let row = size.rows.iter().find(|(k, _)| *k == kind).map(|(_, r)| r);
                match (row, skipped(kind)) {
                    (Some(Ok(s)), _) => {
                        let _ = write!(
                            o,
                            " {:>4} {:>10.1} {:>10.1}",
                            s.len(),
                            s.us(50.0),
                            s.us(99.0)
                        );
                        if let Some(d) = direct.filter(|_| kind != Kind::Direct) {
                            let vs = Versus {
                                direct: d,
                                through: s,
                            };
                            let _ = write!(
                                o,
                                " {:>+10.1} {:>6.2}x {:>+10.1}",
                                vs.added_us(50.0),
                                vs.ratio(50.0),
                                vs.added_us(99.0)
                            );
                        }
                        let _ = writeln!(o);
                    }
                    (Some(Err(e)), _) => {
                        let _ = writeln!(o, " refused or failed: {e}");
                    }
                    (None, Some(why)) => {
                        let _ = writeln!(o, " {why}");
                    }
                    (None, None) => {
                        let _ = writeln!(o, " -");
                    }
                }
            }
        }
    }

    if !r.memory.is_empty() || r.targets.iter().any(|t| t.skipped.is_some()) {
        let n = r.idle_sessions;
        let _ = writeln!(
            o,
            "\n{}: each target started fresh, alone; VmRSS with no session, then with {n} idle sessions (each initialized, connection kept open), and (toolgate, another fresh process) {n} sessions whose connections were closed after initialize (w/o conn)",
            HTTP_HEADINGS[3]
        );
        let _ = writeln!(
            o,
            "{:<20} {:>10} {:>12} {:>12} {:>14}   {:>30}",
            "target",
            "RSS idle",
            format!("RSS, {n} sess"),
            "KiB/session",
            "w/o conn KiB",
            "servers behind it: procs, RSS idle → with, KiB/session"
        );
        for kind in Kind::ALL {
            let _ = write!(o, "{:<20}", kind.label());
            let row = r.memory.iter().find(|(k, _)| *k == kind).map(|(_, r)| r);
            match (row, skipped(kind)) {
                (Some(Ok(m)), _) => {
                    let _ = write!(
                        o,
                        " {:>10} {:>12} {:>12.1} {:>14}",
                        mib(Some(m.front_idle_kib)),
                        mib(Some(m.front_sessions_kib)),
                        m.front_per_session_kib(),
                        opt1(m.front_per_session_detached_kib())
                    );
                    if kind == Kind::Direct {
                        let _ = writeln!(o, "   (the example server itself)");
                    } else {
                        let _ = writeln!(
                            o,
                            "   {:>4}, {} → {}, {:.1}",
                            m.server_processes,
                            mib(Some(m.server_idle_kib)),
                            mib(Some(m.server_sessions_kib)),
                            m.server_per_session_kib()
                        );
                    }
                }
                (Some(Err(e)), _) => {
                    let _ = writeln!(o, " failed: {e}");
                }
                (None, Some(why)) => {
                    let _ = writeln!(o, " {why}");
                }
                (None, None) => {
                    let _ = writeln!(o, " -");
                }
            }
        }
    }
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
}

/// One HTTP target of the issue and this run's verdict: (name, goal, measured, status).
pub fn targets(r: &HttpResults) -> Vec<(&'static str, String, String, &'static str)> {
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    let mut out = Vec::new();
    if let Some(level) = r.throughput.iter().find(|l| l.sessions == 64)
        && let Some(direct) = level.rate_of(Kind::Direct)
    {
        for (kind, name) in [
            (Kind::ToolgateHttp, "HTTP→HTTP throughput, 64 sessions"),
            (Kind::ToolgateStdio, "HTTP→stdio throughput, 64 sessions"),
        ] {
            if let Some(rate) = level.rate_of(kind) {
                let x = ratio(rate, direct);
                out.push((
                    name,
                    format!("≥ {:.0} % of direct", TARGET_HTTP_RATIO * 100.0),
                    format!(
                        "{:.0} % ({} / {})",
                        x * 100.0,
                        thousands(rate),
                        thousands(direct)
                    ),
                    met(x >= TARGET_HTTP_RATIO),
                ));
            }
        }
    }
    if let Some(m) = r.memory_of(Kind::ToolgateHttp) {
        let idle = m.front_idle_kib as f64 / 1024.0;
        out.push((
            "RSS idle, HTTP gateway (HTTP→HTTP)",
            format!("≤ {TARGET_IDLE_RSS_MIB} MiB"),
            format!("{idle:.1} MiB"),
            met(idle <= TARGET_IDLE_RSS_MIB),
        ));
        let per = m.front_per_session_kib();
        out.push((
            "per idle HTTP session (HTTP→HTTP)",
            format!("≤ {TARGET_SESSION_KIB} KiB"),
            format!("{per:.1} KiB"),
            met(per <= TARGET_SESSION_KIB),
        ));
    }
    if let Some(m) = r.memory_of(Kind::ToolgateStdio) {
        let per = m.front_per_session_kib();
        out.push((
            "per idle session (HTTP→stdio, toolgate)",
            format!("≤ {TARGET_SESSION_KIB} KiB"),
            format!("{per:.1} KiB (+{:.0} child)", m.server_per_session_kib()),
            met(per <= TARGET_SESSION_KIB),
        ));
    }
    out
}

fn outcome<T>(o: &Outcome<T>, f: impl FnOnce(&T) -> Value) -> Value {
    match o {
        Ok(v) => f(v),
        Err(e) => json!({"error": e}),
    }
}

fn cpu_json(c: &CpuPerCall) -> Value {
    json!({
        "client_us": c.client.map(round2),
        "front_us": c.front.map(round2),
        "server_us": c.server.map(round2),
    })
}

fn versus(direct: Option<&Samples>, s: &Samples) -> Value {
    direct.map_or(Value::Null, |d| {
        Versus {
            direct: d,
            through: s,
        }
        .to_json()
    })
}

pub fn json(r: &HttpResults) -> Value {
    let direct = r.latency_of(Kind::Direct).map(|d| &d.samples);
    let targets: Vec<Value> = r
        .targets
        .iter()
        .map(|t| {
            json!({
                "label": t.kind.label(),
                "command": t.command,
                "startup_ms": t.startup.map(|d| round2(d.as_secs_f64() * 1e3)),
                "skipped": t.skipped,
            })
        })
        .collect();
    let sequential: Vec<Value> = r
        .latency
        .iter()
        .map(|(k, row)| {
            let mut v = outcome(row, |row| {
                json!({
                    "latency": row.samples.to_json(),
                    "vs_direct": versus(direct.filter(|_| *k != Kind::Direct), &row.samples),
                    "cpu_per_call": cpu_json(&row.cpu),
                })
            });
            v["label"] = json!(k.label());
            v
        })
        .collect();
    let throughput: Vec<Value> = r
        .throughput
        .iter()
        .map(|level| {
            let direct = level.rate_of(Kind::Direct);
            let rows: Vec<Value> = level
                .rows
                .iter()
                .map(|(k, row)| {
                    let mut v = outcome(row, |t| {
                        json!({
                            "calls": t.calls,
                            "seconds": round2(t.seconds),
                            "calls_per_s": t.rate.round(),
                            "ratio": direct.map(|d| round2(ratio(t.rate, d))),
                            "rounds_calls_per_s": t.rounds.iter().map(|x| x.round()).collect::<Vec<_>>(),
                            "latency_under_load": t.latency.to_json(),
                            "cpu_per_call": cpu_json(&t.cpu),
                            "client_core_pct": t.client_core_pct.map(round2),
                            "front_rss_max_kib": t.front_rss_max_kib,
                        })
                    });
                    v["label"] = json!(k.label());
                    v
                })
                .collect();
            json!({"sessions": level.sessions, "targets": rows})
        })
        .collect();
    let payload: Vec<Value> = r
        .payload
        .iter()
        .map(|size| {
            let direct = size
                .rows
                .iter()
                .find(|(k, _)| *k == Kind::Direct)
                .and_then(|(_, r)| r.as_ref().ok());
            let rows: Vec<Value> = size
                .rows
                .iter()
                .map(|(k, row)| {
                    let mut v = outcome(row, |s| {
                        json!({
                            "latency": s.to_json(),
                            "vs_direct": versus(direct.filter(|_| *k != Kind::Direct), s),
                        })
                    });
                    v["label"] = json!(k.label());
                    v
                })
                .collect();
            json!({"bytes": size.bytes, "targets": rows})
        })
        .collect();
    let memory: Vec<Value> = r
        .memory
        .iter()
        .map(|(k, row)| {
            let mut v = outcome(row, |m| {
                json!({
                    "sessions": m.sessions,
                    "front_idle_kib": m.front_idle_kib,
                    "front_with_sessions_kib": m.front_sessions_kib,
                    "front_per_session_kib": round2(m.front_per_session_kib()),
                    "front_per_session_without_connection_kib": m.front_per_session_detached_kib().map(round2),
                    "servers": m.server_processes,
                    "servers_idle_kib": m.server_idle_kib,
                    "servers_with_sessions_kib": m.server_sessions_kib,
                    "servers_per_session_kib": round2(m.server_per_session_kib()),
                })
            });
            v["label"] = json!(k.label());
            v
        })
        .collect();
    json!({
        "targets": targets,
        "sequential": sequential,
        "throughput": throughput,
        "payload": payload,
        "memory": memory,
        "notes": r.notes,
    })
}
