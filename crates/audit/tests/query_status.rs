//! Reading the log back: filters, tail, follow across rotation, the status summary, and
//! the exact bytes of a record (the format other tools will parse).

mod common;

use std::time::Duration;

use common::{allow, call, clock, deny, options, outcome};
use serde_json::json;
use toolgate_audit::time::parse_rfc3339;
use toolgate_audit::{
    AuditLog, AuditOptions, CallOutcome, DecisionEvent, Filter, Follower, ManualClock,
    OutcomeEvent, Record, Verdict, chain_files, format_row, query, summarize_files, tail,
};

/// Six decisions and three outcomes by three identities, one second apart.
fn scenario(
    dir: &std::path::Path,
    max_bytes: u64,
) -> (std::path::PathBuf, std::sync::Arc<ManualClock>) {
    let path = dir.join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(
        &path,
        AuditOptions {
            max_bytes,
            ..options(clock.clone())
        },
    )
    .unwrap();
    let step = |d| clock.advance(Duration::from_secs(d));
    log.record(allow(0)).unwrap(); // 12:00:00
    log.record(outcome(0, CallOutcome::Ok)).unwrap();
    step(1);
    log.record(deny(
        1,
        "bob",
        "deleteUser",
        "deny",
        "Not part of the support workflow",
    ))
    .unwrap();
    step(1);
    log.record(deny(
        2,
        "alice",
        "createRefund",
        "rate_limited",
        "limit of 30 per 60s reached",
    ))
    .unwrap();
    step(1);
    let mut search = allow(3);
    search.call = call(3, "bob", "searchUsers");
    search.policy_version = "p2".into();
    log.record(search).unwrap(); // 12:00:03
    log.record(OutcomeEvent {
        call: call(3, "bob", "searchUsers"),
        outcome: CallOutcome::IsError,
        latency: Some(Duration::from_millis(40)),
        error: None,
    })
    .unwrap();
    step(1);
    log.record(deny(
        4,
        "carol",
        "createRefund",
        "rate_limited",
        "limit of 30 per 60s reached",
    ))
    .unwrap();
    step(1);
    log.record(allow(5)).unwrap(); // 12:00:05
    log.record(outcome(5, CallOutcome::Timeout)).unwrap();
    log.shutdown_blocking().unwrap();
    (path, clock)
}

fn calls(rows: &toolgate_audit::Rows) -> Vec<String> {
    rows.rows
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r.record.record_type.as_str(),
                r.record.call.as_deref().unwrap()
            )
        })
        .collect()
}

#[test]
fn filters_select_by_identity_tool_verdict_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario(dir.path(), 64 << 20);
    let files = chain_files(&path).unwrap();
    let q = |f: Filter| calls(&query(&files, &f).unwrap());

    assert_eq!(q(Filter::default()).len(), 9);
    assert_eq!(
        q(Filter {
            identity: Some("bob".into()),
            ..Filter::default()
        }),
        ["decision:s1/1", "decision:s1/3", "outcome:s1/3"]
    );
    assert_eq!(
        q(Filter {
            tool: Some("create*".into()),
            verdict: Some(Verdict::Deny),
            ..Filter::default()
        }),
        ["decision:s1/2", "decision:s1/4"]
    );
    assert_eq!(
        q(Filter {
            since: Some(parse_rfc3339("2026-01-31T12:00:02Z").unwrap()),
            until: Some(parse_rfc3339("2026-01-31T12:00:04Z").unwrap()),
            ..Filter::default()
        }),
        ["decision:s1/2", "decision:s1/3", "outcome:s1/3"]
    );
    assert_eq!(
        q(Filter {
            limit: Some(2),
            ..Filter::default()
        }),
        ["decision:s1/0", "outcome:s1/0"]
    );
    assert_eq!(
        calls(
            &tail(
                &files,
                &Filter {
                    limit: Some(2),
                    ..Filter::default()
                },
                None
            )
            .unwrap()
        ),
        ["decision:s1/5", "outcome:s1/5"]
    );
    // Rows keep the exact stored line for --json output.
    let rows = query(&files, &Filter::default()).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    assert_eq!(first.lines().next().unwrap(), rows.rows[0].line);
}

