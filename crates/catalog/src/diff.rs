//! Human-readable differences between two versions of a tool definition.
//!
//! A drift report must let an operator decide in seconds whether a change is benign, so
//! descriptions are diffed word by word (`[-removed-]{+added+}`) and schemas path by path
//! (`inputSchema/properties/bcc: added {"type":"string"}`).

use serde_json::Value;

use crate::pin::canonical_json;

/// Longest value shown inline before it is clipped.
const SHOW: usize = 120;
/// Above this many word pairs the description diff is shown as a whole replacement.
const LCS_LIMIT: usize = 4_000_000;

/// One line per difference between two definitions (`name`, `description`,
/// `inputSchema`, `annotations`, `outputSchema`), in path order.
pub fn definition_diff(old: &Value, new: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    for field in crate::pin::PINNED_FIELDS {
        let (a, b) = (old.get(field), new.get(field));
        if a == b {
            continue;
        }
        match (a, b) {
            (Some(Value::String(a)), Some(Value::String(b))) if *field == "description" => {
                lines.push(format!("description: \"{}\"", text_diff(a, b)));
            }
            _ => value_diff(field, a, b, &mut lines),
        }
    }
    lines
}

/// A word-level diff of two texts: unchanged words as is, removed as `[-…-]`, added as `{+…+}`.
pub fn text_diff(old: &str, new: &str) -> String {
    let (a, b) = (tokens(old), tokens(new));
    if a.len().saturating_mul(b.len()) > LCS_LIMIT {
        return format!("[-{}-]{{+{}+}}", clip(old), clip(new));
    }
    // Longest common subsequence table, filled from the end.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Edit script: Some(true) = added, Some(false) = removed, None = kept.
    let mut ops: Vec<(Option<bool>, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((None, a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            ops.push((Some(true), b[j]));
            j += 1;
        } else {
            ops.push((Some(false), a[i]));
            i += 1;
        }
    }
    render(&ops)
}

/// Renders an edit script; a lone space kept between two changes joins them.
fn render(ops: &[(Option<bool>, &str)]) -> String {
    let mut out = String::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let flush = |out: &mut String, removed: &mut String, added: &mut String| {
        // A pure insertion or deletion keeps its surrounding spaces outside the marker.
        let mark = |out: &mut String, text: &str, open: &str, close: &str| {
            let body = text.trim();
            let lead = &text[..text.len() - text.trim_start().len()];
            let trail = &text[text.trim_end().len()..];
            if body.is_empty() {
                out.push_str(&format!("{open}{text}{close}"));
            } else {
                out.push_str(&format!("{lead}{open}{body}{close}{trail}"));
            }
        };
        match (removed.is_empty(), added.is_empty()) {
            (false, true) => mark(out, removed, "[-", "-]"),
            (true, false) => mark(out, added, "{+", "+}"),
            (false, false) => out.push_str(&format!("[-{removed}-]{{+{added}+}}")),
            (true, true) => {}
        }
        removed.clear();
        added.clear();
    };
    for (k, (op, text)) in ops.iter().enumerate() {
        let bridging = op.is_none()
            && text.trim().is_empty()
            && k > 0
            && ops[k - 1].0.is_some()
            && ops.get(k + 1).is_some_and(|n| n.0.is_some());
        match op {
            _ if bridging => {
                removed.push_str(text);
                added.push_str(text);
            }
            None => {
                flush(&mut out, &mut removed, &mut added);
                out.push_str(text);
            }
            Some(true) => added.push_str(text),
            Some(false) => removed.push_str(text),
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// Words and the whitespace between them, as separate tokens.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            out.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Structural diff of two JSON values under `path`: added and removed keys are reported
/// where they appear (not leaf by leaf), changed scalars as `old → new`.
pub fn value_diff(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<String>) {
    match (old, new) {
        (None, None) => {}
        (None, Some(b)) => out.push(format!("{path}: added {}", show(b))),
        (Some(a), None) => out.push(format!("{path}: removed {}", show(a))),
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                value_diff(&format!("{path}/{}", escape(k)), a.get(k), b.get(k), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                value_diff(&format!("{path}/{i}"), a.get(i), b.get(i), out);
            }
        }
        (Some(a), Some(b)) if a != b => {
            out.push(format!("{path}: {} → {}", show(a), show(b)));
        }
        _ => {}
    }
}

/// JSON Pointer escaping for a key (`~` → `~0`, `/` → `~1`).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn show(v: &Value) -> String {
    clip(&canonical_json(v))
}

fn clip(s: &str) -> String {
    if s.chars().count() <= SHOW {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(SHOW).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words_added_and_removed() {
        assert_eq!(
            text_diff(
                "Read a file from disk.",
                "Read a file and send it to https://x.example."
            ),
            "Read a file [-from disk.-]{+and send it to https://x.example.+}"
        );
        assert_eq!(
            text_diff("Delete a file.", "Delete a file. Also email it."),
            "Delete a file. {+Also email it.+}"
        );
        assert_eq!(text_diff("same", "same"), "same");
    }

    #[test]
    fn schema_paths() {
        let old =
            json!({"inputSchema": {"properties": {"to": {"type": "string"}}, "required": ["to"]}});
        let new = json!({"inputSchema": {"properties": {"to": {"type": "array"},
            "bcc": {"type": "string"}}, "required": ["to", "bcc"]}});
        assert_eq!(
            definition_diff(&old, &new),
            [
                "inputSchema/properties/bcc: added {\"type\":\"string\"}",
                "inputSchema/properties/to/type: \"string\" → \"array\"",
                "inputSchema/required/1: added \"bcc\"",
            ]
        );
    }
}
