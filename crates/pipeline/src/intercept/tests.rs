//! The pipeline driven directly, frame by frame, for the settlement rules that an end-to-end
//! test can't reach with the servers at hand.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::json;
use toolgate_mcp::Frame;
use toolgate_policy::{CompiledPolicy, load};
use toolgate_state::{MemoryStore, SystemClock};

use super::{Interceptor, Outlets, SessionInfo};
use crate::approvals::{ApprovalQueue, Approver, system_clock};
use crate::intercept::UpstreamWriter;
use crate::pins::Pins;
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
    assert_eq!(first.awaited.len(), 1);
    let asks = frame(json!({"jsonrpc": "2.0", "id": 1, "result": {
        "resultType": "input_required", "inputRequests": {}, "requestState": "opaque"}}));
    assert_eq!(p.from_server(asks).await.len(), 1);

    let retry = p.from_client(call(2)).await;
    assert_eq!(retry.awaited.len(), 1, "the retry is not rate-limited");
    let done = frame(json!({"jsonrpc": "2.0", "id": 2, "result": {
        "resultType": "complete", "content": []}}));
    p.from_server(done).await;
    tokio::task::yield_now().await;

    let third = p.from_client(call(3)).await;
    assert!(third.awaited.is_empty(), "a completed call counts");
    assert!(String::from_utf8_lossy(&third.to_client[0]).contains("rate_limited"));
}

/// A session driven in-process with its outlets attached: what the pipeline sends the agent
/// and the server on its own (approved calls, questions, timeouts) is read here.
struct Session {
    p: Arc<Interceptor>,
    agent: tokio::sync::mpsc::UnboundedReceiver<Bytes>,
    server: tokio::sync::mpsc::Receiver<Bytes>,
    queue: ApprovalQueue,
    policy: PolicyHandle,
}

const REFUND_SCHEMA: &str = r#"{"type": "object", "properties": {"amount": {"type": "integer"}},
    "required": ["amount"], "additionalProperties": false}"#;

fn session(policy: &str, pins: Option<Arc<Pins>>) -> Session {
    let compiled = CompiledPolicy::new(load(policy, "p.yaml").expect("policy").policy);
    let handle = PolicyHandle::fixed(compiled);
    let queue = ApprovalQueue::new(system_clock());
    let mut p = Interceptor::new(
        handle.clone(),
        Arc::new(MemoryStore::new(Arc::new(SystemClock))),
        SessionInfo {
            identity: "alice".into(),
            groups: Vec::new(),
            session_id: "s".into(),
        },
    )
    .with_approvals(queue.clone());
    if let Some(pins) = pins {
        p = p.with_pins(pins);
    }
    let p = Arc::new(p);
    let (agent_tx, agent) = tokio::sync::mpsc::unbounded_channel();
    let (writer, server) = UpstreamWriter::channel(1024);
    p.attach(Outlets {
        agent: Arc::new(move |b, _| {
            let _ = agent_tx.send(b);
            Box::pin(async {})
        }),
        server: writer,
    });
    Session {
        p,
        agent,
        server,
        queue,
        policy: handle,
    }
}

impl Session {
    /// The client declares form elicitation, so in-session questions would be possible.
    async fn initialize_eliciting(&mut self) {
        let init = frame(
            json!({"jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "clientInfo": {"name": "t", "version": "1"},
                       "capabilities": {"elicitation": {}}}}),
        );
        let routed = self.p.from_client(init).await;
        assert!(self.p.forward(routed.onward).await);
        self.server.recv().await.expect("initialize forwarded");
    }

    /// Pins `refund` with [`REFUND_SCHEMA`] through a first listing.
    async fn list_refund(&mut self) {
        let list = frame(json!({"jsonrpc": "2.0", "id": "l", "method": "tools/list"}));
        let routed = self.p.from_client(list).await;
        assert!(self.p.forward(routed.onward).await);
        self.server.recv().await.expect("tools/list forwarded");
        let schema: serde_json::Value = serde_json::from_str(REFUND_SCHEMA).unwrap();
        let answer = frame(json!({"jsonrpc": "2.0", "id": "l", "result": {"tools": [
            {"name": "refund", "description": "Refund an order", "inputSchema": schema}]}}));
        assert_eq!(self.p.from_server(answer).await.len(), 1);
    }

    /// Sends a `refund` call; returns what was answered at once.
    async fn refund(&mut self, id: u64, args: serde_json::Value) -> super::Routed {
        let call = frame(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": "refund", "arguments": args}}));
        let routed = self.p.from_client(call).await;
        let answered = super::Routed {
            to_client: routed.to_client,
            awaited: routed.awaited,
            onward: Default::default(),
        };
        assert!(self.p.forward(routed.onward).await);
        answered
    }

    /// Nothing was sent to the agent by the pipeline on its own (no question asked).
    fn agent_heard_nothing(&mut self) {
        if let Ok(b) = self.agent.try_recv() {
            panic!("the agent was sent {}", String::from_utf8_lossy(&b));
        }
    }
}

