//! Policy scaffolds from a `tools/list` result: where an operator starts (`toolgate scan`).
//!
//! Three renderings of the same classification: the commented native YAML policy
//! (`default: deny`, one entry per tool with its category, risk and flags in a comment),
//! the PolicyLayer-style JSON equivalent, and a Markdown report with one table per
//! category. The YAML and JSON outputs always load with `toolgate_policy::load`.
//!
//! The YAML is exactly what `toolgate policy fmt` prints for it, comments included (it is
//! written, then put through the same formatter), so `policy fmt --check` passes on a fresh
//! scaffold and formatting it loses none of its review notes. A tool that takes file-system
//! paths gets a `path_under` check before its rule, with a placeholder directory that no
//! path is under: until the operator fills it in, every call of the tool is refused.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::str::FromStr;

use serde_json::{Value, json};

use crate::classify::classify;
use crate::model::{Category, Classification, FlagKind, RuleAction};
use crate::schema::{PathArgument, path_arguments};
use crate::words::{identifier_words, text_words};

/// The directory the `path_under` template names until the operator fills in theirs: an
/// absolute path (so the policy loads) that no real path is under.
pub const PATH_PLACEHOLDER: &str = "/REPLACE/WITH/ALLOWED/DIRECTORY";

/// Output format of [`scaffold`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Commented native toolgate YAML.
    Yaml,
    /// PolicyLayer-style JSON (no comments).
    Json,
    /// A readable report, one table per category.
    Markdown,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            _ => Err(format!(
                "unknown format `{s}`; expected yaml, json or markdown"
            )),
        }
    }
}

/// A tool that made it into the scaffold, with its classification.
struct Entry<'a> {
    name: &'a str,
    description: &'a str,
    class: Classification,
    paths: Vec<PathArgument>,
}

/// Why a listed tool was left out of the scaffold.
struct Skipped {
    what: String,
    why: &'static str,
}

/// Renders a policy scaffold (or report) for `tools`, the `tools` array of a `tools/list`
/// result. Tools without a usable name, duplicates and a tool literally named `*` are left
/// out and mentioned in a comment (they would be misread as policy syntax).
pub fn scaffold(tools: &[Value], format: Format) -> String {
    let (entries, skipped) = collect(tools);
    match format {
        Format::Yaml => canonical(yaml(&entries, &skipped)),
        Format::Json => policylayer_json(&entries),
        Format::Markdown => markdown(&entries, &skipped),
    }
}

fn collect(tools: &[Value]) -> (Vec<Entry<'_>>, Vec<Skipped>) {
    let mut seen = BTreeSet::new();
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (i, tool) in tools.iter().enumerate() {
        let name = match tool.get("name").and_then(Value::as_str) {
            Some(n) if !n.is_empty() => n,
            _ => {
                skipped.push(Skipped {
                    what: format!("tools[{i}]"),
                    why: "no name",
                });
                continue;
            }
        };
        if name == "*" {
            skipped.push(Skipped {
                what: "\"*\"".to_owned(),
                why: "a tool named `*` would be read as the wildcard entry",
            });
            continue;
        }
        if !seen.insert(name) {
            skipped.push(Skipped {
                what: one_line(name, 80),
                why: "listed twice; the first definition is used",
            });
            continue;
        }
        let description = tool
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut words = identifier_words(name);
        words.extend(text_words(description));
        entries.push(Entry {
            name,
            description,
            class: classify(tool),
            paths: path_arguments(tool.get("inputSchema").unwrap_or(&Value::Null), &words),
        });
    }
    (entries, skipped)
}

/// Text safe for a one-line comment or table cell: control characters become spaces.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quoted(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

