//! Properties: the loader and the evaluator never panic, whatever they are fed, and `fmt`
//! output loads back to the same policy and prints identically (a fixed point).

use std::num::NonZeroU64;
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::Value;
use toolgate_policy::fmt::{to_native_yaml, to_native_yaml_with_comments};
use toolgate_policy::fspath::PathPrefix;
use toolgate_policy::glob::Glob;
use toolgate_policy::hosts::HostPattern;
use toolgate_policy::identity::{GrantRules, name_problem};
use toolgate_policy::model::{
    Action, Amount, Approval, ApprovalVia, CalendarUnit, Condition, DefaultAction, Limit,
    LimitStyle, Matcher, Op, Policy, Remember, Rule, Scope, ToolEntry, Window,
};
use toolgate_policy::path::ArgPath;
use toolgate_policy::{
    AuthSettings, CallContext, CompiledPolicy, Grant, Grantee, Identity, JwksSource, JwtAlgorithm,
    JwtSettings, KeyHash, Verdict, load,
};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,3}|amount|path|status", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn example_policies() -> Vec<CompiledPolicy> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            CompiledPolicy::new(load(&text, &p.to_string_lossy()).unwrap().policy)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decide_never_panics_on_any_arguments(
        args in arb_json(),
        tool in prop_oneof![
            Just("create_refund".to_owned()),
            Just("read_file".to_owned()),
            Just("create_charge".to_owned()),
            Just("update_order".to_owned()),
            "\\PC{0,10}",
        ],
    ) {
        for p in example_policies() {
            let d = p.decide(&CallContext { tool: &tool, args: &args, identity: "i", session: "s", groups: &[] });
            let again = p.decide(&CallContext { tool: &tool, args: &args, identity: "i", session: "s", groups: &[] });
            prop_assert_eq!(d, again);
        }
    }

    #[test]
    fn loader_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = load(&text, "fuzz.yaml");
    }

    #[test]
    fn loader_never_panics_on_policy_shaped_text(
        tokens in prop::collection::vec(prop_oneof![
            Just("tools:\n"), Just("  t:\n"), Just("    rules:\n"), Just("      - "),
            Just("action: allow\n"), Just("action: evaluate\n"), Just("rate_limit: 5/hour\n"),
            Just("when: [{path: args.a, op: gt, value: 1}]\n"), Just("        "),
            Just("spend: {from: args.x, max: 3, window: day}\n"), Just("{"), Just("}"),
            Just("["), Just("]"), Just(": "), Just("- "), Just("\"*\""), Just("&a "), Just("*a"),
            Just("default: deny\n"), Just("hide: [x]\n"), Just("state: {counter: c, window: day}\n"),
        ], 0..40)
    ) {
        let _ = load(&tokens.concat(), "fuzz.yaml");
    }

    #[test]
    fn fmt_then_load_is_a_fixed_point(policy in arb_policy()) {
        let text = to_native_yaml(&policy);
        let loaded = match load(&text, "gen.yaml") {
            Ok(l) => l,
            Err(e) => {
                let lines: Vec<String> = e.0.iter().map(|d| d.render("gen.yaml")).collect();
                return Err(TestCaseError::fail(format!("{text}\n{lines:#?}")));
            }
        };
        prop_assert_eq!(&loaded.policy, &policy, "{}", text);
        prop_assert_eq!(to_native_yaml(&loaded.policy), text);
    }

    /// `policy fmt` keeps comments (issue 24): comment lines put anywhere between the lines
    /// of a canonical policy, and trailing comments on any line, all come back (each text
    /// exactly once), and printing the result again changes nothing.
    #[test]
    fn fmt_keeps_every_comment_and_is_a_fixed_point(
        policy in arb_policy(),
        inserts in proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..8),
    ) {
        let text = to_native_yaml(&policy);
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut expected = Vec::new();
        for (n, (at, trailing)) in inserts.iter().enumerate() {
            let i = at.index(lines.len());
            let note = format!("# note {n} #x");
            if *trailing && !lines[i].contains('#') {
                lines[i] = format!("{} {note}", lines[i]);
            } else {
                let indent = lines[i].len() - lines[i].trim_start().len();
                lines.insert(i, format!("{}{note}", " ".repeat(indent)));
            }
            expected.push(note);
        }
        let source = lines.join("\n") + "\n";
        let loaded = load(&source, "gen.yaml").map_err(|e| TestCaseError::fail(format!("{source}\n{e:?}")))?;
        let printed = to_native_yaml_with_comments(&loaded.policy, &source).unwrap();
        for note in &expected {
            prop_assert_eq!(printed.matches(note.as_str()).count(), 1, "{}\n--- source ---\n{}\n--- printed ---\n{}", note, source, printed);
        }
        let again = load(&printed, "gen.yaml").map_err(|e| TestCaseError::fail(format!("{printed}\n{e:?}")))?;
        prop_assert_eq!(&again.policy, &loaded.policy);
        prop_assert_eq!(to_native_yaml_with_comments(&again.policy, &printed).unwrap(), printed.clone());
        // Without the comments it is the canonical text.
        let bare: String = printed
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| l.find("  # note").map_or(l, |i| &l[..i]).to_owned() + "\n")
            .collect();
        prop_assert_eq!(bare, text);
    }

    /// The grant gate: whatever the rules say, a call is only let through (allowed or held
    /// for approval) when a grant that applies to the caller opens the tool, and `tools/list`
    /// never shows a tool that isn't opened so.
    #[test]
    fn grants_never_let_through_a_tool_no_applicable_grant_opens(
        policy in arb_gated_policy(),
        identity in prop_oneof![Just("alice"), Just("bob"), Just("")],
        groups in prop::sample::subsequence(vec!["ops", "dev"], 0..=2),
        tool in prop_oneof![Just("t"), Just("u"), Just("get_x"), Just("other")],
        args in arb_json(),
    ) {
        let groups: Vec<Arc<str>> = groups.into_iter().map(Arc::from).collect();
        let opened = !identity.is_empty()
            && policy.grants.iter().flatten().any(|g| {
                let applies = g.to.iter().any(|t| match t {
                    Grantee::Anyone => true,
                    Grantee::Identity(n) => n == identity,
                    Grantee::Group(n) => groups.iter().any(|c| **c == **n),
                });
                applies && g.tools.iter().any(|t| Glob::new(t).matches(tool))
            });
        let compiled = CompiledPolicy::new(policy);
        let d = compiled.decide(&CallContext { tool, args: &args, identity, session: "s", groups: &groups });
        if matches!(d.verdict, Verdict::Allow | Verdict::Approve { .. }) {
            prop_assert!(opened, "{tool} let through for {identity} {groups:?}: {d:?}");
        }
        if compiled.lists_for(tool, identity, &groups) {
            prop_assert!(opened, "{tool} listed for {identity} {groups:?}");
        }
        prop_assert!(!compiled.lists(tool), "no grant applies without an identity");
    }
}

