//! API keys: operator-issued bearer secrets, known to the gateway only by their SHA-256 digest.
//!
//! The configuration holds digests, not keys, so a leaked policy file or config dump does not
//! leak a usable credential. Lookup hashes the presented token and looks the digest up in a
//! map: no secret bytes are ever compared, so there is no early-exit comparison for a timing
//! attack to measure (and the map's hashing of a digest tells an attacker nothing about any
//! key). Keys are high-entropy random strings, so an unsalted fast hash is the right tool here —
//! salting and stretching defend guessable passwords, which these are not.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::b64;
use super::{AuthMethod, Caller};

/// Every generated key starts with this, so secret scanners and humans can recognise one.
pub const API_KEY_PREFIX: &str = "tg_";

/// Random bytes in a generated key: 256 bits, beyond any guessing.
const API_KEY_RANDOM_BYTES: usize = 32;

#[derive(Clone)]
struct KeyEntry {
    identity: Arc<str>,
    groups: Vec<Arc<str>>,
}

/// The configured API keys, by SHA-256 digest of the key.
#[derive(Clone, Default)]
pub struct ApiKeyTable {
    by_digest: HashMap<[u8; 32], KeyEntry>,
}

impl ApiKeyTable {
    /// Builds the table from `(identity, groups, sha256 digest)` triples.
    ///
    /// A digest listed twice for *different* identities is ambiguous — the same secret would
    /// log in as two people — so it is dropped altogether (fail closed) with a warning naming
    /// the identities; config validation should report it before it gets here. The same
    /// identity listed twice with one digest keeps the first entry.
    pub fn new(entries: impl IntoIterator<Item = (Arc<str>, Vec<Arc<str>>, [u8; 32])>) -> Self {
        let mut by_digest: HashMap<[u8; 32], KeyEntry> = HashMap::new();
        let mut ambiguous: Vec<[u8; 32]> = Vec::new();
        for (identity, groups, digest) in entries {
            match by_digest.entry(digest) {
                Entry::Vacant(slot) => {
                    slot.insert(KeyEntry { identity, groups });
                }
                Entry::Occupied(existing) => {
                    if existing.get().identity != identity {
                        tracing::warn!(
                            key_digest = %digest_prefix(&digest),
                            first = %existing.get().identity,
                            second = %identity,
                            "one API key is configured for two identities; refusing it for both"
                        );
                        ambiguous.push(digest);
                    }
                }
            }
        }
        for digest in ambiguous {
            by_digest.remove(&digest);
        }
        ApiKeyTable { by_digest }
    }

    /// The caller a presented token belongs to, if it is a configured key.
    pub fn lookup(&self, token: &str) -> Option<Caller> {
        let entry = self.by_digest.get(&hash_api_key(token))?;
        Some(Caller {
            identity: entry.identity.clone(),
            groups: entry.groups.clone(),
            method: AuthMethod::ApiKey,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.by_digest.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_digest.len()
    }
}

impl fmt::Debug for ApiKeyTable {
    // Digests are not secrets, but there is no reason to spray them into debug output either.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyTable")
            .field("keys", &self.by_digest.len())
            .finish()
    }
}

/// SHA-256 of the token's bytes: what the configuration stores for an API key.
pub fn hash_api_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A digest as 64 lowercase hex digits, the form the configuration stores.
pub fn digest_hex(digest: &[u8; 32]) -> String {
    hex::encode(digest)
}

/// Reads a digest written as 64 hex digits, optionally prefixed `sha256:`.
pub fn parse_digest(text: &str) -> Option<[u8; 32]> {
    let hex = text.strip_prefix("sha256:").unwrap_or(text);
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex, &mut out).ok()?;
    Some(out)
}

/// The first 8 hex digits of a digest: enough to tell keys apart in a log line, useless to
/// an attacker.
pub fn digest_prefix(digest: &[u8; 32]) -> String {
    digest_hex(digest)[..8].to_owned()
}

/// A new API key: `tg_` followed by 32 bytes from the OS random source, base64url (43 chars).
///
/// Returns an error only if the OS random source cannot be read, which means the machine is
/// broken; there is deliberately no weaker fallback.
pub fn generate_api_key() -> io::Result<String> {
    let mut bytes = [0u8; API_KEY_RANDOM_BYTES];
    // The same OS source as session ids and audit keys (getrandom(2) on Linux).
    getrandom::fill(&mut bytes).map_err(io::Error::other)?;
    Ok(format!("{API_KEY_PREFIX}{}", b64::encode(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ApiKeyTable {
        ApiKeyTable::new([
            (
                Arc::from("alice"),
                vec![Arc::from("support"), Arc::from("admins")],
                hash_api_key("tg_alice_secret"),
            ),
            (Arc::from("bob"), vec![], hash_api_key("tg_bob_secret")),
        ])
    }

    #[test]
    fn lookup_finds_identity_and_groups() {
        let caller = table().lookup("tg_alice_secret").expect("known key");
        assert_eq!(&*caller.identity, "alice");
        assert_eq!(
            caller.groups,
            vec![Arc::from("support"), Arc::from("admins")]
        );
        assert_eq!(caller.method, AuthMethod::ApiKey);
        assert!(table().lookup("tg_alice_secreT").is_none());
        assert!(table().lookup("").is_none());
    }

    #[test]
    fn a_digest_shared_by_two_identities_is_refused_for_both() {
        let d = hash_api_key("shared");
        let t = ApiKeyTable::new([
            (Arc::from("a"), vec![], d),
            (Arc::from("b"), vec![], d),
            (Arc::from("c"), vec![], hash_api_key("c")),
        ]);
        assert!(t.lookup("shared").is_none());
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn sha256_matches_the_standard_vector() {
        assert_eq!(
            digest_hex(&hash_api_key("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parse_digest_round_trips_and_refuses_junk() {
        let d = hash_api_key("x");
        assert_eq!(parse_digest(&digest_hex(&d)), Some(d));
        assert_eq!(parse_digest(&format!("sha256:{}", digest_hex(&d))), Some(d));
        assert_eq!(parse_digest(&digest_hex(&d).to_uppercase()), Some(d));
        assert_eq!(parse_digest("abc"), None);
        assert_eq!(parse_digest(&"g".repeat(64)), None);
        assert_eq!(parse_digest(&"é".repeat(32)), None);
    }

    #[test]
    fn generated_keys_are_prefixed_random_and_usable() {
        let a = generate_api_key().expect("OS RNG");
        let b = generate_api_key().expect("OS RNG");
        assert_ne!(a, b);
        assert!(a.starts_with(API_KEY_PREFIX));
        assert_eq!(a.len(), API_KEY_PREFIX.len() + 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        );
        let t = ApiKeyTable::new([(Arc::from("gen"), vec![], hash_api_key(&a))]);
        assert_eq!(&*t.lookup(&a).expect("generated key").identity, "gen");
    }

    #[test]
    fn debug_output_holds_no_digest() {
        let shown = format!("{:?}", table());
        assert!(!shown.contains(&digest_hex(&hash_api_key("tg_alice_secret"))[..8]));
        assert!(shown.contains("keys: 2"));
    }
}
