//! Ed25519 keys for signed checkpoints. The hash chain alone proves a log is internally
//! consistent, but whoever can write the file can rewrite the whole chain; a checkpoint
//! signed with a key the writer's attacker doesn't hold proves every record up to it.
//!
//! A key file holds the 32-byte seed, as 64 hex digits (what `keygen` writes, mode 0600)
//! or as 32 raw bytes. Public keys are given as 64 hex digits or a file holding them.

use std::io::Write;
use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::error::AuditError;

const CHECKPOINT_DOMAIN: &str = "toolgate-audit checkpoint v1";

/// The bytes a checkpoint signs: the chain head (`prev` of the checkpoint record, i.e. the
/// hash of the line before it) bound to the checkpoint's sequence number and time.
pub fn checkpoint_message(seq: u64, time: &str, head: &str) -> Vec<u8> {
    format!("{CHECKPOINT_DOMAIN}\nseq={seq}\ntime={time}\nhead={head}\n").into_bytes()
}

/// The secret signing key. Its `Debug` output never shows the seed.
#[derive(Clone)]
pub struct AuditKey(SigningKey);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey(public {})", self.public_key().to_hex())
    }
}

impl AuditKey {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        AuditKey(SigningKey::from_bytes(&seed))
    }

    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Self, AuditError> {
        Ok(Self::from_seed(random_bytes::<32>()?))
    }

    /// Reads a seed file (64 hex digits, surrounding whitespace allowed, or 32 raw bytes).
    pub fn load(path: &Path) -> Result<Self, AuditError> {
        let bytes = std::fs::read(path).map_err(|e| AuditError::io(path, "reading the key", e))?;
        warn_if_readable_by_others(path);
        let what = format!("audit key {}", path.display());
        Ok(Self::from_seed(parse_32(&bytes, &what)?))
    }

    /// Writes the seed as hex to a new file readable only by its owner (refuses to
    /// overwrite an existing file: losing a key makes old checkpoints unverifiable).
    pub fn write_new(&self, path: &Path) -> Result<(), AuditError> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(path)
            .map_err(|e| AuditError::io(path, "creating the key file", e))?;
        let text = format!("{}\n", hex::encode(self.0.as_bytes()));
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| AuditError::io(path, "writing the key file", e))
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Hex signature over [`checkpoint_message`].
    pub fn sign_checkpoint(&self, seq: u64, time: &str, head: &str) -> String {
        hex::encode(self.0.sign(&checkpoint_message(seq, time, head)).to_bytes())
    }
}

/// A checkpoint-verifying key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    pub fn from_hex(s: &str) -> Result<Self, AuditError> {
        Self::from_bytes(&parse_32(s.as_bytes(), "public key")?, "public key")
    }

    /// `HEX` or the path of a file holding it (or 32 raw bytes).
    pub fn from_hex_or_file(arg: &str) -> Result<Self, AuditError> {
        let t = arg.trim();
        if t.len() == 64 && t.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Self::from_hex(t);
        }
        let path = Path::new(arg);
        let bytes =
            std::fs::read(path).map_err(|e| AuditError::io(path, "reading the public key", e))?;
        let what = format!("public key file {}", path.display());
        Self::from_bytes(&parse_32(&bytes, &what)?, &what)
    }

    fn from_bytes(b: &[u8; 32], what: &str) -> Result<Self, AuditError> {
        VerifyingKey::from_bytes(b)
            .map(PublicKey)
            .map_err(|_| AuditError::BadKey {
                what: what.to_string(),
                problem: "not a valid Ed25519 public key".into(),
            })
    }

    /// Checks a checkpoint's hex signature (strict verification: no malleable forms).
    pub fn verify_checkpoint(&self, seq: u64, time: &str, head: &str, sig_hex: &str) -> bool {
        let Some(bytes) = hex::decode(sig_hex).ok() else {
            return false;
        };
        let Ok(arr) = <[u8; 64]>::try_from(bytes.as_slice()) else {
            return false;
        };
        let sig = Signature::from_bytes(&arr);
        self.0
            .verify_strict(&checkpoint_message(seq, time, head), &sig)
            .is_ok()
    }
}

/// `n` bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AuditError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| {
        AuditError::io(
            "<os random source>",
            "reading randomness",
            std::io::Error::other(e.to_string()),
        )
    })?;
    Ok(buf)
}

fn parse_32(bytes: &[u8], what: &str) -> Result<[u8; 32], AuditError> {
    let bad = |problem: &str| AuditError::BadKey {
        what: what.to_string(),
        problem: problem.to_string(),
    };
    if let Ok(text) = std::str::from_utf8(bytes) {
        let t = text.trim();
        if t.len() == 64 {
            let decoded = hex::decode(t)
                .ok()
                .ok_or_else(|| bad("64 characters but not hex"))?;
            return decoded.try_into().map_err(|_| bad("expected 32 bytes"));
        }
    }
    <[u8; 32]>::try_from(bytes).map_err(|_| {
        bad("expected 64 hex digits or 32 raw bytes (create one with `toolgate audit keygen FILE`)")
    })
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                "the audit key file is readable by other users; `chmod 600` it"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify() {
        let key = AuditKey::from_seed([7; 32]);
        let pk = key.public_key();
        let sig = key.sign_checkpoint(3, "t", "h");
        assert!(pk.verify_checkpoint(3, "t", "h", &sig));
        assert!(!pk.verify_checkpoint(4, "t", "h", &sig));
        assert!(!pk.verify_checkpoint(3, "t", "x", &sig));
        assert!(!pk.verify_checkpoint(3, "t", "h", "zz"));
        let other = AuditKey::from_seed([8; 32]).public_key();
        assert!(!other.verify_checkpoint(3, "t", "h", &sig));
        assert_eq!(PublicKey::from_hex(&pk.to_hex()).unwrap(), pk);
    }

    #[test]
    fn key_files_hex_and_raw() {
        let dir = tempfile::tempdir().unwrap();
        let key = AuditKey::generate().unwrap();
        let path = dir.path().join("k");
        key.write_new(&path).unwrap();
        assert!(key.write_new(&path).is_err(), "must not overwrite");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            AuditKey::load(&path).unwrap().public_key(),
            key.public_key()
        );
        let raw = dir.path().join("raw");
        std::fs::write(&raw, [9u8; 32]).unwrap();
        assert_eq!(
            AuditKey::load(&raw).unwrap().public_key(),
            AuditKey::from_seed([9; 32]).public_key()
        );
        let junk = dir.path().join("junk");
        std::fs::write(&junk, "hello").unwrap();
        assert!(AuditKey::load(&junk).is_err());
        let pk_file = dir.path().join("pub");
        std::fs::write(&pk_file, key.public_key().to_hex()).unwrap();
        assert_eq!(
            PublicKey::from_hex_or_file(pk_file.to_str().unwrap()).unwrap(),
            key.public_key()
        );
    }
}
