//! Every scaffold must load: the native YAML and the PolicyLayer JSON rendering of the whole
//! golden corpus (and of awkward inputs) pass `toolgate_policy::load` with no errors, and
//! the loaded policy says what the classification recommended.

mod common;

use serde_json::{Value, json};
use toolgate_catalog::{Format, classify, scaffold};
use toolgate_policy::model::{Action, DefaultAction};

fn load(text: &str, file: &str) -> toolgate_policy::Loaded {
    match toolgate_policy::load(text, file) {
        Ok(loaded) => loaded,
        Err(e) => {
            let lines: Vec<String> = e.0.iter().map(|d| d.render(file)).collect();
            panic!(
                "{file} does not load:\n{}\n--- text ---\n{text}",
                lines.join("\n")
            )
        }
    }
}

#[test]
fn yaml_scaffold_of_the_corpus_loads_and_matches_the_classification() {
    let tools = common::definitions();
    let text = scaffold(&tools, Format::Yaml);
    let loaded = load(&text, "scaffold.yaml");
    assert!(
        loaded.warnings.is_empty(),
        "warnings: {:?}",
        loaded.warnings
    );
    assert_eq!(loaded.policy.default, DefaultAction::Deny);
    // Entries are unique by name; the corpus repeats names across servers.
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    names.dedup();
    assert_eq!(loaded.policy.tools.len(), names.len());
    for entry in &loaded.policy.tools {
        let tool = tools
            .iter()
            .find(|t| t["name"] == entry.name.as_str())
            .unwrap();
        let c = classify(tool);
        // A tool with path arguments has the `path_under` check first; the recommended
        // rule is always the last.
        let rule = entry.rules.last().unwrap();
        if entry.rules.len() == 2 {
            let check = &entry.rules[0];
            assert_eq!(check.action, Action::Evaluate, "{}", entry.name);
            assert!(
                check.when.iter().all(|w| w.op.as_str() == "path_under"),
                "{}",
                entry.name
            );
        } else {
            assert_eq!(entry.rules.len(), 1, "{}", entry.name);
        }
        let expected = match c.recommended.action {
            toolgate_catalog::RuleAction::Allow => Action::Allow,
            toolgate_catalog::RuleAction::Approve => Action::Approve,
            toolgate_catalog::RuleAction::Deny => Action::Deny,
        };
        assert_eq!(rule.action, expected, "{}", entry.name);
        assert_eq!(
            rule.limits.len(),
            usize::from(c.recommended.per_minute.is_some()),
            "{}",
            entry.name
        );
    }
}

#[test]
fn json_scaffold_of_the_corpus_loads() {
    let text = scaffold(&common::definitions(), Format::Json);
    let loaded = load(&text, "scaffold.json");
    assert_eq!(loaded.dialect, toolgate_policy::Dialect::PolicyLayer);
    assert_eq!(loaded.policy.default, DefaultAction::Deny);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["tools"]["create_refund"]["action"], "approve");
    assert_eq!(doc["tools"]["list"]["limits"][0]["max"], 60);
}

#[test]
fn yaml_comments_carry_category_risk_flags_and_credential_warning() {
    let mut tools: Vec<Value> = common::definitions()
        .into_iter()
        .filter(|t| t["name"] == "exchangeRefreshTokenForJWTWithId" || t["name"] == "create_refund")
        .collect();
    tools.dedup_by(|a, b| a["name"] == b["name"]);
    let text = scaffold(&tools, Format::Yaml);
    assert!(
        text.contains("# exchangeRefreshTokenForJWTWithId — Write, Medium risk"),
        "{text}"
    );
    assert!(text.contains("flags: Handles credentials or secrets (requestBody.token); High parameter count (20 properties)"), "{text}");
    assert!(text.contains("WARNING: handles credentials"), "{text}");
    assert!(
        text.contains("rate_limit: {max: 10, window: minute}"),
        "{text}"
    );
    assert!(
        text.contains("# create_refund — Financial, Critical risk"),
        "{text}"
    );
    assert!(text.contains("action: approve"), "{text}");
    insta::assert_snapshot!("two_tools_yaml", text);
}

