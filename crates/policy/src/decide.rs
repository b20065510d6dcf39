//! The pure evaluator: one call in, one [`Decision`] out. No I/O, no clock, no randomness.
//!
//! 1. A hidden tool is an unknown tool, before anything else.
//! 2. **Grant gate.** When the policy has a `grants` section (even an empty one), the call
//!    is denied unless a grant that applies to the caller opens the tool (lists it, by name
//!    or glob, in `tools`). A grant applies when its `to` names the caller's identity, one of
//!    the caller's groups (`group:NAME`), or `*` (any caller with a non-empty identity). The
//!    denial reads "identity `bob` has no grant for tool `createRefund`" and has no rule.
//! 3. **Reading order:** the rules of the applicable grants for this tool (grants in file
//!    order; within a grant, its `rules` entries whose name or glob matches the tool, in file
//!    order), then the tool's own rules, then the `*` rules. So a grant can narrow a tool for
//!    its callers (a spend cap, a condition, a deny) before the tool's own rules are read.
//! 4. An `evaluate` rule is a check (fails → deny; passes → its limits are counted and
//!    reading goes on). The first `allow`, `deny` or `approve` whose conditions hold decides.
//! 5. When nothing decides, a tool with its own entry, or opened by an applicable grant, is
//!    allowed; any other tool gets the policy's `default`. So a grant can also open a tool
//!    the base policy would deny by default. An entry with no rules is an explicit listing:
//!    the `*` rules that would decide against it (`deny`, `approve`) are skipped; `*` checks
//!    and an `allow`'s limits still apply.
//!
//! Without a `grants` section, steps 2 and 3's grant part do nothing: the policy means
//! exactly what it meant before grants existed.

use std::sync::Arc;

use serde_json::Value;

use crate::access::Caller;
use crate::compile::{CompiledPolicy, CompiledRule, RuleRef};
use crate::conditions::{Quantifier, holds_quantified, type_name};
use crate::model::{Action, Amount, Approval, DefaultAction, Scope, Window};

/// Everything the evaluator may look at.
#[derive(Debug, Clone, Copy)]
pub struct CallContext<'a> {
    pub tool: &'a str,
    /// The call's `arguments` (an object; `{}` when absent).
    pub args: &'a Value,
    /// Who is calling. Empty means nobody was authenticated: no grant applies.
    pub identity: &'a str,
    pub session: &'a str,
    /// The caller's groups (from the identity's entry in `identities`, or a JWT's groups
    /// claim; the gateway fills it). `&[]` when none are known.
    pub groups: &'a [Arc<str>],
}

impl CallContext<'_> {
    fn caller(&self) -> Caller<'_> {
        Caller {
            identity: self.identity,
            groups: self.groups,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Allow,
    /// A person must approve before the call is forwarded.
    Approve {
        reason: Option<Arc<str>>,
        /// Who approves, how long the call waits, what an approval covers.
        approval: Arc<Approval>,
    },
    Deny {
        kind: DenyKind,
        reason: String,
    },
    /// Hidden: answer as if the tool did not exist (`-32602`).
    UnknownTool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyKind {
    /// A rule or the default denied the call.
    Policy,
    /// The arguments can't be judged (wrong type for a comparison, bad spend amount).
    InvalidArguments,
}

impl DenyKind {
    /// The `kind` reported in `_meta["dev.toolgate/decision"]`.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyKind::Policy => "deny",
            DenyKind::InvalidArguments => "invalid_arguments",
        }
    }
}

/// A counter the gateway must reserve (all of a decision's, atomically) before forwarding.
#[derive(Debug, Clone, PartialEq)]
pub struct Reservation {
    /// Storage key: counter id plus scope subject, e.g. `refunds_today|grant:alice`.
    pub key: String,
    pub counter: Arc<str>,
    pub amount: f64,
    pub max: f64,
    pub window: Window,
    pub scope: Scope,
    pub rule: RuleRef,
    /// The rule's reason, reported when the limit is hit.
    pub reason: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The rule that decided; `None` for hidden tools and the default.
    pub rule: Option<RuleRef>,
    /// Every rule that passed or decided, in reading order.
    pub matched: Vec<RuleRef>,
    /// Only for Allow and Approve.
    pub reservations: Vec<Reservation>,
    /// The deciding rule says: give every counter back if the tool answers `isError: true`.
    pub refund_on_error: bool,
}

impl Decision {
    fn deny(kind: DenyKind, reason: String, rule: Option<RuleRef>, matched: Vec<RuleRef>) -> Self {
        Decision {
            verdict: Verdict::Deny { kind, reason },
            rule,
            matched,
            reservations: Vec::new(),
            refund_on_error: false,
        }
    }
}

