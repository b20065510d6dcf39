//! The strict message parser and the stdio line framing (`crates/mcp`).
//!
//! Never panics, whatever the bytes; and what it accepts agrees with a second reader:
//! - `parse_message` (copying) and `parse_bytes` (sharing) agree;
//! - an accepted message's value is what serde_json reads from the same bytes, its kind
//!   matches its members, and its raw bytes (a batch element's own slice) parse again to
//!   the same message;
//! - `splice::replace_member` (a hand-written scanner) finds the `id` of every accepted
//!   message that has one and changes nothing else;
//! - `filter_tools_list` keeps exactly the tools asked for and its output parses strictly;
//! - `LineCodec` yields the same frames however the input is chunked, and they match a
//!   plain split on `\n`.
#![no_main]

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tokio_util::codec::{Decoder, Encoder};
use toolgate_mcp::framing::TOO_LONG_PREFIX;
use toolgate_mcp::{Frame, Id, Incoming, Kind, LineCodec, Message, parse_bytes, parse_message};

fuzz_target!(|data: &[u8]| {
    parse_properties(data);
    framing_properties(data);
});

fn parse_properties(data: &[u8]) {
    let _ = toolgate_mcp::wire::best_effort_id(data);
    let shared = parse_bytes(Bytes::copy_from_slice(data));
    let copied = parse_message(data);
    match (&shared, &copied) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.messages().len(), b.messages().len());
            for (x, y) in a.messages().iter().zip(b.messages()) {
                assert_eq!(x.raw(), y.raw());
                assert_eq!(x.value(), y.value());
                assert_eq!(x.kind(), y.kind());
            }
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string());
            // Building the error answer must not panic either.
            let _ = toolgate_mcp::wire::parse_error_response(None, a);
        }
        _ => panic!("parse_bytes and parse_message disagree: {shared:?} vs {copied:?}"),
    }
    let Ok(incoming) = shared else { return };
    // serde_json, reading the whole frame leniently, sees the same values.
    let whole: Value = serde_json::from_slice(data).expect("accepted, yet serde_json refuses it");
    match (&incoming, &whole) {
        (Incoming::Message(m), v) => assert_eq!(m.value(), v),
        (Incoming::Batch(ms), Value::Array(vs)) => {
            assert!(!ms.is_empty());
            assert_eq!(ms.len(), vs.len());
            for (m, v) in ms.iter().zip(vs) {
                assert_eq!(m.value(), v);
            }
        }
        (Incoming::Batch(_), other) => panic!("a batch that serde_json reads as {other}"),
    }
    for message in incoming.messages() {
        check_message(message);
    }
}

