//! `toolgate audit verify|tail|query|keygen`: check and read the decision log. The logic
//! (chain checks, filters, table rows) lives in `toolgate-audit`; this file parses flags,
//! picks the files and prints.
//!
//! `verify` exits 0 when the chain holds, 1 when it was tampered with (the first bad record
//! is named as FILE:LINE), 2 when a file or key can't be read, and 3 when, under
//! `--public-key`, records follow the last signed checkpoint (the chain proves them
//! consistent, but anyone who can write the file could have written them) unless
//! `--allow-unsigned-tail` accepts them for a live log.
//!
//! Without a path (or given a directory) every command reads every chain of the default
//! log's directory: `audit.jsonl` and the `audit-N.jsonl` that gateways which found it in
//! use write beside it (`toolgate_audit::set`). `verify` proves each chain on its own and
//! reports each; `tail`, `query` (and `toolgate status`) merge their records by time. Given
//! one file, they read that chain, and say on stderr which chains beside it they left out.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, anyhow};
use toolgate_audit::time::parse_time_spec;
use toolgate_audit::{
    AuditKey, Filter, Follower, PublicKey, Record, Report, Rows, Verdict, VerifyOptions,
    chain_files, default_audit_path, format_row, log_set, query_chains, set_chains, table_header,
    tail_chains,
};

const EXIT_TAMPERED: u8 = 1;
const EXIT_IO: u8 = 2;
const EXIT_UNSIGNED_TAIL: u8 = 3;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Prove the hash chain and checkpoint signatures; exit 0 ok, 1 tampered, 2 I/O error,
    /// 3 records after the last signed checkpoint (with --public-key).
    Verify(VerifyArgs),
    /// Show the latest records; `-f` keeps following the log (across rotations).
    Tail(TailArgs),
    /// Search records by identity, tool, verdict and time.
    Query(QueryArgs),
    /// Create an Ed25519 key for signed checkpoints (`--audit-key FILE`); prints its public key.
    Keygen(KeygenArgs),
}

#[derive(clap::Args)]
struct VerifyArgs {
    /// Audit files, verified as one chain; a live file brings its rotated files (PATH.1,
    /// PATH.2, …) along. A directory: each chain in it (audit.jsonl, audit-N.jsonl) on its
    /// own. Default: every chain of the default audit log's directory.
    paths: Vec<PathBuf>,
    /// Checkpoints must be signed by this key (64 hex digits, or a file holding them).
    #[arg(long, value_name = "HEX|FILE")]
    public_key: Option<String>,
    /// With --public-key: accept records after the last signed checkpoint (a live log has
    /// them until its next checkpoint) and only warn about them, instead of exiting 3.
    #[arg(long)]
    allow_unsigned_tail: bool,
}

#[derive(clap::Args)]
struct FilterArgs {
    /// Only this identity (`*` wildcards allowed).
    #[arg(long)]
    identity: Option<String>,
    /// Only this tool (`*` wildcards allowed).
    #[arg(long)]
    tool: Option<String>,
    /// Only decisions with this verdict: allow, deny, approve, unknown_tool.
    #[arg(long, value_parser = parse_verdict)]
    verdict: Option<Verdict>,
    /// Print records as stored (one JSON object per line) instead of a table.
    #[arg(long)]
    json: bool,
    /// Include checkpoint, rotation and recovery records.
    #[arg(long)]
    all: bool,
}

#[derive(clap::Args)]
struct TailArgs {
    /// The live audit file, or a directory of chains (default: every chain of the default
    /// audit log's directory, merged by time).
    path: Option<PathBuf>,
    /// How many records to show first.
    #[arg(short = 'n', long, default_value_t = 10)]
    lines: usize,
    /// Keep printing records as they are written.
    #[arg(short = 'f', long)]
    follow: bool,
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(clap::Args)]
struct QueryArgs {
    /// The live audit file, or a directory of chains (default: every chain of the default
    /// audit log's directory, merged by time).
    path: Option<PathBuf>,
    /// From this time: RFC 3339 (2026-01-31T12:00:00Z) or an age (90s, 15m, 1h, 7d).
    #[arg(long)]
    since: Option<String>,
    /// Before this time (same forms).
    #[arg(long)]
    until: Option<String>,
    /// At most this many records (the oldest matching ones).
    #[arg(long)]
    limit: Option<usize>,
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(clap::Args)]
struct KeygenArgs {
    /// Where to write the secret key (created with mode 0600; never overwritten).
    out: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let result = match args.command {
        Command::Verify(a) => return verify(&a),
        Command::Tail(a) => tail(&a),
        Command::Query(a) => query(&a),
        Command::Keygen(a) => keygen(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("toolgate audit: {e:#}");
            ExitCode::from(EXIT_IO)
        }
    }
}

