//! JWT access tokens checked against a JWKS file.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::super::key_set::KeySet;
use super::*;

struct FileSetup {
    _dir: TempDir,
    path: PathBuf,
    clock: Arc<ManualMonotonic>,
    auth: Authenticator,
}

impl FileSetup {
    fn new(jwks: &str, tweak: impl FnOnce(&mut JwtSettings)) -> FileSetup {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("jwks.json");
        std::fs::write(&path, jwks).expect("write JWKS");
        let mut settings =
            JwtSettings::new(ISS, vec![AUD.to_owned()], JwksSource::File(path.clone()));
        tweak(&mut settings);
        let clock = Arc::new(ManualMonotonic::new());
        let auth = Authenticator::with_clock(
            AuthSettings {
                api_keys: ApiKeyTable::default(),
                jwt: Some(settings),
                resource_metadata_url: None,
            },
            reqwest::Client::new(),
            clock.clone(),
        );
        FileSetup {
            _dir: dir,
            path,
            clock,
            auth,
        }
    }

    fn standard() -> FileSetup {
        FileSetup::new(&standard_jwks(), |_| {})
    }

    async fn check(&self, token: &str) -> Result<Caller, AuthError> {
        self.auth.authenticate(Some(&bearer(token))).await
    }
}

fn with(overrides: Value) -> Value {
    let mut c = claims();
    if let (Some(map), Value::Object(over)) = (c.as_object_mut(), overrides) {
        for (k, v) in over {
            if v.is_null() {
                map.remove(&k);
            } else {
                map.insert(k, v);
            }
        }
    }
    c
}

/// A token with a hand-made header, signed as `alg` with `key` (for headers `jsonwebtoken`
/// would not write).
fn raw_token(
    header: &Value,
    claims: &Value,
    sign_with: Option<(&EncodingKey, Algorithm)>,
) -> String {
    let h = super::super::b64::encode(header.to_string().as_bytes());
    let p = super::super::b64::encode(claims.to_string().as_bytes());
    let signing_input = format!("{h}.{p}");
    let signature = match sign_with {
        Some((key, alg)) => {
            jsonwebtoken::crypto::sign(signing_input.as_bytes(), key, alg).expect("sign")
        }
        None => String::new(),
    };
    format!("{signing_input}.{signature}")
}

#[tokio::test]
async fn valid_tokens_of_each_key_type_pass() {
    let s = FileSetup::standard();
    for (token, name) in [
        (rs256(&claims()), "RS256"),
        (
            sign(&ec_key(), Algorithm::ES256, Some("ec-1"), &claims()),
            "ES256",
        ),
        (
            sign(&ed_key(), Algorithm::EdDSA, Some("ed-1"), &claims()),
            "EdDSA",
        ),
    ] {
        let caller = s
            .check(&token)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            caller,
            Caller {
                identity: Arc::from("jwt:alice"),
                groups: vec![Arc::from("support"), Arc::from("admins")],
                method: AuthMethod::Jwt,
            },
            "{name}"
        );
    }
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused() {
    let s = FileSetup::standard();
    let expired = rs256(&with(json!({"exp": now() - 3600})));
    assert_eq!(s.check(&expired).await, Err(AuthError::Expired));
    let early = rs256(&with(json!({"nbf": now() + 3600})));
    assert_eq!(s.check(&early).await, Err(AuthError::NotYetValid));
    let no_exp = rs256(&with(json!({"exp": null})));
    assert!(
        matches!(s.check(&no_exp).await, Err(AuthError::InvalidToken { reason }) if reason.contains("`exp`"))
    );
}

#[tokio::test]
async fn leeway_forgives_small_clock_skew_only() {
    let s = FileSetup::new(&standard_jwks(), |j| j.leeway = Duration::from_secs(60));
    s.check(&rs256(&with(json!({"exp": now() - 30}))))
        .await
        .expect("expired 30 s ago, within leeway");
    s.check(&rs256(&with(json!({"nbf": now() + 30}))))
        .await
        .expect("valid in 30 s, within leeway");
    assert_eq!(
        s.check(&rs256(&with(json!({"exp": now() - 120})))).await,
        Err(AuthError::Expired)
    );
    let strict = FileSetup::new(&standard_jwks(), |j| j.leeway = Duration::ZERO);
    assert_eq!(
        strict
            .check(&rs256(&with(json!({"exp": now() - 30}))))
            .await,
        Err(AuthError::Expired)
    );
    // A huge configured leeway is capped, so a day-old token stays dead.
    let lax = FileSetup::new(&standard_jwks(), |j| j.leeway = Duration::from_secs(86_400));
    assert_eq!(
        lax.check(&rs256(&with(json!({"exp": now() - 3600})))).await,
        Err(AuthError::Expired)
    );
}

