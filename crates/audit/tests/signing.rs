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
    // 10 events, a checkpoint after every 4th, and one at close for the last 2.
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == RecordType::Checkpoint)
            .count(),
        3
    );
    assert_eq!(kinds[4], RecordType::Checkpoint);
    assert_eq!(*kinds.last().unwrap(), RecordType::Checkpoint);
    let cp = &rs[4];
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
    assert_eq!(report.signatures_verified, 3);
    assert_eq!(report.unsigned_tail, 0);
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
            if i == 0 {
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
    assert_eq!((p.line, p.kind), (5, ProblemKind::BadSignature), "{p}");

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
    let p = verify_with(&path, Some(&key)).problem.unwrap();
    assert_eq!((p.line, p.kind), (5, ProblemKind::BadSignature), "{p}");
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
    let mut r: Record = serde_json::from_slice(&ls[4]).unwrap();
    assert_eq!(r.record_type, RecordType::Checkpoint);
    let mut sig = r.sig.clone().unwrap();
    sig.replace_range(0..2, if &sig[0..2] == "00" { "11" } else { "00" });
    r.sig = Some(sig);
    r.hash = None;
    ls[4] = seal(&r);
    write_lines(&path, &ls);
    let p = verify_with(&path, Some(&key)).problem.unwrap();
    assert_eq!((p.line, p.kind), (5, ProblemKind::BadSignature), "{p}");
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
    log.record(allow(1)).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rs = common::records_so_far(&path);
        if rs.iter().any(|r| r.record_type == RecordType::Checkpoint) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no timed checkpoint");
        std::thread::sleep(Duration::from_millis(20));
    }
    log.shutdown_blocking().unwrap();
    assert_eq!(
        records(&path)
            .iter()
            .filter(|r| r.record_type == RecordType::Checkpoint)
            .count(),
        1,
        "nothing new to sign at close"
    );
    assert!(verify_with(&path, Some(&key)).is_ok());
}
