//! In-memory backend: one mutex around plain maps.
//!
//! For tests, single-process gateways and `--state memory`. Counters vanish with the
//! process. Every operation is one critical section, which is what makes the multi-counter
//! reserve all-or-nothing; expired windows, rolling entries and unsettled reservations are
//! pruned lazily on access.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

use crate::accounting::{
    self, CounterReader, Prepared, calendar_bounds, calendar_end, from_micros, from_units, micros,
    rolling_micros, span,
};
use crate::error::StoreError;
use crate::store::StateStore;
use crate::types::{
    CounterRequest, CounterView, Reservation, ReservationId, ReserveOutcome, ReservedCounter,
    SettleOutcome, Settlement, StoreOptions, Window,
};
use toolgate_clock::Clock;

/// How often (in clock time) the whole map is swept for dead counters, in µs.
const PRUNE_EVERY: i64 = 1_000_000;

/// The in-memory [`StateStore`].
pub struct MemoryStore {
    clock: Arc<dyn Clock>,
    ttl: i64,
    store_id: u64,
    inner: Mutex<Inner>,
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("store_id", &format_args!("{:016x}", self.store_id))
            .finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct CounterId {
    key: String,
    window: Window,
}

/// Rolling-log entry key: (timestamp, reservation seq, index in the reservation), so a
/// refund removes exactly its own entries.
type LogKey = (i64, u64, u32);

struct Counter {
    /// Last max requested, for snapshots.
    max: i64,
    state: CounterState,
}

enum CounterState {
    Calendar {
        start: i64,
        used: i64,
    },
    Rolling {
        len: i64,
        log: BTreeMap<LogKey, i64>,
    },
}

impl Counter {
    fn new(window: Window, max: i64, now: i64) -> Self {
        let state = match window {
            Window::Calendar(unit) => CounterState::Calendar {
                start: calendar_bounds(unit, now).0,
                used: 0,
            },
            Window::Rolling(d) => CounterState::Rolling {
                len: rolling_micros(d),
                log: BTreeMap::new(),
            },
        };
        Self { max, state }
    }

    /// Drops what has left the window; false when nothing is left to keep.
    fn prune(&mut self, window: Window, now: i64) -> bool {
        match (&mut self.state, window) {
            (CounterState::Calendar { start, .. }, Window::Calendar(unit)) => {
                calendar_end(unit, *start) > now
            }
            (CounterState::Rolling { len, log }, _) => {
                let since = now - *len;
                log.retain(|&(ts, _, _), _| ts > since);
                !log.is_empty()
            }
            (CounterState::Calendar { .. }, Window::Rolling(_)) => false,
        }
    }
}

/// A reservation's claims: pending until its deadline (which `renew` moves later; the claims
/// themselves never move), then a tombstone (already refunded) kept until its windows
/// close, so that a late commit can still be counted.
struct Record {
    deadline: i64,
    entries: Vec<Entry>,
}

struct Entry {
    counter: CounterId,
    idx: u32,
    /// Calendar: start of the window charged. Rolling: timestamp of the entry.
    at: i64,
    units: i64,
    max: i64,
}

impl Entry {
    /// When this claim stops mattering (its window closed).
    fn dead_at(&self) -> i64 {
        match self.counter.window {
            Window::Calendar(unit) => calendar_end(unit, self.at),
            Window::Rolling(d) => self.at + rolling_micros(d),
        }
    }
}

#[derive(Default)]
struct Inner {
    counters: HashMap<CounterId, Counter>,
    pending: HashMap<u64, Record>,
    by_deadline: BTreeSet<(i64, u64)>,
    tombstones: HashMap<u64, Record>,
    next_seq: u64,
    last_prune: i64,
}

impl CounterReader for Inner {
    type Error = StoreError;

