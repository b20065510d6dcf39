//! Signed checkpoints: a log rewritten with recomputed hashes passes the chain check but
//! not the signatures; checkpoints by another key, or none at all, fail under a given key.

mod common;

use std::time::Duration;

use common::{allow, clock, lines, options, records, write_lines, write_pairs};
use toolgate_audit::chain::seal;
use toolgate_audit::keys::checkpoint_message;
use toolgate_audit::{
    AuditKey, AuditLog, AuditOptions, ProblemKind, Record, RecordType, SigningOptions,
    VerifyOptions, chain_files, verify,
};

fn signed_log(dir: &std::path::Path, key: &AuditKey, pairs: usize) -> std::path::PathBuf {
    let path = dir.join("audit.jsonl");
    let clock = clock();
    let log = AuditLog::open(
        &path,
        AuditOptions {
            signing: Some(SigningOptions {
                every_records: 4,
                ..SigningOptions::new(key.clone())
            }),
            ..options(clock.clone())
        },
    )
    .unwrap();
    write_pairs(&log, &clock, 0..pairs);
    log.shutdown_blocking().unwrap();
    path
}

fn verify_with(path: &std::path::Path, key: Option<&AuditKey>) -> toolgate_audit::Report {
    let options = VerifyOptions {
        public_key: key.map(AuditKey::public_key),
        ..VerifyOptions::default()
    };
    verify(&chain_files(path).unwrap(), &options).unwrap()
}

#[test]
fn checkpoints_every_n_records_and_at_close_verify_under_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::from_seed([1; 32]);
    let path = signed_log(dir.path(), &key, 5);
    let rs = records(&path);
    let kinds: Vec<RecordType> = rs.iter().map(|r| r.record_type).collect();
    // One when the log opens, then 10 events with a checkpoint after every 4th, and one at
    // close for the last 2.
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == RecordType::Checkpoint)
            .count(),
        4
    );
    assert_eq!(kinds[0], RecordType::Checkpoint);
    assert_eq!(rs[0].prev, toolgate_audit::GENESIS);
    assert_eq!(kinds[5], RecordType::Checkpoint);
    assert_eq!(*kinds.last().unwrap(), RecordType::Checkpoint);
    let cp = &rs[5];
    assert_eq!(cp.key.as_deref(), Some(key.public_key().to_hex().as_str()));
    assert!(key.public_key().verify_checkpoint(
        cp.seq,
        &cp.time,
        &cp.prev,
        cp.sig.as_deref().unwrap()
    ));
    assert!(
        String::from_utf8(checkpoint_message(cp.seq, &cp.time, &cp.prev))
            .unwrap()
            .contains(&cp.prev)
    );

    let report = verify_with(&path, Some(&key));
    assert!(report.is_ok(), "{:?}", report.problem);
    assert_eq!(report.signatures_verified, 4);
    assert_eq!(report.unsigned_tail, 0);
    assert!(report.unsigned.is_none());
}

#[test]
fn a_fully_rewritten_chain_fails_on_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::from_seed([2; 32]);
    let path = signed_log(dir.path(), &key, 3);
    let original = lines(&path);
    // Rewrite record 1 and re-seal every line after it so hashes and links all agree;
    // `resign` also re-signs the checkpoints with the forger's own key.
    let forge = |resign: Option<&AuditKey>| {
        let mut prev = toolgate_audit::GENESIS.to_string();
        let mut out = Vec::new();
        for (i, line) in original.iter().enumerate() {
            let mut r: Record = serde_json::from_slice(line).unwrap();
            if i == 1 {
                r.identity = Some("mallory".into());
            }
            r.prev = prev;
            r.hash = None;
            if let (Some(k), RecordType::Checkpoint) = (resign, r.record_type) {
                r.key = Some(k.public_key().to_hex());
                r.sig = Some(k.sign_checkpoint(r.seq, &r.time, &r.prev));
            }
            let sealed = seal(&r);
            prev = toolgate_audit::chain::line_hash(&sealed);
            out.push(sealed);
        }
        write_lines(&path, &out);
    };

    // Old signatures no longer match the rewritten heads.
    forge(None);
    let p = verify_with(&path, None).problem.unwrap();
    assert_eq!((p.line, p.kind), (6, ProblemKind::BadSignature), "{p}");

    // Re-signed with the forger's key, the log is consistent: only the trusted key tells.
    let mallory = AuditKey::from_seed([66; 32]);
    forge(Some(&mallory));
    let unkeyed = verify_with(&path, None);
    assert!(unkeyed.is_ok());
    assert!(
        unkeyed
            .notes
            .iter()
            .any(|n| n.contains("key written in the log only"))
    );
    // The first checkpoint (the one at open) is already the forger's.
    let p = verify_with(&path, Some(&key)).problem.unwrap();
    assert_eq!((p.line, p.kind), (1, ProblemKind::BadSignature), "{p}");
}

