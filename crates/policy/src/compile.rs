//! A loaded [`Policy`] compiled into a matcher that [`crate::decide`] can run fast.
//!
//! Exact tool names go into a hash map; hidden names into a set plus a short list of globs;
//! every rule gets a stable counter id so counters survive a reload that keeps rule names.
//! Identities and grants are compiled by [`crate::access`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::access::{Access, Caller, CompiledGrant};
use crate::diagnostics::Pos;
use crate::fmt::to_native_yaml;
use crate::glob::Glob;
use crate::lookalike::{Lookalikes, fold};
use crate::model::{
    Action, Amount, Approval, Condition, DefaultAction, Policy, Rule, Scope, WILDCARD, Window,
};
use crate::path::{ArgPath, Segment};

/// Identifies the rule that produced (part of) a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    /// Tool entry the rule belongs to (`*` for the catch-all). A grant's rules have
    /// `grant:NAME/TOOL` (`grant#N/TOOL` for the N-th grant when unnamed), where TOOL is the
    /// name or glob the grant's `rules` key gives.
    pub entry: Arc<str>,
    /// 0-based position within the entry.
    pub index: usize,
    pub name: Option<Arc<str>>,
    pub pos: Pos,
}

impl RuleRef {
    /// `name` if the rule has one, else `entry#index`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.to_string(),
            None => format!("{}#{}", self.entry, self.index + 1),
        }
    }
}

#[derive(Debug)]
pub(crate) struct CompiledLimit {
    pub counter: Arc<str>,
    pub amount: Amount,
    pub max: f64,
    pub window: Window,
    pub scope: Scope,
}

#[derive(Debug)]
pub(crate) struct CompiledRule {
    pub rule: RuleRef,
    pub action: Action,
    pub when: Vec<Condition>,
    pub reason: Option<Arc<str>>,
    pub limits: Vec<CompiledLimit>,
    pub refund_on_error: bool,
    pub approval: Arc<Approval>,
}

#[derive(Debug)]
pub(crate) struct CompiledEntry {
    pub rules: Vec<CompiledRule>,
}

/// The policy ready for decisions. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct CompiledPolicy {
    pub(crate) entries: HashMap<String, CompiledEntry>,
    pub(crate) wildcard: Option<CompiledEntry>,
    hide_exact: HashSet<String>,
    hide_globs: Vec<Glob>,
    pub(crate) default: DefaultAction,
    /// `None` when the policy has no `grants` section (no grant gate).
    pub(crate) grants: Option<Vec<CompiledGrant>>,
    pub(crate) access: Access,
    version: String,
    pub(crate) source: Policy,
    /// Tool names and argument keys the policy mentions, for spotting lookalike spellings.
    tool_names: Lookalikes,
    hide_globs_folded: Vec<(String, Glob)>,
    arg_keys: Lookalikes,
}

/// Compiles one ordered rule list; `entry` names it in rule refs and automatic counter ids.
pub(crate) fn compile_rules(entry: &str, rules: &[Rule]) -> Vec<CompiledRule> {
    let entry_name: Arc<str> = Arc::from(entry);
    rules
        .iter()
        .enumerate()
        .map(|(index, r)| {
            let name = r.name.as_deref().map(Arc::from);
            let rule = RuleRef {
                entry: entry_name.clone(),
                index,
                name,
                pos: r.pos,
            };
            let auto_counter: Arc<str> = Arc::from(format!("{entry}/{}", rule.label()).as_str());
            let limits = r
                .limits
                .iter()
                .enumerate()
                .map(|(li, l)| CompiledLimit {
                    counter: match &l.counter {
                        Some(c) => Arc::from(c.as_str()),
                        None if li == 0 => auto_counter.clone(),
                        None => Arc::from(format!("{auto_counter}/{}", li + 1).as_str()),
                    },
                    amount: l.amount.clone(),
                    max: l.max,
                    window: l.window,
                    scope: l.scope,
                })
                .collect();
            CompiledRule {
                rule,
                action: r.action,
                when: r.when.clone(),
                reason: r.reason.as_deref().map(Arc::from),
                limits,
                refund_on_error: r.refund_on_error,
                approval: Arc::new(r.approval.clone()),
            }
        })
        .collect()
}

