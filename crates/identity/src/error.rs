//! Why a caller was refused, and how that is said on the wire.
//!
//! Every message tells the operator (and the agent, which sees `error_description`) what was
//! wrong and what to fix, and none of them contains the presented token or anything taken from
//! it except a key id or algorithm name, sanitised. The HTTP mapping is one exhaustive `match`
//! so a new variant cannot slip through unmapped.

use std::fmt;

use http::{HeaderValue, StatusCode};

/// The realm named in every challenge.
pub const REALM: &str = "toolgate";

/// Longest `error_description` sent; a challenge header should stay small.
const MAX_DESCRIPTION: usize = 300;

/// What was wrong with the `Authorization` header itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedReason {
    /// `Bearer` with nothing after it.
    EmptyToken,
    /// More than one space-separated value after `Bearer`.
    SeveralTokens,
    /// A control character (including tab) anywhere in the header.
    ControlCharacter,
    /// A byte outside ASCII.
    NotAscii,
    /// A token longer than [`super::MAX_TOKEN_LEN`].
    TooLong,
}

impl fmt::Display for MalformedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MalformedReason::EmptyToken => "`Bearer` is not followed by a token",
            MalformedReason::SeveralTokens => {
                "expected exactly one token after `Bearer`, found several space-separated values"
            }
            MalformedReason::ControlCharacter => "the header contains a control character",
            MalformedReason::NotAscii => "the header contains non-ASCII bytes",
            MalformedReason::TooLong => "the token is longer than 4 KiB",
        })
    }
}

/// Why a request was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error(
        "no credentials: send `Authorization: Bearer <token>` with an API key or an access token"
    )]
    Missing,
    #[error("the Authorization header must use the Bearer scheme: `Authorization: Bearer <token>`")]
    WrongScheme,
    #[error("malformed Authorization header: {0}")]
    Malformed(MalformedReason),
    #[error(
        "the bearer token is not a known API key (nor a JWT this gateway is configured to accept); check the key, or ask the operator whether it was revoked"
    )]
    UnknownKey,
    #[error("invalid access token: {reason}")]
    InvalidToken { reason: String },
    #[error(
        "the access token's signature does not verify against the issuer's published key; it was altered or signed by someone else"
    )]
    BadSignature,
    #[error("the access token has expired; get a new one from the authorization server")]
    Expired,
    #[error("the access token is not valid yet (its `nbf` is in the future); check the clocks")]
    NotYetValid,
    #[error("the access token was not issued by `{expected}`, the issuer this gateway trusts")]
    WrongIssuer { expected: String },
    #[error(
        "the access token is not meant for this gateway: its `aud` names none of {}",
        expected.join(", ")
    )]
    WrongAudience { expected: Vec<String> },
    #[error(
        "the access token is signed with `{alg}`, which this gateway does not accept (accepted: {accepted})"
    )]
    DisallowedAlgorithm { alg: String, accepted: String },
    #[error(
        "the access token names signing key `{kid}`, which is not in the issuer's key set (JWKS)"
    )]
    UnknownKeyId { kid: String },
    #[error(
        "the issuer's key set (JWKS) is unavailable ({reason}); no access token can be checked until it is"
    )]
    JwksUnavailable { reason: String },
}

impl AuthError {
    /// The HTTP status to answer with: 401, except 503 when the issuer's keys cannot be had —
    /// the token may be fine, we just cannot tell, and we fail closed.
    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::Missing
            | AuthError::WrongScheme
            | AuthError::Malformed(_)
            | AuthError::UnknownKey
            | AuthError::InvalidToken { .. }
            | AuthError::BadSignature
            | AuthError::Expired
            | AuthError::NotYetValid
            | AuthError::WrongIssuer { .. }
            | AuthError::WrongAudience { .. }
            | AuthError::DisallowedAlgorithm { .. }
            | AuthError::UnknownKeyId { .. } => StatusCode::UNAUTHORIZED,
            AuthError::JwksUnavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A stable short name for logs, metrics and audit records.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Missing => "missing",
            AuthError::WrongScheme => "wrong_scheme",
            AuthError::Malformed(_) => "malformed",
            AuthError::UnknownKey => "unknown_key",
            AuthError::InvalidToken { .. } => "invalid_token",
            AuthError::BadSignature => "bad_signature",
            AuthError::Expired => "expired",
            AuthError::NotYetValid => "not_yet_valid",
            AuthError::WrongIssuer { .. } => "wrong_issuer",
            AuthError::WrongAudience { .. } => "wrong_audience",
            AuthError::DisallowedAlgorithm { .. } => "disallowed_algorithm",
            AuthError::UnknownKeyId { .. } => "unknown_key_id",
            AuthError::JwksUnavailable { .. } => "jwks_unavailable",
        }
    }

    /// Whether the client presented a bearer token that we judged bad. RFC 6750 §3.1: when the
    /// request carried no bearer credentials at all, the challenge carries no error code; and
    /// when we could not judge the token (JWKS down) calling it invalid would be a lie.
    fn token_was_rejected(&self) -> bool {
        match self {
            AuthError::Missing | AuthError::WrongScheme | AuthError::JwksUnavailable { .. } => {
                false
            }
            AuthError::Malformed(_)
            | AuthError::UnknownKey
            | AuthError::InvalidToken { .. }
            | AuthError::BadSignature
            | AuthError::Expired
            | AuthError::NotYetValid
            | AuthError::WrongIssuer { .. }
            | AuthError::WrongAudience { .. }
            | AuthError::DisallowedAlgorithm { .. }
            | AuthError::UnknownKeyId { .. } => true,
        }
    }

    /// The `WWW-Authenticate` challenge for this refusal (RFC 6750 §3, RFC 9728 §5.1, MCP
    /// authorization 2025-06-18 and 2025-11-25): `Bearer realm="toolgate"`, then
    /// `error="invalid_token"` and `error_description` when a token was presented, then
    /// `resource_metadata` so an MCP client can discover the authorization server.
    pub fn www_authenticate(&self, resource_metadata_url: Option<&str>) -> HeaderValue {
        let mut value = format!("Bearer realm={}", quoted(REALM));
        if self.token_was_rejected() {
            value.push_str(", error=\"invalid_token\", error_description=\"");
            value.push_str(&description_text(&self.to_string()));
            value.push('"');
        }
        if let Some(url) = resource_metadata_url {
            value.push_str(", resource_metadata=");
            value.push_str(&quoted(url));
        }
        // Everything above is visible ASCII by construction; the fallback only guards that.
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
    }
}

