//! Argument validation against pinned input schemas: type errors name the instance path,
//! draft-07 and 2020-12 are both understood, and remote `$ref`s are refused at compile
//! time instead of being fetched.

use serde_json::json;
use toolgate_catalog::validate::detect_draft;
use toolgate_catalog::{ArgValidator, CatalogError, ValidatorCache};

#[test]
fn wrong_type_is_refused_with_the_instance_path() {
    let schema = json!({"type": "object", "properties": {"a": {"type": "number"}}});
    let v = ArgValidator::compile("t", &schema).unwrap();
    assert!(v.validate(&json!({"a": 1.5})).is_ok());
    let errors = v.validate(&json!({"a": "x"})).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("/a: "), "{errors:?}");
    assert!(errors[0].contains("number"), "{errors:?}");
}

#[test]
fn every_violation_is_reported() {
    let schema = json!({"type": "object", "required": ["to"], "additionalProperties": false,
        "properties": {"to": {"type": "string"}, "n": {"type": "integer", "maximum": 3}}});
    let v = ArgValidator::compile("t", &schema).unwrap();
    let errors = v.validate(&json!({"n": 9, "bcc": "x"})).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("/n: ")), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("/: ") && e.contains("to")),
        "{errors:?}"
    );
}

#[test]
fn draft_is_detected_from_dollar_schema() {
    use jsonschema::Draft;
    assert_eq!(detect_draft(&json!({})), Draft::Draft202012);
    assert_eq!(
        detect_draft(&json!({"$schema": "http://json-schema.org/draft-07/schema#"})),
        Draft::Draft7
    );
    assert_eq!(
        detect_draft(&json!({"$schema": "https://json-schema.org/draft/2020-12/schema"})),
        Draft::Draft202012
    );
}

#[test]
fn draft_07_semantics_apply() {
    // In draft-07 `items` with an array is tuple validation and `additionalItems` limits
    // the rest; in 2020-12 that keyword is gone (prefixItems/items instead).
    let schema = json!({"$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object", "properties": {"pair": {"type": "array",
            "items": [{"type": "string"}, {"type": "number"}], "additionalItems": false}}});
    let v = ArgValidator::compile("t", &schema).unwrap();
    assert_eq!(v.draft(), jsonschema::Draft::Draft7);
    assert!(v.validate(&json!({"pair": ["a", 1]})).is_ok());
    let errors = v.validate(&json!({"pair": [1, "a"]})).unwrap_err();
    assert!(errors.iter().all(|e| e.starts_with("/pair/")), "{errors:?}");
    assert!(v.validate(&json!({"pair": ["a", 1, true]})).is_err());
    // The same schema read as 2020-12 treats the array form of `items` differently.
    let v2020 = ArgValidator::compile("t", &json!({"type": "object",
        "properties": {"pair": {"type": "array", "prefixItems": [{"type": "string"}], "items": false}}})).unwrap();
    assert!(v2020.validate(&json!({"pair": ["a"]})).is_ok());
    assert!(v2020.validate(&json!({"pair": ["a", 1]})).is_err());
}

#[test]
fn local_refs_work() {
    let schema = json!({"type": "object", "properties": {"user": {"$ref": "#/$defs/user"}},
        "$defs": {"user": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}});
    let v = ArgValidator::compile("t", &schema).unwrap();
    assert!(v.validate(&json!({"user": {"id": 1}})).is_ok());
    let errors = v.validate(&json!({"user": {"id": "1"}})).unwrap_err();
    assert!(errors[0].starts_with("/user/id: "), "{errors:?}");
}

/// A remote `$ref` must fail to compile with a clear error, never be fetched.
#[test]
fn remote_ref_is_refused_not_fetched() {
    // An unroutable documentation address: if anything tried to fetch it, the test
    // would hang or fail with a network error instead of our message.
    let schema = json!({"type": "object",
        "properties": {"a": {"$ref": "http://schemas.example.invalid/thing.json"}}});
    let err = ArgValidator::compile("remote_tool", &schema).unwrap_err();
    let CatalogError::Schema { tool, message } = &err else {
        panic!("{err}")
    };
    assert_eq!(tool, "remote_tool");
    assert!(
        message.contains("http://schemas.example.invalid/thing.json"),
        "{message}"
    );
    assert!(err.to_string().contains("remote_tool"), "{err}");
}

#[test]
fn cache_compiles_once_per_definition() {
    let cache = ValidatorCache::new();
    let tool = json!({"name": "t", "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}}}});
    assert!(cache.validate(&tool, &json!({"a": 1})).is_ok());
    assert!(cache.validate(&tool, &json!({"a": "x"})).is_err());
    assert_eq!(cache.len(), 1);
    let a = cache.get(&tool).unwrap();
    let b = cache.get(&tool).unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    // A changed schema gets its own validator: the key is the canonical hash.
    let mut changed = tool.clone();
    changed["inputSchema"]["properties"]["a"]["type"] = json!("string");
    assert!(cache.validate(&changed, &json!({"a": "x"})).is_ok());
    assert_eq!(cache.len(), 2);
    // No schema: any object; a broken schema refuses every call with the reason.
    assert!(
        cache
            .validate(&json!({"name": "free"}), &json!({"x": 1}))
            .is_ok()
    );
    let broken = json!({"name": "b", "inputSchema": {"type": 12}});
    let errors = cache.validate(&broken, &json!({})).unwrap_err();
    assert!(errors[0].contains("`b`"), "{errors:?}");
}
