//! Packets in flight: their stages, the resources they created and destroyed, and
//! the stage-order checks that find out-of-order packet events.
//!
//! A packet is tracked from its first event until it reaches a terminal state
//! (presented, dropped, no-op, failed); then only its key is remembered for a while,
//! to tell a late event from a new packet. The live table is capped
//! ([`Definitions::max_live_packets`](crate::analysis::Definitions::max_live_packets)): beyond
//! it the oldest packet is evicted and counted, so memory never depends on the
//! stream's length, even for packets that never finish.

use std::collections::VecDeque;

use crate::event::{PacketRef, PacketStage};

use super::anomalies::AnomalyKind;
use super::ids::IdMap;
use super::lanes::LaneTable;
use super::recent::Recent;

const QUEUED: u8 = 1;
const SUBMITTED: u8 = 2;
const COMPLETED: u8 = 4;

/// A packet that has not finished.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PacketState {
    first_seq: u64,
    pub(crate) lane: u32,
    staged: u8,
    submitted_ns: Option<u64>,
    pub(crate) created: u32,
    pub(crate) destroyed: u32,
}

impl PacketState {
    /// Whether it was queued or submitted (so, in flight).
    pub(crate) fn is_in_flight(&self) -> bool {
        self.staged & (QUEUED | SUBMITTED) != 0
    }
}

/// What a stage event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StageOutcome {
    /// A valid step; `finished` is set when it was terminal.
    Accepted {
        lane: u32,
        finished: Option<FinishedPacket>,
    },
    /// Out of order: counted as an anomaly, not as a step.
    Anomaly { lane: u32, kind: AnomalyKind },
    /// A completion after the packet finished: normal, and not counted again.
    LateCompletion { lane: u32 },
}

/// A packet that just reached its terminal state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FinishedPacket {
    pub(crate) created: u32,
    pub(crate) destroyed: u32,
    /// Submit→present, for presented packets that were submitted.
    pub(crate) latency_ns: Option<u64>,
    /// It was submitted before it finished.
    pub(crate) submitted: bool,
}

/// The packet that created (or destroyed) the most resources, ties to the lowest ref.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PacketMax {
    pub(crate) count: u64,
    pub(crate) packet: Option<PacketRef>,
}

impl PacketMax {
    pub(crate) fn offer(&mut self, count: u64, packet: PacketRef) {
        if count == 0 {
            return;
        }
        let better = match self.packet {
            None => true,
            Some(p) => count > self.count || (count == self.count && packet < p),
        };
        if better {
            *self = Self {
                count,
                packet: Some(packet),
            };
        }
    }
}

/// Resources created and destroyed per packet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PerPacketStats {
    pub(crate) finished: u64,
    pub(crate) with_resources: u64,
    pub(crate) created_in: u64,
    pub(crate) destroyed_in: u64,
    pub(crate) created_outside: u64,
    pub(crate) destroyed_outside: u64,
    /// Resource events naming a packet that had already finished.
    pub(crate) late: u64,
    pub(crate) evicted: u64,
    pub(crate) max_created: PacketMax,
    pub(crate) max_destroyed: PacketMax,
}

/// All packets in flight.
#[derive(Clone, Debug)]
pub(crate) struct PacketTracker {
    pub(crate) live: IdMap<PacketRef, PacketState>,
    order: VecDeque<(PacketRef, u64)>,
    recent: Recent<PacketRef>,
    cap: usize,
    pub(crate) stats: PerPacketStats,
}

