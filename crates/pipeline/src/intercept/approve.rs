//! `action: approve`: the call is held while a person decides, then admitted like an allowed
//! call or refused with kind `approval_denied`.
//!
//! A call is held only after everything that needs no person passed (pins, schema,
//! counters: its share of the limits is reserved while it waits, and given back if it is
//! refused). [`Interceptor::forward`] runs each held call in a task of its own, so the
//! session keeps flowing while a person thinks. The person is asked where they already are when possible: an
//! `elicitation/create` in the agent's own session when the client declared form elicitation
//! and the rule names no approvers; otherwise the out-of-band queue (admin API, CLI, web page),
//! when there is one. With neither, the call is refused: failing closed beats running an
//! unapproved refund. An agent that cancels the call withdraws the question; a policy reload
//! that changes the deciding rule refuses it.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use toolgate_audit::{ArgsMode, Redactor};
use toolgate_mcp::Id;
use toolgate_policy::{
    Approval, ApprovalVia, DEFAULT_APPROVAL_TIMEOUT_S, Remember as PolicyRemember, Verdict,
};

use crate::approvals::{ApprovalQueue, Decision, DeniedWhy, NewApproval, Remember};

use super::call::{Admission, ApprovedBy, Judged};
use super::refusal::RefusalKind;
use super::{Interceptor, Step};
use toolgate_state::Settlement;

/// A tool call waiting for a person's decision, with the counters it reserved.
pub struct Held {
    judged: Box<Judged>,
    admission: Admission,
}

impl Held {
    pub(super) fn new(judged: Judged, admission: Admission) -> Held {
        Held {
            judged: Box::new(judged),
            admission,
        }
    }

    /// The held call's request id.
    pub fn id(&self) -> &Id {
        &self.judged.id
    }
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Held")
            .field("id", &self.judged.id)
            .field("tool", &self.judged.call.name)
            .finish()
    }
}

/// What the person said.
enum Answer {
    Approved(ApprovedBy),
    Denied(String),
    /// The agent cancelled the call: nothing is answered.
    Withdrawn,
}

impl Interceptor {
    /// Asks for approval, then forwards the call or answers the agent with the refusal (or
    /// with nothing, when the agent withdrew the call).
    pub(super) async fn resolve_held(self: &Arc<Self>, held: Held) {
        let Held { judged, admission } = held;
        let c = *judged;
        let id = c.id.clone();
        let (cancel_tx, cancel_rx) = oneshot::channel();
        self.state().held.insert(id.clone(), cancel_tx);
        let answer = tokio::select! {
            a = self.ask(&c) => a,
            _ = cancel_rx => Answer::Withdrawn,
        };
        self.state().held.remove(&id);
        match answer {
            Answer::Approved(by) => {
                tracing::info!(tool = %c.call.name, id = %c.id, channel = by.channel, approver = %by.approver, "call approved");
                match self.admit(c, admission, Some(by)).await {
                    Step::ForwardCall(p) => {
                        // If the server is gone, the call is answered when the session ends.
                        if self.to_server(p.into()).await {
                            self.time_call(id);
                        }
                    }
                    Step::Reply(b) => self.to_agent(b, Some(id)).await,
                    Step::Forward(_) | Step::Hold(_) | Step::Drop => {}
                }
            }
            Answer::Denied(reason) => {
                self.state().requests.remove(&id);
                self.settle(admission.reservation, Settlement::Refund).await;
                if let Step::Reply(b) = self.refuse(&c, RefusalKind::ApprovalDenied, &reason, None)
                {
                    self.to_agent(b, Some(id)).await;
                }
            }
            Answer::Withdrawn => {
                self.state().requests.remove(&id);
                self.settle(admission.reservation, Settlement::Refund).await;
                c.log(
                    &self.session,
                    "withdrawn",
                    "the agent cancelled the call while it waited for approval",
                );
            }
        }
    }

    /// Withdraws every held call (the session is ending): nothing is approved after that,
    /// and its `remember: session` approvals lapse.
    pub fn withdraw_held(&self) {
        for (_, withdraw) in self.state().held.drain() {
            let _ = withdraw.send(());
        }
        if let Some(queue) = &self.approvals {
            queue.forget_session(&self.session.session_id);
        }
    }

