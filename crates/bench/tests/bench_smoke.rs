//! Smoke test of `toolgate-bench`: a tiny run against the debug binaries finishes, exits 0,
//! prints every section's heading — stdio and HTTP — and writes its JSON report. No timing
//! thresholds: how fast this machine is is not the test's business. The peers (mcp-proxy,
//! supergateway, vellaveto-proxy) are left out with `--no-peers`, so the test needs nothing
//! that `scripts/bench-peers-setup` installs.
//!
//! Needs `toolgate` (package toolgate-cli) and the example server built next to the bench
//! binary; `cargo test -p toolgate-bench` builds only this package's binaries, so the README's test command builds
//! every binary first (`cargo build --workspace --bins`). Without it the test is skipped
//! loudly, or fails under `CI=true`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use toolgate_bench::{HEADINGS, HTTP_HEADINGS, STDIO_PEERS_HEADING};

#[test]
fn bench_quick_run_prints_every_section_and_writes_json() {
    let bench = PathBuf::from(env!("CARGO_BIN_EXE_toolgate-bench"));
    let toolgate = bench.with_file_name(format!("toolgate{}", std::env::consts::EXE_SUFFIX));
    if !toolgate.is_file() {
        let why = format!(
            "{} is missing: build every binary first with `cargo build --workspace --bins`",
            toolgate.display()
        );
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("bench_smoke: {why}");
        }
        eprintln!("SKIPPED bench_smoke: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("bench.json");
    let output = Command::new(&bench)
        .args(["--quick", "--calls", "50", "--warmup", "10"])
        .args(["--throughput-calls", "400", "--large-policy", "1000"])
        .args(["--no-redis", "--stall-timeout", "60"])
        // A few seconds of HTTP: three levels, 0.2 s windows, 10 idle sessions, no peers.
        .args(["--http-sessions", "1,8,64", "--http-window", "0.2"])
        .args(["--idle-sessions", "10", "--no-peers", "--json"])
        .arg(&json_path)
        .output()
        .expect("toolgate-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "toolgate-bench failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    let all = HEADINGS
        .iter()
        .chain(&HTTP_HEADINGS)
        .chain(&[STDIO_PEERS_HEADING, "## Targets"]);
    for heading in all {
        assert!(
            stdout.contains(heading),
            "no `{heading}` in the report:\n{stdout}"
        );
    }
    assert!(stdout.contains("Redis skipped (--no-redis)"), "{stdout}");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap())
        .expect("the JSON report parses");
    assert_eq!(report["tool"], "toolgate-bench");
    assert!(
        report["command"]
            .as_str()
            .is_some_and(|c| c.contains("--quick")),
        "{}",
        report["command"]
    );
    assert!(report["machine"]["nproc"].as_u64().is_some_and(|n| n >= 1));
    assert!(report["machine"]["cpu_model"].is_string());
    let sequential = &report["main"]["sequential"];
    assert_eq!(sequential["direct"]["n"], 50);
    assert_eq!(sequential["variants"][0]["latency"]["n"], 50);
    assert!(sequential["variants"][0]["vs_direct"]["added_p99.9_us"].is_number());
    let throughput = report["main"]["throughput"].as_array().unwrap();
    let levels: Vec<u64> = throughput
        .iter()
        .map(|t| t["in_flight"].as_u64().unwrap())
        .collect();
    assert_eq!(levels, [1, 8, 64, 256]);
    assert_eq!(report["main"]["payload"].as_array().unwrap().len(), 3);
    let states: Vec<&str> = report["state_backends"]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["label"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["memory", "sqlite"]);
    assert!(
        report["main"]["memory_kib"]["gateway_idle_after_initialize"].is_u64(),
        "{}",
        report["main"]["memory_kib"]
    );
    assert!(report["targets"].as_array().is_some_and(|t| !t.is_empty()));

    assert!(
        stdout.contains("vellaveto-proxy: left out (--no-peers)"),
        "{stdout}"
    );
    http_report_is_complete(&report["http"]);
}

/// The HTTP half ran every toolgate target and the direct baseline, left the peers out, and
/// produced figures (not errors) for each.
fn http_report_is_complete(http: &Value) {
    let ours = ["direct", "toolgate HTTP→HTTP", "toolgate HTTP→stdio"];
    let labels = |rows: &Value| -> Vec<String> {
        rows.as_array()
            .unwrap_or_else(|| panic!("not an array: {rows}"))
            .iter()
            .map(|r| r["label"].as_str().unwrap().to_owned())
            .collect()
    };
    let targets = http["targets"].as_array().unwrap();
    for t in targets {
        let peer = !ours.contains(&t["label"].as_str().unwrap());
        assert_eq!(
            t["skipped"].as_str() == Some("left out (--no-peers)"),
            peer,
            "{t}"
        );
    }
    assert_eq!(labels(&http["sequential"]), ours);
    for row in http["sequential"].as_array().unwrap() {
        assert_eq!(row["latency"]["n"], 50, "{row}");
    }
    let levels: Vec<u64> = http["throughput"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sessions"].as_u64().unwrap())
        .collect();
    assert_eq!(levels, [1, 8, 64]);
    for level in http["throughput"].as_array().unwrap() {
        assert_eq!(labels(&level["targets"]), ours);
        for row in level["targets"].as_array().unwrap() {
            assert!(
                row["calls_per_s"].as_f64().is_some_and(|r| r > 0.0),
                "{row}"
            );
        }
    }
    let sizes: Vec<u64> = http["payload"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["bytes"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [512 << 10, 1 << 20]);
    for size in http["payload"].as_array().unwrap() {
        for row in size["targets"].as_array().unwrap() {
            assert!(row["latency"]["n"].as_u64().is_some_and(|n| n > 0), "{row}");
        }
    }
    assert_eq!(labels(&http["memory"]), ours);
    for row in http["memory"].as_array().unwrap() {
        assert_eq!(row["sessions"], 10, "{row}");
        assert!(
            row["front_idle_kib"].as_u64().is_some_and(|k| k > 0),
            "{row}"
        );
        let toolgate = row["label"].as_str().unwrap().starts_with("toolgate");
        assert_eq!(
            row["front_per_session_without_connection_kib"].is_number(),
            toolgate,
            "{row}"
        );
    }
}
