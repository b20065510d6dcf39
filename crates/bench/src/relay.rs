//! The floor of any stdio gateway: a process that only relays bytes.
//!
//! `toolgate-bench --relay -- COMMAND…` runs COMMAND as a child and copies our stdin to its
//! stdin and its stdout to our stdout with two plain threads and blocking I/O: no parsing,
//! no async runtime, no policy. Measured next to the direct connection and `toolgate run`,
//! it separates what the extra process hop costs on this machine (pipes, wake-ups, context
//! switches) from what the gateway adds on top of it.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// Relays until the child exits; returns its exit code (1 when it can't be started).
pub fn relay(command: &[OsString]) -> i32 {
    let Some((program, args)) = command.split_first() else {
        eprintln!("toolgate-bench --relay: no command after --");
        return 2;
    };
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            eprintln!(
                "toolgate-bench --relay: cannot start {}: {e}",
                program.to_string_lossy()
            );
            return 1;
        }
    };
    let (Some(mut to_child), Some(mut from_child)) = (child.stdin.take(), child.stdout.take())
    else {
        return 1;
    };
    // Agent → child; dropping `to_child` at EOF closes the child's stdin.
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n @ 1..) = stdin.read(&mut buf) {
            if to_child.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    // Child → agent, on this thread; flushed after every read so nothing waits in a buffer.
    let mut stdout = std::io::stdout().lock();
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n @ 1..) = from_child.read(&mut buf) {
        if stdout.write_all(&buf[..n]).is_err() || stdout.flush().is_err() {
            break;
        }
    }
    child.wait().ok().and_then(|s| s.code()).unwrap_or(1)
}
