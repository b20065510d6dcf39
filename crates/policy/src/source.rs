//! Policy text → a tree of nodes that remember their line and column.
//!
//! Both YAML and JSON policies go through the same YAML 1.2 event parser (JSON is a subset of
//! YAML 1.2), so every later error can point at `LINE:COL` in either format. We build our own
//! tree instead of deserialising straight into structs because serde would stop at the first
//! error and silently keep the last of two duplicate keys; a security policy must do neither.
//! Anchors, aliases and custom tags are refused: they make a file mean something a reviewer
//! cannot see at the place they read it, and aliases allow exponential expansion.

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use crate::diagnostics::{Diagnostics, Pos};

/// Upper bound on the size of a policy file we are willing to parse.
pub const MAX_POLICY_BYTES: usize = 16 * 1024 * 1024;
/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub pos: Pos,
}

impl Node {
    /// A short description of the node's type for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Number(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to a JSON value (condition operands are plain JSON).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parses a whole policy text. Returns `None` when nothing usable could be built; problems
/// (including recoverable ones such as duplicate keys) are written to `diags`.
pub fn parse_document(text: &str, diags: &mut Diagnostics) -> Option<Node> {
    if text.len() > MAX_POLICY_BYTES {
        diags.error(
            Pos { line: 1, col: 1 },
            format!(
                "policy file is {} bytes; the limit is {MAX_POLICY_BYTES}",
                text.len()
            ),
        );
        return None;
    }
    let mut builder = Builder {
        parser: Parser::new_from_str(text),
        diags,
    };
    match builder.document() {
        Ok(node) => node,
        Err(e) => {
            builder.diags.error(scan_pos(&e), describe_scan_error(&e));
            None
        }
    }
}

fn scan_pos(e: &ScanError) -> Pos {
    let m = e.marker();
    Pos {
        line: m.line() as u32,
        col: m.col() as u32 + 1,
    }
}

fn describe_scan_error(e: &ScanError) -> String {
    format!("syntax error: {}", e.info())
}

fn span_pos(span: &Span) -> Pos {
    Pos {
        line: span.start.line() as u32,
        col: span.start.col() as u32 + 1,
    }
}

struct Builder<'a, 'd> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    diags: &'d mut Diagnostics,
}

/// An aborting problem: the tree can't be completed.
enum Abort {
    Scan(ScanError),
    Located(Pos, String),
}

impl From<ScanError> for Abort {
    fn from(e: ScanError) -> Self {
        Abort::Scan(e)
    }
}

