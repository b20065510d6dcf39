//! The out-of-band approval queue: a `tools/call` that a rule sends to a person waits here
//! until someone answers it through the admin API (CLI, web page), it expires, the agent
//! gives up, a policy reload invalidates it, or the gateway stops.
//!
//! Why it looks like this:
//!
//! - **One answer, exactly once.** [`ApprovalQueue::submit`] hands back a oneshot receiver;
//!   a request leaves the queue under one lock, so of two approvers racing only one wins and
//!   the other hears [`AnswerError::AlreadyDecided`].
//! - **Bound to the call.** An approval covers {identity, tool, SHA-256 of the canonical
//!   arguments, policy version} (plus the session for `remember: session`) and is single
//!   use unless the rule says `remember`; [`ApprovalQueue::remembered`] answers for identical
//!   later calls while the remembered approval lasts.
//! - **Nobody approves their own call**, and only the approvers the request names
//!   (`[alice, group:sre]`, from the rule or the policy's top-level `approvers`) may; an
//!   empty list lets nobody answer. Holding an API key does not make one an approver.
//! - **Approvers see the arguments in full**: what they approve is what runs.
//! - **Expiry needs no poller**: one task sleeps until the next deadline (monotonic time,
//!   so tests drive it with tokio's paused clock); the injected wall clock stamps requests,
//!   runs `remember` windows, and is checked too, so whichever passes first expires it.
//! - **Memory only.** Pending requests are not persisted: when the gateway restarts, the
//!   agents' connections are gone anyway, so every pending request counts as denied (the
//!   shutdown path denies them explicitly with [`DeniedWhy::Shutdown`]; a crash leaves them
//!   unanswered, which the agent sees as a failed call — never as an approval).
//! - **Audited**: every request, answer (approver, comment), expiry, withdrawal,
//!   invalidation and shutdown is an `approval` record in the audit chain.

mod expiry;
mod state;
mod types;
mod view;

#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use tokio::sync::{Notify, broadcast, oneshot};
use toolgate_audit::time::format_rfc3339;
use toolgate_audit::{ApprovalAuditEvent, ApprovalStage, AuditHandle};

pub use state::args_digest;
pub use types::{AnswerError, Approver, Decision, DeniedWhy, NewApproval, Remember};
pub use view::{ApprovalEvent, ApprovalView, DecidedView};

use state::{Binding, Pending, State};

/// Where the queue reads the time (injected so tests move it by hand).
pub type Clock = Arc<dyn toolgate_clock::Clock>;

/// The operating system's wall clock.
pub fn system_clock() -> Clock {
    Arc::new(toolgate_clock::SystemClock)
}

/// Longest a request may wait, whatever the caller asks (a week): keeps deadline
/// arithmetic from overflowing and forgotten requests from living forever.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Longest comment kept, in characters; longer ones are cut (the admin API refuses them).
pub const MAX_COMMENT_CHARS: usize = 1000;

/// Events buffered per subscriber; a slower one misses events and should re-list.
const EVENT_BUFFER: usize = 256;

/// The queue (cheap to clone; clones share it).
#[derive(Clone)]
pub struct ApprovalQueue {
    inner: Arc<Inner>,
}

struct Inner {
    clock: Clock,
    audit: OnceLock<AuditHandle>,
    state: Mutex<State>,
    events: broadcast::Sender<ApprovalEvent>,
    /// Wakes the expiry task when a new deadline arrives (or the queue is dropped).
    wake: Arc<Notify>,
    timer_started: AtomicBool,
}

impl std::fmt::Debug for ApprovalQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApprovalQueue")
            .field("pending", &self.lock().pending.len())
            .finish_non_exhaustive()
    }
}

impl ApprovalQueue {
    pub fn new(clock: Clock) -> Self {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        ApprovalQueue {
            inner: Arc::new(Inner {
                clock,
                audit: OnceLock::new(),
                state: Mutex::new(State::default()),
                events,
                wake: Arc::new(Notify::new()),
                timer_started: AtomicBool::new(false),
            }),
        }
    }

    /// Records every request and how it ended in `audit`. Set it before the first request.
    pub fn with_audit(self, audit: AuditHandle) -> Self {
        if self.inner.audit.set(audit).is_err() {
            tracing::warn!("the approval queue already has an audit log; the second is ignored");
        }
        self
    }

