//! `decide` on a large policy: 1,000 tools with 5 rules each (5,000 rules), plus the common
//! case of an exact tool name with 1–3 rules. Run: `cargo bench -p toolgate-policy`.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use toolgate_policy::{CallContext, CompiledPolicy, load};

fn big_policy() -> CompiledPolicy {
    let mut text =
        String::from("version: \"1\"\ndefault: deny\nhide: [\"admin_*\", \"debug_*\"]\ntools:\n");
    for i in 0..1000 {
        let _ = write!(
            text,
            "  tool_{i}:\n    rules:\n\
             \x20     - {{name: no prod, action: deny, when: [{{path: args.env, op: eq, value: prod}}]}}\n\
             \x20     - {{name: big, action: approve, when: [{{path: args.amount, op: gt, value: 100}}]}}\n\
             \x20     - {{name: paths, action: deny, when: [{{path: args.path, op: regex, value: '^/etc/'}}]}}\n\
             \x20     - {{name: currencies, action: evaluate, when: [{{path: args.currency, op: in, value: [usd, eur, gbp]}}]}}\n\
             \x20     - {{name: ok, action: allow, rate_limit: 30/minute}}\n"
        );
    }
    text.push_str(
        "  small:\n    rules:\n      - {action: allow, rate_limit: {max: 30, window: 60}}\n",
    );
    text.push_str("  \"*\":\n    rules:\n      - {action: deny, reason: not in the workflow}\n");
    let loaded = load(&text, "big.yaml").expect("bench policy loads");
    assert_eq!(loaded.policy.tools.len(), 1002);
    CompiledPolicy::new(loaded.policy)
}

fn bench(c: &mut Criterion) {
    let p = big_policy();
    let small_args = json!({"text": "hello"});
    let full_args = json!({"env": "dev", "amount": 20, "path": "/srv/x", "currency": "eur"});
    let ctx = |tool: &'static str, args: &'static serde_json::Value| CallContext {
        tool,
        args,
        identity: "alice",
        session: "session-1",
        groups: &[],
    };
    let small_args: &'static serde_json::Value = Box::leak(Box::new(small_args));
    let full_args: &'static serde_json::Value = Box::leak(Box::new(full_args));

    c.bench_function("decide/exact tool, 1 rule, rate limit", |b| {
        b.iter(|| black_box(p.decide(black_box(&ctx("small", small_args)))))
    });
    c.bench_function("decide/exact tool, 5 rules, all conditions", |b| {
        b.iter(|| black_box(p.decide(black_box(&ctx("tool_500", full_args)))))
    });
    c.bench_function("decide/unlisted tool falls to *", |b| {
        b.iter(|| black_box(p.decide(black_box(&ctx("unknown_tool", small_args)))))
    });
    c.bench_function("decide/hidden by glob", |b| {
        b.iter(|| black_box(p.decide(black_box(&ctx("admin_reset", small_args)))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