impl CompiledPolicy {
    pub fn new(policy: Policy) -> CompiledPolicy {
        let version = hex::encode(Sha256::digest(to_native_yaml(&policy).as_bytes()));
        let mut entries = HashMap::with_capacity(policy.tools.len());
        let mut wildcard = None;
        for e in &policy.tools {
            let compiled = CompiledEntry {
                rules: compile_rules(&e.name, &e.rules),
            };
            if e.name == WILDCARD {
                wildcard = Some(compiled);
            } else {
                entries.insert(e.name.clone(), compiled);
            }
        }
        let (globs, exact): (Vec<&String>, Vec<&String>) =
            policy.hide.iter().partition(|h| h.contains('*'));
        let (tool_names, arg_keys) = mentioned_names(&policy);
        let hide_globs_folded = globs
            .iter()
            .map(|g| (g.to_string(), Glob::new(&fold(g))))
            .collect();
        CompiledPolicy {
            tool_names,
            hide_globs_folded,
            arg_keys,
            entries,
            wildcard,
            hide_exact: exact.into_iter().cloned().collect(),
            hide_globs: globs.into_iter().map(|g| Glob::new(g)).collect(),
            default: policy.default,
            grants: policy.grants.as_deref().map(CompiledGrant::compile_all),
            access: Access::new(&policy.identities, policy.auth.clone()),
            version,
            source: policy,
        }
    }

    /// The tool name the policy mentions that `tool` only imitates (differs as written, equal
    /// after case and compatibility folding), e.g. `DELETE_USER` for a hidden `delete_user`.
    pub fn imitated_tool(&self, tool: &str) -> Option<String> {
        if let Some(known) = self.tool_names.imitated(tool) {
            return Some(known.to_owned());
        }
        if self.hide_globs_folded.is_empty() {
            return None;
        }
        let folded = fold(tool);
        self.hide_globs_folded
            .iter()
            .find(|(pattern, folded_glob)| {
                folded_glob.matches(&folded) && !Glob::new(pattern).matches(tool)
            })
            .map(|(pattern, _)| pattern.clone())
    }

    /// The argument key the policy's conditions and amounts mention that `key` only imitates.
    pub fn imitated_arg_key(&self, key: &str) -> Option<&str> {
        self.arg_keys.imitated(key)
    }

