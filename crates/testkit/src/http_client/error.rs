//! Errors of the HTTP test clients. Each says what the test was waiting for, so a failing
//! integration test explains itself without a debugger.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

/// Why an [`HttpClient`](super::HttpClient) or [`LegacySseClient`](super::LegacySseClient)
/// operation failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpClientError {
    #[error("invalid URL `{url}`: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("HTTP request failed while {what}: {detail}")]
    Http { what: String, detail: String },
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout { what: String, after: Duration },
    #[error("HTTP {status} for {what}: {body}")]
    Status {
        what: String,
        status: StatusCode,
        body: String,
    },
    #[error("the event stream ended before {what}")]
    StreamEnded { what: String },
    #[error("the server sent something that is not JSON ({error}): {text}")]
    InvalidJson { text: String, error: String },
    #[error("unexpected answer to {what}: {detail}")]
    Protocol { what: String, detail: String },
}

impl HttpClientError {
    /// The HTTP status, for a [`Status`](Self::Status) error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            HttpClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The JSON-RPC `error.code` in a [`Status`](Self::Status) error's body, if it has one.
    pub fn rpc_code(&self) -> Option<i64> {
        match self {
            HttpClientError::Status { body, .. } => serde_json::from_str::<Value>(body)
                .ok()?
                .pointer("/error/code")?
                .as_i64(),
            _ => None,
        }
    }
}

/// A reqwest error with its causes: reqwest's own text ("error sending request") rarely
/// says what went wrong.
pub(super) fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