fn parse_verdict(s: &str) -> Result<Verdict, String> {
    Verdict::parse(s)
        .ok_or_else(|| format!("`{s}` is not a verdict: allow, deny, approve, unknown_tool"))
}

/// The given path, or the default audit log.
pub(crate) fn resolve_path(path: Option<&Path>) -> Result<PathBuf> {
    match path {
        Some(p) => Ok(p.to_path_buf()),
        None => default_audit_path().ok_or_else(|| {
            anyhow!("no audit log given and no default (set XDG_DATA_HOME or HOME, or pass a path)")
        }),
    }
}

/// Each path with its rotated files before it, without repeats.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = Vec::new();
    for p in paths {
        for f in chain_files(p).with_context(|| format!("listing the files of {}", p.display()))? {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    Ok(out)
}

/// The chains a reader reads: every chain of the default log's directory, of a directory
/// given, or the one chain of a file given (saying on stderr which chains beside it are
/// left out). Each chain is its files in order, with its live path first for labels.
pub(crate) fn chains_for(path: Option<&Path>) -> Result<Vec<(PathBuf, Vec<PathBuf>)>> {
    let base = match path {
        None => resolve_path(None)?,
        Some(p) if p.is_dir() => p.join(DEFAULT_NAME),
        Some(p) => {
            note_left_out(p, 1);
            return Ok(vec![(p.to_path_buf(), expand(&[p.to_path_buf()])?)]);
        }
    };
    let lives = log_set(&base).with_context(|| format!("listing {}", base.display()))?;
    let chains =
        set_chains(&base).with_context(|| format!("listing the files of {}", base.display()))?;
    Ok(lives.into_iter().zip(chains).collect())
}

/// The default log's file name, whose directory holds the set of chains.
const DEFAULT_NAME: &str = "audit.jsonl";

/// A note on stderr when `given` of the chains in `path`'s set were read and others exist.
fn note_left_out(path: &Path, given: usize) {
    let Ok(set) = log_set(path) else { return };
    let others: Vec<String> = set
        .iter()
        .skip(1)
        .filter(|p| chain_files(p).is_ok_and(|f| f.iter().any(|f| f.exists())))
        .map(|p| p.display().to_string())
        .collect();
    if others.len() + 1 > given && !others.is_empty() {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        eprintln!(
            "note: {} other audit chain(s) beside {} were not read: {}; pass the directory ({}) to read them all",
            others.len(),
            path.display(),
            others.join(", "),
            dir.display()
        );
    }
}

fn verify(args: &VerifyArgs) -> ExitCode {
    let io_fail = |e: anyhow::Error| {
        eprintln!("toolgate audit verify: {e:#}");
        ExitCode::from(EXIT_IO)
    };
    // One job per chain: the files given are one chain (as always), each directory (and
    // the default) gives one job per chain in it.
    let mut jobs: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    let files: Vec<PathBuf> = args.paths.iter().filter(|p| !p.is_dir()).cloned().collect();
    if !files.is_empty() {
        if let [one] = files.as_slice() {
            note_left_out(one, 1);
        }
        match expand(&files) {
            Ok(f) => jobs.push((files[0].clone(), f)),
            Err(e) => return io_fail(e),
        }
    }
    let dirs: Vec<Option<&Path>> = if args.paths.is_empty() {
        vec![None]
    } else {
        args.paths
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| Some(p.as_path()))
            .collect()
    };
    for dir in dirs {
        match chains_for(dir) {
            Ok(chains) => jobs.extend(chains),
            Err(e) => return io_fail(e),
        }
    }
    let public_key = match args.public_key.as_deref().map(PublicKey::from_hex_or_file) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(e)) => return io_fail(e.into()),
    };
    let options = VerifyOptions {
        public_key,
        allow_unsigned_tail: args.allow_unsigned_tail,
    };
    // A chain that was never written (the default log before any gateway ran) is skipped
    // when others exist; alone it is verified as before (an empty log).
    if jobs.len() > 1 {
        jobs.retain(|(_, files)| files.iter().any(|f| f.exists()));
    }
    let results: Vec<(PathBuf, Result<Report, String>)> = jobs
        .iter()
        .map(|(live, files)| {
            let r = toolgate_audit::verify(files, &options).map_err(|e| format!("{e}"));
            (live.clone(), r)
        })
        .collect();
    let codes: Vec<u8> = results
        .iter()
        .map(|(_, r)| match r {
            Err(_) => EXIT_IO,
            Ok(r) if r.problem.is_some() => EXIT_TAMPERED,
            Ok(r) if r.unsigned.is_some() && !r.tail_allowed => EXIT_UNSIGNED_TAIL,
            Ok(_) => 0,
        })
        .collect();
    let worst = [EXIT_TAMPERED, EXIT_IO, EXIT_UNSIGNED_TAIL]
        .into_iter()
        .find(|c| codes.contains(c))
        .unwrap_or(0);
    crate::pipe::verdict(worst);
    let several = results.len() > 1;
    for (live, result) in &results {
        let label = if several {
            format!("{}: ", live.display())
        } else {
            String::new()
        };
        match result {
            Err(e) => eprintln!("toolgate audit verify: {label}{e}"),
            Ok(report) => print_report(report, args, &label),
        }
    }
    if several {
        let bad = codes.iter().filter(|c| **c != 0).count();
        if bad == 0 {
            println!("ok: all {} audit chains verified", results.len());
        } else {
            println!(
                "{bad} of {} audit chains did not verify (see above)",
                results.len()
            );
        }
    }
    ExitCode::from(worst)
}

