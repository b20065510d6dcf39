//! The files of one log and how a writer picks up where the last one stopped.
//!
//! Layout: the live file `PATH` and its rotated segments `PATH.1`, `PATH.2`, … in the order
//! they were written (`PATH.1` is the oldest; a rotation never renames an older segment, so
//! a crash mid-rotation can't scramble the order). A new file whose chain has a past starts
//! with a `rotation` record carrying the previous file's last hash.
//!
//! Resuming reads only the tail of the file: the last complete line gives the chain head and
//! the next sequence number; bytes after the last newline are a line torn by a crash and are
//! cut off (their length and hash are reported in a `recovery` record).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::chain::{GENESIS, line_hash, sha256_hex};
use crate::error::AuditError;
use crate::record::{Record, RecordType};

const TAIL_CHUNK: u64 = 64 * 1024;

/// `PATH.N` for rotation number `n`.
pub fn rotated_path(path: &Path, n: u64) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

/// The rotated segments of `path`, oldest first.
pub fn rotated_segments(path: &Path) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let prefix = format!("{name}.");
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(n) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .filter(|rest| !rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|rest| rest.parse::<u64>().ok())
        else {
            continue;
        };
        out.push((n, dir.join(&file_name)));
    }
    out.sort();
    Ok(out)
}

/// Every file of the log at `path` in chain order: rotated segments, then the live file.
pub fn chain_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = rotated_segments(path)?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    if path.exists() || files.is_empty() {
        files.push(path.to_path_buf());
    }
    Ok(files)
}

/// The end of a file: its last complete line and anything after it.
#[derive(Debug, Default)]
pub(crate) struct Tail {
    /// Offset just past the last newline (0 when there is none).
    pub end_of_complete: u64,
    /// The last complete line, without its newline.
    pub last_line: Option<Vec<u8>>,
    /// Bytes after the last newline: a line torn by a crash.
    pub torn: Vec<u8>,
}

/// Reads backwards from the end until the last complete line is in hand.
pub(crate) fn read_tail(mut f: &File, len: u64) -> std::io::Result<Tail> {
    let mut start = len;
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let last_nl = buf.iter().rposition(|&b| b == b'\n');
        let enough = match last_nl {
            Some(i) => buf[..i].contains(&b'\n') || start == 0,
            None => start == 0,
        };
        if enough {
            return Ok(match last_nl {
                None => Tail {
                    torn: buf,
                    ..Tail::default()
                },
                Some(i) => {
                    let line_start = buf[..i]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1);
                    Tail {
                        end_of_complete: start + i as u64 + 1,
                        last_line: Some(buf[line_start..i].to_vec()),
                        torn: buf[i + 1..].to_vec(),
                    }
                }
            });
        }
        let step = start.min(TAIL_CHUNK);
        start -= step;
        let mut chunk = vec![0u8; step as usize];
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&buf);
        buf = chunk;
    }
}

/// Opens (creating, mode 0600) and exclusively locks a log file for appending.
pub(crate) fn open_locked(path: &Path) -> Result<File, AuditError> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts
        .open(path)
        .map_err(|e| AuditError::io(path, "opening for append", e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(AuditError::Locked(path.to_path_buf())),
        Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
            tracing::warn!(path = %path.display(), "file locking is not supported here; make sure only one gateway writes this audit log");
            Ok(file)
        }
        Err(TryLockError::Error(e)) => Err(AuditError::io(path, "locking", e)),
    }
}

/// Where the chain stands when a writer opens a file.
#[derive(Debug)]
pub(crate) struct Resumed {
    pub file: File,
    /// Bytes in the file after any repair.
    pub size: u64,
    pub prev: String,
    pub next_seq: u64,
    /// Name of the rotated segment the chain continues from, when the file is new.
    pub continues_from: Option<String>,
    /// A torn last line that was cut off: (length, SHA-256).
    pub torn: Option<(u64, String)>,
    /// Something else worth a recovery record.
    pub note: Option<String>,
    /// The key (hex) of the chain's last record when that record is a checkpoint: a writer
    /// that closed the log cleanly left one there.
    pub closed_by: Option<String>,
}

