//! Reading a log back: filters (identity, tool, verdict, time range, limit), the first or
//! last matches across rotated files, a follower for `tail -f`, and the one-line table form
//! shared by `toolgate audit tail` and `query`. Reading never verifies the chain (that is
//! `verify`'s job) and skips lines it can't parse, counting them.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::AuditError;
use crate::record::{ApprovalStage, Record, RecordType, Verdict};
use crate::segment::{read_tail, rotated_segments};
use crate::time::parse_rfc3339;

/// Which records to show. Text filters match exactly or with `*` wildcards.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub identity: Option<String>,
    pub tool: Option<String>,
    /// Only decisions with this verdict.
    pub verdict: Option<Verdict>,
    pub since: Option<SystemTime>,
    pub until: Option<SystemTime>,
    /// Most rows to return (the first ones for `query`, the last ones for `tail`).
    pub limit: Option<usize>,
    /// Include checkpoint, rotation and recovery records (default: decisions, outcomes and
    /// approval steps).
    pub all_types: bool,
}

impl Filter {
    pub fn matches(&self, r: &Record) -> bool {
        if !self.all_types
            && !matches!(
                r.record_type,
                RecordType::Decision | RecordType::Outcome | RecordType::Approval
            )
        {
            return false;
        }
        if let Some(v) = self.verdict
            && r.verdict != Some(v)
        {
            return false;
        }
        let text = |pat: &Option<String>, val: &Option<String>| match pat {
            None => true,
            Some(p) => val.as_deref().is_some_and(|v| glob(p, v)),
        };
        if !text(&self.identity, &r.identity) || !text(&self.tool, &r.tool) {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Ok(t) = parse_rfc3339(&r.time) else {
                return false;
            };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        true
    }
}

/// A matching record with its exact line (for `--json`, which prints lines as stored).
#[derive(Debug, Clone)]
pub struct Row {
    pub line: String,
    pub record: Record,
}

/// Rows in log order, and how many lines could not be read as records.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub rows: Vec<Row>,
    pub unreadable: u64,
}

/// The first `limit` matches, oldest first. Rotated files that end before `since` are
/// skipped without being read.
pub fn query(paths: &[PathBuf], filter: &Filter) -> Result<Rows, AuditError> {
    let mut out = Rows::default();
    let limit = filter.limit.unwrap_or(usize::MAX);
    for_each_record(paths, filter, None, &mut out.unreadable, |row| {
        out.rows.push(row);
        out.rows.len() < limit
    })?;
    Ok(out)
}

/// The last `limit` matches (default 10), oldest first. `live_len` caps how much of the
/// last file is read, so a follower started at that offset sees every later line once.
pub fn tail(paths: &[PathBuf], filter: &Filter, live_len: Option<u64>) -> Result<Rows, AuditError> {
    let limit = filter.limit.unwrap_or(10);
    let mut ring = std::collections::VecDeque::with_capacity(limit.min(4096));
    let mut unreadable = 0;
    if limit > 0 {
        for_each_record(paths, filter, live_len, &mut unreadable, |row| {
            if ring.len() == limit {
                ring.pop_front();
            }
            ring.push_back(row);
            true
        })?;
    }
    Ok(Rows {
        rows: ring.into(),
        unreadable,
    })
}

/// Every record of `paths` (oldest first) that `filter` matches; `f` returns false to stop.
pub fn for_each_record(
    paths: &[PathBuf],
    filter: &Filter,
    live_len: Option<u64>,
    unreadable: &mut u64,
    mut f: impl FnMut(Row) -> bool,
) -> Result<(), AuditError> {
    for (i, path) in paths.iter().enumerate() {
        let last = i + 1 == paths.len();
        if !last
            && let Some(since) = filter.since
            && ends_before(path, since)?
        {
            continue;
        }
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && last => return Ok(()),
            Err(e) => return Err(AuditError::io(path, "opening", e)),
        };
        let cap = if last {
            live_len.unwrap_or(u64::MAX)
        } else {
            u64::MAX
        };
        let mut reader = BufReader::new(file.take(cap));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| AuditError::io(path, "reading", e))?;
            if n == 0 {
                break;
            }
            if buf.pop() != Some(b'\n') {
                break; // a line still being written
            }
            match serde_json::from_slice::<Record>(&buf) {
                Ok(record) if filter.matches(&record) => {
                    let line = String::from_utf8_lossy(&buf).into_owned();
                    if !f(Row { line, record }) {
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(_) => *unreadable += 1,
            }
        }
    }
    Ok(())
}

