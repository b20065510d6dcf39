//! State shared by the tasks of one HTTP upstream connection (the POSTs in flight, the GET
//! stream, the legacy SSE reader) and the helpers they all use: building requests with the
//! right headers, reading bodies within the size cap, turning failures into the JSON-RPC
//! error answers the pipeline settles, and deciding when the server is gone for good.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use reqwest::{RequestBuilder, Response, Url};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use toolgate_mcp::framing::TOO_LONG_PREFIX;
use toolgate_mcp::wire::{INTERNAL_ERROR, error_response};
use toolgate_mcp::{Frame, Id};

use crate::FromServer;

pub(crate) const SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
pub(crate) const PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
pub(crate) const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");
pub(crate) const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
pub(crate) const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");

pub(crate) const JSON: HeaderValue = HeaderValue::from_static("application/json");
pub(crate) const EVENT_STREAM: HeaderValue = HeaderValue::from_static("text/event-stream");
const ACCEPT_BOTH: HeaderValue = HeaderValue::from_static("application/json, text/event-stream");

/// How much of an error body goes into the error message.
const ERROR_BODY_CHARS: usize = 200;
/// How much of an error body we read at most to find those characters.
const ERROR_BODY_BYTES: usize = 4096;

/// The message of the error answer for requests in flight when the session ended.
pub(crate) const SESSION_EXPIRED: &str = "upstream session expired (404)";

/// Something a task tells the connection's driver.
#[derive(Debug)]
pub(crate) enum DriverEvent {
    /// The client's `notifications/initialized` was accepted: time for the GET stream.
    Initialized,
    /// The session is over (expired, unreachable); the message says why.
    Fatal(String),
}

/// What the server told us about the session.
#[derive(Debug, Default)]
struct Session {
    id: Option<HeaderValue>,
    protocol_version: Option<HeaderValue>,
    /// The server answered an `initialize` (or, stateless, any request): from then on, a
    /// server that stays unreachable ends the connection.
    established: bool,
    /// Since when every attempt to reach the server failed.
    failing_since: Option<Instant>,
}

/// One HTTP upstream connection's configuration and state.
pub(crate) struct Shared {
    pub client: reqwest::Client,
    pub url: Url,
    /// The URL without credentials or query, for messages and logs.
    pub shown_url: String,
    pub headers: HeaderMap,
    pub max_message_bytes: usize,
    pub connect_timeout: Duration,
    pub stateless: bool,
    pub from_server: mpsc::Sender<FromServer>,
    /// Cancelled when the connection ends; every task stops and answers what it owed.
    pub cancel: CancellationToken,
    events: mpsc::UnboundedSender<DriverEvent>,
    session: Mutex<Session>,
    end_reason: Mutex<Option<String>>,
}

