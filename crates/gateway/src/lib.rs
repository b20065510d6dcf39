//! toolgate's gateway: sessions, transports and the interception pipeline.
//!
//! [`intercept::Interceptor`] is the pipeline for one MCP session (parse, classify, decide,
//! reserve, forward or answer, settle); [`stdio`] runs it between the agent on our stdin/stdout
//! and a server child process; [`policy_handle`] keeps the current policy and reloads it when
//! its file changes.
#![forbid(unsafe_code)]

pub mod decision_reply;
pub mod error;
pub mod intercept;
pub mod numbers;
pub mod permit;
pub mod policy_handle;
pub mod stdio;

pub use error::GatewayError;
pub use intercept::{Interceptor, Routed, SessionInfo};
pub use policy_handle::PolicyHandle;
