//! The few messages toolgate writes itself: JSON-RPC errors, results and tool-call denials.
//!
//! Builders return the bytes of one message without a trailing newline (the framing encoder
//! adds it). They serialise small borrowed structs, so field order on the wire is fixed.

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::error::ParseError;
use crate::parse::Id;

pub use crate::recover::best_effort_id;

/// Invalid JSON was received.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist or is not available.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters; MCP also uses it for an unknown tool.
pub const INVALID_PARAMS: i64 = -32602;
/// Internal JSON-RPC error.
pub const INTERNAL_ERROR: i64 = -32603;
/// A routing header does not match the body (MCP 2026-07-28).
pub const HEADER_MISMATCH: i64 = -32020;
/// The request needs a client capability it did not declare (2026-07-28).
pub const MISSING_REQUIRED_CLIENT_CAPABILITY: i64 = -32021;
/// The requested revision is not spoken here; `data.supported` lists what is (2026-07-28).
pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;

/// The `_meta` key under which a denial carries its machine-readable details.
pub const DECISION_META_KEY: &str = "dev.toolgate/decision";

const JSONRPC: &str = "2.0";

#[derive(Serialize)]
struct ErrorResponse<'a> {
    jsonrpc: &'static str,
    /// `null` when the request's id is unknown, as JSON-RPC requires.
    id: Option<&'a Id>,
    error: ErrorObject<'a>,
}

#[derive(Serialize)]
struct ErrorObject<'a> {
    code: i64,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
}

#[derive(Serialize)]
struct ResultResponse<'a, R: Serialize> {
    jsonrpc: &'static str,
    id: &'a Id,
    result: R,
}

#[derive(Serialize)]
struct DenialResult<'a> {
    /// Required on every result from 2026-07-28 on (`complete` for a final answer); older
    /// revisions don't know the member, so it is left out for them.
    #[serde(rename = "resultType", skip_serializing_if = "Option::is_none")]
    result_type: Option<&'static str>,
    content: [TextContent<'a>; 1],
    #[serde(rename = "isError")]
    is_error: bool,
    #[serde(rename = "_meta")]
    meta: DenialMeta<'a>,
}

#[derive(Serialize)]
struct TextContent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct DenialMeta<'a> {
    #[serde(rename = "dev.toolgate/decision")]
    decision: &'a Value,
}

/// `{"jsonrpc":"2.0","id":ID,"error":{"code":CODE,"message":MESSAGE,"data":DATA}}`; the id is
/// `null` when `id` is `None`, and `data` is left out when `None`.
pub fn error_response(id: Option<&Id>, code: i64, message: &str, data: Option<&Value>) -> Bytes {
    to_bytes(&ErrorResponse {
        jsonrpc: JSONRPC,
        id,
        error: ErrorObject {
            code,
            message,
            data,
        },
    })
}

/// The error response for a message refused by the parser: its code, its message, and
/// `data: {"path": …}` when the error is about one place.
pub fn parse_error_response(id: Option<&Id>, error: &ParseError) -> Bytes {
    let data = error.path().map(|path| serde_json::json!({ "path": path }));
    error_response(id, error.code(), &error.message(), data.as_ref())
}

/// `{"jsonrpc":"2.0","id":ID,"result":RESULT}`.
pub fn result_response(id: &Id, result: &Value) -> Bytes {
    to_bytes(&ResultResponse {
        jsonrpc: JSONRPC,
        id,
        result,
    })
}

/// A refused tool call, as a normal `CallToolResult` the model can read and adapt to:
/// `{"jsonrpc":"2.0","id":ID,"result":{"content":[{"type":"text","text":TEXT}],
/// "isError":true,"_meta":{"dev.toolgate/decision":DETAILS}}}`.
/// `revision` is the negotiated protocol revision, when known: results carry what it requires.
pub fn tool_denial(
    id: &Id,
    text: &str,
    details: &Value,
    revision: Option<crate::ProtocolVersion>,
) -> Bytes {
    let result_type = revision
        .is_some_and(|r| r >= crate::ProtocolVersion::V2026_07_28)
        .then_some("complete");
    to_bytes(&ResultResponse {
        jsonrpc: JSONRPC,
        id,
        result: DenialResult {
            result_type,
            content: [TextContent { kind: "text", text }],
            is_error: true,
            meta: DenialMeta { decision: details },
        },
    })
}

/// Serialises a value that cannot fail to serialise (string keys only, no custom errors).
pub(crate) fn to_bytes<T: Serialize>(value: &T) -> Bytes {
    let bytes = serde_json::to_vec(value).unwrap_or_else(|_| {
        // Unreachable for the types above; answer with a well-formed error rather than panic.
        br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"toolgate could not encode a response"}}"#
            .to_vec()
    });
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{error_response, parse_error_response, result_response, tool_denial};
    use crate::error::ParseError;
    use crate::parse::Id;

    #[test]
    fn error_response_shapes() {
        let id = Id::from(7);
        assert_eq!(
            error_response(Some(&id), -32601, "no such method", None),
            r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"no such method"}}"#
        );
        assert_eq!(
            error_response(None, -32700, "bad", Some(&json!({"x": 1}))),
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad","data":{"x":1}}}"#
        );
    }

    #[test]
    fn parse_error_response_carries_code_and_path() {
        let err = ParseError::DuplicateKey {
            path: "$.params.name".into(),
            key: "name".into(),
        };
        let bytes = parse_error_response(Some(&Id::from("a")), &err);
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(value["id"], "a");
        assert_eq!(value["error"]["code"], -32700);
        assert_eq!(value["error"]["data"]["path"], "$.params.name");
        assert!(!bytes.contains(&b'\n'));
    }

    #[test]
    fn denial_shape_is_exact() {
        let details = json!({"kind": "deny", "rule": "r1"});
        let text = "Denied by policy: no refunds";
        let bytes = tool_denial(
            &Id::from(3),
            text,
            &details,
            Some(crate::ProtocolVersion::V2025_06_18),
        );
        assert_eq!(
            bytes,
            r#"{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"Denied by policy: no refunds"}],"isError":true,"_meta":{"dev.toolgate/decision":{"kind":"deny","rule":"r1"}}}}"#
        );
        // 2026-07-28 requires `resultType` on every result.
        let bytes = tool_denial(
            &Id::from(3),
            text,
            &details,
            Some(crate::ProtocolVersion::V2026_07_28),
        );
        assert_eq!(
            bytes,
            r#"{"jsonrpc":"2.0","id":3,"result":{"resultType":"complete","content":[{"type":"text","text":"Denied by policy: no refunds"}],"isError":true,"_meta":{"dev.toolgate/decision":{"kind":"deny","rule":"r1"}}}}"#
        );
    }

    #[test]
    fn result_response_shape() {
        assert_eq!(
            result_response(&Id::from("x"), &json!({})),
            r#"{"jsonrpc":"2.0","id":"x","result":{}}"#
        );
    }
}