impl CompiledPolicy {
    pub fn decide(&self, call: &CallContext<'_>) -> Decision {
        if self.is_hidden(call.tool) {
            return Decision {
                verdict: Verdict::UnknownTool,
                rule: None,
                matched: Vec::new(),
                reservations: Vec::new(),
                refund_on_error: false,
            };
        }
        let caller = Some(call.caller());
        let opened = self.opened(call.tool, caller);
        if self.grants.is_some() && !opened {
            let who = if call.identity.is_empty() {
                "an unauthenticated caller".to_owned()
            } else {
                format!("identity `{}`", call.identity)
            };
            return Decision::deny(
                DenyKind::Policy,
                format!("{who} has no grant for tool `{}`", call.tool),
                None,
                Vec::new(),
            );
        }
        let own = self.entries.get(call.tool);
        let chain = self.chain(call.tool, caller);
        let mut matched = Vec::new();
        let mut reservations = Vec::new();
        for r in chain {
            let all_hold = match conditions_hold(r, call.args) {
                Ok(h) => h,
                Err(message) => {
                    return Decision::deny(
                        DenyKind::InvalidArguments,
                        message,
                        Some(r.rule.clone()),
                        matched,
                    );
                }
            };
            match (r.action, all_hold) {
                (Action::Evaluate, Err(failed)) => {
                    let reason = match &r.reason {
                        Some(reason) => reason.to_string(),
                        None => format!(
                            "condition `{failed}` of rule `{}` is not met",
                            r.rule.label()
                        ),
                    };
                    return Decision::deny(DenyKind::Policy, reason, Some(r.rule.clone()), matched);
                }
                (_, Err(_)) => continue,
                (Action::Deny, Ok(())) => {
                    let reason = match &r.reason {
                        Some(reason) => reason.to_string(),
                        None => format!("`{}` is denied by rule `{}`", call.tool, r.rule.label()),
                    };
                    matched.push(r.rule.clone());
                    return Decision::deny(DenyKind::Policy, reason, Some(r.rule.clone()), matched);
                }
                (action, Ok(())) => {
                    if let Err(message) = reserve(r, call, &mut reservations) {
                        return Decision::deny(
                            DenyKind::InvalidArguments,
                            message,
                            Some(r.rule.clone()),
                            matched,
                        );
                    }
                    matched.push(r.rule.clone());
                    let verdict = match action {
                        Action::Allow => Verdict::Allow,
                        Action::Approve => Verdict::Approve {
                            reason: r.reason.clone(),
                            approval: r.approval.clone(),
                        },
                        Action::Evaluate | Action::Deny => continue,
                    };
                    return Decision {
                        verdict,
                        rule: Some(r.rule.clone()),
                        matched,
                        reservations,
                        refund_on_error: r.refund_on_error,
                    };
                }
            }
        }
        if own.is_some() || opened || self.default == DefaultAction::Allow {
            return Decision {
                verdict: Verdict::Allow,
                rule: None,
                matched,
                reservations,
                refund_on_error: false,
            };
        }
        Decision::deny(
            DenyKind::Policy,
            format!(
                "`{}` is not allowed by this policy (default: deny)",
                call.tool
            ),
            None,
            matched,
        )
    }
}

/// `Ok(Ok(()))` when every condition holds, `Ok(Err(text))` naming the first that does not,
/// `Err(message)` when an argument's type makes a condition impossible to judge.
///
/// A condition over `[*]` is read so that a list can never widen what the policy allows: a
/// rule whose holding restricts the call (`deny`, `approve`) holds when **any** element
/// matches; a rule whose holding lets the call on (`allow`, and an `evaluate` check, which
/// denies when it fails) holds only when **all** elements match. Neither holds for an empty
/// list.
fn conditions_hold(r: &CompiledRule, args: &Value) -> Result<Result<(), String>, String> {
    let q = match r.action {
        Action::Deny | Action::Approve => Quantifier::Any,
        Action::Allow | Action::Evaluate => Quantifier::All,
    };
    for c in &r.when {
        match holds_quantified(c, args, q) {
            Ok(true) => {}
            Ok(false) => {
                let text = match &c.value {
                    Some(v) => format!("{} {} {v}", c.path, c.op.as_str()),
                    None => format!("{} {}", c.path, c.op.as_str()),
                };
                return Ok(Err(text));
            }
            Err(m) => return Err(m.message),
        }
    }
    Ok(Ok(()))
}

fn reserve(
    r: &CompiledRule,
    call: &CallContext<'_>,
    out: &mut Vec<Reservation>,
) -> Result<(), String> {
    for l in &r.limits {
        let amount = match &l.amount {
            Amount::Fixed(a) => *a,
            Amount::FromArg(path) => match path.lookup(call.args) {
                Some(Value::Number(n)) => match n.as_f64() {
                    Some(a) if a.is_finite() && a >= 0.0 => a,
                    _ => {
                        return Err(format!(
                            "`{path}` must be a non-negative number to count against `{}`; got {n}",
                            l.counter
                        ));
                    }
                },
                Some(other) => {
                    return Err(format!(
                        "`{path}` must be a non-negative number to count against `{}`; got {}",
                        l.counter,
                        type_name(other)
                    ));
                }
                None => {
                    return Err(format!(
                        "`{path}` is missing; it is needed to count against `{}`",
                        l.counter
                    ));
                }
            },
        };
        out.push(Reservation {
            key: counter_key(&l.counter, l.scope, call),
            counter: l.counter.clone(),
            amount,
            max: l.max,
            window: l.window,
            scope: l.scope,
            rule: r.rule.clone(),
            reason: r.reason.clone(),
        });
    }
    Ok(())
}

/// `counter|scope:subject`, with `%` and `|` escaped in every part so two different
/// (counter, subject) pairs can never produce the same key.
fn counter_key(counter: &str, scope: Scope, call: &CallContext<'_>) -> String {
    let subject = match scope {
        Scope::Session => call.session,
        Scope::Grant => call.identity,
        Scope::Tool => call.tool,
        Scope::Global => "",
    };
    let mut key = String::with_capacity(counter.len() + subject.len() + 12);
    escape_into(&mut key, counter);
    key.push('|');
    key.push_str(scope.as_str());
    if scope != Scope::Global {
        key.push(':');
        escape_into(&mut key, subject);
    }
    key
}

fn escape_into(out: &mut String, s: &str) {
    if !s.contains(['%', '|']) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '|' => out.push_str("%7C"),
            c => out.push(c),
        }
    }
}
