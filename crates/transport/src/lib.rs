//! How agents reach toolgate: the stdio transport ([`stdio`]: the agent on our stdin/stdout,
//! the server a child process) and the HTTP front ([`http`]: streamable HTTP, legacy
//! HTTP+SSE and stateless requests, with API keys, JWTs, origin and host checks).
//!
//! Each transport only moves bytes and attaches a session's pipeline
//! (`toolgate_pipeline::intercept::Outlets`); what happens to a message is the pipeline's.
#![forbid(unsafe_code)]

pub mod http;
pub mod stdio;
pub mod stdio_pipes;
