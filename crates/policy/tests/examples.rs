//! Every file in `examples/` loads cleanly, prints canonically (snapshots), and its native
//! form loads back to the same policy: `fmt` is a fixed point and keeps the meaning.

use toolgate_policy::fmt::to_native_yaml;
use toolgate_policy::{CompiledPolicy, load};

fn examples() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "examples went missing");
    out
}

#[test]
fn every_example_loads_without_errors_or_warnings() {
    for (name, text) in examples() {
        let loaded = load(&text, &name).unwrap_or_else(|e| {
            panic!(
                "{name}: {:#?}",
                e.0.iter().map(|d| d.render(&name)).collect::<Vec<_>>()
            )
        });
        assert!(
            loaded.warnings.is_empty(),
            "{name}: {:?}",
            loaded
                .warnings
                .iter()
                .map(|d| d.render(&name))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn fmt_snapshots_and_fixed_point() {
    for (name, text) in examples() {
        let first = load(&text, &name).unwrap();
        let native = to_native_yaml(&first.policy);
        insta::assert_snapshot!(format!("fmt-{name}"), native);
        let again = load(&native, "native.yaml").expect("fmt output loads");
        assert_eq!(
            to_native_yaml(&again.policy),
            native,
            "{name}: fmt is not a fixed point"
        );
        assert_eq!(
            again.policy, first.policy,
            "{name}: fmt changed the meaning"
        );
        assert_eq!(
            CompiledPolicy::new(again.policy).version(),
            CompiledPolicy::new(first.policy).version()
        );
    }
}

#[test]
fn dialects_are_detected() {
    use toolgate_policy::Dialect;
    let dialect = |name: &str| {
        let (_, text) = examples().into_iter().find(|(n, _)| n == name).unwrap();
        load(&text, name).unwrap().dialect
    };
    assert_eq!(
        dialect("policylayer-refresh-token.json"),
        Dialect::PolicyLayer
    );
    assert_eq!(dialect("intercept-stripe.yaml"), Dialect::Intercept);
    assert_eq!(dialect("support-agent.yaml"), Dialect::Native);
}

/// `policy fmt` keeps every comment of every example (issue 24): each `#…` comment text of
/// the file (whole-line and trailing) appears in the output as often as in the file, and
/// the output is a fixed point. The examples mix flow and block styles, Intercept's keys and
/// comments on parts the canonical form rewrites.
#[test]
fn fmt_keeps_the_comments_of_every_example() {
    use toolgate_policy::fmt::to_native_yaml_with_comments;
    for (name, text) in examples() {
        let loaded = load(&text, &name).unwrap();
        let printed = to_native_yaml_with_comments(&loaded.policy, &text).unwrap();
        // A comment starts at a `#` after a space or at the line start; the examples put
        // none inside quoted strings.
        let comments: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                let t = l.trim_start();
                if t.starts_with('#') {
                    Some(t)
                } else {
                    l.find(" #").map(|i| l[i + 1..].trim_end())
                }
            })
            .collect();
        for c in &comments {
            assert_eq!(
                printed.matches(c).count(),
                text.matches(c).count(),
                "{name}: `{c}`\n{printed}"
            );
        }
        let again = load(&printed, &name).unwrap();
        assert_eq!(again.policy, loaded.policy, "{name}");
        assert_eq!(
            to_native_yaml_with_comments(&again.policy, &printed).unwrap(),
            printed,
            "{name}: not a fixed point"
        );
    }
}
