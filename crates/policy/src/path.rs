//! Argument paths such as `args.requestBody.tokens[0]`.
//!
//! Keys are matched exactly (no case folding, no trimming): a policy that says `args.amount`
//! must never be satisfied by an argument called `Amount`. Keys that contain `.`, `[`, `]` or
//! quotes are written in brackets with JSON quoting: `args["weird.key"]`.

use std::fmt;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
    /// `[*]`: every element of a list (conditions only; see [`ArgPath::lookup_each`]).
    Each,
}

/// A path into a call's `arguments` object. The leading `args` is implied.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArgPath {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("path must start with `args` (the tool call's arguments), e.g. `args.amount`")]
    NotUnderArgs,
    #[error("path `{0}` names no argument; add a key, e.g. `args.amount`")]
    Empty(String),
    #[error("path `{path}` is malformed at character {at}: {why}")]
    Malformed {
        path: String,
        at: usize,
        why: &'static str,
    },
}

impl ArgPath {
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Parses `args.a.b[0]`, `args["x.y"]`.
    pub fn parse(text: &str) -> Result<ArgPath, PathError> {
        let rest = text.strip_prefix("args").ok_or(PathError::NotUnderArgs)?;
        if !(rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')) {
            return Err(PathError::NotUnderArgs);
        }
        let bytes = rest.as_bytes();
        let offset = 4; // len("args"), for error positions
        let malformed = |at: usize, why| PathError::Malformed {
            path: text.to_owned(),
            at: at + offset + 1,
            why,
        };
        let mut segments = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'.' => {
                    let start = i + 1;
                    let end = rest[start..]
                        .find(['.', '['])
                        .map_or(rest.len(), |e| start + e);
                    let key = &rest[start..end];
                    if key.is_empty() {
                        return Err(malformed(i, "empty key after `.`"));
                    }
                    if key.contains([']', '"']) {
                        return Err(malformed(start, "use `[\"…\"]` for keys with `]` or `\"`"));
                    }
                    segments.push(Segment::Key(key.to_owned()));
                    i = end;
                }
                b'[' => {
                    if rest[i..].starts_with("[*]") {
                        segments.push(Segment::Each);
                        i += 3;
                    } else if bytes.get(i + 1) == Some(&b'"') {
                        // JSON string inside brackets.
                        let (key, used) = parse_json_string(&rest[i + 1..]).ok_or_else(|| {
                            malformed(i + 1, "unterminated or invalid quoted key")
                        })?;
                        let close = i + 1 + used;
                        if bytes.get(close) != Some(&b']') {
                            return Err(malformed(close, "expected `]` after the quoted key"));
                        }
                        segments.push(Segment::Key(key));
                        i = close + 1;
                    } else {
                        let close = rest[i..]
                            .find(']')
                            .map(|c| i + c)
                            .ok_or_else(|| malformed(i, "missing `]`"))?;
                        let digits = &rest[i + 1..close];
                        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                            return Err(malformed(
                                i + 1,
                                "an index must be a non-negative integer, e.g. `[0]`, or `[*]`",
                            ));
                        }
                        let index = digits
                            .parse::<usize>()
                            .map_err(|_| malformed(i + 1, "index too large"))?;
                        segments.push(Segment::Index(index));
                        i = close + 1;
                    }
                }
                _ => return Err(malformed(i, "expected `.` or `[`")),
            }
        }
        if segments.is_empty() {
            return Err(PathError::Empty(text.to_owned()));
        }
        Ok(ArgPath { segments })
    }

    /// Whether the path has a `[*]` step (it then names many values, or none).
    pub fn has_each(&self) -> bool {
        self.segments.contains(&Segment::Each)
    }

    /// Finds the value at this path in `args`; `None` when any step is missing or of the
    /// wrong kind (a key into an array, an index into an object), and for a path with `[*]`.
    pub fn lookup<'v>(&self, args: &'v Value) -> Option<&'v Value> {
        let mut cur = args;
        for seg in &self.segments {
            cur = match (seg, cur) {
                (Segment::Key(k), Value::Object(map)) => map.get(k)?,
                (Segment::Index(i), Value::Array(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Every value a path with `[*]` names: one entry per element of each list it walks
    /// (`None` for an element where the rest of the path is missing). Empty when the path
    /// is missing before its first `[*]`, or the list is empty. `Err(found)` when a `[*]`
    /// meets a present value that is not a list (an object with keys `"0"`, `"1"` is not a
    /// list, however a server might read it).
    pub fn lookup_each<'v>(&self, args: &'v Value) -> Result<Vec<Option<&'v Value>>, &'v Value> {
        let mut out = Vec::new();
        walk(&self.segments, args, true, &mut out)?;
        Ok(out)
    }
}

/// Collects what `segs` names under `cur`. `top`: no `[*]` has been crossed yet, so a
/// missing step means "no values" rather than "this element lacks it".
fn walk<'v>(
    segs: &[Segment],
    cur: &'v Value,
    top: bool,
    out: &mut Vec<Option<&'v Value>>,
) -> Result<(), &'v Value> {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(Some(cur));
        return Ok(());
    };
    let next = match (seg, cur) {
        (Segment::Each, Value::Array(items)) => {
            for item in items {
                walk(rest, item, false, out)?;
            }
            return Ok(());
        }
        (Segment::Each, other) => return Err(other),
        (Segment::Key(k), Value::Object(map)) => map.get(k),
        (Segment::Index(i), Value::Array(items)) => items.get(*i),
        _ => None,
    };
    match next {
        Some(v) => walk(rest, v, top, out),
        None if top => Ok(()),
        None => {
            out.push(None);
            Ok(())
        }
    }
}

