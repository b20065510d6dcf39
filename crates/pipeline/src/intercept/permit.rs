//! Types that prove the pipeline let a message through, down to the upstream writer.
//!
//! The upstream writer ([`crate::intercept::UpstreamWriter`]) only takes an [`Outbound`], and
//! only the pipeline can build one: a tool call becomes one through a [`Permitted`], which
//! the decision step builds after the policy allowed the call and its counters were
//! reserved; every other message through [`Outbound::checked`], after the pipeline routed
//! it. Code that tried to send an unchecked call to a server would not compile (the pattern
//! of linkerd2-proxy's `Permitted<T>`).

use bytes::Bytes;
use tokio::sync::mpsc;
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
    fn into_wire(self) -> Bytes {
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

/// The way to a server: it takes only what the pipeline let through ([`Outbound`]), so no
/// transport can forward a message, a tool call above all, that skipped the policy.
/// Upstream implementations (`toolgate-upstream`) build one over the queue they read;
/// transports only ever receive one, and nothing turns it back into a raw queue.
#[derive(Debug, Clone)]
pub struct UpstreamWriter(mpsc::Sender<Bytes>);

/// The upstream session is over: nothing more can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpstreamClosed;

impl UpstreamWriter {
    /// A writer over a queue whose sender the caller gives up (whoever holds a raw sender
    /// can already write anything to its receiver; wrapping it only narrows that).
    pub fn new(queue: mpsc::Sender<Bytes>) -> UpstreamWriter {
        UpstreamWriter(queue)
    }

    /// A writer and what the upstream reads from it.
    pub fn channel(capacity: usize) -> (UpstreamWriter, mpsc::Receiver<Bytes>) {
        let (tx, rx) = mpsc::channel(capacity);
        (UpstreamWriter(tx), rx)
    }

    /// Sends one message, waiting while the queue is full.
    pub async fn send(&self, message: Outbound) -> Result<(), UpstreamClosed> {
        self.0
            .send(message.into_wire())
            .await
            .map_err(|_| UpstreamClosed)
    }

    /// Sends bytes no pipeline checked: for the upstream crate's own tests, which enable
    /// this feature as a dev-dependency only (never part of a `toolgate` build).
    #[cfg(feature = "test-raw-writes")]
    pub async fn send_raw(&self, message: Bytes) -> Result<(), UpstreamClosed> {
        self.0.send(message).await.map_err(|_| UpstreamClosed)
    }

    pub fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
}
