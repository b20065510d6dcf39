//! `toolgate audit verify|tail|query|keygen`: check and read the decision log. The logic
//! (chain checks, filters, table rows) lives in `toolgate-audit`; this file parses flags,
//! picks the files and prints.
//!
//! `verify` exits 0 when the chain holds, 1 when it was tampered with (the first bad record
//! is named as FILE:LINE), 2 when a file or key can't be read, and 3 when, under
//! `--public-key`, records follow the last signed checkpoint (the chain proves them
//! consistent, but anyone who can write the file could have written them) unless
//! `--allow-unsigned-tail` accepts them for a live log.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, anyhow};
use toolgate_audit::time::parse_time_spec;
use toolgate_audit::{
    AuditKey, Filter, Follower, PublicKey, Record, Rows, Verdict, VerifyOptions, chain_files,
    default_audit_path, format_row, table_header,
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
    /// Audit files; a live file brings its rotated files (PATH.1, PATH.2, …) along.
    /// Default: the default audit log.
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
    /// The live audit file (default: the default audit log).
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
    /// The live audit file (default: the default audit log).
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

fn verify(args: &VerifyArgs) -> ExitCode {
    let io_fail = |e: anyhow::Error| {
        eprintln!("toolgate audit verify: {e:#}");
        ExitCode::from(EXIT_IO)
    };
    let paths = if args.paths.is_empty() {
        match resolve_path(None) {
            Ok(p) => vec![p],
            Err(e) => return io_fail(e),
        }
    } else {
        args.paths.clone()
    };
    let files = match expand(&paths) {
        Ok(f) => f,
        Err(e) => return io_fail(e),
    };
    let public_key = match args.public_key.as_deref().map(PublicKey::from_hex_or_file) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(e)) => return io_fail(e.into()),
    };
    let options = VerifyOptions {
        public_key,
        allow_unsigned_tail: args.allow_unsigned_tail,
    };
    let report = match toolgate_audit::verify(&files, &options) {
        Ok(r) => r,
        Err(e) => return io_fail(e.into()),
    };
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    if let Some(p) = &report.problem {
        crate::pipe::verdict(EXIT_TAMPERED);
        println!("TAMPERED {p}");
        println!(
            "  {} record(s) checked before it; everything from this line on is untrusted",
            report.records
        );
        return ExitCode::from(EXIT_TAMPERED);
    }
    if let Some(tail) = &report.unsigned {
        if !report.tail_allowed {
            crate::pipe::verdict(EXIT_UNSIGNED_TAIL);
            println!("UNSIGNED {tail}");
            println!(
                "  the chain up to that checkpoint is proven; the records after it are consistent \
                 with it, but anyone who can write the file could have written them. A live log \
                 has such a tail until its next checkpoint: --allow-unsigned-tail accepts it"
            );
            return ExitCode::from(EXIT_UNSIGNED_TAIL);
        }
        eprintln!(
            "warning: {tail}; accepted (--allow-unsigned-tail), but nothing proves who wrote them"
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
        "ok: {} record(s) in {} file(s){signed}; head {}",
        report.records,
        report.files.len(),
        report.head
    );
    ExitCode::SUCCESS
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
    let path = resolve_path(args.path.as_deref())?;
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
    let rows = toolgate_audit::query(&expand(&[path])?, &filter)?;
    quiet_pipe(print_rows(
        &rows,
        args.filter.json,
        &mut std::io::stdout().lock(),
    ))
}

fn tail(args: &TailArgs) -> Result<()> {
    let path = resolve_path(args.path.as_deref())?;
    let mut filter = filter_of(&args.filter);
    filter.limit = Some(args.lines);
    // Read up to the current end; the follower starts exactly there.
    let start = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let rows = toolgate_audit::tail(&expand(std::slice::from_ref(&path))?, &filter, Some(start))?;
    let mut out = std::io::stdout().lock();
    if print_rows(&rows, args.filter.json, &mut out).is_err() || !args.follow {
        return Ok(());
    }
    drop(out);
    let mut follower = Follower::new(&path, start);
    loop {
        let mut out = std::io::stdout().lock();
        for line in follower.poll()? {
            let Ok(record) = serde_json::from_slice::<Record>(&line) else {
                continue;
            };
            if !filter.matches(&record) {
                continue;
            }
            let written = if args.filter.json {
                out.write_all(&line).and_then(|()| out.write_all(b"\n"))
            } else {
                writeln!(out, "{}", format_row(&record))
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
