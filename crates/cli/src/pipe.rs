//! A reader that goes away (`toolgate status --json | head`) must not crash toolgate.
//!
//! Rust ignores SIGPIPE, so writing to a closed pipe is an `EPIPE` error, and `println!`
//! panics on it (exit 101 with a panic message). [`install`] turns exactly that panic into a
//! quiet exit, in every command: no message, and the exit code is the verdict the command
//! had reached when the reader left ([`verdict`]), else 0, as ripgrep does — a reader that
//! stopped reading is not a failure of the command. Commands whose exit code is an answer
//! (`audit verify`, `validate`, `pin --check`, …) record it before printing, so
//! `toolgate audit verify LOG | head -1` still fails on a tampered log.
//! Commands that write with `write!` handle `BrokenPipe` themselves the same way.

use std::any::Any;
use std::sync::atomic::{AtomicU8, Ordering};

static VERDICT: AtomicU8 = AtomicU8::new(0);

/// The exit code to use if stdout's reader goes away from now on (the highest recorded).
pub fn verdict(code: u8) {
    VERDICT.fetch_max(code, Ordering::SeqCst);
}

/// The exit code a command that stops on a broken pipe ends with.
pub fn exit_code() -> u8 {
    VERDICT.load(Ordering::SeqCst)
}

/// Makes a panic of `print!`/`println!` on a closed stdout end the process quietly.
pub fn install() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if is_broken_stdout(info.payload()) {
            std::process::exit(exit_code().into());
        }
        default(info);
    }));
}

/// std's `print!` panics with "failed printing to stdout: <the io::Error>".
fn is_broken_stdout(payload: &(dyn Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied());
    message.is_some_and(|m| {
        m.starts_with("failed printing to stdout")
            && BROKEN_PIPE_CODES
                .iter()
                .any(|&c| m.ends_with(&std::io::Error::from_raw_os_error(c).to_string()))
    })
}

/// The OS errors std maps to `ErrorKind::BrokenPipe`.
#[cfg(unix)]
const BROKEN_PIPE_CODES: &[i32] = &[32]; // EPIPE on Linux, macOS and the BSDs
#[cfg(windows)]
const BROKEN_PIPE_CODES: &[i32] = &[109, 232]; // ERROR_BROKEN_PIPE, ERROR_NO_DATA
#[cfg(not(any(unix, windows)))]
const BROKEN_PIPE_CODES: &[i32] = &[];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_a_broken_stdout() {
        let epipe = std::io::Error::from_raw_os_error(BROKEN_PIPE_CODES[0]);
        assert_eq!(epipe.kind(), std::io::ErrorKind::BrokenPipe);
        let msg = format!("failed printing to stdout: {epipe}");
        assert!(is_broken_stdout(&msg));
        let other = format!(
            "failed printing to stdout: {}",
            std::io::Error::from_raw_os_error(28)
        );
        assert!(!is_broken_stdout(&other), "ENOSPC is a real error");
        assert!(!is_broken_stdout(&format!(
            "failed printing to stderr: {epipe}"
        )));
        assert!(!is_broken_stdout(&"index out of bounds"));
    }
}
