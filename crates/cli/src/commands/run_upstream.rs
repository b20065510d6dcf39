//! Where `toolgate run` finds the MCP server: a command after `--` (stdio, one process per
//! session), or `--upstream URL` (a remote server over streamable HTTP or legacy SSE).

use std::ffi::OsString;
use std::time::Duration;

use toolgate_upstream::UpstreamSpec;
use toolgate_upstream::http::{HttpProtocol, HttpUpstreamOptions, client_builder};
use toolgate_upstream::shared_child::SharedChild;

#[derive(clap::Args)]
pub struct UpstreamArgs {
    /// A remote MCP server (`https://host/mcp`) instead of a command after `--`: streamable
    /// HTTP, falling back to the legacy HTTP+SSE transport.
    #[arg(
        long,
        env = "TOOLGATE_UPSTREAM",
        value_name = "URL",
        conflicts_with = "command"
    )]
    pub upstream: Option<String>,
    /// A header for every request to `--upstream` (its credentials), as `Name: value`;
    /// repeatable. The agent's own credentials are never forwarded.
    #[arg(long = "upstream-header", value_name = "HEADER", requires = "upstream")]
    pub upstream_headers: Vec<String>,
    /// The HTTP transport `--upstream` speaks.
    #[arg(long, value_enum, default_value = "auto", requires = "upstream")]
    pub upstream_protocol: ProtocolArg,
    /// With `--listen`: every HTTP session shares one server process (started and
    /// initialized by toolgate) instead of getting its own. Server requests then go to the
    /// most recently active session and per-session notifications are dropped (docs/http.md).
    #[arg(long, conflicts_with_all = ["upstream", "upstream_per_session"])]
    pub upstream_shared: bool,
    /// With `--listen`: one server process per HTTP session (the default), so no server-side
    /// state, notification or server request crosses from one agent to another.
    #[arg(long)]
    pub upstream_per_session: bool,
    /// Seconds to wait for a connection to `--upstream`.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub upstream_connect_timeout: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ProtocolArg {
    /// Streamable HTTP, or legacy SSE if the server refuses it.
    Auto,
    Streamable,
    Sse,
}

impl UpstreamArgs {
    /// The upstream to open a session with, for each agent session.
    pub fn spec(
        &self,
        command: &[OsString],
        max_message_bytes: usize,
    ) -> Result<UpstreamSpec, String> {
        let Some(url) = &self.upstream else {
            if self.upstream_shared {
                return Ok(UpstreamSpec::Shared(SharedChild::new(
                    command.to_vec(),
                    max_message_bytes,
                )));
            }
            return Ok(UpstreamSpec::Command {
                command: command.to_vec(),
                max_message_bytes,
            });
        };
        let url = reqwest::Url::parse(url).map_err(|e| format!("--upstream {url:?}: {e}"))?;
        let mut options = HttpUpstreamOptions::new(url);
        for h in &self.upstream_headers {
            let (name, value) = h
                .split_once(':')
                .ok_or_else(|| format!("--upstream-header expects `Name: value`, got {h:?}"))?;
            let name = reqwest::header::HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|e| format!("--upstream-header {name:?}: {e}"))?;
            let mut value = reqwest::header::HeaderValue::from_str(value.trim())
                .map_err(|e| format!("--upstream-header value for {name}: {e}"))?;
            value.set_sensitive(true);
            options.headers.append(name, value);
        }
        options.max_message_bytes = max_message_bytes;
        options.connect_timeout = Duration::from_secs(self.upstream_connect_timeout.max(1));
        options.protocol = match self.upstream_protocol {
            ProtocolArg::Auto => HttpProtocol::Auto,
            ProtocolArg::Streamable => HttpProtocol::Streamable,
            ProtocolArg::Sse => HttpProtocol::LegacySse,
        };
        let client = client_builder(options.connect_timeout)
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(UpstreamSpec::Http { options, client })
    }

    /// Names the server in audit records.
    pub fn describe(&self) -> Option<String> {
        let url = reqwest::Url::parse(self.upstream.as_deref()?).ok()?;
        Some(format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or(""),
            url.port().map(|p| format!(":{p}")).unwrap_or_default()
        ))
    }
}
