//! Shared helpers for the integration tests: the golden corpus, loaded once per test.

use serde_json::Value;

/// One entry of `tests/golden/tools.jsonl`: a real tool and its published rating.
#[allow(dead_code)]
pub struct GoldenTool {
    pub line: usize,
    pub server: String,
    pub category: String,
    pub risk: String,
    pub source: String,
    /// The tool definition as an MCP client sees it (`name`, `description`, `inputSchema`).
    pub definition: Value,
}

#[allow(dead_code)]
impl GoldenTool {
    pub fn name(&self) -> &str {
        self.definition["name"].as_str().unwrap()
    }

    /// `name (server)`: how DISAGREEMENTS.md names an entry.
    pub fn key(&self) -> String {
        format!("{} ({})", self.name(), self.server)
    }
}

pub fn golden() -> Vec<GoldenTool> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/tools.jsonl");
    let text = std::fs::read_to_string(path).expect("golden corpus");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let v: Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("tools.jsonl:{}: {e}", i + 1));
            let field = |k: &str| {
                v[k].as_str()
                    .unwrap_or_else(|| panic!("tools.jsonl:{}: missing {k}", i + 1))
                    .to_owned()
            };
            let mut definition = serde_json::json!({
                "name": field("name"),
                "description": field("description"),
            });
            if let Some(s) = v.get("inputSchema") {
                definition["inputSchema"] = s.clone();
            }
            if let Some(a) = v.get("annotations") {
                definition["annotations"] = a.clone();
            }
            GoldenTool {
                line: i + 1,
                server: field("server"),
                category: field("category"),
                risk: field("risk"),
                source: field("source"),
                definition,
            }
        })
        .collect()
}

/// The definitions alone, as a `tools/list` result would carry them.
#[allow(dead_code)]
pub fn definitions() -> Vec<Value> {
    golden().into_iter().map(|g| g.definition).collect()
}
