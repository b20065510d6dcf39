//! The queue's state behind its one lock: pending requests, recently decided ids (so a late
//! or racing answer hears "already decided" rather than "not found"), and remembered
//! approvals. Nothing here sends, records or waits: the queue takes finished requests out
//! under the lock and tells the world after releasing it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use toolgate_mcp::canonical;

use super::types::{Decision, DeniedWhy, Remember};
use super::view::ApprovalView;

/// How many decided ids are kept to answer `AlreadyDecided`.
const DECIDED_KEPT: usize = 4096;

/// SHA-256 (hex) of the arguments' canonical JSON (sorted keys, no whitespace).
pub fn args_digest(arguments: &serde_json::Value) -> String {
    let mut buf = Vec::with_capacity(256);
    canonical::write(arguments, &mut buf);
    hex::encode(Sha256::digest(&buf))
}

/// A request waiting for an answer.
pub(super) struct Pending {
    pub seq: u64,
    pub view: ApprovalView,
    pub remember: Option<Remember>,
    pub expires_at: SystemTime,
    /// Authoritative for the timer: monotonic, so a wall-clock jump can't keep a request
    /// alive past its timeout (the wall clock is checked too; whichever passes first wins).
    pub deadline: tokio::time::Instant,
    pub tx: oneshot::Sender<Decision>,
}

impl Pending {
    /// Why this request must end now without an answer, if it must.
    fn lapsed(&self, now: SystemTime, instant: tokio::time::Instant) -> Option<DeniedWhy> {
        if instant >= self.deadline || now >= self.expires_at {
            Some(DeniedWhy::Expired)
        } else if self.tx.is_closed() {
            // Nobody waits for the answer any more (the agent's call was dropped).
            Some(DeniedWhy::Withdrawn)
        } else {
            None
        }
    }
}

/// What an approval is bound to. `session` is set only for `remember: session`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Binding {
    pub identity: String,
    pub tool: String,
    pub digest: String,
    pub policy_version: String,
    pub session: Option<String>,
}

impl Binding {
    pub fn of(view: &ApprovalView, session: Option<&str>) -> Binding {
        Binding {
            identity: view.identity.clone(),
            tool: view.tool.clone(),
            digest: view.args_digest.clone(),
            policy_version: view.policy_version.clone(),
            session: session.map(str::to_owned),
        }
    }
}

/// A remembered approval: who gave it and until when (`None`: the session's end).
pub(super) struct Remembered {
    pub approver: String,
    pub until: Option<SystemTime>,
}

#[derive(Default)]
pub(super) struct State {
    pub pending: HashMap<String, Pending>,
    pub next_seq: u64,
    decided_order: VecDeque<String>,
    decided: HashSet<String>,
    pub remembered: HashMap<Binding, Remembered>,
    /// Set by `deny_all(Shutdown)`: later submissions are denied at once.
    pub closed: bool,
}

impl State {
    /// Takes a request out of the queue, remembering that its id was decided.
    pub fn take(&mut self, id: &str) -> Option<Pending> {
        let p = self.pending.remove(id)?;
        if self.decided.insert(id.to_owned()) {
            self.decided_order.push_back(id.to_owned());
            if self.decided_order.len() > DECIDED_KEPT
                && let Some(old) = self.decided_order.pop_front()
            {
                self.decided.remove(&old);
            }
        }
        Some(p)
    }

    pub fn was_decided(&self, id: &str) -> bool {
        self.decided.contains(id)
    }

    /// Takes out every request that expired or lost its waiter.
    pub fn take_lapsed(
        &mut self,
        now: SystemTime,
        instant: tokio::time::Instant,
    ) -> Vec<(Pending, DeniedWhy)> {
        let ids: Vec<(String, DeniedWhy)> = self
            .pending
            .iter()
            .filter_map(|(id, p)| p.lapsed(now, instant).map(|why| (id.clone(), why)))
            .collect();
        ids.into_iter()
            .filter_map(|(id, why)| self.take(&id).map(|p| (p, why)))
            .collect()
    }

    /// The earliest monotonic deadline among pending requests.
    pub fn next_deadline(&self) -> Option<tokio::time::Instant> {
        self.pending.values().map(|p| p.deadline).min()
    }

    /// Records an approval that covers identical later calls; lapsed ones are dropped first
    /// so the map doesn't grow without bound.
    pub fn remember(&mut self, p: &Pending, approver: &str, now: SystemTime) {
        self.remembered
            .retain(|_, r| r.until.is_none_or(|until| now < until));
        let (binding, until) = match p.remember {
            None => return,
            Some(Remember::Session) => (Binding::of(&p.view, Some(&p.view.session)), None),
            Some(Remember::For(d)) => match now.checked_add(d) {
                Some(until) => (Binding::of(&p.view, None), Some(until)),
                None => return,
            },
        };
        self.remembered.insert(
            binding,
            Remembered {
                approver: approver.to_owned(),
                until,
            },
        );
    }

    /// The approver of a still-valid remembered approval for this binding (tried with the
    /// session for `remember: session`, then without for `remember: <duration>`).
    pub fn remembered_by(&mut self, mut binding: Binding, now: SystemTime) -> Option<String> {
        if let Some(r) = self.remembered.get(&binding) {
            return Some(r.approver.clone());
        }
        binding.session = None;
        match self.remembered.get(&binding) {
            Some(r) if r.until.is_some_and(|until| now < until) => Some(r.approver.clone()),
            Some(_) => {
                self.remembered.remove(&binding);
                None
            }
            None => None,
        }
    }
}
