//! The session around the messages: the GET stream, DELETE on close, giving up on an
//! unreachable server, the legacy HTTP+SSE fallback, and stateless (2026-07-28) requests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::Method;
use serde_json::json;
use tokio::sync::mpsc;
use toolgate_mcp::Id;

use super::HttpProtocol;
use super::test_server::{
    INIT, INITIALIZED, call, close, end_of, event, init_result, json, next, result, send, serve,
    sse_channel, start, start_with, status, value, with_header,
};
use super::tests::{basics, initialize};
use crate::{Unsolicited, UpstreamConn, UpstreamEnd};

/// An HTTP agent that never opens its own GET stream gets no upstream GET stream either (an
/// idle session held a second connection for nothing); opening the switch opens it, once.
#[tokio::test]
async fn a_deferred_get_stream_opens_when_the_agent_listens() {
    let server = serve(|r| async move {
        basics(&r).unwrap_or_else(|| {
            json(result(&r.rpc()["id"], json!({"content": [], "isError": false})).to_string())
        })
    })
    .await;
    let mut conn = start_with(&server.url, |_| {}, Unsolicited::WhenAgentListens).await;
    initialize(&mut conn).await;
    send(&conn, call(1, "echo")).await;
    assert_eq!(next(&mut conn).await.related, Some(Id::from(1)));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        server.of_method(Method::GET).is_empty(),
        "GET before the agent listened"
    );

    conn.server_stream.open();
    conn.server_stream.open();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while server.of_method(Method::GET).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no GET after open()"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The basics answer 405 (no GET stream): the transport takes that as final.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.of_method(Method::GET).len(), 1);
    assert_eq!(close(conn).await, UpstreamEnd::Closed { exit_code: None });
}

#[tokio::test]
async fn the_get_stream_carries_server_messages_unrelated() {
    let server = serve(|r| async move {
        if r.method == Method::GET {
            let (tx, response) = sse_channel();
            let changed = json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"});
            tx.send(format!("id: g1\n{}", event(&changed))).unwrap();
            // Keep the stream open for the rest of the test.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(30)).await;
                drop(tx);
            });
            return response;
        }
        basics(&r).unwrap()
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    let note = next(&mut conn).await;
    assert_eq!(note.related, None);
    assert_eq!(value(&note)["method"], "notifications/tools/list_changed");
    let get = &server.of_method(Method::GET)[0];
    assert_eq!(get.header("mcp-session-id"), Some("sess-1"));
    assert_eq!(get.header("accept"), Some("text/event-stream"));
    assert_eq!(get.header("authorization"), Some("Bearer operator-secret"));
    assert_eq!(close(conn).await, UpstreamEnd::Closed { exit_code: None });
}

#[tokio::test]
async fn closing_deletes_the_session() {
    let server = serve(|r| async move { basics(&r).unwrap() }).await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    assert_eq!(close(conn).await, UpstreamEnd::Closed { exit_code: None });
    let deletes = server.of_method(Method::DELETE);
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].header("mcp-session-id"), Some("sess-1"));
}

#[tokio::test]
async fn closing_answers_requests_still_in_flight() {
    type Slot = Arc<Mutex<Option<mpsc::UnboundedSender<String>>>>;
    let held: Slot = Arc::default();
    let server = serve({
        let held = Arc::clone(&held);
        move |r| {
            let held = Arc::clone(&held);
            async move {
                basics(&r).unwrap_or_else(|| {
                    let (tx, response) = sse_channel();
                    *held.lock().unwrap() = Some(tx);
                    response
                })
            }
        }
    })
    .await;
    let mut conn = start(&server.url, |_| {}).await;
    initialize(&mut conn).await;
    send(&conn, call(8, "forever")).await;
    while held.lock().unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let UpstreamConn {
        to_server,
        mut from_server,
        ended,
        ..
    } = conn;
    drop(to_server);
    let answer = from_server.recv().await.unwrap();
    assert_eq!(answer.related, Some(Id::from(8)));
    assert_eq!(value(&answer)["error"]["code"], -32603);
    assert_eq!(
        end_of(&mut from_server, ended).await,
        UpstreamEnd::Closed { exit_code: None }
    );
}

#[tokio::test]
async fn leaving_during_a_pending_initialize_answers_it_and_the_queued_requests() {
    type Slot = Arc<Mutex<Option<mpsc::UnboundedSender<String>>>>;
    let held: Slot = Arc::default();
    let server = serve({
        let held = Arc::clone(&held);
        move |r| {
            let held = Arc::clone(&held);
            async move {
                // The initialize is never answered.
                let (tx, response) = sse_channel();
                *held.lock().unwrap() = Some(tx);
                let _ = r;
                response
            }
        }
    })
    .await;
    let conn = start(&server.url, |_| {}).await;
    send(&conn, INIT).await;
    send(&conn, call(1, "queued")).await;
    while held.lock().unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let UpstreamConn {
        to_server,
        mut from_server,
        ended,
        ..
    } = conn;
    drop(to_server);
    let mut answered = Vec::new();
    for _ in 0..2 {
        let answer = from_server.recv().await.unwrap();
        assert_eq!(value(&answer)["error"]["code"], -32603);
        answered.push(answer.related.unwrap());
    }
    answered.sort_by_key(ToString::to_string);
    assert_eq!(answered, [Id::from(0), Id::from(1)]);
    assert_eq!(
        end_of(&mut from_server, ended).await,
        UpstreamEnd::Closed { exit_code: None }
    );
    // The queued call never reached the server.
    assert!(server.posts_of("tools/call").is_empty());
}

