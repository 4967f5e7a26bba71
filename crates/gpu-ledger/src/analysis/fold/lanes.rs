//! Per-lane state: packet outcomes, submit→present latency, churn and the rolling
//! window of the last W packets, plus the "dirty since the last present" flag that
//! decides whether a present is clean.
//!
//! A lane costs a fixed amount of memory (two rings of W entries), whatever the
//! stream's length; lanes beyond the cap share one overflow row. It must never keep
//! per-packet history beyond those W entries.

use super::aggregate::PacketCounts;
use super::hashing::FxHashMap;
use super::ring::Ring;

/// The lane id every lane beyond the cap is counted as.
pub(crate) const OVERFLOW_LANE: u64 = u64::MAX;

/// One finished packet, as the rolling window keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RecentPacket {
    pub(crate) churn: u32,
    pub(crate) presented: bool,
}

/// What the analyzer knows about one lane.
#[derive(Clone, Debug)]
pub(crate) struct LaneState {
    pub(crate) id: u64,
    /// Packet stages on this lane, as a window counts them.
    pub(crate) packets: PacketCounts,
    /// Creates and destroys made in this lane's packets.
    pub(crate) created: u64,
    pub(crate) destroyed: u64,
    /// Packets that reached a terminal state.
    pub(crate) finished: u64,
    /// A non-transient resource was created or destroyed since the last present.
    pub(crate) dirty: bool,
    pub(crate) last_present_seq: Option<u64>,
    pub(crate) latency_count: u64,
    pub(crate) latency_sum_ns: u128,
    pub(crate) latency_max_ns: u64,
    pub(crate) recent_latency: Ring<u64>,
    pub(crate) recent_packets: Ring<RecentPacket>,
}

impl LaneState {
    fn new(id: u64, w: usize) -> Self {
        Self {
            id,
            packets: PacketCounts::default(),
            created: 0,
            destroyed: 0,
            finished: 0,
            dirty: false,
            last_present_seq: None,
            latency_count: 0,
            latency_sum_ns: 0,
            latency_max_ns: 0,
            recent_latency: Ring::new(w),
            recent_packets: Ring::new(w),
        }
    }

    /// Whether a present now is clean: nothing non-transient was created or
    /// destroyed on this lane since its previous present, nor outside any packet
    /// (`global_dirty_seq`: the last such event) since then.
    pub(crate) fn is_clean(&self, global_dirty_seq: Option<u64>) -> bool {
        if self.dirty {
            return false;
        }
        match (global_dirty_seq, self.last_present_seq) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(dirty), Some(present)) => dirty < present,
        }
    }

    /// Records a submit→present latency.
    pub(crate) fn on_latency(&mut self, ns: u64) {
        self.latency_count += 1;
        self.latency_sum_ns += u128::from(ns);
        self.latency_max_ns = self.latency_max_ns.max(ns);
        self.recent_latency.push(ns);
    }
}

/// All lanes.
#[derive(Clone, Debug)]
pub(crate) struct LaneTable {
    pub(crate) lanes: Vec<LaneState>,
    index: FxHashMap<u64, u32>,
    window: usize,
    max_lanes: usize,
    overflow: Option<u32>,
    /// The lane id looked up last and its index (a lane's index never changes).
    last: Option<(u64, u32)>,
}

impl LaneTable {
    /// Empty; rolling windows of `w` packets, at most `max_lanes` lanes.
    pub(crate) fn new(w: usize, max_lanes: usize) -> Self {
        Self {
            lanes: Vec::new(),
            index: FxHashMap::default(),
            window: w,
            max_lanes: max_lanes.max(1),
            overflow: None,
            last: None,
        }
    }

    /// The index of lane `id`, adding it if new.
    #[inline]
    pub(crate) fn lane(&mut self, id: u64) -> u32 {
        if let Some((last, i)) = self.last
            && last == id
        {
            return i;
        }
        let i = match self.index.get(&id) {
            Some(&i) => i,
            None => self.add(id),
        };
        self.last = Some((id, i));
        i
    }

    #[cold]
    fn add(&mut self, id: u64) -> u32 {
        if self.lanes.len() >= self.max_lanes {
            if let Some(i) = self.overflow {
                return i;
            }
            self.lanes.push(LaneState::new(OVERFLOW_LANE, self.window));
            let i = (self.lanes.len() - 1) as u32;
            self.overflow = Some(i);
            return i;
        }
        self.lanes.push(LaneState::new(id, self.window));
        let i = (self.lanes.len() - 1) as u32;
        self.index.insert(id, i);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleanliness_follows_lane_and_global_churn() {
        let mut lanes = LaneTable::new(4, 8);
        let i = lanes.lane(7) as usize;
        let lane = &mut lanes.lanes[i];
        assert!(lane.is_clean(None));
        assert!(
            !lane.is_clean(Some(3)),
            "churn outside packets before the first present"
        );
        lane.last_present_seq = Some(5);
        assert!(lane.is_clean(Some(3)));
        assert!(!lane.is_clean(Some(6)));
        lane.dirty = true;
        assert!(!lane.is_clean(None));
    }
}
