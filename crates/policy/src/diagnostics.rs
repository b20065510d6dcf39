//! Located, collected problems found while loading a policy.
//!
//! Loading never stops at the first mistake: every error and warning is gathered with its
//! line and column so an operator fixes the whole file in one pass (`FILE:LINE:COL: …`).

use std::fmt;

/// A 1-based position in the policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem: where, what, and (when we know) what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// Renders the one-line form `FILE:LINE:COL: error: message; hint`.
    pub fn render(&self, file: &str) -> String {
        match &self.hint {
            Some(hint) => format!(
                "{file}:{}: {}: {}; {hint}",
                self.pos, self.severity, self.message
            ),
            None => format!("{file}:{}: {}: {}", self.pos, self.severity, self.message),
        }
    }
}

/// The collector every loading stage writes into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.push(Severity::Error, pos, message.into(), None);
    }

    pub fn error_hint(&mut self, pos: Pos, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Error, pos, message.into(), Some(hint.into()));
    }

    pub fn warning(&mut self, pos: Pos, message: impl Into<String>) {
        self.push(Severity::Warning, pos, message.into(), None);
    }

    pub fn warning_hint(&mut self, pos: Pos, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Warning, pos, message.into(), Some(hint.into()));
    }

    fn push(&mut self, severity: Severity, pos: Pos, message: String, hint: Option<String>) {
        self.items.push(Diagnostic {
            severity,
            pos,
            message,
            hint,
        });
    }

    /// How many errors so far (a parser compares before and after a part).
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics in file order (stable for equal positions).
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_key(|d| d.pos);
        self.items
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Suggests the closest known word for a misspelt one ("did you mean `rate_limit`?").
pub fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let lowered = word.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (levenshtein(&lowered, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(1) + usize::from(k.len() > 6))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let known = ["rate_limit", "reason", "action", "when"];
        assert_eq!(suggest("rate_limt", &known), Some("rate_limit"));
        assert_eq!(suggest("ratelimit", &known), Some("rate_limit"));
        assert_eq!(suggest("Action", &known), Some("action"));
        assert_eq!(suggest("zzzzzz", &known), None);
    }

    #[test]
    fn renders_one_line() {
        let d = Diagnostic {
            severity: Severity::Error,
            pos: Pos { line: 3, col: 7 },
            message: "unknown key `x`".into(),
            hint: Some("did you mean `y`?".into()),
        };
        assert_eq!(
            d.render("p.yaml"),
            "p.yaml:3:7: error: unknown key `x`; did you mean `y`?"
        );
    }
}
