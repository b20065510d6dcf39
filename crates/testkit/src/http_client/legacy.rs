//! [`LegacySseClient`]: an MCP client of the 2024-11-05 HTTP+SSE transport. One long `GET`
//! event stream carries everything the server says; its first `endpoint` event names where
//! to POST. A background task reads the stream and routes each message: responses to the
//! waiting request (by id), notifications to a log, server→client requests to the handler
//! (whose answer is POSTed back).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{StatusCode, Url};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::DEFAULT_TIMEOUT;
use super::error::{HttpClientError, describe};
use super::exchange::{http_error, status_error};
use super::sse::SseReader;
use crate::client::{RequestHandler, ServerRequest, canned_handler};
use crate::rpc::{self, id_key};

/// What the reader task shares with the client.
#[derive(Default)]
struct Shared {
    waiters: Mutex<HashMap<String, oneshot::Sender<Value>>>,
    notifications: Mutex<Vec<Value>>,
    server_requests: Mutex<Vec<Value>>,
}

/// A client of one 2024-11-05 HTTP+SSE session.
pub struct LegacySseClient {
    http: reqwest::Client,
    endpoint: Url,
    next_id: AtomicI64,
    timeout: Duration,
    shared: Arc<Shared>,
    reader: JoinHandle<()>,
}

impl LegacySseClient {
    /// Opens the event stream at `sse_url` and waits for its `endpoint` event, then
    /// `initialize`s (revision 2024-11-05) and sends `notifications/initialized`.
    pub async fn connect(sse_url: &str) -> Result<Self, HttpClientError> {
        let client = Self::open(sse_url).await?;
        let init = json!({
            "protocolVersion": "2024-11-05",
            "capabilities": {"sampling": {}, "roots": {"listChanged": true}},
            "clientInfo": {"name": "toolgate-testkit", "version": env!("CARGO_PKG_VERSION")},
        });
        let response = client.request("initialize", init).await?;
        if response.get("result").is_none() {
            return Err(HttpClientError::Protocol {
                what: "initialize".to_owned(),
                detail: response.to_string(),
            });
        }
        client
            .notify("notifications/initialized", Value::Null)
            .await?;
        Ok(client)
    }

    /// Opens the event stream and reads up to its `endpoint` event; sends nothing.
    pub async fn open(sse_url: &str) -> Result<Self, HttpClientError> {
        let url = Url::parse(sse_url).map_err(|error| HttpClientError::InvalidUrl {
            url: sse_url.to_owned(),
            reason: error.to_string(),
        })?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(DEFAULT_TIMEOUT)
            .build()
            .map_err(|error| HttpClientError::InvalidUrl {
                url: sse_url.to_owned(),
                reason: describe(&error),
            })?;
        let what = "the endpoint event".to_owned();
        let opened = async {
            let response = http
                .get(url.clone())
                .header(ACCEPT, "text/event-stream")
                .send()
                .await
                .map_err(|error| http_error(&what, &error))?;
            if !response.status().is_success() {
                return Err(status_error(response, &what).await);
            }
            let mut reader = SseReader::new(response);
            while let Some(event) = reader.next().await? {
                if event.event == "endpoint" {
                    let endpoint =
                        url.join(event.data.trim())
                            .map_err(|error| HttpClientError::Protocol {
                                what: what.clone(),
                                detail: format!("bad endpoint {:?}: {error}", event.data),
                            })?;
                    return Ok((endpoint, reader));
                }
            }
            Err(HttpClientError::StreamEnded { what: what.clone() })
        };
        let (endpoint, reader) = tokio::time::timeout(DEFAULT_TIMEOUT, opened)
            .await
            .unwrap_or_else(|_| {
                Err(HttpClientError::Timeout {
                    what: what.clone(),
                    after: DEFAULT_TIMEOUT,
                })
            })?;
        let shared = Arc::new(Shared::default());
        let reader = tokio::spawn(read_stream(
            reader,
            Arc::clone(&shared),
            http.clone(),
            endpoint.clone(),
            canned_handler(),
        ));
        Ok(Self {
            http,
            endpoint,
            next_id: AtomicI64::new(1),
            timeout: DEFAULT_TIMEOUT,
            shared,
            reader,
        })
    }

