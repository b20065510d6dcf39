//! `toolgate pin [--pin-file FILE] [--server-name NAME] [--accept [KEY/]TOOL]… [--accept-all]
//! [--check] [-- COMMAND…]`: the tool lockfile. Runs the server, lists its tools and compares
//! them with their pins (`toolgate_catalog::PinFile`, by SHA-256 of the canonical definition),
//! filed under the server's key (`serverInfo.name` and the command line, or `--server-name`),
//! as the gateway files them.
//!
//! * Without a command: shows the pins in the file, server by server. Writes nothing.
//! * Without flags: a server with no pins yet has every tool pinned (trust on first use, as
//!   the gateway does). After that, a new or changed tool is shown (a word diff of the
//!   description, a path diff of the schemas, the whole definition of a new tool) and not
//!   accepted; the exit code is 1 until it is, by name (`--accept TOOL`, or `--accept
//!   KEY/TOOL` to name the server too) or wholesale (`--accept-all`). A changed description is
//!   how a "rug pull" starts.
//! * `--check`: writes nothing; exit 1 when a tool changed or is not pinned yet.
//! * Tools that are pinned but no longer listed are reported and keep their pin, so a tool
//!   that disappears and comes back changed is still caught.
//! * A version 1 pin file (one flat map, before pins were per server) is claimed by the
//!   server run and written back as version 2.
//!
//! The pin file defaults to `toolgate.pins.json` in the current directory.
//! Exit codes: 0 done (no new or changed tool left unaccepted); 1 a new or changed tool not
//! accepted, or the server could not be run or listed; 2 a usage error, an `--accept` of a
//! tool the server does not list, or a pin file that can't be read or written.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use serde_json::Value;
use toolgate_catalog::pin::{DEFAULT_PIN_FILE, LEGACY_KEY, ServerPins, server_key, stdio_reach};
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
    /// The key the server's pins are filed under, as given to `toolgate run --server-name`.
    /// Default: the server's `serverInfo.name` and its command line.
    #[arg(long, value_name = "NAME", value_parser = parse_server_name)]
    server_name: Option<String>,
    /// Pin the current definition of TOOL (new or changed) after reviewing it (repeatable).
    /// `KEY/TOOL` names the server too (its key, as `toolgate pin` shows it).
    #[arg(long, value_name = "TOOL")]
    accept: Vec<String>,
    /// Pin the current definition of every listed tool.
    #[arg(long, conflicts_with = "accept")]
    accept_all: bool,
    /// Only compare, write nothing: exit 1 if a tool changed or is not pinned yet.
    #[arg(long, conflicts_with_all = ["accept", "accept_all"])]
    check: bool,
    /// Seconds to wait for each answer from the server.
    #[arg(long, value_name = "SECONDS", default_value_t = mcp_client::DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// The MCP server to run (stdio), after `--`. Without it, the pins are shown.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

