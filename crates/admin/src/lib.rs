//! The admin listener (`--admin ADDR`): `/metrics` (Prometheus text), `/healthz` (the
//! process answers) and `/readyz` (able to serve: the server is up, the audit log is healthy
//! when it is required) are open; the approval API ([`approvals`]: `/approvals…`) needs an
//! approver's bearer token; `/` is the approval web page ([`page`]), which asks for that token.
//!
//! It binds where the operator says (loopback in the examples). No request is logged with
//! its headers, so a token never reaches a log.
#![forbid(unsafe_code)]

mod approvals;
mod page;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use toolgate_audit::AuditHandle;

use toolgate_pipeline::approvals::{ApprovalQueue, Approver};
use toolgate_pipeline::policy_handle::PolicyHandle;

/// Resolves an approver's bearer token to who they are; `None` refuses it. The gateway plugs
/// in the policy's API-key identities; tests use fixed tokens.
pub type ApproverAuth = Arc<dyn Fn(&str) -> Option<Approver> + Send + Sync>;

/// What the admin endpoints read.
#[derive(Clone)]
pub struct AdminState {
    pub metrics: PrometheusHandle,
    pub policy: PolicyHandle,
    pub audit: Option<AuditHandle>,
    pub audit_required: bool,
    /// Cleared when the upstream server exits.
    pub upstream_up: Arc<AtomicBool>,
    /// The out-of-band approval queue; without it `/approvals…` answers 404.
    pub approvals: Option<ApprovalQueue>,
    /// Who may use `/approvals…`; without it every request there is refused (401).
    pub approver_auth: Option<ApproverAuth>,
}

impl AdminState {
    /// Just an approval queue and its approvers: metrics kept in a recorder of its own (not
    /// installed process-wide), no audit, upstream reported up. For tests and embedding.
    pub fn for_approvals(
        policy: PolicyHandle,
        queue: ApprovalQueue,
        auth: ApproverAuth,
    ) -> AdminState {
        AdminState {
            metrics: PrometheusBuilder::new().build_recorder().handle(),
            policy,
            audit: None,
            audit_required: false,
            upstream_up: Arc::new(AtomicBool::new(true)),
            approvals: Some(queue),
            approver_auth: Some(auth),
        }
    }
}

/// Installs the process-wide metrics recorder. Call once, before any metric is recorded.
pub fn install_metrics() -> Result<PrometheusHandle, String> {
    PrometheusBuilder::new()
        .install_recorder()
        .map_err(|e| format!("cannot install the metrics recorder: {e}"))
}

/// Binds `addr` and serves until the returned task is aborted. Returns the bound address
/// (useful with port 0).
pub async fn serve(
    addr: SocketAddr,
    state: AdminState,
) -> Result<(SocketAddr, tokio::task::JoinHandle<()>), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} for --admin: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("--admin listener: {e}"))?;
    let app = router(state);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "admin listener stopped");
        }
    });
    Ok((bound, task))
}

/// Every admin route (served by [`serve`]; tests drive it directly).
pub fn router(state: AdminState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/approvals", get(approvals::list))
        .route("/approvals/events", get(approvals::events))
        .route("/approvals/{id}/approve", post(approvals::approve))
        .route("/approvals/{id}/deny", post(approvals::deny))
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/app.css", get(page::style))
        // Browsers ask for it; an empty answer keeps their consoles free of 404s.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .with_state(state)
}

async fn metrics(State(s): State<AdminState>) -> impl IntoResponse {
    metrics::gauge!("toolgate_policy_reloads_total").set(s.policy.reloads() as f64);
    metrics::gauge!("toolgate_policy_reload_failures_total").set(s.policy.failed_reloads() as f64);
    metrics::gauge!("toolgate_upstream_up").set(if s.upstream_up.load(Ordering::Relaxed) {
        1.0
    } else {
        0.0
    });
    toolgate_pipeline::telemetry::approvals_pending(
        s.approvals.as_ref().map_or(0, ApprovalQueue::pending_count) as f64,
    );
    if let Some(a) = &s.audit {
        let h = a.health();
        metrics::gauge!("toolgate_audit_healthy").set(if h.healthy { 1.0 } else { 0.0 });
        metrics::gauge!("toolgate_audit_records_written").set(h.written as f64);
        metrics::gauge!("toolgate_audit_records_failed").set(h.failed as f64);
        metrics::gauge!("toolgate_audit_records_dropped").set(h.dropped as f64);
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
}

async fn readyz(State(s): State<AdminState>) -> impl IntoResponse {
    if !s.upstream_up.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the MCP server is not running\n",
        );
    }
    if s.audit_required && s.audit.as_ref().is_some_and(|a| !a.is_healthy()) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the audit log is failing and --audit-required is set\n",
        );
    }
    (StatusCode::OK, "ready\n")
}
