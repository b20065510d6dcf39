//! Keeping secrets out of the log. A call's arguments are stored according to [`ArgsMode`];
//! in `redacted` mode every value at an operator-marked path (`requestBody.token`,
//! `items[].token`, `headers.*`), under a key that looks like a secret (`token`, `password`,
//! `api_key`, `Authorization`, … at any depth), or that looks like a credential itself
//! (`Bearer …`, `ghp_…`, a JWT, a URL with a password) is replaced by
//! `{"sha256": <salted hash>}`. The hash lets an investigator check "was it this value?"
//! without the log revealing it; the salt stops dictionary look-ups of short secrets.
//!
//! Runs on the writer thread, never on the caller's.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::AuditError;
use crate::record::ArgsMode;

const DOMAIN: &[u8] = b"toolgate-audit-args-v1\0";

/// Key fragments that mark a secret wherever they appear in a key (compared after
/// lower-casing and dropping everything but letters and digits).
const SECRET_KEY_PARTS: &[&str] = &[
    "token",
    "secret",
    "passw",
    "passphrase",
    "apikey",
    "authorization",
    "cookie",
    "privatekey",
    "credential",
    "accesskey",
    "sessionkey",
    "signingkey",
    "clientkey",
    "encryptionkey",
    "bearer",
];

/// Keys that are secrets only as a whole word.
const SECRET_KEYS_EXACT: &[&str] = &[
    "auth",
    "pwd",
    "pass",
    "pin",
    "otp",
    "key",
    "jwt",
    "sig",
    "signature",
    "ssn",
    "cvv",
    "cvc",
];

/// Prefixes of well-known credential formats.
const SECRET_VALUE_PREFIXES: &[&str] = &[
    "sk-",
    "sk_live_",
    "rk_live_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xoxa-",
    "xoxb-",
    "xoxp-",
    "xoxs-",
    "AKIA",
    "ASIA",
    "AIza",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    /// `*`: every member of an object.
    AnyKey,
    /// `[]` or `[*]`: every element of an array.
    Each,
    Index(usize),
}

/// Compiled argument-keeping rules; built once when the log opens.
#[derive(Debug, Clone)]
pub struct Redactor {
    mode: ArgsMode,
    paths: Vec<Vec<Seg>>,
    extra_keys: Vec<String>,
    detect: bool,
    salt: Vec<u8>,
}

impl Redactor {
    /// `paths` are relative to the arguments (a leading `args.` or `arguments.` is
    /// accepted); `extra_secret_keys` extend the built-in secret-looking key list;
    /// `detect_secrets` turns key- and value-based detection on (paths always apply).
    pub fn new(
        mode: ArgsMode,
        paths: &[String],
        extra_secret_keys: &[String],
        detect_secrets: bool,
        salt: Vec<u8>,
    ) -> Result<Self, AuditError> {
        let paths = paths
            .iter()
            .map(|p| parse_path(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Redactor {
            mode,
            paths,
            extra_keys: extra_secret_keys.iter().map(|k| normalise_key(k)).collect(),
            detect: detect_secrets,
            salt,
        })
    }

    pub fn mode(&self) -> ArgsMode {
        self.mode
    }

    /// What a record stores for `args`.
    pub fn apply(&self, args: Option<Value>) -> Option<Value> {
        let mut args = args?;
        // Sorted keys whatever serde_json's map type, so equal arguments give equal lines.
        args.sort_all_objects();
        match self.mode {
            ArgsMode::Full => Some(args),
            ArgsMode::None => None,
            ArgsMode::Hash => Some(self.marker(&args)),
            ArgsMode::Redacted => {
                let cursors: Vec<&[Seg]> = self.paths.iter().map(Vec::as_slice).collect();
                self.walk(&mut args, &cursors);
                Some(args)
            }
        }
    }

    /// SHA-256 over a domain tag, the salt and the value's canonical JSON (sorted keys).
    pub fn salted_hash(&self, v: &Value) -> String {
        let mut h = Sha256::new();
        h.update(DOMAIN);
        h.update((self.salt.len() as u64).to_be_bytes());
        h.update(&self.salt);
        let mut buf = Vec::with_capacity(64);
        toolgate_mcp::canonical::write(v, &mut buf);
        h.update(&buf);
        hex::encode(h.finalize())
    }

    fn marker(&self, v: &Value) -> Value {
        let mut m = Map::new();
        m.insert("sha256".into(), Value::String(self.salted_hash(v)));
        Value::Object(m)
    }

    /// One pass: a node is replaced when a marked path ends at it, when the key leading to
    /// it looks like a secret, or when it is a string that looks like a credential.
    fn walk(&self, v: &mut Value, cursors: &[&[Seg]]) {
        if cursors.iter().any(|c| c.is_empty())
            || (self.detect && v.as_str().is_some_and(looks_like_secret_value))
        {
            *v = self.marker(v);
            return;
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if self.is_secret_key(k, child) {
                        *child = self.marker(child);
                        continue;
                    }
                    let next: Vec<&[Seg]> = cursors
                        .iter()
                        .filter_map(|c| match &c[0] {
                            Seg::Key(name) if name == k => Some(&c[1..]),
                            Seg::AnyKey => Some(&c[1..]),
                            _ => None,
                        })
                        .collect();
                    self.walk(child, &next);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let next: Vec<&[Seg]> = cursors
                        .iter()
                        .filter_map(|c| match &c[0] {
                            Seg::Each => Some(&c[1..]),
                            Seg::Index(j) if *j == i => Some(&c[1..]),
                            _ => None,
                        })
                        .collect();
                    self.walk(child, &next);
                }
            }
            _ => {}
        }
    }

    fn is_secret_key(&self, key: &str, value: &Value) -> bool {
        let k = normalise_key(key);
        if k.is_empty() {
            return false;
        }
        if self
            .extra_keys
            .iter()
            .any(|e| !e.is_empty() && k.contains(e.as_str()))
        {
            return true;
        }
        if !self.detect {
            return false;
        }
        if SECRET_KEYS_EXACT.contains(&k.as_str()) {
            return true;
        }
        // `max_tokens: 1000`, `token_count: 3` are sizes, not credentials.
        if value.is_number() && (k.ends_with("tokens") || k.contains("count")) {
            return false;
        }
        SECRET_KEY_PARTS.iter().any(|p| k.contains(p))
    }
}

