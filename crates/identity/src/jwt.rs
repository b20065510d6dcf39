//! JWT access tokens from the operator's OAuth authorization server.
//!
//! The MCP authorization spec makes an HTTP MCP endpoint an OAuth 2.1 resource server: clients
//! get an access token from an authorization server and present it as a bearer token. We check
//! it the way a resource server must — signature against the issuer's published keys
//! ([`super::jwks`]), issuer, audience (so a token minted for another service is refused),
//! expiry and not-before — and take the caller's identity and groups from configured claims.
//!
//! Algorithm confusion is closed at three places: only asymmetric algorithms are ever accepted
//! (HS* is dropped from the settings, `none` does not parse), the header's `alg` must be one
//! the operator allowed, and it must fit the key the `kid` names (key type, curve, and the
//! JWK's own `alg` when it pins one).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, AlgorithmFamily, Validation};
use serde_json::{Map, Value};

use super::b64;
use super::error::token_value_for_message;
use super::jwks::{JwksCache, JwksSource};
use super::key_set::Selected;
use super::{AuthError, AuthMethod, Caller};

/// What an unmapped JWT caller's identity starts with (see [`JwtSettings::subjects`]).
pub const JWT_PREFIX: &str = toolgate_policy::JWT_PREFIX;

/// Every asymmetric algorithm `jsonwebtoken` verifies; the default accepted list.
pub const DEFAULT_ALGORITHMS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Clock-skew allowance when none is configured.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// Largest leeway honoured: more would keep expired tokens alive for a meaningful time.
pub const MAX_LEEWAY: Duration = Duration::from_secs(5 * 60);

/// Longest identity taken from a token, in bytes.
const MAX_IDENTITY_LEN: usize = 256;

/// How to check JWT access tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtSettings {
    /// The exact `iss` the tokens must carry.
    pub issuer: String,
    /// Tokens must name at least one of these in `aud` (normally this gateway's resource URL).
    pub audiences: Vec<String>,
    pub jwks: JwksSource,
    /// The claim holding the caller's identity; `sub` by default.
    pub identity_claim: String,
    /// The claim holding the caller's groups (array of strings, or a space/comma-separated
    /// string); `groups` by default. Absent means no groups.
    pub groups_claim: String,
    /// Clock-skew allowance for `exp` and `nbf`, capped at [`MAX_LEEWAY`].
    pub leeway: Duration,
    /// Accepted signature algorithms. HS* is never accepted, whatever this says.
    pub algorithms: Vec<Algorithm>,
    /// Identity-claim values the policy maps onto named identities (`jwt_subjects`). Any
    /// other token's caller is `jwt:<value>` ([`JWT_PREFIX`]), never an API-key identity of
    /// the same name.
    pub subjects: HashMap<String, Arc<str>>,
}

impl JwtSettings {
    /// Settings with the defaults: `sub`, `groups`, 60 s leeway, every asymmetric algorithm.
    pub fn new(issuer: impl Into<String>, audiences: Vec<String>, jwks: JwksSource) -> Self {
        JwtSettings {
            issuer: issuer.into(),
            audiences,
            jwks,
            identity_claim: "sub".to_owned(),
            groups_claim: "groups".to_owned(),
            leeway: DEFAULT_LEEWAY,
            algorithms: DEFAULT_ALGORITHMS.to_vec(),
            subjects: HashMap::new(),
        }
    }

