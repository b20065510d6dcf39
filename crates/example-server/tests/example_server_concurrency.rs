//! The example server's full-duplex behaviour: progress notifications, server→client
//! requests in the middle of a call (elicitation, sampling, roots), concurrent calls that
//! finish out of order, and list-changed notifications. The gateway must carry all of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use toolgate_testkit::client::{CANNED_ANSWER, CANNED_ROOT, CANNED_SAMPLE};
use toolgate_testkit::{RpcError, StdioClient, canned_handler, example_server_path, handler_fn};

async fn started(client: StdioClient) -> StdioClient {
    let init = client.initialize("2025-06-18").await.unwrap();
    assert!(init.get("result").is_some(), "{init}");
    client
}

fn text(response: &Value) -> &str {
    response["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text content in {response}"))
}

#[tokio::test]
async fn slow_reports_progress_per_step_before_its_result() {
    let client = started(StdioClient::example_server([] as [&str; 0]).unwrap()).await;
    let response = client
        .call_tool_with_progress("slow", json!({"ms": 40, "steps": 4}), json!("tok-1"))
        .await;
    assert_eq!(response["result"]["isError"], false, "{response}");
    // Notifications are written before the response, so they are all in already.
    let progress = client
        .wait_for_notifications("notifications/progress", 4)
        .await
        .unwrap();
    let steps: Vec<(Value, Value, Value)> = progress
        .iter()
        .map(|n| {
            let p = &n["params"];
            (
                p["progressToken"].clone(),
                p["progress"].clone(),
                p["total"].clone(),
            )
        })
        .collect();
    let expected: Vec<(Value, Value, Value)> = (1..=4)
        .map(|i| (json!("tok-1"), json!(i), json!(4)))
        .collect();
    assert_eq!(steps, expected);
}

#[tokio::test]
async fn slow_without_progress_token_sends_no_progress() {
    let client = started(StdioClient::example_server([] as [&str; 0]).unwrap()).await;
    client
        .call_tool("slow", json!({"ms": 20, "steps": 3}))
        .await;
    assert!(
        client.notifications().is_empty(),
        "{:?}",
        client.notifications()
    );
}

#[tokio::test]
async fn ask_user_round_trips_an_elicitation_mid_call() {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let handler = handler_fn(move |request| {
        let counter = Arc::clone(&counter);
        async move {
            assert_eq!(request.method, "elicitation/create");
            assert_eq!(request.params["message"], "Refund $120?");
            assert_eq!(request.params["requestedSchema"]["type"], "object");
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(json!({"action": "accept", "content": {"answer": "approved by Bob"}}))
        }
    });
    let client = StdioClient::builder(example_server_path())
        .handler(handler)
        .spawn()
        .unwrap();
    let client = started(client).await;
    let response = client
        .call_tool("ask_user", json!({"question": "Refund $120?"}))
        .await;
    assert_eq!(
        text(&response),
        "The user answered: approved by Bob",
        "{response}"
    );
    assert_eq!(response["result"]["structuredContent"]["action"], "accept");
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(client.server_requests().len(), 1);
}

#[tokio::test]
async fn declined_and_failed_elicitations_are_reported() {
    let handler = handler_fn(|request| async move {
        match request.params["message"].as_str() {
            Some("decline?") => Ok(json!({"action": "decline"})),
            _ => Err(RpcError::new(-32600, "user went away")),
        }
    });
    let client = StdioClient::builder(example_server_path())
        .handler(handler)
        .spawn()
        .unwrap();
    let client = started(client).await;
    let declined = client
        .call_tool("ask_user", json!({"question": "decline?"}))
        .await;
    assert_eq!(text(&declined), "The user chose to decline");
    let failed = client
        .call_tool("ask_user", json!({"question": "error?"}))
        .await;
    assert_eq!(failed["result"]["isError"], true, "{failed}");
    assert!(text(&failed).contains("user went away"), "{failed}");
}

#[tokio::test]
async fn elicitation_can_be_answered_by_hand_when_no_handler_is_set() {
    let client = started(StdioClient::example_server([] as [&str; 0]).unwrap()).await;
    let call = client.call_tool("ask_user", json!({"question": "Name?"}));
    let answer_by_hand = async {
        let request = client.recv().await.unwrap();
        assert_eq!(request["method"], "elicitation/create", "{request}");
        let reply = json!({"jsonrpc": "2.0", "id": request["id"],
                           "result": {"action": "accept", "content": {"answer": "Ada"}}});
        client.send(&reply).await.unwrap();
    };
    let (response, ()) = tokio::join!(call, answer_by_hand);
    assert_eq!(text(&response), "The user answered: Ada");
}

#[tokio::test]
async fn sample_and_list_roots_use_the_clients_answers() {
    let client = StdioClient::builder(example_server_path())
        .handler(canned_handler())
        .spawn()
        .unwrap();
    let client = started(client).await;
    let sampled = client
        .call_tool("sample", json!({"prompt": "Summarise order ORD-1"}))
        .await;
    assert_eq!(text(&sampled), CANNED_SAMPLE, "{sampled}");
    let roots = client.call_tool("list_roots", json!({})).await;
    assert_eq!(text(&roots), format!("1 root(s): {CANNED_ROOT}"), "{roots}");
    let asked = client
        .call_tool("ask_user", json!({"question": "OK?"}))
        .await;
    assert_eq!(text(&asked), format!("The user answered: {CANNED_ANSWER}"));
    let methods: Vec<Value> = client
        .server_requests()
        .iter()
        .map(|r| r["method"].clone())
        .collect();
    assert_eq!(
        methods,
        [
            json!("sampling/createMessage"),
            json!("roots/list"),
            json!("elicitation/create")
        ]
    );
}

#[tokio::test]
async fn concurrent_slow_calls_complete_out_of_order() {
    let client = started(StdioClient::example_server([] as [&str; 0]).unwrap()).await;
    // Sent slowest first: answers in reverse order prove the calls ran concurrently.
    for (id, ms) in [("slow-400", 400), ("slow-100", 100), ("slow-10", 10)] {
        let call = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                          "params": {"name": "slow", "arguments": {"ms": ms}}});
        client.send(&call).await.unwrap();
    }
    let mut order = Vec::new();
    for _ in 0..3 {
        order.push(client.recv_response().await.unwrap()["id"].clone());
    }
    assert_eq!(
        order,
        [json!("slow-10"), json!("slow-100"), json!("slow-400")]
    );
}

#[tokio::test]
async fn concurrent_requests_through_the_client_api() {
    let client = started(StdioClient::example_server([] as [&str; 0]).unwrap()).await;
    let (slow, echo) = tokio::join!(
        client.call_tool("slow", json!({"ms": 200})),
        client.call_tool("echo", json!({"text": "fast"})),
    );
    assert_eq!(text(&echo), "fast");
    assert_eq!(slow["result"]["isError"], false);
}

#[tokio::test]
async fn mutate_tools_changes_the_list_and_notifies() {
    let client = started(StdioClient::example_server([] as [&str; 0]).unwrap()).await;
    let echo_description = |tools: &[Value]| {
        tools.iter().find(|t| t["name"] == "echo").unwrap()["description"].clone()
    };
    let before = echo_description(&client.list_tools_all().await);
    let response = client.call_tool("mutate_tools", json!({})).await;
    assert_eq!(response["result"]["isError"], false, "{response}");
    client
        .wait_for_notifications("notifications/tools/list_changed", 1)
        .await
        .unwrap();
    let after = echo_description(&client.list_tools_all().await);
    assert_ne!(before, after);
}