/// True when the file's last record is older than `since`.
fn ends_before(path: &Path, since: SystemTime) -> Result<bool, AuditError> {
    let f = File::open(path).map_err(|e| AuditError::io(path, "opening", e))?;
    let len = f
        .metadata()
        .map_err(|e| AuditError::io(path, "reading metadata", e))?
        .len();
    let tail = read_tail(&f, len).map_err(|e| AuditError::io(path, "reading the tail", e))?;
    Ok(tail
        .last_line
        .and_then(|l| serde_json::from_slice::<Record>(&l).ok())
        .and_then(|r| parse_rfc3339(&r.time).ok())
        .is_some_and(|t| t < since))
}

/// Follows the live file like `tail -f`, across rotations: when `PATH` is replaced, the
/// rest of the old file is read before switching to the new one.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    file: Option<File>,
    pos: u64,
    partial: Vec<u8>,
}

impl Follower {
    /// Starts at byte `offset` of the current file (e.g. where [`tail`] stopped).
    pub fn new(path: &Path, offset: u64) -> Self {
        Follower {
            path: path.to_path_buf(),
            file: File::open(path).ok(),
            pos: offset,
            partial: Vec::new(),
        }
    }

    /// Complete lines appended since the last poll.
    pub fn poll(&mut self) -> Result<Vec<Vec<u8>>, AuditError> {
        let mut lines = Vec::new();
        if self.file.is_none() {
            match File::open(&self.path) {
                Ok(f) => {
                    self.file = Some(f);
                    self.pos = 0;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(lines),
                Err(e) => return Err(AuditError::io(&self.path, "opening", e)),
            }
        }
        // Check first: once PATH names a new file the writer is done with the old one, so
        // reading the old one to its end afterwards misses nothing.
        let replaced = self.replaced()?;
        self.read_new(&mut lines)?;
        if replaced {
            // Several rotations may have happened since the last poll: read the segments
            // written after the one we held, then switch to the live file.
            for seg in self.segments_after_held()? {
                self.file = File::open(&seg).ok();
                self.pos = 0;
                self.partial.clear();
                self.read_new(&mut lines)?;
            }
            self.file = File::open(&self.path).ok();
            self.pos = 0;
            self.partial.clear();
            if self.file.is_some() {
                self.read_new(&mut lines)?;
            }
        }
        Ok(lines)
    }

    fn read_new(&mut self, lines: &mut Vec<Vec<u8>>) -> Result<(), AuditError> {
        let Some(mut f) = self.file.as_ref() else {
            return Ok(());
        };
        let len = f
            .metadata()
            .map_err(|e| AuditError::io(&self.path, "reading metadata", e))?
            .len();
        if len < self.pos {
            self.pos = 0; // truncated in place
            self.partial.clear();
        }
        let mut chunk = Vec::new();
        f.seek(SeekFrom::Start(self.pos))
            .and_then(|_| f.take(len - self.pos).read_to_end(&mut chunk))
            .map_err(|e| AuditError::io(&self.path, "reading", e))?;
        self.pos += chunk.len() as u64;
        self.partial.extend_from_slice(&chunk);
        while let Some(i) = self.partial.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.partial.drain(..=i).collect();
            line.pop();
            lines.push(line);
        }
        Ok(())
    }

