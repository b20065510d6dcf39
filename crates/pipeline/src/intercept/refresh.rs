//! The gateway's own `tools/list`: sent when the agent's `initialize` handshake completes and
//! again whenever the server says its list changed, so every call is judged against the
//! server's current definition of the tool, whether or not the agent ever listed.
//!
//! The requests carry ids of our own (a random per-session nonce, so an agent can't answer
//! for them or collide with them) and their answers never reach the agent. Every page is
//! followed. While a listing is under way, the agent's `tools/call` and `tools/list` wait for
//! it (up to [`REFRESH_WAIT`]): a call that races a change is judged against the newest
//! definition, not the one before it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};
use toolgate_mcp::{Id, Message, Outcome, tools_list_page};

use super::{Interceptor, Outbound};

/// How long an agent's call or listing waits for the gateway's own listing to finish.
pub(super) const REFRESH_WAIT: Duration = Duration::from_secs(30);

impl Interceptor {
    /// One `tools/list` request of ours, registered so its answer is recognised.
    fn own_list_request(&self, cursor: Option<&str>) -> Outbound {
        let n = self.own_seq.fetch_add(1, Ordering::Relaxed);
        let id = Id::String(format!("toolgate-pins-{}-{n}", self.own_nonce));
        let params = match cursor {
            Some(c) => json!({"cursor": c}),
            None => json!({}),
        };
        let request = json!({"jsonrpc": "2.0", "id": id.to_value(), "method": "tools/list", "params": params});
        let mut st = self.state();
        // In `requests` too: an agent request reusing the id is refused as a duplicate.
        st.requests.insert(id.clone());
        st.own_lists.insert(id);
        Outbound::checked(Bytes::from(request.to_string()))
    }

    /// Starts a listing of our own, unless one is under way (then another follows it).
    /// `None`: nothing to send now (no pins, or a listing is running).
    pub(super) fn start_refresh(&self) -> Option<Outbound> {
        self.pins.as_ref()?;
        {
            let mut st = self.state();
            if *self.refreshing.borrow() {
                st.refresh_again = true;
                return None;
            }
            st.own_tools.clear();
            st.refresh_again = false;
        }
        self.refreshing.send_replace(true);
        Some(self.own_list_request(None))
    }

    /// The server said its tool list changed: list it again.
    pub(super) async fn list_changed(&self) {
        if let Some(request) = self.start_refresh()
            && !self.to_server(request).await
        {
            self.refresh_done(false);
        }
    }

    /// Waits while the gateway's own listing is under way. After [`REFRESH_WAIT`] the
    /// session's definitions count as unverified (calls to pinned tools are refused under
    /// `drift: block` until a listing succeeds).
    pub(super) async fn await_refresh(&self) {
        if !*self.refreshing.borrow() {
            return;
        }
        let mut rx = self.refreshing.subscribe();
        let waited = tokio::time::timeout(REFRESH_WAIT, rx.wait_for(|busy| !*busy)).await;
        if waited.is_err() {
            // Stop holding calls (each would wait again); a late answer is still used.
            tracing::warn!(session = %self.session.session_id, "the server has not answered the gateway's tools/list; calls are judged without its current definitions");
            self.refresh_done(false);
        }
    }

    pub(super) fn refresh_done(&self, ok: bool) {
        if !ok {
            self.state().pin_view.mark_unverified();
        }
        self.refreshing.send_replace(false);
    }

    /// Handles the server's answer to one of our own requests; false when `id` is not ours.
    pub(super) async fn own_list_answer(&self, id: &Id, m: &Message, outcome: &Outcome) -> bool {
        {
            let mut st = self.state();
            if !st.own_lists.remove(id) {
                return false;
            }
            st.requests.remove(id);
        }
        let page = match outcome {
            Outcome::Result => tools_list_page(m.value()).map_err(|e| e.message()),
            Outcome::Error { .. } => Err(format!(
                "the server answered with an error: {}",
                m.value().get("error").unwrap_or(&Value::Null)
            )),
        };
        let next = match page {
            Ok(page) => {
                let mut st = self.state();
                st.own_tools.extend(page.tools.iter().cloned());
                page.next_cursor.map(str::to_owned)
            }
            Err(why) => {
                tracing::warn!(session = %self.session.session_id, "the gateway's own tools/list failed: {}", why.escape_debug());
                self.refresh_done(false);
                return true;
            }
        };
        if let Some(cursor) = next {
            let request = self.own_list_request(Some(&cursor));
            if !self.to_server(request).await {
                self.refresh_done(false);
            }
            return true;
        }
        let again = {
            let mut st = self.state();
            let tools = std::mem::take(&mut st.own_tools);
            if let Some(pins) = &self.pins {
                let drift = self.policy.current().policy().drift;
                pins.on_server_listing(&mut st.pin_view, &tools, drift);
            }
            std::mem::take(&mut st.refresh_again)
        };
        if again {
            // The list changed while we listed: calls keep waiting for the listing after.
            let request = self.own_list_request(None);
            if !self.to_server(request).await {
                self.refresh_done(false);
            }
        } else {
            self.refresh_done(true);
        }
        true
    }
}