fn refusal_kind(b: &Bytes) -> String {
    let v: serde_json::Value = serde_json::from_slice(b).unwrap();
    v["result"]["_meta"]["dev.toolgate/decision"]["kind"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// Everything that can refuse a call without a person runs before a person is asked: an
/// approver must never approve a call that its arguments would then fail.
#[tokio::test]
async fn a_call_needing_approval_with_invalid_arguments_is_refused_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let pins = Arc::new(Pins::open(dir.path().join("pins.json")).unwrap());
    let mut s = session(
        "approvers: [olga]\ntools:\n  refund:\n    rules:\n      - {action: approve}\n",
        Some(pins),
    );
    s.initialize_eliciting().await;
    s.list_refund().await;
    let r = s
        .refund(1, json!({"amount": "lots", "to": "mallory"}))
        .await;
    assert!(r.awaited.is_empty(), "nothing waits");
    assert_eq!(refusal_kind(&r.to_client[0]), "invalid_arguments");
    assert_eq!(s.queue.pending_count(), 0, "no approver was asked");
    tokio::task::yield_now().await;
    s.agent_heard_nothing();
}

/// A call over its limit is refused at once too, and a held call holds its share of the
/// limit while it waits (a counter stays honest while a call is in flight).
#[tokio::test]
async fn a_call_needing_approval_over_its_limit_is_refused_without_asking() {
    let mut s = session(
        "approvers: [olga]\ntools:\n  refund:\n    rules:\n      - {action: approve, rate_limit: {max: 1, window: day}}\n",
        None,
    );
    let first = s.refund(1, json!({"amount": 5})).await;
    assert_eq!(first.awaited.len(), 1, "the first call waits for a person");
    tokio::task::yield_now().await;
    assert_eq!(s.queue.pending_count(), 1);
    let second = s.refund(2, json!({"amount": 5})).await;
    assert!(second.awaited.is_empty());
    assert_eq!(refusal_kind(&second.to_client[0]), "rate_limited");
    assert_eq!(
        s.queue.pending_count(),
        1,
        "nobody was asked about the second"
    );

    // Declined: the first call's share comes back, so the next one is asked about again.
    let id = s.queue.list()[0].id.clone();
    s.queue.answer(&id, &olga(), false, None).unwrap();
    let refused = s.agent.recv().await.unwrap();
    assert_eq!(refusal_kind(&refused), "approval_denied");
    let third = s.refund(3, json!({"amount": 5})).await;
    assert_eq!(third.awaited.len(), 1, "{:?}", third.to_client);
}

/// An approved call goes to the server as the pipeline's own message, with its counters.
#[tokio::test]
async fn an_approved_call_is_forwarded_by_the_pipeline() {
    let mut s = session(
        "approvers: [olga]\ntools:\n  refund:\n    rules:\n      - {action: approve}\n",
        None,
    );
    s.refund(7, json!({"amount": 5})).await;
    tokio::task::yield_now().await;
    let id = s.queue.list()[0].id.clone();
    s.queue.answer(&id, &olga(), true, None).unwrap();
    let forwarded = s.server.recv().await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&forwarded).unwrap();
    assert_eq!(v["id"], 7);
    assert_eq!(v["params"]["name"], "refund");
    assert_eq!(s.p.in_flight(), 1);
}

/// The question goes to the out-of-band queue even when the client could be asked: the
/// caller's own client is not a person (a headless agent answered `accept` itself).
#[tokio::test]
async fn approval_is_never_asked_in_the_session_unless_the_rule_says_so() {
    let mut s = session(
        "approvers: [olga]\ntools:\n  refund:\n    rules:\n      - {action: approve}\n",
        None,
    );
    s.initialize_eliciting().await;
    s.refund(1, json!({"amount": 5})).await;
    tokio::task::yield_now().await;
    assert_eq!(s.queue.pending_count(), 1);
    s.agent_heard_nothing();

    // `via: session` is the operator's explicit choice to trust the client application.
    let mut s = session(
        "tools:\n  refund:\n    rules:\n      - {action: approve, approval: {via: session}}\n",
        None,
    );
    s.initialize_eliciting().await;
    s.refund(1, json!({"amount": 5})).await;
    let asked = s.agent.recv().await.unwrap();
    assert!(
        String::from_utf8_lossy(&asked).contains("elicitation/create"),
        "{}",
        String::from_utf8_lossy(&asked)
    );
    assert_eq!(s.queue.pending_count(), 0);
}

