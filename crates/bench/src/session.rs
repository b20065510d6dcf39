//! One MCP session over a child's stdin/stdout, driven synchronously and kept lean, so the
//! client's own cost is small and the same whether the child is the server or the gateway.
//!
//! Unlike [`crate::StdioClient`] (built for tests: async, JSON-parses every line, routes
//! server requests), the timed path here writes a pre-serialised request with one `write(2)`,
//! reads one line with a blocking read, and checks the answer by looking at its bytes: the
//! id near the start, `"isError":false` (or, for large results, their length). Full JSON
//! parsing is kept for the handshake and for the untimed checks before each measurement.
//!
//! Pipelined runs use two threads, a writer and a reader, with a window of tokens: the writer
//! needs one per request, the reader gives one back per response, so exactly `window` calls
//! are in flight. Requests that find several tokens free are written in one burst, as a busy
//! agent's buffered writer would.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::BenchError;
use super::machine::progress;
use toolgate_example_server::DEFAULT_PROTOCOL_VERSION;

/// Responses at least this long are checked by length, not by searching for `isError`.
const SCAN_LIMIT: usize = 64 * 1024;

/// How to start one session.
pub struct Launch {
    pub label: String,
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// The child's stderr goes here (shown when something fails).
    pub stderr_path: PathBuf,
    /// Send `tools/list` after `initialize` (pins the tools when the gateway pins).
    pub list_tools: bool,
}

/// A running child spoken to over its stdin/stdout.
pub struct Session {
    pub label: String,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    line: Vec<u8>,
    buf: Vec<u8>,
    next_id: u64,
    stderr_path: PathBuf,
    /// From spawn to the `initialize` response.
    pub startup: Duration,
}

/// A `tools/call` request with its id left open, serialised once.
pub struct CallTemplate {
    suffix: Vec<u8>,
    /// Length of the `text` argument: an echo's result carries it twice.
    text_len: usize,
}

/// What a response line turned out to be.
pub(super) enum Reply {
    Answer(u64),
    Notification,
    Bad(String),
}

impl CallTemplate {
    /// `echo {"text": text}`.
    pub fn echo(text: &str) -> CallTemplate {
        let params = json!({"name": "echo", "arguments": {"text": text}});
        let suffix = format!(",\"method\":\"tools/call\",\"params\":{params}}}\n");
        CallTemplate {
            suffix: suffix.into_bytes(),
            text_len: text.len(),
        }
    }

    /// `name` with `arguments`, for a tool whose result is small (checked by `isError`).
    pub fn tool(name: &str, arguments: Value) -> CallTemplate {
        let params = json!({"name": name, "arguments": arguments});
        let suffix = format!(",\"method\":\"tools/call\",\"params\":{params}}}\n");
        CallTemplate {
            suffix: suffix.into_bytes(),
            text_len: 0,
        }
    }

    pub fn write_into(&self, buf: &mut Vec<u8>, id: u64) {
        buf.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":");
        // Writing to a Vec cannot fail.
        let _ = write!(buf, "{id}");
        buf.extend_from_slice(&self.suffix);
    }

    /// Reads a response by its bytes: its id, and whether the echo succeeded.
    pub(super) fn check(&self, line: &[u8]) -> Reply {
        let head = &line[..line.len().min(256)];
        let Some(id) = find_id(head) else {
            return slow_check(line);
        };
        let ok = if line.len() < SCAN_LIMIT {
            contains(line, b"\"isError\":false")
        } else {
            line.len() >= 2 * self.text_len
        };
        if ok {
            Reply::Answer(id)
        } else {
            Reply::Bad(format!("not a successful echo: {}", snippet(line)))
        }
    }
}

/// The unsigned integer after the first `"id":` in `head`.
fn find_id(head: &[u8]) -> Option<u64> {
    let key = b"\"id\":";
    let at = head.windows(key.len()).position(|w| w == key)? + key.len();
    let digits = head[at..]
        .iter()
        .skip_while(|b| **b == b' ')
        .take_while(|b| b.is_ascii_digit());
    let mut id: u64 = 0;
    let mut any = false;
    for d in digits {
        id = id.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        any = true;
    }
    any.then_some(id)
}

