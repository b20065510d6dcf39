//! `grants:` → a list of [`Grant`]s.
//!
//! A grant's rules use exactly the rule grammar of `tools.<name>.rules` (same parser, same
//! messages), so narrowing a tool for some callers reads like writing its rules.

use crate::diagnostics::{Diagnostics, Pos};
use crate::identity::{ANYONE, GROUP_PREFIX, Grant, GrantRules, Grantee, name_problem};
use crate::parse::identities::check_name;
use crate::parse::reader::{MapReader, list, string};
use crate::parse::{check_rule_names, rules};
use crate::source::{Node, NodeKind};

const GRANT_KEYS: &[&str] = &["name", "to", "tools", "rules"];

/// The whole `grants` list. `null` is an empty list: the section is there, so the grant gate
/// is on (the loader warns that nothing is open).
pub fn grants(node: &Node, diags: &mut Diagnostics) -> Vec<Grant> {
    let Some(items) = list(node, "grants", diags) else {
        return Vec::new();
    };
    if items.is_empty() {
        diags.warning_hint(
            node.pos,
            "`grants` is empty, so every call is denied",
            "add a grant, or remove `grants` to let `tools` alone decide",
        );
    }
    let mut out: Vec<Grant> = Vec::new();
    // Names of every grant read so far, valid or not, so a duplicate is reported even when
    // the first grant has errors of its own.
    let mut names: Vec<(String, Pos)> = Vec::new();
    for item in items {
        if let Some(name) = item_name(item) {
            if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                diags.error_hint(
                    item.pos,
                    format!("duplicate grant name `{name}`"),
                    format!("it is already used at {first}; grant names key their rules' counters"),
                );
            } else {
                names.push((name, item.pos));
            }
        }
        if let Some(g) = grant(item, diags) {
            out.push(g);
        }
    }
    out
}

fn item_name(item: &Node) -> Option<String> {
    let NodeKind::Map(entries) = &item.kind else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.text == "name")
        .and_then(|(_, v)| v.as_str())
        .map(str::to_owned)
}

fn grant(node: &Node, diags: &mut Diagnostics) -> Option<Grant> {
    let mut m = MapReader::new(node, "a grant", GRANT_KEYS, diags)?;
    let name_node = m.get("name");
    let to_node = m.get("to");
    let tools_node = m.get("tools");
    let rules_node = m.get("rules");
    m.finish(diags);
    let mut ok = true;

    let name = name_node.and_then(|n| {
        let s = string(n, "a grant name", diags)?;
        let problem = name_problem(&s).or_else(|| s.contains('/').then_some("contains `/`"));
        match problem {
            Some(p) => {
                diags.error_hint(
                    n.pos,
                    format!("a grant name {p}"),
                    "grant names appear in rule labels and counter ids (`grant:NAME/TOOL`)",
                );
                ok = false;
                None
            }
            None => Some(s),
        }
    });

    let to = match to_node {
        Some(t) => grantees(t, diags),
        None => {
            diags.error_hint(
                node.pos,
                "a grant needs `to`",
                "e.g. `to: [alice, \"group:support\"]`, or `to: [\"*\"]` for every caller",
            );
            None
        }
    };

    let mut tools = Vec::new();
    if let Some(t) = tools_node {
        for item in list(t, "tools", diags).unwrap_or_default() {
            match string(item, "a tool name", diags) {
                Some(s) if s.is_empty() => {
                    diags.error(item.pos, "a tool name is empty");
                    ok = false;
                }
                Some(s) if tools.contains(&s) => {
                    diags.warning(item.pos, format!("`{s}` is listed twice"));
                }
                Some(s) => tools.push(s),
                None => ok = false,
            }
        }
    }

    let mut rules_out = Vec::new();
    if let Some(r) = rules_node {
        match &r.kind {
            NodeKind::Map(entries) => {
                for (key, value) in entries {
                    match grant_rules(&key.text, key.pos, value, diags) {
                        Some(gr) => rules_out.push(gr),
                        None => ok = false,
                    }
                }
            }
            NodeKind::Null => {}
            _ => {
                diags.error_hint(
                    r.pos,
                    format!(
                        "a grant's rules must be a mapping of tool names, found {}",
                        r.type_name()
                    ),
                    "e.g. `rules: {createRefund: [{action: allow, rate_limit: 5/hour}]}`",
                );
                ok = false;
            }
        }
    }

    if tools.is_empty() && rules_out.is_empty() && to.is_some() && ok {
        diags.warning_hint(
            node.pos,
            "this grant opens no tool and has no rules",
            "list the tools it opens under `tools`",
        );
    }
    let to = to?;
    ok.then(|| Grant {
        name,
        to,
        tools,
        rules: rules_out,
        pos: node.pos,
    })
}

/// `to: [alice, "group:support", "*"]`.
fn grantees(node: &Node, diags: &mut Diagnostics) -> Option<Vec<Grantee>> {
    let items = list(node, "to", diags)?;
    if items.is_empty() {
        diags.error_hint(
            node.pos,
            "a grant's `to` is empty, so it applies to nobody",
            "name identities, `group:NAME`, or `\"*\"` for every caller; or remove the grant",
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(text) = string(item, "a `to` entry", diags) else {
            ok = false;
            continue;
        };
        let grantee = if text == ANYONE {
            Some(Grantee::Anyone)
        } else if let Some(group) = text.strip_prefix(GROUP_PREFIX) {
            check_name(group, item.pos, "a group name", diags).then(|| Grantee::Group(group.into()))
        } else {
            check_name(&text, item.pos, "an identity name", diags)
                .then(|| Grantee::Identity(text.clone()))
        };
        match grantee {
            Some(g) if out.contains(&g) => {
                diags.warning(item.pos, format!("`{text}` is listed twice"));
            }
            Some(g) => out.push(g),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn grant_rules(tool: &str, pos: Pos, node: &Node, diags: &mut Diagnostics) -> Option<GrantRules> {
    if tool.is_empty() {
        diags.error(pos, "a tool name is empty");
        return None;
    }
    let mut rules = Vec::new();
    let mut ok = true;
    for item in list(node, "a grant's rules for a tool", diags)? {
        match rules::rule(item, tool, diags) {
            Some(r) => rules.push(r),
            None => ok = false,
        }
    }
    check_rule_names(&rules, diags);
    ok.then(|| GrantRules {
        tool: tool.to_owned(),
        rules,
        pos,
    })
}
