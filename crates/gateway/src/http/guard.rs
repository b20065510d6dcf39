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
}
