//! The `toolgate` binary: parses the command line and dispatches to one command module.
//! Logic lives in the library crates; this file only wires.

mod allocator;
mod commands;
mod pipe;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "toolgate",
    version,
    about = "A policy gateway for MCP tool calls"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an MCP server (after `--`) behind the policy, for an agent on stdin/stdout or
    /// for many agents over HTTP (`--listen`).
    Run(Box<commands::run::Args>),
    /// Watch the gateway judge a scripted agent session against the example server.
    Demo(commands::demo::Args),
    /// Connect to a server, classify its tools and print a policy scaffold (or a report).
    Scan(commands::scan::Args),
    /// Record tool definitions (first sight), check them for drift, re-approve changes.
    Pin(commands::pin::Args),
    /// Inspect or clear rate-limit and spend counters.
    State(commands::state::Args),
    /// Verify, tail and query the audit log; generate a signing key.
    Audit(commands::audit::Args),
    /// A summary of recent activity from the audit log.
    Status(commands::status::Args),
    /// List, approve and deny calls waiting for a person, through a running gateway's
    /// admin API (`--admin URL`, token from TOOLGATE_ADMIN_TOKEN).
    Approvals(commands::approvals::Args),
    /// Check policy files; prints FILE:LINE:COL for every problem.
    Validate(commands::validate::Args),
    /// Work with policy files (format, evaluate a call offline).
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Print a policy (any accepted format) in the canonical native YAML form.
    Fmt(commands::policy_fmt::Args),
    /// Decide one tool call offline and print the decision.
    Decide(commands::policy_decide::Args),
    /// Run cases files (calls with expected decisions) against a policy; exit 1 on a failure.
    Test(commands::policy_test::Args),
    /// What a policy change means: tools, limits, callers and grants, looser or tighter.
    Diff(commands::policy_diff::Args),
}

fn main() -> ExitCode {
    // `toolgate … | head`: a closed stdout ends the command quietly (see `pipe`).
    pipe::install();
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        Command::Run(args) => commands::run::run(*args),
        Command::Demo(args) => commands::demo::run(&args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Pin(args) => commands::pin::run(args),
        Command::State(args) => commands::state::run(args),
        Command::Audit(args) => commands::audit::run(args),
        Command::Status(args) => commands::status::run(args),
        Command::Approvals(args) => commands::approvals::run(args),
        Command::Validate(args) => commands::validate::run(&args),
        Command::Policy(PolicyCommand::Fmt(args)) => commands::policy_fmt::run(&args),
        Command::Policy(PolicyCommand::Decide(args)) => commands::policy_decide::run(&args),
        Command::Policy(PolicyCommand::Test(args)) => commands::policy_test::run(&args),
        Command::Policy(PolicyCommand::Diff(args)) => commands::policy_diff::run(&args),
    }
}

/// Logs go to stderr only: in stdio mode stdout belongs to the protocol.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TOOLGATE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // MCP clients save a server's stderr to log files: colour only on a terminal.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
