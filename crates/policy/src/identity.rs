//! Who may call and what each caller may call: identities, auth settings and grants.
//!
//! These three top-level sections are toolgate extensions (neither Intercept nor PolicyLayer
//! has them). They live in the policy model rather than in the gateway so one file says both
//! *what is allowed* and *for whom*, with the same located diagnostics, the same `fmt`
//! round trip and the same version hash: an edit that changes who may call changes the policy
//! version, exactly like an edit to a rule. The policy crate only describes and checks them;
//! hashing bearer tokens, verifying JWTs and fetching JWKS belong to the gateway.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::diagnostics::Pos;
use crate::model::Rule;

/// The prefix every API-key hash is written with.
pub const KEY_HASH_PREFIX: &str = "sha256:";
/// Prefix that makes a `to` entry name a group rather than an identity.
pub const GROUP_PREFIX: &str = "group:";
/// `to: ["*"]`: every caller with an identity.
pub const ANYONE: &str = "*";
/// A JWT caller no identity claims (`jwt_subjects`) is named `jwt:` + its identity claim,
/// so a token whose `sub` is `alice` is never the API-key identity `alice`.
pub const JWT_PREFIX: &str = "jwt:";

/// A caller the policy knows by name: its groups and the hashes of its API keys.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub groups: Vec<String>,
    /// SHA-256 of each bearer token that authenticates as this identity. Only hashes are
    /// written down, so a leaked policy file leaks no usable key.
    pub api_keys: Vec<KeyHash>,
    /// Values of the JWT identity claim (`auth.jwt.identity_claim`, `sub` by default) that
    /// authenticate as this identity; any other token is `jwt:<value>`.
    pub jwt_subjects: Vec<String>,
    pub pos: Pos,
}

// Equality is about meaning: where an identity was written (`pos`) doesn't count.
impl PartialEq for Identity {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.groups == other.groups
            && self.api_keys == other.api_keys
            && self.jwt_subjects == other.jwt_subjects
    }
}

/// The SHA-256 of an API key, written `sha256:<64 hex digits>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyHash(pub [u8; 32]);

/// Why a string is not a key hash. Messages never repeat the value: an operator may have
/// pasted the key itself, and diagnostics end up in logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyHashError {
    #[error("an API key hash needs the `sha256:` prefix")]
    MissingPrefix,
    #[error("`sha256:` must be followed by exactly 64 hex digits, not {0}")]
    WrongLength(usize),
    #[error("`sha256:` must be followed by hex digits only (0-9, a-f)")]
    NotHex,
    #[error(
        "this is not a SHA-256 hash of a key (the value is not shown in case it is the key itself)"
    )]
    NotAHash,
}

impl KeyHash {
    /// The hash of a bearer token, as the gateway computes it before looking it up.
    pub fn of_token(token: &[u8]) -> KeyHash {
        KeyHash(Sha256::digest(token).into())
    }

    /// Parses `sha256:` + 64 hex digits (either case).
    pub fn parse(s: &str) -> Result<KeyHash, KeyHashError> {
        let Some(hex) = s.strip_prefix(KEY_HASH_PREFIX) else {
            let bare_hex = s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
            return Err(if bare_hex {
                KeyHashError::MissingPrefix
            } else {
                KeyHashError::NotAHash
            });
        };
        let chars = hex.chars().count();
        if chars != 64 {
            return Err(KeyHashError::WrongLength(chars));
        }
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeyHashError::NotHex);
        }
        // 64 characters, all ASCII hex digits: exactly 64 bytes.
        let mut out = [0u8; 32];
        for (slot, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            let digit = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            *slot = digit(pair[0]) << 4 | digit(pair[1]);
        }
        Ok(KeyHash(out))
    }
}

impl fmt::Display for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(KEY_HASH_PREFIX)?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// How callers authenticate over HTTP, beyond API keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthSettings {
    /// Accept JWT bearer tokens.
    pub jwt: Option<JwtSettings>,
    /// RFC 9728 protected-resource identifier (an absolute http(s) URL without fragment).
    pub resource: Option<String>,
    /// Published in the protected-resource metadata so clients know where to get tokens.
    pub authorization_servers: Vec<String>,
}

impl AuthSettings {
    pub fn is_empty(&self) -> bool {
        self.jwt.is_none() && self.resource.is_none() && self.authorization_servers.is_empty()
    }
}

/// What a JWT must satisfy to authenticate a caller.
#[derive(Debug, Clone, PartialEq)]
pub struct JwtSettings {
    /// Must equal the token's `iss`.
    pub issuer: String,
    /// The token's `aud` must contain one of these (never empty).
    pub audience: Vec<String>,
    pub jwks: JwksSource,
    /// The claim that names the identity (default `sub`).
    pub identity_claim: String,
    /// The claim listing the caller's groups (default `groups`).
    pub groups_claim: String,
    /// Clock skew tolerated on `exp`/`nbf`, in seconds (default 60, at most 600).
    pub leeway: u64,
    /// Accepted signature algorithms (never empty; asymmetric only).
    pub algorithms: Vec<JwtAlgorithm>,
}

pub const DEFAULT_IDENTITY_CLAIM: &str = "sub";
pub const DEFAULT_GROUPS_CLAIM: &str = "groups";
pub const DEFAULT_LEEWAY: u64 = 60;
/// More skew than this is a misconfigured clock, not tolerance: expired tokens would live on.
pub const MAX_LEEWAY: u64 = 600;

/// Where the verification keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksSource {
    /// Fetched (and refreshed) by the gateway.
    Url(String),
    /// As written; the gateway resolves a relative path against the policy file's directory.
    File(String),
}

