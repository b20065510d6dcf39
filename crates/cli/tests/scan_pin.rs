//! `toolgate scan` and `toolgate pin` from the outside: the real binary runs the example
//! server (and, when installed, the official reference server
//! `@modelcontextprotocol/server-everything`) as a child, lists its tools and prints a
//! scaffold or maintains a pin file.
//!
//! Needs the example server built (`cargo build -p toolgate-example-server`). The
//! server-everything tests need `scripts/interop-setup` and `node` on PATH; without them they
//! print `SKIPPED: …` on stderr and return, except under `CI=true`, where they fail.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");
/// Every tool the example server lists (`toolgate_testkit::server::TOOL_NAMES`).
const EXAMPLE_TOOLS: usize = 15;

fn toolgate<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(TOOLGATE)
        .args(args)
        .env("NO_COLOR", "1")
        .env("TOOLGATE_LOG", "warn")
        .output()
        .expect("cannot run toolgate")
}

fn example() -> OsString {
    toolgate_testkit::example_server_path().into_os_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// `toolgate validate FILE` must accept `contents` saved as `name`.
fn assert_validates(contents: &str, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    let out = toolgate([OsString::from("validate"), path.into_os_string()]);
    assert!(
        out.status.success(),
        "validate refused the scaffold:\n{}\n--- scaffold ---\n{contents}",
        describe(&out)
    );
}

/// `toolgate scan [extra…] -- server…`, which must succeed; its stdout.
fn scan(extra: &[&str], server: &[OsString]) -> String {
    let mut args: Vec<OsString> = vec!["scan".into()];
    args.extend(extra.iter().map(OsString::from));
    args.push("--".into());
    args.extend(server.iter().cloned());
    let out = toolgate(&args);
    assert!(out.status.success(), "scan failed:\n{}", describe(&out));
    text(&out.stdout)
}

/// The Markdown report with its one run-specific line (date and command) made stable.
fn redact_markdown(report: &str, server_name: &str) -> String {
    let mut seen = false;
    let lines: Vec<String> = report
        .lines()
        .map(|line| {
            if line.starts_with("Server `") && line.contains(", scanned on ") {
                assert!(line.contains(server_name), "{line}");
                assert!(line.contains("with `toolgate scan -- "), "{line}");
                seen = true;
                let server = &line[..line.find(", scanned on ").unwrap()];
                format!("{server}, scanned on [DATE] with `toolgate scan -- [COMMAND]`.")
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert!(seen, "no `Server … scanned on …` line in:\n{report}");
    lines.join("\n") + "\n"
}

#[test]
fn scan_prints_a_yaml_scaffold_that_validate_accepts() {
    let server = [example()];
    let yaml = scan(&[], &server);
    let mut lines = yaml.lines();
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("# Scanned toolgate-example-server ")
            && first.contains(" (MCP 2025-06-18) on 20"),
        "{yaml}"
    );
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "# Command: toolgate scan -- {}",
            server[0].to_string_lossy()
        )
    );
    assert!(yaml.contains("\ndefault: deny\n"), "{yaml}");
    for tool in [
        "get_order",
        "create_refund",
        "delete_user",
        "echo",
        "mutate_tools",
    ] {
        assert!(
            yaml.contains(&format!("  \"{tool}\":\n")),
            "{tool} missing:\n{yaml}"
        );
    }
    assert_validates(&yaml, "scaffold.yaml");
}

#[test]
fn scan_follows_every_tools_list_page() {
    let whole = scan(&[], &[example()]);
    let paged = scan(&[], &[example(), "--page-size".into(), "4".into()]);
    // Same scaffold apart from the header (date, command).
    let body = |s: &str| s.lines().skip(2).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&paged), body(&whole));
    assert!(
        whole.contains(&format!("scaffold for {EXAMPLE_TOOLS} tools")),
        "{whole}"
    );
}

#[test]
fn scan_prints_policylayer_json_that_validate_accepts() {
    let json = scan(&["--format", "json"], &[example()]);
    let doc: Value = serde_json::from_str(&json).expect("scan --format json is not JSON");
    let description = doc["description"].as_str().unwrap();
    assert!(
        description.starts_with("Scaffold for toolgate-example-server ")
            && description.contains("toolgate scan -- "),
        "{description}"
    );
    assert_eq!(doc["tools"].as_object().unwrap().len(), EXAMPLE_TOOLS);
    assert_validates(&json, "scaffold.json");
}

#[test]
fn scan_markdown_report_of_the_example_server() {
    let report = scan(&["--format", "markdown"], &[example()]);
    insta::assert_snapshot!(redact_markdown(&report, "toolgate-example-server"));
}