    /// Where messages are POSTed (from the `endpoint` event).
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// Sends a request with the next id; returns its response from the stream.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, HttpClientError> {
        let id = json!(self.next_id.fetch_add(1, Ordering::Relaxed));
        let what = format!("the response to {method} (id {id})");
        let key = id_key(&id);
        let (tx, rx) = oneshot::channel();
        self.shared
            .waiters
            .lock()
            .expect("waiters lock")
            .insert(key.clone(), tx);
        let exchange = async {
            post(
                &self.http,
                &self.endpoint,
                &rpc::request(&id, method, params),
                &what,
            )
            .await?;
            rx.await
                .map_err(|_| HttpClientError::StreamEnded { what: what.clone() })
        };
        let outcome = tokio::time::timeout(self.timeout, exchange).await;
        self.shared
            .waiters
            .lock()
            .expect("waiters lock")
            .remove(&key);
        outcome.unwrap_or_else(|_| {
            Err(HttpClientError::Timeout {
                what: what.clone(),
                after: self.timeout,
            })
        })
    }

    /// Sends a notification.
    pub async fn notify(&self, method: &str, params: Value) -> Result<(), HttpClientError> {
        let what = format!("the {method} notification");
        let message = rpc::notification(method, params);
        let sent = post(&self.http, &self.endpoint, &message, &what);
        tokio::time::timeout(self.timeout, sent)
            .await
            .unwrap_or_else(|_| {
                Err(HttpClientError::Timeout {
                    what: what.clone(),
                    after: self.timeout,
                })
            })
    }

    /// `tools/call`; returns the whole JSON-RPC response.
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<Value, HttpClientError> {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
    }

    /// Every notification seen so far, oldest first.
    pub fn notifications(&self) -> Vec<Value> {
        self.shared
            .notifications
            .lock()
            .expect("notifications lock")
            .clone()
    }

    /// Every server→client request seen so far, oldest first.
    pub fn server_requests(&self) -> Vec<Value> {
        self.shared
            .server_requests
            .lock()
            .expect("requests lock")
            .clone()
    }
}

impl Drop for LegacySseClient {
    fn drop(&mut self) {
        // Closing the stream ends the session on the server.
        self.reader.abort();
    }
}

/// POSTs one message; the transport acknowledges with 202 and answers on the stream.
async fn post(
    http: &reqwest::Client,
    endpoint: &Url,
    message: &Value,
    what: &str,
) -> Result<(), HttpClientError> {
    let response = http
        .post(endpoint.clone())
        .header(CONTENT_TYPE, "application/json")
        .body(message.to_string())
        .send()
        .await
        .map_err(|error| http_error(what, &error))?;
    match response.status() {
        StatusCode::ACCEPTED | StatusCode::OK => Ok(()),
        _ => Err(status_error(response, what).await),
    }
}

/// Routes every message on the stream until it ends; waiters then see their sender dropped.
async fn read_stream(
    mut reader: SseReader,
    shared: Arc<Shared>,
    http: reqwest::Client,
    endpoint: Url,
    handler: RequestHandler,
) {
    loop {
        let event = match reader.next().await {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(error) => {
                tracing::debug!(%error, "legacy event stream failed");
                break;
            }
        };
        if event.event != "message" {
            continue;
        }
        let Ok(message) = serde_json::from_str::<Value>(&event.data) else {
            tracing::warn!(data = %event.data, "legacy event stream carried non-JSON");
            continue;
        };
        match (message.get("method"), message.get("id")) {
            (None, Some(id)) => {
                let waiter = shared
                    .waiters
                    .lock()
                    .expect("waiters lock")
                    .remove(&id_key(id));
                if let Some(waiter) = waiter {
                    let _ = waiter.send(message);
                }
            }
            (Some(_), None) => shared
                .notifications
                .lock()
                .expect("notifications lock")
                .push(message),
            (Some(method), Some(id)) => {
                shared
                    .server_requests
                    .lock()
                    .expect("requests lock")
                    .push(message.clone());
                let request = ServerRequest {
                    id: id.clone(),
                    method: method.as_str().unwrap_or_default().to_owned(),
                    params: message.get("params").cloned().unwrap_or(Value::Null),
                };
                let (handler, http, endpoint) = (handler.clone(), http.clone(), endpoint.clone());
                // Answered from a task of its own: the stream must keep being read meanwhile.
                tokio::spawn(async move {
                    let id = request.id.clone();
                    let reply = match handler(request).await {
                        Ok(result) => rpc::response(&id, result),
                        Err(error) => rpc::error_response(&id, &error),
                    };
                    if let Err(error) = post(&http, &endpoint, &reply, "a reply").await {
                        tracing::warn!(%error, "could not answer the server's request");
                    }
                });
            }
            (None, None) => {}
        }
    }
}
