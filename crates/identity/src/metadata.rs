//! OAuth 2.0 Protected Resource Metadata (RFC 9728) for the gateway's HTTP endpoint.
//!
//! MCP clients (authorization spec 2025-06-18 and later) find out which authorization server
//! to get a token from by reading this document: its URL comes in the `resource_metadata`
//! parameter of our 401 challenge, or from the well-known path derived from the endpoint URL.
//! The HTTP front serves [`protected_resource_metadata`] at [`metadata_path_for`].

use serde_json::{Value, json};

/// The well-known path prefix of RFC 9728 §3.
pub const WELL_KNOWN_PREFIX: &str = "/.well-known/oauth-protected-resource";

/// The metadata document for `resource` (the endpoint URL agents connect to, which is also
/// the audience tokens must carry): `resource`, `authorization_servers`,
/// `bearer_methods_supported: ["header"]` (tokens in a query string or form body leak into
/// logs, so only the header is accepted), and `scopes_supported` when any are given.
pub fn protected_resource_metadata(
    resource: &str,
    authorization_servers: &[String],
    scopes: &[String],
) -> Value {
    let mut doc = json!({
        "resource": resource,
        "authorization_servers": authorization_servers,
        "bearer_methods_supported": ["header"],
    });
    if !scopes.is_empty()
        && let Some(map) = doc.as_object_mut()
    {
        map.insert("scopes_supported".to_owned(), json!(scopes));
    }
    doc
}

/// The path at which the metadata for `resource` is served (RFC 9728 §3.1): the well-known
/// prefix inserted between the host and the resource's path, with a trailing slash of the
/// path dropped. `https://gw.example/mcp` → `/.well-known/oauth-protected-resource/mcp`;
/// `https://gw.example/` → `/.well-known/oauth-protected-resource`. The query, if any, is kept
/// out: it is not part of the path and RFC 9728 discourages it in resource identifiers.
pub fn metadata_path_for(resource: &reqwest::Url) -> String {
    let path = resource.path().trim_end_matches('/');
    format!("{WELL_KNOWN_PREFIX}{path}")
}

/// The full metadata URL for `resource`: the value of `resource_metadata` in challenges.
pub fn metadata_url_for(resource: &reqwest::Url) -> reqwest::Url {
    let mut url = resource.clone();
    url.set_path(&metadata_path_for(resource));
    url.set_query(None);
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).expect("test URL")
    }

    #[test]
    fn document_has_the_rfc_9728_fields() {
        let doc = protected_resource_metadata(
            "https://gw.example/mcp",
            &["https://idp.example".to_owned()],
            &[],
        );
        assert_eq!(
            doc,
            json!({
                "resource": "https://gw.example/mcp",
                "authorization_servers": ["https://idp.example"],
                "bearer_methods_supported": ["header"],
            })
        );
        let doc = protected_resource_metadata(
            "https://gw.example/mcp",
            &["https://idp.example".to_owned()],
            &["mcp:tools".to_owned(), "mcp:read".to_owned()],
        );
        assert_eq!(doc["scopes_supported"], json!(["mcp:tools", "mcp:read"]));
    }

    #[test]
    fn well_known_path_goes_between_host_and_path() {
        assert_eq!(
            metadata_path_for(&url("https://gw.example/mcp")),
            "/.well-known/oauth-protected-resource/mcp"
        );
        assert_eq!(
            metadata_path_for(&url("https://gw.example/tenant/a/mcp/")),
            "/.well-known/oauth-protected-resource/tenant/a/mcp"
        );
        assert_eq!(
            metadata_path_for(&url("https://gw.example")),
            "/.well-known/oauth-protected-resource"
        );
        assert_eq!(
            metadata_path_for(&url("https://gw.example/")),
            "/.well-known/oauth-protected-resource"
        );
        assert_eq!(
            metadata_path_for(&url("http://127.0.0.1:8787/mcp?x=1")),
            "/.well-known/oauth-protected-resource/mcp"
        );
    }

    #[test]
    fn metadata_url_keeps_scheme_host_and_port() {
        assert_eq!(
            metadata_url_for(&url("http://127.0.0.1:8787/mcp?x=1#f")).as_str(),
            "http://127.0.0.1:8787/.well-known/oauth-protected-resource/mcp"
        );
    }
}
