//! `toolgate run` on every kind of stdin/stdout an agent gives it: separate pipes (read on
//! the event loop), stdout and stderr sharing one pipe (`2>&1`, which must stay blocking, or
//! the server child's stderr would turn non-blocking too) and a socket pair (what Node's
//! `child_process.spawn` hands its children). Each must carry a session to the end and exit 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};

use toolgate_testkit::example_server_path;

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

const SESSION: &str = concat!(
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"fds","version":"1"}}}"#,
    "\n",
    r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    "\n",
    r#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"through"}}}"#,
    "\n",
    r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2}}}"#,
    "\n",
);

fn command(dir: &tempfile::TempDir) -> Command {
    let policy = dir.path().join("policy.yaml");
    std::fs::write(
        &policy,
        "default: deny\ntools:\n  echo: {rules: [{action: allow}]}\n",
    )
    .unwrap();
    let mut cmd = Command::new(TOOLGATE);
    cmd.args([
        "run",
        "--state",
        "memory",
        "--audit",
        "off",
        "--pin-file",
        "off",
    ])
    .arg("--policy")
    .arg(&policy)
    .arg("--")
    .arg(example_server_path())
    .env("TOOLGATE_LOG", "warn,toolgate_transport::stdio=debug");
    cmd
}

/// The answers to ids 2 and 3 among whatever `out` carried (log lines included).
fn check_answers(out: &str) {
    let line = |id: u32| {
        out.lines()
            .find(|l| l.starts_with('{') && l.contains(&format!(r#""id":{id}"#)))
            .unwrap_or_else(|| panic!("no answer to id {id} in:\n{out}"))
            .to_owned()
    };
    assert!(line(2).contains("through"), "{}", line(2));
    let refused = line(3);
    assert!(
        refused.contains(r#""isError":true"#),
        "add must be denied: {refused}"
    );
}

/// Lines from `reader` until the answers to ids 2 and 3 are among them (then the test says
/// goodbye).
fn until_answered(reader: &mut impl BufRead) -> String {
    let mut seen = String::new();
    while !(seen.contains(r#""id":2"#) && seen.contains(r#""id":3"#)) {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "EOF early:\n{seen}"
        );
        seen.push_str(&line);
    }
    seen
}

#[test]
fn separate_pipes() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SESSION.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    check_answers(&stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("stdin=EventLoop stdout=EventLoop"), "{log}");
}

#[test]
fn stdout_and_stderr_in_one_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = command(&dir)
        .stdin(Stdio::piped())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    // Our copies of the write end went with the `Command`: EOF comes when toolgate and the
    // server (which inherits stderr) have exited.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(SESSION.as_bytes()).unwrap();
    let mut reader = BufReader::new(reader);
    let mut seen = until_answered(&mut reader);
    drop(stdin);
    reader.read_to_string(&mut seen).unwrap();
    assert!(child.wait().unwrap().success(), "{seen}");
    check_answers(&seen);
    // stdout shares its pipe with stderr: it must have stayed blocking.
    assert!(
        seen.contains("stdin=EventLoop stdout=BlockingPool"),
        "{seen}"
    );
}

#[test]
fn a_socket_pair_as_node_gives_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ours, theirs) = UnixStream::pair().unwrap();
    let child = command(&dir)
        .stdin(OwnedFd::from(theirs.try_clone().unwrap()))
        .stdout(OwnedFd::from(theirs))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    ours.write_all(SESSION.as_bytes()).unwrap();
    let seen = until_answered(&mut BufReader::new(ours.try_clone().unwrap()));
    ours.shutdown(std::net::Shutdown::Write).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    check_answers(&seen);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("stdin=EventLoop stdout=EventLoop"), "{log}");
}
