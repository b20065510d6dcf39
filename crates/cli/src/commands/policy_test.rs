//! `toolgate policy test CASES… [--policy FILE]`: runs cases files (calls with the decision an
//! operator expects; format in `toolgate_policy::cases`) against a policy and prints one line
//! per failing case, with what decided instead. For the operator's own CI.
//!
//! Each case is judged as a session would judge it (`toolgate_pipeline::rehearsal`): policy,
//! then counters in a fresh memory store, so `before:` calls can exhaust a limit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use toolgate_pipeline::rehearsal::{Judgement, Rehearsal};
use toolgate_policy::CompiledPolicy;
use toolgate_policy::cases::{Case, parse_cases};

use crate::commands::policy_file::read;

const EXIT_PASSED: u8 = 0;
const EXIT_FAILED: u8 = 1;
const EXIT_UNUSABLE: u8 = 2;

#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 every case passed, 1 a case failed, 2 nothing was judged (unreadable or invalid cases or policy)."
)]
pub struct Args {
    /// Cases files (YAML or JSON); each may name its policy with `policy:`.
    #[arg(required = true, value_name = "CASES")]
    files: Vec<PathBuf>,
    /// The policy to test, instead of the one each cases file names.
    #[arg(long, short = 'p', value_name = "FILE")]
    policy: Option<PathBuf>,
}

pub fn run(args: &Args) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::from(EXIT_UNUSABLE);
        }
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &args.files {
        match runtime.block_on(run_file(file, args.policy.as_deref())) {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(lines) => {
                lines.iter().for_each(|l| eprintln!("{l}"));
                return ExitCode::from(EXIT_UNUSABLE);
            }
        }
    }
    println!(
        "{} cases: {passed} passed, {failed} failed",
        passed + failed
    );
    ExitCode::from(if failed == 0 {
        EXIT_PASSED
    } else {
        EXIT_FAILED
    })
}

/// Runs one file; failures are printed as they happen, problems that stop the file returned.
async fn run_file(
    file: &Path,
    policy_override: Option<&Path>,
) -> Result<(usize, usize), Vec<String>> {
    let shown = file.display().to_string();
    let text = std::fs::read_to_string(file)
        .map_err(|e| vec![format!("{shown}: cannot read the cases file: {e}")])?;
    let cases =
        parse_cases(&text).map_err(|d| d.iter().map(|d| d.render(&shown)).collect::<Vec<_>>())?;
    let policy_path = match (policy_override, &cases.policy) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => file.parent().unwrap_or(Path::new(".")).join(p),
        (None, None) => {
            return Err(vec![format!(
                "{shown}: no policy: add `policy: FILE` to the cases file or pass --policy FILE"
            )]);
        }
    };
    let (loaded, _) = read(&policy_path).map_err(|f| match f {
        crate::commands::policy_file::Failure::Io(m) => vec![m],
        crate::commands::policy_file::Failure::Invalid(lines) => lines,
    })?;
    let policy = loaded.policy;
    let (mut passed, mut failed) = (0, 0);
    for case in &cases.cases {
        let judged = judge(&policy, case)
            .await
            .map_err(|e| vec![format!("{shown}:{}: case \"{}\": {e}", case.pos, case.name)])?;
        match mismatch(case, &judged) {
            None => passed += 1,
            Some(why) => {
                failed += 1;
                println!("{shown}:{}: FAIL \"{}\": {why}", case.pos, case.name);
            }
        }
    }
    Ok((passed, failed))
}

async fn judge(policy: &toolgate_policy::Policy, case: &Case) -> Result<Judgement, String> {
    // A fixed start: windows align the same way on every run, so results never depend on
    // the minute the test happens to run in.
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let rehearsal = Rehearsal::new(CompiledPolicy::new(policy.clone()), start);
    let session = format!("policy-test:{}", case.name);
    for (call, times) in &case.before {
        for _ in 0..*times {
            rehearsal
                .call(&call.identity, &session, &call.tool, &call.args)
                .await
                .map_err(|e| format!("a `before` call to `{}`: {e}", call.tool))?;
        }
    }
    rehearsal.advance(Duration::from_secs(case.wait_s));
    let c = &case.call;
    rehearsal
        .call(&c.identity, &session, &c.tool, &c.args)
        .await
}

/// Why the judgement differs from the expectation, in one line.
fn mismatch(case: &Case, got: &Judgement) -> Option<String> {
    let rule_differs = case
        .rule
        .as_ref()
        .is_some_and(|want| got.rule.as_deref() != Some(want.as_str()));
    if got.outcome == case.expect && !rule_differs {
        return None;
    }
    let want = match &case.rule {
        Some(rule) => format!("{} by rule `{rule}`", case.expect),
        None => case.expect.to_owned(),
    };
    let decided_by = match &got.rule {
        Some(rule) => format!("rule `{rule}`"),
        None if got.outcome == "unknown_tool" => "the tool being hidden or unknown".to_owned(),
        None => "the policy's `default`".to_owned(),
    };
    let reason = got
        .reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    Some(format!(
        "expected {want}, got {} by {decided_by}{reason}",
        got.outcome
    ))
}
