//! Every message toolgate writes itself is valid in the revision it negotiated, by the official
//! JSON schema of that revision (issue 18 item 1; schemas vendored in crates/testkit/schemas):
//! refusals (deny, limits, drift, invalid arguments, approvals refused and timed out), the
//! JSON-RPC errors it answers with, the requests it sends an agent (`elicitation/create`) and
//! what it sends a server as a client (`initialize`, `notifications/cancelled`). Forwarded
//! messages are the server's and agent's business; these are toolgate's.
//!
//! Each test drives the real binary in every revision and collects every violation before it
//! fails, so one run lists all of them.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use toolgate_testkit::listening::ListeningGateway;
use toolgate_testkit::schemas::{self, Answering};
use toolgate_testkit::{HttpClient, StderrMode, StdioClient, example_server_path, handler_fn};

use support::TOOLGATE;

/// Revisions with a session (`initialize`), spoken over stdio.
const SESSION_REVISIONS: [&str; 4] = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
const STATELESS: &str = "2026-07-28";

const POLICY: &str = r#"version: "1"
default: allow
hide: [delete_user]
tools:
  read_file:
    rules: [{action: deny, reason: No files today}]
  get_order:
    rules: [{action: allow, rate_limit: {max: 1, window: day}}]
  send_email:
    rules: [{action: approve, reason: Mail needs a person, approval: {approvers: []}}]
  update_order:
    rules: [{action: approve, reason: Status changes need a person, approval: {approvers: [alice], timeout: 1}}]
  create_refund:
    rules: [{action: approve, reason: Refunds need a person, approval: {via: session, timeout: 5}}]
"#;

