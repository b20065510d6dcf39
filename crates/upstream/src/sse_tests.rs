//! The event-stream parser against hand-written cases and, with proptest, against a plain
//! line-splitting reference implementation under arbitrary chunk splits.

use std::time::Duration;

use bytes::Bytes;
use proptest::prelude::*;
use toolgate_mcp::Frame;
use toolgate_mcp::framing::TOO_LONG_PREFIX;

use super::{SseEvent, SseParser};

/// The data of an event as bytes, whether complete or cut.
fn data_bytes(event: &SseEvent) -> &Bytes {
    match &event.data {
        Frame::Message(bytes) => bytes,
        Frame::TooLong { prefix } => prefix,
    }
}

fn msg(data: &str) -> SseEvent {
    SseEvent {
        event: "message".into(),
        data: Frame::Message(Bytes::copy_from_slice(data.as_bytes())),
    }
}

fn parse_chunks(max: usize, chunks: &[&[u8]]) -> (Vec<SseEvent>, SseParser) {
    let mut parser = SseParser::new(max);
    let mut out = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, &mut out);
    }
    (out, parser)
}

fn parse(input: &str) -> Vec<SseEvent> {
    parse_chunks(1 << 20, &[input.as_bytes()]).0
}

#[test]
fn one_event_and_default_type() {
    assert_eq!(parse("data: {\"a\":1}\n\n"), [msg("{\"a\":1}")]);
}

#[test]
fn multi_line_data_is_joined_with_lf() {
    assert_eq!(parse("data: a\ndata: b\ndata\n\n"), [msg("a\nb\n")]);
}

#[test]
fn every_line_ending_works_even_mixed() {
    assert_eq!(
        parse("data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r"),
        [msg("a\nb\nc"), msg("d")]
    );
}

