//! Counters from the outside: exact limits across two gateway processes sharing Redis, spend
//! caps that refuse negative amounts, refunds when the server dies, and the store failing
//! closed (or open) and recovering. Redis runs at 127.0.0.1:6379 on every dev and CI machine
//! (`TOOLGATE_TEST_REDIS` may point elsewhere); fault tests start a private `redis-server`.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::future::join_all;
use serde_json::{Value, json};
use toolgate_testkit::{StderrMode, StdioClient, example_server_path};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

fn redis_url() -> Option<String> {
    let url =
        std::env::var("TOOLGATE_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    let hostport = url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned();
    if TcpStream::connect_timeout(&hostport.parse().ok()?, Duration::from_secs(1)).is_ok() {
        return Some(url);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("Redis is required in CI but nothing answers at {url}");
    }
    eprintln!("=== SKIPPED: no Redis at {url} ===");
    None
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

fn spawn_gateway(policy: &Path, state: &str, extra: &[&str], log: &Path) -> StdioClient {
    StdioClient::builder(TOOLGATE)
        .args(["run", "--audit", "off", "--state", state])
        .args(extra)
        .arg("--policy")
        .arg(policy)
        .arg("--")
        .arg(example_server_path())
        .env("TOOLGATE_TESTKIT_LOG", log)
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(30))
        .spawn()
        .unwrap()
}

fn calls_seen(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("\"tools/call\""))
        .count()
}

fn kind(resp: &Value) -> &str {
    resp["result"]["_meta"]["dev.toolgate/decision"]["kind"]
        .as_str()
        .unwrap_or("")
}

async fn initialized(g: &StdioClient) {
    g.initialize("2025-06-18")
        .await
        .unwrap_or_else(|e| panic!("{e}; gateway stderr:\n{}", g.stderr_output()));
}

/// Two gateway processes on one store with a global limit of 50 on `echo`, 100 calls in
/// flight through each at once. Returns every answer and how many calls reached the servers.
async fn fleet_of_two(state: &str, extra: &[&str]) -> (Vec<Value>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "tools:\n  echo:\n    rules:\n      - {name: fleet, action: allow, rate_limit: {max: 50, window: 3600}, scope: global}\n",
    )
    .unwrap();
    let state = state.replace("{dir}", &dir.path().display().to_string());
    let logs = [dir.path().join("a.log"), dir.path().join("b.log")];
    let gateways: Vec<StdioClient> = logs
        .iter()
        .map(|log| spawn_gateway(&policy, &state, extra, log))
        .collect();
    for g in &gateways {
        initialized(g).await;
    }
    let calls = gateways
        .iter()
        .flat_map(|g| (0..100).map(move |i| g.call_tool("echo", json!({"text": format!("c{i}")}))));
    let answers = join_all(calls).await;
    (answers, calls_seen(&logs[0]) + calls_seen(&logs[1]))
}

fn allowed(answers: &[Value]) -> usize {
    answers
        .iter()
        .filter(|r| r["result"]["isError"] == json!(false))
        .count()
}

#[tokio::test]
async fn two_gateways_sharing_redis_forward_exactly_the_global_limit() {
    let Some(redis) = redis_url() else { return };
    let prefix = unique("tg-exact");
    let (answers, seen) = fleet_of_two(&redis, &["--state-prefix", &prefix]).await;
    let limited: Vec<&Value> = answers
        .iter()
        .filter(|r| kind(r) == "rate_limited")
        .collect();
    assert_eq!(allowed(&answers), 50);
    assert_eq!(limited.len(), 150);
    assert!(limited.iter().all(|r| {
        r["result"]["_meta"]["dev.toolgate/decision"]["retry_after_s"]
            .as_u64()
            .is_some()
    }));
    assert_eq!(seen, 50, "exactly 50 reached the servers");
}

#[tokio::test]
async fn concurrent_calls_against_one_sqlite_file_are_exact() {
    let (answers, seen) = fleet_of_two("sqlite:{dir}/state.db", &[]).await;
    assert_eq!(allowed(&answers), 50);
    assert_eq!(seen, 50);
}

