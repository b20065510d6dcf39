//! Reading a streamable-HTTP POST body before anything is handled: which messages it
//! holds, which of them are requests (their answers decide how the POST is answered), and
//! whether it opens a session. Malformed bodies are refused here with 400, so the session's
//! server only ever sees messages it can route an answer for.

use axum::http::StatusCode;
use serde_json::Value;

use super::Refused;
use crate::rpc::{INVALID_REQUEST, PARSE_ERROR, id_key};

/// What a POST body holds, read before anything is handled.
pub(super) struct Posted {
    pub(super) messages: Vec<Value>,
    pub(super) batch: bool,
    /// Id keys of the requests among `messages`.
    pub(super) requests: Vec<String>,
    pub(super) initialize: bool,
}

pub(super) fn read_body(body: &[u8]) -> Result<Posted, Refused> {
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        Refused::new(
            StatusCode::BAD_REQUEST,
            PARSE_ERROR,
            format!("Parse error: {error}"),
        )
    })?;
    let (messages, batch) = match value {
        Value::Array(items) if !items.is_empty() => (items, true),
        Value::Object(_) => (vec![value], false),
        _ => {
            return Err(Refused::new(
                StatusCode::BAD_REQUEST,
                INVALID_REQUEST,
                "Invalid Request: the body must be a JSON-RPC message or a non-empty batch",
            ));
        }
    };
    let mut requests = Vec::new();
    let mut initialize = false;
    for message in &messages {
        let kind = (message.get("method"), message.get("id"));
        match kind {
            (Some(method), Some(id)) if !id.is_null() => {
                initialize |= method == "initialize";
                requests.push(id_key(id));
            }
            (Some(Value::String(_)), None) => {}
            (None, Some(_))
                if message.get("result").is_some() || message.get("error").is_some() => {}
            _ => {
                let id = message.get("id").cloned().unwrap_or(Value::Null);
                return Err(Refused::new(
                    StatusCode::BAD_REQUEST,
                    INVALID_REQUEST,
                    "Invalid Request: not a JSON-RPC request, notification or response",
                )
                .with_id(&id));
            }
        }
    }
    if initialize && batch {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Invalid Request: initialize must not be part of a batch",
        ));
    }
    let mut seen = requests.clone();
    seen.sort();
    seen.dedup();
    if seen.len() != requests.len() {
        return Err(Refused::new(
            StatusCode::BAD_REQUEST,
            INVALID_REQUEST,
            "Invalid Request: the batch uses a request id twice",
        ));
    }
    Ok(Posted {
        messages,
        batch,
        requests,
        initialize,
    })
}

/// One answer as is, or a batch's answers as one JSON array.
pub(super) fn join(answers: Vec<Vec<u8>>, batch: bool) -> Vec<u8> {
    if !batch {
        return answers.into_iter().next().unwrap_or_default();
    }
    let mut out = vec![b'['];
    for (n, answer) in answers.into_iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&answer);
    }
    out.push(b']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_classified_before_handling() {
        let body = read_body(br#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#)
            .unwrap_or_else(|_| panic!("valid"));
        assert!(body.initialize && !body.batch);
        assert_eq!(body.requests, ["1"]);
        let body = read_body(
            br#"[{"jsonrpc":"2.0","id":"a","method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"}]"#,
        )
        .unwrap_or_else(|_| panic!("valid"));
        assert!(body.batch);
        assert_eq!(body.requests, ["\"a\""]);
        for bad in [
            &b"{nope"[..],
            b"[]",
            b"7",
            br#"{"jsonrpc":"2.0","id":1}"#,
            br#"[{"jsonrpc":"2.0","id":1,"method":"initialize"}]"#,
            br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
        ] {
            let Err(refused) = read_body(bad) else {
                panic!("accepted {}", String::from_utf8_lossy(bad));
            };
            assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        }
    }

    #[test]
    fn batch_answers_join_into_an_array() {
        assert_eq!(join(vec![b"{}".to_vec()], false), b"{}");
        assert_eq!(
            join(vec![b"{\"a\":1}".to_vec(), b"{}".to_vec()], true),
            b"[{\"a\":1},{}]"
        );
    }
}
