//! Signed audit checkpoints from the outside: the real gateway (`toolgate run --audit-key`)
//! in front of the example server, then `toolgate audit verify --public-key` on what it
//! wrote, healthy, live, and with forged or truncated endings.
//!
//! Needs the example server binary: `cargo build -p toolgate-example-server`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::json;
use toolgate_audit::chain::{line_hash, seal};
use toolgate_audit::{Record, RecordType};
use toolgate_testkit::{StderrMode, StdioClient, example_server_path};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

const POLICY: &str = r#"
version: "1"
default: deny
tools:
  echo: {rules: [{action: allow}]}
  add: {rules: [{action: allow}]}
"#;

struct Setup {
    dir: tempfile::TempDir,
    audit: PathBuf,
    key: PathBuf,
    public: String,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.yaml"), POLICY).unwrap();
    let key = dir.path().join("audit.key");
    let out = toolgate(&["audit", "keygen", key.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let public = String::from_utf8(out.stdout).unwrap().trim().to_string();
    Setup {
        audit: dir.path().join("audit.jsonl"),
        dir,
        key,
        public,
    }
}

/// `toolgate run --audit PATH --audit-key KEY EXTRA… -- example-server`.
fn gateway(s: &Setup, extra: &[&str]) -> StdioClient {
    StdioClient::builder(TOOLGATE)
        .args(["run", "--state", "memory", "--pin-file", "off", "--audit"])
        .arg(&s.audit)
        .arg("--audit-key")
        .arg(&s.key)
        .args(extra)
        .arg("--policy")
        .arg(s.dir.path().join("policy.yaml"))
        .arg("--")
        .arg(example_server_path())
        .env("TOOLGATE_TESTKIT_LOG", s.dir.path().join("server.log"))
        .stderr(StderrMode::Capture)
        .spawn()
        .unwrap()
}

fn toolgate(args: &[&str]) -> Output {
    Command::new(TOOLGATE).args(args).output().unwrap()
}

fn verify(s: &Setup, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(TOOLGATE)
        .args(["audit", "verify", "--public-key", &s.public])
        .args(extra)
        .arg(&s.audit)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn types(path: &Path) -> Vec<RecordType> {
    lines(path)
        .iter()
        .map(|l| serde_json::from_str::<Record>(l).unwrap().record_type)
        .collect()
}

/// Appends records that chain correctly onto `kept` (what a forger without the key can do).
fn forge_after(path: &Path, kept: &[String], n: u64) {
    let last: Record = serde_json::from_str(kept.last().unwrap()).unwrap();
    let mut prev = line_hash(kept.last().unwrap().as_bytes());
    let mut out: Vec<String> = kept.to_vec();
    for i in 0..n {
        let mut r = Record::new(
            last.seq + 1 + i,
            last.time.clone(),
            RecordType::Decision,
            prev,
        );
        r.identity = Some("mallory".into());
        r.tool = Some("echo".into());
        let line = seal(&r);
        prev = line_hash(&line);
        out.push(String::from_utf8(line).unwrap());
    }
    std::fs::write(path, out.join("\n") + "\n").unwrap();
}

/// A session with a few calls, closed cleanly.
async fn session(s: &Setup, extra: &[&str], calls: usize, pause: Duration) {
    let client = gateway(s, extra);
    client.initialize("2025-06-18").await.unwrap();
    // Signed as soon as it opened: a fresh log verifies at once.
    if !s.audit.exists() {
        panic!("no audit log after initialize");
    }
    for i in 0..calls {
        let r = client
            .call_tool("echo", json!({"text": format!("hi {i}")}))
            .await;
        assert_eq!(r["result"]["isError"], json!(false), "{r}");
        tokio::time::sleep(pause).await;
    }
    client.close_stdin().await;
    let status = client.wait_exit().await.unwrap();
    assert!(status.success(), "{}", client.stderr_output());
}

#[tokio::test]
async fn a_fresh_log_verifies_at_once_and_after_a_clean_session() {
    let s = setup();
    let client = gateway(&s, &[]);
    client.initialize("2025-06-18").await.unwrap();
    // Only the startup checkpoint so far: exit 0, without waiting for an interval.
    let (code, out, err) = verify(&s, &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.starts_with("ok: 1 record(s)"), "{out}");

    client.call_tool("echo", json!({"text": "a"})).await;
    client.call_tool("add", json!({"a": 1, "b": 2})).await;
    // Live, with records the next checkpoint will sign: accepted with the flag.
    let (code, out, err) = verify(&s, &["--allow-unsigned-tail"]);
    assert_eq!(code, Some(0), "{out}{err}");

    client.close_stdin().await;
    assert!(client.wait_exit().await.unwrap().success());
    let (code, out, err) = verify(&s, &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("0 record(s) after it"), "{out}");
    assert!(!err.contains("warning"), "{err}");
    let t = types(&s.audit);
    assert_eq!(t.first(), Some(&RecordType::Checkpoint));
    assert_eq!(t.last(), Some(&RecordType::Checkpoint));
}

#[tokio::test]
async fn records_forged_after_the_last_checkpoint_fail_verify() {
    let s = setup();
    session(&s, &[], 2, Duration::ZERO).await;
    let genuine = lines(&s.audit);

    // Appended after the closing checkpoint, chained correctly.
    forge_after(&s.audit, &genuine, 2);
    let (code, out, err) = verify(&s, &[]);
    assert_eq!(code, Some(3), "{out}{err}");
    let last = genuine.len();
    assert!(
        out.starts_with(&format!(
            "UNSIGNED 2 record(s) after the last signed checkpoint at {}:{last} (seq ",
            s.audit.display()
        )) && out.contains("are not yet signed"),
        "{out}"
    );
    assert!(!out.contains("TAMPERED"), "{out}");

    // Accepted explicitly: exit 0, and the warning says what was accepted.
    let (code, out, err) = verify(&s, &["--allow-unsigned-tail"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        err.contains("warning: 2 record(s) after the last signed checkpoint"),
        "{err}"
    );
    assert!(out.starts_with("ok:"), "{out}");

    // Cut back before the closing checkpoint and rewritten: still an unsigned tail, now
    // after the startup checkpoint.
    let kept = genuine.len() - 2;
    forge_after(&s.audit, &genuine[..kept], 3);
    let (code, out, err) = verify(&s, &[]);
    assert_eq!(code, Some(3), "{out}{err}");
    let expected = format!(
        "UNSIGNED {} record(s) after the last signed checkpoint at {}:1 (seq 1,",
        kept - 1 + 3,
        s.audit.display()
    );
    assert!(out.starts_with(&expected), "{out}");

    // A signed record edited: tampering, whatever the flag says.
    let mut edited = genuine.clone();
    edited[1] = edited[1].replacen("\"echo\"", "\"echO\"", 1);
    std::fs::write(&s.audit, edited.join("\n") + "\n").unwrap();
    let (code, out, err) = verify(&s, &["--allow-unsigned-tail"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.starts_with("TAMPERED"), "{out}");

    // A checkpoint can't prove nothing came after it: cut back to one, the log verifies.
    std::fs::write(&s.audit, genuine[..1].join("\n") + "\n").unwrap();
    let (code, out, err) = verify(&s, &[]);
    assert_eq!(code, Some(0), "{out}{err}");
}

#[tokio::test]
async fn the_checkpoint_interval_is_configurable() {
    let s = setup();
    session(
        &s,
        &["--audit-checkpoint-interval", "0.2"],
        8,
        Duration::from_millis(150),
    )
    .await;
    let checkpoints = types(&s.audit)
        .iter()
        .filter(|t| **t == RecordType::Checkpoint)
        .count();
    // At open, about every 0.2 s of the 1.2 s of calls, and at close.
    assert!(checkpoints >= 4, "{checkpoints} checkpoints");
    let (code, out, err) = verify(&s, &[]);
    assert_eq!(code, Some(0), "{out}{err}");

    // The default (60 s): only at open and at close for the same session.
    let d = setup();
    session(&d, &[], 8, Duration::from_millis(150)).await;
    let checkpoints = types(&d.audit)
        .iter()
        .filter(|t| **t == RecordType::Checkpoint)
        .count();
    assert_eq!(checkpoints, 2);

    // Without a key the flag means nothing: a usage error, not silently ignored.
    let out = toolgate(&[
        "run",
        "--policy",
        "p.yaml",
        "--audit-checkpoint-interval",
        "5",
        "--",
        "true",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--audit-key"),
        "{out:?}"
    );
}

#[tokio::test]
async fn a_gateway_stopped_by_sigterm_closes_its_log_signed() {
    // `systemctl stop` must not leave a log that looks crashed (an unsigned tail, and a
    // recovery record at the next start).
    let s = setup();
    let client = gateway(&s, &[]);
    client.initialize("2025-06-18").await.unwrap();
    client.call_tool("echo", json!({"text": "a"})).await;
    let pid = client.pid().unwrap();
    let ok = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = client.wait_exit().await.unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    assert_eq!(types(&s.audit).last(), Some(&RecordType::Checkpoint));
    let (code, out, err) = verify(&s, &[]);
    assert_eq!(code, Some(0), "{out}{err}");
}