fn check_message(message: &Message) {
    let value = message.value();
    let object = value.as_object().expect("an accepted message is an object");
    match message.kind() {
        Kind::Request { id, method } => {
            assert_eq!(
                object.get("method").and_then(Value::as_str),
                Some(method.as_str())
            );
            assert_eq!(object.get("id").and_then(Id::from_value).as_ref(), Some(id));
        }
        Kind::Notification { method } => {
            assert_eq!(
                object.get("method").and_then(Value::as_str),
                Some(method.as_str())
            );
            assert!(!object.contains_key("id"));
        }
        Kind::Response { id, .. } => {
            assert!(!object.contains_key("method"));
            assert_eq!(
                object.get("id").and_then(Id::from_value).as_ref(),
                id.as_ref()
            );
        }
    }
    // Its own bytes, alone, are the same message.
    let again = match parse_message(message.raw()) {
        Ok(Incoming::Message(m)) => m,
        other => panic!("an accepted message's raw bytes re-parse as {other:?}"),
    };
    assert_eq!(again.value(), value);
    assert_eq!(again.kind(), message.kind());

    // The splicer finds the id and changes nothing else.
    if object.contains_key("id") {
        let spliced = toolgate_mcp::splice::replace_member(message.raw(), &["id"], br#""fz""#)
            .expect("replace_member missed an id the parser read");
        let spliced: Value = serde_json::from_slice(&spliced).expect("spliced message is JSON");
        let mut expected = value.clone();
        expected["id"] = Value::from("fz");
        assert_eq!(spliced, expected);
    }

    if message.is_response() {
        let mut kept_names = Vec::new();
        match toolgate_mcp::filter_tools_list(value, |name, _| {
            let keep = name.len() % 2 == 0;
            if keep {
                kept_names.push(name.to_owned());
            }
            keep
        }) {
            Ok(Some(rebuilt)) => {
                let rebuilt = match parse_message(&rebuilt) {
                    Ok(Incoming::Message(m)) => m,
                    other => panic!("a filtered tools/list does not parse: {other:?}"),
                };
                let page = toolgate_mcp::tools_list_page(rebuilt.value())
                    .expect("a filtered tools/list is a tools/list");
                let names: Vec<&str> = page.names().collect();
                assert_eq!(names, kept_names);
                assert_eq!(rebuilt.kind(), message.kind());
            }
            Ok(None) | Err(_) => {}
        }
    }
}

fn framing_properties(data: &[u8]) {
    // The first byte picks a small limit (so over-long lines happen) and a chunk size.
    let Some((&knob, input)) = data.split_first() else {
        return;
    };
    let max = 1 + usize::from(knob & 0x3f) * 3;
    let chunk = 1 + usize::from(knob >> 6) * 7;
    let whole = decode_all(max, &[input]);
    let pieces: Vec<&[u8]> = input.chunks(chunk).collect();
    assert_eq!(
        whole,
        decode_all(max, &pieces),
        "chunking changed the frames"
    );

    // The plain model: split on '\n'; a line that can't fit (its limit plus "\r\n") is too
    // long whatever it holds; otherwise drop one '\r', skip blank lines, then check the size.
    let mut lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
    if input.ends_with(b"\n") || input.is_empty() {
        lines.pop();
    }
    let mut frames = whole.iter();
    for raw in lines {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let blank = line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
        if raw.len() >= max + 2 || (!blank && line.len() > max) {
            match frames.next() {
                Some(Frame::TooLong { prefix }) => {
                    assert!(prefix.len() <= TOO_LONG_PREFIX);
                    assert!(raw.starts_with(prefix));
                    assert!(prefix.len() >= line.len().min(max).min(TOO_LONG_PREFIX));
                }
                other => panic!("line of {} bytes (max {max}) gave {other:?}", line.len()),
            }
        } else if !blank {
            assert_eq!(
                frames.next(),
                Some(&Frame::Message(Bytes::copy_from_slice(line)))
            );
        }
    }
    assert_eq!(frames.next(), None, "frames the model does not have");

    // Encoding then decoding gives one frame: the message with its line breaks as spaces.
    let mut codec = LineCodec::with_max_message_size(usize::MAX);
    let mut buf = BytesMut::new();
    codec.encode(input, &mut buf).unwrap();
    let flat: Vec<u8> = input
        .iter()
        .map(|b| if matches!(b, b'\n' | b'\r') { b' ' } else { *b })
        .collect();
    let decoded = decode_all(usize::MAX, &[&buf]);
    if flat.iter().all(|b| matches!(b, b' ' | b'\t')) {
        assert!(decoded.is_empty());
    } else {
        assert_eq!(decoded, vec![Frame::Message(Bytes::from(flat))]);
    }
}

fn decode_all(max: usize, pieces: &[&[u8]]) -> Vec<Frame> {
    let mut codec = LineCodec::with_max_message_size(max);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for piece in pieces {
        buf.extend_from_slice(piece);
        while let Some(frame) = codec.decode(&mut buf).expect("decode never fails") {
            out.push(frame);
        }
    }
    while let Some(frame) = codec.decode_eof(&mut buf).expect("decode_eof never fails") {
        out.push(frame);
    }
    out
}
