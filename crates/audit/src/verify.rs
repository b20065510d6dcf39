//! Proving a log untouched: every line's own hash, every `prev` link (across rotated files,
//! given oldest first), consecutive sequence numbers, and checkpoint signatures. The first
//! bad record is named by file and line with what is wrong; verification stops there,
//! because nothing after a broken link can be trusted.
//!
//! Under a trusted public key a signed checkpoint proves every record before it. Records
//! after the last one are consistent with the chain but prove nothing: whoever can write
//! the file can append them, or cut the file back and write a different ending. They are
//! reported as an [`UnsignedTail`], and [`Report::is_ok`] is false while there is one unless
//! [`VerifyOptions::allow_unsigned_tail`] (a live log always has one between checkpoints).
//! What no log can show: that nothing came after its last checkpoint. A file cut back to
//! a checkpoint verifies; only a copy or a head kept elsewhere tells.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::chain::{GENESIS, SelfHashError, check_self_hash, line_hash};
use crate::error::AuditError;
use crate::keys::PublicKey;
use crate::record::{Record, RecordType};

#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Checkpoints must be signed by this key; without it signatures are only checked
    /// against the key written in the log, which proves nothing against a forger.
    pub public_key: Option<PublicKey>,
    /// Accept records after the last signed checkpoint (still reported in
    /// [`Report::unsigned`]): for a live log, whose newest records wait for the next
    /// checkpoint.
    pub allow_unsigned_tail: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not a JSON object, or not a record.
    BadJson,
    /// No well-formed `hash` member at the end of the line.
    MissingHash,
    /// The line's bytes changed after it was written.
    HashMismatch,
    /// `prev` is not the hash of the line before: a record was deleted, inserted or moved.
    PrevMismatch,
    /// The chain does not start at the genesis (and not at a rotation).
    BadStart,
    /// The sequence number is not the previous one plus one.
    SeqMismatch,
    /// A checkpoint signature is missing, malformed, wrong, or by another key.
    BadSignature,
    /// The last line has no newline: cut short.
    Truncated,
    /// A public key was given but no checkpoint signed by it was found.
    Unsigned,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::BadJson => "bad JSON",
            ProblemKind::MissingHash => "missing hash",
            ProblemKind::HashMismatch => "hash mismatch",
            ProblemKind::PrevMismatch => "prev mismatch",
            ProblemKind::BadStart => "bad chain start",
            ProblemKind::SeqMismatch => "sequence gap",
            ProblemKind::BadSignature => "bad signature",
            ProblemKind::Truncated => "truncated",
            ProblemKind::Unsigned => "unsigned",
        }
    }
}

/// The first thing wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is about the whole log.
    pub line: u64,
    pub kind: ProblemKind,
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.kind.as_str(),
            self.detail
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub path: PathBuf,
    pub records: u64,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
}

/// Where a record is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub file: PathBuf,
    /// 1-based.
    pub line: u64,
    pub seq: u64,
    /// The record's own `time` (RFC 3339).
    pub time: String,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} (seq {}, {})",
            self.file.display(),
            self.line,
            self.seq,
            self.time
        )
    }
}

/// Records after the last checkpoint signed by the trusted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedTail {
    pub records: u64,
    /// The last signed checkpoint.
    pub after: Position,
    /// The first record after it.
    pub first: Position,
}

impl fmt::Display for UnsignedTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} record(s) after the last signed checkpoint at {} are not yet signed (from {}:{})",
            self.records,
            self.after,
            self.first.file.display(),
            self.first.line
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileSummary>,
    pub records: u64,
    pub checkpoints: u64,
    /// Checkpoints whose signature checked against the trusted public key.
    pub signatures_verified: u64,
    /// Records after the last verified checkpoint (all of them without a key): provably
    /// consistent, but not signed yet.
    pub unsigned_tail: u64,
    /// The last checkpoint signed by the trusted key (`None` without a key).
    pub last_signed: Option<Position>,
    /// With a key: the records after the last signed checkpoint, when there are any.
    pub unsigned: Option<UnsignedTail>,
    /// The unsigned tail was accepted ([`VerifyOptions::allow_unsigned_tail`]).
    pub tail_allowed: bool,
    /// Hash of the last line: the value the next record's `prev` will carry.
    pub head: String,
    pub notes: Vec<String>,
    pub problem: Option<Problem>,
}

impl Report {
    /// Nothing was tampered with and, under a key, every record is signed (or an unsigned
    /// tail was explicitly allowed).
    pub fn is_ok(&self) -> bool {
        self.is_intact() && (self.unsigned.is_none() || self.tail_allowed)
    }

