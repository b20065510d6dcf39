//! `toolgate policy decide FILE --tool NAME --args JSON`: what the gateway would decide for
//! one call, without running anything. For operators testing a policy before deploying it.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};
use toolgate_policy::{CallContext, CompiledPolicy, Verdict};

use crate::commands::policy_file::read;

#[derive(clap::Args)]
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
            return f.exit_code();
        }
    };
    // The gateway refuses these before deciding; say so instead of judging a nearby value.
    if let Some(n) = toolgate_gateway::numbers::first_inexact_number(args.args.as_bytes()) {
        eprintln!(
            "--args: number {n} is not exactly the value toolgate reads it as (a 64-bit float); the gateway refuses such calls"
        );
        return ExitCode::from(2);
    }
    let call_args: Value = match serde_json::from_str(&args.args) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => {
            eprintln!("--args must be a JSON object, e.g. '{{\"amount\": 5}}'");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("--args is not valid JSON: {e}");
            return ExitCode::from(2);
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
    let (verdict, kind, reason) = match &d.verdict {
        Verdict::Allow => ("allow", None, None),
        Verdict::Approve { reason, .. } => ("approve", None, reason.as_deref().map(str::to_owned)),
        Verdict::Deny { kind, reason } => ("deny", Some(kind.as_str()), Some(reason.clone())),
        Verdict::UnknownTool => ("unknown_tool", None, None),
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
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    ExitCode::SUCCESS
}
