//! Proving a log untouched: every line's own hash, every `prev` link (across rotated files,
//! given oldest first), consecutive sequence numbers, and checkpoint signatures. The first
//! bad record is named by file and line with what is wrong; verification stops there,
//! because nothing after a broken link can be trusted.

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
    /// Hash of the last line: the value the next record's `prev` will carry.
    pub head: String,
    pub notes: Vec<String>,
    pub problem: Option<Problem>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
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
            detail: "no checkpoint signed by the given public key: the chain is consistent but \
                     nothing proves who wrote it"
                .into(),
        });
    }
    Ok(v.finish())
}

struct Verifier<'a> {
    options: &'a VerifyOptions,
    report: Report,
    prev_line_hash: Option<String>,
    prev_seq: Option<u64>,
    embedded_only: bool,
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
            match self.line(&buf, summary.records == 0) {
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
    fn line(&mut self, line: &[u8], first_in_file: bool) -> Result<u64, (ProblemKind, String)> {
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
        if record.record_type == RecordType::Checkpoint {
            self.checkpoint(&record)?;
        } else {
            self.report.unsigned_tail += 1;
        }
        self.report.records += 1;
        self.prev_line_hash = Some(line_hash(line));
        self.prev_seq = Some(record.seq);
        Ok(record.seq)
    }

    fn checkpoint(&mut self, r: &Record) -> Result<(), (ProblemKind, String)> {
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
        }
        Ok(())
    }
}
