//! Tool pinning at the gateway: the definitions the operator approved, per server, checked
//! against what the server shows now — on every `tools/list` and on every call.
//!
//! A server that changes a tool's description or schema after it was approved (a "rug pull"),
//! or shows a tool nobody approved, meets the policy's `drift:` rule — `block` (default):
//! the tool disappears from the list and its calls are refused with kind `drift`; `warn`:
//! logged; `allow`: ignored. The diff goes to the operator (log, audit record); the agent only
//! learns that the tool changed and which fields, never the server's new text.
//!
//! Pins are filed by server key ([`toolgate_catalog::pin::server_key`]), so gateways for
//! different servers share a pin file without interfering. The first complete listing of a
//! server with no pins pins every tool it lists (trust on first use), before the policy
//! filters anything; after that, anything new or changed is drift. The gateway lists tools
//! itself when a session starts and when the server says the list changed (see
//! `intercept::refresh`), so what a call is judged against is the server's current
//! definition, whether or not the agent ever listed. The file is re-read when it changes on
//! disk, so an accepted change (`toolgate pin --accept`) reaches running sessions.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use toolgate_catalog::pin::{ServerPins, server_key};
use toolgate_catalog::{Drift, DriftKind, PinFile, ValidatorCache, canonical_hash};
use toolgate_policy::lookalike::Lookalikes;
use toolgate_policy::model::Drift as DriftPolicy;

/// How often the pin file's metadata is compared, like the policy's.
const POLL_EVERY: Duration = Duration::from_millis(250);

/// (modified time, length, inode) of the pin file; `None` when it does not exist.
type Fingerprint = Option<(Option<SystemTime>, u64, u64)>;

fn fingerprint(path: &Path) -> Fingerprint {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok(), meta.len(), meta.ino()))
}

/// How the gateway reaches its server and what the operator calls it: the parts of the
/// server key that don't come from the server.
#[derive(Debug, Clone)]
pub struct ServerIdentity {
    /// The command line or URL.
    pub reached: String,
    /// `--server-name`: when given, the key itself.
    pub operator_name: Option<String>,
}

/// A pinned schema's property names, with the hash of the definition they came from.
type SchemaKeys = (String, Arc<Lookalikes>);

struct Loaded {
    file: PinFile,
    seen: Fingerprint,
}

pub struct Pins {
    path: PathBuf,
    identity: ServerIdentity,
    loaded: Mutex<Loaded>,
    /// The file can be written: when not, nothing is pinned on first sight.
    writable: bool,
    validators: ValidatorCache,
    /// Property names of each pinned schema, for spotting lookalike argument keys.
    schema_keys: Mutex<HashMap<(String, String), SchemaKeys>>,
}

/// What the gateway should do with one listed tool.
pub enum Listed {
    Keep,
    /// Remove it from the list: it drifted and the policy blocks drift.
    Drop,
}

/// Why a call is refused as drift: one text for the agent, one for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftRefusal {
    /// Says that the tool changed (and which pinned fields), never how.
    pub for_agent: String,
    /// The diff, quoting what the server sent.
    pub for_operator: String,
}

/// What one session knows of its server's tools: the newest definition of each (by hash),
/// from the gateway's own listings and the agent's.
#[derive(Debug, Default)]
pub struct ServerView {
    /// The server's key, once its `initialize` answer named it.
    key: Option<String>,
    /// Tool name → hash of the definition the server showed last.
    current: HashMap<String, String>,
    /// A complete listing arrived: a tool it did not show is not the server's (now).
    listed: bool,
    /// The newest definition could not be learnt (the listing failed or timed out).
    unverified: bool,
    /// Drift seen in the newest definitions, with the operator's diff.
    drifted: HashMap<String, Drift>,
    /// The agent's first listing is pinning this server on first sight (no own listing).
    pinning_first: bool,
}

impl ServerView {
    /// The gateway's own listing failed: calls can't be judged against the newest definitions.
    pub fn mark_unverified(&mut self) {
        self.unverified = true;
    }
}