    fn used(&mut self, key: &str, window: Window, now: i64) -> Result<i64, StoreError> {
        let id = CounterId {
            key: key.to_owned(),
            window,
        };
        Ok(match (self.counters.get(&id), window) {
            (None, _) => 0,
            (Some(c), Window::Calendar(unit)) => match c.state {
                CounterState::Calendar { start, used } if start == calendar_bounds(unit, now).0 => {
                    used
                }
                _ => 0,
            },
            (Some(c), Window::Rolling(d)) => match &c.state {
                CounterState::Rolling { log, .. } => log
                    .range((now - rolling_micros(d) + 1, 0, 0)..)
                    .map(|(_, u)| u)
                    .sum(),
                CounterState::Calendar { .. } => 0,
            },
        })
    }

    fn rolling_entries(
        &mut self,
        key: &str,
        window: Window,
        since: i64,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let id = CounterId {
            key: key.to_owned(),
            window,
        };
        Ok(match self.counters.get(&id).map(|c| &c.state) {
            Some(CounterState::Rolling { log, .. }) => log
                .range((since + 1, 0, 0)..)
                .map(|(&(ts, _, _), &u)| (ts, u))
                .collect(),
            _ => Vec::new(),
        })
    }
}

impl Inner {
    /// Refunds reservations past their TTL and, at most once a second, drops dead counters.
    fn sweep(&mut self, now: i64) {
        while let Some(&(deadline, seq)) = self.by_deadline.first() {
            if deadline > now {
                break;
            }
            self.by_deadline.remove(&(deadline, seq));
            let Some(mut rec) = self.pending.remove(&seq) else {
                continue;
            };
            tracing::warn!(
                reservation = seq,
                "reservation not settled within its TTL; refunded"
            );
            self.refund(&rec.entries, seq);
            rec.deadline = rec.entries.iter().map(Entry::dead_at).max().unwrap_or(now);
            if rec.deadline > now {
                self.tombstones.insert(seq, rec);
            }
        }
        if (now - self.last_prune).abs() >= PRUNE_EVERY {
            self.prune_all(now);
        }
    }

    fn prune_all(&mut self, now: i64) {
        self.last_prune = now;
        self.tombstones.retain(|_, rec| rec.deadline > now);
        self.counters.retain(|id, c| c.prune(id.window, now));
    }

    fn counter(&mut self, id: &CounterId, max: i64, now: i64) -> &mut Counter {
        let c = self
            .counters
            .entry(id.clone())
            .or_insert_with(|| Counter::new(id.window, max, now));
        c.max = max;
        c
    }

    /// Adds a claim; `now` decides which calendar window is current.
    fn add(&mut self, e: &Entry, seq: u64, now: i64) {
        let c = self.counter(&e.counter, e.max, now);
        match (&mut c.state, e.counter.window) {
            (CounterState::Calendar { start, used }, Window::Calendar(unit)) => {
                let current = calendar_bounds(unit, now).0;
                if *start != current {
                    *start = current;
                    *used = 0;
                }
                *used += e.units;
            }
            (CounterState::Rolling { log, .. }, _) => {
                log.insert((e.at, seq, e.idx), e.units);
            }
            (CounterState::Calendar { .. }, Window::Rolling(_)) => {}
        }
    }

    fn refund(&mut self, entries: &[Entry], seq: u64) {
        for e in entries {
            let Some(c) = self.counters.get_mut(&e.counter) else {
                continue;
            };
            match &mut c.state {
                // A window that already ended keeps its count: nothing to give back to.
                CounterState::Calendar { start, used } if *start == e.at => {
                    *used = (*used - e.units).max(0);
                }
                CounterState::Calendar { .. } => {}
                CounterState::Rolling { log, .. } => {
                    log.remove(&(e.at, seq, e.idx));
                }
            }
        }
    }

    /// Counts an expired (already refunded) reservation again, in the windows still open.
    fn reapply(&mut self, entries: &[Entry], seq: u64, now: i64) {
        for e in entries {
            let live = match e.counter.window {
                Window::Calendar(unit) => calendar_bounds(unit, now).0 == e.at,
                Window::Rolling(d) => e.at + rolling_micros(d) > now,
            };
            if live {
                self.add(e, seq, now);
            }
        }
    }

