//! The crate's one error type.
//!
//! Every variant says what went wrong, where (file path, tool name, `$ref`) and, where it
//! helps, what to do — the message is shown to operators as is.

use std::path::PathBuf;

/// Errors from pin files and schema compilation. Classification and scaffolding cannot fail.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read pin file {path}: {source}")]
    ReadPins {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("pin file {path} is not valid: {source}; fix it or delete it to re-pin every tool")]
    ParsePins {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write pin file {path}: {source}")]
    WritePins {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "pin file {path} has version {version}, written by a newer toolgate (this one reads versions 1 and 2); upgrade toolgate or pin into another file"
    )]
    PinsVersion { path: PathBuf, version: u64 },
    #[error("tool definition has no string `name`")]
    MissingName,
    #[error("unknown drift mode `{0}`; expected block, warn or allow")]
    DriftMode(String),
    #[error("input schema of `{tool}` is not usable: {message}")]
    Schema { tool: String, message: String },
}
