//! One JSON-RPC message (or batch), parsed exactly once, strictly, and classified.
//!
//! The gateway decides on what this module parsed and forwards the bytes it was given, so the
//! two must never disagree: anything a server might read differently from us is refused here
//! (invalid UTF-8, duplicate keys, keys differing only in case, lone surrogates, odd envelope
//! types). A [`Message`] keeps its original bytes next to the parsed value; forwarding those
//! bytes means no re-serialisation can change what the server sees.

use std::fmt;
use std::ops::Range;

use bytes::Bytes;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Number, Value};

use crate::error::{ParseError, type_name};
use crate::{fold, path, strict, tools};

/// The method whose calls go through policy.
pub const TOOLS_CALL: &str = "tools/call";
/// The method whose results are filtered.
pub const TOOLS_LIST: &str = "tools/list";

/// Members a JSON-RPC envelope may carry; a key folding to one of them must be spelled
/// exactly like it.
const ENVELOPE_MEMBERS: &[&str] = &["jsonrpc", "method", "params", "id", "result", "error"];
const ERROR_MEMBERS: &[&str] = &["code", "message", "data"];

/// A JSON-RPC request id (also used for progress tokens): a string or a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Id {
    Number(Number),
    String(String),
}

impl Id {
    /// The id in `value`, if it is a string or a number.
    pub fn from_value(value: &Value) -> Option<Id> {
        match value {
            Value::Number(n) => Some(Id::Number(n.clone())),
            Value::String(s) => Some(Id::String(s.clone())),
            _ => None,
        }
    }

    /// The id as a JSON value.
    pub fn to_value(&self) -> Value {
        match self {
            Id::Number(n) => Value::Number(n.clone()),
            Id::String(s) => Value::String(s.clone()),
        }
    }
}

impl From<Id> for Value {
    fn from(id: Id) -> Value {
        match id {
            Id::Number(n) => Value::Number(n),
            Id::String(s) => Value::String(s),
        }
    }
}

impl From<i64> for Id {
    fn from(n: i64) -> Id {
        Id::Number(n.into())
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id::String(s.to_owned())
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Number(n) => write!(f, "{n}"),
            Id::String(s) => write!(f, "{}", Value::from(s.as_str())),
        }
    }
}

/// What a message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Has `method` and `id`: the peer expects a response.
    Request { id: Id, method: String },
    /// Has `method`, no `id`.
    Notification { method: String },
    /// Has `result` or `error`. `id` is `None` only for an error response with `"id": null`.
    Response { id: Option<Id>, outcome: Outcome },
}

/// Which of `result` / `error` a response carries (read it with [`Message::result`] or
/// [`Message::error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Result,
    Error { code: i64 },
}

/// One strictly parsed JSON-RPC message.
#[derive(Debug, Clone)]
pub struct Message {
    raw: Bytes,
    value: Value,
    kind: Kind,
}

impl Message {
    /// The exact bytes received: forward these, never a re-serialisation of [`Self::value`].
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }

    /// The parsed message (escapes decoded, no duplicate keys).
    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    /// `method`, for requests and notifications.
    pub fn method(&self) -> Option<&str> {
        match &self.kind {
            Kind::Request { method, .. } | Kind::Notification { method } => Some(method),
            Kind::Response { .. } => None,
        }
    }

    /// `id`, for requests and responses (`None` for notifications and null-id errors).
    pub fn id(&self) -> Option<&Id> {
        match &self.kind {
            Kind::Request { id, .. } => Some(id),
            Kind::Response { id, .. } => id.as_ref(),
            Kind::Notification { .. } => None,
        }
    }

    /// `params`, if present (an object or an array).
    pub fn params(&self) -> Option<&Value> {
        self.member("params")
    }

    /// `result`, for a successful response.
    pub fn result(&self) -> Option<&Value> {
        match self.kind {
            Kind::Response {
                outcome: Outcome::Result,
                ..
            } => self.member("result"),
            _ => None,
        }
    }

    /// `error`, for an error response.
    pub fn error(&self) -> Option<&Value> {
        match self.kind {
            Kind::Response {
                outcome: Outcome::Error { .. },
                ..
            } => self.member("error"),
            _ => None,
        }
    }

    pub fn is_request(&self) -> bool {
        matches!(self.kind, Kind::Request { .. })
    }

    pub fn is_notification(&self) -> bool {
        matches!(self.kind, Kind::Notification { .. })
    }

    pub fn is_response(&self) -> bool {
        matches!(self.kind, Kind::Response { .. })
    }

    /// Takes the message apart without copying.
    pub fn into_parts(self) -> (Bytes, Value, Kind) {
        (self.raw, self.value, self.kind)
    }

    fn member(&self, key: &str) -> Option<&Value> {
        self.value.as_object().and_then(|object| object.get(key))
    }
}

