//! One streamable-HTTP MCP session for the benchmark: `initialize` (which opens the
//! session), `notifications/initialized`, then `tools/call`s on one keep-alive connection,
//! and `DELETE` at the end.
//!
//! Like the stdio [`super::super::session::Session`], the timed path writes pre-serialised
//! bytes and checks the answer by its bytes (id, `"isError":false`, or the length of a large
//! result), whether the server answered with `application/json` or with an event stream
//! (supergateway does the latter, as the TypeScript SDK does by default). Untimed requests
//! are parsed in full.

use std::io::Write as _;
use std::net::SocketAddr;
use std::time::Instant;

use serde_json::{Value, json};

use super::super::machine::progress;
use super::super::session::{CallTemplate, Reply};
use super::wire::{BodyKind, Conn, Head, sse_data};
use toolgate_example_server::DEFAULT_PROTOCOL_VERSION;

/// A session; errors are messages (the caller adds which target it was).
pub struct McpSession {
    conn: Conn,
    host: String,
    path: String,
    /// The request head up to `Content-Length: ` (session id and protocol included).
    prefix: Vec<u8>,
    session_id: Option<String>,
    next_id: u64,
    request: Vec<u8>,
    body: Vec<u8>,
}

impl McpSession {
    /// Opens a session: `initialize`, then `notifications/initialized`.
    pub async fn open(addr: SocketAddr, path: &str) -> Result<McpSession, String> {
        let mut session = McpSession {
            conn: Conn::new(addr),
            host: addr.to_string(),
            path: path.to_owned(),
            prefix: Vec::new(),
            session_id: None,
            next_id: 1,
            request: Vec::with_capacity(4096),
            body: Vec::with_capacity(4096),
        };
        session.set_prefix(None);
        let init = session
            .request(
                "initialize",
                json!({
                    "protocolVersion": DEFAULT_PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "toolgate-bench", "version": env!("CARGO_PKG_VERSION")},
                }),
            )
            .await?;
        let version = init
            .pointer("/result/protocolVersion")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("initialize was refused: {init}"))?
            .to_owned();
        session.set_prefix(Some(&version));
        let note = br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        let status = session.post(note).await?.status;
        if !matches!(status, 200 | 202 | 204) {
            return Err(format!(
                "notifications/initialized got HTTP {status}: {}",
                snippet(session.conn.body())
            ));
        }
        Ok(session)
    }

    fn set_prefix(&mut self, version: Option<&str>) {
        let mut p = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Accept: application/json, text/event-stream\r\n",
            self.path, self.host
        );
        if let Some(id) = &self.session_id {
            p.push_str(&format!("Mcp-Session-Id: {id}\r\n"));
        }
        if let Some(v) = version {
            p.push_str(&format!("MCP-Protocol-Version: {v}\r\n"));
        }
        p.push_str("Content-Length: ");
        self.prefix = p.into_bytes();
    }

    /// POSTs `body`; the response head (its body stays in the connection).
    async fn post(&mut self, body: &[u8]) -> Result<Head, String> {
        self.request.clear();
        self.request.extend_from_slice(&self.prefix);
        // Writing to a Vec cannot fail.
        let _ = write!(self.request, "{}\r\n\r\n", body.len());
        self.request.extend_from_slice(body);
        let head = self
            .conn
            .exchange(&self.request)
            .await
            .map_err(|e| format!("POST {} failed: {e}", self.path))?;
        if self.session_id.is_none()
            && let Some(id) = &head.session_id
        {
            self.session_id = Some(id.clone());
        }
        Ok(head)
    }

    /// A request with its response parsed in full (not timed).
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let bytes = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        let head = self.post(&bytes).await?;
        progress();
        let body = self.conn.body();
        if head.status != 200 {
            let status = head.status;
            return Err(format!("{method} got HTTP {status}: {}", snippet(body)));
        }
        let candidates = if is_event_stream(&head, body) {
            sse_data(body)
        } else {
            vec![std::borrow::Cow::Borrowed(body)]
        };
        for data in &candidates {
            let Ok(value) = serde_json::from_slice::<Value>(data) else {
                continue;
            };
            if value.get("id").and_then(Value::as_u64) == Some(id) {
                return Ok(value);
            }
        }
        Err(format!("no answer to {method} in: {}", snippet(body)))
    }

    /// `echo {"text": text}`, checked in full: the result must carry the text back.
    pub async fn echo_checked(&mut self, text: &str) -> Result<(), String> {
        let response = self
            .request(
                "tools/call",
                json!({"name": "echo", "arguments": {"text": text}}),
            )
            .await?;
        let ok = response.pointer("/result/isError") == Some(&json!(false))
            && response
                .pointer("/result/content/0/text")
                .and_then(Value::as_str)
                == Some(text);
        if ok {
            Ok(())
        } else {
            Err(format!(
                "echo of {} bytes failed: {}",
                text.len(),
                snippet(response.to_string().as_bytes())
            ))
        }
    }

    /// A call the policy must refuse: proves the session goes through a policing gateway.
    pub async fn expect_denied(&mut self, tool: &str, arguments: Value) -> Result<(), String> {
        let response = self
            .request("tools/call", json!({"name": tool, "arguments": arguments}))
            .await?;
        let text = response
            .pointer("/result/content/0/text")
            .and_then(Value::as_str)
            .unwrap_or("");
        if response.pointer("/result/isError") == Some(&json!(true))
            && text.starts_with("Denied by policy")
        {
            Ok(())
        } else {
            Err(format!("`{tool}` was not denied: {response}"))
        }
    }

    /// One timed call; nanoseconds from before the write to after the last byte read.
    pub async fn call_timed(&mut self, call: &CallTemplate) -> Result<u64, String> {
        let id = self.next_id;
        self.next_id += 1;
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        call.write_into(&mut body, id);
        let started = Instant::now();
        let head = self.post(&body).await;
        let ns = started.elapsed().as_nanos() as u64;
        self.body = body;
        let head = head?;
        progress();
        let got = self.conn.body();
        if head.status != 200 {
            let status = head.status;
            return Err(format!("tools/call got HTTP {status}: {}", snippet(got)));
        }
        let answered = if is_event_stream(&head, got) {
            sse_data(got)
                .iter()
                .any(|data| matches!(call.check(data), Reply::Answer(n) if n == id))
        } else {
            match call.check(got) {
                Reply::Answer(n) if n == id => true,
                Reply::Bad(why) => return Err(why),
                _ => false,
            }
        };
        if answered {
            Ok(ns)
        } else {
            Err(format!("no successful answer to id {id}: {}", snippet(got)))
        }
    }

    /// Closes the connection but not the session (an agent that comes back later).
    pub fn disconnect(&mut self) {
        self.conn.disconnect();
    }

    /// Ends the session (`DELETE`); failures do not matter at that point.
    pub async fn close(&mut self) {
        let Some(id) = &self.session_id else { return };
        let request = format!(
            "DELETE {} HTTP/1.1\r\nHost: {}\r\nMcp-Session-Id: {id}\r\nContent-Length: 0\r\n\r\n",
            self.path, self.host
        );
        let _ = self.conn.exchange(request.as_bytes()).await;
    }
}

/// Whether a body is to be read as an event stream: the head says so, unless the body
/// starts like JSON (then it is JSON whatever the head said).
fn is_event_stream(head: &Head, body: &[u8]) -> bool {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    head.kind == BodyKind::EventStream || first.is_some_and(|&b| b != b'{' && b != b'[')
}

/// The start of a body on one line (error pages come as multi-line HTML).
fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(600)]);
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 200 {
        line = line.chars().take(200).collect::<String>() + "…";
    }
    if bytes.len() > 200 {
        line.push_str(&format!(" ({} bytes)", bytes.len()));
    }
    line
}