/// Prints one chain's verdict; `label` names the chain when there are several.
fn print_report(report: &Report, args: &VerifyArgs, label: &str) {
    for note in &report.notes {
        eprintln!("note: {label}{note}");
    }
    if let Some(p) = &report.problem {
        println!("TAMPERED {p}");
        println!(
            "  {} record(s) checked before it; everything from this line on is untrusted",
            report.records
        );
        return;
    }
    if let Some(tail) = &report.unsigned {
        if !report.tail_allowed {
            println!("UNSIGNED {tail}");
            println!(
                "  the chain up to that checkpoint is proven; the records after it are consistent \
                 with it, but anyone who can write the file could have written them. A live log \
                 has such a tail until its next checkpoint: --allow-unsigned-tail accepts it"
            );
            return;
        }
        eprintln!(
            "warning: {label}{tail}; accepted (--allow-unsigned-tail), but nothing proves who wrote them"
        );
    }
    let signed = match (&args.public_key, &report.last_signed) {
        (Some(_), Some(last)) => format!(
            ", {} checkpoint(s) signed by the given key (the last at {last}), {} record(s) after it",
            report.signatures_verified, report.unsigned_tail
        ),
        (Some(_), None) => ", no records to sign".to_string(),
        (None, _) => format!(
            ", {} checkpoint(s) (signatures not checked against a trusted key)",
            report.checkpoints
        ),
    };
    println!(
        "{label}ok: {} record(s) in {} file(s){signed}; head {}",
        report.records,
        report.files.len(),
        report.head
    );
}

fn filter_of(f: &FilterArgs) -> Filter {
    Filter {
        identity: f.identity.clone(),
        tool: f.tool.clone(),
        verdict: f.verdict,
        all_types: f.all,
        ..Filter::default()
    }
}

