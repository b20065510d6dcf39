//! Server-sent events (`text/event-stream`), parsed incrementally from the byte chunks of an
//! HTTP body.
//!
//! Both HTTP transports carry server messages this way, and a remote server is untrusted
//! input: the parser must never buffer without bound. So it works on spans of each chunk
//! (no whole-line buffering): an event whose `data` grows past the message cap becomes
//! [`Frame::TooLong`] with its first [`TOO_LONG_PREFIX`] bytes and the rest is dropped as it
//! arrives; comments and unknown fields are skipped without being stored; `event`, `id` and
//! `retry` values are small and capped. Line endings (LF, CR, CRLF) may be split across
//! chunks, as may a leading byte-order mark, so every piece of state survives between
//! [`SseParser::feed`] calls. The rules follow the WHATWG "event stream interpretation".

use std::time::Duration;

use toolgate_mcp::Frame;
use toolgate_mcp::framing::TOO_LONG_PREFIX;

use bytes::BytesMut;

/// The longest field name worth keeping: every known one (`data`, `event`, `id`, `retry`)
/// is shorter, so a longer name is an unknown field whatever follows.
const MAX_FIELD_NAME: usize = 8;
/// Cap on an `event` value; MCP uses `message` and `endpoint`.
const MAX_EVENT_TYPE: usize = 256;
/// Cap on an `id` value (it is sent back as `Last-Event-ID`).
const MAX_ID: usize = 4096;
/// Cap on a `retry` value: more digits than any sane delay.
const MAX_RETRY: usize = 20;

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The event type: `message` unless the stream named another.
    pub event: String,
    /// The `data` lines joined with `\n`, or their first bytes when over the cap.
    pub data: Frame,
}

impl SseEvent {
    pub fn is_message(&self) -> bool {
        self.event == "message"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Data,
    Event,
    Id,
    Retry,
    /// Comments and unknown fields: read past, never stored.
    Ignored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the very start of a stream, `seen` bytes of a byte-order mark matched so far.
    Bom {
        seen: usize,
    },
    LineStart,
    /// Reading a field name (kept in `name`).
    Name,
    /// Reading a field value; `skip_space` until the first byte after the colon was seen.
    Value {
        field: Field,
        skip_space: bool,
    },
}

/// Incremental event-stream parser with a cap on each event's data.
#[derive(Debug)]
pub(crate) struct SseParser {
    max_event_bytes: usize,
    state: State,
    /// The previous chunk ended in CR: a LF starting this one belongs to that line ending.
    after_cr: bool,
    name: Vec<u8>,
    name_overflow: bool,
    /// The value of the `event`, `id` or `retry` line being read.
    value: Vec<u8>,
    value_overflow: bool,
    /// Data of the event being read, at most `max_event_bytes` (a prefix once over the cap).
    data: BytesMut,
    /// Whether a `data` line was seen (an empty `data:` still makes an event).
    has_data: bool,
    /// Length the data would have without a cap.
    data_len: usize,
    event_type: Option<String>,
    /// The last `id` field read; becomes `last_event_id` when an event ends.
    id_buffer: String,
    last_event_id: String,
    retry: Option<Duration>,
}

impl SseParser {
    /// A parser for a new stream, dispatching events of at most `max_event_bytes` of data.
    pub fn new(max_event_bytes: usize) -> SseParser {
        SseParser {
            max_event_bytes,
            state: State::Bom { seen: 0 },
            after_cr: false,
            name: Vec::with_capacity(MAX_FIELD_NAME),
            name_overflow: false,
            value: Vec::new(),
            value_overflow: false,
            data: BytesMut::new(),
            has_data: false,
            data_len: 0,
            event_type: None,
            id_buffer: String::new(),
            last_event_id: String::new(),
            retry: None,
        }
    }

    /// Forgets a partly read event and starts a new stream (a reconnection), keeping the last
    /// event id and the reconnection delay, as an `EventSource` does.
    pub fn restart(&mut self) {
        let mut fresh = SseParser::new(self.max_event_bytes);
        fresh.id_buffer = self.last_event_id.clone();
        fresh.last_event_id = std::mem::take(&mut self.last_event_id);
        fresh.retry = self.retry;
        *self = fresh;
    }

    /// The id of the last event dispatched (or of a later event without data), for
    /// `Last-Event-ID`; `None` when unset or reset by an empty `id`.
    pub fn last_event_id(&self) -> Option<&str> {
        (!self.last_event_id.is_empty()).then_some(self.last_event_id.as_str())
    }