    /// An identical call approved earlier with `remember` still valid: its approver.
    pub fn remembered(&self, req: &NewApproval) -> Option<String> {
        let binding = Binding {
            identity: req.identity.clone(),
            tool: req.tool.clone(),
            digest: args_digest(&req.arguments),
            policy_version: req.policy_version.clone(),
            session: Some(req.session.clone()),
        };
        let now = self.inner.clock.now();
        self.lock().remembered_by(binding, now)
    }

    /// Records an approval given in the agent's own session (elicitation), so `remember`
    /// covers identical later calls there as it does for answers from the queue.
    pub fn remember_approval(&self, req: &NewApproval, approver: &str) {
        let Some(remember) = req.remember else { return };
        let now = self.inner.clock.now();
        let (session, until) = match remember {
            Remember::Session => (Some(req.session.clone()), None),
            Remember::For(d) => match now.checked_add(d) {
                Some(until) => (None, Some(until)),
                None => return,
            },
        };
        let binding = Binding {
            identity: req.identity.clone(),
            tool: req.tool.clone(),
            digest: args_digest(&req.arguments),
            policy_version: req.policy_version.clone(),
            session,
        };
        self.lock().remembered.insert(
            binding,
            state::Remembered {
                approver: approver.to_owned(),
                until,
            },
        );
    }

    /// Forgets `remember: session` approvals of a session that ended.
    pub fn forget_session(&self, session: &str) {
        self.lock()
            .remembered
            .retain(|b, _| b.session.as_deref() != Some(session));
    }

    /// Queues the request. The receiver resolves exactly once; at `timeout` (at most
    /// [`MAX_TIMEOUT`]) with `Denied { why: Expired }`.
    pub fn submit(&self, req: NewApproval) -> (String, oneshot::Receiver<Decision>) {
        let now = self.inner.clock.now();
        let timeout = req.timeout.min(MAX_TIMEOUT);
        let expires_at = now.checked_add(timeout).unwrap_or(now);
        let id = crate::session_factory::new_session_id();
        let args_digest = args_digest(&req.arguments);
        // Approvers see exactly what will run: a value that merely looks like a secret
        // could hide `…; curl … | sh` behind a hash. The audit log keeps its own redaction.
        let shown = req.arguments.clone();
        let view = ApprovalView {
            id: id.clone(),
            identity: req.identity,
            session: req.session,
            tool: req.tool,
            arguments: shown,
            args_digest,
            rule: req.rule,
            reason: req.reason,
            approvers: req.approvers,
            remember: req.remember.map(Remember::label),
            policy_version: req.policy_version,
            created_at: format_rfc3339(now),
            expires_at: format_rfc3339(expires_at),
            expires_in_s: timeout.as_secs(),
        };
        let (tx, rx) = oneshot::channel();
        let pending = Pending {
            seq: 0,
            view: view.clone(),
            remember: req.remember,
            expires_at,
            deadline: tokio::time::Instant::now() + timeout,
            tx,
        };
        if self.inner.audit.get().is_some() {
            self.record(audit_event(
                &pending,
                ApprovalStage::Requested,
                Some(req.arguments),
            ));
        }
        let mut state = self.lock();
        if state.closed {
            drop(state);
            self.finish(vec![(pending, shutdown())]);
            return (id, rx);
        }
        let mut pending = pending;
        pending.seq = state.next_seq;
        state.next_seq += 1;
        state.pending.insert(id.clone(), pending);
        let count = state.pending.len();
        drop(state);
        crate::telemetry::approvals_pending(count as f64);
        let _ = self.inner.events.send(ApprovalEvent::New(view));
        self.ensure_timer();
        self.inner.wake.notify_one();
        (id, rx)
    }

    /// Answers a request. Exactly one of several racing answers wins; the caller may not
    /// answer their own request, and only listed approvers (by name or `group:G`) may answer
    /// a request that lists any.
    pub fn answer(
        &self,
        id: &str,
        by: &Approver,
        approve: bool,
        comment: Option<String>,
    ) -> Result<Decision, AnswerError> {
        self.answer_view(id, by, approve, comment)
            .map(|d| d.decision)
    }

