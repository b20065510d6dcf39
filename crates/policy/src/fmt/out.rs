//! The writer `fmt` prints into: text, plus (only when comments are to be put back) which
//! line prints which part of the policy.
//!
//! A path names a part the way the source tree does (`tools` → `createRefund` → `rules` →
//! 0 → `when` → 1), so a comment found beside a part of the source can find the line that
//! prints that part. Plain printing (the version hash) keeps no tags and allocates nothing
//! for them.

/// One step of a path, borrowed while printing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Item(usize),
}

/// One step of a path, owned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum PathSeg {
    Key(String),
    Item(usize),
}

impl From<Seg<'_>> for PathSeg {
    fn from(s: Seg<'_>) -> Self {
        match s {
            Seg::Key(k) => PathSeg::Key(k.to_owned()),
            Seg::Item(i) => PathSeg::Item(i),
        }
    }
}

pub(crate) struct Out {
    pub text: String,
    /// Complete lines written so far: the index of the next line.
    lines: usize,
    /// (line index, path) for every tagged line, in printing order; `None` when not kept.
    tags: Option<Vec<(usize, Vec<PathSeg>)>>,
}

impl Out {
    pub fn plain() -> Self {
        Out {
            text: String::new(),
            lines: 0,
            tags: None,
        }
    }

    pub fn tagged() -> Self {
        Out {
            tags: Some(Vec::new()),
            ..Out::plain()
        }
    }

    /// The next line written prints the part at `path`.
    pub fn tag(&mut self, path: &[Seg<'_>]) {
        self.tag_in(path, &[]);
    }

    /// [`Out::tag`] for `base` followed by `rest`.
    pub fn tag_in(&mut self, base: &[Seg<'_>], rest: &[Seg<'_>]) {
        if let Some(tags) = &mut self.tags {
            let path = base.iter().chain(rest).map(|s| PathSeg::from(*s)).collect();
            tags.push((self.lines, path));
        }
    }

    /// An empty writer in the same mode, to print a part that is adjusted before it is
    /// [`Out::append`]ed.
    pub fn child(&self) -> Self {
        if self.tags.is_some() {
            Out::tagged()
        } else {
            Out::plain()
        }
    }

    /// Appends what `child` printed, with `text` in place of its text (same lines).
    pub fn append(&mut self, child: Out, text: &str) {
        if let (Some(tags), Some(theirs)) = (&mut self.tags, child.tags) {
            tags.extend(theirs.into_iter().map(|(line, p)| (line + self.lines, p)));
        }
        self.push_str(text);
    }

    pub fn push_str(&mut self, s: &str) {
        self.lines += s.bytes().filter(|&b| b == b'\n').count();
        self.text.push_str(s);
    }

    pub fn into_parts(self) -> (String, Vec<(usize, Vec<PathSeg>)>) {
        (self.text, self.tags.unwrap_or_default())
    }
}

impl std::fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}
