//! Configuring and spawning a [`StdioClient`]: command line, environment, stderr handling,
//! timeout, the server→client request handler and the declared client capabilities.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;
use tokio::sync::{mpsc, watch};

use super::reader::{Pending, Shared, capture_stderr, read_loop};
use super::{ClientError, RequestHandler, StdioClient};

/// What happens to the child's stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StderrMode {
    /// Shown with the test's output (the default: helps when a test fails).
    #[default]
    Inherit,
    /// Collected; read it with [`StdioClient::stderr_output`].
    Capture,
    /// Discarded.
    Null,
}

/// Configures and spawns a [`StdioClient`].
pub struct StdioClientBuilder {
    pub(super) program: OsString,
    pub(super) args: Vec<OsString>,
    pub(super) envs: Vec<(OsString, Option<OsString>)>,
    pub(super) current_dir: Option<PathBuf>,
    pub(super) stderr: StderrMode,
    pub(super) timeout: Duration,
    pub(super) handler: Option<RequestHandler>,
    pub(super) capabilities: Value,
}

impl StdioClientBuilder {
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), Some(value.into())));
        self
    }

    pub fn env_remove(mut self, key: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), None));
        self
    }

    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.current_dir = Some(dir.into());
        self
    }

    pub fn stderr(mut self, mode: StderrMode) -> Self {
        self.stderr = mode;
        self
    }

    /// Bound on every wait (responses, messages, notifications, exit).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Answers server→client requests; without one they land in the inbox.
    pub fn handler(mut self, handler: RequestHandler) -> Self {
        self.handler = Some(handler);
        self
    }

    /// The `capabilities` sent by [`StdioClient::initialize`] (default: elicitation,
    /// sampling and roots).
    pub fn capabilities(mut self, capabilities: Value) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Starts the child and the reader task. Needs a tokio runtime.
    pub fn spawn(self) -> Result<StdioClient, ClientError> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        command.stderr(match self.stderr {
            StderrMode::Inherit => Stdio::inherit(),
            StderrMode::Capture => Stdio::piped(),
            StderrMode::Null => Stdio::null(),
        });
        for (key, value) in &self.envs {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.current_dir {
            command.current_dir(dir);
        }
        let mut child = command.spawn().map_err(|source| ClientError::Spawn {
            program: self.program.to_string_lossy().into_owned(),
            source,
        })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            notifications: Mutex::new(Vec::new()),
            server_requests: Mutex::new(Vec::new()),
            events: watch::Sender::new(0),
            handler: RwLock::new(self.handler),
            stdin: tokio::sync::Mutex::new(child.stdin.take()),
            stderr: Mutex::new(Vec::new()),
        });
        let (inbox_tx, inbox) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_loop(Arc::clone(&shared), stdout, inbox_tx));
        let stderr_task = child
            .stderr
            .take()
            .map(|stderr| tokio::spawn(capture_stderr(Arc::clone(&shared), stderr)));
        Ok(StdioClient {
            pid: child.id(),
            child: tokio::sync::Mutex::new(child),
            shared,
            inbox: tokio::sync::Mutex::new(inbox),
            next_id: AtomicI64::new(1),
            timeout: self.timeout,
            capabilities: self.capabilities,
            reader,
            stderr_task: Mutex::new(stderr_task),
        })
    }
}