#[tokio::test]
async fn spend_cap_600_600_minus500_300_passes_calls_1_and_4() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "tools:\n  create_refund:\n    rules:\n      - action: allow\n        spend: {counter: refunds, from: args.amount, max: 1000, window: day}\n",
    )
    .unwrap();
    let log = dir.path().join("s.log");
    let g = spawn_gateway(&policy, "memory", &[], &log);
    initialized(&g).await;
    let mut outcomes = Vec::new();
    for amount in [600, 600, -500, 300] {
        let r = g
            .call_tool(
                "create_refund",
                json!({"order_id": format!("o{amount}"), "amount": amount}),
            )
            .await;
        outcomes.push(if r["result"]["isError"] == json!(false) {
            "ok".to_owned()
        } else {
            kind(&r).to_owned()
        });
    }
    assert_eq!(outcomes, ["ok", "rate_limited", "invalid_arguments", "ok"]);
    assert_eq!(calls_seen(&log), 2);
}

#[tokio::test]
async fn server_killed_mid_call_refunds_the_reservation() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "tools:\n  slow:\n    rules:\n      - {name: slow, action: allow, rate_limit: {max: 5, window: 3600}, scope: global}\n",
    )
    .unwrap();
    let db = dir.path().join("state.db");
    let state = format!("sqlite:{}", db.display());
    let g = StdioClient::builder(TOOLGATE)
        .args(["run", "--audit", "off", "--state", &state, "--policy"])
        .arg(&policy)
        .arg("--")
        .arg(example_server_path())
        .args(["--crash-on", "slow"])
        .stderr(StderrMode::Capture)
        .spawn()
        .unwrap();
    initialized(&g).await;
    let r = g.try_call_tool("slow", json!({"ms": 100})).await.unwrap();
    assert_eq!(r["error"]["code"], json!(-32603), "{r}");
    g.wait_exit().await.unwrap();
    let out = Command::new(TOOLGATE)
        .args(["state", "show", "--json", "--state", &state])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        !shown.contains("slow/slow"),
        "the crashed call must not count: {shown}"
    );
}

struct PrivateRedis {
    child: Child,
    port: u16,
}

impl PrivateRedis {
    fn start(port: u16) -> Option<PrivateRedis> {
        let child = Command::new("redis-server")
            .args([
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(PrivateRedis { child, port });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn redis_server_available() -> bool {
    let ok = Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok();
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("redis-server is required in CI for the fault tests");
        }
        eprintln!("=== SKIPPED: no redis-server binary ===");
    }
    ok
}

async fn store_outage(fail_mode: &str) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, "tools:\n  echo:\n    rules:\n      - {action: allow, rate_limit: {max: 1000, window: 3600}}\n").unwrap();
    let port = free_port();
    let redis = PrivateRedis::start(port).expect("private redis-server starts");
    let url = format!("redis://127.0.0.1:{}/0", redis.port);
    let log = dir.path().join("s.log");
    let g = spawn_gateway(&policy, &url, &["--state-fail-mode", fail_mode], &log);
    initialized(&g).await;
    let mut seen = Vec::new();
    let call = async |g: &StdioClient| {
        let r = g.call_tool("echo", json!({"text": "x"})).await;
        if r["result"]["isError"] == json!(false) {
            "ok".to_owned()
        } else {
            kind(&r).to_owned()
        }
    };
    seen.push(call(&g).await);
    drop(redis);
    seen.push(call(&g).await);
    let _again = PrivateRedis::start(port).expect("private redis-server restarts");
    // The connection manager reconnects by itself; allow it a moment.
    let mut recovered = String::new();
    for _ in 0..50 {
        recovered = call(&g).await;
        if recovered == "ok" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    seen.push(recovered);
    g.close_stdin().await;
    g.wait_exit().await.unwrap();
    (seen, g.stderr_output())
}

#[tokio::test]
async fn redis_outage_fails_closed_then_recovers() {
    if !redis_server_available() {
        return;
    }
    let (seen, _) = store_outage("closed").await;
    assert_eq!(seen, ["ok", "deny", "ok"]);
}

#[tokio::test]
async fn redis_outage_with_fail_open_allows_uncounted_and_says_so() {
    if !redis_server_available() {
        return;
    }
    let (seen, stderr) = store_outage("open").await;
    assert_eq!(seen, ["ok", "ok", "ok"]);
    assert!(stderr.contains("allowed uncounted"), "{stderr}");
}

/// Redis down when toolgate starts is an outage like one that begins later: toolgate starts,
/// applies its fail mode, and counts once Redis is up. (It exited 1, even with `open`.) The
/// agent's refusal does not show the store's address.
async fn redis_down_at_start(fail_mode: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, "tools:\n  echo:\n    rules:\n      - {action: allow, rate_limit: {max: 1000, window: 3600}}\n").unwrap();
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}/0");
    let log = dir.path().join("s.log");
    let g = spawn_gateway(&policy, &url, &["--state-fail-mode", fail_mode], &log);
    initialized(&g).await;
    let mut seen = Vec::new();
    let r = g.call_tool("echo", json!({"text": "x"})).await;
    let text = r.to_string();
    assert!(
        !text.contains(&port.to_string()),
        "the agent sees the store's address: {text}"
    );
    seen.push(if r["result"]["isError"] == json!(false) {
        "ok".to_owned()
    } else {
        kind(&r).to_owned()
    });
    let _redis = PrivateRedis::start(port).expect("private redis-server starts");
    let mut counted = false;
    for _ in 0..100 {
        g.call_tool("echo", json!({"text": "x"})).await;
        let snapshot = Command::new(TOOLGATE)
            .args(["state", "show", "--json", "--state", &url])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&snapshot.stdout).contains("echo") {
            counted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    seen.push(if counted {
        "counted".into()
    } else {
        "never counted".into()
    });
    g.close_stdin().await;
    g.wait_exit().await.unwrap();
    seen
}

