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
}

impl SessionFactory {
    /// A fresh pipeline for one session; `transport` names it in the audit log.
    pub fn interceptor(&self, session: SessionInfo, transport: &str) -> Interceptor {
        let mut interceptor =
            Interceptor::new(self.policy.clone(), self.store.clone(), session.clone())
                .with_fail_mode(self.fail_mode);
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

/// A session id nobody can guess: scope-`session` counters and HTTP sessions are keyed by
/// it. 128 bits from the OS; the clock and pid only if `/dev/urandom` is unreadable.
pub fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if from_os.is_err() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        bytes.copy_from_slice(&now.to_le_bytes());
        bytes[0] ^= std::process::id() as u8;
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
