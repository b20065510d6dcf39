//! Approval settings on `approve` rules: who approves, how long a call waits, what an
//! approval covers; and the mistakes an operator gets told about, with their location.

use serde_json::json;
use toolgate_policy::{Approval, CallContext, CompiledPolicy, Remember, Verdict, load};

fn errors(text: &str) -> Vec<String> {
    match load(text, "p.yaml") {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(|d| d.render("p.yaml")).collect(),
    }
}

fn approval_of(text: &str) -> Approval {
    let p = CompiledPolicy::new(load(text, "p.yaml").expect("loads").policy);
    let d = p.decide(&CallContext {
        tool: "refund",
        args: &json!({}),
        identity: "alice",
        session: "s",
        groups: &[],
    });
    match d.verdict {
        Verdict::Approve { approval, .. } => (*approval).clone(),
        other => panic!("expected approve, got {other:?}"),
    }
}

#[test]
fn nested_and_shorthand_settings_mean_the_same() {
    let nested = approval_of(
        "tools:\n  refund:\n    rules:\n      - action: approve\n        approval: {approvers: [alice, \"group:sre\"], timeout: 5m, remember: session}\n",
    );
    let short = approval_of(
        "tools:\n  refund:\n    rules:\n      - action: approve\n        approvers: [alice, \"group:sre\"]\n        remember: session\n        approval: {timeout: 300}\n",
    );
    assert_eq!(nested, short);
    assert_eq!(nested.approvers, ["alice", "group:sre"]);
    assert_eq!(nested.timeout, Some(300));
    assert_eq!(nested.remember, Some(Remember::Session));
    let ten =
        approval_of("tools:\n  refund:\n    rules:\n      - {action: approve, remember: 10m}\n");
    assert_eq!(ten.remember, Some(Remember::For(600)));
    assert_eq!(ten.timeout, None, "the gateway applies the 300 s default");
}

#[test]
fn mistakes_are_located_and_explained() {
    for (text, expected) in [
        (
            "tools:\n  refund:\n    rules:\n      - {action: allow, approvers: [alice]}\n",
            "p.yaml:4:36:",
        ),
        (
            "tools:\n  refund:\n    rules:\n      - {action: approve, remember: forever}\n",
            "remember is not a duration",
        ),
        (
            "tools:\n  refund:\n    rules:\n      - {action: approve, approval: {timeout: 0}}\n",
            "between 1 second",
        ),
        (
            "tools:\n  refund:\n    rules:\n      - {action: approve, approval: {timeout: 2d}}\n",
            "between 1 second",
        ),
        (
            "tools:\n  refund:\n    rules:\n      - {action: approve, approvers: [alice], approval: {approvers: [bob]}}\n",
            "both on the rule and under `approval`",
        ),
        (
            "tools:\n  refund:\n    rules:\n      - {action: approve, approval: {who: [bob]}}\n",
            "who",
        ),
        (
            "tools:\n  refund:\n    rules:\n      - {action: approve, approvers: [\"two words\"]}\n",
            "not an identity name",
        ),
    ] {
        let errs = errors(text);
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "{text}\nexpected an error containing {expected:?}, got {errs:#?}"
        );
    }
    let errs =
        errors("tools:\n  refund:\n    rules:\n      - {action: allow, approvers: [alice]}\n");
    assert!(
        errs.iter()
            .any(|e| e.contains("only apply to `action: approve`")),
        "{errs:?}"
    );
}
