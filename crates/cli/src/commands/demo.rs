//! `toolgate demo`: the quick start. Runs the real gateway (`toolgate run`) in front of the
//! example shop server with the embedded example policy, plays a short scripted agent
//! session through it, and prints every call with the decision the agent received.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};

use serde_json::{Value, json};

/// The policy the demo runs, shipped inside the binary so the demo needs no files.
const EXAMPLE_POLICY: &str = include_str!("../../../../examples/policy.yaml");
const SERVER_BINARY: &str = "toolgate-example-server";

#[derive(clap::Args)]
pub struct Args {
    /// Path of the example MCP server (default: `toolgate-example-server` next to toolgate).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Use this policy instead of the embedded example.
    #[arg(long)]
    policy: Option<PathBuf>,
}

pub fn run(args: &Args) -> ExitCode {
    match play(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("toolgate demo: {e}");
            ExitCode::from(1)
        }
    }
}

fn play(args: &Args) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find my own binary: {e}"))?;
    let server = match &args.server {
        Some(s) => s.clone(),
        None => me.with_file_name(SERVER_BINARY),
    };
    if !server.exists() {
        return Err(format!(
            "the example server is not built at {}; run `cargo build --release --workspace` (or pass --server PATH)",
            server.display()
        ));
    }
    let dir = std::env::temp_dir().join(format!("toolgate-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let policy = match &args.policy {
        Some(p) => p.clone(),
        None => {
            let p = dir.join("policy.yaml");
            std::fs::write(&p, EXAMPLE_POLICY)
                .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            p
        }
    };
    println!("toolgate demo: an agent session through the real gateway");
    println!(
        "  gateway: {} run --policy {} --state memory -- {}",
        me.display(),
        policy.display(),
        server.display()
    );
    println!(
        "  policy:  examples/policy.yaml (default deny, hidden delete_user, limits, a refund budget)\n"
    );

    let audit = dir.join("audit.jsonl");
    let mut child = Command::new(&me)
        .args(["run", "--state", "memory", "--policy"])
        .arg(&policy)
        .arg("--audit")
        .arg(&audit)
        .arg("--pin-file")
        .arg(dir.join("pins.json"))
        .arg("--")
        .arg(&server)
        .env("TOOLGATE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the gateway: {e}"))?;
    let result = session(&mut child);
    drop(child.stdin.take());
    let _ = child.wait();
    if result.is_ok() {
        show_audit(&me, &audit);
        // The commands above name files in `dir`: keep them, so they can be run again.
        println!(
            "\nThe session's files (audit.jsonl, pins.json{}) are kept in {}; remove it with `rm -r {}`.",
            if args.policy.is_none() {
                ", policy.yaml"
            } else {
                ""
            },
            dir.display(),
            dir.display()
        );
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

struct Agent {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Agent {
    fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        writeln!(self.stdin, "{msg}").map_err(|e| format!("gateway closed its input: {e}"))?;
        self.stdin.flush().map_err(|e| e.to_string())?;
        loop {
            let mut line = String::new();
            let n = self
                .stdout
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("the gateway exited".into());
            }
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if v.get("id") == Some(&json!(id)) && v.get("method").is_none() {
                return Ok(v);
            }
        }
    }

    fn notify(&mut self, method: &str) -> Result<(), String> {
        writeln!(
            self.stdin,
            "{}",
            json!({"jsonrpc": "2.0", "method": method})
        )
        .map_err(|e| e.to_string())
    }
}

