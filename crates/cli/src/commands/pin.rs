//! `toolgate pin [--pin-file FILE] [--accept TOOL]… [--accept-all] [--check] -- COMMAND…`:
//! the tool lockfile. Runs the server, lists its tools and compares them with their pins
//! (`toolgate_catalog::PinFile`, by SHA-256 of the canonical definition).
//!
//! * Without flags: pins every tool seen for the first time, and reports each pinned tool
//!   whose definition changed (a word diff of the description, a path diff of the schemas)
//!   without accepting it. A changed description is how a "rug pull" starts, so a change is
//!   only ever accepted by name (`--accept TOOL`) or wholesale (`--accept-all`).
//! * `--check`: writes nothing; exit 1 when a tool changed or is not pinned yet.
//! * Tools that are pinned but no longer listed are reported and keep their pin, so a tool
//!   that disappears and comes back changed is still caught.
//!
//! The pin file defaults to `toolgate.pins.json` in the current directory.
//! Exit codes: 0 done (under `--check`: no drift); 1 drift under `--check`, or the server
//! could not be run or listed; 2 a usage error, an `--accept` of a tool the server does not
//! list, or a pin file that can't be read or written.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;
use toolgate_catalog::pin::DEFAULT_PIN_FILE;
use toolgate_catalog::{Drift, DriftKind, PinFile, canonical_hash};

use crate::commands::mcp_client::{self, ServerInfo, printable};

/// Drift found under `--check`, or the server failed.
pub const EXIT_FAILED: u8 = 1;
/// Usage errors and unusable files.
pub const EXIT_USAGE: u8 = 2;

