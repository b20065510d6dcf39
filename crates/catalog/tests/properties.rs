//! Properties that must hold for any input a server could send: classification never
//! panics, the scaffold always loads, and the canonical hash ignores key order.

use proptest::prelude::*;
use serde_json::{Value, json};
use toolgate_catalog::{Format, canonical_hash, classify, scaffold};

fn tool_strategy() -> impl Strategy<Value = Value> {
    (
        "[ -~\\n\\t\u{e9}\u{4e2d}]{0,40}",
        "[ -~\\n\u{e9}]{0,80}",
        prop::collection::vec("[a-zA-Z_]{1,12}", 0..6),
    )
        .prop_map(|(name, description, props)| {
            let properties: serde_json::Map<String, Value> = props
                .into_iter()
                .map(|p| (p, json!({"type": "string"})))
                .collect();
            json!({"name": name, "description": description,
                "inputSchema": {"type": "object", "properties": properties}})
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_tool_list_scaffolds_to_a_loadable_policy(tools in prop::collection::vec(tool_strategy(), 0..6)) {
        for _ in tools.iter().map(classify) {}
        for (format, file) in [(Format::Yaml, "p.yaml"), (Format::Json, "p.json")] {
            let text = scaffold(&tools, format);
            let loaded = toolgate_policy::load(&text, file);
            prop_assert!(loaded.is_ok(), "{file} does not load:\n{text}\n{:?}", loaded.err());
        }
    }

    #[test]
    fn hash_ignores_key_order(a in "[a-z]{1,8}", b in "[a-z]{1,8}", x in any::<i64>()) {
        let one: Value = serde_json::from_str(&format!(
            r#"{{"name":"t","inputSchema":{{"properties":{{"{a}":{{"type":"string"}},"{b}x":{{"const":{x}}}}}}}}}"#)).unwrap();
        let two: Value = serde_json::from_str(&format!(
            r#"{{"inputSchema":{{"properties":{{"{b}x":{{"const":{x}}},"{a}":{{"type":"string"}}}}}},"name":"t"}}"#)).unwrap();
        prop_assert_eq!(canonical_hash(&one), canonical_hash(&two));
    }
}
