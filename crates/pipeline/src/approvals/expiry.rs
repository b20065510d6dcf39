//! Expiry without a poller: one task per queue sleeps until the earliest pending deadline
//! (or until a submission brings an earlier one), then ends what has lapsed.
//!
//! The task holds only a weak reference between wake-ups, so dropping the last queue handle
//! ends it (the queue's `Drop` wakes it to notice). Deadlines are tokio instants: under
//! `#[tokio::test(start_paused = true)]` the runtime jumps straight to them, so tests see
//! expiry without sleeping.

use std::future::Future;
use std::sync::{Arc, Weak};

use tokio::sync::Notify;

use super::{ApprovalQueue, Inner};

/// Starts the task on the current tokio runtime, or on a small thread of its own when the
/// queue is used outside one.
pub(super) fn start(queue: Weak<Inner>, wake: Arc<Notify>) {
    let task = run(queue, wake);
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn(task);
        }
        Err(_) => spawn_thread(task),
    }
}

fn spawn_thread(task: impl Future<Output = ()> + Send + 'static) {
    let started = std::thread::Builder::new()
        .name("toolgate-approvals".into())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
            {
                Ok(rt) => rt.block_on(task),
                Err(e) => tracing::error!(error = %e, "approval expiry can't start; requests expire only when the queue is read"),
            }
        });
    if let Err(e) = started {
        tracing::error!(error = %e, "approval expiry thread can't start; requests expire only when the queue is read");
    }
}

async fn run(queue: Weak<Inner>, wake: Arc<Notify>) {
    loop {
        let next = {
            let Some(inner) = queue.upgrade() else { return };
            let q = ApprovalQueue { inner };
            q.sweep();
            q.lock().next_deadline()
            // The strong reference ends here: a queue nobody holds can be dropped while we
            // sleep.
        };
        match next {
            Some(at) => {
                tokio::select! {
                    () = tokio::time::sleep_until(at) => {}
                    () = wake.notified() => {}
                }
            }
            None => wake.notified().await,
        }
    }
}
