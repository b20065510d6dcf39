//! The official MCP JSON schemas, one per protocol revision toolgate speaks (vendored under
//! `crates/testkit/schemas/<revision>/schema.json`; source commit and license in
//! `schemas/README.md`), and a check that a message is valid in a revision: its JSON-RPC
//! envelope and, where the method says which, its typed request, notification or result
//! (`CallToolResult` for a `tools/call` answer, and so on). The envelope alone would accept
//! any object as a result: `Result` allows every property.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;
use serde_json::Value;

/// The revisions with a vendored schema, oldest first (the same list as
/// `toolgate_mcp::ProtocolVersion::ALL`; a test in `tests/schemas.rs` keeps them equal).
pub const REVISIONS: [&str; 5] = [
    "2024-11-05",
    "2025-03-26",
    "2025-06-18",
    "2025-11-25",
    "2026-07-28",
];

/// What a message answers, so its result can be checked against the right definition.
#[derive(Debug, Clone, Copy)]
pub enum Answering<'a> {
    /// A response to a request with this method (`tools/call`, `initialize`, …).
    Method(&'a str),
    /// Not a response, or one whose request is unknown: only the envelope is checked.
    Unknown,
}

/// Where the vendored schema of `revision` is.
pub fn schema_path(revision: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(revision)
        .join("schema.json")
}

type Cache = Mutex<HashMap<(String, String), Arc<Validator>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn documents() -> &'static Mutex<HashMap<String, Arc<Value>>> {
    static DOCS: OnceLock<Mutex<HashMap<String, Arc<Value>>>> = OnceLock::new();
    DOCS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The schema document of `revision`, read once.
pub fn document(revision: &str) -> Result<Arc<Value>, String> {
    let mut docs = documents().lock().map_err(|e| e.to_string())?;
    if let Some(doc) = docs.get(revision) {
        return Ok(doc.clone());
    }
    let path = schema_path(revision);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (no vendored schema for {revision})",
            path.display()
        )
    })?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc = Arc::new(doc);
    docs.insert(revision.to_owned(), doc.clone());
    Ok(doc)
}

/// Whether `revision`'s schema defines `definition`.
pub fn defines(revision: &str, definition: &str) -> bool {
    document(revision)
        .is_ok_and(|doc| definitions(&doc).is_some_and(|d| d.get(definition).is_some()))
}

fn definitions(doc: &Value) -> Option<&serde_json::Map<String, Value>> {
    doc.get("$defs")
        .or_else(|| doc.get("definitions"))
        .and_then(Value::as_object)
}

/// A validator for one definition of one revision: the whole document with its root pointed
/// at the definition, so every `$ref` inside resolves as in the original.
fn validator(revision: &str, definition: &str) -> Result<Arc<Validator>, String> {
    let key = (revision.to_owned(), definition.to_owned());
    if let Some(v) = cache().lock().map_err(|e| e.to_string())?.get(&key) {
        return Ok(v.clone());
    }
    let doc = document(revision)?;
    let defs_key = if doc.get("$defs").is_some() {
        "$defs"
    } else {
        "definitions"
    };
    if !defines(revision, definition) {
        return Err(format!(
            "the {revision} schema has no definition {definition}"
        ));
    }
    let mut root = (*doc).clone();
    root["$ref"] = Value::String(format!("#/{defs_key}/{definition}"));
    let compiled = jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("compiling {revision} #{definition}: {e}"))?;
    let compiled = Arc::new(compiled);
    cache()
        .lock()
        .map_err(|e| e.to_string())?
        .insert(key, compiled.clone());
    Ok(compiled)
}

/// Validates `instance` against `definition` of `revision`; every violation as
/// `#definition <instance path>: <message>`.
pub fn validate(revision: &str, definition: &str, instance: &Value) -> Result<(), Vec<String>> {
    let v = validator(revision, definition).map_err(|e| vec![e])?;
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| {
            let path = e.instance_path().to_string();
            let path = if path.is_empty() {
                "/".to_owned()
            } else {
                path
            };
            format!("#{definition} {path}: {e}")
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The definition a request or notification with `method` must match, when the revision has
/// one (server→client and client→server alike).
fn message_definition(method: &str) -> Option<&'static str> {
    Some(match method {
        "initialize" => "InitializeRequest",
        "notifications/initialized" => "InitializedNotification",
        "notifications/cancelled" => "CancelledNotification",
        "notifications/progress" => "ProgressNotification",
        "ping" => "PingRequest",
        "tools/call" => "CallToolRequest",
        "tools/list" => "ListToolsRequest",
        "elicitation/create" => "ElicitRequest",
        "sampling/createMessage" => "CreateMessageRequest",
        "roots/list" => "ListRootsRequest",
        _ => return None,
    })
}

/// The definition a result answering `method` must match.
fn result_definition(method: &str) -> Option<&'static str> {
    Some(match method {
        "initialize" => "InitializeResult",
        "tools/call" => "CallToolResult",
        "tools/list" => "ListToolsResult",
        "server/discover" => "DiscoverResult",
        "elicitation/create" => "ElicitResult",
        "ping" => "EmptyResult",
        _ => return None,
    })
}

/// The first of `names` that `revision` defines (definitions were renamed between revisions:
/// `JSONRPCError` became `JSONRPCErrorResponse`).
fn first_defined(revision: &str, names: &[&'static str]) -> Option<&'static str> {
    names.iter().copied().find(|n| defines(revision, n))
}

/// Checks one JSON-RPC message (not a batch) as valid in `revision`: the `JSONRPCMessage`
/// union, the envelope of its kind, and its typed definition where the method names one.
pub fn check_message(
    revision: &str,
    message: &Value,
    answering: Answering<'_>,
) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    let mut run = |definition: &str, instance: &Value| {
        if let Err(e) = validate(revision, definition, instance) {
            errors.extend(e);
        }
    };
    run("JSONRPCMessage", message);
    let method = message.get("method").and_then(Value::as_str);
    if message.get("error").is_some() {
        if let Some(def) = first_defined(revision, &["JSONRPCErrorResponse", "JSONRPCError"]) {
            run(def, message);
        }
    } else if let Some(result) = message.get("result") {
        if let Some(def) = first_defined(revision, &["JSONRPCResultResponse", "JSONRPCResponse"]) {
            run(def, message);
        }
        let typed = match answering {
            Answering::Method(m) => result_definition(m).filter(|d| defines(revision, d)),
            Answering::Unknown => None,
        };
        run(typed.unwrap_or("Result"), result);
    } else if let Some(method) = method {
        let envelope = if message.get("id").is_some() {
            "JSONRPCRequest"
        } else {
            "JSONRPCNotification"
        };
        run(envelope, message);
        if let Some(def) = message_definition(method).filter(|d| defines(revision, d)) {
            run(def, message);
        }
    } else {
        errors.push("neither a request, a notification nor a response".to_owned());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
