//! A type that proves the policy check ran.
//!
//! Forwarding a `tools/call` takes a [`Permitted`], and only the decision step in
//! [`crate::intercept`] can build one (its constructor is crate-private and called in exactly
//! one place, after the policy allowed the call and its counters were reserved). Code that
//! tried to forward an unchecked call would not compile.

use bytes::Bytes;
use toolgate_mcp::Id;

/// The original bytes of a tool call that the policy allowed.
#[derive(Debug)]
pub struct Permitted {
    raw: Bytes,
    id: Id,
}

impl Permitted {
    pub(crate) fn after_decision(raw: Bytes, id: Id) -> Permitted {
        Permitted { raw, id }
    }

    /// The call's request id.
    pub fn id(&self) -> &Id {
        &self.id
    }

    pub fn into_bytes(self) -> Bytes {
        self.raw
    }
}
