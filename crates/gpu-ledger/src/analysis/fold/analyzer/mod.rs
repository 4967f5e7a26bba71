//! The [`Analyzer`]: the streaming fold that turns events into a
//! [`Report`](crate::analysis::Report).
//!
//! It is an [`EventSink`], so the same code serves the live, in-process report (fed
//! by the recorder) and the offline CLI (fed by a trace reader): same events in,
//! same report out, byte for byte. It never reads a file, a clock or the
//! environment, never allocates per event once warm, and keeps state for live
//! resources, owners, lanes, packets in flight and a bounded look-ahead only —
//! never for every event of the stream.

mod lifecycle;

use crate::event::{
    Event, EventKind, EventSink, Marker, Name, Names, PacketRef, PacketStage, ReleaseModel,
    ReleaseModels, ResourceAction, StreamInfo,
};

use crate::analysis::fold::aggregate::WindowAgg;
use crate::analysis::fold::anomalies::{AnomalyKind, AnomalyLog, AnomalyRecord};
use crate::analysis::fold::attribution::{Attribution, OwnerNow, Settled};
use crate::analysis::fold::definitions::Definitions;
use crate::analysis::fold::findings::FindingLog;
use crate::analysis::fold::flight::{FlightTable, Hold, HoldChange, RefKind};
use crate::analysis::fold::ids::IdMap;
use crate::analysis::fold::lanes::{LaneTable, RecentPacket};
use crate::analysis::fold::owners::OwnerTable;
use crate::analysis::fold::packets::{PacketTracker, StageOutcome};
use crate::analysis::fold::recent::Recent;
use crate::analysis::fold::reuse::ReuseTracker;
use crate::analysis::fold::types::{TypeTable, type_name};
use crate::analysis::fold::windows::{Boundaries, Segmented};

/// "No index": an untracked key, class or lane.
pub(crate) const NONE: u32 = u32::MAX;

/// A live resource.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Live {
    pub(crate) create_seq: u64,
    pub(crate) create_ns: u64,
    pub(crate) packets_at_create: u64,
    pub(crate) presents_at_create: u64,
    pub(crate) owner: u32,
    pub(crate) key: u32,
    pub(crate) class: u32,
    pub(crate) lane: u32,
    pub(crate) ty: u16,
    pub(crate) transient: bool,
    pub(crate) dims: Option<(u32, u32)>,
    pub(crate) binds: u32,
    /// Holds of packets that reference it and were not submitted yet (see `flight`).
    pub(crate) unsubmitted: u32,
    /// Holds of submitted packets that reference it and have not completed.
    pub(crate) submitted: u32,
    /// A packet's context referred to it (it may be in a packet's list in `flight`).
    pub(crate) referenced: bool,
}

impl Live {
    /// Applies a change of its holds.
    #[inline]
    fn hold(&mut self, change: HoldChange) {
        match change {
            HoldChange::Add(Hold::Unsubmitted) => {
                self.unsubmitted = self.unsubmitted.saturating_add(1);
            }
            HoldChange::Add(Hold::Submitted) => self.submitted = self.submitted.saturating_add(1),
            HoldChange::Submit => {
                self.unsubmitted = self.unsubmitted.saturating_sub(1);
                self.submitted = self.submitted.saturating_add(1);
            }
            HoldChange::Release(Hold::Unsubmitted) => {
                self.unsubmitted = self.unsubmitted.saturating_sub(1);
            }
            HoldChange::Release(Hold::Submitted) => {
                self.submitted = self.submitted.saturating_sub(1);
            }
        }
    }
}

