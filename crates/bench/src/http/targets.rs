//! What the HTTP benchmark talks to: the example server over HTTP (**direct**), toolgate in
//! front of it (HTTP→HTTP, and HTTP→stdio with a child per session), and the stdio↔HTTP
//! bridges installed by `scripts/bench-peers-setup` (mcp-proxy, supergateway) in front of
//! the example server on stdio.
//!
//! Every target listens on a loopback port the bench picked (free a moment before), so they
//! all start the same way and are ready when the port accepts. Each process's stderr goes to
//! a file in the run's temporary directory, quoted when something fails.

use std::ffi::OsString;
use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::super::BenchError;
use super::super::machine::descendants;
use super::super::scenarios::Runner;

/// The kinds of target, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Direct,
    ToolgateHttp,
    ToolgateStdio,
    McpProxy,
    Supergateway,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Direct,
        Kind::ToolgateHttp,
        Kind::ToolgateStdio,
        Kind::McpProxy,
        Kind::Supergateway,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::ToolgateHttp => "toolgate HTTP→HTTP",
            Kind::ToolgateStdio => "toolgate HTTP→stdio",
            Kind::McpProxy => "mcp-proxy",
            Kind::Supergateway => "supergateway",
        }
    }

    /// A policing gateway (checked to refuse `add` before it is measured).
    pub fn polices(self) -> bool {
        matches!(self, Kind::ToolgateHttp | Kind::ToolgateStdio)
    }

    pub fn is_peer(self) -> bool {
        matches!(self, Kind::McpProxy | Kind::Supergateway)
    }
}

/// Where `scripts/bench-peers-setup` put the peers (missing ones are `None`).
#[derive(Debug, Clone, Default)]
pub struct Peers {
    pub dir: PathBuf,
    pub mcp_proxy: Option<PathBuf>,
    /// supergateway's `dist/index.js`, run with `node`.
    pub supergateway: Option<PathBuf>,
    pub vellaveto: Option<PathBuf>,
}

impl Peers {
    /// Looks in `dir` (`target/bench-peers` by default).
    pub fn find(dir: &Path) -> Peers {
        let file = |p: PathBuf| p.is_file().then_some(p);
        Peers {
            dir: dir.to_owned(),
            mcp_proxy: file(dir.join("venv/bin/mcp-proxy")),
            supergateway: file(dir.join("node/node_modules/supergateway/dist/index.js")),
            vellaveto: file(dir.join("cargo/bin/vellaveto-proxy")),
        }
    }

    /// Why `kind` cannot run, if it can't.
    pub fn missing(&self, kind: Kind) -> Option<String> {
        let there = match kind {
            Kind::McpProxy => self.mcp_proxy.is_some(),
            Kind::Supergateway => self.supergateway.is_some(),
            _ => true,
        };
        (!there).then(|| {
            format!(
                "not installed (run scripts/bench-peers-setup; looked in {})",
                self.dir.display()
            )
        })
    }
}

/// A child process, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Proc {
    child: Child,
    stderr_path: PathBuf,
}

