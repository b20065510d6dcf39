//! Why a message was refused, and which JSON-RPC error code says so.
//!
//! One enum for everything this crate rejects. Each variant names the JSON path it is about
//! and its message says what was wrong and what to do, because the text goes back to the
//! agent (which may fix its call) and into the audit log (which an operator reads).
//! [`ParseError::code`] matches every variant explicitly so that a new variant cannot reach
//! the wire without a deliberate choice of code.

use crate::wire::{INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR};

/// A message (or part of one) that toolgate refuses to interpret or forward.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The frame was longer than the configured maximum message size.
    #[error(
        "message is larger than the {limit}-byte limit; send smaller messages or raise the \
         gateway's maximum message size"
    )]
    TooLarge { limit: usize },

    /// The bytes are not UTF-8, so no two readers are guaranteed to decode them alike.
    #[error(
        "message is not valid UTF-8 (bad byte at offset {offset}); JSON-RPC messages must be \
         UTF-8 text"
    )]
    InvalidUtf8 { offset: usize },

    /// Not JSON at all, or trailing bytes after the value.
    #[error("invalid JSON at {path} (line {line}, column {column}): {detail}")]
    InvalidJson {
        path: String,
        line: usize,
        column: usize,
        detail: String,
    },

    /// A `\uD800`-style escape without its partner: readers replace, keep or reject it
    /// differently.
    #[error(
        "unpaired UTF-16 surrogate escape in a string at {path}; write characters outside the \
         Basic Multilingual Plane as a surrogate pair or as plain UTF-8"
    )]
    LoneSurrogate { path: String },

    /// Nesting deeper than [`crate::MAX_DEPTH`].
    #[error("JSON nested deeper than {limit} levels at {path}; flatten the value")]
    TooDeep { path: String, limit: usize },

    /// The same key twice in one object. Readers disagree on which copy wins.
    #[error(
        "duplicate key {key:?} at {path}; a key may appear only once per object because \
         servers disagree on which copy wins"
    )]
    DuplicateKey { path: String, key: String },

    /// Two keys of one object that are equal when letter case is ignored.
    #[error(
        "keys {first:?} and {second:?} in the object at {path} differ only in letter case; \
         servers that match keys case-insensitively could read either, so send only one"
    )]
    CaseFoldedKey {
        path: String,
        first: String,
        second: String,
    },

    /// A key that a case-insensitive reader would take for a protocol member (`"Method"`,
    /// `"NAME"`) although it is not spelled exactly like it.
    #[error(
        "key {key:?} at {path} would be read as {expected:?} by servers that ignore letter \
         case; spell it exactly {expected:?}"
    )]
    MisspelledMember {
        path: String,
        key: String,
        expected: &'static str,
    },

    /// `[]`.
    #[error("a batch must contain at least one message")]
    EmptyBatch,

    /// A message (or a batch element) that is not a JSON object.
    #[error("{path} must be a JSON-RPC message object, found {found}")]
    NotAnObject { path: String, found: &'static str },

    /// No `jsonrpc` member.
    #[error("missing \"jsonrpc\" at {path}; every message must carry \"jsonrpc\": \"2.0\"")]
    MissingVersion { path: String },

    /// `jsonrpc` present but not exactly `"2.0"`.
    #[error("{path} must be exactly \"2.0\", found {found}")]
    WrongVersion { path: String, found: String },

    /// `method` is not a string.
    #[error("{path} must be a string, found {found}")]
    MethodNotString { path: String, found: &'static str },

    /// `id` is not a string or a number (null is allowed only in error responses).
    #[error(
        "{path} must be a string or a number, found {found} (null is allowed only in error \
         responses)"
    )]
    InvalidId { path: String, found: &'static str },

    /// `params` of the wrong JSON type.
    #[error("{path} must be {expected}, found {found}")]
    InvalidParams {
        path: String,
        expected: &'static str,
        found: &'static str,
    },

    /// Both `method` and `result`/`error`: a request and a response at once.
    #[error(
        "message at {path} has both \"method\" and {member:?}; it cannot be both a request and \
         a response"
    )]
    RequestAndResponse { path: String, member: &'static str },

    /// Neither `method` nor `result`/`error`.
    #[error(
        "message at {path} has neither \"method\" nor \"result\"/\"error\"; it is not a \
         request, a notification or a response"
    )]
    NotAMessage { path: String },

    /// A response whose envelope is malformed.
    #[error("invalid response at {path}: {reason}")]
    InvalidResponse { path: String, reason: &'static str },

    /// `tools/call` params that the gateway cannot evaluate unambiguously.
    #[error("invalid tools/call params at {path}: {reason}")]
    InvalidToolCall { path: String, reason: &'static str },

    /// A `tools/list` result that cannot be filtered safely.
    #[error("invalid tools/list result at {path}: {reason}")]
    InvalidToolsList { path: String, reason: &'static str },
}

impl ParseError {
    /// The JSON-RPC error code to answer with.
    ///
    /// JSON-level faults are `-32700`, envelope faults `-32600`, malformed params `-32602`,
    /// and a server reply we cannot filter `-32603` (the agent did nothing wrong).
    pub fn code(&self) -> i64 {
        match self {
            Self::InvalidUtf8 { .. }
            | Self::InvalidJson { .. }
            | Self::LoneSurrogate { .. }
            | Self::TooDeep { .. }
            | Self::DuplicateKey { .. } => PARSE_ERROR,
            Self::TooLarge { .. }
            | Self::CaseFoldedKey { .. }
            | Self::MisspelledMember { .. }
            | Self::EmptyBatch
            | Self::NotAnObject { .. }
            | Self::MissingVersion { .. }
            | Self::WrongVersion { .. }
            | Self::MethodNotString { .. }
            | Self::InvalidId { .. }
            | Self::RequestAndResponse { .. }
            | Self::NotAMessage { .. }
            | Self::InvalidResponse { .. } => INVALID_REQUEST,
            Self::InvalidParams { .. } | Self::InvalidToolCall { .. } => INVALID_PARAMS,
            Self::InvalidToolsList { .. } => INTERNAL_ERROR,
        }
    }

    /// The human-readable message (what was wrong, where, what to do).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The JSON path the error is about, when it is about one place.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::TooLarge { .. } | Self::InvalidUtf8 { .. } | Self::EmptyBatch => None,
            Self::InvalidJson { path, .. }
            | Self::LoneSurrogate { path }
            | Self::TooDeep { path, .. }
            | Self::DuplicateKey { path, .. }
            | Self::CaseFoldedKey { path, .. }
            | Self::MisspelledMember { path, .. }
            | Self::NotAnObject { path, .. }
            | Self::MissingVersion { path }
            | Self::WrongVersion { path, .. }
            | Self::MethodNotString { path, .. }
            | Self::InvalidId { path, .. }
            | Self::InvalidParams { path, .. }
            | Self::RequestAndResponse { path, .. }
            | Self::NotAMessage { path }
            | Self::InvalidResponse { path, .. }
            | Self::InvalidToolCall { path, .. }
            | Self::InvalidToolsList { path, .. } => Some(path),
        }
    }
}

/// A short name for a JSON value's type, for "found …" in messages.
pub(crate) fn type_name(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
