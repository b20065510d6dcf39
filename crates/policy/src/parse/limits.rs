//! Rate limits, spend caps and PolicyLayer `limits` entries → [`Limit`].

use std::num::NonZeroU64;

use crate::diagnostics::Diagnostics;
use crate::model::{Amount, CalendarUnit, Limit, LimitStyle, Scope, Window};
use crate::parse::reader::{MapReader, number, string, word};
use crate::path::ArgPath;
use crate::source::{Node, NodeKind};

const WINDOW_WORDS: &[&str] = &["second", "minute", "hour", "day"];
const SCOPE_WORDS: &[&str] = &["session", "grant", "tool", "global"];

/// `rate_limit: 30/minute` or `rate_limit: {max: 30, window: 60}`.
pub fn rate_limit(node: &Node, scope: Scope, diags: &mut Diagnostics) -> Option<Limit> {
    let (max, window) = match &node.kind {
        NodeKind::Str(s) => rate_string(s, node, diags)?,
        NodeKind::Map(_) => {
            let mut m = MapReader::new(node, "rate_limit", &["max", "window", "algorithm"], diags)?;
            let max = m.get("max");
            let window_node = m.get("window");
            let algorithm = m.get("algorithm");
            m.finish(diags);
            let max = match max {
                Some(n) => count_max(n, "rate_limit.max", diags),
                None => {
                    diags.error_hint(
                        node.pos,
                        "rate_limit needs `max`",
                        "e.g. `rate_limit: {max: 30, window: minute}` or `rate_limit: 30/minute`",
                    );
                    None
                }
            };
            let window = match window_node {
                Some(w) => window(w, diags).and_then(|w| apply_algorithm(w, algorithm, diags)),
                None => {
                    diags.error_hint(
                        node.pos,
                        "rate_limit needs `window`",
                        "seconds (e.g. `60`) or one of minute, hour, day",
                    );
                    None
                }
            };
            (max?, window?)
        }
        _ => {
            diags.error_hint(
                node.pos,
                format!(
                    "rate_limit must be a string or a mapping, found {}",
                    node.type_name()
                ),
                "e.g. `rate_limit: 30/minute`",
            );
            return None;
        }
    };
    Some(Limit {
        counter: None,
        amount: Amount::Fixed(1.0),
        max,
        window,
        scope,
        style: LimitStyle::RateLimit,
    })
}

fn rate_string(s: &str, node: &Node, diags: &mut Diagnostics) -> Option<(f64, Window)> {
    let hint = "write it as `N/unit` with unit second, minute, hour or day, e.g. `30/minute`";
    let Some((count, unit)) = s.split_once('/') else {
        diags.error_hint(node.pos, format!("rate_limit `{s}` is not `N/unit`"), hint);
        return None;
    };
    let count = count.trim();
    let max = match count.parse::<u64>() {
        Ok(0) => {
            diags.error_hint(
                node.pos,
                "rate_limit of 0 never allows a call",
                "use `action: deny` to block the tool",
            );
            return None;
        }
        Ok(n) => n as f64,
        Err(_) => {
            diags.error_hint(
                node.pos,
                format!("rate_limit count `{count}` is not a positive whole number"),
                hint,
            );
            return None;
        }
    };
    let Some(window) = unit_window(unit.trim()) else {
        diags.error_hint(
            node.pos,
            format!("`{}` is not a valid rate_limit unit", unit.trim()),
            "allowed: second, minute, hour, day",
        );
        return None;
    };
    Some((max, window))
}

fn unit_window(unit: &str) -> Option<Window> {
    let unit = unit.to_ascii_lowercase();
    Some(match unit.as_str() {
        "s" | "sec" | "second" | "seconds" => Window::Rolling(NonZeroU64::MIN),
        "m" | "min" | "minute" | "minutes" => Window::Calendar(CalendarUnit::Minute),
        "h" | "hr" | "hour" | "hours" => Window::Calendar(CalendarUnit::Hour),
        "d" | "day" | "days" => Window::Calendar(CalendarUnit::Day),
        _ => return None,
    })
}

