//! Tool pinning: a lockfile of tool definitions by hash, and drift detection against it.
//!
//! A server can change a tool after the operator reviewed it — a new sentence in the
//! description that instructs the model, a new `bcc` parameter. The pin file
//! (`toolgate.pins.json`) records the SHA-256 of each tool's canonical definition, when it
//! was first seen, and the definition itself, so [`ServerPins::check`] can say exactly what
//! changed and the gateway can block, warn or allow ([`DriftMode`]).
//!
//! One file holds any number of servers: pins are filed under a server key
//! ([`server_key`]: the operator's name for the server, or its `serverInfo.name` and how it
//! is reached), so gateways for different servers can share a folder and a pin file.
//! Version 1 files (one flat map, before keys) are read and written back as version 2.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::diff::definition_diff;
use crate::error::CatalogError;

/// The fields of a tool definition that are pinned (everything else, such as `title` or
/// `_meta`, may change freely).
pub const PINNED_FIELDS: &[&str] = &[
    "name",
    "description",
    "inputSchema",
    "annotations",
    "outputSchema",
];

/// Conventional file name of the lockfile.
pub const DEFAULT_PIN_FILE: &str = "toolgate.pins.json";

/// Canonical JSON (keys sorted at every level, no whitespace): the one form in
/// `toolgate_mcp::canonical`, so a pin's hash never changes with a dependency feature.
pub fn canonical_json(value: &Value) -> String {
    toolgate_mcp::canonical::to_string(value)
}

/// The pinned part of a tool definition (see [`PINNED_FIELDS`]).
pub fn pinned_definition(tool: &Value) -> Value {
    let mut kept = serde_json::Map::new();
    for field in PINNED_FIELDS {
        if let Some(v) = tool.get(field) {
            kept.insert((*field).to_owned(), v.clone());
        }
    }
    Value::Object(kept)
}

/// Lowercase hex SHA-256 of the canonical pinned definition.
pub fn canonical_hash(tool: &Value) -> String {
    hex::encode(Sha256::digest(
        canonical_json(&pinned_definition(tool)).as_bytes(),
    ))
}

/// One pinned tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    pub sha256: String,
    /// When the tool was first pinned (RFC 3339, UTC).
    pub first_seen: String,
    /// The pinned definition (see [`PINNED_FIELDS`]).
    pub definition: Value,
}

/// What happened to a tool since it was pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DriftKind {
    /// Listed and pinned, but its definition hash differs.
    Changed,
    /// Listed but never pinned.
    New,
    /// Pinned but no longer listed.
    Removed,
}

/// A difference between the pin file and a `tools/list` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drift {
    pub tool: String,
    pub kind: DriftKind,
    /// Which pinned fields ([`PINNED_FIELDS`]) changed: names from a fixed list, safe to
    /// show anyone, unlike `diff`, which quotes what the server sent.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Human-readable account of the change, one line per difference. Quotes the server's
    /// text: for the operator, never for the model.
    pub diff: String,
}

/// What the gateway does when a tool drifted from its pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DriftMode {
    /// Refuse calls to a changed or unpinned tool until an operator accepts it (fail closed).
    #[default]
    Block,
    /// Forward, but log and report the drift.
    Warn,
    /// Ignore drift.
    Allow,
}

impl FromStr for DriftMode {
    type Err = CatalogError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "block" => Ok(DriftMode::Block),
            "warn" => Ok(DriftMode::Warn),
            "allow" => Ok(DriftMode::Allow),
            _ => Err(CatalogError::DriftMode(s.to_owned())),
        }
    }
}

impl fmt::Display for DriftMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DriftMode::Block => "block",
            DriftMode::Warn => "warn",
            DriftMode::Allow => "allow",
        })
    }
}

/// The version this toolgate writes: pins grouped by server ([`PinFile::servers`]).
pub const PIN_FILE_VERSION: u32 = 2;

/// Where a version 1 file's pins (one flat map, no server) wait until a server claims them
/// ([`PinFile::claim_legacy`]). Not a key a server can get: keys never start with `(`.
pub const LEGACY_KEY: &str = "(version 1 pins, not yet claimed by a server)";

