//! Properties: the loader and the evaluator never panic, whatever they are fed, and `fmt`
//! output loads back to the same policy and prints identically (a fixed point).

use std::num::NonZeroU64;

use proptest::prelude::*;
use serde_json::Value;
use toolgate_policy::fmt::to_native_yaml;
use toolgate_policy::model::{
    Action, Amount, CalendarUnit, Condition, DefaultAction, Limit, LimitStyle, Op, Policy, Rule,
    Scope, ToolEntry, Window,
};
use toolgate_policy::path::ArgPath;
use toolgate_policy::{CallContext, CompiledPolicy, load};

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
            let d = p.decide(&CallContext { tool: &tool, args: &args, identity: "i", session: "s" });
            let again = p.decide(&CallContext { tool: &tool, args: &args, identity: "i", session: "s" });
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
    ];
    (arb_path(), op_value).prop_map(|(path, (op, value))| {
        let regex = match (&op, &value) {
            (Op::Regex, Some(Value::String(p))) => Some(regex::Regex::new(p).unwrap()),
            _ => None,
        };
        Condition {
            path,
            op,
            value,
            regex,
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
    )
        .prop_map(
            |(name, action, when, reason, limits, refund_on_error)| Rule {
                name,
                action,
                when,
                reason,
                limits,
                refund_on_error,
                pos: Default::default(),
            },
        )
}

fn arb_policy() -> impl Strategy<Value = Policy> {
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