    /// Everything wrong with these settings, for the config loader to report before use. The
    /// authenticator still fails closed on settings that skipped this check (no audience → no
    /// token passes; HS* dropped; plain-HTTP JWKS from a remote host not fetched).
    pub fn problems(&self) -> Vec<JwtSettingsError> {
        let mut problems = Vec::new();
        if self.issuer.trim().is_empty() {
            problems.push(JwtSettingsError::EmptyIssuer);
        }
        if self.audiences.iter().all(|a| a.trim().is_empty()) {
            problems.push(JwtSettingsError::NoAudience);
        }
        for alg in &self.algorithms {
            if alg.family() == AlgorithmFamily::Hmac {
                problems.push(JwtSettingsError::SymmetricAlgorithm(format!("{alg:?}")));
            }
        }
        if self.accepted_algorithms().is_empty() {
            problems.push(JwtSettingsError::NoAlgorithm);
        }
        if let JwksSource::Url(url) = &self.jwks
            && !super::jwks::url_may_serve_keys(url)
        {
            problems.push(JwtSettingsError::InsecureJwksUrl(
                JwksSource::Url(url.clone()).to_string(),
            ));
        }
        if self.leeway > MAX_LEEWAY {
            problems.push(JwtSettingsError::LeewayTooLarge(self.leeway.as_secs()));
        }
        if self.identity_claim.is_empty() {
            problems.push(JwtSettingsError::EmptyClaimName("identity_claim"));
        }
        if self.groups_claim.is_empty() {
            problems.push(JwtSettingsError::EmptyClaimName("groups_claim"));
        }
        problems
    }

    fn accepted_algorithms(&self) -> Vec<Algorithm> {
        let mut accepted: Vec<Algorithm> = Vec::new();
        for alg in &self.algorithms {
            if alg.family() != AlgorithmFamily::Hmac && !accepted.contains(alg) {
                accepted.push(*alg);
            }
        }
        accepted
    }
}

/// A problem in [`JwtSettings`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtSettingsError {
    #[error("jwt.issuer is empty; set it to the authorization server's issuer URL")]
    EmptyIssuer,
    #[error(
        "jwt.audiences is empty; list this gateway's resource URL so tokens for other services are refused"
    )]
    NoAudience,
    #[error(
        "jwt.algorithms names {0}, a shared-secret algorithm; only asymmetric algorithms (RS*, PS*, ES*, EdDSA) are accepted"
    )]
    SymmetricAlgorithm(String),
    #[error("jwt.algorithms accepts no asymmetric algorithm; no token could pass")]
    NoAlgorithm,
    #[error(
        "jwt.jwks URL {0} is plain HTTP to a non-loopback host; use https so nobody on the path can swap the keys"
    )]
    InsecureJwksUrl(String),
    #[error("jwt.leeway of {0} s is too large; at most 300 s")]
    LeewayTooLarge(u64),
    #[error("jwt.{0} is empty; name the claim to read")]
    EmptyClaimName(&'static str),
}

/// Whether a bearer token has the shape of a JWS compact serialisation: three base64url
/// segments, header and payload non-empty (the signature may be empty, as in `alg: none`
/// tokens, which then get a precise refusal instead of "unknown API key").
pub(crate) fn looks_like_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    !header.is_empty()
        && !payload.is_empty()
        && [header, payload, signature]
            .iter()
            .all(|p| p.bytes().all(b64::is_b64url_byte))
}

/// Checks tokens for one [`JwtSettings`].
pub(crate) struct JwtVerifier {
    settings: JwtSettings,
    accepted: Vec<Algorithm>,
    accepted_text: String,
    jwks: Arc<JwksCache>,
}

