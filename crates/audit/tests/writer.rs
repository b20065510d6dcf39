//! The writer under load and under failure: many tasks recording make one valid chain;
//! a full disk surfaces as errors and an unhealthy handle, never as a panic or a broken
//! chain; a full queue drops (and counts, and notes) instead of blocking.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use common::{allow, clock, options, outcome, records, verify_path};
use toolgate_audit::{
    AuditError, AuditLog, AuditOptions, CallOutcome, FsyncPolicy, RecordType, SigningOptions,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_tasks_make_one_valid_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(
        &path,
        AuditOptions {
            max_bytes: 256 * 1024,
            signing: Some(SigningOptions {
                every_records: 500,
                ..SigningOptions::new(toolgate_audit::AuditKey::from_seed([9; 32]))
            }),
            ..AuditOptions::default()
        },
    )
    .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|t| {
            let log = log.clone();
            tokio::spawn(async move {
                for i in 0..250 {
                    let n = t * 1000 + i;
                    if i % 50 == 0 {
                        log.record_required(allow(n)).await.unwrap();
                    } else {
                        log.record(allow(n)).unwrap();
                    }
                    log.record(outcome(n, CallOutcome::Ok)).unwrap();
                    if i % 10 == 0 {
                        tokio::task::yield_now().await;
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    log.flush().await.unwrap();
    let health = log.health();
    assert!(health.healthy, "{health:?}");
    assert_eq!(
        (health.written, health.failed, health.dropped),
        (8000, 0, 0)
    );
    log.shutdown().await.unwrap();

    let report = verify_path(&path);
    assert!(report.is_ok(), "{:?}", report.problem);
    assert!(report.files.len() > 1, "the test should cross a rotation");
    let files = toolgate_audit::chain_files(&path).unwrap();
    let all: Vec<_> = files.iter().flat_map(|f| records(f)).collect();
    let decisions: HashSet<String> = all
        .iter()
        .filter(|r| r.record_type == RecordType::Decision)
        .map(|r| r.call.clone().unwrap())
        .collect();
    assert_eq!(decisions.len(), 4000, "every decision once");
    assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1));
}

#[tokio::test]
async fn a_full_disk_surfaces_and_flips_health() {
    // /dev/full accepts the open and fails every write with ENOSPC.
    let dev_full = std::path::Path::new("/dev/full");
    if !dev_full.exists() {
        eprintln!("skipped: no /dev/full here");
        return;
    }
    let log = AuditLog::open(dev_full, AuditOptions::default()).unwrap();
    assert!(log.is_healthy());
    log.record(allow(1)).unwrap();
    let err = log.flush().await.unwrap_err();
    assert!(matches!(err, AuditError::WriteFailed(_)), "{err}");
    let h = log.health();
    assert!(!h.healthy);
    assert!(h.running, "the writer keeps going");
    assert_eq!(h.failed, 1);
    assert!(
        h.last_error.as_deref().unwrap().contains("No space left"),
        "{h:?}"
    );
    // Required mode gets the error for its own record: the gateway fails the call closed.
    let err = log.record_required(allow(2)).await.unwrap_err();
    assert!(matches!(err, AuditError::WriteFailed(_)), "{err}");
    assert_eq!(log.health().failed, 2);
    // Shutting down reports the failure instead of panicking.
    assert!(log.shutdown().await.is_err());
    assert!(matches!(log.record(allow(3)), Err(AuditError::WriterGone)));
}

#[test]
fn an_unopenable_path_is_an_error_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let err = AuditLog::open(file.join("audit.jsonl"), AuditOptions::default()).unwrap_err();
    assert!(matches!(err, AuditError::Io { .. }), "{err}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[test]
fn a_bad_redaction_path_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let err = AuditLog::open(
        dir.path().join("a.jsonl"),
        AuditOptions {
            redact_paths: vec!["items[x].token".into()],
            ..AuditOptions::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("items[x].token"), "{err}");
}

#[test]
fn a_full_queue_drops_counts_and_notes_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(
        &path,
        AuditOptions {
            queue_capacity: 1,
            fsync: FsyncPolicy::Always,
            ..options(clock)
        },
    )
    .unwrap();
    let mut dropped = 0;
    for i in 0..2000 {
        match log.record(allow(i)) {
            Ok(()) => {}
            Err(AuditError::QueueFull) => dropped += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(
        dropped > 0,
        "a one-slot queue with fsync per record must overflow"
    );
    assert_eq!(log.health().dropped, dropped);
    // The next write notes the gap in the log itself.
    std::thread::sleep(Duration::from_millis(50));
    log.record(allow(9999)).ok();
    log.shutdown_blocking().unwrap();
    let noted: u64 = records(&path)
        .iter()
        .filter(|r| r.record_type == RecordType::Recovery)
        .map(|r| r.lost.unwrap_or(0))
        .sum();
    assert_eq!(noted, log.health().dropped);
    assert!(verify_path(&path).is_ok());
}

#[test]
fn dropping_every_handle_closes_the_log_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = toolgate_audit::AuditKey::from_seed([4; 32]);
    let log = AuditLog::open(
        &path,
        AuditOptions {
            signing: Some(SigningOptions::new(key)),
            ..AuditOptions::default()
        },
    )
    .unwrap();
    let clone = Arc::new(log.clone());
    log.record(allow(1)).unwrap();
    drop(log);
    drop(clone);
    // The writer writes the final checkpoint and stops on its own.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while common::records_so_far(&path)
        .iter()
        .map(|r| r.record_type)
        .collect::<Vec<_>>()
        != [
            RecordType::Checkpoint,
            RecordType::Decision,
            RecordType::Checkpoint,
        ]
    {
        assert!(std::time::Instant::now() < deadline, "no final checkpoint");
        std::thread::sleep(Duration::from_millis(10));
    }
}
