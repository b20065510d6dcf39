//! A server child must not outlive toolgate, even when toolgate itself is killed with
//! SIGKILL and runs no cleanup at all: on Linux the kernel sends the child SIGKILL when its
//! parent dies (`PR_SET_PDEATHSIG`). The request has to be made by the child itself, after
//! `fork` and before `exec`, which is what [`CommandExt::pre_exec`] is for; that hook is
//! `unsafe`, hence this module: the only code in the crate allowed to use `unsafe`.
//!
//! Why this is sound: the closure runs in the forked child, where only async-signal-safe work
//! is allowed. It makes two system calls (`prctl` through nix's safe wrapper, which neither
//! allocates nor locks, and `getppid`) and compares two integers; it touches no memory
//! shared with the parent, takes no lock, and allocates nothing.
//!
//! Limits, documented in docs/architecture.md (Lifecycle):
//! - "the parent dies" means the *thread* that forked the child exits. toolgate spawns
//!   servers from runtime threads that live as long as the process (the main thread for
//!   stdio, a worker for `--listen`), never from tokio's short-lived blocking pool.
//! - Only the direct child is signalled. A server's own children (`npx` → `node`) are in its
//!   process group, which toolgate signals while it is alive; after a SIGKILL of toolgate
//!   they are left to notice their closed stdin.
//! - Elsewhere than Linux this does nothing.

/// Arranges for the process `command` starts to be killed when toolgate dies.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(super) fn arrange(command: &mut tokio::process::Command) {
    use nix::sys::signal::Signal;
    // Read here, in the parent: the pid the child must still see as its parent after the
    // prctl, or the parent died before the request took effect.
    let parent = nix::unistd::getpid();
    // SAFETY: the closure only makes async-signal-safe system calls (prctl, getppid), see
    // the module documentation; it allocates nothing and takes no locks.
    unsafe {
        command.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(std::io::Error::from)?;
            if nix::unistd::getppid() != parent {
                // toolgate died between fork and prctl: the signal will never come.
                return Err(std::io::Error::other(
                    "toolgate exited while starting the server",
                ));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn arrange(_command: &mut tokio::process::Command) {}
