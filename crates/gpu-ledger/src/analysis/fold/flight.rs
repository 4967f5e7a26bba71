//! Unfinished packets and the resources they reference: the bookkeeping behind the
//! three destroy checks (DESIGN.md, "Release model"): `destroy-before-submit`,
//! `destroy-in-flight` and, with the analyzer's recent destroys, `use-after-destroy`.
//!
//! A packet *references* a resource when its context created, bound or rebuilt it,
//! or when it touched it (`Touched`); it *uses* it when it touched or bound it (what
//! the recorded command stream reads). Before the packet is submitted each use is an
//! *unsubmitted* hold (creating or rebuilding a resource in a packet's context while
//! it encodes is not a use of it); from `Submitted` until `Completed` or a terminal
//! stage (presented, dropped, no-op, failed) every reference is a *submitted* hold:
//! the GPU may be executing the work. The table tells the analyzer how each
//! resource's holds change (through a callback, so it never owns the live-resource
//! map), and the analyzer keeps the two counts on the resource itself: a destroy
//! costs nothing here unless the resource is held.
//!
//! A destroy of a resource with unsubmitted holds is noted on each packet that used
//! it and becomes a `destroy-before-submit` only when that packet is submitted: a
//! packet dropped or skipped without a submit never reached the GPU, and a stream
//! that records no submissions can never be judged by it.
//!
//! A packet's list is deduplicated only against its last few entries (a create
//! needs none: ids are never reused), so a resource can appear twice in one list;
//! every entry is one hold, added and released together, so counts stay exact.
//!
//! Memory is bounded whatever the input: at most
//! [`Definitions::max_live_packets`](crate::analysis::Definitions::max_live_packets) packets
//! (the oldest is evicted beyond it, its holds released and the eviction counted)
//! and at most [`Definitions::max_packet_refs`](crate::analysis::Definitions::max_packet_refs)
//! references and noted destroys per packet (beyond the cap they are counted, not
//! checked), so at most `max_live_packets × max_packet_refs` ids — a stream reaches
//! that only with that many packets that never finish. It never reads anything but
//! the events it is given, and iteration order of its map never reaches a report.

use std::collections::VecDeque;

use crate::event::{PacketRef, PacketStage};

use super::ids::IdMap;

/// Seen, but not queued or submitted yet.
const PENDING: u8 = 0;
/// Queued, not submitted: still being encoded.
const QUEUED: u8 = 1;
/// Submitted: the GPU holds its references until it completes.
const SUBMITTED: u8 = 2;
/// How many of a packet's latest references a new one is compared with.
const DEDUP_WINDOW: usize = 8;

/// The kind of hold a packet has on a resource it references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hold {
    /// The packet was not submitted yet.
    Unsubmitted,
    /// The packet was submitted and has not completed.
    Submitted,
}

/// How a resource's holds change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HoldChange {
    /// A packet began holding it.
    Add(Hold),
    /// A holding packet was submitted: an unsubmitted hold became a submitted one.
    Submit,
    /// A holding packet let go of it.
    Release(Hold),
}

/// A destroy of a resource a packet referenced before that packet was submitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Doomed {
    pub(crate) resource: u64,
    pub(crate) owner: u32,
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
}

/// A `destroy-before-submit` confirmed: the packet that referenced the resource
/// was submitted after its destroy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Confirmed {
    pub(crate) destroy: Doomed,
    pub(crate) packet: PacketRef,
}

/// How a packet referred to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefKind {
    /// Its context created the resource.
    Created,
    /// Its context rebuilt the resource's storage.
    Rebuilt,
    /// It touched or bound the resource: its commands use it.
    Used,
}

/// One resource a packet references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ref {
    id: u64,
    /// Touched or bound (not only created or rebuilt).
    used: bool,
}

/// One tracked packet.
#[derive(Clone, Debug)]
struct Flight {
    packet: PacketRef,
    /// When it was inserted: tells a stale eviction-order entry from a live one.
    serial: u64,
    state: u8,
    live: bool,
    refs: Vec<Ref>,
    /// Destroys of what it used, made before it was submitted.
    doomed: Vec<Doomed>,
}

impl Flight {
    /// The hold `r` gives its resource now, if any.
    fn hold_of(&self, r: Ref) -> Option<Hold> {
        if self.state == SUBMITTED {
            Some(Hold::Submitted)
        } else if r.used {
            Some(Hold::Unsubmitted)
        } else {
            None
        }
    }
}

