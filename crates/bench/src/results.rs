//! What a run measured, as plain data: the per-section results the scenarios produce and
//! the report renders, and the resource snapshots (`Usage`) they are computed from.

use std::time::Duration;

use super::machine::{context_switches, cpu_time};
use super::stats::Samples;

/// Everything one run measured.
#[derive(Debug, Default)]
pub struct Results {
    pub started_unix: u64,
    pub wall_seconds: f64,
    pub main: Option<MainResults>,
    pub policy: Option<VariantSet>,
    pub state: Option<VariantSet>,
    pub audit: Option<VariantSet>,
    pub http: Option<super::http::results::HttpResults>,
    pub stdio_peers: Option<super::stdio_peers::StdioPeers>,
    pub notes: Vec<String>,
}

/// What a process used over an interval (or, from [`Usage::now`], since it started).
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub cpu: Option<Duration>,
    pub switches: Option<u64>,
    pub threads: Option<usize>,
}

impl Usage {
    pub fn now(pid: u32) -> Usage {
        let switches = context_switches(pid);
        Usage {
            cpu: cpu_time(pid),
            switches: switches.map(|s| s.0),
            threads: switches.map(|s| s.1),
        }
    }

    /// The difference from `before` (threads: the current count).
    pub fn since(&self, before: &Usage) -> Usage {
        Usage {
            cpu: self.cpu.zip(before.cpu).map(|(a, b)| a.saturating_sub(b)),
            switches: self
                .switches
                .zip(before.switches)
                .map(|(a, b)| a.saturating_sub(b)),
            threads: self.threads,
        }
    }

    pub fn add(&mut self, other: &Usage) {
        self.cpu = self.cpu.zip(other.cpu).map(|(a, b)| a + b);
        self.switches = self.switches.zip(other.switches).map(|(a, b)| a + b);
        self.threads = self.threads.max(other.threads);
    }

    /// CPU µs per call.
    pub fn cpu_us_per(&self, calls: usize) -> Option<f64> {
        self.cpu
            .map(|d| d.as_secs_f64() * 1e6 / calls.max(1) as f64)
    }

    /// Context switches per call (all threads of the process).
    pub fn switches_per(&self, calls: usize) -> Option<f64> {
        self.switches.map(|n| n as f64 / calls.max(1) as f64)
    }

    /// CPU use over `window` in percent of one core.
    pub fn cpu_pct(&self, window: Duration) -> Option<f64> {
        self.cpu
            .map(|d| 100.0 * d.as_secs_f64() / window.as_secs_f64().max(1e-9))
    }
}

/// Per-call resource figures of one process over a timed run.
#[derive(Debug, Clone, Copy, Default)]
pub struct PerCall {
    pub cpu_us: Option<f64>,
    pub switches: Option<f64>,
    pub threads: Option<usize>,
}

impl PerCall {
    pub fn over(usage: &Usage, calls: usize) -> PerCall {
        PerCall {
            cpu_us: usage.cpu_us_per(calls),
            switches: usage.switches_per(calls),
            threads: usage.threads,
        }
    }
}

/// One gateway variant's figures.
#[derive(Debug, Clone)]
pub struct VariantResult {
    pub label: String,
    pub command: String,
    pub samples: Samples,
    pub startup: Duration,
    pub idle_rss_kib: Option<u64>,
    /// CPU use while idle after initialize, % of one core.
    pub idle_cpu_pct: Option<f64>,
    /// The gateway process over the timed calls.
    pub per_call: PerCall,
    pub detail: Option<String>,
}

/// A latency comparison: the direct baseline and the gateway variants, all interleaved.
#[derive(Debug, Clone)]
pub struct VariantSet {
    pub direct: Samples,
    pub direct_startup: Duration,
    /// The direct server process over the timed calls.
    pub direct_per_call: PerCall,
    pub variants: Vec<VariantResult>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ThroughputRow {
    pub in_flight: usize,
    pub calls_per_round: usize,
    pub direct_rounds: Vec<f64>,
    pub through_rounds: Vec<f64>,
    pub direct_rate: f64,
    pub through_rate: f64,
    /// Through the do-nothing relay, when it ran.
    pub relay_rate: Option<f64>,
    pub gateway_rss_max_kib: Option<u64>,
    pub gateway: PerCall,
    pub server: PerCall,
}

#[derive(Debug, Clone)]
pub struct PayloadRow {
    pub bytes: usize,
    pub direct: Samples,
    pub through: Samples,
    /// Through the do-nothing relay, when it ran.
    pub relay: Option<Samples>,
}

#[derive(Debug, Clone, Default)]
pub struct MemoryResults {
    pub gateway_idle_kib: Option<u64>,
    pub server_idle_kib: Option<u64>,
    pub gateway_load_max_kib: Option<u64>,
    pub gateway_after_load_kib: Option<u64>,
    pub gateway_hwm_small_kib: Option<u64>,
    pub gateway_after_payload_kib: Option<u64>,
    pub gateway_hwm_payload_kib: Option<u64>,
}

/// Sections 1–3 and 6: one direct session and one gateway with the one-rule policy.
#[derive(Debug, Clone, Default)]
pub struct MainResults {
    pub gateway_command: String,
    pub direct_startup: Duration,
    pub gateway_startup: Duration,
    pub latency: Option<VariantSet>,
    pub throughput: Vec<ThroughputRow>,
    pub payload: Vec<PayloadRow>,
    pub memory: MemoryResults,
}
