//! The no-bypass suite: hostile bytes sent to the real `toolgate run` binary in front of the
//! example MCP server. For every case the agent must get a JSON-RPC error (or, for a call the
//! policy refuses, an `isError` result / `-32602` "Unknown tool"), the server must never
//! receive the message (its `TOOLGATE_TESTKIT_LOG` file is grepped for a marker carried in
//! the payload), and the session must keep working (an allowed `echo` call right after).
//!
//! The example server is another crate's binary, which `cargo test -p toolgate-cli` does not
//! build. Build it first:
//!
//! ```sh
//! cargo build -p toolgate-testkit --bin toolgate-example-server
//! cargo test -p toolgate-cli --test bypass
//! ```
//!
//! Cases live in `bypass/cases.rs` (one function per message, named after the bypass it
//! pins, with a line saying what a vulnerable gateway would do); the multi-message cases
//! (batches, request ids in flight, line splitting) are below. Tests marked `// FIXED:` pin
//! bypasses this suite found in the gateway (bare-CR smuggling, request-id collisions,
//! disguised method names, over-precise numbers); they failed before the fix.

#[path = "bypass/cases.rs"]
mod cases;
#[path = "bypass/harness.rs"]
mod harness;

use std::time::Duration;

use serde_json::{Value, json};

use harness::{Case, Expect, Gate, SLOW_ALLOWED, check_answer, collect, find, marker, policy};

async fn suite_gate() -> Gate {
    Gate::start(&policy(SLOW_ALLOWED)).await
}

/// Runs one case in a fresh session and panics with everything useful when it fails.
async fn run_alone(case: Case) {
    let gate = suite_gate().await;
    if let Err(problem) = gate.check(&case).await {
        panic!(
            "{}: {problem}\nsent: {}\n--- gateway stderr ---\n{}",
            case.name,
            String::from_utf8_lossy(&case.bytes)
                .chars()
                .take(600)
                .collect::<String>(),
            gate.stderr()
        );
    }
}

async fn run_special(name: &str, special: impl AsyncFnOnce(&Gate) -> Result<(), String>) {
    let gate = suite_gate().await;
    if let Err(problem) = special(&gate).await {
        panic!(
            "{name}: {problem}\n--- gateway stderr ---\n{}",
            gate.stderr()
        );
    }
}

macro_rules! single_message_tests {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            run_alone(cases::$name()).await;
        }
    )*};
}

// One test per case in `bypass/cases.rs`; see each case's doc line for what it pins.
single_message_tests!(
    bypass_duplicate_name_key,
    bypass_duplicate_name_key_reversed,
    bypass_duplicate_escaped_name_key,
    bypass_duplicate_argument_key,
    bypass_duplicate_argument_key_nested,
    bypass_duplicate_arguments_key,
    bypass_duplicate_params_key,
    bypass_duplicate_method_key,
    bypass_case_variant_method_key,
    bypass_lone_case_variant_method_key,
    bypass_case_variant_name_key,
    bypass_lone_case_variant_name_key,
    bypass_case_variant_argument_key,
    bypass_lone_case_variant_argument_key,
    bypass_fullwidth_argument_key,
    bypass_case_variant_arguments_key,
    bypass_unicode_fold_arguments_key,
    bypass_lone_unicode_fold_arguments_key,
    bypass_params_array,
    bypass_params_string,
    bypass_name_number,
    bypass_name_null,
    bypass_name_object,
    bypass_name_array,
    bypass_missing_name,
    bypass_arguments_string,
    bypass_arguments_array,
    bypass_invalid_utf8,
    bypass_overlong_utf8,
    bypass_lone_surrogate,
    bypass_escaped_hidden_tool_name,
    bypass_escaped_argument_value,
    bypass_escaped_method,
    bypass_bom_prefix,
    bypass_nul_after_message,
    bypass_raw_nul_in_tool_name,
    bypass_escaped_nul_in_tool_name,
    bypass_oversized_line,
    bypass_trailing_garbage,
    bypass_two_messages_one_line,
    bypass_lenient_json_syntax,
    bypass_deep_nesting,
    bypass_tool_call_notification,
    bypass_method_case_variant,
    bypass_method_trailing_space,
    bypass_method_nul_suffix,
    // FIXED (was): see the case: `tools/call\uFEFF` is forwarded to the server unchecked.
    bypass_method_bom_suffix,
    bypass_jsonrpc_1_0,
    bypass_jsonrpc_missing,
    bypass_null_id_request,
    bypass_object_id,
    bypass_request_disguised_as_response,
    bypass_empty_batch,
    bypass_batch_duplicate_key_element,
    bypass_nested_batch,
    bypass_number_exponent,
    bypass_number_tiny_fraction,
    // FIXED (was low severity): see the case: the amount is compared as an f64.
    bypass_number_below_f64_precision,
    bypass_number_overflow,
    bypass_infinity_literal,
    bypass_amount_as_string,
    bypass_amount_as_exponent_string,
    bypass_amount_as_array,
    bypass_path_not_a_string,
    bypass_tool_name_case_variant,
    bypass_tool_name_bom_suffix,
    bypass_tool_name_fullwidth,
    bypass_path_dot_dot_traversal,
    bypass_path_double_slash_dot_dot,
    bypass_path_percent_encoded_dot_dot,
    bypass_path_double_percent_encoded,
    bypass_path_sibling_prefix,
    bypass_url_userinfo,
    bypass_url_idna_lookalike,
    bypass_url_decimal_ip,
    bypass_url_hex_ip,
    bypass_number_inexact_17_digits,
);