#[derive(clap::Args)]
pub struct Args {
    /// The pin file (lockfile), created when missing; the default is in the current directory.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_PIN_FILE)]
    pin_file: PathBuf,
    /// Re-approve the current definition of TOOL after reviewing its change (repeatable).
    #[arg(long, value_name = "TOOL")]
    accept: Vec<String>,
    /// Re-approve the current definition of every listed tool.
    #[arg(long, conflicts_with = "accept")]
    accept_all: bool,
    /// Only compare, write nothing: exit 1 if a tool changed or is not pinned yet.
    #[arg(long, conflicts_with_all = ["accept", "accept_all"])]
    check: bool,
    /// Seconds to wait for each answer from the server.
    #[arg(long, value_name = "SECONDS", default_value_t = mcp_client::DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// The MCP server to run (stdio), after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

/// Why a command stopped: the exit code and the message for stderr.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

pub fn run(args: Args) -> ExitCode {
    match pin(&args) {
        Ok(code) => code,
        Err(f) => {
            eprintln!("toolgate pin: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn pin(args: &Args) -> Result<ExitCode, Failure> {
    let path = &args.pin_file;
    // The pin file first: a broken lockfile should not cost a server start.
    let existed = path.exists();
    let mut pins =
        PinFile::load_or_new(path).map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
    let (info, listed) = list(&args.command, args.timeout)?;
    let tools = distinct_tools(listed, "toolgate pin");
    let names: BTreeSet<&str> = tools.iter().filter_map(tool_name).collect();
    for wanted in &args.accept {
        if !names.contains(wanted.as_str()) {
            return Err(Failure::new(
                EXIT_USAGE,
                format!(
                    "the server does not list a tool named `{}`, so there is nothing to accept; it lists: {}",
                    printable(wanted),
                    printable(&names.iter().copied().collect::<Vec<_>>().join(", "))
                ),
            ));
        }
    }
    println!(
        "{}: {} tools; pin file {}",
        printable(&info.to_string()),
        tools.len(),
        path.display()
    );
    let drifts = pins.check(&tools);
    if args.check {
        return Ok(report_check(&drifts, tools.len(), existed, path));
    }

    let accepts = |name: &str| args.accept_all || args.accept.iter().any(|a| a == name);
    let width = name_width(
        drifts
            .iter()
            .map(|d| d.tool.as_str())
            .chain(args.accept.iter().map(String::as_str)),
    );
    let mut counts = Counts::default();
    for drift in &drifts {
        let name = format!("{:<width$}", printable(&drift.tool));
        let tool = tools
            .iter()
            .find(|t| tool_name(t) == Some(drift.tool.as_str()));
        match (drift.kind, tool) {
            (DriftKind::New, Some(tool)) => {
                accept(&mut pins, tool)?;
                counts.pinned += 1;
                println!(
                    "  pinned    {name}  (new; sha256 {})",
                    short_hash(&canonical_hash(tool))
                );
            }
            (DriftKind::Changed, Some(tool)) if accepts(&drift.tool) => {
                accept(&mut pins, tool)?;
                counts.accepted += 1;
                println!("  accepted  {name}  (changed; the new definition is pinned)");
                print_diff(drift);
            }
            (DriftKind::Changed, _) => {
                counts.changed += 1;
                println!("  CHANGED   {name}  differs from its pin; NOT accepted");
                print_diff(drift);
            }
            (DriftKind::Removed, _) => {
                counts.removed += 1;
                println!(
                    "  removed   {name}  {}; its pin is kept",
                    printable(&drift.diff)
                );
            }
            (DriftKind::New, None) => {}
        }
    }
    for name in &args.accept {
        if !drifts.iter().any(|d| &d.tool == name) {
            println!(
                "  unchanged {:<width$}  already matches its pin",
                printable(name)
            );
        }
    }
    let wrote = counts.pinned + counts.accepted > 0 || !existed;
    if wrote {
        pins.save(path)
            .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
    }
    let unchanged = tools.len() - counts.pinned - counts.accepted - counts.changed;
    println!(
        "{unchanged} unchanged, {} newly pinned, {} accepted, {} changed and not accepted, {} no longer listed; {}",
        counts.pinned,
        counts.accepted,
        counts.changed,
        counts.removed,
        if wrote {
            format!("wrote {}", path.display())
        } else {
            "pin file not modified".to_owned()
        }
    );
    if counts.changed > 0 {
        println!(
            "Review each change above; a changed description can carry instructions to the model. \
             Accept one with `toolgate pin --accept TOOL -- …`."
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Default)]
struct Counts {
    pinned: usize,
    accepted: usize,
    changed: usize,
    removed: usize,
}

/// `--check`: every drift, then the verdict.
fn report_check(drifts: &[Drift], listed: usize, existed: bool, path: &Path) -> ExitCode {
    if drifts.iter().any(|d| d.kind != DriftKind::Removed) {
        crate::pipe::verdict(EXIT_FAILED);
    }
    if !existed {
        println!(
            "  (no pin file at {}: every tool counts as not pinned; run `toolgate pin` to pin them)",
            path.display()
        );
    }
    let (mut changed, mut new) = (0, 0);
    let width = name_width(drifts.iter().map(|d| d.tool.as_str()));
    for drift in drifts {
        let name = format!("{:<width$}", printable(&drift.tool));
        match drift.kind {
            DriftKind::Changed => {
                changed += 1;
                println!("  CHANGED   {name}  differs from its pin");
                print_diff(drift);
            }
            DriftKind::New => {
                new += 1;
                println!("  NEW       {name}  is not pinned");
            }
            DriftKind::Removed => {
                println!("  removed   {name}  {}", printable(&drift.diff));
            }
        }
    }
    if changed + new == 0 {
        println!("no drift: all {listed} listed tools match their pins");
        ExitCode::SUCCESS
    } else {
        println!(
            "drift: {changed} changed, {new} not pinned; review, then run `toolgate pin` (pins new tools) \
             or `toolgate pin --accept TOOL` (accepts a change)"
        );
        ExitCode::from(EXIT_FAILED)
    }
}

fn print_diff(drift: &Drift) {
    if drift.diff.trim().is_empty() {
        println!(
            "      (the pinned definition matches but its hash does not: the pin file was edited by hand)"
        );
    }
    for line in drift.diff.lines() {
        println!("      {}", printable(line));
    }
}

fn accept(pins: &mut PinFile, tool: &Value) -> Result<(), Failure> {
    pins.accept(tool)
        .map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))
}

/// Runs the server and lists its tools; a failure exits 1.
pub fn list(command: &[OsString], timeout_s: u64) -> Result<(ServerInfo, Vec<Value>), Failure> {
    mcp_client::list_tools(command, Duration::from_secs(timeout_s))
        .map_err(|e| Failure::new(EXIT_FAILED, e))
}

/// How pinning every listed tool went (`toolgate scan --pin-file`).
#[derive(Debug, Default)]
pub struct PinAll {
    pub new: usize,
    pub changed: Vec<Drift>,
    pub unchanged: usize,
}

/// Pins every tool in `tools` (already passed through [`distinct_tools`]), re-approving
/// changed ones; the changes are returned so the caller can show them.
pub fn pin_all(pins: &mut PinFile, tools: &[Value]) -> Result<PinAll, Failure> {
    let mut summary = PinAll::default();
    let drifts = pins.check(tools);
    for tool in tools {
        let Some(name) = tool_name(tool) else {
            continue;
        };
        match drifts.iter().find(|d| d.tool == name).map(|d| (d.kind, d)) {
            Some((DriftKind::New, _)) => summary.new += 1,
            Some((DriftKind::Changed, d)) => summary.changed.push(d.clone()),
            _ => summary.unchanged += 1,
        }
        accept(pins, tool)?;
    }
    Ok(summary)
}

/// The tools worth pinning: those with a string name, each name once (the first definition,
/// as the scaffold uses). What was left out is reported on stderr under `prefix`.
pub fn distinct_tools(tools: Vec<Value>, prefix: &str) -> Vec<Value> {
    let mut seen = BTreeSet::new();
    let mut kept = Vec::with_capacity(tools.len());
    for (i, tool) in tools.into_iter().enumerate() {
        match tool_name(&tool) {
            None => eprintln!("{prefix}: warning: tools[{i}] has no string `name`; skipped"),
            Some(name) if !seen.insert(name.to_owned()) => eprintln!(
                "{prefix}: warning: the server lists `{}` more than once; only its first definition is pinned",
                printable(name)
            ),
            Some(_) => kept.push(tool),
        }
    }
    kept
}

/// Column width for tool names in a report, so the explanations line up (capped, so one
/// very long name does not push every line off the screen).
fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names
        .map(|n| printable(n).chars().count())
        .max()
        .unwrap_or(0)
        .min(40)
}

fn tool_name(tool: &Value) -> Option<&str> {
    tool.get("name").and_then(Value::as_str)
}

fn short_hash(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn distinct_tools_keeps_the_first_definition_of_each_name() {
        let tools = vec![
            json!({"name": "a", "description": "first"}),
            json!({"description": "nameless"}),
            json!({"name": "a", "description": "second"}),
            json!({"name": "b"}),
        ];
        let kept = distinct_tools(tools, "test");
        assert_eq!(
            kept,
            vec![
                json!({"name": "a", "description": "first"}),
                json!({"name": "b"})
            ]
        );
    }

    #[test]
    fn pin_all_counts_new_changed_and_unchanged() {
        let mut pins = PinFile::new();
        pins.accept_at(
            &json!({"name": "a", "description": "old"}),
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
        pins.accept_at(&json!({"name": "b"}), "2026-01-01T00:00:00Z")
            .unwrap();
        let tools = [
            json!({"name": "a", "description": "new"}),
            json!({"name": "b"}),
            json!({"name": "c"}),
        ];
        let summary = pin_all(&mut pins, &tools).unwrap();
        assert_eq!((summary.new, summary.unchanged), (1, 1));
        assert_eq!(summary.changed.len(), 1);
        assert_eq!(summary.changed[0].tool, "a");
        assert!(pins.check(&tools).is_empty());
        assert_eq!(pins.get("a").unwrap().first_seen, "2026-01-01T00:00:00Z");
    }
}
