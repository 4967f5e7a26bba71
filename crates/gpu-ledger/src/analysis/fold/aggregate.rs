//! What the analyzer counts per window: events, packet stages, per-type lifecycle
//! counts, lifetimes, destroy causes and destroy bursts.
//!
//! A [`WindowAgg`] covers one stretch of the stream (a segment, or a whole window)
//! and merges with the next stretch, so windows can be decided after the fact. It
//! holds counters only: its size depends on the number of resource types, never on
//! the number of events.

use crate::event::PacketStage;

use super::bursts::Bursts;
use super::windows::Part;

/// Counter slots of destroy causes, in the order [`TypeStats::causes`] counts them:
/// rebuild, replaced (by a later create), owner-removed, unknown, replaced by an
/// earlier create (see `attribution`).
pub(crate) const CAUSES: usize = 5;

/// Packet stages seen in a stretch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PacketCounts {
    pub(crate) queued: u64,
    pub(crate) submitted: u64,
    pub(crate) completed: u64,
    pub(crate) presented: u64,
    pub(crate) dropped: u64,
    pub(crate) noop: u64,
    pub(crate) failed: u64,
}

impl PacketCounts {
    /// Counts one packet reaching `stage`.
    #[inline]
    pub(crate) fn add(&mut self, stage: PacketStage) {
        let n = match stage {
            PacketStage::Queued { .. } => &mut self.queued,
            PacketStage::Submitted => &mut self.submitted,
            PacketStage::Completed => &mut self.completed,
            PacketStage::Presented => &mut self.presented,
            PacketStage::Dropped => &mut self.dropped,
            PacketStage::NoOp => &mut self.noop,
            PacketStage::Failed => &mut self.failed,
        };
        *n += 1;
    }

    fn merge(&mut self, o: &Self) {
        self.queued += o.queued;
        self.submitted += o.submitted;
        self.completed += o.completed;
        self.presented += o.presented;
        self.dropped += o.dropped;
        self.noop += o.noop;
        self.failed += o.failed;
    }
}

/// Lifecycle counts of one resource type in a stretch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TypeStats {
    pub(crate) created: u64,
    pub(crate) destroyed: u64,
    /// Sum of lifetimes of destroyed resources whose create was seen.
    pub(crate) lifetime_sum_ns: u128,
    /// How many destroys `lifetime_sum_ns` covers.
    pub(crate) lifetimes: u64,
    pub(crate) short_lived: u64,
    pub(crate) rebuilds: u64,
    /// Destroys by cause slot (see [`CAUSES`]).
    pub(crate) causes: [u64; CAUSES],
    /// Destroys whose cause is still being looked for.
    pub(crate) pending: u64,
}

impl TypeStats {
    fn merge(&mut self, o: &Self) {
        self.created += o.created;
        self.destroyed += o.destroyed;
        self.lifetime_sum_ns += o.lifetime_sum_ns;
        self.lifetimes += o.lifetimes;
        self.short_lived += o.short_lived;
        self.rebuilds += o.rebuilds;
        for (a, b) in self.causes.iter_mut().zip(o.causes) {
            *a += b;
        }
        self.pending += o.pending;
    }
}

/// Everything counted in one stretch of the stream.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct WindowAgg {
    pub(crate) events: u64,
    /// Time of the stretch's first event.
    pub(crate) first_ns: Option<u64>,
    /// Time of the stretch's last event.
    pub(crate) last_ns: u64,
    pub(crate) packets: PacketCounts,
    /// Per type, by dense type index.
    pub(crate) types: Vec<TypeStats>,
    /// Which of `types` this stretch counted: bit `i` for type `i` below 63, bit
    /// 63 for any from 63 on. Merging and resetting a stretch touch only those,
    /// so a segment costs what it counted, not every type the stream has.
    touched: u64,
    pub(crate) bursts: Bursts,
    /// Resources that became live minus those that stopped being live.
    pub(crate) live_delta: i64,
    pub(crate) lost: u64,
    pub(crate) markers: u64,
    pub(crate) touches: u64,
    pub(crate) binds: u64,
    pub(crate) unbinds: u64,
    pub(crate) pool_events: u64,
}

impl WindowAgg {
    /// Empty, keeping `top_bursts` destroy-burst buckets.
    pub(crate) fn new(top_bursts: usize) -> Self {
        Self {
            bursts: Bursts::new(top_bursts),
            ..Self::default()
        }
    }

    /// Counts one event at `time_ns`.
    #[inline]
    pub(crate) fn on_event(&mut self, time_ns: u64) {
        self.events += 1;
        if self.first_ns.is_none() {
            self.first_ns = Some(time_ns);
        }
        self.last_ns = time_ns;
    }

