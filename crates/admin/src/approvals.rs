//! The approval API: `GET /approvals` (pending requests, oldest first),
//! `POST /approvals/{id}/approve|deny` (optional `{"comment": "…"}`), and
//! `GET /approvals/events` (SSE: `new` and `decided`, keep-alive comments).
//!
//! Every request needs `Authorization: Bearer <token>` that the configured authenticator
//! resolves to an approver; otherwise 401 with a `WWW-Authenticate` challenge. Tokens are
//! taken from that header only (never from the URL, where logs and browser history would
//! keep them) and never logged. Refusals are JSON `{"error", "error_code"}` with a status
//! chosen by one exhaustive match, so a new refusal can't slip through unmapped.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::AdminState;
use toolgate_pipeline::approvals::{AnswerError, ApprovalQueue, Approver, MAX_COMMENT_CHARS};
use toolgate_transport::http::sse;

/// The realm named in challenges.
const REALM: &str = "toolgate-admin";
/// Longest bearer token looked at.
const MAX_TOKEN_LEN: usize = 4096;
/// Largest answer body accepted (a comment and some JSON).
const MAX_BODY: usize = 16 * 1024;

pub(super) async fn list(State(s): State<AdminState>, headers: HeaderMap) -> Response {
    let (_, queue) = match authorized(&s, &headers) {
        Ok(ok) => ok,
        Err(refusal) => return refusal.response(),
    };
    json_response(StatusCode::OK, &queue.list())
}

pub(super) async fn approve(
    State(s): State<AdminState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&s, &id, &headers, &body, true)
}

pub(super) async fn deny(
    State(s): State<AdminState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(&s, &id, &headers, &body, false)
}

/// The optional body of an answer.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    comment: Option<String>,
}

fn answer(s: &AdminState, id: &str, headers: &HeaderMap, body: &[u8], approve: bool) -> Response {
    let (approver, queue) = match authorized(s, headers) {
        Ok(ok) => ok,
        Err(refusal) => return refusal.response(),
    };
    let comment = match parse_body(body) {
        Ok(c) => c,
        Err(why) => return error(StatusCode::BAD_REQUEST, "bad_request", &why),
    };
    match queue.answer_view(id, &approver, approve, comment) {
        Ok(decided) => json_response(StatusCode::OK, &decided),
        Err(e) => refusal(&e),
    }
}

fn parse_body(body: &[u8]) -> Result<Option<String>, String> {
    if body.len() > MAX_BODY {
        return Err(format!("the body is larger than {MAX_BODY} bytes"));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let parsed: AnswerBody = serde_json::from_slice(body)
        .map_err(|e| format!("the body must be empty or JSON like {{\"comment\": \"…\"}} ({e})"))?;
    if parsed
        .comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS)
    {
        return Err(format!(
            "the comment is longer than {MAX_COMMENT_CHARS} characters"
        ));
    }
    Ok(parsed.comment)
}

/// The status and body of a refused answer.
fn refusal(e: &AnswerError) -> Response {
    let status = match e {
        AnswerError::NotFound => StatusCode::NOT_FOUND,
        AnswerError::AlreadyDecided => StatusCode::CONFLICT,
        AnswerError::SelfApproval | AnswerError::NotAnApprover { .. } => StatusCode::FORBIDDEN,
    };
    let mut body = json!({"error": e.to_string(), "error_code": e.code()});
    if let AnswerError::NotAnApprover { allowed } = e {
        body["allowed"] = json!(allowed);
    }
    json_response(status, &body)
}

pub(super) async fn events(State(s): State<AdminState>, headers: HeaderMap) -> Response {
    let (approver, queue) = match authorized(&s, &headers) {
        Ok(ok) => ok,
        Err(refusal) => return refusal.response(),
    };
    tracing::debug!(approver = %approver.identity, "approval event stream opened");
    let rx = queue.subscribe();
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        let bytes = match rx.recv().await {
            Ok(event) => sse::named_event(event.name(), &event.to_json()),
            // Missed events: tell the client to list again rather than go silent.
            Err(RecvError::Lagged(_)) => sse::named_event("resync", "{}"),
            Err(RecvError::Closed) => return None,
        };
        Some((bytes, rx))
    });
    let mut response = sse::response(stream, None);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Why a request to the approval API is refused before it reaches the queue.
enum Refusal {
    NoAuthenticator,
    NoToken,
    BadToken,
    NoQueue,
}

impl Refusal {
    fn response(self) -> Response {
        match self {
            Refusal::NoAuthenticator => unauthorized(
                "no approver credentials are configured on this gateway, so nobody can use the approval API",
                false,
            ),
            Refusal::NoToken => unauthorized(
                "send an approver's token as `Authorization: Bearer <token>`",
                false,
            ),
            Refusal::BadToken => unauthorized("the token was not accepted", true),
            Refusal::NoQueue => error(
                StatusCode::NOT_FOUND,
                "approvals_disabled",
                "this gateway has no approval queue",
            ),
        }
    }
}

/// The approver and the queue, or why the request is refused.
fn authorized(s: &AdminState, headers: &HeaderMap) -> Result<(Approver, ApprovalQueue), Refusal> {
    let auth = s.approver_auth.as_ref().ok_or(Refusal::NoAuthenticator)?;
    let token = bearer(headers).ok_or(Refusal::NoToken)?;
    let approver = auth(token).ok_or(Refusal::BadToken)?;
    let queue = s.approvals.clone().ok_or(Refusal::NoQueue)?;
    Ok((approver, queue))
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive), if well-formed.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= MAX_TOKEN_LEN)
        .then_some(token)
}

fn unauthorized(message: &str, token_rejected: bool) -> Response {
    let challenge = if token_rejected {
        format!("Bearer realm=\"{REALM}\", error=\"invalid_token\"")
    } else {
        format!("Bearer realm=\"{REALM}\"")
    };
    let mut response = error(StatusCode::UNAUTHORIZED, "unauthorized", message);
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &json!({"error": message, "error_code": code}))
}

fn json_response(status: StatusCode, value: &impl Serialize) -> Response {
    // Views and plain JSON values only: serialising can't fail.
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, Body::from(body)).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
