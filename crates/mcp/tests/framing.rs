//! Newline framing: chunk boundaries, line endings, over-long lines, EOF, encoding.

use bytes::{Bytes, BytesMut};
use futures::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::{Decoder, Encoder, FramedRead, FramedWrite};
use toolgate_mcp::framing::TOO_LONG_PREFIX;
use toolgate_mcp::wire::best_effort_id;
use toolgate_mcp::{
    DEFAULT_MAX_MESSAGE_SIZE, Frame, Id, Incoming, LineCodec, ParseError, parse_bytes,
};

/// Feeds `chunks` one by one, then signals EOF; also checks the buffer never outgrows the cap.
fn decode_chunks(codec: &mut LineCodec, chunks: &[&[u8]]) -> Vec<Frame> {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Some(frame) = codec.decode(&mut buf).unwrap() {
            frames.push(frame);
        }
        assert!(
            buf.len() <= codec.max_message_size() + 1,
            "buffered {} bytes with a {}-byte cap",
            buf.len(),
            codec.max_message_size()
        );
    }
    while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
        frames.push(frame);
    }
    frames
}

fn msg(text: &str) -> Frame {
    Frame::Message(Bytes::copy_from_slice(text.as_bytes()))
}

#[test]
fn splits_lines_strips_cr_and_skips_blank_lines() {
    let input = b"{\"a\":1}\n\n  \r\n{\"b\":2}\r\n\t\n{\"c\":3}";
    let frames = decode_chunks(&mut LineCodec::new(), &[input]);
    assert_eq!(
        frames,
        [msg(r#"{"a":1}"#), msg(r#"{"b":2}"#), msg(r#"{"c":3}"#)]
    );
}

#[test]
fn frames_survive_every_chunk_boundary() {
    let input: &[u8] = b"{\"id\":1}\r\n\n{\"id\":22,\"x\":\"\xff\"}\n   \n{\"id\":333}";
    let expected = decode_chunks(&mut LineCodec::new(), &[input]);
    assert_eq!(expected.len(), 3);
    for cut in 0..=input.len() {
        let (a, b) = input.split_at(cut);
        assert_eq!(
            decode_chunks(&mut LineCodec::new(), &[a, b]),
            expected,
            "cut at {cut}"
        );
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(decode_chunks(&mut LineCodec::new(), &bytes), expected);
    // And with a small cap that these lines still fit.
    assert_eq!(
        decode_chunks(&mut LineCodec::with_max_message_size(24), &bytes),
        expected
    );
}

#[test]
fn limit_is_exact_and_cr_does_not_count() {
    let mut codec = LineCodec::with_max_message_size(8);
    let frames = decode_chunks(&mut codec, &[b"12345678\n12345678\r\n123456789\nok\n"]);
    assert_eq!(
        frames,
        [
            msg("12345678"),
            msg("12345678"),
            Frame::TooLong {
                prefix: Bytes::from_static(b"123456789")
            },
            msg("ok"),
        ]
    );
}

#[test]
fn too_long_line_is_reported_once_and_dropped_while_streaming() {
    let mut codec = LineCodec::with_max_message_size(16);
    let long = [b'x'; 100];
    let input = [&long[..], b"\n{\"ok\":1}\n"].concat();
    let chunks: Vec<&[u8]> = input.chunks(7).collect();
    let frames = decode_chunks(&mut codec, &chunks);
    assert_eq!(frames.len(), 2);
    assert!(
        matches!(&frames[0], Frame::TooLong { prefix } if prefix.len() <= 18 && prefix.iter().all(|b| *b == b'x'))
    );
    assert_eq!(frames[1], msg(r#"{"ok":1}"#));
}

#[test]
fn too_long_prefix_is_capped() {
    let mut codec = LineCodec::with_max_message_size(64 * 1024);
    let line = vec![b'y'; 100 * 1024];
    let frames = decode_chunks(&mut codec, &[&line]);
    assert_eq!(frames.len(), 1);
    let Frame::TooLong { prefix } = &frames[0] else {
        panic!("{frames:?}")
    };
    assert_eq!(prefix.len(), TOO_LONG_PREFIX);
}

#[test]
fn final_unterminated_line_is_a_frame() {
    assert_eq!(decode_chunks(&mut LineCodec::new(), &[b"{}"]), [msg("{}")]);
    assert_eq!(
        decode_chunks(&mut LineCodec::new(), &[b"{}\r"]),
        [msg("{}")]
    );
    assert_eq!(decode_chunks(&mut LineCodec::new(), &[b"   "]), []);
    assert_eq!(decode_chunks(&mut LineCodec::new(), &[b""]), []);
    // Over-long and unterminated: reported once, nothing after.
    let frames = decode_chunks(&mut LineCodec::with_max_message_size(4), &[b"123456"]);
    assert_eq!(
        frames,
        [Frame::TooLong {
            prefix: Bytes::from_static(b"123456")
        }]
    );
    let frames = decode_chunks(&mut LineCodec::with_max_message_size(4), &[b"12345"]);
    assert_eq!(
        frames,
        [Frame::TooLong {
            prefix: Bytes::from_static(b"12345")
        }]
    );
}

#[test]
fn invalid_utf8_is_a_message_error_not_a_stream_error() {
    let frames = decode_chunks(
        &mut LineCodec::new(),
        &[b"{\"a\":\"\xc3\x28\"}\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n"],
    );
    assert_eq!(frames.len(), 2);
    let Frame::Message(bad) = &frames[0] else {
        panic!()
    };
    assert!(matches!(
        parse_bytes(bad.clone()),
        Err(ParseError::InvalidUtf8 { offset: 6 })
    ));
    let Frame::Message(good) = &frames[1] else {
        panic!()
    };
    assert!(parse_bytes(good.clone()).is_ok());
}

#[tokio::test]
async fn bypass_oversize_line_then_session_continues() {
    // An over-long line must cost one error answer, not the session, and must never be
    // buffered whole.
    let (mut writer, reader) = tokio::io::duplex(64 * 1024);
    let writer_task = tokio::spawn(async move {
        let mut huge = br#"{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"x","arguments":{"blob":""#.to_vec();
        huge.resize(DEFAULT_MAX_MESSAGE_SIZE + 1024 * 1024, b'a');
        huge.extend_from_slice(b"\"}}}\n");
        writer.write_all(&huge).await.unwrap();
        writer
            .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}\n")
            .await
            .unwrap();
    });
    let mut frames = FramedRead::new(reader, LineCodec::new());

    let Some(Ok(Frame::TooLong { prefix })) = frames.next().await else {
        panic!("expected TooLong")
    };
    assert!(prefix.len() <= TOO_LONG_PREFIX);
    assert_eq!(best_effort_id(&prefix), Some(Id::from(41)));
    assert!(frames.read_buffer().len() <= DEFAULT_MAX_MESSAGE_SIZE + 1);

    let Some(Ok(Frame::Message(next))) = frames.next().await else {
        panic!("expected the next message")
    };
    let Ok(Incoming::Message(message)) = parse_bytes(next) else {
        panic!("next message should parse")
    };
    assert_eq!(message.id(), Some(&Id::from(42)));
    assert!(frames.next().await.is_none());
    writer_task.await.unwrap();
}

#[test]
fn encoder_appends_newline_and_flattens_line_breaks() {
    let mut codec = LineCodec::new();
    let mut out = BytesMut::new();
    codec
        .encode(Bytes::from_static(br#"{"a":1}"#), &mut out)
        .unwrap();
    codec
        .encode(b"{\n  \"b\": 2\r\n}".as_slice(), &mut out)
        .unwrap();
    codec.encode(Vec::from(&b"{}"[..]), &mut out).unwrap();
    assert_eq!(&out[..], b"{\"a\":1}\n{   \"b\": 2  }\n{}\n");
    let value: serde_json::Value = serde_json::from_slice(b"{   \"b\": 2  }").unwrap();
    assert_eq!(value["b"], 2);
}

#[tokio::test]
async fn encoder_and_decoder_round_trip() {
    let (writer, reader) = tokio::io::duplex(16);
    let mut sink = FramedWrite::new(writer, LineCodec::new());
    let messages: Vec<Bytes> = (0..50)
        .map(|i| Bytes::from(format!(r#"{{"jsonrpc":"2.0","id":{i},"method":"m"}}"#)))
        .collect();
    let sent = messages.clone();
    let task = tokio::spawn(async move {
        for message in sent {
            sink.send(message).await.unwrap();
        }
    });
    let frames: Vec<Frame> = FramedRead::new(reader, LineCodec::new())
        .map(Result::unwrap)
        .collect()
        .await;
    task.await.unwrap();
    assert_eq!(
        frames,
        messages.into_iter().map(Frame::Message).collect::<Vec<_>>()
    );
}
