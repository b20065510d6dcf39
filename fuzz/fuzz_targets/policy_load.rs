//! The policy loaders (`crates/policy`): native YAML, Intercept YAML and PolicyLayer JSON
//! (one loader; the dialect is read from the content, the `.json` extension breaking ties),
//! and the separate identities file.
//!
//! Never panics; everything that loads prints with `fmt::to_native_yaml`, loads back to an
//! equal policy and prints identically (what `toolgate policy fmt` promises), and compiles
//! and decides without panicking.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use toolgate_policy::fmt::to_native_yaml;
use toolgate_policy::{CallContext, CompiledPolicy, load, load_identities};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the file name (the loader only uses it to break a tie).
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % 3 {
        0 => policy(&text, "policy.yaml"),
        1 => policy(&text, "policy.json"),
        _ => match load_identities(&text, "identities.yaml") {
            Ok(_) => {}
            Err(e) => render(&e.0, "identities.yaml"),
        },
    }
});

fn policy(text: &str, name: &str) {
    let loaded = match load(text, name) {
        Ok(loaded) => loaded,
        Err(e) => return render(&e.0, name),
    };
    render(&loaded.warnings, name);
    let printed = to_native_yaml(&loaded.policy);
    let again = match load(&printed, "fmt.yaml") {
        Ok(again) => again,
        Err(e) => {
            let lines: Vec<String> = e.0.iter().map(|d| d.render("fmt.yaml")).collect();
            panic!("fmt output does not load:\n{printed}\n{lines:#?}");
        }
    };
    assert_eq!(
        again.policy, loaded.policy,
        "fmt changed the policy:\n{printed}"
    );
    assert_eq!(
        to_native_yaml(&again.policy),
        printed,
        "fmt is not a fixed point"
    );

    let compiled = CompiledPolicy::new(loaded.policy);
    let groups: Vec<Arc<str>> = vec![Arc::from("ops")];
    let args = json!({"amount": 150, "path": "/etc/passwd", "a": {"b": [1, "x", null]}});
    for tool in ["create_refund", "read_file", "x", ""] {
        for identity in ["alice", ""] {
            let _ = compiled.decide(&CallContext {
                tool,
                args: &args,
                identity,
                session: "s",
                groups: &groups,
            });
            let _ = compiled.lists_for(tool, identity, &groups);
        }
    }
}

fn render(diagnostics: &[toolgate_policy::Diagnostic], name: &str) {
    for d in diagnostics {
        let _ = d.render(name);
    }
}