    /// True when `PATH` now names another file than the one we hold.
    fn replaced(&self) -> Result<bool, AuditError> {
        let Some(f) = &self.file else {
            return Ok(false);
        };
        let now = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(AuditError::io(&self.path, "reading metadata", e)),
        };
        let held = f
            .metadata()
            .map_err(|e| AuditError::io(&self.path, "reading metadata", e))?;
        Ok(!same_file(&now, &held))
    }

    /// Rotated segments newer than the file we hold (none when it can't be found).
    fn segments_after_held(&self) -> Result<Vec<PathBuf>, AuditError> {
        let Some(held) = self.file.as_ref().and_then(|f| f.metadata().ok()) else {
            return Ok(Vec::new());
        };
        let segs = rotated_segments(&self.path)
            .map_err(|e| AuditError::io(&self.path, "listing rotated files", e))?;
        let at = segs
            .iter()
            .position(|(_, p)| std::fs::metadata(p).is_ok_and(|m| same_file(&m, &held)));
        Ok(match at {
            Some(i) => segs[i + 1..].iter().map(|(_, p)| p.clone()).collect(),
            None => Vec::new(),
        })
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.ino() == b.ino() && a.dev() == b.dev()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() >= b.len() && a.created().ok() == b.created().ok()
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Column header for [`format_row`].
pub fn table_header() -> String {
    format_columns([
        "TIME", "TYPE", "IDENTITY", "TOOL", "RESULT", "RULE", "DETAIL",
    ])
}

/// One record as a fixed-width table row.
pub fn format_row(r: &Record) -> String {
    let time = r
        .time
        .get(..19)
        .map(|t| t.replace('T', " "))
        .unwrap_or_default();
    let (result, detail) = match r.record_type {
        RecordType::Decision => {
            let verdict = r.verdict.map_or("-", Verdict::as_str);
            let result = match r.kind.as_deref() {
                Some(k) if k != verdict => format!("{verdict} ({k})"),
                _ => verdict.to_string(),
            };
            (result, r.reason.clone().unwrap_or_default())
        }
        RecordType::Outcome => {
            let o = r.outcome.map_or("-", |o| o.as_str()).to_string();
            let latency = r
                .latency_us
                .map(|us| format!("{:.1} ms", us as f64 / 1000.0))
                .unwrap_or_default();
            let detail = match &r.error {
                Some(e) if !latency.is_empty() => format!("{latency}; {e}"),
                Some(e) => e.clone(),
                None => latency,
            };
            (o, detail)
        }
        RecordType::Checkpoint => ("signed".into(), r.key.clone().unwrap_or_default()),
        RecordType::Rotation => ("continued".into(), r.from.clone().unwrap_or_default()),
        RecordType::Recovery => ("repaired".into(), r.note.clone().unwrap_or_default()),
        RecordType::Approval => approval_columns(r),
    };
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    format_columns([
        &time,
        r.record_type.as_str(),
        &dash(&r.identity),
        &dash(&r.tool),
        &result,
        &dash(&r.rule),
        &detail,
    ])
}

/// RESULT and DETAIL of an approval step: `approval requested` with the request id, or
/// `approval approved` with who answered and their comment.
fn approval_columns(r: &Record) -> (String, String) {
    let event = r.event.map_or("-", ApprovalStage::as_str);
    let mut detail = r.approval_id.clone().unwrap_or_default();
    if let Some(by) = &r.approver {
        detail.push_str(&format!(" by {by}"));
    }
    match (&r.comment, &r.reason) {
        (Some(c), _) => detail.push_str(&format!(": {c}")),
        (None, Some(reason)) if r.event == Some(ApprovalStage::Requested) => {
            detail.push_str(&format!(": {reason}"))
        }
        _ => {}
    }
    (format!("approval {event}"), detail)
}

fn format_columns(cols: [&str; 7]) -> String {
    const WIDTHS: [usize; 6] = [19, 10, 16, 24, 24, 20];
    let mut out = String::new();
    for (col, width) in cols.iter().zip(WIDTHS) {
        out.push_str(&fit(col, width));
        out.push_str("  ");
    }
    out.push_str(cols[6]);
    out.trim_end().to_string()
}

fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s:width$}")
    } else {
        let cut: String = s.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("a", "a"));
        assert!(!glob("a", "ab"));
        assert!(glob("create*", "createRefund"));
        assert!(glob("*Refund", "createRefund"));
        assert!(glob("c*e*d", "createRefund"));
        assert!(!glob("c*x*d", "createRefund"));
        assert!(glob("*", ""));
        assert!(!glob("ab*ba", "aba"));
    }
}