/// A window: whole seconds (sliding) or minute|hour|day (UTC calendar-aligned).
pub fn window(node: &Node, diags: &mut Diagnostics) -> Option<Window> {
    match &node.kind {
        NodeKind::Number(n) => match n.as_u64() {
            Some(0) => {
                diags.error(node.pos, "window must be at least 1 second");
                None
            }
            Some(secs) => Some(Window::Rolling(NonZeroU64::new(secs)?)),
            None => {
                diags.error_hint(
                    node.pos,
                    format!("window `{n}` is not a positive whole number of seconds"),
                    "use seconds (e.g. `60`) or one of minute, hour, day",
                );
                None
            }
        },
        NodeKind::Str(s) => {
            if let Some(w) = unit_window(s).filter(|_| s != "s" && s != "m") {
                return Some(w);
            }
            let w = word(node, "window", WINDOW_WORDS, diags)?;
            unit_window(w)
        }
        _ => {
            diags.error_hint(
                node.pos,
                format!(
                    "window must be seconds or a unit, found {}",
                    node.type_name()
                ),
                "use seconds (e.g. `60`) or one of minute, hour, day",
            );
            None
        }
    }
}

/// `algorithm: sliding` turns a calendar unit into a sliding window of the same length (no
/// double burst at the boundary); `fixed` keeps calendar windows. Windows in seconds always
/// slide.
fn apply_algorithm(w: Window, algorithm: Option<&Node>, diags: &mut Diagnostics) -> Option<Window> {
    let Some(node) = algorithm else {
        return Some(w);
    };
    match (word(node, "algorithm", &["fixed", "sliding"], diags)?, w) {
        ("sliding", Window::Calendar(unit)) => Some(Window::Rolling(
            NonZeroU64::new(unit.seconds()).unwrap_or(NonZeroU64::MIN),
        )),
        ("fixed", Window::Rolling(_)) => {
            diags.error_hint(
                node.pos,
                "a window in seconds always slides",
                "use `window: minute`, `hour` or `day` for fixed calendar windows",
            );
            None
        }
        _ => Some(w),
    }
}

pub fn scope(node: &Node, diags: &mut Diagnostics) -> Option<Scope> {
    let scope = word(node, "scope", SCOPE_WORDS, diags).and_then(Scope::parse);
    if scope == Some(Scope::Session) {
        diags.warning_hint(
            node.pos,
            "a caller can reset a `scope: session` limit by opening a new session (over HTTP, at will)",
            "use `scope: grant` (per identity, the default) unless a reset per session is what you want",
        );
    }
    scope
}

