//! GPU work as packets: one lane per `VkQueue`, one packet per submission or
//! present, and completion learnt only from what the program itself waits on.
//!
//! # Why one lane per queue
//! A packet must be something the layer sees submitted and, later, complete;
//! only queue operations have both. Completion is ordered per queue: a fence or
//! semaphore signalled by a submission covers every earlier submission on the
//! same queue, so one observed wait completes a prefix of the lane, exactly as
//! the validation layer retires a queue's submissions. Lanes per swapchain would
//! split one window's frames across lanes every time a resize replaces the
//! swapchain, and leave headless programs (compute, offscreen, wgpu without a
//! surface) with no lane at all.
//!
//! # Packets
//! Every `vkQueueSubmit`/`vkQueueSubmit2` call is one packet: `Submitted` before
//! the driver sees it, then `Completed` when the program observes it done
//! (`Failed` if the call fails). Every swapchain in a `vkQueuePresentKHR` is one
//! packet: `Submitted`, then `Presented` or `Failed`. Presents are packets of
//! their own rather than a stage of the submission that drew the frame, because
//! the analysis ends a packet's flight at its present, and a frame's resources
//! are in use until its submission completes, which is usually after the
//! present call returned.
//!
//! # Completion
//! Learnt from successful `vkWaitForFences` (all fences, or a single one),
//! `vkGetFenceStatus`, `vkWaitSemaphores` (all semaphores, or a single one),
//! `vkGetSemaphoreCounterValue`, `vkQueueWaitIdle` and `vkDeviceWaitIdle`, and
//! carried through binary semaphores: a submission that waited on another's
//! semaphore completes it too. The layer never waits or polls on its own. An
//! any-of wait over several fences or semaphores says nothing about which one
//! finished, so it completes nothing. Bounded: at most [`MAX_PENDING`] packets
//! per lane and [`MAX_TIMELINE_SIGNALS`] pending signals per timeline semaphore
//! wait for their completion; older ones are forgotten (their `Completed` is
//! never recorded). This module never calls Vulkan or records anything itself:
//! it returns the packets that completed.

use std::collections::VecDeque;

use gpu_ledger::PacketRef;
use rustc_hash::{FxHashMap, FxHashSet};

/// Submissions per lane that can wait for their completion.
pub(crate) const MAX_PENDING: usize = 65_536;
/// Pending signal operations per timeline semaphore.
pub(crate) const MAX_TIMELINE_SIGNALS: usize = 4_096;

/// A submission not yet seen complete, and the submissions it waited on.
#[derive(Clone, Debug)]
struct Pending {
    packet: u64,
    waited: Vec<PacketRef>,
}

/// One queue's lane.
#[derive(Debug)]
struct Lane {
    lane: u64,
    next: u64,
    pending: VecDeque<Pending>,
}

/// What a submission signals and waits on, as the layer read it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sync {
    /// The fence it signals, if any.
    pub(crate) fence: u64,
    /// Semaphores it waits on, with the timeline value (ignored for binary ones).
    pub(crate) waits: Vec<(u64, u64)>,
    /// Semaphores it signals, with the timeline value (ignored for binary ones).
    pub(crate) signals: Vec<(u64, u64)>,
}

/// The queues of one device and the synchronisation objects that tie their
/// packets to the program's waits.
#[derive(Debug, Default)]
pub(crate) struct Work {
    lanes: Vec<Lane>,
    queues: FxHashMap<u64, usize>,
    fences: FxHashMap<u64, PacketRef>,
    timelines: FxHashMap<u64, VecDeque<(u64, PacketRef)>>,
    binary: FxHashMap<u64, PacketRef>,
    timeline_semaphores: FxHashSet<u64>,
}

impl Work {
    /// Whether `queue` has a lane yet.
    pub(crate) fn has_queue(&self, queue: u64) -> bool {
        self.queues.contains_key(&queue)
    }

    /// Gives `queue` the lane `lane` (the queue's resource id).
    pub(crate) fn add_queue(&mut self, queue: u64, lane: u64) {
        self.queues.insert(queue, self.lanes.len());
        self.lanes.push(Lane {
            lane,
            next: 1,
            pending: VecDeque::new(),
        });
    }

