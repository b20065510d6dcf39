//! `toolgate policy decide FILE --tool NAME --args JSON`: what the gateway would decide for
//! one call, without running anything. For operators testing a policy before deploying it.
//!
//! The exit code is the verdict, so a script can branch on it: 0 allow, 1 refused (deny,
//! `invalid_arguments`, or a hidden tool's "unknown tool"), 3 approve (held for a person),
//! 2 when nothing was decided (usage, unreadable or invalid policy, bad `--args`).

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};
use toolgate_policy::{CallContext, CompiledPolicy, Verdict};

use crate::commands::policy_file::read;

const EXIT_ALLOW: u8 = 0;
const EXIT_REFUSED: u8 = 1;
const EXIT_UNDECIDED: u8 = 2;
const EXIT_APPROVE: u8 = 3;

#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 allow, 1 refused (deny, invalid_arguments, unknown tool), 3 approve, 2 nothing decided (usage, unreadable or invalid policy, bad --args)."
)]
pub struct Args {
    /// Policy file in any accepted format.
    file: PathBuf,
    /// Tool name as the agent would call it.
    #[arg(long)]
    tool: String,
    /// The call's arguments as a JSON object.
    #[arg(long, default_value = "{}")]
    args: String,
    #[arg(long, default_value = "local")]
    identity: String,
    #[arg(long, default_value = "cli")]
    session: String,
}

pub fn run(args: &Args) -> ExitCode {
    let (loaded, _) = match read(&args.file) {
        Ok(v) => v,
        Err(f) => {
            f.print();
            // 1 means "refused" here: a policy that can't be read decided nothing.
            return ExitCode::from(EXIT_UNDECIDED);
        }
    };
    // The gateway refuses these before deciding; say so instead of judging a nearby value.
    if let Some(n) = toolgate_mcp::numbers::first_inexact_number(args.args.as_bytes()) {
        eprintln!(
            "--args: number {n} is not exactly the value toolgate reads it as (a 64-bit float); the gateway refuses such calls"
        );
        return ExitCode::from(EXIT_UNDECIDED);
    }
    let call_args: Value = match serde_json::from_str(&args.args) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            eprintln!("--args must be a JSON object, e.g. '{{\"amount\": 5}}'");
            return ExitCode::from(EXIT_UNDECIDED);
        }
        Err(e) => {
            eprintln!("--args is not valid JSON: {e}");
            return ExitCode::from(EXIT_UNDECIDED);
        }
    };
    let policy = CompiledPolicy::new(loaded.policy);
    let d = policy.decide(&CallContext {
        tool: &args.tool,
        args: &call_args,
        identity: &args.identity,
        session: &args.session,
        groups: policy.groups_of(&args.identity),
    });
    let (verdict, kind, reason, code) = match &d.verdict {
        Verdict::Allow => ("allow", None, None, EXIT_ALLOW),
        Verdict::Approve { reason, .. } => (
            "approve",
            None,
            reason.as_deref().map(str::to_owned),
            EXIT_APPROVE,
        ),
        Verdict::Deny { kind, reason } => (
            "deny",
            Some(kind.as_str()),
            Some(reason.clone()),
            EXIT_REFUSED,
        ),
        Verdict::UnknownTool => ("unknown_tool", None, None, EXIT_REFUSED),
    };
    let out = json!({
        "verdict": verdict,
        "kind": kind,
        "reason": reason,
        "rule": d.rule.as_ref().map(|r| r.label()),
        "matched": d.matched.iter().map(|r| r.label()).collect::<Vec<_>>(),
        "reservations": d.reservations.iter().map(|r| json!({
            "key": r.key,
            "amount": r.amount,
            "max": r.max,
            "window": r.window.to_string(),
            "scope": r.scope.as_str(),
        })).collect::<Vec<_>>(),
        "policy_version": policy.version(),
    });
    crate::pipe::verdict(code);
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    ExitCode::from(code)
}