#[tokio::test]
async fn issuer_must_match_exactly() {
    let s = FileSetup::standard();
    let wrong = AuthError::WrongIssuer {
        expected: ISS.to_owned(),
    };
    for iss in [
        json!("https://evil.test"),
        json!("https://idp.test/"),
        json!([ISS, "https://evil.test"]),
    ] {
        assert_eq!(
            s.check(&rs256(&with(json!({"iss": iss})))).await,
            Err(wrong.clone()),
            "{iss}"
        );
    }
    assert!(matches!(
        s.check(&rs256(&with(json!({"iss": null})))).await,
        Err(AuthError::InvalidToken { reason }) if reason.contains("`iss`")
    ));
}

#[tokio::test]
async fn audience_must_name_us() {
    let s = FileSetup::standard();
    let wrong = AuthError::WrongAudience {
        expected: vec![AUD.to_owned()],
    };
    assert_eq!(
        s.check(&rs256(&with(json!({"aud": "https://other.test"}))))
            .await,
        Err(wrong.clone())
    );
    assert_eq!(s.check(&rs256(&with(json!({"aud": []})))).await, Err(wrong));
    s.check(&rs256(&with(json!({"aud": ["https://other.test", AUD]}))))
        .await
        .expect("aud array containing us");
    assert!(matches!(
        s.check(&rs256(&with(json!({"aud": null})))).await,
        Err(AuthError::InvalidToken { reason }) if reason.contains("`aud`")
    ));
    let none = FileSetup::new(&standard_jwks(), |j| j.audiences.clear());
    assert!(matches!(
        none.check(&rs256(&claims())).await,
        Err(AuthError::WrongAudience { .. })
    ));
}

#[tokio::test]
async fn key_ids_select_the_key() {
    let s = FileSetup::standard();
    assert_eq!(
        s.check(&sign(
            &rsa_key(),
            Algorithm::RS256,
            Some("rsa-9"),
            &claims()
        ))
        .await,
        Err(AuthError::UnknownKeyId {
            kid: "rsa-9".to_owned()
        })
    );
    // No kid with several keys: refused rather than tried against each.
    assert!(matches!(
        s.check(&sign(&rsa_key(), Algorithm::RS256, None, &claims())).await,
        Err(AuthError::InvalidToken { reason }) if reason.contains("no `kid`")
    ));
    let single = FileSetup::new(&jwks_doc(&[jwk(&ec_key(), Algorithm::ES256, None)]), |_| {});
    single
        .check(&sign(&ec_key(), Algorithm::ES256, None, &claims()))
        .await
        .expect("no kid, one key");
}

