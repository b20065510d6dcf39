//! Unit tests of the HTTP client's pure parts (no server needed).

use super::*;
use crate::server::http::decode_header_value;

#[test]
fn header_values_round_trip_through_the_server_decoder() {
    for name in [
        "echo",
        "get order",
        " padded",
        "naïve",
        "=?base64?x?=",
        "tab\there",
    ] {
        let encoded = encode_header_value(name);
        assert!(HeaderValue::from_str(&encoded).is_ok(), "{encoded}");
        assert_eq!(decode_header_value(&encoded).as_deref(), Some(name));
    }
    assert_eq!(encode_header_value("echo"), "echo");
}

#[test]
fn stateless_envelope_keeps_existing_meta() {
    let client = HttpClient::stateless("http://127.0.0.1:9/mcp").unwrap();
    let message = client.envelope(rpc::request(
        &json!(1),
        "tools/call",
        json!({"name": "slow", "_meta": {"progressToken": "t"}}),
    ));
    let meta = &message["params"]["_meta"];
    assert_eq!(meta["progressToken"], "t");
    assert_eq!(
        meta["io.modelcontextprotocol/protocolVersion"],
        STATELESS_VERSION
    );
    let bare = client.envelope(rpc::request(&json!(2), "tools/list", Value::Null));
    assert!(bare["params"]["_meta"].is_object());
}

#[test]
fn invalid_urls_are_refused() {
    assert!(matches!(
        HttpClient::new("not a url"),
        Err(HttpClientError::InvalidUrl { .. })
    ));
}
