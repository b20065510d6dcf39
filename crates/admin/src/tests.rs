//! The admin API from the outside: tokens, statuses, bodies, the page's headers, and the
//! SSE stream over a real loopback listener.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::{AdminState, ApproverAuth, router, serve};
use toolgate_pipeline::approvals::{
    ApprovalQueue, Approver, Decision, DeniedWhy, NewApproval, system_clock,
};
use toolgate_pipeline::policy_handle::PolicyHandle;

const ALICE: &str = "tg_alice_token";
const BOB: &str = "tg_bob_token";
const SRE: &str = "tg_dave_token";

fn auth() -> ApproverAuth {
    Arc::new(|token: &str| {
        let (identity, groups): (&str, &[&str]) = match token {
            ALICE => ("alice", &[]),
            BOB => ("bob", &["support"]),
            SRE => ("dave", &["sre"]),
            _ => return None,
        };
        Some(Approver {
            identity: identity.into(),
            groups: groups.iter().map(|g| Arc::from(*g)).collect(),
        })
    })
}

fn policy() -> PolicyHandle {
    let loaded = toolgate_policy::load(
        "version: \"1\"\ntools:\n  \"*\": {rules: [{action: deny}]}\n",
        "t.yaml",
    )
    .unwrap();
    PolicyHandle::fixed(toolgate_policy::CompiledPolicy::new(loaded.policy))
}

fn state() -> (AdminState, ApprovalQueue) {
    let queue = ApprovalQueue::new(system_clock());
    (
        AdminState::for_approvals(policy(), queue.clone(), auth()),
        queue,
    )
}

fn request(approvers: &[&str]) -> NewApproval {
    NewApproval {
        identity: "bob".into(),
        groups: vec![],
        session: "s1".into(),
        tool: "createRefund".into(),
        arguments: json!({"amount": 250, "password": "hunter2"}),
        policy_version: "p1".into(),
        rule: "big refunds".into(),
        reason: Some("over 100".into()),
        approvers: approvers.iter().map(|a| a.to_string()).collect(),
        remember: None,
        timeout: Duration::from_secs(300),
    }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

async fn call(s: &AdminState, method: &str, path: &str, token: Option<&str>, body: &str) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let response = router(s.clone())
        .oneshot(req.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[tokio::test]
async fn every_approval_route_needs_an_approver_token() {
    let (s, queue) = state();
    let (id, _rx) = queue.submit(request(&["alice", "group:sre"]));
    let approve = format!("/approvals/{id}/approve");
    for (method, path) in [
        ("GET", "/approvals"),
        ("GET", "/approvals/events"),
        ("POST", approve.as_str()),
    ] {
        let r = call(&s, method, path, None, "").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        let challenge = r.headers[header::WWW_AUTHENTICATE].to_str().unwrap();
        assert_eq!(challenge, "Bearer realm=\"toolgate-admin\"");
        let r = call(&s, method, path, Some("wrong"), "").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            r.headers[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("invalid_token")
        );
        assert!(!r.text.contains("wrong"), "the token is echoed: {}", r.text);
    }
    assert_eq!(queue.pending_count(), 1, "nothing was answered");
    // Basic or a token in the query string are not bearer tokens.
    let mut req = Request::get(format!("/approvals?token={ALICE}"))
        .body(Body::empty())
        .unwrap();
    req.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Basic {ALICE}").parse().unwrap(),
    );
    let r = router(s.clone()).oneshot(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The probes stay open.
    assert_eq!(
        call(&s, "GET", "/healthz", None, "").await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&s, "GET", "/readyz", None, "").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn list_approve_and_a_second_answer_conflicts() {
    let (s, queue) = state();
    let (id, rx) = queue.submit(request(&["alice", "group:sre"]));
    let r = call(&s, "GET", "/approvals", Some(ALICE), "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/json");
    let list = r.json();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["tool"], "createRefund");
    assert_eq!(list[0]["arguments"]["amount"], 250);
    // What runs is what the approver sees.
    assert_eq!(list[0]["arguments"]["password"], "hunter2");
    assert_eq!(list[0]["args_digest"].as_str().unwrap().len(), 64);

    let path = format!("/approvals/{id}/approve");
    let r = call(&s, "POST", &path, Some(ALICE), r#"{"comment":"ok"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"id": id, "identity": "bob", "tool": "createRefund",
               "outcome": "approved", "by": "alice", "comment": "ok"})
    );
    assert_eq!(
        rx.await.unwrap(),
        Decision::Approved {
            by: "alice".into(),
            comment: Some("ok".into())
        }
    );
    let r = call(&s, "POST", &path, Some(SRE), "").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error_code"], "already_decided");
    let r = call(&s, "POST", "/approvals/ffff/deny", Some(ALICE), "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error_code"], "not_found");
}