/// The streaming analyzer: feed it events through [`EventSink`], ask for a
/// [`Report`](crate::analysis::Report) at any time.
///
/// [`report`](Self::report) describes the stream *as if it ended now*, so a live
/// host can print it mid-run and the offline report of the same events is the same.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, Definitions};
/// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
///
/// let mut analyzer = Analyzer::new(Definitions::default());
/// for (i, packet) in (1..=3).enumerate() {
///     let kind = EventKind::Packet { packet: PacketRef::new(1, packet), stage: PacketStage::Presented };
///     analyzer.on_event(&Event { time_ns: i as u64 * 16_000_000, thread: 0, kind });
/// }
/// analyzer.on_finish();
/// assert!(analyzer.is_startup_complete());
/// let report = analyzer.report();
/// assert_eq!(report.totals.presented, 3);
/// assert_eq!(report.startup.frames_presented, 0);
/// ```
#[derive(Clone, Debug)]
pub struct Analyzer {
    pub(crate) defs: Definitions,
    pub(crate) info: StreamInfo,
    pub(crate) names: Names,
    pub(crate) types: TypeTable,
    pub(crate) bounds: Boundaries,
    pub(crate) windows: Segmented<WindowAgg>,
    pub(crate) events: u64,
    pub(crate) first_ns: Option<u64>,
    pub(crate) last_ns: u64,
    pub(crate) live: IdMap<u64, Live>,
    pub(crate) owners: OwnerTable,
    pub(crate) lanes: LaneTable,
    pub(crate) packets: PacketTracker,
    pub(crate) attribution: Attribution,
    pub(crate) reuse: ReuseTracker,
    pub(crate) anomalies: AnomalyLog,
    pub(crate) findings: FindingLog,
    pub(crate) flight: FlightTable,
    /// Recent destroys and the owner of each: double destroys, use after destroy.
    recently_destroyed: Recent<u64, u32>,
    global_dirty_seq: Option<u64>,
    pub(crate) presents: u64,
    finished_packets: u64,
    packet_seen: bool,
    /// The stream recorded a `Submitted` stage.
    pub(crate) submitted_seen: bool,
    /// `on_finish` was called: the stream ended (cleanly or not).
    pub(crate) finished: bool,
    /// The release models the destroy checks apply: the stream's, or the override.
    pub(crate) release: ReleaseModels,
    /// Given by [`Analyzer::with_release_models`]: replaces what the stream declares.
    pub(crate) release_override: Option<ReleaseModels>,
    pub(crate) lost: u64,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new(Definitions::default())
    }
}

impl Analyzer {
    /// An analyzer applying `defs`.
    pub fn new(defs: Definitions) -> Self {
        Self {
            types: TypeTable::default(),
            bounds: Boundaries::default(),
            windows: Segmented::new(WindowAgg::new(defs.top_bursts)),
            events: 0,
            first_ns: None,
            last_ns: 0,
            live: IdMap::default(),
            owners: OwnerTable::new(defs.max_owners, defs.r()),
            lanes: LaneTable::new(defs.lane_window_packets, defs.max_lanes),
            packets: PacketTracker::new(defs.max_live_packets),
            attribution: Attribution::new(
                defs.horizon_ns(),
                defs.rebuild_window_ns,
                defs.replace_window_ns,
                defs.max_examples,
            ),
            reuse: ReuseTracker::default(),
            anomalies: AnomalyLog::new(defs.max_examples),
            findings: FindingLog::new(defs.max_examples),
            flight: FlightTable::new(defs.max_live_packets, defs.max_packet_refs),
            recently_destroyed: Recent::new(defs.recent_destroys),
            global_dirty_seq: None,
            presents: 0,
            finished_packets: 0,
            packet_seen: false,
            submitted_seen: false,
            finished: false,
            release: ReleaseModels::default(),
            release_override: None,
            lost: 0,
            info: StreamInfo::default(),
            names: Names::new(),
            defs,
        }
    }

    /// The same analyzer, holding the stream to `models` whatever the stream
    /// declares (the CLI's `--release-model`).
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::Analyzer;
    /// use gpu_ledger::{EventSink, ReleaseModel, ReleaseModels, StreamInfo};
    ///
    /// let mut analyzer = Analyzer::default().with_release_models(ReleaseModels::uniform(ReleaseModel::Immediate));
    /// analyzer.on_start(&StreamInfo { release: ReleaseModels::uniform(ReleaseModel::Deferred), ..StreamInfo::default() });
    /// assert_eq!(analyzer.release_models().stream, Some(ReleaseModel::Immediate));
    /// ```
    pub fn with_release_models(mut self, models: ReleaseModels) -> Self {
        self.release = models.clone();
        self.release_override = Some(models);
        self
    }

