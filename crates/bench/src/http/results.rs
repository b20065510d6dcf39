//! What the HTTP benchmark measured, as plain data for the report and the JSON. A target
//! that could not be measured (a peer not installed, a peer that refused a request) keeps
//! its row with the reason instead of figures, so the tables always show every target.

use std::time::Duration;

use super::super::stats::Samples;
use super::targets::Kind;

/// Figures, or why there are none.
pub type Outcome<T> = Result<T, String>;

/// Everything the HTTP sections measured.
#[derive(Debug, Default)]
pub struct HttpResults {
    /// Every target in report order, with its command or why it did not run.
    pub targets: Vec<TargetInfo>,
    pub latency: Vec<(Kind, Outcome<LatencyRow>)>,
    pub latency_calls: usize,
    pub throughput: Vec<Level>,
    pub payload: Vec<PayloadSize>,
    pub memory: Vec<(Kind, Outcome<Memory>)>,
    pub idle_sessions: usize,
    pub notes: Vec<String>,
}

impl HttpResults {
    pub fn latency_of(&self, kind: Kind) -> Option<&LatencyRow> {
        self.latency
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, r)| r.as_ref().ok())
    }

    pub fn memory_of(&self, kind: Kind) -> Option<&Memory> {
        self.memory
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, r)| r.as_ref().ok())
    }
}

#[derive(Debug, Clone)]
pub struct TargetInfo {
    pub kind: Kind,
    pub command: Option<String>,
    pub startup: Option<Duration>,
    /// Why it was left out of the run (not installed, failed to start or its checks).
    pub skipped: Option<String>,
}

/// CPU per call of each process taking part, µs (user + system).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuPerCall {
    /// This benchmark process (the HTTP client).
    pub client: Option<f64>,
    /// The process agents connect to: the gateway or bridge (the server itself for direct).
    pub front: Option<f64>,
    /// The server processes behind the front (upstream server or stdio children).
    pub server: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct LatencyRow {
    pub samples: Samples,
    pub cpu: CpuPerCall,
}

/// One concurrency level: every target with that many sessions.
#[derive(Debug, Clone)]
pub struct Level {
    pub sessions: usize,
    pub rows: Vec<(Kind, Outcome<Throughput>)>,
}

impl Level {
    pub fn rate_of(&self, kind: Kind) -> Option<f64> {
        self.rows
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, r)| r.as_ref().ok())
            .map(|t| t.rate)
    }
}

#[derive(Debug, Clone)]
pub struct Throughput {
    /// Calls completed inside the measuring windows, and the windows' total length.
    pub calls: usize,
    pub seconds: f64,
    pub rate: f64,
    /// calls/s of each round (rounds alternate between targets).
    pub rounds: Vec<f64>,
    pub cpu: CpuPerCall,
    /// The client's CPU over the windows, % of one core.
    pub client_core_pct: Option<f64>,
    pub front_rss_max_kib: Option<u64>,
    /// Round trips completed inside the windows (latency under load).
    pub latency: Samples,
}

/// One payload size: every target's round trips.
#[derive(Debug, Clone)]
pub struct PayloadSize {
    /// Bytes of `text` in `echo {"text": …}`; the result carries it twice.
    pub bytes: usize,
    pub rows: Vec<(Kind, Outcome<Samples>)>,
}

/// Resident memory with no session and with `sessions` idle sessions, KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub sessions: usize,
    pub front_idle_kib: u64,
    pub front_sessions_kib: u64,
    /// RSS growth of another fresh front with `sessions` sessions whose connections were
    /// closed after `initialize` (toolgate only).
    pub front_detached_kib: Option<u64>,
    /// The server processes behind the front (children, or toolgate's upstream server).
    pub server_idle_kib: u64,
    pub server_sessions_kib: u64,
    pub server_processes: usize,
}

impl Memory {
    /// (RSS(N) − RSS(0)) / N of the front process, KiB.
    pub fn front_per_session_kib(&self) -> f64 {
        (self.front_sessions_kib as f64 - self.front_idle_kib as f64) / self.sessions.max(1) as f64
    }

    /// What a session costs without the agent's connection, KiB (toolgate only).
    pub fn front_per_session_detached_kib(&self) -> Option<f64> {
        self.front_detached_kib
            .map(|k| k as f64 / self.sessions.max(1) as f64)
    }

    pub fn server_per_session_kib(&self) -> f64 {
        (self.server_sessions_kib as f64 - self.server_idle_kib as f64)
            / self.sessions.max(1) as f64
    }
}
