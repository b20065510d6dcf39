//! Writes the seed corpora that come from the no-bypass suite (`crates/cli/tests/bypass`):
//! each hostile message as an `mcp_parse` seed, and as an `http_front` script that opens a
//! session and POSTs it there. Cases over 8 KiB are left out (the corpus holds small
//! files). Run `cargo run --manifest-path fuzz/export-seeds/Cargo.toml` (stable, no fuzz flags).

use std::fs;
use std::path::Path;

/// The parts of the suite's harness that `cases.rs` uses.
mod harness {
    pub use crate::shared::{Case, Expect, MAX_MESSAGE_BYTES};
}

mod shared {
    pub const MAX_MESSAGE_BYTES: usize = 65_536;

    #[allow(dead_code)]
    #[derive(Debug, Clone)]
    pub enum Expect {
        Error(serde_json::Value),
        ErrorIdOrNull(serde_json::Value),
        Refused(serde_json::Value),
        UnknownTool(serde_json::Value),
        Denied(serde_json::Value, &'static str),
        Silence,
    }

    pub struct Case {
        pub name: &'static str,
        pub bytes: Vec<u8>,
    }

    impl Case {
        pub fn text(name: &'static str, template: &str, _: Expect) -> Case {
            Case {
                name,
                bytes: template.replace("MARK", "fuzz").into_bytes(),
            }
        }

        pub fn bytes(name: &'static str, parts: &[&[u8]], _: Expect) -> Case {
            let joined = parts.concat();
            let mut bytes = Vec::with_capacity(joined.len());
            let mut rest = &joined[..];
            while let Some(at) = rest.windows(4).position(|w| w == b"MARK") {
                bytes.extend_from_slice(&rest[..at]);
                bytes.extend_from_slice(b"fuzz");
                rest = &rest[at + 4..];
            }
            bytes.extend_from_slice(rest);
            Case { name, bytes }
        }

        pub fn unmarked(name: &'static str, bytes: &[u8], _: Expect) -> Case {
            Case {
                name,
                bytes: bytes.to_vec(),
            }
        }
    }
}

#[allow(dead_code)]
#[path = "../../../crates/cli/tests/bypass/cases.rs"]
mod cases;

const MAX_SEED: usize = 8 * 1024;

const INITIALIZE: &str = "POST /mcp\ncontent-type: application/json\naccept: application/json, text/event-stream\n\n{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"0\"}}}\n###\nPOST /mcp\ncontent-type: application/json\nmcp-session-id: $SESSION\nmcp-protocol-version: 2025-06-18\n\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n###\n";

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let (mcp, http) = (root.join("mcp_parse"), root.join("http_front"));
    fs::create_dir_all(&mcp).unwrap();
    fs::create_dir_all(&http).unwrap();
    let mut written = 0;
    for case in cases::all() {
        if case.bytes.len() > MAX_SEED {
            eprintln!("skipped {} ({} bytes)", case.name, case.bytes.len());
            continue;
        }
        fs::write(mcp.join(case.name), &case.bytes).unwrap();
        let mut script = INITIALIZE.as_bytes().to_vec();
        script.extend_from_slice(
            b"POST /mcp\ncontent-type: application/json\naccept: application/json, text/event-stream\nmcp-session-id: $SESSION\nmcp-protocol-version: 2025-06-18\n\n",
        );
        script.extend_from_slice(&case.bytes);
        fs::write(http.join(case.name), script).unwrap();
        written += 1;
    }
    eprintln!(
        "wrote {written} cases to {} and {}",
        mcp.display(),
        http.display()
    );
}
