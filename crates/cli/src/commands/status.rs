//! `toolgate status`: a terminal summary of what the gateway decided in a period, read from
//! the audit log (calls, allowed/denied, denials by reason, top tools, limits hit, latency,
//! the policy version last in force). The summary itself is built by `toolgate-audit`.
//! Like `toolgate audit`, it reads every chain of the default log's directory (or of a
//! directory given), merged by time; given one file, that chain.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use toolgate_audit::summarize_chains;
use toolgate_audit::time::parse_time_spec;

use crate::commands::audit::{chains_for, resolve_path};

#[derive(clap::Args)]
pub struct Args {
    /// The audit log, or a directory of chains (default: every chain in
    /// $XDG_DATA_HOME/toolgate: audit.jsonl and the audit-N.jsonl beside it).
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
    let chains: Vec<Vec<PathBuf>> = chains_for(args.audit.as_deref())?
        .into_iter()
        .map(|(_, files)| files)
        .collect();
    if !chains.iter().flatten().any(|f| f.exists()) {
        let path = match args.audit.as_deref() {
            Some(p) => p.to_path_buf(),
            None => resolve_path(None)?,
        };
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
    let summary = summarize_chains(&chains, since).context("reading the audit log")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print!("{}", summary.render());
    }
    Ok(())
}
