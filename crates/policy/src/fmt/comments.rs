//! Putting a policy's comments back into its canonical text, so `toolgate policy fmt` keeps
//! the notes a reviewer (or `toolgate scan`) wrote.
//!
//! The YAML event parser drops comments, so they are found in the text: a `#` at the start
//! of a line or after a space, outside every scalar the parser reported (a `#` inside
//! `"a #b"` or a block scalar is content). Each comment is attached to a part of the tree by
//! where it stands:
//!
//! - a comment after code on its line (*trailing*) belongs to the first key or list item
//!   that starts on that line (`- action: allow  # why` → that rule);
//! - a comment on a line of its own (*leading*) belongs to the next key or list item (the
//!   outermost one starting there); comments before the document's first key are its
//!   header, comments after the last one its footer.
//!
//! The canonical writer tags each line with the path it prints; a comment goes back beside
//! the line of its path. A part the canonical form prints differently (`rate_limit: 5/hour`
//! written out as a block, PolicyLayer's flat `limits`) has no line of its own: its comments
//! go on their own lines before the nearest enclosing part that has one, so nothing is lost.
//! Comments of one line keep their order in the source; leading comments take the line's
//! indentation. Printing the result again gives the same text (a fixed point).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::fmt::out::{Out, PathSeg};
use crate::fmt::write_policy;
use crate::model::Policy;

/// The source's comments could not be read (the text does not parse as YAML).
#[derive(Debug, thiserror::Error)]
#[error("cannot read the comments of the policy: {0}")]
pub struct CommentsError(String);

/// [`super::to_native_yaml`] with the comments of `source`, the text `p` was loaded from.
pub fn to_native_yaml_with_comments(p: &Policy, source: &str) -> Result<String, CommentsError> {
    let (anchors, comments) = scan(source)?;
    let mut out = Out::tagged();
    write_policy(&mut out, p);
    let (text, tags) = out.into_parts();
    if comments.is_empty() {
        return Ok(text);
    }
    Ok(place(&text, &tags, &anchors, comments))
}

/// Where a key or list item starts in the source.
struct Anchor {
    index: usize,
    line: usize,
    path: Vec<PathSeg>,
}

struct Comment {
    /// Char index of the `#`.
    index: usize,
    line: usize,
    /// From `#` to the end of the line, trailing spaces removed.
    text: String,
    trailing: bool,
}

enum Frame {
    Map {
        path: Vec<PathSeg>,
        key: Option<String>,
    },
    Seq {
        path: Vec<PathSeg>,
        next: usize,
    },
}

/// Every key and list item with its path, and every comment.
fn scan(source: &str) -> Result<(Vec<Anchor>, Vec<Comment>), CommentsError> {
    let mut parser = Parser::new_from_str(source);
    let chars: Vec<char> = source.chars().collect();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors = Vec::new();
    // (start, end) char indices of every scalar: a `#` inside one is content.
    let mut scalars: Vec<(usize, usize)> = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| CommentsError(e.info().to_owned()))?;
        let is_node = matches!(
            event,
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..)
        );
        if !is_node {
            if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                stack.pop();
            }
            continue;
        }
        let at = |path: Vec<PathSeg>| Anchor {
            index: span.start.index(),
            line: span.start.line(),
            path,
        };
        // The node's own path; a key is recorded as an anchor and is no node of the tree.
        let path = match stack.last_mut() {
            None => Vec::new(),
            Some(Frame::Seq { path, next }) => {
                let mut p = path.clone();
                p.push(PathSeg::Item(*next));
                *next += 1;
                anchors.push(at(p.clone()));
                p
            }
            Some(Frame::Map { path, key }) => match key.take() {
                Some(k) => {
                    let mut p = path.clone();
                    p.push(PathSeg::Key(k));
                    p
                }
                None => {
                    // A key. Only scalar keys load; a collection key gets a path no line has.
                    let text = match &event {
                        Event::Scalar(v, ..) => v.to_string(),
                        _ => String::from("?"),
                    };
                    let mut p = path.clone();
                    p.push(PathSeg::Key(text.clone()));
                    anchors.push(at(p.clone()));
                    *key = Some(text);
                    p
                }
            },
        };
        match event {
            Event::Scalar(_, style, ..) => {
                let start = span.start.index();
                // A quoted scalar's span runs on over the spaces and comment after it (the
                // scanner looks past them for a `:`); its real end is its closing quote.
                let end = match style {
                    ScalarStyle::DoubleQuoted => closing_quote(&chars, start, '"'),
                    ScalarStyle::SingleQuoted => closing_quote(&chars, start, '\''),
                    _ => None,
                };
                scalars.push((start, end.unwrap_or(span.end.index())));
            }
            Event::MappingStart(..) => stack.push(Frame::Map { path, key: None }),
            Event::SequenceStart(..) => stack.push(Frame::Seq { path, next: 0 }),
            _ => {}
        }
    }
    Ok((anchors, find_comments(source, &scalars)))
}

