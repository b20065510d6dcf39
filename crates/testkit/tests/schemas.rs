//! The vendored official schemas and the message check built on them: one schema per
//! revision toolgate knows, and the check catches what each revision forbids.

use serde_json::json;
use toolgate_mcp::ProtocolVersion;
use toolgate_testkit::schemas::{self, Answering, REVISIONS};

#[test]
fn there_is_a_schema_for_every_revision_toolgate_knows() {
    let known: Vec<&str> = ProtocolVersion::ALL.iter().map(|v| v.as_str()).collect();
    assert_eq!(known, REVISIONS);
    for revision in REVISIONS {
        let doc = schemas::document(revision).unwrap();
        assert!(schemas::defines(revision, "CallToolResult"), "{revision}");
        assert!(schemas::defines(revision, "JSONRPCMessage"), "{revision}");
        assert!(doc.get("$schema").is_some(), "{revision}");
    }
}

/// A refusal without `resultType` (what crashed the Python SDK, issue 18 item 1) is invalid
/// in 2026-07-28 and valid before it; with it, valid in 2026-07-28.
#[test]
fn result_type_is_required_in_2026_07_28_only() {
    let mut refusal = json!({"jsonrpc": "2.0", "id": 3, "result": {
        "content": [{"type": "text", "text": "Denied by policy: no"}],
        "isError": true,
        "_meta": {"dev.toolgate/decision": {"kind": "deny"}},
    }});
    let call = Answering::Method("tools/call");
    for revision in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        schemas::check_message(revision, &refusal, call)
            .unwrap_or_else(|e| panic!("{revision}: {e:?}"));
    }
    let errors = schemas::check_message("2026-07-28", &refusal, call).unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("resultType")),
        "{errors:?}"
    );
    refusal["result"]["resultType"] = json!("complete");
    schemas::check_message("2026-07-28", &refusal, call).unwrap();
}

/// The typed definition is checked, not only the envelope (whose `Result` allows anything).
#[test]
fn a_result_is_checked_against_the_definition_its_method_names() {
    let bad = json!({"jsonrpc": "2.0", "id": 1, "result": {"content": "not a list"}});
    assert!(schemas::check_message("2025-06-18", &bad, Answering::Unknown).is_ok());
    let errors =
        schemas::check_message("2025-06-18", &bad, Answering::Method("tools/call")).unwrap_err();
    assert!(
        errors.iter().any(|e| e.contains("#CallToolResult")),
        "{errors:?}"
    );
}

#[test]
fn errors_requests_and_notifications_are_checked() {
    let null_id = json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "x"}});
    for revision in REVISIONS {
        assert!(
            schemas::check_message(revision, &null_id, Answering::Unknown).is_err(),
            "{revision}: no revision's schema has a null id"
        );
    }
    let no_message = json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32603}});
    assert!(schemas::check_message("2025-11-25", &no_message, Answering::Unknown).is_err());
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": 4, "reason": "timeout"}});
    schemas::check_message("2025-06-18", &cancel, Answering::Unknown).unwrap();
    let bad_cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {}});
    assert!(schemas::check_message("2025-06-18", &bad_cancel, Answering::Unknown).is_err());
    let elicit = json!({"jsonrpc": "2.0", "id": "a", "method": "elicitation/create",
        "params": {"message": "ok?", "requestedSchema": {"type": "object", "properties": {}}}});
    schemas::check_message("2025-06-18", &elicit, Answering::Unknown).unwrap();
    let bad_elicit = json!({"jsonrpc": "2.0", "id": "a", "method": "elicitation/create",
        "params": {"message": "ok?"}});
    assert!(schemas::check_message("2025-06-18", &bad_elicit, Answering::Unknown).is_err());
}
