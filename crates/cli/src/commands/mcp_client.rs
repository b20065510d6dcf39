//! A small synchronous MCP client over a child process's stdio, for the commands that only
//! need to ask a server what it offers (`toolgate scan`, `toolgate pin`).
//!
//! It starts the server, says `initialize` (protocol 2025-06-18, declaring roots, sampling and
//! elicitation like a real client: servers that list tools by the client's capabilities
//! must show us all of them, or they could never be pinned) and
//! `notifications/initialized`, follows `tools/list`'s `nextCursor` over every page, then
//! closes the server's stdin and reaps it. Notifications from the server are skipped; a
//! server→client request gets the answer that asks least of anyone: `ping` its empty
//! result, `roots/list` no roots, `elicitation/create` a decline, anything else (sampling
//! included: there is no model here) JSON-RPC error -32601.
//! Every answer has a deadline: a reader thread feeds lines into a channel, read with
//! `recv_timeout`, so a server that hangs can't hang the command.
//!
//! No async runtime: this runs once per command invocation, before anything else.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long to wait for each answer unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The protocol revision offered in `initialize`.
pub const PROTOCOL_VERSION: &str = "2025-06-18";
/// Largest line accepted from the server (a `tools/list` page of a big server is well below).
const MAX_LINE_BYTES: u64 = 64 * 1024 * 1024;
/// Most `tools/list` pages followed before giving up on a server that never stops paging.
const MAX_PAGES: usize = 10_000;
/// How long a server gets to exit after its stdin is closed before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(5);

/// Who answered `initialize`: `serverInfo.name`, `serverInfo.version` and the protocol
/// revision the server chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    pub protocol: String,
}

impl std::fmt::Display for ServerInfo {
    /// `name version (MCP protocol)`, e.g. `toolgate-example-server 0.1.0 (MCP 2025-06-18)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        if !self.version.is_empty() {
            write!(f, " {}", self.version)?;
        }
        write!(f, " (MCP {})", self.protocol)
    }
}

/// Runs `command` (program and arguments) as an MCP server on stdio and returns who it is and
/// every tool it lists, in listing order, exactly as sent. `timeout` bounds the wait for
/// each answer. The server's stderr goes to ours, so its own error messages reach the user.
pub fn list_tools(
    command: &[OsString],
    timeout: Duration,
) -> Result<(ServerInfo, Vec<Value>), String> {
    let mut client = Client::start(command, timeout)?;
    let result = client.list_tools();
    client.shutdown();
    result
}

/// What the reader thread sends: one line of output, the end of it, or a read failure.
enum Event {
    Line(Vec<u8>),
    Eof,
    Failed(String),
}

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    events: Receiver<Event>,
    next_id: i64,
    timeout: Duration,
}