/// What one frame held.
#[derive(Debug, Clone)]
pub enum Incoming {
    Message(Message),
    /// A JSON-RPC batch (legal only in protocol 2025-03-26; see
    /// [`crate::version::allows_batches`]). Never empty.
    Batch(Vec<Message>),
}

impl Incoming {
    /// The messages, one for a single message.
    pub fn messages(&self) -> &[Message] {
        match self {
            Incoming::Message(message) => std::slice::from_ref(message),
            Incoming::Batch(messages) => messages,
        }
    }

    /// The messages, owned.
    pub fn into_messages(self) -> Vec<Message> {
        match self {
            Incoming::Message(message) => vec![message],
            Incoming::Batch(messages) => messages,
        }
    }

    pub fn is_batch(&self) -> bool {
        matches!(self, Incoming::Batch(_))
    }
}

/// Parses one frame strictly. The returned messages own a copy of `bytes`; use
/// [`parse_bytes`] to share the frame's buffer instead.
pub fn parse_message(bytes: &[u8]) -> Result<Incoming, ParseError> {
    parse_with(bytes, |range| Bytes::copy_from_slice(&bytes[range]))
}

/// Like [`parse_message`], without copying: raw bytes are slices of `bytes`.
pub fn parse_bytes(bytes: Bytes) -> Result<Incoming, ParseError> {
    parse_with(&bytes, |range| bytes.slice(range))
}

fn parse_with(bytes: &[u8], raw: impl Fn(Range<usize>) -> Bytes) -> Result<Incoming, ParseError> {
    // Validating the whole frame first gives one precise offset, and lets serde_json read a
    // `&str` without checking again.
    let text = std::str::from_utf8(bytes).map_err(|err| ParseError::InvalidUtf8 {
        offset: err.valid_up_to(),
    })?;
    let first = text
        .bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if first == Some(b'[') {
        return parse_batch(text, raw).map(Incoming::Batch);
    }
    let value = strict::parse_value(text, path::ROOT, 1)?;
    let kind = classify(&value, path::ROOT)?;
    Ok(Incoming::Message(Message {
        raw: raw(0..bytes.len()),
        value,
        kind,
    }))
}

fn parse_batch(
    text: &str,
    raw: impl Fn(Range<usize>) -> Bytes,
) -> Result<Vec<Message>, ParseError> {
    // Find each element's exact bytes (serde_json validates the syntax on the way), then
    // build each element's value strictly. The first pass builds no values.
    let elements: Vec<&RawValue> = serde_json::from_str(text)
        .map_err(|err| strict::from_serde(&err, path::ROOT.to_owned()))?;
    if elements.is_empty() {
        return Err(ParseError::EmptyBatch);
    }
    let start = text.as_ptr() as usize;
    elements
        .iter()
        .enumerate()
        .map(|(index, element)| {
            let base = path::join_index(path::ROOT, index);
            let element_text = element.get();
            // The batch array itself is nesting level 1.
            let value = strict::parse_value(element_text, &base, 2)?;
            let kind = classify(&value, &base)?;
            let offset = element_text.as_ptr() as usize - start;
            Ok(Message {
                raw: raw(offset..offset + element_text.len()),
                value,
                kind,
            })
        })
        .collect()
}

/// Checks the envelope and says what the message is.
fn classify(value: &Value, base: &str) -> Result<Kind, ParseError> {
    let object = value.as_object().ok_or_else(|| ParseError::NotAnObject {
        path: base.to_owned(),
        found: type_name(value),
    })?;
    fold::check_members(object, ENVELOPE_MEMBERS, base)?;
    match object.get("jsonrpc") {
        None => {
            return Err(ParseError::MissingVersion {
                path: base.to_owned(),
            });
        }
        Some(Value::String(v)) if v == "2.0" => {}
        Some(other) => {
            return Err(ParseError::WrongVersion {
                path: path::join_key(base, "jsonrpc"),
                found: short_json(other),
            });
        }
    }
    if let Some(method) = object.get("method") {
        // The whole request is checked, not only params: policy may read any path of params
        // (arguments, _meta) and a case-insensitive server reads every level the same way.
        fold::check_tree(value, base)?;
        classify_call(object, method, base)
    } else if object.contains_key("result") || object.contains_key("error") {
        classify_response(object, base)
    } else {
        Err(ParseError::NotAMessage {
            path: base.to_owned(),
        })
    }
}