/// The char index just past the quote that closes the quoted scalar opening at `start`
/// (`\\` escapes in double quotes, `''` in single quotes), if the text has one there.
fn closing_quote(chars: &[char], start: usize, quote: char) -> Option<usize> {
    if chars.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while let Some(&c) = chars.get(i) {
        if quote == '"' && c == '\\' {
            i += 2;
            continue;
        }
        if c == quote {
            if quote == '\'' && chars.get(i + 1) == Some(&'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

fn find_comments(source: &str, scalars: &[(usize, usize)]) -> Vec<Comment> {
    let mut comments = Vec::new();
    let mut span = 0;
    let mut line = 1;
    let mut code_before = false;
    let mut prev = '\n';
    let mut chars = source.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        while span < scalars.len() && scalars[span].1 <= i {
            span += 1;
        }
        let in_scalar = scalars.get(span).is_some_and(|&(s, e)| s <= i && i < e);
        if c == '#' && !in_scalar && matches!(prev, '\n' | ' ' | '\t') {
            let mut text = String::from("#");
            while let Some(&(_, n)) = chars.peek() {
                if n == '\n' {
                    break;
                }
                text.push(n);
                chars.next();
            }
            comments.push(Comment {
                index: i,
                line,
                text: text.trim_end().to_owned(),
                trailing: code_before,
            });
            prev = '#';
            continue;
        }
        if c == '\n' {
            line += 1;
            code_before = false;
        } else if !c.is_whitespace() && c != '\u{feff}' {
            code_before = true;
        }
        prev = c;
    }
    comments
}

/// The output line of a path (or of its nearest ancestor that has one), and whether it is
/// the path's own line.
type LineOf<'a> = dyn Fn(&[PathSeg]) -> Option<(usize, bool)> + 'a;

/// Where a comment goes in the output.
enum Target {
    Header,
    Footer,
    Before(usize),
    After(usize),
}

fn place(
    text: &str,
    tags: &[(usize, Vec<PathSeg>)],
    anchors: &[Anchor],
    comments: Vec<Comment>,
) -> String {
    let mut line_of: HashMap<&[PathSeg], usize> = HashMap::new();
    for (line, path) in tags {
        line_of.entry(path.as_slice()).or_insert(*line);
    }
    let find = |path: &[PathSeg]| -> Option<(usize, bool)> {
        (0..=path.len())
            .rev()
            .filter(|n| *n > 0)
            .find_map(|n| line_of.get(&path[..n]).map(|l| (*l, n == path.len())))
    };
    let mut header = Vec::new();
    let mut footer = Vec::new();
    let mut before: HashMap<usize, Vec<String>> = HashMap::new();
    let mut after: HashMap<usize, String> = HashMap::new();
    for c in comments {
        let target = attach(&c, anchors, &find);
        let target = match target {
            Target::After(l) if after.contains_key(&l) => Target::Before(l),
            t => t,
        };
        match target {
            Target::Header => header.push(c.text),
            Target::Footer => footer.push(c.text),
            Target::Before(l) => before.entry(l).or_default().push(c.text),
            Target::After(l) => {
                after.insert(l, c.text);
            }
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    for h in header {
        out.push_str(&h);
        out.push('\n');
    }
    for (i, line) in text.lines().enumerate() {
        if let Some(lead) = before.get(&i) {
            let indent = &line[..line.len() - line.trim_start().len()];
            for c in lead {
                out.push_str(indent);
                out.push_str(c);
                out.push('\n');
            }
        }
        out.push_str(line);
        if let Some(c) = after.get(&i) {
            out.push_str("  ");
            out.push_str(c);
        }
        out.push('\n');
    }
    for f in footer {
        out.push_str(&f);
        out.push('\n');
    }
    out
}

/// The part a comment belongs to, and the output line that prints it (or its nearest
/// enclosing part that has a line).
fn attach(c: &Comment, anchors: &[Anchor], find: &LineOf<'_>) -> Target {
    if c.trailing {
        let first_on_line = anchors
            .iter()
            .skip(anchors.partition_point(|a| a.line < c.line))
            .take_while(|a| a.line == c.line && a.index < c.index)
            .next();
        if let Some(a) = first_on_line {
            return match find(&a.path) {
                Some((line, true)) => Target::After(line),
                Some((line, false)) => Target::Before(line),
                None => Target::Header,
            };
        }
    }
    let next = anchors.partition_point(|a| a.index < c.index);
    match anchors.get(next) {
        None => Target::Footer,
        Some(_) if next == 0 => Target::Header,
        Some(a) => match find(&a.path) {
            Some((line, _)) => Target::Before(line),
            None => Target::Header,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        let loaded = crate::load(text, "t.yaml").expect("loads");
        to_native_yaml_with_comments(&loaded.policy, text).expect("comments read")
    }

    #[test]
    fn comments_go_back_beside_what_they_annotate() {
        let src = "\
# header
version: '1'
default: deny # trailing on default
tools:
  # before the entry
  \"a #b\":   # trailing on the entry
    rules:
      # before the rule
      - action: allow
        reason: |
          # content, not a comment
        rate_limit: 5/minute  # trailing on rate_limit
        when:
          - {path: args.x, op: eq, value: 'q # z'}
          # before the second condition
          - {path: args.y, op: eq, value: 1}
# footer
";
        let out = fmt(src);
        assert!(out.contains("# footer"), "{out}");
        assert_eq!(
            out,
            "\
# header
version: \"1\"
default: deny  # trailing on default
tools:
  # before the entry
  \"a #b\":  # trailing on the entry
    rules:
      # before the rule
      - action: allow
        when:
          - {path: args.x, op: eq, value: \"q # z\"}
          # before the second condition
          - {path: args.y, op: eq, value: 1}
        reason: \"# content, not a comment\\n\"
        rate_limit: {max: 5, window: minute}  # trailing on rate_limit
# footer
"
        );
        assert_eq!(fmt(&out), out, "a fixed point");
    }

    #[test]
    fn a_comment_on_a_part_fmt_rewrites_moves_to_the_enclosing_part() {
        let src = "\
version: '1'
tools:
  t:
    rules:
      - action: allow
        rate_limit:
          max: 3  # three
          # per minute
          window: minute
";
        let out = fmt(src);
        assert_eq!(
            out,
            "\
version: \"1\"
default: deny
tools:
  t:
    rules:
      - action: allow
        # three
        # per minute
        rate_limit: {max: 3, window: minute}
"
        );
        assert_eq!(fmt(&out), out);
    }

    /// Regression (found by the property test): a quoted value's span covered the comment
    /// after it, so `reason: "" # why` lost its comment.
    #[test]
    fn comments_after_quoted_values_and_block_scalars() {
        let src = "\
version: '1'
description: \"a \\\" # quoted\" # after double
tools:
  t:
    rules:
      - action: deny
        reason: 'it''s # here' # after single
  u:
    rules:
      - action: deny
        reason: |
          # content
        # after the block
      - action: allow
";
        let out = fmt(src);
        for c in ["# after double", "# after single", "# after the block"] {
            assert_eq!(out.matches(c).count(), 1, "{c}\n{out}");
        }
        assert!(!out.contains("\n          # content"), "{out}");
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn no_comments_is_the_plain_text() {
        let src = "version: '1'\ntools: {t: {rules: [{action: deny}]}}\n";
        let loaded = crate::load(src, "t.yaml").unwrap();
        assert_eq!(fmt(src), super::super::to_native_yaml(&loaded.policy));
    }
}