/// Full parse, for lines whose id was not near the start.
fn slow_check(line: &[u8]) -> Reply {
    let Ok(value) = serde_json::from_slice::<Value>(line) else {
        return Reply::Bad(format!("not JSON: {}", snippet(line)));
    };
    match (value.get("id").and_then(Value::as_u64), value.get("method")) {
        (None, Some(_)) => Reply::Notification,
        (Some(id), None) if value.pointer("/result/isError") == Some(&json!(false)) => {
            Reply::Answer(id)
        }
        _ => Reply::Bad(format!("unexpected message: {}", snippet(line))),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn snippet(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(&line[..line.len().min(400)]);
    let text = text.trim_end();
    if line.len() > 400 {
        format!("{text}… ({} bytes)", line.len())
    } else {
        text.to_owned()
    }
}

impl Session {
    /// Spawns the child and completes the MCP handshake.
    pub fn start(launch: Launch) -> Result<Session, BenchError> {
        let stderr = File::create(&launch.stderr_path).map_err(|e| {
            BenchError::new(format!(
                "cannot create {}: {e}",
                launch.stderr_path.display()
            ))
        })?;
        let started = Instant::now();
        let mut child = Command::new(&launch.program)
            .args(&launch.args)
            .env("TOOLGATE_LOG", "warn")
            .env("RUST_LOG", "warn")
            .env_remove("TOOLGATE_TESTKIT_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| {
                BenchError::new(format!(
                    "cannot start {} ({}): {e}",
                    launch.label,
                    launch.program.display()
                ))
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(BenchError::new("the child's pipes were not created"));
        };
        let mut session = Session {
            label: launch.label,
            child,
            stdin,
            stdout: BufReader::with_capacity(64 * 1024, stdout),
            line: Vec::with_capacity(64 * 1024),
            buf: Vec::with_capacity(4096),
            next_id: 1,
            stderr_path: launch.stderr_path,
            startup: Duration::ZERO,
        };
        let init = session.request(
            "initialize",
            json!({
                "protocolVersion": DEFAULT_PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "toolgate-bench", "version": env!("CARGO_PKG_VERSION")},
            }),
        )?;
        if init.get("result").is_none() {
            return Err(session.fail(format!("initialize was refused: {init}")));
        }
        session.notify("notifications/initialized")?;
        session.startup = started.elapsed();
        if launch.list_tools {
            let list = session.request("tools/list", json!({}))?;
            if list.pointer("/result/tools").is_none() {
                return Err(session.fail(format!("tools/list failed: {list}")));
            }
        }
        Ok(session)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// An error about this session, with the tail of the child's stderr.
    fn fail(&self, what: String) -> BenchError {
        let stderr = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        let mut message = format!("{}: {what}", self.label);
        if !tail.is_empty() {
            message.push_str(&format!(
                "\n  its stderr ({}) ends with:\n    {}",
                self.stderr_path.display(),
                tail.join("\n    ")
            ));
        }
        BenchError::new(message)
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Writes the request prepared in `self.buf`.
    fn write_buf(&mut self) -> Result<(), BenchError> {
        let result = self.stdin.write_all(&self.buf);
        result.map_err(|e| self.fail(format!("writing to its stdin failed: {e}")))
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), BenchError> {
        let result = self.stdin.write_all(bytes);
        result.map_err(|e| self.fail(format!("writing to its stdin failed: {e}")))
    }

    fn read_line(&mut self) -> Result<(), BenchError> {
        self.line.clear();
        match self.stdout.read_until(b'\n', &mut self.line) {
            Ok(0) => Err(self.fail("its stdout closed".to_owned())),
            Ok(_) => Ok(()),
            Err(e) => Err(self.fail(format!("reading its stdout failed: {e}"))),
        }
    }

    fn notify(&mut self, method: &str) -> Result<(), BenchError> {
        let mut line = serde_json::to_vec(&json!({"jsonrpc": "2.0", "method": method}))
            .map_err(|e| BenchError::new(e.to_string()))?;
        line.push(b'\n');
        self.write_bytes(&line)
    }

    /// A request with a full JSON parse of its response (not timed).
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, BenchError> {
        let id = self.take_id();
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut line = serde_json::to_vec(&message).map_err(|e| BenchError::new(e.to_string()))?;
        line.push(b'\n');
        self.write_bytes(&line)?;
        loop {
            self.read_line()?;
            progress();
            let value: Value = serde_json::from_slice(&self.line).map_err(|e| {
                self.fail(format!(
                    "wrote a line that is not JSON ({e}): {}",
                    snippet(&self.line)
                ))
            })?;
            if value.get("id").and_then(Value::as_u64) == Some(id) {
                return Ok(value);
            }
            if value.get("method").is_none() {
                return Err(self.fail(format!(
                    "answered with an unexpected id: {}",
                    snippet(&self.line)
                )));
            }
        }
    }

    /// `echo {"text": text}`, checked in full: the result must carry the text back.
    pub fn echo_checked(&mut self, text: &str) -> Result<(), BenchError> {
        let response = self.request(
            "tools/call",
            json!({"name": "echo", "arguments": {"text": text}}),
        )?;
        let ok = response.pointer("/result/isError") == Some(&json!(false))
            && response
                .pointer("/result/content/0/text")
                .and_then(Value::as_str)
                == Some(text);
        if ok {
            Ok(())
        } else {
            let shown = response.to_string();
            Err(self.fail(format!(
                "echo of {} bytes failed: {}",
                text.len(),
                snippet(shown.as_bytes())
            )))
        }
    }

    /// A tool call the policy must refuse: proves the session really goes through a gateway.
    pub fn expect_denied(&mut self, tool: &str, arguments: Value) -> Result<(), BenchError> {
        let response = self.request("tools/call", json!({"name": tool, "arguments": arguments}))?;
        let text = response
            .pointer("/result/content/0/text")
            .and_then(Value::as_str)
            .unwrap_or("");
        if response.pointer("/result/isError") == Some(&json!(true))
            && text.starts_with("Denied by policy")
        {
            Ok(())
        } else {
            Err(self.fail(format!("`{tool}` was not denied: {response}")))
        }
    }

    /// One timed round trip; nanoseconds from the first byte written to the last read.
    pub fn call_timed(&mut self, call: &CallTemplate) -> Result<u64, BenchError> {
        let id = self.take_id();
        self.buf.clear();
        call.write_into(&mut self.buf, id);
        let started = Instant::now();
        self.write_buf()?;
        loop {
            self.read_line()?;
            match call.check(&self.line) {
                Reply::Answer(got) if got == id => break,
                Reply::Answer(got) => {
                    return Err(self.fail(format!("answered id {got}, expected {id}")));
                }
                Reply::Notification => continue,
                Reply::Bad(why) => return Err(self.fail(why)),
            }
        }
        let ns = started.elapsed().as_nanos() as u64;
        progress();
        Ok(ns)
    }

    /// `total` calls with `window` in flight; the wall time from the first write to the last
    /// response.
    pub fn pipelined(
        &mut self,
        call: &CallTemplate,
        total: usize,
        window: usize,
    ) -> Result<Duration, BenchError> {
        let first_id = self.next_id;
        self.next_id += total as u64;
        let window = window.clamp(1, total.max(1));
        let (tokens, token_rx) = mpsc::sync_channel::<()>(window);
        for _ in 0..window {
            let _ = tokens.send(());
        }
        let stdin = &mut self.stdin;
        let stdout = &mut self.stdout;
        let line = &mut self.line;
        let started = Instant::now();
        let (wrote, read) = std::thread::scope(|s| {
            let writer = s.spawn(move || -> Result<(), String> {
                let mut buf = Vec::with_capacity(64 * 1024);
                let mut next = 0usize;
                while next < total {
                    if token_rx.recv().is_err() {
                        return Ok(()); // the reader stopped; it reports why
                    }
                    buf.clear();
                    call.write_into(&mut buf, first_id + next as u64);
                    next += 1;
                    while next < total && token_rx.try_recv().is_ok() {
                        call.write_into(&mut buf, first_id + next as u64);
                        next += 1;
                    }
                    stdin
                        .write_all(&buf)
                        .map_err(|e| format!("writing to its stdin failed: {e}"))?;
                }
                Ok(())
            });
            let reader = s.spawn(move || -> Result<(), String> {
                let mut seen = vec![false; total];
                let mut got = 0usize;
                while got < total {
                    line.clear();
                    match stdout.read_until(b'\n', line) {
                        Ok(0) => return Err("its stdout closed".to_owned()),
                        Ok(_) => {}
                        Err(e) => return Err(format!("reading its stdout failed: {e}")),
                    }
                    match call.check(line) {
                        Reply::Answer(id) => {
                            let index = id.checked_sub(first_id).map(|i| i as usize);
                            match index {
                                Some(i) if i < total && !seen[i] => seen[i] = true,
                                _ => return Err(format!("unexpected or repeated id {id}")),
                            }
                            got += 1;
                            progress();
                            // Fails only once the writer is done: nothing left to send.
                            let _ = tokens.send(());
                        }
                        Reply::Notification => {}
                        Reply::Bad(why) => return Err(why),
                    }
                }
                Ok(())
            });
            (writer.join(), reader.join())
        });
        let elapsed = started.elapsed();
        let joined = |r: std::thread::Result<Result<(), String>>| {
            r.unwrap_or_else(|_| Err("a benchmark thread panicked".to_owned()))
        };
        joined(read).map_err(|why| self.fail(why))?;
        joined(wrote).map_err(|why| self.fail(why))?;
        Ok(elapsed)
    }

    /// Closes stdin (the MCP goodbye) and waits up to 10 s for the child to exit.
    pub fn finish(self) -> Result<ExitStatus, BenchError> {
        let Session {
            label,
            mut child,
            stdin,
            ..
        } = self;
        drop(stdin);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(BenchError::new(format!(
                        "{label}: did not exit within 10 s of its stdin closing; killed"
                    )));
                }
                Err(e) => return Err(BenchError::new(format!("{label}: waiting failed: {e}"))),
            }
        }
    }

    /// Where the child's stderr goes.
    pub fn stderr_path(&self) -> &Path {
        &self.stderr_path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_near_the_start() {
        assert_eq!(find_id(br#"{"id":42,"jsonrpc":"2.0"}"#), Some(42));
        assert_eq!(
            find_id(br#"{"jsonrpc":"2.0","id": 7,"result":{}}"#),
            Some(7)
        );
        assert_eq!(find_id(br#"{"jsonrpc":"2.0","id":"s"}"#), None);
        assert_eq!(find_id(br#"{"method":"x"}"#), None);
    }

    #[test]
    fn template_round_trips_through_json() {
        let t = CallTemplate::echo("a \"quoted\" x");
        let mut buf = Vec::new();
        t.write_into(&mut buf, 9);
        assert_eq!(buf.last(), Some(&b'\n'));
        let v: Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["id"], 9);
        assert_eq!(v["params"]["arguments"]["text"], "a \"quoted\" x");
    }

    #[test]
    fn checks_answers_by_their_bytes() {
        let t = CallTemplate::echo("x");
        let ok = br#"{"id":3,"jsonrpc":"2.0","result":{"content":[{"type":"text","text":"x"}],"isError":false}}"#;
        assert!(matches!(t.check(ok), Reply::Answer(3)));
        let denied = br#"{"id":3,"jsonrpc":"2.0","result":{"content":[],"isError":true}}"#;
        assert!(matches!(t.check(denied), Reply::Bad(_)));
        let note = br#"{"jsonrpc":"2.0","method":"notifications/message","params":{}}"#;
        assert!(matches!(t.check(note), Reply::Notification));
    }
}
