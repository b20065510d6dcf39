//! The example server binary driven by `StdioClient`: handshake, listing, every tool's
//! result and JSON-RPC error paths. These pin what the gateway's tests rely on upstream.

use serde_json::{Value, json};
use toolgate_testkit::server::{DEFAULT_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, TOOL_NAMES};
use toolgate_testkit::{StdioClient, example_server_path};

async fn started(args: &[&str]) -> StdioClient {
    let client = StdioClient::example_server(args).expect("spawn example server");
    let init = client.initialize("2025-06-18").await.unwrap();
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18", "{init}");
    client
}

fn text(response: &Value) -> &str {
    response["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text content in {response}"))
}

fn assert_ok(response: &Value) -> &Value {
    let result = &response["result"];
    assert_eq!(result["isError"], false, "{response}");
    assert_eq!(result["content"][0]["type"], "text", "{response}");
    result
}

#[test]
fn example_server_path_finds_the_built_binary() {
    if std::env::var_os("TOOLGATE_EXAMPLE_SERVER").is_some() {
        return; // overridden on purpose; nothing to compare
    }
    let found = example_server_path().canonicalize().unwrap();
    let built = std::path::Path::new(env!("CARGO_BIN_EXE_toolgate-example-server"))
        .canonicalize()
        .unwrap();
    assert_eq!(found, built);
}

#[tokio::test]
async fn initialize_echoes_supported_versions_and_defaults_otherwise() {
    let client = StdioClient::example_server([] as [&str; 0]).unwrap();
    for version in SUPPORTED_PROTOCOL_VERSIONS {
        let init = client.initialize(version).await.unwrap();
        assert_eq!(init["result"]["protocolVersion"], *version);
    }
    let init = client.initialize("2099-01-01").await.unwrap();
    let result = &init["result"];
    assert_eq!(result["protocolVersion"], DEFAULT_PROTOCOL_VERSION);
    assert_eq!(
        result["capabilities"],
        json!({"tools": {"listChanged": true}})
    );
    assert_eq!(result["serverInfo"]["name"], "toolgate-example-server");
    assert_eq!(
        client.request("ping", Value::Null).await.unwrap()["result"],
        json!({})
    );
}

#[tokio::test]
async fn lists_all_tools_with_schemas_and_annotations() {
    let client = started(&[]).await;
    let response = client.request("tools/list", json!({})).await.unwrap();
    assert!(response["result"].get("nextCursor").is_none(), "{response}");
    let tools = client.list_tools_all().await;
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, TOOL_NAMES);
    let by_name = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap().clone();
    assert_eq!(by_name("get_order")["annotations"]["readOnlyHint"], true);
    assert_eq!(
        by_name("delete_user")["annotations"]["destructiveHint"],
        true
    );
    assert_eq!(
        by_name("create_refund")["inputSchema"]["required"],
        json!(["order_id", "amount"])
    );
    assert_eq!(
        by_name("create_refund")["inputSchema"]["properties"]["amount"]["type"],
        "number"
    );
}

#[tokio::test]
async fn page_size_two_paginates_and_list_tools_all_collects_every_page() {
    let client = started(&["--page-size", "2"]).await;
    let first = client.request("tools/list", json!({})).await.unwrap();
    assert_eq!(first["result"]["tools"].as_array().unwrap().len(), 2);
    assert!(first["result"]["nextCursor"].is_string(), "{first}");
    let tools = client.list_tools_all().await;
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, TOOL_NAMES);
}