/// An RFC 9110 quoted-string: `"` and `\` escaped; bytes a header cannot carry (controls,
/// non-ASCII) percent-encoded, which keeps a URL meaning the same.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for b in text.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out.push('"');
    out
}

/// RFC 6750 §3: `error_description` may hold only %x20-21 / %x23-5B / %x5D-7E — no quote and
/// no backslash at all, escaped or not. So they are replaced rather than escaped.
fn description_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_DESCRIPTION));
    for c in text.chars() {
        if out.len() >= MAX_DESCRIPTION {
            out.push_str("...");
            break;
        }
        out.push(match c {
            '"' | '`' => '\'',
            '\\' => '/',
            ' '..='~' => c,
            _ => '?',
        });
    }
    out
}

/// Makes a value taken from a token (a `kid`, an `alg`) safe to put in a message: printable
/// ASCII only, at most 64 characters.
pub(crate) fn token_value_for_message(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(64)
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect();
    if text.chars().count() > 64 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(err: &AuthError, url: Option<&str>) -> String {
        err.www_authenticate(url)
            .to_str()
            .expect("visible ASCII")
            .to_owned()
    }

    #[test]
    fn missing_credentials_get_a_bare_challenge() {
        assert_eq!(
            header(&AuthError::Missing, None),
            r#"Bearer realm="toolgate""#
        );
        assert_eq!(
            header(
                &AuthError::WrongScheme,
                Some("https://gw.example/.well-known/oauth-protected-resource/mcp")
            ),
            r#"Bearer realm="toolgate", resource_metadata="https://gw.example/.well-known/oauth-protected-resource/mcp""#
        );
    }

    #[test]
    fn a_rejected_token_gets_invalid_token_and_a_description() {
        let h = header(
            &AuthError::Expired,
            Some("https://gw.example/.well-known/x"),
        );
        assert_eq!(
            h,
            "Bearer realm=\"toolgate\", error=\"invalid_token\", error_description=\"the access \
             token has expired; get a new one from the authorization server\", \
             resource_metadata=\"https://gw.example/.well-known/x\""
        );
        let h = header(&AuthError::UnknownKey, None);
        assert!(
            h.starts_with(r#"Bearer realm="toolgate", error="invalid_token", error_description=""#)
        );
        assert!(!h.contains("resource_metadata"));
    }

    #[test]
    fn descriptions_hold_no_quote_or_backslash_and_urls_are_escaped() {
        let err = AuthError::UnknownKeyId {
            kid: token_value_for_message("a\"b\\c\u{7f}é"),
        };
        let h = header(&err, Some("https://x/\"q\"\\ é"));
        let (desc, rest) = h
            .split_once("error_description=\"")
            .map(|(_, d)| d.split_once('"').expect("closing quote"))
            .expect("description");
        assert!(!desc.contains('\\'));
        assert!(desc.contains("a'b/c??"), "{desc}");
        assert!(
            rest.ends_with(r#"resource_metadata="https://x/\"q\"\\ %C3%A9""#),
            "{rest}"
        );
    }

    #[test]
    fn statuses_fail_closed_with_503_only_for_an_unreachable_jwks() {
        assert_eq!(AuthError::Missing.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(AuthError::BadSignature.status(), StatusCode::UNAUTHORIZED);
        let down = AuthError::JwksUnavailable {
            reason: "connection refused".into(),
        };
        assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!header(&down, None).contains("error="));
    }

    #[test]
    fn long_descriptions_are_cut() {
        let err = AuthError::InvalidToken {
            reason: "x".repeat(1000),
        };
        let h = header(&err, None);
        assert!(h.len() < MAX_DESCRIPTION + 120, "{}", h.len());
        assert!(h.ends_with("...\""));
    }
}
