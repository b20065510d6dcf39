//! Replacing one member's value in a JSON message without re-serialising the rest.
//!
//! A gateway that must change a message (a request id rewritten on a shared connection)
//! should change only that: re-serialising through a generic JSON value reorders keys and
//! respells numbers, and a server that hashes, signs or echoes what it received would see a
//! different message than the agent sent. The input has passed the strict parser (valid
//! UTF-8 JSON, no duplicate keys), so a small scanner suffices.

use bytes::Bytes;

/// `json` with the value at `path` (object keys from the top) replaced by `replacement`
/// (already valid JSON). `None` when the path does not lead to a member.
pub fn replace_member(json: &[u8], path: &[&str], replacement: &[u8]) -> Option<Bytes> {
    let (start, end) = member_span(json, ws(json, 0), path)?;
    let mut out = Vec::with_capacity(json.len() - (end - start) + replacement.len());
    out.extend_from_slice(&json[..start]);
    out.extend_from_slice(replacement);
    out.extend_from_slice(&json[end..]);
    Some(Bytes::from(out))
}

/// The byte span of the value at `path` inside the object starting at `i`.
fn member_span(b: &[u8], i: usize, path: &[&str]) -> Option<(usize, usize)> {
    let (first, rest) = path.split_first()?;
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return None;
    }
    loop {
        let key_end = string_end(b, i)?;
        let key = &b[i..key_end];
        i = ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let value_start = ws(b, i + 1);
        let value_end = value_end(b, value_start)?;
        if key_is(key, first) {
            return if rest.is_empty() {
                Some((value_start, value_end))
            } else {
                member_span(b, value_start, rest)
            };
        }
        i = ws(b, value_end);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            _ => return None,
        }
    }
}

/// A quoted key equals `name` once its escapes are decoded (`"\u0069d"` is `id`).
fn key_is(quoted: &[u8], name: &str) -> bool {
    let inner = &quoted[1..quoted.len() - 1];
    if !inner.contains(&b'\\') {
        return inner == name.as_bytes();
    }
    serde_json::from_slice::<String>(quoted).is_ok_and(|k| k == name)
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The index just past the string starting at `i` (which must be a `"`).
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The index just past the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while let Some(c) = b.get(j) {
                if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_member;

    fn replaced(json: &str, path: &[&str], with: &str) -> Option<String> {
        replace_member(json.as_bytes(), path, with.as_bytes())
            .map(|b| String::from_utf8(b.to_vec()).unwrap())
    }

    #[test]
    fn only_the_named_member_changes() {
        let msg = r#"{"jsonrpc":"2.0", "method":"tools/call","params":{"z":1,"a":{"id":"inner"},"name":"x"},"id" : 7}"#;
        assert_eq!(
            replaced(msg, &["id"], "42").unwrap(),
            r#"{"jsonrpc":"2.0", "method":"tools/call","params":{"z":1,"a":{"id":"inner"},"name":"x"},"id" : 42}"#
        );
        let with_token = r#"{"id":1,"params":{"_meta":{"progressToken":"p\"1"},"arguments":{"b":[1,{"c":"}"}],"a":2.50}}}"#;
        assert_eq!(
            replaced(with_token, &["params", "_meta", "progressToken"], "\"t-9\"").unwrap(),
            r#"{"id":1,"params":{"_meta":{"progressToken":"t-9"},"arguments":{"b":[1,{"c":"}"}],"a":2.50}}}"#
        );
    }

    #[test]
    fn escaped_keys_are_read_as_the_parser_reads_them() {
        assert_eq!(
            replaced(r#"{"\u0069d":1,"x":2}"#, &["id"], "3").unwrap(),
            r#"{"\u0069d":3,"x":2}"#
        );
    }

    #[test]
    fn a_missing_path_is_none() {
        assert_eq!(replaced(r#"{"a":1}"#, &["id"], "3"), None);
        assert_eq!(replaced(r#"{"params":[1]}"#, &["params", "x"], "3"), None);
        assert_eq!(replaced(r#"[{"id":1}]"#, &["id"], "3"), None);
        assert_eq!(replaced(r#"{}"#, &["id"], "3"), None);
    }
}
