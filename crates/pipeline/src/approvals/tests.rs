//! The queue with an injected wall clock and tokio's paused clock: nothing here sleeps.

use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

use serde_json::json;
use toolgate_audit::{ApprovalStage, AuditLog, AuditOptions, RecordType, VerifyOptions};
use toolgate_clock::ManualClock;

use super::*;

fn queue() -> (ApprovalQueue, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000),
    ));
    (ApprovalQueue::new(clock.clone()), clock)
}

fn request() -> NewApproval {
    NewApproval {
        identity: "bob".into(),
        groups: vec![Arc::from("support")],
        session: "s1".into(),
        tool: "createRefund".into(),
        arguments: json!({"amount": 250, "api_key": "sk-live-secret", "order": "o-1"}),
        policy_version: "p1".into(),
        rule: "big refunds need a human".into(),
        reason: Some("refunds over 100".into()),
        approvers: vec!["alice".into(), "carol".into(), "group:sre".into()],
        remember: None,
        timeout: Duration::from_secs(300),
    }
}

fn person(name: &str, groups: &[&str]) -> Approver {
    Approver {
        identity: name.into(),
        groups: groups.iter().map(|g| Arc::from(*g)).collect(),
    }
}

fn alice() -> Approver {
    person("alice", &[])
}

fn denied_why(d: &Decision) -> Option<DeniedWhy> {
    match d {
        Decision::Denied { why, .. } => Some(*why),
        Decision::Approved { .. } => None,
    }
}

#[tokio::test]
async fn an_approval_releases_the_call_once_and_is_single_use() {
    let (q, _) = queue();
    let (id, rx) = q.submit(request());
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(q.pending_count(), 1);
    let d = q
        .answer(&id, &alice(), true, Some("  ticket 42  ".into()))
        .unwrap();
    assert_eq!(
        d,
        Decision::Approved {
            by: "alice".into(),
            comment: Some("ticket 42".into())
        }
    );
    assert_eq!(rx.await.unwrap(), d);
    assert_eq!(
        q.answer(&id, &alice(), true, None),
        Err(AnswerError::AlreadyDecided)
    );
    assert_eq!(
        q.answer("nope", &alice(), true, None),
        Err(AnswerError::NotFound)
    );
    assert_eq!(q.remembered(&request()), None, "no remember: single use");
    assert!(q.list().is_empty());
}

#[tokio::test]
async fn a_declined_request_is_denied_with_the_approver_and_comment() {
    let (q, _) = queue();
    let (id, rx) = q.submit(request());
    q.answer(&id, &alice(), false, Some("no".into())).unwrap();
    assert_eq!(
        rx.await.unwrap(),
        Decision::Denied {
            by: Some("alice".into()),
            why: DeniedWhy::Declined,
            comment: Some("no".into())
        }
    );
}

#[tokio::test]
async fn remember_session_covers_identical_calls_in_that_session_only() {
    let (q, _) = queue();
    let req = NewApproval {
        remember: Some(Remember::Session),
        ..request()
    };
    let (id, _rx) = q.submit(req.clone());
    assert_eq!(q.list()[0].remember.as_deref(), Some("session"));
    q.answer(&id, &alice(), true, None).unwrap();
    assert_eq!(q.remembered(&req).as_deref(), Some("alice"));
    // Key order doesn't matter: the binding is over canonical arguments.
    let reordered = NewApproval {
        arguments: serde_json::from_str(
            r#"{"order":"o-1","api_key":"sk-live-secret","amount":250}"#,
        )
        .unwrap(),
        ..req.clone()
    };
    assert_eq!(q.remembered(&reordered).as_deref(), Some("alice"));
    for other in [
        NewApproval {
            session: "s2".into(),
            ..req.clone()
        },
        NewApproval {
            arguments: json!({"amount": 251, "api_key": "sk-live-secret", "order": "o-1"}),
            ..req.clone()
        },
        NewApproval {
            policy_version: "p2".into(),
            ..req.clone()
        },
        NewApproval {
            identity: "carol".into(),
            ..req.clone()
        },
        NewApproval {
            tool: "deleteUser".into(),
            ..req.clone()
        },
    ] {
        assert_eq!(q.remembered(&other), None, "{other:?}");
    }
    q.forget_session("s1");
    assert_eq!(q.remembered(&req), None);
}