impl Client {
    fn start(command: &[OsString], timeout: Duration) -> Result<Client, String> {
        let Some((program, args)) = command.split_first() else {
            return Err("no server command given; put it after `--`".into());
        };
        let shown = program.to_string_lossy();
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| match e.kind() {
                ErrorKind::NotFound => {
                    format!("command not found: `{shown}` (check the name, or give its full path)")
                }
                ErrorKind::PermissionDenied => {
                    format!("cannot run `{shown}`: permission denied (is it executable?)")
                }
                _ => format!("cannot start `{shown}`: {e}"),
            })?;
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the server's stdout could not be captured".into());
        };
        let (tx, events) = channel();
        // Detached on purpose: if a grandchild keeps the pipe open after the server is
        // gone, joining would block; the thread ends when the pipe does.
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                let read = reader
                    .by_ref()
                    .take(MAX_LINE_BYTES + 1)
                    .read_until(b'\n', &mut line);
                let event = match read {
                    Ok(0) => Event::Eof,
                    Ok(_) if line.len() as u64 > MAX_LINE_BYTES => Event::Failed(format!(
                        "the server sent a message larger than {} MiB",
                        MAX_LINE_BYTES / (1024 * 1024)
                    )),
                    Ok(_) => Event::Line(line),
                    Err(e) => Event::Failed(format!("cannot read the server's output: {e}")),
                };
                let last = !matches!(event, Event::Line(_));
                if tx.send(event).is_err() || last {
                    return;
                }
            }
        });
        Ok(Client {
            child,
            stdin,
            events,
            next_id: 0,
            timeout,
        })
    }

    fn list_tools(&mut self) -> Result<(ServerInfo, Vec<Value>), String> {
        let init = self.request(
            "initialize",
            json!({
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {
                    "roots": {"listChanged": false},
                    "sampling": {},
                    "elicitation": {},
                },
                "clientInfo": {"name": "toolgate", "version": env!("CARGO_PKG_VERSION")},
            }),
        )?;
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let info = ServerInfo {
            name: text(&init["serverInfo"]["name"]).unwrap_or_else(|| "(unnamed server)".into()),
            version: text(&init["serverInfo"]["version"]).unwrap_or_default(),
            protocol: text(&init["protocolVersion"]).ok_or(
                "the server's initialize result has no `protocolVersion`; is it an MCP server?",
            )?,
        };
        self.send(
            &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            "notifications/initialized",
        )?;
        let declares_tools = init["capabilities"].get("tools").is_some();

        let mut tools = Vec::new();
        let mut cursors = HashSet::new();
        let mut cursor: Option<String> = None;
        for page in 0.. {
            if page == MAX_PAGES {
                return Err(format!(
                    "the server was still paging tools/list after {MAX_PAGES} pages; giving up"
                ));
            }
            let params = match &cursor {
                Some(c) => json!({"cursor": c}),
                None => json!({}),
            };
            let result = match self.request("tools/list", params) {
                Ok(r) => r,
                // A server without tools may not know the method at all.
                Err(e) if !declares_tools && page == 0 && e.contains("error -32601") => {
                    tracing::warn!(
                        "the server declares no `tools` capability and does not answer tools/list: {e}"
                    );
                    return Ok((info, tools));
                }
                Err(e) => return Err(e),
            };
            match result.get("tools") {
                Some(Value::Array(list)) => tools.extend(list.iter().cloned()),
                _ => {
                    return Err(format!(
                        "page {} of the server's tools/list result has no `tools` array",
                        page + 1
                    ));
                }
            }
            cursor = match result.get("nextCursor") {
                None | Some(Value::Null) => break,
                Some(Value::String(next)) => {
                    if !cursors.insert(next.clone()) {
                        return Err(format!(
                            "the server returned the tools/list cursor {next:?} twice; its paging loops"
                        ));
                    }
                    Some(next.clone())
                }
                Some(other) => {
                    return Err(format!(
                        "the server's tools/list `nextCursor` is not a string: {other}"
                    ));
                }
            };
        }
        Ok((info, tools))
    }

    /// Sends a request and waits for its answer: the `result`, or an error naming `method`.
    fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = json!(self.next_id);
        self.send(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
            method,
        )?;
        let deadline = Instant::now() + self.timeout;
        loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            let line = match self.events.recv_timeout(wait) {
                Ok(Event::Line(line)) => line,
                Ok(Event::Failed(why)) => return Err(format!("{why} (waiting for {method})")),
                Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.gone(method));
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "the server did not answer {method} within {} s",
                        self.timeout.as_secs_f64()
                    ));
                }
            };
            let Ok(message) = serde_json::from_slice::<Value>(&line) else {
                // Some servers (or their launchers) print banners on stdout; not ours to parse.
                let shown = String::from_utf8_lossy(&line);
                if !shown.trim().is_empty() {
                    tracing::warn!(line = %printable(shown.trim_end()), "skipping a line from the server that is not JSON");
                }
                continue;
            };
            // A batch (2025-03-26) may carry our answer next to requests and notifications.
            let messages = match message {
                Value::Array(items) => items,
                single => vec![single],
            };
            let mut answer = None;
            for m in messages {
                if let Some(result) = self.handle(m, &id, method)? {
                    answer = Some(result);
                }
            }
            if let Some(result) = answer {
                return Ok(result);
            }
        }
    }

    /// One message from the server while waiting for the answer to `id`: `Some(result)` when
    /// it is that answer; server→client requests are answered, everything else skipped.
    fn handle(&mut self, m: Value, id: &Value, method: &str) -> Result<Option<Value>, String> {
        if let Some(name) = m.get("method").and_then(Value::as_str) {
            if let Some(request_id) = m.get("id") {
                let reply = if name == "ping" {
                    json!({"jsonrpc": "2.0", "id": request_id, "result": {}})
                } else if name == "roots/list" {
                    json!({"jsonrpc": "2.0", "id": request_id, "result": {"roots": []}})
                } else if name == "elicitation/create" {
                    json!({"jsonrpc": "2.0", "id": request_id, "result": {"action": "decline"}})
                } else {
                    json!({"jsonrpc": "2.0", "id": request_id, "error": {
                        "code": -32601,
                        "message": format!("Method not found: toolgate's catalogue client does not support {name}"),
                    }})
                };
                self.send(&reply, method)?;
            }
            return Ok(None);
        }
        if m.get("id") != Some(id) {
            return Ok(None); // a stale or foreign answer
        }
        if let Some(error) = m.get("error") {
            let code = error
                .get("code")
                .map_or_else(|| "?".into(), Value::to_string);
            let message = printable(error.get("message").and_then(Value::as_str).unwrap_or(""));
            return Err(format!(
                "the server answered {method} with error {code}: {message}"
            ));
        }
        match m.get("result") {
            Some(result @ Value::Object(_)) => Ok(Some(result.clone())),
            _ => Err(format!(
                "the server's answer to {method} has no result object: {}",
                clip(&printable(&m.to_string()))
            )),
        }
    }

    /// Writes one message; a closed pipe means the server is gone.
    fn send(&mut self, message: &Value, method: &str) -> Result<(), String> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.gone(method));
        };
        let mut line = message.to_string();
        line.push('\n');
        if stdin
            .write_all(line.as_bytes())
            .and_then(|()| stdin.flush())
            .is_err()
        {
            return Err(self.gone(method));
        }
        Ok(())
    }

    /// Why the server stopped talking before answering `method`, with its exit status when
    /// it has one (its output can close a moment before it can be reaped).
    fn gone(&mut self, method: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    return format!(
                        "the server exited before answering {method} ({})",
                        describe_status(status)
                    );
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => return format!("the server closed its output before answering {method}"),
            }
        }
    }

    /// Closes the server's stdin (the MCP way to say goodbye over stdio), gives it a moment
    /// to exit, then kills it; always reaps it.
    fn shutdown(mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + EXIT_GRACE.min(self.timeout);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) => break,
            }
        }
        tracing::debug!("the server did not exit after its stdin was closed; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `exit status 2`, or `killed by signal 9` on Unix.
fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}

/// Server-controlled text made safe for a terminal or a one-line comment: control
/// characters, line separators and bidirectional overrides (which can hide or reorder what
/// a reviewer sees) are shown as `\u{…}` escapes.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        if hidden {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn clip(text: &str) -> String {
    const MAX: usize = 200;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_could_hide_text() {
        assert_eq!(printable("a\u{1b}[2Kb"), "a\\u{1b}[2Kb");
        assert_eq!(printable("x\ny"), "x\\u{a}y");
        assert_eq!(printable("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(printable("héllo — ok"), "héllo — ok");
    }
}
