//! `toolgate state show|reset`: look at and clear the counters behind rate limits and spend
//! caps, in whichever store `--state` names (the same flag as `toolgate run`).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;
use toolgate_state::{StoreOptions, SystemClock, open_store_with_options};

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
        /// Counter name as the policy names it (or `entry/rule` for unnamed limits).
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
                let prefix = match (counter, all) {
                    (_, true) => String::new(),
                    (Some(c), false) => format!("{}|", c.replace('%', "%25").replace('|', "%7C")),
                    (None, false) => {
                        eprintln!("toolgate state reset: name a counter, or pass --all");
                        return ExitCode::from(2);
                    }
                };
                match store.reset(&prefix).await {
                    Ok(n) => {
                        println!("reset {n} counter(s) in {}", store.describe());
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("toolgate state: {e}");
                        ExitCode::from(1)
                    }
                }
            }
        }
    })
}