    /// The release models the destroy checks apply: the override, else what the
    /// stream declared.
    pub fn release_models(&self) -> &ReleaseModels {
        &self.release
    }

    /// The definitions this analyzer applies.
    pub fn definitions(&self) -> &Definitions {
        &self.defs
    }

    /// Whether the first stable present window has been reached: startup is over
    /// and the startup summary can be printed (once).
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, Window};
    /// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
    ///
    /// let mut analyzer = Analyzer::default();
    /// let mut printed = false;
    /// for packet in 1..=5u64 {
    ///     let kind = EventKind::Packet { packet: PacketRef::new(1, packet), stage: PacketStage::Presented };
    ///     analyzer.on_event(&Event { time_ns: packet * 16_000_000, thread: 0, kind });
    ///     if !printed && analyzer.is_startup_complete() {
    ///         printed = true; // a live host prints the startup summary here, once
    ///         let startup = analyzer.report().restrict(Window::Startup);
    ///         assert_eq!(startup.startup.frames_presented, 0);
    ///         assert_eq!(analyzer.startup_end_ns(), Some(16_000_000));
    ///     }
    /// }
    /// assert!(printed);
    /// ```
    pub fn is_startup_complete(&self) -> bool {
        self.bounds.stable.is_some()
    }

    /// When startup ended (the first present of the first stable present window),
    /// in stream nanoseconds; `None` until then.
    pub fn startup_end_ns(&self) -> Option<u64> {
        self.bounds.stable.map(|m| m.time_ns)
    }

    /// The sequence number of the event that ended startup (the first present of
    /// the first stable present window; it is the first event of steady state),
    /// `None` until then.
    pub fn startup_end_seq(&self) -> Option<u64> {
        self.bounds.stable.map(|m| m.seq)
    }

    /// The sequence number from which events may still turn out to be steady
    /// state rather than startup: the first present of an open run of clean
    /// presents shorter than K. `None` once startup has ended (or shutdown began),
    /// and while no such run is open; events before it are startup for good.
    ///
    /// A live host that follows the startup window as it happens (the live
    /// analysis's startup timeline) holds events from here on until the run
    /// becomes stable or breaks.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::Analyzer;
    /// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
    ///
    /// let mut analyzer = Analyzer::default();
    /// let present = |p: u64| Event { time_ns: p, thread: 0, kind: EventKind::Packet { packet: PacketRef::new(1, p), stage: PacketStage::Presented } };
    /// analyzer.on_event(&present(1));
    /// assert_eq!(analyzer.undecided_from(), Some(0), "the first clean present may start the stable window");
    /// analyzer.on_event(&present(2));
    /// analyzer.on_event(&present(3));
    /// assert_eq!(analyzer.undecided_from(), None, "K = 3 clean presents: startup ended");
    /// ```
    pub fn undecided_from(&self) -> Option<u64> {
        self.bounds.undecided_from()
    }

    /// How many events have been seen.
    pub fn events_seen(&self) -> u64 {
        self.events
    }

    /// The names the stream announced.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// How the waiting destroy of resource `id` is settled: with `due_at`, only when
    /// an event at that time settles it (its look-ahead is over), as the fold itself
    /// would before applying that event; without, as if the stream ended now.
    pub(crate) fn settle_waiting(&self, id: u64, due_at: Option<u64>) -> Option<Settled> {
        let record = match due_at {
            Some(t) => self.attribution.due(t).filter(|r| r.resource == id).last(),
            None => self.attribution.waiting().find(|r| r.resource == id),
        }?;
        Some(
            self.attribution
                .decide(record, self.owner_now(record.owner)),
        )
    }

    /// What the owner at index `owner` looks like now, for settling a destroy.
    pub(crate) fn owner_now(&self, owner: u32) -> OwnerNow {
        let o = &self.owners.owners[owner as usize];
        OwnerNow {
            live: o.live,
            last_destroy_seq: o.last_destroy_seq,
            overflow: self.owners.is_overflow(owner),
            known: self.owners.is_known(owner),
        }
    }

    /// The release model of resources of type index `ty`; `None` when not declared.
    #[cold]
    pub(crate) fn model_of(&self, ty: u16) -> Option<ReleaseModel> {
        if self.release.by_type.is_empty() {
            return self.release.stream;
        }
        self.release
            .model_for(&type_name(self.types.get(ty), &self.names))
    }

    /// The current segment's aggregate, with the event at `time_ns` counted.
    #[inline]
    fn count(&mut self, time_ns: u64) -> &mut WindowAgg {
        let agg = self.windows.current(&self.bounds);
        agg.on_event(time_ns);
        agg
    }

    #[cold]
    fn anomaly(
        &mut self,
        kind: AnomalyKind,
        seq: u64,
        time_ns: u64,
        resource: u64,
        owner: u32,
        packet: Option<PacketRef>,
    ) {
        self.anomalies.record(AnomalyRecord {
            kind,
            seq,
            time_ns,
            resource,
            owner,
            packet,
        });
    }

    /// Packet `p` referred to live resource `l` (`id`) as `kind`: counts the hold
    /// it adds until `p` completes.
    #[inline]
    fn hold(flight: &mut FlightTable, p: PacketRef, id: u64, kind: RefKind, l: &mut Live) {
        l.referenced = true;
        if let Some(hold) = flight.on_ref(p, id, kind) {
            l.hold(HoldChange::Add(hold));
        }
    }

    /// Drops the holds that packets evicted from the flight table had.
    #[inline]
    fn release_evicted(&mut self) {
        if self.flight.has_released() {
            let live = &mut self.live;
            self.flight
                .drain_released(|r, change| change_hold(live, r, change));
        }
    }

    /// Records the `destroy-before-submit`s a submit confirmed.
    #[cold]
    fn record_confirmed(&mut self) {
        for c in std::mem::take(&mut self.flight.confirmed) {
            self.anomalies.record(AnomalyRecord {
                kind: AnomalyKind::DestroyBeforeSubmit,
                seq: c.destroy.seq,
                time_ns: c.destroy.time_ns,
                resource: c.destroy.resource,
                owner: c.destroy.owner,
                packet: Some(c.packet),
            });
        }
    }

    /// A resource event in packet `packet` (or outside one): lane churn and dirtiness.
    #[inline]
    fn packet_context(
        &mut self,
        packet: Option<PacketRef>,
        created: bool,
        transient: bool,
        seq: u64,
    ) -> u32 {
        match packet {
            Some(p) => {
                let l = self.packets.on_resource(p, created, seq, &mut self.lanes);
                let lane = &mut self.lanes.lanes[l as usize];
                if created {
                    lane.created += 1;
                } else {
                    lane.destroyed += 1;
                }
                if !transient {
                    lane.dirty = true;
                }
                l
            }
            None => {
                self.packets.on_outside(created);
                if !transient {
                    self.global_dirty_seq = Some(seq);
                }
                NONE
            }
        }
    }

    /// Packet `p` touched resource `id`.
    fn on_touched(&mut self, seq: u64, t: u64, p: PacketRef, id: u64) {
        self.count(t).touches += 1;
        match self.live.get_mut(id) {
            Some(l) => Self::hold(&mut self.flight, p, id, RefKind::Used, l),
            None => self.not_live(seq, t, id, Some(p)),
        }
        self.release_evicted();
    }

    fn on_stage(&mut self, seq: u64, t: u64, p: PacketRef, stage: PacketStage) {
        self.packet_seen = true;
        if !matches!(stage, PacketStage::Completed | PacketStage::Presented) {
            // Work after the last present: whatever ends the stream is no teardown.
            self.bounds.tail_packets += 1;
        }
        let (lane, finished) = match self.packets.on_stage(p, stage, seq, t, &mut self.lanes) {
            StageOutcome::Accepted { lane, finished } => (lane, finished),
            StageOutcome::LateCompletion { .. } => {
                self.count(t);
                return;
            }
            StageOutcome::Anomaly { kind, .. } => {
                self.count(t);
                self.anomaly(kind, seq, t, 0, NONE, Some(p));
                return;
            }
        };
        if stage == PacketStage::Submitted {
            self.submitted_seen = true;
        }
        let live = &mut self.live;
        self.flight
            .on_stage(p, stage, |r, change| change_hold(live, r, change));
        if !self.flight.confirmed.is_empty() {
            self.record_confirmed();
        }
        if stage == PacketStage::Presented && finished.is_some_and(|f| !f.submitted) {
            self.anomaly(
                AnomalyKind::PresentedWithoutSubmit,
                seq,
                t,
                0,
                NONE,
                Some(p),
            );
        }
        if stage == PacketStage::Presented {
            // A present is a segment of its own, and decides whether startup ends here.
            self.bounds.begin_present();
            let l = &mut self.lanes.lanes[lane as usize];
            let clean = l.is_clean(self.global_dirty_seq);
            l.dirty = false;
            l.last_present_seq = Some(seq);
            self.bounds.on_present(clean, seq, t, self.defs.k());
            self.presents += 1;
        }
        self.lanes.lanes[lane as usize].packets.add(stage);
        self.count(t).packets.add(stage);
        if let Some(f) = finished {
            self.finished_packets += 1;
            let l = &mut self.lanes.lanes[lane as usize];
            l.finished += 1;
            l.recent_packets.push(RecentPacket {
                churn: f.created.saturating_add(f.destroyed),
                presented: stage == PacketStage::Presented,
            });
            if let Some(latency) = f.latency_ns {
                l.on_latency(latency);
            }
        }
        if stage == PacketStage::Presented {
            self.bounds.end_present();
        }
    }

    /// Settles every waiting destroy whose look-ahead is over at `now_ns` (or all).
    fn settle_due(&mut self, now_ns: u64, all: bool) {
        while let Some((abs, rec)) = self.attribution.pop_due(now_ns, all) {
            if let Some(k) = rec.key.and_then(|k| self.owners.keys.get_mut(k as usize))
                && k.waiting_head == Some(abs)
            {
                k.waiting_head = rec.next_waiting;
                if k.waiting_head.is_none() {
                    k.waiting_tail = None;
                }
            }
            let settled = self.attribution.decide(&rec, self.owner_now(rec.owner));
            let ts = self.windows.at(rec.seg, &self.bounds).ty(rec.ty);
            ts.pending = ts.pending.saturating_sub(1);
            ts.causes[settled.cause.intrinsic_index()] += 1;
            self.attribution.keep_example(settled);
        }
    }
}