impl JwtVerifier {
    pub(crate) fn new(settings: JwtSettings, jwks: Arc<JwksCache>) -> Self {
        let accepted = settings.accepted_algorithms();
        let accepted_text = if accepted.is_empty() {
            "none".to_owned()
        } else {
            accepted
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        JwtVerifier {
            settings,
            accepted,
            accepted_text,
            jwks,
        }
    }

    pub(crate) fn jwks(&self) -> &Arc<JwksCache> {
        &self.jwks
    }

    /// Checks a JWT-shaped bearer token and returns its caller.
    pub(crate) async fn verify(&self, token: &str) -> Result<Caller, AuthError> {
        let (alg, kid) = self.read_header(token)?;
        let mut keys = self.jwks.keys().await?;
        let key = loop {
            match keys.select(kid.as_deref(), alg) {
                Selected::Key(key) => break key,
                Selected::NoSuchKid => {
                    let kid = kid.as_deref().unwrap_or_default();
                    // Maybe the issuer rotated keys since we fetched; the cache decides
                    // whether a refetch is allowed yet.
                    match self.jwks.refetch_for_unknown_kid(kid).await {
                        Some(fresh) if fresh.has_kid(kid) => keys = fresh,
                        _ => {
                            return Err(AuthError::UnknownKeyId {
                                kid: token_value_for_message(kid),
                            });
                        }
                    }
                }
                Selected::Incompatible(key) => {
                    let named = key
                        .kid
                        .as_deref()
                        .map(|k| format!(" `{}`", token_value_for_message(k)))
                        .unwrap_or_default();
                    let why = if key.kind.accepts(alg) {
                        "is pinned to another algorithm"
                    } else {
                        "is of another type"
                    };
                    return Err(AuthError::InvalidToken {
                        reason: format!(
                            "the token says {alg:?} but its signing key{named} ({}) {why}",
                            key.kind.name()
                        ),
                    });
                }
                Selected::NoKid { keys } => {
                    return Err(AuthError::InvalidToken {
                        reason: format!(
                            "the token header has no `kid` and the issuer's key set holds {keys} keys; the issuer must name the signing key"
                        ),
                    });
                }
            }
        };
        let claims =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &self.validation(alg))
                .map_err(|e| self.map_error(e))?
                .claims;
        // `jsonwebtoken` also accepts an array `iss` that contains ours; the issuer is one
        // string (RFC 7519 §4.1.1), so insist on exactly that.
        if claims.get("iss").and_then(Value::as_str) != Some(self.settings.issuer.as_str()) {
            return Err(AuthError::WrongIssuer {
                expected: self.settings.issuer.clone(),
            });
        }
        Ok(Caller {
            identity: self.identity(&claims)?,
            groups: self.groups(&claims)?,
            method: AuthMethod::Jwt,
        })
    }

