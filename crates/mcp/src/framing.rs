//! Newline-delimited JSON-RPC framing for the MCP stdio transport.
//!
//! A frame is the bytes of one line, not a `String`: invalid UTF-8 must become an error for
//! that one message (answered, then the session goes on), not a broken stream. Likewise a
//! line longer than the limit yields [`Frame::TooLong`] with its first few KiB (enough to
//! find the request `id` for the error answer); the rest of that line is then dropped as it
//! arrives, never buffered, and decoding resumes at the next line.

use std::io;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

/// Default cap on one message: 4 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// How much of an over-long line [`Frame::TooLong`] keeps.
pub const TOO_LONG_PREFIX: usize = 4 * 1024;

/// One line of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete line, without its `\n` or `\r\n`.
    Message(Bytes),
    /// A line over the size limit: its first [`TOO_LONG_PREFIX`] bytes at most. The rest of
    /// the line is discarded.
    TooLong { prefix: Bytes },
}

/// Decoder and encoder for newline-delimited JSON-RPC.
#[derive(Debug, Clone)]
pub struct LineCodec {
    max_message_size: usize,
    /// Bytes at the front of the buffer already searched for a newline.
    scanned: usize,
    /// Inside an over-long line that was already reported.
    discarding: bool,
}

impl LineCodec {
    /// A codec with the default 4 MiB limit.
    pub fn new() -> LineCodec {
        LineCodec::with_max_message_size(DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// A codec refusing lines longer than `max_message_size` bytes (line ending excluded).
    pub fn with_max_message_size(max_message_size: usize) -> LineCodec {
        LineCodec {
            max_message_size,
            scanned: 0,
            discarding: false,
        }
    }

    pub fn max_message_size(&self) -> usize {
        self.max_message_size
    }

    /// Turns one complete line (newline removed) into a frame, or `None` if it is blank.
    fn finish_line(&self, mut line: BytesMut) -> Option<Frame> {
        if line.last() == Some(&b'\r') {
            line.truncate(line.len() - 1);
        }
        if line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            return None;
        }
        if line.len() > self.max_message_size {
            return Some(too_long(&line));
        }
        Some(Frame::Message(line.freeze()))
    }
}

impl Default for LineCodec {
    fn default() -> LineCodec {
        LineCodec::new()
    }
}

fn too_long(line: &[u8]) -> Frame {
    Frame::TooLong {
        prefix: Bytes::copy_from_slice(&line[..line.len().min(TOO_LONG_PREFIX)]),
    }
}

fn find_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

impl Decoder for LineCodec {
    type Item = Frame;
    type Error = io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Option<Frame>> {
        loop {
            if self.discarding {
                match find_newline(buf) {
                    Some(pos) => {
                        buf.advance(pos + 1);
                        self.discarding = false;
                        self.scanned = 0;
                    }
                    None => {
                        // Drop what arrived so the over-long line never occupies memory.
                        buf.clear();
                        return Ok(None);
                    }
                }
            }
            // A line within the limit, plus a possible '\r', plus the '\n', fits in this
            // window; if no newline shows up inside it, the line is too long.
            let window = self.max_message_size.saturating_add(2).min(buf.len());
            let start = self.scanned.min(window);
            match find_newline(&buf[start..window]) {
                Some(offset) => {
                    let pos = start + offset;
                    let line = buf.split_to(pos);
                    buf.advance(1);
                    self.scanned = 0;
                    if let Some(frame) = self.finish_line(line) {
                        return Ok(Some(frame));
                    }
                }
                None if window == self.max_message_size.saturating_add(2) => {
                    let frame = too_long(&buf[..window]);
                    buf.advance(window);
                    self.scanned = 0;
                    self.discarding = true;
                    return Ok(Some(frame));
                }
                None => {
                    self.scanned = window;
                    return Ok(None);
                }
            }
        }
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> io::Result<Option<Frame>> {
        if let Some(frame) = self.decode(buf)? {
            return Ok(Some(frame));
        }
        // What is left is a final line without a newline (or nothing, or the tail of an
        // over-long line, which `decode` already dropped).
        self.scanned = 0;
        if self.discarding {
            self.discarding = false;
            buf.clear();
            return Ok(None);
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let line = buf.split();
        Ok(self.finish_line(line))
    }
}

impl<T: AsRef<[u8]>> Encoder<T> for LineCodec {
    type Error = io::Error;

    /// Writes one message and its `\n`.
    ///
    /// A message must not contain a raw line break, or the peer would split it in two. In a
    /// JSON text CR and LF can only be whitespace between tokens (inside strings they must be
    /// escaped), so replacing them with spaces, e.g. for a pretty-printed body received over
    /// HTTP, does not change what the message means. Only pass JSON texts.
    fn encode(&mut self, item: T, dst: &mut BytesMut) -> io::Result<()> {
        let bytes = item.as_ref();
        dst.reserve(bytes.len() + 1);
        let mut pieces = bytes.split(|b| matches!(b, b'\n' | b'\r'));
        if let Some(first) = pieces.next() {
            dst.extend_from_slice(first);
        }
        for piece in pieces {
            dst.put_u8(b' ');
            dst.extend_from_slice(piece);
        }
        dst.put_u8(b'\n');
        Ok(())
    }
}