fn print_rows(rows: &Rows, json: bool, out: &mut impl Write) -> std::io::Result<()> {
    if !json {
        writeln!(out, "{}", table_header())?;
    }
    for row in &rows.rows {
        if json {
            writeln!(out, "{}", row.line)?;
        } else {
            writeln!(out, "{}", format_row(&row.record))?;
        }
    }
    if rows.unreadable > 0 {
        eprintln!(
            "warning: {} line(s) could not be read as records; run `toolgate audit verify`",
            rows.unreadable
        );
    }
    out.flush()
}

/// A closed pipe (`| head`) ends the output quietly; other write errors are errors.
fn quiet_pipe(r: std::io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn query(args: &QueryArgs) -> Result<()> {
    let chains: Vec<Vec<PathBuf>> = chains_for(args.path.as_deref())?
        .into_iter()
        .map(|(_, files)| files)
        .collect();
    let now = SystemTime::now();
    let mut filter = filter_of(&args.filter);
    filter.since = args
        .since
        .as_deref()
        .map(|s| parse_time_spec(s, now))
        .transpose()?;
    filter.until = args
        .until
        .as_deref()
        .map(|s| parse_time_spec(s, now))
        .transpose()?;
    filter.limit = args.limit;
    let rows = query_chains(&chains, &filter)?;
    quiet_pipe(print_rows(
        &rows,
        args.filter.json,
        &mut std::io::stdout().lock(),
    ))
}

fn tail(args: &TailArgs) -> Result<()> {
    let chains = chains_for(args.path.as_deref())?;
    let mut filter = filter_of(&args.filter);
    filter.limit = Some(args.lines);
    // Read up to each live file's current end; its follower starts exactly there.
    let starts: Vec<u64> = chains
        .iter()
        .map(|(live, _)| std::fs::metadata(live).map(|m| m.len()).unwrap_or(0))
        .collect();
    let files: Vec<Vec<PathBuf>> = chains.iter().map(|(_, f)| f.clone()).collect();
    let caps: Vec<Option<u64>> = starts.iter().map(|s| Some(*s)).collect();
    let rows = tail_chains(&files, &filter, &caps)?;
    let mut out = std::io::stdout().lock();
    if print_rows(&rows, args.filter.json, &mut out).is_err() || !args.follow {
        return Ok(());
    }
    drop(out);
    let mut followers: Vec<(PathBuf, Follower)> = chains
        .iter()
        .zip(&starts)
        .map(|((live, _), start)| (live.clone(), Follower::new(live, *start)))
        .collect();
    // Following the default set also picks up chains that gateways start meanwhile.
    let watch_set = args
        .path
        .as_deref()
        .is_none_or(Path::is_dir)
        .then(|| chains.first().map(|(live, _)| live.clone()))
        .flatten();
    loop {
        if let Some(base) = &watch_set {
            for live in log_set(base).unwrap_or_default() {
                if !followers.iter().any(|(p, _)| *p == live) {
                    followers.push((live.clone(), Follower::new(&live, 0)));
                }
            }
        }
        let mut batch: Vec<(Record, Vec<u8>)> = Vec::new();
        for (_, follower) in &mut followers {
            for line in follower.poll()? {
                let Ok(record) = serde_json::from_slice::<Record>(&line) else {
                    continue;
                };
                if filter.matches(&record) {
                    batch.push((record, line));
                }
            }
        }
        // Several chains: show what arrived in this round in time order.
        batch.sort_by(|a, b| a.0.time.cmp(&b.0.time));
        let mut out = std::io::stdout().lock();
        for (record, line) in &batch {
            let written = if args.filter.json {
                out.write_all(line).and_then(|()| out.write_all(b"\n"))
            } else {
                writeln!(out, "{}", format_row(record))
            };
            if written.and_then(|()| out.flush()).is_err() {
                return Ok(()); // the reader went away
            }
        }
        drop(out);
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn keygen(args: &KeygenArgs) -> Result<()> {
    let key = AuditKey::generate()?;
    key.write_new(&args.out)?;
    let public = key.public_key().to_hex();
    println!("{public}");
    eprintln!(
        "wrote the secret key to {} (mode 0600). Run the gateway with --audit-key {}; check logs with\n  toolgate audit verify --public-key {public} PATH",
        args.out.display(),
        args.out.display()
    );
    Ok(())
}