#[tokio::test]
async fn remember_for_a_duration_covers_other_sessions_until_it_lapses() {
    let (q, clock) = queue();
    let req = NewApproval {
        remember: Some(Remember::For(Duration::from_secs(600))),
        ..request()
    };
    let (id, _rx) = q.submit(req.clone());
    clock.advance(Duration::from_secs(100));
    q.answer(&id, &alice(), true, None).unwrap();
    let elsewhere = NewApproval {
        session: "s2".into(),
        ..req.clone()
    };
    clock.advance(Duration::from_secs(599));
    assert_eq!(q.remembered(&elsewhere).as_deref(), Some("alice"));
    clock.advance(Duration::from_secs(1));
    assert_eq!(q.remembered(&elsewhere), None, "600 s after the answer");
    assert_eq!(q.remembered(&req), None);
}

#[tokio::test]
async fn a_declined_request_with_remember_remembers_nothing() {
    let (q, _) = queue();
    let req = NewApproval {
        remember: Some(Remember::Session),
        ..request()
    };
    let (id, _rx) = q.submit(req.clone());
    q.answer(&id, &alice(), false, None).unwrap();
    assert_eq!(q.remembered(&req), None);
}

#[tokio::test]
async fn the_caller_cannot_approve_their_own_call() {
    let (q, _) = queue();
    let req = NewApproval {
        approvers: vec!["bob".into(), "alice".into()],
        ..request()
    };
    let (id, _rx) = q.submit(req);
    let bob = person("bob", &["support"]);
    assert_eq!(
        q.answer(&id, &bob, true, None),
        Err(AnswerError::SelfApproval)
    );
    assert_eq!(
        q.answer(&id, &bob, false, None),
        Err(AnswerError::SelfApproval)
    );
    assert_eq!(q.pending_count(), 1, "still waiting for someone else");
    assert!(q.answer(&id, &alice(), true, None).is_ok());
}

#[tokio::test]
async fn approvers_are_named_or_groups() {
    let (q, _) = queue();
    let req = NewApproval {
        approvers: vec!["alice".into(), "group:sre".into()],
        ..request()
    };
    let (a, _ra) = q.submit(req.clone());
    let (b, _rb) = q.submit(req.clone());
    let (c, _rc) = q.submit(req);
    let carol = person("carol", &["support"]);
    let err = q.answer(&a, &carol, true, None).unwrap_err();
    assert_eq!(
        err,
        AnswerError::NotAnApprover {
            allowed: vec!["alice".into(), "group:sre".into()]
        }
    );
    assert!(err.to_string().contains("alice, group:sre"), "{err}");
    // A person named like the group is not in it.
    assert!(q.answer(&a, &person("sre", &[]), true, None).is_err());
    assert!(
        q.answer(&a, &person("dave", &["ops", "sre"]), true, None)
            .is_ok()
    );
    assert!(q.answer(&b, &alice(), true, None).is_ok());
    assert!(q.answer(&c, &person("erin", &[]), false, None).is_err());
}

#[test]
fn two_racing_approvers_exactly_one_wins() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let _guard = rt.enter();
    for _ in 0..50 {
        let (q, _) = queue();
        let (id, mut rx) = q.submit(request());
        let barrier = Arc::new(Barrier::new(2));
        let threads: Vec<_> = ["alice", "carol"]
            .into_iter()
            .map(|name| {
                let (q, id, barrier) = (q.clone(), id.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    q.answer(&id, &person(name, &[]), true, None)
                })
            })
            .collect();
        let answers: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let won: Vec<_> = answers.iter().filter(|a| a.is_ok()).collect();
        assert_eq!(won.len(), 1, "{answers:?}");
        assert!(answers.contains(&Err(AnswerError::AlreadyDecided)));
        let d = rx.try_recv().unwrap();
        assert_eq!(&d, won[0].as_ref().unwrap());
    }
}

