//! `identities:` and `auth:` → [`Identity`] list and [`AuthSettings`].
//!
//! Read by the policy loader and by [`crate::parse::load_identities`] for a separate
//! identities file, so both report the same errors. Everything that would weaken
//! authentication is an error rather than a warning: a malformed key hash, one key shared by
//! two identities, a shared-secret or `none` JWT algorithm, a clock leeway that keeps expired
//! tokens alive.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostics, Pos};
use crate::identity::{
    ANYONE, AuthSettings, DEFAULT_GROUPS_CLAIM, DEFAULT_IDENTITY_CLAIM, DEFAULT_LEEWAY,
    GROUP_PREFIX, Identity, JWT_PREFIX, JwksSource, JwtAlgorithm, JwtSettings, KeyHash,
    KeyHashError, MAX_LEEWAY, name_problem,
};
use crate::parse::reader::{MapReader, list, string};
use crate::source::{Node, NodeKind};

const IDENTITY_KEYS: &[&str] = &["groups", "api_keys", "jwt_subjects"];
const AUTH_KEYS: &[&str] = &["jwt", "resource", "authorization_servers"];
const JWT_KEYS: &[&str] = &[
    "issuer",
    "audience",
    "jwks_url",
    "jwks_file",
    "identity_claim",
    "groups_claim",
    "leeway",
    "algorithms",
];

/// Checks an identity or group name; `what` is "an identity name" or "a group name".
pub fn check_name(name: &str, pos: Pos, what: &str, diags: &mut Diagnostics) -> bool {
    if let Some(problem) = name_problem(name) {
        diags.error(pos, format!("{what} {problem}"));
        return false;
    }
    if name.starts_with(GROUP_PREFIX) {
        diags.error_hint(
            pos,
            format!("{what} may not start with `{GROUP_PREFIX}`"),
            "in a grant's `to`, `group:NAME` means every member of group NAME; rename it",
        );
        return false;
    }
    if name == ANYONE {
        diags.error_hint(
            pos,
            format!("{what} may not be `*`"),
            "in a grant's `to`, `*` means every caller; rename it",
        );
        return false;
    }
    true
}

