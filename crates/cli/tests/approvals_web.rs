//! The approval web page in a real browser: headless Chromium (Debian's `chromium`) driven by
//! `tests/web/approve.mjs` (playwright-core) against the real admin API on 127.0.0.1:0 with a
//! queue in this process. The page must show a pending request live, refuse to let its
//! caller approve it (showing the gateway's message), and approve another person's request
//! so that the waiting call is released, approved by the token's identity, with the comment
//! typed on the page.
//!
//! Needs `scripts/web-setup` (chromium, `tests/web/node_modules`) and `node` on PATH.
//! Without them the test prints a loud SKIPPED line and returns, except under `CI=true`,
//! where it fails.

mod approvals_common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use approvals_common::{ALICE, gateway, request};
use serde_json::Value;
use toolgate_pipeline::approvals::Decision;

struct Browser {
    node: PathBuf,
    script: PathBuf,
    chromium: PathBuf,
}

fn web_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/web")
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn locate() -> Result<Browser, String> {
    let dir = web_dir();
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        return Err(format!("no browser at {}", chromium.display()));
    }
    let node = find_on_path("node").ok_or("`node` is not on PATH")?;
    let installed = std::fs::read(dir.join("node_modules/.toolgate-web-package-lock.json"));
    let pinned = std::fs::read(dir.join("package-lock.json"));
    match (installed, pinned) {
        (Ok(a), Ok(b)) if a == b => {}
        _ => {
            return Err(
                "tests/web/node_modules is missing or not installed from the current package-lock.json"
                    .into(),
            );
        }
    }
    Ok(Browser {
        node,
        script: dir.join("approve.mjs"),
        chromium,
    })
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn browser_or_skip(test: &str) -> Option<Browser> {
    match locate() {
        Ok(b) => Some(b),
        Err(why) if in_ci() => panic!(
            "approvals web {test}: {why}. CI must run `scripts/web-setup` before the tests \
             (it installs chromium with apt-get and playwright-core with npm ci)."
        ),
        Err(why) => {
            // Straight to fd 2: libtest captures the print macros of a passing test, and a
            // skip must never look like a silent pass.
            let line = format!(
                "=== SKIPPED: approvals web {test}: {why}. Run `scripts/web-setup` to enable \
                 the browser test. ===\n"
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
            None
        }
    }
}

/// `node approve.mjs URL TOKEN COMMENT`, off the runtime's threads (the server runs there).
async fn approve_in_browser(b: &Browser, url: &str, comment: &str) -> (Output, Value) {
    let mut cmd = std::process::Command::new(&b.node);
    cmd.arg(&b.script)
        .args([url, ALICE, comment])
        .env("CHROMIUM", &b.chromium)
        .current_dir(web_dir());
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("node runs"))
        .await
        .unwrap();
    let line = String::from_utf8_lossy(&out.stdout);
    let result = line
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    (out, result)
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_approves_from_the_web_page() {
    let Some(browser) = browser_or_skip("a_person_approves_from_the_web_page") else {
        return;
    };
    let gw = gateway().await;
    let page = format!("{}/", gw.url);

    // Alice's own call: the page shows the gateway's refusal and nothing is decided.
    let (own, own_rx) = gw.queue.submit(request("alice"));
    let (out, result) = approve_in_browser(&browser, &page, "my own").await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert_eq!(result["id"], own.as_str());
    let error = result["error"].as_str().unwrap_or_default();
    assert!(error.contains("self-approval"), "{}", show(&out));
    assert_eq!(gw.queue.pending_count(), 1);
    gw.queue.withdraw(&own);
    assert!(!own_rx.await.unwrap().is_approved());

    // Bob's call: approved on the page, released here as approved by alice.
    let (id, rx) = gw.queue.submit(request("bob"));
    let (out, result) = approve_in_browser(&browser, &page, "looks right").await;
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(result["id"], id.as_str(), "{}", show(&out));
    assert_eq!(result["tool"], "createRefund");
    assert_eq!(
        result["token_kept"], true,
        "the token lives in sessionStorage"
    );
    let shown = result["shown"].as_str().unwrap_or_default();
    assert!(shown.contains("as alice"), "{}", show(&out));
    assert_eq!(
        rx.await.unwrap(),
        Decision::Approved {
            by: "alice".into(),
            comment: Some("looks right".into())
        }
    );
    assert_eq!(gw.queue.pending_count(), 0);
}