fn arb_path() -> impl Strategy<Value = ArgPath> {
    prop_oneof![
        Just("args.amount"),
        Just("args.a.b[0]"),
        Just(r#"args["x.y"]"#),
        Just(r#"args["q\"uote"][2]"#),
        Just("args.requestBody.refreshTokens[0].token"),
    ]
    .prop_map(|p| ArgPath::parse(p).unwrap())
}

/// Condition paths may also name every element of a list (amounts may not).
fn arb_cond_path() -> impl Strategy<Value = ArgPath> {
    prop_oneof![
        4 => arb_path(),
        1 => prop_oneof![Just("args.items[*].sku"), Just("args.a[*].b[*]")]
            .prop_map(|p| ArgPath::parse(p).unwrap()),
    ]
}

fn arb_condition() -> impl Strategy<Value = Condition> {
    let number = prop_oneof![
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
    ];
    let op_value = prop_oneof![
        (
            prop_oneof![Just(Op::Eq), Just(Op::Neq), Just(Op::Contains)],
            arb_json()
        )
            .prop_map(|(o, v)| (o, Some(v))),
        (
            prop_oneof![Just(Op::In), Just(Op::NotIn)],
            prop::collection::vec(arb_json(), 0..4)
        )
            .prop_map(|(o, v)| (o, Some(Value::Array(v)))),
        (
            prop_oneof![Just(Op::Lt), Just(Op::Lte), Just(Op::Gt), Just(Op::Gte)],
            number
        )
            .prop_map(|(o, v)| (o, Some(v))),
        prop_oneof![
            Just("^/srv/"),
            Just("a|b"),
            Just(r"\d+\.\d*"),
            Just("[\"']")
        ]
        .prop_map(|r| (Op::Regex, Some(Value::from(r)))),
        prop_oneof![
            Just(None),
            Just(Some(Value::Bool(false))),
            Just(Some(Value::Bool(true)))
        ]
        .prop_map(|v| (Op::Exists, v)),
        (
            prop_oneof![Just(Op::PathUnder), Just(Op::PathNotUnder)],
            prop_oneof![
                Just(Value::from("/srv/shop")),
                Just(serde_json::json!(["/srv/shop/", "/tmp/up loads"]))
            ]
        )
            .prop_map(|(o, v)| (o, Some(v))),
        (
            prop_oneof![Just(Op::HostIn), Just(Op::HostNotIn)],
            prop_oneof![
                Just(Value::from("example.com")),
                Just(serde_json::json!([
                    "https://api.example.com",
                    "10.0.0.0/8",
                    "::1"
                ]))
            ]
        )
            .prop_map(|(o, v)| (o, Some(v))),
    ];
    (arb_cond_path(), op_value).prop_map(|(path, (op, value))| {
        let regex = match (&op, &value) {
            (Op::Regex, Some(Value::String(p))) => Some(regex::Regex::new(p).unwrap()),
            _ => None,
        };
        let strings = || -> Vec<String> {
            match &value {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let matcher = match op {
            Op::PathUnder | Op::PathNotUnder => Some(Matcher::Paths(
                strings()
                    .iter()
                    .map(|s| PathPrefix::parse(s).unwrap())
                    .collect(),
            )),
            Op::HostIn | Op::HostNotIn => Some(Matcher::Hosts(
                strings()
                    .iter()
                    .map(|s| HostPattern::parse(s).unwrap())
                    .collect(),
            )),
            _ => None,
        };
        Condition {
            path,
            op,
            value,
            regex,
            matcher,
            pos: Default::default(),
        }
    })
}

fn arb_window() -> impl Strategy<Value = Window> {
    prop_oneof![
        Just(Window::Calendar(CalendarUnit::Minute)),
        Just(Window::Calendar(CalendarUnit::Hour)),
        Just(Window::Calendar(CalendarUnit::Day)),
        (1u64..100_000).prop_map(|s| Window::Rolling(NonZeroU64::new(s).unwrap())),
    ]
}

fn arb_scope() -> impl Strategy<Value = Scope> {
    prop::sample::select(Scope::ALL.to_vec())
}

fn arb_limits() -> impl Strategy<Value = Vec<Limit>> {
    let rate = (1u32..10_000, arb_window(), arb_scope()).prop_map(|(max, window, scope)| Limit {
        counter: None,
        amount: Amount::Fixed(1.0),
        max: f64::from(max),
        window,
        scope,
        style: LimitStyle::RateLimit,
    });
    let spend = (
        prop::option::of("[a-z_]{1,8}"),
        arb_path(),
        0.5f64..1e7,
        arb_window(),
        arb_scope(),
    )
        .prop_map(|(counter, from, max, window, scope)| Limit {
            counter,
            amount: Amount::FromArg(from),
            max,
            window,
            scope,
            style: LimitStyle::Spend,
        });
    let listed = (
        prop::option::of("\\PC{1,8}"),
        prop_oneof![
            Just(Amount::Fixed(1.0)),
            (0.0f64..50.0).prop_map(Amount::Fixed),
            arb_path().prop_map(Amount::FromArg)
        ],
        1u32..1000,
        arb_window(),
        arb_scope(),
    )
        .prop_map(|(counter, amount, max, window, scope)| Limit {
            counter,
            amount,
            max: f64::from(max),
            window,
            scope,
            style: LimitStyle::List,
        });
    (
        prop::option::of(rate),
        prop::option::of(spend),
        prop::collection::vec(listed, 0..3),
    )
        .prop_map(|(r, s, mut l)| {
            let mut out: Vec<Limit> = r.into_iter().chain(s).collect();
            out.append(&mut l);
            out
        })
}

fn arb_rule() -> impl Strategy<Value = Rule> {
    (
        prop::option::of("\\PC{1,12}"),
        prop::sample::select(vec![
            Action::Allow,
            Action::Deny,
            Action::Approve,
            Action::Evaluate,
        ]),
        prop::collection::vec(arb_condition(), 0..3),
        prop::option::of("\\PC{0,30}"),
        arb_limits(),
        any::<bool>(),
        arb_approval(),
    )
        .prop_map(
            |(name, action, when, reason, limits, refund_on_error, approval)| Rule {
                name,
                action,
                when,
                reason,
                limits,
                refund_on_error,
                // Approval settings are only valid on approve rules.
                approval: if action == Action::Approve {
                    approval
                } else {
                    Approval::default()
                },
                pos: Default::default(),
            },
        )
}

fn arb_approval() -> impl Strategy<Value = Approval> {
    (
        prop::collection::vec("(group:)?[a-z][a-z0-9_-]{0,8}", 0..3),
        prop::option::of(1u64..86_400),
        prop::option::of(prop_oneof![
            Just(Remember::Session),
            (1u64..100_000).prop_map(Remember::For)
        ]),
        any::<bool>(),
    )
        .prop_map(|(approvers, timeout, remember, in_session)| Approval {
            // In-session approval can't check who answers: only without approvers.
            via: if in_session && approvers.is_empty() {
                ApprovalVia::Session
            } else {
                ApprovalVia::Queue
            },
            approvers,
            timeout,
            remember,
        })
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    (
        arb_base_policy(),
        arb_identities(),
        arb_auth(),
        arb_grants(),
        prop::collection::btree_set("(group:)?[a-z][a-z0-9_-]{0,8}", 0..3),
    )
        .prop_map(|(mut p, identities, auth, grants, approvers)| {
            p.identities = identities;
            p.auth = auth;
            p.grants = grants;
            p.approvers = approvers.into_iter().collect();
            p
        })
}

/// Grants over a small alphabet of callers and tools, so they often apply and match.
fn arb_gated_policy() -> impl Strategy<Value = Policy> {
    let tool =
        || prop_oneof![Just("t"), Just("u"), Just("get*"), Just("*")].prop_map(str::to_owned);
    let grantee = prop::sample::select(vec![
        Grantee::Anyone,
        Grantee::Identity("alice".into()),
        Grantee::Identity("bob".into()),
        Grantee::Group("ops".into()),
        Grantee::Group("dev".into()),
    ]);
    let grant = (
        prop::collection::vec(grantee, 1..3),
        prop::collection::btree_set(tool(), 0..3),
        prop::collection::btree_map(tool(), prop::collection::vec(arb_rule(), 0..3), 0..3),
    );
    let base_tools = prop::collection::btree_map(
        prop_oneof![Just("t"), Just("u"), Just("*"), Just("other")].prop_map(str::to_owned),
        prop::collection::vec(arb_rule(), 0..3),
        0..4,
    );
    (
        arb_base_policy(),
        prop::collection::vec(grant, 0..4),
        base_tools,
    )
        .prop_map(|(mut p, grants, tools)| {
            p.tools = tools
                .into_iter()
                .map(|(name, rules)| ToolEntry {
                    name,
                    rules,
                    pos: Default::default(),
                })
                .collect();
            p.grants = Some(
                grants
                    .into_iter()
                    .map(|(to, tools, rules)| Grant {
                        name: None,
                        to,
                        tools: tools.into_iter().collect(),
                        rules: rules
                            .into_iter()
                            .map(|(tool, rules)| GrantRules {
                                tool,
                                rules,
                                pos: Default::default(),
                            })
                            .collect(),
                        pos: Default::default(),
                    })
                    .collect(),
            );
            p
        })
}

/// Identity and group names the loader accepts, including ones `fmt` must quote.
fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z][a-z0-9_-]{0,8}", "\\PC{1,10}"].prop_filter("a usable name", |n| {
        name_problem(n).is_none() && !n.starts_with("group:") && !n.starts_with("jwt:") && n != "*"
    })
}

