//! Properties of the parser, the framing and the id scanner over generated input.

use bytes::{Bytes, BytesMut};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value};
use tokio_util::codec::Decoder;
use toolgate_mcp::wire::best_effort_id;
use toolgate_mcp::{Frame, Id, Incoming, LineCodec, ParseError, parse_message};

/// JSON values whose object keys come from `key`.
fn json_value(key: &'static str) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(Value::Number),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(key, inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Lowercase keys cannot collide when case is ignored.
const PLAIN_KEY: &str = "[a-z_]{0,6}";
/// Mixed-case and non-ASCII keys, which may.
const ANY_KEY: &str = "[a-zA-Z\u{17F}\u{212A}\u{E9}\u{C9}]{0,4}";

fn request_with_arguments(arguments: &dyn std::fmt::Display) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"t","arguments":{arguments}}}}}"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parser_never_panics_on_bytes(bytes in vec(any::<u8>(), 0..512)) {
        let _ = parse_message(&bytes);
        let _ = best_effort_id(&bytes);
    }

    #[test]
    fn parser_never_panics_on_json_like_text(text in r#"[\[\]{}",:0-9a-zA-Z\\ .eE+-]{0,200}"#) {
        let _ = parse_message(text.as_bytes());
        let _ = best_effort_id(text.as_bytes());
    }

    #[test]
    fn parser_never_panics_on_json_values(value in json_value(ANY_KEY)) {
        let text = value.to_string();
        let _ = parse_message(text.as_bytes());
        let _ = parse_message(request_with_arguments(&value).as_bytes());
        let _ = best_effort_id(text.as_bytes());
    }

    #[test]
    fn accepted_values_equal_serde_json(value in json_value(ANY_KEY)) {
        // Whatever we accept, we read exactly as serde_json does (no duplicates to differ on).
        let text = request_with_arguments(&value);
        if let Ok(Incoming::Message(message)) = parse_message(text.as_bytes()) {
            let expected: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(message.value(), &expected);
            prop_assert_eq!(message.raw().as_ref(), text.as_bytes());
        }
    }

    #[test]
    fn valid_messages_parse_to_serde_json_value(
        arguments in btree_map(PLAIN_KEY, json_value(PLAIN_KEY), 0..6),
        pretty in any::<bool>(),
    ) {
        let arguments = Value::Object(arguments.into_iter().collect::<Map<_, _>>());
        let message = serde_json::json!({
            "jsonrpc": "2.0",
            "id": 9,
            "method": "tools/call",
            "params": {"name": "t", "arguments": arguments},
        });
        let text = if pretty {
            serde_json::to_string_pretty(&message).unwrap()
        } else {
            message.to_string()
        };
        let parsed = parse_message(text.as_bytes());
        let Ok(Incoming::Message(parsed)) = parsed else {
            return Err(TestCaseError::fail(format!("refused: {parsed:?}")));
        };
        // Compared with serde_json's own reading of the text: floats need not survive a
        // print-and-parse round trip exactly, but both readers must agree.
        let expected: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(parsed.value(), &expected);
        prop_assert_eq!(parsed.raw().as_ref(), text.as_bytes());
        prop_assert_eq!(best_effort_id(text.as_bytes()), Some(Id::from(9)));
    }

    #[test]
    fn an_injected_duplicate_is_always_refused(
        arguments in btree_map(PLAIN_KEY, json_value(PLAIN_KEY), 1..6),
        pick in any::<prop::sample::Index>(),
        extra in json_value(PLAIN_KEY),
    ) {
        let key = pick.get(&arguments.keys().collect::<Vec<_>>()).to_string();
        let object = Value::Object(arguments.into_iter().collect()).to_string();
        // Prepend a second member under an existing key.
        let duplicated = format!("{{{}:{extra},{}", Value::from(key.as_str()), &object[1..]);
        let err = parse_message(request_with_arguments(&duplicated).as_bytes()).unwrap_err();
        let is_duplicate = matches!(err, ParseError::DuplicateKey { key: ref k, .. } if *k == key);
        prop_assert!(is_duplicate, "{:?}", err);
    }

    #[test]
    fn framing_is_independent_of_chunking(
        lines in vec("[ -~]{0,40}", 0..8),
        crlf in any::<bool>(),
        cuts in vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let ending = if crlf { "\r\n" } else { "\n" };
        let input: String = lines.iter().map(|line| format!("{line}{ending}")).collect();
        let whole = decode_all(&[input.as_bytes()]);
        let mut positions: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        positions.sort_unstable();
        let mut chunks = Vec::new();
        let mut last = 0;
        for position in positions {
            chunks.push(&input.as_bytes()[last..position]);
            last = position;
        }
        chunks.push(&input.as_bytes()[last..]);
        prop_assert_eq!(decode_all(&chunks), whole.clone());
        // Every non-blank line came out, exactly.
        let expected: Vec<Frame> = lines
            .iter()
            .filter(|line| !line.trim_matches([' ', '\t', '\r']).is_empty())
            .map(|line| Frame::Message(Bytes::from(line.trim_end_matches('\r').to_owned())))
            .collect();
        prop_assert_eq!(whole, expected);
    }
}

fn decode_all(chunks: &[&[u8]]) -> Vec<Frame> {
    let mut codec = LineCodec::with_max_message_size(64);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Some(frame) = codec.decode(&mut buf).unwrap() {
            frames.push(frame);
        }
    }
    while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
        frames.push(frame);
    }
    frames
}