    /// [`answer`](Self::answer), returning the request the decision ended.
    pub fn answer_view(
        &self,
        id: &str,
        by: &Approver,
        approve: bool,
        comment: Option<String>,
    ) -> Result<DecidedView, AnswerError> {
        let comment = clean_comment(comment);
        let now = self.inner.clock.now();
        let mut state = self.lock();
        let lapsed = state.take_lapsed(now, tokio::time::Instant::now());
        let result = match state.pending.get(id) {
            None if state.was_decided(id) => Err(AnswerError::AlreadyDecided),
            None => Err(AnswerError::NotFound),
            Some(p) if p.view.identity == by.identity => Err(AnswerError::SelfApproval),
            Some(p) if !by.may_answer(&p.view.approvers) => Err(AnswerError::NotAnApprover {
                allowed: p.view.approvers.clone(),
            }),
            Some(_) => Ok(()),
        };
        let mut finished: Vec<(Pending, Decision)> = lapsed
            .into_iter()
            .map(|(p, why)| (p, denied(None, why, None)))
            .collect();
        let outcome = match result {
            Err(e) => Err(e),
            Ok(()) => match state.take(id) {
                None => Err(AnswerError::AlreadyDecided),
                Some(p) => {
                    let decision = if approve {
                        state.remember(&p, &by.identity, now);
                        Decision::Approved {
                            by: by.identity.clone(),
                            comment,
                        }
                    } else {
                        denied(Some(by.identity.clone()), DeniedWhy::Declined, comment)
                    };
                    let view = DecidedView {
                        id: id.to_owned(),
                        identity: p.view.identity.clone(),
                        tool: p.view.tool.clone(),
                        decision: decision.clone(),
                    };
                    finished.push((p, decision));
                    Ok(view)
                }
            },
        };
        drop(state);
        if let Err(e) = &outcome {
            tracing::warn!(approval = id, approver = %by.identity, error = e.code(), "approval answer refused");
        }
        self.finish(finished);
        outcome
    }

    /// The agent cancelled: the request (if still pending) is denied as withdrawn.
    pub fn withdraw(&self, id: &str) {
        let taken = self.lock().take(id);
        if let Some(p) = taken {
            self.finish(vec![(p, denied(None, DeniedWhy::Withdrawn, None))]);
        }
    }

    /// After a policy reload: pending requests for which `keep` is false are denied
    /// (`PolicyChanged`). `keep` runs without the queue's lock held.
    pub fn invalidate(&self, keep: impl Fn(&ApprovalView) -> bool) {
        let views: Vec<ApprovalView> = self
            .lock()
            .pending
            .values()
            .map(|p| p.view.clone())
            .collect();
        let drop_ids: Vec<String> = views
            .into_iter()
            .filter(|v| !keep(v))
            .map(|v| v.id)
            .collect();
        let mut state = self.lock();
        let taken: Vec<_> = drop_ids
            .iter()
            .filter_map(|id| state.take(id))
            .map(|p| (p, denied(None, DeniedWhy::PolicyChanged, None)))
            .collect();
        drop(state);
        self.finish(taken);
    }

    /// Denies every pending request (never approves one). With `Shutdown`, requests
    /// submitted afterwards are denied at once.
    pub fn deny_all(&self, why: DeniedWhy) {
        let mut state = self.lock();
        if why == DeniedWhy::Shutdown {
            state.closed = true;
        }
        let ids: Vec<String> = state.pending.keys().cloned().collect();
        let taken: Vec<_> = ids
            .iter()
            .filter_map(|id| state.take(id))
            .map(|p| (p, denied(None, why, None)))
            .collect();
        drop(state);
        self.finish(taken);
    }

    /// Pending requests, oldest first.
    pub fn list(&self) -> Vec<ApprovalView> {
        self.sweep();
        let now = self.inner.clock.now();
        let instant = tokio::time::Instant::now();
        let state = self.lock();
        let mut pending: Vec<&Pending> = state.pending.values().collect();
        pending.sort_by_key(|p| p.seq);
        pending
            .into_iter()
            .map(|p| {
                let left_wall = p.expires_at.duration_since(now).unwrap_or_default();
                let left_mono = p.deadline.saturating_duration_since(instant);
                let mut v = p.view.clone();
                // Rounded up: a request is shown with 0 s left only once it is gone.
                let left = left_wall.min(left_mono);
                v.expires_in_s = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                v
            })
            .collect()
    }