#[test]
fn checkpoints_by_another_key_fail() {
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::from_seed([3; 32]);
    let path = signed_log(dir.path(), &key, 3);
    let other = AuditKey::from_seed([4; 32]);
    let p = verify_with(&path, Some(&other)).problem.unwrap();
    assert_eq!(p.kind, ProblemKind::BadSignature);
    assert!(p.detail.contains("not the given public key"), "{p}");
}

#[test]
fn a_checkpoint_with_a_forged_signature_fails() {
    let dir = tempfile::tempdir().unwrap();
    let key = AuditKey::from_seed([5; 32]);
    let path = signed_log(dir.path(), &key, 3);
    let mut ls = lines(&path);
    let mut r: Record = serde_json::from_slice(&ls[5]).unwrap();
    assert_eq!(r.record_type, RecordType::Checkpoint);
    let mut sig = r.sig.clone().unwrap();
    sig.replace_range(0..2, if &sig[0..2] == "00" { "11" } else { "00" });
    r.sig = Some(sig);
    r.hash = None;
    ls[5] = seal(&r);
    write_lines(&path, &ls);
    let p = verify_with(&path, Some(&key)).problem.unwrap();
    assert_eq!((p.line, p.kind), (6, ProblemKind::BadSignature), "{p}");
}

#[test]
fn a_key_without_any_signed_checkpoint_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::small_log(dir.path(), 2);
    let key = AuditKey::from_seed([6; 32]);
    let p = verify_with(&path, Some(&key)).problem.unwrap();
    assert_eq!(p.kind, ProblemKind::Unsigned);
    // Without a key the same log is fine: nothing claims to be signed.
    assert!(verify_with(&path, None).is_ok());
}

#[test]
fn checkpoints_also_come_on_a_timer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = AuditKey::from_seed([7; 32]);
    let log = AuditLog::open(
        &path,
        AuditOptions {
            signing: Some(SigningOptions {
                every_records: 1_000_000,
                every: Duration::from_millis(50),
                key: key.clone(),
            }),
            ..AuditOptions::default()
        },
    )
    .unwrap();
    let checkpoints = |rs: &[Record]| {
        rs.iter()
            .filter(|r| r.record_type == RecordType::Checkpoint)
            .count()
    };
    log.record(allow(1)).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rs = common::records_so_far(&path);
        if checkpoints(&rs) == 2 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no timed checkpoint");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Live, and signed up to its last record without waiting for the close.
    assert!(verify_with(&path, Some(&key)).is_ok());
    std::thread::sleep(Duration::from_millis(200));
    log.shutdown_blocking().unwrap();
    assert_eq!(
        checkpoints(&records(&path)),
        2,
        "the one at open and the timed one; nothing new to sign when idle or at close"
    );
    assert!(verify_with(&path, Some(&key)).is_ok());
}

fn open_signed(path: &std::path::Path, key: &AuditKey) -> toolgate_audit::AuditHandle {
    AuditLog::open(
        path,
        AuditOptions {
            signing: Some(SigningOptions::new(key.clone())),
            ..AuditOptions::default()
        },
    )
    .unwrap()
}

