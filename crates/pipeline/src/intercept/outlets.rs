//! The session's two outlets, and what the pipeline does with them on its own: forwarding
//! what a frame let through, holding calls for a person, abandoning calls past their timeout,
//! ending the session.
//!
//! Transports only attach the outlets and pass frames; none of them knows that calls can
//! be held or timed.

use std::sync::{Arc, Weak};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::json;
use toolgate_audit::CallOutcome;
use toolgate_mcp::Id;
use toolgate_state::Settlement;

use super::refusal::Refused;
use super::{Interceptor, Onward, Outbound};
use crate::intercept::UpstreamWriter;

/// Puts a message on its way to the agent. `related` names the client request it belongs
/// to, when there is one (an HTTP transport puts it on that request's response stream).
pub type AgentSink = Arc<dyn Fn(Bytes, Option<Id>) -> BoxFuture<'static, ()> + Send + Sync>;

/// Where a session's deferred messages go.
#[derive(Clone)]
pub struct Outlets {
    pub agent: AgentSink,
    pub server: UpstreamWriter,
}

impl Interceptor {
    /// Connects the pipeline to its transport. Once per session; later calls are ignored.
    pub fn attach(&self, outlets: Outlets) {
        let mut slot = self.outlets.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            tracing::error!(session = %self.session.session_id, "outlets attached twice; keeping the first");
            return;
        }
        *slot = Some(outlets);
    }

    /// Lets go of the outlets: with the last writer gone the upstream session ends (a child
    /// gets its stdin closed, an HTTP upstream a `DELETE`). Nothing is forwarded after this.
    pub fn detach(&self) {
        self.outlets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    fn outlets(&self) -> Option<Outlets> {
        self.outlets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Lets a frame's messages go on: to the server, and calls held for a person into a task
    /// of their own. False when the server can no longer be reached (or nothing is attached).
    pub async fn forward(self: &Arc<Self>, onward: Onward) -> bool {
        let Onward {
            to_server,
            calls,
            held,
        } = onward;
        let Some(out) = self.outlets() else {
            tracing::error!(session = %self.session.session_id, "no outlets attached; nothing can be forwarded");
            return to_server.is_empty() && held.is_empty();
        };
        for m in to_server {
            if out.server.send(m).await.is_err() {
                return false;
            }
        }
        for id in calls {
            self.time_call(id);
        }
        for h in held {
            let me = self.clone();
            tokio::spawn(async move { me.resolve_held(h).await });
        }
        true
    }

    /// Sends one message the pipeline produced to the server (an approved call, a
    /// cancellation). False when it can't.
    pub(super) async fn to_server(&self, message: Outbound) -> bool {
        match self.outlets() {
            Some(out) => out.server.send(message).await.is_ok(),
            None => false,
        }
    }

    /// Sends one message the pipeline produced to the agent.
    pub(super) async fn to_agent(&self, message: Bytes, related: Option<Id>) {
        if let Some(out) = self.outlets() {
            (out.agent)(message, related).await;
        }
    }

    /// Abandons the call at `--call-timeout` if the server hasn't answered it by then.
    pub(super) fn time_call(self: &Arc<Self>, id: Id) {
        let Some(after) = self.call_timeout else {
            return;
        };
        let me: Weak<Interceptor> = Arc::downgrade(self);
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            if let Some(me) = me.upgrade() {
                me.expire(&id, after).await;
            }
        });
    }

    /// Gives up on a call the server has not answered in time, as if the agent had
    /// cancelled it: the server is told (`notifications/cancelled`), the counters stay spent
    /// (a server may run it anyway; refunding would let slow calls beat a spend cap), the
    /// agent gets an error, and a late answer is dropped.
    async fn expire(&self, id: &Id, after: Duration) {
        let pending = {
            let mut st = self.state();
            let Some(p) = st.calls.remove(id) else {
                return;
            };
            st.expired.insert(id.clone());
            p
        };
        let why = format!(
            "the server did not answer within {}s (--call-timeout); the call was cancelled, and its counters stay used because the server may still run it",
            after.as_secs()
        );
        tracing::warn!(tool = %pending.tool, %id, "{why}");
        if let Some(a) = &self.audit {
            a.outcome(
                &id.to_string(),
                &pending.tool,
                CallOutcome::Timeout,
                Some(pending.forwarded_at.elapsed()),
                Some(why.clone()),
            );
        }
        self.settle(pending.reservation, Settlement::Commit).await;
        let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
            "params": {"requestId": id.to_value(), "reason": "toolgate: the call timed out (--call-timeout)"}});
        self.to_server(Outbound::checked(Bytes::from(cancel.to_string())))
            .await;
        self.to_agent(
            Refused::CallFailed(why).to_response(Some(id)),
            Some(id.clone()),
        )
        .await;
    }

    /// Ends the session's pipeline: the upstream session is let go ([`Self::detach`]),
    /// calls held for a person are withdrawn, and every call still waiting for the server
    /// gets `why` as its error (returned for the agent) and its counters back.
    pub async fn close(&self, why: &str) -> Vec<Bytes> {
        self.detach();
        self.withdraw_held();
        self.fail_in_flight(why).await
    }
}
