//! The writer thread: turns queued events into chained lines, batches them into one
//! `write`, syncs per policy, rotates, signs checkpoints, and survives I/O errors.
//!
//! The chain must stay valid whatever the disk does, so a failed write is undone: the file
//! is cut back to its last good length (or reopened and repaired when even that fails), the
//! chain head goes back to the last record on disk, the lost records are counted, and the
//! next successful batch starts with a `recovery` record saying how many were lost and why.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use crate::chain::{GENESIS, line_hash, seal};
use crate::error::AuditError;
use crate::record::{ApprovalAuditEvent, ArgsMode, AuditEvent, Record, RecordType};
use crate::redact::Redactor;
use crate::segment::{Resumed, open_locked, resume, rotated_path, rotated_segments};
use crate::time::format_rfc3339;
use crate::writer::{AuditOptions, FsyncPolicy, Msg, Shared, SigningOptions};
use toolgate_clock::Clock;

/// After a failed rename, rotation is retried this much later.
const ROTATION_RETRY: Duration = Duration::from_secs(60);

pub(crate) struct Writer {
    path: PathBuf,
    file: Option<File>,
    /// Bytes on disk in the live file.
    size: u64,
    buf: Vec<u8>,
    buf_events: u64,
    /// Chain head including what is in `buf`…
    seq: u64,
    prev: String,
    /// …and as on disk.
    committed_seq: u64,
    committed_prev: String,
    /// The segment a new, empty live file continues from (for its rotation record).
    continues_from: Option<String>,
    fsync: FsyncPolicy,
    max_bytes: u64,
    max_batch: usize,
    signing: Option<SigningOptions>,
    clock: Arc<dyn Clock>,
    redactor: Redactor,
    shared: Arc<Shared>,
    /// Events lost to failed writes and not yet noted in a recovery record.
    lost: u64,
    lost_error: Option<String>,
    /// Dropped events already noted.
    dropped_noted: u64,
    /// The gap noted in `buf`: (lost, dropped total) — cleared from the counters on success.
    gap_in_buf: Option<(u64, u64)>,
    since_checkpoint: u64,
    last_checkpoint: Instant,
    rotation_retry_at: Option<Instant>,
    batch_error: Option<String>,
}

impl Writer {
    pub(crate) fn open(
        path: PathBuf,
        options: &AuditOptions,
        redactor: Redactor,
        shared: Arc<Shared>,
    ) -> Result<Writer, AuditError> {
        let r = resume(&path)?;
        let closed_by = r.closed_by.clone();
        let new_chain = r.prev == GENESIS;
        let mut w = Writer {
            path,
            file: None,
            size: 0,
            buf: Vec::with_capacity(64 * 1024),
            buf_events: 0,
            seq: 0,
            prev: String::new(),
            committed_seq: 0,
            committed_prev: String::new(),
            continues_from: None,
            fsync: options.fsync,
            max_bytes: options.max_bytes.max(1),
            max_batch: options.max_batch.max(1),
            signing: options.signing.clone(),
            clock: options.clock.clone(),
            redactor,
            shared,
            lost: 0,
            lost_error: None,
            dropped_noted: 0,
            gap_in_buf: None,
            since_checkpoint: 0,
            last_checkpoint: Instant::now(),
            rotation_retry_at: None,
            batch_error: None,
        };
        let repaired = w.adopt(r);
        let signed = w.startup_checkpoint(closed_by.as_deref(), new_chain);
        if repaired || signed {
            // Put the repair and the signature on record now, not whenever the first event
            // comes.
            w.commit(true);
            if let Some(e) = w.batch_error.take() {
                return Err(AuditError::io(
                    &w.path,
                    "writing the first records",
                    std::io::Error::other(e),
                ));
            }
        }
        Ok(w)
    }

    /// With a key, a log is signed as soon as it is opened, so a fresh log verifies before
    /// the first interval has passed. A log a writer with this key closed cleanly already
    /// ends with its checkpoint. Any other log (its writer crashed or was killed, ran without
    /// this key, or lines were added after it) is signed as found, after a recovery record
    /// that says so: whatever came after its last checkpoint was not vouched for by the
    /// writer that wrote it. True when records were queued.
    fn startup_checkpoint(&mut self, closed_by: Option<&str>, new_chain: bool) -> bool {
        let Some(s) = &self.signing else {
            return false;
        };
        let ours = s.key.public_key().to_hex();
        let closed_by_us = closed_by == Some(ours.as_str());
        if closed_by_us && self.since_checkpoint == 0 {
            return false;
        }
        if !new_chain && !closed_by_us {
            let why = if closed_by.is_some() {
                "the log ended with a checkpoint by another key"
            } else {
                "the log did not end with a signed checkpoint (its last writer crashed, was \
                 killed or ran without a key, or lines were added after it)"
            };
            let rec = self.recovery(format!(
                "{why}: the records since its last checkpoint by this key, if any, are signed \
                 by the next checkpoint as found, not as written"
            ));
            self.push(rec);
        }
        self.checkpoint_now();
        true
    }

