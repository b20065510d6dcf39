//! The hash chain. Each line is a JSON object ending in `"prev":"…","hash":"…"}`:
//!
//! - `hash` = SHA-256 of the line's bytes with the `,"hash":"…"` member removed, so editing
//!   any byte of any record — the last one included — is detected;
//! - `prev` = SHA-256 of the previous line's exact bytes (without the newline), so deleting,
//!   inserting or reordering records breaks the link. The first record of a chain has
//!   [`GENESIS`]; the first record of a rotated file carries the old file's last hash.
//!
//! Everything works on bytes, never on re-serialised JSON, so a verifier in any language can
//! check a log with a JSON parser and `sha256sum`.

use sha2::{Digest, Sha256};

use crate::record::Record;

/// `prev` of the first record of a new chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const HASH_PREFIX: &[u8] = b",\"hash\":\"";
/// `,"hash":"` + 64 hex digits + `"}`.
const HASH_SUFFIX_LEN: usize = HASH_PREFIX.len() + 64 + 2;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The value the next record's `prev` must have: SHA-256 of this line's exact bytes.
pub fn line_hash(line: &[u8]) -> String {
    sha256_hex(line)
}

/// Serialises `record` (whose `hash` must be unset) and appends its `hash` member.
/// Returns the line without its newline.
pub fn seal(record: &Record) -> Vec<u8> {
    debug_assert!(record.hash.is_none());
    // A Record holds only strings, numbers and JSON values: serialisation can't fail.
    let mut line = serde_json::to_vec(record).unwrap_or_else(|_| b"{}".to_vec());
    let hash = sha256_hex(&line);
    line.pop(); // the closing brace
    line.reserve(HASH_SUFFIX_LEN);
    line.extend_from_slice(HASH_PREFIX);
    line.extend_from_slice(hash.as_bytes());
    line.extend_from_slice(b"\"}");
    line
}

/// Why a line's own hash does not check out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelfHashError {
    /// The line does not end with a well-formed `"hash"` member.
    Missing,
    /// The bytes were changed after sealing.
    Mismatch { stored: String, computed: String },
}

/// Checks the `hash` member against the rest of the line.
pub fn check_self_hash(line: &[u8]) -> Result<(), SelfHashError> {
    if line.len() < HASH_SUFFIX_LEN + 2 || !line.ends_with(b"\"}") {
        return Err(SelfHashError::Missing);
    }
    let cut = line.len() - HASH_SUFFIX_LEN;
    let (body, suffix) = line.split_at(cut);
    let stored = &suffix[HASH_PREFIX.len()..HASH_PREFIX.len() + 64];
    if !suffix.starts_with(HASH_PREFIX)
        || !stored
            .iter()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(SelfHashError::Missing);
    }
    let mut hasher = Sha256::new();
    hasher.update(body);
    hasher.update(b"}");
    let computed = hex::encode(hasher.finalize());
    if computed.as_bytes() == stored {
        Ok(())
    } else {
        Err(SelfHashError::Mismatch {
            stored: String::from_utf8_lossy(stored).into_owned(),
            computed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordType;

    #[test]
    fn sealed_line_checks_and_any_edit_fails() {
        let r = Record::new(
            7,
            "2026-01-31T12:00:00.000000Z".into(),
            RecordType::Decision,
            GENESIS.into(),
        );
        let line = seal(&r);
        assert!(line.ends_with(b"\"}"));
        assert_eq!(check_self_hash(&line), Ok(()));
        let parsed: Record = serde_json::from_slice(&line).unwrap();
        assert_eq!(parsed.seq, 7);
        for i in 0..line.len() {
            let mut bad = line.clone();
            bad[i] ^= 0x01;
            assert!(
                check_self_hash(&bad).is_err(),
                "edit at byte {i} went unnoticed"
            );
        }
    }
}