    async fn ask(&self, c: &Judged) -> Answer {
        let Verdict::Approve { reason, approval } = &c.decision.verdict else {
            return Answer::Denied("not an approval decision".into());
        };
        let timeout = Duration::from_secs(approval.timeout.unwrap_or(DEFAULT_APPROVAL_TIMEOUT_S));
        let reason = reason
            .as_deref()
            .unwrap_or("the policy requires a person's approval");
        let request = self.new_approval(c, approval, reason, timeout);
        if let Some(queue) = &self.approvals
            && let Some(by) = queue.remembered(&request)
        {
            return Answer::Approved(ApprovedBy {
                channel: "remembered",
                approver: by,
            });
        }
        let current_rule = c.decision.rule.as_ref().map(|r| r.label());
        if approval.via == ApprovalVia::Session {
            // The operator chose to trust the caller's client application to show this to a
            // person (`via: session`); never a default, since a headless agent answers itself.
            if !self.state().client_elicits {
                return Answer::Denied(format!(
                    "{reason}; the rule asks in the caller's own session (`via: session`), and this client declared no form elicitation"
                ));
            }
            let answer = tokio::select! {
                a = self.elicit(c, reason, timeout) => a,
                why = self.rule_changes(c, current_rule) => Answer::Denied(why),
            };
            if let (Answer::Approved(by), Some(queue)) = (&answer, &self.approvals) {
                queue.remember_approval(&request, &by.approver);
            }
            return answer;
        }
        if request.approvers.is_empty() {
            return Answer::Denied(format!(
                "{reason}; nobody may approve it: the rule names no `approvers` and the policy has no top-level `approvers`"
            ));
        }
        let Some(queue) = self.approvals.clone() else {
            return Answer::Denied(format!(
                "{reason}; no approval queue is running: start toolgate with `--admin ADDR` and answer with `toolgate approvals` or on the admin page"
            ));
        };
        let (id, decided) = queue.submit(request);
        // Withdrawn if this future is dropped (the agent cancelled, the session ended).
        let mut pending = Withdraw {
            queue: &queue,
            id: &id,
            armed: true,
        };
        tracing::info!(tool = %c.call.name, approval = %id, "call waiting for approval in the queue");
        let answer = tokio::select! {
            d = decided => match d {
                Ok(Decision::Approved { by, .. }) => Answer::Approved(ApprovedBy { channel: "queue", approver: by }),
                Ok(Decision::Denied { by, why, comment }) => Answer::Denied(denied_text(by, why, comment)),
                Err(_) => Answer::Denied("the approval queue went away".into()),
            },
            why = self.rule_changes(c, current_rule) => {
                queue.invalidate(|v| v.id != id);
                Answer::Denied(why)
            }
            () = self.progress_while_waiting(c, &id) => Answer::Denied("unreachable".into()),
        };
        pending.armed = false;
        answer
    }

    fn new_approval(
        &self,
        c: &Judged,
        approval: &Approval,
        reason: &str,
        timeout: Duration,
    ) -> NewApproval {
        NewApproval {
            identity: self.session.identity.clone(),
            groups: self.caller_groups(&c.policy).into_owned(),
            session: self.session.session_id.clone(),
            tool: c.call.name.clone(),
            arguments: c.call.arguments.clone(),
            policy_version: c.policy.version().to_owned(),
            rule: c
                .decision
                .rule
                .as_ref()
                .map(|r| r.label())
                .unwrap_or_default(),
            reason: Some(reason.to_owned()),
            // The rule's own approvers, else the policy's: never "anyone with a key".
            approvers: if approval.approvers.is_empty() {
                c.policy.policy().approvers.clone()
            } else {
                approval.approvers.clone()
            },
            remember: approval.remember.map(|r| match r {
                PolicyRemember::Session => Remember::Session,
                PolicyRemember::For(s) => Remember::For(Duration::from_secs(s)),
            }),
            timeout,
        }
    }