    /// The reconnection delay the server asked for with `retry:`.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Parses one chunk, appending every event it completes to `out`. A final event not
    /// followed by a blank line is held back, and dropped if the stream ends there.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) {
        let mut i = 0;
        while i < chunk.len() {
            if self.after_cr {
                self.after_cr = false;
                if chunk[i] == b'\n' {
                    i += 1;
                    continue;
                }
            }
            match self.state {
                State::Bom { seen } => {
                    if chunk[i] == BOM[seen] {
                        i += 1;
                        self.state = if seen + 1 == BOM.len() {
                            State::LineStart
                        } else {
                            State::Bom { seen: seen + 1 }
                        };
                    } else {
                        // Not a BOM after all: the bytes matched so far are ordinary input.
                        self.state = State::LineStart;
                        self.feed(&BOM[..seen], out);
                    }
                }
                State::LineStart => match chunk[i] {
                    b'\r' | b'\n' => {
                        self.after_cr = chunk[i] == b'\r';
                        i += 1;
                        self.dispatch(out);
                    }
                    b':' => {
                        i += 1;
                        self.state = State::Value {
                            field: Field::Ignored,
                            skip_space: false,
                        };
                    }
                    _ => {
                        self.name.clear();
                        self.name_overflow = false;
                        self.state = State::Name;
                    }
                },
                State::Name => {
                    let rest = &chunk[i..];
                    let end = rest
                        .iter()
                        .position(|b| matches!(b, b':' | b'\r' | b'\n'))
                        .unwrap_or(rest.len());
                    self.push_name(&rest[..end]);
                    i += end;
                    let Some(&stop) = rest.get(end) else { break };
                    i += 1;
                    let field = self.field();
                    self.start_value(field);
                    if stop == b':' {
                        self.state = State::Value {
                            field,
                            skip_space: true,
                        };
                    } else {
                        // A name alone is that field with an empty value.
                        self.end_line(field, stop);
                    }
                }
                State::Value { field, skip_space } => {
                    if skip_space {
                        self.state = State::Value {
                            field,
                            skip_space: false,
                        };
                        if chunk[i] == b' ' {
                            i += 1;
                        }
                        continue;
                    }
                    let rest = &chunk[i..];
                    let end = rest
                        .iter()
                        .position(|b| matches!(b, b'\r' | b'\n'))
                        .unwrap_or(rest.len());
                    self.push_value(field, &rest[..end]);
                    i += end;
                    let Some(&stop) = rest.get(end) else { break };
                    i += 1;
                    self.end_line(field, stop);
                }
            }
        }
    }

    fn push_name(&mut self, bytes: &[u8]) {
        if self.name.len() + bytes.len() > MAX_FIELD_NAME {
            self.name_overflow = true;
        } else {
            self.name.extend_from_slice(bytes);
        }
    }

    fn field(&self) -> Field {
        if self.name_overflow {
            return Field::Ignored;
        }
        match self.name.as_slice() {
            b"data" => Field::Data,
            b"event" => Field::Event,
            b"id" => Field::Id,
            b"retry" => Field::Retry,
            _ => Field::Ignored,
        }
    }

    fn start_value(&mut self, field: Field) {
        self.value.clear();
        self.value_overflow = false;
        if field == Field::Data {
            // Lines of one event's data are joined with LF.
            if self.has_data {
                self.push_data(b"\n");
            }
            self.has_data = true;
        }
    }

    fn push_value(&mut self, field: Field, bytes: &[u8]) {
        let cap = match field {
            Field::Data => return self.push_data(bytes),
            Field::Ignored => return,
            Field::Event => MAX_EVENT_TYPE,
            Field::Id => MAX_ID,
            Field::Retry => MAX_RETRY,
        };
        if self.value.len() + bytes.len() > cap {
            self.value_overflow = true;
        } else {
            self.value.extend_from_slice(bytes);
        }
    }

    fn push_data(&mut self, bytes: &[u8]) {
        self.data_len = self.data_len.saturating_add(bytes.len());
        if self.data_len > self.max_event_bytes {
            // Over the cap: keep only the prefix an error answer needs, drop the rest.
            self.data.truncate(TOO_LONG_PREFIX);
            let room = TOO_LONG_PREFIX.saturating_sub(self.data.len());
            self.data.extend_from_slice(&bytes[..room.min(bytes.len())]);
        } else {
            self.data.extend_from_slice(bytes);
        }
    }

    /// Finishes the line of `field` ended by `stop` (CR or LF).
    fn end_line(&mut self, field: Field, stop: u8) {
        self.after_cr = stop == b'\r';
        self.state = State::LineStart;
        if self.value_overflow {
            // An over-long `id` or `retry` is ignored; an over-long `event` makes an event
            // type no one listens to, so that event is dropped.
            if field == Field::Event {
                self.event_type = Some(String::from("\u{0}overlong"));
            }
            return;
        }
        match field {
            Field::Event => {
                self.event_type = Some(String::from_utf8_lossy(&self.value).into_owned());
            }
            Field::Id => {
                if !self.value.contains(&0) {
                    self.id_buffer = String::from_utf8_lossy(&self.value).into_owned();
                }
            }
            Field::Retry => {
                if !self.value.is_empty() && self.value.iter().all(u8::is_ascii_digit) {
                    let text = String::from_utf8_lossy(&self.value);
                    if let Ok(ms) = text.parse::<u64>() {
                        self.retry = Some(Duration::from_millis(ms));
                    }
                }
            }
            Field::Data | Field::Ignored => {}
        }
    }

    /// A blank line: the event read so far is complete.
    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        self.last_event_id.clone_from(&self.id_buffer);
        let event_type = self.event_type.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        let data = self.data.split().freeze();
        let frame = if std::mem::take(&mut self.data_len) > self.max_event_bytes {
            Frame::TooLong { prefix: data }
        } else {
            Frame::Message(data)
        };
        let event = match event_type {
            Some(kind) if !kind.is_empty() => kind,
            _ => String::from("message"),
        };
        out.push(SseEvent { event, data: frame });
    }
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;