fn classify_call(
    object: &Map<String, Value>,
    method: &Value,
    base: &str,
) -> Result<Kind, ParseError> {
    for member in ["result", "error"] {
        if object.contains_key(member) {
            return Err(ParseError::RequestAndResponse {
                path: base.to_owned(),
                member,
            });
        }
    }
    let method = method.as_str().ok_or_else(|| ParseError::MethodNotString {
        path: path::join_key(base, "method"),
        found: type_name(method),
    })?;
    if let Some(params) = object.get("params") {
        let (ok, expected) = if method == TOOLS_CALL {
            (params.is_object(), "an object")
        } else {
            (
                params.is_object() || params.is_array(),
                "an object or an array",
            )
        };
        if !ok {
            return Err(ParseError::InvalidParams {
                path: path::join_key(base, "params"),
                expected,
                found: type_name(params),
            });
        }
    }
    check_meta(object.get("params"), base)?;
    if method == TOOLS_CALL {
        tools::read_call(object.get("params"), base)?;
    }
    let method = method.to_owned();
    match object.get("id") {
        None => Ok(Kind::Notification { method }),
        Some(id) => Ok(Kind::Request {
            id: Id::from_value(id).ok_or_else(|| ParseError::InvalidId {
                path: path::join_key(base, "id"),
                found: type_name(id),
            })?,
            method,
        }),
    }
}

/// `params._meta` carries progress tokens, which the gateway maps between sessions: a
/// case-variant spelling of `_meta` or `progressToken` could make it map the wrong one.
fn check_meta(params: Option<&Value>, base: &str) -> Result<(), ParseError> {
    let Some(Value::Object(params)) = params else {
        return Ok(());
    };
    let params_path = path::join_key(base, "params");
    fold::check_members(params, &["_meta"], &params_path)?;
    if let Some(Value::Object(meta)) = params.get("_meta") {
        fold::check_members(
            meta,
            tools::META_MEMBERS,
            &path::join_key(&params_path, "_meta"),
        )?;
    }
    Ok(())
}

fn classify_response(object: &Map<String, Value>, base: &str) -> Result<Kind, ParseError> {
    let invalid = |reason| ParseError::InvalidResponse {
        path: base.to_owned(),
        reason,
    };
    let (result, error) = (object.get("result"), object.get("error"));
    if result.is_some() && error.is_some() {
        return Err(invalid("it has both \"result\" and \"error\""));
    }
    let id = match object.get("id") {
        None => return Err(invalid("it has no \"id\"")),
        Some(Value::Null) if error.is_some() => None,
        Some(id) => Some(Id::from_value(id).ok_or_else(|| ParseError::InvalidId {
            path: path::join_key(base, "id"),
            found: type_name(id),
        })?),
    };
    // Responses are checked at the envelope and one level down (what the gateway reads).
    // Deeper content (tool output, JSON Schemas) is the server's data and may legitimately
    // hold keys such as "ID" and "id".
    fold::check_object(object, base)?;
    let outcome = match (result, error) {
        (Some(result), _) => {
            if let Value::Object(result) = result {
                fold::check_object(result, &path::join_key(base, "result"))?;
            }
            Outcome::Result
        }
        (None, Some(error)) => {
            let error_path = path::join_key(base, "error");
            let error = error.as_object().ok_or(ParseError::InvalidResponse {
                path: error_path.clone(),
                reason: "\"error\" must be an object",
            })?;
            fold::check_members(error, ERROR_MEMBERS, &error_path)?;
            fold::check_object(error, &error_path)?;
            let code = error.get("code").and_then(Value::as_i64).ok_or_else(|| {
                ParseError::InvalidResponse {
                    path: path::join_key(&error_path, "code"),
                    reason: "\"code\" must be an integer",
                }
            })?;
            if !error.get("message").is_some_and(Value::is_string) {
                return Err(ParseError::InvalidResponse {
                    path: path::join_key(&error_path, "message"),
                    reason: "\"message\" must be a string",
                });
            }
            Outcome::Error { code }
        }
        (None, None) => return Err(invalid("it has neither \"result\" nor \"error\"")),
    };
    Ok(Kind::Response { id, outcome })
}

/// A value shown in an error message, cut short.
fn short_json(value: &Value) -> String {
    let mut text = value.to_string();
    if text.len() > 40 {
        let mut cut = 40;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}