/// Every violation found, with what was checked.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    /// Checks `message` (which toolgate wrote) as valid in `revision`.
    fn check(&mut self, revision: &str, what: &str, message: &Value, answering: Answering<'_>) {
        if let Err(errors) = schemas::check_message(revision, message, answering) {
            self.0.push(format!(
                "{revision} {what}:\n    message: {message}\n    {}",
                errors.join("\n    ")
            ));
        }
    }

    /// A request toolgate sends an agent must be one the revision lets a server send.
    fn check_server_request(&mut self, revision: &str, what: &str, message: &Value) {
        self.check(revision, what, message, Answering::Unknown);
        if schemas::defines(revision, "ServerRequest") {
            if let Err(errors) = schemas::validate(revision, "ServerRequest", message) {
                self.0.push(format!(
                    "{revision} {what}: not a server request of this revision:\n    message: {message}\n    {}",
                    errors.join("\n    ")
                ));
            }
        } else {
            self.0.push(format!(
                "{revision} {what}: this revision has no server→client requests, yet toolgate sent {message}"
            ));
        }
    }

    /// A message toolgate sends a server must be one the revision lets a client send.
    fn check_client_message(&mut self, revision: &str, what: &str, message: &Value) {
        self.check(revision, what, message, Answering::Unknown);
        let union = if message.get("id").is_some() {
            "ClientRequest"
        } else {
            "ClientNotification"
        };
        if let Err(errors) = schemas::validate(revision, union, message) {
            self.0.push(format!(
                "{revision} {what}: not a {union} of this revision:\n    message: {message}\n    {}",
                errors.join("\n    ")
            ));
        }
    }

    fn assert_none(self, context: &str) {
        assert!(
            self.0.is_empty(),
            "{} message(s) toolgate wrote are invalid by the official schema ({context}):\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

fn refusal_kind(resp: &Value) -> &str {
    resp["result"]["_meta"]["dev.toolgate/decision"]["kind"]
        .as_str()
        .unwrap_or("")
}

/// Every message the example server received (`TOOLGATE_TESTKIT_LOG`, one per line).
fn server_received(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// `toolgate run` over stdio in front of the example server, pins on (beside the policy, so
/// first listing pins and a later change is drift), calls given up after 1 s, messages over
/// 64 KiB refused. Answers elicitations with a decline when `elicitation` is declared.
fn stdio_gateway(dir: &Path, revision: &str) -> StdioClient {
    let policy = dir.join("policy.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let elicitation = revision >= "2025-06-18";
    let mut builder = StdioClient::builder(TOOLGATE)
        .args([
            "run",
            "--state",
            "memory",
            "--audit",
            "off",
            "--call-timeout",
            "1",
            "--max-message-bytes",
            "65536",
            // The out-of-band approval queue, so an unanswered approval times out.
            "--admin",
            "127.0.0.1:0",
            "--policy",
        ])
        .arg(&policy)
        .arg("--")
        .arg(example_server_path())
        .env("TOOLGATE_TESTKIT_LOG", dir.join("upstream.log"))
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(15));
    builder = if elicitation {
        builder
            .capabilities(json!({"elicitation": {}}))
            .handler(handler_fn(|_req| async {
                Ok(json!({"action": "decline"}))
            }))
    } else {
        builder.capabilities(json!({}))
    };
    builder.spawn().unwrap()
}

/// Refused tool calls are `CallToolResult`s: deny, rate limit, invalid arguments, approval
/// refused (nobody may approve), approval timed out (out of band), approval declined in the
/// session (with the `elicitation/create` toolgate asked with), drift.
#[tokio::test]
async fn tool_refusals_are_valid_in_every_session_revision() {
    let mut findings = Findings::default();
    for revision in SESSION_REVISIONS {
        let dir = tempfile::tempdir().unwrap();
        let g = stdio_gateway(dir.path(), revision);
        let init = g.initialize(revision).await.unwrap();
        assert_eq!(init["result"]["protocolVersion"], revision, "{init}");
        g.list_tools_all().await; // pins every tool (trust on first use)

        let mut refused = |what: &str, resp: Value, expected: &str| {
            assert_eq!(
                refusal_kind(&resp),
                expected,
                "{revision} {what}: {resp}\n{}",
                g.stderr_output()
            );
            findings.check(revision, what, &resp, Answering::Method("tools/call"));
        };
        refused(
            "deny",
            g.call_tool("read_file", json!({"path": "/etc/hosts"}))
                .await,
            "deny",
        );
        g.call_tool("get_order", json!({"order_id": "ORD-1001"}))
            .await;
        refused(
            "rate limit",
            g.call_tool("get_order", json!({"order_id": "ORD-1001"}))
                .await,
            "rate_limited",
        );
        refused(
            "invalid arguments",
            g.call_tool("add", json!({"a": "two", "b": 3})).await,
            "invalid_arguments",
        );
        refused(
            "approval refused (no approvers)",
            g.call_tool(
                "send_email",
                json!({"to": "a@example.com", "subject": "s", "body": "b"}),
            )
            .await,
            "approval_denied",
        );
        refused(
            "approval timed out",
            g.call_tool(
                "update_order",
                json!({"order_id": "ORD-1001", "status": "shipped"}),
            )
            .await,
            "approval_denied",
        );
        refused(
            "approval declined in the session (or no way to ask)",
            g.call_tool(
                "create_refund",
                json!({"order_id": "ORD-1001", "amount": 5}),
            )
            .await,
            "approval_denied",
        );
        g.call_tool("mutate_tools", json!({})).await;
        g.list_tools_all().await; // toolgate sees the changed definition
        refused(
            "drift",
            g.call_tool("echo", json!({"text": "x"})).await,
            "drift",
        );
        for request in g.server_requests() {
            findings.check_server_request(revision, "approval question", &request);
        }
        g.close_stdin().await;
        g.wait_exit().await.unwrap();
    }
    findings.assert_none("refused tool calls");
}

/// JSON-RPC errors toolgate answers with (unknown tool, a disguised method, a malformed
/// message, a reused id, an oversize message, a call given up) and the cancellation it sends
/// the server when it gives a call up.
#[tokio::test]
async fn errors_and_cancellations_are_valid_in_every_session_revision() {
    let mut findings = Findings::default();
    for revision in SESSION_REVISIONS {
        let dir = tempfile::tempdir().unwrap();
        let g = stdio_gateway(dir.path(), revision);
        g.initialize(revision).await.unwrap();

        let error = |findings: &mut Findings, what: &str, resp: Value, code: i64| {
            assert_eq!(
                resp["error"]["code"],
                json!(code),
                "{revision} {what}: {resp}\n{}",
                g.stderr_output()
            );
            findings.check(revision, what, &resp, Answering::Unknown);
        };
        error(
            &mut findings,
            "unknown (hidden) tool",
            g.call_tool("delete_user", json!({"user_id": "u1"})).await,
            -32602,
        );
        g.send(&json!({"jsonrpc": "2.0", "id": 50, "method": "Tools/Call",
            "params": {"name": "echo", "arguments": {"text": "x"}}}))
            .await
            .unwrap();
        error(
            &mut findings,
            "disguised method",
            g.recv_response().await.unwrap(),
            -32600,
        );
        g.send_raw(br#"{"jsonrpc": "2.0", "id": 51, "method": "tools/call", "params": {"name": "echo", "name": "add", "arguments": {}}}"#)
            .await
            .unwrap();
        let malformed = g.recv_response().await.unwrap();
        assert_eq!(malformed["id"], json!(51), "{revision}: {malformed}");
        findings.check(
            revision,
            "malformed (duplicate key)",
            &malformed,
            Answering::Unknown,
        );
        let big = "x".repeat(70_000);
        g.send(&json!({"jsonrpc": "2.0", "id": 52, "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": big}}}))
            .await
            .unwrap();
        let oversize = g.recv_response().await.unwrap();
        findings.check(revision, "oversize message", &oversize, Answering::Unknown);

        // A call given up (--call-timeout 1): the agent's error, the server's cancellation.
        let slow = g.call_tool("slow", json!({"ms": 4000})).await;
        error(
            &mut findings,
            "call given up (--call-timeout)",
            slow,
            -32603,
        );
        // A reused id: send a slow call, then the same id again while it is in flight.
        g.send(&json!({"jsonrpc": "2.0", "id": 60, "method": "tools/call",
            "params": {"name": "slow", "arguments": {"ms": 3000}}}))
            .await
            .unwrap();
        g.send(&json!({"jsonrpc": "2.0", "id": 60, "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "again"}}}))
            .await
            .unwrap();
        let reused = g.recv_response().await.unwrap();
        findings.check(revision, "reused id", &reused, Answering::Unknown);
        let _ = g.recv_response().await; // the slow call's own answer (given up)

        g.close_stdin().await;
        g.wait_exit().await.unwrap();
        let cancels: Vec<Value> = server_received(&dir.path().join("upstream.log"))
            .into_iter()
            .filter(|m| m["method"] == "notifications/cancelled")
            .collect();
        assert!(
            !cancels.is_empty(),
            "{revision}: toolgate told the server nothing"
        );
        for cancel in cancels {
            findings.check_client_message(revision, "cancellation sent to the server", &cancel);
        }
    }
    findings.assert_none("JSON-RPC errors and cancellations");
}

/// An error answering a message whose id could not be read carries `id: null`, as JSON-RPC 2.0
/// requires. Revisions before 2025-11-25 define no such error (their `JSONRPCError` needs a
/// string or integer id), so only 2025-11-25 and later can hold it to the schema.
#[tokio::test]
#[ignore = "issue 18 item 1: toolgate writes `\"id\": null` when it can't read the id (toolgate_mcp::wire::error_response with None, from Refused::to_response in crates/pipeline/src/intercept/refusal.rs); 2025-11-25's JSONRPCErrorResponse allows leaving `id` out but not null"]
async fn errors_without_a_readable_id_are_valid_where_the_revision_allows_them() {
    let mut findings = Findings::default();
    for revision in ["2025-11-25"] {
        let dir = tempfile::tempdir().unwrap();
        let g = stdio_gateway(dir.path(), revision);
        g.initialize(revision).await.unwrap();
        g.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1.5, \"method\": \"ping\"}")
            .await
            .unwrap();
        findings.check(
            revision,
            "fractional id",
            &g.recv_response().await.unwrap(),
            Answering::Unknown,
        );
        g.send_raw(b"{not json").await.unwrap();
        findings.check(
            revision,
            "not JSON",
            &g.recv_response().await.unwrap(),
            Answering::Unknown,
        );
        g.close_stdin().await;
        g.wait_exit().await.unwrap();
    }
    findings.assert_none("errors without an id");
}

/// With `--upstream-shared` toolgate is the one client of its stdio server: its own
/// `initialize` and `notifications/initialized` must be valid in the revision it asks for.
#[tokio::test]
async fn toolgates_own_initialize_as_a_client_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let log = dir.path().join("upstream.log");
    let mut cmd = Command::new(TOOLGATE);
    cmd.args([
        "run",
        "--state",
        "memory",
        "--audit",
        "off",
        "--pin-file",
        "off",
        "--listen",
        "127.0.0.1:0",
        "--upstream-shared",
        "--policy",
    ])
    .arg(&policy)
    .arg("--")
    .arg(example_server_path())
    .env("TOOLGATE_TESTKIT_LOG", &log);
    let gateway = ListeningGateway::start(cmd).unwrap_or_else(|e| panic!("{e}"));
    let client = HttpClient::connect(&gateway.mcp_url()).await.unwrap();
    let ok = client
        .call_tool("echo", json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(ok["result"]["content"][0]["text"], "hi", "{ok}");

    let received = server_received(&log);
    let init = received
        .iter()
        .find(|m| m["method"] == "initialize")
        .unwrap_or_else(|| panic!("no initialize in {received:?}\n{}", gateway.stderr()));
    let revision = init["params"]["protocolVersion"]
        .as_str()
        .unwrap_or_else(|| panic!("initialize without a protocolVersion: {init}"))
        .to_owned();
    assert!(
        schemas::REVISIONS.contains(&revision.as_str()),
        "toolgate asked for {revision}, which has no official schema"
    );
    let mut findings = Findings::default();
    findings.check_client_message(&revision, "toolgate's initialize", init);
    if let Some(initialized) = received
        .iter()
        .find(|m| m["method"] == "notifications/initialized")
    {
        findings.check_client_message(&revision, "toolgate's initialized", initialized);
    }
    findings.assert_none("toolgate as a client");
}

/// The JSON-RPC message in a POST's answer (JSON, or the first `data:` of an event stream).
fn answer_of(body: &str) -> Value {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        return v;
    }
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .find(|m| m.get("result").is_some() || m.get("error").is_some())
        .unwrap_or_else(|| panic!("no JSON-RPC answer in {body:?}"))
}

/// One stateless 2026-07-28 request, exactly as the revision has it: version and client
/// capabilities in `_meta`, routing headers matching the body.
async fn stateless_post(client: &HttpClient, id: i64, method: &str, mut params: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": STATELESS,
        "io.modelcontextprotocol/clientInfo": {"name": "schema-test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let name = params["name"].as_str().map(str::to_owned);
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
    let mut headers = vec![("mcp-protocol-version", STATELESS), ("mcp-method", method)];
    if let Some(name) = name.as_deref() {
        headers.push(("mcp-name", name));
    }
    let (_, _, text) = client.raw_post(body, &headers).await.unwrap();
    answer_of(&text)
}

/// 2026-07-28, stateless, through `--listen --upstream`: every refusal is a complete
/// `CallToolResult` (`resultType` included), every error a valid error response.
#[tokio::test]
async fn stateless_refusals_and_errors_are_valid_in_2026_07_28() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(example_server_path());
    server.args(["--http", "127.0.0.1:0", "--stateless"]);
    let server = ListeningGateway::start(server).unwrap_or_else(|e| panic!("{e}"));
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let mut cmd = Command::new(TOOLGATE);
    cmd.args([
        "run",
        "--state",
        "memory",
        "--audit",
        "off",
        "--listen",
        "127.0.0.1:0",
        "--policy",
    ])
    .arg(&policy)
    .args(["--upstream", &server.mcp_url()]);
    let gateway = ListeningGateway::start(cmd).unwrap_or_else(|e| panic!("{e}"));
    let client = HttpClient::stateless(&gateway.mcp_url()).unwrap();
    let mut findings = Findings::default();

    let listed = stateless_post(&client, 1, "tools/list", json!({})).await;
    assert!(
        listed["result"]["tools"].is_array(),
        "{listed}\n{}",
        gateway.stderr()
    );
    let cases = [
        ("deny", "read_file", json!({"path": "/etc/hosts"}), "deny"),
        (
            "first call under the limit",
            "get_order",
            json!({"order_id": "ORD-1001"}),
            "",
        ),
        (
            "rate limit",
            "get_order",
            json!({"order_id": "ORD-1001"}),
            "rate_limited",
        ),
        (
            "invalid arguments",
            "add",
            json!({"a": "two", "b": 3}),
            "invalid_arguments",
        ),
        (
            "approval refused (no approvers)",
            "send_email",
            json!({"to": "a@example.com", "subject": "s", "body": "b"}),
            "approval_denied",
        ),
        (
            "approval timed out",
            "update_order",
            json!({"order_id": "ORD-1001", "status": "shipped"}),
            "approval_denied",
        ),
        (
            "approval in the session (no session to ask in)",
            "create_refund",
            json!({"order_id": "ORD-1001", "amount": 5}),
            "approval_denied",
        ),
    ];
    for (n, (what, tool, args, kind)) in cases.into_iter().enumerate() {
        let id = 10 + i64::try_from(n).unwrap();
        let resp = stateless_post(
            &client,
            id,
            "tools/call",
            json!({"name": tool, "arguments": args}),
        )
        .await;
        assert_eq!(
            refusal_kind(&resp),
            kind,
            "{what}: {resp}\n{}",
            gateway.stderr()
        );
        if !kind.is_empty() {
            findings.check(STATELESS, what, &resp, Answering::Method("tools/call"));
        }
    }
    let unknown = stateless_post(
        &client,
        30,
        "tools/call",
        json!({"name": "delete_user", "arguments": {"user_id": "u1"}}),
    )
    .await;
    assert_eq!(unknown["error"]["code"], json!(-32602), "{unknown}");
    findings.check(
        STATELESS,
        "unknown (hidden) tool",
        &unknown,
        Answering::Unknown,
    );

    // Routing headers that disagree with the body.
    let body = json!({"jsonrpc": "2.0", "id": 31, "method": "tools/call", "params": {
        "name": "read_file", "arguments": {"path": "/srv/x"},
        "_meta": {"io.modelcontextprotocol/protocolVersion": STATELESS,
                  "io.modelcontextprotocol/clientCapabilities": {}}}})
    .to_string();
    let (_, _, text) = client
        .raw_post(
            body,
            &[
                ("mcp-protocol-version", STATELESS),
                ("mcp-method", "tools/call"),
                ("mcp-name", "echo"),
            ],
        )
        .await
        .unwrap();
    findings.check(
        STATELESS,
        "header mismatch",
        &answer_of(&text),
        Answering::Unknown,
    );

    // A request without `_meta`: refused by toolgate before it reaches the server.
    let body =
        json!({"jsonrpc": "2.0", "id": 32, "method": "tools/list", "params": {}}).to_string();
    let (_, _, text) = client
        .raw_post(
            body,
            &[
                ("mcp-protocol-version", STATELESS),
                ("mcp-method", "tools/list"),
            ],
        )
        .await
        .unwrap();
    findings.check(
        STATELESS,
        "missing _meta",
        &answer_of(&text),
        Answering::Unknown,
    );
    findings.assert_none("stateless 2026-07-28");
}

/// A stateless request to a gateway whose server is a stdio child (which needs a session):
/// the refusal must be a valid 2026-07-28 error response.
#[tokio::test]
async fn needs_a_session_refusal_is_valid_in_2026_07_28() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.yaml");
    std::fs::write(&policy, POLICY).unwrap();
    let mut cmd = Command::new(TOOLGATE);
    cmd.args([
        "run",
        "--state",
        "memory",
        "--audit",
        "off",
        "--pin-file",
        "off",
        "--listen",
        "127.0.0.1:0",
        "--policy",
    ])
    .arg(&policy)
    .arg("--")
    .arg(example_server_path());
    let gateway = ListeningGateway::start(cmd).unwrap_or_else(|e| panic!("{e}"));
    let client = HttpClient::stateless(&gateway.mcp_url()).unwrap();
    let resp = stateless_post(&client, 7, "tools/list", json!({})).await;
    assert!(resp.get("error").is_some(), "{resp}");
    let mut findings = Findings::default();
    findings.check(STATELESS, "needs a session", &resp, Answering::Unknown);
    findings.assert_none("stateless request to a stdio server");
}
