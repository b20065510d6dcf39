//! `toolgate policy fmt FILE`: the policy in canonical native YAML, whatever its format.

use std::path::PathBuf;
use std::process::ExitCode;

use toolgate_policy::fmt::to_native_yaml;

use crate::commands::policy_file::read;

#[derive(clap::Args)]
pub struct Args {
    /// Policy file in any accepted format.
    file: PathBuf,
    /// Exit 1 if the file is not already in canonical form (prints nothing).
    #[arg(long)]
    check: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let (loaded, display) = match read(&args.file) {
        Ok(v) => v,
        Err(f) => {
            f.print();
            return f.exit_code();
        }
    };
    let text = to_native_yaml(&loaded.policy);
    if args.check {
        let current = std::fs::read_to_string(&args.file).unwrap_or_default();
        if current != text {
            eprintln!("{display}: not in canonical form; run `toolgate policy fmt {display}`");
            return ExitCode::from(1);
        }
        return ExitCode::SUCCESS;
    }
    print!("{text}");
    ExitCode::SUCCESS
}
