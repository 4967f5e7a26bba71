//! Packets in flight and the resources they reference: the bookkeeping behind the
//! `destroy-in-flight` assertion (plan, slice D: "no resource destroy while still
//! referenced by active packet context").
//!
//! A packet *references* a resource when its context created, bound or rebuilt it,
//! or when it touched it (`Touched`). It is *in flight* from its `Queued` or
//! `Submitted` stage until `Completed` or a terminal stage (presented, dropped,
//! no-op, failed); references recorded before it was queued start to count when
//! it is. The table tells the analyzer when a resource gains or loses an in-flight
//! holder (through a callback, so it never owns the live-resource map), and the
//! analyzer keeps the count on the resource itself: a destroy costs nothing here
//! unless the resource is held.
//!
//! A packet's list is deduplicated only against its last few entries (a create
//! needs none: ids are never reused), so a resource can appear twice in one list;
//! every entry is one hold, added and released together, so counts stay exact.
//!
//! Memory is bounded whatever the input: at most
//! [`Definitions::max_live_packets`](crate::analysis::Definitions::max_live_packets) packets
//! (the oldest is evicted beyond it, its holds released and the eviction counted)
//! and at most [`Definitions::max_packet_refs`](crate::analysis::Definitions::max_packet_refs)
//! references per packet (references beyond the cap are counted, not checked), so
//! at most `max_live_packets × max_packet_refs` ids — a stream reaches that only
//! with that many packets that never finish. It never reads anything but the events
//! it is given, and iteration order of its map never reaches a report.

use std::collections::VecDeque;

use crate::event::{PacketRef, PacketStage};

use super::hashing::FxHashMap;

/// Seen, but not queued or submitted yet: its references do not count.
const PENDING: u8 = 0;
/// Queued, not submitted: in flight, still being encoded.
const QUEUED: u8 = 1;
/// Submitted: in flight, the GPU holds its references.
const SUBMITTED: u8 = 2;
/// How many of a packet's latest references a new one is compared with.
const DEDUP_WINDOW: usize = 8;

/// One tracked packet.
#[derive(Clone, Debug)]
struct Flight {
    packet: PacketRef,
    /// When it was inserted: tells a stale eviction-order entry from a live one.
    serial: u64,
    state: u8,
    used: bool,
    refs: Vec<u64>,
}

impl Flight {
    fn is_in_flight(&self) -> bool {
        self.state != PENDING
    }
}

/// Packets not yet finished and the resources each references.
#[derive(Clone, Debug)]
pub(crate) struct FlightTable {
    /// A slab: freed slots keep their `refs` allocation for the next packet.
    slots: Vec<Flight>,
    free: Vec<u32>,
    index: FxHashMap<PacketRef, u32>,
    /// Slots by insertion, oldest first, for eviction at the cap.
    order: VecDeque<(u32, u64)>,
    /// The last packet looked up and its slot (`None`: known not tracked).
    cache: Option<(PacketRef, Option<u32>)>,
    serial: u64,
    max_packets: usize,
    max_refs: usize,
    /// Resources whose holds an eviction released; the analyzer drains them.
    released: Vec<u64>,
    /// References not recorded because their packet already had `max_refs`.
    pub(crate) untracked_refs: u64,
    /// Packets forgotten at the cap before they finished.
    pub(crate) evicted: u64,
}

