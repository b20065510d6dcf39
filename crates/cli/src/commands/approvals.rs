//! `toolgate approvals list|approve ID|deny ID`: answer approval requests from a terminal
//! through a running gateway's admin API. The queue and its rules live in the gateway; this
//! file only talks HTTP and prints.
//!
//! The token comes from `TOOLGATE_ADMIN_TOKEN` (or `--token`, which other users can see in
//! `ps`) and travels only in the `Authorization` header; redirects are not followed, so it
//! can't be forwarded to another host. Exit codes: 0 done, 1 refused by the gateway (not
//! found, already decided, self-approval, not an approver — with its message), 2 usage or
//! connection error (including a token the gateway doesn't accept).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

const EXIT_REFUSED: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// The gateway's admin address (`toolgate run --admin ADDR`).
    #[arg(
        long,
        global = true,
        env = "TOOLGATE_ADMIN_URL",
        default_value = "http://127.0.0.1:9464",
        value_name = "URL"
    )]
    admin: String,
    /// An approver's token. Prefer the environment variable: arguments are visible to
    /// other users in the process list.
    #[arg(
        long,
        global = true,
        env = "TOOLGATE_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    token: Option<String>,
    /// Print the gateway's JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(clap::Subcommand)]
enum Command {
    /// List pending approval requests, oldest first.
    List,
    /// Approve a request: the waiting call runs.
    Approve(AnswerArgs),
    /// Deny a request: the waiting call is refused.
    Deny(AnswerArgs),
}

#[derive(clap::Args)]
struct AnswerArgs {
    /// The request's id (from `toolgate approvals list`).
    id: String,
    /// Recorded in the audit log with your answer.
    #[arg(long)]
    comment: Option<String>,
}

/// The gateway said no (403, 404, 409): exit 1 with its message.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

pub fn run(args: Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("toolgate approvals: cannot start: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match runtime.block_on(approvals(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<Refused>().is_some() => {
            eprintln!("toolgate approvals: refused: {e}");
            ExitCode::from(EXIT_REFUSED)
        }
        Err(e) => {
            eprintln!("toolgate approvals: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

async fn approvals(args: &Args) -> Result<()> {
    let api = Api::new(args)?;
    match &args.command {
        Command::List => {
            let list = api.call(Method::GET, "approvals", None).await?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print!("{}", render_list(&list)?);
            }
        }
        Command::Approve(a) | Command::Deny(a) => {
            let approve = matches!(args.command, Command::Approve(_));
            check_id(&a.id)?;
            let path = format!(
                "approvals/{}/{}",
                a.id,
                if approve { "approve" } else { "deny" }
            );
            let body = a.comment.as_ref().map(|c| json!({ "comment": c }));
            let decided = api.call(Method::POST, &path, body).await?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&decided)?);
            } else {
                println!("{}", render_decision(&decided));
            }
        }
    }
    Ok(())
}

struct Api {
    base: Url,
    token: String,
    client: reqwest::Client,
    json: bool,
}

