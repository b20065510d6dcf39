//! Names that a lenient server would take for another: `DELETE_USER` for `delete_user`,
//! `{"AMOUNT": 5000}` for `amount` (Go's `encoding/json` and .NET match keys without regard
//! to case), fullwidth `ａｍｏｕｎｔ` after compatibility normalisation.
//!
//! The policy matches names exactly, so such a spelling slips past a rule written for the
//! real name and may still reach the real handler. The gateway refuses a tool name or an
//! argument key that equals a name the policy (or the pinned schema) mentions once folded,
//! but not as written.

use std::collections::{HashMap, HashSet};

use icu_normalizer::ComposingNormalizerBorrowed;

/// NFKC, then full Unicode lowercase: the spellings a lenient server may treat as one.
pub fn fold(name: &str) -> String {
    ComposingNormalizerBorrowed::new_nfkc()
        .normalize(name)
        .to_lowercase()
}

/// Known names by their folded form.
#[derive(Debug, Default, Clone)]
pub struct Lookalikes {
    by_folded: HashMap<String, String>,
    exact: HashSet<String>,
}

impl Lookalikes {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Lookalikes {
        let mut set = Lookalikes::default();
        for n in names {
            set.add(n);
        }
        set
    }

    pub fn add(&mut self, name: &str) {
        self.by_folded
            .entry(fold(name))
            .or_insert_with(|| name.to_owned());
        self.exact.insert(name.to_owned());
    }

    /// The known name `name` imitates: the same once folded, different as written. `None`
    /// for a known name itself (two known names may fold alike; both are then legitimate).
    pub fn imitated(&self, name: &str) -> Option<&str> {
        if self.by_folded.is_empty() {
            return None;
        }
        if self.exact.contains(name) {
            return None;
        }
        self.by_folded.get(&fold(name)).map(String::as_str)
    }

    /// `name` is known exactly as written.
    pub fn contains(&self, name: &str) -> bool {
        self.exact.contains(name)
    }

    pub fn is_empty(&self) -> bool {
        self.by_folded.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_compatibility_forms_imitate_known_names() {
        let known = Lookalikes::new(["delete_user", "amount"]);
        assert_eq!(known.imitated("DELETE_USER"), Some("delete_user"));
        assert_eq!(known.imitated("Delete_User"), Some("delete_user"));
        assert_eq!(known.imitated("ａｍｏｕｎｔ"), Some("amount"));
        assert_eq!(known.imitated("AMOUNT"), Some("amount"));
        assert_eq!(known.imitated("amount"), None, "the real name is fine");
        assert_eq!(
            known.imitated("amount2"),
            None,
            "a different name is not a lookalike"
        );
        assert_eq!(
            known.imitated("ＤＥＬＥＴＥ＿ＵＳＥＲ"),
            Some("delete_user")
        );
    }

    #[test]
    fn two_known_names_that_fold_alike_are_both_legitimate() {
        let known = Lookalikes::new(["Amount", "amount"]);
        assert_eq!(known.imitated("amount"), None);
        assert_eq!(known.imitated("Amount"), None);
        assert!(known.imitated("AMOUNT").is_some());
    }
}
