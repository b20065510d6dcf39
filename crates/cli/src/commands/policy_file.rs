//! Reading a policy file for a command, with the exit codes every command shares:
//! 1 for an invalid policy, 2 for a file that can't be read.

use std::path::Path;
use std::process::ExitCode;

use toolgate_policy::{Loaded, load};

pub const EXIT_INVALID: u8 = 1;
pub const EXIT_IO: u8 = 2;

/// Why a policy could not be used.
pub enum Failure {
    Io(String),
    Invalid(Vec<String>),
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Io(_) => ExitCode::from(EXIT_IO),
            Failure::Invalid(_) => ExitCode::from(EXIT_INVALID),
        }
    }

    pub fn print(&self) {
        match self {
            Failure::Io(m) => eprintln!("{m}"),
            Failure::Invalid(lines) => lines.iter().for_each(|l| eprintln!("{l}")),
        }
    }
}

/// Loads and validates `path`; on failure every diagnostic is rendered `FILE:LINE:COL: …`.
pub fn read(path: &Path) -> Result<(Loaded, String), Failure> {
    read_with_text(path).map(|(loaded, display, _)| (loaded, display))
}

/// [`read`], also returning the file's text.
pub fn read_with_text(path: &Path) -> Result<(Loaded, String, String), Failure> {
    let display = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Io(format!("{display}: cannot read policy: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::Invalid(vec![format!(
            "{display}:1:1: error: policy is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )])
    })?;
    match load(&text, &display) {
        Ok(loaded) => Ok((loaded, display, text)),
        Err(e) => Err(Failure::Invalid(
            e.0.iter().map(|d| d.render(&display)).collect(),
        )),
    }
}
