//! `toolgate validate`, `policy fmt` and `policy decide` from the outside: exit codes and
//! the exact lines an operator (or a script) reads.

use assert_cmd::Command;

fn toolgate() -> Command {
    Command::cargo_bin("toolgate").unwrap()
}

fn examples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn validate_passes_every_example() {
    let mut files: Vec<_> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let out = toolgate()
        .arg("validate")
        .args(&files)
        .arg("--strict")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.lines().count(), files.len(), "{stdout}");
    assert!(stdout.lines().all(|l| l.contains(": ok (")), "{stdout}");
}

#[test]
fn validate_reports_one_located_line_per_error_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(
        &path,
        "tools:\n  a:\n    rules:\n      - action: allow\n        rate_limt: 5/hour\n      - action: allow\n        rate_limit: {max: 0, window: fortnight}\n",
    )
    .unwrap();
    let out = toolgate().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let p = path.display();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "{p}:5:9: error: unknown key `rate_limt` in a rule; did you mean `rate_limit`?"
            ),
            format!(
                "{p}:7:27: error: rate_limit.max is 0, so no call could ever pass; use `action: deny` to block the tool, or a positive maximum"
            ),
            format!(
                "{p}:7:38: error: `fortnight` is not a valid window; allowed: second, minute, hour, day"
            ),
        ]
    );
}

