//! What the HTTP and approval tests share: a `toolgate run --listen` in a directory of its
//! own, and the two questions every test asks (did the call reach the server; how was it
//! refused).
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use toolgate_testkit::example_server_path;
use toolgate_testkit::listening::ListeningGateway;

pub const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

/// A gateway listening on a free loopback port, its directory (policy, upstream log) kept
/// alive with it.
pub struct Started {
    pub dir: tempfile::TempDir,
    /// Every message the example server received (`TOOLGATE_TESTKIT_LOG`).
    pub log: PathBuf,
    pub gateway: ListeningGateway,
}

/// Where the gateway's server is.
pub enum Upstream<'a> {
    /// The example server as a stdio child (per session unless `--upstream-shared`).
    ExampleServer,
    /// `--upstream URL`.
    Url(&'a str),
}

/// `toolgate run --listen 127.0.0.1:0 --audit off --pin-file off --state memory EXTRA…` with
/// `policy`; `files` are written beside it first (a JWKS, say). `--state` in `extra` wins.
pub fn listening(
    policy: &str,
    extra: &[&str],
    files: &[(&str, &str)],
    upstream: Upstream<'_>,
) -> Started {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let policy_path = dir.path().join("policy.yaml");
    std::fs::write(&policy_path, policy).unwrap();
    let log = dir.path().join("upstream.log");
    let mut cmd = Command::new(TOOLGATE);
    cmd.args(["run", "--audit", "off", "--pin-file", "off"]);
    if !extra.contains(&"--state") {
        cmd.args(["--state", "memory"]);
    }
    cmd.args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .arg("--policy")
        .arg(&policy_path)
        .env("TOOLGATE_TESTKIT_LOG", &log);
    match upstream {
        Upstream::ExampleServer => {
            cmd.arg("--").arg(example_server_path());
        }
        Upstream::Url(url) => {
            cmd.args(["--upstream", url]);
        }
    }
    let gateway = ListeningGateway::start(cmd).unwrap_or_else(|e| panic!("{e}"));
    Started { dir, log, gateway }
}

/// How many `tools/call`s the example server received (a log of all its servers).
pub fn calls_upstream(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .matches("\"tools/call\"")
        .count()
}

/// The refusal kind in a tool result's `_meta` (`""` for a success).
pub fn kind(resp: &Value) -> &str {
    resp["result"]["_meta"]["dev.toolgate/decision"]["kind"]
        .as_str()
        .unwrap_or("")
}