/// `identities: {NAME: {groups: [...], api_keys: [sha256:...]}}`.
pub fn identities(node: &Node, diags: &mut Diagnostics) -> Vec<Identity> {
    let entries = match &node.kind {
        NodeKind::Map(entries) => entries,
        NodeKind::Null => return Vec::new(),
        _ => {
            diags.error_hint(
                node.pos,
                format!(
                    "identities must be a mapping of names, found {}",
                    node.type_name()
                ),
                "e.g. `identities: {alice: {groups: [support], api_keys: [\"sha256:…\"]}}`",
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    // Key hash → (identity, position of the first use): one key must name one caller.
    let mut seen: HashMap<KeyHash, (String, Pos)> = HashMap::new();
    // JWT subject → (identity, position of the first use): one subject names one caller.
    let mut subjects: HashMap<String, (String, Pos)> = HashMap::new();
    for (key, value) in entries {
        if !check_name(&key.text, key.pos, "an identity name", diags) {
            continue;
        }
        if let Some(identity) = identity(&key.text, key.pos, value, &mut seen, &mut subjects, diags)
        {
            out.push(identity);
        }
    }
    out
}

fn identity(
    name: &str,
    pos: Pos,
    node: &Node,
    seen: &mut HashMap<KeyHash, (String, Pos)>,
    subjects: &mut HashMap<String, (String, Pos)>,
    diags: &mut Diagnostics,
) -> Option<Identity> {
    let mut identity = Identity {
        name: name.to_owned(),
        groups: Vec::new(),
        api_keys: Vec::new(),
        jwt_subjects: Vec::new(),
        pos,
    };
    if matches!(node.kind, NodeKind::Null) {
        // Known by name only: a JWT or stdio identity whose groups come from elsewhere.
        return Some(identity);
    }
    let mut m = MapReader::new(node, "an identity", IDENTITY_KEYS, diags)?;
    let groups = m.get("groups");
    let keys = m.get("api_keys");
    let jwt_subjects = m.get("jwt_subjects");
    m.finish(diags);
    let mut ok = true;
    // `jwt:NAME` is what an unmapped JWT caller is called: only groups may be given to it,
    // or a key (or another token) could sign in as that JWT caller.
    if name.starts_with(JWT_PREFIX) {
        for (node, what) in [(keys, "api_keys"), (jwt_subjects, "jwt_subjects")] {
            if let Some(node) = node {
                diags.error_hint(
                    node.pos,
                    format!("`{name}` names a JWT caller (`{JWT_PREFIX}` + its identity claim) and may not have {what}"),
                    "give it only `groups`; to let a token sign in as a named identity, list its subject under that identity's `jwt_subjects`",
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
    }
    if let Some(g) = groups {
        for item in list(g, "groups", diags).unwrap_or_default() {
            let Some(group) = string(item, "a group name", diags) else {
                ok = false;
                continue;
            };
            if !check_name(&group, item.pos, "a group name", diags) {
                ok = false;
            } else if identity.groups.contains(&group) {
                diags.warning(item.pos, format!("group `{group}` is listed twice"));
            } else {
                identity.groups.push(group);
            }
        }
    }
    if let Some(k) = keys {
        for item in list(k, "api_keys", diags).unwrap_or_default() {
            let Some(text) = string(item, "an API key hash", diags) else {
                ok = false;
                continue;
            };
            let hash = match KeyHash::parse(&text) {
                Ok(h) => h,
                Err(e) => {
                    diags.error_hint(item.pos, e.to_string(), key_hash_hint(e));
                    ok = false;
                    continue;
                }
            };
            match seen.get(&hash) {
                Some((other, first)) if other == name => {
                    diags.warning(
                        item.pos,
                        format!(
                            "this API key hash is listed twice for `{name}` (first at {first})"
                        ),
                    );
                }
                Some((other, first)) => {
                    diags.error_hint(
                        item.pos,
                        format!("the same API key hash is given to `{other}` and `{name}`"),
                        format!(
                            "it is already used at {first}; one key must identify one caller, give each its own"
                        ),
                    );
                    ok = false;
                }
                None => {
                    seen.insert(hash, (name.to_owned(), item.pos));
                    identity.api_keys.push(hash);
                }
            }
        }
    }
    if let Some(s) = jwt_subjects {
        for item in list(s, "jwt_subjects", diags).unwrap_or_default() {
            let Some(subject) = string(item, "a JWT subject", diags) else {
                ok = false;
                continue;
            };
            if let Some(problem) = name_problem(&subject) {
                diags.error(item.pos, format!("a JWT subject {problem}"));
                ok = false;
                continue;
            }
            match subjects.get(&subject) {
                Some((other, first)) if other == name => {
                    diags.warning(
                        item.pos,
                        format!("JWT subject `{subject}` is listed twice for `{name}` (first at {first})"),
                    );
                }
                Some((other, first)) => {
                    diags.error_hint(
                        item.pos,
                        format!("JWT subject `{subject}` is given to `{other}` and `{name}`"),
                        format!(
                            "it is already used at {first}; one subject must identify one caller"
                        ),
                    );
                    ok = false;
                }
                None => {
                    subjects.insert(subject.clone(), (name.to_owned(), item.pos));
                    identity.jwt_subjects.push(subject);
                }
            }
        }
    }
    ok.then_some(identity)
}

fn key_hash_hint(e: KeyHashError) -> &'static str {
    match e {
        KeyHashError::MissingPrefix => "write `sha256:` followed by the 64 hex digits",
        KeyHashError::WrongLength(_) | KeyHashError::NotHex | KeyHashError::NotAHash => {
            "write `sha256:` + the hex SHA-256 of the key, e.g. from `printf %s \"$KEY\" | sha256sum`; never the key itself"
        }
    }
}

/// `auth: {jwt: {...}, resource, authorization_servers}`; `None` when absent parts leave it
/// empty (an empty `auth` means the same as none) or when it has errors.
pub fn auth(node: &Node, diags: &mut Diagnostics) -> Option<AuthSettings> {
    if matches!(node.kind, NodeKind::Null) {
        return None;
    }
    let mut m = MapReader::new(node, "auth", AUTH_KEYS, diags)?;
    let jwt_node = m.get("jwt");
    let resource_node = m.get("resource");
    let servers_node = m.get("authorization_servers");
    m.finish(diags);
    let mut ok = true;
    let jwt = match jwt_node {
        Some(j) if !matches!(j.kind, NodeKind::Null) => {
            let parsed = jwt(j, diags);
            ok &= parsed.is_some();
            parsed
        }
        _ => None,
    };
    let resource = resource_node.and_then(|r| {
        let url = string(r, "resource", diags);
        let checked = url.filter(|u| url_ok(u, r.pos, "resource", true, diags));
        ok &= checked.is_some();
        checked
    });
    let mut authorization_servers = Vec::new();
    if let Some(s) = servers_node {
        for item in list(s, "authorization_servers", diags).unwrap_or_default() {
            match string(item, "an authorization server", diags)
                .filter(|u| url_ok(u, item.pos, "an authorization server", false, diags))
            {
                Some(u) if authorization_servers.contains(&u) => {
                    diags.warning(item.pos, format!("`{u}` is listed twice"));
                }
                Some(u) => authorization_servers.push(u),
                None => ok = false,
            }
        }
    }
    let settings = AuthSettings {
        jwt,
        resource,
        authorization_servers,
    };
    (ok && !settings.is_empty()).then_some(settings)
}

fn jwt(node: &Node, diags: &mut Diagnostics) -> Option<JwtSettings> {
    let mut m = MapReader::new(node, "auth.jwt", JWT_KEYS, diags)?;
    let issuer = m.get("issuer");
    let audience = m.get("audience");
    let jwks_url = m.get("jwks_url");
    let jwks_file = m.get("jwks_file");
    let identity_claim = m.get("identity_claim");
    let groups_claim = m.get("groups_claim");
    let leeway = m.get("leeway");
    let algorithms = m.get("algorithms");
    m.finish(diags);

    let issuer = match issuer {
        Some(i) => non_empty(i, "issuer", diags),
        None => {
            diags.error_hint(
                node.pos,
                "auth.jwt needs `issuer`",
                "the exact `iss` of the tokens, e.g. `issuer: https://id.example.com/`",
            );
            None
        }
    };
    let audience = match audience {
        Some(a) => audiences(a, diags),
        None => {
            diags.error_hint(
                node.pos,
                "auth.jwt needs `audience`",
                "the `aud` tokens for this gateway carry, e.g. `audience: toolgate`; without it a token minted for any other service would be accepted",
            );
            None
        }
    };
    let jwks = match (jwks_url, jwks_file) {
        (Some(_), Some(f)) => {
            diags.error_hint(
                f.pos,
                "give either `jwks_url` or `jwks_file`, not both",
                "keep the one the keys really come from",
            );
            None
        }
        (Some(u), None) => string(u, "jwks_url", diags)
            .filter(|s| url_ok(s, u.pos, "jwks_url", false, diags))
            .inspect(|s| warn_plain_http(s, u.pos, diags))
            .map(JwksSource::Url),
        (None, Some(f)) => non_empty(f, "jwks_file", diags).map(JwksSource::File),
        (None, None) => {
            diags.error_hint(
                node.pos,
                "auth.jwt needs `jwks_url` or `jwks_file`",
                "where the issuer's public keys are, e.g. `jwks_url: https://id.example.com/.well-known/jwks.json`",
            );
            None
        }
    };
    let identity_claim = match identity_claim {
        Some(c) => non_empty(c, "identity_claim", diags),
        None => Some(DEFAULT_IDENTITY_CLAIM.to_owned()),
    };
    let groups_claim = match groups_claim {
        Some(c) => non_empty(c, "groups_claim", diags),
        None => Some(DEFAULT_GROUPS_CLAIM.to_owned()),
    };
    let leeway = match leeway {
        Some(l) => leeway_seconds(l, diags),
        None => Some(DEFAULT_LEEWAY),
    };
    let algorithms = match algorithms {
        Some(a) => algorithm_list(a, diags),
        None => Some(JwtAlgorithm::DEFAULT.to_vec()),
    };
    Some(JwtSettings {
        issuer: issuer?,
        audience: audience?,
        jwks: jwks?,
        identity_claim: identity_claim?,
        groups_claim: groups_claim?,
        leeway: leeway?,
        algorithms: algorithms?,
    })
}

fn non_empty(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<String> {
    let s = string(node, what, diags)?;
    if s.trim().is_empty() {
        diags.error(node.pos, format!("{what} is empty"));
        return None;
    }
    Some(s)
}

/// `audience: toolgate` or `audience: [a, b]`.
fn audiences(node: &Node, diags: &mut Diagnostics) -> Option<Vec<String>> {
    if let NodeKind::Str(_) = node.kind {
        return non_empty(node, "audience", diags).map(|a| vec![a]);
    }
    let NodeKind::Seq(items) = &node.kind else {
        diags.error(
            node.pos,
            format!(
                "audience must be a string or a list of strings, found {}",
                node.type_name()
            ),
        );
        return None;
    };
    if items.is_empty() {
        diags.error(node.pos, "audience is an empty list");
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for item in items {
        match non_empty(item, "an audience", diags) {
            Some(a) if out.contains(&a) => {
                diags.warning(item.pos, format!("audience `{a}` is listed twice"));
            }
            Some(a) => out.push(a),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn leeway_seconds(node: &Node, diags: &mut Diagnostics) -> Option<u64> {
    let NodeKind::Number(n) = &node.kind else {
        diags.error_hint(
            node.pos,
            format!(
                "leeway must be a number of seconds, found {}",
                node.type_name()
            ),
            format!("e.g. `leeway: {DEFAULT_LEEWAY}`"),
        );
        return None;
    };
    match n.as_u64() {
        Some(s) if s <= MAX_LEEWAY => Some(s),
        Some(s) => {
            diags.error_hint(
                node.pos,
                format!("leeway of {s} seconds is more than the maximum of {MAX_LEEWAY}"),
                "leeway only absorbs clock skew; a larger one keeps expired tokens valid — fix the clocks (NTP) instead",
            );
            None
        }
        None => {
            diags.error(
                node.pos,
                format!("leeway `{n}` is not a whole number of seconds from 0 to {MAX_LEEWAY}"),
            );
            None
        }
    }
}

fn algorithm_list(node: &Node, diags: &mut Diagnostics) -> Option<Vec<JwtAlgorithm>> {
    let items = list(node, "algorithms", diags)?;
    if items.is_empty() {
        diags.error_hint(
            node.pos,
            "algorithms is empty, so no token could ever be verified",
            format!(
                "leave it out for the default ({})",
                names(&JwtAlgorithm::DEFAULT)
            ),
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for item in items {
        let Some(text) = string(item, "an algorithm", diags) else {
            ok = false;
            continue;
        };
        match algorithm(&text, item.pos, diags) {
            Some(a) if out.contains(&a) => {
                diags.warning(item.pos, format!("`{text}` is listed twice"));
            }
            Some(a) => out.push(a),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn algorithm(text: &str, pos: Pos, diags: &mut Diagnostics) -> Option<JwtAlgorithm> {
    if let Some(a) = JwtAlgorithm::parse(text) {
        return Some(a);
    }
    let upper = text.to_ascii_uppercase();
    if upper == "NONE" {
        diags.error_hint(
            pos,
            "`none` accepts unsigned tokens: anyone could write one",
            format!("use asymmetric algorithms: {}", names(&JwtAlgorithm::ALL)),
        );
    } else if upper.starts_with("HS") {
        diags.error_hint(
            pos,
            format!("`{text}` is a shared-secret algorithm; toolgate accepts only asymmetric ones"),
            format!(
                "the gateway verifies with public keys from the JWKS; use one of {}",
                names(&JwtAlgorithm::ALL)
            ),
        );
    } else if let Some(a) = JwtAlgorithm::ALL
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(text))
    {
        diags.error_hint(
            pos,
            format!("`{text}` is not a JWT algorithm name"),
            format!("names are case-sensitive: write `{}`", a.as_str()),
        );
    } else {
        diags.error_hint(
            pos,
            format!("`{text}` is not a supported JWT algorithm"),
            format!("allowed: {}", names(&JwtAlgorithm::ALL)),
        );
    }
    None
}

fn names(algs: &[JwtAlgorithm]) -> String {
    algs.iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An absolute `http://` or `https://` URL with a host; `no_fragment` for identifiers that
/// RFC 8707/9728 forbid a fragment in.
fn url_ok(s: &str, pos: Pos, what: &str, no_fragment: bool, diags: &mut Diagnostics) -> bool {
    let problem = url_problem(s)
        .or_else(|| (no_fragment && s.contains('#')).then_some("has a fragment (`#…`)"));
    match problem {
        None => true,
        Some(p) => {
            diags.error_hint(
                pos,
                format!("{what} `{s}` {p}"),
                "write an absolute URL such as `https://id.example.com/`",
            );
            false
        }
    }
}

fn url_problem(s: &str) -> Option<&'static str> {
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("contains whitespace or control characters");
    }
    let Some(rest) = strip_scheme(s) else {
        return Some("is not an absolute http:// or https:// URL");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Some("has no host");
    }
    None
}

fn strip_scheme(s: &str) -> Option<&str> {
    ["https://", "http://"].into_iter().find_map(|scheme| {
        s.get(..scheme.len())
            .filter(|p| p.eq_ignore_ascii_case(scheme))
            .map(|_| &s[scheme.len()..])
    })
}

/// Keys fetched over plain HTTP can be swapped by anyone on the path, who could then mint
/// tokens; loopback is the one place that is fine (a local test issuer).
fn warn_plain_http(url: &str, pos: Pos, diags: &mut Diagnostics) {
    let Some(rest) = url
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])
    else {
        return;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1";
    if !loopback {
        diags.warning_hint(
            pos,
            "jwks_url uses plain http: anyone on the network path could replace the keys and mint tokens",
            "use https",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_a_scheme_and_a_host() {
        assert_eq!(url_problem("https://id.example.com/"), None);
        assert_eq!(url_problem("HTTP://localhost:8080/x"), None);
        assert!(url_problem("id.example.com").is_some());
        assert!(url_problem("https:///path").is_some());
        assert!(url_problem("https://:443/").is_some());
        assert!(url_problem("ftp://x/").is_some());
        assert!(url_problem("https://a b/").is_some());
    }

    #[test]
    fn plain_http_keys_warn_unless_loopback() {
        for (url, warns) in [
            ("http://127.0.0.1:9/jwks", false),
            ("http://localhost/jwks", false),
            ("http://[::1]:8080/jwks", false),
            ("http://id.example.com/jwks", true),
            ("https://id.example.com/jwks", false),
        ] {
            let mut d = Diagnostics::default();
            warn_plain_http(url, Pos::default(), &mut d);
            assert_eq!(!d.is_empty(), warns, "{url}");
        }
    }
}
