//! The harness of the no-bypass suite: a real `toolgate run` in front of the example server
//! (which logs every raw line it receives), the expectations a hostile message is checked
//! against, and the checks every case ends with (the session still works, the server never
//! saw the payload).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use toolgate_testkit::{ClientError, StderrMode, StdioClient};

/// `--max-message-bytes` of every gateway in the suite (the over-long case sends more).
pub const MAX_MESSAGE_BYTES: usize = 65_536;

/// The suite's policy. `slow_rule` is the rule list of the `slow` tool, so a test can put a
/// limit on it without changing anything else.
pub fn policy(slow_rules: &str) -> String {
    format!(
        r#"version: "1"
description: toolgate no-bypass suite
default: deny
hide: [delete_user]
tools:
  echo:
    rules:
      - action: allow
  slow:
    rules:
{slow_rules}
  create_refund:
    rules:
      - name: big refunds
        action: deny
        when: [{{path: args.amount, op: gt, value: 100}}]
        reason: Refunds over 100 are not allowed
      - action: allow
  read_file:
    rules:
      - name: no etc
        action: deny
        when: [{{path: args.path, op: regex, value: '^/etc/'}}]
        reason: /etc is off limits
      - name: shop files
        action: allow
        when: [{{path: args.path, op: path_under, value: /srv/shop}}]
      - action: deny
        reason: Only files under /srv/shop may be read
  fetch:
    rules:
      - name: no internal hosts
        action: deny
        when: [{{path: args.url, op: host_in, value: [127.0.0.0/8, 169.254.169.254, localhost]}}]
        reason: Internal hosts are off limits
      - name: partner hosts
        action: allow
        when: [{{path: args.url, op: host_in, value: [example.com]}}]
      - action: deny
        reason: Only example.com may be fetched
  upload:
    rules:
      - action: deny
        when: [{{path: args.size, op: gt, value: 1024}}]
        reason: Uploads over 1024 bytes are not allowed
      - action: allow
  "*":
    rules:
      - action: deny
        reason: Not part of the suite
"#
    )
}

/// `slow` allowed without limits.
pub const SLOW_ALLOWED: &str = "      - action: allow";

/// The marker a case puts in its payload; the server's log must never contain it. The
/// trailing dot keeps one case's marker from being a prefix of another's.
pub fn marker(case: &str) -> String {
    format!("BYPASS.{case}.")
}

/// What the agent must get back for a hostile message.
#[derive(Debug, Clone)]
pub enum Expect {
    /// A JSON-RPC error answering exactly this id (`Value::Null`: no id can be read).
    Error(Value),
    /// A JSON-RPC error answering this id, or `null` (the id is there, but reading it from
    /// a message we refuse is best effort).
    ErrorIdOrNull(Value),
    /// The tool call is refused: a JSON-RPC error or an `isError: true` result, for this id.
    Refused(Value),
    /// `-32602` "Unknown tool" for this id (a hidden tool).
    UnknownTool(Value),
    /// An `isError: true` result with `_meta["dev.toolgate/decision"].kind == kind`.
    Denied(Value, &'static str),
    /// Nothing at all (a notification can't be answered).
    Silence,
}

/// One hostile message and what must come of it.
pub struct Case {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub expect: Expect,
    /// Whether `bytes` holds `marker(name)`; false only for payloads too small to hold one.
    pub has_marker: bool,
}

impl Case {
    /// A case from a text template; `MARK` is replaced by the case's marker.
    pub fn text(name: &'static str, template: &str, expect: Expect) -> Case {
        assert!(template.contains("MARK"), "case {name} has no MARK");
        Case {
            name,
            bytes: template.replace("MARK", &marker(name)).into_bytes(),
            expect,
            has_marker: true,
        }
    }