impl PacketTracker {
    /// Empty, tracking at most `cap` packets at once.
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            live: IdMap::default(),
            order: VecDeque::new(),
            recent: Recent::new(4_096),
            cap: cap.max(1),
            stats: PerPacketStats::default(),
        }
    }

    /// A resource was created (`created`) or destroyed in packet `p`; returns its lane.
    #[inline]
    pub(crate) fn on_resource(
        &mut self,
        p: PacketRef,
        created: bool,
        seq: u64,
        lanes: &mut LaneTable,
    ) -> u32 {
        if created {
            self.stats.created_in += 1;
        } else {
            self.stats.destroyed_in += 1;
        }
        let st = match self.live.get_mut(p) {
            Some(st) => st,
            None if self.recent.contains(&p) => {
                self.stats.late += 1;
                return lanes.lane(p.lane.0);
            }
            None => self.insert(p, seq, lanes),
        };
        if created {
            st.created = st.created.saturating_add(1);
        } else {
            st.destroyed = st.destroyed.saturating_add(1);
        }
        st.lane
    }

    /// A resource event outside any packet.
    pub(crate) fn on_outside(&mut self, created: bool) {
        if created {
            self.stats.created_outside += 1;
        } else {
            self.stats.destroyed_outside += 1;
        }
    }

    /// Packet `p` reached `stage` at `time_ns`.
    pub(crate) fn on_stage(
        &mut self,
        p: PacketRef,
        stage: PacketStage,
        seq: u64,
        time_ns: u64,
        lanes: &mut LaneTable,
    ) -> StageOutcome {
        let terminal = matches!(
            stage,
            PacketStage::Presented | PacketStage::Dropped | PacketStage::NoOp | PacketStage::Failed
        );
        let Some(st) = self.live.get_mut(p) else {
            let lane = lanes.lane(p.lane.0);
            if self.recent.contains(&p) {
                return match stage {
                    PacketStage::Completed => StageOutcome::LateCompletion { lane },
                    _ => StageOutcome::Anomaly {
                        lane,
                        kind: AnomalyKind::PacketAfterTerminal,
                    },
                };
            }
            if terminal {
                self.recent.insert(p, ());
                self.stats.finished += 1;
                let finished = FinishedPacket {
                    created: 0,
                    destroyed: 0,
                    latency_ns: None,
                    submitted: false,
                };
                return StageOutcome::Accepted {
                    lane,
                    finished: Some(finished),
                };
            }
            if stage == PacketStage::Completed {
                return StageOutcome::Accepted {
                    lane,
                    finished: None,
                };
            }
            let st = self.insert(p, seq, lanes);
            return Self::step(st, stage, time_ns);
        };
        if !terminal {
            return Self::step(st, stage, time_ns);
        }
        let lane = st.lane;
        let finished = FinishedPacket {
            created: st.created,
            destroyed: st.destroyed,
            latency_ns: match stage {
                PacketStage::Presented => st.submitted_ns.map(|s| time_ns.saturating_sub(s)),
                _ => None,
            },
            submitted: st.staged & SUBMITTED != 0,
        };
        self.live.remove(p);
        self.recent.insert(p, ());
        self.finish(p, finished.created, finished.destroyed);
        self.compact();
        StageOutcome::Accepted {
            lane,
            finished: Some(finished),
        }
    }

    fn step(st: &mut PacketState, stage: PacketStage, time_ns: u64) -> StageOutcome {
        let lane = st.lane;
        let (bit, later) = match stage {
            PacketStage::Queued { .. } => (QUEUED, SUBMITTED | COMPLETED),
            PacketStage::Submitted => (SUBMITTED, COMPLETED),
            _ => (COMPLETED, 0),
        };
        if st.staged & bit != 0 {
            return StageOutcome::Anomaly {
                lane,
                kind: AnomalyKind::PacketDuplicateStage,
            };
        }
        if st.staged & later != 0 {
            return StageOutcome::Anomaly {
                lane,
                kind: AnomalyKind::PacketStageBackwards,
            };
        }
        st.staged |= bit;
        if bit == SUBMITTED {
            st.submitted_ns = Some(time_ns);
        }
        StageOutcome::Accepted {
            lane,
            finished: None,
        }
    }

    fn finish(&mut self, p: PacketRef, created: u32, destroyed: u32) {
        self.stats.finished += 1;
        if created + destroyed > 0 {
            self.stats.with_resources += 1;
        }
        self.stats.max_created.offer(u64::from(created), p);
        self.stats.max_destroyed.offer(u64::from(destroyed), p);
    }

    fn insert(&mut self, p: PacketRef, seq: u64, lanes: &mut LaneTable) -> &mut PacketState {
        if self.live.len() >= self.cap {
            self.evict_oldest();
        }
        self.order.push_back((p, seq));
        let lane = lanes.lane(p.lane.0);
        self.live.get_or_insert_with(p, || PacketState {
            first_seq: seq,
            lane,
            staged: 0,
            submitted_ns: None,
            created: 0,
            destroyed: 0,
        })
    }

    #[cold]
    fn evict_oldest(&mut self) {
        while let Some((p, seq)) = self.order.pop_front() {
            if self.live.get(p).is_some_and(|st| st.first_seq == seq)
                && let Some(st) = self.live.remove(p)
            {
                self.stats.evicted += 1;
                self.stats.max_created.offer(u64::from(st.created), p);
                self.stats.max_destroyed.offer(u64::from(st.destroyed), p);
                return;
            }
        }
    }

    fn compact(&mut self) {
        if self.order.len() > 2 * self.live.len() + 64 {
            let live = &self.live;
            self.order
                .retain(|(p, seq)| live.get(*p).is_some_and(|st| st.first_seq == *seq));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(
        t: &mut PacketTracker,
        lanes: &mut LaneTable,
        p: u64,
        stage: PacketStage,
    ) -> StageOutcome {
        t.on_stage(PacketRef::new(1, p), stage, 0, 10, lanes)
    }

    #[test]
    fn stages_in_order_finish_with_counts_and_latency() {
        let mut lanes = LaneTable::new(4, 4);
        let mut t = PacketTracker::new(8);
        outcome(&mut t, &mut lanes, 1, PacketStage::Queued { command_id: 3 });
        t.on_stage(
            PacketRef::new(1, 1),
            PacketStage::Submitted,
            1,
            4,
            &mut lanes,
        );
        t.on_resource(PacketRef::new(1, 1), true, 2, &mut lanes);
        let done = outcome(&mut t, &mut lanes, 1, PacketStage::Presented);
        let finished = FinishedPacket {
            created: 1,
            destroyed: 0,
            latency_ns: Some(6),
            submitted: true,
        };
        assert_eq!(
            done,
            StageOutcome::Accepted {
                lane: 0,
                finished: Some(finished)
            }
        );
        assert_eq!(
            outcome(&mut t, &mut lanes, 1, PacketStage::Completed),
            StageOutcome::LateCompletion { lane: 0 }
        );
        assert_eq!(
            outcome(&mut t, &mut lanes, 1, PacketStage::Presented),
            StageOutcome::Anomaly {
                lane: 0,
                kind: AnomalyKind::PacketAfterTerminal
            }
        );
        assert!(t.live.is_empty());
        assert_eq!(t.stats.max_created.packet, Some(PacketRef::new(1, 1)));
    }

    #[test]
    fn backwards_and_duplicate_stages_are_anomalies() {
        let mut lanes = LaneTable::new(4, 4);
        let mut t = PacketTracker::new(8);
        outcome(&mut t, &mut lanes, 2, PacketStage::Submitted);
        let back = outcome(&mut t, &mut lanes, 2, PacketStage::Queued { command_id: 0 });
        let dup = outcome(&mut t, &mut lanes, 2, PacketStage::Submitted);
        assert_eq!(
            (back, dup),
            (
                StageOutcome::Anomaly {
                    lane: 0,
                    kind: AnomalyKind::PacketStageBackwards
                },
                StageOutcome::Anomaly {
                    lane: 0,
                    kind: AnomalyKind::PacketDuplicateStage
                }
            )
        );
    }

    #[test]
    fn the_oldest_packet_is_evicted_at_the_cap() {
        let mut lanes = LaneTable::new(4, 4);
        let mut t = PacketTracker::new(2);
        for p in 0..5u64 {
            t.on_resource(PacketRef::new(1, p), true, p, &mut lanes);
        }
        assert_eq!((t.live.len(), t.stats.evicted), (2, 3));
        assert!(t.live.contains_key(PacketRef::new(1, 4)));
    }
}
