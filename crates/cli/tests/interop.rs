//! Interop from the outside: the real `toolgate run` binary in front of the official reference
//! server `@modelcontextprotocol/server-everything` (npm, stdio), driven by the official MCP
//! Python SDK client (`mcp` on PyPI) through `tests/interop/scenario.py`.
//!
//! The same scenario runs twice, directly against the server and through toolgate, and the
//! two summaries are compared: what the policy allows must look exactly as it does without the
//! gateway (listing entries, results, progress, sampling, elicitation, roots, notifications),
//! and what it refuses must be refused the documented way.
//!
//! Needs `scripts/interop-setup` (a venv with the pinned `mcp` in `tests/interop/.venv`, the
//! pinned server in `tests/interop/node_modules`) and `node` on PATH. Without them the tests
//! print `SKIPPED: interop …` on stderr and return, except under `CI=true`, where they fail.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

/// The policy under test. `scenario.py --mode gateway` expects exactly this (its HIDDEN,
/// DENIED_* and DENY_REASON_* constants), so change both together.
const INTEROP_POLICY: &str = r#"
version: "1"
description: toolgate interop tests against @modelcontextprotocol/server-everything
default: deny
hide: [get-env, "toggle-*"]
tools:
  echo: {rules: [{action: allow}]}
  get-structured-content: {rules: [{action: allow}]}
  get-tiny-image: {rules: [{action: allow}]}
  get-annotated-message: {rules: [{action: allow}]}
  get-sum:
    rules:
      - {name: sums, action: allow, rate_limit: {max: 3, window: minute}}
  get-resource-links:
    rules:
      - {action: deny, when: [{path: args.count, op: gt, value: 5}], reason: At most 5 links}
      - {action: allow}
  gzip-file-as-resource:
    rules:
      - {action: deny, reason: No URL fetching from agents}
  trigger-long-running-operation: {rules: [{action: allow}]}
  trigger-sampling-request: {rules: [{action: allow}]}
  trigger-elicitation-request: {rules: [{action: allow}]}
  get-roots-list: {rules: [{action: allow}]}
  "*":
    rules:
      - {action: deny, reason: Not part of the interop workflow}
"#;

/// The tools `INTEROP_POLICY` lets an agent see: every other tool the server lists is hidden
/// or denied whatever the arguments, so the gateway must not list it.
const LISTED_THROUGH_GATEWAY: &[&str] = &[
    "echo",
    "get-annotated-message",
    "get-resource-links",
    "get-structured-content",
    "get-sum",
    "get-tiny-image",
    "trigger-long-running-operation",
    "get-roots-list",
    "trigger-elicitation-request",
    "trigger-sampling-request",
];

/// Longest a scenario run may take before it is killed (it stops itself after 25 s).
const RUN_TIMEOUT: Duration = Duration::from_secs(90);

