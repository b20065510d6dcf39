//! Choosing a backend from the `--state` value, and where the default SQLite file lives.
//!
//! Kept free of a platform-directories dependency: the rules are three environment
//! variables, and having them here keeps them testable without touching the environment.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::StoreError;
use crate::memory::MemoryStore;
use crate::redis::RedisStore;
use crate::sqlite::SqliteStore;
use crate::store::StateStore;
use crate::types::StoreOptions;
use toolgate_clock::Clock;

/// Opens the store a `--state` value names: `memory`, `sqlite` (the default path),
/// `sqlite:PATH` (also `sqlite://PATH`; a leading `~/` is the home directory),
/// `redis://[user:password@]host[:port][/db]` or `redis+unix:///path?db=N` (see
/// [`RedisStore`](crate::RedisStore); `rediss://` is refused with an explanation).
pub async fn open_store(
    spec: &str,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn StateStore>, StoreError> {
    open_store_with_options(spec, clock, &StoreOptions::default()).await
}

/// Like [`open_store`] with explicit options.
pub async fn open_store_with_options(
    spec: &str,
    clock: Arc<dyn Clock>,
    options: &StoreOptions,
) -> Result<Arc<dyn StateStore>, StoreError> {
    let invalid = |reason: &str| StoreError::InvalidSpec {
        spec: spec.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = spec.trim();
    if trimmed == "memory" {
        return Ok(Arc::new(MemoryStore::with_options(clock, options)));
    }
    if let Some(rest) = trimmed.strip_prefix("sqlite") {
        let path = match rest.strip_prefix(':') {
            None if rest.is_empty() => None,
            None => return Err(invalid("unknown backend")),
            Some(p) => Some(p.strip_prefix("//").unwrap_or(p)).filter(|p| !p.is_empty()),
        };
        let path = match path {
            Some(p) => expand_home(p, std::env::var_os("HOME"))
                .ok_or_else(|| invalid("`~/` needs HOME to be set; give an absolute path"))?,
            None => default_sqlite_path().ok_or_else(|| {
                invalid("cannot find a data directory (HOME is not set); give a path")
            })?,
        };
        let store = SqliteStore::open_with_options(path, clock, options).await?;
        return Ok(Arc::new(store));
    }
    if ["redis://", "rediss://", "redis+unix://"]
        .iter()
        .any(|p| trimmed.starts_with(p))
    {
        let store = RedisStore::open_with_options(trimmed, clock, options).await?;
        return Ok(Arc::new(store));
    }
    Err(invalid("unknown backend"))
}

fn expand_home(path: &str, home: Option<OsString>) -> Option<PathBuf> {
    match path.strip_prefix("~/") {
        Some(rest) => Some(PathBuf::from(home.filter(|h| !h.is_empty())?).join(rest)),
        None => Some(PathBuf::from(path)),
    }
}

/// Where the SQLite store lives by default: `$XDG_DATA_HOME/toolgate/state.db` (else
/// `~/.local/share/toolgate/state.db`) on Linux and other Unixes,
/// `~/Library/Application Support/toolgate/state.db` on macOS,
/// `%LOCALAPPDATA%\toolgate\state.db` on Windows. `None` when the variables it needs are
/// unset. The directory is created when the store is opened.
pub fn default_sqlite_path() -> Option<PathBuf> {
    let platform = if cfg!(target_os = "macos") {
        Platform::MacOs
    } else if cfg!(windows) {
        Platform::Windows
    } else {
        Platform::Xdg
    };
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let dir = match platform {
        Platform::Windows => var("LOCALAPPDATA").or_else(|| var("APPDATA")),
        _ => None,
    };
    data_dir(platform, var("XDG_DATA_HOME"), var("HOME"), dir)
        .map(|d| d.join("toolgate").join("state.db"))
}

#[derive(Debug, Clone, Copy)]
enum Platform {
    Xdg,
    MacOs,
    Windows,
}

/// The per-user data directory from the relevant variables (empty ones already removed).
fn data_dir(
    platform: Platform,
    xdg_data_home: Option<OsString>,
    home: Option<OsString>,
    windows_dir: Option<OsString>,
) -> Option<PathBuf> {
    match platform {
        Platform::Xdg => xdg_data_home
            .map(PathBuf::from)
            // The XDG spec says a relative value is invalid and must be ignored.
            .filter(|p| p.is_absolute())
            .or_else(|| home.map(|h| PathBuf::from(h).join(".local").join("share"))),
        Platform::MacOs => {
            home.map(|h| PathBuf::from(h).join("Library").join("Application Support"))
        }
        Platform::Windows => windows_dir.map(PathBuf::from),
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::path::PathBuf;

    use super::{Platform, data_dir, expand_home};

    fn os(s: &str) -> Option<OsString> {
        Some(OsString::from(s))
    }

    #[test]
    fn xdg_data_home_wins_when_absolute() {
        assert_eq!(
            data_dir(Platform::Xdg, os("/data"), os("/home/a"), None),
            Some(PathBuf::from("/data"))
        );
        assert_eq!(
            data_dir(Platform::Xdg, os("relative"), os("/home/a"), None),
            Some(PathBuf::from("/home/a/.local/share"))
        );
        assert_eq!(
            data_dir(Platform::Xdg, None, os("/home/a"), None),
            Some(PathBuf::from("/home/a/.local/share"))
        );
        assert_eq!(data_dir(Platform::Xdg, None, None, None), None);
    }

    #[test]
    fn macos_uses_application_support() {
        assert_eq!(
            data_dir(Platform::MacOs, os("/ignored"), os("/Users/a"), None),
            Some(PathBuf::from("/Users/a/Library/Application Support"))
        );
    }

    #[test]
    fn windows_uses_local_app_data() {
        assert_eq!(
            data_dir(
                Platform::Windows,
                None,
                None,
                os("C:\\Users\\a\\AppData\\Local")
            ),
            Some(PathBuf::from("C:\\Users\\a\\AppData\\Local"))
        );
    }

    #[test]
    fn tilde_expands_to_home() {
        assert_eq!(
            expand_home("~/x/state.db", os("/home/a")),
            Some(PathBuf::from("/home/a/x/state.db"))
        );
        assert_eq!(expand_home("~/x", None), None);
        assert_eq!(expand_home("/abs", None), Some(PathBuf::from("/abs")));
    }
}
