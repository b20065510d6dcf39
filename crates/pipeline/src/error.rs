//! Gateway errors that end a run, each saying what went wrong and what to do.

use std::io;

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("cannot start `{command}`: command not found; check the command after `--` and PATH")]
    CommandNotFound { command: String },
    #[error("cannot start `{command}`: permission denied; is it executable?")]
    CommandNotExecutable { command: String },
    #[error("cannot start `{command}`: {source}")]
    Spawn { command: String, source: io::Error },
    #[error(
        "no server command given; put it after `--`, e.g. `toolgate run --policy p.yaml -- npx server`"
    )]
    NoCommand,
    #[error("policy `{path}` could not be loaded:\n{details}")]
    Policy { path: String, details: String },
    #[error("upstream: {0}")]
    Upstream(String),
    #[error("this server speaks MCP only in sessions (stdio servers need `initialize`)")]
    Stateless,
    #[error("I/O error on {what}: {source}")]
    Io {
        what: &'static str,
        source: io::Error,
    },
}

impl GatewayError {
    /// The process exit code a shell would use for the same failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            GatewayError::CommandNotFound { .. } => 127,
            GatewayError::CommandNotExecutable { .. } => 126,
            GatewayError::Spawn { .. } => 126,
            GatewayError::NoCommand => 2,
            GatewayError::Policy { .. } => 1,
            GatewayError::Io { .. } => 1,
            GatewayError::Stateless => 1,
            GatewayError::Upstream(_) => 1,
        }
    }
}