impl Shared {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        client: reqwest::Client,
        url: Url,
        headers: HeaderMap,
        max_message_bytes: usize,
        connect_timeout: Duration,
        stateless: bool,
        from_server: mpsc::Sender<FromServer>,
        events: mpsc::UnboundedSender<DriverEvent>,
    ) -> Shared {
        Shared {
            client,
            shown_url: shown_url(&url),
            url,
            headers,
            max_message_bytes,
            connect_timeout,
            stateless,
            from_server,
            cancel: CancellationToken::new(),
            events,
            session: Mutex::new(Session::default()),
            end_reason: Mutex::new(None),
        }
    }

    fn session(&self) -> std::sync::MutexGuard<'_, Session> {
        // A panic elsewhere cannot leave a `Session` half-updated; keep going.
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn session_id(&self) -> Option<HeaderValue> {
        if self.stateless {
            return None;
        }
        self.session().id.clone()
    }

    /// Keeps the session id the server assigned (the first one; only visible ASCII, as the
    /// spec requires, so it can be sent back verbatim).
    pub fn set_session_id(&self, value: &HeaderValue) {
        if self.stateless {
            return;
        }
        let visible =
            !value.is_empty() && value.as_bytes().iter().all(|b| (0x21..=0x7E).contains(b));
        if !visible {
            tracing::warn!(upstream = %self.shown_url, "ignoring a session id that is not visible ASCII");
            return;
        }
        let mut session = self.session();
        if session.id.is_none() {
            session.id = Some(value.clone());
        }
    }

    pub fn set_protocol_version(&self, version: &str) {
        match HeaderValue::from_str(version) {
            Ok(value) => self.session().protocol_version = Some(value),
            Err(_) => {
                tracing::warn!(upstream = %self.shown_url, "ignoring an unusable protocol version")
            }
        }
    }

    pub fn establish(&self) {
        self.session().established = true;
    }

    pub fn send_event(&self, event: DriverEvent) {
        // The driver outlives every task; a closed channel means it is already ending.
        let _ = self.events.send(event);
    }

    /// The server answered: it is reachable.
    pub fn record_reachable(&self) {
        self.session().failing_since = None;
    }

    /// An attempt to reach the server failed; ends the connection once every attempt failed
    /// for longer than the connect timeout after the session existed. Returns whether it did.
    pub fn record_unreachable(&self, detail: &str) -> bool {
        let now = Instant::now();
        let (established, since) = {
            let mut session = self.session();
            (
                session.established,
                *session.failing_since.get_or_insert(now),
            )
        };
        let gone = established && now.duration_since(since) > self.connect_timeout;
        if gone {
            self.fatal(format!(
                "upstream {} unreachable for {} s: {detail}",
                self.shown_url,
                now.duration_since(since).as_secs()
            ));
        }
        gone
    }

    /// Ends the connection, with `message` for the agent and the log.
    pub fn fatal(&self, message: String) {
        self.send_event(DriverEvent::Fatal(message));
    }

    pub fn set_end_reason(&self, reason: &str) {
        let mut slot = self
            .end_reason
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        slot.get_or_insert_with(|| reason.to_owned());
    }

    /// Why tasks were cancelled, for the error answers they owe.
    pub fn end_reason(&self) -> String {
        self.end_reason
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .unwrap_or_else(|| {
                format!(
                    "the connection to upstream {} closed before it answered",
                    self.shown_url
                )
            })
    }

    /// A request to `url` with the operator's headers, the session id and the protocol
    /// version: `version` when given (a stateless message names its own), else the one
    /// negotiated, once known.
    pub fn request(
        &self,
        method: Method,
        url: &Url,
        version: Option<HeaderValue>,
    ) -> RequestBuilder {
        let mut request = self
            .client
            .request(method, url.clone())
            .headers(self.headers.clone());
        let session = self.session();
        if let Some(id) = session.id.as_ref().filter(|_| !self.stateless) {
            request = request.header(SESSION_ID, id.clone());
        }
        if let Some(version) = version.or_else(|| session.protocol_version.clone()) {
            request = request.header(PROTOCOL_VERSION, version);
        }
        request
    }

    /// A GET for an event stream, resuming after `last_event_id` when given.
    pub fn get_stream(&self, last_event_id: Option<&str>) -> RequestBuilder {
        let mut request = self
            .request(Method::GET, &self.url, None)
            .header(ACCEPT, EVENT_STREAM);
        if let Some(value) = last_event_id.and_then(|id| HeaderValue::from_str(id).ok()) {
            request = request.header(LAST_EVENT_ID, value);
        }
        request
    }

    /// A POST of one message to the MCP endpoint.
    pub fn post(&self, body: Bytes, version: Option<HeaderValue>) -> RequestBuilder {
        self.request(Method::POST, &self.url, version)
            .header(CONTENT_TYPE, JSON)
            .header(ACCEPT, ACCEPT_BOTH)
            .body(body)
    }

    /// Sends a server message on.
    pub async fn emit(&self, frame: Frame, related: Option<Id>) {
        // A closed receiver means the session is being torn down; nothing is waiting.
        let _ = self.from_server.send(FromServer { frame, related }).await;
    }

    /// Answers each request in `ids` with a JSON-RPC error saying `message`.
    pub async fn fail(&self, ids: &[Id], message: &str) {
        for id in ids {
            self.emit(error_frame(id, message), Some(id.clone())).await;
        }
    }

    /// Like [`Shared::fail`], without waiting for room in the queue: for teardown, when the
    /// reader may already have stopped reading.
    pub fn fail_now(&self, ids: &[Id], message: &str) {
        for id in ids {
            let message = FromServer {
                frame: error_frame(id, message),
                related: Some(id.clone()),
            };
            if self.from_server.try_send(message).is_err() {
                tracing::warn!(upstream = %self.shown_url, id = %id, "could not deliver the error answer for a request in flight");
            }
        }
    }

    /// Whether a response came from where we sent the request: a client built without
    /// `redirect::Policy::none()` could have followed a redirect to another origin.
    pub fn check_origin(&self, response: &Response) -> Result<(), String> {
        if response.url().origin() == self.url.origin() {
            return Ok(());
        }
        Err(format!(
            "upstream {} redirected to another origin; refusing its answer",
            self.shown_url
        ))
    }

    /// "upstream URL answered STATUS: BODY" for a failed request.
    pub async fn status_error(&self, response: Response) -> String {
        let status = response.status();
        let body = error_body(response, self.connect_timeout).await;
        if body.is_empty() {
            format!("upstream {} answered {status}", self.shown_url)
        } else {
            format!("upstream {} answered {status}: {body}", self.shown_url)
        }
    }

    pub fn unreachable(&self, err: &reqwest::Error) -> String {
        format!(
            "upstream {} could not be reached: {}",
            self.shown_url,
            describe(err)
        )
    }
}