/// The key a server's pins are filed under. The operator's name for it when given
/// (`--server-name`); otherwise `serverInfo.name` and how it is reached (the command line
/// or the URL), so two servers never share pins and the same server always finds its own.
pub fn server_key(operator_name: Option<&str>, server_name: Option<&str>, reached: &str) -> String {
    if let Some(name) = operator_name {
        return name.to_owned();
    }
    // The server chooses its name: cap it, so a huge one can't bloat every log line.
    let name: String = server_name
        .filter(|n| !n.is_empty())
        .unwrap_or("(unnamed server)")
        .chars()
        .take(128)
        .collect();
    format!("{name} @ {reached}")
}

/// Why an operator-given server name can't be a key, if it can't.
pub fn check_operator_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() || name.starts_with('(') || name.chars().any(char::is_control) {
        return Err(format!(
            "`{}` can't name a server: give a non-empty name without control characters that does not start with `(`",
            name.escape_debug()
        ));
    }
    Ok(())
}

/// How a stdio server is reached, for [`server_key`]: its command line, each argument
/// quoted when it holds a space or a quote.
pub fn stdio_reach(command: &[std::ffi::OsString]) -> String {
    command
        .iter()
        .map(|a| {
            let a = a.to_string_lossy();
            if a.is_empty() || a.contains([' ', '\t', '"', '\'']) {
                format!("{a:?}")
            } else {
                a.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pins of one server: tool name → pin.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerPins {
    /// `serverInfo.name` when the server was first pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// How the server was reached (command line or URL) when first pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached: Option<String>,
    #[serde(default)]
    pub tools: BTreeMap<String, Pin>,
}

impl ServerPins {
    /// The pin of a tool, if any.
    pub fn get(&self, name: &str) -> Option<&Pin> {
        self.tools.get(name)
    }

    /// Pins a tool's current definition (first pin, or acceptance of a change), stamped now.
    pub fn accept(&mut self, tool: &Value) -> Result<(), CatalogError> {
        self.accept_at(tool, &rfc3339_utc(SystemTime::now()))
    }

    /// [`ServerPins::accept`] with an explicit timestamp (for tests and injected clocks).
    /// Re-accepting a pinned tool keeps its `first_seen`.
    pub fn accept_at(&mut self, tool: &Value, now: &str) -> Result<(), CatalogError> {
        let name = tool_name(tool)?;
        let first_seen = self
            .tools
            .get(name)
            .map_or_else(|| now.to_owned(), |p| p.first_seen.clone());
        let pin = Pin {
            sha256: canonical_hash(tool),
            first_seen,
            definition: pinned_definition(tool),
        };
        self.tools.insert(name.to_owned(), pin);
        Ok(())
    }

    /// Forgets a tool (after it was removed on purpose).
    pub fn forget(&mut self, name: &str) -> bool {
        self.tools.remove(name).is_some()
    }

    /// Compares a `tools/list` result with the pins: changed and new tools in list order,
    /// then removed tools by name. Tools without a string name are skipped. One hash and
    /// one look-up per tool: linear in the number of tools.
    pub fn check(&self, tools: &[Value]) -> Vec<Drift> {
        let mut drifts = Vec::new();
        let mut listed = std::collections::HashSet::with_capacity(tools.len());
        for tool in tools {
            let Ok(name) = tool_name(tool) else { continue };
            listed.insert(name);
            if let Some(d) = self.check_one(name, tool, &canonical_hash(tool)) {
                drifts.push(d);
            }
        }
        for (name, pin) in &self.tools {
            if !listed.contains(name.as_str()) {
                drifts.push(Drift {
                    tool: name.clone(),
                    kind: DriftKind::Removed,
                    fields: Vec::new(),
                    diff: format!("no longer listed (pinned since {})", pin.first_seen),
                });
            }
        }
        drifts
    }

    /// How one listed tool (named `name`, whose [`canonical_hash`] is `hash`) differs from
    /// its pin, if it does. Never reports [`DriftKind::Removed`].
    pub fn check_one(&self, name: &str, tool: &Value, hash: &str) -> Option<Drift> {
        match self.tools.get(name) {
            Some(pin) if pin.sha256 == hash => None,
            Some(pin) => {
                let now = pinned_definition(tool);
                Some(Drift {
                    tool: name.to_owned(),
                    kind: DriftKind::Changed,
                    fields: PINNED_FIELDS
                        .iter()
                        .filter(|f| pin.definition.get(**f) != now.get(**f))
                        .map(|f| (*f).to_owned())
                        .collect(),
                    diff: definition_diff(&pin.definition, &now).join("\n"),
                })
            }
            None => Some(Drift {
                tool: name.to_owned(),
                kind: DriftKind::New,
                fields: Vec::new(),
                diff: format!(
                    "new tool, not pinned: sha256 {hash}; definition {}",
                    canonical_json(&pinned_definition(tool))
                ),
            }),
        }
    }
}

/// The lockfile: server key ([`server_key`]) → that server's pins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PinFile {
    pub version: u32,
    pub servers: BTreeMap<String, ServerPins>,
}

impl Default for PinFile {
    fn default() -> Self {
        PinFile::new()
    }
}

/// What is on disk: version 2 (`servers`) or version 1 (one flat `tools` map).
#[derive(Deserialize)]
struct OnDisk {
    version: u64,
    #[serde(default)]
    servers: Option<BTreeMap<String, ServerPins>>,
    #[serde(default)]
    tools: Option<BTreeMap<String, Pin>>,
}

impl PinFile {
    pub fn new() -> PinFile {
        PinFile {
            version: PIN_FILE_VERSION,
            servers: BTreeMap::new(),
        }
    }

    /// Reads a pin file. A version 1 file (one flat map of tools, from before pins were
    /// kept per server) is read with its pins under [`LEGACY_KEY`], and written back as
    /// version 2 by the next [`PinFile::save`].
    pub fn load(path: &Path) -> Result<PinFile, CatalogError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogError::ReadPins {
            path: path.to_owned(),
            source,
        })?;
        PinFile::parse(&text, path)
    }

    /// [`PinFile::load`] from text already read (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<PinFile, CatalogError> {
        let disk: OnDisk =
            serde_json::from_str(text).map_err(|source| CatalogError::ParsePins {
                path: path.to_owned(),
                source,
            })?;
        if disk.version > u64::from(PIN_FILE_VERSION) {
            return Err(CatalogError::PinsVersion {
                path: path.to_owned(),
                version: disk.version,
            });
        }
        let mut servers = disk.servers.unwrap_or_default();
        if let Some(tools) = disk.tools.filter(|t| !t.is_empty()) {
            servers.insert(
                LEGACY_KEY.to_owned(),
                ServerPins {
                    tools,
                    ..ServerPins::default()
                },
            );
        }
        Ok(PinFile {
            version: PIN_FILE_VERSION,
            servers,
        })
    }

    /// Reads a pin file, or starts an empty one when the file does not exist yet.
    pub fn load_or_new(path: &Path) -> Result<PinFile, CatalogError> {
        match PinFile::load(path) {
            Err(CatalogError::ReadPins { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Ok(PinFile::new())
            }
            other => other,
        }
    }

    /// Writes the pin file atomically: a temporary file in the same directory, flushed to
    /// disk, then renamed over the target, so a crash never leaves a half-written lockfile.
    pub fn save(&self, path: &Path) -> Result<(), CatalogError> {
        let err = |source| CatalogError::WritePins {
            path: path.to_owned(),
            source,
        };
        let mut text = serde_json::to_string_pretty(self).map_err(|e| err(e.into()))?;
        text.push('\n');
        let tmp = temp_path(path);
        let written = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(err)
    }

    /// Whether a pin file could be written at `path` (creates and removes a temporary file
    /// beside it, as [`PinFile::save`] would).
    pub fn writable(path: &Path) -> Result<(), CatalogError> {
        let tmp = temp_path(path);
        let made = std::fs::File::create(&tmp);
        let _ = std::fs::remove_file(&tmp);
        made.map(|_| ()).map_err(|source| CatalogError::WritePins {
            path: path.to_owned(),
            source,
        })
    }

    /// The pins of the server filed under `key`.
    pub fn server(&self, key: &str) -> Option<&ServerPins> {
        self.servers.get(key)
    }

    /// The pins of the server filed under `key`, created empty when missing.
    pub fn server_mut(&mut self, key: &str) -> &mut ServerPins {
        self.servers.entry(key.to_owned()).or_default()
    }

    /// Gives a version 1 file's pins to the server under `key`, when it has none of its own:
    /// the old file belonged to one server, and the first one to use it is taken to be it.
    /// True when pins moved (the caller saves the file).
    pub fn claim_legacy(&mut self, key: &str) -> bool {
        if self.servers.get(key).is_some_and(|s| !s.tools.is_empty()) {
            return false;
        }
        let Some(legacy) = self.servers.remove(LEGACY_KEY) else {
            return false;
        };
        let entry = self.server_mut(key);
        entry.tools = legacy.tools;
        true
    }

    /// Whether the server under `key` may be pinned on first sight (trust on first use):
    /// only while it has no pins, and only when no other entry was reached the same way
    /// under another `serverInfo` name (`reached` is `None` for an operator-named server;
    /// entries an operator named are not compared).
    /// A server that renames itself would otherwise get a fresh, unchecked set of pins.
    pub fn first_use(&self, key: &str, reached: Option<&str>) -> Result<(), String> {
        if self.servers.get(key).is_some_and(|s| !s.tools.is_empty()) {
            return Err(format!("`{key}` is pinned already"));
        }
        if self.servers.contains_key(LEGACY_KEY) {
            return Err("the pin file holds version 1 pins nobody claimed".into());
        }
        if let Some(reached) = reached
            && let Some((other, _)) = self
                .servers
                .iter()
                // Entries the operator named (no `server_name`) are other servers by choice.
                .find(|(k, s)| {
                    k.as_str() != key
                        && s.server_name.is_some()
                        && s.reached.as_deref() == Some(reached)
                })
        {
            return Err(format!(
                "the server reached by `{reached}` was pinned as `{other}` and now gives another name"
            ));
        }
        Ok(())
    }
}

fn tool_name(tool: &Value) -> Result<&str, CatalogError> {
    tool.get("name")
        .and_then(Value::as_str)
        .ok_or(CatalogError::MissingName)
}

fn temp_path(path: &Path) -> PathBuf {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| DEFAULT_PIN_FILE.to_owned());
    path.with_file_name(format!(".{file}.tmp-{}", std::process::id()))
}

