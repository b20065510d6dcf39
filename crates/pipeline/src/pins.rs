//! Tool pinning at the gateway: the definitions the operator approved, checked on every
//! `tools/list`, and the pinned `inputSchema` checked on every allowed call.
//!
//! A server that changes a tool's description or schema after it was approved (a "rug pull"),
//! or shows a tool nobody approved, meets the policy's `drift:` rule — `block` (default):
//! the tool disappears from the list and its calls are refused with kind `drift` and a diff;
//! `warn`: logged; `allow`: ignored. When the pin file does not exist yet, the first session
//! pins what it sees (trust on first use) and writes the file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use toolgate_catalog::{DriftKind, PinFile, ValidatorCache};
use toolgate_policy::lookalike::Lookalikes;
use toolgate_policy::model::Drift as DriftPolicy;

pub struct Pins {
    path: PathBuf,
    file: Mutex<PinFile>,
    /// No pin file existed when the gateway started: pin on first sight.
    first_use: bool,
    /// Tools seen drifting in this session, with the diff shown to the agent.
    drifted: Mutex<HashMap<String, String>>,
    validators: ValidatorCache,
    /// Property names of each pinned schema, for spotting lookalike argument keys.
    schema_keys: Mutex<HashMap<String, (String, Arc<Lookalikes>)>>,
}

/// What the gateway should do with one listed tool.
pub enum Listed {
    Keep,
    /// Remove it from the list: it drifted and the policy blocks drift.
    Drop,
}

impl Pins {
    pub fn open(path: PathBuf) -> Result<Pins, String> {
        let first_use = !path.exists();
        let file =
            PinFile::load_or_new(&path).map_err(|e| format!("pin file {}: {e}", path.display()))?;
        Ok(Pins {
            path,
            file: Mutex::new(file),
            first_use,
            drifted: Mutex::new(HashMap::new()),
            validators: ValidatorCache::new(),
            schema_keys: Mutex::new(HashMap::new()),
        })
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Checks one tool definition from a `tools/list` answer.
    pub fn on_listed(&self, tool: &Value, mode: DriftPolicy) -> Listed {
        let Some(name) = tool.get("name").and_then(Value::as_str) else {
            return Listed::Keep;
        };
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if self.first_use && file.get(name).is_none() {
            if file.accept(tool).is_ok() {
                if let Err(e) = file.save(&self.path) {
                    tracing::error!(error = %e, "could not write the pin file");
                }
                tracing::info!(tool = name, file = %self.path.display(), "pinned on first sight");
            }
            return Listed::Keep;
        }
        let drift = file
            .check(std::slice::from_ref(tool))
            .into_iter()
            .find(|d| d.kind != DriftKind::Removed);
        drop(file);
        let mut drifted = self.drifted.lock().unwrap_or_else(|p| p.into_inner());
        let Some(d) = drift else {
            drifted.remove(name);
            return Listed::Keep;
        };
        let what = match d.kind {
            DriftKind::Changed => "changed since it was pinned",
            _ => "is not pinned",
        };
        match mode {
            DriftPolicy::Allow => Listed::Keep,
            DriftPolicy::Warn => {
                tracing::warn!(tool = name, diff = %d.diff, "tool {what} (drift: warn)");
                Listed::Keep
            }
            DriftPolicy::Block => {
                tracing::warn!(tool = name, diff = %d.diff, "tool {what}; hidden until `toolgate pin --accept {name}`");
                drifted.insert(name.to_owned(), format!("`{name}` {what}: {}", d.diff));
                Listed::Drop
            }
        }
    }

    /// Why a call of `tool` must be refused as drift, if it must.
    pub fn refuse_call(&self, tool: &str, mode: DriftPolicy) -> Option<String> {
        if mode != DriftPolicy::Block {
            return None;
        }
        if let Some(diff) = self
            .drifted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(tool)
        {
            return Some(format!(
                "{diff}; an operator must run `toolgate pin --accept {tool}`"
            ));
        }
        let known = self
            .file
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(tool)
            .is_some();
        (!known && !self.first_use).then(|| {
            format!("`{tool}` is not pinned; an operator must approve it with `toolgate pin --accept {tool}`")
        })
    }

    /// A pinned tool `tool` only imitates (same once case and compatibility forms are
    /// folded). Only asked about names that are not pinned as written, so the scan over
    /// every pin is off the path of ordinary calls.
    pub fn imitated_tool(&self, tool: &str) -> Option<String> {
        let file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if file.get(tool).is_some() {
            return None;
        }
        let folded = toolgate_policy::lookalike::fold(tool);
        file.tools
            .keys()
            .find(|name| toolgate_policy::lookalike::fold(name) == folded)
            .cloned()
    }

    /// Every property name in `tool`'s pinned `inputSchema`, at any depth. Built once per
    /// pinned definition (keyed by its hash), not on every call.
    pub fn schema_keys(&self, tool: &str) -> Option<Arc<Lookalikes>> {
        let file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let pin = file.get(tool)?;
        let mut cache = self.schema_keys.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((hash, keys)) = cache.get(tool)
            && *hash == pin.sha256
        {
            return Some(keys.clone());
        }
        let schema = pin.definition.get("inputSchema")?;
        let mut keys = Lookalikes::default();
        collect_properties(schema, &mut keys);
        let keys = Arc::new(keys);
        cache.insert(tool.to_owned(), (pin.sha256.clone(), keys.clone()));
        Some(keys)
    }

    /// Checks arguments against the pinned `inputSchema`. `Err` lists the violations.
    pub fn validate(&self, tool: &str, args: &Value) -> Result<(), Vec<String>> {
        let definition = {
            let file = self.file.lock().unwrap_or_else(|p| p.into_inner());
            match file.get(tool) {
                Some(pin) => pin.definition.clone(),
                None => return Ok(()),
            }
        };
        self.validators.validate(&definition, args)
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