#[test]
fn warnings_pass_unless_strict() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, "default: allow\ntools: {}\n").unwrap();
    let out = toolgate().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("warning: `default: allow`"));
    let out = toolgate()
        .args(["validate", "--strict"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unreadable_file_exits_2() {
    let out = toolgate()
        .args(["validate", "/nonexistent/policy.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read policy"));
}

#[test]
fn fmt_prints_native_form_of_policylayer_json() {
    let out = toolgate()
        .args(["policy", "fmt"])
        .arg(examples_dir().join("policylayer-refresh-token.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn fmt_check_detects_non_canonical_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, "tools: {a: {rules: [{action: allow}]}}\n").unwrap();
    let out = toolgate()
        .args(["policy", "fmt", "--check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let canonical = toolgate()
        .args(["policy", "fmt"])
        .arg(&path)
        .output()
        .unwrap()
        .stdout;
    std::fs::write(&path, canonical).unwrap();
    let out = toolgate()
        .args(["policy", "fmt", "--check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn decide_explains_a_call() {
    let out = toolgate()
        .args(["policy", "decide"])
        .arg(examples_dir().join("policy.yaml"))
        .args([
            "--tool",
            "create_refund",
            "--args",
            r#"{"order_id":"A1","amount":40}"#,
            "--identity",
            "bob",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "allow");
    assert_eq!(v["rule"], "refund budget");
    assert_eq!(v["reservations"][0]["key"], "refunds_today|grant:bob");
    assert_eq!(v["reservations"][0]["amount"], 40.0);
}

#[test]
fn decide_refuses_paths_that_climb_out_and_inexact_numbers() {
    let decide = |tool: &str, args: &str| {
        toolgate()
            .args(["policy", "decide"])
            .arg(examples_dir().join("policy.yaml"))
            .args(["--tool", tool, "--args", args])
            .output()
            .unwrap()
    };
    let out = decide("read_file", r#"{"path":"/srv/shop/returns.md"}"#);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "allow", "{v}");
    let out = decide("read_file", r#"{"path":"/srv/shop/../../etc/passwd"}"#);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "deny", "{v}");
    let out = decide(
        "read_file",
        r#"{"path":"/srv/shop/%2e%2e/%2e%2e/etc/passwd"}"#,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "invalid_arguments", "{v}");
    // The shortest text of its f64: judged.
    let out = decide(
        "create_refund",
        r#"{"order_id":"A1","amount":100.00000000000001e0}"#,
    );
    // Judged: over 100, so held for a person (exit 3), not refused as inexact (exit 2).
    assert_eq!(out.status.code(), Some(3), "exact: {out:?}");
    // Read as the f64 1024.0, so the gateway refuses it; decide says so instead of judging.
    let out = decide(
        "create_refund",
        r#"{"order_id":"A1","amount":1024.0000000000001}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1024.0000000000001"));
}

#[test]
fn validate_points_a_regex_path_prefix_to_path_under() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(
        &path,
        "tools:\n  read_file:\n    rules:\n      - action: allow\n        when: [{path: args.path, op: regex, value: '^/srv/shop/'}]\n",
    )
    .unwrap();
    let out = toolgate().arg("validate").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("op: path_under, value: /srv/shop"),
        "{stdout}"
    );
}

#[test]
fn decide_exit_code_is_the_verdict() {
    let decide = |tool: &str, args: &str| {
        toolgate()
            .args(["policy", "decide"])
            .arg(examples_dir().join("policy.yaml"))
            .args(["--tool", tool, "--args", args])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(decide("echo", "{}"), Some(0), "allow");
    assert_eq!(decide("rm_rf", "{}"), Some(1), "deny by the `*` rule");
    assert_eq!(decide("delete_user", "{}"), Some(1), "hidden: unknown tool");
    assert_eq!(
        decide("read_file", r#"{"path":"relative/x"}"#),
        Some(1),
        "invalid_arguments"
    );
    assert_eq!(
        decide("create_refund", r#"{"order_id":"A1","amount":500}"#),
        Some(3),
        "approve"
    );
    assert_eq!(decide("echo", "[]"), Some(2), "bad --args");
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("p.yaml");
    std::fs::write(&broken, "tools: [\n").unwrap();
    let out = toolgate()
        .args(["policy", "decide"])
        .arg(&broken)
        .args(["--tool", "echo"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an invalid policy decides nothing"
    );
}

#[test]
fn a_minimal_default_allow_policy_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "hide.yaml",
            "default: allow\nhide: [delete_user, \"debug_*\"]\n",
        ),
        ("bare.yaml", "default: allow\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = toolgate().arg("validate").arg(&path).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains(": ok ("), "{stdout}");
        assert!(!stdout.contains("error"), "{stdout}");
        let out = toolgate()
            .args(["policy", "decide"])
            .arg(&path)
            .args(["--tool", "anything"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
    }
    // Without `default: allow` such a file can only deny: valid, but said.
    let path = dir.path().join("deny.yaml");
    std::fs::write(&path, "hide: [delete_user]\n").unwrap();
    let out = toolgate().arg("validate").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("every call is denied"), "{stdout}");
}

#[test]
fn validate_checks_an_identities_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ids.yaml");
    std::fs::write(
        &path,
        "identities:\n  alice:\n    groups: [sre]\n  bob: {}\n",
    )
    .unwrap();
    let out = toolgate().arg("validate").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(
        stdout.trim(),
        format!("{}: ok (identities file, 2 identities)", path.display())
    );
    // Its errors are located like a policy's.
    std::fs::write(&path, "identities:\n  alice:\n    grups: [sre]\n").unwrap();
    let out = toolgate().arg("validate").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&format!("{}:3:5: error:", path.display())),
        "{stdout}"
    );
}

#[test]
fn run_help_names_every_state_backend() {
    let out = toolgate().args(["run", "--help"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let state = stdout
        .split("--state <STATE>")
        .nth(1)
        .and_then(|s| s.split("\n      --").next())
        .unwrap_or_default();
    for backend in ["memory", "sqlite:PATH", "redis://"] {
        assert!(state.contains(backend), "{backend} missing from: {state}");
    }
}

#[test]
fn an_empty_entry_is_allowed_under_a_catch_all_deny() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(
        &path,
        "tools:\n  list_allowed_directories:\n  \"*\":\n    rules: [{action: deny}]\n",
    )
    .unwrap();
    let decide = |tool: &str| {
        toolgate()
            .args(["policy", "decide"])
            .arg(&path)
            .args(["--tool", tool])
            .output()
            .unwrap()
    };
    let out = decide("list_allowed_directories");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "allow", "{v}");
    let out = decide("write_file");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["verdict"].as_str(), v["rule"].as_str()),
        (Some("deny"), Some("*#1"))
    );
}

/// Cases against the shipped support-agent policy: every outcome kind, a spend cap reached by
/// `before:` calls, and one wrong expectation that must be the only failure line.
#[test]
fn policy_test_runs_cases_and_reports_one_line_per_failure() {
    let dir = tempfile::tempdir().unwrap();
    let policy = examples_dir().join("support-agent.yaml");
    let cases = dir.path().join("support.cases.yaml");
    std::fs::write(
        &cases,
        format!(
            r#"policy: {policy}
cases:
  - name: small refund
    tool: createRefund
    args: {{amount: 50}}
    expect: allow
    rule: "createRefund#2"
  - name: big refund waits for a lead
    tool: createRefund
    args: {{amount: 500}}
    expect: approve
    rule: big refunds need a human
  - name: the day's refund budget runs out
    before:
      - {{tool: createRefund, args: {{amount: 100}}, times: 10}}
    tool: createRefund
    args: {{amount: 1}}
    expect: rate_limited
  - name: another identity has its own budget
    before:
      - {{tool: createRefund, args: {{amount: 100}}, times: 10, identity: alice}}
    identity: bob
    tool: createRefund
    args: {{amount: 1}}
    expect: allow
  - name: hidden tools are unknown
    tool: deleteUserWithId
    expect: unknown_tool
  - name: wrong on purpose
    tool: sendEmail
    expect: allow
"#,
            policy = policy.display()
        ),
    )
    .unwrap();
    let out = toolgate()
        .args(["policy", "test"])
        .arg(&cases)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let fails: Vec<&str> = stdout.lines().filter(|l| l.contains("FAIL")).collect();
    assert_eq!(
        fails,
        [format!(
            "{}:29:5: FAIL \"wrong on purpose\": expected allow, got deny by rule `*#1` (Not part of the support workflow)",
            cases.display()
        )],
        "{stdout}"
    );
    assert!(
        stdout.ends_with("6 cases: 5 passed, 1 failed\n"),
        "{stdout}"
    );

    // --policy overrides the file's own; an allow-all policy turns the failure into a pass
    // and the others into failures, so the override is really used.
    let open = dir.path().join("open.yaml");
    std::fs::write(&open, "version: \"1\"\ndefault: allow\n").unwrap();
    let out = toolgate()
        .args(["policy", "test", "--policy"])
        .arg(&open)
        .arg(&cases)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAIL \"big refund waits for a lead\": expected approve by rule `big refunds need a human`, got allow by the policy's `default`"), "{stdout}");
    assert!(!stdout.contains("FAIL \"wrong on purpose\""), "{stdout}");
}

#[test]
fn policy_test_cases_errors_are_located_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("bad.yaml");
    std::fs::write(&cases, "cases:\n  - tool: t\n    expect: alow\n").unwrap();
    let out = toolgate()
        .args(["policy", "test", "--policy"])
        .arg(examples_dir().join("support-agent.yaml"))
        .arg(&cases)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim(),
        format!(
            "{}:3:13: error: unknown outcome `alow`; did you mean `allow`?",
            cases.display()
        )
    );
    // No policy anywhere: said, exit 2.
    let out = toolgate()
        .args(["policy", "test"])
        .arg(&cases)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn policy_diff_explains_a_change_and_exits_like_diff() {
    let dir = tempfile::tempdir().unwrap();
    let old = examples_dir().join("support-agent.yaml");
    let text = std::fs::read_to_string(&old).unwrap();
    let new = dir.path().join("new.yaml");
    std::fs::write(
        &new,
        text.replace("max: 1000, window: day", "max: 5000, window: day")
            .replace(
                "hide: [deleteUserWithId, \"import*\"]",
                "hide: [\"import*\"]",
            ),
    )
    .unwrap();
    let out = toolgate()
        .args(["policy", "diff"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout,
        "looser   hide: `deleteUserWithId` is listed again (and callable where rules allow)\n\
         looser   tool createRefund rule #2: limit `refunds_today`: max 1000 → 5000\n\
         2 looser, 0 tighter, 0 to review\n"
    );
    // The same policy in another format (fmt's canonical form) means the same: exit 0.
    let same = dir.path().join("same.yaml");
    let fmt = toolgate()
        .args(["policy", "fmt"])
        .arg(&old)
        .output()
        .unwrap();
    std::fs::write(&same, &fmt.stdout).unwrap();
    let out = toolgate()
        .args(["policy", "diff"])
        .arg(&old)
        .arg(&same)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no change in meaning\n"
    );
    let out = toolgate()
        .args(["policy", "diff", "--json"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["changes"][1]["direction"], "looser");
    let out = toolgate()
        .args(["policy", "diff"])
        .arg(&old)
        .arg(dir.path().join("missing.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