#[tokio::test]
async fn an_unreachable_server_ends_the_connection() {
    let server = serve(|r| async move {
        if r.method == Method::GET {
            return status(503);
        }
        basics(&r).unwrap()
    })
    .await;
    let mut conn = start(&server.url, |o| {
        o.connect_timeout = Duration::from_millis(300)
    })
    .await;
    initialize(&mut conn).await;
    let UpstreamConn {
        to_server,
        mut from_server,
        ended,
        ..
    } = conn;
    match end_of(&mut from_server, ended).await {
        UpstreamEnd::Failed { message, .. } => {
            assert!(message.contains("unreachable"), "{message}");
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    drop(to_server);
}

/// A 2024-11-05 server: POST /mcp is refused; GET /mcp opens the stream whose first event
/// names `endpoint`; POSTs there are answered on the stream.
async fn legacy_server(endpoint: &'static str) -> super::test_server::TestServer {
    type Slot = Arc<Mutex<Option<mpsc::UnboundedSender<String>>>>;
    let stream: Slot = Arc::default();
    serve(move |r| {
        let stream = Arc::clone(&stream);
        async move {
            match (r.method.clone(), r.uri.path()) {
                (Method::GET, "/mcp") => {
                    let (tx, response) = sse_channel();
                    tx.send(format!("event: endpoint\ndata: {endpoint}\n\n"))
                        .unwrap();
                    *stream.lock().unwrap() = Some(tx);
                    response
                }
                (Method::POST, "/messages") => {
                    let rpc = r.rpc();
                    let answer = match rpc["method"].as_str() {
                        Some("initialize") => Some(init_result(&rpc["id"])),
                        Some("tools/call") => Some(result(&rpc["id"], json!({"content": []}))),
                        _ => None,
                    };
                    if let (Some(answer), Some(tx)) = (answer, stream.lock().unwrap().as_ref()) {
                        let _ = tx.send(event(&answer));
                    }
                    status(202)
                }
                _ => status(405),
            }
        }
    })
    .await
}

#[tokio::test]
async fn auto_falls_back_to_legacy_sse_on_405() {
    let server = legacy_server("/messages?session=abc").await;
    let mut conn = start(&server.url, |_| {}).await;
    send(&conn, INIT).await;
    let init = next(&mut conn).await;
    assert_eq!(init.related, None);
    assert_eq!(value(&init)["result"]["protocolVersion"], "2025-06-18");
    send(&conn, INITIALIZED).await;
    send(&conn, call(1, "echo")).await;
    let answer = next(&mut conn).await;
    assert_eq!(value(&answer)["id"], 1);
    let inits = server.posts_of("initialize");
    assert_eq!(
        inits.len(),
        2,
        "the initialize is re-sent over the legacy transport"
    );
    assert_eq!(inits[0].uri.path(), "/mcp");
    assert_eq!(inits[1].uri.to_string(), "/messages?session=abc");
    assert_eq!(
        inits[1].header("authorization"),
        Some("Bearer operator-secret")
    );
    assert_eq!(server.posts_of("tools/call")[0].uri.path(), "/messages");
    assert_eq!(close(conn).await, UpstreamEnd::Closed { exit_code: None });
}

#[tokio::test]
async fn a_legacy_endpoint_on_another_origin_is_refused() {
    let server = legacy_server("http://127.0.0.1:1/messages").await;
    let mut conn = start(&server.url, |o| o.protocol = HttpProtocol::LegacySse).await;
    send(&conn, INIT).await;
    let answer = next(&mut conn).await;
    assert_eq!(answer.related, Some(Id::from(0)));
    let message = value(&answer)["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("another origin"), "{message}");
    let UpstreamConn {
        to_server,
        mut from_server,
        ended,
        ..
    } = conn;
    assert!(matches!(
        end_of(&mut from_server, ended).await,
        UpstreamEnd::Failed { .. }
    ));
    drop(to_server);
    // Nothing was ever sent to the other origin, and no POST went anywhere.
    assert!(server.of_method(Method::POST).is_empty());
}

#[tokio::test]
async fn stateless_requests_mirror_method_and_name_without_a_session() {
    let server = serve(|r| async move {
        if r.method != Method::POST {
            return status(405);
        }
        let rpc = r.rpc();
        // A server handing out a session id anyway must not get it back.
        with_header(
            json(result(&rpc["id"], json!({"resultType": "complete"})).to_string()),
            "mcp-session-id",
            "nope",
        )
    })
    .await;
    let mut conn = start(&server.url, |o| o.stateless = true).await;
    let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28"});
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "get_weather", "arguments": {}, "_meta": meta}});
    let read = json!({"jsonrpc": "2.0", "id": 2, "method": "resources/read", "params": {"uri": "file:///é.txt", "_meta": meta}});
    send(&conn, call.to_string()).await;
    assert_eq!(next(&mut conn).await.related, Some(Id::from(1)));
    send(&conn, read.to_string()).await;
    assert_eq!(next(&mut conn).await.related, Some(Id::from(2)));
    assert_eq!(close(conn).await, UpstreamEnd::Closed { exit_code: None });

    let posts = server.of_method(Method::POST);
    assert_eq!(posts[0].header("mcp-method"), Some("tools/call"));
    assert_eq!(posts[0].header("mcp-name"), Some("get_weather"));
    assert_eq!(posts[0].header("mcp-protocol-version"), Some("2026-07-28"));
    assert_eq!(posts[1].header("mcp-method"), Some("resources/read"));
    assert_eq!(
        posts[1].header("mcp-name"),
        Some("=?base64?ZmlsZTovLy/DqS50eHQ=?=")
    );
    for post in &posts {
        assert_eq!(post.header("mcp-session-id"), None);
    }
    // No GET stream, no DELETE.
    assert_eq!(server.requests().len(), 2);
}