/// `SystemTime` as RFC 3339 UTC with second precision (`2026-03-04T16:57:07Z`).
pub fn rfc3339_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil-from-days, for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn canonical_form_sorts_keys_and_drops_whitespace() {
        let v = json!({"b": 1, "a": {"d": [1, {"z": 0, "y": "x"}], "c": null}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":null,"d":[1,{"y":"x","z":0}]},"b":1}"#
        );
    }

    #[test]
    fn hash_ignores_unpinned_fields_and_key_order() {
        let a = json!({"name": "t", "description": "d", "title": "T1"});
        let b = json!({"title": "T2", "description": "d", "name": "t"});
        assert_eq!(canonical_hash(&a), canonical_hash(&b));
        assert_eq!(canonical_hash(&a).len(), 64);
        let c = json!({"name": "t", "description": "d2"});
        assert_ne!(canonical_hash(&a), canonical_hash(&c));
    }

    #[test]
    fn drift_mode_parses() {
        assert_eq!("Block".parse::<DriftMode>().unwrap(), DriftMode::Block);
        assert_eq!(" warn ".parse::<DriftMode>().unwrap(), DriftMode::Warn);
        assert_eq!("allow".parse::<DriftMode>().unwrap(), DriftMode::Allow);
        let e = "strict".parse::<DriftMode>().unwrap_err().to_string();
        assert!(e.contains("block, warn or allow"), "{e}");
        assert_eq!(DriftMode::default(), DriftMode::Block);
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_772_643_427);
        assert_eq!(rfc3339_utc(t), "2026-03-04T16:57:07Z");
    }
}
