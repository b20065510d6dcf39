//! toolgate's gateway: sessions, transports and the interception pipeline.
//!
//! [`intercept::Interceptor`] is the pipeline for one MCP session (parse, classify, decide,
//! reserve, forward or answer, settle); [`stdio`] runs it between the agent on our stdin/stdout
//! and a server child process; [`policy_handle`] keeps the current policy and reloads it when
//! its file changes.
// `deny`, not `forbid`: one function may opt out, `upstream::die_with_parent` (the few lines
// that run in a forked child before it execs the server), with its own `allow` and reasons.
#![deny(unsafe_code)]

pub mod admin;
pub mod approvals;
pub mod audit_sink;
pub mod error;
pub mod http;
pub mod intercept;
pub mod line_safe;
pub mod numbers;
pub mod pins;
pub mod policy_handle;
pub mod sessions;
pub mod stdio;
pub mod stdio_pipes;
pub mod telemetry;
pub mod upstream;

pub use audit_sink::AuditSink;
pub use error::GatewayError;
pub use intercept::{FailMode, Interceptor, Routed, SessionInfo};
pub use policy_handle::PolicyHandle;
