//! What the pipeline tells the audit log: one record per decision, one per outcome.
//!
//! Recording never waits for the disk (the audit crate queues it), except in
//! `--audit-required` mode, where an allowed call is forwarded only once its decision record
//! is durable: a call that can't be recorded doesn't run.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use toolgate_audit::{
    AuditError, AuditHandle, CallInfo, CallOutcome, CounterUse, DecisionEvent, OutcomeEvent,
    Verdict,
};
use toolgate_policy::Decision;

#[derive(Clone)]
pub struct AuditSink {
    handle: AuditHandle,
    required: bool,
    identity: Arc<str>,
    session: Arc<str>,
    transport: Arc<str>,
    server: Arc<str>,
}

/// The decision as recorded: verdict plus the refusal kind the agent was told.
pub struct Recorded<'a> {
    pub verdict: Verdict,
    pub kind: Option<&'a str>,
    pub reason: Option<&'a str>,
}

impl AuditSink {
    pub fn new(
        handle: AuditHandle,
        required: bool,
        identity: &str,
        session: &str,
        transport: &str,
        server: &str,
    ) -> AuditSink {
        AuditSink {
            handle,
            required,
            identity: Arc::from(identity),
            session: Arc::from(session),
            transport: Arc::from(transport),
            server: Arc::from(server),
        }
    }

    pub fn required(&self) -> bool {
        self.required
    }

    pub fn handle(&self) -> &AuditHandle {
        &self.handle
    }

    fn call(&self, call_id: &str, tool: &str) -> CallInfo {
        CallInfo {
            call_id: format!("{}/{call_id}", self.session),
            identity: self.identity.clone(),
            session: self.session.clone(),
            transport: self.transport.clone(),
            server: self.server.clone(),
            tool: tool.to_owned(),
        }
    }

    pub fn decision_event(
        &self,
        call_id: &str,
        tool: &str,
        arguments: &Value,
        d: &Decision,
        recorded: Recorded<'_>,
        policy_version: &str,
    ) -> DecisionEvent {
        DecisionEvent {
            call: self.call(call_id, tool),
            arguments: Some(arguments.clone()),
            verdict: recorded.verdict,
            kind: recorded.kind.map(str::to_owned),
            rule: d.rule.as_ref().map(|r| r.label()),
            reason: recorded.reason.map(str::to_owned),
            counters: d
                .reservations
                .iter()
                .map(|r| CounterUse {
                    key: r.key.clone(),
                    amount: r.amount,
                    max: r.max,
                })
                .collect(),
            approval: None,
            approver: None,
            policy_version: policy_version.to_owned(),
        }
    }

    /// A message refused before any policy decision (malformed, over the size cap, a
    /// `tools/call` sent as a notification, a disguised method, a reused id): recorded as a
    /// denial with its `kind`, so probing the gateway leaves a trace. `what` is the tool when
    /// known, else the method, else `?`.
    pub fn refused_message(
        &self,
        call_id: Option<&str>,
        what: &str,
        kind: &str,
        reason: &str,
        policy_version: &str,
    ) {
        self.record(DecisionEvent {
            call: self.call(call_id.unwrap_or("-"), what),
            arguments: None,
            verdict: Verdict::Deny,
            kind: Some(kind.to_owned()),
            rule: None,
            reason: Some(reason.to_owned()),
            counters: Vec::new(),
            approval: None,
            approver: None,
            policy_version: policy_version.to_owned(),
        });
    }

    /// Queues a record; a full queue or a dead writer is logged (and counted by the writer).
    pub fn record(&self, event: DecisionEvent) {
        if let Err(e) = self.handle.record(event) {
            tracing::error!(error = %e, "audit record lost");
        }
    }

    /// Waits until the record is durable (required mode).
    pub async fn record_durably(&self, event: DecisionEvent) -> Result<(), AuditError> {
        self.handle.record_required(event).await
    }

    pub fn outcome(
        &self,
        call_id: &str,
        tool: &str,
        outcome: CallOutcome,
        latency: Option<Duration>,
        error: Option<String>,
    ) {
        let event = OutcomeEvent {
            call: self.call(call_id, tool),
            outcome,
            latency,
            error,
        };
        if let Err(e) = self.handle.record(event) {
            tracing::error!(error = %e, "audit record lost");
        }
    }
}
