//! Resumable response streams (streamable HTTP's `Last-Event-ID`).
//!
//! Every event on a POST's SSE response carries an id `<stream>-<seq>`. A `GET` with
//! `Last-Event-ID` takes that stream over: events after that id are replayed, then the
//! stream continues on the new connection. The takeover works whether or not the server has
//! noticed the old connection is gone: a client that reconnects has given up on it, and the
//! server only learns of a dropped connection when a later write fails, which may be long
//! after the reconnect (or never, for a stream that waits on a slow tool).
//!
//! When the agent's connection drops before all its answers arrived, the stream is *parked*:
//! a keeper task goes on collecting what the server sends for it (so the session never
//! stalls on a reader who left) and remembers the recent events. A parked stream nobody
//! resumes is given up after [`PARK_FOR`]; answers still owed then go to the session's
//! standalone stream like any other message.
//!
//! A stream that ended normally may still have lost its last events: a write to a connection
//! the agent already lost succeeds until the peer's reset comes back (or, on a real network,
//! until TCP gives up). So the tail of what finished streams sent is kept for a short while
//! ([`FinishedStreams`]: a few streams, [`FINISHED_BYTES`] and [`FINISHED_FOR`] at most) and
//! a `Last-Event-ID` naming one replays it and ends.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::Stream;
use tokio::sync::{mpsc, oneshot};
use toolgate_mcp::Id;
use toolgate_pipeline::intercept::refusal::Refused;

use super::session::{Envelope, HttpSession, envelope};
use super::sse;

/// How long a stream whose agent went away is kept for a reconnect.
pub const PARK_FOR: Duration = Duration::from_secs(120);
/// How long a reconnect waits for the stream it names to hand itself over.
const TAKEOVER_WAIT: Duration = Duration::from_secs(10);
/// Events remembered per stream for replay.
const REMEMBER: usize = 256;
/// How long the events of a finished stream are kept for a late reconnect.
pub const FINISHED_FOR: Duration = Duration::from_secs(30);
/// Bytes of finished streams' events a session keeps (the newest first: the answer is last).
pub const FINISHED_BYTES: usize = 64 * 1024;
/// Finished streams a session keeps.
const FINISHED_KEEP: usize = 4;

type TakeoverRequests = mpsc::Receiver<oneshot::Sender<Parked>>;

/// One POST's response stream.
pub struct ResponseStream {
    session: Arc<HttpSession>,
    no: u64,
    seq: u64,
    /// `None` once the stream was handed over to a reconnect.
    rx: Option<mpsc::Receiver<Bytes>>,
    takeover: TakeoverRequests,
    pending: HashSet<Id>,
    sent: VecDeque<(u64, Bytes)>,
}

/// What a stream hands to the `GET` that takes it over.
pub struct Parked {
    no: u64,
    seq: u64,
    rx: mpsc::Receiver<Bytes>,
    takeover: TakeoverRequests,
    pending: HashSet<Id>,
    sent: VecDeque<(u64, Bytes)>,
}

/// What a stream waits for next.
enum Next<T> {
    Message(Option<Bytes>),
    Takeover(oneshot::Sender<T>),
}

impl ResponseStream {
    pub fn new(session: Arc<HttpSession>, rx: mpsc::Receiver<Bytes>, pending: HashSet<Id>) -> Self {
        let no = session.next_stream_no();
        let (takeover_tx, takeover) = mpsc::channel(1);
        session.register_stream(no, takeover_tx);
        ResponseStream {
            session,
            no,
            seq: 0,
            rx: Some(rx),
            takeover,
            pending,
            sent: VecDeque::new(),
        }
    }

    /// A stream taken over by a reconnect; it stays registered under its number.
    fn resumed(session: Arc<HttpSession>, parked: Parked) -> Self {
        ResponseStream {
            session,
            no: parked.no,
            seq: parked.seq,
            rx: Some(parked.rx),
            takeover: parked.takeover,
            pending: parked.pending,
            sent: parked.sent,
        }
    }

