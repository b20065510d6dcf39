//! The checks every HTTP request passes before it reaches a session: origin (DNS-rebinding
//! protection, as the MCP transport spec requires), credentials, body size and time, and
//! the error responses for each refusal.

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use toolgate_mcp::Id;
use toolgate_mcp::wire::error_response;

/// JSON-RPC code for refusals at the HTTP layer (no session, wrong session, bad headers).
pub const HTTP_REFUSED: i64 = -32000;

/// A JSON-RPC error in an HTTP error response: MCP clients read the body for the reason.
pub fn refuse(status: StatusCode, message: &str) -> Response {
    refuse_with_id(status, None, HTTP_REFUSED, message)
}

pub fn refuse_with_id(status: StatusCode, id: Option<&Id>, code: i64, message: &str) -> Response {
    json_response(status, error_response(id, code, message, None))
}

pub fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Which browser origins may call: exact `scheme://host[:port]` strings, plus any loopback
/// origin when the gateway itself listens on loopback.
#[derive(Debug, Clone, Default)]
pub struct OriginPolicy {
    pub allowed: Vec<String>,
    pub allow_loopback: bool,
}

impl OriginPolicy {
    /// A request without `Origin` (not from a browser) passes; one with an origin passes
    /// only if allowed. DNS rebinding makes a hostile page look same-host, never same-origin.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), Response> {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or("").trim_end_matches('/');
        if self
            .allowed
            .iter()
            .any(|a| a.trim_end_matches('/') == origin)
            || (self.allow_loopback && is_loopback_origin(origin))
        {
            return Ok(());
        }
        tracing::warn!(%origin, "refused a request from a browser origin that is not allowed");
        Err(refuse(
            StatusCode::FORBIDDEN,
            &format!("origin `{origin}` is not allowed (toolgate run --allowed-origin)"),
        ))
    }
}

/// Which `Host` names may reach the gateway (DNS-rebinding protection). A page on
/// `evil.example` whose name the attacker re-points at 127.0.0.1 is same-origin with
/// itself, so the browser sends no `Origin` check can catch on simple requests, but its
/// `Host` still says `evil.example`.
///
/// Always allowed: `localhost` and loopback IP literals, and, when the listener is not on
/// loopback, any IP literal (nobody can re-point an IP literal). Other names pass when
/// listed in `allowed` (`name`: any port; `name:port`: that port), or, while no name is
/// listed, when the gateway requires credentials: a rebinding page has no bearer token,
/// so it can't get past authentication anyway.
#[derive(Debug, Clone, Default)]
pub struct HostPolicy {
    pub allowed: Vec<String>,
    /// The gateway listens on a loopback address.
    pub loopback_listener: bool,
}

impl HostPolicy {
    /// A policy answering to `allowed` (`name` or `name:port`, as `--allowed-host` takes
    /// them); fails naming the first entry that is not a host name.
    pub fn new(allowed: &[String], loopback_listener: bool) -> Result<HostPolicy, String> {
        if let Some(bad) = allowed.iter().find(|a| split_host(a).is_none()) {
            return Err(format!(
                "--allowed-host {bad:?}: expected a host name, optionally with a port (gw.example.com, gw.example.com:8443, [::1]:8787)"
            ));
        }
        Ok(HostPolicy {
            allowed: allowed.to_vec(),
            loopback_listener,
        })
    }

    /// `host` is the request's `Host` header (or its URI authority); `credentials_required`
    /// whether every caller must authenticate right now.
    pub fn check(&self, host: Option<&str>, credentials_required: bool) -> Result<(), Response> {
        let Some(host) = host.map(str::trim).filter(|h| !h.is_empty()) else {
            return Err(refuse(StatusCode::BAD_REQUEST, "missing Host header"));
        };
        let Some((name, port)) = split_host(host) else {
            return Err(refuse(StatusCode::BAD_REQUEST, "malformed Host header"));
        };
        if self.allows(&name, port, credentials_required) {
            return Ok(());
        }
        let shown: String = host.chars().take(256).collect();
        tracing::warn!(host = %shown, "refused a request for a host name that is not allowed (DNS rebinding?)");
        Err(refuse(
            StatusCode::FORBIDDEN,
            &format!(
                "host `{shown}` is not allowed: toolgate answers only to its own address, localhost and the names given with --allowed-host (DNS-rebinding protection)"
            ),
        ))
    }

