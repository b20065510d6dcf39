//! A minimal HTTP/1.1 client connection for the HTTP benchmark: one keep-alive TCP
//! connection per MCP session, a pre-built request written with one `write`, the response
//! read into a buffer that is reused from call to call.
//!
//! Why not reqwest (or [`crate::HttpClient`])? On this 2-core machine the client shares the
//! cores with the server and the gateway; every microsecond it spends per call is taken from
//! them, unequally (the through side has one more process to feed). This client does only
//! what the benchmark needs — `Content-Length` and chunked bodies, an event stream read to its
//! end — and allocates nothing per call once its buffers have grown. Correctness is still
//! checked: every status, every body's framing, and (by the caller) every answer's id.

use std::borrow::Cow;
use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The biggest response head accepted (a broken server must not make us buffer forever).
const MAX_HEAD: usize = 64 * 1024;

/// What a response's `Content-Type` says about its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    EventStream,
    Other,
}

/// The parts of a response head the benchmark looks at.
#[derive(Debug, Clone)]
pub struct Head {
    pub status: u16,
    pub kind: BodyKind,
    pub session_id: Option<String>,
}

/// One keep-alive connection; reconnects when the server closed it.
pub struct Conn {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    /// Bytes read but not consumed yet (`buf[pos..]`).
    buf: Vec<u8>,
    pos: usize,
    /// The last response's body (chunked bodies decoded).
    body: Vec<u8>,
}

impl Conn {
    pub fn new(addr: SocketAddr) -> Conn {
        Conn {
            addr,
            stream: None,
            buf: Vec::with_capacity(16 * 1024),
            pos: 0,
            body: Vec::with_capacity(16 * 1024),
        }
    }

    /// Closes the TCP connection (the next exchange opens a new one).
    pub fn disconnect(&mut self) {
        self.stream = None;
    }

    /// The body of the last response.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    async fn connect(&mut self) -> io::Result<()> {
        let stream = TcpStream::connect(self.addr).await?;
        stream.set_nodelay(true)?;
        self.stream = Some(stream);
        self.buf.clear();
        self.pos = 0;
        Ok(())
    }

    /// Writes `request` (a whole HTTP/1.1 request) and reads its response. A kept-alive
    /// connection the server closed while idle (its keep-alive timeout) is reopened and the
    /// request sent again — only when not one byte of a response came back, so the server
    /// never saw it.
    pub async fn exchange(&mut self, request: &[u8]) -> io::Result<Head> {
        let reused = self.stream.is_some();
        if !reused {
            self.connect().await?;
        }
        match self.try_exchange(request).await {
            Ok(head) => Ok(head),
            Err(Failure::BeforeResponse(_)) if reused => {
                self.connect().await?;
                self.try_exchange(request).await.map_err(Failure::into_io)
            }
            Err(e) => {
                self.stream = None;
                Err(e.into_io())
            }
        }
    }

    async fn try_exchange(&mut self, request: &[u8]) -> Result<Head, Failure> {
        let stream = self.stream.as_mut().ok_or_else(|| {
            Failure::BeforeResponse(io::Error::new(io::ErrorKind::NotConnected, "no stream"))
        })?;
        stream
            .write_all(request)
            .await
            .map_err(Failure::BeforeResponse)?;
        // Any bytes left from an earlier response would be a framing error of ours.
        self.buf.clear();
        self.pos = 0;
        let head_end = loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                break end + 4;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(Failure::After(invalid("response head over 64 KiB")));
            }
            // A reset or EOF before the first byte of a response: the server closed the
            // kept-alive connection (its idle timeout) and never read the request.
            let got = self.fill().await.map_err(|e| {
                if self.buf.is_empty() {
                    Failure::BeforeResponse(e)
                } else {
                    Failure::After(e)
                }
            })?;
            if got == 0 {
                let e = io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed");
                return Err(if self.buf.is_empty() {
                    Failure::BeforeResponse(e)
                } else {
                    Failure::After(e)
                });
            }
        };
        let parsed = parse_head(&self.buf[..head_end]).map_err(Failure::After)?;
        self.pos = head_end;
        self.body.clear();
        match parsed.framing {
            Framing::Length(n) => self.read_exact_body(n).await,
            Framing::Chunked => self.read_chunked().await,
            Framing::UntilClose => self.read_to_close().await,
        }
        .map_err(Failure::After)?;
        if parsed.close {
            self.stream = None;
        }
        Ok(parsed.head)
    }

    /// Reads more bytes into `buf` (into its spare capacity: nothing is zeroed); 0 at EOF.
    async fn fill(&mut self) -> io::Result<usize> {
        let stream = self
            .stream
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "no stream"))?;
        if self.buf.capacity() - self.buf.len() < 8192 {
            self.buf.reserve(self.buf.capacity().max(16 * 1024));
        }
        stream.read_buf(&mut self.buf).await
    }

    /// Makes sure `n` unconsumed bytes are buffered.
    async fn want(&mut self, n: usize) -> io::Result<()> {
        while self.buf.len() - self.pos < n {
            if self.pos > 0 && self.pos == self.buf.len() {
                self.buf.clear();
                self.pos = 0;
            }
            if self.fill().await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed inside a response body",
                ));
            }
        }
        Ok(())
    }

    async fn read_exact_body(&mut self, n: usize) -> io::Result<()> {
        if self.buf.capacity() < self.pos + n {
            self.buf.reserve(self.pos + n - self.buf.len());
        }
        self.want(n).await?;
        self.body
            .extend_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(())
    }

    async fn read_chunked(&mut self) -> io::Result<()> {
        loop {
            let line = self.read_line().await?;
            let size_text = line.split(|&b| b == b';').next().unwrap_or(&[]);
            let size_text = std::str::from_utf8(size_text)
                .map_err(|_| invalid("chunk size is not text"))?
                .trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| invalid(&format!("bad chunk size {size_text:?}")))?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !self.read_line().await?.is_empty() {}
                return Ok(());
            }
            self.want(size + 2).await?;
            self.body
                .extend_from_slice(&self.buf[self.pos..self.pos + size]);
            if &self.buf[self.pos + size..self.pos + size + 2] != b"\r\n" {
                return Err(invalid("chunk not followed by CRLF"));
            }
            self.pos += size + 2;
        }
    }

    /// One CRLF-terminated line (without the CRLF), consumed.
    async fn read_line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(at) = find(&self.buf[self.pos..], b"\r\n") {
                let line = self.buf[self.pos..self.pos + at].to_vec();
                self.pos += at + 2;
                return Ok(line);
            }
            let need = self.buf.len() - self.pos + 1;
            self.want(need).await?;
        }
    }

    async fn read_to_close(&mut self) -> io::Result<()> {
        self.body.extend_from_slice(&self.buf[self.pos..]);
        self.pos = self.buf.len();
        loop {
            self.buf.clear();
            self.pos = 0;
            if self.fill().await? == 0 {
                return Ok(());
            }
            self.body.extend_from_slice(&self.buf);
        }
    }
}

