//! The current policy, swapped atomically when its file changes.
//!
//! Calls read a snapshot (`Arc<CompiledPolicy>`) without locking. A watcher polls the file's
//! metadata every 250 ms rather than using inotify: editors that save by
//! renaming, and Kubernetes ConfigMaps that swap a symlink, are both seen the same way, and an
//! edit applies within a second. An edit that does not load keeps the previous policy (fail
//! closed on the last good one) and logs every error with its location.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;
use toolgate_policy::{CompiledPolicy, Diagnostic, LoadError, load, load_identities};

use crate::error::GatewayError;

const POLL_EVERY: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
pub struct PolicyHandle {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    current: ArcSwap<CompiledPolicy>,
    path: PathBuf,
    /// `--identities FILE`: identities and auth kept apart from the policy, merged into it.
    identities: Option<PathBuf>,
    reloads: AtomicU64,
    failed_reloads: AtomicU64,
}

impl PolicyHandle {
    /// Loads `path`; every diagnostic is in the error when it does not load.
    pub fn load(path: &Path) -> Result<PolicyHandle, GatewayError> {
        Self::load_with_identities(path, None)
    }

    /// Loads `path` merged with a separate identities file (`identities` and `auth` only);
    /// both are watched.
    pub fn load_with_identities(
        path: &Path,
        identities: Option<&Path>,
    ) -> Result<PolicyHandle, GatewayError> {
        let compiled = read_policy(path, identities)?;
        for w in &compiled.1 {
            tracing::warn!(target: "toolgate::policy", "{w}");
        }
        Ok(PolicyHandle {
            inner: Arc::new(Inner {
                current: ArcSwap::from_pointee(compiled.0),
                path: path.to_owned(),
                identities: identities.map(Path::to_owned),
                reloads: AtomicU64::new(0),
                failed_reloads: AtomicU64::new(0),
            }),
        })
    }

    /// A policy that never reloads (tests, embedded defaults).
    pub fn fixed(policy: CompiledPolicy) -> PolicyHandle {
        PolicyHandle {
            inner: Arc::new(Inner {
                current: ArcSwap::from_pointee(policy),
                path: PathBuf::new(),
                identities: None,
                reloads: AtomicU64::new(0),
                failed_reloads: AtomicU64::new(0),
            }),
        }
    }

    /// Swaps the policy as a reload would (in-process tests of a policy changed mid-session).
    #[cfg(test)]
    pub(crate) fn replace(&self, policy: CompiledPolicy) {
        self.inner.current.store(Arc::new(policy));
        self.inner.reloads.fetch_add(1, Ordering::Relaxed);
    }

    /// The policy file's path (relative paths in it, like `jwks_file`, start from its directory).
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub fn current(&self) -> Arc<CompiledPolicy> {
        self.inner.current.load_full()
    }

    pub fn reloads(&self) -> u64 {
        self.inner.reloads.load(Ordering::Relaxed)
    }

    pub fn failed_reloads(&self) -> u64 {
        self.inner.failed_reloads.load(Ordering::Relaxed)
    }

    /// Polls the file until the returned task is aborted.
    pub fn watch(&self) -> tokio::task::JoinHandle<()> {
        let handle = self.clone();
        tokio::spawn(async move {
            let path = handle.inner.path.clone();
            let identities = handle.inner.identities.clone();
            let both = || async {
                let ids = match &identities {
                    Some(i) => fingerprint(i).await,
                    None => None,
                };
                (fingerprint(&path).await, ids)
            };
            let mut last = both().await;
            loop {
                tokio::time::sleep(POLL_EVERY).await;
                let now = both().await;
                if now == last {
                    continue;
                }
                last = now;
                let (p, i) = (path.clone(), identities.clone());
                let result =
                    tokio::task::spawn_blocking(move || read_policy(&p, i.as_deref())).await;
                match result {
                    Ok(Ok((policy, warnings))) => {
                        if policy.version() == handle.current().version() {
                            continue;
                        }
                        for w in &warnings {
                            tracing::warn!(target: "toolgate::policy", "{w}");
                        }
                        tracing::info!(
                            target: "toolgate::policy",
                            version = policy.version(),
                            "policy reloaded from {}",
                            path.display()
                        );
                        handle.inner.current.store(Arc::new(policy));
                        handle.inner.reloads.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(Err(e)) => {
                        handle.inner.failed_reloads.fetch_add(1, Ordering::Relaxed);
                        tracing::error!(
                            target: "toolgate::policy",
                            "policy edit rejected, keeping the previous policy: {e}"
                        );
                    }
                    Err(join) => tracing::error!("policy reload task failed: {join}"),
                }
            }
        })
    }
}

/// What we compare between polls: (modified time, length, inode). Metadata only, so an
/// unchanged policy costs one `stat` per poll; a rename or a ConfigMap symlink swap changes
/// the inode, an in-place edit the time or length. A reload whose compiled policy has the same
/// version hash is a no-op.
type Fingerprint = Option<(Option<SystemTime>, u64, u64)>;

async fn fingerprint(path: &Path) -> Fingerprint {
    use std::os::unix::fs::MetadataExt;
    let meta = tokio::fs::metadata(path).await.ok()?;
    Some((meta.modified().ok(), meta.len(), meta.ino()))
}

fn read_policy(
    path: &Path,
    identities: Option<&Path>,
) -> Result<(CompiledPolicy, Vec<String>), GatewayError> {
    let (policy, mut warnings) = read_one(path, |text, name| {
        load(text, name).map(|l| (CompiledPolicy::new(l.policy), l.warnings))
    })?;
    let Some(ids_path) = identities else {
        return Ok((policy, warnings));
    };
    let (file, more) = read_one(ids_path, |text, name| {
        load_identities(text, name).map(|l| (l.file, l.warnings))
    })?;
    warnings.extend(more);
    let merged = policy
        .with_identities(file)
        .map_err(|twice| GatewayError::Policy {
            path: ids_path.display().to_string(),
            details: format!(
                "`{}` is defined both in {} and in {}; keep it in one of them",
                twice.section,
                path.display(),
                ids_path.display()
            ),
        })?;
    Ok((merged, warnings))
}

/// Reads and parses one file, rendering every diagnostic with its location.
fn read_one<T>(
    path: &Path,
    parse: impl FnOnce(&str, &str) -> Result<(T, Vec<Diagnostic>), LoadError>,
) -> Result<(T, Vec<String>), GatewayError> {
    let display = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| GatewayError::Policy {
        path: display.clone(),
        details: format!("{display}: cannot read: {e}"),
    })?;
    match parse(&text, &display) {
        Ok((value, warnings)) => Ok((value, warnings.iter().map(|d| d.render(&display)).collect())),
        Err(e) => Err(GatewayError::Policy {
            path: display.clone(),
            details: e
                .0
                .iter()
                .map(|d| d.render(&display))
                .collect::<Vec<_>>()
                .join("\n"),
        }),
    }
}