#[tokio::test]
async fn redis_down_at_start_with_fail_open_starts_and_counts_once_it_is_up() {
    if !redis_server_available() {
        return;
    }
    assert_eq!(redis_down_at_start("open").await, ["ok", "counted"]);
}

#[tokio::test]
async fn redis_down_at_start_with_fail_closed_starts_and_refuses_limited_calls() {
    if !redis_server_available() {
        return;
    }
    assert_eq!(redis_down_at_start("closed").await, ["deny", "counted"]);
}

/// A reservation lives as long as its call: the store's TTL only recovers what a dead
/// gateway held. (A call in flight past the fixed 300 s TTL was refunded while it still ran:
/// 200 spent against a cap of 100 after 305 s, repeatable.) Here the TTL is 1 s and the call
/// takes 3.5 s; a second call 2.5 s in must still find the limit used.
#[tokio::test]
async fn a_call_longer_than_the_reservation_ttl_stays_counted() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "tools:\n  slow:\n    rules:\n      - {name: once, action: allow, rate_limit: {max: 1, window: 86400}}\n",
    )
    .unwrap();
    let log = dir.path().join("s.log");
    let g = spawn_gateway(&policy, "memory", &["--reservation-ttl", "1"], &log);
    initialized(&g).await;
    let long = g.call_tool("slow", json!({"ms": 3500}));
    let meanwhile = async {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        g.call_tool("slow", json!({"ms": 10})).await
    };
    let (long, meanwhile) = tokio::join!(long, meanwhile);
    assert_eq!(long["result"]["isError"], json!(false), "{long}");
    assert_eq!(kind(&meanwhile), "rate_limited", "{meanwhile}");
    assert_eq!(calls_seen(&log), 1);
}

/// A call toolgate gives up on is treated like a cancelled one: the server is told, and the
/// counters stay spent, since a server may run it anyway. (Refunding let 5 calls × 100 run
/// against a cap of 100.)
#[tokio::test]
async fn a_call_past_its_timeout_is_cancelled_upstream_and_keeps_its_counters() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(
        &policy,
        "tools:\n  slow:\n    rules:\n      - {name: once, action: allow, rate_limit: {max: 1, window: 86400}}\n",
    )
    .unwrap();
    let log = dir.path().join("s.log");
    let g = spawn_gateway(&policy, "memory", &["--call-timeout", "1"], &log);
    initialized(&g).await;
    let started = Instant::now();
    let r = g.call_tool("slow", json!({"ms": 2500})).await;
    assert!(
        started.elapsed() < Duration::from_millis(2400),
        "answered at the timeout, not by the server"
    );
    assert_eq!(r["error"]["code"], json!(-32603), "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("within 1s"),
        "{r}"
    );
    // The server was told to stop: the cancellation names the abandoned call.
    let deadline = Instant::now() + Duration::from_secs(5);
    let cancelled = loop {
        let seen = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = seen.lines().find(|l| l.contains("notifications/cancelled")) {
            break line.to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "the server never got notifications/cancelled:\n{seen}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let call_id = r["id"].to_string();
    assert!(
        cancelled.contains(&format!("\"requestId\":{call_id}")),
        "{cancelled} (call id {call_id})"
    );
    // The counters stay spent: the one allowed call was used.
    let again = g.call_tool("slow", json!({"ms": 10})).await;
    assert_eq!(kind(&again), "rate_limited", "{again}");
    // The first call's late answer never reaches the agent.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let stray = g.recv_timeout(Duration::from_millis(300)).await;
    assert!(stray.is_err(), "unexpected message: {stray:?}");
}
