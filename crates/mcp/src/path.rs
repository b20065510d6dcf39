//! JSON paths (`$.params.arguments["a b"][3]`) for error messages.
//!
//! Every rejection names the member it is about, so an operator reading a log, or an agent
//! reading the error, can see exactly which part of the message was refused. Paths are built
//! only when something fails; the happy path never formats one.

/// The path of the whole message.
pub(crate) const ROOT: &str = "$";

/// Paths and keys in messages are cut at these lengths (bytes): an error answer must stay
/// small even when the offending key is megabytes long or 100 levels deep.
const MAX_PATH: usize = 200;
const MAX_KEY: usize = 64;

/// `text` cut to at most `max` bytes (on a character boundary), marked with `…` if cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

/// A key as shown in an error message.
pub(crate) fn show_key(key: &str) -> String {
    shorten(key, MAX_KEY)
}

/// Whether `path` is full; marks it so once.
fn full(path: &mut String) -> bool {
    if path.ends_with('…') {
        return true;
    }
    if path.len() >= MAX_PATH {
        path.push('…');
        return true;
    }
    false
}

/// Appends an object member to `path`: `.name` for identifier-like keys, `["…"]` otherwise.
pub(crate) fn push_key(path: &mut String, key: &str) {
    if full(path) {
        return;
    }
    let key = show_key(key);
    let key = key.as_str();
    let mut chars = key.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        // JSON string syntax keeps odd keys (quotes, dots, control characters) unambiguous.
        path.push('[');
        path.push_str(&serde_json::Value::from(key).to_string());
        path.push(']');
    }
}

/// Appends an array index to `path`.
pub(crate) fn push_index(path: &mut String, index: usize) {
    use std::fmt::Write as _;
    if full(path) {
        return;
    }
    // Writing to a String cannot fail.
    let _ = write!(path, "[{index}]");
}

/// `base` followed by one member key.
pub(crate) fn join_key(base: &str, key: &str) -> String {
    let mut path = base.to_owned();
    push_key(&mut path, key);
    path
}

/// `base` followed by one array index.
pub(crate) fn join_index(base: &str, index: usize) -> String {
    let mut path = base.to_owned();
    push_index(&mut path, index);
    path
}

#[cfg(test)]
mod tests {
    use super::{join_index, join_key, push_index, push_key};

    #[test]
    fn formats_plain_and_quoted_keys() {
        assert_eq!(join_key("$", "params"), "$.params");
        assert_eq!(join_key("$", "_meta"), "$._meta");
        assert_eq!(join_key("$", "a b"), r#"$["a b"]"#);
        assert_eq!(join_key("$", "a\"b"), r#"$["a\"b"]"#);
        assert_eq!(join_key("$", "dev.toolgate/x"), r#"$["dev.toolgate/x"]"#);
        assert_eq!(join_key("$", ""), r#"$[""]"#);
        assert_eq!(join_key("$", "1a"), r#"$["1a"]"#);
        assert_eq!(join_index("$.x", 3), "$.x[3]");
    }

    #[test]
    fn long_paths_and_keys_are_cut() {
        let long_key = "k".repeat(1000);
        let path = join_key("$", &long_key);
        assert!(path.len() < 80 && path.contains("…"), "{path}");
        let mut path = "$".to_owned();
        for i in 0..500 {
            push_index(&mut path, i);
            push_key(&mut path, "abc");
        }
        assert!(path.len() < 220 && path.ends_with("…"), "{path}");
        assert_eq!(path.matches('…').count(), 1);
    }
}