fn arb_identities() -> impl Strategy<Value = Vec<Identity>> {
    prop::collection::btree_map(
        arb_name(),
        (prop::collection::btree_set(arb_name(), 0..3), 0usize..3),
        0..4,
    )
    .prop_map(|ids| {
        ids.into_iter()
            .map(|(name, (groups, keys))| Identity {
                // Distinct names, so distinct keys: one key never names two identities.
                api_keys: (0..keys)
                    .map(|i| KeyHash::of_token(format!("{name}/{i}").as_bytes()))
                    .collect(),
                // Distinct names, so distinct subjects.
                jwt_subjects: (0..keys).map(|i| format!("{name}@idp/{i}")).collect(),
                name,
                groups: groups.into_iter().collect(),
                pos: Default::default(),
            })
            .collect()
    })
}

fn arb_auth() -> impl Strategy<Value = Option<AuthSettings>> {
    let text = || "\\PC{1,12}".prop_filter("not blank", |s| !s.trim().is_empty());
    let url = || {
        prop::sample::select(vec![
            "https://id.example.com/",
            "https://id.example.com/.well-known/jwks.json",
            "http://127.0.0.1:8080/jwks",
            "https://gw.example.com/mcp",
        ])
        .prop_map(str::to_owned)
    };
    let jwt = (
        prop_oneof![url(), text()],
        prop::collection::btree_set(text(), 1..3),
        prop_oneof![
            url().prop_map(JwksSource::Url),
            text().prop_map(JwksSource::File)
        ],
        prop_oneof![Just("sub".to_owned()), text()],
        prop_oneof![Just("groups".to_owned()), text()],
        0u64..=600,
        prop::sample::subsequence(JwtAlgorithm::ALL.to_vec(), 1..=9),
    )
        .prop_map(
            |(issuer, audience, jwks, identity_claim, groups_claim, leeway, algorithms)| {
                JwtSettings {
                    issuer,
                    audience: audience.into_iter().collect(),
                    jwks,
                    identity_claim,
                    groups_claim,
                    leeway,
                    algorithms,
                }
            },
        );
    (
        prop::option::of(jwt),
        prop::option::of(url()),
        prop::collection::btree_set(url(), 0..3),
    )
        .prop_map(|(jwt, resource, servers)| {
            let a = AuthSettings {
                jwt,
                resource,
                authorization_servers: servers.into_iter().collect(),
            };
            // An empty `auth` loads as none.
            (!a.is_empty()).then_some(a)
        })
}