    /// No tampering found: the chain and every signature check out. Records after the last
    /// signed checkpoint may still be there ([`Report::unsigned`]).
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Verifies the files of one chain, oldest first (see [`crate::chain_files`]).
/// `Err` only for I/O errors; tampering is reported in [`Report::problem`].
pub fn verify(paths: &[PathBuf], options: &VerifyOptions) -> Result<Report, AuditError> {
    let mut v = Verifier {
        options,
        report: Report::default(),
        prev_line_hash: None,
        prev_seq: None,
        embedded_only: false,
        tail_first: None,
    };
    for path in paths {
        if let Err(p) = v.file(path)? {
            v.report.problem = Some(p);
            return Ok(v.finish());
        }
    }
    if options.public_key.is_some() && v.report.signatures_verified == 0 && v.report.records > 0 {
        v.report.problem = Some(Problem {
            file: paths.last().cloned().unwrap_or_default(),
            line: 0,
            kind: ProblemKind::Unsigned,
            detail: format!(
                "no checkpoint signed by the given public key: the chain of {} record(s) is \
                 consistent but nothing proves who wrote it (a gateway with --audit-key signs \
                 a log as soon as it opens it)",
                v.report.records
            ),
        });
    }
    if let (Some(after), Some(first)) = (&v.report.last_signed, &v.tail_first)
        && v.report.problem.is_none()
        && v.report.unsigned_tail > 0
    {
        v.report.unsigned = Some(UnsignedTail {
            records: v.report.unsigned_tail,
            after: after.clone(),
            first: first.clone(),
        });
        v.report.tail_allowed = options.allow_unsigned_tail;
    }
    Ok(v.finish())
}

struct Verifier<'a> {
    options: &'a VerifyOptions,
    report: Report,
    prev_line_hash: Option<String>,
    prev_seq: Option<u64>,
    embedded_only: bool,
    /// The first record after the last signed checkpoint.
    tail_first: Option<Position>,
}