impl Pins {
    /// Opens the pin file at `path` (missing: empty). `writable` says whether it can be
    /// stored ([`PinFile::writable`]); the caller decides whether running without that is
    /// acceptable.
    pub fn open(path: PathBuf, identity: ServerIdentity) -> Result<Pins, String> {
        let seen = fingerprint(&path);
        let file =
            PinFile::load_or_new(&path).map_err(|e| format!("pin file {}: {e}", path.display()))?;
        let writable = PinFile::writable(&path).is_ok();
        Ok(Pins {
            path,
            identity,
            loaded: Mutex::new(Loaded { file, seen }),
            writable,
            validators: ValidatorCache::new(),
            schema_keys: Mutex::new(HashMap::new()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn writable(&self) -> bool {
        self.writable
    }

    fn loaded(&self) -> MutexGuard<'_, Loaded> {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key of the server that introduced itself as `server_name` (`None` before, or
    /// without, an `initialize`).
    pub fn key_for(&self, server_name: Option<&str>) -> String {
        server_key(
            self.identity.operator_name.as_deref(),
            server_name,
            &self.identity.reached,
        )
    }

    fn key_of(&self, view: &ServerView) -> String {
        view.key.clone().unwrap_or_else(|| self.key_for(None))
    }

    /// The server answered `initialize` as `server_name`: its pins are filed under this key.
    pub fn introduce(&self, view: &mut ServerView, server_name: Option<&str>) {
        let key = self.key_for(server_name);
        tracing::debug!(server = %key.escape_debug(), "pins filed under this server key");
        view.key = Some(key);
    }

    /// Re-reads the pin file when it changed on disk; a file that doesn't parse is logged and
    /// the pins already loaded are kept.
    pub fn reload_if_changed(&self) {
        let now = fingerprint(&self.path);
        let mut loaded = self.loaded();
        if now == loaded.seen {
            return;
        }
        loaded.seen = now;
        match PinFile::load_or_new(&self.path) {
            Ok(file) => {
                if file != loaded.file {
                    tracing::info!(file = %self.path.display(), "pin file reloaded");
                    loaded.file = file;
                }
            }
            Err(e) => tracing::error!("pin file edit rejected, keeping the pins loaded: {e}"),
        }
    }

    /// Polls the pin file until the returned task is aborted, so pins accepted with
    /// `toolgate pin --accept` apply without a restart.
    pub fn watch(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let pins = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(POLL_EVERY).await;
                let p = pins.clone();
                let _ = tokio::task::spawn_blocking(move || p.reload_if_changed()).await;
            }
        })
    }

    /// Changes the pins and stores them: the file is re-read first, so an operator's
    /// accept written meanwhile is not overwritten with what this gateway loaded earlier.
    fn update(&self, change: impl FnOnce(&mut PinFile) -> bool) {
        let mut loaded = self.loaded();
        let now = fingerprint(&self.path);
        if now != loaded.seen {
            if let Ok(file) = PinFile::load_or_new(&self.path) {
                loaded.file = file;
            }
            loaded.seen = now;
        }
        if !change(&mut loaded.file) || !self.writable {
            return;
        }
        match loaded.file.save(&self.path) {
            Ok(()) => loaded.seen = fingerprint(&self.path),
            Err(e) => tracing::error!(error = %e, "could not write the pin file"),
        }
    }

    /// The gateway's own complete listing of the server: pins every tool on first sight (a
    /// server with no pins yet), else records what drifted, for the calls that follow.
    /// Linear in the number of tools, and the file is written at most once.
    pub fn on_server_listing(&self, view: &mut ServerView, tools: &[Value], mode: DriftPolicy) {
        let key = self.key_of(view);
        let reached = self
            .identity
            .operator_name
            .is_none()
            .then_some(self.identity.reached.as_str());
        let server_name = key_server_name(&key, &self.identity);
        let mut first = false;
        self.update(|file| {
            let claimed = file.claim_legacy(&key);
            if claimed {
                tracing::info!(server = %key.escape_debug(), "version 1 pins claimed by this server; the file is rewritten as version 2");
            }
            match file.first_use(&key, reached) {
                Ok(()) if self.writable => {
                    first = true;
                    let entry = file.server_mut(&key);
                    entry.server_name = server_name.clone();
                    entry.reached = Some(self.identity.reached.clone());
                    for tool in tools {
                        let _ = entry.accept(tool);
                    }
                    true
                }
                Ok(()) => claimed,
                Err(why) => {
                    if file.server(&key).is_none_or(|s| s.tools.is_empty()) {
                        tracing::error!(server = %key.escape_debug(), "not pinning this server on first sight: {why}; every tool counts as drift until an operator reviews them with `toolgate pin`");
                    }
                    claimed
                }
            }
        });
        if first {
            tracing::info!(server = %key.escape_debug(), tools = tools.len(), file = %self.path.display(), "pinned every listed tool on first sight");
        }
        let loaded = self.loaded();
        let empty = ServerPins::default();
        let pins = loaded.file.server(&key).unwrap_or(&empty);
        view.current.clear();
        view.drifted.clear();
        view.listed = true;
        view.unverified = false;
        for tool in tools {
            let Some(name) = tool.get("name").and_then(Value::as_str) else {
                continue;
            };
            let hash = canonical_hash(tool);
            if let Some(d) = pins.check_one(name, tool, &hash) {
                log_drift(&key, &d, mode);
                view.drifted.insert(name.to_owned(), d);
            }
            view.current.insert(name.to_owned(), hash);
        }
    }

    /// Checks one tool definition from a `tools/list` answer the agent asked for.
    /// `first_page` and `last_page` say where the page sits in its listing.
    pub fn on_listed(&self, view: &mut ServerView, tool: &Value, mode: DriftPolicy) -> Listed {
        let Some(name) = tool.get("name").and_then(Value::as_str) else {
            return Listed::Keep;
        };
        let hash = canonical_hash(tool);
        let key = self.key_of(view);
        if view.pinning_first {
            let mut loaded = self.loaded();
            let _ = loaded.file.server_mut(&key).accept(tool);
            view.current.insert(name.to_owned(), hash);
            return Listed::Keep;
        }
        let drift = {
            let loaded = self.loaded();
            match loaded.file.server(&key) {
                Some(pins) => pins.check_one(name, tool, &hash),
                None => ServerPins::default().check_one(name, tool, &hash),
            }
        };
        let unchanged = view.current.get(name) == Some(&hash);
        view.current.insert(name.to_owned(), hash);
        let Some(d) = drift else {
            view.drifted.remove(name);
            return Listed::Keep;
        };
        if !unchanged || !view.drifted.contains_key(name) {
            log_drift(&key, &d, mode);
        }
        view.drifted.insert(name.to_owned(), d);
        match mode {
            DriftPolicy::Block => Listed::Drop,
            DriftPolicy::Warn | DriftPolicy::Allow => Listed::Keep,
        }
    }

    /// Before the agent's listing is filtered: when the gateway could not list the server
    /// itself (a stateless session) and the server has no pins yet, this listing pins it.
    pub fn before_agent_listing(&self, view: &mut ServerView, first_page: bool) {
        if !first_page || view.listed || !self.writable {
            return;
        }
        let key = self.key_of(view);
        let reached = self
            .identity
            .operator_name
            .is_none()
            .then_some(self.identity.reached.as_str());
        let mut loaded = self.loaded();
        loaded.file.claim_legacy(&key);
        if loaded.file.first_use(&key, reached).is_ok() {
            let entry = loaded.file.server_mut(&key);
            entry.server_name = key_server_name(&key, &self.identity);
            entry.reached = Some(self.identity.reached.clone());
            view.pinning_first = true;
        }
    }

    /// After the agent's listing page was filtered: stores what it pinned, once per page.
    pub fn after_agent_listing(&self, view: &mut ServerView, last_page: bool) {
        if !view.pinning_first {
            return;
        }
        if last_page {
            view.pinning_first = false;
            view.listed = true;
        }
        let key = self.key_of(view);
        self.update(|_| true);
        tracing::info!(server = %key.escape_debug(), file = %self.path.display(), "pinned the listed tools on first sight");
    }

    /// Why a call of `tool` must be refused as drift, if it must: judged against the newest
    /// definition this session saw, else against the pins alone.
    pub fn refuse_call(
        &self,
        view: &ServerView,
        tool: &str,
        mode: DriftPolicy,
    ) -> Option<DriftRefusal> {
        if mode != DriftPolicy::Block {
            return None;
        }
        let key = self.key_of(view);
        let loaded = self.loaded();
        let pin = loaded.file.server(&key).and_then(|s| s.get(tool));
        let review = format!(
            "it can't be called until an operator reviews it (`toolgate pin`) and accepts it with `toolgate pin --accept {tool}`"
        );
        match (view.current.get(tool), pin) {
            (Some(now), Some(pin)) if *now == pin.sha256 => None,
            (Some(_), Some(_)) => {
                let (fields, diff) = match view.drifted.get(tool) {
                    Some(d) => (d.fields.join(", "), d.diff.clone()),
                    None => (String::new(), String::new()),
                };
                let fields = if fields.is_empty() {
                    String::new()
                } else {
                    format!(" (changed: {fields})")
                };
                Some(DriftRefusal {
                    for_agent: format!("`{tool}` changed since it was pinned{fields}; {review}"),
                    for_operator: diff,
                })
            }
            (Some(_), None) => Some(DriftRefusal {
                for_agent: format!(
                    "`{tool}` is not pinned: the server shows it, but it was not among the tools the operator pinned; {review}"
                ),
                for_operator: view
                    .drifted
                    .get(tool)
                    .map(|d| d.diff.clone())
                    .unwrap_or_default(),
            }),
            (None, Some(_)) if view.unverified => Some(DriftRefusal {
                for_agent: format!(
                    "`{tool}`'s current definition could not be checked against its pin (the server did not answer tools/list); try again later"
                ),
                for_operator: "the gateway's own tools/list failed or timed out".into(),
            }),
            (None, Some(_)) => None,
            (None, None) if view.listed => Some(DriftRefusal {
                for_agent: format!(
                    "`{tool}` is not pinned, and the server does not list it; {review}"
                ),
                for_operator: format!(
                    "no pin for `{tool}` under server `{key}`, and the server does not list it"
                ),
            }),
            (None, None) => Some(DriftRefusal {
                for_agent: format!("`{tool}` is not pinned; {review}"),
                for_operator: format!("no pin for `{tool}` under server `{key}`"),
            }),
        }
    }

    /// A pinned tool `tool` only imitates (same once case and compatibility forms are
    /// folded). Only asked about names that are not pinned as written, so the scan over
    /// every pin is off the path of ordinary calls.
    pub fn imitated_tool(&self, view: &ServerView, tool: &str) -> Option<String> {
        let key = self.key_of(view);
        let loaded = self.loaded();
        let pins = loaded.file.server(&key)?;
        if pins.get(tool).is_some() {
            return None;
        }
        let folded = toolgate_policy::lookalike::fold(tool);
        pins.tools
            .keys()
            .find(|name| toolgate_policy::lookalike::fold(name) == folded)
            .cloned()
    }

    /// Every property name in `tool`'s pinned `inputSchema`, at any depth. Built once per
    /// pinned definition (keyed by its hash), not on every call.
    pub fn schema_keys(&self, view: &ServerView, tool: &str) -> Option<Arc<Lookalikes>> {
        let key = self.key_of(view);
        let loaded = self.loaded();
        let pin = loaded.file.server(&key)?.get(tool)?;
        let mut cache = self.schema_keys.lock().unwrap_or_else(|p| p.into_inner());
        let cache_key = (key, tool.to_owned());
        if let Some((hash, keys)) = cache.get(&cache_key)
            && *hash == pin.sha256
        {
            return Some(keys.clone());
        }
        let schema = pin.definition.get("inputSchema")?;
        let mut keys = Lookalikes::default();
        collect_properties(schema, &mut keys);
        let keys = Arc::new(keys);
        cache.insert(cache_key, (pin.sha256.clone(), keys.clone()));
        Some(keys)
    }

    /// Checks arguments against the pinned `inputSchema`. `Err` lists the violations.
    pub fn validate(&self, view: &ServerView, tool: &str, args: &Value) -> Result<(), Vec<String>> {
        let key = self.key_of(view);
        let definition = {
            let loaded = self.loaded();
            match loaded.file.server(&key).and_then(|s| s.get(tool)) {
                Some(pin) => pin.definition.clone(),
                None => return Ok(()),
            }
        };
        self.validators.validate(&definition, args)
    }
}

/// The `serverInfo.name` part of a computed key (none for an operator-named server).
fn key_server_name(key: &str, identity: &ServerIdentity) -> Option<String> {
    if identity.operator_name.is_some() {
        return None;
    }
    key.strip_suffix(&format!(" @ {}", identity.reached))
        .map(str::to_owned)
}

/// Drift for the operator's eyes: the diff goes to the log (escaped: it is the server's text).
fn log_drift(key: &str, d: &Drift, mode: DriftPolicy) {
    let what = match d.kind {
        DriftKind::Changed => "changed since it was pinned",
        DriftKind::New => "is not pinned",
        DriftKind::Removed => "is no longer listed",
    };
    let server = key.escape_debug();
    let diff = d.diff.escape_debug();
    match mode {
        DriftPolicy::Allow => {}
        DriftPolicy::Warn => {
            tracing::warn!(server = %server, tool = %d.tool.escape_debug(), diff = %diff, "tool {what} (drift: warn)");
        }
        DriftPolicy::Block => {
            tracing::warn!(server = %server, tool = %d.tool.escape_debug(), diff = %diff, "tool {what}; hidden and refused until an operator accepts it with `toolgate pin --accept`");
        }
    }
}

/// Property names under every `properties` map of a JSON Schema.
fn collect_properties(schema: &Value, keys: &mut Lookalikes) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for k in props.keys() {
                    keys.add(k);
                }
            }
            for v in map.values() {
                collect_properties(v, keys);
            }
        }
        Value::Array(items) => {
            for v in items {
                collect_properties(v, keys);
            }
        }
        _ => {}
    }
}
