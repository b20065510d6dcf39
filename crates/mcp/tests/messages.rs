//! The text of every rejection, pinned: these messages reach agents and operators, so a
//! change to them should be a reviewed change.

use std::fmt::Write as _;

use toolgate_mcp::wire::parse_error_response;
use toolgate_mcp::{ParseError, parse_message};

const CASES: &[(&str, &[u8])] = &[
    ("invalid utf-8", b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}"),
    ("invalid json", b"{\"jsonrpc\":\"2.0\",\"method\":}"),
    ("trailing bytes", b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"} {}"),
    ("lone surrogate", br#"{"jsonrpc":"2.0","method":"x","params":{"s":"\udead"}}"#),
    ("duplicate name", br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","name":"delete"}}"#),
    ("case-folded name", br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","NAME":"delete"}}"#),
    ("misspelled member", br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","Arguments":{}}}"#),
    ("empty batch", b"[]"),
    ("not an object", b"42"),
    ("missing jsonrpc", br#"{"id":1,"method":"x"}"#),
    ("wrong jsonrpc", br#"{"jsonrpc":"1.0","id":1,"method":"x"}"#),
    ("method not a string", br#"{"jsonrpc":"2.0","id":1,"method":7}"#),
    ("null id in request", br#"{"jsonrpc":"2.0","id":null,"method":"x"}"#),
    ("scalar params", br#"{"jsonrpc":"2.0","id":1,"method":"x","params":"p"}"#),
    ("array params for tools/call", br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":["delete"]}"#),
    ("request and response", br#"{"jsonrpc":"2.0","id":1,"method":"x","result":{}}"#),
    ("neither", br#"{"jsonrpc":"2.0","id":1}"#),
    ("response without id", br#"{"jsonrpc":"2.0","result":{}}"#),
    ("name not a string", br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":["delete"]}}"#),
];

#[test]
fn rejection_messages() {
    let mut out = String::new();
    for (label, input) in CASES {
        let err = parse_message(input).expect_err(label);
        writeln!(
            out,
            "{label}\n  code: {}\n  message: {}",
            err.code(),
            err.message()
        )
        .unwrap();
    }
    let deep = format!("{}{}", "[".repeat(150), "]".repeat(150));
    let err = parse_message(deep.as_bytes()).unwrap_err();
    writeln!(
        out,
        "too deep\n  code: {}\n  message: {}",
        err.code(),
        err.message()
    )
    .unwrap();
    let err = ParseError::TooLarge {
        limit: 4 * 1024 * 1024,
    };
    writeln!(
        out,
        "too large\n  code: {}\n  message: {}",
        err.code(),
        err.message()
    )
    .unwrap();
    insta::assert_snapshot!(out);
}

#[test]
fn error_response_bytes() {
    let err = parse_message(
        br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","name":"b"}}"#,
    )
    .unwrap_err();
    let bytes = parse_error_response(Some(&1.into()), &err);
    insta::assert_snapshot!(String::from_utf8(bytes.to_vec()).unwrap());
}
