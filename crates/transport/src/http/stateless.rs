//! The stateless 2026-07-28 revision: no `initialize`, no session; every request carries its
//! protocol version and client capabilities in `_meta`, plus `MCP-Protocol-Version`,
//! `Mcp-Method` and `Mcp-Name` headers that must agree with the body.
//!
//! The headers exist so that infrastructure can route without reading bodies — which is
//! exactly how a gateway gets fooled: a request whose `Mcp-Name` says `read_file` while its
//! body calls `delete_file`. Any disagreement is refused (-32020) before the policy runs.
//! The request is then policed exactly like one in a session, in a pipeline of its own whose
//! session-scoped counters belong to the caller (`stateless:<identity>`).

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

use toolgate_mcp::{Id, ProtocolVersion};

use super::guard::{json_response, refuse};
use super::session::{Envelope, envelope, frame_of};
use super::{HttpFront, Owner};
use toolgate_pipeline::intercept::refusal::Refused;
use toolgate_pipeline::intercept::{Outlets, SessionInfo};

const VERSION_META: &str = "io.modelcontextprotocol/protocolVersion";

/// What routing needs from a request body, read shallowly (the pipeline parses it strictly).
#[derive(Debug, Default)]
pub struct Head {
    pub id: Option<Id>,
    pub method: Option<String>,
    params: Option<Value>,
}

#[derive(Deserialize)]
struct RawHead {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    params: Option<Value>,
}

impl Head {
    pub fn read(body: &[u8]) -> Head {
        match serde_json::from_slice::<RawHead>(body) {
            Ok(raw) => Head {
                id: raw.id.as_ref().and_then(Id::from_value),
                method: raw.method,
                params: raw.params,
            },
            Err(_) => Head::default(),
        }
    }

    pub fn params(&self) -> Option<&Value> {
        self.params.as_ref()
    }

    fn meta_version(&self) -> Option<&str> {
        self.params
            .as_ref()?
            .get("_meta")?
            .get(VERSION_META)?
            .as_str()
    }

    /// The body value `Mcp-Name` must mirror, for the methods that name something.
    fn name(&self) -> Option<&str> {
        let key = match self.method.as_deref()? {
            "tools/call" | "prompts/get" => "name",
            "resources/read" => "uri",
            _ => return None,
        };
        self.params.as_ref()?.get(key)?.as_str()
    }
}

/// A request without a session that speaks 2026-07-28 or later.
pub fn is_modern(headers: &HeaderMap, head: &Head) -> bool {
    let modern =
        |v: &str| ProtocolVersion::parse(v).is_some_and(|v| v >= ProtocolVersion::V2026_07_28);
    headers
        .get("mcp-protocol-version")
        .and_then(|v| v.to_str().ok())
        .is_some_and(modern)
        || head.meta_version().is_some_and(modern)
}

/// Refuses a request whose routing headers disagree with its body.
fn check_headers(headers: &HeaderMap, head: &Head) -> Result<(), String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let single = |name: &str| headers.get_all(name).iter().count() <= 1;
    for name in ["mcp-protocol-version", "mcp-method", "mcp-name"] {
        if !single(name) {
            return Err(format!("the {name} header appears more than once"));
        }
    }
    match (header("mcp-protocol-version"), head.meta_version()) {
        (Some(h), Some(b)) if h == b => {}
        _ => {
            return Err(
                "MCP-Protocol-Version header does not match params._meta's protocol version".into(),
            );
        }
    }
    if header("mcp-method") != head.method.as_deref() {
        return Err("Mcp-Method header does not match the request body's method".into());
    }
    if let Some(name) = head.name()
        && header("mcp-name").and_then(decode_header_value).as_deref() != Some(name)
    {
        return Err("Mcp-Name header does not match the name in the request body".into());
    }
    Ok(())
}

