//! Path-shaped arguments: `path_under` and `path_not_under`.
//!
//! A regex such as `^/srv/shop/` accepts `/srv/shop/../../etc/passwd`; these operators
//! compare whole path components of a *canonical* path instead. Canonicalising is lexical
//! (the policy crate does no I/O, so symlinks are not resolved):
//!
//! - the argument must be a string holding an absolute POSIX path (`/…`); a relative path
//!   (`etc/passwd`, `~/x`, `C:/x`, `file:///x`, the empty string) can't be judged without
//!   knowing the server's working directory, so it is a [`Mismatch`](crate::conditions::Mismatch)
//!   and the call is denied with kind `invalid_arguments`;
//! - control characters (NUL included) and backslashes are refused the same way (a backslash
//!   is a separator on Windows and a file-name character on POSIX: the two readings differ);
//! - `//` and `/./` collapse, `..` removes the previous component, and a `..` that would climb
//!   above `/` is refused;
//! - percent-encoding: a server may or may not decode it, so an argument containing `%` is
//!   judged both as written and decoded once, and the condition must come out the same both
//!   ways, otherwise it is refused. A `%` that is not followed by two hex digits, a decoding
//!   that is not UTF-8, or a `%` left after decoding (double encoding: `%252e`) is refused.
//!
//! A prefix matches whole components: `/srv/shop/x` and `/srv/shop` are under `/srv/shop`,
//! `/srv/shop2/x` is not. Comparison is case-sensitive, byte for byte.

/// An absolute path as its components (no `.`, `..` or empty ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPrefix {
    components: Vec<String>,
}

impl PathPrefix {
    /// Parses a prefix a policy gives: an absolute path, already canonical apart from
    /// repeated or trailing slashes (no `.`, `..`, `%`, `\` or control characters).
    pub fn parse(text: &str) -> Result<PathPrefix, String> {
        if text.contains('%') {
            return Err(format!(
                "path prefix `{text}` contains `%`; write the path decoded"
            ));
        }
        if text.split('/').any(|c| c == "." || c == "..") {
            return Err(format!(
                "path prefix `{text}` contains `.` or `..`; write the canonical path"
            ));
        }
        let components = canonical(text).map_err(|why| format!("path prefix `{text}` {why}"))?;
        Ok(PathPrefix { components })
    }

    fn contains(&self, path: &[String]) -> bool {
        path.len() >= self.components.len() && self.components.iter().zip(path).all(|(p, c)| p == c)
    }
}

impl std::fmt::Display for PathPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.components.is_empty() {
            return f.write_str("/");
        }
        for c in &self.components {
            write!(f, "/{c}")?;
        }
        Ok(())
    }
}

/// Whether `arg` is equal to or under one of `prefixes`; `Err(why)` when it can't be judged.
pub fn under_any(arg: &str, prefixes: &[PathPrefix]) -> Result<bool, String> {
    let literal = canonical(arg)?;
    let inside = |path: &[String]| prefixes.iter().any(|p| p.contains(path));
    let answer = inside(&literal);
    if arg.contains('%') {
        let decoded = canonical(&percent_decode(arg)?)?;
        if inside(&decoded) != answer {
            return Err(
                "means a different path percent-decoded than as written; send it decoded".into(),
            );
        }
    }
    Ok(answer)
}

/// The components of an absolute path after lexical resolution; `Err(why)` when refused.
fn canonical(path: &str) -> Result<Vec<String>, String> {
    if path.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    if path.contains('\\') {
        return Err("contains a backslash".into());
    }
    if !path.starts_with('/') {
        return Err("is not an absolute path (it must start with `/`)".into());
    }
    let mut out: Vec<String> = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                if out.pop().is_none() {
                    return Err("climbs above `/` with `..`".into());
                }
            }
            c => out.push(c.to_owned()),
        }
    }
    Ok(out)
}

/// Decodes `%XX` once; refuses malformed escapes, non-UTF-8 results and double encoding.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
            match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err("contains a `%` that is not percent-encoding".into()),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded =
        String::from_utf8(out).map_err(|_| "percent-decodes to bytes that are not UTF-8")?;
    if decoded.contains('%') {
        return Err("is percent-encoded more than once".into());
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixes(list: &[&str]) -> Vec<PathPrefix> {
        list.iter().map(|p| PathPrefix::parse(p).unwrap()).collect()
    }

    #[test]
    fn table() {
        let shop = prefixes(&["/srv/shop"]);
        let cases: &[(&str, Result<bool, &str>)] = &[
            ("/srv/shop/a.txt", Ok(true)),
            ("/srv/shop", Ok(true)),
            ("/srv/shop/", Ok(true)),
            ("//srv///shop//a", Ok(true)),
            ("/srv/./shop/./a", Ok(true)),
            ("/srv/shop/x/../a", Ok(true)),
            ("/srv/shop2/x", Ok(false)),
            ("/srv/sho", Ok(false)),
            ("/srv/shop/../../etc/passwd", Ok(false)),
            ("/srv/shop/..", Ok(false)),
            ("/srv/shop//../", Ok(false)),
            ("/srv/shop/%2e%2e/%2e%2e/etc/passwd", Err("different path")),
            ("/srv/shop/%252e%252e/etc", Err("more than once")),
            ("/srv/sho%70/x", Err("different path")),
            ("/srv/shop/%41.txt", Ok(true)),
            ("/srv/shop/100%", Err("not percent-encoding")),
            ("/srv/shop/%zz", Err("not percent-encoding")),
            ("/srv/shop/%ff", Err("not UTF-8")),
            ("/srv/shop/a\0b", Err("control character")),
            ("/srv/shop/%00", Err("control character")),
            ("/srv/shop/a\nb", Err("control character")),
            ("/srv/shop\\..\\..\\etc", Err("backslash")),
            ("/srv/shop/%5c", Err("backslash")),
            ("srv/shop/a", Err("not an absolute path")),
            ("./srv/shop", Err("not an absolute path")),
            ("", Err("not an absolute path")),
            ("~/x", Err("not an absolute path")),
            ("C:/srv/shop", Err("not an absolute path")),
            ("file:///srv/shop/a", Err("not an absolute path")),
            ("/../srv/shop/a", Err("climbs above")),
            ("/srv/shop/../../../etc", Err("climbs above")),
        ];
        for (arg, want) in cases {
            match (under_any(arg, &shop), want) {
                (Ok(got), Ok(w)) => assert_eq!(got, *w, "{arg:?}"),
                (Err(got), Err(w)) => assert!(got.contains(w), "{arg:?}: {got}"),
                (got, w) => panic!("{arg:?}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn root_and_several_prefixes() {
        assert_eq!(under_any("/anything", &prefixes(&["/"])), Ok(true));
        let two = prefixes(&["/srv/shop/", "/tmp//uploads"]);
        assert_eq!(under_any("/tmp/uploads/x", &two), Ok(true));
        assert_eq!(under_any("/tmp/other", &two), Ok(false));
        assert_eq!(two[1].to_string(), "/tmp/uploads");
    }

    #[test]
    fn prefixes_must_be_canonical_and_absolute() {
        for bad in [
            "srv",
            "",
            "/srv/../etc",
            "/srv/./x",
            "/srv/%2e",
            "C:\\x",
            "/a\0",
        ] {
            assert!(PathPrefix::parse(bad).is_err(), "{bad:?}");
        }
    }
}
