//! Redis key names of one store, and the text forms the scripts read.
//!
//! Every key starts with the configured prefix wrapped in a hash tag, `{toolgate}:`, so all
//! of a store's keys hash to one Redis Cluster slot and a script may touch any of them.
//! The caller's counter key comes last in a counter's name, after the window, so it may
//! hold any character (`:` included) and still be read back unambiguously.

use std::time::Duration;

use crate::accounting::{self, Prepared, calendar_bounds, rolling_micros};
use crate::error::StoreError;
use crate::types::{CalendarUnit, Window};

/// The prefix used when [`StoreOptions::key_prefix`](crate::StoreOptions) is `None`.
pub const DEFAULT_PREFIX: &str = "toolgate";

/// Longest prefix accepted (it is repeated in every key).
const MAX_PREFIX: usize = 128;

/// The key names of one store (one prefix).
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    /// The prefix as configured, without the braces.
    pub prefix: String,
    /// `{prefix}:c:` — counter hashes: `{prefix}:c:<window>:<key>`.
    pub counters: String,
    /// `{prefix}:l:` — rolling-window logs: `{prefix}:l:<window>:<key>`.
    pub logs: String,
    /// `{prefix}:r:` — reservations: `{prefix}:r:<id as 16 hex digits>`.
    pub reservations: String,
    /// `{prefix}:pending` — pending reservation ids by deadline.
    pub pending: String,
    /// `{prefix}:expired` — expired (refunded) reservation ids by when their windows close.
    pub expired: String,
}

impl Keys {
    /// Key names under `prefix` (`None`: [`DEFAULT_PREFIX`]), validated.
    pub fn new(prefix: Option<&str>) -> Result<Self, StoreError> {
        let prefix = prefix.unwrap_or(DEFAULT_PREFIX);
        let bad = |why: &str| {
            Err(StoreError::invalid(format!(
                "Redis key prefix {prefix:?} {why}; pick a short name such as \"toolgate\" or \"toolgate-prod\""
            )))
        };
        if prefix.is_empty() {
            return bad("is empty");
        }
        if prefix.len() > MAX_PREFIX {
            return bad(&format!("is longer than {MAX_PREFIX} bytes"));
        }
        if prefix.contains(['{', '}']) {
            return bad("contains `{` or `}`; the store wraps the prefix in a hash tag itself");
        }
        if prefix.chars().any(char::is_control) {
            return bad("contains a control character");
        }
        let tag = format!("{{{prefix}}}");
        Ok(Self {
            prefix: prefix.to_owned(),
            counters: format!("{tag}:c:"),
            logs: format!("{tag}:l:"),
            reservations: format!("{tag}:r:"),
            pending: format!("{tag}:pending"),
            expired: format!("{tag}:expired"),
        })
    }

    /// Every counter hash: `{prefix}:c:*`, glob characters escaped.
    pub fn counters_pattern(&self) -> String {
        format!("{}*", glob_escape(&self.counters))
    }

    /// The counter hash of (`key`, `window`) and where `key` starts in it (1-based, for Lua).
    pub fn counter(&self, key: &str, window: Window) -> (String, usize) {
        let head = format!("{}{}:", self.counters, accounting::encode_window(window));
        let off = head.len() + 1;
        (head + key, off)
    }

    /// The rolling log that goes with a counter hash.
    pub fn log_of(&self, counter: &str) -> String {
        format!(
            "{}{}",
            self.logs,
            counter.strip_prefix(&self.counters).unwrap_or(counter)
        )
    }

    /// A reservation's hash.
    pub fn reservation(&self, id: &str) -> String {
        format!("{}{id}", self.reservations)
    }

    /// The caller's key and the window of a counter hash name; `None` if this build did
    /// not write it.
    pub fn parse_counter(&self, name: &str) -> Option<(String, Window)> {
        let rest = name.strip_prefix(&self.counters)?;
        let (win_len, after) = match rest.strip_prefix("rolling:") {
            Some(r) => {
                let digits = r.find(':')?;
                ("rolling:".len() + digits, &r[digits + 1..])
            }
            None => {
                let end = rest.find(':')?;
                (end, &rest[end + 1..])
            }
        };
        let window = accounting::decode_window(&rest[..win_len])?;
        Some((after.to_owned(), window))
    }
}

/// The reservation id as it appears in key names and rolling-log members.
pub(crate) fn id_text(seq: u64) -> String {
    format!("{seq:016x}")
}

/// `kind|len`: what the scripts need to know about a counter's window.
pub(crate) fn window_arg(window: Window) -> String {
    let (kind, len) = kind_len(window);
    format!("{kind}|{len}")
}

fn kind_len(window: Window) -> (char, i64) {
    match window {
        Window::Calendar(unit) => ('c', unit_micros(unit)),
        Window::Rolling(d) => ('r', rolling_micros(d)),
    }
}

fn unit_micros(unit: CalendarUnit) -> i64 {
    rolling_micros(unit.duration())
}

/// A request as the reservation entry the scripts store: `kind|len|at|units|max|off|hkey`,
/// with `at` the calendar window's start (or `now` for a rolling window).
pub(crate) fn entry_arg(p: &Prepared, counter: &str, off: usize, now: i64) -> String {
    let (kind, len) = kind_len(p.window);
    let at = match p.window {
        Window::Calendar(unit) => calendar_bounds(unit, now).0,
        Window::Rolling(_) => now,
    };
    format!("{kind}|{len}|{at}|{}|{}|{off}|{counter}", p.units, p.max)
}

/// Escapes the characters Redis' glob (`SCAN MATCH`) treats specially.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '^') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How long after its logical end a key is kept: covers clock skew between gateways and
/// the gap between the gateway's clock and Redis' own expiry clock.
pub(crate) const GRACE: Duration = Duration::from_secs(60);

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Keys, glob_escape};
    use crate::types::{CalendarUnit, Window};

    #[test]
    fn counter_names_round_trip_any_key() {
        let keys = Keys::new(None).unwrap();
        for window in [
            Window::Calendar(CalendarUnit::Minute),
            Window::Calendar(CalendarUnit::Day),
            Window::Rolling(Duration::from_micros(1_500_000)),
        ] {
            for key in ["k", "rl:search:session:abc", "rolling:5:x", "", "ü:{x}"] {
                let (name, off) = keys.counter(key, window);
                assert!(name.starts_with("{toolgate}:c:"), "{name}");
                assert_eq!(&name[off - 1..], key);
                assert_eq!(keys.parse_counter(&name), Some((key.to_owned(), window)));
                assert!(keys.log_of(&name).starts_with("{toolgate}:l:"));
            }
        }
        assert_eq!(keys.parse_counter("{toolgate}:c:week:k"), None);
        assert_eq!(keys.parse_counter("{other}:c:day:k"), None);
    }

    #[test]
    fn prefixes_are_validated() {
        assert_eq!(Keys::new(Some("a-b")).unwrap().pending, "{a-b}:pending");
        for bad in ["", "a{b", "a}b", "a\nb"] {
            assert!(Keys::new(Some(bad)).is_err(), "{bad:?}");
        }
        assert!(Keys::new(Some(&"x".repeat(129))).is_err());
    }

    #[test]
    fn glob_characters_are_escaped() {
        assert_eq!(glob_escape("{a*b?[c]}:"), "{a\\*b\\?\\[c\\]}:");
        assert_eq!(
            Keys::new(Some("t*")).unwrap().counters_pattern(),
            "{t\\*}:c:*"
        );
    }
}