    /// New and decided requests as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<ApprovalEvent> {
        self.inner.events.subscribe()
    }

    pub fn pending_count(&self) -> usize {
        self.sweep();
        let n = self.lock().pending.len();
        crate::telemetry::approvals_pending(n as f64);
        n
    }

    /// Ends requests that expired or lost their waiter.
    fn sweep(&self) {
        let now = self.inner.clock.now();
        let lapsed = self.lock().take_lapsed(now, tokio::time::Instant::now());
        if !lapsed.is_empty() {
            self.finish(
                lapsed
                    .into_iter()
                    .map(|(p, why)| (p, denied(None, why, None)))
                    .collect(),
            );
        }
    }

    /// Tells the waiter, the audit log and subscribers how requests ended. Called with the
    /// lock released.
    fn finish(&self, finished: Vec<(Pending, Decision)>) {
        if finished.is_empty() {
            return;
        }
        for (p, decision) in finished {
            let (by, comment) = match &decision {
                Decision::Approved { by, comment } => (Some(by.clone()), comment.clone()),
                Decision::Denied { by, comment, .. } => (by.clone(), comment.clone()),
            };
            let mut event = audit_event(&p, decision.stage(), None);
            event.approver = by;
            event.comment = comment;
            self.record(event);
            tracing::info!(
                approval = %p.view.id,
                tool = %p.view.tool,
                identity = %p.view.identity,
                outcome = decision.stage().as_str(),
                "approval request ended"
            );
            let view = DecidedView {
                id: p.view.id.clone(),
                identity: p.view.identity.clone(),
                tool: p.view.tool.clone(),
                decision: decision.clone(),
            };
            // The waiter may be gone (withdrawn): nothing to tell.
            let _ = p.tx.send(decision);
            let _ = self.inner.events.send(ApprovalEvent::Decided(view));
        }
        let n = self.lock().pending.len();
        crate::telemetry::approvals_pending(n as f64);
    }

    fn record(&self, event: ApprovalAuditEvent) {
        if let Some(audit) = self.inner.audit.get()
            && let Err(e) = audit.record(event)
        {
            tracing::error!(error = %e, "audit record of an approval lost");
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn ensure_timer(&self) {
        if !self.inner.timer_started.swap(true, Ordering::SeqCst) {
            expiry::start(Arc::downgrade(&self.inner), self.inner.wake.clone());
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Let the expiry task end, and give every waiter an explicit denial rather than a
        // closed channel.
        self.wake.notify_one();
        let state = self.state.get_mut().unwrap_or_else(|p| p.into_inner());
        for (_, p) in state.pending.drain() {
            if let Some(audit) = self.audit.get()
                && let Err(e) = audit.record(audit_event(&p, ApprovalStage::Shutdown, None))
            {
                tracing::error!(error = %e, "audit record of an approval lost");
            }
            let _ = p.tx.send(shutdown());
        }
    }
}

/// One audit step of a request; the arguments only on `requested`.
fn audit_event(
    p: &Pending,
    stage: ApprovalStage,
    arguments: Option<serde_json::Value>,
) -> ApprovalAuditEvent {
    let requested = stage == ApprovalStage::Requested;
    let v = &p.view;
    ApprovalAuditEvent {
        stage,
        approval_id: v.id.clone(),
        identity: v.identity.clone(),
        session: v.session.clone(),
        tool: v.tool.clone(),
        arguments,
        args_digest: v.args_digest.clone(),
        rule: Some(v.rule.clone()),
        reason: v.reason.clone().filter(|_| requested),
        approvers: if requested {
            v.approvers.clone()
        } else {
            Vec::new()
        },
        approver: None,
        comment: None,
        expires: requested.then(|| v.expires_at.clone()),
        remember: v.remember.clone().filter(|_| requested),
        policy_version: v.policy_version.clone(),
    }
}

fn denied(by: Option<String>, why: DeniedWhy, comment: Option<String>) -> Decision {
    Decision::Denied { by, why, comment }
}

fn shutdown() -> Decision {
    denied(None, DeniedWhy::Shutdown, None)
}

/// Trimmed, empty → none, at most [`MAX_COMMENT_CHARS`] characters.
fn clean_comment(comment: Option<String>) -> Option<String> {
    let c = comment?;
    let c = c.trim();
    if c.is_empty() {
        return None;
    }
    Some(c.chars().take(MAX_COMMENT_CHARS).collect())
}
