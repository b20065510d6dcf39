//! The server → agent direction: settle calls on their real outcome, filter `tools/list`,
//! fail everything when the server dies.

use bytes::Bytes;
use serde_json::Value;
use toolgate_audit::CallOutcome;
use toolgate_mcp::wire::best_effort_id;
use toolgate_mcp::{Frame, Id, Incoming, Kind, Message, Outcome, filter_tools_list, parse_bytes};
use toolgate_state::Settlement;

use super::call::tool_label;
use super::refusal::Refused;
use super::{Answer, Interceptor, PendingCall, join_batch};
use crate::pins::Listed;
use crate::telemetry;

impl Interceptor {
    /// Handles one frame from the server; returns what goes to the agent.
    pub async fn from_server(&self, frame: Frame) -> Vec<Bytes> {
        let mut to_client = Vec::new();
        let bytes = match frame {
            Frame::TooLong { prefix } => {
                let id = best_effort_id(&prefix);
                tracing::error!(id = ?id, "the server sent a message over the size limit; answering with an error");
                if let Some(id) = &id {
                    self.server_answered(id, Answer::Ran).await;
                }
                to_client.push(Refused::ServerOversize.to_response(id.as_ref()));
                return to_client;
            }
            Frame::Message(bytes) => bytes,
        };
        let incoming = match parse_bytes(bytes.clone()) {
            Ok(i) => i,
            Err(e) => {
                // Forwarding what we can't read could leak a hidden tool in a list: refuse.
                let id = best_effort_id(&bytes);
                telemetry::refused_message("server");
                tracing::error!(id = ?id, error = %e.message(), "the server sent a malformed message; not forwarded");
                if let Some(id) = &id {
                    self.server_answered(id, Answer::Ran).await;
                    to_client.push(Refused::ServerMalformed(e.message()).to_response(Some(id)));
                }
                return to_client;
            }
        };
        match incoming {
            Incoming::Message(m) => {
                if let Some(b) = self.server_message(&m).await {
                    to_client.push(b);
                }
            }
            Incoming::Batch(messages) => {
                let total = messages.len();
                let mut out: Vec<Bytes> = Vec::with_capacity(total);
                for m in &messages {
                    if let Some(b) = self.server_message(m).await {
                        out.push(b);
                    }
                }
                let unchanged =
                    out.len() == total && out.iter().zip(&messages).all(|(o, m)| o == m.raw());
                if unchanged {
                    to_client.push(bytes);
                } else if !out.is_empty() {
                    to_client.push(join_batch(&out));
                }
            }
        }
        to_client
    }

    async fn server_message(&self, m: &Message) -> Option<Bytes> {
        let Kind::Response {
            id: Some(id),
            outcome,
        } = m.kind()
        else {
            return Some(m.raw().clone());
        };
        if self.state().expired.remove(id) {
            self.state().requests.remove(id);
            tracing::warn!(%id, "dropped the server's late answer to a call abandoned at its timeout");
            return None;
        }
        if !self.state().requests.contains(id) {
            // Nobody asked: an answer to an id the agent never sent could carry anything (a
            // hidden tool's definition in an unfiltered list), and no pipeline step judged it.
            telemetry::refused_message("server");
            tracing::warn!(%id, "dropped a server response to a request the agent never sent");
            return None;
        }
        let is_tool_error = m
            .result()
            .and_then(|r| r.get("isError"))
            .and_then(Value::as_bool)
            == Some(true);
        // 2026-07-28: the server needs input before it can run the tool; the client calls
        // again with it, and that call is judged and counted on its own.
        let needs_input = m
            .result()
            .and_then(|r| r.get("resultType"))
            .and_then(Value::as_str)
            == Some("input_required");
        let settlement = match outcome {
            // A JSON-RPC error means the server did not run the tool.
            Outcome::Error { .. } => Answer::NotRun,
            Outcome::Result if needs_input => Answer::NotRun,
            Outcome::Result if is_tool_error => Answer::ToolError,
            Outcome::Result => Answer::Ran,
        };
        if self.server_answered(id, settlement).await {
            return Some(m.raw().clone());
        }
        let (is_list, is_init) = {
            let mut st = self.state();
            let is_list = st.lists.remove(id);
            let is_init = st.initialize.as_ref() == Some(id);
            if is_init {
                st.initialize = None;
                st.protocol_version = m
                    .result()
                    .and_then(|r| r.get("protocolVersion"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
            (is_list, is_init)
        };
        if is_init || !is_list || !matches!(outcome, Outcome::Result) {
            return Some(m.raw().clone());
        }
        let policy = self.policy.current();
        let drift = policy.policy().drift;
        let pins = self.pins.clone();
        let groups = self.caller_groups(&policy);
        let keep = |name: &str, def: &Value| {
            policy.lists_for(name, &self.session.identity, &groups)
                && pins
                    .as_ref()
                    .is_none_or(|p| matches!(p.on_listed(def, drift), Listed::Keep))
        };
        match filter_tools_list(m.value(), keep) {
            Ok(None) => Some(m.raw().clone()),
            Ok(Some(filtered)) => Some(filtered),
            Err(e) => {
                tracing::error!(error = %e.message(), "could not filter a tools/list response; not forwarded");
                Some(Refused::ListUncheckable(e.message()).to_response(Some(id)))
            }
        }
    }

    /// Settles the call answered by `id`, if it is one of ours. True when it was a tool call.
    async fn server_answered(&self, id: &Id, answer: Answer) -> bool {
        let pending = {
            let mut st = self.state();
            st.requests.remove(id);
            st.calls.remove(id)
        };
        match pending {
            Some(p) => {
                let how = match answer {
                    Answer::Ran => Settlement::Commit,
                    Answer::ToolError if p.refund_on_error => Settlement::Refund,
                    Answer::ToolError => Settlement::Commit,
                    Answer::NotRun => Settlement::Refund,
                };
                let label = match answer {
                    Answer::Ran => "ok",
                    Answer::ToolError => "is_error",
                    Answer::NotRun => "error",
                };
                let policy = self.policy.current();
                telemetry::upstream(
                    tool_label(&policy, &p.tool),
                    label,
                    p.forwarded_at.elapsed(),
                );
                if let Some(a) = &self.audit {
                    let outcome = match answer {
                        Answer::Ran => CallOutcome::Ok,
                        Answer::ToolError => CallOutcome::IsError,
                        Answer::NotRun => CallOutcome::Error,
                    };
                    a.outcome(
                        &id.to_string(),
                        &p.tool,
                        outcome,
                        Some(p.forwarded_at.elapsed()),
                        None,
                    );
                }
                self.settle(p.reservation, how).await;
                true
            }
            None => false,
        }
    }

    /// The server is gone: every call still waiting gets an error and its counters back.
    pub async fn fail_in_flight(&self, why: &str) -> Vec<Bytes> {
        let pending: Vec<(Id, PendingCall)> = self.state().calls.drain().collect();
        let mut errors = Vec::with_capacity(pending.len());
        for (id, p) in pending {
            tracing::warn!(tool = %p.tool, %id, "call failed: {why}");
            if let Some(a) = &self.audit {
                a.outcome(
                    &id.to_string(),
                    &p.tool,
                    CallOutcome::TransportError,
                    Some(p.forwarded_at.elapsed()),
                    Some(why.to_owned()),
                );
            }
            self.settle(p.reservation, Settlement::Refund).await;
            errors.push(Refused::CallFailed(why.to_owned()).to_response(Some(&id)));
        }
        errors
    }
}