fn arb_grants() -> impl Strategy<Value = Option<Vec<Grant>>> {
    let grantee = prop_oneof![
        Just(Grantee::Anyone),
        arb_name().prop_map(Grantee::Identity),
        arb_name().prop_map(Grantee::Group),
    ];
    let grant = (
        prop::option::of(arb_name().prop_filter("no slash", |n| !n.contains('/'))),
        prop::collection::vec(grantee, 1..4),
        prop::collection::btree_set(prop_oneof![Just("*".to_owned()), "\\PC{1,12}"], 0..3),
        prop::collection::btree_map(
            prop_oneof![Just("*".to_owned()), "\\PC{1,12}"],
            prop::collection::vec(arb_rule(), 0..3),
            0..3,
        ),
    );
    prop::option::of(prop::collection::vec(grant, 0..3)).prop_map(|grants| {
        grants.map(|gs| {
            gs.into_iter()
                .enumerate()
                .map(|(i, (name, mut to, tools, rules))| {
                    // A grantee listed twice is only a warning, but keep the model canonical.
                    let mut seen = Vec::new();
                    to.retain(|t| {
                        let new = !seen.contains(t);
                        seen.push(t.clone());
                        new
                    });
                    Grant {
                        // Grant names must be unique: suffix the position.
                        name: name.map(|n| format!("{n}#{i}")),
                        to,
                        tools: tools.into_iter().collect(),
                        rules: rules
                            .into_iter()
                            .map(|(tool, rules)| GrantRules {
                                tool,
                                rules: unique_rule_names(rules),
                                pos: Default::default(),
                            })
                            .collect(),
                        pos: Default::default(),
                    }
                })
                .collect()
        })
    })
}

