//! Each recording thread's ring, found through one thread-local pointer so the hot
//! path takes no lock and no borrow.
//!
//! A thread gets a ring per ledger on its first event for that ledger (the one
//! allocation on the path, and the one lock). `CURRENT` points at the ring the
//! thread used last: a `Cell` of a raw pointer has no destructor and a constant
//! initial value, so reading it is one load relative to the thread pointer, with no
//! lazy-initialisation or teardown state to check. The rings themselves are owned
//! by `RINGS`, whose destructor clears `CURRENT` before freeing them.
//! This module must never block or allocate once a thread has its ring.
//!
//! The pointer is the one reason this module is `unsafe`: `CURRENT` is only ever
//! null or a ring that `RINGS` owns, and only the owning thread touches either.

#![allow(unsafe_code)]

use std::cell::{Cell, RefCell};
use std::ptr::{self, NonNull};
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

/// The calling thread's rings, one per ledger it has recorded into (usually one).
///
/// Holds them as raw pointers made by `Box::leak`, so that `CURRENT` may point
/// into them while this list is searched or shrunk.
struct Rings(Vec<NonNull<LocalRing>>);

impl Drop for Rings {
    fn drop(&mut self) {
        // An event recorded after this (by a later thread-local destructor) must
        // find no ring: it is counted as orphaned instead.
        CURRENT.set(ptr::null_mut());
        for ring in self.0.drain(..) {
            // SAFETY: every pointer in the list came from `Box::leak` and is
            // freed only here or in `Rings::get`, which removes it from the list.
            drop(unsafe { Box::from_raw(ring.as_ptr()) });
        }
    }
}

thread_local! {
    /// The ring this thread recorded into last, or null.
    static CURRENT: Cell<*mut LocalRing> = const { Cell::new(ptr::null_mut()) };
    static RINGS: RefCell<Rings> = const { RefCell::new(Rings(Vec::new())) };
}

/// Pushes the slot `make` returns into the calling thread's ring for ledger `id`,
/// or counts it lost. `make` runs once a slot is reserved, so the record is written
/// into the ring field by field; it must not run host code (it may not re-enter).
#[inline(always)]
pub(super) fn push(id: u64, ledger: &Shared, make: impl FnOnce() -> Slot) {
    let ring = CURRENT.get();
    // SAFETY: `CURRENT` is null or points at a ring owned by this thread's `RINGS`,
    // which frees a ring only after clearing `CURRENT` or pointing it elsewhere
    // (`Rings::drop`, `Rings::get`). Nothing else borrows the ring meanwhile: only
    // this thread reaches it, and nothing below runs host code or the recorder.
    match unsafe { ring.as_mut() } {
        Some(ring) if ring.ledger == id => push_into(ring, make),
        _ => push_slow(id, ledger, make()),
    }
}

/// Writes the slot into a reserved place in the ring: `Producer::push` would hand
/// the slot back on a full ring, which makes the compiler build it on the stack
/// and copy it in.
#[inline(always)]
fn push_into(ring: &mut LocalRing, make: impl FnOnce() -> Slot) {
    let Ok(mut chunk) = ring.producer.write_chunk_uninit(1) else {
        return count_lost(ring);
    };
    let (first, _) = chunk.as_mut_slices();
    if let Some(place) = first.first_mut() {
        place.write(make());
        // SAFETY: the chunk's one slot was written just above.
        unsafe { chunk.commit_all() };
    }
}

#[cold]
fn count_lost(ring: &LocalRing) {
    ring.shared.lost.fetch_add(1, Ordering::Relaxed);
}

/// Finds (or makes and registers) this thread's ring for ledger `id`, makes it
/// current, and pushes into it.
#[cold]
#[inline(never)]
fn push_slow(id: u64, ledger: &Shared, slot: Slot) {
    let pushed = RINGS.try_with(|rings| {
        // Busy only if pushing re-entered the recorder (an allocator that records):
        // the event is lost rather than the thread panicking.
        let Ok(mut rings) = rings.try_borrow_mut() else {
            return false;
        };
        let ring = rings.get(id, ledger);
        CURRENT.set(ring.as_ptr());
        // SAFETY: `ring` is owned by `rings` and borrowed nowhere else.
        push_into(unsafe { &mut *ring.as_ptr() }, || slot);
        true
    });
    if pushed != Ok(true) {
        // The thread is being torn down and its rings are gone.
        ledger.orphan_lost.fetch_add(1, Ordering::Relaxed);
    }
}

impl Rings {
    /// This thread's ring for ledger `id`, made and registered with the drain if new.
    fn get(&mut self, id: u64, ledger: &Shared) -> NonNull<LocalRing> {
        // Rings whose ledger has finished can go: their drain is gone. `CURRENT`
        // may point at one, so it points nowhere until the caller sets it again.
        CURRENT.set(ptr::null_mut());
        self.0.retain(|ring| {
            // SAFETY: see `Rings::drop`.
            let abandoned = unsafe { ring.as_ref() }.producer.is_abandoned();
            if abandoned {
                // SAFETY: see `Rings::drop`; removed from the list by `retain`.
                drop(unsafe { Box::from_raw(ring.as_ptr()) });
            }
            !abandoned
        });
        // SAFETY: see `Rings::drop`.
        if let Some(ring) = self
            .0
            .iter()
            .find(|ring| unsafe { ring.as_ref() }.ledger == id)
        {
            return *ring;
        }
        let (producer, consumer) = rtrb::RingBuffer::new(ledger.capacity);
        let shared = Arc::new(ThreadShared::default());
        let thread = ledger.next_thread.fetch_add(1, Ordering::Relaxed);
        ledger
            .new_rings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(DrainRing::new(thread, consumer, shared.clone()));
        let ring = NonNull::from(Box::leak(Box::new(LocalRing {
            ledger: id,
            producer,
            shared,
        })));
        self.0.push(ring);
        ring
    }
}