#[test]
fn status_summarises_a_period() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario(dir.path(), 64 << 20);
    let files = chain_files(&path).unwrap();
    let s = summarize_files(&files, None).unwrap();
    assert_eq!((s.calls, s.allowed, s.denied), (6, 3, 3));
    assert_eq!(
        s.denials_by_reason,
        [
            ("rate_limited: limit of 30 per 60s reached".to_string(), 2),
            ("deny: Not part of the support workflow".to_string(), 1)
        ]
    );
    assert_eq!(s.limits_hit, [("createRefund#1".to_string(), 2)]);
    assert_eq!(s.top_tools[0], ("createRefund".to_string(), 4));
    assert_eq!(s.last_policy_version.as_deref(), Some("p1"));
    assert_eq!(s.outcomes.len(), 3);
    let text = s.render();
    assert!(text.contains("calls         6"), "{text}");
    assert!(text.contains("denied        3 (50%)"), "{text}");
    assert!(text.contains("policy version: p1"), "{text}");

    let since = parse_rfc3339("2026-01-31T12:00:03Z").unwrap();
    let recent = summarize_files(&files, Some(since)).unwrap();
    assert_eq!((recent.calls, recent.allowed, recent.denied), (3, 2, 1));
}

#[test]
fn rotated_files_before_since_are_skipped_and_rows_span_files() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario(dir.path(), 900);
    let files = chain_files(&path).unwrap();
    assert!(files.len() > 2, "{files:?}");
    let all = query(&files, &Filter::default()).unwrap();
    assert_eq!(all.rows.len(), 9);
    // A rotated file that ended before `since` is not read past its tail: corrupt its
    // first line to prove it.
    let mut ls = common::lines(&files[0]);
    ls[0] = b"garbage that is not JSON".to_vec();
    common::write_lines(&files[0], &ls);
    let late = query(
        &files,
        &Filter {
            since: Some(parse_rfc3339("2026-01-31T12:00:05Z").unwrap()),
            ..Filter::default()
        },
    )
    .unwrap();
    assert_eq!(calls(&late), ["decision:s1/5", "outcome:s1/5"]);
    assert_eq!(late.unreadable, 0);
}

#[test]
fn follower_reads_appended_lines_across_a_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(
        &path,
        AuditOptions {
            max_bytes: 1500,
            ..options(clock)
        },
    )
    .unwrap();
    log.record(allow(0)).unwrap();
    log.flush_blocking().unwrap();
    let start = std::fs::metadata(&path).unwrap().len();
    let mut follower = Follower::new(&path, start);
    assert!(follower.poll().unwrap().is_empty());
    let mut seen = Vec::new();
    for round in 0..4 {
        // Several rotations between two polls: every segment must still be read.
        for i in 0..8 {
            log.record(allow(1 + round * 8 + i)).unwrap();
            log.flush_blocking().unwrap();
        }
        for line in follower.poll().unwrap() {
            let r: Record = serde_json::from_slice(&line).unwrap();
            seen.push(r.seq);
        }
    }
    log.shutdown_blocking().unwrap();
    assert!(
        chain_files(&path).unwrap().len() > 8,
        "the test should cross many rotations"
    );
    let expected: Vec<u64> = (2..=common::records(&path).last().unwrap().seq).collect();
    assert_eq!(
        seen, expected,
        "every record after the start, once, in order"
    );
}

#[test]
fn table_rows_are_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = scenario(dir.path(), 64 << 20);
    let rows = query(&chain_files(&path).unwrap(), &Filter::default()).unwrap();
    let table: Vec<String> = rows.rows.iter().map(|r| format_row(&r.record)).collect();
    assert_eq!(
        table[2],
        "2026-01-31 12:00:01  decision    bob               deleteUser                deny                      deleteUser#1          Not part of the support workflow"
    );
    assert_eq!(
        table[1],
        "2026-01-31 12:00:00  outcome     alice             createRefund              ok                        -                     1.5 ms"
    );
    assert!(toolgate_audit::table_header().starts_with("TIME"));
}

#[test]
fn the_record_format_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(
        &path,
        AuditOptions {
            redact_paths: vec!["requestBody.code".into()],
            ..options(clock.clone())
        },
    )
    .unwrap();
    log.record(DecisionEvent {
        arguments: Some(json!({"amount": 250, "currency": "usd", "api_key": "sk-live-123", "requestBody": {"code": "4242"}})),
        ..deny(7, "alice", "createRefund", "rate_limited", "limit of 1000 per day reached for `refunds_today`")
    })
    .unwrap();
    clock.advance(Duration::from_millis(42));
    log.record(OutcomeEvent {
        error: Some("upstream timed out after 30s".into()),
        ..outcome(8, CallOutcome::Timeout)
    })
    .unwrap();
    log.shutdown_blocking().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let got: Vec<&str> = text.lines().collect();
    let expected = include_str!("golden/two_records.jsonl");
    assert_eq!(
        got,
        expected.lines().collect::<Vec<_>>(),
        "full output:\n{text}"
    );
}