#[test]
fn awkward_names_and_descriptions_still_load() {
    let tools = vec![
        json!({"name": "weird: name # not a comment", "description": "line one\nline two\r\n# fake: key"}),
        json!({"name": "quote\"and\\backslash", "description": "\u{0007} bell"}),
        json!({"name": "*", "description": "wildcard impostor"}),
        json!({"name": "dup", "description": "first"}),
        json!({"name": "dup", "description": "second"}),
        json!({"description": "no name"}),
        json!({"name": "ünïcødé.tool-1", "description": "Delete everything"}),
    ];
    for format in [Format::Yaml, Format::Json] {
        let text = scaffold(&tools, format);
        let file = if format == Format::Json {
            "a.json"
        } else {
            "a.yaml"
        };
        let loaded = load(&text, file);
        let mut names: Vec<&str> = loaded
            .policy
            .tools
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "dup",
                "quote\"and\\backslash",
                "weird: name # not a comment",
                "ünïcødé.tool-1"
            ],
            "{format:?}"
        );
    }
    let yaml = scaffold(&tools, Format::Yaml);
    assert!(yaml.contains("# Left out: \"*\""), "{yaml}");
}

#[test]
fn empty_tool_list_loads() {
    for (format, file) in [(Format::Yaml, "e.yaml"), (Format::Json, "e.json")] {
        let loaded = load(&scaffold(&[], format), file);
        assert!(loaded.policy.tools.is_empty());
        assert_eq!(loaded.policy.default, DefaultAction::Deny);
    }
}

#[test]
fn markdown_report_has_one_table_per_category() {
    let text = scaffold(&common::definitions(), Format::Markdown);
    for heading in [
        "## Read (Low risk)",
        "## Write (Medium risk)",
        "## Execute (High risk)",
        "## Destructive (Critical risk)",
        "## Financial (Critical risk)",
        "## Other (Low risk)",
    ] {
        assert!(text.contains(heading), "missing {heading}");
    }
    assert!(text.contains("| Tool | Risk | Flags | Recommended rule | Why |"));
    assert!(text.contains("| `create_refund` | Critical |"), "{text}");
    // Table rows never break: no raw newline or unescaped pipe inside a cell.
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        assert_eq!(line.matches(" | ").count(), 4, "{line}");
    }
}

/// Regression (issue 24): the scaffold was not in canonical form (`policy fmt --check`
/// failed on it) and formatting it dropped its review comments. It is now exactly what the
/// formatter prints for it, comments included, for the whole corpus and awkward inputs.
#[test]
fn yaml_scaffold_is_a_fixed_point_of_fmt_with_its_comments() {
    let awkward = vec![
        json!({"name": "weird: name # not a comment", "description": "line one\n# fake: key"}),
        json!({"name": "quote\"and\\backslash", "description": "\u{0007} bell"}),
        json!({"name": "move_file", "description": "Move files",
            "inputSchema": {"properties": {"source": {"type": "string"}, "destination": {"type": "string"},
                "paths": {"type": "array", "items": {"type": "string"}}, "odd.key path": {"type": "string"}}}}),
    ];
    for (what, tools) in [("corpus", common::definitions()), ("awkward", awkward)] {
        let text = scaffold(&tools, Format::Yaml);
        let loaded = load(&text, "scaffold.yaml");
        let again =
            toolgate_policy::fmt::to_native_yaml_with_comments(&loaded.policy, &text).unwrap();
        assert_eq!(again, text, "{what}: fmt changed the scaffold");
        // The comments are the scaffold's: one header line per tool at least.
        let comments = text
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count();
        assert!(
            comments > tools.len(),
            "{what}: {comments} comment lines\n{text}"
        );
    }
}

#[test]
fn path_arguments_get_a_path_under_check() {
    let tools = vec![
        json!({"name": "move_file", "description": "Move or rename files",
        "inputSchema": {"properties": {"source": {"type": "string"}, "destination": {"type": "string"}}}}),
    ];
    let text = scaffold(&tools, Format::Yaml);
    assert!(
        text.contains(
            "      - action: evaluate
        when:
          - {path: args.destination, op: path_under, value: [\"/REPLACE/WITH/ALLOWED/DIRECTORY\"]}
          - {path: args.source, op: path_under, value: [\"/REPLACE/WITH/ALLOWED/DIRECTORY\"]}
        reason: Only paths under the directories this policy allows
      - action: allow
"
        ),
        "{text}"
    );
    assert!(text.contains("Checked: destination, source;"), "{text}");
}