    /// A case from raw bytes (invalid UTF-8, NUL, BOM); `MARK` is replaced as above.
    pub fn bytes(name: &'static str, parts: &[&[u8]], expect: Expect) -> Case {
        let joined: Vec<u8> = parts.concat();
        let mark = marker(name).into_bytes();
        let mut bytes = Vec::with_capacity(joined.len() + mark.len());
        let mut rest = &joined[..];
        let mut found = false;
        while let Some(at) = find(rest, b"MARK") {
            bytes.extend_from_slice(&rest[..at]);
            bytes.extend_from_slice(&mark);
            rest = &rest[at + 4..];
            found = true;
        }
        bytes.extend_from_slice(rest);
        assert!(found, "case {name} has no MARK");
        Case {
            name,
            bytes,
            expect,
            has_marker: true,
        }
    }

    /// A case whose payload cannot carry a marker (`[]`).
    pub fn unmarked(name: &'static str, bytes: &[u8], expect: Expect) -> Case {
        Case {
            name,
            bytes: bytes.to_vec(),
            expect,
            has_marker: false,
        }
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A gateway in front of the example server, with the server's receive log.
pub struct Gate {
    pub client: StdioClient,
    log: PathBuf,
    _dir: tempfile::TempDir,
    alive: std::sync::atomic::AtomicU32,
}

impl Gate {
    /// Starts `toolgate run --policy <policy> --state memory --max-message-bytes 65536 --
    /// toolgate-example-server` and initializes the session (2025-03-26, batches allowed).
    pub async fn start(policy_text: &str) -> Gate {
        let dir = tempfile::tempdir().expect("tempdir");
        let policy_path = dir.path().join("policy.yaml");
        std::fs::write(&policy_path, policy_text).expect("write policy");
        let log = dir.path().join("server-received.log");
        let client = StdioClient::builder(env!("CARGO_BIN_EXE_toolgate"))
            .arg("run")
            .arg("--policy")
            .arg(&policy_path)
            .args(["--state", "memory", "--max-message-bytes"])
            .arg(MAX_MESSAGE_BYTES.to_string())
            .arg("--")
            .arg(toolgate_testkit::example_server_path())
            .env("TOOLGATE_TESTKIT_LOG", &log)
            .stderr(StderrMode::Capture)
            .spawn()
            .expect("spawn toolgate");
        let init = client
            .initialize("2025-03-26")
            .await
            .expect("initialize through the gateway");
        assert!(init.get("result").is_some(), "initialize failed: {init}");
        Gate {
            client,
            log,
            _dir: dir,
            alive: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// Every byte the server received so far (one line per message it read).
    pub fn server_log(&self) -> Vec<u8> {
        std::fs::read(&self.log).unwrap_or_default()
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }

    pub fn server_saw(&self, needle: &str) -> bool {
        find(&self.server_log(), needle.as_bytes()).is_some()
    }

    /// The gateway's stderr so far, for failure messages.
    pub fn stderr(&self) -> String {
        self.client.stderr_output()
    }

    /// The next message for the agent that nobody was waiting for.
    pub async fn next(&self) -> Result<Value, String> {
        self.client
            .recv()
            .await
            .map_err(|e| format!("no answer from the gateway: {e}"))
    }

    /// Sends `bytes` as one line.
    pub async fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.client
            .send_raw(bytes)
            .await
            .map_err(|e| format!("could not write to the gateway: {e}"))
    }

    /// An allowed `echo` call must still work, and reach the server. It is also a barrier:
    /// the server logs lines in order, so once it answered this call it has logged every
    /// line the gateway forwarded before it.
    pub async fn assert_alive(&self) -> Result<(), String> {
        let n = self
            .alive
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let text = format!("alive.{n}.");
        let response = self
            .client
            .try_call_tool("echo", json!({ "text": text }))
            .await
            .map_err(|e| format!("the session stopped working: echo failed: {e}"))?;
        let result = response
            .get("result")
            .ok_or_else(|| format!("echo after the case failed: {response}"))?;
        if result.get("isError") == Some(&Value::Bool(true)) {
            return Err(format!("echo after the case was refused: {response}"));
        }
        if result.pointer("/structuredContent/text") != Some(&json!(text)) {
            return Err(format!("echo answered something else: {response}"));
        }
        if !self.server_saw(&text) {
            return Err(format!(
                "the allowed echo `{text}` is not in the server log {}: the log is not working",
                self.log.display()
            ));
        }
        Ok(())
    }

    /// Fails if anything arrives within `wait` (nothing was expected).
    pub async fn assert_quiet(&self, wait: Duration) -> Result<(), String> {
        match self.client.recv_timeout(wait).await {
            Err(ClientError::Timeout { .. }) => Ok(()),
            Ok(extra) => Err(format!("unexpected extra message for the agent: {extra}")),
            Err(e) => Err(format!("the gateway's output broke: {e}")),
        }
    }

    /// Sends one case and checks the answer, that the session still works and that the
    /// server never saw the payload.
    pub async fn check(&self, case: &Case) -> Result<(), String> {
        self.send(&case.bytes).await?;
        match &case.expect {
            Expect::Silence => self.assert_quiet(Duration::from_millis(300)).await?,
            expect => {
                let answer = self.next().await?;
                check_answer(&answer, expect)?;
            }
        }
        self.assert_alive().await?;
        // Anything the gateway forwarded before the echo is in the log by now; a second
        // answer to the hostile message would have arrived with it.
        self.assert_quiet(Duration::from_millis(30)).await?;
        if case.has_marker && self.server_saw(&marker(case.name)) {
            return Err(format!(
                "the server received the hostile message (marker {} is in {}): {}",
                marker(case.name),
                self.log.display(),
                self.log_lines_with(&marker(case.name))
            ));
        }
        Ok(())
    }

    /// The server log's lines holding `needle`, for failure messages.
    pub fn log_lines_with(&self, needle: &str) -> String {
        self.server_log()
            .split(|b| *b == b'\n')
            .filter(|line| find(line, needle.as_bytes()).is_some())
            .map(|line| {
                String::from_utf8_lossy(line)
                    .chars()
                    .take(400)
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Checks one answer against an expectation.
pub fn check_answer(answer: &Value, expect: &Expect) -> Result<(), String> {
    let id = answer.get("id").cloned().unwrap_or(Value::Null);
    let error = answer.get("error");
    let result = answer.get("result");
    let is_error_result = result.and_then(|r| r.get("isError")) == Some(&Value::Bool(true));
    let fail = |what: &str| Err(format!("expected {what}, got {answer}"));
    match expect {
        Expect::Error(want) => {
            if error.is_none() || &id != want {
                return fail(&format!("a JSON-RPC error with id {want}"));
            }
        }
        Expect::ErrorIdOrNull(want) => {
            if error.is_none() || (&id != want && !id.is_null()) {
                return fail(&format!("a JSON-RPC error with id {want} or null"));
            }
        }
        Expect::Refused(want) => {
            if (error.is_none() && !is_error_result) || &id != want {
                return fail(&format!(
                    "a refusal (error or isError result) with id {want}"
                ));
            }
        }
        Expect::UnknownTool(want) => {
            let code = error.and_then(|e| e.get("code")).and_then(Value::as_i64);
            let message = error
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            if code != Some(-32602) || !message.contains("Unknown tool") || &id != want {
                return fail(&format!("-32602 \"Unknown tool\" with id {want}"));
            }
        }
        Expect::Denied(want, kind) => {
            let got = result
                .and_then(|r| r.pointer("/_meta/dev.toolgate~1decision/kind"))
                .and_then(Value::as_str);
            if !is_error_result || got != Some(kind) || &id != want {
                return fail(&format!(
                    "an isError result of kind {kind:?} with id {want}"
                ));
            }
        }
        Expect::Silence => return fail("no answer"),
    }
    Ok(())
}

/// Flattens answers (a batch answer is an array) into single messages.
pub fn flatten(messages: Vec<Value>) -> Vec<Value> {
    messages
        .into_iter()
        .flat_map(|m| match m {
            Value::Array(items) => items,
            other => vec![other],
        })
        .collect()
}

/// Collects messages for the agent until `count` single answers arrived or `wait` passed.
pub async fn collect(gate: &Gate, count: usize, wait: Duration) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut got = Vec::new();
    while flatten(got.clone()).len() < count {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match gate.client.recv_timeout(left).await {
            Ok(m) => got.push(m),
            Err(_) => break,
        }
    }
    flatten(got)
}
