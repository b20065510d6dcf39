//! `toolgate scan [--format yaml|json|markdown] [--output FILE] [--pin-file FILE] -- COMMAND…`:
//! where a policy starts. Runs the server, lists every tool (all `tools/list` pages),
//! classifies each one (`toolgate_catalog::classify`) and prints the scaffold: a commented
//! native YAML policy that `toolgate validate` accepts, its PolicyLayer JSON equivalent, or
//! a Markdown report. A header names the server, the date and the command scanned (in JSON,
//! which has no comments, that is the `description`). With `--pin-file` every listed tool
//! is also pinned, so the gateway can later tell when one changes.
//!
//! `--upstream URL` (an HTTP server) is reserved and refused for now.
//! Exit codes: 0 done; 1 the server could not be run or listed; 2 a usage error, or an
//! output or pin file that can't be read or written.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use serde_json::Value;
use toolgate_catalog::pin::rfc3339_utc;
use toolgate_catalog::{Format, PinFile, scaffold};

use crate::commands::mcp_client::{self, ServerInfo, printable};
use crate::commands::pin::{EXIT_USAGE, Failure, distinct_tools, list, pin_all};

#[derive(clap::Args)]
pub struct Args {
    /// What to print: `yaml` (a commented native policy), `json` (PolicyLayer JSON) or
    /// `markdown` (a report, one table per category).
    #[arg(long, value_name = "FORMAT", default_value = "yaml", value_parser = parse_format)]
    format: Format,
    /// Write to FILE instead of stdout (replacing it).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also pin every listed tool in this pin file (created when missing; changed tools are
    /// re-approved, and their changes shown on stderr).
    #[arg(long, value_name = "FILE")]
    pin_file: Option<PathBuf>,
    /// With `--pin-file`: the key the server's pins are filed under, as given to
    /// `toolgate run --server-name` (default: its `serverInfo.name` and command line).
    #[arg(long, value_name = "NAME", requires = "pin_file", value_parser = parse_server_name)]
    server_name: Option<String>,
    /// Seconds to wait for each answer from the server.
    #[arg(long, value_name = "SECONDS", default_value_t = mcp_client::DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Scan a server over HTTP instead of running one (not supported yet).
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// The MCP server to run (stdio), after `--`.
    #[arg(
        last = true,
        value_name = "COMMAND",
        required_unless_present = "upstream"
    )]
    command: Vec<OsString>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_server_name(s: &str) -> Result<String, String> {
    toolgate_catalog::pin::check_operator_name(s)?;
    Ok(s.to_owned())
}

