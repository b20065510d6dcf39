//! `toolgate state show|reset`: look at and clear the counters behind rate limits and spend
//! caps, in whichever store `--state` names (the same flag as `toolgate run`).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;
use toolgate_state::{StoreOptions, SystemClock, default_sqlite_path, open_store_with_options};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// Counter store: `memory`, `sqlite` (platform data dir), `sqlite:PATH`, `redis://HOST:PORT/DB`.
    #[arg(long, env = "TOOLGATE_STATE", default_value = "sqlite", global = true)]
    state: String,
    /// Key prefix in Redis (default `toolgate`).
    #[arg(long, env = "TOOLGATE_STATE_PREFIX", global = true)]
    state_prefix: Option<String>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Every live counter: key, window, used, pending, max, window end.
    Show {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Clear a counter in every scope (`refunds_today` clears `refunds_today|grant:alice`, …).
    Reset {
        /// What to clear: a key as `state show` prints it (`refunds_today|grant:alice`), a
        /// counter in every scope (`refunds_today`, or `TOOL/RULE` for a limit without a
        /// `counter:`), or a rule's name (the counters named after it). Exits 1 when nothing
        /// matches.
        counter: Option<String>,
        /// Clear every counter in the store.
        #[arg(long, conflicts_with = "counter")]
        all: bool,
    },
}

pub fn run(args: Args) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("toolgate state: {e}");
            return ExitCode::from(1);
        }
    };
    // Looking must not create: `state show` on a mistyped path would otherwise leave an
    // empty store behind and report "no counters" as if it had read the right one.
    if let Some(path) = sqlite_path(&args.state)
        && !path.exists()
    {
        eprintln!(
            "toolgate state: no counter store at `{}` (nothing has counted there; `toolgate run --state {}` creates it)",
            path.display(),
            args.state
        );
        return ExitCode::from(2);
    }
    rt.block_on(async move {
        let options = StoreOptions {
            key_prefix: args.state_prefix.clone(),
            ..StoreOptions::default()
        };
        let store = match open_store_with_options(&args.state, Arc::new(SystemClock), &options).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("toolgate state: cannot open `{}`: {e}", args.state);
                return ExitCode::from(2);
            }
        };
        match args.command {
            Command::Show { json } => match store.snapshot().await {
                Ok(counters) => {
                    if !json {
                        println!("{:<48} {:<12} {:>12} {:>10} {:>12}  window ends", "counter", "window", "used", "pending", "max");
                    }
                    for c in counters {
                        let ends = c.window_end.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
                        let in_s = c.window_end.duration_since(SystemTime::now()).map(|d| d.as_secs()).unwrap_or(0);
                        if json {
                            println!("{}", json!({"key": c.key, "window": c.window.to_string(), "used": c.used, "pending": c.pending, "max": c.max, "window_end_unix": ends}));
                        } else {
                            let max = c.max.map(|m| m.to_string()).unwrap_or_else(|| "-".into());
                            println!("{:<48} {:<12} {:>12} {:>10} {:>12}  in {in_s}s", c.key, c.window.to_string(), c.used, c.pending, max);
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("toolgate state: {e}");
                    ExitCode::from(1)
                }
            },
            Command::Reset { counter, all } => {
                let prefixes = match (counter, all) {
                    (_, true) => vec![String::new()],
                    (Some(c), false) => match reset_targets(store.as_ref(), &c).await {
                        Ok(Targets::Prefixes(p)) => p,
                        Ok(Targets::Ambiguous(key, other)) => {
                            eprintln!(
                                "toolgate state reset: `{key}` can't be reset alone: the store resets by prefix and `{other}` starts with it; reset the counter (the part before `|`) instead"
                            );
                            return ExitCode::from(1);
                        }
                        Ok(Targets::Nothing) => {
                            eprintln!(
                                "toolgate state reset: no counter matches `{c}` in {}; give a key or a counter as `toolgate state show` prints them (a limit's counter is its `counter:`, else `TOOL/RULE`), or a rule's name",
                                store.describe()
                            );
                            return ExitCode::from(1);
                        }
                        Err(e) => {
                            eprintln!("toolgate state: {e}");
                            return ExitCode::from(1);
                        }
                    },
                    (None, false) => {
                        eprintln!("toolgate state reset: name a counter, or pass --all");
                        return ExitCode::from(2);
                    }
                };
                let mut total = 0;
                for prefix in &prefixes {
                    match store.reset(prefix).await {
                        Ok(n) => total += n,
                        Err(e) => {
                            eprintln!("toolgate state: {e}");
                            return ExitCode::from(1);
                        }
                    }
                }
                println!("reset {total} counter(s) in {}", store.describe());
                ExitCode::SUCCESS
            }
        }
    })
}

