//! What auditing costs the gateway: `record()` on the caller's side (target < 5 µs), and
//! for scale, the writer's amortised cost per record (redact, chain, write, fsync per
//! batch). Run: `cargo bench -p toolgate-audit`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use toolgate_audit::{AuditLog, AuditOptions, CallInfo, CounterUse, DecisionEvent, Verdict};

fn event(i: u64, identity: &Arc<str>, session: &Arc<str>) -> DecisionEvent {
    DecisionEvent {
        call: CallInfo {
            call_id: format!("s1/{i}"),
            identity: identity.clone(),
            session: session.clone(),
            transport: "stdio".into(),
            server: "fusionauth".into(),
            tool: "createRefund".into(),
        },
        arguments: Some(json!({
            "amount": 250, "currency": "usd", "reason": "damaged item",
            "customer": {"id": "c-123", "email": "a@example.com"}, "api_key": "sk-123"
        })),
        verdict: Verdict::Allow,
        kind: None,
        rule: Some("createRefund#2".into()),
        reason: None,
        counters: vec![CounterUse {
            key: "refunds_today|grant:alice".into(),
            amount: 250.0,
            max: 1000.0,
        }],
        approval: None,
        approver: None,
        policy_version: "3f5a".into(),
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = AuditLog::open(
        dir.path().join("audit.jsonl"),
        AuditOptions {
            queue_capacity: 1 << 20,
            ..AuditOptions::default()
        },
    )
    .expect("open the log");
    let identity: Arc<str> = "alice".into();
    let session: Arc<str> = "s1".into();

    // Only the `record()` calls are timed; the queue is drained (untimed) between rounds,
    // so this is the cost with a writer that keeps up, as in a healthy gateway.
    c.bench_function("record (caller side)", |b| {
        b.iter_custom(|iters| {
            let events: Vec<DecisionEvent> =
                (0..iters).map(|i| event(i, &identity, &session)).collect();
            let start = Instant::now();
            for e in events {
                let _ = black_box(log.record(e));
            }
            let took = start.elapsed();
            let _ = log.flush_blocking();
            took
        });
    });

    c.bench_function("record + write (amortised, fsync per batch)", |b| {
        b.iter_custom(|iters| {
            let events: Vec<DecisionEvent> =
                (0..iters).map(|i| event(i, &identity, &session)).collect();
            let start = Instant::now();
            for e in events {
                let _ = log.record(e);
            }
            let _ = log.flush_blocking();
            start.elapsed()
        });
    });
    let _ = log.shutdown_blocking();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