/// Opens `path` for appending and finds the chain head: from the file's last line, or from
/// the newest rotated segment when the file is empty, or the genesis.
pub(crate) fn resume(path: &Path) -> Result<Resumed, AuditError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| AuditError::io(parent, "creating the directory", e))?;
    }
    let file = open_locked(path)?;
    let len = file
        .metadata()
        .map_err(|e| AuditError::io(path, "reading metadata", e))?
        .len();
    let mut r = Resumed {
        file,
        size: len,
        prev: GENESIS.to_string(),
        next_seq: 1,
        continues_from: None,
        torn: None,
        note: None,
        closed_by: None,
    };
    if len > 0 {
        let tail =
            read_tail(&r.file, len).map_err(|e| AuditError::io(path, "reading the tail", e))?;
        if !tail.torn.is_empty() {
            r.file
                .set_len(tail.end_of_complete)
                .and_then(|()| r.file.sync_all())
                .map_err(|e| AuditError::io(path, "cutting off a torn last line", e))?;
            tracing::warn!(
                path = %path.display(),
                bytes = tail.torn.len(),
                "the audit log ended in a torn line (a crash during a write?); cut it off and noted it in a recovery record"
            );
            r.size = tail.end_of_complete;
            r.torn = Some((tail.torn.len() as u64, sha256_hex(&tail.torn)));
        }
        if let Some(line) = tail.last_line {
            r.prev = line_hash(&line);
            match serde_json::from_slice::<Record>(&line) {
                Ok(last) => {
                    r.next_seq = last.seq + 1;
                    r.closed_by = closing_key(&last);
                }
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "the last audit record can't be read; the chain continues from its bytes (verify will report it)");
                    r.note = Some(format!(
                        "the last record before this one could not be read ({e})"
                    ));
                }
            }
            return Ok(r);
        }
    }
    let segments =
        rotated_segments(path).map_err(|e| AuditError::io(path, "listing rotated files", e))?;
    if let Some((_, seg)) = segments.last() {
        let f = File::open(seg).map_err(|e| AuditError::io(seg, "opening", e))?;
        let seg_len = f
            .metadata()
            .map_err(|e| AuditError::io(seg, "reading metadata", e))?
            .len();
        let tail =
            read_tail(&f, seg_len).map_err(|e| AuditError::io(seg, "reading the tail", e))?;
        if let Some(line) = tail.last_line {
            r.prev = line_hash(&line);
            if let Ok(last) = serde_json::from_slice::<Record>(&line) {
                r.next_seq = last.seq + 1;
                r.closed_by = closing_key(&last);
            }
            r.continues_from = seg.file_name().map(|n| n.to_string_lossy().into_owned());
        }
    }
    Ok(r)
}

/// The signing key of a checkpoint record.
fn closing_key(last: &Record) -> Option<String> {
    (last.record_type == RecordType::Checkpoint)
        .then(|| last.key.clone())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tail_of(bytes: &[u8]) -> Tail {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        read_tail(&f, bytes.len() as u64).unwrap()
    }

    #[test]
    fn tails() {
        let t = tail_of(b"a\nbb\n");
        assert_eq!(t.last_line.as_deref(), Some(&b"bb"[..]));
        assert_eq!((t.end_of_complete, t.torn.len()), (5, 0));
        let t = tail_of(b"a\nbb\ncc");
        assert_eq!(t.last_line.as_deref(), Some(&b"bb"[..]));
        assert_eq!((t.end_of_complete, &t.torn[..]), (5, &b"cc"[..]));
        let t = tail_of(b"only");
        assert_eq!(
            (t.last_line, t.end_of_complete, &t.torn[..]),
            (None, 0, &b"only"[..])
        );
        let t = tail_of(b"one\n");
        assert_eq!(t.last_line.as_deref(), Some(&b"one"[..]));
        let long = format!("x\n{}\n", "y".repeat(200_000));
        let t = tail_of(long.as_bytes());
        assert_eq!(t.last_line.unwrap().len(), 200_000);
    }

    #[test]
    fn segments_sort_numerically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        for n in [10, 2, 1] {
            std::fs::write(rotated_path(&path, n), "").unwrap();
        }
        std::fs::write(dir.path().join("audit.jsonl.bak"), "").unwrap();
        let segs: Vec<u64> = rotated_segments(&path)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(segs, [1, 2, 10]);
        assert_eq!(chain_files(&path).unwrap().len(), 3, "no live file yet");
    }
}
