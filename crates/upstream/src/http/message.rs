//! The little the HTTP transport reads from the messages it carries.
//!
//! The pipeline has already parsed and checked every message it hands us, and decides on
//! that parse alone; this module only peeks at the envelope for transport work: which request
//! ids must get an answer, the method and name to mirror into `Mcp-Method` / `Mcp-Name`
//! (2026-07-28), the protocol version to send, and whether a server message is the response
//! a POST is waiting for. Peeks skip the bulky members (`arguments`, `result`) without
//! building them, and a peek that fails only costs a header or a bookkeeping shortcut,
//! never a changed message: the bytes sent are always the bytes received.

use http::HeaderValue;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;
use toolgate_mcp::wire::best_effort_id;
use toolgate_mcp::{Frame, Id};

/// The first revision without sessions, whose requests mirror method and name in headers.
const STATELESS_SINCE: &str = "2026-07-28";

/// What one message for the server is, as far as the transport cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outgoing {
    /// Ids of the requests it carries (several in a 2025-03-26 batch): each must get an
    /// answer, from the server or from us.
    pub requests: Vec<Id>,
    /// `method` of a single request or notification.
    pub method: Option<String>,
    /// `params.name` (tools/call, prompts/get) or `params.uri` (resources/read).
    pub name: Option<String>,
    /// `params._meta["io.modelcontextprotocol/protocolVersion"]`.
    pub meta_version: Option<String>,
}

impl Outgoing {
    /// Peeks at the message in `bytes`.
    pub fn peek(bytes: &[u8]) -> Outgoing {
        match first_byte(bytes) {
            Some(b'[') => {
                let elements: Vec<&RawValue> = serde_json::from_slice(bytes).unwrap_or_default();
                let requests = elements
                    .iter()
                    .filter_map(|raw| serde_json::from_str::<Envelope<'_>>(raw.get()).ok())
                    .filter_map(|env| env.method.is_some().then_some(env.id).flatten())
                    .filter_map(|id| Id::from_value(&id))
                    .collect();
                Outgoing {
                    requests,
                    ..Outgoing::default()
                }
            }
            _ => match serde_json::from_slice::<Envelope<'_>>(bytes) {
                Ok(envelope) => Outgoing::from_envelope(envelope),
                // Checked by the pipeline, so this should not happen; an id is all we need.
                Err(_) => Outgoing {
                    requests: best_effort_id(bytes).into_iter().collect(),
                    ..Outgoing::default()
                },
            },
        }
    }

    fn from_envelope(envelope: Envelope<'_>) -> Outgoing {
        let Some(method) = envelope.method else {
            // A response (the client answering a server request): nothing to wait for.
            return Outgoing::default();
        };
        let params = envelope
            .params
            .filter(|raw| first_byte(raw.get().as_bytes()) == Some(b'{'))
            .and_then(|raw| serde_json::from_str::<Params<'_>>(raw.get()).ok());
        let (name, meta_version) = match params {
            Some(params) => {
                let name = match method.as_str() {
                    "tools/call" | "prompts/get" => params.name,
                    "resources/read" => params.uri,
                    _ => None,
                };
                let meta_version = params
                    .meta
                    .and_then(|raw| serde_json::from_str::<Meta>(raw.get()).ok())
                    .and_then(|meta| meta.version);
                (string(name), string(meta_version))
            }
            None => (None, None),
        };
        Outgoing {
            requests: envelope
                .id
                .as_ref()
                .and_then(Id::from_value)
                .into_iter()
                .collect(),
            method: Some(method),
            name,
            meta_version,
        }
    }

    /// The request the server's answers relate to: the first of a batch.
    pub fn related(&self) -> Option<&Id> {
        self.requests.first()
    }

    pub fn is_initialize(&self) -> bool {
        self.method.as_deref() == Some("initialize") && !self.requests.is_empty()
    }

    pub fn is_initialized_notification(&self) -> bool {
        self.method.as_deref() == Some("notifications/initialized") && self.requests.is_empty()
    }

    /// Whether the message declares a stateless revision (2026-07-28 or later) itself.
    pub fn declares_stateless(&self) -> bool {
        self.meta_version
            .as_deref()
            .is_some_and(|v| v.len() == STATELESS_SINCE.len() && v >= STATELESS_SINCE)
    }
}

#[derive(Deserialize)]
struct Envelope<'a> {
    id: Option<Value>,
    method: Option<String>,
    #[serde(borrow)]
    params: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Params<'a> {
    name: Option<Value>,
    uri: Option<Value>,
    #[serde(rename = "_meta", borrow)]
    meta: Option<&'a RawValue>,
}

