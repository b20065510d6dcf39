//! Types that prove the pipeline let a message through, down to the upstream writer.
//!
//! The upstream writer ([`crate::upstream::UpstreamWriter`]) only takes an [`Outbound`], and
//! only the pipeline can build one: a tool call becomes one through a [`Permitted`], which
//! the decision step builds after the policy allowed the call and its counters were
//! reserved; every other message through [`Outbound::checked`], after the pipeline routed
//! it. Code that tried to send an unchecked call to a server would not compile (the pattern
//! of linkerd2-proxy's `Permitted<T>`).

use bytes::Bytes;
use toolgate_mcp::Id;

/// The original bytes of a tool call that the policy allowed.
#[derive(Debug)]
pub struct Permitted {
    raw: Bytes,
    id: Id,
}

impl Permitted {
    pub(super) fn after_decision(raw: Bytes, id: Id) -> Permitted {
        Permitted { raw, id }
    }

    /// The call's request id.
    pub fn id(&self) -> &Id {
        &self.id
    }
}

/// A message for the server that the pipeline let through.
#[derive(Debug, Clone)]
pub struct Outbound {
    raw: Bytes,
}

impl Outbound {
    /// A message the pipeline routed that is not a tool call (or a batch it assembled from
    /// checked parts).
    pub(super) fn checked(raw: Bytes) -> Outbound {
        Outbound { raw }
    }

    /// The bytes to write, for the upstream writer.
    pub(crate) fn into_wire(self) -> Bytes {
        self.raw
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }
}

impl From<Permitted> for Outbound {
    fn from(p: Permitted) -> Outbound {
        Outbound { raw: p.raw }
    }
}