#[test]
fn scan_writes_output_and_pin_files() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("policy.yaml");
    let pins = dir.path().join("pins.json");
    let out = toolgate([
        OsString::from("scan"),
        "--output".into(),
        output.clone().into(),
        "--pin-file".into(),
        pins.clone().into(),
        "--".into(),
        example(),
    ]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(out.stdout.is_empty(), "{}", describe(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "pinned {EXAMPLE_TOOLS} tools in {} ({EXAMPLE_TOOLS} new, 0 changed and re-approved, 0 unchanged)",
            pins.display()
        )),
        "{stderr}"
    );
    assert_validates(&std::fs::read_to_string(&output).unwrap(), "policy.yaml");
    let pinned: Value = serde_json::from_slice(&std::fs::read(&pins).unwrap()).unwrap();
    assert_eq!(pinned["tools"].as_object().unwrap().len(), EXAMPLE_TOOLS);
    // What scan pinned, `pin --check` agrees with.
    let out = pin(&pins, &["--check"]);
    assert!(out.status.success(), "{}", describe(&out));
}

#[test]
fn scan_refuses_http_upstreams_with_exit_2() {
    let out = toolgate(["scan", "--upstream", "https://mcp.example.com/mcp"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("toolgate scan: HTTP upstreams are not supported yet"),
        "{}",
        describe(&out)
    );
}

#[test]
fn scan_without_a_command_is_a_usage_error() {
    let out = toolgate(["scan"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let out = toolgate(["scan", "--format", "toml", "--", "x"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("expected yaml, json or markdown"),
        "{}",
        describe(&out)
    );
}

#[test]
fn scan_reports_a_server_that_exits_before_initialize() {
    let out = toolgate([
        OsString::from("scan"),
        "--".into(),
        example(),
        "--fail-start".into(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "toolgate scan: the server exited before answering initialize (exit status 2)"
        ),
        "{stderr}"
    );
    // The server's own explanation reaches the user too.
    assert!(stderr.contains("--fail-start was given"), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", describe(&out));
}

#[test]
fn scan_reports_a_command_that_does_not_exist() {
    let out = toolgate(["scan", "--", "toolgate-no-such-server-xyz", "--flag"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        text(&out.stderr)
            .contains("toolgate scan: command not found: `toolgate-no-such-server-xyz`"),
        "{}",
        describe(&out)
    );
}

#[cfg(unix)]
#[test]
fn scan_gives_up_on_a_server_that_never_answers() {
    let started = Instant::now();
    // `sleep` reads nothing and writes nothing: the initialize answer never comes.
    let out = toolgate(["scan", "--timeout", "1", "--", "sleep", "60"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        text(&out.stderr)
            .contains("toolgate scan: the server did not answer initialize within 1 s"),
        "{}",
        describe(&out)
    );
    // One second of waiting, then the child is killed rather than waited for.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

/// A scripted server in `sh`: before answering `initialize` it prints a banner that is not
/// JSON, a notification, a `sampling/createMessage` request and a `ping`; then it pages
/// `tools/list`. The tool names it lists say whether the client behaved: refused the
/// sampling request with -32601, answered the ping, followed the cursor.
#[cfg(unix)]
const SCRIPTED_SERVER: &str = r#"
read -r init
echo 'Starting the scripted server (this line is not JSON)'
echo '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hi"}}'
echo '{"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{"messages":[],"maxTokens":1}}'
read -r reply1
echo '{"jsonrpc":"2.0","id":"s2","method":"ping"}'
read -r reply2
t1=sampling_not_refused
case "$reply1" in *'"code":-32601'*) case "$reply1" in *'"id":"s1"'*) t1=sampling_refused;; esac;; esac
t2=ping_not_answered
case "$reply2" in *'"result":{}'*) case "$reply2" in *'"id":"s2"'*) t2=ping_answered;; esac;; esac
echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"scripted","version":"0"}}}'
read -r initialized
read -r list1
echo "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"$t1\",\"inputSchema\":{\"type\":\"object\"}}],\"nextCursor\":\"p2\"}}"
read -r list2
t3=cursor_ignored
case "$list2" in *'"cursor":"p2"'*) t3=cursor_followed;; esac
echo "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"tools\":[{\"name\":\"$t2\",\"inputSchema\":{\"type\":\"object\"}},{\"name\":\"$t3\",\"inputSchema\":{\"type\":\"object\"}}]}}"
read -r end
"#;

#[cfg(unix)]
#[test]
fn scan_answers_server_requests_and_skips_what_is_not_an_answer() {
    let json = scan(
        &["--format", "json"],
        &["sh".into(), "-c".into(), SCRIPTED_SERVER.into()],
    );
    let doc: Value = serde_json::from_str(&json).unwrap();
    let mut names: Vec<&str> = doc["tools"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["cursor_followed", "ping_answered", "sampling_refused"],
        "{json}"
    );
    assert!(
        doc["description"]
            .as_str()
            .unwrap()
            .starts_with("Scaffold for scripted 0 (MCP 2025-06-18)"),
        "{json}"
    );
}

// --- the official reference server ---------------------------------------------------------

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `node …/server-everything/dist/index.js stdio`, or why it can't run.
fn locate_everything() -> Result<Vec<OsString>, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop");
    let server_js = dir.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    if !server_js.is_file() {
        return Err(format!("{} is missing", server_js.display()));
    }
    let installed = std::fs::read(dir.join("node_modules/.toolgate-interop-package-lock.json"));
    if installed.ok() != std::fs::read(dir.join("package-lock.json")).ok() {
        return Err(
            "tests/interop/node_modules is not installed from the current package-lock.json".into(),
        );
    }
    let node = find_on_path("node").ok_or("`node` is not on PATH")?;
    Ok(vec![node.into(), server_js.into(), "stdio".into()])
}

