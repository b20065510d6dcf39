//! The metrics the gateway exports on `/metrics` (Prometheus text), in one place so their
//! names and labels stay consistent.
//!
//! Labels never carry what the agent chooses freely: a tool the policy doesn't name is
//! counted as `tool="*"`, so calling random tool names can't blow up the series count.

use std::time::Duration;

use metrics::{counter, gauge, histogram};

pub fn decision(tool_label: &str, verdict: &str, identity: &str, took: Duration) {
    counter!("toolgate_calls_total", "tool" => tool_label.to_owned(), "verdict" => verdict.to_owned(), "identity" => identity.to_owned())
        .increment(1);
    histogram!("toolgate_decision_seconds").record(took.as_secs_f64());
}

pub fn upstream(tool_label: &str, outcome: &str, took: Duration) {
    histogram!("toolgate_upstream_seconds", "tool" => tool_label.to_owned())
        .record(took.as_secs_f64());
    counter!("toolgate_outcomes_total", "tool" => tool_label.to_owned(), "outcome" => outcome.to_owned())
        .increment(1);
}

pub fn limit_hit(counter_name: &str) {
    counter!("toolgate_limits_hit_total", "counter" => counter_name.to_owned()).increment(1);
}

pub fn store_error() {
    counter!("toolgate_store_errors_total").increment(1);
}

pub fn refused_message(direction: &'static str) {
    counter!("toolgate_refused_messages_total", "direction" => direction).increment(1);
}

pub fn approvals_pending(n: f64) {
    gauge!("toolgate_approvals_pending").set(n);
}
