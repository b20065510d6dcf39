//! The JSON document of a run (`--json`): the same figures as the human report, with the
//! command, the machine and the configuration, for tools and for later comparison.

use serde_json::{Value, json};

use super::Config;
use super::machine::Machine;
use super::report::targets;
use super::results::{PerCall, Results, VariantSet};
use super::stats::{Samples, Versus, ratio, round2};
use super::stdio_peers::{self, StdioPeers};

fn per_call_json(p: &PerCall) -> Value {
    json!({
        "cpu_us": p.cpu_us.map(round2),
        "context_switches": p.switches.map(round2),
        "threads": p.threads,
    })
}

fn samples_json(set: &VariantSet) -> Value {
    let variants: Vec<Value> = set
        .variants
        .iter()
        .map(|v| {
            json!({
                "label": v.label,
                "command": v.command,
                "latency": v.samples.to_json(),
                "vs_direct": Versus { direct: &set.direct, through: &v.samples }.to_json(),
                "startup_ms": round2(v.startup.as_secs_f64() * 1e3),
                "idle_rss_kib": v.idle_rss_kib,
                "idle_cpu_pct": v.idle_cpu_pct.map(round2),
                "gateway_per_call": per_call_json(&v.per_call),
                "detail": v.detail,
            })
        })
        .collect();
    json!({
        "direct": set.direct.to_json(),
        "direct_startup_ms": round2(set.direct_startup.as_secs_f64() * 1e3),
        "direct_server_per_call": per_call_json(&set.direct_per_call),
        "variants": variants,
        "notes": set.notes,
    })
}

fn stdio_peers_json(p: &StdioPeers) -> Value {
    match p {
        StdioPeers::Skipped(why) => json!({"label": stdio_peers::LABEL, "skipped": why}),
        StdioPeers::Measured {
            latency,
            throughput,
        } => {
            let rows: Vec<Value> = throughput
                .iter()
                .map(|t| {
                    json!({
                        "in_flight": t.in_flight,
                        "direct_calls_per_s": t.direct.round(),
                        "toolgate_calls_per_s": t.toolgate.round(),
                        "toolgate_ratio": round2(ratio(t.toolgate, t.direct)),
                        "peer_calls_per_s": t.peer.as_ref().ok().map(|p| p.round()),
                        "peer_ratio": t.peer.as_ref().ok().map(|p| round2(ratio(*p, t.direct))),
                        "peer_error": t.peer.as_ref().err(),
                    })
                })
                .collect();
            json!({
                "label": stdio_peers::LABEL,
                "sequential": samples_json(latency),
                "throughput": rows,
            })
        }
    }
}

pub fn json(cfg: &Config, machine: &Machine, r: &Results) -> Value {
    let main = r.main.as_ref().map(|m| {
        let throughput: Vec<Value> = m
            .throughput
            .iter()
            .map(|t| {
                json!({
                    "in_flight": t.in_flight,
                    "calls_per_round": t.calls_per_round,
                    "direct_calls_per_s": t.direct_rate.round(),
                    "through_calls_per_s": t.through_rate.round(),
                    "ratio": round2(ratio(t.through_rate, t.direct_rate)),
                    "relay_calls_per_s": t.relay_rate.map(f64::round),
                    "relay_ratio": t.relay_rate.map(|x| round2(ratio(x, t.direct_rate))),
                    "direct_rounds_calls_per_s": t.direct_rounds.iter().map(|x| x.round()).collect::<Vec<_>>(),
                    "through_rounds_calls_per_s": t.through_rounds.iter().map(|x| x.round()).collect::<Vec<_>>(),
                    "gateway_per_call": per_call_json(&t.gateway),
                    "direct_server_per_call": per_call_json(&t.server),
                    "gateway_rss_max_kib": t.gateway_rss_max_kib,
                })
            })
            .collect();
        let payload: Vec<Value> = m
            .payload
            .iter()
            .map(|p| {
                json!({
                    "bytes": p.bytes,
                    "direct": p.direct.to_json(),
                    "through": p.through.to_json(),
                    "vs_direct": Versus { direct: &p.direct, through: &p.through }.to_json(),
                    "relay": p.relay.as_ref().map(Samples::to_json),
                    "relay_vs_direct": p.relay.as_ref().map(|r| Versus { direct: &p.direct, through: r }.to_json()),
                })
            })
            .collect();
        let mem = &m.memory;
        json!({
            "gateway_command": m.gateway_command,
            "startup_ms": {
                "direct": round2(m.direct_startup.as_secs_f64() * 1e3),
                "through": round2(m.gateway_startup.as_secs_f64() * 1e3),
            },
            "sequential": m.latency.as_ref().map(samples_json),
            "throughput": throughput,
            "payload": payload,
            "memory_kib": {
                "gateway_idle_after_initialize": mem.gateway_idle_kib,
                "gateway_under_load_max": mem.gateway_load_max_kib,
                "gateway_idle_after_load": mem.gateway_after_load_kib,
                "gateway_hwm_after_load": mem.gateway_hwm_small_kib,
                "gateway_idle_after_payloads": mem.gateway_after_payload_kib,
                "gateway_hwm_after_payloads": mem.gateway_hwm_payload_kib,
                "server_idle": mem.server_idle_kib,
            },
        })
    });
    let targets: Vec<Value> = targets(r)
        .iter()
        .map(|t| json!({"target": t.name, "goal": t.target, "measured": t.measured, "status": t.status}))
        .collect();
    json!({
        "tool": "toolgate-bench",
        "version": env!("CARGO_PKG_VERSION"),
        "command": cfg.command_line,
        "started_unix": r.started_unix,
        "wall_seconds": round2(r.wall_seconds),
        "machine": machine.to_json(),
        "config": {
            "toolgate": cfg.toolgate.display().to_string(),
            "server": cfg.server.display().to_string(),
            "calls": cfg.calls,
            "warmup": cfg.warmup,
            "throughput_calls": cfg.throughput_calls,
            "rounds": cfg.rounds,
            "in_flight": cfg.in_flight,
            "payloads": cfg.payloads.iter().map(|(b, n)| json!({"bytes": b, "samples": n})).collect::<Vec<_>>(),
            "policy_sizes": [cfg.policy_sizes.0, cfg.policy_sizes.1],
            "redis": cfg.redis,
            "env": {"TOOLGATE_LOG": "warn"},
            "http": {
                "sessions": cfg.http.sessions,
                "window_s": cfg.http.window.as_secs_f64(),
                "payloads": cfg.http.payloads.iter().map(|(b, n)| json!({"bytes": b, "samples": n})).collect::<Vec<_>>(),
                "idle_sessions": cfg.http.idle_sessions,
                "peers": cfg.http.peers,
                "peers_dir": cfg.http.peers_dir.display().to_string(),
            },
        },
        "main": main,
        "policy_size": r.policy.as_ref().map(samples_json),
        "state_backends": r.state.as_ref().map(samples_json),
        "audit_and_pins": r.audit.as_ref().map(samples_json),
        "http": r.http.as_ref().map(super::http::report::json),
        "stdio_peers": r.stdio_peers.as_ref().map(stdio_peers_json),
        "targets": targets,
        "notes": r.notes,
    })
}
