//! Tests of the authenticator with real crypto: the header parser and API keys here, JWTs
//! against a JWKS file in [`jwt`], JWKS over HTTP from a loopback server in [`jwks_http`].
//! Keys are the test-only PEM fixtures under `crates/identity/tests/fixtures/jwt/`.

mod jwks_http;
mod jwt;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use http::{HeaderValue, StatusCode};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::*;

pub(super) const ISS: &str = "https://idp.test";
pub(super) const AUD: &str = "https://gw.test/mcp";

pub(super) fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/jwt/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

pub(super) fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(&fixture("test-only-rsa2048.pem")).expect("RSA fixture")
}

pub(super) fn ec_key() -> EncodingKey {
    EncodingKey::from_ec_pem(&fixture("test-only-ec-p256.pem")).expect("EC fixture")
}

pub(super) fn ed_key() -> EncodingKey {
    EncodingKey::from_ed_pem(&fixture("test-only-ed25519.pem")).expect("Ed25519 fixture")
}

/// The public JWK of `key`, pinned to `alg`, with `kid`.
pub(super) fn jwk(key: &EncodingKey, alg: Algorithm, kid: Option<&str>) -> Value {
    let mut jwk = Jwk::from_encoding_key(key, alg).expect("public JWK");
    jwk.common.key_id = kid.map(str::to_owned);
    serde_json::to_value(jwk).expect("JWK JSON")
}

pub(super) fn jwks_doc(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}

/// `rsa-1` (RS256), `ec-1` (ES256), `ed-1` (EdDSA).
pub(super) fn standard_jwks() -> String {
    jwks_doc(&[
        jwk(&rsa_key(), Algorithm::RS256, Some("rsa-1")),
        jwk(&ec_key(), Algorithm::ES256, Some("ec-1")),
        jwk(&ed_key(), Algorithm::EdDSA, Some("ed-1")),
    ])
}

pub(super) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// Claims that pass: right issuer and audience, ten minutes to live.
pub(super) fn claims() -> Value {
    json!({
        "iss": ISS,
        "aud": AUD,
        "sub": "alice",
        "groups": ["support", "admins"],
        "iat": now(),
        "exp": now() + 600,
    })
}

pub(super) fn sign(key: &EncodingKey, alg: Algorithm, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).expect("sign test token")
}

pub(super) fn rs256(claims: &Value) -> String {
    sign(&rsa_key(), Algorithm::RS256, Some("rsa-1"), claims)
}

pub(super) fn bearer(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("Bearer {token}")).expect("header value")
}

pub(super) fn api_keys() -> ApiKeyTable {
    ApiKeyTable::new([
        (
            Arc::from("alice"),
            vec![Arc::from("support")],
            hash_api_key("tg_alice_key"),
        ),
        (Arc::from("bob"), vec![], hash_api_key("tg_bob_key")),
    ])
}

fn key_authenticator() -> Authenticator {
    Authenticator::new(
        AuthSettings {
            api_keys: api_keys(),
            jwt: None,
            resource_metadata_url: Some(
                "https://gw.test/.well-known/oauth-protected-resource/mcp".to_owned(),
            ),
        },
        reqwest::Client::new(),
    )
}

async fn with_header(auth: &Authenticator, value: HeaderValue) -> Result<Caller, AuthError> {
    auth.authenticate(Some(&value)).await
}

#[tokio::test]
async fn valid_api_key_gives_identity_and_groups() {
    let auth = key_authenticator();
    let caller = with_header(&auth, bearer("tg_alice_key"))
        .await
        .expect("known key");
    assert_eq!(
        caller,
        Caller {
            identity: Arc::from("alice"),
            groups: vec![Arc::from("support")],
            method: AuthMethod::ApiKey,
        }
    );
}

