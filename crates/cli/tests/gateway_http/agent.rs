//! A minimal streamable-HTTP MCP agent for these tests: it speaks exactly what they check
//! (JSON or SSE answers, a session id, a bearer key) and shows every status and header.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub struct Agent {
    http: reqwest::Client,
    pub url: String,
    key: Option<String>,
    pub session: Option<String>,
    next_id: u64,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// Every JSON-RPC message in the body (one for JSON, each event's data for SSE).
    pub messages: Vec<Value>,
    pub text: String,
}

impl Reply {
    /// The message answering request `id`.
    pub fn answer(&self, id: u64) -> &Value {
        self.messages
            .iter()
            .find(|m| m["id"] == json!(id) && m.get("method").is_none())
            .unwrap_or_else(|| panic!("no answer to {id} in {} {:?}", self.status, self.text))
    }
}

impl Agent {
    pub fn new(url: &str, key: Option<&str>) -> Agent {
        Agent {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            url: url.to_owned(),
            key: key.map(str::to_owned),
            session: None,
            next_id: 0,
        }
    }

    pub async fn post(&self, body: &Value, extra: &[(&str, &str)]) -> Reply {
        let mut req = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body.to_string());
        if let Some(k) = &self.key {
            req = req.bearer_auth(k);
        }
        if let Some(s) = &self.session {
            req = req.header("mcp-session-id", s);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("POST reached the gateway");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let messages = if headers
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/event-stream"))
        {
            text.lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .filter_map(|d| serde_json::from_str(d).ok())
                .collect()
        } else {
            serde_json::from_str(&text).into_iter().collect()
        };
        Reply {
            status,
            headers,
            messages,
            text,
        }
    }

    /// `initialize` + `notifications/initialized`; keeps the session id.
    pub async fn initialize(&mut self) -> Reply {
        let reply = self
            .request(
                "initialize",
                json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
            )
            .await;
        if reply.status == StatusCode::OK {
            self.session = reply
                .headers
                .get("mcp-session-id")
                .map(|v| v.to_str().unwrap().to_owned());
            let note = self
                .post(
                    &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
                    &[],
                )
                .await;
            assert_eq!(note.status, StatusCode::ACCEPTED, "{}", note.text);
        }
        reply
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Reply {
        self.next_id += 1;
        let body =
            json!({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params});
        self.post(&body, &[]).await
    }

    /// A tools/call; the answer message.
    pub async fn call(&mut self, tool: &str, args: Value) -> Value {
        let reply = self
            .request("tools/call", json!({"name": tool, "arguments": args}))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.answer(self.next_id).clone()
    }

    /// The names tools/list shows.
    pub async fn tool_names(&mut self) -> Vec<String> {
        let reply = self.request("tools/list", json!({})).await;
        let id = self.next_id;
        reply.answer(id)["result"]["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("{}", reply.text))
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// The refusal kind in a tool result's `_meta` (`""` for a success).
pub fn kind(answer: &Value) -> &str {
    answer["result"]["_meta"]["dev.toolgate/decision"]["kind"]
        .as_str()
        .unwrap_or("")
}