    /// SHA-256 (hex) of the canonical native form: changes exactly when the meaning can.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn policy(&self) -> &Policy {
        &self.source
    }

    /// Whether the policy names this tool in its own entry (not just through `*`).
    pub fn has_entry(&self, tool: &str) -> bool {
        self.entries.contains_key(tool)
    }

    pub fn is_hidden(&self, tool: &str) -> bool {
        self.hide_exact.contains(tool) || self.hide_globs.iter().any(|g| g.matches(tool))
    }

    /// Whether `tools/list` should show this tool to a caller whose identity is unknown: not
    /// hidden, and not denied whatever the arguments are. No grant applies to such a caller,
    /// so with a `grants` section nothing is listed; without one this is the whole answer.
    /// Callers with an identity use [`CompiledPolicy::lists_for`].
    pub fn lists(&self, tool: &str) -> bool {
        self.lists_as(tool, None)
    }

    /// Whether `tools/list` should show this tool to this caller: not hidden; opened by an
    /// applicable grant when the policy has `grants`; and not denied whatever the arguments
    /// are (reading the applicable grants' rules, then the tool's own, then `*`'s).
    pub fn lists_for(&self, tool: &str, identity: &str, groups: &[Arc<str>]) -> bool {
        self.lists_as(tool, Some(Caller { identity, groups }))
    }

    fn lists_as(&self, tool: &str, caller: Option<Caller<'_>>) -> bool {
        !self.is_hidden(tool) && !self.denies_unconditionally_as(tool, caller)
    }

    /// True when every call of `tool` by a caller without identity is denied regardless of
    /// its arguments (always, when the policy has `grants`).
    pub fn denies_unconditionally(&self, tool: &str) -> bool {
        self.denies_unconditionally_as(tool, None)
    }

    fn denies_unconditionally_as(&self, tool: &str, caller: Option<Caller<'_>>) -> bool {
        let opened = self.opened(tool, caller);
        if self.grants.is_some() && !opened {
            return true;
        }
        let own = self.entries.get(tool);
        for r in self.chain(tool, caller) {
            if !r.when.is_empty() {
                // Depends on the arguments: can't be sure, so keep listing it.
                return false;
            }
            match r.action {
                Action::Deny => return true,
                Action::Allow | Action::Approve => return false,
                Action::Evaluate => {}
            }
        }
        own.is_none() && !opened && self.default == DefaultAction::Deny
    }

    /// Whether an applicable grant opens `tool` (false without a caller or without grants).
    pub(crate) fn opened(&self, tool: &str, caller: Option<Caller<'_>>) -> bool {
        match (&self.grants, caller) {
            (Some(grants), Some(c)) => grants.iter().any(|g| g.applies(c) && g.opens(tool)),
            _ => false,
        }
    }

    /// Every rule that applies to a call of `tool` by `caller`, in reading order: the
    /// applicable grants' rules for it (grants in file order, then their `rules` entries in
    /// file order), the tool's own rules, then `*`'s.
    pub(crate) fn chain<'s>(
        &'s self,
        tool: &'s str,
        caller: Option<Caller<'s>>,
    ) -> impl Iterator<Item = &'s CompiledRule> + 's {
        let granted = self
            .grants
            .iter()
            .flatten()
            .filter(move |g| caller.is_some_and(|c| g.applies(c)))
            .flat_map(move |g| g.rules_for(tool));
        let own = self.entries.get(tool);
        // An entry with no rules is an explicit listing: it allows its tool. The `*` rules
        // that would decide otherwise (`deny`, `approve`) are not its rules; the `*` checks
        // (`evaluate`) and an `allow` with limits still apply, as to every tool.
        let listed_bare = own.is_some_and(|e| e.rules.is_empty());
        let wildcard = self
            .wildcard
            .iter()
            .flat_map(|e| e.rules.iter())
            .filter(move |r| !(listed_bare && matches!(r.action, Action::Deny | Action::Approve)));
        granted
            .chain(own.into_iter().flat_map(|e| e.rules.iter()))
            .chain(wildcard)
    }
}

/// Every exact tool name and every argument key the policy mentions (entries, hidden names,
/// grants; condition paths and amounts read from arguments).
fn mentioned_names(p: &Policy) -> (Lookalikes, Lookalikes) {
    let mut tools = Lookalikes::default();
    let mut keys = Lookalikes::default();
    let add_rules = |rules: &[Rule], keys: &mut Lookalikes| {
        for r in rules {
            let amounts = r.limits.iter().filter_map(|l| match &l.amount {
                Amount::FromArg(path) => Some(path),
                Amount::Fixed(_) => None,
            });
            for path in r.when.iter().map(|c| &c.path).chain(amounts) {
                add_keys(path, keys);
            }
        }
    };
    for e in &p.tools {
        if e.name != WILDCARD {
            tools.add(&e.name);
        }
        add_rules(&e.rules, &mut keys);
    }
    for h in p.hide.iter().filter(|h| !h.contains('*')) {
        tools.add(h);
    }
    for g in p.grants.iter().flatten() {
        for t in g.tools.iter().filter(|t| !t.contains('*')) {
            tools.add(t);
        }
        for r in &g.rules {
            if !r.tool.contains('*') {
                tools.add(&r.tool);
            }
            add_rules(&r.rules, &mut keys);
        }
    }
    (tools, keys)
}

fn add_keys(path: &ArgPath, keys: &mut Lookalikes) {
    for s in path.segments() {
        if let Segment::Key(k) = s {
            keys.add(k);
        }
    }
}
