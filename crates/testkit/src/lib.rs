//! toolgate-testkit: MCP clients and harness for toolgate's tests.
//!
//! - [`server`]: the example MCP server, re-exported from `toolgate-example-server` (its own
//!   crate, because `toolgate demo` ships it), so tests name one crate for both peers.
//! - [`client`]: [`StdioClient`], a test client that drives a child process over stdio with
//!   bounded waits and scriptable answers to server→client requests.
//! - [`http_client`]: [`HttpClient`] (streamable HTTP, with a session or stateless) and
//!   [`LegacySseClient`] (2024-11-05 HTTP+SSE), the HTTP counterparts of `StdioClient`.
//! - [`listening::ListeningGateway`]: a `toolgate run --listen` process (or the example
//!   server with `--http`) on a free port.
//! - [`schemas`]: the official MCP JSON schema of every revision, and a check that a message
//!   is valid in one.
//! - [`example_server_path`]: where the built server binary is, for other crates' tests.
//!
//! Never part of the shipped `toolgate` binary. The benchmark is `toolgate-bench`.
#![forbid(unsafe_code)]

pub mod client;
pub mod http_client;
pub mod listening;
pub mod paths;
pub mod schemas;

pub use client::{
    ClientError, RequestHandler, ServerRequest, StderrMode, StdioClient, StdioClientBuilder,
    canned_handler, handler_fn,
};
pub use http_client::{HttpClient, HttpClientError, LegacySseClient};
pub use paths::{example_server_path, try_example_server_path};
pub use server::{ExitReason, ServerConfig, serve};
pub use toolgate_example_server as server;
pub use toolgate_example_server::rpc::{self, RpcError};