impl Proc {
    fn spawn(program: &Path, args: &[OsString], stderr_path: PathBuf) -> Result<Proc, String> {
        let stderr = File::create(&stderr_path)
            .map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
        let child = Command::new(program)
            .args(args)
            .env("TOOLGATE_LOG", "warn")
            .env("RUST_LOG", "warn")
            .env_remove("TOOLGATE_TESTKIT_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        Ok(Proc { child, stderr_path })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The last lines of its stderr.
    fn stderr_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        lines[lines.len().saturating_sub(15)..].join("\n    ")
    }

    /// Lines it wrote to stderr (warnings and up, for the run's notes).
    pub fn stderr_lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.stderr_path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn stop(&mut self) {
        if self.exited().is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.exited().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A running target.
pub struct Target {
    pub kind: Kind,
    pub label: String,
    /// The command line of the front process, for the report.
    pub command: String,
    pub addr: SocketAddr,
    pub path: &'static str,
    /// Spawn → port accepting.
    pub startup: Duration,
    front: Proc,
    /// The example server behind toolgate HTTP→HTTP (its own, not the direct one);
    /// declared after `front`, so the gateway stops first.
    upstream: Option<Proc>,
}

impl Target {
    /// Starts `kind` (a peer must be installed: see [`Peers::missing`]).
    pub fn start(
        runner: &mut Runner<'_>,
        kind: Kind,
        policy: &Path,
        peers: &Peers,
    ) -> Result<Target, BenchError> {
        let cfg = runner.cfg;
        let server = cfg.server.clone();
        let port = free_port()?;
        let listen = format!("127.0.0.1:{port}");
        let gateway_args = |tail: Vec<OsString>| -> Vec<OsString> {
            let mut args: Vec<OsString> = vec!["run".into(), "--policy".into(), policy.into()];
            // The bench opens hundreds of sessions from one loopback identity and address;
            // the per-identity and per-client caps (64 by default) would refuse them.
            for a in [
                "--state",
                "memory",
                "--audit",
                "off",
                "--pin-file",
                "off",
                "--max-sessions-per-identity",
                "0",
                "--max-sessions-per-client",
                "0",
                "--listen",
            ] {
                args.push(a.into());
            }
            args.push(listen.clone().into());
            args.extend(tail);
            args
        };
        let mut upstream = None;
        let (program, args): (PathBuf, Vec<OsString>) = match kind {
            Kind::Direct => (server, vec!["--http".into(), listen.clone().into()]),
            Kind::ToolgateHttp => {
                let up_port = free_port()?;
                let up_addr: SocketAddr = ([127, 0, 0, 1], up_port).into();
                let stderr = runner.stderr_file("http-upstream-server");
                let args = vec!["--http".into(), up_addr.to_string().into()];
                let mut up = Proc::spawn(&server, &args, stderr).map_err(BenchError::new)?;
                wait_ready(&mut up, up_addr, "the example server behind toolgate")?;
                upstream = Some(up);
                let url = format!("http://{up_addr}/mcp");
                let tail = vec!["--upstream".into(), url.into()];
                (cfg.toolgate.clone(), gateway_args(tail))
            }
            Kind::ToolgateStdio => {
                let tail = vec!["--".into(), server.into()];
                (cfg.toolgate.clone(), gateway_args(tail))
            }
            Kind::McpProxy => {
                let exe = peers
                    .mcp_proxy
                    .clone()
                    .ok_or_else(|| missing(peers, kind))?;
                let args = ["--host", "127.0.0.1", "--port", &port.to_string()]
                    .into_iter()
                    .chain(["--log-level", "WARNING", "--"])
                    .map(OsString::from)
                    .chain([server.into_os_string()])
                    .collect();
                (exe, args)
            }
            Kind::Supergateway => {
                let index = peers
                    .supergateway
                    .clone()
                    .ok_or_else(|| missing(peers, kind))?;
                // `--stdio` is a shell command line; the path has no spaces in practice,
                // but quote it anyway.
                let stdio = format!("'{}'", server.display().to_string().replace('\'', r"'\''"));
                let args = vec![
                    index.into_os_string(),
                    "--stdio".into(),
                    stdio.into(),
                    "--outputTransport".into(),
                    "streamableHttp".into(),
                    "--stateful".into(),
                    "--port".into(),
                    port.to_string().into(),
                    "--logLevel".into(),
                    "none".into(),
                ];
                (PathBuf::from("node"), args)
            }
        };
        let label = kind.label().to_owned();
        let command = std::iter::once(program.display().to_string())
            .chain(args.iter().map(|a| a.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
            .join(" ");
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let started = Instant::now();
        let stderr = runner.stderr_file(&format!("http-{label}"));
        let mut front = Proc::spawn(&program, &args, stderr).map_err(BenchError::new)?;
        wait_ready(&mut front, addr, &label)?;
        Ok(Target {
            kind,
            label,
            command,
            addr,
            path: "/mcp",
            startup: started.elapsed(),
            front,
            upstream,
        })
    }

    /// The process agents connect to (the server itself for direct).
    pub fn front_pid(&self) -> u32 {
        self.front.pid()
    }

    /// The processes that serve the calls behind the front: toolgate's upstream server, or
    /// the stdio children (and their children) of a gateway or bridge; for direct, none.
    pub fn server_pids(&self) -> Vec<u32> {
        match (&self.upstream, self.kind) {
            (Some(up), _) => vec![up.pid()],
            (None, Kind::Direct) => Vec::new(),
            (None, _) => descendants(self.front.pid()),
        }
    }

    /// An error about this target, with the tail of its stderr.
    pub fn fail(&self, what: &str) -> BenchError {
        let mut message = format!("{}: {what}", self.label);
        let tail = self.front.stderr_tail();
        if !tail.is_empty() {
            message.push_str(&format!("\n  its stderr ends with:\n    {tail}"));
        }
        BenchError::new(message)
    }

    /// Stops it; stderr lines (warnings and up) become notes.
    pub fn finish(mut self, notes: &mut Vec<String>) {
        self.front.stop();
        // Its announcements are not warnings: the bound address, and the stop on SIGTERM.
        let lines: Vec<String> = self
            .front
            .stderr_lines()
            .into_iter()
            .filter(|l| {
                !l.starts_with("toolgate: listening on") && !l.starts_with("toolgate: stopping")
            })
            .collect();
        // Peers log at their own levels; only toolgate's warnings are worth a note.
        if self.kind.polices() && !lines.is_empty() {
            notes.push(format!(
                "{} wrote {} line(s) to stderr, first: {}",
                self.label,
                lines.len(),
                lines[0]
            ));
        }
    }
}

fn missing(peers: &Peers, kind: Kind) -> BenchError {
    BenchError::new(format!(
        "{}: {}",
        kind.label(),
        peers.missing(kind).unwrap_or_default()
    ))
}

/// A loopback port nobody listens on (a moment ago).
fn free_port() -> Result<u16, BenchError> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .map_err(|e| BenchError::new(format!("cannot find a free port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| BenchError::new(format!("cannot find a free port: {e}")))
}

/// Waits up to 60 s for `addr` to accept (Python and node peers take a second or two).
fn wait_ready(proc: &mut Proc, addr: SocketAddr, label: &str) -> Result<(), BenchError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if let Some(status) = proc.exited() {
            return Err(BenchError::new(format!(
                "{label} exited ({status}) before listening on {addr}; its stderr:\n    {}",
                proc.stderr_tail()
            )));
        }
        if Instant::now() > deadline {
            return Err(BenchError::new(format!(
                "{label} did not listen on {addr} within 60 s; its stderr:\n    {}",
                proc.stderr_tail()
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