impl EventSink for Analyzer {
    fn on_start(&mut self, info: &StreamInfo) {
        self.info = info.clone();
        if self.release_override.is_none() {
            self.release = info.release.clone();
        }
    }

    fn on_name(&mut self, name: Name, text: &str) {
        self.names.define(name, text);
    }

    fn on_finish(&mut self) {
        self.finished = true;
    }

    fn on_event(&mut self, event: &Event) {
        let seq = self.events;
        let t = event.time_ns;
        self.events += 1;
        if self.first_ns.is_none() {
            self.first_ns = Some(t);
        }
        self.last_ns = t;
        // Only the stream's last event may be its clean end.
        self.bounds.clean_end = false;
        if self.attribution.has_due(t) {
            self.settle_due(t, false);
        }
        match event.kind {
            EventKind::Resource {
                action,
                resource,
                dims,
                packet,
            } => match action {
                ResourceAction::Create => self.on_create(seq, t, resource, dims, packet),
                ResourceAction::Destroy => self.on_destroy(seq, t, resource, packet),
                ResourceAction::ResizeRebuild => self.on_rebuild(seq, t, resource, dims, packet),
                ResourceAction::Bind => self.on_bind(seq, t, resource.id.0, true, packet),
                ResourceAction::Unbind => self.on_bind(seq, t, resource.id.0, false, packet),
            },
            EventKind::Pool {
                action, ty, owner, ..
            } => {
                let ty = self.types.index(ty);
                self.reuse.on_pool(action, owner, ty);
                self.count(t).pool_events += 1;
            }
            EventKind::Packet { packet, stage } => self.on_stage(seq, t, packet, stage),
            EventKind::Touched { packet, resource } => {
                self.on_touched(seq, t, packet, resource.0);
            }
            EventKind::Marker(marker) => {
                match marker {
                    Marker::ShutdownBegins => self.bounds.on_shutdown(seq, t),
                    Marker::CleanEnd => self.bounds.clean_end = true,
                    Marker::Other(_) => {}
                }
                self.count(t).markers += 1;
            }
            EventKind::Lost { count } => {
                self.lost = self.lost.saturating_add(count);
                let agg = self.count(t);
                agg.lost = agg.lost.saturating_add(count);
            }
            EventKind::Finding { .. } => {
                self.findings.on_finding(seq, event);
                self.count(t);
            }
        }
    }
}

