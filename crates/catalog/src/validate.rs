//! Argument validation against a tool's pinned input schema.
//!
//! The gateway validates `tools/call` arguments before forwarding, so a server never sees
//! arguments outside the schema the operator reviewed. Schemas are compiled once and cached
//! by canonical hash. The draft is read from `$schema` (draft-07, 2019-09, 2020-12, …;
//! 2020-12 when absent, as MCP specifies). Remote `$ref`s are never fetched: a schema that
//! needs one fails to compile with an error naming the reference.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonschema::{Draft, Retrieve, Uri, Validator};
use serde_json::Value;

use crate::error::CatalogError;
use crate::pin::canonical_hash;

/// Refuses every external reference, so compiling a schema never touches the network
/// or the file system.
struct NoRemoteRefs;

impl Retrieve for NoRemoteRefs {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!(
            "remote $ref `{}` is not fetched (toolgate resolves only references inside the schema; inline the definition under $defs)",
            uri.as_str()
        )
        .into())
    }
}

/// A compiled input schema.
pub struct ArgValidator {
    validator: Validator,
    draft: Draft,
}

impl std::fmt::Debug for ArgValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArgValidator")
            .field("draft", &self.draft)
            .finish_non_exhaustive()
    }
}

/// The draft a schema declares in `$schema`; 2020-12 when it declares none.
pub fn detect_draft(schema: &Value) -> Draft {
    let Some(uri) = schema.get("$schema").and_then(Value::as_str) else {
        return Draft::Draft202012;
    };
    if uri.contains("draft-04") {
        Draft::Draft4
    } else if uri.contains("draft-06") {
        Draft::Draft6
    } else if uri.contains("draft-07") {
        Draft::Draft7
    } else if uri.contains("2019-09") {
        Draft::Draft201909
    } else {
        Draft::Draft202012
    }
}

impl ArgValidator {
    /// Compiles `schema` (the input schema of `tool`, named in errors).
    pub fn compile(tool: &str, schema: &Value) -> Result<ArgValidator, CatalogError> {
        let draft = detect_draft(schema);
        let validator = jsonschema::options()
            .with_draft(draft)
            .with_retriever(NoRemoteRefs)
            .build(schema)
            .map_err(|e| CatalogError::Schema {
                tool: tool.to_owned(),
                message: e.to_string(),
            })?;
        Ok(ArgValidator { validator, draft })
    }

    /// The draft the schema was compiled with.
    pub fn draft(&self) -> Draft {
        self.draft
    }

    /// Validates call arguments. Every violation is reported as
    /// `<instance path>: <message>` (`/a: "x" is not of type "number"`), root as `/`.
    pub fn validate(&self, args: &Value) -> Result<(), Vec<String>> {
        let errors: Vec<String> = self
            .validator
            .iter_errors(args)
            .map(|e| {
                let path = e.instance_path().to_string();
                let path = if path.is_empty() {
                    "/".to_owned()
                } else {
                    path
                };
                format!("{path}: {e}")
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Compiled validators keyed by the canonical hash of the tool definition, so a changed
/// schema is never validated with a stale validator. Safe to share between sessions.
#[derive(Debug, Default)]
pub struct ValidatorCache {
    compiled: Mutex<HashMap<String, Arc<ArgValidator>>>,
}

impl ValidatorCache {
    pub fn new() -> ValidatorCache {
        ValidatorCache::default()
    }

    /// The validator for a tool definition (`name` + `inputSchema`), compiled on first use.
    /// A tool without `inputSchema` accepts any object (`{"type": "object"}`).
    pub fn get(&self, tool: &Value) -> Result<Arc<ArgValidator>, CatalogError> {
        let key = canonical_hash(tool);
        if let Some(v) = self.lock().get(&key) {
            return Ok(Arc::clone(v));
        }
        let name = tool.get("name").and_then(Value::as_str).unwrap_or("");
        let default = serde_json::json!({"type": "object"});
        let schema = tool.get("inputSchema").unwrap_or(&default);
        let compiled = Arc::new(ArgValidator::compile(name, schema)?);
        self.lock().insert(key, Arc::clone(&compiled));
        Ok(compiled)
    }

    /// Validates `args` for `tool` (compiling its schema if needed). A schema that does not
    /// compile refuses every call, with the compile error as the message.
    pub fn validate(&self, tool: &Value, args: &Value) -> Result<(), Vec<String>> {
        match self.get(tool) {
            Ok(v) => v.validate(args),
            Err(e) => Err(vec![e.to_string()]),
        }
    }

    /// Number of compiled schemas held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<ArgValidator>>> {
        // A poisoned map only means another thread panicked mid-insert; the map itself
        // is still consistent (inserts are single operations).
        self.compiled.lock().unwrap_or_else(|p| p.into_inner())
    }
}