/// What the scenario needs, all found on disk.
struct Peers {
    python: PathBuf,
    node: PathBuf,
    server_js: PathBuf,
    scenario: PathBuf,
}

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn stamp_matches(installed_stamp: &Path, source: &Path) -> bool {
    match (std::fs::read(installed_stamp), std::fs::read(source)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn locate_peers() -> Result<Peers, String> {
    let dir = interop_dir();
    let python = dir.join(".venv/bin/python");
    if !python.is_file() {
        return Err(format!(
            "no Python venv at {} (python3 missing, or setup not run)",
            python.display()
        ));
    }
    if !stamp_matches(
        &dir.join(".venv/.toolgate-interop-requirements.txt"),
        &dir.join("requirements.txt"),
    ) {
        return Err(
            "tests/interop/.venv is not installed from the current requirements.txt".into(),
        );
    }
    let Some(node) = find_on_path("node") else {
        return Err("`node` is not on PATH".into());
    };
    let server_js = dir.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    if !server_js.is_file() {
        return Err(format!("{} is missing", server_js.display()));
    }
    if !stamp_matches(
        &dir.join("node_modules/.toolgate-interop-package-lock.json"),
        &dir.join("package-lock.json"),
    ) {
        return Err(
            "tests/interop/node_modules is not installed from the current package-lock.json".into(),
        );
    }
    Ok(Peers {
        python,
        node,
        server_js,
        scenario: dir.join("scenario.py"),
    })
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The peers, or `None` after a loud SKIPPED line; under CI a missing peer is a failure.
fn peers_or_skip(test: &str) -> Option<Peers> {
    match locate_peers() {
        Ok(p) => Some(p),
        Err(why) if in_ci() => panic!(
            "interop {test}: {why}. CI must run `scripts/interop-setup` before the tests \
             (it needs python3 >= 3.10 and node >= 20 with npm)."
        ),
        Err(why) => {
            // Straight to fd 2, not `eprintln!`: libtest captures the print macros of a
            // passing test, and a skip must never look like a silent pass.
            let line = format!(
                "SKIPPED: interop {test}: {why}. Run `scripts/interop-setup` to enable the \
                 interop tests (python3 >= 3.10 and node >= 20 with npm).\n"
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
            None
        }
    }
}

/// A scenario run: exit status, the JSON summary from stdout (if it parsed) and stderr.
struct Run {
    success: bool,
    summary: Value,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }

    /// The summary of a run that must have succeeded.
    fn ok(&self, what: &str) -> &Value {
        assert!(
            self.success && self.summary["ok"] == json!(true),
            "interop {what}: the scenario reported unexpected results:\n{}",
            self.describe()
        );
        &self.summary
    }
}

/// Runs the scenario in `mode`; `target` is `-- COMMAND…` or `--url URL …`.
fn run_scenario(peers: &Peers, mode: &str, target: &[OsString]) -> Run {
    let mut child = Command::new(&peers.python)
        .arg(&peers.scenario)
        .args(["--mode", mode])
        .args(target)
        .env("NO_COLOR", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", peers.python.display()));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + RUN_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().unwrap();
    let stderr = err.join().unwrap();
    let run = Run {
        success: status.is_some_and(|s| s.success()),
        summary: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stdout,
        stderr,
    };
    assert!(
        status.is_some(),
        "interop {mode}: the scenario did not finish within {RUN_TIMEOUT:?}; killed\n{}",
        run.describe()
    );
    assert!(
        run.summary.is_object(),
        "interop {mode}: the scenario printed no JSON summary\n{}",
        run.describe()
    );
    run
}

fn direct_command(peers: &Peers) -> Vec<OsString> {
    vec![
        peers.node.clone().into(),
        peers.server_js.clone().into(),
        "stdio".into(),
    ]
}

/// `run --policy P --state memory`: the gateway's options, before `--listen` or `--`.
fn gateway_args(policy: &Path) -> Vec<OsString> {
    vec![
        "run".into(),
        "--policy".into(),
        policy.into(),
        "--state".into(),
        "memory".into(),
    ]
}

fn gateway_command(peers: &Peers, policy: &Path) -> Vec<OsString> {
    let mut cmd: Vec<OsString> = vec![TOOLGATE.into()];
    cmd.extend(gateway_args(policy));
    cmd.push("--".into());
    cmd.extend(direct_command(peers));
    cmd
}

fn write_policy(dir: &Path, yaml: &str) -> PathBuf {
    let path = dir.join("policy.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

fn names(summary: &Value) -> Vec<&str> {
    summary["tools"]
        .as_array()
        .expect("summary.tools")
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect()
}

fn decision(step: &Value) -> &Value {
    &step["outcome"]["result"]["_meta"]["dev.toolgate/decision"]
}

/// How the agent reaches the gateway, and the gateway the server, in one run of the
/// transport matrix.
#[derive(Clone, Copy, Debug)]
enum Front {
    Stdio,
    StreamableHttp,
    LegacySse,
    /// The agent on stdio, the server over streamable HTTP (`--upstream`): a bridge.
    StdioToHttpUpstream,
    /// The agent and the server both over streamable HTTP.
    HttpToHttpUpstream,
    /// Streamable HTTP in, one stdio server shared by every session (`--upstream-shared`).
    HttpToSharedStdio,
}

/// server-everything with its streamable HTTP transport on a free loopback port.
struct EverythingOverHttp {
    child: std::process::Child,
    url: String,
}

impl EverythingOverHttp {
    fn start(peers: &Peers) -> EverythingOverHttp {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let mut child = Command::new(&peers.node)
            .arg(&peers.server_js)
            .arg("streamableHttp")
            .env("PORT", port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start server-everything streamableHttp");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline && child.try_wait().ok().flatten().is_none(),
                "server-everything (streamableHttp) did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        EverythingOverHttp {
            child,
            url: format!("http://127.0.0.1:{port}/mcp"),
        }
    }
}

impl Drop for EverythingOverHttp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The gateway scenario over `front`; HTTP gateways are started here, listening on a free
/// loopback port, and HTTP upstreams are server-everything's streamable HTTP transport.
fn run_through(peers: &Peers, dir: &Path, front: Front) -> Run {
    // Each gateway its own directory: the pin file lives beside the policy, and gateways
    // pinning one server's listing at different moments would see each other's drift.
    let dir = dir.join(format!("{front:?}"));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = &write_policy(&dir, INTEROP_POLICY);
    let mut args: Vec<OsString> = Vec::new();
    let upstream = matches!(
        front,
        Front::StdioToHttpUpstream | Front::HttpToHttpUpstream
    )
    .then(|| EverythingOverHttp::start(peers));
    let server: Vec<OsString> = match &upstream {
        Some(u) => vec!["--upstream".into(), u.url.clone().into()],
        None => std::iter::once("--".into())
            .chain(direct_command(peers))
            .collect(),
    };
    let listening = match front {
        Front::Stdio | Front::StdioToHttpUpstream => {
            args.push("--".into());
            args.push(TOOLGATE.into());
            args.extend(gateway_args(policy));
            args.extend(server);
            None
        }
        Front::StreamableHttp
        | Front::LegacySse
        | Front::HttpToHttpUpstream
        | Front::HttpToSharedStdio => {
            let mut cmd = std::process::Command::new(TOOLGATE);
            cmd.args(gateway_args(policy))
                .args(["--listen", "127.0.0.1:0"]);
            if matches!(front, Front::HttpToSharedStdio) {
                cmd.arg("--upstream-shared");
            }
            cmd.args(server);
            let g = toolgate_testkit::listening::ListeningGateway::start(cmd)
                .unwrap_or_else(|e| panic!("interop {front:?}: {e}"));
            match front {
                Front::LegacySse => args.extend([
                    "--transport".into(),
                    "sse".into(),
                    "--url".into(),
                    g.url("/sse").into(),
                ]),
                _ => args.extend(["--url".into(), g.mcp_url().into()]),
            }
            Some(g)
        }
    };
    let mut run = run_scenario(peers, "gateway", &args);
    drop(upstream);
    if let Some(g) = listening {
        run.stderr.push_str("\n--- gateway stderr ---\n");
        run.stderr.push_str(&g.stderr());
    }
    run
}

/// The transport matrix: the same scenario directly over stdio and through toolgate with
/// the agent on stdio, streamable HTTP and legacy HTTP+SSE (server-everything on stdio behind
/// it). Every gateway run must match the direct one wherever the policy allows, and enforce
/// it everywhere else.
#[test]
fn server_everything_through_toolgate_matches_direct_and_enforces_the_policy() {
    let Some(peers) = peers_or_skip("server_everything_through_toolgate") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let fronts = [
        Front::Stdio,
        Front::StreamableHttp,
        Front::LegacySse,
        Front::StdioToHttpUpstream,
        Front::HttpToHttpUpstream,
        Front::HttpToSharedStdio,
    ];

    // All runs at once: each takes a few seconds, mostly waiting on the server. Runs with an
    // HTTP upstream are compared with a direct run over server-everything's own HTTP
    // transport, which differs from its stdio one (it sends no tools/list_changed).
    let (direct, direct_http, gateways) = std::thread::scope(|s| {
        let direct =
            s.spawn(|| run_scenario(&peers, "direct", &with_dashes(direct_command(&peers))));
        let direct_http = s.spawn(|| {
            let server = EverythingOverHttp::start(&peers);
            run_scenario(
                &peers,
                "direct",
                &["--url".into(), server.url.clone().into()],
            )
        });
        let gateways: Vec<_> = fronts
            .iter()
            .map(|&front| {
                let (peers, dir) = (&peers, dir.path());
                s.spawn(move || run_through(peers, dir, front))
            })
            .collect();
        (
            direct.join().unwrap(),
            direct_http.join().unwrap(),
            gateways
                .into_iter()
                .map(|g| g.join().unwrap())
                .collect::<Vec<_>>(),
        )
    });
    for (front, through) in fronts.iter().zip(&gateways) {
        let direct = match front {
            Front::StdioToHttpUpstream | Front::HttpToHttpUpstream => &direct_http,
            _ => &direct,
        };
        check_against_direct(direct, through, *front);
    }
}

fn with_dashes(command: Vec<OsString>) -> Vec<OsString> {
    std::iter::once("--".into()).chain(command).collect()
}

fn check_against_direct(direct: &Run, through: &Run, front: Front) {
    let d = direct.ok("direct run");
    let g = through.ok(&format!("through toolgate ({front:?})"));
    let ctx = || {
        format!(
            "\n(agent on {front:?})\n=== direct ===\n{}\n=== through toolgate ({front:?}) ===\n{}",
            direct.describe(),
            through.describe()
        )
    };

    // The handshake is the server's, unchanged.
    assert_eq!(g["protocol_version"], d["protocol_version"], "{}", ctx());
    assert_eq!(g["server_info"], d["server_info"], "{}", ctx());

    // tools/list: the direct listing, in its order, minus hidden and always-denied tools; the
    // entries that remain are the server's, byte for byte as the SDK parsed them.
    let expected: Vec<&str> = names(d)
        .into_iter()
        .filter(|n| LISTED_THROUGH_GATEWAY.contains(n))
        .collect();
    assert_eq!(names(g), expected, "{}", ctx());
    let mut missing_from_server: Vec<&str> = LISTED_THROUGH_GATEWAY.to_vec();
    missing_from_server.retain(|n| !names(d).contains(n));
    assert!(
        missing_from_server.is_empty(),
        "server-everything no longer lists {missing_from_server:?}: update scenario.py and INTEROP_POLICY{}",
        ctx()
    );
    for name in names(g) {
        assert_eq!(
            g["tool_defs"][name],
            d["tool_defs"][name],
            "tools/list entry {name}{}",
            ctx()
        );
    }

    // Allowed calls: the same results as a direct connection.
    assert_eq!(
        g["allowed"],
        d["allowed"],
        "allowed results differ{}",
        ctx()
    );
    for label in ["echo", "structured", "image", "annotated", "links", "sum"] {
        assert_eq!(
            g["allowed"][label]["result"]["isError"],
            json!(false),
            "{label}{}",
            ctx()
        );
    }
    for i in 0..3 {
        assert_eq!(
            g["sum_calls"][i],
            d["sum_calls"][i],
            "get-sum call {}{}",
            i + 1,
            ctx()
        );
    }

    // The fourth get-sum of the minute is rate-limited (directly it just runs).
    let limited = &g["rate_limited"];
    assert_eq!(decision(limited)["kind"], "rate_limited", "{}", ctx());
    assert_eq!(decision(limited)["rule"], "sums", "{}", ctx());
    let retry = decision(limited)["retry_after_s"].as_f64().unwrap_or(-1.0);
    assert!(
        (0.0..=60.0).contains(&retry) && retry > 0.0,
        "retry_after_s {retry}{}",
        ctx()
    );
    assert!(
        limited["text"]
            .as_str()
            .unwrap()
            .starts_with("Denied by policy: "),
        "{}",
        ctx()
    );
    assert_eq!(
        d["sum_calls"][3]["result"]["isError"],
        json!(false),
        "{}",
        ctx()
    );

    // Denials: tool results with isError, the reason, and the decision under _meta.
    for (step, rule, reason) in [
        ("conditional", "get-resource-links#1", "At most 5 links"),
        (
            "unconditional",
            "gzip-file-as-resource#1",
            "No URL fetching from agents",
        ),
        ("catch_all", "*#1", "Not part of the interop workflow"),
    ] {
        let denied = &g["denied"][step];
        assert_eq!(
            denied["outcome"]["result"]["isError"],
            json!(true),
            "{step}{}",
            ctx()
        );
        assert_eq!(
            denied["text"],
            format!("Denied by policy: {reason}"),
            "{step}{}",
            ctx()
        );
        assert_eq!(decision(denied)["kind"], "deny", "{step}{}", ctx());
        assert_eq!(decision(denied)["rule"], rule, "{step}{}", ctx());
    }

    // Hidden tools don't exist.
    for tool in ["get-env", "toggle-simulated-logging"] {
        let err = &g["hidden"][tool]["error"];
        assert_eq!(err["code"], json!(-32602), "{tool}{}", ctx());
        assert_eq!(
            err["message"],
            format!("Unknown tool: {tool}"),
            "{tool}{}",
            ctx()
        );
    }

    // Progress notifications, sampling, elicitation and roots round trips: as direct.
    assert_eq!(
        g["progress"]["notifications"],
        json!([
            [1.0, 4.0, null],
            [2.0, 4.0, null],
            [3.0, 4.0, null],
            [4.0, 4.0, null]
        ]),
        "{}",
        ctx()
    );
    assert_eq!(
        g["progress"]["outcome"],
        d["progress"]["outcome"],
        "{}",
        ctx()
    );
    for step in ["sampling", "elicitation"] {
        assert_eq!(
            g[step]["requests"],
            d[step]["requests"],
            "{step} request seen by the client{}",
            ctx()
        );
        assert_eq!(
            g[step]["outcome"],
            d[step]["outcome"],
            "{step} result{}",
            ctx()
        );
    }
    assert_eq!(g["roots"]["outcome"], d["roots"]["outcome"], "{}", ctx());

    // Prompts, completion, resources and ping are not the policy's business: as direct.
    assert_eq!(g["passthrough"], d["passthrough"], "{}", ctx());
    assert!(
        g["passthrough"]["prompts"]["prompts"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );

    // A call the client cancels leaves the session usable; the server's notifications
    // (list_changed, logging, progress) reach the client as they do directly.
    assert_eq!(
        g["cancellation"]["after"],
        d["cancellation"]["after"],
        "{}",
        ctx()
    );
    if matches!(front, Front::HttpToSharedStdio) {
        // A shared server's logging can't be attributed to one session, so it reaches none;
        // its tools/list_changed came during toolgate's own handshake, before any session.
        let seen = g["notifications"].as_array().unwrap();
        assert!(!seen.contains(&json!("notifications/message")), "{}", ctx());
    } else {
        assert_eq!(g["notifications"], d["notifications"], "{}", ctx());
    }

    // The SDK's default connection (`mcp.Client`, mode "auto": a `server/discover` probe, then
    // the `initialize` fallback) works through the gateway and sees the same filtered world.
    let (ga, da) = (&g["auto_connect"], &d["auto_connect"]);
    assert_eq!(ga["protocol_version"], da["protocol_version"], "{}", ctx());
    assert_eq!(ga["echo"], da["echo"], "{}", ctx());
    let expected: Vec<&Value> = da["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| LISTED_THROUGH_GATEWAY.contains(&n.as_str().unwrap()))
        .collect();
    let got: Vec<&Value> = ga["tools"].as_array().unwrap().iter().collect();
    if matches!(front, Front::HttpToSharedStdio) {
        // The shared server was initialized by toolgate, which declares elicitation,
        // sampling and roots: it lists its capability-gated tools to every session.
        assert!(expected.iter().all(|t| got.contains(t)), "{}", ctx());
        assert!(
            got.iter()
                .all(|t| LISTED_THROUGH_GATEWAY.contains(&t.as_str().unwrap())),
            "{}",
            ctx()
        );
    } else {
        assert_eq!(got, expected, "{}", ctx());
    }
    assert_eq!(ga["hidden"]["code"], json!(-32602), "{}", ctx());
}

/// The harness must be able to fail: a gateway that lets everything through (no hide, allow
/// by default) does not pass the gateway scenario, and says why.
#[test]
fn scenario_notices_a_gateway_that_enforces_nothing() {
    let Some(peers) = peers_or_skip("scenario_notices_a_gateway_that_enforces_nothing") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        dir.path(),
        // Allows everything but gzip-file-as-resource, which would fetch a URL.
        "version: \"1\"\ndefault: allow\ntools:\n  gzip-file-as-resource: {rules: [{action: deny, reason: no}]}\n",
    );
    let run = run_scenario(
        &peers,
        "gateway",
        &with_dashes(gateway_command(&peers, &policy)),
    );
    assert!(
        !run.success,
        "the scenario passed an allow-all gateway:\n{}",
        run.describe()
    );
    let failures = run.summary["failures"].to_string();
    for expected in [
        "'get-env' should not be listed",
        "get-sum call 4",
        "hidden get-env",
        "get-resource-links count 8",
    ] {
        assert!(
            failures.contains(expected),
            "no failure mentioning {expected:?}:\n{}",
            run.describe()
        );
    }
    assert!(run.stderr.contains("interop: FAIL: "), "{}", run.describe());
}

/// Issue 7 with the official Python SDK client: `action: approve` with `approval: {via: session}`
/// asks through the SDK's elicitation callback; approve → the tool runs, and the next identical call asks again;
/// decline → a tool error with kind `approval_denied`.
#[test]
fn the_python_sdk_answers_approvals_in_its_own_session() {
    let Some(peers) = peers_or_skip("the_python_sdk_answers_approvals_in_its_own_session") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        dir.path(),
        "version: \"1\"\ntools:\n  echo:\n    rules:\n      - {name: echo needs a human, action: approve, approval: {via: session}, reason: Echoes are sensitive}\n",
    );
    for answer in ["approve", "decline"] {
        let out = Command::new(&peers.python)
            .arg(interop_dir().join("approval.py"))
            .args(["--answer", answer, "--"])
            .args(gateway_command(&peers, &policy))
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{answer}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