    /// Takes the on-disk state as the truth; true when a recovery record was queued.
    fn adopt(&mut self, r: Resumed) -> bool {
        self.file = Some(r.file);
        self.size = r.size;
        self.seq = r.next_seq;
        self.committed_seq = r.next_seq;
        self.prev.clone_from(&r.prev);
        self.committed_prev = r.prev;
        self.continues_from = r.continues_from;
        let mut notes = Vec::new();
        if let Some((bytes, sha)) = r.torn {
            let mut rec = self.recovery(format!(
                "a torn last line of {bytes} bytes (crash during a write?) was cut off"
            ));
            rec.torn_bytes = Some(bytes);
            rec.torn_sha256 = Some(sha);
            notes.push(rec);
        }
        if let Some(note) = r.note {
            notes.push(self.recovery(note));
        }
        let any = !notes.is_empty();
        for rec in notes {
            self.push(rec);
        }
        any
    }

    pub(crate) fn run(mut self, rx: Receiver<Msg>) {
        loop {
            let first = match self.checkpoint_wait() {
                Some(wait) => rx.recv_timeout(wait),
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match first {
                Ok(msg) => {
                    let mut batch = vec![msg];
                    while batch.len() < self.max_batch {
                        match rx.try_recv() {
                            Ok(m) => batch.push(m),
                            Err(_) => break,
                        }
                    }
                    if self.process(batch) {
                        return;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.batch_error = None;
                    self.checkpoint_if_due();
                    self.commit(self.fsync != FsyncPolicy::Never);
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // Every handle is gone: close the chain with a checkpoint and stop.
                    self.batch_error = None;
                    self.checkpoint();
                    self.commit(true);
                    return;
                }
            }
        }
    }

    /// Handles one batch; true when asked to stop.
    fn process(&mut self, batch: Vec<Msg>) -> bool {
        self.batch_error = None;
        if self.file.is_none() {
            self.reopen();
        }
        self.note_gaps();
        let mut acks = Vec::new();
        let mut sync = self.fsync != FsyncPolicy::Never;
        let mut stop = None;
        for msg in batch {
            match msg {
                Msg::Event { time, event, ack } => {
                    self.shared.queued.fetch_sub(1, Ordering::Relaxed);
                    let rec = self.build(time, *event);
                    self.append(rec);
                    if self.fsync == FsyncPolicy::Always {
                        self.commit(true);
                    }
                    if let Some(a) = ack {
                        acks.push(a);
                        sync = true;
                    }
                }
                Msg::Flush(a) => {
                    acks.push(a);
                    sync = true;
                }
                Msg::Shutdown(a) => stop = Some(a),
            }
        }
        if stop.is_some() {
            self.checkpoint();
            sync = true;
        } else {
            self.checkpoint_if_due();
        }
        self.commit(sync);
        let result = match &self.batch_error {
            None => Ok(()),
            Some(e) => Err(e.clone()),
        };
        for a in acks {
            let _ = a.send(result.clone().map_err(AuditError::WriteFailed));
        }
        match stop {
            Some(a) => {
                // Close (and unlock) the file before answering, so the caller can reopen it,
                // and refuse new records from now on.
                self.file = None;
                self.shared.running.store(false, Ordering::SeqCst);
                let _ = a.send(result.map_err(AuditError::WriteFailed));
                true
            }
            None => false,
        }
    }

    fn build(&self, time: SystemTime, event: AuditEvent) -> Record {
        let time = format_rfc3339(time);
        match event {
            AuditEvent::Decision(d) => {
                let mut r =
                    Record::new(0, time, RecordType::Decision, String::new()).with_call(d.call);
                r.args_mode = Some(self.redactor.mode());
                r.args = self.redactor.apply(d.arguments);
                r.verdict = Some(d.verdict);
                r.kind = d.kind;
                r.rule = d.rule;
                r.reason = d.reason;
                r.counters = d.counters;
                r.approval = d.approval;
                r.approver = d.approver;
                r.policy = Some(d.policy_version).filter(|p| !p.is_empty());
                r
            }
            AuditEvent::Outcome(o) => {
                let mut r =
                    Record::new(0, time, RecordType::Outcome, String::new()).with_call(o.call);
                r.outcome = Some(o.outcome);
                r.latency_us = o
                    .latency
                    .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
                r.error = o.error;
                r
            }
            AuditEvent::Approval(a) => self.approval_record(time, a),
        }
    }

    fn approval_record(&self, time: String, a: ApprovalAuditEvent) -> Record {
        let mut r = Record::new(0, time, RecordType::Approval, String::new());
        r.identity = Some(a.identity);
        r.session = Some(a.session);
        r.tool = Some(a.tool);
        if a.arguments.is_some() {
            r.args_mode = Some(self.redactor.mode());
            r.args = self.redactor.apply(a.arguments);
        }
        r.rule = a.rule;
        r.reason = a.reason;
        r.approver = a.approver;
        r.policy = Some(a.policy_version).filter(|p| !p.is_empty());
        r.event = Some(a.stage);
        r.approval_id = Some(a.approval_id);
        // The plain digest of redacted or hashed arguments would confirm a guessed secret.
        r.args_digest =
            Some(a.args_digest).filter(|d| !d.is_empty() && self.redactor.mode() == ArgsMode::Full);
        r.approvers = a.approvers;
        r.comment = a.comment;
        r.expires = a.expires;
        r.remember = a.remember;
        r
    }

    fn recovery(&self, note: String) -> Record {
        let mut r = Record::new(
            0,
            format_rfc3339(self.clock.now()),
            RecordType::Recovery,
            String::new(),
        );
        r.note = Some(note);
        r
    }

    /// Appends an event, rotating first when the live file has reached `max_bytes`.
    fn append(&mut self, rec: Record) {
        if self.size + self.buf.len() as u64 >= self.max_bytes {
            self.rotate();
        }
        self.push(rec);
        self.buf_events += 1;
        if let Some(s) = &self.signing
            && self.since_checkpoint >= s.every_records.max(1)
        {
            self.checkpoint();
        }
    }

    /// Seals `rec` onto the chain; a new file whose chain has a past first gets its
    /// rotation record.
    fn push(&mut self, rec: Record) {
        if rec.record_type != RecordType::Rotation {
            self.ensure_file_start();
        }
        self.push_raw(rec);
    }

    fn ensure_file_start(&mut self) {
        if self.size == 0 && self.buf.is_empty() && self.prev != GENESIS {
            let mut rot = Record::new(
                0,
                format_rfc3339(self.clock.now()),
                RecordType::Rotation,
                String::new(),
            );
            rot.from.clone_from(&self.continues_from);
            self.push_raw(rot);
        }
    }

    fn push_raw(&mut self, mut rec: Record) {
        if rec.record_type != RecordType::Checkpoint {
            self.since_checkpoint += 1;
        }
        rec.seq = self.seq;
        rec.prev = std::mem::take(&mut self.prev);
        let line = seal(&rec);
        self.prev = line_hash(&line);
        self.seq += 1;
        self.buf.extend_from_slice(&line);
        self.buf.push(b'\n');
    }

    /// A signed checkpoint of the current head, when the log has a key and anything
    /// happened since the last one.
    fn checkpoint(&mut self) {
        if self.since_checkpoint > 0 {
            self.checkpoint_now();
        }
    }

    /// A signed checkpoint of the current head, when the log has a key.
    fn checkpoint_now(&mut self) {
        if self.signing.is_none() {
            return;
        }
        self.ensure_file_start();
        let Some(s) = &self.signing else { return };
        let time = format_rfc3339(self.clock.now());
        let mut rec = Record::new(0, time.clone(), RecordType::Checkpoint, String::new());
        rec.key = Some(s.key.public_key().to_hex());
        rec.sig = Some(s.key.sign_checkpoint(self.seq, &time, &self.prev));
        self.push_raw(rec);
        self.since_checkpoint = 0;
        self.last_checkpoint = Instant::now();
    }

    fn checkpoint_wait(&self) -> Option<Duration> {
        let s = self.signing.as_ref()?;
        (self.since_checkpoint > 0).then(|| s.every.saturating_sub(self.last_checkpoint.elapsed()))
    }

    fn checkpoint_if_due(&mut self) {
        if self.checkpoint_wait() == Some(Duration::ZERO) {
            self.checkpoint();
        }
    }

    /// Notes records lost or dropped since the last successful write.
    fn note_gaps(&mut self) {
        let dropped = self.shared.dropped.load(Ordering::Relaxed);
        let new_dropped = dropped - self.dropped_noted;
        if self.lost == 0 && new_dropped == 0 {
            return;
        }
        let mut parts = Vec::new();
        if self.lost > 0 {
            parts.push(format!(
                "{} record(s) lost to failed writes (last error: {})",
                self.lost,
                self.lost_error.as_deref().unwrap_or("unknown")
            ));
        }
        if new_dropped > 0 {
            parts.push(format!(
                "{new_dropped} record(s) dropped because the queue was full"
            ));
        }
        let mut rec = self.recovery(parts.join("; "));
        rec.lost = Some(self.lost + new_dropped);
        self.push(rec);
        self.gap_in_buf = Some((self.lost, dropped));
    }

    /// Writes `buf` and syncs when asked. Failures are recorded in `batch_error`, counted,
    /// and undone so the chain on disk stays valid.
    fn commit(&mut self, sync: bool) {
        if self.buf.is_empty() && !sync {
            return;
        }
        let Some(file) = self.file.as_mut() else {
            self.fail_batch("the audit file is not open".into());
            return;
        };
        if !self.buf.is_empty() {
            if let Err(e) = file.write_all(&self.buf) {
                // Cut off whatever part of the batch reached the file; if even that fails,
                // reopen (and repair a torn line) before the next batch.
                if file.set_len(self.size).is_err() {
                    self.file = None;
                }
                self.fail_batch(format!("write to {} failed: {e}", self.path.display()));
                return;
            }
            self.size += self.buf.len() as u64;
            self.buf.clear();
            self.committed_seq = self.seq;
            self.committed_prev.clone_from(&self.prev);
            self.shared
                .written
                .fetch_add(self.buf_events, Ordering::Relaxed);
            self.buf_events = 0;
            if let Some((lost, dropped)) = self.gap_in_buf.take() {
                self.lost -= lost;
                self.dropped_noted = dropped;
            }
        }
        if sync
            && let Some(file) = self.file.as_ref()
            && let Err(e) = file.sync_data()
        {
            // The bytes are in the file but may not survive a crash.
            let msg = format!("fsync of {} failed: {e}", self.path.display());
            tracing::error!(error = %msg, "audit log not durable");
            self.shared.set_error(msg.clone());
            self.batch_error.get_or_insert(msg);
            return;
        }
        self.shared.healthy.store(true, Ordering::SeqCst);
    }

    fn fail_batch(&mut self, error: String) {
        let n = self.buf_events;
        tracing::error!(error = %error, records = n, "audit write failed; records lost");
        self.buf.clear();
        self.buf_events = 0;
        self.gap_in_buf = None;
        self.seq = self.committed_seq;
        self.prev.clone_from(&self.committed_prev);
        self.lost += n;
        self.lost_error = Some(error.clone());
        self.since_checkpoint = self.since_checkpoint.max(1);
        self.shared.failed.fetch_add(n, Ordering::Relaxed);
        self.shared.set_error(error.clone());
        self.batch_error.get_or_insert(error);
    }

    /// Reopens the live file after a failure, taking the chain head from the disk.
    fn reopen(&mut self) {
        match resume(&self.path) {
            Ok(r) => {
                tracing::info!(path = %self.path.display(), "audit log reopened");
                self.adopt(r);
            }
            Err(e) => {
                tracing::error!(error = %e, "audit log can't be reopened");
                self.shared.set_error(e.to_string());
            }
        }
    }

    /// Closes the live file as the next `PATH.N` and starts a new one. The old file ends
    /// with a checkpoint (when signing); the new one starts with a rotation record.
    fn rotate(&mut self) {
        if self.rotation_retry_at.is_some_and(|t| Instant::now() < t) {
            return;
        }
        self.checkpoint();
        self.commit(true);
        if !self.buf.is_empty() || self.file.is_none() {
            return;
        }
        let next = match rotated_segments(&self.path) {
            Ok(segs) => segs.last().map_or(1, |(n, _)| n + 1),
            Err(e) => {
                self.rotation_failed(format!("listing rotated files failed: {e}"));
                return;
            }
        };
        let target = rotated_path(&self.path, next);
        if let Err(e) = std::fs::rename(&self.path, &target) {
            self.rotation_failed(format!("renaming to {} failed: {e}", target.display()));
            return;
        }
        if let Some(dir) = self.path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        tracing::info!(to = %target.display(), "audit log rotated");
        self.file = None; // releases the old file's lock
        self.size = 0;
        self.continues_from = target.file_name().map(|n| n.to_string_lossy().into_owned());
        match open_locked(&self.path) {
            Ok(f) => {
                self.file = Some(f);
                // The new file starts signed (rotation record, checkpoint), so it verifies
                // on its own once older files are archived.
                self.checkpoint_now();
            }
            Err(e) => {
                tracing::error!(error = %e, "can't open a new audit file after rotation");
                self.shared.set_error(e.to_string());
            }
        }
    }

    fn rotation_failed(&mut self, why: String) {
        tracing::error!(path = %self.path.display(), error = %why, "audit log rotation failed; still writing to the current file");
        self.rotation_retry_at = Some(Instant::now() + ROTATION_RETRY);
    }
}
