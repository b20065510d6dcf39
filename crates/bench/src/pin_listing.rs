//! `toolgate-bench --pin-listing`: what pinning costs a large server's `tools/list`, end to
//! end, for a series of tool counts (issue 17: pinning 8,000 tools took 95 s when every
//! listed tool rewrote the file and every check scanned every pin).
//!
//! For each count N the example server lists N generated tools beside its 15
//! (`--extra-tools`), behind `toolgate run` with a fresh pin file:
//!
//! * **first listing**: from spawn through `initialize` to the agent's `tools/list` answer,
//!   which waits for the gateway's own listing: every tool hashed and pinned, the file written
//!   once;
//! * **later listing**: the same session lists again (every tool hashed and checked);
//! * **next process**: a new gateway with those pins on disk, through its first listing (the
//!   gateway's own listing and the agent's, both checked against the pins);
//! * **pins off**: the first listing with `--pin-file off`, the floor.
//!
//! Medians of `runs` runs. The counts double, so a linear cost doubles from row to row.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

use super::BenchError;
use super::session::{Launch, Session};

/// Tool counts measured unless told otherwise.
pub const DEFAULT_COUNTS: [usize; 4] = [1_250, 2_500, 5_000, 10_000];

/// Where the binaries are and what to measure.
pub struct PinListing {
    pub toolgate: PathBuf,
    pub server: PathBuf,
    /// Generated tools beside the example server's 15.
    pub counts: Vec<usize>,
    pub runs: usize,
}

fn start(p: &PinListing, dir: &Path, pin_file: &Path, extra: usize) -> Result<Session, BenchError> {
    let policy = dir.join("policy.yaml");
    std::fs::write(&policy, "version: \"1\"\ndefault: allow\n")
        .map_err(|e| BenchError::new(format!("cannot write {}: {e}", policy.display())))?;
    let args: Vec<OsString> = vec![
        "run".into(),
        "--state".into(),
        "memory".into(),
        "--audit".into(),
        "off".into(),
        "--pin-file".into(),
        pin_file.as_os_str().to_owned(),
        "--policy".into(),
        policy.into(),
        "--".into(),
        p.server.as_os_str().to_owned(),
        "--extra-tools".into(),
        extra.to_string().into(),
    ];
    Session::start(Launch {
        label: format!("toolgate, {extra} extra tools"),
        program: p.toolgate.clone(),
        args,
        stderr_path: dir.join("gateway.stderr"),
        list_tools: false,
    })
}

fn list(session: &mut Session, expect: usize) -> Result<Duration, BenchError> {
    let started = Instant::now();
    let answer = session.request("tools/list", json!({}))?;
    let took = started.elapsed();
    let listed = answer
        .pointer("/result/tools")
        .and_then(|t| t.as_array())
        .map_or(0, Vec::len);
    if listed != expect {
        return Err(BenchError::new(format!(
            "the gateway listed {listed} tools, not {expect}"
        )));
    }
    Ok(took)
}

/// One round for `extra` generated tools: [first, later, next process, pins off].
fn round(p: &PinListing, dir: &Path, extra: usize) -> Result<[Duration; 4], BenchError> {
    let total = extra + 15;
    let pins = dir.join("pins.json");
    let _ = std::fs::remove_file(&pins);
    let first_of = |pin_file: &Path| -> Result<(Session, Duration), BenchError> {
        let started = Instant::now();
        let mut s = start(p, dir, pin_file, extra)?;
        list(&mut s, total)?;
        Ok((s, started.elapsed()))
    };
    let (mut s, first) = first_of(&pins)?;
    let later = list(&mut s, total)?;
    s.finish()?;
    let (s, next) = first_of(&pins)?;
    s.finish()?;
    let (s, off) = first_of(Path::new("off"))?;
    s.finish()?;
    Ok([first, later, next, off])
}

/// Runs every count; the report is a Markdown table.
pub fn run(p: &PinListing) -> Result<String, BenchError> {
    let dir = std::env::temp_dir().join(format!("toolgate-bench-pins-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| BenchError::new(format!("cannot create {}: {e}", dir.display())))?;
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let mut out = String::from(
        "| tools listed | first listing (pins every tool) | later listing, same session | next process (checks every tool) | first listing, --pin-file off |\n|---:|---:|---:|---:|---:|\n",
    );
    for &extra in &p.counts {
        let mut rounds = Vec::new();
        for _ in 0..p.runs.max(1) {
            rounds.push(round(p, &dir, extra)?);
        }
        let median = |i: usize| {
            let mut v: Vec<Duration> = rounds.iter().map(|r| r[i]).collect();
            v.sort();
            v[v.len() / 2]
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            extra + 15,
            ms(median(0)),
            ms(median(1)),
            ms(median(2)),
            ms(median(3))
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(out)
}
