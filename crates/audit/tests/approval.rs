//! Approval steps as records in the hash chain: written with the arguments redacted per the
//! log's mode, the binding digest only when arguments are kept in full, read back by
//! query/tail/status like decisions and outcomes, and verified with the rest of the chain.

mod common;

use serde_json::json;
use toolgate_audit::{
    ApprovalAuditEvent, ApprovalStage, ArgsMode, AuditLog, AuditOptions, Filter, RecordType,
    chain_files, format_row, query, summarize_files,
};

use common::{clock, options, records, verify_path, write_pairs};

fn step(stage: ApprovalStage) -> ApprovalAuditEvent {
    let requested = stage == ApprovalStage::Requested;
    let answered = matches!(stage, ApprovalStage::Approved | ApprovalStage::Denied);
    ApprovalAuditEvent {
        stage,
        approval_id: "a1b2".into(),
        identity: "bob".into(),
        session: "s1".into(),
        tool: "createRefund".into(),
        arguments: requested.then(|| json!({"amount": 250, "password": "hunter2"})),
        args_digest: "d".repeat(64),
        rule: Some("big refunds need a human".into()),
        reason: Some("over 100".into()),
        approvers: if requested {
            vec!["alice".into(), "group:sre".into()]
        } else {
            vec![]
        },
        approver: answered.then(|| "alice".into()),
        comment: answered.then(|| "ok, ticket 42".into()),
        expires: requested.then(|| "2026-01-31T12:05:00.000000Z".into()),
        remember: requested.then(|| "session".into()),
        policy_version: "p1".into(),
    }
}

#[test]
fn approval_steps_are_chained_redacted_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(&path, options(clock.clone())).unwrap();
    write_pairs(&log, &clock, 0..1);
    log.record(step(ApprovalStage::Requested)).unwrap();
    log.record(step(ApprovalStage::Approved)).unwrap();
    log.record(step(ApprovalStage::Expired)).unwrap();
    log.shutdown_blocking().unwrap();

    let report = verify_path(&path);
    assert!(report.is_ok(), "{:?}", report.problem);
    assert_eq!(report.records, 5);

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("hunter2"),
        "a secret argument leaked: {text}"
    );
    let recs = records(&path);
    let requested = &recs[2];
    assert_eq!(requested.record_type, RecordType::Approval);
    assert_eq!(requested.event, Some(ApprovalStage::Requested));
    assert_eq!(requested.approval_id.as_deref(), Some("a1b2"));
    assert_eq!(requested.args.as_ref().unwrap()["amount"], 250);
    assert_eq!(requested.args_mode, Some(ArgsMode::Redacted));
    assert_eq!(requested.approvers, ["alice", "group:sre"]);
    assert_eq!(requested.remember.as_deref(), Some("session"));
    assert_eq!(
        requested.args_digest, None,
        "digest of redacted args written"
    );
    let approved = &recs[3];
    assert_eq!(approved.event, Some(ApprovalStage::Approved));
    assert_eq!(approved.approver.as_deref(), Some("alice"));
    assert_eq!(approved.comment.as_deref(), Some("ok, ticket 42"));
    assert_eq!(approved.args, None);
    assert_eq!(approved.args_mode, None);
    assert_eq!(approved.policy.as_deref(), Some("p1"));

    // Read back like the others: query without --all includes them, rows say what happened.
    let files = chain_files(&path).unwrap();
    let rows = query(&files, &Filter::default()).unwrap();
    assert_eq!(rows.rows.len(), 5);
    let row = format_row(&rows.rows[3].record);
    assert!(row.contains("approval approved"), "{row}");
    assert!(row.contains("a1b2 by alice: ok, ticket 42"), "{row}");
    let only_bob = Filter {
        identity: Some("bob".into()),
        ..Filter::default()
    };
    assert_eq!(query(&files, &only_bob).unwrap().rows.len(), 3);

    let s = summarize_files(&files, None).unwrap();
    assert_eq!((s.approval_requests, s.approvals_granted), (1, 1));
    assert_eq!(s.approvals_refused, [("expired".to_string(), 1)]);
    assert_eq!(s.approvers, [("alice".to_string(), 1)]);
    assert_eq!(s.calls, 1, "approval steps are not calls");
    let rendered = s.render();
    assert!(
        rendered.contains("approvals     1 requested, 1 granted, 1 refused"),
        "{rendered}"
    );
}

#[test]
fn the_binding_digest_is_written_only_with_full_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let opts = AuditOptions {
        args_mode: ArgsMode::Full,
        ..options(clock())
    };
    let log = AuditLog::open(&path, opts).unwrap();
    log.record(step(ApprovalStage::Requested)).unwrap();
    log.shutdown_blocking().unwrap();
    let recs = records(&path);
    assert_eq!(
        recs[0].args_digest.as_deref(),
        Some("d".repeat(64).as_str())
    );
    assert!(verify_path(&path).is_ok());
}
