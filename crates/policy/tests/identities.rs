//! Loading `identities`, `auth` and `grants`: what is accepted, and every refusal with its
//! `LINE:COL` and hint. A mistake here weakens authentication, so each bad case is pinned.

use toolgate_policy::fmt::to_native_yaml;
use toolgate_policy::{Dialect, Grantee, JwksSource, JwtAlgorithm, KeyHash, load, load_identities};

const HASH: &str = "sha256:2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

/// Every error line of a policy that must not load.
fn errors(text: &str) -> Vec<String> {
    match load(text, "p.yaml") {
        Ok(l) => panic!("should not load; warnings: {:?}", l.warnings),
        Err(e) => {
            e.0.iter()
                .filter(|d| d.severity == toolgate_policy::Severity::Error)
                .map(|d| d.render("p.yaml"))
                .collect()
        }
    }
}

fn warnings(text: &str) -> Vec<String> {
    let loaded = load(text, "p.yaml").unwrap_or_else(|e| {
        panic!(
            "{:#?}",
            e.0.iter().map(|d| d.render("p.yaml")).collect::<Vec<_>>()
        )
    });
    loaded.warnings.iter().map(|d| d.render("p.yaml")).collect()
}

#[test]
fn the_documented_example_loads_with_its_defaults() {
    let text = format!(
        r#"
identities:
  alice:
    groups: [support]
    api_keys:
      - {HASH}
  ci-bot:
    api_keys: [{}]
auth:
  jwt:
    issuer: https://id.example.com/
    audience: toolgate
    jwks_file: ./jwks.json
  resource: https://gw.example.com/mcp
  authorization_servers: [https://id.example.com/]
grants:
  - name: support
    to: [alice, "group:support", "*"]
    tools: [createRefund, "get*"]
    rules:
      createRefund:
        - action: allow
          spend: {{counter: refunds, from: args.amount, max: 1000, window: day, scope: grant}}
"#,
        "sha256:a42d77158073cf85dd99caccd76cf4467d0e085a4e9814f93f45bba9604968ad"
    );
    let loaded = load(&text, "p.yaml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.dialect, Dialect::Native);
    let p = &loaded.policy;
    assert_eq!(p.identities.len(), 2);
    assert_eq!(p.identities[0].api_keys[0].to_string(), HASH);
    let jwt = p.auth.as_ref().unwrap().jwt.as_ref().unwrap();
    assert_eq!(jwt.jwks, JwksSource::File("./jwks.json".into()));
    assert_eq!(jwt.identity_claim, "sub");
    assert_eq!(jwt.groups_claim, "groups");
    assert_eq!(jwt.leeway, 60);
    assert_eq!(jwt.algorithms, JwtAlgorithm::DEFAULT);
    assert_eq!(jwt.audience, ["toolgate"]);
    let grants = p.grants.as_ref().unwrap();
    assert_eq!(
        grants[0].to,
        [
            Grantee::Identity("alice".into()),
            Grantee::Group("support".into()),
            Grantee::Anyone
        ]
    );
    // And it prints back to a file that loads to the same policy.
    let again = load(&to_native_yaml(p), "again.yaml").unwrap();
    assert_eq!(&again.policy, p);
}

#[test]
fn a_bad_key_hash_is_located_and_never_echoed() {
    let errs = errors("tools: {}\nidentities:\n  alice:\n    api_keys: [tg_live_s3cr3t]\n");
    assert_eq!(
        errs,
        [
            "p.yaml:4:16: error: this is not a SHA-256 hash of a key (the value is not shown in case it is the key itself); write `sha256:` + the hex SHA-256 of the key, e.g. from `printf %s \"$KEY\" | sha256sum`; never the key itself"
        ]
    );
    assert!(!errs[0].contains("s3cr3t"));
    let bare = &HASH["sha256:".len()..];
    assert_eq!(
        errors(&format!(
            "tools: {{}}\nidentities:\n  a:\n    api_keys:\n      - {bare}\n"
        )),
        [
            "p.yaml:5:9: error: an API key hash needs the `sha256:` prefix; write `sha256:` followed by the 64 hex digits"
        ]
    );
    let short = &HASH[..20];
    assert_eq!(
        errors(&format!(
            "tools: {{}}\nidentities:\n  a: {{api_keys: [{short}]}}\n"
        )),
        [
            "p.yaml:3:18: error: `sha256:` must be followed by exactly 64 hex digits, not 13; write `sha256:` + the hex SHA-256 of the key, e.g. from `printf %s \"$KEY\" | sha256sum`; never the key itself"
        ]
    );
}

#[test]
fn one_key_hash_on_two_identities_names_both() {
    let upper = HASH.replace("2bb80d", "2BB80D");
    let errs = errors(&format!(
        "tools: {{}}\nidentities:\n  alice:\n    api_keys: [{HASH}]\n  bob:\n    api_keys: [{upper}]\n"
    ));
    assert_eq!(
        errs,
        [
            "p.yaml:6:16: error: the same API key hash is given to `alice` and `bob`; it is already used at 4:16; one key must identify one caller, give each its own"
        ]
    );
}

/// JWT callers are `jwt:<subject>` unless an identity claims the subject (issue 16): the
/// mapping loads and round-trips, one subject names one identity, and a `jwt:` identity
/// can't be given a key (or subjects) to sign in as a JWT caller with.
#[test]
fn jwt_subjects_map_tokens_onto_named_identities_and_stay_apart_otherwise() {
    let text = format!(
        "tools: {{}}\nidentities:\n  alice:\n    api_keys: [{HASH}]\n    jwt_subjects: [00u-alice, \"alice@corp.test\"]\n  \"jwt:carol\": {{groups: [support]}}\n"
    );
    let loaded = load(&text, "p.yaml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let p = &loaded.policy;
    assert_eq!(
        p.identities[0].jwt_subjects,
        ["00u-alice", "alice@corp.test"]
    );
    assert_eq!(p.identities[1].name, "jwt:carol");
    let printed = to_native_yaml(p);
    assert!(printed.contains("jwt_subjects:"), "{printed}");
    assert_eq!(&load(&printed, "again.yaml").unwrap().policy, p);

    assert_eq!(
        errors(
            "tools: {}\nidentities:\n  alice: {jwt_subjects: [s1]}\n  bob: {jwt_subjects: [s1]}\n"
        ),
        [
            "p.yaml:4:24: error: JWT subject `s1` is given to `alice` and `bob`; it is already used at 3:26; one subject must identify one caller"
        ]
    );
    assert_eq!(
        errors(&format!(
            "tools: {{}}\nidentities:\n  \"jwt:alice\": {{api_keys: [{HASH}]}}\n"
        )),
        [
            "p.yaml:3:27: error: `jwt:alice` names a JWT caller (`jwt:` + its identity claim) and may not have api_keys; give it only `groups`; to let a token sign in as a named identity, list its subject under that identity's `jwt_subjects`"
        ]
    );
    let errs = errors(
        "tools: {}\nidentities:\n  \"jwt:x\": {jwt_subjects: [y]}\n  z: {jwt_subjects: [\" pad\"]}\n",
    );
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(errs[0].contains("may not have jwt_subjects"), "{errs:?}");
    assert!(
        errs[1].contains("a JWT subject starts or ends with whitespace"),
        "{errs:?}"
    );
}

#[test]
fn unknown_keys_are_refused_in_every_new_section() {
    let errs = errors(
        "tools: {}\nidentities:\n  a:\n    group: [x]\nauth:\n  jwt:\n    issuer: i\n    audience: a\n    jwks_url: https://x/\n    leway: 5\n  resorce: https://x/\ngrants:\n  - {to: [a], tool: [t]}\n",
    );
    assert_eq!(
        errs,
        [
            "p.yaml:4:5: error: unknown key `group` in an identity; did you mean `groups`?",
            "p.yaml:10:5: error: unknown key `leway` in auth.jwt; did you mean `leeway`?",
            "p.yaml:11:3: error: unknown key `resorce` in auth; did you mean `resource`?",
            "p.yaml:13:15: error: unknown key `tool` in a grant; did you mean `tools`?",
        ]
    );
    // Duplicate keys too, at any level.
    let errs = errors("tools: {}\nidentities:\n  a:\n  a:\n");
    assert_eq!(
        errs,
        [
            "p.yaml:4:3: error: duplicate key `a`; it is already defined at 3:3; merge the two entries"
        ]
    );
}

const JWT_HEAD: &str =
    "tools: {}\nauth:\n  jwt:\n    issuer: https://id.example.com/\n    audience: toolgate\n";

#[test]
fn jwks_url_and_jwks_file_are_exclusive_and_one_is_required() {
    let both = format!(
        "{JWT_HEAD}    jwks_url: https://id.example.com/jwks\n    jwks_file: ./jwks.json\n"
    );
    assert_eq!(
        errors(&both),
        [
            "p.yaml:7:16: error: give either `jwks_url` or `jwks_file`, not both; keep the one the keys really come from"
        ]
    );
    let neither = errors(JWT_HEAD);
    assert_eq!(neither.len(), 1);
    assert!(
        neither[0].starts_with("p.yaml:4:5: error: auth.jwt needs `jwks_url` or `jwks_file`"),
        "{neither:?}"
    );
}

#[test]
fn shared_secret_and_none_algorithms_are_refused() {
    let text = format!(
        "{JWT_HEAD}    jwks_file: k.json\n    algorithms: [RS256, HS256, none, es256, XX1]\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 4, "{errs:?}");
    assert!(errs[0].starts_with("p.yaml:7:25: error: `HS256` is a shared-secret algorithm; toolgate accepts only asymmetric ones"), "{errs:?}");
    assert!(
        errs[1].starts_with("p.yaml:7:32: error: `none` accepts unsigned tokens"),
        "{errs:?}"
    );
    assert_eq!(
        errs[2],
        "p.yaml:7:38: error: `es256` is not a JWT algorithm name; names are case-sensitive: write `ES256`"
    );
    assert!(errs[3].starts_with("p.yaml:7:45: error: `XX1` is not a supported JWT algorithm"));
}

#[test]
fn leeway_is_capped_at_ten_minutes() {
    let text = format!("{JWT_HEAD}    jwks_file: k.json\n    leeway: 601\n");
    assert_eq!(
        errors(&text),
        [
            "p.yaml:7:13: error: leeway of 601 seconds is more than the maximum of 600; leeway only absorbs clock skew; a larger one keeps expired tokens valid — fix the clocks (NTP) instead"
        ]
    );
    let ok = load(
        &format!("{JWT_HEAD}    jwks_file: k.json\n    leeway: 600\n"),
        "p.yaml",
    );
    assert!(ok.is_ok());
    let errs = errors(&format!(
        "{JWT_HEAD}    jwks_file: k.json\n    leeway: -1\n"
    ));
    assert!(
        errs[0].starts_with("p.yaml:7:13: error: leeway `-1` is not a whole number"),
        "{errs:?}"
    );
}

#[test]
fn group_prefixed_and_star_identity_names_are_refused() {
    let errs = errors(
        "tools: {}\nidentities:\n  \"group:admins\":\n  \"*\":\n  ok:\n    groups: [\"group:x\"]\n",
    );
    assert_eq!(
        errs,
        [
            "p.yaml:3:3: error: an identity name may not start with `group:`; in a grant's `to`, `group:NAME` means every member of group NAME; rename it",
            "p.yaml:4:3: error: an identity name may not be `*`; in a grant's `to`, `*` means every caller; rename it",
            "p.yaml:6:14: error: a group name may not start with `group:`; in a grant's `to`, `group:NAME` means every member of group NAME; rename it",
        ]
    );
}

#[test]
fn auth_needs_issuer_audience_and_absolute_urls() {
    let errs = errors(
        "tools: {}\nauth:\n  jwt: {jwks_file: k.json}\n  resource: gw.example.com/mcp\n  authorization_servers: [\"https://id/#frag\", \"\"]\n",
    );
    assert!(
        errs[0].starts_with("p.yaml:3:8: error: auth.jwt needs `issuer`"),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with("p.yaml:3:8: error: auth.jwt needs `audience`"),
        "{errs:?}"
    );
    assert!(
        errs[2].starts_with("p.yaml:4:13: error: resource `gw.example.com/mcp` is not an absolute http:// or https:// URL"),
        "{errs:?}"
    );
    assert!(
        errs[3].starts_with("p.yaml:5:47: error: an authorization server `` is not an absolute"),
        "{errs:?}"
    );
    assert_eq!(
        errs.len(),
        4,
        "a fragment is fine in an issuer URL: {errs:?}"
    );
    let errs = errors("tools: {}\nauth:\n  resource: \"https://gw/mcp#x\"\n");
    assert!(errs[0].contains("has a fragment"), "{errs:?}");
}

#[test]
fn grant_mistakes_are_located() {
    let errs = errors(
        "tools: {}\ngrants:\n  - {name: a, to: [\"group:\"], tools: [t]}\n  - {name: a, to: [x], tools: [t]}\n  - {tools: [t]}\n  - {name: \"a/b\", to: [x]}\n  - {to: [], tools: [t]}\n  - to: [x]\n    rules:\n      t:\n        - action: alow\n",
    );
    assert_eq!(
        errs,
        [
            "p.yaml:3:20: error: a group name is empty",
            "p.yaml:4:5: error: duplicate grant name `a`; it is already used at 3:5; grant names key their rules' counters",
            "p.yaml:5:5: error: a grant needs `to`; e.g. `to: [alice, \"group:support\"]`, or `to: [\"*\"]` for every caller",
            "p.yaml:6:12: error: a grant name contains `/`; grant names appear in rule labels and counter ids (`grant:NAME/TOOL`)",
            "p.yaml:7:10: error: a grant's `to` is empty, so it applies to nobody; name identities, `group:NAME`, or `\"*\"` for every caller; or remove the grant",
            "p.yaml:11:19: error: `alow` is not a valid action; did you mean `allow`? allowed: allow, deny, approve, evaluate",
        ]
    );
}

#[test]
fn grant_lints_warn_about_likely_mistakes() {
    let w = warnings(
        "default: allow\nhide: [x]\ntools: {}\nidentities:\n  alice:\ngrants:\n  - {to: [alcie], tools: [x]}\n  - {to: [alice]}\n",
    );
    assert_eq!(
        w,
        [
            "p.yaml:1:1: warning: `default: allow` lets every tool this file does not name through; prefer `default: deny` and list the tools agents need",
            "p.yaml:1:1: warning: `default: allow` has no effect with `grants`: a tool no grant opens is denied; remove `default`, or open the tools with a grant (`tools: [\"*\"]` opens every tool)",
            "p.yaml:7:5: warning: grant names `alcie`, who is not in `identities`; check the spelling; a name nobody has never matches",
            "p.yaml:7:5: warning: `x` is hidden, so this grant can't open it",
            "p.yaml:8:5: warning: this grant opens no tool and has no rules; list the tools it opens under `tools`",
        ]
    );
    let w = warnings("grants: []\n");
    assert_eq!(
        w,
        [
            "p.yaml:1:9: warning: `grants` is empty, so every call is denied; add a grant, or remove `grants` to let `tools` alone decide"
        ]
    );
}

#[test]
fn extension_sections_do_not_change_dialect_detection_of_policylayer() {
    let text = format!(
        "{{\"version\":\"1\",\"default\":\"deny\",\"tools\":{{\"t\":{{\"limits\":[{{\"counter\":\"c\",\"window\":\"minute\",\"max\":6}}]}}}},\"identities\":{{\"a\":{{\"api_keys\":[\"{HASH}\"]}}}},\"grants\":[{{\"to\":[\"a\"],\"tools\":[\"t\"]}}]}}"
    );
    let loaded = load(&text, "p.json").unwrap();
    assert_eq!(loaded.dialect, Dialect::PolicyLayer);
    // An Intercept-looking file with grants is toolgate's own format.
    let text = "tools:\n  t:\n    rules:\n      - conditions: [{path: args.a, op: eq, value: 1}]\ngrants:\n  - {to: [\"*\"], tools: [t]}\n";
    assert_eq!(load(text, "p.yaml").unwrap().dialect, Dialect::Native);
}

#[test]
fn an_identities_file_holds_only_identities_and_auth() {
    let ok = load_identities(
        &format!("identities:\n  a: {{api_keys: [{HASH}]}}\nauth:\n  resource: https://gw/mcp\n"),
        "ids.yaml",
    )
    .unwrap();
    assert_eq!(
        ok.file.identities[0].api_keys,
        [KeyHash::of_token(b"secret")]
    );
    assert!(ok.file.auth.is_some());
    let err = load_identities("identities: {}\ntools: {}\ngrant: []\n", "ids.yaml").unwrap_err();
    let lines: Vec<String> = err.0.iter().map(|d| d.render("ids.yaml")).collect();
    assert_eq!(
        lines,
        [
            "ids.yaml:2:1: error: `tools` belongs in the policy file, not in an identities file; an identities file holds only `identities` and `auth`",
            "ids.yaml:3:1: error: unknown key `grant` in an identities file; allowed keys: identities, auth",
        ]
    );
    assert!(load_identities("", "ids.yaml").is_err());
}