impl<'a> Builder<'a, '_> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Abort> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(e.into()),
            None => Err(Abort::Located(
                Pos { line: 1, col: 1 },
                "unexpected end of input".into(),
            )),
        }
    }

    fn document(&mut self) -> Result<Option<Node>, ScanError> {
        match self.document_inner() {
            Ok(n) => Ok(n),
            Err(Abort::Scan(e)) => Err(e),
            Err(Abort::Located(pos, msg)) => {
                self.diags.error(pos, msg);
                Ok(None)
            }
        }
    }

    fn document_inner(&mut self) -> Result<Option<Node>, Abort> {
        let mut root: Option<Node> = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    if root.is_some() {
                        return Err(Abort::Located(
                            span_pos(&span),
                            "a policy file holds exactly one YAML document; remove the extra `---`"
                                .into(),
                        ));
                    }
                    let (ev, sp) = self.next()?;
                    root = Some(self.node(ev, sp, 0)?);
                }
                other => {
                    let node = self.node(other, span, 0)?;
                    root.get_or_insert(node);
                }
            }
        }
        Ok(root)
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node, Abort> {
        let pos = span_pos(&span);
        if depth > MAX_DEPTH {
            return Err(Abort::Located(
                pos,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        match event {
            Event::Alias(_) => Err(Abort::Located(
                pos,
                "YAML aliases (`*name`) are not allowed in policy files; write the value out"
                    .into(),
            )),
            Event::Scalar(value, style, anchor, tag) => {
                self.refuse_anchor(anchor, pos);
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                Ok(Node {
                    kind: self.scalar(&value, style, tag.as_deref(), pos),
                    pos,
                })
            }
            Event::SequenceStart(anchor, tag) => {
                self.refuse_anchor(anchor, pos);
                self.refuse_tag(tag.is_some(), pos);
                let mut items = Vec::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, sp, depth + 1)?);
                }
                Ok(Node {
                    kind: NodeKind::Seq(items),
                    pos,
                })
            }
            Event::MappingStart(anchor, tag) => {
                self.refuse_anchor(anchor, pos);
                self.refuse_tag(tag.is_some(), pos);
                let mut entries: Vec<(Key, Node)> = Vec::new();
                // Key → index, so duplicate detection stays linear on 10,000-tool policies.
                let mut seen: std::collections::HashMap<String, usize> =
                    std::collections::HashMap::new();
                loop {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key_node = self.node(ev, sp, depth + 1)?;
                    let key = self.key(key_node);
                    let (ev, sp) = self.next()?;
                    let value = self.node(ev, sp, depth + 1)?;
                    let Some(key) = key else { continue };
                    if let Some(&first) = seen.get(&key.text) {
                        self.diags.error_hint(
                            key.pos,
                            format!("duplicate key `{}`", key.text),
                            format!(
                                "it is already defined at {}; merge the two entries",
                                entries[first].0.pos
                            ),
                        );
                        continue;
                    }
                    seen.insert(key.text.clone(), entries.len());
                    entries.push((key, value));
                }
                Ok(Node {
                    kind: NodeKind::Map(entries),
                    pos,
                })
            }
            Event::SequenceEnd | Event::MappingEnd => {
                Err(Abort::Located(pos, "unexpected end of a collection".into()))
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Err(Abort::Located(pos, "unexpected end of document".into())),
        }
    }

    fn key(&mut self, node: Node) -> Option<Key> {
        let text = match node.kind {
            NodeKind::Str(s) => s,
            NodeKind::Number(n) => n.to_string(),
            NodeKind::Bool(b) => b.to_string(),
            NodeKind::Null => {
                self.diags.error(node.pos, "a mapping key is empty");
                return None;
            }
            NodeKind::Seq(_) | NodeKind::Map(_) => {
                self.diags.error(
                    node.pos,
                    "a mapping key must be a plain word, not a collection",
                );
                return None;
            }
        };
        Some(Key {
            text,
            pos: node.pos,
        })
    }

    fn refuse_anchor(&mut self, anchor: usize, pos: Pos) {
        if anchor != 0 {
            self.diags.error(
                pos,
                "YAML anchors (`&name`) are not allowed in policy files; write each value out",
            );
        }
    }

    fn refuse_tag(&mut self, tagged: bool, pos: Pos) {
        if tagged {
            self.diags.error(
                pos,
                "YAML tags on collections are not supported in policy files",
            );
        }
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle, tag: Option<&str>, pos: Pos) -> NodeKind {
        match tag {
            None => {}
            Some("tag:yaml.org,2002:str" | "!!str") => return NodeKind::Str(value.to_owned()),
            Some(
                "tag:yaml.org,2002:int"
                | "!!int"
                | "tag:yaml.org,2002:float"
                | "!!float"
                | "tag:yaml.org,2002:bool"
                | "!!bool"
                | "tag:yaml.org,2002:null"
                | "!!null",
            ) => {}
            Some(other) => {
                self.diags.error(
                    pos,
                    format!("YAML tag `{other}` is not supported in policy files"),
                );
            }
        }
        if style != ScalarStyle::Plain {
            return NodeKind::Str(value.to_owned());
        }
        resolve_plain(value)
    }
}