#[tokio::test]
async fn deny_with_a_comment() {
    let (s, queue) = state();
    let (id, rx) = queue.submit(request(&["alice", "group:sre"]));
    let r = call(
        &s,
        "POST",
        &format!("/approvals/{id}/deny"),
        Some(ALICE),
        r#"{"comment": "not today"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["outcome"], "denied");
    assert_eq!(r.json()["why"], "declined");
    assert_eq!(
        rx.await.unwrap(),
        Decision::Denied {
            by: Some("alice".into()),
            why: DeniedWhy::Declined,
            comment: Some("not today".into())
        }
    );
}

#[tokio::test]
async fn self_approval_and_outsiders_are_forbidden() {
    let (s, queue) = state();
    let (id, _rx) = queue.submit(request(&["alice", "group:sre"]));
    let path = format!("/approvals/{id}/approve");
    let r = call(&s, "POST", &path, Some(BOB), "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error_code"], "self_approval");
    assert!(r.json()["error"].as_str().unwrap().contains("someone else"));
    let (other, _rx2) = queue.submit(NewApproval {
        identity: "carol".into(),
        ..request(&["alice", "group:sre"])
    });
    let r = call(
        &s,
        "POST",
        &format!("/approvals/{other}/approve"),
        Some(BOB),
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json()["error_code"], "not_an_approver");
    assert_eq!(r.json()["allowed"], json!(["alice", "group:sre"]));
    let r = call(&s, "POST", &path, Some(SRE), "").await;
    assert_eq!(r.status, StatusCode::OK, "a member of group:sre may");
}

#[tokio::test]
async fn bad_bodies_are_refused_without_answering() {
    let (s, queue) = state();
    let (id, _rx) = queue.submit(request(&["alice", "group:sre"]));
    let path = format!("/approvals/{id}/approve");
    let long = format!(r#"{{"comment":"{}"}}"#, "x".repeat(1001));
    for body in [
        "not json",
        r#"{"comment": 5}"#,
        r#"{"approve": true}"#,
        long.as_str(),
    ] {
        let r = call(&s, "POST", &path, Some(ALICE), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(queue.pending_count(), 1);
}

#[tokio::test]
async fn without_a_queue_or_authenticator() {
    let (mut s, _) = state();
    s.approvals = None;
    let r = call(&s, "GET", "/approvals", Some(ALICE), "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    s.approver_auth = None;
    let r = call(&s, "GET", "/approvals", Some(ALICE), "").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_page_is_served_with_a_strict_content_security_policy() {
    let (s, _) = state();
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/app.css", "text/css"),
    ] {
        let r = call(&s, "GET", path, None, "").await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    let html = call(&s, "GET", "/", None, "").await.text;
    // Every script comes from a file, so the CSP can forbid inline script.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains(r#"<script src="app.js" defer></script>"#));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN"
    );
    let js = call(&s, "GET", "/app.js", None, "").await.text;
    assert!(!js.contains("innerHTML") && !js.contains("eval("));
}

#[tokio::test]
async fn the_event_stream_announces_new_and_decided_requests() {
    let (s, queue) = state();
    let (addr, task) = serve("127.0.0.1:0".parse().unwrap(), s).await.unwrap();
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/approvals/events");
    let refused = client.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let response = client.get(&url).bearer_auth(ALICE).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = Box::pin(response.bytes_stream());
    // The subscription exists once the headers are sent, so this request is seen.
    let (id, _rx) = queue.submit(request(&["alice", "group:sre"]));
    let mut seen = String::new();
    read_until(
        &mut body,
        &mut seen,
        &format!("event: new\ndata: {{\"id\":\"{id}\""),
    )
    .await;
    let alice = Approver {
        identity: "alice".into(),
        groups: vec![],
    };
    queue.answer(&id, &alice, true, None).unwrap();
    read_until(&mut body, &mut seen, "event: decided\ndata: ").await;
    assert!(seen.contains("\"outcome\":\"approved\""), "{seen}");
    task.abort();
}

async fn read_until(
    body: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    seen: &mut String,
    needle: &str,
) {
    use futures::StreamExt;
    tokio::time::timeout(Duration::from_secs(10), async {
        while !seen.contains(needle) {
            let chunk = body.next().await.expect("stream ended").unwrap();
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{needle:?} not received; got {seen:?}"));
}
