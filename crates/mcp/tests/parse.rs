//! Strict parsing: what is accepted, what is refused, and what is kept byte for byte.

use bytes::Bytes;
use serde_json::json;
use toolgate_mcp::{Id, Incoming, Kind, Message, Outcome, ParseError, parse_bytes, parse_message};

fn single(text: &str) -> Message {
    match parse_message(text.as_bytes()) {
        Ok(Incoming::Message(message)) => message,
        other => panic!("expected one message from {text}, got {other:?}"),
    }
}

fn reject(text: &str) -> ParseError {
    match parse_message(text.as_bytes()) {
        Err(err) => err,
        Ok(ok) => panic!("expected {text} to be refused, got {ok:?}"),
    }
}

fn call(params: &str) -> String {
    format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{params}}}"#)
}

// ---- classification -------------------------------------------------------------------

#[test]
fn classifies_request_notification_and_responses() {
    let request = single(r#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#);
    assert_eq!(
        request.kind(),
        &Kind::Request {
            id: Id::from("a"),
            method: "ping".into()
        }
    );
    assert_eq!(request.method(), Some("ping"));
    assert!(request.is_request() && request.params().is_none());

    let note = single(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
    assert!(note.is_notification());
    assert_eq!(note.id(), None);

    let ok = single(r#"{"jsonrpc":"2.0","id":2,"result":{"tools":[]}}"#);
    assert_eq!(
        ok.kind(),
        &Kind::Response {
            id: Some(Id::from(2)),
            outcome: Outcome::Result
        }
    );
    assert_eq!(ok.result(), Some(&json!({"tools": []})));
    assert_eq!(ok.error(), None);

    let err = single(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#);
    assert_eq!(
        err.kind(),
        &Kind::Response {
            id: None,
            outcome: Outcome::Error { code: -32700 }
        }
    );
    assert_eq!(err.error().unwrap()["message"], "x");
}

#[test]
fn params_may_be_an_array_outside_tools_call() {
    let message = single(r#"{"jsonrpc":"2.0","id":1,"method":"other","params":[1,2]}"#);
    assert_eq!(message.params(), Some(&json!([1, 2])));
}

// ---- raw bytes -------------------------------------------------------------------------

#[test]
fn original_bytes_are_preserved_exactly() {
    let text = "  {\"method\" : \"tools/call\",\t\"params\":{\"name\":\"echo\",\"arguments\":{\"z\":1,\"a\":\"\\u00e9\"}},\"id\":7 ,\"jsonrpc\":\"2.0\"}  ";
    let message = single(text);
    assert_eq!(message.raw().as_ref(), text.as_bytes());

    // The zero-copy entry point shares the caller's buffer.
    let frame = Bytes::from(text);
    let Ok(Incoming::Message(message)) = parse_bytes(frame.clone()) else {
        panic!("not a message")
    };
    assert_eq!(message.raw(), &frame);
    assert_eq!(message.raw().as_ptr(), frame.as_ptr());
}

#[test]
fn batch_elements_keep_their_exact_bytes() {
    let first = r#"{ "jsonrpc":"2.0", "id":1, "method":"tools/call", "params":{"name":"a"} }"#;
    let second = r#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"x":[1, 2]}}"#;
    let third = r#"{"id":3,"result":{},"jsonrpc":"2.0"}"#;
    let text = format!("[ {first},\n\t{second} ,{third}]");
    let Ok(Incoming::Batch(messages)) = parse_message(text.as_bytes()) else {
        panic!("not a batch")
    };
    let raws: Vec<&[u8]> = messages.iter().map(|m| m.raw().as_ref()).collect();
    assert_eq!(
        raws,
        [first.as_bytes(), second.as_bytes(), third.as_bytes()]
    );
    assert!(messages[0].is_request());
    assert!(messages[1].is_notification());
    assert!(messages[2].is_response());
}

#[test]
fn batch_rejections_name_the_element() {
    assert_eq!(reject("[]"), ParseError::EmptyBatch);
    assert_eq!(reject(" [ ] "), ParseError::EmptyBatch);
    let err = reject(
        r#"[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","method":"b","params":{"k":1,"k":2}}]"#,
    );
    assert_eq!(
        err,
        ParseError::DuplicateKey {
            path: "$[1].params.k".into(),
            key: "k".into()
        }
    );
    assert_eq!(
        reject(r#"[{"jsonrpc":"2.0","method":"a"}, 5]"#),
        ParseError::NotAnObject {
            path: "$[1]".into(),
            found: "a number"
        }
    );
    assert!(matches!(
        reject(r#"[[{"jsonrpc":"2.0","method":"a"}]]"#),
        ParseError::NotAnObject { .. }
    ));
    assert!(matches!(
        reject(r#"[{"jsonrpc":"2.0","method":"a"},]"#),
        ParseError::InvalidJson { .. }
    ));
    assert!(matches!(
        reject(r#"[{"jsonrpc":"2.0","method":"a","params":{"x":"\ud800"}}]"#),
        ParseError::LoneSurrogate { .. }
    ));
}

// ---- JSON-level rejections -------------------------------------------------------------

#[test]
fn bypass_invalid_utf8() {
    // A server decoding leniently (U+FFFD) could see a different name than we would.
    let mut bytes = call(r#"{"name":"echo","arguments":{"x":"AB"}}"#).into_bytes();
    let at = bytes.iter().position(|b| *b == b'A').unwrap();
    bytes[at] = 0xff;
    assert_eq!(
        parse_message(&bytes).unwrap_err(),
        ParseError::InvalidUtf8 { offset: at }
    );
    // Overlong encoding of '/' and a truncated sequence.
    assert!(matches!(
        parse_message(b"{\"a\":\"\xc0\xaf\"}"),
        Err(ParseError::InvalidUtf8 { offset: 6 })
    ));
    assert!(matches!(
        parse_message(b"{\"a\":\"\xe2\x82\"}"),
        Err(ParseError::InvalidUtf8 { .. })
    ));
}

#[test]
fn invalid_json_is_refused_with_position() {
    for text in [
        "",
        "   ",
        "{",
        r#"{"jsonrpc":"2.0",}"#,
        "{'a':1}",
        "nul",
        r#"{"a":1}x"#,
        "\u{feff}{}",
    ] {
        assert!(
            matches!(reject(text), ParseError::InvalidJson { .. }),
            "{text:?}"
        );
    }
    let err = reject("{\"jsonrpc\":\"2.0\",\n\"method\":\"x\",\"params\":{\"a\":[1,2,}}");
    match err {
        ParseError::InvalidJson { path, line, .. } => {
            // The element expected after the comma.
            assert_eq!(path, "$.params.a[2]");
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn lone_surrogates_are_refused() {
    for escape in [
        r"\ud800",
        r"\udc00",
        r"\ud800x",
        r"\ud800\u0041",
        r"\ud800\n",
    ] {
        let text = call(&format!(
            r#"{{"name":"echo","arguments":{{"x":"a{escape}"}}}}"#
        ));
        assert_eq!(
            reject(&text),
            ParseError::LoneSurrogate {
                path: "$.params.arguments.x".into()
            },
            "{escape}"
        );
    }
    // In a key too.
    assert!(matches!(
        reject(&call(r#"{"name":"e","\udfff":1}"#)),
        ParseError::LoneSurrogate { .. }
    ));
    // A proper pair is fine.
    let message = single(&call(r#"{"name":"e","arguments":{"x":"\ud83d\ude00"}}"#));
    assert_eq!(message.value()["params"]["arguments"]["x"], "😀");
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"x","params":{{"a":{}1{}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(matches!(
        reject(&deep),
        ParseError::TooDeep { limit: 100, .. }
    ));
    // Far past serde_json's own limit, as an object and as a batch element.
    let objects = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    assert!(matches!(reject(&objects), ParseError::TooDeep { .. }));
    let arrays = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(reject(&arrays), ParseError::TooDeep { .. }));
}

#[test]
fn bypass_duplicate_name_key() {
    // serde_json keeps the last "name", other readers the first: never let them differ.
    let err = reject(&call(r#"{"name":"echo","name":"delete"}"#));
    assert_eq!(
        err,
        ParseError::DuplicateKey {
            path: "$.params.name".into(),
            key: "name".into()
        }
    );
}

#[test]
fn bypass_duplicate_key_in_nested_arguments() {
    let err = reject(&call(
        r#"{"name":"sql","arguments":{"q":{"opts":[{"mode":"read","mode":"write"}]}}}"#,
    ));
    assert_eq!(
        err,
        ParseError::DuplicateKey {
            path: "$.params.arguments.q.opts[0].mode".into(),
            key: "mode".into()
        }
    );
}

#[test]
fn duplicate_keys_anywhere_are_refused() {
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","jsonrpc":"2.0","method":"x"}"#),
        ParseError::DuplicateKey { .. }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}"#),
        ParseError::DuplicateKey { .. }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","method":"x","method":"tools/call"}"#),
        ParseError::DuplicateKey { .. }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":1,"result":{"a":1,"a":1}}"#),
        ParseError::DuplicateKey { .. }
    ));
    // Escapes are decoded before comparing.
    assert!(matches!(
        reject(&call(r#"{"n\u0061me":"echo","name":"delete"}"#)),
        ParseError::DuplicateKey { .. }
    ));
}

#[test]
fn bypass_unicode_escape_in_name() {
    // Escapes are decoded by parsing, so policy compares the real name.
    let message = single(&call(
        r#"{"name":"forbidd\u0065n","arguments":{"p":"\u002fetc"}}"#,
    ));
    let tool = toolgate_mcp::ToolCall::from_message(&message)
        .unwrap()
        .unwrap();
    assert_eq!(tool.name, "forbidden");
    assert_eq!(tool.arguments, json!({"p": "/etc"}));
}

// ---- case folding ----------------------------------------------------------------------

#[test]
fn bypass_case_folded_name_key() {
    // Go's encoding/json would fill a `Name` field from "NAME" and could call delete.
    let err = reject(&call(r#"{"name":"echo","NAME":"delete"}"#));
    assert_eq!(
        err,
        ParseError::CaseFoldedKey {
            path: "$.params".into(),
            first: "NAME".into(),
            second: "name".into()
        }
    );
    // Unicode folding: the Kelvin sign (U+212A) matches 'k' in Go.
    let err = reject(&call(
        r#"{"name":"e","arguments":{"key":"a","\u212aey":"b"}}"#,
    ));
    assert!(matches!(err, ParseError::CaseFoldedKey { path, .. } if path == "$.params.arguments"));
}

#[test]
fn case_variant_of_a_member_is_refused_even_alone() {
    // We would see no arguments; a case-insensitive server would see these.
    assert_eq!(
        reject(&call(r#"{"name":"echo","Arguments":{"cmd":"rm -rf /"}}"#)),
        ParseError::MisspelledMember {
            path: "$.params.Arguments".into(),
            key: "Arguments".into(),
            expected: "arguments"
        }
    );
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":1,"Method":"tools/call"}"#),
        ParseError::MisspelledMember {
            expected: "method",
            ..
        }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","ID":1,"method":"tools/call"}"#),
        ParseError::MisspelledMember { expected: "id", .. }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":1,"method":"x","PARAMS":{}}"#),
        ParseError::MisspelledMember {
            expected: "params",
            ..
        }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":1,"result":{},"Error":{}}"#),
        ParseError::MisspelledMember {
            expected: "error",
            ..
        }
    ));
}

#[test]
fn requests_are_checked_for_case_collisions_at_any_depth() {
    let err =
        reject(r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":[{"b":{"c":1,"C":2}}]}}"#);
    assert!(matches!(err, ParseError::CaseFoldedKey { path, .. } if path == "$.params.a[0].b"));
    let err = reject(r#"{"jsonrpc":"2.0","id":1,"method":"x","extra":1,"EXTRA":2}"#);
    assert!(matches!(err, ParseError::CaseFoldedKey { path, .. } if path == "$"));
}

#[test]
fn responses_are_checked_only_near_the_top() {
    // Tool output and schemas are the server's data: "ID" beside "id" is legal there.
    single(r#"{"jsonrpc":"2.0","id":1,"result":{"structuredContent":{"id":1,"ID":2}}}"#);
    let err = reject(r#"{"jsonrpc":"2.0","id":1,"result":{"tools":[],"TOOLS":[]}}"#);
    assert!(matches!(err, ParseError::CaseFoldedKey { path, .. } if path == "$.result"));
}

// ---- envelope --------------------------------------------------------------------------

#[test]
fn jsonrpc_version_must_be_exactly_2_0() {
    assert_eq!(
        reject(r#"{"id":1,"method":"x"}"#),
        ParseError::MissingVersion { path: "$".into() }
    );
    for version in [r#""1.0""#, r#""2.0 ""#, "2.0", "null", r#""2""#] {
        let err = reject(&format!(r#"{{"jsonrpc":{version},"id":1,"method":"x"}}"#));
        assert!(
            matches!(err, ParseError::WrongVersion { ref path, .. } if path == "$.jsonrpc"),
            "{version}: {err:?}"
        );
    }
}

#[test]
fn method_must_be_a_string() {
    for method in ["1", "null", "[]", "{}", "true"] {
        let err = reject(&format!(r#"{{"jsonrpc":"2.0","id":1,"method":{method}}}"#));
        assert!(
            matches!(err, ParseError::MethodNotString { .. }),
            "{method}"
        );
    }
}

#[test]
fn id_must_be_a_string_or_number() {
    for id in ["null", "true", "[1]", "{}"] {
        let err = reject(&format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x"}}"#));
        assert!(
            matches!(err, ParseError::InvalidId { ref path, .. } if path == "$.id"),
            "{id}"
        );
    }
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":null,"result":{}}"#),
        ParseError::InvalidId { .. }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":[],"result":{}}"#),
        ParseError::InvalidId { .. }
    ));
    assert_eq!(
        single(r#"{"jsonrpc":"2.0","id":-1.5,"method":"x"}"#).id(),
        Some(&Id::Number(serde_json::Number::from_f64(-1.5).unwrap()))
    );
}

#[test]
fn params_must_be_structured() {
    for params in ["1", "\"x\"", "null", "true"] {
        let err = reject(&format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"x","params":{params}}}"#
        ));
        assert!(
            matches!(err, ParseError::InvalidParams { ref path, expected: "an object or an array", .. } if path == "$.params"),
            "{params}"
        );
    }
}

#[test]
fn bypass_params_as_array() {
    // Positional params would hide the tool name from policy while a server may accept them.
    assert_eq!(
        reject(&call(r#"["delete",{"all":true}]"#)),
        ParseError::InvalidParams {
            path: "$.params".into(),
            expected: "an object",
            found: "an array"
        }
    );
}

#[test]
fn request_and_response_at_once_is_refused() {
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":1,"method":"x","result":{}}"#),
        ParseError::RequestAndResponse {
            member: "result",
            ..
        }
    ));
    assert!(matches!(
        reject(r#"{"jsonrpc":"2.0","id":1,"method":"x","error":{"code":1,"message":"m"}}"#),
        ParseError::RequestAndResponse {
            member: "error",
            ..
        }
    ));
}

#[test]
fn malformed_responses_are_refused() {
    let cases = [
        (r#"{"jsonrpc":"2.0","id":1}"#, "neither"),
        (
            r#"{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"m"}}"#,
            "both",
        ),
        (r#"{"jsonrpc":"2.0","result":{}}"#, "no id"),
        (
            r#"{"jsonrpc":"2.0","id":1,"error":"bad"}"#,
            "error not object",
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":"1","message":"m"}}"#,
            "code not int",
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}}"#,
            "code fractional",
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":1}}"#,
            "no message",
        ),
    ];
    for (text, why) in cases {
        let err = reject(text);
        assert!(
            matches!(
                err,
                ParseError::InvalidResponse { .. } | ParseError::NotAMessage { .. }
            ),
            "{why}: {err:?}"
        );
    }
}

#[test]
fn non_objects_are_refused() {
    for text in ["1", "\"x\"", "null", "true"] {
        assert!(
            matches!(reject(text), ParseError::NotAnObject { .. }),
            "{text}"
        );
    }
}

#[test]
fn codes_follow_the_error_class() {
    assert_eq!(reject("{").code(), -32700);
    assert_eq!(reject(r#"{"a":1,"a":2}"#).code(), -32700);
    assert_eq!(reject(r#"{"id":1,"method":"x"}"#).code(), -32600);
    assert_eq!(reject(&call("[]")).code(), -32602);
}
