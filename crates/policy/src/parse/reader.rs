//! Typed, located access to a mapping node, reporting unknown keys with suggestions.

use crate::diagnostics::{Diagnostics, Pos, suggest};
use crate::source::{Key, Node, NodeKind};

/// Reads the keys of one mapping; whatever is left unread at [`MapReader::finish`] is an
/// unknown key.
pub struct MapReader<'n> {
    entries: Vec<(&'n Key, &'n Node, bool)>,
    what: &'static str,
    known: &'static [&'static str],
}

impl<'n> MapReader<'n> {
    /// `None` (with an error) when `node` is not a mapping.
    pub fn new(
        node: &'n Node,
        what: &'static str,
        known: &'static [&'static str],
        diags: &mut Diagnostics,
    ) -> Option<Self> {
        match &node.kind {
            NodeKind::Map(entries) => Some(MapReader {
                entries: entries.iter().map(|(k, v)| (k, v, false)).collect(),
                what,
                known,
            }),
            _ => {
                diags.error(
                    node.pos,
                    format!("{what} must be a mapping, found {}", node.type_name()),
                );
                None
            }
        }
    }

    pub fn get(&mut self, key: &str) -> Option<&'n Node> {
        let entry = self.entries.iter_mut().find(|(k, _, _)| k.text == key)?;
        entry.2 = true;
        Some(entry.1)
    }

    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _, _)| k.text == key)
    }

    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        self.entries
            .iter()
            .find(|(k, _, _)| k.text == key)
            .map(|(k, _, _)| k.pos)
    }

    /// Reports every key that was never read.
    pub fn finish(self, diags: &mut Diagnostics) {
        for (key, _, used) in self.entries {
            if used {
                continue;
            }
            let message = format!("unknown key `{}` in {}", key.text, self.what);
            match suggest(&key.text, self.known) {
                Some(s) => diags.error_hint(key.pos, message, format!("did you mean `{s}`?")),
                None => diags.error_hint(
                    key.pos,
                    message,
                    format!("allowed keys: {}", self.known.join(", ")),
                ),
            }
        }
    }
}

/// Reads a string, reporting a located error otherwise.
pub fn string(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        _ => {
            diags.error(
                node.pos,
                format!("{what} must be a string, found {}", node.type_name()),
            );
            None
        }
    }
}

/// Reads one of a fixed set of words, suggesting the closest on a typo.
pub fn word<'w>(
    node: &Node,
    what: &str,
    allowed: &[&'w str],
    diags: &mut Diagnostics,
) -> Option<&'w str> {
    let s = string(node, what, diags)?;
    if let Some(w) = allowed.iter().find(|w| **w == s) {
        return Some(w);
    }
    let hint = match suggest(&s, allowed) {
        Some(close) => format!("did you mean `{close}`? allowed: {}", allowed.join(", ")),
        None => format!("allowed: {}", allowed.join(", ")),
    };
    diags.error_hint(node.pos, format!("`{s}` is not a valid {what}"), hint);
    None
}

/// Reads a finite number.
pub fn number(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<f64> {
    match &node.kind {
        NodeKind::Number(n) => n.as_f64().filter(|f| f.is_finite()).or_else(|| {
            diags.error(node.pos, format!("{what} must be a finite number"));
            None
        }),
        NodeKind::Str(s)
            if s.to_ascii_lowercase().trim_start_matches(['-', '+']) == ".inf"
                || s.eq_ignore_ascii_case(".nan") =>
        {
            diags.error(
                node.pos,
                format!("{what} must be a finite number, found `{s}`"),
            );
            None
        }
        NodeKind::Str(s) => {
            diags.error_hint(
                node.pos,
                format!("{what} must be a number, found the string `{s}`"),
                "remove the quotes if you meant a number",
            );
            None
        }
        _ => {
            diags.error(
                node.pos,
                format!("{what} must be a number, found {}", node.type_name()),
            );
            None
        }
    }
}

/// Reads a list, treating `null` as empty.
pub fn list<'n>(node: &'n Node, what: &str, diags: &mut Diagnostics) -> Option<&'n [Node]> {
    match &node.kind {
        NodeKind::Seq(items) => Some(items),
        NodeKind::Null => Some(&[]),
        _ => {
            diags.error(
                node.pos,
                format!("{what} must be a list, found {}", node.type_name()),
            );
            None
        }
    }
}