impl Verifier<'_> {
    fn finish(mut self) -> Report {
        if self.embedded_only {
            self.report.notes.push(
                "checkpoint signatures were checked against the key written in the log only; \
                 pass the public key to prove who wrote it"
                    .into(),
            );
        }
        self.report.head = self.prev_line_hash.unwrap_or_else(|| GENESIS.to_string());
        self.report
    }

    fn file(&mut self, path: &Path) -> Result<Result<(), Problem>, AuditError> {
        let f = File::open(path).map_err(|e| AuditError::io(path, "opening", e))?;
        let mut reader = BufReader::new(f);
        let mut summary = FileSummary {
            path: path.to_path_buf(),
            records: 0,
            first_seq: None,
            last_seq: None,
        };
        let mut buf = Vec::new();
        let mut line_no = 0u64;
        let result = loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| AuditError::io(path, "reading", e))?;
            if n == 0 {
                break Ok(());
            }
            line_no += 1;
            let problem = |kind, detail: String| Problem {
                file: path.to_path_buf(),
                line: line_no,
                kind,
                detail,
            };
            if buf.pop() != Some(b'\n') {
                break Err(problem(
                    ProblemKind::Truncated,
                    "the last line has no newline: the file was cut short (or is being written)"
                        .into(),
                ));
            }
            match self.line(&buf, summary.records == 0, path, line_no) {
                Ok(seq) => {
                    summary.records += 1;
                    summary.first_seq.get_or_insert(seq);
                    summary.last_seq = Some(seq);
                }
                Err((kind, detail)) => break Err(problem(kind, detail)),
            }
        };
        if summary.records == 0 && result.is_ok() {
            self.report
                .notes
                .push(format!("{} is empty", path.display()));
        }
        self.report.files.push(summary);
        Ok(result)
    }

    /// Checks one line; returns its sequence number.
    fn line(
        &mut self,
        line: &[u8],
        first_in_file: bool,
        path: &Path,
        line_no: u64,
    ) -> Result<u64, (ProblemKind, String)> {
        let record: Record = serde_json::from_slice(line).map_err(|e| {
            (
                ProblemKind::BadJson,
                format!("not a valid audit record ({e})"),
            )
        })?;
        match check_self_hash(line) {
            Ok(()) => {}
            Err(SelfHashError::Missing) => {
                return Err((
                    ProblemKind::MissingHash,
                    "the line does not end with its \"hash\" member".into(),
                ));
            }
            Err(SelfHashError::Mismatch { stored, computed }) => {
                return Err((
                    ProblemKind::HashMismatch,
                    format!(
                        "record seq {} was changed after it was written (stored hash {stored}, content hashes to {computed})",
                        record.seq
                    ),
                ));
            }
        }
        match &self.prev_line_hash {
            None if record.record_type == RecordType::Rotation && record.prev != GENESIS => {
                self.report.notes.push(format!(
                    "the chain starts with a rotation from {} (prev {}), which was not given",
                    record.from.as_deref().unwrap_or("an earlier file"),
                    record.prev
                ));
            }
            None if record.prev != GENESIS => {
                return Err((
                    ProblemKind::BadStart,
                    format!(
                        "the first record (seq {}) does not start a chain (prev {}): records before it were deleted, or older rotated files must be given first",
                        record.seq, record.prev
                    ),
                ));
            }
            None => {}
            Some(expected) if *expected != record.prev => {
                return Err((
                    ProblemKind::PrevMismatch,
                    format!(
                        "record seq {} does not follow the record before it (prev {}, expected {expected}): a record was deleted, inserted or reordered",
                        record.seq, record.prev
                    ),
                ));
            }
            Some(_) => {}
        }
        if let Some(p) = self.prev_seq
            && record.seq != p + 1
        {
            return Err((
                ProblemKind::SeqMismatch,
                format!("seq {} follows seq {p}", record.seq),
            ));
        }
        if first_in_file
            && self.prev_line_hash.is_some()
            && record.record_type != RecordType::Rotation
        {
            self.report.notes.push(format!(
                "a file starts with a {} record instead of a rotation record (seq {})",
                record.record_type.as_str(),
                record.seq
            ));
        }
        let position = || Position {
            file: path.to_path_buf(),
            line: line_no,
            seq: record.seq,
            time: record.time.clone(),
        };
        if record.record_type == RecordType::Checkpoint {
            if self.checkpoint(&record)? {
                self.report.last_signed = Some(position());
                self.tail_first = None;
            }
        } else {
            if self.report.unsigned_tail == 0 {
                self.tail_first = Some(position());
            }
            self.report.unsigned_tail += 1;
        }
        if record.record_type == RecordType::Recovery {
            self.report.notes.push(format!(
                "{}:{line_no}: recovery record (seq {}, {}): {}",
                path.display(),
                record.seq,
                record.time,
                record.note.as_deref().unwrap_or("no note")
            ));
        }
        self.report.records += 1;
        self.prev_line_hash = Some(line_hash(line));
        self.prev_seq = Some(record.seq);
        Ok(record.seq)
    }

    /// Checks a checkpoint's signature; true when it is signed by the trusted key.
    fn checkpoint(&mut self, r: &Record) -> Result<bool, (ProblemKind, String)> {
        self.report.checkpoints += 1;
        let bad = |detail: String| (ProblemKind::BadSignature, detail);
        let (Some(key_hex), Some(sig)) = (&r.key, &r.sig) else {
            return Err(bad(format!(
                "checkpoint seq {} has no key or signature",
                r.seq
            )));
        };
        let embedded = PublicKey::from_hex(key_hex)
            .map_err(|_| bad(format!("checkpoint seq {} names an invalid key", r.seq)))?;
        let key = match &self.options.public_key {
            Some(trusted) if *trusted != embedded => {
                return Err(bad(format!(
                    "checkpoint seq {} is signed by key {key_hex}, not the given public key {}",
                    r.seq,
                    trusted.to_hex()
                )));
            }
            Some(trusted) => *trusted,
            None => {
                self.embedded_only = true;
                embedded
            }
        };
        if !key.verify_checkpoint(r.seq, &r.time, &r.prev, sig) {
            return Err(bad(format!(
                "the signature of checkpoint seq {} does not match the chain head it claims",
                r.seq
            )));
        }
        if self.options.public_key.is_some() {
            self.report.signatures_verified += 1;
            self.report.unsigned_tail = 0;
            return Ok(true);
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::seal;
    use crate::keys::AuditKey;

    /// A chain of records of these kinds (`C` checkpoint signed by `key`, `D` decision),
    /// continuing from `prev` at `seq`.
    fn extend(lines: &mut Vec<Vec<u8>>, kinds: &str, key: &AuditKey) {
        let (mut seq, mut prev) = match lines.last() {
            None => (1, GENESIS.to_string()),
            Some(l) => (
                serde_json::from_slice::<Record>(l).unwrap().seq + 1,
                line_hash(l),
            ),
        };
        for k in kinds.chars() {
            let time = format!("2026-01-31T12:00:{:02}.000000Z", seq % 60);
            let ty = if k == 'C' {
                RecordType::Checkpoint
            } else {
                RecordType::Decision
            };
            let mut r = Record::new(seq, time.clone(), ty, prev.clone());
            if ty == RecordType::Checkpoint {
                r.key = Some(key.public_key().to_hex());
                r.sig = Some(key.sign_checkpoint(seq, &time, &prev));
            } else {
                r.tool = Some(format!("tool{seq}"));
            }
            let line = seal(&r);
            prev = line_hash(&line);
            seq += 1;
            lines.push(line);
        }
    }

    fn check(lines: &[Vec<u8>], key: Option<&AuditKey>, allow: bool) -> Report {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut text = Vec::new();
        for l in lines {
            text.extend_from_slice(l);
            text.push(b'\n');
        }
        std::fs::write(&path, text).unwrap();
        let options = VerifyOptions {
            public_key: key.map(AuditKey::public_key),
            allow_unsigned_tail: allow,
        };
        verify(&[path], &options).unwrap()
    }

    fn key() -> AuditKey {
        AuditKey::from_seed([42; 32])
    }

    #[test]
    fn a_log_ending_in_a_checkpoint_is_ok() {
        let mut lines = Vec::new();
        extend(&mut lines, "CDDCDDC", &key());
        let r = check(&lines, Some(&key()), false);
        assert!(r.is_ok(), "{:?} {:?}", r.problem, r.unsigned);
        assert_eq!((r.signatures_verified, r.unsigned_tail), (3, 0));
        assert_eq!(r.last_signed.as_ref().unwrap().line, 7);
        assert!(r.unsigned.is_none());
    }

    #[test]
    fn a_fresh_log_with_only_its_startup_checkpoint_is_ok() {
        let mut lines = Vec::new();
        extend(&mut lines, "C", &key());
        let r = check(&lines, Some(&key()), false);
        assert!(r.is_ok(), "{:?} {:?}", r.problem, r.unsigned);
        assert_eq!(r.records, 1);
    }

    #[test]
    fn records_forged_after_the_last_checkpoint_fail_unless_allowed() {
        let mut lines = Vec::new();
        extend(&mut lines, "CDDC", &key());
        // The forger holds no key: a valid chain, but unsigned.
        extend(&mut lines, "DD", &AuditKey::from_seed([66; 32]));
        let r = check(&lines, Some(&key()), false);
        assert!(r.is_intact(), "{:?}", r.problem);
        assert!(!r.is_ok());
        let tail = r.unsigned.clone().unwrap();
        assert_eq!(tail.records, 2);
        assert_eq!((tail.after.line, tail.after.seq), (4, 4));
        assert_eq!(tail.first.line, 5);
        let text = tail.to_string();
        assert!(
            text.starts_with("2 record(s) after the last signed checkpoint at ")
                && text.contains(":4 (seq 4, 2026-01-31T12:00:04.000000Z)")
                && text.contains("are not yet signed"),
            "{text}"
        );

        let allowed = check(&lines, Some(&key()), true);
        assert!(allowed.is_ok());
        assert!(allowed.tail_allowed);
        let still = allowed.unsigned.expect("still reported");
        assert_eq!((still.records, still.after.line), (2, 4));
    }

    #[test]
    fn a_truncation_that_drops_the_last_checkpoint_shows_as_an_unsigned_tail() {
        let mut lines = Vec::new();
        extend(&mut lines, "CDDCDDC", &key());
        // Cut back to before the last checkpoint and write a different ending.
        lines.truncate(5);
        extend(&mut lines, "DDD", &AuditKey::from_seed([66; 32]));
        let r = check(&lines, Some(&key()), false);
        assert!(r.is_intact() && !r.is_ok());
        let tail = r.unsigned.unwrap();
        assert_eq!((tail.records, tail.after.line, tail.first.line), (4, 4, 5));
    }

    #[test]
    fn a_truncation_back_to_a_checkpoint_can_not_be_seen() {
        // A checkpoint proves what came before it, never that nothing came after.
        let mut lines = Vec::new();
        extend(&mut lines, "CDDCDDC", &key());
        lines.truncate(4);
        let r = check(&lines, Some(&key()), false);
        assert!(r.is_ok());
        assert_eq!(r.last_signed.unwrap().line, 4);
    }

    #[test]
    fn a_forged_checkpoint_is_tampering_not_a_tail() {
        let mut lines = Vec::new();
        extend(&mut lines, "CDD", &key());
        extend(&mut lines, "C", &AuditKey::from_seed([66; 32]));
        let r = check(&lines, Some(&key()), true);
        assert!(!r.is_ok());
        assert_eq!(r.problem.unwrap().kind, ProblemKind::BadSignature);
    }

    #[test]
    fn without_any_signed_checkpoint_even_allowing_a_tail_fails() {
        let mut lines = Vec::new();
        extend(&mut lines, "DDD", &key());
        let r = check(&lines, Some(&key()), true);
        assert!(!r.is_ok());
        assert_eq!(r.problem.unwrap().kind, ProblemKind::Unsigned);
    }

    #[test]
    fn without_a_key_there_is_no_tail_verdict() {
        let mut lines = Vec::new();
        extend(&mut lines, "CDD", &key());
        let r = check(&lines, None, false);
        assert!(r.is_ok());
        assert!(r.unsigned.is_none() && r.last_signed.is_none());
        assert_eq!(
            r.unsigned_tail, 2,
            "every other record, without a trusted key"
        );
    }
}