/// Packets not yet finished and the resources each references.
#[derive(Clone, Debug)]
pub(crate) struct FlightTable {
    /// A slab: freed slots keep their allocations for the next packet.
    slots: Vec<Flight>,
    free: Vec<u32>,
    index: IdMap<PacketRef, u32>,
    /// Slots by insertion, oldest first, for eviction at the cap.
    order: VecDeque<(u32, u64)>,
    /// The last packet looked up and its slot (`None`: known not tracked).
    cache: Option<(PacketRef, Option<u32>)>,
    serial: u64,
    max_packets: usize,
    max_refs: usize,
    /// Holds an eviction released; the analyzer drains them.
    released: Vec<(u64, Hold)>,
    /// `destroy-before-submit`s confirmed by a submit; the analyzer drains them.
    pub(crate) confirmed: Vec<Confirmed>,
    /// The destroys last confirmed, so that one destroy held by two packets
    /// that are both submitted later counts once.
    last_confirmed: [u64; 4],
    /// References (and noted destroys) not recorded because their packet was full.
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
            index: IdMap::default(),
            order: VecDeque::new(),
            cache: None,
            serial: 0,
            max_packets: max_packets.max(1),
            max_refs,
            released: Vec::new(),
            confirmed: Vec::new(),
            last_confirmed: [u64::MAX; 4],
            untracked_refs: 0,
            evicted: 0,
        }
    }

    /// Packet `p` referred to resource `r` as `kind`. Returns the hold it adds on
    /// `r`, if it adds one (the caller counts it on the resource).
    #[inline]
    pub(crate) fn on_ref(&mut self, p: PacketRef, r: u64, kind: RefKind) -> Option<Hold> {
        let slot = self.slot_or_insert(p);
        let f = &mut self.slots[slot as usize];
        let used = kind == RefKind::Used;
        if kind != RefKind::Created {
            let submitted = f.state == SUBMITTED;
            if let Some(seen) = f
                .refs
                .iter_mut()
                .rev()
                .take(DEDUP_WINDOW)
                .find(|x| x.id == r)
            {
                // Already referenced: a first use of what it only created or rebuilt
                // becomes an unsubmitted hold.
                if used && !seen.used && !submitted {
                    seen.used = true;
                    return Some(Hold::Unsubmitted);
                }
                return None;
            }
        }
        if f.refs.len() >= self.max_refs {
            self.untracked_refs += 1;
            return None;
        }
        let entry = Ref { id: r, used };
        f.refs.push(entry);
        f.hold_of(entry)
    }

    /// Packet `p` reached `stage` (an accepted step); `hold(r, change)` reports how
    /// the holds on resource `r` change.
    pub(crate) fn on_stage(
        &mut self,
        p: PacketRef,
        stage: PacketStage,
        hold: impl FnMut(u64, HoldChange),
    ) {
        let mut hold = hold;
        match stage {
            PacketStage::Queued { .. } => {
                let slot = self.slot_or_insert(p);
                let f = &mut self.slots[slot as usize];
                f.state = f.state.max(QUEUED);
            }
            PacketStage::Submitted => {
                let slot = self.slot_or_insert(p);
                let f = &mut self.slots[slot as usize];
                if f.state != SUBMITTED {
                    for r in &f.refs {
                        let change = if r.used {
                            HoldChange::Submit
                        } else {
                            HoldChange::Add(Hold::Submitted)
                        };
                        hold(r.id, change);
                    }
                    f.state = SUBMITTED;
                    if !f.doomed.is_empty() {
                        self.confirm(slot);
                    }
                }
            }
            PacketStage::Completed
            | PacketStage::Presented
            | PacketStage::Dropped
            | PacketStage::NoOp
            | PacketStage::Failed => {
                if let Some(slot) = self.slot(p) {
                    let f = &self.slots[slot as usize];
                    for &r in &f.refs {
                        if let Some(kind) = f.hold_of(r) {
                            hold(r.id, HoldChange::Release(kind));
                        }
                    }
                    self.remove(slot);
                }
            }
        }
        if self.has_released() {
            self.drain_released(hold);
        }
    }

    #[cold]
    fn confirm(&mut self, slot: u32) {
        let f = &mut self.slots[slot as usize];
        for destroy in f.doomed.drain(..) {
            if self.last_confirmed.contains(&destroy.seq) {
                continue;
            }
            self.last_confirmed.rotate_right(1);
            self.last_confirmed[0] = destroy.seq;
            self.confirmed.push(Confirmed {
                destroy,
                packet: f.packet,
            });
        }
    }

    /// Whether an eviction released holds that the caller must drop.
    #[inline]
    pub(crate) fn has_released(&self) -> bool {
        !self.released.is_empty()
    }

    /// Reports every hold an eviction released as `hold(r, Release(..))`.
    #[cold]
    pub(crate) fn drain_released(&mut self, mut hold: impl FnMut(u64, HoldChange)) {
        for (r, kind) in self.released.drain(..) {
            hold(r, HoldChange::Release(kind));
        }
    }

    /// Resource `r` was destroyed (event `destroy`) while unsubmitted packets used
    /// it: notes the destroy on each, to become a `destroy-before-submit` if it is
    /// submitted. A scan: called only for held resources.
    #[cold]
    pub(crate) fn note_unsubmitted_destroy(&mut self, destroy: Doomed) {
        let max = self.max_refs;
        for f in &mut self.slots {
            if f.live
                && f.state != SUBMITTED
                && f.refs.iter().any(|r| r.used && r.id == destroy.resource)
            {
                if f.doomed.len() < max {
                    f.doomed.push(destroy);
                } else {
                    self.untracked_refs += 1;
                }
            }
        }
    }

    /// The oldest submitted packet holding `r`, preferring one other than
    /// `destroying`. A scan: called only for held resources.
    #[cold]
    pub(crate) fn submitted_holder(
        &self,
        destroying: Option<PacketRef>,
        r: u64,
    ) -> Option<PacketRef> {
        self.slots
            .iter()
            .filter(|f| f.live && f.state == SUBMITTED && f.refs.iter().any(|x| x.id == r))
            .min_by_key(|f| (Some(f.packet) == destroying, f.serial))
            .map(|f| f.packet)
    }

    /// Resource `r` was destroyed from packet `p`'s context: `p` stops listing it,
    /// so a packet that rebuilds what it references does not fill its list with the
    /// dead. (The resource is gone: nobody counts its holds any more.)
    pub(crate) fn forget(&mut self, p: PacketRef, r: u64) {
        if let Some(slot) = self.slot(p) {
            let refs = &mut self.slots[slot as usize].refs;
            // Usually one of the latest entries; a second entry of the same id (see
            // the dedup window) only stays listed, holding nothing any more.
            if let Some(at) = refs.iter().rposition(|x| x.id == r) {
                refs.remove(at);
            }
        }
    }

    #[inline]
    fn slot(&mut self, p: PacketRef) -> Option<u32> {
        if let Some((c, slot)) = self.cache
            && c == p
        {
            return slot;
        }
        let slot = self.index.get(p).copied();
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
        let slot = match self.free.pop() {
            Some(slot) => {
                let f = &mut self.slots[slot as usize];
                f.packet = p;
                f.serial = self.serial;
                f.state = PENDING;
                f.live = true;
                slot
            }
            None => {
                self.slots.push(Flight {
                    packet: p,
                    serial: self.serial,
                    state: PENDING,
                    live: true,
                    refs: Vec::new(),
                    doomed: Vec::new(),
                });
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
        f.live = false;
        f.refs.clear();
        f.doomed.clear();
        let p = f.packet;
        self.index.remove(p);
        self.free.push(slot);
        self.cache = Some((p, None));
        if self.order.len() > 2 * self.index.len() + 64 {
            let slots = &self.slots;
            self.order.retain(|&(s, serial)| {
                slots[s as usize].live && slots[s as usize].serial == serial
            });
        }
    }

    #[cold]
    fn evict_oldest(&mut self) {
        while let Some((slot, serial)) = self.order.pop_front() {
            let f = &self.slots[slot as usize];
            if f.live && f.serial == serial {
                self.released.extend(
                    f.refs
                        .iter()
                        .filter_map(|&r| f.hold_of(r).map(|h| (r.id, h))),
                );
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

    /// Applies `stage` and returns the holds it changed.
    fn stage(t: &mut FlightTable, n: u64, stage: PacketStage) -> Vec<(u64, HoldChange)> {
        let mut out = Vec::new();
        t.on_stage(p(n), stage, |r, change| out.push((r, change)));
        out
    }

    fn doomed(resource: u64, seq: u64) -> Doomed {
        Doomed {
            resource,
            owner: 0,
            seq,
            time_ns: seq,
        }
    }

    #[test]
    fn uses_hold_before_submit_and_every_reference_holds_after_it() {
        let mut t = FlightTable::new(8, 4);
        assert_eq!(
            t.on_ref(p(1), 10, RefKind::Created),
            None,
            "created, not used"
        );
        assert_eq!(
            stage(&mut t, 1, PacketStage::Queued { command_id: 0 }),
            vec![]
        );
        assert_eq!(t.on_ref(p(1), 11, RefKind::Used), Some(Hold::Unsubmitted));
        assert_eq!(t.on_ref(p(1), 11, RefKind::Used), None, "the same hold");
        assert_eq!(
            stage(&mut t, 1, PacketStage::Submitted),
            vec![
                (10, HoldChange::Add(Hold::Submitted)),
                (11, HoldChange::Submit)
            ]
        );
        assert_eq!(t.on_ref(p(1), 12, RefKind::Rebuilt), Some(Hold::Submitted));
        assert_eq!(
            stage(&mut t, 1, PacketStage::Completed),
            vec![
                (10, HoldChange::Release(Hold::Submitted)),
                (11, HoldChange::Release(Hold::Submitted)),
                (12, HoldChange::Release(Hold::Submitted))
            ]
        );
        assert_eq!(stage(&mut t, 1, PacketStage::Presented), vec![]);
        assert!(t.index.is_empty());
    }

    #[test]
    fn a_first_use_of_a_created_resource_becomes_a_hold() {
        let mut t = FlightTable::new(8, 4);
        assert_eq!(t.on_ref(p(1), 10, RefKind::Created), None);
        assert_eq!(t.on_ref(p(1), 10, RefKind::Rebuilt), None);
        assert_eq!(t.on_ref(p(1), 10, RefKind::Used), Some(Hold::Unsubmitted));
        t.note_unsubmitted_destroy(doomed(10, 3));
        stage(&mut t, 1, PacketStage::Submitted);
        assert_eq!(t.confirmed.len(), 1);
    }

    #[test]
    fn a_destroy_before_submit_is_confirmed_only_by_the_submit() {
        let mut t = FlightTable::new(8, 4);
        t.on_ref(p(1), 10, RefKind::Used);
        t.on_ref(p(2), 10, RefKind::Used);
        t.on_ref(p(3), 10, RefKind::Rebuilt);
        t.note_unsubmitted_destroy(doomed(10, 5));
        stage(&mut t, 2, PacketStage::Dropped);
        assert!(
            t.confirmed.is_empty(),
            "a dropped packet never reached the GPU"
        );
        stage(&mut t, 3, PacketStage::Submitted);
        assert!(t.confirmed.is_empty(), "packet 3 only rebuilt it");
        stage(&mut t, 1, PacketStage::Submitted);
        assert_eq!(
            t.confirmed,
            vec![Confirmed {
                destroy: doomed(10, 5),
                packet: p(1)
            }]
        );
    }

    #[test]
    fn one_destroy_held_by_two_submitted_packets_is_confirmed_once() {
        let mut t = FlightTable::new(8, 4);
        t.on_ref(p(1), 10, RefKind::Used);
        t.on_ref(p(2), 10, RefKind::Used);
        t.note_unsubmitted_destroy(doomed(10, 5));
        stage(&mut t, 1, PacketStage::Submitted);
        stage(&mut t, 2, PacketStage::Submitted);
        assert_eq!(t.confirmed.len(), 1);
        assert_eq!(t.submitted_holder(Some(p(2)), 10), Some(p(1)));
        assert_eq!(t.submitted_holder(None, 11), None);
    }

    #[test]
    fn caps_count_what_they_drop() {
        let mut t = FlightTable::new(2, 1);
        stage(&mut t, 1, PacketStage::Submitted);
        assert_eq!(t.on_ref(p(1), 10, RefKind::Used), Some(Hold::Submitted));
        assert_eq!(t.on_ref(p(1), 11, RefKind::Used), None);
        assert_eq!(t.untracked_refs, 1);
        stage(&mut t, 2, PacketStage::Queued { command_id: 0 });
        // A third packet evicts the oldest, releasing its hold.
        assert_eq!(
            stage(&mut t, 3, PacketStage::Queued { command_id: 0 }),
            vec![(10, HoldChange::Release(Hold::Submitted))]
        );
        assert_eq!((t.evicted, t.index.len()), (1, 2));
        assert!(!t.has_released());
    }
}