#[tokio::test(start_paused = true)]
async fn a_request_expires_at_its_timeout_without_anyone_polling() {
    let (q, _) = queue();
    let started = tokio::time::Instant::now();
    let (id, rx) = q.submit(request());
    let (_, rx_later) = q.submit(NewApproval {
        timeout: Duration::from_secs(600),
        ..request()
    });
    let d = rx.await.unwrap();
    assert_eq!(denied_why(&d), Some(DeniedWhy::Expired));
    assert_eq!(started.elapsed(), Duration::from_secs(300));
    assert_eq!(
        q.answer(&id, &alice(), true, None),
        Err(AnswerError::AlreadyDecided)
    );
    assert_eq!(q.pending_count(), 1);
    assert_eq!(
        denied_why(&rx_later.await.unwrap()),
        Some(DeniedWhy::Expired)
    );
    assert_eq!(started.elapsed(), Duration::from_secs(600));
}

#[tokio::test]
async fn the_wall_clock_passing_the_deadline_also_expires() {
    let (q, clock) = queue();
    let (id, rx) = q.submit(request());
    assert_eq!(q.list()[0].expires_in_s, 300);
    clock.advance(Duration::from_secs(250));
    assert_eq!(q.list()[0].expires_in_s, 50);
    clock.advance(Duration::from_secs(50));
    assert!(q.list().is_empty());
    assert_eq!(denied_why(&rx.await.unwrap()), Some(DeniedWhy::Expired));
    assert_eq!(
        q.answer(&id, &alice(), true, None),
        Err(AnswerError::AlreadyDecided)
    );
}

#[tokio::test]
async fn withdraw_denies_and_a_dropped_waiter_counts_as_withdrawn() {
    let (q, _) = queue();
    let (id, rx) = q.submit(request());
    q.withdraw(&id);
    assert_eq!(denied_why(&rx.await.unwrap()), Some(DeniedWhy::Withdrawn));
    assert_eq!(
        q.answer(&id, &alice(), true, None),
        Err(AnswerError::AlreadyDecided)
    );
    q.withdraw(&id); // twice is harmless
    let (gone, rx) = q.submit(request());
    drop(rx);
    assert!(q.list().is_empty(), "nobody waits for it");
    assert_eq!(
        q.answer(&gone, &alice(), true, None),
        Err(AnswerError::AlreadyDecided)
    );
}

#[tokio::test]
async fn invalidate_denies_what_the_new_policy_does_not_keep() {
    let (q, _) = queue();
    let (_, keep_rx) = q.submit(request());
    let (drop_id, drop_rx) = q.submit(NewApproval {
        rule: "old rule".into(),
        ..request()
    });
    q.invalidate(|v| v.rule != "old rule");
    assert_eq!(
        denied_why(&drop_rx.await.unwrap()),
        Some(DeniedWhy::PolicyChanged)
    );
    let left = q.list();
    assert_eq!(left.len(), 1);
    assert_ne!(left[0].id, drop_id);
    drop(keep_rx);
}

#[tokio::test]
async fn deny_all_at_shutdown_denies_everything_and_later_submissions() {
    let (q, _) = queue();
    let receivers: Vec<_> = (0..3).map(|_| q.submit(request()).1).collect();
    q.deny_all(DeniedWhy::Shutdown);
    for rx in receivers {
        assert_eq!(denied_why(&rx.await.unwrap()), Some(DeniedWhy::Shutdown));
    }
    let (_, late) = q.submit(request());
    assert_eq!(denied_why(&late.await.unwrap()), Some(DeniedWhy::Shutdown));
    assert_eq!(q.pending_count(), 0);
}

#[tokio::test]
async fn dropping_the_queue_denies_what_is_pending() {
    let (q, _) = queue();
    let (_, rx) = q.submit(request());
    drop(q);
    assert_eq!(denied_why(&rx.await.unwrap()), Some(DeniedWhy::Shutdown));
}

/// Holding an approver credential is not enough: a request naming nobody can't be answered
/// (another agent with an API key once approved a payment that way).
#[tokio::test]
async fn a_request_naming_no_approvers_can_be_answered_by_nobody() {
    let (q, _) = queue();
    let (id, _rx) = q.submit(NewApproval {
        approvers: vec![],
        ..request()
    });
    for who in [
        alice(),
        person("carol", &["sre"]),
        person("root", &["admins"]),
    ] {
        assert!(
            matches!(
                q.answer(&id, &who, true, None),
                Err(AnswerError::NotAnApprover { .. })
            ),
            "{who:?} answered"
        );
    }
    assert_eq!(q.pending_count(), 1);
}

