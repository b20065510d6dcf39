//! Printing `identities`, `auth` and `grants` in the native form.
//!
//! Same canonical rules as the rest of `fmt`: block lists (a flow list would misread a plain
//! scalar holding `, `), defaults left out, and output that loads back to the same model.

use std::fmt::Write;

use crate::fmt::out::{Out, Seg};
use crate::fmt::{scalar, write_rule};
use crate::identity::{
    AuthSettings, DEFAULT_GROUPS_CLAIM, DEFAULT_IDENTITY_CLAIM, DEFAULT_LEEWAY, Grant, Identity,
    JwksSource, JwtAlgorithm,
};

pub(super) fn write_identities(out: &mut Out, ids: &[Identity]) {
    if ids.is_empty() {
        return;
    }
    out.tag(&[Seg::Key("identities")]);
    out.push_str("identities:\n");
    for id in ids {
        let at = [Seg::Key("identities"), Seg::Key(&id.name)];
        out.tag(&at);
        let _ = writeln!(out, "  {}:", scalar(&id.name));
        write_list(out, 4, &at, "groups", id.groups.iter().map(|g| scalar(g)));
        // `sha256:` + hex always reads back as a plain string.
        write_list(
            out,
            4,
            &at,
            "api_keys",
            id.api_keys.iter().map(|k| k.to_string()),
        );
        write_list(
            out,
            4,
            &at,
            "jwt_subjects",
            id.jwt_subjects.iter().map(|s| scalar(s)),
        );
    }
}

pub(super) fn write_auth(out: &mut Out, auth: &AuthSettings) {
    let at = [Seg::Key("auth")];
    let jwt_at = [Seg::Key("auth"), Seg::Key("jwt")];
    out.tag(&at);
    out.push_str("auth:\n");
    if let Some(jwt) = &auth.jwt {
        out.tag(&jwt_at);
        out.push_str("  jwt:\n");
        let field = |out: &mut Out, key: &'static str| out.tag_in(&jwt_at, &[Seg::Key(key)]);
        field(out, "issuer");
        let _ = writeln!(out, "    issuer: {}", scalar(&jwt.issuer));
        match jwt.audience.as_slice() {
            [one] => {
                field(out, "audience");
                let _ = writeln!(out, "    audience: {}", scalar(one));
            }
            many => write_list(out, 4, &jwt_at, "audience", many.iter().map(|a| scalar(a))),
        }
        let _ = match &jwt.jwks {
            JwksSource::Url(u) => {
                field(out, "jwks_url");
                writeln!(out, "    jwks_url: {}", scalar(u))
            }
            JwksSource::File(f) => {
                field(out, "jwks_file");
                writeln!(out, "    jwks_file: {}", scalar(f))
            }
        };
        if jwt.identity_claim != DEFAULT_IDENTITY_CLAIM {
            field(out, "identity_claim");
            let _ = writeln!(out, "    identity_claim: {}", scalar(&jwt.identity_claim));
        }
        if jwt.groups_claim != DEFAULT_GROUPS_CLAIM {
            field(out, "groups_claim");
            let _ = writeln!(out, "    groups_claim: {}", scalar(&jwt.groups_claim));
        }
        if jwt.leeway != DEFAULT_LEEWAY {
            field(out, "leeway");
            let _ = writeln!(out, "    leeway: {}", jwt.leeway);
        }
        if jwt.algorithms != JwtAlgorithm::DEFAULT {
            write_list(
                out,
                4,
                &jwt_at,
                "algorithms",
                jwt.algorithms.iter().map(|a| a.as_str().to_owned()),
            );
        }
    }
    if let Some(r) = &auth.resource {
        out.tag_in(&at, &[Seg::Key("resource")]);
        let _ = writeln!(out, "  resource: {}", scalar(r));
    }
    write_list(
        out,
        2,
        &at,
        "authorization_servers",
        auth.authorization_servers.iter().map(|s| scalar(s)),
    );
}

pub(super) fn write_grants(out: &mut Out, grants: &[Grant]) {
    out.tag(&[Seg::Key("grants")]);
    if grants.is_empty() {
        out.push_str("grants: []\n");
        return;
    }
    out.push_str("grants:\n");
    for (i, g) in grants.iter().enumerate() {
        let at = [Seg::Key("grants"), Seg::Item(i)];
        // Every line of the body is indented 4; the first becomes the list item `  - `.
        let mut body = out.child();
        body.tag(&at);
        if let Some(n) = &g.name {
            body.tag_in(&at, &[Seg::Key("name")]);
            let _ = writeln!(body, "    name: {}", scalar(n));
        }
        write_list(
            &mut body,
            4,
            &at,
            "to",
            g.to.iter().map(|t| scalar(&t.to_string())),
        );
        write_list(
            &mut body,
            4,
            &at,
            "tools",
            g.tools.iter().map(|t| scalar(t)),
        );
        if !g.rules.is_empty() {
            body.tag_in(&at, &[Seg::Key("rules")]);
            body.push_str("    rules:\n");
            for gr in &g.rules {
                let tool_at = [at[0], at[1], Seg::Key("rules"), Seg::Key(&gr.tool)];
                body.tag(&tool_at);
                let _ = writeln!(body, "      {}:", scalar(&gr.tool));
                for (j, r) in gr.rules.iter().enumerate() {
                    write_rule(&mut body, r, 8, &[&tool_at[..], &[Seg::Item(j)]].concat());
                }
            }
        }
        let text = format!("  - {}", body.text.get(4..).unwrap_or("{}\n"));
        out.append(body, &text);
    }
}

/// `key:` and one `- item` line per item, or nothing when there are none.
fn write_list(
    out: &mut Out,
    indent: usize,
    at: &[Seg<'_>],
    key: &str,
    items: impl Iterator<Item = String>,
) {
    let mut items = items.peekable();
    if items.peek().is_none() {
        return;
    }
    out.tag_in(at, &[Seg::Key(key)]);
    let _ = writeln!(out, "{:indent$}{key}:", "");
    for (i, item) in items.enumerate() {
        out.tag_in(at, &[Seg::Key(key), Seg::Item(i)]);
        let _ = writeln!(out, "{:indent$}  - {item}", "");
    }
}