/// Signature algorithms a JWT may use. Only asymmetric ones: the gateway holds public keys,
/// so a shared-secret (`HS*`) key would be a secret in a JWKS, and `none` is no signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JwtAlgorithm {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA,
}

impl JwtAlgorithm {
    pub const ALL: [JwtAlgorithm; 9] = [
        JwtAlgorithm::RS256,
        JwtAlgorithm::RS384,
        JwtAlgorithm::RS512,
        JwtAlgorithm::PS256,
        JwtAlgorithm::PS384,
        JwtAlgorithm::PS512,
        JwtAlgorithm::ES256,
        JwtAlgorithm::ES384,
        JwtAlgorithm::EdDSA,
    ];
    pub const DEFAULT: [JwtAlgorithm; 3] = [
        JwtAlgorithm::RS256,
        JwtAlgorithm::ES256,
        JwtAlgorithm::EdDSA,
    ];

    /// The JOSE `alg` name.
    pub fn as_str(self) -> &'static str {
        match self {
            JwtAlgorithm::RS256 => "RS256",
            JwtAlgorithm::RS384 => "RS384",
            JwtAlgorithm::RS512 => "RS512",
            JwtAlgorithm::PS256 => "PS256",
            JwtAlgorithm::PS384 => "PS384",
            JwtAlgorithm::PS512 => "PS512",
            JwtAlgorithm::ES256 => "ES256",
            JwtAlgorithm::ES384 => "ES384",
            JwtAlgorithm::EdDSA => "EdDSA",
        }
    }

    /// Exact (case-sensitive, as in a JWT header).
    pub fn parse(s: &str) -> Option<JwtAlgorithm> {
        JwtAlgorithm::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Opens tools to some callers, and may add rules that apply to those callers only.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Used in rule labels, counter ids and reasons (`grant:NAME`); unnamed grants are
    /// `grant#N` by position.
    pub name: Option<String>,
    /// Who the grant applies to (never empty).
    pub to: Vec<Grantee>,
    /// Tool names or `*` globs the grant opens.
    pub tools: Vec<String>,
    /// Rules for tools matching each name/glob, read before the tool's own rules.
    pub rules: Vec<GrantRules>,
    pub pos: Pos,
}

impl PartialEq for Grant {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.to == other.to
            && self.tools == other.tools
            && self.rules == other.rules
    }
}

/// One entry of a grant's `rules`: a tool name or glob and its ordered rules.
#[derive(Debug, Clone)]
pub struct GrantRules {
    pub tool: String,
    pub rules: Vec<Rule>,
    pub pos: Pos,
}

impl PartialEq for GrantRules {
    fn eq(&self, other: &Self) -> bool {
        self.tool == other.tool && self.rules == other.rules
    }
}

/// One entry of a grant's `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    Identity(String),
    /// `group:NAME`.
    Group(String),
    /// `*`: any caller with an identity.
    Anyone,
}

impl fmt::Display for Grantee {
    /// As written in the policy: `alice`, `group:support`, `*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Grantee::Identity(n) => f.write_str(n),
            Grantee::Group(g) => write!(f, "{GROUP_PREFIX}{g}"),
            Grantee::Anyone => f.write_str(ANYONE),
        }
    }
}

/// A file holding only `identities` and `auth` (`toolgate run --identities FILE`), so keys
/// can be managed apart from the rules, e.g. as a secret mounted next to a ConfigMap.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentitiesFile {
    pub identities: Vec<Identity>,
    pub auth: Option<AuthSettings>,
}

/// Why a name is not usable as an identity or group name, or `None` when it is.
///
/// Names are compared byte for byte, so anything a reviewer could misread is refused: empty
/// names, surrounding spaces, control characters and invisible or direction-changing ones.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if name.trim() != name {
        return Some("starts or ends with whitespace");
    }
    if name.chars().any(|c| c.is_control()) {
        return Some("contains a control character");
    }
    if name.chars().any(is_invisible) {
        return Some("contains an invisible or direction-changing character");
    }
    None
}

fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hash_parses_either_case_and_prints_lowercase() {
        let lower = "sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";
        let upper = lower.to_ascii_uppercase().replace("SHA256:", "sha256:");
        let a = KeyHash::parse(lower).unwrap();
        assert_eq!(KeyHash::parse(&upper).unwrap(), a);
        assert_eq!(a.to_string(), lower);
        assert_eq!(KeyHash::of_token(b"secret"), a);
    }

    #[test]
    fn key_hash_errors_say_what_is_wrong() {
        let hex = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";
        assert_eq!(KeyHash::parse(hex), Err(KeyHashError::MissingPrefix));
        assert_eq!(
            KeyHash::parse("sha256:abc"),
            Err(KeyHashError::WrongLength(3))
        );
        let bad = format!("sha256:{}", "g".repeat(64));
        assert_eq!(KeyHash::parse(&bad), Err(KeyHashError::NotHex));
        // Multi-byte characters: counted as characters, never sliced mid-character.
        let odd = format!("sha256:{}é", "a".repeat(63));
        assert_eq!(KeyHash::parse(&odd), Err(KeyHashError::NotHex));
        assert_eq!(KeyHash::parse("tg_live_123"), Err(KeyHashError::NotAHash));
    }

    #[test]
    fn names_that_read_differently_are_refused() {
        assert_eq!(name_problem("alice"), None);
        assert_eq!(name_problem("ci-bot@example.com"), None);
        assert!(name_problem("").is_some());
        assert!(name_problem(" alice").is_some());
        assert!(name_problem("al\u{200B}ice").is_some());
        assert!(name_problem("ali\nce").is_some());
    }
}