#[test]
fn crlf_split_across_chunks_is_one_line_ending() {
    let (events, _) = parse_chunks(1024, &[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
    assert_eq!(events, [msg("a\nb")]);
}

#[test]
fn comments_and_unknown_fields_are_skipped() {
    let events = parse(": keep-alive\nfoo: bar\ndataa: x\nverylongfieldname: y\ndata: z\n\n");
    assert_eq!(events, [msg("z")]);
}

#[test]
fn only_one_space_after_the_colon_is_removed() {
    assert_eq!(
        parse("data:  two\n\ndata:none\n\n"),
        [msg(" two"), msg("none")]
    );
}

#[test]
fn event_type_is_kept_and_reset_after_each_event() {
    let events = parse("event: endpoint\ndata: /messages?s=1\n\ndata: m\n\nevent:\ndata: e\n\n");
    assert_eq!(events[0].event, "endpoint");
    assert!(!events[0].is_message());
    assert_eq!(events[1], msg("m"));
    assert_eq!(events[2], msg("e"));
}

#[test]
fn blank_lines_without_data_dispatch_nothing() {
    assert!(parse("\n\n\r\n: c\n\nevent: x\n\n").is_empty());
}

#[test]
fn an_empty_data_line_still_makes_an_event() {
    // The 2025-11-25 "priming" event: an id and an empty data field.
    let (events, parser) = parse_chunks(64, &[b"id: p1\ndata:\n\n"]);
    assert_eq!(events, [msg("")]);
    assert_eq!(parser.last_event_id(), Some("p1"));
}

#[test]
fn last_event_id_follows_dispatch_and_ignores_nul() {
    let (events, parser) = parse_chunks(64, &[b"id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"]);
    assert_eq!(events.len(), 2);
    assert_eq!(parser.last_event_id(), Some("1"));

    // The id counts only once the event ends.
    let (_, parser) = parse_chunks(64, &[b"id: 1\ndata: a\n\nid: 9\ndata: b\n"]);
    assert_eq!(parser.last_event_id(), Some("1"));

    // An id without data still moves the last event id; an empty id clears it.
    let (_, parser) = parse_chunks(64, &[b"id: 3\n\n"]);
    assert_eq!(parser.last_event_id(), Some("3"));
    let (_, parser) = parse_chunks(64, &[b"id: 3\n\nid\n\n"]);
    assert_eq!(parser.last_event_id(), None);
}

#[test]
fn retry_takes_only_digits() {
    let (_, parser) = parse_chunks(64, &[b"retry: 1500\n\nretry: 12x\n\nretry: -1\n\n"]);
    assert_eq!(parser.retry(), Some(Duration::from_millis(1500)));
    let (_, parser) = parse_chunks(64, &[b"retry:\n\nretry: 99999999999999999999\n\n"]);
    assert_eq!(parser.retry(), None);
}

#[test]
fn bom_at_start_is_skipped_even_split() {
    let (events, _) = parse_chunks(64, &[b"\xEF", b"\xBB", b"\xBFdata: a\n\n"]);
    assert_eq!(events, [msg("a")]);
    // A lone BOM byte pair that turns out not to be a BOM is kept as input.
    let (events, _) = parse_chunks(64, &[b"\xEF\xBB", b"data: a\n\ndata: b\n\n"]);
    assert_eq!(events, [msg("b")]);
    // Only at the start: later it is part of a field name.
    assert!(parse("data: a\n\n\u{FEFF}data: b\n\n").len() == 1);
}

#[test]
fn incomplete_event_at_end_is_not_dispatched() {
    assert_eq!(parse("data: a\n\ndata: b\n"), [msg("a")]);
    assert_eq!(parse("data: a\n\ndata: b"), [msg("a")]);
}

#[test]
fn oversize_event_becomes_too_long_with_a_prefix_and_the_stream_goes_on() {
    let max = 8 * 1024;
    let big = "x".repeat(3 * max);
    let input = format!("data: {big}\ndata: more\n\ndata: small\n\n");
    // Fed in small chunks: the buffer never holds more than the cap.
    let mut parser = SseParser::new(max);
    let mut out = Vec::new();
    for chunk in input.as_bytes().chunks(1000) {
        parser.feed(chunk, &mut out);
        assert!(parser.data.len() <= max);
    }
    assert_eq!(out.len(), 2);
    match &out[0].data {
        Frame::TooLong { prefix } => {
            assert_eq!(prefix.len(), TOO_LONG_PREFIX);
            assert!(prefix.iter().all(|b| *b == b'x'));
        }
        other => panic!("expected TooLong, got {other:?}"),
    }
    assert_eq!(out[1], msg("small"));
}

#[test]
fn data_exactly_at_the_cap_passes() {
    let (events, _) = parse_chunks(5, &[b"data: ab\ndata: cd\n\ndata: abcdef\n\n"]);
    assert_eq!(events[0], msg("ab\ncd"));
    assert!(matches!(events[1].data, Frame::TooLong { .. }));
    assert_eq!(data_bytes(&events[1]).as_ref(), b"abcdef");
}

#[test]
fn overlong_event_type_drops_the_event() {
    let name = "e".repeat(super::MAX_EVENT_TYPE + 1);
    let events = parse(&format!("event: {name}\ndata: a\n\ndata: b\n\n"));
    assert!(!events[0].is_message());
    assert_eq!(events[1], msg("b"));
}

#[test]
fn restart_keeps_last_id_and_retry_but_drops_a_partial_event() {
    let (_, mut parser) = parse_chunks(64, &[b"retry: 10\nid: 5\ndata: a\n\ndata: cut"]);
    parser.restart();
    let mut out = Vec::new();
    parser.feed(b"data: b\n\n", &mut out);
    assert_eq!(out, [msg("b")]);
    assert_eq!(parser.last_event_id(), Some("5"));
    assert_eq!(parser.retry(), Some(Duration::from_millis(10)));
}

/// The event-stream rules applied the obvious way: split into lines first.
fn reference(input: &[u8], max: usize) -> (Vec<SseEvent>, Option<String>, Option<Duration>) {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'\n' => {
                lines.push(&input[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&input[start..i]);
                if input.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    // What follows the last line ending is an unfinished line: never dispatched.
    let (mut events, mut data, mut kind, mut id_buf, mut last_id, mut retry) = (
        Vec::new(),
        Vec::new(),
        String::new(),
        String::new(),
        String::new(),
        None,
    );
    for line in lines {
        if line.is_empty() {
            last_id.clone_from(&id_buf);
            if !data.is_empty() {
                data.pop();
                let frame = if data.len() > max {
                    Frame::TooLong {
                        prefix: Bytes::copy_from_slice(&data[..data.len().min(TOO_LONG_PREFIX)]),
                    }
                } else {
                    Frame::Message(Bytes::copy_from_slice(&data))
                };
                let event = if kind.is_empty() {
                    "message".into()
                } else {
                    kind.clone()
                };
                events.push(SseEvent { event, data: frame });
            }
            data.clear();
            kind.clear();
            continue;
        }
        if line[0] == b':' {
            continue;
        }
        let (name, value) = match line.iter().position(|b| *b == b':') {
            Some(p) => {
                let v = &line[p + 1..];
                (&line[..p], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => {
                data.extend_from_slice(value);
                data.push(b'\n');
            }
            b"event" => kind = String::from_utf8_lossy(value).into_owned(),
            b"id" if !value.contains(&0) => id_buf = String::from_utf8_lossy(value).into_owned(),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                if let Ok(ms) = String::from_utf8_lossy(value).parse::<u64>() {
                    retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }
    ((events), (!last_id.is_empty()).then_some(last_id), retry)
}

const TOKENS: &[&[u8]] = &[
    b"data",
    b"data:",
    b"data: ",
    b"event:",
    b"event: endpoint",
    b"id:",
    b"id: 7",
    b"id: a\0",
    b"retry: 15",
    b"retry: x",
    b":",
    b": comment",
    b"x",
    b"hello",
    b"{\"a\":1}",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b" ",
    b"\xEF\xBB\xBF",
    b"\xC3\xA9",
    b"message",
    b"d",
    b"a",
];

fn stream() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        proptest::collection::vec(proptest::sample::select(TOKENS), 0..80),
    )
        .prop_map(|(bom, tokens)| {
            let mut bytes = if bom { BOM_BYTES.to_vec() } else { Vec::new() };
            for token in tokens {
                bytes.extend_from_slice(token);
            }
            bytes
        })
}

const BOM_BYTES: &[u8] = b"\xEF\xBB\xBF";

proptest! {
    #[test]
    fn any_chunk_split_matches_the_reference(
        input in stream(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        max in 1usize..24,
    ) {
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks = Vec::new();
        let mut prev = 0;
        for p in points {
            chunks.push(&input[prev..p]);
            prev = p;
        }
        chunks.push(&input[prev..]);
        let (events, parser) = parse_chunks(max, &chunks);
        let (want, last_id, retry) = reference(&input, max);
        prop_assert_eq!(events, want);
        prop_assert_eq!(parser.last_event_id().map(str::to_owned), last_id);
        prop_assert_eq!(parser.retry(), retry);
    }

    #[test]
    fn byte_at_a_time_equals_all_at_once(input in stream()) {
        let whole = parse_chunks(16, &[&input]).0;
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        prop_assert_eq!(parse_chunks(16, &bytes).0, whole);
    }
}