#[test]
fn a_fresh_log_is_signed_as_soon_as_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = AuditKey::from_seed([8; 32]);
    let log = open_signed(&path, &key);
    // Before any event, and long before the first interval.
    let rs = common::records_so_far(&path);
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].record_type, RecordType::Checkpoint);
    assert!(verify_with(&path, Some(&key)).is_ok());

    // A live log with records since its last checkpoint: intact, with an unsigned tail.
    log.record(allow(1)).unwrap();
    log.flush_blocking().unwrap();
    let live = verify_with(&path, Some(&key));
    assert!(live.is_intact() && !live.is_ok());
    assert_eq!(live.unsigned.as_ref().unwrap().records, 1);
    let allowed = verify(
        &chain_files(&path).unwrap(),
        &VerifyOptions {
            public_key: Some(key.public_key()),
            allow_unsigned_tail: true,
        },
    )
    .unwrap();
    assert!(allowed.is_ok());

    log.shutdown_blocking().unwrap();
    let closed = verify_with(&path, Some(&key));
    assert!(closed.is_ok(), "{:?}", closed.unsigned);

    // Reopened after a clean close: the log already ends signed, nothing is added.
    let before = lines(&path).len();
    let log = open_signed(&path, &key);
    log.flush_blocking().unwrap();
    assert_eq!(lines(&path).len(), before);
    drop(log);
}

#[test]
fn a_log_left_unsigned_is_signed_as_found_with_a_recovery_record_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = AuditKey::from_seed([9; 32]);
    let log = open_signed(&path, &key);
    log.shutdown_blocking().unwrap();
    // Records appended by something else while no gateway ran (or a writer that crashed
    // before its closing checkpoint): a valid chain, unsigned.
    let mut ls = lines(&path);
    let mut prev = toolgate_audit::chain::line_hash(ls.last().unwrap());
    for seq in 2..4u64 {
        let mut r = Record::new(
            seq,
            "2026-01-31T12:00:00.000000Z".into(),
            RecordType::Decision,
            prev,
        );
        r.identity = Some("mallory".into());
        let line = seal(&r);
        prev = toolgate_audit::chain::line_hash(&line);
        ls.push(line);
    }
    write_lines(&path, &ls);
    let forged = verify_with(&path, Some(&key));
    assert_eq!(forged.unsigned.as_ref().unwrap().records, 2);

    let log = open_signed(&path, &key);
    log.shutdown_blocking().unwrap();
    let rs = records(&path);
    let n = rs.len();
    assert_eq!(rs[n - 2].record_type, RecordType::Recovery);
    assert!(
        rs[n - 2]
            .note
            .as_deref()
            .unwrap()
            .contains("did not end with a signed checkpoint"),
        "{:?}",
        rs[n - 2].note
    );
    assert_eq!(rs[n - 1].record_type, RecordType::Checkpoint);
    let report = verify_with(&path, Some(&key));
    assert!(report.is_ok());
    assert!(
        report.notes.iter().any(|n| n.contains("recovery record")),
        "verify shows the recovery note: {:?}",
        report.notes
    );
}

#[test]
fn every_rotated_file_starts_and_ends_signed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let key = AuditKey::from_seed([10; 32]);
    let clock = clock();
    let log = AuditLog::open(
        &path,
        AuditOptions {
            max_bytes: 4 * 1024,
            signing: Some(SigningOptions::new(key.clone())),
            ..options(clock.clone())
        },
    )
    .unwrap();
    write_pairs(&log, &clock, 0..30);
    log.flush_blocking().unwrap();
    let files = chain_files(&path).unwrap();
    assert!(files.len() >= 3, "{files:?}");
    for (i, f) in files.iter().enumerate() {
        let rs = records(f);
        let kinds: Vec<RecordType> = rs.iter().map(|r| r.record_type).collect();
        if i > 0 {
            assert_eq!(
                kinds[..2],
                [RecordType::Rotation, RecordType::Checkpoint],
                "{f:?}"
            );
        }
        if i + 1 < files.len() {
            assert_eq!(kinds.last(), Some(&RecordType::Checkpoint), "{f:?}");
        }
    }
    // The live file alone (older files archived): signed from its second line.
    let alone = verify(
        &files[files.len() - 1..],
        &VerifyOptions {
            public_key: Some(key.public_key()),
            allow_unsigned_tail: true,
        },
    )
    .unwrap();
    assert!(alone.is_ok(), "{:?}", alone.problem);
    assert!(alone.last_signed.as_ref().unwrap().line >= 2);
    log.shutdown_blocking().unwrap();
    assert!(verify_with(&path, Some(&key)).is_ok());
}
