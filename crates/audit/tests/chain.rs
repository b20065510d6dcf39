//! The chain proves the log untouched: any edited byte, deleted, inserted, swapped or
//! truncated record is found, and named by file and line.

mod common;

use common::{lines, small_log, verify_path, write_lines};
use toolgate_audit::chain::{check_self_hash, line_hash};
use toolgate_audit::{GENESIS, ProblemKind, Record, RecordType};

#[test]
fn a_fresh_log_verifies_and_links_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 5);
    let report = verify_path(&path);
    assert!(report.is_ok(), "{:?}", report.problem);
    assert_eq!(report.records, 10);
    let ls = lines(&path);
    let mut prev = GENESIS.to_string();
    for (i, l) in ls.iter().enumerate() {
        let r: Record = serde_json::from_slice(l).unwrap();
        assert_eq!(r.seq, i as u64 + 1);
        assert_eq!(r.prev, prev, "line {}", i + 1);
        check_self_hash(l).unwrap();
        prev = line_hash(l);
    }
    assert_eq!(report.head, prev);
}

#[test]
fn editing_any_byte_of_any_record_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 2);
    let original = lines(&path);
    for (n, line) in original.iter().enumerate() {
        for i in 0..line.len() {
            let mut edited = original.clone();
            // Any other byte that keeps the file line-structured.
            edited[n][i] = if line[i] == b'x' { b'y' } else { b'x' };
            write_lines(&path, &edited);
            let report = verify_path(&path);
            let p = report
                .problem
                .unwrap_or_else(|| panic!("edit of line {} byte {i} went unnoticed", n + 1));
            assert_eq!(p.line, n as u64 + 1, "wrong line named: {p}");
            assert!(
                matches!(
                    p.kind,
                    ProblemKind::HashMismatch | ProblemKind::BadJson | ProblemKind::MissingHash
                ),
                "{p}"
            );
        }
    }
}

#[test]
fn a_changed_value_is_a_hash_mismatch_naming_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 3);
    let mut ls = lines(&path);
    let text = String::from_utf8(ls[2].clone()).unwrap();
    ls[2] = text
        .replace("\"verdict\":\"allow\"", "\"verdict\":\"deny\"")
        .into_bytes();
    write_lines(&path, &ls);
    let p = verify_path(&path).problem.unwrap();
    assert_eq!((p.line, p.kind), (3, ProblemKind::HashMismatch));
    assert!(
        p.to_string().contains("audit.jsonl:3: hash mismatch"),
        "{p}"
    );
}

#[test]
fn deleting_a_record_is_a_prev_mismatch_at_the_next_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 3);
    let mut ls = lines(&path);
    ls.remove(2);
    write_lines(&path, &ls);
    let p = verify_path(&path).problem.unwrap();
    assert_eq!((p.line, p.kind), (3, ProblemKind::PrevMismatch), "{p}");
}

#[test]
fn deleting_the_first_record_is_a_bad_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 2);
    let mut ls = lines(&path);
    ls.remove(0);
    write_lines(&path, &ls);
    let p = verify_path(&path).problem.unwrap();
    assert_eq!((p.line, p.kind), (1, ProblemKind::BadStart), "{p}");
}

#[test]
fn swapping_two_records_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 3);
    let mut ls = lines(&path);
    ls.swap(2, 3);
    write_lines(&path, &ls);
    let p = verify_path(&path).problem.unwrap();
    assert_eq!((p.line, p.kind), (3, ProblemKind::PrevMismatch), "{p}");
}

#[test]
fn duplicating_a_record_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 2);
    let mut ls = lines(&path);
    let copy = ls[1].clone();
    ls.insert(2, copy);
    write_lines(&path, &ls);
    let p = verify_path(&path).problem.unwrap();
    assert_eq!((p.line, p.kind), (3, ProblemKind::PrevMismatch), "{p}");
}

#[test]
fn truncating_mid_line_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 2);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    let p = verify_path(&path).problem.unwrap();
    assert_eq!((p.line, p.kind), (4, ProblemKind::Truncated), "{p}");
}

#[test]
fn a_rewritten_record_with_recomputed_hashes_still_breaks_the_next_link() {
    // An attacker who recomputes the edited line's own hash must also rewrite every later
    // `prev`; stopping short is caught at the next line.
    let dir = tempfile::tempdir().unwrap();
    let path = small_log(dir.path(), 2);
    let mut ls = lines(&path);
    let mut r: Record = serde_json::from_slice(&ls[0]).unwrap();
    assert_eq!(r.record_type, RecordType::Decision);
    r.identity = Some("mallory".into());
    r.hash = None;
    ls[0] = toolgate_audit::chain::seal(&r);
    write_lines(&path, &ls);
    let p = verify_path(&path).problem.unwrap();
    assert_eq!((p.line, p.kind), (2, ProblemKind::PrevMismatch), "{p}");
}