/// YAML 1.2 core schema resolution of an unquoted scalar.
pub fn resolve_plain(v: &str) -> NodeKind {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_int(v) {
        return NodeKind::Number(n);
    }
    if looks_like_float(v)
        && let Ok(f) = v.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return NodeKind::Number(n);
    }
    NodeKind::Str(v.to_owned())
}

fn parse_int(v: &str) -> Option<serde_json::Number> {
    let (neg, digits) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    let (radix, digits) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        let signed = i64::try_from(magnitude).ok()?.checked_neg()?;
        Some(signed.into())
    } else {
        Some(magnitude.into())
    }
}

fn looks_like_float(v: &str) -> bool {
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let s = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.chars().all(|c| c.is_ascii_digit())
                && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok && s != "."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Node>, Vec<String>) {
        let mut d = Diagnostics::default();
        let n = parse_document(text, &mut d);
        (n, d.sorted().iter().map(|d| d.render("f")).collect())
    }

    #[test]
    fn resolves_core_schema_scalars() {
        assert_eq!(
            resolve_plain("1e2"),
            NodeKind::Number(serde_json::Number::from_f64(100.0).unwrap())
        );
        assert_eq!(resolve_plain("30"), NodeKind::Number(30u64.into()));
        assert_eq!(resolve_plain("-5"), NodeKind::Number((-5i64).into()));
        assert_eq!(resolve_plain("0x1F"), NodeKind::Number(31u64.into()));
        assert_eq!(resolve_plain("yes"), NodeKind::Str("yes".into()));
        assert_eq!(resolve_plain("~"), NodeKind::Null);
        assert_eq!(
            resolve_plain(".5"),
            NodeKind::Number(serde_json::Number::from_f64(0.5).unwrap())
        );
        assert_eq!(resolve_plain("1.2.3"), NodeKind::Str("1.2.3".into()));
        assert_eq!(resolve_plain(".inf"), NodeKind::Str(".inf".into()));
        assert_eq!(
            resolve_plain("30/minute"),
            NodeKind::Str("30/minute".into())
        );
    }

    #[test]
    fn quoted_numbers_stay_strings() {
        let (n, _) = parse("a: '30'\nb: \"1\"\n");
        let NodeKind::Map(m) = n.unwrap().kind else {
            panic!()
        };
        assert_eq!(m[0].1.kind, NodeKind::Str("30".into()));
        assert_eq!(m[1].1.kind, NodeKind::Str("1".into()));
    }

    #[test]
    fn duplicate_keys_are_errors_with_both_positions() {
        let (_, errs) = parse("tools:\n  a: 1\n  a: 2\n");
        assert_eq!(
            errs,
            vec![
                "f:3:3: error: duplicate key `a`; it is already defined at 2:3; merge the two entries"
            ]
        );
    }

    #[test]
    fn json_gets_positions_too() {
        let (n, errs) = parse("{\n  \"version\": \"1\",\n  \"tools\": {\"x\": {}}\n}");
        assert!(errs.is_empty(), "{errs:?}");
        let NodeKind::Map(m) = n.unwrap().kind else {
            panic!()
        };
        assert_eq!(m[1].0.pos, Pos { line: 3, col: 3 });
    }

    #[test]
    fn aliases_and_anchors_are_refused() {
        let (_, errs) = parse("a: &x 1\nb: *x\n");
        assert!(errs.iter().any(|e| e.contains("anchors")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("aliases")), "{errs:?}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let (_, errs) = parse("a: [1, 2\nb: 3\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("f:"), "{errs:?}");
        assert!(errs[0].contains("syntax error"), "{errs:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(200) + &"]".repeat(200);
        let (_, errs) = parse(&text);
        assert!(
            errs.iter().any(|e| e.contains("nesting deeper")),
            "{errs:?}"
        );
    }

    #[test]
    fn multiple_documents_are_refused() {
        let (_, errs) = parse("a: 1\n---\nb: 2\n");
        assert!(errs.iter().any(|e| e.contains("exactly one")), "{errs:?}");
    }
}
