//! Builds the pipeline of each new session from what all sessions share (policy, counter
//! store, pins, audit log), so a transport serving many sessions creates one per client
//! without knowing how a pipeline is put together.

use std::sync::Arc;

use toolgate_audit::AuditHandle;
use toolgate_state::StateStore;

use crate::audit_sink::AuditSink;
use crate::intercept::{FailMode, Interceptor, SessionInfo};
use crate::pins::Pins;
use crate::policy_handle::PolicyHandle;

#[derive(Clone)]
pub struct SessionFactory {
    pub policy: PolicyHandle,
    pub store: Arc<dyn StateStore>,
    pub fail_mode: FailMode,
    pub pins: Option<Arc<Pins>>,
    pub audit: Option<AuditHandle>,
    /// `--audit-required`: an allowed call waits until its decision record is durable.
    pub audit_required: bool,
    /// Names the upstream in audit records.
    pub server_name: String,
    /// The out-of-band approval queue (`--admin`), shared by every session.
    pub approvals: Option<crate::approvals::ApprovalQueue>,
    /// `--call-timeout`: forwarded calls the server hasn't answered by then are cancelled.
    pub call_timeout: Option<std::time::Duration>,
}

impl SessionFactory {
    /// A fresh pipeline for one session; `transport` names it in the audit log.
    pub fn interceptor(&self, session: SessionInfo, transport: &str) -> Interceptor {
        let mut interceptor =
            Interceptor::new(self.policy.clone(), self.store.clone(), session.clone())
                .with_fail_mode(self.fail_mode)
                .with_call_timeout(self.call_timeout);
        if let Some(pins) = &self.pins {
            interceptor = interceptor.with_pins(pins.clone());
        }
        if let Some(queue) = &self.approvals {
            interceptor = interceptor.with_approvals(queue.clone());
        }
        if let Some(handle) = &self.audit {
            interceptor = interceptor.with_audit(AuditSink::new(
                handle.clone(),
                self.audit_required,
                &session.identity,
                &session.session_id,
                transport,
                &self.server_name,
            ));
        }
        interceptor
    }
}

/// A session id nobody can guess: HTTP sessions, approval requests and scope-`session`
/// counters are keyed by it. 128 bits from the OS; there is no weaker fallback, because a
/// guessable id would let one agent act in another's session.
pub fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    if let Err(e) = getrandom::fill(&mut bytes) {
        // Not recoverable, and minting a predictable id would be worse than stopping.
        panic!(
            "the operating system's random number generator failed ({e}); refusing to mint a guessable id"
        );
    }
    hex::encode(bytes)
}
