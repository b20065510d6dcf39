//! Evaluating one condition against a call's arguments.
//!
//! Numbers compare by value (`1e2 == 100`, `1 == 1.0`), exactly as decimals (see
//! [`crate::numbers`]), never by text. A missing path makes a condition false (except
//! `exists`). A value of the wrong type for an ordering, `regex`, `contains`, a path or a
//! host operator is not "false" but a [`Mismatch`]: treating it as false would let
//! `deny when args.amount gt 100` be bypassed by sending `"amount": "5000"`. A path or URL
//! that can't be judged safely (relative, `..` above the root, user info, …) is a
//! [`Mismatch`] too.
//!
//! A path with `[*]` names every element of a list; [`Quantifier`] says whether one element
//! or all of them must satisfy the condition.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use crate::model::{Condition, Matcher, Op};
use crate::{fspath, hosts};

/// The argument had a type the operator cannot compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub message: String,
}

/// How a condition over `[*]` combines its elements. The rule's action picks it so that a
/// list can never widen what a policy allows: a `deny` or `approve` rule fires when **any**
/// element matches; an `allow` rule fires, and an `evaluate` check passes, only when **all**
/// elements match. An empty list (or a path missing before its `[*]`) satisfies neither, as a
/// missing argument makes any condition false.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
}

/// Whether `c` holds for `args`, with `[*]` read as "every element" ([`Quantifier::All`]).
pub fn holds(c: &Condition, args: &Value) -> Result<bool, Mismatch> {
    holds_quantified(c, args, Quantifier::All)
}

/// Whether `c` holds for `args`; a path with `[*]` combines its elements by `q`. Every
/// element is judged, so a type mismatch in any element is a [`Mismatch`] whatever the others
/// say.
pub fn holds_quantified(c: &Condition, args: &Value, q: Quantifier) -> Result<bool, Mismatch> {
    if !c.path.has_each() {
        return holds_at(c, c.path.lookup(args));
    }
    let found = c.path.lookup_each(args).map_err(|v| Mismatch {
        message: format!(
            "argument `{}` meets {} where `[*]` needs a list",
            c.path,
            type_name(v)
        ),
    })?;
    if found.is_empty() {
        return Ok(false);
    }
    let (mut any, mut all) = (false, true);
    for v in found {
        let h = holds_at(c, v)?;
        any |= h;
        all &= h;
    }
    Ok(match q {
        Quantifier::Any => any,
        Quantifier::All => all,
    })
}

fn holds_at(c: &Condition, found: Option<&Value>) -> Result<bool, Mismatch> {
    if c.op == Op::Exists {
        let want = !matches!(c.value, Some(Value::Bool(false)));
        return Ok(found.is_some() == want);
    }
    let Some(arg) = found else { return Ok(false) };
    let operand = c.value.as_ref().unwrap_or(&Value::Null);
    match c.op {
        Op::Eq => Ok(json_eq(arg, operand)),
        Op::Neq => Ok(!json_eq(arg, operand)),
        Op::In => Ok(in_list(arg, operand)),
        Op::NotIn => Ok(!in_list(arg, operand)),
        Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
            let (Value::Number(a), Value::Number(b)) = (arg, operand) else {
                return Err(mismatch(c, arg, "a number"));
            };
            let ord = cmp_numbers(a, b);
            Ok(match c.op {
                Op::Lt => ord == Ordering::Less,
                Op::Lte => ord != Ordering::Greater,
                Op::Gt => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            })
        }
        Op::Regex => match (arg, &c.regex) {
            (Value::String(s), Some(re)) => Ok(re.is_match(s)),
            (Value::String(_), None) => Ok(false),
            _ => Err(mismatch(c, arg, "a string")),
        },
        Op::Contains => match (arg, operand) {
            (Value::String(s), Value::String(needle)) => Ok(s.contains(needle.as_str())),
            (Value::Array(items), needle) => Ok(items.iter().any(|i| json_eq(i, needle))),
            _ => Err(mismatch(c, arg, "a string or a list")),
        },
        Op::PathUnder | Op::PathNotUnder => {
            let Value::String(s) = arg else {
                return Err(mismatch(c, arg, "a string (an absolute path)"));
            };
            let Some(Matcher::Paths(prefixes)) = &c.matcher else {
                return Err(uncompiled(c));
            };
            let under = fspath::under_any(s, prefixes).map_err(|why| unjudgeable(c, &why))?;
            Ok(under == (c.op == Op::PathUnder))
        }
        Op::HostIn | Op::HostNotIn => {
            let Value::String(s) = arg else {
                return Err(mismatch(c, arg, "a string (a URL)"));
            };
            let Some(Matcher::Hosts(patterns)) = &c.matcher else {
                return Err(uncompiled(c));
            };
            let found = hosts::host_in(s, patterns).map_err(|why| unjudgeable(c, &why))?;
            Ok(found == (c.op == Op::HostIn))
        }
        Op::Exists => unreachable!("handled above"),
    }
}