#[tokio::test]
async fn algorithm_confusion_hs256_with_the_public_key_is_refused() {
    // The classic attack: sign with HMAC using the RSA *public* key as the secret, hoping the
    // verifier feeds its "key" to whatever algorithm the header names.
    let public_pem = fixture("test-only-rsa2048.pub.pem");
    let forged = sign(
        &EncodingKey::from_secret(&public_pem),
        Algorithm::HS256,
        Some("rsa-1"),
        &claims(),
    );
    let mut no_alg_jwk = jwk(&rsa_key(), Algorithm::RS256, Some("rsa-1"));
    if let Some(o) = no_alg_jwk.as_object_mut() {
        o.remove("alg");
    }
    for (s, label) in [
        (FileSetup::standard(), "default algorithms"),
        (
            FileSetup::new(&jwks_doc(&[no_alg_jwk.clone()]), |_| {}),
            "JWK without alg",
        ),
        (
            FileSetup::new(&jwks_doc(&[no_alg_jwk]), |j| {
                j.algorithms = vec![Algorithm::HS256, Algorithm::RS256]
            }),
            "HS256 wrongly configured",
        ),
    ] {
        let err = s.check(&forged).await.expect_err(label);
        assert!(
            matches!(&err, AuthError::DisallowedAlgorithm { alg, accepted } if alg == "HS256" && !accepted.contains("HS")),
            "{label}: {err:?}"
        );
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_symmetric_key_in_the_jwks_is_never_used() {
    let secret = b"shared-secret-shared-secret-32by";
    let oct = json!({"kty": "oct", "kid": "hmac-1", "alg": "HS256", "k": super::super::b64::encode(secret)});
    let s = FileSetup::new(
        &jwks_doc(&[oct, jwk(&rsa_key(), Algorithm::RS256, Some("rsa-1"))]),
        |j| j.algorithms = vec![Algorithm::HS256, Algorithm::RS256],
    );
    let token = sign(
        &EncodingKey::from_secret(secret),
        Algorithm::HS256,
        Some("hmac-1"),
        &claims(),
    );
    assert!(matches!(
        s.check(&token).await,
        Err(AuthError::DisallowedAlgorithm { .. })
    ));
}

#[tokio::test]
async fn alg_none_is_refused() {
    let s = FileSetup::standard();
    for header in [
        json!({"alg": "none", "typ": "JWT"}),
        json!({"alg": "none", "kid": "rsa-1"}),
        json!({"alg": "None"}),
    ] {
        let token = raw_token(&header, &claims(), None);
        assert!(
            matches!(s.check(&token).await, Err(AuthError::DisallowedAlgorithm { ref alg, .. }) if alg.eq_ignore_ascii_case("none")),
            "{header}"
        );
    }
}

#[tokio::test]
async fn altered_tokens_fail_the_signature() {
    let s = FileSetup::standard();
    let token = rs256(&claims());
    let mut parts: Vec<&str> = token.split('.').collect();
    let evil = super::super::b64::encode(with(json!({"sub": "root"})).to_string().as_bytes());
    parts[1] = &evil;
    assert_eq!(
        s.check(&parts.join(".")).await,
        Err(AuthError::BadSignature)
    );
}

#[tokio::test]
async fn the_algorithm_must_fit_the_key() {
    let s = FileSetup::standard();
    // ES256 token naming the RSA key.
    let token = sign(&ec_key(), Algorithm::ES256, Some("rsa-1"), &claims());
    assert!(
        matches!(s.check(&token).await, Err(AuthError::InvalidToken { reason }) if reason.contains("another type"))
    );
    // PS256 with the right RSA key, but the JWK pins RS256.
    let token = sign(&rsa_key(), Algorithm::PS256, Some("rsa-1"), &claims());
    assert!(
        matches!(s.check(&token).await, Err(AuthError::InvalidToken { reason }) if reason.contains("pinned"))
    );
    // An operator who accepts only RS256 refuses ES256 outright.
    let only_rs = FileSetup::new(&standard_jwks(), |j| j.algorithms = vec![Algorithm::RS256]);
    let token = sign(&ec_key(), Algorithm::ES256, Some("ec-1"), &claims());
    assert!(matches!(
        only_rs.check(&token).await,
        Err(AuthError::DisallowedAlgorithm { alg, accepted }) if alg == "ES256" && accepted == "RS256"
    ));
}

#[tokio::test]
async fn critical_header_extensions_are_refused() {
    let s = FileSetup::standard();
    let token = raw_token(
        &json!({"alg": "RS256", "kid": "rsa-1", "crit": ["exp"], "exp": 1}),
        &claims(),
        Some((&rsa_key(), Algorithm::RS256)),
    );
    assert!(
        matches!(s.check(&token).await, Err(AuthError::InvalidToken { reason }) if reason.contains("crit"))
    );
}

#[tokio::test]
async fn groups_come_as_an_array_or_a_string() {
    let s = FileSetup::standard();
    let groups = |c: Caller| c.groups.iter().map(|g| g.to_string()).collect::<Vec<_>>();
    let caller = s
        .check(&rs256(&with(json!({"groups": "support admins,ops"}))))
        .await
        .expect("string");
    assert_eq!(groups(caller), ["support", "admins", "ops"]);
    let caller = s
        .check(&rs256(&with(json!({"groups": ["a", "", "b c"]}))))
        .await
        .expect("array");
    assert_eq!(groups(caller), ["a", "b c"]);
    let caller = s
        .check(&rs256(&with(json!({"groups": null}))))
        .await
        .expect("missing");
    assert!(caller.groups.is_empty());
    for bad in [json!(7), json!(["a", 1]), json!({"a": true})] {
        assert!(
            matches!(s.check(&rs256(&with(json!({"groups": bad})))).await, Err(AuthError::InvalidToken { reason }) if reason.contains("groups")),
            "{bad}"
        );
    }
    let roles = FileSetup::new(&standard_jwks(), |j| j.groups_claim = "roles".to_owned());
    let caller = roles
        .check(&rs256(&with(json!({"roles": ["r1"]}))))
        .await
        .expect("roles");
    assert_eq!(groups(caller), ["r1"]);
}

#[tokio::test]
async fn identity_comes_from_the_configured_claim() {
    let s = FileSetup::new(&standard_jwks(), |j| j.identity_claim = "email".to_owned());
    let caller = s
        .check(&rs256(&with(json!({"email": "alice@corp.test"}))))
        .await
        .expect("email");
    assert_eq!(&*caller.identity, "jwt:alice@corp.test");
    for bad in [
        json!(null),
        json!(""),
        json!("  "),
        json!(42),
        json!("a\nb"),
    ] {
        assert!(
            matches!(s.check(&rs256(&with(json!({"email": bad})))).await, Err(AuthError::InvalidToken { reason }) if reason.contains("`email`")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn the_jwks_file_is_reread_when_it_changes_at_most_once_a_second() {
    let s = FileSetup::new(
        &jwks_doc(&[jwk(&rsa_key(), Algorithm::RS256, Some("rsa-1"))]),
        |_| {},
    );
    let ec_token = sign(&ec_key(), Algorithm::ES256, Some("ec-1"), &claims());
    s.check(&rs256(&claims())).await.expect("rsa-1");
    assert!(matches!(
        s.check(&ec_token).await,
        Err(AuthError::UnknownKeyId { .. })
    ));
    std::fs::write(&s.path, standard_jwks()).expect("rotate");
    // Not looked at again within the second.
    assert!(matches!(
        s.check(&ec_token).await,
        Err(AuthError::UnknownKeyId { .. })
    ));
    s.clock.advance(Duration::from_secs(1));
    s.check(&ec_token).await.expect("ec-1 after reload");
    // A broken rewrite keeps the last good keys.
    std::fs::write(&s.path, "{ not json").expect("break");
    s.clock.advance(Duration::from_secs(1));
    s.check(&ec_token).await.expect("stale keys serve");
    // And a deleted file too.
    std::fs::remove_file(&s.path).expect("delete");
    s.clock.advance(Duration::from_secs(2));
    s.check(&rs256(&claims())).await.expect("stale keys serve");
}

#[tokio::test]
async fn a_missing_or_broken_jwks_file_fails_closed_with_503() {
    for contents in [None, Some("{\"keys\": 5}"), Some("{\"keys\": []}")] {
        let s = FileSetup::standard();
        match contents {
            None => std::fs::remove_file(&s.path).expect("delete"),
            Some(text) => std::fs::write(&s.path, text).expect("write"),
        }
        let err = s.check(&rs256(&claims())).await.expect_err("no keys");
        assert!(matches!(err, AuthError::JwksUnavailable { .. }), "{err:?}");
        assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(matches!(
            s.auth.warm_up().await,
            Err(AuthError::JwksUnavailable { .. })
        ));
    }
    FileSetup::standard()
        .auth
        .warm_up()
        .await
        .expect("good file");
}

#[test]
fn unusable_jwks_entries_are_skipped() {
    let mut enc = jwk(&rsa_key(), Algorithm::RS256, Some("enc-1"));
    enc["use"] = json!("enc");
    let mut oaep = jwk(&rsa_key(), Algorithm::RS256, Some("oaep"));
    oaep["alg"] = json!("RSA-OAEP");
    let small_rsa = json!({"kty": "RSA", "kid": "small", "n": super::super::b64::encode(&[0xc5; 128]), "e": "AQAB"});
    let oct = json!({"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"});
    let p521 = json!({"kty": "EC", "crv": "P-521", "kid": "p521", "x": "AA", "y": "AA"});
    let sign_only = {
        let mut j = jwk(&ec_key(), Algorithm::ES256, Some("sign-only"));
        j["key_ops"] = json!(["sign"]);
        j
    };
    let good = jwk(&ed_key(), Algorithm::EdDSA, Some("ed-1"));
    let doc = jwks_doc(&[
        enc,
        oaep,
        small_rsa,
        oct,
        p521,
        sign_only,
        json!("junk"),
        good,
    ]);
    let set = KeySet::parse(doc.as_bytes()).expect("one usable key");
    assert_eq!(set.len(), 1);
    assert!(set.has_kid("ed-1"));
    let err = KeySet::parse(jwks_doc(&[json!({"kty": "oct", "k": "AA"})]).as_bytes())
        .err()
        .expect("nothing usable");
    assert!(err.contains("no usable signing key"), "{err}");
}

#[test]
fn settings_problems_are_all_reported() {
    let mut s = JwtSettings::new(
        " ",
        vec![],
        JwksSource::Url(reqwest::Url::parse("http://idp.example/jwks").expect("url")),
    );
    s.algorithms = vec![Algorithm::HS256];
    s.leeway = Duration::from_secs(3600);
    s.identity_claim.clear();
    let problems = s.problems();
    assert_eq!(
        problems,
        vec![
            JwtSettingsError::EmptyIssuer,
            JwtSettingsError::NoAudience,
            JwtSettingsError::SymmetricAlgorithm("HS256".to_owned()),
            JwtSettingsError::NoAlgorithm,
            JwtSettingsError::InsecureJwksUrl("http://idp.example/jwks".to_owned()),
            JwtSettingsError::LeewayTooLarge(3600),
            JwtSettingsError::EmptyClaimName("identity_claim"),
        ]
    );
    let ok = JwtSettings::new(
        ISS,
        vec![AUD.to_owned()],
        JwksSource::Url(reqwest::Url::parse("http://127.0.0.1:9/jwks").expect("url")),
    );
    assert_eq!(ok.problems(), vec![]);
}

/// A token whose `sub` is `alice` is not the API-key identity `alice` (issue 16): its caller
/// is `jwt:alice`, unless the settings map that subject onto a named identity.
#[tokio::test]
async fn jwt_subjects_are_kept_apart_from_api_key_identities_unless_mapped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("jwks.json");
    std::fs::write(&path, standard_jwks()).expect("write JWKS");
    let authenticator = |subjects: &[(&str, &str)]| {
        let mut jwt = JwtSettings::new(ISS, vec![AUD.to_owned()], JwksSource::File(path.clone()));
        jwt.subjects = subjects
            .iter()
            .map(|(s, n)| ((*s).to_owned(), Arc::from(*n)))
            .collect();
        Authenticator::new(
            AuthSettings {
                api_keys: api_keys(),
                jwt: Some(jwt),
                resource_metadata_url: None,
            },
            reqwest::Client::new(),
        )
    };
    let token = |sub: &str| rs256(&with(json!({"sub": sub, "groups": null})));

    let apart = authenticator(&[]);
    let key = apart
        .authenticate(Some(&bearer("tg_alice_key")))
        .await
        .expect("key");
    let jwt = apart
        .authenticate(Some(&bearer(&token("alice"))))
        .await
        .expect("token");
    assert_eq!(&*key.identity, "alice");
    assert_eq!(&*jwt.identity, "jwt:alice");
    assert!(jwt.groups.is_empty(), "no groups from the key's identity");
    // Even a subject that spells the prefix stays in the JWT namespace.
    let sneaky = apart
        .authenticate(Some(&bearer(&token("jwt:alice"))))
        .await
        .expect("token");
    assert_eq!(&*sneaky.identity, "jwt:jwt:alice");

    let mapped = authenticator(&[("00u-alice", "alice")]);
    let caller = mapped
        .authenticate(Some(&bearer(&token("00u-alice"))))
        .await
        .expect("mapped token");
    assert_eq!(&*caller.identity, "alice");
    assert_eq!(caller.method, AuthMethod::Jwt);
    let other = mapped
        .authenticate(Some(&bearer(&token("alice"))))
        .await
        .expect("unmapped token");
    assert_eq!(&*other.identity, "jwt:alice");
}
