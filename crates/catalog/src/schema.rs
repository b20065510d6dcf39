//! Reading a tool's `inputSchema`: every property at any depth, with its JSON path, and
//! the risk signals those properties carry.
//!
//! Paths use the catalogue notation operators already know from PolicyLayer and Intercept
//! pages: `requestBody.token`, `requestBody.refreshTokens[].token`. Keys are visited in
//! sorted order so results never depend on how a map happens to be ordered.

use serde_json::Value;

use crate::model::{Flag, FlagKind};
use crate::words::{identifier_words, squash};

/// How deep the walk goes; deeper schemas are truncated (and still counted up to here).
const MAX_DEPTH: usize = 32;

/// Properties at any depth from which a schema counts as a "high parameter count".
/// The catalogues flag 11 and 12 properties as high and never flag small tools; 10 is the
/// round threshold at or below their observed cut-off.
pub const HIGH_PARAMETER_COUNT: usize = 10;

/// One property found in a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Dotted path: `requestBody.refreshTokens[].token`.
    pub path: String,
    /// The property's own key.
    pub key: String,
    /// Nesting level (0 for a root property).
    pub depth: usize,
    /// The declared `type` when it is a single string.
    pub ty: Option<String>,
    /// Whether the property is an array, and its items are objects.
    pub is_array: bool,
    pub items_are_objects: bool,
}

/// Every property of `schema` at any depth (through `properties`, `items`, `allOf`,
/// `anyOf`, `oneOf`), in path order.
pub fn properties(schema: &Value) -> Vec<Property> {
    let mut out = Vec::new();
    walk(schema, "", 0, &mut out);
    out
}

fn walk(schema: &Value, prefix: &str, depth: usize, out: &mut Vec<Property>) {
    let Some(obj) = schema.as_object() else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(Value::Object(props)) = obj.get("properties") {
        let mut keys: Vec<&String> = props.keys().collect();
        keys.sort();
        for key in keys {
            let sub = &props[key];
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            let ty = sub.get("type").and_then(Value::as_str).map(str::to_owned);
            let items = sub.get("items");
            let is_array = ty.as_deref() == Some("array") || items.is_some();
            let items_are_objects = items.is_some_and(|i| {
                i.get("type").and_then(Value::as_str) == Some("object")
                    || i.get("properties").is_some()
            });
            out.push(Property {
                path: path.clone(),
                key: key.clone(),
                depth,
                ty,
                is_array,
                items_are_objects,
            });
            walk(sub, &path, depth + 1, out);
            if let Some(items) = items {
                walk(items, &format!("{path}[]"), depth + 1, out);
            }
        }
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(parts)) = obj.get(combinator) {
            for part in parts {
                walk(part, prefix, depth, out);
            }
        }
    }
    if prefix.is_empty()
        && let Some(items) = obj.get("items")
    {
        walk(items, "[]", depth + 1, out);
    }
}

/// Strength of a credential match: exact names first, then suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Exact,
    Suffix,
}

const CREDENTIAL_EXACT: &[&str] = &[
    "token",
    "accesstoken",
    "authtoken",
    "bearertoken",
    "sessiontoken",
    "apitoken",
    "idtoken",
    "password",
    "passwd",
    "passphrase",
    "secret",
    "clientsecret",
    "apikey",
    "apisecret",
    "privatekey",
    "secretkey",
    "accesskey",
    "authorization",
    "credential",
    "credentials",
    "cookie",
    "otp",
    "pat",
    "sshkey",
];

/// Words that turn a `…token` name into something harmless (`max_tokens`, `page_token`).
const NOT_A_SECRET: &[&str] = &[
    "max",
    "min",
    "num",
    "count",
    "limit",
    "total",
    "budget",
    "page",
    "next",
    "continuation",
    "cursor",
    "sync",
    "id",
    "ids",
    "type",
    "expires",
    "expiry",
    "length",
    "usage",
    "name",
];

fn credential_strength(key: &str) -> Option<Strength> {
    let squashed = squash(key);
    if CREDENTIAL_EXACT.contains(&squashed.as_str()) {
        return Some(Strength::Exact);
    }
    let words = identifier_words(key);
    if words.iter().any(|w| NOT_A_SECRET.contains(&w.as_str())) {
        return None;
    }
    let last = words.last()?.as_str();
    let before = words.len().checked_sub(2).map(|i| words[i].as_str());
    let secret_suffix = matches!(
        last,
        "password" | "passwd" | "secret" | "token" | "tokens" | "credentials" | "apikey"
    );
    let qualified_key = last == "key"
        && matches!(
            before,
            Some("api" | "access" | "secret" | "private" | "ssh" | "signing" | "encryption")
        );
    (secret_suffix || qualified_key).then_some(Strength::Suffix)
}

