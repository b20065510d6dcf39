//! An approval queue behind the real admin API on 127.0.0.1:0, for the CLI and browser tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use toolgate_admin::{AdminState, ApproverAuth};
use toolgate_pipeline::approvals::{ApprovalQueue, Approver, NewApproval, system_clock};
use toolgate_pipeline::policy_handle::PolicyHandle;

pub const ALICE: &str = "tg_cli_alice";

pub struct Gateway {
    pub queue: ApprovalQueue,
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn gateway() -> Gateway {
    let auth: ApproverAuth = Arc::new(|token: &str| {
        (token == ALICE).then(|| Approver {
            identity: "alice".into(),
            groups: vec![],
        })
    });
    let policy = toolgate_policy::load(
        "version: \"1\"\napprovers: [alice]\ntools:\n  \"*\": {rules: [{action: approve}]}\n",
        "t.yaml",
    )
    .expect("test policy loads");
    let policy = PolicyHandle::fixed(toolgate_policy::CompiledPolicy::new(policy.policy));
    let queue = ApprovalQueue::new(system_clock());
    let state = AdminState::for_approvals(policy, queue.clone(), auth);
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let (addr, task) = toolgate_admin::serve(loopback, state).await.unwrap();
    Gateway {
        queue,
        url: format!("http://{addr}"),
        task,
    }
}

pub fn request(identity: &str) -> NewApproval {
    NewApproval {
        identity: identity.into(),
        groups: vec![],
        session: "s1".into(),
        tool: "createRefund".into(),
        arguments: json!({"amount": 250, "token": "sk-live-hidden"}),
        policy_version: "p1".into(),
        rule: "big refunds need a human".into(),
        reason: Some("refunds over 100".into()),
        approvers: vec!["alice".into()],
        remember: None,
        timeout: Duration::from_secs(300),
    }
}