fn unique_rule_names(rules: Vec<Rule>) -> Vec<Rule> {
    rules
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.name = r.name.map(|n| format!("{n}#{i}"));
            r
        })
        .collect()
}

fn arb_base_policy() -> impl Strategy<Value = Policy> {
    (
        prop::option::of("\\PC{0,40}"),
        any::<bool>(),
        prop::collection::btree_set("[A-Za-z_][A-Za-z0-9_.-]{0,8}\\*?", 0..3),
        prop::collection::btree_map(
            prop_oneof![Just("*".to_owned()), "\\PC{1,16}"],
            prop::collection::vec(arb_rule(), 0..4),
            0..4,
        ),
    )
        .prop_map(|(description, allow, hide, tools)| Policy {
            version: "1".into(),
            description,
            default: if allow {
                DefaultAction::Allow
            } else {
                DefaultAction::Deny
            },
            hide: hide.into_iter().collect(),
            drift: toolgate_policy::model::Drift::Block,
            identities: Vec::new(),
            auth: None,
            grants: None,
            approvers: Vec::new(),
            tools: tools
                .into_iter()
                .map(|(name, rules)| ToolEntry {
                    name,
                    // Rule names must be unique within an entry: suffix the position.
                    rules: rules
                        .into_iter()
                        .enumerate()
                        .map(|(i, mut r)| {
                            r.name = r.name.map(|n| format!("{n}#{i}"));
                            r
                        })
                        .collect(),
                    pos: Default::default(),
                })
                .collect(),
        })
}