fn is_freeform_code(squashed: &str) -> bool {
    matches!(
        squashed,
        "command"
            | "cmd"
            | "commandline"
            | "script"
            | "shell"
            | "code"
            | "sql"
            | "query"
            | "statement"
            | "expression"
            | "javascript"
            | "js"
            | "python"
            | "program"
            | "snippet"
            | "eval"
            | "function"
    )
}

fn is_url(squashed: &str) -> bool {
    matches!(
        squashed,
        "url" | "uri" | "href" | "endpoint" | "hostname" | "host" | "webhook" | "domain" | "link"
    ) || squashed.ends_with("url")
        || squashed.ends_with("uri")
}

fn is_path(squashed: &str) -> bool {
    matches!(
        squashed,
        "path"
            | "file"
            | "filename"
            | "dir"
            | "directory"
            | "folder"
            | "destination"
            | "dest"
            | "source"
            | "src"
            | "cwd"
            | "workdir"
    ) || squashed.ends_with("path")
}

fn is_raw_content(squashed: &str) -> bool {
    matches!(
        squashed,
        "content" | "body" | "html" | "template" | "markdown" | "payload" | "htmlbody"
    )
}

fn is_money(squashed: &str) -> bool {
    matches!(
        squashed,
        "amount" | "price" | "total" | "cost" | "fee" | "subtotal" | "unitamount"
    ) || squashed.ends_with("amount")
}

fn is_bulk_target(prop: &Property) -> bool {
    let s = squash(&prop.key);
    prop.depth == 0
        && prop.is_array
        && (prop.items_are_objects
            || s.ends_with("ids")
            || matches!(
                s.as_str(),
                "paths" | "files" | "targets" | "records" | "recipients" | "instances" | "items"
            ))
}

/// A flag raised by a property's name: its kind, the name test and the sentence.
type InputKind = (FlagKind, fn(&str) -> bool, &'static str);

/// The schema's flags (one per kind, naming the strongest evidence) and, for the
/// rationale, every further path that matched a flag already raised.
pub fn flags(schema: &Value) -> (Vec<Flag>, Vec<String>) {
    let props = properties(schema);
    let mut flags = Vec::new();
    let mut notes = Vec::new();

    let mut creds: Vec<(Strength, &Property)> = props
        .iter()
        .filter_map(|p| credential_strength(&p.key).map(|s| (s, p)))
        .collect();
    creds.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
    if let Some((_, best)) = creds.first() {
        flags.push(flag(
            FlagKind::Credentials,
            &best.path,
            format!("Handles credentials or secrets ({})", best.path),
        ));
        for (_, other) in &creds[1..] {
            notes.push(format!("further secret-looking property {}", other.path));
        }
    }
    if props.len() >= HIGH_PARAMETER_COUNT {
        flags.push(flag(
            FlagKind::HighParameterCount,
            "",
            format!("High parameter count ({} properties)", props.len()),
        ));
    }
    let simple: [InputKind; 5] = [
        (
            FlagKind::FreeformCode,
            is_freeform_code,
            "Accepts freeform code/query input",
        ),
        (FlagKind::Url, is_url, "Accepts URL/endpoint input"),
        (FlagKind::FilePath, is_path, "Accepts file system path"),
        (
            FlagKind::RawContent,
            is_raw_content,
            "Accepts raw HTML/template content",
        ),
        (FlagKind::MoneyAmount, is_money, "Accepts a money amount"),
    ];
    for (kind, test, text) in simple {
        let hit = props.iter().find(|p| {
            test(&squash(&p.key)) && !matches!(p.ty.as_deref(), Some("object" | "array"))
        });
        if let Some(p) = hit {
            flags.push(flag(kind, &p.path, format!("{text} ({})", p.path)));
        }
    }
    if let Some(p) = props.iter().find(|p| is_bulk_target(p)) {
        flags.push(flag(
            FlagKind::Bulk,
            &p.path,
            format!("Bulk/array input — affects multiple targets ({})", p.path),
        ));
    }
    (flags, notes)
}

/// A top-level argument that names a file-system path, for the scaffold's `path_under`
/// template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathArgument {
    pub key: String,
    /// A list of paths (`paths: [..]`): the condition reads every element.
    pub list: bool,
}