// --- Multi-message cases ------------------------------------------------------------------

const BATCH_MIXED: &str = r#"[{"jsonrpc":"2.0","id":"batch-ok","method":"tools/call","params":{"name":"echo","arguments":{"text":"ALLOWED.batch."}}},{"jsonrpc":"2.0","id":"batch-no","method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"BYPASS.batch_mixed.","amount":5000}}},{"jsonrpc":"2.0","id":"batch-hidden","method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"BYPASS.batch_mixed."}}}]"#;

/// Vulnerable: looks at the batch as one message (no `method`) and forwards all of it, or
/// refuses all of it; the denied elements must be answered by the gateway, the allowed one
/// must reach the server.
async fn batch_mixed(gate: &Gate) -> Result<(), String> {
    gate.send(BATCH_MIXED.as_bytes()).await?;
    let answers = collect(gate, 3, Duration::from_secs(10)).await;
    let by_id = |id: &str| {
        answers
            .iter()
            .find(|a| a.get("id") == Some(&json!(id)))
            .cloned()
            .ok_or_else(|| format!("no answer for {id} in {answers:?}"))
    };
    let ok = by_id("batch-ok")?;
    if ok.pointer("/result/structuredContent/text") != Some(&json!("ALLOWED.batch.")) {
        return Err(format!("the allowed batch element was not run: {ok}"));
    }
    check_answer(
        &by_id("batch-no")?,
        &Expect::Denied(json!("batch-no"), "deny"),
    )?;
    check_answer(
        &by_id("batch-hidden")?,
        &Expect::UnknownTool(json!("batch-hidden")),
    )?;
    if answers.len() != 3 {
        return Err(format!("expected 3 answers, got {answers:?}"));
    }
    finish(gate, "BYPASS.batch_mixed.").await?;
    if !gate.server_saw("ALLOWED.batch.") {
        return Err("the allowed batch element never reached the server".into());
    }
    Ok(())
}

const BATCH_NOTIFICATION: &str = r#"[{"jsonrpc":"2.0","id":"batchn-ok","method":"tools/call","params":{"name":"echo","arguments":{"text":"ALLOWED.batchn."}}},{"jsonrpc":"2.0","method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"BYPASS.batch_notification.","amount":5000}}}]"#;

/// Vulnerable: checks the batch's requests but forwards its notifications, so a
/// `tools/call` without an id rides along unchecked.
async fn batch_notification(gate: &Gate) -> Result<(), String> {
    gate.send(BATCH_NOTIFICATION.as_bytes()).await?;
    let answers = collect(gate, 1, Duration::from_secs(10)).await;
    match answers.as_slice() {
        [one]
            if one.pointer("/result/structuredContent/text") == Some(&json!("ALLOWED.batchn.")) => {
        }
        other => return Err(format!("expected only the echo's answer, got {other:?}")),
    }
    finish(gate, "BYPASS.batch_notification.").await
}

