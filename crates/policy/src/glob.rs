//! `*` globs for tool names (`import*`, `*_admin`).
//!
//! Only `*` is special (any run of characters, including none); everything else matches
//! itself, so a tool name containing `?` or `[` is never misread as a pattern.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    parts: Vec<String>,
    literal: bool,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        Glob {
            parts: pattern.split('*').map(str::to_owned).collect(),
            literal: !pattern.contains('*'),
        }
    }

    pub fn is_literal(&self) -> bool {
        self.literal
    }

    pub fn matches(&self, name: &str) -> bool {
        if self.literal {
            return self.parts[0] == name;
        }
        let (first, rest) = self.parts.split_first().expect("split yields one part");
        let (last, middle) = rest.split_last().expect("a `*` yields two parts");
        let Some(mut remaining) = name.strip_prefix(first.as_str()) else {
            return false;
        };
        for part in middle {
            match remaining.find(part.as_str()) {
                Some(i) => remaining = &remaining[i + part.len()..],
                None => return false,
            }
        }
        remaining.len() >= last.len() && remaining.ends_with(last.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn star_matches_any_run() {
        assert!(Glob::new("import*").matches("importRefreshTokensWithId"));
        assert!(Glob::new("import*").matches("import"));
        assert!(!Glob::new("import*").matches("reimport"));
        assert!(Glob::new("*").matches(""));
        assert!(Glob::new("*_admin").matches("delete_admin"));
        assert!(Glob::new("a*b*c").matches("aXbYc"));
        assert!(!Glob::new("a*b*c").matches("aXcYb"));
        assert!(!Glob::new("ab*ba").matches("aba"));
        assert!(Glob::new("exact").matches("exact"));
        assert!(!Glob::new("exact").matches("exactly"));
        assert!(Glob::new("a?b").matches("a?b"));
    }
}
