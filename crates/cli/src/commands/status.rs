//! `toolgate status`: a terminal summary of what the gateway decided in a period, read from
//! the audit log (calls, allowed/denied, denials by reason, top tools, limits hit, latency,
//! the policy version last in force). The summary itself is built by `toolgate-audit`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use toolgate_audit::time::parse_time_spec;
use toolgate_audit::{chain_files, summarize_files};

use crate::commands::audit::resolve_path;

#[derive(clap::Args)]
pub struct Args {
    /// The audit log (default: $XDG_DATA_HOME/toolgate/audit.jsonl).
    #[arg(long, value_name = "PATH")]
    audit: Option<PathBuf>,
    /// The period: an age (15m, 1h, 7d) or an RFC 3339 time; `all` for the whole log.
    #[arg(long, default_value = "24h")]
    since: String,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> ExitCode {
    match status(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("toolgate status: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn status(args: &Args) -> Result<()> {
    let path = resolve_path(args.audit.as_deref())?;
    if !path.exists() && chain_files(&path).map(|f| f.len() <= 1).unwrap_or(true) {
        anyhow::bail!(
            "no audit log at {} (start the gateway with --audit {} or pass --audit PATH)",
            path.display(),
            path.display()
        );
    }
    let since = match args.since.as_str() {
        "all" => None,
        s => Some(parse_time_spec(s, SystemTime::now())?),
    };
    let files =
        chain_files(&path).with_context(|| format!("listing the files of {}", path.display()))?;
    let summary = summarize_files(&files, since)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.render());
    }
    Ok(())
}
