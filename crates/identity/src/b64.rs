//! Unpadded base64url (RFC 4648 §5), the alphabet of JWT segments and of generated API keys.
//!
//! Small enough to own: the gateway only needs it to read a JWT header before handing the token
//! to `jsonwebtoken` (so a refusal can name the algorithm) and to print new API keys. Decoding is
//! strict — no padding, no whitespace, no standard-alphabet `+`/`/` — so two spellings of the
//! same bytes cannot exist.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Whether `b` belongs to the base64url alphabet.
pub(crate) fn is_b64url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Encodes without padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let symbols = chunk.len() + 1;
        for i in 0..symbols {
            let idx = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[idx as usize]));
        }
    }
    out
}

/// Decodes unpadded base64url; `None` on any byte outside the alphabet, an impossible length,
/// or non-zero trailing bits (a non-canonical spelling).
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= value(*b)? << (18 - 6 * i);
        }
        let produced = chunk.len() - 1;
        // The bits below the last produced byte must be zero, else the text is not canonical.
        let unused_bits = 24 - 8 * produced;
        if n & ((1u32 << unused_bits) - 1) != 0 {
            return None;
        }
        for i in 0..produced {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for len in 0..40 {
            let enc = encode(&data[..len]);
            assert!(!enc.contains('='));
            assert_eq!(decode(&enc).as_deref(), Some(&data[..len]), "len {len}");
        }
    }

    #[test]
    fn known_vectors() {
        assert_eq!(encode(b"f"), "Zg");
        assert_eq!(encode(b"fo"), "Zm8");
        assert_eq!(encode(b"foo"), "Zm9v");
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(
            decode("eyJhbGciOiJub25lIn0").as_deref(),
            Some(&b"{\"alg\":\"none\"}"[..])
        );
    }

    #[test]
    fn rejects_padding_other_alphabets_and_noncanonical_tails() {
        assert_eq!(decode("Zg=="), None);
        assert_eq!(decode("+/8"), None);
        assert_eq!(decode("Z"), None);
        assert_eq!(decode("Zh"), None, "trailing bits set");
        assert_eq!(decode("Zm9 v"), None);
    }
}