    /// The lane ids of every queue, in the order they were added.
    pub(crate) fn lane_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.lanes.iter().map(|l| l.lane)
    }

    /// The next packet on `queue`'s lane (`None` for a queue without a lane).
    pub(crate) fn next_packet(&mut self, queue: u64) -> Option<PacketRef> {
        let lane = &mut self.lanes[*self.queues.get(&queue)?];
        let packet = PacketRef::new(lane.lane, lane.next);
        lane.next += 1;
        Some(packet)
    }

    /// `semaphore` is a timeline semaphore (`VkSemaphoreTypeCreateInfo`).
    pub(crate) fn add_timeline(&mut self, semaphore: u64) {
        self.timeline_semaphores.insert(semaphore);
    }

    /// `semaphore` was destroyed.
    pub(crate) fn forget_semaphore(&mut self, semaphore: u64) {
        self.timeline_semaphores.remove(&semaphore);
        self.timelines.remove(&semaphore);
        self.binary.remove(&semaphore);
    }

    /// `fence` was destroyed.
    pub(crate) fn forget_fence(&mut self, fence: u64) {
        self.fences.remove(&fence);
    }

    /// Submission `packet` was handed to the driver with `sync`: it now waits for
    /// its completion, linked to the submissions whose semaphores it waits on.
    pub(crate) fn submitted(&mut self, packet: PacketRef, sync: &Sync) {
        let mut waited = Vec::new();
        for &(semaphore, value) in &sync.waits {
            if self.timeline_semaphores.contains(&semaphore) {
                let signaler = self
                    .timelines
                    .get(&semaphore)
                    .and_then(|s| s.iter().rev().find(|(v, _)| *v <= value))
                    .map(|&(_, p)| p);
                waited.extend(signaler);
            } else {
                waited.extend(self.binary.remove(&semaphore));
            }
        }
        for &(semaphore, value) in &sync.signals {
            if self.timeline_semaphores.contains(&semaphore) {
                let signals = self.timelines.entry(semaphore).or_default();
                if signals.len() >= MAX_TIMELINE_SIGNALS {
                    signals.pop_front();
                }
                signals.push_back((value, packet));
            } else {
                self.binary.insert(semaphore, packet);
            }
        }
        if sync.fence != 0 {
            self.fences.insert(sync.fence, packet);
        }
        if let Some(lane) = self.lane_mut(packet.lane.0) {
            if lane.pending.len() >= MAX_PENDING {
                lane.pending.pop_front();
            }
            lane.pending.push_back(Pending {
                packet: packet.packet.0,
                waited,
            });
        }
    }

    /// A present waited on binary `semaphores`: they are consumed (a present
    /// tells nothing about completion).
    pub(crate) fn present_waited(&mut self, semaphores: &[u64]) {
        for semaphore in semaphores {
            self.binary.remove(semaphore);
        }
    }

    /// Submission `packet` failed: it will never complete.
    pub(crate) fn failed(&mut self, packet: PacketRef) {
        if let Some(lane) = self.lane_mut(packet.lane.0) {
            lane.pending.retain(|p| p.packet != packet.packet.0);
        }
        self.fences.retain(|_, p| *p != packet);
        self.binary.retain(|_, p| *p != packet);
        for signals in self.timelines.values_mut() {
            signals.retain(|(_, p)| *p != packet);
        }
    }

    /// The program saw `fence` signalled: calls `done` for each packet that
    /// completed with it.
    pub(crate) fn fence_signalled(&mut self, fence: u64, done: impl FnMut(PacketRef)) {
        if let Some(&packet) = self.fences.get(&fence) {
            self.complete(packet, done);
        }
    }

    /// The program saw timeline `semaphore` reach `value`.
    pub(crate) fn timeline_reached(
        &mut self,
        semaphore: u64,
        value: u64,
        mut done: impl FnMut(PacketRef),
    ) {
        let mut reached = Vec::new();
        if let Some(signals) = self.timelines.get_mut(&semaphore) {
            while signals.front().is_some_and(|(v, _)| *v <= value) {
                reached.extend(signals.pop_front().map(|(_, p)| p));
            }
        }
        for packet in reached {
            self.complete(packet, &mut done);
        }
    }

    /// The program saw `queue` idle: every packet on its lane completed.
    pub(crate) fn queue_idle(&mut self, queue: u64, done: impl FnMut(PacketRef)) {
        let Some(&index) = self.queues.get(&queue) else {
            return;
        };
        let lane = &self.lanes[index];
        if let Some(last) = lane.pending.back() {
            let packet = PacketRef::new(lane.lane, last.packet);
            self.complete(packet, done);
        }
    }

    /// The program saw the device idle: every packet completed.
    pub(crate) fn device_idle(&mut self, mut done: impl FnMut(PacketRef)) {
        let queues: Vec<u64> = self.queues.keys().copied().collect();
        for queue in queues {
            self.queue_idle(queue, &mut done);
        }
    }

    /// Completes `packet`, every earlier packet on its lane, and (through the
    /// semaphores they waited on) what they waited for.
    fn complete(&mut self, packet: PacketRef, mut done: impl FnMut(PacketRef)) {
        let mut stack = vec![packet];
        while let Some(p) = stack.pop() {
            let Some(lane) = self.lane_mut(p.lane.0) else {
                continue;
            };
            let lane_id = lane.lane;
            while lane.pending.front().is_some_and(|f| f.packet <= p.packet.0) {
                if let Some(finished) = lane.pending.pop_front() {
                    done(PacketRef::new(lane_id, finished.packet));
                    stack.extend(finished.waited);
                }
            }
        }
    }

    fn lane_mut(&mut self, lane: u64) -> Option<&mut Lane> {
        self.lanes.iter_mut().find(|l| l.lane == lane)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completed(
        work: &mut Work,
        f: impl FnOnce(&mut Work, &mut dyn FnMut(PacketRef)),
    ) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        f(work, &mut |p| out.push((p.lane.0, p.packet.0)));
        out
    }

    fn two_queues() -> Work {
        let mut work = Work::default();
        work.add_queue(0xa0, 10);
        work.add_queue(0xa1, 20);
        work
    }

    #[test]
    fn a_fence_completes_its_packet_and_every_earlier_one_on_the_queue_once() {
        let mut work = two_queues();
        for fence in [0, 0xf, 0] {
            let p = work.next_packet(0xa0).expect("a lane");
            work.submitted(
                p,
                &Sync {
                    fence,
                    ..Sync::default()
                },
            );
        }
        assert_eq!(
            completed(&mut work, |w, d| w.fence_signalled(0xf, d)),
            vec![(10, 1), (10, 2)]
        );
        assert_eq!(
            completed(&mut work, |w, d| w.fence_signalled(0xf, d)),
            vec![],
            "only once"
        );
        assert_eq!(
            completed(&mut work, |w, d| w.queue_idle(0xa0, d)),
            vec![(10, 3)]
        );
    }

    #[test]
    fn a_binary_semaphore_carries_completion_across_queues() {
        let mut work = two_queues();
        let upload = work.next_packet(0xa1).expect("a lane");
        work.submitted(
            upload,
            &Sync {
                signals: vec![(0x5, 0)],
                ..Sync::default()
            },
        );
        let draw = work.next_packet(0xa0).expect("a lane");
        work.submitted(
            draw,
            &Sync {
                waits: vec![(0x5, 0)],
                fence: 0xf,
                ..Sync::default()
            },
        );
        assert_eq!(
            completed(&mut work, |w, d| w.fence_signalled(0xf, d)),
            vec![(10, 1), (20, 1)]
        );
    }

    #[test]
    fn a_timeline_value_completes_the_signals_up_to_it() {
        let mut work = two_queues();
        work.add_timeline(0x7);
        for value in 1..=3 {
            let p = work.next_packet(0xa0).expect("a lane");
            work.submitted(
                p,
                &Sync {
                    signals: vec![(0x7, value)],
                    ..Sync::default()
                },
            );
        }
        assert_eq!(
            completed(&mut work, |w, d| w.timeline_reached(0x7, 2, d)),
            vec![(10, 1), (10, 2)]
        );
        assert_eq!(completed(&mut work, |w, d| w.device_idle(d)), vec![(10, 3)]);
        assert_eq!(
            completed(&mut work, |w, d| w.timeline_reached(0x7, 9, d)),
            vec![]
        );
    }

    #[test]
    fn a_failed_submission_never_completes() {
        let mut work = two_queues();
        let p = work.next_packet(0xa0).expect("a lane");
        work.submitted(
            p,
            &Sync {
                fence: 0xf,
                ..Sync::default()
            },
        );
        work.failed(p);
        assert_eq!(completed(&mut work, |w, d| w.queue_idle(0xa0, d)), vec![]);
        assert_eq!(
            work.next_packet(0xbad),
            None,
            "an unknown queue has no lane"
        );
    }
}