fn yaml(entries: &[Entry<'_>], skipped: &[Skipped]) -> String {
    let mut out = String::new();
    let count = |c: Category| entries.iter().filter(|e| e.class.category == c).count();
    let _ = writeln!(
        out,
        "# toolgate policy scaffold for {} tools (generated by `toolgate scan`).",
        entries.len()
    );
    let _ = writeln!(
        out,
        "# Review every entry: categories come from the tools' own names, descriptions and"
    );
    let _ = writeln!(
        out,
        "# schemas, and a server can describe a tool as it likes."
    );
    let _ = writeln!(
        out,
        "# Starting rules: Read/Other allowed under a rate limit, Write allowed under a tighter"
    );
    let _ = writeln!(
        out,
        "# one, Execute/Destructive/Financial and reads of secrets held for a person's approval;"
    );
    let _ = writeln!(
        out,
        "# tools that take file paths checked with `path_under` (fill in the directories);"
    );
    let _ = writeln!(out, "# anything not listed here is denied.");
    let summary: Vec<String> = Category::ALL
        .iter()
        .filter(|c| count(**c) > 0)
        .map(|c| format!("{c} {}", count(*c)))
        .collect();
    if !summary.is_empty() {
        let _ = writeln!(out, "# Tools by category: {}.", summary.join(", "));
    }
    for s in skipped {
        let _ = writeln!(out, "# Left out: {} ({}).", s.what, s.why);
    }
    let _ = writeln!(out, "version: \"1\"");
    let _ = writeln!(
        out,
        "description: {}",
        quoted(&format!("Scaffold for {} tools", entries.len()))
    );
    let _ = writeln!(out, "default: deny");
    if entries
        .iter()
        .any(|e| e.class.recommended.action == RuleAction::Approve)
    {
        let _ = writeln!(
            out,
            "# Who answers `approve` rules (never the caller): name them, and give them API keys in `identities`."
        );
        let _ = writeln!(out, "approvers: [\"group:approvers\"]");
    }
    if entries.is_empty() {
        let _ = writeln!(out, "tools: {{}}");
        return out;
    }
    let _ = writeln!(out, "tools:");
    for e in entries {
        let c = &e.class;
        let _ = writeln!(
            out,
            "  # {} — {}, {} risk",
            one_line(e.name, 80),
            c.category,
            c.risk
        );
        if !e.description.is_empty() {
            let _ = writeln!(out, "  #   {}", one_line(e.description, 110));
        }
        if !c.flags.is_empty() {
            let _ = writeln!(out, "  #   flags: {}", one_line(&c.flag_summary(), 200));
        }
        if c.has_flag(FlagKind::Credentials) {
            let _ = writeln!(
                out,
                "  #   WARNING: handles credentials or secrets; review who may call it and audit its use."
            );
        }
        let _ = writeln!(out, "  #   why: {}", one_line(evidence(c), 200));
        let _ = writeln!(out, "  {}:", quoted(e.name));
        let _ = writeln!(out, "    rules:");
        if !e.paths.is_empty() {
            path_template(&mut out, &e.paths);
        }
        let r = &c.recommended;
        let _ = writeln!(out, "      - action: {}", r.action.as_str());
        match (r.action, r.per_minute) {
            (RuleAction::Allow, Some(n)) => {
                let _ = writeln!(out, "        rate_limit: {n}/minute");
            }
            _ => {
                let _ = writeln!(out, "        reason: {}", quoted(&r.reason));
            }
        }
    }
    out
}

/// An `evaluate` check that every path argument is under the directories the operator
/// allows (a check denies when it fails, and a missing argument fails it).
fn path_template(out: &mut String, paths: &[PathArgument]) {
    let names: Vec<&str> = paths.iter().map(|p| p.key.as_str()).collect();
    let _ = writeln!(
        out,
        "      # Fill in the directories this tool may use (absolute paths, e.g. [/srv/data, /home/me/notes]):"
    );
    let _ = writeln!(
        out,
        "      # until then every call is refused. Checked: {}; a call without one is refused too.",
        one_line(&names.join(", "), 150)
    );
    let _ = writeln!(out, "      - action: evaluate");
    let _ = writeln!(out, "        when:");
    for p in paths {
        let mut path = arg_path(&p.key);
        if p.list {
            path.push_str("[*]");
        }
        let _ = writeln!(
            out,
            "          - {{path: {}, op: path_under, value: [{}]}}",
            quoted(&path),
            quoted(PATH_PLACEHOLDER)
        );
    }
    let _ = writeln!(
        out,
        "        reason: {}",
        quoted("Only paths under the directories this policy allows")
    );
}

/// `args.key`, or `args["odd.key"]` when the key needs quoting.
fn arg_path(key: &str) -> String {
    let bracketed = format!("args[{}]", quoted(key));
    toolgate_policy::path::ArgPath::parse(&bracketed)
        .map(|p| p.to_string())
        .unwrap_or(bracketed)
}

/// The YAML as `toolgate policy fmt` prints it, comments kept. Falls back to the text as
/// written if it does not load (never expected: tests load every scaffold).
fn canonical(text: String) -> String {
    let Ok(loaded) = toolgate_policy::load(&text, "scaffold.yaml") else {
        return text;
    };
    toolgate_policy::fmt::to_native_yaml_with_comments(&loaded.policy, &text).unwrap_or(text)
}

/// The rationale without the description quote and flag list (they have their own lines).
fn evidence(c: &Classification) -> &str {
    let r = c.rationale.as_str();
    let cut = [" Description: ", " Flags: ", " Also: "]
        .iter()
        .filter_map(|m| r.find(m))
        .min()
        .unwrap_or(r.len());
    &r[..cut]
}

fn policylayer_json(entries: &[Entry<'_>]) -> String {
    let mut tools = serde_json::Map::new();
    for e in entries {
        let r = &e.class.recommended;
        let entry = match (r.action, r.per_minute) {
            (RuleAction::Allow, Some(n)) => json!({"limits": [{
                "counter": format!("{}_rate", e.name),
                "window": "minute",
                "max": n,
                "scope": "grant",
            }]}),
            (action, _) => json!({"action": action.as_str(), "reason": r.reason}),
        };
        tools.insert(e.name.to_owned(), entry);
    }
    let doc = json!({"version": "1", "default": "deny", "tools": tools});
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// A Markdown table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    one_line(text, 300).replace('|', "\\|")
}

fn markdown(entries: &[Entry<'_>], skipped: &[Skipped]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Tool catalogue: {} tools\n", entries.len());
    let _ = writeln!(out, "| Category | Risk | Tools |\n|---|---|---|");
    for c in Category::ALL {
        let n = entries.iter().filter(|e| e.class.category == c).count();
        if n > 0 {
            let _ = writeln!(out, "| {c} | {} | {n} |", c.risk());
        }
    }
    for c in Category::ALL {
        let group: Vec<&Entry<'_>> = entries.iter().filter(|e| e.class.category == c).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {c} ({} risk)\n", c.risk());
        let _ = writeln!(
            out,
            "| Tool | Risk | Flags | Recommended rule | Why |\n|---|---|---|---|---|"
        );
        for e in group {
            let cl = &e.class;
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                cell(e.name).replace('`', "'"),
                cl.risk,
                cell(&cl.flag_summary()),
                cell(&cl.recommended.summary()),
                cell(evidence(cl)),
            );
        }
    }
    if !skipped.is_empty() {
        let _ = writeln!(out, "\n## Left out\n");
        for s in skipped {
            let _ = writeln!(out, "- {}: {}", cell(&s.what), s.why);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        assert_eq!("YAML".parse::<Format>(), Ok(Format::Yaml));
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert!("toml".parse::<Format>().is_err());
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(one_line("a\nb\r\n\tc", 80), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}
