//! Resumable response streams (streamable HTTP's `Last-Event-ID`).
//!
//! Every event on a POST's SSE response carries an id `<stream>-<seq>`. When the agent's
//! connection drops before all its answers arrived, the stream is *parked*: a keeper task
//! goes on collecting what the server sends for it (so the session never stalls on a reader
//! who left) and remembers the recent events. A `GET` with `Last-Event-ID` takes the parked
//! stream back: events after that id are replayed, then the stream continues where it was.
//! A parked stream nobody resumes is given up after [`PARK_FOR`]; answers still owed then
//! go to the session's standalone stream like any other message.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use tokio::sync::{mpsc, oneshot};
use toolgate_mcp::Id;
use toolgate_mcp::wire::{INTERNAL_ERROR, error_response};

use super::session::{Envelope, HttpSession, envelope};
use super::sse;

/// How long a stream whose agent went away is kept for a reconnect.
pub const PARK_FOR: Duration = Duration::from_secs(120);
/// Events remembered per stream for replay.
const REMEMBER: usize = 256;

/// One POST's response stream.
pub struct ResponseStream {
    session: Arc<HttpSession>,
    no: u64,
    seq: u64,
    rx: Option<mpsc::Receiver<Bytes>>,
    pending: HashSet<Id>,
    sent: VecDeque<(u64, Bytes)>,
}

/// What a parked stream hands to the `GET` that resumes it.
pub struct Parked {
    no: u64,
    seq: u64,
    rx: mpsc::Receiver<Bytes>,
    pending: HashSet<Id>,
    sent: VecDeque<(u64, Bytes)>,
}

impl ResponseStream {
    pub fn new(session: Arc<HttpSession>, rx: mpsc::Receiver<Bytes>, pending: HashSet<Id>) -> Self {
        let no = session.next_stream_no();
        ResponseStream {
            session,
            no,
            seq: 0,
            rx: Some(rx),
            pending,
            sent: VecDeque::new(),
        }
    }

    /// A parked stream taken back by a reconnect.
    fn resumed(session: Arc<HttpSession>, parked: Parked) -> Self {
        ResponseStream {
            session,
            no: parked.no,
            seq: parked.seq,
            rx: Some(parked.rx),
            pending: parked.pending,
            sent: parked.sent,
        }
    }

    fn numbered(&mut self, message: Bytes) -> Bytes {
        if let Envelope::Answer(done) = envelope(&message) {
            for id in &done {
                self.pending.remove(id);
            }
        }
        self.seq += 1;
        remember(&mut self.sent, self.seq, message.clone());
        sse::message_event_with_id(&format!("{}-{}", self.no, self.seq), message)
    }

    /// The SSE events: `first`, then whatever comes for the stream until its requests are
    /// all answered.
    pub fn events(mut self, first: Vec<Bytes>) -> impl Stream<Item = Bytes> + Send + 'static {
        let head: Vec<Bytes> = first.into_iter().map(|m| self.numbered(m)).collect();
        self.stream(head)
    }

    fn stream(self, head: Vec<Bytes>) -> impl Stream<Item = Bytes> + Send + 'static {
        let tail = futures::stream::unfold(self, |mut s| async move {
            if s.pending.is_empty() {
                return None;
            }
            let message = s.rx.as_mut()?.recv().await;
            match message {
                Some(m) => {
                    let event = s.numbered(m);
                    Some((event, s))
                }
                None => {
                    // The session closed under the stream: the answers can't come.
                    let why = s
                        .session
                        .ended()
                        .unwrap_or_else(|| "the session was closed".into());
                    let errors: Vec<Bytes> = s
                        .pending
                        .drain()
                        .map(|id| error_response(Some(&id), INTERNAL_ERROR, &why, None))
                        .collect();
                    let all: Vec<u8> = errors
                        .into_iter()
                        .flat_map(|e| s.numbered(e).to_vec())
                        .collect();
                    Some((Bytes::from(all), s))
                }
            }
        });
        futures::StreamExt::chain(futures::stream::iter(head), tail)
    }
}

impl Drop for ResponseStream {
    fn drop(&mut self) {
        let Some(rx) = self.rx.take() else { return };
        if self.pending.is_empty() {
            return;
        }
        // The agent went away before its answers: keep them for a reconnect.
        let parked = Parked {
            no: self.no,
            seq: self.seq,
            rx,
            pending: std::mem::take(&mut self.pending),
            sent: std::mem::take(&mut self.sent),
        };
        let (takeover_tx, takeover_rx) = mpsc::channel(1);
        self.session.park(self.no, takeover_tx);
        tokio::spawn(keep(Arc::downgrade(&self.session), parked, takeover_rx));
    }
}

fn remember(sent: &mut VecDeque<(u64, Bytes)>, seq: u64, message: Bytes) {
    if sent.len() == REMEMBER {
        sent.pop_front();
    }
    sent.push_back((seq, message));
}

/// Keeps a parked stream: collects its messages until a `GET` takes it over or it expires.
async fn keep(
    session: std::sync::Weak<HttpSession>,
    mut parked: Parked,
    mut takeover: mpsc::Receiver<oneshot::Sender<Parked>>,
) {
    let deadline = tokio::time::sleep(PARK_FOR);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            m = parked.rx.recv() => match m {
                Some(m) => {
                    if let Envelope::Answer(done) = envelope(&m) {
                        for id in &done {
                            parked.pending.remove(id);
                        }
                    }
                    parked.seq += 1;
                    remember(&mut parked.sent, parked.seq, m);
                }
                None => break,
            },
            reply = takeover.recv() => {
                if let Some(reply) = reply {
                    let _ = reply.send(parked);
                }
                return;
            }
            () = &mut deadline => break,
        }
    }
    if let Some(session) = session.upgrade() {
        session.unpark(parked.no);
        let ids: Vec<Id> = parked.pending.into_iter().collect();
        session.stop_waiting(&ids);
    }
}

/// Takes over the parked stream a `Last-Event-ID` names, replaying what came after it.
pub async fn resume(
    session: Arc<HttpSession>,
    last_event_id: &str,
) -> Option<impl Stream<Item = Bytes> + Send + 'static> {
    let (no, seen) = last_event_id.split_once('-')?;
    let (no, seen): (u64, u64) = (no.parse().ok()?, seen.parse().ok()?);
    let takeover = session.unpark(no)?;
    let (tx, rx) = oneshot::channel();
    takeover.send(tx).await.ok()?;
    let parked = rx.await.ok()?;
    let stream = ResponseStream::resumed(session, parked);
    let replay: Vec<Bytes> = stream
        .sent
        .iter()
        .filter(|(seq, _)| *seq > seen)
        .map(|(seq, m)| sse::message_event_with_id(&format!("{no}-{seq}"), m.clone()))
        .collect();
    Some(stream.stream(replay))
}