/// Parses a JSON string literal at the start of `s`; returns it and the bytes consumed.
fn parse_json_string(s: &str) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                let lit = &s[..=i];
                return serde_json::from_str::<String>(lit).ok().map(|k| (k, i + 1));
            }
            _ => i += 1,
        }
    }
    None
}

impl fmt::Display for ArgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("args")?;
        for seg in &self.segments {
            match seg {
                Segment::Index(i) => write!(f, "[{i}]")?,
                Segment::Each => f.write_str("[*]")?,
                Segment::Key(k) if !k.is_empty() && !k.contains(['.', '[', ']', '"']) => {
                    write!(f, ".{k}")?
                }
                Segment::Key(k) => write!(f, "[{}]", Value::String(k.clone()))?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_every_form() {
        let p = ArgPath::parse("args.a.b[0]").unwrap();
        assert_eq!(
            p.segments(),
            &[
                Segment::Key("a".into()),
                Segment::Key("b".into()),
                Segment::Index(0)
            ]
        );
        let p = ArgPath::parse(r#"args["x.y"][2].z"#).unwrap();
        assert_eq!(
            p.segments(),
            &[
                Segment::Key("x.y".into()),
                Segment::Index(2),
                Segment::Key("z".into())
            ]
        );
        assert_eq!(p.to_string(), r#"args["x.y"][2].z"#);
    }

    #[test]
    fn rejects_paths_outside_args_and_malformed_ones() {
        assert_eq!(ArgPath::parse("amount"), Err(PathError::NotUnderArgs));
        assert_eq!(ArgPath::parse("arguments.x"), Err(PathError::NotUnderArgs));
        assert!(matches!(ArgPath::parse("args"), Err(PathError::Empty(_))));
        assert!(ArgPath::parse("args.").is_err());
        assert!(ArgPath::parse("args.a[x]").is_err());
        assert!(ArgPath::parse("args.a[-1]").is_err());
        assert!(ArgPath::parse("args.a[1").is_err());
        assert!(ArgPath::parse(r#"args["a"#).is_err());
        assert!(ArgPath::parse("args..a").is_err());
    }

    #[test]
    fn lookup_is_exact() {
        let args = json!({"amount": 5, "Amount": 9000, "list": [{"t": "x"}], "a.b": 1});
        assert_eq!(
            ArgPath::parse("args.amount").unwrap().lookup(&args),
            Some(&json!(5))
        );
        assert_eq!(
            ArgPath::parse("args.list[0].t").unwrap().lookup(&args),
            Some(&json!("x"))
        );
        assert_eq!(
            ArgPath::parse(r#"args["a.b"]"#).unwrap().lookup(&args),
            Some(&json!(1))
        );
        assert_eq!(ArgPath::parse("args.list[1]").unwrap().lookup(&args), None);
        assert_eq!(ArgPath::parse("args.list.t").unwrap().lookup(&args), None);
        assert_eq!(ArgPath::parse("args.AMOUNT").unwrap().lookup(&args), None);
    }

    #[test]
    fn each_names_every_element() {
        let p = ArgPath::parse("args.items[*].sku").unwrap();
        assert!(p.has_each());
        assert_eq!(p.to_string(), "args.items[*].sku");
        assert_eq!(p.lookup(&json!({"items": [{"sku": 1}]})), None);
        let args = json!({"items": [{"sku": "a"}, {"qty": 2}, {"sku": "c"}], "o": {"0": 1}});
        assert_eq!(
            p.lookup_each(&args),
            Ok(vec![Some(&json!("a")), None, Some(&json!("c"))])
        );
        assert_eq!(p.lookup_each(&json!({"items": []})), Ok(vec![]));
        assert_eq!(p.lookup_each(&json!({})), Ok(vec![]));
        assert_eq!(
            p.lookup_each(&json!({"items": {"0": {"sku": "a"}}})),
            Err(&json!({"0": {"sku": "a"}}))
        );
        let nested = ArgPath::parse("args.a[*].b[*]").unwrap();
        assert_eq!(
            nested.lookup_each(&json!({"a": [{"b": [1, 2]}, {}, {"b": [3]}]})),
            Ok(vec![
                Some(&json!(1)),
                Some(&json!(2)),
                None,
                Some(&json!(3))
            ])
        );
        assert!(ArgPath::parse("args.a[*x]").is_err());
        assert!(ArgPath::parse("args.a[**]").is_err());
    }

    #[test]
    fn display_round_trips() {
        for p in [
            "args.a",
            "args.a[3].b",
            r#"args["a b.c"]"#,
            r#"args["q\"x"]"#,
            "args.a[*].b",
        ] {
            let parsed = ArgPath::parse(p).unwrap();
            assert_eq!(ArgPath::parse(&parsed.to_string()).unwrap(), parsed, "{p}");
        }
    }
}