    /// Gives the stream's state away; the stream ends and its `Drop` leaves it alone.
    fn hand_over(&mut self, rx: mpsc::Receiver<Bytes>) -> Parked {
        let (_, placeholder) = mpsc::channel(1);
        Parked {
            no: self.no,
            seq: self.seq,
            rx,
            takeover: std::mem::replace(&mut self.takeover, placeholder),
            pending: std::mem::take(&mut self.pending),
            sent: std::mem::take(&mut self.sent),
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
            let message = loop {
                if s.pending.is_empty() {
                    return None;
                }
                let rx = s.rx.as_mut()?;
                let next = tokio::select! {
                    m = rx.recv() => Next::Message(m),
                    Some(reply) = s.takeover.recv() => Next::Takeover(reply),
                };
                match next {
                    Next::Message(m) => break m,
                    Next::Takeover(reply) => {
                        // A reconnect took the stream: end this response, hand over the rest.
                        let rx = s.rx.take()?;
                        match reply.send(s.hand_over(rx)) {
                            Ok(()) => return None,
                            // The reconnect gave up waiting: carry on as before.
                            Err(parked) => s.take_back(parked),
                        }
                    }
                }
            };
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
                        .map(|id| Refused::CallFailed(why.clone()).to_response(Some(&id)))
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

impl ResponseStream {
    fn take_back(&mut self, parked: Parked) {
        self.rx = Some(parked.rx);
        self.takeover = parked.takeover;
        self.pending = parked.pending;
        self.sent = parked.sent;
    }
}

impl Drop for ResponseStream {
    fn drop(&mut self) {
        // Handed over: the stream lives on under the same number elsewhere.
        let Some(rx) = self.rx.take() else { return };
        if self.pending.is_empty() {
            self.session
                .stream_finished(self.no, std::mem::take(&mut self.sent));
            return;
        }
        // The agent went away before its answers: keep them for a reconnect.
        let parked = self.hand_over(rx);
        tokio::spawn(keep(Arc::downgrade(&self.session), parked));
    }
}

fn remember(sent: &mut VecDeque<(u64, Bytes)>, seq: u64, message: Bytes) {
    if sent.len() == REMEMBER {
        sent.pop_front();
    }
    sent.push_back((seq, message));
}

/// Keeps a parked stream: collects its messages until a `GET` takes it over or it expires.
async fn keep(session: std::sync::Weak<HttpSession>, mut parked: Parked) {
    let deadline = tokio::time::sleep(PARK_FOR);
    tokio::pin!(deadline);
    loop {
        let next = tokio::select! {
            m = parked.rx.recv() => Next::Message(m),
            reply = parked.takeover.recv() => match reply {
                Some(reply) => Next::Takeover(reply),
                None => break,
            },
            () = &mut deadline => break,
        };
        match next {
            Next::Message(Some(m)) => {
                if let Envelope::Answer(done) = envelope(&m) {
                    for id in &done {
                        parked.pending.remove(id);
                    }
                }
                parked.seq += 1;
                remember(&mut parked.sent, parked.seq, m);
            }
            Next::Message(None) => break,
            Next::Takeover(reply) => match reply.send(parked) {
                Ok(()) => return,
                // The reconnect gave up waiting: keep the stream parked.
                Err(back) => parked = back,
            },
        }
    }
    if let Some(session) = session.upgrade() {
        session.forget_stream(parked.no);
        let ids: Vec<Id> = parked.pending.into_iter().collect();
        session.stop_waiting(&ids);
    }
}

/// Takes over the stream a `Last-Event-ID` names, replaying what came after it (for a
/// finished stream: only that). `None` when the id names no stream this session can still
/// resume.
pub async fn resume(
    session: Arc<HttpSession>,
    last_event_id: &str,
) -> Option<futures::stream::BoxStream<'static, Bytes>> {
    let (no, seen) = last_event_id.split_once('-')?;
    let (no, seen): (u64, u64) = (no.parse().ok()?, seen.parse().ok()?);
    let Some(takeover) = session.takeover(no) else {
        let replay = session.finished_events_after(no, seen)?;
        let events = replay
            .into_iter()
            .map(move |(seq, m)| sse::message_event_with_id(&format!("{no}-{seq}"), m));
        return Some(Box::pin(futures::stream::iter(events)));
    };
    let (tx, rx) = oneshot::channel();
    // A stream whose writer is stuck on a full socket answers only once the write ends.
    let parked = tokio::time::timeout(TAKEOVER_WAIT, async {
        takeover.send(tx).await.ok()?;
        rx.await.ok()
    })
    .await
    .ok()??;
    let stream = ResponseStream::resumed(session, parked);
    let replay: Vec<Bytes> = stream
        .sent
        .iter()
        .filter(|(seq, _)| *seq > seen)
        .map(|(seq, m)| sse::message_event_with_id(&format!("{no}-{seq}"), m.clone()))
        .collect();
    Some(Box::pin(stream.stream(replay)))
}

/// The tails of a session's finished response streams (see the module docs).
#[derive(Default)]
pub struct FinishedStreams {
    streams: VecDeque<Finished>,
    bytes: usize,
}

struct Finished {
    no: u64,
    at: Instant,
    bytes: usize,
    events: VecDeque<(u64, Bytes)>,
}

impl FinishedStreams {
    /// Keeps what stream `no` sent, its newest events within the byte budget, evicting the
    /// oldest streams to make room.
    pub fn add(&mut self, no: u64, mut events: VecDeque<(u64, Bytes)>, now: Instant) {
        let mut bytes: usize = events.iter().map(|(_, m)| m.len()).sum();
        while bytes > FINISHED_BYTES {
            let Some((_, m)) = events.pop_front() else {
                break;
            };
            bytes -= m.len();
        }
        self.prune(now);
        if events.is_empty() {
            return;
        }
        while self.streams.len() >= FINISHED_KEEP || self.bytes + bytes > FINISHED_BYTES {
            let Some(old) = self.streams.pop_front() else {
                break;
            };
            self.bytes -= old.bytes;
        }
        self.bytes += bytes;
        self.streams.push_back(Finished {
            no,
            at: now,
            bytes,
            events,
        });
    }

    /// Forgets streams that finished more than [`FINISHED_FOR`] ago.
    pub fn prune(&mut self, now: Instant) {
        while let Some(old) = self
            .streams
            .front()
            .filter(|f| now.duration_since(f.at) > FINISHED_FOR)
        {
            self.bytes -= old.bytes;
            self.streams.pop_front();
        }
    }

    /// The events stream `no` sent after `seen`, if it is still kept.
    pub fn events_after(&mut self, no: u64, seen: u64, now: Instant) -> Option<Vec<(u64, Bytes)>> {
        self.prune(now);
        let finished = self.streams.iter().find(|f| f.no == no)?;
        Some(
            finished
                .events
                .iter()
                .filter(|(seq, _)| *seq > seen)
                .cloned()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::time::{Duration, Instant};

    use bytes::Bytes;

    use super::{FINISHED_BYTES, FINISHED_FOR, FinishedStreams};

    fn events(sizes: &[usize]) -> VecDeque<(u64, Bytes)> {
        (1..)
            .zip(sizes)
            .map(|(seq, &n)| (seq, Bytes::from(vec![b'x'; n])))
            .collect()
    }

    #[test]
    fn finished_streams_keep_the_newest_events_within_budget_and_time() {
        let t0 = Instant::now();
        let mut kept = FinishedStreams::default();
        // Over budget on its own: the oldest events go, the last (the answer) stays.
        kept.add(1, events(&[FINISHED_BYTES, 10, 20]), t0);
        let seqs =
            |v: Option<Vec<(u64, Bytes)>>| v.map(|v| v.iter().map(|e| e.0).collect::<Vec<_>>());
        assert_eq!(seqs(kept.events_after(1, 0, t0)), Some(vec![2, 3]));
        assert_eq!(seqs(kept.events_after(1, 2, t0)), Some(vec![3]));
        // A later stream that needs the room evicts the older one.
        kept.add(2, events(&[FINISHED_BYTES - 5]), t0);
        assert_eq!(seqs(kept.events_after(1, 0, t0)), None);
        assert_eq!(seqs(kept.events_after(2, 0, t0)), Some(vec![1]));
        // Past FINISHED_FOR, nothing is replayed.
        let later = t0 + FINISHED_FOR + Duration::from_secs(1);
        assert_eq!(seqs(kept.events_after(2, 0, later)), None);
        // A stream with nothing that fits is not kept at all.
        kept.add(3, events(&[FINISHED_BYTES + 1]), later);
        assert_eq!(seqs(kept.events_after(3, 0, later)), None);
    }
}
