//! Streamable HTTP against real (loopback) servers: sessions, answers as JSON and as event
//! streams, concurrency, server→client requests, and failures turned into error answers.

use std::sync::{Arc, Mutex};

use axum::response::Response;
use http::Method;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use toolgate_mcp::{Frame, Id};

use super::test_server::{
    INIT, INITIALIZED, Recorded, call, close, end_of, event, init_result, json, next, quiet,
    result, send, serve, sse, sse_channel, start, status, text, value, with_header,
};
use crate::{UpstreamConn, UpstreamEnd};

/// What a plain stateful server answers outside the method under test: initialize (with
/// session `sess-1`), notifications (202), no GET stream (405), DELETE (200).
pub(super) fn basics(request: &Recorded) -> Option<Response> {
    if request.method == Method::GET {
        return Some(status(405));
    }
    if request.method == Method::DELETE {
        return Some(status(200));
    }
    let rpc = request.rpc();
    match rpc["method"].as_str() {
        Some("initialize") => Some(with_header(
            json(init_result(&rpc["id"]).to_string()),
            "mcp-session-id",
            "sess-1",
        )),
        Some(m) if m.starts_with("notifications/") => Some(status(202)),
        None => Some(status(202)),
        _ => None,
    }
}

pub(super) async fn initialize(conn: &mut UpstreamConn) {
    send(conn, INIT).await;
    let answer = next(conn).await;
    assert_eq!(answer.related, Some(Id::from(0)));
    assert_eq!(value(&answer)["result"]["protocolVersion"], "2025-06-18");
    send(conn, INITIALIZED).await;
}

#[tokio::test]
async fn session_id_and_version_go_on_every_later_request() {
    let server = serve(|r| async move {
        basics(&r).unwrap_or_else(|| {
            json(result(&r.rpc()["id"], json!({"content": [], "isError": false})).to_string())
        })
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    // Sent at once: the transport holds the later ones until the initialize is answered.
    send(&conn, INIT).await;
    send(&conn, INITIALIZED).await;
    send(&conn, call(1, "echo")).await;
    let init = next(&mut conn).await;
    assert_eq!(init.related, Some(Id::from(0)));
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(1)));
    assert_eq!(value(&answer)["result"]["isError"], false);

    let init_post = &server.posts_of("initialize")[0];
    assert_eq!(init_post.header("mcp-session-id"), None);
    assert_eq!(init_post.header("mcp-protocol-version"), None);
    assert_eq!(init_post.header("content-type"), Some("application/json"));
    assert_eq!(
        init_post.header("accept"),
        Some("application/json, text/event-stream")
    );
    for later in [
        &server.posts_of("notifications/initialized")[0],
        &server.posts_of("tools/call")[0],
    ] {
        assert_eq!(later.header("mcp-session-id"), Some("sess-1"));
        assert_eq!(later.header("mcp-protocol-version"), Some("2025-06-18"));
        assert_eq!(
            later.header("authorization"),
            Some("Bearer operator-secret")
        );
        assert_eq!(later.header("mcp-method"), None);
    }
    // The initialized notification went before the call.
    let order: Vec<_> = server
        .requests()
        .iter()
        .filter_map(Recorded::rpc_method)
        .collect();
    assert_eq!(
        order,
        ["initialize", "notifications/initialized", "tools/call"]
    );
    assert_eq!(close(conn).await, UpstreamEnd::Closed { exit_code: None });
}

