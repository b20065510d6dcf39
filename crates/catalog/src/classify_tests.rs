//! Unit tests for the classifier: one per category, one per flag, and the rules about
//! annotations (they raise, never lower).

use serde_json::{Value, json};

use super::classify;
use crate::model::{Category, FlagKind, Risk, RuleAction};

fn tool(name: &str, description: &str) -> Value {
    json!({"name": name, "description": description, "inputSchema": {"type": "object"}})
}

fn cat(name: &str, description: &str) -> Category {
    classify(&tool(name, description)).category
}

#[test]
fn read_tools() {
    let c = classify(&tool("list_issues", "List issues in a repository"));
    assert_eq!((c.category, c.risk), (Category::Read, Risk::Low));
    assert!(c.rationale.contains("verb \"list\""), "{}", c.rationale);
    assert_eq!(c.recommended.action, RuleAction::Allow);
    assert_eq!(c.recommended.per_minute, Some(60));
    assert_eq!(cat("searchRepository", ""), Category::Read);
    assert_eq!(
        cat("llm_context", "Build compact Markdown context for LLMs"),
        Category::Read
    );
    assert_eq!(
        cat("execution_plan", "Show the execution plan for an action"),
        Category::Read
    );
}

#[test]
fn write_tools() {
    let c = classify(&tool(
        "slack_post_message",
        "Post a new message to a Slack channel",
    ));
    assert_eq!((c.category, c.risk), (Category::Write, Risk::Medium));
    assert_eq!(c.recommended.per_minute, Some(10));
    assert_eq!(
        cat("gmail_draftEmail", "Create a draft email in Gmail."),
        Category::Write
    );
    assert_eq!(
        cat(
            "transfer_repository",
            "Transfer a repository to a new owner"
        ),
        Category::Write
    );
}

#[test]
fn execute_tools() {
    let c = classify(&tool(
        "run_command",
        "Execute a shell command and return its output.",
    ));
    assert_eq!((c.category, c.risk), (Category::Execute, Risk::High));
    assert_eq!(c.recommended.action, RuleAction::Approve);
    assert_eq!(cat("browser_click", ""), Category::Execute);
    assert_eq!(
        cat("docker_exec_analysis", "Execute analysis tools"),
        Category::Execute
    );
}

#[test]
fn destructive_tools() {
    let c = classify(&tool("delete_repo", "Delete a repository"));
    assert_eq!(
        (c.category, c.risk),
        (Category::Destructive, Risk::Critical)
    );
    assert_eq!(c.recommended.action, RuleAction::Approve);
    assert_eq!(
        cat("safeDelete", "Execute DELETE with safety guards"),
        Category::Destructive
    );
    // A payment that is cancelled is destroyed, not paid.
    assert_eq!(
        cat("cancel_payment_intent", "Cancel a payment intent"),
        Category::Destructive
    );
    // No verb in the name: the strongest action word in the description decides.
    assert_eq!(
        cat(
            "Database_CRUD_Tool",
            "Perform select/insert/update/delete against tables"
        ),
        Category::Destructive
    );
}

#[test]
fn negated_description_verbs_do_not_count() {
    assert_eq!(
        cat(
            "vault_entry",
            "Vault entry viewer that does not delete or modify anything; it can list fields."
        ),
        Category::Read
    );
}