fn session(child: &mut Child) -> Result<(), String> {
    let mut agent = Agent {
        stdin: child.stdin.take().ok_or("no stdin")?,
        stdout: BufReader::new(child.stdout.take().ok_or("no stdout")?),
        next_id: 0,
    };
    let init = agent.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "toolgate-demo", "version": "1"}}),
    )?;
    agent.notify("notifications/initialized")?;
    let server = init["result"]["serverInfo"]["name"].as_str().unwrap_or("?");
    let version = init["result"]["protocolVersion"].as_str().unwrap_or("?");
    println!("connected to {server} (protocol {version})");

    let list = agent.request("tools/list", json!({}))?;
    let names: Vec<&str> = list["result"]["tools"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    println!(
        "the agent sees {} tools: {}\n",
        names.len(),
        names.join(", ")
    );

    let script: &[(&str, Value, &str)] = &[
        (
            "get_order",
            json!({"order_id": "ORD-1001"}),
            "a read the policy allows",
        ),
        (
            "read_file",
            json!({"path": "/srv/shop/returns.md"}),
            "a file under /srv/shop/",
        ),
        (
            "read_file",
            json!({"path": "/srv/shop/../../home/app/.env"}),
            "a secret file",
        ),
        (
            "read_file",
            json!({"path": "/srv/shop/../../etc/passwd"}),
            "a path that climbs out of /srv/shop/",
        ),
        (
            "update_order",
            json!({"order_id": "ORD-1001", "status": "paid"}),
            "a status the policy does not allow",
        ),
        (
            "search_orders",
            json!({"query": "alice"}),
            "search 1 of 4 (limit: 3 a minute)",
        ),
        ("search_orders", json!({"query": "bob"}), "search 2 of 4"),
        ("search_orders", json!({"query": "carol"}), "search 3 of 4"),
        ("search_orders", json!({"query": "dave"}), "search 4 of 4"),
        (
            "create_refund",
            json!({"order_id": "ORD-1001", "amount": 90}),
            "refund 90 (daily budget 250)",
        ),
        (
            "create_refund",
            json!({"order_id": "ORD-1002", "amount": 100}),
            "refund 100",
        ),
        (
            "create_refund",
            json!({"order_id": "ORD-1003", "amount": 80}),
            "refund 80: over the budget",
        ),
        (
            "create_refund",
            json!({"order_id": "ORD-1004", "amount": 5000}),
            "refund 5000: needs a person",
        ),
        (
            "create_refund",
            json!({"order_id": "ORD-1005", "amount": -500}),
            "a negative refund",
        ),
        (
            "create_refund",
            json!({"order_id": "ORD-1006", "amount": "50"}),
            "an amount sent as text",
        ),
        ("delete_user", json!({"user_id": "u-1"}), "a hidden tool"),
        (
            "send_email",
            json!({"to": "x@example.com", "subject": "hi", "body": "…"}),
            "a tool the policy doesn't list",
        ),
    ];
    for (tool, args, what) in script {
        let resp = agent.request("tools/call", json!({"name": tool, "arguments": args}))?;
        print_outcome(tool, args, what, &resp);
    }
    println!(
        "\nNo refused call above reached the server. Try your own policy with `toolgate demo --policy FILE`."
    );
    Ok(())
}

/// The audit trail the session left: a verified hash chain and a summary.
fn show_audit(me: &std::path::Path, audit: &std::path::Path) {
    println!("\nEvery decision above is in a hash-chained audit log:");
    for args in [&["audit", "verify"][..], &["status", "--audit"][..]] {
        println!("\n$ toolgate {} {}", args.join(" "), audit.display());
        let _ = std::io::stdout().flush();
        let _ = Command::new(me).args(args).arg(audit).status();
    }
}

fn print_outcome(tool: &str, args: &Value, what: &str, resp: &Value) {
    let (label, detail) = if let Some(err) = resp.get("error") {
        (
            "HIDDEN ",
            err["message"].as_str().unwrap_or("error").to_owned(),
        )
    } else {
        let result = &resp["result"];
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if result["isError"] == json!(true) {
            let decision = &result["_meta"]["dev.toolgate/decision"];
            let label = match decision["kind"].as_str() {
                Some("rate_limited") => "LIMITED",
                Some("approval_denied") => "APPROVE",
                Some("invalid_arguments") => "INVALID",
                Some(_) => "DENIED ",
                None => "TOOLERR",
            };
            (label, text)
        } else {
            let short: String = text
                .chars()
                .take(60)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            ("ALLOWED", format!("server answered: {short}"))
        }
    };
    println!("{label}  {tool} {args}\n         {what} -> {detail}");
}