    /// The counters of type `ty`.
    #[inline]
    pub(crate) fn ty(&mut self, ty: u16) -> &mut TypeStats {
        let i = ty as usize;
        if self.types.len() <= i {
            self.types.resize(i + 1, TypeStats::default());
        }
        self.touched |= 1 << i.min(63);
        &mut self.types[i]
    }

    /// The indices in `types` whose bits `touched` holds, as ranges.
    #[inline]
    fn touched_ranges(touched: u64, len: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
        let mut bits = touched;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(if i == 63 { 63..len } else { i..i + 1 })
        })
    }

    /// All creates and destroys.
    pub(crate) fn churn(&self) -> u64 {
        self.types.iter().map(|t| t.created + t.destroyed).sum()
    }
}

impl Part for WindowAgg {
    fn merge(&mut self, o: &Self) {
        if o.events == 0 && o.touched == 0 {
            return;
        }
        self.events += o.events;
        if self.first_ns.is_none() {
            self.first_ns = o.first_ns;
        }
        if o.first_ns.is_some() {
            self.last_ns = o.last_ns;
        }
        self.packets.merge(&o.packets);
        if self.types.len() < o.types.len() {
            self.types.resize(o.types.len(), TypeStats::default());
        }
        for range in Self::touched_ranges(o.touched, o.types.len()) {
            for (a, b) in self.types[range.clone()].iter_mut().zip(&o.types[range]) {
                a.merge(b);
            }
        }
        self.touched |= o.touched;
        self.bursts.merge(&o.bursts);
        self.live_delta += o.live_delta;
        self.lost = self.lost.saturating_add(o.lost);
        self.markers += o.markers;
        self.touches += o.touches;
        self.binds += o.binds;
        self.unbinds += o.unbinds;
        self.pool_events += o.pool_events;
    }

    fn reset(&mut self) {
        self.events = 0;
        self.first_ns = None;
        self.last_ns = 0;
        self.packets = PacketCounts::default();
        for range in Self::touched_ranges(self.touched, self.types.len()) {
            self.types[range].fill(TypeStats::default());
        }
        self.touched = 0;
        self.bursts.reset();
        self.live_delta = 0;
        self.lost = 0;
        self.markers = 0;
        self.touches = 0;
        self.binds = 0;
        self.unbinds = 0;
        self.pool_events = 0;
    }
}

/// Per-owner counts in one stretch of the stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct OwnerCounts {
    pub(crate) created: u64,
    pub(crate) destroyed: u64,
    pub(crate) short_lived: u64,
    /// Creates and destroys of transient resources.
    pub(crate) transient: u64,
    /// Recreations: creates beyond the first of a resource slot (a create after a
    /// destroy of the same key, or a create a later destroy was replaced by).
    pub(crate) recreated: u64,
    /// Of `recreated`, those of transient resources.
    pub(crate) transient_recreated: u64,
    /// Of `destroyed`, those of transient resources.
    pub(crate) transient_destroyed: u64,
}

impl Part for OwnerCounts {
    fn merge(&mut self, o: &Self) {
        self.created += o.created;
        self.destroyed += o.destroyed;
        self.short_lived += o.short_lived;
        self.transient += o.transient;
        self.recreated += o.recreated;
        self.transient_recreated += o.transient_recreated;
        self.transient_destroyed += o.transient_destroyed;
    }

    fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_counts_and_keeps_first_and_last_times() {
        let mut a = WindowAgg::new(3);
        a.on_event(10);
        a.ty(1).created += 2;
        let mut b = WindowAgg::new(3);
        b.on_event(20);
        b.on_event(30);
        b.ty(0).destroyed += 1;
        b.packets.presented += 1;
        a.merge(&b);
        assert_eq!((a.events, a.first_ns, a.last_ns), (3, Some(10), 30));
        assert_eq!((a.ty(1).created, a.ty(0).destroyed, a.churn()), (2, 1, 3));
        assert_eq!(a.packets.presented, 1);
        a.reset();
        assert_eq!((a.events, a.churn(), a.first_ns), (0, 0, None));
    }

    #[test]
    fn merge_and_reset_cover_every_counted_type_past_the_63rd_too() {
        let types = [0u16, 5, 62, 63, 64, 200];
        let mut a = WindowAgg::new(3);
        let mut b = WindowAgg::new(3);
        for ty in types {
            b.ty(ty).created += u64::from(ty) + 1;
        }
        a.merge(&b);
        a.merge(&b);
        for ty in types {
            assert_eq!(a.ty(ty).created, 2 * (u64::from(ty) + 1), "type {ty}");
        }
        let sum: u64 = types.iter().map(|&ty| u64::from(ty) + 1).sum();
        assert_eq!(a.churn(), 2 * sum);
        b.reset();
        assert_eq!(b.churn(), 0);
        b.ty(1).destroyed += 1;
        a.merge(&b);
        assert_eq!((a.churn(), a.ty(1).destroyed), (2 * sum + 1, 1));
    }
}
