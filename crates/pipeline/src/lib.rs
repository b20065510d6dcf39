//! toolgate's interception pipeline: what happens to each message of an MCP session, whatever
//! carries it.
//!
//! [`intercept::Interceptor`] is the pipeline for one session (parse, classify, identify,
//! decide, validate pins and arguments, reserve, approve, forward, settle, audit). Transports
//! (`toolgate-transport`) attach it to an agent and an upstream (`toolgate-upstream`) through
//! one narrow interface ([`intercept::Outlets`]); held calls, approvals and call timeouts
//! live here, not in any transport. [`policy_handle`] keeps the current policy and reloads
//! it when its file changes; [`session_factory`] builds a pipeline per session; [`approvals`] is the
//! queue people answer.
#![forbid(unsafe_code)]

pub mod approvals;
pub mod audit_sink;
pub mod error;
pub mod intercept;
pub mod pins;
pub mod policy_handle;
pub mod session_factory;
pub mod telemetry;

pub use audit_sink::AuditSink;
pub use error::GatewayError;
pub use intercept::{FailMode, Interceptor, Routed, SessionInfo};
pub use policy_handle::PolicyHandle;
