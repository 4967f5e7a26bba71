//! Each recording thread's ring, kept in a thread-local so the hot path takes no lock.
//!
//! A thread gets a ring per ledger on its first event for that ledger (the one
//! allocation on the path, and the one lock). The most recently used ring is kept
//! first, so a thread recording into one ledger finds it with one comparison.
//! This module must never block or allocate once a thread has its ring.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::drain::DrainRing;
use super::{Shared, Slot, ThreadShared};

/// This thread's producer end of one ledger's ring.
struct LocalRing {
    ledger: u64,
    producer: rtrb::Producer<Slot>,
    shared: Arc<ThreadShared>,
}

thread_local! {
    static RINGS: RefCell<Vec<LocalRing>> = const { RefCell::new(Vec::new()) };
}

/// Pushes `slot` into the calling thread's ring for `ledger`, or counts it lost.
#[inline]
pub(super) fn push(ledger: &Shared, slot: Slot) {
    let pushed = RINGS.try_with(|rings| {
        let mut rings = rings.borrow_mut();
        match rings.first_mut() {
            Some(ring) if ring.ledger == ledger.id => push_into(ring, slot),
            _ => push_slow(&mut rings, ledger, slot),
        }
    });
    if pushed.is_err() {
        // The thread is being torn down and its rings are gone.
        ledger.orphan_lost.fetch_add(1, Ordering::Relaxed);
    }
}

#[inline]
fn push_into(ring: &mut LocalRing, slot: Slot) {
    if ring.producer.push(slot).is_err() {
        count_lost(ring);
    }
}

#[cold]
fn count_lost(ring: &LocalRing) {
    ring.shared.lost.fetch_add(1, Ordering::Relaxed);
}

/// Finds (or makes and registers) this thread's ring for `ledger` and moves it first.
#[cold]
fn push_slow(rings: &mut Vec<LocalRing>, ledger: &Shared, slot: Slot) {
    // Rings whose ledger has finished can go: their drain is gone.
    rings.retain(|ring| !ring.producer.is_abandoned());
    let index = match rings.iter().position(|ring| ring.ledger == ledger.id) {
        Some(index) => index,
        None => {
            let (producer, consumer) = rtrb::RingBuffer::new(ledger.capacity);
            let shared = Arc::new(ThreadShared::default());
            let thread = ledger.next_thread.fetch_add(1, Ordering::Relaxed);
            ledger
                .new_rings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(DrainRing::new(thread, consumer, shared.clone()));
            rings.push(LocalRing {
                ledger: ledger.id,
                producer,
                shared,
            });
            rings.len() - 1
        }
    };
    rings.swap(0, index);
    push_into(&mut rings[0], slot);
}
