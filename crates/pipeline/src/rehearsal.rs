//! Calls decided offline exactly as a session decides them, counters included, with no
//! server and no person: `toolgate policy test` runs a cases file through it.
//!
//! Each call goes through the steps of the pipeline that need neither: numbers a server
//! could read as another value are refused, the policy decides, and the decision's counters
//! are reserved in a memory store on a clock the caller moves. An allowed call is then
//! committed as if the server had answered; an `approve` verdict is reported after its
//! counters were reserved (the pipeline asks a person only once limits let the call through)
//! and, like a held call that is refused, gives them back.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;
use toolgate_clock::ManualClock;
use toolgate_policy::{CallContext, CompiledPolicy, Decision, Verdict};
use toolgate_state::{MemoryStore, ReserveOutcome, Settlement, StateStore};

use crate::intercept::{counter_requests, limit_reason};

/// What the gateway would do with one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// `allow`, `approve`, `deny`, `invalid_arguments`, `rate_limited` or `unknown_tool`:
    /// the verdict, or the refusal's kind as the agent would read it.
    pub outcome: &'static str,
    /// The deciding rule's label (`name`, or `entry#N`); none for the default and hidden
    /// tools.
    pub rule: Option<String>,
    pub reason: Option<String>,
}

/// A policy, a counter store and a clock, for calls in sequence.
pub struct Rehearsal {
    policy: CompiledPolicy,
    store: MemoryStore,
    clock: Arc<ManualClock>,
}

impl Rehearsal {
    /// Starts with empty counters at `start` (windows are aligned to it as they would be).
    pub fn new(policy: CompiledPolicy, start: SystemTime) -> Rehearsal {
        let clock = Arc::new(ManualClock::new(start));
        Rehearsal {
            policy,
            store: MemoryStore::new(clock.clone()),
            clock,
        }
    }

    pub fn policy(&self) -> &CompiledPolicy {
        &self.policy
    }

    /// Lets time pass (windows roll, counters fall out of rolling windows).
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Judges one call. `raw_args` is the arguments' JSON text as the agent would send it,
    /// so inexact numbers are refused as the gateway refuses them.
    pub async fn call(
        &self,
        identity: &str,
        session: &str,
        tool: &str,
        raw_args: &str,
    ) -> Result<Judgement, String> {
        if let Some(n) = toolgate_mcp::numbers::first_inexact_number(raw_args.as_bytes()) {
            return Ok(Judgement {
                outcome: "invalid_arguments",
                rule: None,
                reason: Some(format!(
                    "number {n} is not exactly the value toolgate reads it as"
                )),
            });
        }
        let args: Value = match serde_json::from_str(raw_args) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => return Err("the arguments must be a JSON object".into()),
            Err(e) => return Err(format!("the arguments are not valid JSON: {e}")),
        };
        let decision = self.policy.decide(&CallContext {
            tool,
            args: &args,
            identity,
            session,
            groups: self.policy.groups_of(identity),
        });
        self.admit(decision).await
    }

    async fn admit(&self, d: Decision) -> Result<Judgement, String> {
        let rule = d.rule.as_ref().map(|r| r.label());
        let (outcome, reason) = match &d.verdict {
            Verdict::Deny { kind, reason } => {
                return Ok(Judgement {
                    outcome: kind.as_str(),
                    rule,
                    reason: Some(reason.clone()),
                });
            }
            Verdict::UnknownTool => {
                return Ok(Judgement {
                    outcome: "unknown_tool",
                    rule,
                    reason: None,
                });
            }
            Verdict::Allow => ("allow", None),
            Verdict::Approve { reason, .. } => ("approve", reason.as_deref().map(str::to_owned)),
        };
        if !d.reservations.is_empty() {
            let settle_as = if outcome == "allow" {
                Settlement::Commit
            } else {
                Settlement::Refund
            };
            match self.store.reserve(&counter_requests(&d)).await {
                Ok(ReserveOutcome::Granted(res)) => {
                    self.store
                        .settle(&res, settle_as)
                        .await
                        .map_err(|e| format!("the memory counter store failed: {e}"))?;
                }
                Ok(ReserveOutcome::Limited(l)) => {
                    let r = &d.reservations[l.index.min(d.reservations.len() - 1)];
                    return Ok(Judgement {
                        outcome: "rate_limited",
                        rule,
                        reason: Some(limit_reason(r, l.used)),
                    });
                }
                Err(e) => return Err(format!("the memory counter store failed: {e}")),
            }
        }
        Ok(Judgement {
            outcome,
            rule,
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rehearsal(yaml: &str) -> Rehearsal {
        let loaded = toolgate_policy::load(yaml, "test.yaml").expect("valid policy");
        Rehearsal::new(
            CompiledPolicy::new(loaded.policy),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000),
        )
    }

    #[tokio::test]
    async fn a_limit_counts_allowed_calls_and_rolls_with_the_clock() {
        let r = rehearsal(
            "version: \"1\"\ndefault: deny\ntools:\n  echo:\n    rules:\n      - name: three a minute\n        action: allow\n        rate_limit: 3/minute\n",
        );
        for _ in 0..3 {
            let j = r.call("alice", "s", "echo", "{}").await.unwrap();
            assert_eq!(j.outcome, "allow");
        }
        let j = r.call("alice", "s", "echo", "{}").await.unwrap();
        assert_eq!(j.outcome, "rate_limited", "{j:?}");
        assert_eq!(j.rule.as_deref(), Some("three a minute"));
        // Another identity has its own counter (scope grant by default).
        assert_eq!(
            r.call("bob", "s", "echo", "{}").await.unwrap().outcome,
            "allow"
        );
        r.advance(Duration::from_secs(60));
        assert_eq!(
            r.call("alice", "s", "echo", "{}").await.unwrap().outcome,
            "allow"
        );
    }

    #[tokio::test]
    async fn deny_unknown_and_inexact_numbers_are_reported_as_the_agent_would_read_them() {
        let r = rehearsal(
            "version: \"1\"\ndefault: deny\nhide: [secret]\ntools:\n  pay:\n    rules:\n      - action: deny\n        when: [{path: args.amount, op: gt, value: 100}]\n        reason: too much\n      - action: allow\n",
        );
        let j = r.call("a", "s", "pay", r#"{"amount": 500}"#).await.unwrap();
        assert_eq!((j.outcome, j.rule.as_deref()), ("deny", Some("pay#1")));
        assert_eq!(j.reason.as_deref(), Some("too much"));
        assert_eq!(
            r.call("a", "s", "secret", "{}").await.unwrap().outcome,
            "unknown_tool"
        );
        let j = r
            .call("a", "s", "pay", r#"{"amount": 100.00000000000000001}"#)
            .await
            .unwrap();
        assert_eq!(j.outcome, "invalid_arguments");
        assert!(r.call("a", "s", "pay", "[1]").await.is_err());
    }
}
