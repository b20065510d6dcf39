//! Making a validated JSON message safe to send as one line, for stdio and for SSE.
//!
//! Raw CR/LF can only be whitespace in valid JSON, but Python's universal newlines and
//! Node's readline end a line at a bare CR: one line for us could be three for the server
//! (request smuggling), and an SSE `data:` line ends at any of them. NEL, LINE SEPARATOR and
//! PARAGRAPH SEPARATOR can only sit inside strings, where `str.splitlines`-style readers
//! would also break; their `\u` escapes mean the same.

use bytes::Bytes;

/// `msg` with every line break neutralised; copies only when one is present.
pub fn line_safe(msg: Bytes) -> Bytes {
    let at = |i: usize| msg.get(i).copied();
    // memchr: every outgoing message is scanned, and large ones are mostly plain text.
    let needs = memchr::memchr2(b'\r', b'\n', &msg).is_some()
        || memchr::memchr2_iter(0xC2, 0xE2, &msg).any(|i| match msg[i] {
            0xC2 => at(i + 1) == Some(0x85),
            _ => at(i + 1) == Some(0x80) && matches!(at(i + 2), Some(0xA8 | 0xA9)),
        });
    if !needs {
        return msg;
    }
    let mut out = Vec::with_capacity(msg.len() + 16);
    let mut i = 0;
    while i < msg.len() {
        match (msg[i], at(i + 1), at(i + 2)) {
            (b'\r' | b'\n', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (0xC2, Some(0x85), _) => {
                out.extend_from_slice(br"\u0085");
                i += 2;
            }
            (0xE2, Some(0x80), Some(0xA8)) => {
                out.extend_from_slice(br"\u2028");
                i += 3;
            }
            (0xE2, Some(0x80), Some(0xA9)) => {
                out.extend_from_slice(br"\u2029");
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::line_safe;
    use bytes::Bytes;

    #[test]
    fn line_safe_neutralises_line_breaks_without_changing_meaning() {
        let raw = Bytes::from("{\"a\":\r1,\n\"b\":\"x\u{2028}y\u{85}z\u{2029}\"}");
        let safe = line_safe(raw.clone());
        assert!(!safe.contains(&b'\r') && !safe.contains(&b'\n'));
        assert!(!String::from_utf8_lossy(&safe).contains('\u{2028}'));
        let before: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        let after: serde_json::Value = serde_json::from_slice(&safe).unwrap();
        assert_eq!(before, after);
        let plain = Bytes::from_static(b"{\"a\":1}");
        assert_eq!(
            line_safe(plain.clone()).as_ptr(),
            plain.as_ptr(),
            "no copy when clean"
        );
    }
}
