//! How a session ends, from the outside: the real `toolgate run` binary, signalled and closed
//! the ways clients and supervisors do it, must never leave a server process behind.
//!
//! The servers are marked with an environment variable (`TOOLGATE_LIFECYCLE_MARK`, a value
//! unique per test) that toolgate passes on to them and to their children; a survivor is any
//! live process, other than this one, whose environment holds the mark.
//!
//! The first tests need nothing but `sh` and `sleep`. The last two drive the reference server
//! `@modelcontextprotocol/server-everything` with the official TypeScript SDK client
//! (`tests/interop/sdk_close.mjs`) and over `--listen`; they need `scripts/interop-setup` and
//! `node`, print `SKIPPED: lifecycle …` without them, and fail under `CI=true`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use toolgate_testkit::HttpClient;
use toolgate_testkit::listening::ListeningGateway;

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

const POLICY: &str = r#"
version: "1"
default: deny
tools:
  echo: {rules: [{action: allow}]}
  toggle-simulated-logging: {rules: [{action: allow}]}
"#;

fn mark(test: &str) -> String {
    format!("{test}-{}-{}", std::process::id(), rand_suffix())
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// Live processes (zombies count as dead) whose environment holds `mark`, with their command
/// lines.
fn marked(mark: &str) -> Vec<(u32, String)> {
    let needle = format!("TOOLGATE_LIFECYCLE_MARK={mark}");
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if !environ
            .split(|&b| b == 0)
            .any(|var| var == needle.as_bytes())
        {
            continue;
        }
        if !alive(pid) {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline"))
            .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
            .unwrap_or_default();
        found.push((pid, cmdline));
    }
    found
}

/// Running (not gone, not a zombie).
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

/// Waits up to `within` for every process with `mark` to go; the survivors otherwise.
fn survivors_after(mark: &str, within: Duration) -> Vec<(u32, String)> {
    let deadline = Instant::now() + within;
    loop {
        let left = marked(mark);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Kills what a failed test left, so one failure doesn't leak processes into the next run.
fn sweep(mark: &str) {
    for (pid, _) in marked(mark) {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
}

fn policy_file(dir: &Path) -> PathBuf {
    let path = dir.join("policy.yaml");
    std::fs::write(&path, POLICY).unwrap();
    path
}

/// `toolgate run` on stdio in front of `sh -c SCRIPT`, with the mark in its environment.
fn stdio_gateway(dir: &Path, mark: &str, script: &str) -> Child {
    Command::new(TOOLGATE)
        .args([
            "run",
            "--audit",
            "off",
            "--pin-file",
            "off",
            "--state",
            "memory",
        ])
        .arg("--policy")
        .arg(policy_file(dir))
        .args(["--", "sh", "-c", script])
        .env("TOOLGATE_LIFECYCLE_MARK", mark)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(pid: u32, sig: &str) {
    let status = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{sig} {pid}");
}

fn wait_timeout(child: &mut Child, within: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut s);
    }
    s
}

/// Waits until `sh` has started what `script` starts (it writes `ready`).
fn wait_ready(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !dir.join("ready").exists() {
        assert!(Instant::now() < deadline, "the server never started");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A client that closes stdin and sends SIGTERM a moment later (the TypeScript SDK's close())
/// to a server that does not exit on EOF: toolgate must not sit out the 5 s grace period.
#[test]
fn sigterm_while_the_server_has_its_grace_period_stops_it_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mark = mark("grace");
    let script = format!("touch {}/ready; exec sleep 600", dir.path().display());
    let mut gw = stdio_gateway(dir.path(), &mark, &script);
    wait_ready(dir.path());
    drop(gw.stdin.take());
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    signal(gw.id(), "TERM");
    let status = wait_timeout(&mut gw, Duration::from_secs(8));
    let took = t.elapsed();
    let left = survivors_after(&mark, Duration::from_millis(500));
    sweep(&mark);
    let status = status.expect("toolgate did not exit after SIGTERM");
    let stderr = stderr_of(&mut gw);
    assert!(
        took < Duration::from_millis(2500),
        "toolgate took {took:?} to exit after SIGTERM (agent gone, server in its grace period)\n{stderr}"
    );
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(left.is_empty(), "left running: {left:?}\n{stderr}");
}

/// A SIGTERM reaches the server's own children (its process group), not only the server.
#[test]
fn sigterm_reaches_the_servers_children() {
    let dir = tempfile::tempdir().unwrap();
    let mark = mark("group");
    let script = format!("sleep 600 & touch {}/ready; wait", dir.path().display());
    let mut gw = stdio_gateway(dir.path(), &mark, &script);
    wait_ready(dir.path());
    signal(gw.id(), "TERM");
    let status = wait_timeout(&mut gw, Duration::from_secs(8));
    let left = survivors_after(&mark, Duration::from_millis(500));
    sweep(&mark);
    let stderr = stderr_of(&mut gw);
    assert_eq!(status.and_then(|s| s.code()), Some(143), "{stderr}");
    assert!(left.is_empty(), "left running: {left:?}\n{stderr}");
}

/// toolgate killed outright (SIGKILL, the OOM killer) takes its server with it.
#[test]
fn the_server_dies_with_toolgate_even_on_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mark = mark("pdeathsig");
    let script = format!("touch {}/ready; exec sleep 600", dir.path().display());
    let mut gw = stdio_gateway(dir.path(), &mark, &script);
    wait_ready(dir.path());
    assert!(!marked(&mark).is_empty(), "the server is not running");
    signal(gw.id(), "KILL");
    let _ = gw.wait();
    let left = survivors_after(&mark, Duration::from_secs(2));
    sweep(&mark);
    assert!(left.is_empty(), "outlived a SIGKILLed toolgate: {left:?}");
}

// ---- with node: the reference server and the TypeScript SDK ---------------------------------

struct Node {
    node: PathBuf,
    server_js: PathBuf,
    close_script: PathBuf,
}

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn locate_node() -> Result<Node, String> {
    let dir = interop_dir();
    let node = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
        .ok_or("`node` is not on PATH")?;
    let modules = dir.join("node_modules/@modelcontextprotocol");
    let server_js = modules.join("server-everything/dist/index.js");
    for needed in [&server_js, &modules.join("sdk/package.json")] {
        if !needed.is_file() {
            return Err(format!("{} is missing", needed.display()));
        }
    }
    let installed = std::fs::read(dir.join("node_modules/.toolgate-interop-package-lock.json"));
    if installed.ok() != std::fs::read(dir.join("package-lock.json")).ok() {
        return Err(
            "tests/interop/node_modules is not installed from the current package-lock.json".into(),
        );
    }
    Ok(Node {
        node,
        server_js,
        close_script: dir.join("sdk_close.mjs"),
    })
}

fn node_or_skip(test: &str) -> Option<Node> {
    match locate_node() {
        Ok(n) => Some(n),
        Err(why) if in_ci() => panic!(
            "lifecycle {test}: {why}. CI must run `scripts/interop-setup` before the tests \
             (node >= 20 with npm)."
        ),
        Err(why) => {
            // Straight to fd 2: libtest captures the print macros of a passing test.
            let line = format!(
                "SKIPPED: lifecycle {test}: {why}. Run `scripts/interop-setup` to enable it \
                 (node >= 20 with npm).\n"
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
            None
        }
    }
}

/// The TypeScript SDK's own `client.close()` over stdio (stdin closed; SIGTERM 2 s later;
/// SIGKILL 2 s after that) in front of server-everything with a timer running, so it does not
/// exit on EOF: toolgate exits on the SIGTERM, before the SDK resorts to SIGKILL, and leaves no
/// server behind.
#[test]
fn typescript_sdk_close_leaves_no_server() {
    let Some(node) = node_or_skip("typescript_sdk_close_leaves_no_server") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mark = mark("sdk");
    let out = Command::new(&node.node)
        .arg(&node.close_script)
        .arg(TOOLGATE)
        .args([
            "run",
            "--audit",
            "off",
            "--pin-file",
            "off",
            "--state",
            "memory",
        ])
        .arg("--policy")
        .arg(policy_file(dir.path()))
        .arg("--")
        .arg(&node.node)
        .arg(&node.server_js)
        .arg("stdio")
        .current_dir(interop_dir())
        .env("TOOLGATE_LIFECYCLE_MARK", &mark)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // Right away: a server orphaned by the SIGKILL lives on until its next timer tick.
    let left = survivors_after(&mark, Duration::from_millis(300));
    sweep(&mark);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "sdk_close.mjs failed:\n{stderr}");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "sdk_close.mjs printed no summary ({e}):\n{}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert_eq!(summary["echo"], json!("Echo: hello"), "{summary}");
    let exit = &summary["exit"];
    assert_ne!(
        exit["signal"],
        json!("SIGKILL"),
        "the SDK had to SIGKILL toolgate: {summary}\n{stderr}"
    );
    assert!(
        exit["after_ms"].as_u64().is_some_and(|ms| ms < 3500),
        "toolgate exited too late after close(): {summary}\n{stderr}"
    );
    assert!(left.is_empty(), "left running: {left:?}\n{stderr}");
}

/// Over `--listen`, each session's server behind `sh` (as `npx` puts `node` behind itself): an
/// HTTP session DELETE and then toolgate's SIGTERM leave no process behind, and toolgate exits
/// promptly.
#[tokio::test(flavor = "multi_thread")]
async fn listen_delete_and_sigterm_leave_no_server() {
    let Some(node) = node_or_skip("listen_delete_and_sigterm_leave_no_server") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mark = mark("listen");
    // `; exit` keeps sh from exec'ing node: node is the server's child, as under npx.
    let server = format!(
        "'{}' '{}' stdio; exit $?",
        node.node.display(),
        node.server_js.display()
    );
    let mut cmd = Command::new(TOOLGATE);
    cmd.args([
        "run",
        "--audit",
        "off",
        "--pin-file",
        "off",
        "--state",
        "memory",
    ])
    .args(["--listen", "127.0.0.1:0", "--policy"])
    .arg(policy_file(dir.path()))
    .args(["--", "sh", "-c", &server])
    .env("TOOLGATE_LIFECYCLE_MARK", &mark);
    let mut gw = ListeningGateway::start(cmd).unwrap();
    let url = gw.mcp_url();
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let agent = HttpClient::new(&url).unwrap();
        agent.initialize().await.unwrap();
        let r = agent
            .call_tool("toggle-simulated-logging", json!({}))
            .await
            .unwrap();
        assert!(
            r["result"]["isError"] != json!(true),
            "{r}\n{}",
            gw.stderr()
        );
        sessions.push(agent);
    }
    assert!(
        marked(&mark).len() >= 4,
        "expected two sh + node pairs: {:?}",
        marked(&mark)
    );
    // One session ends properly, the other is still open when toolgate is stopped.
    let deleted = sessions.remove(0).delete().await.unwrap();
    assert!(deleted.is_success(), "DELETE: {deleted}");
    let t = Instant::now();
    let status = tokio::task::block_in_place(|| gw.stop());
    let took = t.elapsed();
    let left = survivors_after(&mark, Duration::from_millis(300));
    sweep(&mark);
    assert!(status.is_some(), "toolgate did not exit:\n{}", gw.stderr());
    assert!(
        took < Duration::from_secs(3),
        "toolgate took {took:?} to stop:\n{}",
        gw.stderr()
    );
    assert!(left.is_empty(), "left running: {left:?}\n{}", gw.stderr());
}
