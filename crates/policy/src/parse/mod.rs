//! Loading a policy file: text → located tree → validated [`Policy`], with every problem.
//!
//! The three accepted formats share one grammar. Native YAML is a superset of Intercept's
//! YAML, and PolicyLayer's JSON (tool entries with `limits`, `action`, `reason`) is read by
//! the same code because JSON is YAML. The detected [`Dialect`] is reported to the operator
//! and selects dialect-specific warnings; it never changes what a rule means.

mod approval;
mod grants;
mod identities;
mod limits;
mod reader;
mod rules;

use std::fmt;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::glob::Glob;
use crate::identity::{Grantee, IdentitiesFile};
use crate::model::{Action, DefaultAction, Drift, Policy, Rule, ToolEntry, WILDCARD};
use crate::source::{Node, NodeKind, parse_document};
use reader::{MapReader, list, string, word};

const TOP_KEYS: &[&str] = &[
    "version",
    "description",
    "default",
    "hide",
    "tools",
    "drift",
    "identities",
    "auth",
    "grants",
    "approvers",
];
/// toolgate's own top-level sections: no Intercept or PolicyLayer file has them.
const EXTENSION_KEYS: &[&str] = &["identities", "auth", "grants", "approvers"];
const IDENTITIES_FILE_KEYS: &[&str] = &["identities", "auth"];
const ENTRY_KEYS: &[&str] = &["rules", "limits", "action", "reason"];

/// Which published format a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Native,
    Intercept,
    PolicyLayer,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Native => "toolgate YAML",
            Dialect::Intercept => "Intercept YAML",
            Dialect::PolicyLayer => "PolicyLayer JSON",
        })
    }
}

/// A successfully loaded policy and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub policy: Policy,
    pub dialect: Dialect,
    pub warnings: Vec<Diagnostic>,
}

/// Every diagnostic of a file that did not load (errors and warnings, in file order).
#[derive(Debug, Clone, thiserror::Error)]
#[error("policy has {} error(s)", .0.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).count())]
pub struct LoadError(pub Vec<Diagnostic>);

/// Loads a policy from text. `file_name` only guides dialect detection (`.json`).
pub fn load(text: &str, file_name: &str) -> Result<Loaded, LoadError> {
    let mut diags = Diagnostics::default();
    let Some(root) = parse_document(text, &mut diags) else {
        if !diags.has_errors() {
            diags.error_hint(
                Pos { line: 1, col: 1 },
                "policy is empty",
                "a minimal policy is `version: \"1\"` plus `default: deny` and a `tools:` mapping",
            );
        }
        return Err(LoadError(diags.sorted()));
    };
    let dialect = detect(&root, file_name);
    let policy = policy(&root, dialect, &mut diags);
    if let Some(p) = &policy {
        lint(p, &mut diags);
    }
    match policy {
        Some(policy) if !diags.has_errors() => Ok(Loaded {
            policy,
            dialect,
            warnings: diags.sorted(),
        }),
        _ => Err(LoadError(diags.sorted())),
    }
}

