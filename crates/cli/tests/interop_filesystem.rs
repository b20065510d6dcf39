//! Interop from the outside, for path arguments: the real `toolgate run` binary in front of the
//! official reference server `@modelcontextprotocol/server-filesystem` (npm, stdio, pinned in
//! `tests/interop/package.json`), with a policy that allows reading files only under one
//! directory (`path_under`).
//!
//! The server is given the *parent* directory, which also holds a secret file, so the server
//! itself would read the secret: the test first shows that it does (straight to the server),
//! then that every traversal through toolgate is refused with the documented kind and the
//! secret never reaches the agent.
//!
//! Needs `scripts/interop-setup` (the pinned server in `tests/interop/node_modules`) and
//! `node` on PATH. Without them the test prints `SKIPPED: interop …` on stderr and returns,
//! except under `CI=true`, where it fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use toolgate_testkit::client::{StderrMode, StdioClient};

const TOOLGATE: &str = env!("CARGO_BIN_EXE_toolgate");
const SECRET: &str = "TOP-SECRET-7f3a9c";
const SHOP_TEXT: &str = "returns within 30 days";

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// `node` and the server's entry point, both found on disk.
fn locate() -> Result<(PathBuf, PathBuf), String> {
    let node = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("node"))
        .find(|p| p.is_file())
        .ok_or("`node` is not on PATH")?;
    let dir = interop_dir();
    let js = dir.join("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
    if !js.is_file() {
        return Err(format!("{} is missing", js.display()));
    }
    let stamp = std::fs::read(dir.join("node_modules/.toolgate-interop-package-lock.json"));
    if stamp.ok() != std::fs::read(dir.join("package-lock.json")).ok() {
        return Err(
            "tests/interop/node_modules is not installed from the current package-lock.json".into(),
        );
    }
    Ok((node, js))
}

fn peers_or_skip(test: &str) -> Option<(PathBuf, PathBuf)> {
    match locate() {
        Ok(p) => Some(p),
        Err(why) if in_ci() => panic!(
            "interop {test}: {why}. CI must run `scripts/interop-setup` before the tests \
             (it needs node >= 20 with npm)."
        ),
        Err(why) => {
            // Straight to fd 2: libtest captures the print macros of a passing test.
            let line = format!(
                "SKIPPED: interop {test}: {why}. Run `scripts/interop-setup` to enable the \
                 interop tests (node >= 20 with npm).\n"
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
            None
        }
    }
}

/// A client with no capabilities: a client declaring `roots` would make the server replace
/// its directories with the client's roots.
async fn connect(program: &Path, args: Vec<String>) -> StdioClient {
    let client = StdioClient::builder(program)
        .args(args)
        .capabilities(json!({}))
        .stderr(StderrMode::Capture)
        .timeout(Duration::from_secs(30))
        .spawn()
        .expect("spawn");
    client.initialize("2025-06-18").await.expect("initialize");
    client
}

fn text_of(resp: &Value) -> String {
    resp.pointer("/result/content")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn filesystem_server_reads_only_under_the_allowed_directory() {
    let Some((node, js)) = peers_or_skip("filesystem") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // Canonical, so the server (which resolves symlinks such as macOS's /var) agrees.
    let root = tmp.path().canonicalize().unwrap();
    let shop = root.join("shop");
    std::fs::create_dir_all(&shop).unwrap();
    std::fs::create_dir_all(root.join("shop2")).unwrap();
    std::fs::write(shop.join("returns.md"), SHOP_TEXT).unwrap();
    std::fs::write(root.join("secret.txt"), SECRET).unwrap();
    std::fs::write(root.join("shop2/secret.txt"), SECRET).unwrap();
    let (root_s, shop_s) = (
        root.to_str().unwrap().to_owned(),
        shop.to_str().unwrap().to_owned(),
    );
    let server_args = vec![js.to_str().unwrap().to_owned(), root_s.clone()];

    // Without the gateway, the server reads the secret through a traversal: the refusals
    // below are toolgate's, not the server's.
    let direct = connect(&node, server_args.clone()).await;
    let resp = direct
        .call_tool(
            "read_text_file",
            json!({"path": format!("{shop_s}/../secret.txt")}),
        )
        .await;
    assert!(
        text_of(&resp).contains(SECRET),
        "the server was expected to read the secret when asked directly: {resp}"
    );
    drop(direct);

    let policy = format!(
        r#"version: "1"
default: deny
tools:
  read_text_file:
    rules:
      - name: shop files
        action: allow
        when: [{{path: args.path, op: path_under, value: "{shop_s}"}}]
      - action: deny
        reason: Only files under the shop directory may be read
  read_file:
    rules:
      - action: allow
        when: [{{path: args.path, op: path_under, value: "{shop_s}"}}]
      - action: deny
        reason: Only files under the shop directory may be read
  "*":
    rules:
      - action: deny
        reason: Not part of this test
"#
    );
    let policy_path = root.join("policy.yaml");
    std::fs::write(&policy_path, policy).unwrap();
    let mut args = vec![
        "run".to_owned(),
        "--policy".to_owned(),
        policy_path.to_str().unwrap().to_owned(),
        "--state".to_owned(),
        "memory".to_owned(),
        "--audit".to_owned(),
        "off".to_owned(),
        "--pin-file".to_owned(),
        "off".to_owned(),
        "--".to_owned(),
        node.to_str().unwrap().to_owned(),
    ];
    args.extend(server_args);
    let gate = connect(Path::new(TOOLGATE), args).await;

    let ok = gate
        .call_tool(
            "read_text_file",
            json!({"path": format!("{shop_s}/returns.md")}),
        )
        .await;
    assert!(
        text_of(&ok).contains(SHOP_TEXT),
        "an allowed read must work: {ok}"
    );

    let name = root.file_name().unwrap().to_str().unwrap();
    for (tool, path, kind) in [
        ("read_text_file", format!("{shop_s}/../secret.txt"), "deny"),
        ("read_text_file", format!("{shop_s}//../secret.txt"), "deny"),
        (
            "read_text_file",
            format!("{shop_s}/./../secret.txt"),
            "deny",
        ),
        (
            "read_text_file",
            format!("{shop_s}/%2e%2e/secret.txt"),
            "invalid_arguments",
        ),
        (
            "read_text_file",
            format!("{shop_s}/../../{name}/secret.txt"),
            "deny",
        ),
        (
            "read_text_file",
            format!("{root_s}/shop2/secret.txt"),
            "deny",
        ),
        ("read_text_file", format!("{root_s}/secret.txt"), "deny"),
        (
            "read_text_file",
            "secret.txt".to_owned(),
            "invalid_arguments",
        ),
        (
            "read_text_file",
            format!("{shop_s}/../../../../../../../../../../../../../../../../../../etc/passwd"),
            "invalid_arguments",
        ),
        (
            "read_text_file",
            format!("{shop_s}\\..\\secret.txt"),
            "invalid_arguments",
        ),
        ("read_file", format!("{shop_s}/../secret.txt"), "deny"),
    ] {
        let resp = gate.call_tool(tool, json!({ "path": path })).await;
        assert!(
            !resp.to_string().contains(SECRET),
            "{tool} {path}: the secret reached the agent: {resp}"
        );
        assert_eq!(
            resp.pointer("/result/isError"),
            Some(&json!(true)),
            "{tool} {path}: {resp}"
        );
        assert_eq!(
            resp.pointer("/result/_meta/dev.toolgate~1decision/kind")
                .and_then(Value::as_str),
            Some(kind),
            "{tool} {path}: {resp}"
        );
    }
}
