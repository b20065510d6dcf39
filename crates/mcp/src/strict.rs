//! Strict JSON → `serde_json::Value`: duplicate keys and deep nesting are errors.
//!
//! `serde_json::from_slice::<Value>` silently keeps the last of two equal keys, while other
//! readers keep the first or merge them. If toolgate read `{"name":"echo","name":"delete"}`
//! as `echo` and the server as `delete`, policy would be bypassed. So the value is built by
//! our own serde visitor, which refuses a key it has already seen in the same object, at
//! any depth.
//!
//! Errors carry the JSON path. Paths cost nothing on the happy path: when something fails,
//! each level records its own segment while the error unwinds through it.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::ParseError;
use crate::path;

/// The deepest nesting of arrays and objects accepted in one message.
///
/// It stays below serde_json's own recursion limit (128) so that our error, with its path,
/// fires first. Real MCP traffic, JSON Schemas included, is far shallower.
pub const MAX_DEPTH: usize = 100;

/// Parses `text` strictly. `base` is the path of the value (`$`, or `$[3]` for a batch
/// element) and `depth` the nesting level of its outermost container (1 at the top).
pub(crate) fn parse_value(text: &str, base: &str, depth: usize) -> Result<Value, ParseError> {
    let ctx = Ctx::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = ValueSeed {
        ctx: &ctx,
        depth,
        seg: Seg::Root,
    };
    let parsed = seed.deserialize(&mut de).and_then(|value| {
        // Trailing bytes after the value would be a second reading of the same frame.
        de.end()?;
        Ok(value)
    });
    parsed.map_err(|err| ctx.into_error(err, base))
}

/// Turns a serde_json error that our visitor did not raise into a [`ParseError`].
pub(crate) fn from_serde(err: &serde_json::Error, path: String) -> ParseError {
    let text = err.to_string();
    // serde_json exposes no error kinds beyond categories; these phrases are its stable
    // messages for unpaired surrogates and for its own recursion limit.
    if text.contains("surrogate") || text.contains("unexpected end of hex escape") {
        return ParseError::LoneSurrogate { path };
    }
    if text.contains("recursion limit exceeded") {
        return ParseError::TooDeep {
            path,
            limit: MAX_DEPTH,
        };
    }
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let detail = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
    ParseError::InvalidJson {
        path,
        line: err.line(),
        column: err.column(),
        detail,
    }
}

/// What our visitor found wrong (serde errors can only carry a string).
enum Failure {
    Duplicate(String),
    TooDeep,
}

/// A path segment, owned, recorded while an error unwinds.
enum OwnedSeg {
    Key(String),
    Index(usize),
}

/// Side channel shared by every level of one parse.
#[derive(Default)]
struct Ctx {
    failure: RefCell<Option<Failure>>,
    /// Path segments, innermost first.
    trail: RefCell<Vec<OwnedSeg>>,
}

impl Ctx {
    fn fail<E: de::Error>(&self, failure: Failure) -> E {
        // The text is never shown: `into_error` reports the recorded failure instead.
        let text = match &failure {
            Failure::Duplicate(_) => "duplicate key",
            Failure::TooDeep => "nesting too deep",
        };
        *self.failure.borrow_mut() = Some(failure);
        E::custom(text)
    }

    fn record(&self, seg: Seg<'_>) {
        let owned = match seg {
            Seg::Root => return,
            Seg::Key(key) => OwnedSeg::Key(key.to_owned()),
            Seg::Index(index) => OwnedSeg::Index(index),
        };
        self.trail.borrow_mut().push(owned);
    }

    fn into_error(self, err: serde_json::Error, base: &str) -> ParseError {
        let mut path = base.to_owned();
        for seg in self.trail.into_inner().iter().rev() {
            match seg {
                OwnedSeg::Key(key) => path::push_key(&mut path, key),
                OwnedSeg::Index(index) => path::push_index(&mut path, *index),
            }
        }
        match self.failure.into_inner() {
            Some(Failure::Duplicate(key)) => ParseError::DuplicateKey {
                path,
                key: path::show_key(&key),
            },
            Some(Failure::TooDeep) => ParseError::TooDeep {
                path,
                limit: MAX_DEPTH,
            },
            None => from_serde(&err, path),
        }
    }
}

/// Where a value sits in its parent.
#[derive(Clone, Copy)]
enum Seg<'k> {
    Root,
    Key(&'k str),
    Index(usize),
}

struct ValueSeed<'c, 'k> {
    ctx: &'c Ctx,
    depth: usize,
    seg: Seg<'k>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        let visitor = ValueVisitor {
            ctx: self.ctx,
            depth: self.depth,
        };
        let result = deserializer.deserialize_any(visitor);
        if result.is_err() {
            self.ctx.record(self.seg);
        }
        result
    }
}

struct ValueVisitor<'c> {
    ctx: &'c Ctx,
    depth: usize,
}

impl<'de> Visitor<'de> for ValueVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // JSON text cannot spell NaN or infinity; refuse rather than invent a value.
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth > MAX_DEPTH {
            return Err(self.ctx.fail(Failure::TooDeep));
        }
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            let seed = ValueSeed {
                ctx: self.ctx,
                depth: self.depth + 1,
                seg: Seg::Index(items.len()),
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth > MAX_DEPTH {
            return Err(self.ctx.fail(Failure::TooDeep));
        }
        let mut object = Map::new();
        // serde_json hands us keys with escapes already decoded, so `"n\u0061me"` and
        // `"name"` collide here as they should.
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                self.ctx.record(Seg::Key(&key));
                return Err(self.ctx.fail(Failure::Duplicate(key)));
            }
            let seed = ValueSeed {
                ctx: self.ctx,
                depth: self.depth + 1,
                seg: Seg::Key(&key),
            };
            let value = map.next_value_seed(seed)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, parse_value};
    use crate::error::ParseError;

    #[test]
    fn duplicate_key_path_names_the_member() {
        let err = parse_value(r#"{"a":{"b":[1,{"c":1,"c":2}]}}"#, "$", 1).unwrap_err();
        assert_eq!(
            err,
            ParseError::DuplicateKey {
                path: "$.a.b[1].c".into(),
                key: "c".into()
            }
        );
    }

    #[test]
    fn syntax_error_names_the_enclosing_member() {
        let err = parse_value(r#"{"a":{"b":tru}}"#, "$", 1).unwrap_err();
        match err {
            ParseError::InvalidJson { path, line, .. } => {
                assert_eq!(path, "$.a.b");
                assert_eq!(line, 1);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn depth_limit_is_exact() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_value(&ok, "$", 1).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(matches!(
            parse_value(&deep, "$", 1),
            Err(ParseError::TooDeep { .. })
        ));
        // Far beyond serde_json's own limit: still our error, never a stack overflow.
        let deeper = "[".repeat(100_000);
        assert!(matches!(
            parse_value(&deeper, "$", 1),
            Err(ParseError::TooDeep { .. })
        ));
    }

    #[test]
    fn trailing_bytes_are_rejected() {
        assert!(matches!(
            parse_value(r#"{"a":1} {"a":2}"#, "$", 1),
            Err(ParseError::InvalidJson { .. })
        ));
    }
}
