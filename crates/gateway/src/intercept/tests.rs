//! The pipeline driven directly, frame by frame, for the settlement rules that an end-to-end
//! test can't reach with the servers at hand.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::json;
use toolgate_mcp::Frame;
use toolgate_policy::{CompiledPolicy, load};
use toolgate_state::{MemoryStore, SystemClock};

use super::{Interceptor, SessionInfo};
use crate::policy_handle::PolicyHandle;

fn pipeline(policy: &str) -> Interceptor {
    let policy = CompiledPolicy::new(load(policy, "p.yaml").expect("policy").policy);
    Interceptor::new(
        PolicyHandle::fixed(policy),
        Arc::new(MemoryStore::new(Arc::new(SystemClock))),
        SessionInfo {
            identity: "alice".into(),
            groups: Vec::new(),
            session_id: "s".into(),
        },
    )
}

fn frame(v: serde_json::Value) -> Frame {
    Frame::Message(Bytes::from(v.to_string()))
}

fn call(id: u64) -> Frame {
    frame(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": "lookup", "arguments": {}}}))
}

/// 2026-07-28: a result asking for input means the tool has not run yet; the retry with the
/// input is a call of its own, so the first one must not use up the limit.
#[tokio::test]
async fn an_input_required_result_gives_the_counters_back() {
    let p = pipeline(
        "tools:\n  lookup:\n    rules:\n      - {action: allow, rate_limit: {max: 1, window: day}}\n",
    );
    let first = p.from_client(call(1)).await;
    assert_eq!(first.forwarded_calls.len(), 1);
    let asks = frame(json!({"jsonrpc": "2.0", "id": 1, "result": {
        "resultType": "input_required", "inputRequests": {}, "requestState": "opaque"}}));
    assert_eq!(p.from_server(asks).await.to_client.len(), 1);

    let retry = p.from_client(call(2)).await;
    assert_eq!(
        retry.forwarded_calls.len(),
        1,
        "the retry is not rate-limited"
    );
    let done = frame(json!({"jsonrpc": "2.0", "id": 2, "result": {
        "resultType": "complete", "content": []}}));
    p.from_server(done).await;
    tokio::task::yield_now().await;

    let third = p.from_client(call(3)).await;
    assert!(third.forwarded_calls.is_empty(), "a completed call counts");
    assert!(String::from_utf8_lossy(&third.to_client[0]).contains("rate_limited"));
}
