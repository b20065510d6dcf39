//! `toolgate validate FILE…`: every problem of every file, one `FILE:LINE:COL:` line each.
//! Exit 0 when all are valid, 1 when any is invalid (or has warnings under `--strict`),
//! 2 when a file can't be read.

use std::path::PathBuf;
use std::process::ExitCode;

use toolgate_policy::{is_identities_file, load_identities};

use crate::commands::policy_file::{EXIT_INVALID, EXIT_IO, Failure, read};

#[derive(clap::Args)]
pub struct Args {
    /// Treat warnings (unreachable rules, `default: allow`, …) as errors.
    #[arg(long)]
    strict: bool,
    /// Policy files (native YAML, Intercept YAML, PolicyLayer JSON), or identities files
    /// (only `identities` and `auth`, as `run --identities` reads them).
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: &Args) -> ExitCode {
    let mut worst = 0u8;
    for path in &args.files {
        if let Some(code) = validate_identities_file(path, args.strict) {
            worst = worst.max(code);
            if code != 0 {
                crate::pipe::verdict(worst);
            }
            continue;
        }
        match read(path) {
            Ok((loaded, display)) => {
                let failed = args.strict && !loaded.warnings.is_empty();
                if failed {
                    worst = worst.max(EXIT_INVALID);
                    crate::pipe::verdict(worst);
                }
                for w in &loaded.warnings {
                    println!("{}", w.render(&display));
                }
                let p = &loaded.policy;
                let rules: usize = p.tools.iter().map(|t| t.rules.len()).sum();
                // Only policies that have identities or grants mention them.
                let mut access = String::new();
                if !p.identities.is_empty() {
                    access.push_str(&format!(", {} identities", p.identities.len()));
                }
                if let Some(grants) = &p.grants {
                    access.push_str(&format!(", {} grants", grants.len()));
                }
                println!(
                    "{display}: {} ({}, {} tool entries, {rules} rules{access}{})",
                    if failed {
                        "invalid under --strict"
                    } else {
                        "ok"
                    },
                    loaded.dialect,
                    p.tools.len(),
                    match loaded.warnings.len() {
                        0 => String::new(),
                        n => format!(", {n} warning(s)"),
                    }
                );
            }
            Err(Failure::Invalid(lines)) => {
                worst = worst.max(EXIT_INVALID);
                crate::pipe::verdict(worst);
                lines.iter().for_each(|l| println!("{l}"));
            }
            Err(Failure::Io(message)) => {
                worst = worst.max(EXIT_IO);
                crate::pipe::verdict(worst);
                eprintln!("{message}");
            }
        }
    }
    ExitCode::from(worst)
}

/// Checks `path` as an identities file when it is one (only `identities` and `auth` at the
/// top): `Some(exit code)`, after printing its diagnostics and a summary line. `None` for
/// anything else, which is then read as a policy.
fn validate_identities_file(path: &std::path::Path, strict: bool) -> Option<u8> {
    let text = std::fs::read_to_string(path).ok()?;
    if !is_identities_file(&text) {
        return None;
    }
    let display = path.display().to_string();
    match load_identities(&text, &display) {
        Ok(loaded) => {
            let failed = strict && !loaded.warnings.is_empty();
            for w in &loaded.warnings {
                println!("{}", w.render(&display));
            }
            println!(
                "{display}: {} (identities file, {} identities{}{})",
                if failed {
                    "invalid under --strict"
                } else {
                    "ok"
                },
                loaded.file.identities.len(),
                if loaded.file.auth.is_some() {
                    ", auth"
                } else {
                    ""
                },
                match loaded.warnings.len() {
                    0 => String::new(),
                    n => format!(", {n} warning(s)"),
                }
            );
            Some(if failed { EXIT_INVALID } else { 0 })
        }
        Err(e) => {
            for d in &e.0 {
                println!("{}", d.render(&display));
            }
            Some(EXIT_INVALID)
        }
    }
}