/// The holds on resource `r` changed.
#[inline]
fn change_hold(live: &mut IdMap<u64, Live>, r: u64, change: HoldChange) {
    if let Some(l) = live.get_mut(r) {
        l.hold(change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Owner, OwnerKind, Resource, ResourceId, ResourceType};

    fn resource(id: u64, ty: ResourceType, key: u64) -> Resource {
        Resource {
            id: ResourceId(id),
            ty,
            owner: Owner::new(OwnerKind::ChildVisual, key),
        }
    }

    fn res(
        a: &mut Analyzer,
        t: u64,
        action: ResourceAction,
        r: Resource,
        packet: Option<PacketRef>,
    ) {
        let kind = EventKind::Resource {
            action,
            resource: r,
            dims: None,
            packet,
        };
        a.on_event(&Event {
            time_ns: t,
            thread: 0,
            kind,
        });
    }

    #[test]
    fn memory_stays_bounded_on_a_long_stream() {
        let mut a = Analyzer::default();
        let mut next_id = 1u64;
        let mut targets = [0u64; 10];
        for (key, slot) in targets.iter_mut().enumerate() {
            *slot = next_id;
            res(
                &mut a,
                0,
                ResourceAction::Create,
                resource(next_id, ResourceType::TextureTarget, key as u64),
                None,
            );
            next_id += 1;
        }
        for frame in 0..50_000u64 {
            let t = frame * 16_666_667;
            let packet = PacketRef::new(1, frame);
            for stage in [
                PacketStage::Queued { command_id: frame },
                PacketStage::Submitted,
            ] {
                a.on_event(&Event {
                    time_ns: t,
                    thread: 0,
                    kind: EventKind::Packet { packet, stage },
                });
            }
            let cb = resource(next_id, ResourceType::CommandBuffer, 99);
            next_id += 1;
            res(&mut a, t + 1, ResourceAction::Create, cb, Some(packet));
            res(&mut a, t + 2, ResourceAction::Destroy, cb, Some(packet));
            if frame % 10 == 0 {
                // A child replaces its target: steady churn that never ends.
                let key = (frame / 10) % 10;
                let old = resource(targets[key as usize], ResourceType::TextureTarget, key);
                res(&mut a, t + 3, ResourceAction::Destroy, old, Some(packet));
                targets[key as usize] = next_id;
                res(
                    &mut a,
                    t + 4,
                    ResourceAction::Create,
                    resource(next_id, ResourceType::TextureTarget, key),
                    Some(packet),
                );
                next_id += 1;
            }
            a.on_event(&Event {
                time_ns: t + 5,
                thread: 0,
                kind: EventKind::Packet {
                    packet,
                    stage: PacketStage::Presented,
                },
            });
        }
        assert!(a.is_startup_complete());
        assert_eq!(a.live.len(), 10);
        assert!(
            a.windows.pending_len() <= 2,
            "pending segments: {}",
            a.windows.pending_len()
        );
        assert!(
            a.attribution.waiting().count() <= 32,
            "waiting destroys: {}",
            a.attribution.waiting().count()
        );
        assert!(a.packets.live.is_empty());
        assert_eq!((a.owners.owners.len(), a.owners.keys.len()), (11, 11));
        for o in &a.owners.owners {
            assert!(o.windows.pending_len() <= 2);
        }
        let r = a.report();
        assert_eq!(r.totals.presented, 50_000);
        // At most the first and last 3 of each (type, cause): 2 types x 4 causes.
        assert!(r.destroy_causes.examples.len() <= 2 * 4 * 6);
    }
}
