//! Recovering the `id` of a message that failed strict parsing.
//!
//! An error response should carry the id of the request it answers, or the client waits
//! for an answer that never comes. A refused message may be invalid JSON, hold duplicate
//! keys, or be only the first few KiB of an over-long line, so serde cannot read it. This
//! small scanner walks the top-level object, skips member values without building them, and
//! reads the `id` member. Two `id` members are ambiguous and give `None`: answering the
//! wrong id would be worse than answering `null`.

use crate::parse::Id;

/// The `id` of a (possibly invalid or truncated) message, when it can be told for sure.
pub fn best_effort_id(bytes: &[u8]) -> Option<Id> {
    let mut scan = Scanner { bytes, pos: 0 };
    scan.skip_ws();
    if scan.peek()? != b'{' {
        // A batch, or not an object at all: no single id.
        return None;
    }
    scan.pos += 1;
    // `Some(None)`: there was an `id` member, but not a usable one.
    let mut found: Option<Option<Id>> = None;
    loop {
        scan.skip_ws();
        match scan.peek() {
            // End of the object, of a truncated prefix, or malformed input: keep what we have.
            None | Some(b'}') => break,
            Some(b',') => {
                scan.pos += 1;
                continue;
            }
            Some(b'"') => {}
            Some(_) => break,
        }
        let Some(key) = scan.string() else { break };
        scan.skip_ws();
        if scan.peek() != Some(b':') {
            break;
        }
        scan.pos += 1;
        scan.skip_ws();
        if is_id_key(key) {
            if found.is_some() {
                return None;
            }
            found = Some(scan.id_value());
        } else if !scan.skip_value() {
            break;
        }
    }
    found.flatten()
}

/// Whether a raw key (quotes included) spells `id`, escapes decoded.
fn is_id_key(raw: &[u8]) -> bool {
    raw == b"\"id\""
        || (raw.contains(&b'\\')
            && serde_json::from_slice::<String>(raw).is_ok_and(|key| key == "id"))
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// A string starting at the current `"`, quotes included; `None` if the input ends first.
    fn string(&mut self) -> Option<&'a [u8]> {
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match self.bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => {
                    self.pos = i + 1;
                    let bytes: &'a [u8] = self.bytes;
                    return bytes.get(start..=i);
                }
                _ => i += 1,
            }
        }
    }

    /// Reads an id value; `None` for anything but a complete string or number.
    fn id_value(&mut self) -> Option<Id> {
        match self.peek()? {
            b'"' => {
                let raw = self.string()?;
                serde_json::from_slice::<String>(raw).ok().map(Id::String)
            }
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.pos += 1;
                }
                // A number running into the end of a truncated prefix may be cut short.
                self.peek()?;
                serde_json::from_slice(&self.bytes[start..self.pos])
                    .ok()
                    .map(Id::Number)
            }
            _ => {
                self.skip_value();
                None
            }
        }
    }

    /// Skips one member value; `false` if the input ends first.
    fn skip_value(&mut self) -> bool {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return false,
                Some(b'"') => {
                    if self.string().is_none() {
                        return false;
                    }
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.pos += 1;
                }
                Some(b'}' | b']') => {
                    if depth == 0 {
                        return true;
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                Some(b',') if depth == 0 => return true,
                Some(_) => self.pos += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::best_effort_id;
    use crate::parse::Id;

    #[test]
    fn recovers_ids() {
        let id = |s: &str| best_effort_id(s.as_bytes());
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id":5,"method":"x"}"#),
            Some(Id::from(5))
        );
        assert_eq!(id(r#"{"id":"abc"}"#), Some(Id::from("abc")));
        assert_eq!(id(r#"{"p":{"id":1},"id":2}"#), Some(Id::from(2)));
        assert_eq!(id(r#"{"p":"\"id\":1","id":2}"#), Some(Id::from(2)));
        assert_eq!(id(r#"{"\u0069d":9}"#), Some(Id::from(9)));
        // Strictly invalid, but the id is clear.
        assert_eq!(id(r#"{"id":3,"params":{"a":1,"a":2}}"#), Some(Id::from(3)));
        assert_eq!(id(r#"{"id":3,"params":{"a":tru"#), Some(Id::from(3)));
        // Truncated prefix with the id early on.
        assert_eq!(
            id(r#"{"jsonrpc":"2.0","id":"r-1","params":{"x":"aaaa"#),
            Some(Id::from("r-1"))
        );
    }

    #[test]
    fn ambiguous_or_absent_ids_give_none() {
        let id = |s: &str| best_effort_id(s.as_bytes());
        assert_eq!(id(r#"{"id":1,"id":2}"#), None);
        assert_eq!(id(r#"{"id":1,"\u0069d":1}"#), None);
        assert_eq!(id(r#"{"id":null}"#), None);
        assert_eq!(id(r#"{"id":{"a":1}}"#), None);
        assert_eq!(id(r#"[{"id":1}]"#), None);
        assert_eq!(id(r#"{"method":"x"}"#), None);
        assert_eq!(id(r#"{"id":12"#), None, "number cut by truncation");
        assert_eq!(id(r#"{"id":"ab"#), None);
        assert_eq!(id(""), None);
        assert_eq!(id("\u{1}\u{2}"), None);
    }
}