/// The server's command, or `None` after a loud SKIPPED line; under CI a missing server is
/// a failure.
fn everything_or_skip(test: &str) -> Option<Vec<OsString>> {
    match locate_everything() {
        Ok(command) => Some(command),
        Err(why) if in_ci() => panic!(
            "{test}: {why}. CI must run `scripts/interop-setup` before the tests (node >= 20 with npm)."
        ),
        Err(why) => {
            // Straight to fd 2: libtest captures the print macros of a passing test.
            let line = format!(
                "SKIPPED: {test}: {why}. Run `scripts/interop-setup` to enable it (node >= 20 with npm).\n"
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
            None
        }
    }
}

#[test]
fn scan_server_everything_yaml_validates() {
    let Some(server) = everything_or_skip("scan_server_everything_yaml_validates") else {
        return;
    };
    let yaml = scan(&[], &server);
    assert!(
        yaml.starts_with("# Scanned mcp-servers/everything "),
        "{yaml}"
    );
    // Tools the server lists to any client. (It adds trigger-sampling-request and friends
    // only for clients that declare sampling, elicitation or roots; scan declares nothing.)
    for tool in [
        "echo",
        "get-sum",
        "get-env",
        "trigger-long-running-operation",
    ] {
        assert!(
            yaml.contains(&format!("  \"{tool}\":\n")),
            "{tool} missing:\n{yaml}"
        );
    }
    assert_validates(&yaml, "everything.yaml");
    let json = scan(&["--format", "json"], &server);
    assert_validates(&json, "everything.json");
}

#[test]
fn scan_server_everything_markdown_report() {
    let Some(server) = everything_or_skip("scan_server_everything_markdown_report") else {
        return;
    };
    let report = scan(&["--format", "markdown"], &server);
    insta::assert_snapshot!(redact_markdown(&report, "mcp-servers/everything"));
}

// --- pin ------------------------------------------------------------------------------------

/// `toolgate pin --pin-file PINS [extra…] -- <example server>`.
fn pin(pins: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<OsString> = vec!["pin".into(), "--pin-file".into(), pins.into()];
    args.extend(extra.iter().map(OsString::from));
    args.push("--".into());
    args.push(example());
    toolgate(&args)
}

fn read_pins(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn pin_first_run_pins_every_tool_and_a_second_finds_no_drift() {
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("toolgate.pins.json");
    let out = pin(&pins, &[]);
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("toolgate-example-server "), "{stdout}");
    assert_eq!(
        stdout.matches("\n  pinned    ").count(),
        EXAMPLE_TOOLS,
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "0 unchanged, {EXAMPLE_TOOLS} newly pinned, 0 accepted, 0 changed and not accepted, 0 no longer listed; wrote {}",
            pins.display()
        )),
        "{stdout}"
    );
    let file = read_pins(&pins);
    assert_eq!(file["version"], 1);
    assert_eq!(file["tools"].as_object().unwrap().len(), EXAMPLE_TOOLS);
    let echo = &file["tools"]["echo"];
    assert_eq!(echo["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(
        echo["definition"]["description"],
        "Echo the given text back unchanged."
    );

    let before = std::fs::read(&pins).unwrap();
    let out = pin(&pins, &[]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        text(&out.stdout).contains(&format!(
            "{EXAMPLE_TOOLS} unchanged, 0 newly pinned, 0 accepted, 0 changed and not accepted, 0 no longer listed; pin file not modified"
        )),
        "{}",
        describe(&out)
    );
    assert_eq!(
        std::fs::read(&pins).unwrap(),
        before,
        "an unchanged pin file was rewritten"
    );

    let out = pin(&pins, &["--check"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        text(&out.stdout).contains(&format!(
            "no drift: all {EXAMPLE_TOOLS} listed tools match their pins"
        )),
        "{}",
        describe(&out)
    );
}

/// Makes the pin of `echo` look as if the server had described it differently when it was
/// pinned: the definition and its hash, as `toolgate pin` would have written them. (The
/// example server's `mutate_tools` can only be called over MCP, not from the CLI.)
fn pin_an_older_echo(pins: &Path) {
    let mut file = read_pins(pins);
    let echo = &mut file["tools"]["echo"];
    echo["definition"]["description"] = "Echo the given text back.".into();
    echo["sha256"] = toolgate_catalog::canonical_hash(&echo["definition"]).into();
    std::fs::write(pins, serde_json::to_string_pretty(&file).unwrap()).unwrap();
}

#[test]
fn pin_check_catches_a_changed_description_until_it_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("toolgate.pins.json");
    assert!(pin(&pins, &[]).status.success());
    let first_seen = read_pins(&pins)["tools"]["echo"]["first_seen"].clone();
    pin_an_older_echo(&pins);

    let out = pin(&pins, &["--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("  CHANGED   echo  differs from its pin\n"),
        "{stdout}"
    );
    // The description, word by word: what a reviewer needs to judge the change.
    assert!(
        stdout
            .contains("      description: \"Echo the given text [-back.-]{+back unchanged.+}\"\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("drift: 1 changed, 0 not pinned"),
        "{stdout}"
    );

    // Plain `pin` reports the change but does not accept it.
    let out = pin(&pins, &[]);
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("  CHANGED   echo  differs from its pin; NOT accepted\n"),
        "{stdout}"
    );
    assert!(stdout.contains("1 changed and not accepted"), "{stdout}");
    assert_eq!(pin(&pins, &["--check"]).status.code(), Some(1));

    let out = pin(&pins, &["--accept", "echo"]);
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("  accepted  echo  (changed; the new definition is pinned)\n"),
        "{stdout}"
    );
    let out = pin(&pins, &["--check"]);
    assert!(out.status.success(), "{}", describe(&out));
    let echo = &read_pins(&pins)["tools"]["echo"];
    assert_eq!(
        echo["definition"]["description"],
        "Echo the given text back unchanged."
    );
    assert_eq!(
        echo["first_seen"], first_seen,
        "accepting a change keeps first_seen"
    );
}