fn parse_server_name(s: &str) -> Result<String, String> {
    toolgate_catalog::pin::check_operator_name(s)?;
    Ok(s.to_owned())
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
    let done = if args.command.is_empty() {
        show(&args)
    } else {
        pin(&args)
    };
    match done {
        Ok(code) => code,
        Err(f) => {
            eprintln!("toolgate pin: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Without a command: every server's pins.
fn show(args: &Args) -> Result<ExitCode, Failure> {
    if !args.accept.is_empty() || args.accept_all || args.check {
        return Err(Failure::new(
            EXIT_USAGE,
            "--accept, --accept-all and --check need the server: give its command after `--`, so its current definitions can be read",
        ));
    }
    let path = &args.pin_file;
    if !path.exists() {
        println!("no pin file at {}", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let pins = PinFile::load(path).map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
    println!(
        "pin file {}: {} server{}",
        path.display(),
        pins.servers.len(),
        if pins.servers.len() == 1 { "" } else { "s" }
    );
    for (key, server) in &pins.servers {
        let mut about = vec![format!("{} tools", server.tools.len())];
        if let Some(name) = &server.server_name {
            about.push(format!("serverInfo.name {}", printable(name)));
        }
        if let Some(reached) = &server.reached {
            about.push(format!("reached by {}", printable(reached)));
        }
        if key == LEGACY_KEY {
            about.push("from a version 1 file; the next server pinned or run claims them".into());
        }
        println!("server {}  ({})", printable(key), about.join("; "));
        let width = name_width(server.tools.keys().map(String::as_str));
        for (name, pin) in &server.tools {
            println!(
                "  {:<width$}  sha256 {}  pinned since {}",
                printable(name),
                short_hash(&pin.sha256),
                printable(&pin.first_seen)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Which tools `--accept` names, once a `KEY/` prefix naming this server is taken off.
fn accepted_names(args: &Args, key: &str, pins: &PinFile) -> Result<Vec<String>, Failure> {
    let mut names = Vec::new();
    for wanted in &args.accept {
        if let Some(tool) = wanted.strip_prefix(key).and_then(|r| r.strip_prefix('/')) {
            names.push(tool.to_owned());
            continue;
        }
        if let Some(other) = pins
            .servers
            .keys()
            .find(|k| wanted.starts_with(&format!("{k}/")))
        {
            return Err(Failure::new(
                EXIT_USAGE,
                format!(
                    "`{}` names the server `{}`, but the server run here is filed as `{}`; run that server, or give --server-name",
                    printable(wanted),
                    printable(other),
                    printable(key)
                ),
            ));
        }
        names.push(wanted.clone());
    }
    Ok(names)
}

fn pin(args: &Args) -> Result<ExitCode, Failure> {
    let path = &args.pin_file;
    // The pin file first: a broken lockfile should not cost a server start.
    let existed = path.exists();
    let mut pins =
        PinFile::load_or_new(path).map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
    let (info, listed) = list(&args.command, args.timeout)?;
    let reached = stdio_reach(&args.command);
    let key = server_key(args.server_name.as_deref(), Some(&info.name), &reached);
    let tools = distinct_tools(listed, "toolgate pin");
    let names: BTreeSet<&str> = tools.iter().filter_map(tool_name).collect();
    let accept_names = accepted_names(args, &key, &pins)?;
    for wanted in &accept_names {
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
    let migrated = pins.claim_legacy(&key);
    let operator_named = args.server_name.is_some();
    let first_use = pins.first_use(&key, (!operator_named).then_some(reached.as_str()));
    println!(
        "{}: {} tools; server {}; pin file {}",
        printable(&info.to_string()),
        tools.len(),
        printable(&key),
        path.display()
    );
    if let Err(why) = &first_use
        && pins.server(&key).is_none_or(|s| s.tools.is_empty())
    {
        // A server renamed under a pinned command line, or unclaimed version 1 pins.
        println!(
            "  (not pinning on first sight: {}; review every tool below)",
            printable(why)
        );
    }
    let first_use = first_use.is_ok();
    if migrated {
        println!(
            "  (version 1 pins claimed by this server; the file is written back as version 2)"
        );
    }
    let empty = ServerPins::default();
    let drifts = pins.server(&key).unwrap_or(&empty).check(&tools);
    if args.check {
        return Ok(report_check(&drifts, tools.len(), existed, path));
    }

    let accepts = |name: &str| args.accept_all || accept_names.iter().any(|a| a == name);
    let width = name_width(
        drifts
            .iter()
            .map(|d| d.tool.as_str())
            .chain(accept_names.iter().map(String::as_str)),
    );
    let mut counts = Counts::default();
    let entry = pins.server_mut(&key);
    if first_use {
        entry.server_name = (!operator_named).then(|| info.name.clone());
        entry.reached = Some(reached.clone());
    }
    for drift in &drifts {
        let name = format!("{:<width$}", printable(&drift.tool));
        let tool = tools
            .iter()
            .find(|t| tool_name(t) == Some(drift.tool.as_str()));
        match (drift.kind, tool) {
            (DriftKind::New, Some(tool)) if first_use || accepts(&drift.tool) => {
                accept(entry, tool)?;
                counts.pinned += 1;
                println!(
                    "  pinned    {name}  (new; sha256 {})",
                    short_hash(&canonical_hash(tool))
                );
            }
            (DriftKind::New, Some(_)) => {
                counts.new += 1;
                println!("  NEW       {name}  is not pinned; NOT accepted");
                print_diff(drift);
            }
            (DriftKind::Changed, Some(tool)) if accepts(&drift.tool) => {
                accept(entry, tool)?;
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
    for name in &accept_names {
        if !drifts.iter().any(|d| &d.tool == name) {
            println!(
                "  unchanged {:<width$}  already matches its pin",
                printable(name)
            );
        }
    }
    let wrote = counts.pinned + counts.accepted > 0 || !existed || migrated;
    if wrote {
        pins.save(path)
            .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
    }
    let unchanged = tools.len() - counts.pinned - counts.accepted - counts.changed - counts.new;
    println!(
        "{unchanged} unchanged, {} newly pinned, {} accepted, {} changed and not accepted, {} new and not accepted, {} no longer listed; {}",
        counts.pinned,
        counts.accepted,
        counts.changed,
        counts.new,
        counts.removed,
        if wrote {
            format!("wrote {}", path.display())
        } else {
            "pin file not modified".to_owned()
        }
    );
    if counts.changed + counts.new > 0 {
        println!(
            "Review each tool above; a description can carry instructions to the model. \
             Accept one with `toolgate pin --accept TOOL -- …`; running gateways pick up accepted pins without a restart."
        );
        crate::pipe::verdict(EXIT_FAILED);
        return Ok(ExitCode::from(EXIT_FAILED));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Default)]
struct Counts {
    pinned: usize,
    new: usize,
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

fn accept(pins: &mut ServerPins, tool: &Value) -> Result<(), Failure> {
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
pub fn pin_all(pins: &mut ServerPins, tools: &[Value]) -> Result<PinAll, Failure> {
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
        let mut pins = ServerPins::default();
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
