//! toolgate-mcp: JSON-RPC framing, strict parsing and classification of MCP messages.
//!
//! The gateway decides on what this crate parsed and forwards the original bytes, so this
//! crate's one job is to make sure those never disagree: every message is parsed exactly
//! once, strictly, and anything an MCP server could read differently from us (duplicate or
//! case-variant keys, invalid UTF-8, lone surrogates, odd envelope types, oversize lines) is
//! refused with an error naming the JSON path. It holds no policy logic.
//!
//! - [`framing`]: newline-delimited frames for the stdio transport.
//! - [`parse`]: [`parse_message`] → [`Incoming`] ([`Message`]s with raw bytes and [`Kind`]).
//! - [`tools`]: [`ToolCall`] extraction and `tools/list` filtering.
//! - [`wire`]: error, result and denial builders; [`wire::best_effort_id`].
//! - [`version`]: protocol revisions.
//! - [`error`]: [`ParseError`] and its JSON-RPC codes.
//! - [`canonical`]: canonical JSON for digests.
//! - [`numbers`]: exact decimal comparison, and numbers a server could read as another value.
//! - [`line_safe`]: messages made safe to write as one line (stdio, SSE `data:`).
#![forbid(unsafe_code)]

pub mod canonical;
pub mod error;
pub mod framing;
pub mod line_safe;
pub mod numbers;
pub mod parse;
pub mod splice;
pub mod tools;
pub mod version;
pub mod wire;

mod fold;
mod path;
mod recover;
mod strict;

pub use error::ParseError;
pub use framing::{DEFAULT_MAX_MESSAGE_SIZE, Frame, LineCodec};
pub use parse::{Id, Incoming, Kind, Message, Outcome, parse_bytes, parse_message};
pub use strict::MAX_DEPTH;
pub use tools::{ProgressToken, ToolCall, ToolsPage, filter_tools_list, tools_list_page};
pub use version::ProtocolVersion;
