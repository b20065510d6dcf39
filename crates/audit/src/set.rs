//! Several chains in one directory: the default log and the logs of gateways that found it
//! in use.
//!
//! One file has one writer (the writer locks it), so a second gateway on the same machine
//! (one per `mcpServers` entry is the usual desktop setup) can't append to the default
//! `audit.jsonl`. It writes a chain of its own beside it, `audit-N.jsonl`, taking the first
//! N from 2 whose file is free, so the number of files stays the number of gateways that
//! ever ran at once, and a restarted gateway continues a chain instead of starting one.
//! Readers take the whole set — `audit.jsonl` and every `audit-<digits>.jsonl` beside it
//! (older versions named them by process id; they match too) — and each chain is verified
//! on its own (a chain proves its own order, not another's). For display, records of all
//! chains are merged by time, each chain keeping its own order.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::AuditError;
use crate::query::{Filter, Row, Rows, for_each_record};
use crate::segment::chain_files;
use crate::status::{Summary, summarize};
use crate::time::parse_rfc3339;

/// How many chains beside the default one a directory may hold (`audit-2` … `audit-999`).
pub const MAX_SIBLINGS: u64 = 998;

/// `DIR/STEM-N.EXT` beside `base` (`DIR/STEM.EXT`): `audit.jsonl` → `audit-2.jsonl`.
pub fn sibling_path(base: &Path, n: u64) -> PathBuf {
    let (stem, ext) = stem_ext(base);
    base.with_file_name(format!("{stem}-{n}{ext}"))
}

fn stem_ext(base: &Path) -> (String, String) {
    let name = base
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match name.rfind('.') {
        Some(i) if i > 0 => (name[..i].to_owned(), name[i..].to_owned()),
        _ => (name, String::new()),
    }
}

/// The live path of every chain in `base`'s set: `base` itself (even when it does not
/// exist yet), then every `STEM-<digits>.EXT` beside it that exists, live or only as
/// rotated segments, by number.
pub fn log_set(base: &Path) -> std::io::Result<Vec<PathBuf>> {
    let (stem, ext) = stem_ext(base);
    let dir = match base.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![base.into()]),
        Err(e) => return Err(e),
    };
    let prefix = format!("{stem}-");
    let mut numbers = BTreeSet::new();
    for entry in entries {
        let name = entry?.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (number, after) = rest.split_at(digits);
        let Some(after) = after.strip_prefix(ext.as_str()) else {
            continue;
        };
        let rotated = after
            .strip_prefix('.')
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()));
        if !number.is_empty()
            && (after.is_empty() || rotated)
            && let Ok(n) = number.parse::<u64>()
        {
            numbers.insert(n);
        }
    }
    let mut out = vec![base.to_path_buf()];
    out.extend(numbers.into_iter().map(|n| sibling_path(base, n)));
    Ok(out)
}

/// The files of every chain in `base`'s set, each in chain order (see [`chain_files`]).
pub fn set_chains(base: &Path) -> std::io::Result<Vec<Vec<PathBuf>>> {
    log_set(base)?.iter().map(|p| chain_files(p)).collect()
}

/// The first `filter.limit` matches of all chains, oldest first.
pub fn query_chains(chains: &[Vec<PathBuf>], filter: &Filter) -> Result<Rows, AuditError> {
    let per_chain = chains
        .iter()
        .map(|files| crate::query::query(files, filter))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rows = merge_by_time(per_chain);
    if let Some(limit) = filter.limit {
        rows.rows.truncate(limit);
    }
    Ok(rows)
}

/// The last `filter.limit` (default 10) matches of all chains, oldest first. `live_lens`
/// caps each chain's live file as in [`crate::query::tail`].
pub fn tail_chains(
    chains: &[Vec<PathBuf>],
    filter: &Filter,
    live_lens: &[Option<u64>],
) -> Result<Rows, AuditError> {
    let per_chain = chains
        .iter()
        .enumerate()
        .map(|(i, files)| crate::query::tail(files, filter, live_lens.get(i).copied().flatten()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rows = merge_by_time(per_chain);
    let limit = filter.limit.unwrap_or(10);
    let extra = rows.rows.len().saturating_sub(limit);
    rows.rows.drain(..extra);
    Ok(rows)
}

/// [`crate::summarize_files`] over every chain, records taken in time order.
pub fn summarize_chains(
    chains: &[Vec<PathBuf>],
    since: Option<SystemTime>,
) -> Result<Summary, AuditError> {
    let filter = Filter {
        since,
        all_types: true,
        ..Filter::default()
    };
    let mut per_chain = Vec::new();
    for files in chains {
        let mut rows = Rows::default();
        for_each_record(files, &filter, None, &mut rows.unreadable, |row| {
            rows.rows.push(row);
            true
        })?;
        per_chain.push(rows);
    }
    let merged = merge_by_time(per_chain);
    let records: Vec<_> = merged.rows.iter().map(|r| &r.record).collect();
    let mut s = summarize(records, since);
    s.unreadable = merged.unreadable;
    Ok(s)
}

/// Merges rows of several chains by record time; each chain keeps its own order (a record
/// whose time can't be read goes with the one before it in its chain), ties go to the
/// chain listed first.
pub fn merge_by_time(chains: Vec<Rows>) -> Rows {
    let unreadable = chains.iter().map(|r| r.unreadable).sum();
    let mut queues: Vec<std::vec::IntoIter<Row>> =
        chains.into_iter().map(|r| r.rows.into_iter()).collect();
    let mut heads: Vec<Option<(Option<SystemTime>, Row)>> = queues
        .iter_mut()
        .map(|q| q.next().map(|r| (time_of(&r), r)))
        .collect();
    let mut out = Vec::new();
    loop {
        let mut best: Option<usize> = None;
        for (i, head) in heads.iter().enumerate() {
            let Some((t, _)) = head else { continue };
            let better = match best.and_then(|b| heads[b].as_ref()) {
                None => true,
                Some((bt, _)) => earlier(*t, *bt) == Ordering::Less,
            };
            if better {
                best = Some(i);
            }
        }
        let Some(i) = best else { break };
        let Some((t, row)) = heads[i].take() else {
            break;
        };
        out.push(row);
        heads[i] = queues[i].next().map(|r| {
            let next = time_of(&r).or(t);
            (next, r)
        });
    }
    Rows {
        rows: out,
        unreadable,
    }
}

fn time_of(row: &Row) -> Option<SystemTime> {
    parse_rfc3339(&row.record.time).ok()
}

/// Unknown times sort first (they keep their chain's order through the fallback above).
fn earlier(a: Option<SystemTime>, b: Option<SystemTime>) -> Ordering {
    a.cmp(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siblings_are_numbered_beside_the_default_log() {
        let base = Path::new("/d/audit.jsonl");
        assert_eq!(sibling_path(base, 2), Path::new("/d/audit-2.jsonl"));
        assert_eq!(sibling_path(Path::new("/d/log"), 3), Path::new("/d/log-3"));
    }

    #[test]
    fn the_set_is_the_default_log_and_every_numbered_chain() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "audit.jsonl",
            "audit.jsonl.1",
            "audit-2.jsonl",
            "audit-31337.jsonl.4", // only rotated segments left: still a chain
            "audit-x.jsonl",
            "audit-3.jsonl.bak",
            "audit-4.json",
            "other-5.jsonl",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let base = dir.path().join("audit.jsonl");
        let names: Vec<String> = log_set(&base)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["audit.jsonl", "audit-2.jsonl", "audit-31337.jsonl"]);
    }
}
