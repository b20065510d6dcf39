//! The usable keys of a JWK set document, and which one checks a given token.
//!
//! Only asymmetric signing keys are kept: symmetric (`oct`) keys, encryption keys, keys for
//! algorithms we do not verify and RSA keys under 2048 bits are dropped when the set is
//! parsed, so no token can ever be checked against, say, an RSA public key used as an HMAC
//! secret. A key is then used only for algorithms that fit its type and curve, and only for
//! the JWK's own `alg` when it pins one.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyOperations, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};

use super::b64;

/// RSA moduli shorter than this many bytes (2048 bits) are refused, as aws-lc-rs would.
const MIN_RSA_MODULUS_BYTES: usize = 256;

/// What a verification key can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
    Ed25519,
}

impl KeyKind {
    pub(crate) fn accepts(self, alg: Algorithm) -> bool {
        match self {
            KeyKind::Rsa => alg.family() == AlgorithmFamily::Rsa,
            KeyKind::EcP256 => alg == Algorithm::ES256,
            KeyKind::EcP384 => alg == Algorithm::ES384,
            KeyKind::Ed25519 => alg == Algorithm::EdDSA,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            KeyKind::Rsa => "RSA",
            KeyKind::EcP256 => "EC P-256",
            KeyKind::EcP384 => "EC P-384",
            KeyKind::Ed25519 => "Ed25519",
        }
    }
}

/// One usable public key from the set.
pub(crate) struct VerifyKey {
    pub(crate) kid: Option<String>,
    pub(crate) kind: KeyKind,
    /// The JWK's own `alg`, when it names one: then only that algorithm may use the key.
    alg: Option<Algorithm>,
    pub(crate) key: DecodingKey,
}

impl VerifyKey {
    /// Whether a token signed with `alg` may be checked with this key: the key type must fit
    /// the algorithm (no RSA key for ES256, never an HMAC), and a JWK that pins its `alg`
    /// is used with that one only.
    pub(crate) fn accepts(&self, alg: Algorithm) -> bool {
        alg.family() != AlgorithmFamily::Hmac
            && self.kind.accepts(alg)
            && self.alg.is_none_or(|pinned| pinned == alg)
    }
}

/// The usable keys of one JWK set document.
pub(crate) struct KeySet {
    keys: Vec<VerifyKey>,
}

/// What [`KeySet::select`] found for a token.
pub(crate) enum Selected<'a> {
    Key(&'a VerifyKey),
    /// No key carries the token's `kid`.
    NoSuchKid,
    /// The key with that `kid` (or the only key) cannot check this algorithm.
    Incompatible(&'a VerifyKey),
    /// The token has no `kid` and the set does not hold exactly one key.
    NoKid {
        keys: usize,
    },
}

impl KeySet {
    /// Parses a JWK set, keeping the keys we can and may verify with. Keys we cannot use are
    /// skipped (issuers publish encryption keys and newer key types alongside); a set with no
    /// usable key at all is an error, since it would refuse every token.
    pub(crate) fn parse(bytes: &[u8]) -> Result<KeySet, String> {
        #[derive(serde::Deserialize)]
        struct RawSet {
            keys: Vec<serde_json::Value>,
        }
        let raw: RawSet = serde_json::from_slice(bytes)
            .map_err(|e| format!("not a JWK set (expected {{\"keys\": [...]}}): {e}"))?;
        let total = raw.keys.len();
        let mut keys = Vec::with_capacity(total);
        let mut skipped = Vec::new();
        for value in raw.keys {
            match usable_key(value) {
                Ok(key) => keys.push(key),
                Err(why) => skipped.push(why),
            }
        }
        if !skipped.is_empty() {
            tracing::debug!(total, skipped = ?skipped, "skipped JWKS keys that cannot verify tokens");
        }
        if keys.is_empty() {
            return Err(format!(
                "the JWK set has no usable signing key ({total} key(s); skipped: {})",
                if skipped.is_empty() {
                    "none".to_owned()
                } else {
                    skipped.join(", ")
                }
            ));
        }
        Ok(KeySet { keys })
    }

    /// The key to check a token with, from its header's `kid` and `alg`. Without a `kid`,
    /// the set must hold exactly one key: guessing among several would let a token pick.
    pub(crate) fn select(&self, kid: Option<&str>, alg: Algorithm) -> Selected<'_> {
        match kid {
            Some(kid) => {
                let mut named = self
                    .keys
                    .iter()
                    .filter(|k| k.kid.as_deref() == Some(kid))
                    .peekable();
                let Some(first) = named.peek().copied() else {
                    return Selected::NoSuchKid;
                };
                // Several keys may share a kid across key types; take the one that fits.
                match named.find(|k| k.accepts(alg)) {
                    Some(key) => Selected::Key(key),
                    None => Selected::Incompatible(first),
                }
            }
            None => match self.keys.as_slice() {
                [only] if only.accepts(alg) => Selected::Key(only),
                [only] => Selected::Incompatible(only),
                keys => Selected::NoKid { keys: keys.len() },
            },
        }
    }

    pub(crate) fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

fn usable_key(value: serde_json::Value) -> Result<VerifyKey, &'static str> {
    let jwk: Jwk = serde_json::from_value(value).map_err(|_| "unparseable JWK")?;
    match &jwk.common.public_key_use {
        None | Some(PublicKeyUse::Signature) => {}
        Some(_) => return Err("not a signing key (`use`)"),
    }
    if let Some(ops) = &jwk.common.key_operations
        && !ops.contains(&KeyOperations::Verify)
    {
        return Err("not a verification key (`key_ops`)");
    }
    let alg = match jwk.common.key_algorithm {
        None => None,
        Some(ka) => match Algorithm::try_from(ka) {
            Ok(a) if a.family() != AlgorithmFamily::Hmac => Some(a),
            _ => return Err("`alg` is not an asymmetric signature algorithm"),
        },
    };
    let kind = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let n = b64::decode(&rsa.n).ok_or("RSA `n` is not base64url")?;
            let significant = n.iter().skip_while(|b| **b == 0).count();
            if significant < MIN_RSA_MODULUS_BYTES {
                return Err("RSA key shorter than 2048 bits");
            }
            KeyKind::Rsa
        }
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => KeyKind::EcP256,
            EllipticCurve::P384 => KeyKind::EcP384,
            _ => return Err("unsupported EC curve"),
        },
        AlgorithmParameters::OctetKeyPair(okp) => match okp.curve {
            EllipticCurve::Ed25519 => KeyKind::Ed25519,
            _ => return Err("unsupported OKP curve"),
        },
        AlgorithmParameters::OctetKey(_) => return Err("symmetric (`oct`) key"),
        _ => return Err("unsupported key type"),
    };
    if let Some(a) = alg
        && !kind.accepts(a)
    {
        return Err("`alg` does not match the key type");
    }
    let key = DecodingKey::from_jwk(&jwk).map_err(|_| "malformed key material")?;
    Ok(VerifyKey {
        kid: jwk.common.key_id,
        kind,
        alg,
        key,
    })
}