/// `params._meta`, where a 2026-07-28 request names its protocol version.
#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "io.modelcontextprotocol/protocolVersion")]
    version: Option<Value>,
}

fn string(value: Option<Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes
        .iter()
        .copied()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// A server message's envelope: is it a response, and to which id.
#[derive(Deserialize)]
struct Inbound<'a> {
    id: Option<Value>,
    method: Option<IgnoredAny>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
}

/// The ids a server frame answers (a response, or the responses of a batch). A frame cut
/// over the size cap gives the id its prefix shows, if any: the pipeline answers such a
/// frame with an error for that id, so it does answer the request.
pub(crate) fn answered_ids(frame: &Frame) -> Vec<Id> {
    let bytes = match frame {
        Frame::Message(bytes) => bytes,
        Frame::TooLong { prefix } => return best_effort_id(prefix).into_iter().collect(),
    };
    let response_id = |inbound: Inbound<'_>| match inbound.method {
        Some(_) => None,
        None => inbound.id.as_ref().and_then(Id::from_value),
    };
    if first_byte(bytes) == Some(b'[') {
        let elements: Vec<&RawValue> = serde_json::from_slice(bytes).unwrap_or_default();
        return elements
            .iter()
            .filter_map(|raw| serde_json::from_str::<Inbound<'_>>(raw.get()).ok())
            .filter_map(response_id)
            .collect();
    }
    match serde_json::from_slice::<Inbound<'_>>(bytes) {
        Ok(inbound) => response_id(inbound).into_iter().collect(),
        // Not JSON we can read: the pipeline will refuse it; the id may still be readable.
        Err(_) => best_effort_id(bytes).into_iter().collect(),
    }
}

/// `result.protocolVersion` of an `initialize` response answering `id`.
pub(crate) fn negotiated_version(frame: &Frame, id: &Id) -> Option<String> {
    #[derive(Deserialize)]
    struct InitializeResult {
        #[serde(rename = "protocolVersion")]
        protocol_version: Option<Value>,
    }
    let Frame::Message(bytes) = frame else {
        return None;
    };
    let inbound = serde_json::from_slice::<Inbound<'_>>(bytes).ok()?;
    if inbound.method.is_some() || inbound.id.as_ref().and_then(Id::from_value).as_ref() != Some(id)
    {
        return None;
    }
    let result = serde_json::from_str::<InitializeResult>(inbound.result?.get()).ok()?;
    string(result.protocol_version)
}

/// A value for `Mcp-Name` (or any mirrored header): as is when it is plain visible ASCII
/// without surrounding spaces, else `=?base64?…?=` of its UTF-8 bytes (SEP-2243), which
/// also keeps CR/LF and other control bytes out of the header. A plain value that looks
/// like the encoded form is encoded too, so a server decodes every value the same way.
pub(crate) fn mirrored_header_value(value: &str) -> Option<HeaderValue> {
    let plain = value.bytes().all(|b| (0x20..=0x7E).contains(&b))
        && value.trim_matches(' ') == value
        && !(value.starts_with("=?base64?") && value.ends_with("?="));
    let text = if plain {
        value.to_owned()
    } else {
        format!("=?base64?{}?=", base64(value.as_bytes()))
    };
    HeaderValue::from_str(&text).ok()
}