#[test]
fn financial_tools() {
    let c = classify(&tool("create_refund", "Issue a refund to a customer"));
    assert_eq!((c.category, c.risk), (Category::Financial, Risk::Critical));
    assert!(c.rationale.contains("\"refund\""), "{}", c.rationale);
    assert_eq!(
        cat("pay_invoice", "Collect payment on an invoice"),
        Category::Financial
    );
    assert_eq!(
        cat("transfer", "Transfer funds between wallets (KRW)"),
        Category::Financial
    );
    assert_eq!(cat("high_refund_ratio", ""), Category::Financial);
    let amount = json!({"name": "create_intent", "description": "Create an intent",
        "inputSchema": {"properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}}});
    let c = classify(&amount);
    assert_eq!(c.category, Category::Financial);
    assert!(c.has_flag(FlagKind::MoneyAmount));
}

#[test]
fn other_tools() {
    let c = classify(&tool(
        "refresh_access_token",
        "Mint a fresh short-lived access-token from the partner api-secret.",
    ));
    assert_eq!((c.category, c.risk), (Category::Other, Risk::Low));
    assert_eq!(cat("login", ""), Category::Other);
    assert_eq!(cat("frobnicate", "Frobnicates"), Category::Other);
}

fn flag_text(schema: Value, kind: FlagKind) -> String {
    let t = json!({"name": "update_thing", "description": "Update a thing", "inputSchema": schema});
    let c = classify(&t);
    c.flags
        .iter()
        .find(|f| f.kind == kind)
        .map(|f| f.text.clone())
        .unwrap_or_else(|| panic!("no {kind:?} flag in {:?}", c.flags))
}

#[test]
fn credential_flag_at_any_depth() {
    let s = json!({"properties": {"requestBody": {"properties": {"refreshTokens": {
        "type": "array", "items": {"properties": {"token": {"type": "string"}}}}}}}});
    assert_eq!(
        flag_text(s, FlagKind::Credentials),
        "Handles credentials or secrets (requestBody.refreshTokens[].token)"
    );
    let s = json!({"properties": {"auth": {"properties": {"client_secret": {"type": "string"}}}}});
    assert_eq!(
        flag_text(s, FlagKind::Credentials),
        "Handles credentials or secrets (auth.client_secret)"
    );
}

#[test]
fn high_parameter_count_flag() {
    let props: serde_json::Map<String, Value> = (0..12)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    let s = json!({"properties": props});
    assert_eq!(
        flag_text(s, FlagKind::HighParameterCount),
        "High parameter count (12 properties)"
    );
}

#[test]
fn input_kind_flags() {
    let s = json!({"properties": {"command": {"type": "string"}, "url": {"type": "string"},
        "file_path": {"type": "string"}, "body": {"type": "string"}, "amount": {"type": "number"},
        "ids": {"type": "array", "items": {"type": "string"}}}});
    assert_eq!(
        flag_text(s.clone(), FlagKind::FreeformCode),
        "Accepts freeform code/query input (command)"
    );
    assert_eq!(
        flag_text(s.clone(), FlagKind::Url),
        "Accepts URL/endpoint input (url)"
    );
    assert_eq!(
        flag_text(s.clone(), FlagKind::FilePath),
        "Accepts file system path (file_path)"
    );
    assert_eq!(
        flag_text(s.clone(), FlagKind::RawContent),
        "Accepts raw HTML/template content (body)"
    );
    assert_eq!(
        flag_text(s.clone(), FlagKind::MoneyAmount),
        "Accepts a money amount (amount)"
    );
    assert_eq!(
        flag_text(s, FlagKind::Bulk),
        "Bulk/array input — affects multiple targets (ids)"
    );
}

#[test]
fn bulk_word_in_name_flags() {
    let c = classify(&tool("batch_move_files", "Move many files"));
    assert!(c.has_flag(FlagKind::Bulk));
}

#[test]
fn annotations_raise_risk() {
    let t = json!({"name": "update_record", "description": "Update a record",
        "annotations": {"destructiveHint": true}});
    let c = classify(&t);
    assert_eq!(
        (c.category, c.risk),
        (Category::Destructive, Risk::Critical)
    );
    assert!(c.rationale.contains("destructiveHint"), "{}", c.rationale);

    let t = json!({"name": "get_thing", "description": "Get a thing",
        "annotations": {"readOnlyHint": false}});
    assert_eq!(classify(&t).category, Category::Write);

    let t = json!({"name": "lookup", "annotations": {"openWorldHint": true}});
    assert!(classify(&t).has_flag(FlagKind::OpenWorld));
}

#[test]
fn annotations_never_lower_risk() {
    // A server that calls its delete tool read-only is not believed.
    let t = json!({"name": "delete_user", "description": "Delete a user",
        "annotations": {"readOnlyHint": true, "destructiveHint": false}});
    let c = classify(&t);
    assert_eq!(
        (c.category, c.risk),
        (Category::Destructive, Risk::Critical)
    );
    assert!(c.rationale.contains("ignored"), "{}", c.rationale);
    // …but a hint may settle a tool nothing else explains, at the same (low) risk.
    let t = json!({"name": "frobnicate", "annotations": {"readOnlyHint": true}});
    assert_eq!(classify(&t).category, Category::Read);
}

#[test]
fn deterministic() {
    let t = json!({"name": "create_refund", "description": "Refund", "inputSchema":
        {"properties": {"amount": {"type": "number"}, "token": {"type": "string"}}}});
    assert_eq!(classify(&t), classify(&t));
}

#[test]
fn missing_fields_are_tolerated() {
    let c = classify(&json!({}));
    assert_eq!(c.category, Category::Other);
    let c = classify(&json!({"name": 5, "inputSchema": "nonsense"}));
    assert_eq!(c.category, Category::Other);
}

/// Regression (issue 24): server-everything's `get-env` (definition as the server lists it)
/// was Read/Low and allowed at 60/minute; it hands the server's environment — its API keys
/// and tokens — to the agent.
#[test]
fn a_read_whose_result_is_a_secret_is_held() {
    let get_env = json!({
        "name": "get-env",
        "title": "Print Environment Tool",
        "description": "Returns all environment variables, helpful for debugging MCP server configuration",
        "inputSchema": {"type": "object", "properties": {}},
        "annotations": {"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
    });
    let c = classify(&get_env);
    assert_eq!(
        (c.category, c.risk),
        (Category::Read, Risk::High),
        "{}",
        c.rationale
    );
    assert!(c.has_flag(FlagKind::Credentials), "{:?}", c.flags);
    assert_eq!(
        c.flags[0].text,
        "Discloses secrets or credentials (name: \"env\")"
    );
    assert_eq!(c.recommended.action, RuleAction::Approve);
    assert_eq!(c.recommended.per_minute, None);
    // The same from the description alone, and for other secret stores.
    let c = classify(&tool(
        "dump_config",
        "Returns all environment variables of the host",
    ));
    assert_eq!(
        (c.risk, c.recommended.action),
        (Risk::High, RuleAction::Approve)
    );
    for name in [
        "get_secret",
        "list_credentials",
        "getApiKey",
        "read_password",
    ] {
        let c = classify(&tool(name, ""));
        assert_eq!(c.recommended.action, RuleAction::Approve, "{name}");
    }
    // Reading *about* keys, or a token balance, discloses nothing.
    for (name, description) in [
        (
            "healthcheck",
            "Check connectivity and validate all known API keys",
        ),
        (
            "get_account_balance",
            "Get token balances for a wallet address",
        ),
        (
            "list_environments",
            "List the deployment environments of a project",
        ),
    ] {
        let c = classify(&tool(name, description));
        assert_eq!(c.risk, Risk::Low, "{name}: {}", c.rationale);
        assert!(!c.has_flag(FlagKind::Credentials), "{name}");
    }
}