/// Names the dialect from content, using the extension as a tie-breaker.
fn detect(root: &Node, file_name: &str) -> Dialect {
    let NodeKind::Map(top) = &root.kind else {
        return Dialect::Native;
    };
    let tools = top.iter().find(|(k, _)| k.text == "tools").map(|(_, v)| v);
    let entries: Vec<&Node> = match tools.map(|t| &t.kind) {
        Some(NodeKind::Map(e)) => e.iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    let entry_has = |key: &str| {
        entries.iter().any(|e| match &e.kind {
            NodeKind::Map(m) => m.iter().any(|(k, _)| k.text == key),
            _ => false,
        })
    };
    if entry_has("limits") || (file_name.ends_with(".json") && !entry_has("rules")) {
        return Dialect::PolicyLayer;
    }
    let mut intercept_markers = false;
    let mut native_markers = top
        .iter()
        .any(|(k, _)| EXTENSION_KEYS.contains(&k.text.as_str()));
    for entry in &entries {
        let NodeKind::Map(m) = &entry.kind else {
            continue;
        };
        let Some((_, rules)) = m.iter().find(|(k, _)| k.text == "rules") else {
            continue;
        };
        let NodeKind::Seq(rules) = &rules.kind else {
            continue;
        };
        for rule in rules {
            let NodeKind::Map(r) = &rule.kind else {
                continue;
            };
            for (k, v) in r {
                match k.text.as_str() {
                    "conditions" | "on_deny" | "state" => intercept_markers = true,
                    "rate_limit" if matches!(v.kind, NodeKind::Str(_)) => intercept_markers = true,
                    "action" if v.as_str() == Some("evaluate") => intercept_markers = true,
                    "when" | "reason" | "spend" | "limits" | "scope" => native_markers = true,
                    "action" if v.as_str() == Some("approve") => native_markers = true,
                    _ => {}
                }
            }
        }
    }
    if intercept_markers && !native_markers {
        Dialect::Intercept
    } else {
        Dialect::Native
    }
}

fn policy(root: &Node, dialect: Dialect, diags: &mut Diagnostics) -> Option<Policy> {
    let mut m = MapReader::new(root, "the policy", TOP_KEYS, diags)?;
    let version = match m.get("version") {
        None => "1".to_owned(),
        Some(v) => match &v.kind {
            NodeKind::Str(s) if s == "1" => s.clone(),
            NodeKind::Number(n) if n.as_u64() == Some(1) => "1".to_owned(),
            _ => {
                diags.error_hint(
                    v.pos,
                    "unsupported policy version",
                    "this toolgate reads `version: \"1\"`",
                );
                "1".to_owned()
            }
        },
    };
    let description = m
        .get("description")
        .and_then(|d| string(d, "description", diags));
    let default = match m.get("default") {
        Some(d) => match word(d, "default", &["allow", "deny"], diags) {
            Some("allow") => DefaultAction::Allow,
            _ => DefaultAction::Deny,
        },
        None => {
            if dialect == Dialect::Intercept {
                diags.warning_hint(
                    root.pos,
                    "no `default`: Intercept would allow tools this file does not name; toolgate denies them",
                    "add `default: allow` to keep Intercept's behaviour, or `default: deny` to silence this",
                );
            }
            DefaultAction::Deny
        }
    };
    let mut hide = Vec::new();
    if let Some(h) = m.get("hide") {
        for item in list(h, "hide", diags).unwrap_or_default() {
            if let Some(s) = string(item, "a hidden tool name", diags) {
                if s.is_empty() {
                    diags.error(item.pos, "a hidden tool name is empty");
                } else if hide.contains(&s) {
                    diags.warning(item.pos, format!("`{s}` is hidden twice"));
                } else {
                    hide.push(s);
                }
            }
        }
    }
    let drift = match m.get("drift") {
        Some(d) => match word(d, "drift", &["block", "warn", "allow"], diags) {
            Some("warn") => Drift::Warn,
            Some("allow") => Drift::Allow,
            _ => Drift::Block,
        },
        None => Drift::Block,
    };
    let identities = m
        .get("identities")
        .map(|n| identities::identities(n, diags))
        .unwrap_or_default();
    let auth = m.get("auth").and_then(|n| identities::auth(n, diags));
    let grants = m.get("grants").map(|n| grants::grants(n, diags));
    let approvers = m
        .get("approvers")
        .map(|n| top_approvers(n, diags))
        .unwrap_or_default();
    let mut tools = Vec::new();
    match m.get("tools") {
        Some(t) => match &t.kind {
            NodeKind::Map(entries) => {
                for (key, value) in entries {
                    if let Some(e) = entry(&key.text, key.pos, value, diags) {
                        tools.push(e);
                    }
                }
            }
            NodeKind::Null => {}
            _ => diags.error(
                t.pos,
                format!(
                    "tools must be a mapping of tool names, found {}",
                    t.type_name()
                ),
            ),
        },
        // With grants, tools can be opened by grants alone; with `default: allow` (say
        // beside a `hide` list) the policy needs no entries. A policy that can only deny is
        // legal too, but probably not what its author meant.
        None if grants.is_some() || default == DefaultAction::Allow => {}
        None => diags.warning_hint(
            root.pos,
            "the policy has no `tools` and `default` is deny: every call is denied",
            "add `tools:` with an entry per tool the agents need, or `default: allow`",
        ),
    }
    m.finish(diags);
    Some(Policy {
        version,
        description,
        default,
        hide,
        tools,
        drift,
        identities,
        auth,
        grants,
        approvers,
    })
}

/// The top-level `approvers`: who answers approval requests of rules naming nobody.
fn top_approvers(node: &Node, diags: &mut Diagnostics) -> Vec<String> {
    let mut out = Vec::new();
    for item in list(node, "approvers", diags).unwrap_or_default() {
        match string(item, "an approver", diags) {
            Some(a) if approval::valid_approver(&a) => {
                if out.contains(&a) {
                    diags.warning(item.pos, format!("approver `{a}` is listed twice"));
                } else {
                    out.push(a);
                }
            }
            Some(a) => diags.error_hint(
                item.pos,
                format!("approver `{a}` is not an identity name or `group:NAME`"),
                "use names as in `identities`, or `group:sre`",
            ),
            None => {}
        }
    }
    out
}

fn entry(name: &str, pos: Pos, node: &Node, diags: &mut Diagnostics) -> Option<ToolEntry> {
    if name.is_empty() {
        diags.error(pos, "a tool name is empty");
        return None;
    }
    if matches!(node.kind, NodeKind::Null) {
        return Some(ToolEntry {
            name: name.to_owned(),
            rules: Vec::new(),
            pos,
        });
    }
    let mut m = MapReader::new(node, "a tool entry", ENTRY_KEYS, diags)?;
    let rules_node = m.get("rules");
    let has_flat = m.has("limits") || m.has("action") || m.has("reason");
    let mut rules = Vec::new();
    let mut ok = true;
    if let (Some(r), true) = (rules_node, has_flat) {
        diags.error_hint(
            r.pos,
            "a tool entry has either `rules` or PolicyLayer's `action`/`reason`/`limits`, not both",
            "move `action`, `reason` and `limits` into a rule",
        );
        for key in ["action", "reason", "limits"] {
            m.get(key);
        }
        m.finish(diags);
        return None;
    }
    if let Some(r) = rules_node {
        for item in list(r, "rules", diags).unwrap_or_default() {
            match rules::rule(item, name, diags) {
                Some(rule) => rules.push(rule),
                None => ok = false,
            }
        }
    } else if has_flat {
        // PolicyLayer's flat entry is one rule; without an action the entry allows.
        let synthetic = flat_rule(&mut m, node);
        match rules::rule(&synthetic, name, diags) {
            Some(mut rule) => {
                if !m.has("action") {
                    rule.action = Action::Allow;
                }
                rules.push(rule);
            }
            None => ok = false,
        }
    }
    m.finish(diags);
    check_rule_names(&rules, diags);
    ok.then(|| ToolEntry {
        name: name.to_owned(),
        rules,
        pos,
    })
}

/// Lifts PolicyLayer's entry-level keys into a rule node so they share one parser.
fn flat_rule(m: &mut MapReader<'_>, node: &Node) -> Node {
    let mut entries = Vec::new();
    if let NodeKind::Map(all) = &node.kind {
        for (k, v) in all {
            if matches!(k.text.as_str(), "limits" | "action" | "reason") {
                m.get(&k.text);
                entries.push((k.clone(), v.clone()));
            }
        }
    }
    Node {
        kind: NodeKind::Map(entries),
        pos: node.pos,
    }
}

pub(crate) fn check_rule_names(rules: &[Rule], diags: &mut Diagnostics) {
    for (i, r) in rules.iter().enumerate() {
        let Some(name) = &r.name else { continue };
        if let Some(first) = rules[..i].iter().find(|o| o.name.as_ref() == Some(name)) {
            diags.error_hint(
                r.pos,
                format!("duplicate rule name `{name}` in this tool entry"),
                format!(
                    "it is already used at {}; rule names key their counters",
                    first.pos
                ),
            );
        }
    }
}

/// Checks that need the whole policy: unreachable rules, hidden entries, risky defaults.
fn lint(p: &Policy, diags: &mut Diagnostics) {
    if p.default == DefaultAction::Allow {
        diags.warning_hint(
            Pos { line: 1, col: 1 },
            "`default: allow` lets every tool this file does not name through",
            "prefer `default: deny` and list the tools agents need",
        );
    }
    let hide: Vec<Glob> = p.hide.iter().map(|h| Glob::new(h)).collect();
    for e in &p.tools {
        if e.name != WILDCARD && hide.iter().any(|g| g.matches(&e.name)) {
            diags.warning(
                e.pos,
                format!("`{}` is hidden, so its rules never apply", e.name),
            );
        }
        // A tool listed with no rules skips the `*` entry's `deny`/`approve` rules, so
        // for it they end nothing: what follows them is still read.
        let bare_listed = e.name == WILDCARD
            && p.tools
                .iter()
                .any(|o| o.name != WILDCARD && o.rules.is_empty());
        lint_unreachable_in(&e.rules, bare_listed, diags);
    }
    if let Some(grants) = &p.grants {
        lint_grants(p, grants, &hide, diags);
    }
    lint_approvals(p, diags);
}

/// An `approve` rule that names no approvers, in a policy that names none either, can never
/// be approved: every call it holds is refused. Said at validation, not found in production.
fn lint_approvals(p: &Policy, diags: &mut Diagnostics) {
    if !p.approvers.is_empty() {
        return;
    }
    let tool_rules = p.tools.iter().flat_map(|e| e.rules.iter());
    let grant_rules = p
        .grants
        .iter()
        .flatten()
        .flat_map(|g| g.rules.iter())
        .flat_map(|r| r.rules.iter());
    let unanswerable: Vec<&Rule> = tool_rules
        .chain(grant_rules)
        .filter(|r| {
            r.action == Action::Approve
                && r.approval.via == crate::model::ApprovalVia::Queue
                && r.approval.approvers.is_empty()
        })
        .collect();
    if let Some(first) = unanswerable.first() {
        let others = match unanswerable.len() - 1 {
            0 => String::new(),
            1 => " (and 1 other `approve` rule)".to_owned(),
            n => format!(" (and {n} other `approve` rules)"),
        };
        diags.warning_hint(
            first.pos,
            format!("nobody may approve this rule's calls{others}: it names no `approvers` and the policy has no top-level `approvers`"),
            "add `approvers: [alice, \"group:sre\"]` at the top level or to the rule's `approval`; approvers answer with `toolgate approvals` or on the --admin page",
        );
    }
}

fn lint_unreachable(rules: &[Rule], diags: &mut Diagnostics) {
    lint_unreachable_in(rules, false, diags)
}

/// `skipping_restrictive`: some tools read these rules without their `deny`/`approve` ones
/// (the `*` rules, for a tool listed with no rules), so only an unconditional `allow` ends
/// the reading for them; a `deny`/`approve` after an unconditional `deny`/`approve` is
/// still never matched.
fn lint_unreachable_in(rules: &[Rule], skipping_restrictive: bool, diags: &mut Diagnostics) {
    let mut ended_by: Option<&Rule> = None;
    for r in rules {
        let ended = match ended_by {
            Some(t) if skipping_restrictive && t.action != Action::Allow => {
                matches!(r.action, Action::Deny | Action::Approve).then_some(t)
            }
            other => other,
        };
        if let Some(t) = ended {
            diags.warning_hint(
                r.pos,
                "this rule can never match",
                format!(
                    "the unconditional `{}` at {} always decides first",
                    t.action.as_str(),
                    t.pos
                ),
            );
            continue;
        }
        if r.action.is_terminal()
            && r.when.is_empty()
            && (ended_by.is_none() || r.action == Action::Allow)
        {
            ended_by = Some(r);
        }
    }
}

fn lint_grants(
    p: &Policy,
    grants: &[crate::identity::Grant],
    hide: &[Glob],
    diags: &mut Diagnostics,
) {
    if p.default == DefaultAction::Allow {
        diags.warning_hint(
            Pos { line: 1, col: 1 },
            "`default: allow` has no effect with `grants`: a tool no grant opens is denied",
            "remove `default`, or open the tools with a grant (`tools: [\"*\"]` opens every tool)",
        );
    }
    // A name no identity has is likely a typo, unless JWT callers bring their own names.
    let names_known = !p.identities.is_empty() && p.auth.as_ref().is_none_or(|a| a.jwt.is_none());
    for g in grants {
        for t in &g.to {
            if let Grantee::Identity(name) = t
                && names_known
                && !p.identities.iter().any(|i| &i.name == name)
            {
                diags.warning_hint(
                    g.pos,
                    format!("grant names `{name}`, who is not in `identities`"),
                    "check the spelling; a name nobody has never matches",
                );
            }
        }
        for t in &g.tools {
            if !t.contains('*') && hide.iter().any(|h| h.matches(t)) {
                diags.warning(
                    g.pos,
                    format!("`{t}` is hidden, so this grant can't open it"),
                );
            }
        }
        for gr in &g.rules {
            lint_unreachable(&gr.rules, diags);
        }
    }
}

/// A successfully loaded identities file and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct LoadedIdentities {
    pub file: IdentitiesFile,
    pub warnings: Vec<Diagnostic>,
}