impl Api {
    fn new(args: &Args) -> Result<Api> {
        let mut base = Url::parse(args.admin.trim())
            .with_context(|| format!("--admin {:?} is not a URL", args.admin))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            bail!(
                "--admin {} must be an http:// or https:// URL with a host",
                args.admin
            );
        }
        // Treat the URL as a directory, so `approvals` is joined below any path prefix.
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let token = match args.token.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => bail!("no approver token: set TOOLGATE_ADMIN_TOKEN (or pass --token)"),
        };
        let loopback = is_loopback(&base);
        if base.scheme() == "http" && !loopback {
            eprintln!(
                "toolgate approvals: warning: sending the token unencrypted to {}; use https:// or an SSH tunnel",
                base.host_str().unwrap_or("?")
            );
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none());
        if loopback {
            // A proxy from the environment can't reach the gateway's loopback listener.
            builder = builder.no_proxy();
        }
        Ok(Api {
            base,
            token,
            client: builder.build().context("building the HTTP client")?,
            json: args.json,
        })
    }

    /// One request; the parsed JSON of a 2xx answer, else the error to exit with.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value> {
        let url = self.base.join(path).context("building the request URL")?;
        let mut request = self
            .client
            .request(method, url)
            .bearer_auth(&self.token)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(b) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_string());
        }
        let response = request.send().await.map_err(|e| {
            anyhow!(
                "cannot reach the gateway's admin API at {}: {} (is `toolgate run --admin` running there?)",
                self.base,
                error_chain(&e)
            )
        })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .context("reading the gateway's answer")?;
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
        if status.is_success() {
            return parsed
                .ok_or_else(|| anyhow!("the gateway answered with something that is not JSON"));
        }
        if self.json
            && let Some(v) = &parsed
        {
            println!("{}", serde_json::to_string_pretty(v)?);
        }
        let message = parsed
            .as_ref()
            .and_then(|v| v["error"].as_str())
            .map(clean)
            .unwrap_or_else(|| format!("HTTP {status}"));
        match status {
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::CONFLICT => {
                Err(Refused(message).into())
            }
            StatusCode::UNAUTHORIZED => Err(anyhow!(
                "the gateway did not accept the token: {message} (check TOOLGATE_ADMIN_TOKEN)"
            )),
            _ => Err(anyhow!("the gateway answered {status}: {message}")),
        }
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Ids are URL-safe by construction; anything else is a typo (or an attempt to reach another
/// path), refused before sending.
fn check_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.len() > 128
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!(
            "{:?} is not an approval id (see `toolgate approvals list`)",
            clean(id)
        );
    }
    Ok(())
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Text from the gateway with control characters replaced, so it can't drive the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => clean(s),
        Value::Null => "-".into(),
        other => clean(&other.to_string()),
    }
}

fn render_list(list: &Value) -> Result<String> {
    let items = list
        .as_array()
        .ok_or_else(|| anyhow!("the gateway's list is not a JSON array"))?;
    if items.is_empty() {
        return Ok("no approval requests are pending\n".into());
    }
    let mut rows = vec![[
        "ID".to_string(),
        "TOOL".into(),
        "IDENTITY".into(),
        "EXPIRES IN".into(),
        "RULE".into(),
        "REASON".into(),
        "ARGUMENTS".into(),
    ]];
    for v in items {
        rows.push([
            text(&v["id"]),
            fit(&text(&v["tool"]), 32),
            fit(&text(&v["identity"]), 24),
            v["expires_in_s"].as_u64().map_or("-".into(), duration),
            fit(&text(&v["rule"]), 28),
            fit(&text(&v["reason"]), 32),
            fit(&clean(&v["arguments"].to_string()), 60),
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if let Some(&w) = widths.get(i) {
                line.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let n = items.len();
    out.push_str(&format!(
        "{n} pending; answer with `toolgate approvals approve ID` or `deny ID` (--json shows the arguments in full)\n"
    ));
    Ok(out)
}

fn render_decision(d: &Value) -> String {
    let outcome = d["outcome"].as_str().unwrap_or("decided");
    let mut line = format!(
        "{} {} ({} for {}) as {}",
        clean(outcome),
        text(&d["id"]),
        text(&d["tool"]),
        text(&d["identity"]),
        text(&d["by"])
    );
    if let Some(c) = d["comment"].as_str() {
        line.push_str(&format!(": {}", clean(c)));
    }
    line
}

fn duration(s: u64) -> String {
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let cut: String = s.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_a_table_without_control_characters() {
        let list = json!([{
            "id": "0123456789abcdef0123456789abcdef", "tool": "createRefund",
            "identity": "bob\u{1b}[31m", "expires_in_s": 299, "rule": "big refunds",
            "reason": null, "arguments": {"amount": 250}
        }]);
        let out = render_list(&list).unwrap();
        let mut lines = out.lines();
        let header = lines.next().unwrap();
        assert!(
            header.starts_with("ID  ") && header.contains("EXPIRES IN"),
            "{out}"
        );
        let row = lines.next().unwrap();
        assert!(
            row.contains("createRefund") && row.contains("4m 59s"),
            "{out}"
        );
        assert!(row.contains(r#"{"amount":250}"#), "{out}");
        assert!(!out.contains('\u{1b}'), "{out:?}");
        assert_eq!(
            render_list(&json!([])).unwrap(),
            "no approval requests are pending\n"
        );
    }

    #[test]
    fn ids_are_checked_before_sending() {
        assert!(check_id("0123abcdef").is_ok());
        for bad in ["", "../metrics", "a/b", "a b", "a?x=1"] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }
}
