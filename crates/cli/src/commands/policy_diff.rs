//! `toolgate policy diff OLD NEW`: what a policy change means (`toolgate_policy::diff`), one
//! line per change with its direction (looser, tighter, changed), then a summary.
//! Like `diff`, the exit code says whether there was a difference: 0 none in meaning,
//! 1 some, 2 a file could not be used.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use toolgate_policy::diff::{diff, summary};

use crate::commands::policy_file::read;

const EXIT_SAME: u8 = 0;
const EXIT_DIFFERENT: u8 = 1;
const EXIT_UNUSABLE: u8 = 2;

#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 no change in meaning, 1 changes, 2 a policy could not be read or is invalid."
)]
pub struct Args {
    /// The policy in force (any accepted format).
    old: PathBuf,
    /// The policy you mean to deploy.
    new: PathBuf,
    /// One JSON object instead of lines.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let load = |path: &PathBuf| {
        read(path).map(|(loaded, _)| loaded.policy).map_err(|f| {
            f.print();
        })
    };
    let (Ok(old), Ok(new)) = (load(&args.old), load(&args.new)) else {
        return ExitCode::from(EXIT_UNUSABLE);
    };
    let changes = diff(&old, &new);
    if args.json {
        let out = json!({
            "summary": summary(&changes),
            "changes": changes.iter().map(|c| json!({
                "direction": c.direction.as_str(),
                "subject": c.subject,
                "what": c.what,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        for c in &changes {
            println!("{c}");
        }
        println!("{}", summary(&changes));
    }
    ExitCode::from(if changes.is_empty() {
        EXIT_SAME
    } else {
        EXIT_DIFFERENT
    })
}