/// `Mcp-Name` values that don't survive as a header travel as `=?base64?…?=`.
fn decode_header_value(value: &str) -> Option<String> {
    use base64::Engine;
    let Some(payload) = value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    else {
        return Some(value.to_owned());
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .ok()?;
    // Only the canonical encoding: two spellings of one name is one too many.
    if base64::engine::general_purpose::STANDARD.encode(&bytes) != payload {
        return None;
    }
    String::from_utf8(bytes).ok()
}

pub async fn handle(
    front: &Arc<HttpFront>,
    owner: Owner,
    headers: &HeaderMap,
    head: Head,
    body: Bytes,
) -> Response {
    if let Err(message) = check_headers(headers, &head) {
        tracing::warn!(identity = %owner.identity, %message, "refused a stateless request");
        return json_response(
            StatusCode::BAD_REQUEST,
            Refused::HeaderMismatch(message).to_response(head.id.as_ref()),
        );
    }
    if !front.upstream.stateless() {
        let supported: Vec<&str> = ProtocolVersion::ALL
            .iter()
            .filter(|v| **v < ProtocolVersion::V2026_07_28)
            .map(|v| v.as_str())
            .collect();
        let refused = Refused::NeedsSession {
            supported,
            requested: head.meta_version().map(str::to_owned),
        };
        return json_response(
            StatusCode::BAD_REQUEST,
            refused.to_response(head.id.as_ref()),
        );
    }
    let info = SessionInfo {
        identity: owner.identity.to_string(),
        groups: owner.groups.clone(),
        session_id: format!("stateless:{}", owner.identity),
    };
    let interceptor = Arc::new(front.factory.interceptor(info, "http-stateless"));
    // No `initialize` will say: the request's own revision decides what results carry.
    interceptor.assume_protocol_version(
        head.meta_version()
            .unwrap_or(toolgate_mcp::version::V2026_07_28),
    );
    let routed = interceptor
        .from_client(frame_of(body, front.opts.max_message_bytes))
        .await;
    if routed.onward.is_empty() {
        return match routed.to_client.into_iter().next() {
            Some(reply) => json_response(StatusCode::OK, reply),
            None => StatusCode::ACCEPTED.into_response(),
        };
    }
    let mut conn = match front.upstream.connect_stateless().await {
        Ok(c) => c,
        Err(e) => {
            interceptor
                .close("the MCP server could not be reached")
                .await;
            return refuse(
                StatusCode::BAD_GATEWAY,
                &format!("could not reach the MCP server: {e}"),
            );
        }
    };
    // What the pipeline answers later (a call held for approval, a timeout) comes here.
    let (from_pipeline_tx, mut from_pipeline) = tokio::sync::mpsc::channel(16);
    interceptor.attach(Outlets {
        agent: Arc::new(move |message, _related| {
            let tx = from_pipeline_tx.clone();
            Box::pin(async move {
                let _ = tx.send(message).await;
            })
        }),
        server: conn.to_server.clone(),
    });
    let mut pending = routed.awaited;
    let mut answers = routed.to_client;
    let forwarded = interceptor.forward(routed.onward).await;
    fn take(out: Bytes, pending: &mut Vec<Id>, answers: &mut Vec<Bytes>) {
        if let Envelope::Answer(done) = envelope(&out) {
            pending.retain(|id| !done.contains(id));
        }
        answers.push(out);
    }
    if forwarded {
        loop {
            if pending.is_empty() {
                break;
            }
            tokio::select! {
                message = conn.from_server.recv() => {
                    let Some(message) = message else { break };
                    for out in interceptor.from_server(message.frame).await {
                        take(out, &mut pending, &mut answers);
                    }
                }
                Some(out) = from_pipeline.recv() => take(out, &mut pending, &mut answers),
            }
        }
    }
    drop(conn);
    answers.extend(
        interceptor
            .close("the MCP server closed the connection before answering")
            .await,
    );
    match answers.len() {
        0 => StatusCode::ACCEPTED.into_response(),
        1 => json_response(
            StatusCode::OK,
            answers.into_iter().next().unwrap_or_default(),
        ),
        _ => super::sse::response(
            futures::stream::iter(answers.into_iter().map(super::sse::message_event)),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(body: &str) -> Head {
        Head::read(body.as_bytes())
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    const CALL: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#;

    #[test]
    fn matching_headers_pass() {
        let h = headers(&[
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "tools/call"),
            ("mcp-name", "read_file"),
        ]);
        assert!(is_modern(&h, &head(CALL)));
        assert_eq!(check_headers(&h, &head(CALL)), Ok(()));
        let b64 = headers(&[
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "tools/call"),
            ("mcp-name", "=?base64?cmVhZF9maWxl?="),
        ]);
        assert_eq!(check_headers(&b64, &head(CALL)), Ok(()));
    }

    #[test]
    fn a_name_header_naming_another_tool_is_refused() {
        for bad in [
            vec![
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
                ("mcp-name", "list_files"),
            ],
            vec![
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
            ],
            vec![
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/list"),
                ("mcp-name", "read_file"),
            ],
            vec![("mcp-method", "tools/call"), ("mcp-name", "read_file")],
            vec![
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
                ("mcp-name", "read_file"),
                ("mcp-name", "x"),
            ],
            // Non-canonical base64 of the right name.
            vec![
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/call"),
                ("mcp-name", "=?base64?cmVhZF9maWxl=?="),
            ],
        ] {
            assert!(
                check_headers(&headers(&bad), &head(CALL)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn old_revisions_are_not_stateless() {
        let h = headers(&[("mcp-protocol-version", "2025-11-25")]);
        assert!(!is_modern(
            &h,
            &head(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        ));
    }
}