fn unjudgeable(c: &Condition, why: &str) -> Mismatch {
    Mismatch {
        message: format!(
            "argument `{}` {why}, so `{}` can't judge it",
            c.path,
            c.op.as_str()
        ),
    }
}

fn uncompiled(c: &Condition) -> Mismatch {
    Mismatch {
        message: format!("condition `{} {}` was not compiled", c.path, c.op.as_str()),
    }
}

fn mismatch(c: &Condition, arg: &Value, expected: &str) -> Mismatch {
    Mismatch {
        message: format!(
            "argument `{}` is {}, but `{}` needs {expected}",
            c.path,
            type_name(arg),
            c.op.as_str()
        ),
    }
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn in_list(arg: &Value, list: &Value) -> bool {
    match list {
        Value::Array(items) => items.iter().any(|i| json_eq(arg, i)),
        _ => false,
    }
}

/// Structural equality in which numbers compare by value.
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => cmp_numbers(x, y) == Ordering::Equal,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Exact numeric comparison of the decimals the numbers stand for.
pub fn cmp_numbers(a: &Number, b: &Number) -> Ordering {
    crate::numbers::cmp_numbers(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::ArgPath;
    use serde_json::json;

    fn cond(path: &str, op: Op, value: Option<Value>) -> Condition {
        let regex = match (&op, &value) {
            (Op::Regex, Some(Value::String(p))) => Some(regex::Regex::new(p).unwrap()),
            _ => None,
        };
        Condition {
            path: ArgPath::parse(path).unwrap(),
            op,
            value,
            regex,
            matcher: None,
            pos: Default::default(),
        }
    }

    fn check(op: Op, value: Value, arg: Value) -> Result<bool, Mismatch> {
        holds(&cond("args.x", op, Some(value)), &json!({ "x": arg }))
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(check(Op::Eq, json!(100), json!(1e2)), Ok(true));
        assert_eq!(check(Op::Eq, json!(1), json!(1.0)), Ok(true));
        assert_eq!(check(Op::Eq, json!("100"), json!(100)), Ok(false));
        assert_eq!(check(Op::Gt, json!(100), json!(100.5)), Ok(true));
        assert_eq!(check(Op::Gt, json!(100), json!(100)), Ok(false));
        assert_eq!(check(Op::Gte, json!(100), json!(100)), Ok(true));
        assert_eq!(check(Op::Lt, json!(0), json!(-0.1)), Ok(true));
        assert_eq!(check(Op::Lte, json!(1.5), json!(1.5)), Ok(true));
        assert_eq!(
            check(Op::Gt, json!(u64::MAX - 1), json!(u64::MAX)),
            Ok(true)
        );
        assert_eq!(check(Op::Lt, json!(-5), json!(i64::MIN)), Ok(true));
        assert_eq!(
            check(
                Op::Gt,
                json!(9_007_199_254_740_992u64),
                json!(9_007_199_254_740_993u64)
            ),
            Ok(true)
        );
        assert_eq!(check(Op::Gt, json!(1e300), json!(u64::MAX)), Ok(false));
    }

    #[test]
    fn equality_is_structural_with_numeric_leaves() {
        assert_eq!(
            check(Op::Eq, json!({"a": [1, 2]}), json!({"a": [1.0, 2e0]})),
            Ok(true)
        );
        assert_eq!(check(Op::Neq, json!("usd"), json!("eur")), Ok(true));
        assert_eq!(check(Op::Eq, json!(null), json!(null)), Ok(true));
        assert_eq!(check(Op::Eq, json!(true), json!(1)), Ok(false));
    }

    #[test]
    fn membership() {
        assert_eq!(check(Op::In, json!(["usd", "eur"]), json!("eur")), Ok(true));
        assert_eq!(check(Op::In, json!([1, 2]), json!(2.0)), Ok(true));
        assert_eq!(check(Op::NotIn, json!(["usd"]), json!("gbp")), Ok(true));
        assert_eq!(check(Op::NotIn, json!(["usd"]), json!("usd")), Ok(false));
    }

    #[test]
    fn ordering_on_non_numbers_is_a_mismatch_not_false() {
        let e = check(Op::Gt, json!(100), json!("5000")).unwrap_err();
        assert_eq!(
            e.message,
            "argument `args.x` is a string, but `gt` needs a number"
        );
        assert!(check(Op::Lte, json!(1), json!(null)).is_err());
        assert!(check(Op::Lt, json!(1), json!([1])).is_err());
    }

    #[test]
    fn regex_and_contains() {
        assert_eq!(check(Op::Regex, json!("^/tmp/"), json!("/tmp/x")), Ok(true));
        assert_eq!(
            check(Op::Regex, json!("^/tmp/"), json!("/etc/x")),
            Ok(false)
        );
        assert_eq!(
            check(Op::Regex, json!("prod"), json!("my-prod-db")),
            Ok(true)
        );
        assert!(check(Op::Regex, json!("x"), json!(5)).is_err());
        assert_eq!(
            check(Op::Contains, json!("rm -rf"), json!("sudo rm -rf /")),
            Ok(true)
        );
        assert_eq!(check(Op::Contains, json!(3), json!([1, 2, 3.0])), Ok(true));
        assert_eq!(check(Op::Contains, json!("z"), json!(["a"])), Ok(false));
        assert!(check(Op::Contains, json!("a"), json!(5)).is_err());
        assert!(check(Op::Contains, json!(1), json!("a1")).is_err());
    }

    #[test]
    fn missing_paths_are_false_except_exists() {
        let args = json!({"y": 1});
        for op in [
            Op::Eq,
            Op::Neq,
            Op::In,
            Op::NotIn,
            Op::Gt,
            Op::Regex,
            Op::Contains,
        ] {
            let v = match op {
                Op::In | Op::NotIn => json!([1]),
                Op::Regex => json!("."),
                _ => json!(1),
            };
            assert_eq!(
                holds(&cond("args.x", op, Some(v)), &args),
                Ok(false),
                "{op:?}"
            );
        }
        assert_eq!(holds(&cond("args.x", Op::Exists, None), &args), Ok(false));
        assert_eq!(holds(&cond("args.y", Op::Exists, None), &args), Ok(true));
        assert_eq!(
            holds(&cond("args.x", Op::Exists, Some(json!(false))), &args),
            Ok(true)
        );
        assert_eq!(
            holds(&cond("args.y", Op::Exists, Some(json!(false))), &args),
            Ok(false)
        );
        // A present null exists.
        assert_eq!(
            holds(&cond("args.n", Op::Exists, None), &json!({"n": null})),
            Ok(true)
        );
    }

    #[test]
    fn escapes_are_decoded_before_matching() {
        let args: Value = serde_json::from_str(r#"{"x": "forbidd\u0065n"}"#).unwrap();
        assert_eq!(
            holds(&cond("args.x", Op::Eq, Some(json!("forbidden"))), &args),
            Ok(true)
        );
    }
}