/// Lower-case letters and digits only: `X-Api-Key`, `api_key`, `apiKey` → `apikey`.
fn normalise_key(k: &str) -> String {
    k.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Strings that are credentials whatever key they sit under.
pub fn looks_like_secret_value(s: &str) -> bool {
    let t = s.trim();
    let lower_start = |p: &str| t.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    if (lower_start("bearer ") || lower_start("basic ")) && t.len() > 12 {
        return true;
    }
    if t.starts_with("-----BEGIN") && t.contains("PRIVATE KEY") {
        return true;
    }
    if t.len() >= 20 && SECRET_VALUE_PREFIXES.iter().any(|p| t.starts_with(p)) {
        return true;
    }
    // A JWT: three base64url parts, the first a JSON header (`eyJ` = `{"`).
    if t.starts_with("eyJ")
        && t.split('.').count() == 3
        && t.len() > 30
        && t.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'='))
    {
        return true;
    }
    // A URL with a password: `scheme://user:password@host`.
    if let Some(i) = t.find("://") {
        let authority = t[i + 3..].split(['/', '?', '#']).next().unwrap_or("");
        if let Some(at) = authority.rfind('@') {
            return authority[..at].contains(':');
        }
    }
    false
}

fn parse_path(path: &str) -> Result<Vec<Seg>, AuditError> {
    let bad = |problem: &str| AuditError::BadRedactionPath {
        path: path.to_string(),
        problem: problem.to_string(),
    };
    let p = path.trim();
    let p = p
        .strip_prefix("args.")
        .or_else(|| p.strip_prefix("arguments."))
        .unwrap_or(p);
    if p.is_empty() {
        return Err(bad("empty path"));
    }
    let mut segs = Vec::new();
    for part in p.split('.') {
        let (name, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if name.is_empty() && rest.is_empty() {
            return Err(bad("empty segment (two dots in a row, or a dot at an end)"));
        }
        if name.contains(']') {
            return Err(bad("`]` without a matching `[`"));
        }
        match name {
            "" => {}
            "*" => segs.push(Seg::AnyKey),
            n => segs.push(Seg::Key(n.to_string())),
        }
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| bad("`[` without a matching `]`"))?;
            let inner = &rest[1..close];
            segs.push(match inner {
                "" | "*" => Seg::Each,
                n => Seg::Index(
                    n.parse()
                        .map_err(|_| bad("write `[]` for every element or `[N]` for one"))?,
                ),
            });
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad("expected `.` or `[` after `]`"));
            }
        }
    }
    Ok(segs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redactor(paths: &[&str]) -> Redactor {
        let paths: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
        Redactor::new(ArgsMode::Redacted, &paths, &[], true, b"salt".to_vec()).unwrap()
    }

    #[test]
    fn marked_paths_and_secret_keys_are_hashed() {
        let r = redactor(&["requestBody.code", "items[].value", "args.list[1]"]);
        let out = r
            .apply(Some(json!({
                "requestBody": {"code": "c0de", "keep": 1},
                "items": [{"value": "v1", "name": "a"}, {"value": "v2"}],
                "list": ["x", "y"],
                "nested": {"deeper": {"X-Api-Key": "k", "refresh_token": "t", "max_tokens": 5}},
                "note": "Bearer abcdefghijklmnop",
                "db": "postgres://u:pw@db/x",
            })))
            .unwrap();
        let text = out.to_string();
        for secret in [
            "c0de",
            "\"v1\"",
            "\"v2\"",
            "\"y\"",
            "\"k\"",
            "\"t\"",
            "abcdefghijklmnop",
            "pw@",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(out["requestBody"]["keep"], 1);
        assert_eq!(out["items"][0]["name"], "a");
        assert_eq!(out["list"][0], "x");
        assert_eq!(out["nested"]["deeper"]["max_tokens"], 5);
        assert_eq!(
            out["requestBody"]["code"]["sha256"],
            json!(r.salted_hash(&json!("c0de")))
        );
    }

    #[test]
    fn hash_is_independent_of_key_order_and_depends_on_salt() {
        let r = redactor(&[]);
        let a = r.salted_hash(&json!({"a": 1, "b": [true, null]}));
        let b = r.salted_hash(&serde_json::from_str(r#"{"b":[true,null],"a":1}"#).unwrap());
        assert_eq!(a, b);
        let other = Redactor::new(ArgsMode::Hash, &[], &[], true, b"pepper".to_vec()).unwrap();
        assert_ne!(other.salted_hash(&json!({"a": 1, "b": [true, null]})), a);
    }

    #[test]
    fn modes() {
        let args = json!({"password": "hunter2", "q": 1});
        let make = |m| Redactor::new(m, &[], &[], true, vec![]).unwrap();
        assert_eq!(
            make(ArgsMode::Full).apply(Some(args.clone())),
            Some(args.clone())
        );
        assert_eq!(make(ArgsMode::None).apply(Some(args.clone())), None);
        let hashed = make(ArgsMode::Hash).apply(Some(args.clone())).unwrap();
        assert_eq!(hashed.as_object().unwrap().len(), 1);
        assert!(!hashed.to_string().contains("hunter2"));
    }

    #[test]
    fn value_detection_is_safe_on_any_text() {
        // Regression: slicing at a byte count inside a multi-byte character panicked.
        for s in [
            "béarer token",
            "ß",
            "bearé",
            "日本語のテキスト",
            "://@",
            "a://b:c@",
            "",
        ] {
            let _ = looks_like_secret_value(s);
        }
        assert!(looks_like_secret_value("BEARER abcdefghijkl"));
        assert!(looks_like_secret_value("https://user:pw@example.com/x"));
        assert!(!looks_like_secret_value("https://example.com/a@b"));
        assert!(looks_like_secret_value("ghp_0123456789abcdefghijklmnop"));
        assert!(!looks_like_secret_value("ghp_short"));
        assert!(looks_like_secret_value(
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZw"
        ));
    }

    #[test]
    fn bad_paths_are_refused() {
        for p in ["", "a..b", "a[", "a[x]", "a]b", "a[]b"] {
            assert!(parse_path(p).is_err(), "{p:?} accepted");
        }
        assert_eq!(
            parse_path("a[][2].*").unwrap(),
            vec![Seg::Key("a".into()), Seg::Each, Seg::Index(2), Seg::AnyKey]
        );
    }

    #[test]
    fn extra_keys_and_detection_switch() {
        let r = Redactor::new(
            ArgsMode::Redacted,
            &[],
            &["customerRef".into()],
            false,
            vec![],
        )
        .unwrap();
        let out = r
            .apply(Some(json!({"customer_ref": "c-1", "password": "p"})))
            .unwrap();
        assert!(out["customer_ref"].get("sha256").is_some());
        assert_eq!(
            out["password"], "p",
            "detection off keeps secret-looking keys"
        );
    }
}