/// A limit's maximum call count: a whole number ≥ 1.
fn count_max(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<f64> {
    let n = positive_max(node, what, diags)?;
    if n.fract() != 0.0 {
        diags.error(node.pos, format!("{what} must be a whole number of calls"));
        return None;
    }
    Some(n)
}

/// A positive, finite maximum.
fn positive_max(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<f64> {
    let n = number(node, what, diags)?;
    if n == 0.0 {
        diags.error_hint(
            node.pos,
            format!("{what} is 0, so no call could ever pass"),
            "use `action: deny` to block the tool, or a positive maximum",
        );
        return None;
    }
    if n < 0.0 {
        diags.error(node.pos, format!("{what} must be positive, found {n}"));
        return None;
    }
    Some(n)
}

/// `spend: {counter, from: args.amount, max, window, scope}`.
pub fn spend(node: &Node, rule_scope: Scope, diags: &mut Diagnostics) -> Option<Limit> {
    let mut m = MapReader::new(
        node,
        "spend",
        &["counter", "from", "max", "window", "scope", "algorithm"],
        diags,
    )?;
    let algorithm = m.get("algorithm");
    let counter = m
        .get("counter")
        .and_then(|n| string(n, "spend.counter", diags));
    let from = m.get("from");
    let max = m.get("max");
    let win = m.get("window");
    let sc = m.get("scope");
    m.finish(diags);
    let from = match from {
        Some(f) => arg_path(f, "spend.from", diags),
        None => {
            diags.error_hint(
                node.pos,
                "spend needs `from`",
                "name the argument that holds the amount, e.g. `from: args.amount`",
            );
            None
        }
    };
    let max = require(max, node, "spend needs `max`", diags)
        .and_then(|n| positive_max(n, "spend.max", diags));
    let window = require(win, node, "spend needs `window`", diags)
        .and_then(|w| window(w, diags))
        .and_then(|w| apply_algorithm(w, algorithm, diags));
    let scope = match sc {
        Some(s) => scope(s, diags),
        None => Some(rule_scope),
    };
    Some(Limit {
        counter,
        amount: Amount::FromArg(from?),
        max: max?,
        window: window?,
        scope: scope?,
        style: LimitStyle::Spend,
    })
}

/// One PolicyLayer-style `limits[]` entry: `{counter, window, max, scope, from?}`.
pub fn limit_entry(node: &Node, diags: &mut Diagnostics) -> Option<Limit> {
    let mut m = MapReader::new(
        node,
        "a limits entry",
        &[
            "counter",
            "window",
            "max",
            "scope",
            "from",
            "amount",
            "algorithm",
        ],
        diags,
    )?;
    let algorithm = m.get("algorithm");
    let counter = m.get("counter").and_then(|n| string(n, "counter", diags));
    let win = m.get("window");
    let max = m.get("max");
    let sc = m.get("scope");
    let from = m.get("from");
    let fixed = m.get("amount");
    m.finish(diags);
    let amount = match (from, fixed) {
        (Some(_), Some(a)) => {
            diags.error(a.pos, "give either `from` or `amount`, not both");
            return None;
        }
        (Some(f), None) => Amount::FromArg(arg_path(f, "from", diags)?),
        (None, Some(a)) => {
            let n = number(a, "amount", diags)?;
            if n < 0.0 {
                diags.error(a.pos, "amount must not be negative");
                return None;
            }
            Amount::Fixed(n)
        }
        (None, None) => Amount::Fixed(1.0),
    };
    let max = require(max, node, "a limit needs `max`", diags).and_then(|n| match amount {
        Amount::Fixed(1.0) => count_max(n, "max", diags),
        _ => positive_max(n, "max", diags),
    });
    let window = require(win, node, "a limit needs `window`", diags)
        .and_then(|w| window(w, diags))
        .and_then(|w| apply_algorithm(w, algorithm, diags));
    let scope = match sc {
        Some(s) => scope(s, diags),
        None => Some(Scope::default()),
    };
    Some(Limit {
        counter,
        amount,
        max: max?,
        window: window?,
        scope: scope?,
        style: LimitStyle::List,
    })
}

/// Intercept's `state: {counter, window, increment | increment_from}`, limited by a
/// condition `state.<tool>.<counter> lte N` in the same rule.
pub struct StateCounter {
    pub counter: String,
    pub window: Window,
    pub amount: Amount,
}

pub fn state_counter(node: &Node, diags: &mut Diagnostics) -> Option<StateCounter> {
    let mut m = MapReader::new(
        node,
        "state",
        &["counter", "window", "increment", "increment_from"],
        diags,
    )?;
    let counter = require(m.get("counter"), node, "state needs `counter`", diags)
        .and_then(|n| string(n, "state.counter", diags));
    let win = require(m.get("window"), node, "state needs `window`", diags)
        .and_then(|w| window(w, diags));
    let inc = m.get("increment");
    let inc_from = m.get("increment_from");
    m.finish(diags);
    let amount = match (inc, inc_from) {
        (Some(_), Some(f)) => {
            diags.error(
                f.pos,
                "use either `increment` or `increment_from`, not both",
            );
            return None;
        }
        (None, Some(f)) => Amount::FromArg(arg_path(f, "state.increment_from", diags)?),
        (Some(i), None) => {
            let n = number(i, "state.increment", diags)?;
            if n < 0.0 {
                diags.error(i.pos, "state.increment must not be negative");
                return None;
            }
            Amount::Fixed(n)
        }
        (None, None) => Amount::Fixed(1.0),
    };
    Some(StateCounter {
        counter: counter?,
        window: win?,
        amount,
    })
}

pub fn arg_path(node: &Node, what: &str, diags: &mut Diagnostics) -> Option<ArgPath> {
    let s = string(node, what, diags)?;
    match ArgPath::parse(&s) {
        Ok(p) if p.has_each() => {
            diags.error_hint(
                node.pos,
                format!("{what}: `{p}` names many values; an amount needs one"),
                "use an index such as `[0]` instead of `[*]`",
            );
            None
        }
        Ok(p) => Some(p),
        Err(e) => {
            diags.error(node.pos, format!("{what}: {e}"));
            None
        }
    }
}

fn require<'n>(
    node: Option<&'n Node>,
    parent: &Node,
    message: &str,
    diags: &mut Diagnostics,
) -> Option<&'n Node> {
    if node.is_none() {
        diags.error(parent.pos, message.to_owned());
    }
    node
}