/// No approvers named anywhere: nobody may approve, so the call is refused at once with a
/// reason that says how to fix it (never "anyone holding a key").
#[tokio::test]
async fn a_rule_without_approvers_refuses_with_how_to_name_them() {
    let mut s = session(
        "tools:\n  refund:\n    rules:\n      - {action: approve}\n",
        None,
    );
    s.refund(1, json!({"amount": 5})).await;
    let refused = s.agent.recv().await.unwrap();
    assert_eq!(refusal_kind(&refused), "approval_denied");
    let text = String::from_utf8_lossy(&refused);
    assert!(text.contains("top-level `approvers`"), "{text}");
    assert_eq!(s.queue.pending_count(), 0);
}

/// A reload that changes the deciding rule refuses a call still waiting (linkerd's
/// in-process policy tests swap the policy the same way).
#[tokio::test]
async fn a_policy_changed_mid_session_refuses_the_waiting_call() {
    let mut s = session(
        "approvers: [olga]\ntools:\n  refund:\n    rules:\n      - {action: approve}\n",
        None,
    );
    s.refund(1, json!({"amount": 5})).await;
    tokio::task::yield_now().await;
    assert_eq!(s.queue.pending_count(), 1);
    let stricter = "approvers: [olga]\ntools:\n  refund:\n    rules:\n      - {action: deny}\n";
    s.policy.replace(CompiledPolicy::new(
        load(stricter, "p.yaml").unwrap().policy,
    ));
    let refused = tokio::time::timeout(std::time::Duration::from_secs(5), s.agent.recv())
        .await
        .expect("refused within the reload check")
        .unwrap();
    assert_eq!(refusal_kind(&refused), "approval_denied");
    assert!(String::from_utf8_lossy(&refused).contains("policy changed"));
    // And the next call meets the new rule.
    let next = s.refund(2, json!({"amount": 5})).await;
    assert_eq!(refusal_kind(&next.to_client[0]), "deny");
}

fn olga() -> Approver {
    Approver {
        identity: "olga".into(),
        groups: Vec::new(),
    }
}

/// "Call, cancel, repeat" must not beat a limit: a server may finish cancelled work.
#[tokio::test]
async fn a_cancelled_call_keeps_its_counters() {
    let mut s = session(
        "tools:\n  refund:\n    rules:\n      - {action: allow, rate_limit: {max: 1, window: day}}\n",
        None,
    );
    let first = s.refund(1, json!({"amount": 5})).await;
    assert_eq!(first.awaited.len(), 1);
    s.server.recv().await.unwrap();
    let cancel = frame(
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": 1, "reason": "changed my mind"}}),
    );
    let routed = s.p.from_client(cancel).await;
    assert!(s.p.forward(routed.onward).await);
    let second = s.refund(2, json!({"amount": 5})).await;
    assert_eq!(refusal_kind(&second.to_client[0]), "rate_limited");
}

/// Results toolgate writes must be valid in the negotiated revision: 2026-07-28 requires
/// `resultType` on every result (its absence crashed the Python SDK on every refusal);
/// older revisions don't know the member.
#[tokio::test]
async fn refusals_carry_what_the_negotiated_revision_requires() {
    for (version, expected) in [
        ("2026-07-28", json!("complete")),
        ("2025-06-18", json!(null)),
    ] {
        let mut s = session(
            "tools:\n  refund:\n    rules:\n      - {action: deny}\n",
            None,
        );
        let init = frame(
            json!({"jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": {"protocolVersion": version, "clientInfo": {"name": "t", "version": "1"},
                       "capabilities": {}}}),
        );
        let routed = s.p.from_client(init).await;
        assert!(s.p.forward(routed.onward).await);
        s.server.recv().await.unwrap();
        let answer = frame(json!({"jsonrpc": "2.0", "id": "init", "result": {
            "protocolVersion": version, "capabilities": {}, "serverInfo": {"name": "s", "version": "1"}}}));
        s.p.from_server(answer).await;
        let refused = s.refund(1, json!({"amount": 5})).await;
        let v: serde_json::Value = serde_json::from_slice(&refused.to_client[0]).unwrap();
        assert_eq!(v["result"]["resultType"], expected, "{version}: {v}");
        assert_eq!(v["result"]["isError"], true);
    }
}
