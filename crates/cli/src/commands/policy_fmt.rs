//! `toolgate policy fmt FILE`: the policy in canonical native YAML, whatever its format,
//! with its comments kept (each beside the part it annotates, or before the nearest
//! enclosing part when the canonical form prints that part differently).

use std::path::PathBuf;
use std::process::ExitCode;

use toolgate_policy::fmt::to_native_yaml_with_comments;

use crate::commands::policy_file::{EXIT_INVALID, read_with_text};

#[derive(clap::Args)]
pub struct Args {
    /// Policy file in any accepted format.
    file: PathBuf,
    /// Exit 1 if the file is not already in canonical form (prints nothing).
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let (loaded, display, current) = match read_with_text(&args.file) {
        Ok(v) => v,
        Err(f) => {
            f.print();
            return f.exit_code();
        }
    };
    let text = match to_native_yaml_with_comments(&loaded.policy, &current) {
        Ok(t) => t,
        Err(e) => {
            // Never print the policy without comments it had: that would lose them.
            eprintln!("{display}: {e}; nothing was printed");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if args.check {
        if current != text {
            eprintln!("{display}: not in canonical form; run `toolgate policy fmt {display}`");
            return ExitCode::from(1);
        }
        return ExitCode::SUCCESS;
    }
    print!("{text}");
    ExitCode::SUCCESS
}
