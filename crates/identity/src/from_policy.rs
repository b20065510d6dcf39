//! The authenticator's settings as the policy (or its `--identities` file) states them:
//! API key digests with their identities and groups, the JWT issuer and its key set, and the
//! protected-resource URL. Rebuilt on every policy reload, so a key removed from the file
//! stops working with the next request.

use std::path::Path;
use std::sync::Arc;

use jsonwebtoken::Algorithm;
use toolgate_policy::{CompiledPolicy, JwksSource as PolicyJwksSource, JwtAlgorithm};

use super::{ApiKeyTable, AuthSettings, JwksSource, JwtSettings, metadata_url_for};

/// Settings from `policy`; relative `jwks_file` paths start at `policy_dir`.
pub fn settings_from_policy(
    policy: &CompiledPolicy,
    policy_dir: &Path,
) -> Result<AuthSettings, String> {
    let model = policy.policy();
    let api_keys = ApiKeyTable::new(model.identities.iter().flat_map(|identity| {
        let name: Arc<str> = Arc::from(identity.name.as_str());
        let groups: Vec<Arc<str>> = identity
            .groups
            .iter()
            .map(|g| Arc::from(g.as_str()))
            .collect();
        identity
            .api_keys
            .iter()
            .map(move |key| (name.clone(), groups.clone(), key.0))
    }));
    let auth = model.auth.as_ref();
    let jwt = match auth.and_then(|a| a.jwt.as_ref()) {
        None => None,
        Some(j) => {
            let jwks = match &j.jwks {
                PolicyJwksSource::Url(url) => JwksSource::Url(
                    reqwest::Url::parse(url).map_err(|e| format!("auth.jwt.jwks_url: {e}"))?,
                ),
                PolicyJwksSource::File(file) => JwksSource::File(policy_dir.join(file)),
            };
            let mut settings = JwtSettings::new(j.issuer.clone(), j.audience.clone(), jwks);
            settings.identity_claim = j.identity_claim.clone();
            settings.groups_claim = j.groups_claim.clone();
            settings.leeway = std::time::Duration::from_secs(j.leeway);
            settings.algorithms = j.algorithms.iter().map(|a| algorithm(*a)).collect();
            settings.subjects = model
                .identities
                .iter()
                .flat_map(|identity| {
                    let name: Arc<str> = Arc::from(identity.name.as_str());
                    identity
                        .jwt_subjects
                        .iter()
                        .map(move |s| (s.clone(), name.clone()))
                })
                .collect();
            let problems = settings.problems();
            if !problems.is_empty() {
                return Err(problems
                    .iter()
                    .map(|p| format!("auth.jwt: {p}"))
                    .collect::<Vec<_>>()
                    .join("; "));
            }
            Some(settings)
        }
    };
    let resource_metadata_url = match auth.and_then(|a| a.resource.as_deref()) {
        None => None,
        Some(resource) => {
            let url = reqwest::Url::parse(resource).map_err(|e| format!("auth.resource: {e}"))?;
            Some(metadata_url_for(&url).to_string())
        }
    };
    Ok(AuthSettings {
        api_keys,
        jwt,
        resource_metadata_url,
    })
}

fn algorithm(a: JwtAlgorithm) -> Algorithm {
    match a {
        JwtAlgorithm::RS256 => Algorithm::RS256,
        JwtAlgorithm::RS384 => Algorithm::RS384,
        JwtAlgorithm::RS512 => Algorithm::RS512,
        JwtAlgorithm::PS256 => Algorithm::PS256,
        JwtAlgorithm::PS384 => Algorithm::PS384,
        JwtAlgorithm::PS512 => Algorithm::PS512,
        JwtAlgorithm::ES256 => Algorithm::ES256,
        JwtAlgorithm::ES384 => Algorithm::ES384,
        JwtAlgorithm::EdDSA => Algorithm::EdDSA,
    }
}
