//! Rotation carries the chain into the next file; a restarted writer continues the chain;
//! a torn last line from a crash is cut off and noted without breaking anything.

mod common;

use std::io::Write;

use common::{allow, clock, lines, options, records, small_log, verify_path, write_pairs};
use toolgate_audit::chain::line_hash;
use toolgate_audit::{
    AuditError, AuditLog, AuditOptions, ProblemKind, RecordType, VerifyOptions, chain_files,
    rotated_path, verify,
};

#[test]
fn rotation_starts_each_file_with_the_previous_files_last_hash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(
        &path,
        AuditOptions {
            max_bytes: 2_000,
            ..options(clock.clone())
        },
    )
    .unwrap();
    write_pairs(&log, &clock, 0..40);
    log.shutdown_blocking().unwrap();

    let files = chain_files(&path).unwrap();
    assert!(
        files.len() >= 4,
        "expected several rotated files: {files:?}"
    );
    assert_eq!(files[0], rotated_path(&path, 1));
    assert_eq!(files.last().unwrap(), &path);
    for pair in files.windows(2) {
        let last_of_old = lines(&pair[0]).pop().unwrap();
        let first_of_new = &records(&pair[1])[0];
        assert_eq!(first_of_new.record_type, RecordType::Rotation);
        assert_eq!(first_of_new.prev, line_hash(&last_of_old));
        assert_eq!(
            first_of_new.from.as_deref(),
            pair[0].file_name().unwrap().to_str()
        );
        // Each file stops growing once it passes the limit (by at most one record).
        assert!(std::fs::metadata(&pair[0]).unwrap().len() < 2_000 + 600);
    }
    let report = verify_path(&path);
    assert!(report.is_ok(), "{:?}", report.problem);
    let events: usize = files
        .iter()
        .flat_map(|f| records(f))
        .filter(|r| matches!(r.record_type, RecordType::Decision | RecordType::Outcome))
        .count();
    assert_eq!(events, 80);

    // The newest files alone verify, with a note that the chain's start was not given.
    let report = verify(&files[files.len() - 2..], &VerifyOptions::default()).unwrap();
    assert!(report.is_ok());
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("starts with a rotation"))
    );

    // A missing middle file breaks the chain at the next file's first line.
    let mut gap = files.clone();
    gap.remove(1);
    let p = verify(&gap, &VerifyOptions::default())
        .unwrap()
        .problem
        .unwrap();
    assert_eq!(
        (p.file.clone(), p.line, p.kind),
        (files[2].clone(), 1, ProblemKind::PrevMismatch)
    );

    // Records cut from the end of a rotated file are found too.
    let mut ls = lines(&files[0]);
    ls.pop();
    common::write_lines(&files[0], &ls);
    let p = verify_path(&path).problem.unwrap();
    assert_eq!(
        (p.file, p.line, p.kind),
        (files[1].clone(), 1, ProblemKind::PrevMismatch)
    );
}

#[test]
fn a_restarted_writer_continues_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 3);
    let clock = clock();
    let log = AuditLog::open(&path, options(clock.clone())).unwrap();
    write_pairs(&log, &clock, 3..5);
    log.shutdown_blocking().unwrap();
    let rs = records(&path);
    assert_eq!(rs.len(), 10);
    assert!(rs.iter().enumerate().all(|(i, r)| r.seq == i as u64 + 1));
    assert!(verify_path(&path).is_ok());
}

#[test]
fn a_crash_mid_rotation_continues_from_the_rotated_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 2);
    let last = lines(&path).pop().unwrap();
    std::fs::rename(&path, rotated_path(&path, 1)).unwrap();
    let clock = clock();
    let log = AuditLog::open(&path, options(clock.clone())).unwrap();
    write_pairs(&log, &clock, 2..3);
    log.shutdown_blocking().unwrap();
    let rs = records(&path);
    assert_eq!(rs[0].record_type, RecordType::Rotation);
    assert_eq!(rs[0].prev, line_hash(&last));
    assert_eq!(rs[0].seq, 5);
    assert!(verify_path(&path).is_ok());
}

#[test]
fn a_torn_last_line_is_cut_off_and_noted() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 2);
    let torn = br#"{"v":1,"seq":5,"time":"2026-01-31T12:00:09.000000Z","type":"deci"#;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(torn)
        .unwrap();
    assert_eq!(
        verify_path(&path).problem.unwrap().kind,
        ProblemKind::Truncated
    );

    let clock = clock();
    let log = AuditLog::open(&path, options(clock.clone())).unwrap();
    // The repair is on record before any event arrives.
    let rs = records(&path);
    let note = rs.last().unwrap();
    assert_eq!(note.record_type, RecordType::Recovery);
    assert_eq!(note.torn_bytes, Some(torn.len() as u64));
    assert_eq!(note.seq, 5);
    log.record(allow(9)).unwrap();
    log.shutdown_blocking().unwrap();
    let report = verify_path(&path);
    assert!(report.is_ok(), "{:?}", report.problem);
    assert_eq!(report.records, 6);
}

#[test]
fn a_second_writer_on_the_same_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let first = AuditLog::open(&path, AuditOptions::default()).unwrap();
    let err = AuditLog::open(&path, AuditOptions::default()).unwrap_err();
    assert!(matches!(err, AuditError::Locked(_)), "{err}");
    first.shutdown_blocking().unwrap();
    // Once the first writer is gone, the file can be opened again.
    let again = AuditLog::open(&path, AuditOptions::default()).unwrap();
    again.shutdown_blocking().unwrap();
}

#[test]
fn the_log_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/audit.jsonl");
    let log = AuditLog::open(&path, AuditOptions::default()).unwrap();
    log.shutdown_blocking().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "audit file mode {mode:o}");
    }
}