    fn pending_units(&self, id: &CounterId, at: Option<i64>) -> i64 {
        self.pending
            .values()
            .flat_map(|r| &r.entries)
            .filter(|e| &e.counter == id && at.is_none_or(|a| a == e.at))
            .map(|e| e.units)
            .sum()
    }
}

impl MemoryStore {
    /// An empty store with default options.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::with_options(clock, &StoreOptions::default())
    }

    /// An empty store with the given options.
    pub fn with_options(clock: Arc<dyn Clock>, options: &StoreOptions) -> Self {
        Self {
            clock,
            ttl: rolling_micros(options.reservation_ttl),
            store_id: accounting::random_u64(),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic mid-operation cannot leave a half-applied reserve (checks precede all
        // writes), so continuing with the data is better than failing every later call.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn grant(&self, inner: &mut Inner, prepared: Vec<Prepared>, now: i64) -> Reservation {
        let seq = inner.next_seq;
        inner.next_seq += 1;
        let mut counters = Vec::with_capacity(prepared.len());
        let mut entries = Vec::with_capacity(prepared.len());
        for (idx, p) in prepared.into_iter().enumerate() {
            let at = match p.window {
                Window::Calendar(unit) => calendar_bounds(unit, now).0,
                Window::Rolling(_) => now,
            };
            counters.push(ReservedCounter {
                key: p.key.clone(),
                window: p.window,
                amount: from_units(p.units),
            });
            let entry = Entry {
                counter: CounterId {
                    key: p.key,
                    window: p.window,
                },
                idx: u32::try_from(idx).unwrap_or(u32::MAX),
                at,
                units: p.units,
                max: p.max,
            };
            inner.add(&entry, seq, now);
            entries.push(entry);
        }
        let deadline = now.saturating_add(self.ttl);
        inner.by_deadline.insert((deadline, seq));
        inner.pending.insert(seq, Record { deadline, entries });
        Reservation {
            id: ReservationId {
                store: self.store_id,
                seq,
            },
            expires_at: from_micros(deadline),
            counters,
        }
    }
}

#[async_trait]
impl StateStore for MemoryStore {
    async fn reserve(&self, requests: &[CounterRequest]) -> Result<ReserveOutcome, StoreError> {
        let prepared = accounting::prepare(requests)?;
        let mut inner = self.lock();
        let now = micros(self.clock.now());
        inner.sweep(now);
        if let Some(limited) = accounting::check(&prepared, now, &mut *inner)? {
            tracing::debug!(key = %limited.key, index = limited.index, "reserve limited");
            return Ok(ReserveOutcome::Limited(limited));
        }
        Ok(ReserveOutcome::Granted(
            self.grant(&mut inner, prepared, now),
        ))
    }

    async fn settle(
        &self,
        reservation: &Reservation,
        settlement: Settlement,
    ) -> Result<SettleOutcome, StoreError> {
        let id = reservation.id;
        if id.store != self.store_id {
            return Err(StoreError::invalid(format!(
                "reservation {id} was issued by another state store; settle it with the store that granted it"
            )));
        }
        let mut inner = self.lock();
        let now = micros(self.clock.now());
        inner.sweep(now);
        if let Some(rec) = inner.pending.remove(&id.seq) {
            inner.by_deadline.remove(&(rec.deadline, id.seq));
            return Ok(match settlement {
                Settlement::Commit => SettleOutcome::Committed,
                Settlement::Refund => {
                    inner.refund(&rec.entries, id.seq);
                    SettleOutcome::Refunded
                }
            });
        }
        match (inner.tombstones.remove(&id.seq), settlement) {
            (Some(rec), Settlement::Commit) => {
                tracing::warn!(reservation = %id, "commit after the reservation's TTL; counted again");
                inner.reapply(&rec.entries, id.seq, now);
                Ok(SettleOutcome::CommittedAfterExpiry)
            }
            _ => Ok(SettleOutcome::NotPending),
        }
    }

    async fn renew(&self, reservation: &Reservation) -> Result<Option<Reservation>, StoreError> {
        let id = reservation.id;
        if id.store != self.store_id {
            return Err(StoreError::invalid(format!(
                "reservation {id} was issued by another state store; renew it with the store that granted it"
            )));
        }
        let mut inner = self.lock();
        let now = micros(self.clock.now());
        // Past its deadline: refunded here (into a tombstone), so it is not pending below.
        inner.sweep(now);
        let Some(rec) = inner.pending.get_mut(&id.seq) else {
            return Ok(None);
        };
        let old = rec.deadline;
        let deadline = old.max(now.saturating_add(self.ttl));
        rec.deadline = deadline;
        if deadline != old {
            inner.by_deadline.remove(&(old, id.seq));
            inner.by_deadline.insert((deadline, id.seq));
        }
        Ok(Some(Reservation {
            expires_at: from_micros(deadline),
            ..reservation.clone()
        }))
    }

    fn reservation_ttl(&self) -> Duration {
        span(self.ttl)
    }

    async fn snapshot(&self) -> Result<Vec<CounterView>, StoreError> {
        let mut inner = self.lock();
        let now = micros(self.clock.now());
        inner.sweep(now);
        let mut views = Vec::new();
        for (id, c) in &inner.counters {
            let (used, pending, start, end) = match (&c.state, id.window) {
                (CounterState::Calendar { start, used }, Window::Calendar(unit)) => {
                    if *start != calendar_bounds(unit, now).0 {
                        continue;
                    }
                    let pending = inner.pending_units(id, Some(*start));
                    (*used, pending, Some(*start), calendar_end(unit, *start))
                }
                (CounterState::Rolling { len, log }, _) => {
                    let live: Vec<_> = log.range((now - len + 1, 0, 0)..).collect();
                    let Some(newest) = live.iter().map(|(k, _)| k.0).max() else {
                        continue;
                    };
                    let used = live.iter().map(|(_, u)| **u).sum();
                    let pending = live
                        .iter()
                        .filter(|(k, _)| inner.pending.contains_key(&k.1))
                        .map(|(_, u)| **u)
                        .sum();
                    (used, pending, None, newest + len)
                }
                (CounterState::Calendar { .. }, Window::Rolling(_)) => continue,
            };
            if used == 0 {
                continue;
            }
            views.push(CounterView {
                key: id.key.clone(),
                window: id.window,
                used: from_units(used),
                pending: from_units(pending),
                max: Some(from_units(c.max)),
                window_start: start.map(from_micros),
                window_end: from_micros(end),
            });
        }
        views.sort_by(|a, b| {
            (&a.key, accounting::encode_window(a.window))
                .cmp(&(&b.key, accounting::encode_window(b.window)))
        });
        Ok(views)
    }

    async fn reset(&self, key_prefix: &str) -> Result<usize, StoreError> {
        let mut inner = self.lock();
        let now = micros(self.clock.now());
        inner.sweep(now);
        let matching: Vec<CounterId> = inner
            .counters
            .keys()
            .filter(|id| id.key.starts_with(key_prefix))
            .cloned()
            .collect();
        let mut removed = 0;
        for id in matching {
            // Count what a snapshot would have listed: counters with usage in their window.
            if inner.used(&id.key, id.window, now)? > 0 {
                removed += 1;
            }
            inner.counters.remove(&id);
        }
        // Forget pending claims on removed counters, so a later refund cannot free capacity
        // in a fresh counter of the same name.
        let Inner {
            pending,
            tombstones,
            ..
        } = &mut *inner;
        for rec in pending.values_mut().chain(tombstones.values_mut()) {
            rec.entries
                .retain(|e| !e.counter.key.starts_with(key_prefix));
        }
        tracing::info!(prefix = key_prefix, removed, "state reset");
        Ok(removed)
    }

    fn describe(&self) -> String {
        "memory".to_owned()
    }
}