/// Approvers see what will run: a value that merely looks like a secret is not hashed on
/// their screen (an attacker could hide `…; curl … | sh` that way).
#[tokio::test]
async fn the_list_is_oldest_first_with_arguments_in_full() {
    let (q, clock) = queue();
    let (first, _r1) = q.submit(request());
    clock.advance(Duration::from_secs(1));
    let (second, _r2) = q.submit(request());
    let list = q.list();
    assert_eq!(
        list.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
        [first.as_str(), second.as_str()]
    );
    let v = &list[0];
    assert_eq!(v.arguments, request().arguments);
    assert_eq!(v.args_digest, args_digest(&request().arguments));
    assert!(v.created_at.ends_with('Z') && v.expires_at > v.created_at);
    assert_eq!(v.rule, "big refunds need a human");
}

#[test]
fn the_digest_is_sha256_of_canonical_json() {
    // echo -n '{"a":1,"b":[true,null]}' | sha256sum
    assert_eq!(
        args_digest(&json!({"b": [true, null], "a": 1})),
        "1cc69c7fa23616ca2ec3ee70d24390a6225c8832db8a4c814c7e0e7f942f8668"
    );
}

#[tokio::test]
async fn subscribers_see_new_and_decided() {
    let (q, _) = queue();
    let mut events = q.subscribe();
    let (id, _rx) = q.submit(request());
    match events.recv().await.unwrap() {
        ApprovalEvent::New(v) => assert_eq!(v.id, id),
        other => panic!("{other:?}"),
    }
    q.answer(&id, &alice(), true, None).unwrap();
    let e = events.recv().await.unwrap();
    assert_eq!(e.name(), "decided");
    let json: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["outcome"], "approved");
    assert_eq!(json["by"], "alice");
    assert_eq!(json["tool"], "createRefund");
}

#[tokio::test(start_paused = true)]
async fn every_step_is_audited_and_the_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path, AuditOptions::default()).unwrap();
    let (q, _) = queue();
    let q = q.with_audit(log.clone());
    let (a, _ra) = q.submit(request());
    q.answer(&a, &alice(), true, Some("ticket 42".into()))
        .unwrap();
    let (b, _rb) = q.submit(request());
    q.answer(&b, &alice(), false, None).unwrap();
    let (c, _rc) = q.submit(request());
    q.withdraw(&c);
    let (_, rd) = q.submit(NewApproval {
        rule: "old".into(),
        ..request()
    });
    q.invalidate(|v| v.rule != "old");
    let (_, re) = q.submit(NewApproval {
        timeout: Duration::from_secs(5),
        ..request()
    });
    assert!(!re.await.unwrap().is_approved());
    let (_, _rf) = q.submit(request());
    q.deny_all(DeniedWhy::Shutdown);
    drop(rd);
    log.shutdown().await.unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("sk-live-secret"), "{text}");
    let records: Vec<toolgate_audit::Record> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let steps: Vec<ApprovalStage> = records
        .iter()
        .filter(|r| r.record_type == RecordType::Approval)
        .filter_map(|r| r.event)
        .collect();
    use ApprovalStage::*;
    assert_eq!(
        steps,
        [
            Requested,
            Approved,
            Requested,
            Denied,
            Requested,
            Withdrawn,
            Requested,
            Invalidated,
            Requested,
            Expired,
            Requested,
            Shutdown
        ]
    );
    let approved = &records[1];
    assert_eq!(approved.approval_id.as_deref(), Some(a.as_str()));
    assert_eq!(approved.approver.as_deref(), Some("alice"));
    assert_eq!(approved.comment.as_deref(), Some("ticket 42"));
    assert_eq!(approved.identity.as_deref(), Some("bob"));
    assert_eq!(approved.policy.as_deref(), Some("p1"));
    let requested = &records[0];
    assert_eq!(requested.args.as_ref().unwrap()["amount"], 250);
    assert_eq!(requested.rule.as_deref(), Some("big refunds need a human"));
    let report = toolgate_audit::verify(&[path], &VerifyOptions::default()).unwrap();
    assert!(report.is_ok(), "{:?}", report.problem);
}