    /// The header's `alg` (which must be accepted) and `kid`, read before any key is fetched
    /// so a refused algorithm costs nothing and is named in the refusal.
    fn read_header(&self, token: &str) -> Result<(Algorithm, Option<String>), AuthError> {
        let not_a_jwt = |what: &str| AuthError::InvalidToken {
            reason: format!("not a well-formed JWT: {what}"),
        };
        let encoded = token.split('.').next().unwrap_or_default();
        let bytes = b64::decode(encoded).ok_or_else(|| not_a_jwt("the header is not base64url"))?;
        let header: Map<String, Value> = serde_json::from_slice(&bytes)
            .map_err(|_| not_a_jwt("the header is not a JSON object"))?;
        let alg_text = header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or_else(|| not_a_jwt("the header has no `alg` string"))?;
        let alg = Algorithm::from_str(alg_text)
            .ok()
            .filter(|a| self.accepted.contains(a))
            .ok_or_else(|| AuthError::DisallowedAlgorithm {
                alg: token_value_for_message(alg_text),
                accepted: self.accepted_text.clone(),
            })?;
        if header.contains_key("crit") {
            // RFC 7515 §4.1.11: a recipient that does not understand every listed extension
            // must reject the token; we understand none.
            return Err(AuthError::InvalidToken {
                reason:
                    "the token marks header parameters as critical (`crit`); none are supported"
                        .to_owned(),
            });
        }
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(not_a_jwt("the header's `kid` is not a string")),
        };
        Ok((alg, kid))
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        // Exactly the one algorithm that fits the key we picked.
        validation.algorithms = vec![alg];
        validation.leeway = self.settings.leeway.min(MAX_LEEWAY).as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[self.settings.issuer.as_str()]);
        // An empty list leaves an empty set: every token then fails the audience check.
        validation.set_audience(&self.settings.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation
    }

    fn map_error(&self, error: jsonwebtoken::errors::Error) -> AuthError {
        match error.kind() {
            ErrorKind::ExpiredSignature => AuthError::Expired,
            ErrorKind::ImmatureSignature => AuthError::NotYetValid,
            ErrorKind::InvalidIssuer => AuthError::WrongIssuer {
                expected: self.settings.issuer.clone(),
            },
            ErrorKind::InvalidAudience => AuthError::WrongAudience {
                expected: self.settings.audiences.clone(),
            },
            ErrorKind::InvalidSignature => AuthError::BadSignature,
            ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
                AuthError::DisallowedAlgorithm {
                    alg: "?".to_owned(),
                    accepted: self.accepted_text.clone(),
                }
            }
            ErrorKind::MissingRequiredClaim(claim) => AuthError::InvalidToken {
                reason: format!(
                    "the token has no `{}` claim",
                    token_value_for_message(claim)
                ),
            },
            ErrorKind::InvalidClaimFormat(claim) => AuthError::InvalidToken {
                reason: format!(
                    "the token's `{}` claim is not a number",
                    token_value_for_message(claim)
                ),
            },
            ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidEcdsaKey
            | ErrorKind::InvalidEddsaKey
            | ErrorKind::InvalidKeyFormat => AuthError::InvalidToken {
                reason: "the issuer's signing key could not be used (bad key material in the JWKS)"
                    .to_owned(),
            },
            _ => AuthError::InvalidToken {
                reason: "not a well-formed JWT (bad base64url or JSON)".to_owned(),
            },
        }
    }

    fn identity(&self, claims: &Map<String, Value>) -> Result<Arc<str>, AuthError> {
        let claim = &self.settings.identity_claim;
        let bad = |what: &str| AuthError::InvalidToken {
            reason: format!("the identity claim `{claim}` {what}"),
        };
        let identity = match claims.get(claim) {
            Some(Value::String(s)) => s,
            None => return Err(bad("is missing")),
            Some(_) => return Err(bad("is not a string")),
        };
        if identity.trim().is_empty() {
            return Err(bad("is empty"));
        }
        if identity.len() > MAX_IDENTITY_LEN {
            return Err(bad("is longer than 256 bytes"));
        }
        // Identities end up in logs and audit records; a control character could forge lines.
        if identity.chars().any(char::is_control) {
            return Err(bad("contains control characters"));
        }
        // The issuer's subjects are a namespace of their own: whoever can get a token with
        // `sub: alice` (a self-service sign-up, another tenant) is `jwt:alice`, with none of
        // the API-key identity `alice`'s grants, groups or sessions, unless the policy says
        // this subject is `alice` (`identities.alice.jwt_subjects`).
        Ok(match self.settings.subjects.get(identity.as_str()) {
            Some(name) => name.clone(),
            None => Arc::from(format!("{JWT_PREFIX}{identity}")),
        })
    }

    fn groups(&self, claims: &Map<String, Value>) -> Result<Vec<Arc<str>>, AuthError> {
        let claim = &self.settings.groups_claim;
        let bad = || AuthError::InvalidToken {
            reason: format!(
                "the groups claim `{claim}` must be an array of strings or a space/comma-separated string"
            ),
        };
        let groups = match claims.get(claim) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => s
                .split([' ', ','])
                .filter(|g| !g.is_empty())
                .map(Arc::from)
                .collect(),
            Some(Value::Array(items)) => {
                let mut groups = Vec::with_capacity(items.len());
                for item in items {
                    let Value::String(g) = item else {
                        return Err(bad());
                    };
                    if !g.trim().is_empty() {
                        groups.push(Arc::from(g.as_str()));
                    }
                }
                groups
            }
            Some(_) => return Err(bad()),
        };
        if groups
            .iter()
            .any(|g: &Arc<str>| g.chars().any(char::is_control))
        {
            return Err(bad());
        }
        Ok(groups)
    }
}