/// Whether `text` reads as an identities file rather than a policy: a mapping whose keys
/// are only `identities` and `auth` (at least one). `toolgate validate` uses it to check
/// either kind of file.
pub fn is_identities_file(text: &str) -> bool {
    let mut diags = Diagnostics::default();
    let Some(root) = parse_document(text, &mut diags) else {
        return false;
    };
    match &root.kind {
        NodeKind::Map(top) => {
            !top.is_empty()
                && top
                    .iter()
                    .all(|(k, _)| IDENTITIES_FILE_KEYS.contains(&k.text.as_str()))
        }
        _ => false,
    }
}

/// Loads a file holding only `identities` and `auth` (YAML or JSON), with the same located
/// diagnostics as [`load`]. Combine it with a policy through
/// [`crate::CompiledPolicy::with_identities`].
pub fn load_identities(text: &str, _file_name: &str) -> Result<LoadedIdentities, LoadError> {
    let mut diags = Diagnostics::default();
    let Some(root) = parse_document(text, &mut diags) else {
        if !diags.has_errors() {
            diags.error_hint(
                Pos { line: 1, col: 1 },
                "identities file is empty",
                "it holds `identities:` (and optionally `auth:`)",
            );
        }
        return Err(LoadError(diags.sorted()));
    };
    let mut file = IdentitiesFile::default();
    if let Some(mut m) = MapReader::new(
        &root,
        "an identities file",
        IDENTITIES_FILE_KEYS,
        &mut diags,
    ) {
        if let Some(n) = m.get("identities") {
            file.identities = identities::identities(n, &mut diags);
        }
        file.auth = m.get("auth").and_then(|n| identities::auth(n, &mut diags));
        for key in TOP_KEYS
            .iter()
            .filter(|k| !IDENTITIES_FILE_KEYS.contains(k))
        {
            if let Some(pos) = m.key_pos(key) {
                m.get(key);
                diags.error_hint(
                    pos,
                    format!("`{key}` belongs in the policy file, not in an identities file"),
                    "an identities file holds only `identities` and `auth`",
                );
            }
        }
        m.finish(&mut diags);
    }
    if diags.has_errors() {
        return Err(LoadError(diags.sorted()));
    }
    Ok(LoadedIdentities {
        file,
        warnings: diags.sorted(),
    })
}
