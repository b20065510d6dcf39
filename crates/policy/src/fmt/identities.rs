//! Printing `identities`, `auth` and `grants` in the native form.
//!
//! Same canonical rules as the rest of `fmt`: block lists (a flow list would misread a plain
//! scalar holding `, `), defaults left out, and output that loads back to the same model.

use std::fmt::Write;

use crate::fmt::{scalar, write_rule};
use crate::identity::{
    AuthSettings, DEFAULT_GROUPS_CLAIM, DEFAULT_IDENTITY_CLAIM, DEFAULT_LEEWAY, Grant, Identity,
    JwksSource, JwtAlgorithm,
};

pub(super) fn write_identities(out: &mut String, ids: &[Identity]) {
    if ids.is_empty() {
        return;
    }
    out.push_str("identities:\n");
    for id in ids {
        let _ = writeln!(out, "  {}:", scalar(&id.name));
        write_list(out, 4, "groups", id.groups.iter().map(|g| scalar(g)));
        // `sha256:` + hex always reads back as a plain string.
        write_list(
            out,
            4,
            "api_keys",
            id.api_keys.iter().map(|k| k.to_string()),
        );
        write_list(
            out,
            4,
            "jwt_subjects",
            id.jwt_subjects.iter().map(|s| scalar(s)),
        );
    }
}

pub(super) fn write_auth(out: &mut String, auth: &AuthSettings) {
    out.push_str("auth:\n");
    if let Some(jwt) = &auth.jwt {
        out.push_str("  jwt:\n");
        let _ = writeln!(out, "    issuer: {}", scalar(&jwt.issuer));
        match jwt.audience.as_slice() {
            [one] => {
                let _ = writeln!(out, "    audience: {}", scalar(one));
            }
            many => write_list(out, 4, "audience", many.iter().map(|a| scalar(a))),
        }
        let _ = match &jwt.jwks {
            JwksSource::Url(u) => writeln!(out, "    jwks_url: {}", scalar(u)),
            JwksSource::File(f) => writeln!(out, "    jwks_file: {}", scalar(f)),
        };
        if jwt.identity_claim != DEFAULT_IDENTITY_CLAIM {
            let _ = writeln!(out, "    identity_claim: {}", scalar(&jwt.identity_claim));
        }
        if jwt.groups_claim != DEFAULT_GROUPS_CLAIM {
            let _ = writeln!(out, "    groups_claim: {}", scalar(&jwt.groups_claim));
        }
        if jwt.leeway != DEFAULT_LEEWAY {
            let _ = writeln!(out, "    leeway: {}", jwt.leeway);
        }
        if jwt.algorithms != JwtAlgorithm::DEFAULT {
            write_list(
                out,
                4,
                "algorithms",
                jwt.algorithms.iter().map(|a| a.as_str().to_owned()),
            );
        }
    }
    if let Some(r) = &auth.resource {
        let _ = writeln!(out, "  resource: {}", scalar(r));
    }
    write_list(
        out,
        2,
        "authorization_servers",
        auth.authorization_servers.iter().map(|s| scalar(s)),
    );
}

pub(super) fn write_grants(out: &mut String, grants: &[Grant]) {
    if grants.is_empty() {
        out.push_str("grants: []\n");
        return;
    }
    out.push_str("grants:\n");
    for g in grants {
        // Every line of the body is indented 4; the first becomes the list item `  - `.
        let mut body = String::new();
        if let Some(n) = &g.name {
            let _ = writeln!(body, "    name: {}", scalar(n));
        }
        write_list(
            &mut body,
            4,
            "to",
            g.to.iter().map(|t| scalar(&t.to_string())),
        );
        write_list(&mut body, 4, "tools", g.tools.iter().map(|t| scalar(t)));
        if !g.rules.is_empty() {
            body.push_str("    rules:\n");
            for gr in &g.rules {
                let _ = writeln!(body, "      {}:", scalar(&gr.tool));
                for r in &gr.rules {
                    write_rule(&mut body, r, 8);
                }
            }
        }
        out.push_str("  - ");
        out.push_str(body.get(4..).unwrap_or("{}\n"));
    }
}

/// `key:` and one `- item` line per item, or nothing when there are none.
fn write_list(out: &mut String, indent: usize, key: &str, items: impl Iterator<Item = String>) {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return;
    }
    let _ = writeln!(out, "{:indent$}{key}:", "");
    for item in items {
        let _ = writeln!(out, "{:indent$}  - {item}", "");
    }
}
