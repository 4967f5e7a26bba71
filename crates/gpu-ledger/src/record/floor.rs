//! The floors the recorder is measured against: the least that recording one event
//! can cost, a clock read and a store into a thread-local buffer.
//!
//! `gpu-ledger overhead` and `benches/record.rs` time these beside the recorder in
//! the same run, so its cost is quoted as a ratio to this machine's own floor. Each
//! floor takes the arguments of [`Ledger::create`](super::Ledger::create), is called
//! out of line like the recorder's enabled path, reads the clock the recorder reads
//! and writes the record the recorder writes into a thread-local buffer as large as
//! a default ring. What it leaves out is what the recorder adds: the switch, finding
//! the ledger's ring, the current packet, the full-ring check and publishing to the
//! drain. [`fenced`] reads the clock as the recorder does (`lfence; rdtsc`);
//! [`unfenced`] with a bare `rdtsc`, which the recorder cannot use (DESIGN.md, "Why
//! `lfence; rdtsc`").
//!
//! The floors must never be used to record: the buffer is overwritten in a circle
//! and read by no one. Like the recorder's rings, the buffer is found through a
//! thread-local pointer with no destructor (the one `unsafe` here).

#![allow(unsafe_code)]

use std::cell::Cell;
use std::hint::black_box;
use std::ptr;

use super::{Clock, DEFAULT_THREAD_CAPACITY, Slot, resource_event, split_dims};
use crate::event::{Dims, EventKind, Owner, OwnerKind, ResourceAction, ResourceId, ResourceType};

/// Stamps a `Create` event with `lfence; rdtsc` (the recorder's clock read) and
/// stores it into a thread-local buffer.
///
/// The first call on a thread allocates and touches the buffer (about 1.4 MiB).
///
/// # Example
/// ```
/// use gpu_ledger::record::floor;
/// use gpu_ledger::{Owner, OwnerKind, ResourceId, ResourceType};
///
/// floor::fenced(ResourceId(1), ResourceType::Texture, Owner::new(OwnerKind::ChildVisual, 7), None);
/// ```
#[inline]
pub fn fenced(id: ResourceId, ty: ResourceType, owner: Owner, dims: Option<Dims>) {
    let (has_dims, d) = split_dims(dims);
    out_of_line::<true>(
        id, ty, owner.kind, owner.key, has_dims, d.width, d.height, d.scale,
    );
}

/// Like [`fenced`], stamped with a bare `rdtsc` (no fence).
///
/// # Example
/// ```
/// use gpu_ledger::record::floor;
/// use gpu_ledger::{Owner, OwnerKind, ResourceId, ResourceType};
///
/// floor::unfenced(ResourceId(1), ResourceType::Texture, Owner::new(OwnerKind::ChildVisual, 7), None);
/// ```
#[inline]
pub fn unfenced(id: ResourceId, ty: ResourceType, owner: Owner, dims: Option<Dims>) {
    let (has_dims, d) = split_dims(dims);
    out_of_line::<false>(
        id, ty, owner.kind, owner.key, has_dims, d.width, d.height, d.scale,
    );
}

/// Called the way the recorder's enabled path is: out of line, with scalars.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn out_of_line<const FENCED: bool>(
    id: ResourceId,
    ty: ResourceType,
    owner_kind: OwnerKind,
    owner_key: u64,
    has_dims: bool,
    width: u32,
    height: u32,
    scale: f32,
) {
    with_buffer(move |buffer| {
        let ticks = if FENCED {
            buffer.clock.now_ticks()
        } else {
            buffer.clock.now_ticks_unordered()
        };
        buffer.store(Slot {
            ticks,
            kind: resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner_kind,
                owner_key,
                has_dims,
                Dims::new(width, height, scale),
                None,
            ),
        });
    });
}

/// A circle of slots, a power of two long so that wrapping is a mask.
struct Buffer {
    clock: Clock,
    next: usize,
    slots: Box<[Slot; DEFAULT_THREAD_CAPACITY]>,
}

impl Buffer {
    #[inline(always)]
    fn store(&mut self, slot: Slot) {
        self.slots[self.next & (DEFAULT_THREAD_CAPACITY - 1)] = slot;
        self.next = self.next.wrapping_add(1);
    }
}

/// Owns the calling thread's buffer; clears `CURRENT` before freeing it.
struct Owned(Cell<*mut Buffer>);

impl Drop for Owned {
    fn drop(&mut self) {
        CURRENT.set(ptr::null_mut());
        let buffer = self.0.replace(ptr::null_mut());
        if !buffer.is_null() {
            // SAFETY: made by `Box::into_raw` in `with_buffer`, freed only here.
            drop(unsafe { Box::from_raw(buffer) });
        }
    }
}

thread_local! {
    static CURRENT: Cell<*mut Buffer> = const { Cell::new(ptr::null_mut()) };
    static OWNED: Owned = const { Owned(Cell::new(ptr::null_mut())) };
}

#[inline(always)]
fn with_buffer(f: impl FnOnce(&mut Buffer)) {
    // SAFETY: `CURRENT` is null or the buffer `OWNED` owns on this thread, which
    // clears it before freeing the buffer; only this thread reaches the buffer and
    // `f` does not re-enter.
    match unsafe { CURRENT.get().as_mut() } {
        Some(buffer) => f(buffer),
        None => first_use(f),
    }
}

#[cold]
#[inline(never)]
fn first_use(f: impl FnOnce(&mut Buffer)) {
    let _ = OWNED.try_with(|owned| {
        if owned.0.get().is_null() {
            let slot = Slot {
                ticks: 0,
                kind: EventKind::Lost { count: 0 },
            };
            // Touched now, so the timed calls do not fault its pages in.
            let slots: Box<[Slot; DEFAULT_THREAD_CAPACITY]> =
                black_box(vec![slot; DEFAULT_THREAD_CAPACITY].into_boxed_slice())
                    .try_into()
                    .expect("the buffer has its length");
            let buffer = Box::into_raw(Box::new(Buffer {
                clock: Clock::monotonic(),
                next: 0,
                slots,
            }));
            owned.0.set(buffer);
            CURRENT.set(buffer);
        }
        // SAFETY: as in `with_buffer`.
        if let Some(buffer) = unsafe { CURRENT.get().as_mut() } {
            f(buffer);
        }
    });
}
