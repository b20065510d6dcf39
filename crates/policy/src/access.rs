//! Identities and grants compiled for the gateway and the evaluator.
//!
//! The gateway authenticates a caller (API key, JWT, or the stdio operator) and asks the
//! policy who that is: [`CompiledPolicy::identity_for_key_hash`] is one hash-map lookup on the
//! SHA-256 of the presented key, so a key is never compared byte by byte against secrets and
//! the file holds no usable key. Grants are compiled into matchers the evaluator asks two
//! questions of: does this grant apply to the caller, and does it open this tool.

use std::collections::HashMap;
use std::sync::Arc;

use crate::compile::{CompiledPolicy, CompiledRule, compile_rules};
use crate::glob::Glob;
use crate::identity::{AuthSettings, Grant, Grantee, IdentitiesFile, Identity, KeyHash};
use crate::model::Policy;

/// Who is calling, as the evaluator sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller<'a> {
    pub identity: &'a str,
    pub groups: &'a [Arc<str>],
}

/// Identities by name and by key hash, plus the auth settings.
#[derive(Debug, Default)]
pub(crate) struct Access {
    /// Name and groups of each identity, in file order.
    identities: Vec<(Arc<str>, Vec<Arc<str>>)>,
    by_name: HashMap<Arc<str>, usize>,
    by_key: HashMap<KeyHash, usize>,
    auth: Option<AuthSettings>,
}

impl Access {
    pub(crate) fn new(identities: &[Identity], auth: Option<AuthSettings>) -> Access {
        let mut access = Access {
            auth,
            ..Access::default()
        };
        for (i, id) in identities.iter().enumerate() {
            let name: Arc<str> = Arc::from(id.name.as_str());
            let groups = id.groups.iter().map(|g| Arc::from(g.as_str())).collect();
            access.identities.push((name.clone(), groups));
            access.by_name.insert(name, i);
            for key in &id.api_keys {
                // The loader refuses a hash shared by two identities; keep the first anyway.
                access.by_key.entry(*key).or_insert(i);
            }
        }
        access
    }
}

/// One grant, ready to match.
#[derive(Debug)]
pub(crate) struct CompiledGrant {
    anyone: bool,
    identities: Vec<Arc<str>>,
    groups: Vec<Arc<str>>,
    tools: Vec<Glob>,
    /// Per `rules` key (a name or glob), in file order.
    rules: Vec<(Glob, Vec<CompiledRule>)>,
}

impl CompiledGrant {
    pub(crate) fn compile_all(grants: &[Grant]) -> Vec<CompiledGrant> {
        grants
            .iter()
            .enumerate()
            .map(|(i, g)| CompiledGrant::compile(g, i))
            .collect()
    }

    fn compile(g: &Grant, index: usize) -> CompiledGrant {
        let label = grant_label(g.name.as_deref(), index);
        let mut out = CompiledGrant {
            anyone: false,
            identities: Vec::new(),
            groups: Vec::new(),
            tools: g.tools.iter().map(|t| Glob::new(t)).collect(),
            rules: g
                .rules
                .iter()
                .map(|gr| {
                    let entry = format!("{label}/{}", gr.tool);
                    (Glob::new(&gr.tool), compile_rules(&entry, &gr.rules))
                })
                .collect(),
        };
        for t in &g.to {
            match t {
                Grantee::Anyone => out.anyone = true,
                Grantee::Identity(n) => out.identities.push(Arc::from(n.as_str())),
                Grantee::Group(n) => out.groups.push(Arc::from(n.as_str())),
            }
        }
        out
    }

    /// An empty identity is a caller nobody authenticated: no grant applies to it, not even
    /// `*`, so a gateway that forgot to authenticate fails closed.
    pub(crate) fn applies(&self, c: Caller<'_>) -> bool {
        !c.identity.is_empty()
            && (self.anyone
                || self.identities.iter().any(|i| **i == *c.identity)
                || self.groups.iter().any(|g| c.groups.contains(g)))
    }

    pub(crate) fn opens(&self, tool: &str) -> bool {
        self.tools.iter().any(|g| g.matches(tool))
    }

    pub(crate) fn rules_for<'s>(&'s self, tool: &'s str) -> impl Iterator<Item = &'s CompiledRule> {
        self.rules
            .iter()
            .filter(move |(g, _)| g.matches(tool))
            .flat_map(|(_, rules)| rules.iter())
    }
}

/// `grant:NAME`, or `grant#N` (1-based, file order) for an unnamed grant.
fn grant_label(name: Option<&str>, index: usize) -> String {
    match name {
        Some(n) => format!("grant:{n}"),
        None => format!("grant#{}", index + 1),
    }
}

/// The policy already defines what an identities file would add.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{section}` is defined twice: in the policy and in the identities file; keep it in one place"
)]
pub struct DefinedTwice {
    /// `identities` or `auth`.
    pub section: &'static str,
}

impl CompiledPolicy {
    /// The identity an API key authenticates as, and its groups, from the SHA-256 of the key
    /// (see [`KeyHash::of_token`]).
    pub fn identity_for_key_hash(&self, hash: &[u8; 32]) -> Option<(&str, &[Arc<str>])> {
        let &i = self.access.by_key.get(&KeyHash(*hash))?;
        let (name, groups) = &self.access.identities[i];
        Some((name, groups))
    }

    /// The groups `identity` has in `identities` (empty when it isn't there): for callers
    /// named by a JWT or by the stdio operator rather than by an API key.
    pub fn groups_of(&self, identity: &str) -> &[Arc<str>] {
        self.access
            .by_name
            .get(identity)
            .map_or(&[], |&i| &self.access.identities[i].1)
    }

    /// The `auth` section, when the policy (or its identities file) has one.
    pub fn auth(&self) -> Option<&AuthSettings> {
        self.access.auth.as_ref()
    }

    /// Whether the policy has a `grants` section (even an empty one): then a caller may only
    /// call the tools an applicable grant opens.
    pub fn has_grants(&self) -> bool {
        self.grants.is_some()
    }

    /// Whether the policy has identities with API keys (HTTP callers may present a key).
    pub fn has_api_keys(&self) -> bool {
        !self.access.by_key.is_empty()
    }

    /// This policy with the identities and auth of a separate file. Fails when the policy
    /// defines either itself: two sources for who may call would make one silently win.
    /// The version hash covers the identities, so editing the file changes the version.
    pub fn with_identities(self, file: IdentitiesFile) -> Result<CompiledPolicy, DefinedTwice> {
        let policy = self.source;
        if !policy.identities.is_empty() && !file.identities.is_empty() {
            return Err(DefinedTwice {
                section: "identities",
            });
        }
        if policy.auth.is_some() && file.auth.is_some() {
            return Err(DefinedTwice { section: "auth" });
        }
        let identities = if file.identities.is_empty() {
            policy.identities
        } else {
            file.identities
        };
        let auth = file.auth.or(policy.auth);
        Ok(CompiledPolicy::new(Policy {
            identities,
            auth,
            ..policy
        }))
    }
}