/// Vulnerable: lets a second call reuse the id of a call still in flight; the server's
/// answers can't be told apart and the first call's counters settle on the wrong answer.
async fn id_reuse_in_flight(gate: &Gate) -> Result<(), String> {
    gate.send(br#"{"jsonrpc":"2.0","id":"reuse","method":"tools/call","params":{"name":"slow","arguments":{"ms":500}}}"#)
        .await?;
    gate.send(br#"{"jsonrpc":"2.0","id":"reuse","method":"tools/call","params":{"name":"echo","arguments":{"text":"BYPASS.id_reuse."}}}"#)
        .await?;
    let first = gate.next().await?;
    check_answer(&first, &Expect::Error(json!("reuse")))
        .map_err(|e| format!("the reused id was not refused: {e}"))?;
    let second = gate.next().await?;
    if second.get("id") != Some(&json!("reuse"))
        || second.pointer("/result/isError") == Some(&Value::Bool(true))
        || second.get("result").is_none()
    {
        return Err(format!("the slow call's own answer is wrong: {second}"));
    }
    finish(gate, "BYPASS.id_reuse.").await
}

/// The official Python SDK reads stdin through `TextIOWrapper(..., encoding="utf-8",
/// errors="replace")` (modelcontextprotocol/python-sdk, src/mcp/server/stdio.py), whose
/// default `newline=None` ends lines at a bare `\r` too ("universal newlines"). A bare CR
/// is JSON whitespace, so one line can be one allowed `echo` for the gateway and, for such
/// a server, three lines, the middle one a `tools/call` of the hidden `delete_user`.
/// Node's `readline` also ends lines at `\r`.
// FIXED (was): toolgate accepts the frame (CR is whitespace to serde_json) and forwards the
// original bytes, CRs included (`stdio::write_lines` writes them raw), so the server log
// holds a line that a universal-newline reader splits into a `delete_user` call.
const BARE_CR: &[u8] = b"{\"jsonrpc\":\"2.0\",\"id\":191,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"cr.outer.\"}},\"x\":\r{\"jsonrpc\":\"2.0\",\"id\":192,\"method\":\"tools/call\",\"params\":{\"name\":\"delete_user\",\"arguments\":{\"user_id\":\"BYPASS.bare_cr_smuggling.\"}}}\r}";

/// Vulnerable: forwards a message holding a bare CR, which line-splits differently for
/// the server than for the gateway (request smuggling across the stdio framing).
async fn bare_cr_smuggling(gate: &Gate) -> Result<(), String> {
    gate.send(BARE_CR).await?;
    // Refusing the line or forwarding it without the CRs are both safe.
    let answer = gate.next().await?;
    if answer.get("id") != Some(&json!(191)) {
        return Err(format!("expected an answer for id 191, got {answer}"));
    }
    gate.assert_alive().await?;
    gate.assert_quiet(Duration::from_millis(30)).await?;
    let log = gate.server_log();
    if find(&log, b"\r").is_some() {
        let smuggled: Vec<String> = log
            .split(|b| *b == b'\r' || *b == b'\n')
            .filter_map(|l| serde_json::from_slice::<Value>(l).ok())
            .filter(|m| m.pointer("/params/name") == Some(&json!("delete_user")))
            .map(|m| m.to_string())
            .collect();
        return Err(format!(
            "the server received a bare CR inside a line; a universal-newline reader (Python \
             SDK) reads these messages from it: {smuggled:?}\nserver log: {:?}",
            String::from_utf8_lossy(&log)
        ));
    }
    Ok(())
}

/// Vulnerable: keys `tools/list` filtering and call settlement by request id without
/// refusing a new request whose id is still in flight, so the server's (unfiltered)
/// `tools/list` answer is taken for the pending call's answer and forwarded as is.
// FIXED (was): `Interceptor::client_message` forwards any non-`tools/call` request without checking
// its id against `calls`; `server_message` then matches the list answer to the pending
// `slow` call (`server_answered` returns true) and forwards the raw list, `delete_user`
// included. The same works the other way round (a `tools/call` reusing the id of a
// pending `tools/list`) and, against a server that renders `1.0` as `1`, with ids that
// differ only in number spelling.
async fn id_collision_tools_list(gate: &Gate) -> Result<(), String> {
    gate.send(br#"{"jsonrpc":"2.0","id":"col","method":"tools/call","params":{"name":"slow","arguments":{"ms":600}}}"#)
        .await?;
    gate.send(br#"{"jsonrpc":"2.0","id":"col","method":"tools/list","params":{}}"#)
        .await?;
    let answers = collect(gate, 2, Duration::from_secs(10)).await;
    for answer in &answers {
        let leaked = answer
            .pointer("/result/tools")
            .and_then(Value::as_array)
            .is_some_and(|tools| tools.iter().any(|t| t["name"] == "delete_user"));
        if leaked {
            return Err(format!(
                "the hidden tool `delete_user` reached the agent in an unfiltered tools/list \
                 answer: {}",
                answer.to_string().chars().take(300).collect::<String>()
            ));
        }
    }
    if answers.len() != 2 {
        return Err(format!(
            "expected two answers for id \"col\", got {answers:?}"
        ));
    }
    gate.assert_alive().await
}

/// After a case: the session works and the server never saw `mark`.
async fn finish(gate: &Gate, mark: &str) -> Result<(), String> {
    gate.assert_alive().await?;
    gate.assert_quiet(Duration::from_millis(30)).await?;
    if gate.server_saw(mark) {
        return Err(format!(
            "the server received {mark}: {}",
            gate.log_lines_with(mark)
        ));
    }
    Ok(())
}

#[tokio::test]
async fn bypass_batch_mixing_allowed_and_denied_calls() {
    run_special("bypass_batch_mixing_allowed_and_denied_calls", batch_mixed).await;
}

#[tokio::test]
async fn bypass_batch_carrying_a_tool_call_notification() {
    run_special(
        "bypass_batch_carrying_a_tool_call_notification",
        batch_notification,
    )
    .await;
}

#[tokio::test]
async fn bypass_id_reuse_while_in_flight() {
    run_special("bypass_id_reuse_while_in_flight", id_reuse_in_flight).await;
}

// FIXED (was): see `BARE_CR`.
#[tokio::test]
async fn bypass_bare_cr_line_splitting() {
    run_special("bypass_bare_cr_line_splitting", bare_cr_smuggling).await;
}

// FIXED (was): see `id_collision_tools_list`.
#[tokio::test]
async fn bypass_id_collision_leaks_hidden_tool_in_tools_list() {
    run_special(
        "bypass_id_collision_leaks_hidden_tool_in_tools_list",
        id_collision_tools_list,
    )
    .await;
}

/// `slow` allowed once per day (session scope).
const SLOW_ONCE: &str = "      - action: allow\n        rate_limit: {max: 1, window: 86400}";

/// Vulnerable: a non-tool request reusing the id of a call in flight gets an error answer
/// from the server, which the gateway takes for the call's answer and refunds its counters
/// ("a JSON-RPC error means the server did not run the tool"), though the call runs.
// FIXED (was): same root cause as `id_collision_tools_list`: the colliding `no/such/method` request
// is forwarded, its -32601 answer settles the `slow` call with `Settlement::Refund`, and
// the next `slow` call is allowed although `rate_limit: {max: 1, window: 86400}` is used up.
// The same works for `spend` caps (refund a 100 refund while it is executed).
#[tokio::test]
async fn bypass_id_collision_refunds_rate_limit() {
    let gate = Gate::start(&policy(SLOW_ONCE)).await;
    let run = async {
        gate.send(br#"{"jsonrpc":"2.0","id":"rl-1","method":"tools/call","params":{"name":"slow","arguments":{"ms":600}}}"#)
            .await?;
        gate.send(br#"{"jsonrpc":"2.0","id":"rl-1","method":"no/such/method","params":{}}"#)
            .await?;
        let answers = collect(&gate, 2, Duration::from_secs(10)).await;
        if answers.len() != 2 {
            return Err(format!("expected two answers for rl-1, got {answers:?}"));
        }
        let second = gate
            .client
            .request_with_id(
                json!("rl-2"),
                "tools/call",
                // The marker rides in `_meta`: an extra argument breaks slow's pinned schema,
                // which the gateway checks before the limit.
                json!({"name": "slow", "arguments": {"ms": 1}, "_meta": {"m": marker("id_collision_refund")}}),
            )
            .await
            .map_err(|e| format!("second slow call: {e}"))?;
        check_answer(&second, &Expect::Denied(json!("rl-2"), "rate_limited")).map_err(|e| {
            format!("the rate limit was refunded by the colliding request's error: {e}")
        })?;
        finish(&gate, &marker("id_collision_refund")).await
    };
    if let Err(problem) = run.await {
        panic!("{problem}\n--- gateway stderr ---\n{}", gate.stderr());
    }
}

// --- The whole suite in one session -------------------------------------------------------

/// Vulnerable: some hostile message wedges or kills the session (denial of service), or
/// one of them reaches the server. Every case runs in one session; afterwards an allowed
/// call must still work and the server log must hold none of the markers.
#[tokio::test]
async fn bypass_all_cases_in_one_session() {
    let gate = suite_gate().await;
    let mut failures = Vec::new();
    let mut markers = Vec::new();
    for case in cases::all() {
        if case.has_marker {
            markers.push(marker(case.name));
        }
        if let Err(problem) = gate.check(&case).await {
            failures.push(format!("{}: {problem}", case.name));
        }
    }
    type Special = (&'static str, &'static str);
    let specials: [Special; 5] = [
        ("batch_mixed", "BYPASS.batch_mixed."),
        ("batch_notification", "BYPASS.batch_notification."),
        ("id_reuse_in_flight", "BYPASS.id_reuse."),
        ("bare_cr_smuggling", "BYPASS.bare_cr_smuggling."),
        ("id_collision_tools_list", ""),
    ];
    for (name, mark) in specials {
        let outcome = match name {
            "batch_mixed" => batch_mixed(&gate).await,
            "batch_notification" => batch_notification(&gate).await,
            "id_reuse_in_flight" => id_reuse_in_flight(&gate).await,
            "bare_cr_smuggling" => bare_cr_smuggling(&gate).await,
            _ => id_collision_tools_list(&gate).await,
        };
        if let Err(problem) = outcome {
            failures.push(format!("{name}: {problem}"));
        }
        // A CR-split line carries its marker legitimately once the CRs are gone; only
        // the other specials must keep theirs away from the server.
        if !mark.is_empty() && name != "bare_cr_smuggling" {
            markers.push(mark.to_owned());
        }
    }
    // No denial of service: the session still answers an allowed call...
    if let Err(problem) = gate.assert_alive().await {
        panic!(
            "the session stopped working after the suite: {problem}\nearlier failures: \
             {failures:#?}\n--- gateway stderr ---\n{}",
            gate.stderr()
        );
    }
    // ... and nothing hostile reached the server.
    let log = gate.server_log();
    for mark in &markers {
        if find(&log, mark.as_bytes()).is_some() {
            failures.push(format!(
                "the server log {} holds {mark}",
                gate.log_path().display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in one session:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// --- The harness itself -------------------------------------------------------------------

/// The "never reached the server" checks mean something only if allowed calls do reach it
/// and land in the log; and the policy must allow what the suite assumes.
#[tokio::test]
async fn suite_allowed_calls_reach_the_server() {
    let gate = suite_gate().await;
    gate.assert_alive().await.unwrap();
    let refund = gate
        .client
        .call_tool(
            "create_refund",
            json!({"order_id": "ALLOWED.refund.", "amount": 5}),
        )
        .await;
    assert_eq!(
        refund.pointer("/result/isError"),
        Some(&json!(false)),
        "{refund}"
    );
    let read = gate
        .client
        .call_tool("read_file", json!({"path": "/srv/shop/ALLOWED.read."}))
        .await;
    assert!(read.get("result").is_some(), "{read}");
    assert_ne!(
        read.pointer("/result/isError"),
        Some(&json!(true)),
        "{read}"
    );
    let tools = gate.client.list_tools_all().await;
    assert!(tools.iter().any(|t| t["name"] == "echo"));
    assert!(
        !tools.iter().any(|t| t["name"] == "delete_user"),
        "{tools:?}"
    );
    // The policy is enforced at all.
    let denied = gate
        .client
        .call_tool(
            "create_refund",
            json!({"order_id": "BYPASS.sanity.", "amount": 101}),
        )
        .await;
    check_answer(&denied, &Expect::Denied(denied["id"].clone(), "deny")).unwrap();
    assert!(gate.server_saw("ALLOWED.refund."));
    assert!(gate.server_saw("ALLOWED.read."));
    assert!(!gate.server_saw("BYPASS.sanity."));
}

/// The rate limit used by `bypass_id_collision_refunds_rate_limit` holds without tricks.
#[tokio::test]
async fn suite_rate_limit_counts_calls() {
    let gate = Gate::start(&policy(SLOW_ONCE)).await;
    let first = gate.client.call_tool("slow", json!({"ms": 1})).await;
    assert_eq!(
        first.pointer("/result/isError"),
        Some(&json!(false)),
        "{first}"
    );
    let second = gate.client.call_tool("slow", json!({"ms": 1})).await;
    check_answer(
        &second,
        &Expect::Denied(second["id"].clone(), "rate_limited"),
    )
    .unwrap();
}