#[test]
fn pin_accept_all_and_removed_tools() {
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.json");
    assert!(pin(&pins, &[]).status.success());
    pin_an_older_echo(&pins);
    // A tool the server no longer lists: reported, never a failure, and its pin is kept.
    let mut file = read_pins(&pins);
    file["tools"]["retired_tool"] = file["tools"]["add"].clone();
    std::fs::write(&pins, serde_json::to_string(&file).unwrap()).unwrap();

    let out = pin(&pins, &["--accept-all"]);
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("  accepted  echo  "), "{stdout}");
    assert!(
        stdout.contains("  removed   retired_tool  no longer listed (pinned since "),
        "{stdout}"
    );
    let out = pin(&pins, &["--check"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        text(&out.stdout).contains("  removed   retired_tool  "),
        "{}",
        describe(&out)
    );
    assert!(read_pins(&pins)["tools"]["retired_tool"].is_object());
}

#[test]
fn pin_refuses_to_accept_a_tool_the_server_does_not_list() {
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.json");
    let out = pin(&pins, &["--accept", "no_such_tool"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains(
            "toolgate pin: the server does not list a tool named `no_such_tool`, so there is nothing to accept"
        ),
        "{}",
        describe(&out)
    );
    assert!(!pins.exists(), "nothing may be written after a usage error");
    // `--check` only reads.
    let out = pin(&pins, &["--check", "--accept", "echo"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn pin_check_without_a_pin_file_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.json");
    let out = pin(&pins, &["--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stdout = text(&out.stdout);
    // Names are padded to one column.
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("  NEW       echo ") && l.ends_with(" is not pinned")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("drift: 0 changed, {EXAMPLE_TOOLS} not pinned")),
        "{stdout}"
    );
    assert!(!pins.exists());
}

#[test]
fn pin_reports_a_corrupt_pin_file_without_starting_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let pins = dir.path().join("pins.json");
    std::fs::write(&pins, "{not json").unwrap();
    let out = pin(&pins, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("is not valid"),
        "{}",
        describe(&out)
    );
    assert_eq!(std::fs::read_to_string(&pins).unwrap(), "{not json");
}