    fn allows(&self, name: &str, port: Option<u16>, credentials_required: bool) -> bool {
        if name == "localhost" {
            return true;
        }
        if let Ok(ip) = name.parse::<std::net::IpAddr>() {
            return ip.is_loopback() || !self.loopback_listener || self.listed(name, port);
        }
        self.listed(name, port) || (self.allowed.is_empty() && credentials_required)
    }

    fn listed(&self, name: &str, port: Option<u16>) -> bool {
        self.allowed.iter().any(|a| match split_host(a) {
            Some((n, None)) => n == name,
            Some((n, Some(p))) => n == name && port == Some(p),
            None => false,
        })
    }
}

/// `name[:port]` or `[v6][:port]` → the lower-case name (brackets and a trailing dot
/// removed) and the port; `None` when it doesn't parse.
pub fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        v6.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (v6, port)
    } else {
        match host.rsplit_once(':') {
            // A bare IPv6 address is not a valid Host; refuse rather than guess.
            Some((n, _)) if n.contains(':') => return None,
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(p.parse::<u16>().ok()?),
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'));
    ok.then_some((name, port))
}

fn is_loopback_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    if scheme != "http" && scheme != "https" {
        return false;
    }
    let host = if let Some(v6) = rest.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        rest.rsplit_once(':').map_or(rest, |(h, _)| h)
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Reads a request body of at most `max` bytes within `within`: a client that sends too
/// much or too slowly is refused instead of holding a worker.
pub async fn read_body(body: Body, max: usize, within: Duration) -> Result<Bytes, Response> {
    match tokio::time::timeout(within, axum::body::to_bytes(body, max)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            // `to_bytes` fails for an over-long body and for a broken connection alike.
            let over = std::error::Error::source(&e)
                .is_some_and(|s| s.to_string().contains("length limit"))
                || e.to_string().contains("length limit");
            if over {
                let mut r = refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("request body over {max} bytes (--max-message-bytes); not forwarded"),
                );
                // The rest of the body is never read, so this connection can't carry another
                // request: say so, or a client's pool may reuse it and lose that request.
                r.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                Err(r)
            } else {
                Err(refuse(
                    StatusCode::BAD_REQUEST,
                    &format!("could not read the request body: {e}"),
                ))
            }
        }
        Err(_) => {
            let mut r = refuse(
                StatusCode::REQUEST_TIMEOUT,
                &format!("the request body did not arrive within {within:?}"),
            );
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            Err(r)
        }
    }
}

/// The request's `Content-Type` must be JSON.
pub fn check_json_content(headers: &HeaderMap) -> Result<(), Response> {
    let ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if ok {
        Ok(())
    } else {
        Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ))
    }
}

/// What the client accepts in answer to a POST: `(json, sse)`. A missing or `*/*` Accept
/// counts as both.
pub fn accepts(headers: &HeaderMap) -> (bool, bool) {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return (true, true);
    };
    let has = |t: &str| {
        accept.split(',').any(|part| {
            let media = part.split(';').next().unwrap_or("").trim();
            media.eq_ignore_ascii_case(t) || media == "*/*"
        })
    };
    (has("application/json"), has("text/event-stream"))
}