#[tokio::test]
async fn unknown_key_is_401_with_invalid_token_challenge() {
    let auth = key_authenticator();
    let err = with_header(&auth, bearer("tg_mallory_key"))
        .await
        .expect_err("unknown key");
    assert_eq!(err, AuthError::UnknownKey);
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    let challenge = auth.challenge(&err);
    let challenge = challenge.to_str().expect("ASCII");
    assert!(challenge.starts_with(r#"Bearer realm="toolgate", error="invalid_token""#));
    assert!(challenge.ends_with(
        r#"resource_metadata="https://gw.test/.well-known/oauth-protected-resource/mcp""#
    ));
}

#[tokio::test]
async fn missing_header_is_missing_with_a_bare_challenge() {
    let auth = key_authenticator();
    let err = auth.authenticate(None).await.expect_err("no header");
    assert_eq!(err, AuthError::Missing);
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    assert!(
        !auth
            .challenge(&err)
            .to_str()
            .expect("ASCII")
            .contains("error=")
    );
    let err = with_header(&auth, HeaderValue::from_static(""))
        .await
        .expect_err("empty header");
    assert_eq!(err, AuthError::Missing);
}

#[tokio::test]
async fn other_schemes_are_refused() {
    let auth = key_authenticator();
    for value in [
        "Basic dGdfYWxpY2Vfa2V5",
        "Token tg_alice_key",
        "Bearertg_alice_key",
        "tg_alice_key",
    ] {
        let err = with_header(&auth, HeaderValue::from_static(value))
            .await
            .expect_err(value);
        assert_eq!(err, AuthError::WrongScheme, "{value}");
    }
}

#[tokio::test]
async fn the_scheme_is_case_insensitive_and_spaces_before_the_token_are_fine() {
    let auth = key_authenticator();
    for value in [
        "bearer tg_alice_key",
        "BEARER tg_alice_key",
        "Bearer   tg_alice_key",
        "Bearer tg_alice_key ",
    ] {
        let caller = with_header(&auth, HeaderValue::from_static(value))
            .await
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!(&*caller.identity, "alice");
    }
}

#[tokio::test]
async fn malformed_headers_are_refused_precisely() {
    let auth = key_authenticator();
    let cases: Vec<(HeaderValue, MalformedReason)> = vec![
        (
            HeaderValue::from_static("Bearer"),
            MalformedReason::EmptyToken,
        ),
        (
            HeaderValue::from_static("Bearer   "),
            MalformedReason::EmptyToken,
        ),
        (
            HeaderValue::from_static("Bearer tg_alice_key tg_bob_key"),
            MalformedReason::SeveralTokens,
        ),
        (
            HeaderValue::from_static("Bearer tg_alice\tkey"),
            MalformedReason::ControlCharacter,
        ),
        (
            HeaderValue::from_bytes(b"Bearer tg_alice_key\xc3\xa9").expect("obs-text"),
            MalformedReason::NotAscii,
        ),
        (
            bearer(&"a".repeat(MAX_TOKEN_LEN + 1)),
            MalformedReason::TooLong,
        ),
        (bearer(&"a".repeat(100 * 1024)), MalformedReason::TooLong),
    ];
    for (value, reason) in cases {
        let err = with_header(&auth, value.clone())
            .await
            .expect_err("malformed");
        assert_eq!(err, AuthError::Malformed(reason), "{value:?}");
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    }
    // Exactly at the limit is still a token (unknown, but judged as one).
    let err = with_header(&auth, bearer(&"a".repeat(MAX_TOKEN_LEN)))
        .await
        .expect_err("unknown");
    assert_eq!(err, AuthError::UnknownKey);
}

#[tokio::test]
async fn a_jwt_shaped_token_without_jwt_settings_is_an_unknown_key() {
    let auth = key_authenticator();
    let token = rs256(&claims());
    let err = with_header(&auth, bearer(&token))
        .await
        .expect_err("no JWT");
    assert_eq!(err, AuthError::UnknownKey);
}

#[tokio::test]
async fn replace_settings_revokes_a_key_at_once() {
    let auth = key_authenticator();
    with_header(&auth, bearer("tg_bob_key"))
        .await
        .expect("bob before");
    auth.replace_settings(AuthSettings {
        api_keys: ApiKeyTable::new([(Arc::from("alice"), vec![], hash_api_key("tg_alice_key"))]),
        jwt: None,
        resource_metadata_url: None,
    });
    assert_eq!(
        with_header(&auth, bearer("tg_bob_key")).await,
        Err(AuthError::UnknownKey)
    );
    let alice = with_header(&auth, bearer("tg_alice_key"))
        .await
        .expect("alice stays");
    assert!(alice.groups.is_empty(), "new groups apply too");
    assert_eq!(auth.resource_metadata_url(), None);
}

#[test]
fn required_when_keys_or_jwt_are_configured() {
    let http = reqwest::Client::new();
    let open = Authenticator::new(AuthSettings::default(), http.clone());
    assert!(!open.required());
    assert!(key_authenticator().required());
    let jwt_only = Authenticator::new(
        AuthSettings {
            jwt: Some(JwtSettings::new(
                ISS,
                vec![AUD.to_owned()],
                JwksSource::File("/nonexistent/jwks.json".into()),
            )),
            ..AuthSettings::default()
        },
        http,
    );
    assert!(jwt_only.required());
    jwt_only.replace_settings(AuthSettings::default());
    assert!(!jwt_only.required());
}

#[test]
fn authenticator_is_shareable_and_its_future_is_send() {
    fn shareable<T: Send + Sync + 'static>() {}
    fn send<T: Send>(_: &T) {}
    shareable::<Authenticator>();
    let auth = key_authenticator();
    let header = bearer("x");
    let fut = auth.authenticate(Some(&header));
    send(&fut);
}

#[tokio::test]
async fn no_error_or_challenge_repeats_the_token() {
    let auth = key_authenticator();
    let secret = "tg_S3cretValueThatMustNotLeak";
    let jwtish = format!("{}.{}.{}", "eyJhbGciOiJub25lIn0", "c2VjcmV0UGF5bG9hZA", "");
    let tokens = [secret.to_owned(), format!("{secret} extra"), jwtish];
    for token in tokens {
        let err = with_header(&auth, bearer(&token))
            .await
            .expect_err("refused");
        let text = format!("{err} {err:?} {:?}", auth.challenge(&err));
        assert!(!text.contains("S3cret"), "{text}");
        assert!(!text.contains("c2VjcmV0UGF5bG9hZA"), "{text}");
    }
}
