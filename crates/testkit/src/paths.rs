//! Finding the `toolgate-example-server` binary from another crate's tests, where cargo's
//! `CARGO_BIN_EXE_*` is not available: it sits in the same `target/<profile>` directory as
//! the running test executable (which lives in `target/<profile>/deps`).

use std::env;
use std::path::PathBuf;

/// Environment variable that overrides where the example server binary is.
pub const EXAMPLE_SERVER_ENV: &str = "TOOLGATE_EXAMPLE_SERVER";
/// The example server's binary name (without the platform's executable suffix).
pub const EXAMPLE_SERVER_BIN: &str = "toolgate-example-server";

/// Path of the built example server; panics with how to fix it when it cannot be found.
pub fn example_server_path() -> PathBuf {
    try_example_server_path().unwrap_or_else(|problem| panic!("{problem}"))
}

/// Path of the built example server: `$TOOLGATE_EXAMPLE_SERVER` if set, else the binary
/// next to the current executable's `target/<profile>` directory.
pub fn try_example_server_path() -> Result<PathBuf, String> {
    if let Some(path) = env::var_os(EXAMPLE_SERVER_ENV) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{EXAMPLE_SERVER_ENV}={} is not a file",
                path.display()
            ))
        };
    }
    let exe = env::current_exe().map_err(|e| format!("cannot find the current executable: {e}"))?;
    let file = format!("{EXAMPLE_SERVER_BIN}{}", env::consts::EXE_SUFFIX);
    // deps/ (test binaries), the profile dir (binaries), examples/'s parent, …
    exe.ancestors()
        .skip(1)
        .take(3)
        .map(|dir| dir.join(&file))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            format!(
                "cannot find {file} near {}: build it first with \
                 `cargo build -p toolgate-example-server` (`cargo test -p X` \
                 builds only X's own binaries), or set {EXAMPLE_SERVER_ENV} to its path",
                exe.display()
            )
        })
}
