//! What the benchmark ran on, and the small probes it needs from the OS: the machine
//! (`/proc/cpuinfo`, `/proc/meminfo`, load average, `rustc --version`), a process's resident
//! memory (`/proc/PID/status`), whether Redis answers, a private temporary directory, and a
//! watchdog that ends a run that stopped making progress instead of letting it hang.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The machine, as recorded next to the figures.
#[derive(Debug, Clone)]
pub struct Machine {
    pub nproc: usize,
    pub cpu_model: String,
    pub mem_total_mib: Option<u64>,
    pub kernel: Option<String>,
    pub rustc: Option<String>,
    pub load_start: Option<String>,
    pub load_end: Option<String>,
    /// Whether this bench binary itself was built with optimisations.
    pub bench_profile: &'static str,
}

impl Machine {
    pub fn probe() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| {
                let (key, value) = l.split_once(':')?;
                (key.trim() == "model name").then(|| value.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let nproc = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let mem_total_mib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| status_field_kib(&m, "MemTotal:"))
            .map(|kib| kib / 1024);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .map(|s| s.trim().to_owned());
        let rustc = Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
        Machine {
            nproc,
            cpu_model,
            mem_total_mib,
            kernel,
            rustc,
            load_start: load_average(),
            load_end: None,
            bench_profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        }
    }

    /// One line for the human report.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("{} × {}", self.nproc, self.cpu_model)];
        if let Some(m) = self.mem_total_mib {
            parts.push(format!("{:.1} GiB RAM", m as f64 / 1024.0));
        }
        if let Some(k) = &self.kernel {
            parts.push(format!("Linux {k}"));
        }
        parts.push(
            self.rustc
                .clone()
                .unwrap_or_else(|| "rustc not found".to_owned()),
        );
        parts.push(format!("bench built {}", self.bench_profile));
        parts.join(", ")
    }

    pub fn to_json(&self) -> Value {
        json!({
            "nproc": self.nproc,
            "cpu_model": self.cpu_model,
            "mem_total_mib": self.mem_total_mib,
            "kernel": self.kernel,
            "rustc": self.rustc,
            "loadavg_start": self.load_start,
            "loadavg_end": self.load_end,
            "bench_profile": self.bench_profile,
        })
    }
}

/// The first three fields of `/proc/loadavg`.
pub fn load_average() -> Option<String> {
    let s = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// A `Key:   1234 kB` field of a `/proc` status-style file, in KiB.
fn status_field_kib(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Resident set size of `pid` (`VmRSS`), KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status_field_kib(&status, "VmRSS:")
}

/// Peak resident set size of `pid` so far (`VmHWM`), KiB.
pub fn hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status_field_kib(&status, "VmHWM:")
}

/// CPU time (user + system) `pid` has used so far, from `/proc/PID/stat`.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; fields after its ')' are plain.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state); utime and stime are fields 14 and 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let ticks = clock_ticks_per_second();
    Some(Duration::from_nanos(
        (utime + stime) * (1_000_000_000 / ticks),
    ))
}

/// CPU time of `pid` summed over its live threads from `/proc/PID/task/*/schedstat`, which
/// counts in nanoseconds: `/proc/PID/stat` counts in clock ticks (10 ms), too coarse for a
/// stdio child that serves a few hundred calls in a round. Threads that ended are missing
/// (tokio keeps its blocking threads for 10 s, longer than a round). Falls back to
/// [`cpu_time`] where schedstat is not available.
pub fn cpu_time_fine(pid: u32) -> Option<Duration> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return cpu_time(pid);
    };
    let mut total = 0u64;
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue; // the thread ended meanwhile
        };
        match stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok())
        {
            Some(ns) => total += ns,
            None => return cpu_time(pid),
        }
    }
    Some(Duration::from_nanos(total))
}

/// Context switches (voluntary + involuntary) summed over every thread of `pid`, and the
/// number of threads.
pub fn context_switches(pid: u32) -> Option<(u64, usize)> {
    let mut total = 0;
    let mut threads = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .ok()?
        .flatten()
    {
        let Ok(status) = std::fs::read_to_string(task.path().join("status")) else {
            continue; // the thread ended meanwhile
        };
        threads += 1;
        for key in ["voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"] {
            total += status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Some((total, threads))
}

/// Every process descended from `pid` (children, their children, …), from `/proc/*/stat`.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue; // it ended meanwhile
        };
        // Field 4 (ppid) follows the state, after the ')' that closes the command name.
        let ppid = stat
            .rfind(')')
            .and_then(|at| stat[at + 1..].split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parent_of.push((child, ppid));
        }
    }
    let mut found = Vec::new();
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        for &(child, ppid) in &parent_of {
            if ppid == p && !found.contains(&child) {
                found.push(child);
                frontier.push(child);
            }
        }
    }
    found
}