fn error_frame(id: &Id, message: &str) -> Frame {
    Frame::Message(error_response(Some(id), INTERNAL_ERROR, message, None))
}

/// `scheme://host[:port]/path`: no user info or query, which may hold credentials.
pub(crate) fn shown_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// A reqwest error and its causes, without the URL (which may carry a query secret).
pub(crate) fn describe(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = if err.is_timeout() {
        String::from("timed out")
    } else if err.is_connect() {
        String::from("connection failed")
    } else if err.is_body() || err.is_decode() {
        String::from("the response body broke off")
    } else {
        String::from("request failed")
    };
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The body of an error answer, read only so far, as one short line of printable text.
async fn error_body(mut response: Response, timeout: Duration) -> String {
    let mut body = Vec::new();
    let read = async {
        while body.len() < ERROR_BODY_BYTES {
            match response.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(timeout, read).await;
    body.truncate(ERROR_BODY_BYTES);
    sanitize(&String::from_utf8_lossy(&body))
}

/// Control characters (ANSI escapes, newlines that would forge log lines) become spaces,
/// runs of whitespace one space, and the text stops after [`ERROR_BODY_CHARS`] characters.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::new();
    let mut last_space = true;
    for c in text.chars().take(ERROR_BODY_CHARS * 4) {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
        if out.chars().count() >= ERROR_BODY_CHARS {
            break;
        }
    }
    out.trim_end().to_owned()
}

/// What a successful response carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    Json,
    EventStream,
    Other,
}

pub(crate) fn body_kind(response: &Response) -> Body {
    let Some(value) = response.headers().get(CONTENT_TYPE) else {
        return Body::Other;
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Body::Json,
        "text/event-stream" => Body::EventStream,
        _ => Body::Other,
    }
}

/// Reads a JSON body as one frame, stopping once it passes `max` bytes: then the frame is
/// [`Frame::TooLong`] with the first bytes and the rest is never read.
pub(crate) async fn read_json(
    response: &mut Response,
    max: usize,
) -> Result<Frame, reqwest::Error> {
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > max {
            let room = TOO_LONG_PREFIX.saturating_sub(body.len());
            body.truncate(TOO_LONG_PREFIX);
            body.extend_from_slice(&chunk[..room.min(chunk.len())]);
            return Ok(Frame::TooLong {
                prefix: body.freeze(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Frame::Message(body.freeze()))
}

/// Whether a status means the server (or the proxy before it) could not serve anyone,
/// which counts towards "unreachable" like a refused connection.
pub(crate) fn is_outage(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    )
}

/// The delay before retry number `attempt` (0-based): doubling from `base`, at most 10 s.
pub(crate) fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1 << attempt.min(6))
        .min(Duration::from_secs(10))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::Url;

    use super::{backoff, sanitize, shown_url};

    #[test]
    fn shown_url_drops_credentials_and_query() {
        let url = Url::parse("https://user:pw@example.test:8443/mcp?key=secret#x").unwrap();
        assert_eq!(shown_url(&url), "https://example.test:8443/mcp");
    }

    #[test]
    fn sanitize_flattens_and_caps() {
        assert_eq!(sanitize("a\n\x1b[31mb\t\tc  "), "a [31mb c");
        assert_eq!(sanitize(&"é".repeat(500)).chars().count(), 200);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff(base, 0), base);
        assert_eq!(backoff(base, 3), Duration::from_millis(800));
        assert_eq!(backoff(base, 30), Duration::from_millis(6400));
        assert_eq!(backoff(Duration::from_secs(1), 30), Duration::from_secs(10));
    }
}
