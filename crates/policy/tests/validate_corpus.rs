//! Every broken policy in `tests/broken/` with its exact diagnostics, pinned as snapshots:
//! a change to any message, position or hint shows up in review.

use toolgate_policy::load;

#[test]
fn broken_policies_report_every_error_with_location() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "corpus went missing");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let diags = match load(&text, &name) {
            Ok(loaded) => panic!("{name} should not load; warnings: {:?}", loaded.warnings),
            Err(e) => e.0,
        };
        let rendered: Vec<String> = diags.iter().map(|d| d.render(&name)).collect();
        for line in &rendered {
            assert!(
                line.starts_with(&format!("{name}:")),
                "every line is FILE:LINE:COL: {line}"
            );
        }
        insta::assert_snapshot!(name.clone(), rendered.join("\n"));
    }
}
