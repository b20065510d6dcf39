//! How one message travels: the headers each mode needs (session id and negotiated
//! revision, or the stateless revision's `_meta` and routing headers), and reading the
//! answer to a request out of a JSON body or an event stream while filing what else the
//! stream carried (notifications, server→client requests, which get answered).

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

use super::sse::SseReader;
use super::{ACCEPT_BOTH, HttpClient, HttpClientError, SESSION_HEADER, encode_header_value, error};
use crate::client::ServerRequest;
use crate::rpc::{self, id_key};
use crate::server::http::STATELESS_VERSION;

/// What a stream or body carried for one request.
pub(super) enum Seen {
    Answer(Value),
    Other,
}

impl HttpClient {
    pub(super) async fn bounded<T>(
        &self,
        what: &str,
        work: impl std::future::Future<Output = Result<T, HttpClientError>>,
    ) -> Result<T, HttpClientError> {
        tokio::time::timeout(self.timeout, work)
            .await
            .unwrap_or_else(|_| {
                Err(HttpClientError::Timeout {
                    what: what.to_owned(),
                    after: self.timeout,
                })
            })
    }

    /// Adds the stateless revision's `_meta` to a message's params.
    pub(super) fn envelope(&self, mut message: Value) -> Value {
        if !self.stateless {
            return message;
        }
        let meta = json!({
            "io.modelcontextprotocol/protocolVersion": STATELESS_VERSION,
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo":
                {"name": "toolgate-testkit", "version": env!("CARGO_PKG_VERSION")},
        });
        if !message.get("params").is_some_and(Value::is_object) {
            message["params"] = json!({});
        }
        let params = &mut message["params"];
        match params.get_mut("_meta").and_then(Value::as_object_mut) {
            Some(existing) => {
                if let Value::Object(meta) = meta {
                    existing.extend(meta);
                }
            }
            None => params["_meta"] = meta,
        }
        message
    }

    pub(super) fn with_session(
        &self,
        mut request: reqwest::RequestBuilder,
    ) -> reqwest::RequestBuilder {
        request = request.headers(self.extra.clone());
        if let Some(id) = self.session_id() {
            request = request.header(SESSION_HEADER, id);
        }
        if *self.negotiated.lock().expect("lock") {
            let version = self.protocol_version.lock().expect("lock").clone();
            request = request.header("mcp-protocol-version", version);
        }
        request
    }

    /// POSTs one message with the headers its mode needs.
    pub(super) async fn post(
        &self,
        message: &Value,
        what: &str,
    ) -> Result<reqwest::Response, HttpClientError> {
        let mut request = self
            .with_session(self.http.post(self.url.clone()))
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, ACCEPT_BOTH);
        if self.stateless {
            request = request.header("mcp-protocol-version", STATELESS_VERSION);
            if let Some(method) = message.get("method").and_then(Value::as_str) {
                request = request.header("mcp-method", method);
                let key = if method == "resources/read" {
                    "uri"
                } else {
                    "name"
                };
                let named = matches!(method, "tools/call" | "prompts/get" | "resources/read");
                if let Some(name) = message
                    .pointer(&format!("/params/{key}"))
                    .and_then(Value::as_str)
                    && named
                {
                    request = request.header("mcp-name", encode_header_value(name));
                }
            }
        }
        let response = request
            .body(message.to_string())
            .send()
            .await
            .map_err(|error| http_error(what, &error))?;
        if let Some(id) = response
            .headers()
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
        {
            let mut session = self.session_id.lock().expect("session lock");
            if session.is_none() {
                *session = Some(id.to_owned());
            }
        }
        Ok(response)
    }

    /// Reads the answer to request `id` from a JSON body or an event stream.
    pub(super) async fn answer_of(
        &self,
        response: reqwest::Response,
        id: &Value,
        what: &str,
    ) -> Result<Value, HttpClientError> {
        let status = response.status();
        if status == StatusCode::ACCEPTED {
            return Err(protocol(
                what,
                "the server answered a request with 202 Accepted",
            ));
        }
        if !status.is_success() {
            return Err(status_error(response, what).await);
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("application/json") {
            let text = response
                .text()
                .await
                .map_err(|error| http_error(what, &error))?;
            let value = parse(&text)?;
            return match self.seen(value, id).await? {
                Seen::Answer(answer) => Ok(answer),
                Seen::Other => Err(protocol(
                    what,
                    format!("the JSON body is not the answer: {text}"),
                )),
            };
        }
        if !content_type.starts_with("text/event-stream") {
            return Err(protocol(
                what,
                format!("unexpected Content-Type {content_type:?}"),
            ));
        }
        let mut reader = SseReader::new(response);
        while let Some(event) = reader.next().await? {
            if event.event != "message" || event.data.trim().is_empty() {
                continue;
            }
            if let Seen::Answer(answer) = self.seen(parse(&event.data)?, id).await? {
                return Ok(answer);
            }
        }
        Err(HttpClientError::StreamEnded {
            what: what.to_owned(),
        })
    }

    /// Files one message seen while waiting for `id`'s answer; answers server requests.
    async fn seen(&self, message: Value, id: &Value) -> Result<Seen, HttpClientError> {
        if message.is_array() || message.get("method").is_none() {
            return Ok(Seen::Answer(message).filter_id(id));
        }
        let Some(request_id) = message.get("id").cloned() else {
            self.notifications
                .lock()
                .expect("notifications lock")
                .push(message);
            return Ok(Seen::Other);
        };
        self.server_requests
            .lock()
            .expect("requests lock")
            .push(message.clone());
        let Some(handler) = &self.handler else {
            return Ok(Seen::Other);
        };
        let request = ServerRequest {
            id: request_id.clone(),
            method: message["method"].as_str().unwrap_or_default().to_owned(),
            params: message.get("params").cloned().unwrap_or(Value::Null),
        };
        let reply = match handler(request).await {
            Ok(result) => rpc::response(&request_id, result),
            Err(error) => rpc::error_response(&request_id, &error),
        };
        let what = format!("the answer to the server's request {}", id_key(&request_id));
        let response = self.post(&self.envelope(reply), &what).await?;
        if !response.status().is_success() {
            return Err(status_error(response, &what).await);
        }
        Ok(Seen::Other)
    }
}

impl Seen {
    /// A response to another request is not ours (batches are returned whole).
    fn filter_id(self, id: &Value) -> Seen {
        match &self {
            Seen::Answer(Value::Object(answer)) if answer.get("id") != Some(id) => Seen::Other,
            _ => self,
        }
    }
}

pub(super) fn parse(text: &str) -> Result<Value, HttpClientError> {
    serde_json::from_str(text).map_err(|error| HttpClientError::InvalidJson {
        text: text.to_owned(),
        error: error.to_string(),
    })
}

pub(super) fn protocol(what: &str, detail: impl Into<String>) -> HttpClientError {
    HttpClientError::Protocol {
        what: what.to_owned(),
        detail: detail.into(),
    }
}

pub(super) fn http_error(what: &str, error: &reqwest::Error) -> HttpClientError {
    HttpClientError::Http {
        what: format!("waiting for {what}"),
        detail: error::describe(error),
    }
}

pub(super) async fn status_error(response: reqwest::Response, what: &str) -> HttpClientError {
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    HttpClientError::Status {
        what: what.to_owned(),
        status,
        body,
    }
}