#[tokio::test]
async fn event_stream_answers_carry_the_request_id() {
    let server = serve(|r| async move {
        basics(&r).unwrap_or_else(|| {
            let id = r.rpc()["id"].clone();
            let progress = json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": "p", "progress": 1}});
            sse(format!(
                ": hello\n\n{}id: e1\r\n{}",
                event(&progress),
                event(&result(&id, json!({"content": []})))
            ))
        })
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    send(&conn, call(7, "slow")).await;
    let progress = next(&mut conn).await;
    assert_eq!(progress.related, Some(Id::from(7)));
    assert_eq!(value(&progress)["method"], "notifications/progress");
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(7)));
    assert_eq!(value(&answer)["id"], 7);
    quiet(&mut conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_answer_does_not_hold_back_a_quick_one() {
    type Slot = Arc<Mutex<Option<mpsc::UnboundedSender<String>>>>;
    let slow: Slot = Arc::default();
    let server = serve({
        let slow = Arc::clone(&slow);
        move |r| {
            let slow = Arc::clone(&slow);
            async move {
                if let Some(response) = basics(&r) {
                    return response;
                }
                let rpc = r.rpc();
                if rpc["params"]["name"] == "slow" {
                    let (tx, response) = sse_channel();
                    *slow.lock().unwrap() = Some(tx);
                    return response;
                }
                json(result(&rpc["id"], json!({"content": []})).to_string())
            }
        }
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    send(&conn, call(1, "slow")).await;
    send(&conn, call(2, "fast")).await;
    let first = next(&mut conn).await;
    assert_eq!(first.related, Some(Id::from(2)));
    // The slow call may reach the server after the quick one was answered.
    let tx = loop {
        if let Some(tx) = slow.lock().unwrap().take() {
            break tx;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    tx.send(event(&result(&json!(1), json!({"content": []}))))
        .unwrap();
    drop(tx);
    let second = next(&mut conn).await;
    assert_eq!(second.related, Some(Id::from(1)));
}

#[tokio::test]
async fn server_request_on_a_post_stream_and_the_answer_posted_back() {
    type Slot = Arc<Mutex<Option<mpsc::UnboundedSender<String>>>>;
    let stream: Slot = Arc::default();
    let server = serve({
        let stream = Arc::clone(&stream);
        move |r| {
            let stream = Arc::clone(&stream);
            async move {
                let rpc = r.rpc();
                if r.method == Method::POST && rpc["id"] == "elicit-1" && rpc.get("result").is_some() {
                    // The client's answer: finish the tool call on its stream.
                    if let Some(tx) = stream.lock().unwrap().take() {
                        let _ = tx.send(event(&result(&json!(3), json!({"content": [{"type": "text", "text": "ok"}]}))));
                    }
                    return status(202);
                }
                if let Some(response) = basics(&r) {
                    return response;
                }
                let (tx, response) = sse_channel();
                let ask = json!({"jsonrpc": "2.0", "id": "elicit-1", "method": "elicitation/create", "params": {"message": "sure?", "requestedSchema": {"type": "object", "properties": {}}}});
                tx.send(event(&ask)).unwrap();
                *stream.lock().unwrap() = Some(tx);
                response
            }
        }
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    send(&conn, call(3, "confirm")).await;
    let ask = next(&mut conn).await;
    assert_eq!(ask.related, Some(Id::from(3)));
    assert_eq!(value(&ask)["method"], "elicitation/create");
    send(
        &conn,
        r#"{"jsonrpc":"2.0","id":"elicit-1","result":{"action":"accept","content":{}}}"#,
    )
    .await;
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(3)));
    assert_eq!(value(&answer)["result"]["content"][0]["text"], "ok");
    let answer_post = server
        .requests()
        .into_iter()
        .find(|r| r.rpc()["id"] == "elicit-1")
        .unwrap();
    assert_eq!(answer_post.header("mcp-session-id"), Some("sess-1"));
    quiet(&mut conn).await;
}

fn error_of(message: &crate::FromServer) -> (Value, String) {
    let v = value(message);
    (
        v["id"].clone(),
        v["error"]["message"].as_str().unwrap_or("").to_owned(),
    )
}

#[tokio::test]
async fn a_500_becomes_an_error_answer_for_that_request() {
    let server = serve(|r| async move {
        basics(&r).unwrap_or_else(|| text(500, "boom\n\u{1b}[31m  details\r\nmore"))
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    send(&conn, call(4, "t")).await;
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(4)));
    let (id, message) = error_of(&answer);
    assert_eq!(id, 4);
    assert_eq!(value(&answer)["error"]["code"], -32603);
    assert_eq!(
        message,
        format!(
            "upstream {} answered 500 Internal Server Error: boom [31m details more",
            server.url
        )
    );
    // The session goes on.
    send(&conn, call(5, "t")).await;
    assert_eq!(next(&mut conn).await.related, Some(Id::from(5)));
}

#[tokio::test]
async fn a_refused_connection_becomes_an_error_answer() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = reqwest::Url::parse(&format!(
        "http://{}/mcp?token=secret",
        listener.local_addr().unwrap()
    ))
    .unwrap();
    drop(listener);
    let mut conn = start(&url, |_| {}).await;
    send(&conn, INIT).await;
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(0)));
    let (id, message) = error_of(&answer);
    assert_eq!(id, 0);
    assert!(message.contains("could not be reached"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

#[tokio::test]
async fn a_404_with_a_session_ends_the_connection() {
    let server = serve(|r| async move { basics(&r).unwrap_or_else(|| status(404)) }).await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    send(&conn, call(1, "t")).await;
    let answer = next(&mut conn).await;
    assert_eq!(
        error_of(&answer),
        (json!(1), "upstream session expired (404)".into())
    );
    let UpstreamConn {
        to_server,
        mut from_server,
        ended,
        ..
    } = conn;
    let end = end_of(&mut from_server, ended).await;
    assert_eq!(
        end,
        UpstreamEnd::Failed {
            message: "upstream session expired (404)".into(),
            exit_code: None
        }
    );
    drop(to_server);
}

#[tokio::test]
async fn an_oversize_json_body_arrives_too_long() {
    let server = serve(|r| async move {
        basics(&r).unwrap_or_else(|| {
            let big = "x".repeat(64 * 1024);
            json(
                result(
                    &r.rpc()["id"],
                    json!({"content": [{"type": "text", "text": big}]}),
                )
                .to_string(),
            )
        })
    })
    .await;
    let mut conn = start(&server.url, |o| o.max_message_bytes = 8 * 1024).await;
    initialize(&mut conn).await;
    send(&conn, call(1, "big")).await;
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(1)));
    match answer.frame {
        Frame::TooLong { prefix } => {
            assert_eq!(prefix.len(), toolgate_mcp::framing::TOO_LONG_PREFIX);
            assert_eq!(
                toolgate_mcp::wire::best_effort_id(&prefix),
                Some(Id::from(1))
            );
        }
        other => panic!("expected TooLong, got {other:?}"),
    }
    // The TooLong frame is the answer; no extra error follows.
    quiet(&mut conn).await;
}

#[tokio::test]
async fn an_oversize_event_arrives_too_long_and_the_stream_goes_on() {
    let server = serve(|r| async move {
        basics(&r).unwrap_or_else(|| {
            let id = r.rpc()["id"].clone();
            let big = json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"data": "y".repeat(64 * 1024)}});
            sse(format!("{}{}", event(&big), event(&result(&id, json!({})))))
        })
    })
    .await;
    let mut conn = start(&server.url, |o| o.max_message_bytes = 8 * 1024).await;
    initialize(&mut conn).await;
    send(&conn, call(2, "chatty")).await;
    let cut = next(&mut conn).await;
    assert_eq!(cut.related, Some(Id::from(2)));
    assert!(matches!(cut.frame, Frame::TooLong { ref prefix } if prefix.len() == 4096));
    let answer = next(&mut conn).await;
    assert_eq!(value(&answer)["id"], 2);
    quiet(&mut conn).await;
}

#[tokio::test]
async fn a_cut_stream_resumes_with_last_event_id() {
    let server = serve(|r| async move {
        if r.method == Method::GET {
            return match r.header("last-event-id") {
                Some("ev-1") => sse(format!("id: ev-2\n{}", event(&result(&json!(1), json!({"content": []}))))),
                _ => status(405),
            };
        }
        basics(&r).unwrap_or_else(|| {
            // Primes the stream with an id, sends progress, then closes before the answer.
            let progress = json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": 1, "progress": 1}});
            sse(format!("retry: 20\nid: ev-0\ndata:\n\nid: ev-1\n{}", event(&progress)))
        })
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    send(&conn, INIT).await;
    next(&mut conn).await;
    send(&conn, call(1, "long")).await;
    let progress = next(&mut conn).await;
    assert_eq!(value(&progress)["method"], "notifications/progress");
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(1)));
    assert_eq!(value(&answer)["result"]["content"], json!([]));
    let resume = server.of_method(Method::GET);
    assert_eq!(resume.len(), 1);
    assert_eq!(resume[0].header("last-event-id"), Some("ev-1"));
    assert_eq!(resume[0].header("mcp-session-id"), Some("sess-1"));
    assert_eq!(resume[0].header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn a_cut_stream_without_event_ids_becomes_an_error_answer() {
    let server =
        serve(|r| async move { basics(&r).unwrap_or_else(|| sse(": nothing to see\n\n")) }).await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    send(&conn, call(9, "t")).await;
    let (id, message) = error_of(&next(&mut conn).await);
    assert_eq!(id, 9);
    assert!(
        message.contains("ended its response stream before answering"),
        "{message}"
    );
}
