//! Keys that differ only in letter case.
//!
//! Go's `encoding/json` matches object keys to struct fields case-insensitively (and with
//! Unicode simple folding, so `"\u212Aey"`, with a Kelvin sign, fills a field `Key`), .NET's
//! `System.Text.Json` does so under ASP.NET defaults, and Jackson can be configured to. For
//! such a server `{"name":"echo","NAME":"delete"}` may call `delete` while toolgate, reading
//! exact keys, evaluated `echo`; a lone `"Arguments"` may carry arguments toolgate never saw.
//! So we refuse objects holding two keys that fold to the same string, and keys that fold to
//! a protocol member's name without being spelled exactly like it.
//!
//! The fold is lowercase → uppercase → lowercase per character. It puts every pair that
//! Unicode simple case folding equates (`k`/`K`/`K`, `s`/`S`/`ſ`, `ß`/`ẞ`, `σ`/`ς`, …) into
//! one class, and a few more (`ß`/`ss`): refusing a little too much is the safe side.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value};

use crate::error::ParseError;
use crate::path;

/// Whether two keys are equal once letter case is ignored.
pub(crate) fn fold_eq(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    folded(a).eq(folded(b))
}

fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(|c| {
        c.to_lowercase()
            .flat_map(char::to_uppercase)
            .flat_map(char::to_lowercase)
    })
}

/// A key hashed and compared by its folded form.
struct Folded<'a>(&'a str);

impl Hash for Folded<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for c in folded(self.0) {
            c.hash(state);
        }
    }
}

impl PartialEq for Folded<'_> {
    fn eq(&self, other: &Self) -> bool {
        fold_eq(self.0, other.0)
    }
}

impl Eq for Folded<'_> {}

/// Objects up to this size are checked pair by pair, without allocating.
const PAIRWISE_MAX: usize = 16;

/// Two distinct keys of `object` that fold to the same string, if any.
pub(crate) fn collision(object: &Map<String, Value>) -> Option<(&str, &str)> {
    if object.len() <= PAIRWISE_MAX {
        for (i, a) in object.keys().enumerate() {
            for b in object.keys().skip(i + 1) {
                if fold_eq(a, b) {
                    return Some((a, b));
                }
            }
        }
        return None;
    }
    let mut seen: HashMap<Folded<'_>, &str> = HashMap::with_capacity(object.len());
    for key in object.keys() {
        if let Some(first) = seen.insert(Folded(key), key) {
            return Some((first, key));
        }
    }
    None
}

/// Refuses case-folded key collisions in `object` itself (not below it).
pub(crate) fn check_object(object: &Map<String, Value>, path: &str) -> Result<(), ParseError> {
    match collision(object) {
        None => Ok(()),
        Some((first, second)) => Err(ParseError::CaseFoldedKey {
            path: path.to_owned(),
            first: path::show_key(first),
            second: path::show_key(second),
        }),
    }
}

/// Refuses case-folded key collisions in every object of `value`, at any depth.
pub(crate) fn check_tree(value: &Value, base: &str) -> Result<(), ParseError> {
    // Fast walk without paths; the path is rebuilt only for the error.
    if tree_is_clean(value) {
        return Ok(());
    }
    let mut path = base.to_owned();
    match find_in_tree(value, &mut path) {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

fn tree_is_clean(value: &Value) -> bool {
    match value {
        Value::Object(object) => collision(object).is_none() && object.values().all(tree_is_clean),
        Value::Array(items) => items.iter().all(tree_is_clean),
        _ => true,
    }
}

fn find_in_tree(value: &Value, path: &mut String) -> Option<ParseError> {
    match value {
        Value::Object(object) => {
            if let Err(err) = check_object(object, path) {
                return Some(err);
            }
            for (key, child) in object {
                let len = path.len();
                path::push_key(path, key);
                let found = find_in_tree(child, path);
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = path.len();
                path::push_index(path, index);
                let found = find_in_tree(child, path);
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => None,
    }
}

/// Refuses keys of `object` that are not one of `members` but fold to one of them: a
/// case-insensitive reader would take `"Params"` for `params`.
pub(crate) fn check_members(
    object: &Map<String, Value>,
    members: &[&'static str],
    path: &str,
) -> Result<(), ParseError> {
    for key in object.keys() {
        if members.contains(&key.as_str()) {
            continue;
        }
        if let Some(expected) = members.iter().find(|member| fold_eq(key, member)) {
            return Err(ParseError::MisspelledMember {
                path: path::join_key(path, key),
                key: path::show_key(key),
                expected,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{check_members, check_tree, collision, fold_eq};
    use crate::error::ParseError;

    #[test]
    fn folds_ascii_and_unicode_case_classes() {
        assert!(fold_eq("name", "NAME"));
        assert!(fold_eq("name", "nAmE"));
        assert!(!fold_eq("name", "names"));
        assert!(fold_eq("key", "\u{212A}ey"), "Kelvin sign folds to k");
        assert!(fold_eq("status", "\u{17F}tatus"), "long s folds to s");
        assert!(
            fold_eq("stra\u{DF}e", "STRA\u{1E9E}E"),
            "sharp s and capital sharp s"
        );
        assert!(fold_eq("\u{3C3}", "\u{3C2}"), "sigma and final sigma");
        assert!(fold_eq("\u{B5}", "\u{3BC}"), "micro sign and mu");
        assert!(fold_eq("\u{212B}", "\u{E5}"), "angstrom sign and a-ring");
        assert!(!fold_eq("a", "b"));
    }

    #[test]
    fn finds_collisions_in_small_and_large_objects() {
        let small = json!({"a": 1, "name": 2, "NAME": 3});
        assert!(collision(small.as_object().unwrap()).is_some());

        let mut large = Map::new();
        for i in 0..100 {
            large.insert(format!("key{i}"), Value::Null);
        }
        assert!(collision(&large).is_none());
        large.insert("KEY57".into(), Value::Null);
        let (a, b) = collision(&large).unwrap();
        assert!(fold_eq(a, b) && a != b);
    }

    #[test]
    fn tree_check_names_the_path() {
        let value = json!({"params": {"arguments": {"list": [{"x": 1, "X": 2}]}}});
        let err = check_tree(&value, "$").unwrap_err();
        assert_eq!(
            err,
            ParseError::CaseFoldedKey {
                path: "$.params.arguments.list[0]".into(),
                first: "X".into(),
                second: "x".into(),
            }
        );
    }

    #[test]
    fn misspelled_member_is_refused() {
        let value = json!({"Method": "x"});
        let err = check_members(value.as_object().unwrap(), &["method"], "$").unwrap_err();
        assert!(matches!(
            err,
            ParseError::MisspelledMember {
                expected: "method",
                ..
            }
        ));
    }
}
