//! The golden corpus: real MCP tools with the category and risk public catalogues
//! (PolicyLayer, Intercept) give them. The classifier must agree on at least 95 % of the
//! categories, and every disagreement it keeps must be explained in DISAGREEMENTS.md.

mod common;

use toolgate_catalog::{Category, FlagKind, Risk, classify};

const MIN_CATEGORY_AGREEMENT: f64 = 0.95;

#[test]
fn corpus_is_large_and_sourced() {
    let corpus = common::golden();
    assert!(corpus.len() >= 150, "only {} tools", corpus.len());
    for g in &corpus {
        assert!(
            Category::parse(&g.category).is_some(),
            "line {}: {}",
            g.line,
            g.category
        );
        assert!(
            Risk::parse(&g.risk).is_some(),
            "line {}: {}",
            g.line,
            g.risk
        );
        assert!(!g.source.is_empty(), "line {}: no source", g.line);
    }
    let mut keys: Vec<String> = corpus.iter().map(|g| g.key()).collect();
    keys.sort();
    let before = keys.len();
    keys.dedup();
    assert_eq!(before, keys.len(), "an entry is listed twice");
}

#[test]
fn agreement_with_published_ratings() {
    let corpus = common::golden();
    let documented = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/DISAGREEMENTS.md"
    ))
    .expect("DISAGREEMENTS.md");
    let (mut same_category, mut same_risk) = (0usize, 0usize);
    let mut undocumented = Vec::new();
    for g in &corpus {
        let c = classify(&g.definition);
        let category_ok = c.category.as_str() == g.category;
        let risk_ok = c.risk.as_str() == g.risk;
        same_category += usize::from(category_ok);
        same_risk += usize::from(risk_ok);
        if !category_ok || !risk_ok {
            let line = format!(
                "{}: published {}/{}, classified {}/{} — {}",
                g.key(),
                g.category,
                g.risk,
                c.category,
                c.risk,
                c.rationale
            );
            println!("disagreement: {line}");
            if !documented.contains(&format!("`{}`", g.key())) {
                undocumented.push(line);
            }
        }
    }
    let n = corpus.len() as f64;
    let (cat_rate, risk_rate) = (same_category as f64 / n, same_risk as f64 / n);
    println!(
        "golden corpus: {} tools; category agreement {:.1}% ({same_category}), risk agreement {:.1}% ({same_risk})",
        corpus.len(),
        cat_rate * 100.0,
        risk_rate * 100.0
    );
    assert!(
        cat_rate >= MIN_CATEGORY_AGREEMENT,
        "category agreement {:.1}% is below 95%",
        cat_rate * 100.0
    );
    assert!(
        undocumented.is_empty(),
        "explain these in tests/golden/DISAGREEMENTS.md:\n{}",
        undocumented.join("\n")
    );
}

fn seed(name: &str) -> toolgate_catalog::Classification {
    let g = common::golden()
        .into_iter()
        .find(|g| g.name() == name)
        .unwrap_or_else(|| panic!("{name} is not in the corpus"));
    classify(&g.definition)
}

/// Published: Other, low risk (an auth/session operation, no business data).
#[test]
fn seed_refresh_access_token() {
    let c = seed("refresh_access_token");
    assert_eq!(
        (c.category, c.risk),
        (Category::Other, Risk::Low),
        "{}",
        c.rationale
    );
}

/// Published: Write/Medium; "Handles credentials or secrets (requestBody.token); High
/// parameter count (20 properties)".
#[test]
fn seed_exchange_refresh_token() {
    let c = seed("exchangeRefreshTokenForJWTWithId");
    assert_eq!(
        (c.category, c.risk),
        (Category::Write, Risk::Medium),
        "{}",
        c.rationale
    );
    let texts: Vec<&str> = c.flags.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Handles credentials or secrets (requestBody.token)",
            "High parameter count (20 properties)"
        ]
    );
    let cred = c
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::Credentials)
        .unwrap();
    assert_eq!(cred.path, "requestBody.token");
}

/// Published: Write/Medium; "Handles credentials or secrets
/// (requestBody.refreshTokens[].token); High parameter count (20 properties)".
#[test]
fn seed_import_refresh_tokens() {
    let c = seed("importRefreshTokensWithId");
    assert_eq!(
        (c.category, c.risk),
        (Category::Write, Risk::Medium),
        "{}",
        c.rationale
    );
    let texts: Vec<&str> = c.flags.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Handles credentials or secrets (requestBody.refreshTokens[].token)",
            "High parameter count (20 properties)"
        ]
    );
}