/// Standard base64 with padding (RFC 4648 §4); a dozen lines instead of a dependency.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use toolgate_mcp::{Frame, Id};

    use super::{Outgoing, answered_ids, base64, mirrored_header_value, negotiated_version};

    #[test]
    fn peeks_requests_names_and_versions() {
        let out = Outgoing::peek(
            br#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"x":[1,2]},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#,
        );
        assert_eq!(out.requests, [Id::from(3)]);
        assert_eq!(out.method.as_deref(), Some("tools/call"));
        assert_eq!(out.name.as_deref(), Some("echo"));
        assert!(out.declares_stateless());

        let read = Outgoing::peek(
            br#"{"jsonrpc":"2.0","id":"r","method":"resources/read","params":{"uri":"file:///a","name":"x"}}"#,
        );
        assert_eq!(read.name.as_deref(), Some("file:///a"));
        assert!(!read.declares_stateless());

        let note = Outgoing::peek(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        assert!(note.is_initialized_notification() && note.requests.is_empty());

        let answer = Outgoing::peek(br#"{"jsonrpc":"2.0","id":9,"result":{}}"#);
        assert_eq!(answer, Outgoing::default());

        let batch = Outgoing::peek(
            br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":2,"result":{}}]"#,
        );
        assert_eq!(batch.requests, [Id::from(1)]);
        assert_eq!(batch.method, None);

        let array_params = Outgoing::peek(br#"{"jsonrpc":"2.0","id":1,"method":"m","params":[1]}"#);
        assert_eq!(array_params.requests, [Id::from(1)]);
        let odd_meta = Outgoing::peek(
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":5}}"#,
        );
        assert_eq!(odd_meta.name.as_deref(), Some("t"));
    }

    #[test]
    fn finds_answered_ids_not_server_requests() {
        let frame = |s: &'static str| Frame::Message(Bytes::from_static(s.as_bytes()));
        assert_eq!(
            answered_ids(&frame(
                r#"{"jsonrpc":"2.0","id":1,"result":{"big":[1,2,3]}}"#
            )),
            [Id::from(1)]
        );
        assert!(
            answered_ids(&frame(r#"{"jsonrpc":"2.0","id":1,"method":"roots/list"}"#)).is_empty()
        );
        assert_eq!(
            answered_ids(&frame(
                r#"[{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","id":"b","error":{"code":1,"message":"m"}}]"#
            )),
            [Id::from(1), Id::from("b")]
        );
        let cut = Frame::TooLong {
            prefix: Bytes::from_static(br#"{"jsonrpc":"2.0","id":4,"result":{"x":"aaaa"#),
        };
        assert_eq!(answered_ids(&cut), [Id::from(4)]);
    }

    #[test]
    fn reads_the_negotiated_version_of_the_right_response() {
        let frame = Frame::Message(Bytes::from_static(
            br#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{}}}"#,
        ));
        assert_eq!(
            negotiated_version(&frame, &Id::from(0)).as_deref(),
            Some("2025-06-18")
        );
        assert_eq!(negotiated_version(&frame, &Id::from(1)), None);
    }

    #[test]
    fn mirrored_values_are_plain_or_base64() {
        assert_eq!(mirrored_header_value("get_weather").unwrap(), "get_weather");
        assert_eq!(
            mirrored_header_value("file:///a b.txt").unwrap(),
            "file:///a b.txt"
        );
        assert_eq!(
            mirrored_header_value("héllo").unwrap(),
            "=?base64?aMOpbGxv?="
        );
        assert_eq!(mirrored_header_value(" x").unwrap(), "=?base64?IHg=?=");
        assert_eq!(
            mirrored_header_value("a\r\nB: c").unwrap(),
            "=?base64?YQ0KQjogYw==?="
        );
        assert_eq!(
            mirrored_header_value("=?base64?literal?=").unwrap(),
            "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, want) in cases {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }
}
