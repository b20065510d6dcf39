//! A `toolgate run --listen 127.0.0.1:0 …` process for tests (or the example server with
//! `--http 127.0.0.1:0`): started, its bound address read from its stderr, the rest of its
//! stderr kept for failure messages, stopped on drop.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::paths::example_server_path;

pub struct ListeningGateway {
    child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl ListeningGateway {
    /// Starts the example server (found by [`example_server_path`]) as
    /// `toolgate-example-server --http 127.0.0.1:0 ARGS…` (e.g. `["--stateless"]`).
    pub fn example_server(args: &[&str]) -> Result<ListeningGateway, String> {
        let mut command = Command::new(example_server_path());
        command.args(["--http", "127.0.0.1:0"]).args(args);
        Self::start(command)
    }

    /// `http://ADDR/sse`, the example server's legacy event stream (`--legacy-sse`).
    pub fn sse_url(&self) -> String {
        format!("http://{}/sse", self.addr)
    }

    /// Starts `command` (a `toolgate run --listen 127.0.0.1:0 …` line) and waits up to 20 s for
    /// its `listening on http(s)://ADDR/mcp` line.
    pub fn start(mut command: Command) -> Result<ListeningGateway, String> {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {command:?}: {e}"))?;
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().ok_or("stderr not piped")?;
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                // Kept before it is announced, so `stderr()` holds the line once `start` returns.
                {
                    let mut s = sink.lock().unwrap_or_else(|p| p.into_inner());
                    s.push_str(&line);
                    s.push('\n');
                }
                if let Some(addr) = bound_address(&line)
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(addr);
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(addr) = rx.recv_timeout(Duration::from_millis(50)) {
                return Ok(ListeningGateway {
                    child,
                    addr,
                    stderr,
                });
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                let log = stderr.lock().unwrap_or_else(|p| p.into_inner()).clone();
                return Err(format!(
                    "the gateway exited ({status}) before listening:\n{log}"
                ));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let log = stderr.lock().unwrap_or_else(|p| p.into_inner()).clone();
                return Err(format!(
                    "the gateway did not start listening within 20 s:\n{log}"
                ));
            }
        }
    }

    /// `http://ADDR/mcp`.
    pub fn mcp_url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// `http://ADDR` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Everything the gateway wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Waits up to `timeout` for the process to exit on its own; `None` if it did not.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits (up to 10 s) for the exit status.
    pub fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        self.child.wait().ok()
    }
}

impl Drop for ListeningGateway {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn bound_address(line: &str) -> Option<SocketAddr> {
    let rest = line.split("listening on ").nth(1)?;
    let rest = rest
        .strip_prefix("http://")
        .or_else(|| rest.strip_prefix("https://"))?;
    rest.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bound_address_is_read_from_the_announcement() {
        assert_eq!(
            super::bound_address(
                "toolgate: listening on http://127.0.0.1:41234/mcp (legacy SSE: http://127.0.0.1:41234/sse)"
            ),
            Some("127.0.0.1:41234".parse().unwrap())
        );
        assert_eq!(super::bound_address("toolgate starting"), None);
    }
}
