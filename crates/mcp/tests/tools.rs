//! `tools/call` extraction and `tools/list` reading and filtering.

use serde_json::{Value, json};
use toolgate_mcp::{
    Id, Incoming, Message, ParseError, ToolCall, filter_tools_list, parse_message, tools_list_page,
};

fn message(text: &str) -> Message {
    match parse_message(text.as_bytes()) {
        Ok(Incoming::Message(message)) => message,
        other => panic!("expected one message from {text}, got {other:?}"),
    }
}

fn call(params: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{params}}}"#)
}

fn refused(params: &str) -> ParseError {
    parse_message(call(params).as_bytes()).expect_err(params)
}

#[test]
fn extracts_name_arguments_and_progress_token() {
    let m = message(&call(
        r#"{"name":"refund","arguments":{"amount":120,"note":"x"},"_meta":{"progressToken":"p1"}}"#,
    ));
    let tool = ToolCall::from_message(&m).unwrap().unwrap();
    assert_eq!(tool.name, "refund");
    assert_eq!(tool.arguments, json!({"amount": 120, "note": "x"}));
    assert_eq!(tool.progress_token, Some(Id::from("p1")));

    let m = message(&call(r#"{"name":"ping","_meta":{"progressToken":7}}"#));
    let tool = ToolCall::from_message(&m).unwrap().unwrap();
    assert_eq!(
        tool.arguments,
        json!({}),
        "absent arguments read as an empty object"
    );
    assert_eq!(tool.progress_token, Some(Id::from(7)));
}

#[test]
fn other_methods_have_no_tool_call() {
    let m = message(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#);
    assert_eq!(ToolCall::from_message(&m).unwrap(), None);
    let m = message(r#"{"jsonrpc":"2.0","id":1,"result":{"name":"x"}}"#);
    assert_eq!(ToolCall::from_message(&m).unwrap(), None);
}

#[test]
fn bypass_name_not_string() {
    // A server coercing `["delete"]` or `{"toString":…}` to a name would call a tool policy
    // never matched.
    for name in [r#"["delete"]"#, r#"{"x":"delete"}"#, "1", "null", "true"] {
        let err = refused(&format!(r#"{{"name":{name}}}"#));
        assert_eq!(
            err,
            ParseError::InvalidToolCall {
                path: "$.params.name".into(),
                reason: "\"name\" must be a string"
            },
            "{name}"
        );
    }
}

#[test]
fn tools_call_params_are_validated_at_parse_time() {
    let reason = |params: &str| match refused(params) {
        ParseError::InvalidToolCall { path, reason } => (path, reason),
        other => panic!("{params}: {other:?}"),
    };
    assert_eq!(reason("{}").0, "$.params.name");
    assert_eq!(reason(r#"{"name":""}"#).1, "\"name\" must not be empty");
    assert_eq!(
        reason(r#"{"name":"delete\u0000x"}"#).1,
        "\"name\" must not contain control characters"
    );
    assert_eq!(
        reason(r#"{"name":" delete"}"#).1,
        "\"name\" must not start or end with whitespace"
    );
    assert_eq!(
        reason(r#"{"name":"delete\n"}"#).1,
        "\"name\" must not contain control characters"
    );
    assert_eq!(
        reason(r#"{"name":"a","arguments":[1]}"#).0,
        "$.params.arguments"
    );
    assert_eq!(
        reason(r#"{"name":"a","arguments":null}"#).0,
        "$.params.arguments"
    );
    assert_eq!(reason(r#"{"name":"a","_meta":[]}"#).0, "$.params._meta");
    assert_eq!(
        reason(r#"{"name":"a","_meta":{"progressToken":{}}}"#).0,
        "$.params._meta.progressToken"
    );

    // No params at all.
    let err = parse_message(br#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#).unwrap_err();
    assert!(matches!(err, ParseError::InvalidToolCall { path, .. } if path == "$.params"));

    // Case variants of members, even alone.
    assert!(matches!(
        refused(r#"{"Name":"delete"}"#),
        ParseError::MisspelledMember {
            expected: "name",
            ..
        }
    ));
    assert!(matches!(
        refused(r#"{"name":"a","_META":{"progressToken":1}}"#),
        ParseError::MisspelledMember {
            expected: "_meta",
            ..
        }
    ));
    assert!(matches!(
        refused(r#"{"name":"a","_meta":{"progresstoken":1}}"#),
        ParseError::MisspelledMember {
            expected: "progressToken",
            ..
        }
    ));
}

#[test]
fn meta_spelling_is_checked_for_every_method() {
    let err = parse_message(
        br#"{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"_Meta":{}}}"#,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ParseError::MisspelledMember {
            expected: "_meta",
            ..
        }
    ));
}

#[test]
fn tool_names_may_hold_any_printable_text() {
    for name in ["a", "fs.read_file", "my-tool", "ns/tool", "wörter", "a b"] {
        let m = message(&call(&format!(r#"{{"name":{}}}"#, Value::from(name))));
        assert_eq!(ToolCall::from_message(&m).unwrap().unwrap().name, name);
    }
}

fn list_response() -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": 4,
        "result": {
            "tools": [
                {"name": "read", "description": "r", "inputSchema": {"type": "object"}},
                {"name": "delete", "inputSchema": {"type": "object"}, "annotations": {"destructiveHint": true}},
                {"name": "write", "inputSchema": {"type": "object"}}
            ],
            "nextCursor": "c2",
            "_meta": {"k": 1}
        }
    })
}

#[test]
fn reads_a_tools_list_page() {
    let response = list_response();
    let page = tools_list_page(&response).unwrap();
    assert_eq!(page.tools.len(), 3);
    assert_eq!(page.next_cursor, Some("c2"));
    assert_eq!(
        page.names().collect::<Vec<_>>(),
        ["read", "delete", "write"]
    );

    let last = json!({"jsonrpc":"2.0","id":1,"result":{"tools":[],"nextCursor":null}});
    assert_eq!(tools_list_page(&last).unwrap().next_cursor, None);
}

#[test]
fn filters_a_tools_list_keeping_everything_else() {
    let response = list_response();
    let bytes = filter_tools_list(&response, |name, _| name != "delete")
        .unwrap()
        .expect("something was removed");
    let rebuilt: Value = serde_json::from_slice(&bytes).unwrap();
    let mut expected = response.clone();
    expected["result"]["tools"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    assert_eq!(rebuilt, expected);
    assert!(!bytes.contains(&b'\n'));
    // The rebuilt bytes are themselves a valid, strictly parsable response.
    assert!(parse_message(&bytes).is_ok());

    // Nothing removed: forward the original bytes.
    assert_eq!(filter_tools_list(&response, |_, _| true).unwrap(), None);

    // The predicate sees each definition.
    let bytes = filter_tools_list(&response, |_, def| def.get("annotations").is_none())
        .unwrap()
        .unwrap();
    let rebuilt: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(rebuilt["result"]["tools"].as_array().unwrap().len(), 2);
}

#[test]
fn refuses_tools_lists_it_cannot_filter_safely() {
    let bad = [
        json!({"jsonrpc":"2.0","id":1,"result":[]}),
        json!({"jsonrpc":"2.0","id":1,"result":{}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"tools":{}}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"tools":[1]}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"tools":[{"description":"x"}]}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":5}]}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"tools":[],"nextCursor":3}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"safe","NAME":"hidden"}]}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"tools":[{"Name":"hidden"}]}}),
        json!({"jsonrpc":"2.0","id":1,"result":{"Tools":[{"name":"hidden"}],"tools":[]}}),
    ];
    for response in bad {
        let err = tools_list_page(&response).expect_err(&response.to_string());
        assert!(
            matches!(
                err,
                ParseError::InvalidToolsList { .. }
                    | ParseError::CaseFoldedKey { .. }
                    | ParseError::MisspelledMember { .. }
            ),
            "{response}: {err:?}"
        );
        assert!(filter_tools_list(&response, |_, _| false).is_err());
    }
    let err =
        tools_list_page(&json!({"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"a"},{}]}}))
            .unwrap_err();
    assert_eq!(
        err,
        ParseError::InvalidToolsList {
            path: "$.result.tools[1].name".into(),
            reason: "each tool needs a string \"name\""
        }
    );
    assert_eq!(err.code(), -32603);
}