/// The top-level arguments that take file-system paths. Names that say so on their own
/// (`path`, `file_path`, `directory`) count always; names that are paths only in a
/// file-system tool (`source`, `destination`, `file`, `json_path`) count when the tool's
/// own words speak of files, directories or paths (`tool_words`: its name and description
/// words).
/// A list of such strings (`paths`, `files`) counts too.
pub fn path_arguments(schema: &Value, tool_words: &[String]) -> Vec<PathArgument> {
    let about_files = tool_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "file"
                | "files"
                | "directory"
                | "directories"
                | "folder"
                | "folders"
                | "path"
                | "paths"
                | "filesystem"
                | "dir"
                | "dirs"
        )
    });
    let mut out = Vec::new();
    for p in properties(schema).into_iter().filter(|p| p.depth == 0) {
        let squashed = squash(&p.key);
        let (name, list) = match p.ty.as_deref() {
            Some("array") | None if p.is_array => match squashed.strip_suffix('s') {
                Some(one) if !p.items_are_objects && is_path(one) => (one.to_owned(), true),
                _ => continue,
            },
            Some("string") | None => (squashed, false),
            _ => continue,
        };
        // `filename` is usually a bare name, which `path_under` would refuse.
        let by_itself = matches!(
            name.as_str(),
            "path"
                | "filepath"
                | "dirpath"
                | "directorypath"
                | "folderpath"
                | "dir"
                | "directory"
                | "folder"
                | "cwd"
                | "workdir"
        );
        if is_path(&name) && name != "filename" && (by_itself || about_files) {
            out.push(PathArgument { key: p.key, list });
        }
    }
    out
}

/// Whether the schema has a `currency` property anywhere (a money amount's companion).
pub fn has_currency(schema: &Value) -> bool {
    properties(schema)
        .iter()
        .any(|p| matches!(squash(&p.key).as_str(), "currency" | "currencycode"))
}

pub(crate) fn flag(kind: FlagKind, path: &str, text: String) -> Flag {
    Flag {
        kind,
        path: path.to_owned(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_arguments_of_file_system_tools() {
        let words = |s: &str| crate::words::text_words(s);
        let schema = serde_json::json!({"type": "object", "properties": {
            "source": {"type": "string"}, "destination": {"type": "string"},
            "paths": {"type": "array", "items": {"type": "string"}},
            "path": {"type": "string"}, "count": {"type": "integer"},
            "nested": {"type": "object", "properties": {"path": {"type": "string"}}}
        }});
        let keys = |w: &str| -> Vec<(String, bool)> {
            path_arguments(&schema, &words(w))
                .into_iter()
                .map(|a| (a.key, a.list))
                .collect()
        };
        assert_eq!(
            keys("move file: Move or rename files"),
            [
                ("destination".to_owned(), false),
                ("path".to_owned(), false),
                ("paths".to_owned(), true),
                ("source".to_owned(), false)
            ]
        );
        // `source` and `destination` of a tool that never speaks of files are not paths.
        assert_eq!(
            keys("sync records between systems"),
            [("path".to_owned(), false), ("paths".to_owned(), true)]
        );
    }
    use serde_json::json;

    #[test]
    fn paths_through_nested_objects_and_arrays() {
        let schema = json!({"type": "object", "properties": {
            "requestBody": {"type": "object", "properties": {
                "refreshTokens": {"type": "array", "items": {"type": "object", "properties": {
                    "token": {"type": "string"}}}}}}}});
        let paths: Vec<String> = properties(&schema).into_iter().map(|p| p.path).collect();
        assert_eq!(
            paths,
            [
                "requestBody",
                "requestBody.refreshTokens",
                "requestBody.refreshTokens[].token"
            ]
        );
    }

    #[test]
    fn credential_names() {
        for yes in [
            "token",
            "apiKey",
            "api_key",
            "client_secret",
            "userPassword",
            "refreshToken",
        ] {
            assert!(credential_strength(yes).is_some(), "{yes}");
        }
        for no in ["max_tokens", "nextPageToken", "key", "token_id", "title"] {
            assert!(credential_strength(no).is_none(), "{no}");
        }
        assert!(credential_strength("token") < credential_strength("refreshToken"));
    }

    #[test]
    fn exact_credential_name_beats_suffix_match() {
        let schema = json!({"properties": {"requestBody": {"properties": {
            "refreshToken": {"type": "string"}, "token": {"type": "string"}}}}});
        let (flags, notes) = flags(&schema);
        assert_eq!(
            flags[0].text,
            "Handles credentials or secrets (requestBody.token)"
        );
        assert_eq!(
            notes,
            ["further secret-looking property requestBody.refreshToken"]
        );
    }
}