fn clock_ticks_per_second() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .filter(|&t: &u64| t > 0 && t <= 1_000_000_000)
            .unwrap_or(100)
    })
}

/// Samples `VmRSS` of a process every 5 ms on its own thread and keeps the maximum.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Option<u64>>,
}

impl RssSampler {
    pub fn start(pid: u32) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let mut max = rss_kib(pid);
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(5));
                max = max.max(rss_kib(pid));
            }
            max
        });
        RssSampler { stop, handle }
    }

    /// Stops sampling; the largest `VmRSS` seen, KiB.
    pub fn finish(self) -> Option<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().ok().flatten()
    }
}

/// The command line as typed, quoted for a POSIX shell where needed.
pub fn command_line() -> String {
    std::env::args()
        .map(|a| shell_quote(&a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@+%".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Whether a Redis at `url` (`redis://HOST:PORT/DB`) answers `PING`; `Err` says why not.
pub fn redis_ping(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("redis://")
        .ok_or_else(|| format!("`{url}` is not a redis:// URL"))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:6379")
    };
    let addr = host_port
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host_port}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host_port} resolves to nothing"))?;
    let timeout = Duration::from_millis(500);
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("cannot connect to {host_port}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).ok();
    stream.set_write_timeout(Some(timeout)).ok();
    stream
        .write_all(b"PING\r\n")
        .map_err(|e| format!("cannot write to {host_port}: {e}"))?;
    let mut answer = [0u8; 64];
    let n = stream
        .read(&mut answer)
        .map_err(|e| format!("no answer from {host_port}: {e}"))?;
    let answer = String::from_utf8_lossy(&answer[..n]);
    if answer.starts_with("+PONG") {
        Ok(())
    } else {
        Err(format!(
            "{host_port} answered PING with {:?}",
            answer.trim()
        ))
    }
}

/// A directory of our own under the system temp dir, removed on drop unless kept.
pub struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    pub fn new(keep: bool) -> std::io::Result<TempDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("toolgate-bench-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir { path, keep })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("toolgate-bench: kept {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A name no other run uses (Redis key prefixes).
pub fn unique_name(stem: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{stem}-{}-{nanos}", std::process::id())
}

fn epoch() -> &'static Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now)
}

static LAST_PROGRESS_MS: AtomicU64 = AtomicU64::new(0);
static STAGE: Mutex<String> = Mutex::new(String::new());

/// Marks progress (a response arrived); the watchdog only fires after a silence.
pub fn progress() {
    let ms = epoch().elapsed().as_millis() as u64;
    LAST_PROGRESS_MS.store(ms, Ordering::Relaxed);
}

/// Names what the run is doing, for the watchdog's message and the progress lines.
pub fn stage(name: &str) {
    progress();
    *STAGE.lock().unwrap_or_else(|p| p.into_inner()) = name.to_owned();
    eprintln!("toolgate-bench: {name}");
}

/// Exits the process (status 3) when nothing progressed for `limit`: a stuck pipe must not
/// hang a CI job. Children see EOF on their stdin when we exit, and stop.
pub fn start_watchdog(limit: Duration) {
    progress();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let now = epoch().elapsed().as_millis() as u64;
            let last = LAST_PROGRESS_MS.load(Ordering::Relaxed);
            if now.saturating_sub(last) > limit.as_millis() as u64 {
                let stage = STAGE.lock().unwrap_or_else(|p| p.into_inner()).clone();
                eprintln!(
                    "toolgate-bench: no progress for {limit:?} during `{stage}`; giving up \
                     (a session stopped answering)"
                );
                std::process::exit(3);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_fields() {
        let status = "Name:\ttoolgate\nVmHWM:\t   12345 kB\nVmRSS:\t    6789 kB\n";
        assert_eq!(status_field_kib(status, "VmRSS:"), Some(6789));
        assert_eq!(status_field_kib(status, "VmHWM:"), Some(12345));
        assert_eq!(status_field_kib(status, "VmSwap:"), None);
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_quote("--json"), "--json");
        assert_eq!(shell_quote("/tmp/b.json"), "/tmp/b.json");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn own_rss_and_cpu_are_readable() {
        assert!(rss_kib(std::process::id()).unwrap() > 0);
        assert!(cpu_time(std::process::id()).is_some());
        let (switches, threads) = context_switches(std::process::id()).unwrap();
        assert!(threads >= 1 && switches > 0);
    }
}