/// The SQLite file a `--state` spec names, when it names one.
fn sqlite_path(spec: &str) -> Option<std::path::PathBuf> {
    let rest = spec.trim().strip_prefix("sqlite")?;
    match rest.strip_prefix(':') {
        None if rest.is_empty() => default_sqlite_path(),
        None => None,
        Some(p) => {
            let p = p.strip_prefix("//").unwrap_or(p);
            if p.is_empty() {
                return default_sqlite_path();
            }
            match p.strip_prefix("~/") {
                Some(tail) => std::env::var_os("HOME")
                    .filter(|h| !h.is_empty())
                    .map(|h| std::path::PathBuf::from(h).join(tail)),
                None => Some(std::path::PathBuf::from(p)),
            }
        }
    }
}

enum Targets {
    /// Key prefixes to reset (each one whole counter key or `counter|`).
    Prefixes(Vec<String>),
    /// A whole key that is also the start of another live key.
    Ambiguous(String, String),
    Nothing,
}

/// `%` and `|` escaped as in the gateway's counter keys.
fn escape(s: &str) -> String {
    s.replace('%', "%25").replace('|', "%7C")
}

/// What `state reset NAME` clears, judged against the counters the store holds now.
async fn reset_targets(
    store: &dyn toolgate_state::StateStore,
    name: &str,
) -> Result<Targets, toolgate_state::StoreError> {
    let live: Vec<String> = store.snapshot().await?.into_iter().map(|c| c.key).collect();
    // A whole key, as `state show` prints it.
    if live.iter().any(|k| k == name) {
        if let Some(other) = live.iter().find(|k| *k != name && k.starts_with(name)) {
            return Ok(Targets::Ambiguous(name.to_owned(), other.clone()));
        }
        return Ok(Targets::Prefixes(vec![name.to_owned()]));
    }
    let counter_of = |k: &str| k.split('|').next().unwrap_or_default().to_owned();
    let mut counters: Vec<String> = Vec::new();
    let add = |counters: &mut Vec<String>, c: String| {
        if !counters.contains(&c) {
            counters.push(c);
        }
    };
    // A counter in every scope, as written in the policy or as printed (escaped).
    let escaped = escape(name);
    for k in &live {
        let c = counter_of(k);
        if c == escaped || c == name {
            add(&mut counters, c);
        }
    }
    // A rule's name: the counters named after it (`TOOL/RULE`, `TOOL/RULE/2`, …).
    if counters.is_empty() && !name.contains('/') {
        let tail = format!("/{escaped}");
        for k in &live {
            let c = counter_of(k);
            let base = match c.rsplit_once('/') {
                Some((b, n)) if n.parse::<u32>().is_ok() && b.contains('/') => b,
                _ => c.as_str(),
            };
            if base.ends_with(&tail) {
                add(&mut counters, c.clone());
            }
        }
    }
    if counters.is_empty() {
        return Ok(Targets::Nothing);
    }
    Ok(Targets::Prefixes(
        counters.into_iter().map(|c| format!("{c}|")).collect(),
    ))
}
