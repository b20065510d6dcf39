//! The policies the benchmark runs the gateway with, written as native YAML files.
//!
//! - [`one_rule`]: `echo` allowed by one unconditional rule, everything else denied — the
//!   smallest policy that lets the measured call through.
//! - [`rate_limited`]: the same with a rate limit so high it never bites, so every call
//!   reserves a counter and settles it (what the state backends are measured with).
//! - [`sized`]: `n` tool entries, each with a conditional deny and a conditional allow under a
//!   rate limit, `echo` in the middle: how the per-call cost depends on the policy's size.

use std::fmt::Write as _;

/// A limit no benchmark reaches; calendar hours, so counters stay one number each.
const HIGH_LIMIT: &str = "{max: 1000000000, window: hour}";

pub fn one_rule() -> String {
    "version: \"1\"\n\
     description: toolgate-bench, one rule\n\
     default: deny\n\
     tools:\n  \
       echo:\n    \
         rules:\n      \
           - action: allow\n"
        .to_owned()
}

/// `add` allowed by one rule, everything else denied: the stdio peers section calls `add`,
/// whose result has an output schema (vellaveto-proxy blocks `structuredContent` of tools
/// that declare none, such as `echo`).
pub fn allow_add() -> String {
    one_rule()
        .replace("  echo:\n", "  add:\n")
        .replace("one rule", "one rule (add)")
}

pub fn rate_limited() -> String {
    format!(
        "version: \"1\"\n\
         description: toolgate-bench, one rate-limited rule\n\
         default: deny\n\
         tools:\n  \
           echo:\n    \
             rules:\n      \
               - name: echo calls\n        \
                 action: allow\n        \
                 rate_limit: {HIGH_LIMIT}\n"
    )
}

/// `tools` entries (at least 1); `echo` is the one in the middle.
pub fn sized(tools: usize) -> String {
    let tools = tools.max(1);
    let mut out = String::with_capacity(tools * 400);
    let _ = writeln!(out, "version: \"1\"");
    let _ = writeln!(
        out,
        "description: toolgate-bench, {tools} tools with conditions and rate limits"
    );
    out.push_str("default: deny\ntools:\n");
    let echo_at = tools / 2;
    for i in 0..tools {
        let name = if i == echo_at {
            "echo".to_owned()
        } else {
            format!("tool_{i:05}")
        };
        let _ = write!(
            out,
            "  {name}:\n    \
               rules:\n      \
                 - name: {name} blocked text\n        \
                   action: deny\n        \
                   when: [{{path: args.text, op: eq, value: \"blocked-{i}\"}}]\n        \
                   reason: blocked by the benchmark policy\n      \
                 - name: {name} calls\n        \
                   action: allow\n        \
                   when: [{{path: args.text, op: exists, value: true}}]\n        \
                   rate_limit: {HIGH_LIMIT}\n"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sized_policy_names_echo_once() {
        let p = sized(10);
        assert_eq!(p.matches("\n  echo:\n").count(), 1);
        assert_eq!(p.matches(" calls\n").count(), 10);
        assert!(sized(1).contains("\n  echo:\n"));
    }
}