#[tokio::test]
async fn business_tools_return_plausible_structured_results() {
    let client = started(&[]).await;

    let order = client
        .call_tool("get_order", json!({"order_id": "ORD-1001"}))
        .await;
    let result = assert_ok(&order);
    assert_eq!(result["structuredContent"]["order_id"], "ORD-1001");
    let from_text: Value = serde_json::from_str(text(&order)).unwrap();
    assert_eq!(from_text, result["structuredContent"]);

    let found = client
        .call_tool("search_orders", json!({"query": "keyboard", "limit": 3}))
        .await;
    assert_eq!(
        assert_ok(&found)["structuredContent"]["orders"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let file = client
        .call_tool("read_file", json!({"path": "/etc/passwd"}))
        .await;
    assert_ok(&file);
    assert!(text(&file).contains("nothing was read from disk"), "{file}");
    assert!(!text(&file).contains("root:"), "{file}");

    let updated = client
        .call_tool(
            "update_order",
            json!({"order_id": "ORD-1", "status": "shipped"}),
        )
        .await;
    assert_eq!(
        assert_ok(&updated)["structuredContent"]["status"],
        "shipped"
    );

    let email = client
        .call_tool(
            "send_email",
            json!({"to": "ada@example.com", "subject": "Hi", "body": "…"}),
        )
        .await;
    assert_eq!(assert_ok(&email)["structuredContent"]["status"], "queued");

    let refund = client
        .call_tool(
            "create_refund",
            json!({"order_id": "ORD-1", "amount": 25.5}),
        )
        .await;
    let refund = &assert_ok(&refund)["structuredContent"];
    assert_eq!(
        (refund["amount"].clone(), refund["currency"].clone()),
        (json!(25.5), json!("USD"))
    );

    let deleted = client
        .call_tool("delete_user", json!({"user_id": "USR-7"}))
        .await;
    assert_eq!(
        assert_ok(&deleted)["structuredContent"],
        json!({"user_id": "USR-7", "deleted": true})
    );
}

#[tokio::test]
async fn utility_tools_echo_add_and_fail() {
    let client = started(&[]).await;
    let echo = client.call_tool("echo", json!({"text": "hello"})).await;
    assert_eq!(text(&echo), "hello");
    assert_eq!(
        assert_ok(&echo)["structuredContent"],
        json!({"text": "hello"})
    );

    let sum = client.call_tool("add", json!({"a": 2, "b": 3})).await;
    assert_eq!(text(&sum), "5");
    assert_eq!(assert_ok(&sum)["structuredContent"]["sum"], 5);

    let failed = client.call_tool("fail", json!({"message": "boom"})).await;
    assert_eq!(failed["result"]["isError"], true);
    assert_eq!(text(&failed), "boom");

    let slow = client.call_tool("slow", json!({"ms": 10})).await;
    assert_ok(&slow);
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_not_protocol_errors() {
    let client = started(&[]).await;
    let missing = client
        .call_tool("create_refund", json!({"order_id": "ORD-1"}))
        .await;
    assert_eq!(missing["result"]["isError"], true, "{missing}");
    assert!(text(&missing).contains("`amount`"), "{missing}");
    let negative = client
        .call_tool("create_refund", json!({"order_id": "ORD-1", "amount": -5}))
        .await;
    assert_eq!(negative["result"]["isError"], true, "{negative}");
    let status = client
        .call_tool(
            "update_order",
            json!({"order_id": "ORD-1", "status": "teleported"}),
        )
        .await;
    assert_eq!(status["result"]["isError"], true, "{status}");
}

#[tokio::test]
async fn unknown_tool_is_invalid_params_and_unknown_method_is_method_not_found() {
    let client = started(&[]).await;
    let unknown = client.call_tool("launch_rockets", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");
    assert!(unknown.get("result").is_none());
    let method = client.request("resources/list", json!({})).await.unwrap();
    assert_eq!(method["error"]["code"], -32601, "{method}");
}

#[tokio::test]
async fn batch_is_answered_with_an_array() {
    let client = started(&[]).await;
    client
        .send_raw(
            r#"[{"jsonrpc":"2.0","id":"b1","method":"tools/call","params":{"name":"echo","arguments":{"text":"one"}}},
{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"x","progress":1}},
{"jsonrpc":"2.0","id":"b2","method":"ping"},
{"jsonrpc":"2.0","id":"b3","method":"tools/call","params":{"name":"nope"}}]"#
                .replace('\n', ""),
        )
        .await
        .unwrap();
    let answer = client.recv_response().await.unwrap();
    let answers = answer
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {answer}"));
    assert_eq!(answers.len(), 3, "{answer}");
    assert_eq!(answers[0]["id"], "b1");
    assert_eq!(answers[0]["result"]["content"][0]["text"], "one");
    assert_eq!(answers[1]["id"], "b2");
    assert_eq!(answers[2]["error"]["code"], -32602);
}

#[tokio::test]
async fn parse_errors_are_reported_and_the_server_keeps_going() {
    let client = started(&[]).await;
    client.send_raw("{\"jsonrpc\":").await.unwrap();
    let answer = client.recv_response().await.unwrap();
    assert_eq!(answer["error"]["code"], -32700, "{answer}");
    let echo = client
        .call_tool("echo", json!({"text": "still here"}))
        .await;
    assert_eq!(text(&echo), "still here");
}
