//! `toolgate approvals` against the real admin API: a queue and `admin::serve` on
//! 127.0.0.1:0 in this process, the `toolgate` binary driving it. Checks the table and JSON
//! output, that answers reach the waiting call, and the exit codes (0 ok, 1 refused with the
//! gateway's message, 2 usage or connection error).

mod approvals_common;

use std::process::Output;

use approvals_common::{ALICE, gateway, request};
use serde_json::Value;
use toolgate_pipeline::approvals::{Decision, DeniedWhy};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");

/// Runs `toolgate approvals ARGS` off the runtime's threads (the server runs on them).
async fn toolgate(url: &str, token: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(TOOLGATE);
    cmd.arg("approvals")
        .args(args)
        .env_remove("TOOLGATE_ADMIN_URL")
        .env_remove("TOOLGATE_ADMIN_TOKEN")
        .env("TOOLGATE_LOG", "off")
        .env("NO_COLOR", "1");
    if !url.is_empty() {
        cmd.args(["--admin", url]);
    }
    if let Some(t) = token {
        cmd.env("TOOLGATE_ADMIN_TOKEN", t);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("toolgate runs"))
        .await
        .unwrap()
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_approve_and_refusals() {
    let gw = gateway().await;
    let out = toolgate(&gw.url, Some(ALICE), &["list"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(stdout(&out), "no approval requests are pending\n");

    let (id, rx) = gw.queue.submit(request("bob"));
    let out = toolgate(&gw.url, Some(ALICE), &["list"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let table = stdout(&out);
    let mut lines = table.lines();
    assert!(lines.next().unwrap().starts_with("ID "), "{table}");
    let row = lines.next().unwrap();
    for cell in [
        id.as_str(),
        "createRefund",
        "bob",
        "big refunds need a human",
    ] {
        assert!(row.contains(cell), "{cell} missing: {table}");
    }
    // Approvers see what will run, secrets that look like secrets included.
    assert!(table.contains("sk-live-hidden"), "{table}");

    let out = toolgate(&gw.url, Some(ALICE), &["list", "--json"]).await;
    let list: Value = serde_json::from_slice(&out.stdout).expect("list --json is JSON");
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["identity"], "bob");

    let out = toolgate(
        &gw.url,
        Some(ALICE),
        &["approve", &id, "--comment", "ticket 42"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(
        stdout(&out).trim(),
        format!("approved {id} (createRefund for bob) as alice: ticket 42")
    );
    assert_eq!(
        rx.await.unwrap(),
        Decision::Approved {
            by: "alice".into(),
            comment: Some("ticket 42".into())
        }
    );

    // A second answer: refused with the gateway's message, exit 1.
    let out = toolgate(&gw.url, Some(ALICE), &["deny", &id]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(stderr(&out).contains("already decided"), "{}", show(&out));

    // Alice's own call: self-approval is refused, exit 1.
    let (own, _own_rx) = gw.queue.submit(request("alice"));
    let out = toolgate(&gw.url, Some(ALICE), &["approve", &own]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(stderr(&out).contains("self-approval"), "{}", show(&out));
    assert_eq!(gw.queue.pending_count(), 1);

    // An unknown id is refused (404), exit 1.
    let out = toolgate(&gw.url, Some(ALICE), &["approve", "0123abcd"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        stderr(&out).contains("no pending approval request"),
        "{}",
        show(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_with_json_output() {
    let gw = gateway().await;
    let (id, rx) = gw.queue.submit(request("bob"));
    let out = toolgate(
        &gw.url,
        Some(ALICE),
        &["deny", &id, "--json", "--comment", "no"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["outcome"], "denied");
    assert_eq!(d["why"], "declined");
    assert_eq!(d["by"], "alice");
    assert_eq!(
        rx.await.unwrap(),
        Decision::Denied {
            by: Some("alice".into()),
            why: DeniedWhy::Declined,
            comment: Some("no".into())
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_and_connection_errors_exit_2() {
    let gw = gateway().await;
    let (id, _rx) = gw.queue.submit(request("bob"));
    // A token the gateway doesn't accept.
    let out = toolgate(&gw.url, Some("wrong"), &["approve", &id]).await;
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("did not accept the token"),
        "{}",
        show(&out)
    );
    assert!(
        !stderr(&out).contains("wrong"),
        "the token is echoed: {}",
        show(&out)
    );
    // No token at all.
    let out = toolgate(&gw.url, None, &["list"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        stderr(&out).contains("TOOLGATE_ADMIN_TOKEN"),
        "{}",
        show(&out)
    );
    // --token works too.
    let out = toolgate(&gw.url, None, &["list", "--token", ALICE]).await;
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    // Not an id.
    let out = toolgate(&gw.url, Some(ALICE), &["approve", "../metrics"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    // Nobody listening.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let out = toolgate(&format!("http://{closed}"), Some(ALICE), &["list"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(stderr(&out).contains("cannot reach"), "{}", show(&out));
    // A missing subcommand is a clap usage error.
    let out = toolgate(&gw.url, Some(ALICE), &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_eq!(gw.queue.pending_count(), 1, "nothing was answered");
}