/// Why an exchange failed, and whether the server can have seen the request.
enum Failure {
    BeforeResponse(io::Error),
    After(io::Error),
}

impl Failure {
    fn into_io(self) -> io::Error {
        match self {
            Failure::BeforeResponse(e) | Failure::After(e) => e,
        }
    }
}

enum Framing {
    Length(usize),
    Chunked,
    UntilClose,
}

struct Parsed {
    head: Head,
    framing: Framing,
    close: bool,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &[u8]) -> io::Result<Parsed> {
    let text = std::str::from_utf8(head).map_err(|_| invalid("response head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(invalid(&format!(
            "not an HTTP/1.x response: {status_line:?}"
        )));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(&format!("bad status line {status_line:?}")))?;
    let mut length = None;
    let mut chunked = false;
    let mut close = version == "HTTP/1.0";
    let mut kind = BodyKind::Other;
    let mut session_id = None;
    for line in lines.filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(&format!("bad header line {line:?}")));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| invalid("bad Content-Length"))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        } else if name.eq_ignore_ascii_case("content-type") {
            let media = value.split(';').next().unwrap_or("").trim();
            kind = if media.eq_ignore_ascii_case("application/json") {
                BodyKind::Json
            } else if media.eq_ignore_ascii_case("text/event-stream") {
                BodyKind::EventStream
            } else {
                BodyKind::Other
            };
        } else if name.eq_ignore_ascii_case("mcp-session-id") {
            session_id = Some(value.to_owned());
        }
    }
    let framing = if chunked {
        Framing::Chunked
    } else if let Some(n) = length {
        Framing::Length(n)
    } else if close {
        Framing::UntilClose
    } else {
        // No length, not chunked, kept alive: only bodiless answers (202, 204) look like this.
        Framing::Length(0)
    };
    Ok(Parsed {
        head: Head {
            status,
            kind,
            session_id,
        },
        framing,
        close,
    })
}

/// The `data` of each event in an event-stream body, in order. Servers put a JSON-RPC
/// message on one `data:` line; several lines are joined by `\n`, as the SSE format says.
pub fn sse_data(body: &[u8]) -> Vec<Cow<'_, [u8]>> {
    let mut events = Vec::new();
    let mut current: Option<Cow<'_, [u8]>> = None;
    for line in body.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            events.extend(current.take());
            continue;
        }
        if let Some(data) = line.strip_prefix(b"data:") {
            let data = data.strip_prefix(b" ").unwrap_or(data);
            current = Some(match current.take() {
                None => Cow::Borrowed(data),
                Some(before) => {
                    let mut joined = before.into_owned();
                    joined.push(b'\n');
                    joined.extend_from_slice(data);
                    Cow::Owned(joined)
                }
            });
        }
    }
    events.extend(current);
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_parsed() {
        let p = parse_head(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nMcp-Session-Id: abc\r\n\r\n",
        )
        .unwrap();
        assert_eq!(p.head.status, 200);
        assert_eq!(p.head.kind, BodyKind::EventStream);
        assert_eq!(p.head.session_id.as_deref(), Some("abc"));
        assert!(matches!(p.framing, Framing::Chunked));
        let p = parse_head(b"HTTP/1.1 202 Accepted\r\ncontent-length: 8\r\n\r\n").unwrap();
        assert!(matches!(p.framing, Framing::Length(8)));
        let p = parse_head(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").unwrap();
        assert!(p.close && matches!(p.framing, Framing::UntilClose));
        assert!(parse_head(b"SSH-2.0\r\n\r\n").is_err());
    }

    #[test]
    fn event_data_is_found() {
        let body =
            b"event: message\ndata: {\"id\":1}\n\nid: 7\r\ndata: {\"a\":\r\ndata: 2}\r\n\r\n";
        let events = sse_data(body);
        assert_eq!(events.len(), 2);
        assert_eq!(&*events[0], b"{\"id\":1}");
        assert_eq!(&*events[1], b"{\"a\":\n2}");
    }

    #[tokio::test]
    async fn chunked_and_length_bodies_on_one_connection() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
                .await
                .unwrap();
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}",
            )
            .await
            .unwrap();
        });
        let mut conn = Conn::new(addr);
        conn.exchange(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        assert_eq!(conn.body(), b"abcde");
        let head = conn.exchange(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        assert_eq!(head.kind, BodyKind::Json);
        assert_eq!(conn.body(), b"{}");
    }
}