/// Whether `Accept` names `text/event-stream` itself (not through `*/*`, and not with
/// `q=0`): what an event-stream client sends. A browser's `<img>`, `<script>` or `<link>`
/// sends `*/*` or a list of its own types, so it can't open a stream (and with `/sse`, a
/// session with a server process of its own).
pub fn asks_for_event_stream(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().any(|v| {
        v.to_str().is_ok_and(|accept| {
            accept.split(',').any(|part| {
                let mut params = part.split(';');
                let media = params.next().unwrap_or("").trim();
                let refused = params.any(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                media.eq_ignore_ascii_case("text/event-stream") && !refused
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_are_recognised_and_lookalikes_are_not() {
        for ok in [
            "http://localhost:3000",
            "http://127.0.0.1",
            "https://[::1]:8443",
            "http://127.1.2.3:80",
        ] {
            assert!(is_loopback_origin(ok), "{ok}");
        }
        for bad in [
            "http://localhost.evil.com",
            "http://evil.com",
            "null",
            "file://localhost",
            "http://127.0.0.1.nip.io",
        ] {
            assert!(!is_loopback_origin(bad), "{bad}");
        }
    }

    #[test]
    fn origin_policy_allows_listed_and_absent_origins_only() {
        let policy = OriginPolicy {
            allowed: vec!["https://app.example.com".into()],
            allow_loopback: false,
        };
        let mut h = HeaderMap::new();
        assert!(policy.check(&h).is_ok());
        h.insert(header::ORIGIN, "https://app.example.com".parse().unwrap());
        assert!(policy.check(&h).is_ok());
        h.insert(header::ORIGIN, "http://localhost:1".parse().unwrap());
        assert_eq!(
            policy.check(&h).unwrap_err().status(),
            StatusCode::FORBIDDEN
        );
    }

    #[test]
    fn accept_header_is_read_per_media_type() {
        let mut h = HeaderMap::new();
        assert_eq!(accepts(&h), (true, true));
        h.insert(header::ACCEPT, "application/json".parse().unwrap());
        assert_eq!(accepts(&h), (true, false));
        h.insert(
            header::ACCEPT,
            "application/json, text/event-stream;q=0.9".parse().unwrap(),
        );
        assert_eq!(accepts(&h), (true, true));
    }

    #[test]
    fn event_streams_must_be_asked_for_by_name() {
        let mut h = HeaderMap::new();
        assert!(!asks_for_event_stream(&h));
        for (accept, ok) in [
            ("text/event-stream", true),
            ("application/json, Text/Event-Stream;q=0.5", true),
            ("*/*", false),
            ("image/avif,image/webp,image/*,*/*;q=0.8", false),
            ("text/*", false),
            ("text/event-stream;q=0", false),
        ] {
            h.insert(header::ACCEPT, accept.parse().unwrap());
            assert_eq!(asks_for_event_stream(&h), ok, "{accept}");
        }
    }

    #[test]
    fn host_names_are_split_strictly() {
        assert_eq!(
            split_host("LocalHost:8787"),
            Some(("localhost".into(), Some(8787)))
        );
        assert_eq!(split_host("[::1]:80"), Some(("::1".into(), Some(80))));
        assert_eq!(split_host("[::1]"), Some(("::1".into(), None)));
        assert_eq!(
            split_host("gw.example.com."),
            Some(("gw.example.com".into(), None))
        );
        for bad in [
            "::1",
            "a:b:c",
            "host:99999",
            "[::1",
            "[zz]:1",
            "a b",
            "evil.com:",
        ] {
            assert_eq!(split_host(bad), None, "{bad}");
        }
    }

    #[test]
    fn rebinding_host_names_are_refused_on_an_open_loopback_gateway() {
        let loopback = HostPolicy {
            allowed: vec!["devbox.internal:8787".into(), "gw.test".into()],
            loopback_listener: true,
        };
        for ok in [
            "localhost:8787",
            "127.0.0.1:8787",
            "127.0.0.2",
            "[::1]:8787",
            "localhost.",
            "devbox.internal:8787",
            "gw.test:1",
        ] {
            assert!(loopback.check(Some(ok), false).is_ok(), "{ok}");
        }
        for bad in [
            "evil.com:8787",
            "localhost.evil.com",
            "127.0.0.1.nip.io",
            "devbox.internal:9999",
            "10.0.0.5:8787",
        ] {
            let r = loopback.check(Some(bad), false).unwrap_err();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{bad}");
        }
        assert_eq!(
            loopback.check(None, false).unwrap_err().status(),
            StatusCode::BAD_REQUEST
        );
        // Credentials required: a rebinding page has none, so any name passes unless the
        // operator listed names.
        let open = HostPolicy::default();
        assert!(open.check(Some("evil.com"), true).is_ok());
        assert!(open.check(Some("evil.com"), false).is_err());
        assert!(loopback.check(Some("evil.com"), true).is_err());
        // Off loopback, IP literals can't be re-pointed: any passes.
        let public = HostPolicy {
            allowed: Vec::new(),
            loopback_listener: false,
        };
        assert!(public.check(Some("192.0.2.7:8787"), false).is_ok());
        assert!(public.check(Some("evil.com:8787"), false).is_err());
    }
}
