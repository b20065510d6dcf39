//! Reading server-sent events off an HTTP response, for the test clients. A small parser of
//! the WHATWG event-stream format (LF, CRLF or CR line ends, possibly split across chunks;
//! comments; multi-line `data`), kept separate from the gateway's own so a bug in one is
//! not mirrored by the other in the tests that pit them against each other.

use std::collections::VecDeque;

use super::error::{HttpClientError, describe};

/// One event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:` (`message` when the event named none).
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// `id:`, if the event had one.
    pub id: Option<String>,
}

/// Incremental parser: feed chunks, get whole events.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    event: Option<String>,
    data: Option<String>,
    id: Option<String>,
}

impl SseParser {
    /// Parses what `chunk` completes; partial lines wait for the next chunk.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(chunk);
        let mut events = Vec::new();
        let mut start = 0;
        while let Some(offset) = self.buf[start..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        {
            let end = start + offset;
            let next = match self.buf[end] {
                b'\r' if end + 1 == self.buf.len() => break, // maybe CRLF split across chunks
                b'\r' if self.buf[end + 1] == b'\n' => end + 2,
                _ => end + 1,
            };
            let line = String::from_utf8_lossy(&self.buf[start..end]).into_owned();
            start = next;
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
        }
        self.buf.drain(..start);
        events
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let data = self.data.take();
            let event = self.event.take();
            // An event without data is not dispatched (the `id` still counts).
            return data.map(|data| SseEvent {
                event: event.unwrap_or_else(|| "message".to_owned()),
                data,
                id: self.id.clone(),
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

/// The events of one HTTP response body.
pub struct SseReader {
    response: reqwest::Response,
    parser: SseParser,
    ready: VecDeque<SseEvent>,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            parser: SseParser::default(),
            ready: VecDeque::new(),
        }
    }

    /// The next event; `None` when the body ended. Unbounded: callers put the time limit.
    pub async fn next(&mut self) -> Result<Option<SseEvent>, HttpClientError> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Ok(Some(event));
            }
            let chunk = self
                .response
                .chunk()
                .await
                .map_err(|error| HttpClientError::Http {
                    what: "reading an event stream".to_owned(),
                    detail: describe(&error),
                })?;
            match chunk {
                Some(chunk) => self.ready.extend(self.parser.push(&chunk)),
                None => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_any_chunking_and_line_ending() {
        let stream = "id: p1-1\r\nevent: message\r\ndata: {\"a\":1}\r\n\r\n: ping\n\ndata: x\ndata: y\n\nevent: endpoint\rdata: /m?s=1\r\r";
        let want = vec![
            SseEvent {
                event: "message".into(),
                data: "{\"a\":1}".into(),
                id: Some("p1-1".into()),
            },
            SseEvent {
                event: "message".into(),
                data: "x\ny".into(),
                id: Some("p1-1".into()),
            },
            SseEvent {
                event: "endpoint".into(),
                data: "/m?s=1".into(),
                id: Some("p1-1".into()),
            },
        ];
        for size in 1..stream.len() {
            let mut parser = SseParser::default();
            let mut got = Vec::new();
            for chunk in stream.as_bytes().chunks(size) {
                got.extend(parser.push(chunk));
            }
            // The trailing lone CR only completes once more bytes (or nothing) follow.
            got.extend(parser.push(b"\n"));
            assert_eq!(got, want, "chunk size {size}");
        }
    }
}