    /// Tells an agent that asked for progress that its call is waiting, every 10 s (it
    /// would otherwise look hung, and some clients time out silent calls). Never returns.
    async fn progress_while_waiting(&self, c: &Judged, id: &str) {
        let token = c.call.progress_token.clone();
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        let mut n = 0u64;
        loop {
            tick.tick().await;
            if let Some(token) = &token {
                n += 1;
                let note = json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": {
                    "progressToken": token, "progress": n,
                    "message": format!("waiting for a person to approve (approval {id})")}});
                self.to_agent(Bytes::from(note.to_string()), Some(c.id.clone()))
                    .await;
            }
        }
    }

    /// Resolves when a policy reload changes what decides this call (the rule, or its
    /// approval settings): a pending approval was given for the old rule, not the new one.
    async fn rule_changes(&self, c: &Judged, rule: Option<String>) -> String {
        let mut version = c.policy.version().to_owned();
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let policy = self.policy.current();
            if policy.version() == version {
                continue;
            }
            version = policy.version().to_owned();
            let groups = self.caller_groups(&policy);
            let now = policy.decide(&toolgate_policy::CallContext {
                tool: &c.call.name,
                args: &c.call.arguments,
                identity: &self.session.identity,
                session: &self.session.session_id,
                groups: &groups,
            });
            let same = now.rule.as_ref().map(|r| r.label()) == rule
                && matches!((&now.verdict, &c.decision.verdict),
                    (Verdict::Approve { approval: a, .. }, Verdict::Approve { approval: b, .. }) if a == b);
            if !same {
                return "the policy changed while the call waited for approval; call again".into();
            }
        }
    }

    /// Asks the person at the agent's client with a form elicitation.
    async fn elicit(&self, c: &Judged, reason: &str, timeout: Duration) -> Answer {
        let n = self
            .elicitation_seq
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let eid = Id::String(format!("toolgate-approval-{}-{n}", self.session.session_id));
        let (tx, rx) = oneshot::channel();
        self.state().elicitations.insert(eid.clone(), tx);
        let request = json!({
            "jsonrpc": "2.0",
            "id": eid.to_value(),
            "method": "elicitation/create",
            "params": {
                "message": approval_message(c, reason),
                "requestedSchema": {
                    "type": "object",
                    "properties": {
                        "decision": {
                            "type": "string",
                            "title": "Decision",
                            "enum": ["approve", "deny"],
                            "enumNames": ["Approve", "Deny"]
                        },
                        "comment": {"type": "string", "title": "Comment (optional)"}
                    },
                    "required": ["decision"]
                }
            }
        });
        self.to_agent(Bytes::from(request.to_string()), Some(c.id.clone()))
            .await;
        let answer = tokio::time::timeout(timeout, rx).await;
        self.state().elicitations.remove(&eid);
        let reply = match answer {
            Ok(Ok(reply)) => reply,
            Ok(Err(_)) => return Answer::Denied("the approval request got no answer".into()),
            Err(_) => {
                // Take the question back so the client stops showing it.
                let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                    "params": {"requestId": eid.to_value(), "reason": "approval timed out"}});
                self.to_agent(Bytes::from(cancel.to_string()), Some(c.id.clone()))
                    .await;
                return Answer::Denied(format!(
                    "nobody approved the call within {} s",
                    timeout.as_secs()
                ));
            }
        };
        let result = &reply["result"];
        let action = result["action"].as_str().unwrap_or("");
        let decision = result["content"]["decision"].as_str().unwrap_or("");
        let comment = result["content"]["comment"]
            .as_str()
            .filter(|s| !s.is_empty());
        if action == "accept" && decision == "approve" {
            return Answer::Approved(ApprovedBy {
                channel: "elicitation",
                approver: format!("{} (in session)", self.session.identity),
            });
        }
        let mut why = match (action, reply.get("error")) {
            (_, Some(e)) => format!(
                "the client could not ask for approval: {}",
                e["message"].as_str().unwrap_or("error")
            ),
            ("accept", _) | ("decline", _) => "the user declined the call".to_owned(),
            ("cancel", _) => "the user dismissed the approval request".to_owned(),
            _ => "the approval request got an unreadable answer".to_owned(),
        };
        if let Some(comment) = comment {
            why.push_str(&format!(" ({comment})"));
        }
        Answer::Denied(why)
    }
}

/// Takes a queued request back unless it was decided.
struct Withdraw<'a> {
    queue: &'a ApprovalQueue,
    id: &'a str,
    armed: bool,
}

impl Drop for Withdraw<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.queue.withdraw(self.id);
        }
    }
}

fn denied_text(by: Option<String>, why: DeniedWhy, comment: Option<String>) -> String {
    let mut text = match (why, by) {
        (DeniedWhy::Declined, Some(by)) => format!("{by} declined the call"),
        (DeniedWhy::Declined, None) => "an approver declined the call".to_owned(),
        (DeniedWhy::Expired, _) => "nobody approved the call in time".to_owned(),
        (DeniedWhy::Withdrawn, _) => "the approval request was withdrawn".to_owned(),
        (DeniedWhy::PolicyChanged, _) => {
            "the policy changed while the call waited for approval; call again".to_owned()
        }
        (DeniedWhy::Shutdown, _) => "the gateway is shutting down".to_owned(),
    };
    if let Some(comment) = comment {
        text.push_str(&format!(" ({comment})"));
    }
    text
}

/// What the person sees: the tool, its arguments with secrets masked, and why it is asked.
fn approval_message(c: &Judged, reason: &str) -> String {
    let masked = Redactor::new(
        ArgsMode::Redacted,
        &[],
        &[],
        true,
        b"toolgate-approval".to_vec(),
    )
    .ok()
    .and_then(|r| r.apply(Some(c.call.arguments.clone())))
    .unwrap_or(Value::Null);
    let args = serde_json::to_string_pretty(&masked).unwrap_or_default();
    let rule = c
        .decision
        .rule
        .as_ref()
        .map(|r| r.label())
        .unwrap_or_default();
    format!(
        "Approve this tool call?\n\nTool: {}\nArguments:\n{args}\n\nRule `{rule}`: {reason}",
        c.call.name
    )
}