impl FlightTable {
    /// Empty; at most `max_packets` packets of at most `max_refs` references each.
    pub(crate) fn new(max_packets: usize, max_refs: usize) -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            index: FxHashMap::default(),
            order: VecDeque::new(),
            cache: None,
            serial: 0,
            max_packets: max_packets.max(1),
            max_refs,
            released: Vec::new(),
            untracked_refs: 0,
            evicted: 0,
        }
    }

    /// Packet `p` referenced resource `r` (`created`: by creating it). Returns
    /// `true` when that adds a hold of `p` on `r` (the caller counts it on the resource).
    #[inline]
    pub(crate) fn on_ref(&mut self, p: PacketRef, r: u64, created: bool) -> bool {
        let slot = self.slot_or_insert(p);
        let f = &mut self.slots[slot as usize];
        if !created && f.refs.iter().rev().take(DEDUP_WINDOW).any(|&x| x == r) {
            return false;
        }
        if f.refs.len() >= self.max_refs {
            self.untracked_refs += 1;
            return false;
        }
        f.refs.push(r);
        f.is_in_flight()
    }

    /// Packet `p` reached `stage` (an accepted step). `hold(r, true)` adds an
    /// in-flight holder to resource `r`, `hold(r, false)` removes one.
    pub(crate) fn on_stage(
        &mut self,
        p: PacketRef,
        stage: PacketStage,
        hold: impl FnMut(u64, bool),
    ) {
        let mut hold = hold;
        match stage {
            PacketStage::Queued { .. } | PacketStage::Submitted => {
                let slot = self.slot_or_insert(p);
                let f = &mut self.slots[slot as usize];
                if !f.is_in_flight() {
                    for &r in &f.refs {
                        hold(r, true);
                    }
                }
                let next = if stage == PacketStage::Submitted {
                    SUBMITTED
                } else {
                    QUEUED
                };
                f.state = f.state.max(next);
            }
            PacketStage::Completed
            | PacketStage::Presented
            | PacketStage::Dropped
            | PacketStage::NoOp
            | PacketStage::Failed => {
                if let Some(slot) = self.slot(p) {
                    let f = &self.slots[slot as usize];
                    if f.is_in_flight() {
                        for &r in &f.refs {
                            hold(r, false);
                        }
                    }
                    self.remove(slot);
                }
            }
        }
        self.drain_released(hold);
    }

    /// Whether an eviction released holds that the caller must drop.
    #[inline]
    pub(crate) fn has_released(&self) -> bool {
        !self.released.is_empty()
    }

    /// Calls `hold(r, false)` for every hold an eviction released.
    #[cold]
    pub(crate) fn drain_released(&mut self, mut hold: impl FnMut(u64, bool)) {
        for r in self.released.drain(..) {
            hold(r, false);
        }
    }

    /// Whether destroying `r` (held by `held` in-flight packets) from the context of
    /// `destroying` breaks the assertion. A packet's own references count only once
    /// it was submitted: before that it is still encoding and may rebuild what it
    /// touched; after, the GPU holds them.
    pub(crate) fn violates(&self, destroying: Option<PacketRef>, r: u64, held: u32) -> bool {
        match destroying.and_then(|p| self.peek(p)) {
            Some(f) if f.is_in_flight() => {
                let own = f.refs.iter().filter(|&&x| x == r).count() as u32;
                held > own || (own > 0 && f.state == SUBMITTED)
            }
            _ => held > 0,
        }
    }

    /// Resource `r` was destroyed from packet `p`'s context: `p` stops listing it,
    /// so a packet that rebuilds what it references does not fill its list with the
    /// dead. (The resource is gone: nobody counts its holds any more.)
    pub(crate) fn forget(&mut self, p: PacketRef, r: u64) {
        if let Some(slot) = self.slot(p) {
            self.slots[slot as usize].refs.retain(|&x| x != r);
        }
    }

    /// An in-flight packet holding `r`: the oldest other than `destroying`, else
    /// `destroying` itself. A scan: call it only to keep an example.
    #[cold]
    pub(crate) fn holder(&self, destroying: Option<PacketRef>, r: u64) -> Option<PacketRef> {
        self.slots
            .iter()
            .filter(|f| f.used && f.is_in_flight() && f.refs.contains(&r))
            .min_by_key(|f| (Some(f.packet) == destroying, f.serial))
            .map(|f| f.packet)
    }

    fn peek(&self, p: PacketRef) -> Option<&Flight> {
        let slot = match self.cache {
            Some((c, slot)) if c == p => slot,
            _ => self.index.get(&p).copied(),
        };
        slot.map(|s| &self.slots[s as usize])
    }

    #[inline]
    fn slot(&mut self, p: PacketRef) -> Option<u32> {
        if let Some((c, slot)) = self.cache
            && c == p
        {
            return slot;
        }
        let slot = self.index.get(&p).copied();
        self.cache = Some((p, slot));
        slot
    }

    #[inline]
    fn slot_or_insert(&mut self, p: PacketRef) -> u32 {
        match self.slot(p) {
            Some(slot) => slot,
            None => self.insert(p),
        }
    }

    fn insert(&mut self, p: PacketRef) -> u32 {
        if self.index.len() >= self.max_packets {
            self.evict_oldest();
        }
        self.serial += 1;
        let flight = Flight {
            packet: p,
            serial: self.serial,
            state: PENDING,
            used: true,
            refs: Vec::new(),
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                let f = &mut self.slots[slot as usize];
                let refs = std::mem::take(&mut f.refs);
                *f = Flight { refs, ..flight };
                slot
            }
            None => {
                self.slots.push(flight);
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(p, slot);
        self.order.push_back((slot, self.serial));
        self.cache = Some((p, Some(slot)));
        slot
    }

    fn remove(&mut self, slot: u32) {
        let f = &mut self.slots[slot as usize];
        f.used = false;
        f.refs.clear();
        let p = f.packet;
        self.index.remove(&p);
        self.free.push(slot);
        self.cache = Some((p, None));
        if self.order.len() > 2 * self.index.len() + 64 {
            let slots = &self.slots;
            self.order.retain(|&(s, serial)| {
                slots[s as usize].used && slots[s as usize].serial == serial
            });
        }
    }

    #[cold]
    fn evict_oldest(&mut self) {
        while let Some((slot, serial)) = self.order.pop_front() {
            let f = &self.slots[slot as usize];
            if f.used && f.serial == serial {
                if f.is_in_flight() {
                    self.released.extend_from_slice(&f.refs);
                }
                self.evicted += 1;
                self.remove(slot);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: u64) -> PacketRef {
        PacketRef::new(1, n)
    }

    /// Applies `stage` and returns the holds it changed, as (resource, added).
    fn stage(t: &mut FlightTable, n: u64, stage: PacketStage) -> Vec<(u64, bool)> {
        let mut out = Vec::new();
        t.on_stage(p(n), stage, |r, up| out.push((r, up)));
        out
    }

    #[test]
    fn references_count_from_queued_until_completed() {
        let mut t = FlightTable::new(8, 4);
        assert!(!t.on_ref(p(1), 10, true), "pending: not held yet");
        assert_eq!(
            stage(&mut t, 1, PacketStage::Queued { command_id: 0 }),
            vec![(10, true)]
        );
        assert!(t.on_ref(p(1), 11, false));
        assert!(
            !t.on_ref(p(1), 11, false),
            "a second reference is the same hold"
        );
        assert_eq!(stage(&mut t, 1, PacketStage::Submitted), vec![]);
        assert_eq!(
            stage(&mut t, 1, PacketStage::Completed),
            vec![(10, false), (11, false)]
        );
        assert_eq!(stage(&mut t, 1, PacketStage::Presented), vec![]);
        assert!(t.index.is_empty());
    }

    #[test]
    fn own_references_count_once_submitted() {
        let mut t = FlightTable::new(8, 4);
        stage(&mut t, 1, PacketStage::Queued { command_id: 0 });
        t.on_ref(p(1), 10, false);
        assert!(!t.violates(Some(p(1)), 10, 1), "still encoding");
        assert!(t.violates(None, 10, 1));
        assert!(t.violates(Some(p(2)), 10, 1));
        assert!(t.violates(Some(p(1)), 10, 2), "another packet holds it too");
        stage(&mut t, 1, PacketStage::Submitted);
        assert!(t.violates(Some(p(1)), 10, 1));
        assert_eq!(t.holder(Some(p(2)), 10), Some(p(1)));
    }

    #[test]
    fn caps_count_what_they_drop() {
        let mut t = FlightTable::new(2, 1);
        stage(&mut t, 1, PacketStage::Queued { command_id: 0 });
        assert!(t.on_ref(p(1), 10, false));
        assert!(!t.on_ref(p(1), 11, false));
        assert_eq!(t.untracked_refs, 1);
        stage(&mut t, 2, PacketStage::Queued { command_id: 0 });
        // A third packet evicts the oldest, releasing its hold.
        assert_eq!(
            stage(&mut t, 3, PacketStage::Queued { command_id: 0 }),
            vec![(10, false)]
        );
        assert_eq!((t.evicted, t.index.len()), (1, 2));
        assert!(!t.has_released());
    }
}