pub fn run(args: Args) -> ExitCode {
    match scan(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("toolgate scan: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn scan(args: &Args) -> Result<(), Failure> {
    if args.upstream.is_some() {
        return Err(Failure::new(
            EXIT_USAGE,
            "HTTP upstreams are not supported yet; give the server's stdio command after `--` instead",
        ));
    }
    // The pin file first: a broken lockfile should not cost a server start.
    let mut pins = match &args.pin_file {
        Some(path) => {
            Some(PinFile::load_or_new(path).map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?)
        }
        None => None,
    };
    let (info, tools) = list(&args.command, args.timeout)?;
    let now = rfc3339_utc(SystemTime::now());
    let text = with_header(
        scaffold(&tools, args.format),
        args.format,
        &info,
        &now,
        &display_command(&args.command),
    );
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| {
                Failure::new(EXIT_USAGE, format!("cannot write {}: {e}", path.display()))
            })?;
            eprintln!(
                "toolgate scan: {} tools from {} written to {}",
                tools.len(),
                printable(&info.to_string()),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    if let (Some(pins), Some(path)) = (pins.as_mut(), &args.pin_file) {
        let tools = distinct_tools(tools, "toolgate scan");
        let reached = toolgate_catalog::pin::stdio_reach(&args.command);
        let key = toolgate_catalog::pin::server_key(
            args.server_name.as_deref(),
            Some(&info.name),
            &reached,
        );
        pins.claim_legacy(&key);
        let entry = pins.server_mut(&key);
        if entry.tools.is_empty() {
            entry.server_name = args.server_name.is_none().then(|| info.name.clone());
            entry.reached = Some(reached);
        }
        let summary = pin_all(entry, &tools)?;
        pins.save(path)
            .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
        for drift in &summary.changed {
            eprintln!(
                "toolgate scan: warning: `{}` changed since it was pinned; the new definition is now pinned:",
                printable(&drift.tool)
            );
            for line in drift.diff.lines() {
                eprintln!("      {}", printable(line));
            }
        }
        eprintln!(
            "toolgate scan: pinned {} tools of {} in {} ({} new, {} changed and re-approved, {} unchanged)",
            tools.len(),
            printable(&key),
            path.display(),
            summary.new,
            summary.changed.len(),
            summary.unchanged
        );
    }
    Ok(())
}

/// The scaffold with a header naming the server, the time and the command: two comment
/// lines in YAML, the `description` in JSON, a line under the title in Markdown.
fn with_header(
    body: String,
    format: Format,
    info: &ServerInfo,
    now: &str,
    command: &str,
) -> String {
    let server = printable(&info.to_string());
    match format {
        Format::Yaml => {
            format!("# Scanned {server} on {now}\n# Command: toolgate scan -- {command}\n{body}")
        }
        Format::Json => {
            let Ok(Value::Object(mut doc)) = serde_json::from_str::<Value>(&body) else {
                return body;
            };
            doc.insert(
                "description".into(),
                Value::String(format!(
                    "Scaffold for {server}, scanned on {now} with `toolgate scan -- {command}`"
                )),
            );
            let mut text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or(body);
            text.push('\n');
            text
        }
        Format::Markdown => {
            let code = |s: &str| format!("`{}`", s.replace('`', "'"));
            let line = format!(
                "Server {}, scanned on {now} with {}.",
                code(&server),
                code(&format!("toolgate scan -- {command}"))
            );
            match body.split_once('\n') {
                Some((title, rest)) => format!("{title}\n\n{line}\n{rest}"),
                None => format!("{line}\n\n{body}"),
            }
        }
    }
}

/// The command as a shell would need it typed, on one line (see [`printable`]).
fn display_command(command: &[OsString]) -> String {
    command
        .iter()
        .map(|arg| {
            let arg = printable(&arg.to_string_lossy());
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_./:=@%+,".contains(c));
            if plain {
                arg
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> ServerInfo {
        ServerInfo {
            name: "srv\nversion: 9".into(),
            version: "1.0".into(),
            protocol: "2025-06-18".into(),
        }
    }

    #[test]
    fn commands_are_shown_as_typed() {
        let cmd: Vec<OsString> = ["npx", "-y", "@scope/server", "two words", "it's", "a\nb"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(
            display_command(&cmd),
            r"npx -y @scope/server 'two words' 'it'\''s' 'a\u{a}b'"
        );
    }

    #[test]
    fn yaml_header_stays_in_comments() {
        let out = with_header(
            "version: \"1\"\n".into(),
            Format::Yaml,
            &info(),
            "NOW",
            "cmd",
        );
        assert_eq!(
            out,
            "# Scanned srv\\u{a}version: 9 1.0 (MCP 2025-06-18) on NOW\n# Command: toolgate scan -- cmd\nversion: \"1\"\n"
        );
    }

    #[test]
    fn json_header_is_the_description() {
        let out = with_header(
            "{\"default\": \"deny\", \"tools\": {}, \"version\": \"1\"}".into(),
            Format::Json,
            &info(),
            "NOW",
            "cmd",
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v["description"],
            "Scaffold for srv\\u{a}version: 9 1.0 (MCP 2025-06-18), scanned on NOW with `toolgate scan -- cmd`"
        );
        assert_eq!(v["default"], "deny");
    }

    #[test]
    fn markdown_header_goes_under_the_title() {
        let out = with_header(
            "# Title\n\nbody\n".into(),
            Format::Markdown,
            &info(),
            "NOW",
            "c`md",
        );
        assert_eq!(
            out,
            "# Title\n\nServer `srv\\u{a}version: 9 1.0 (MCP 2025-06-18)`, scanned on NOW with `toolgate scan -- c'md`.\n\nbody\n"
        );
    }
}
