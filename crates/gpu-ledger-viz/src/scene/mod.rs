//! The scene: a pure fold that lays a gpu-ledger stream out as timeline tracks,
//! slices, instants, counters and flows, and hands them to a [`Canvas`] (the
//! Perfetto or the Chrome encoder) as soon as each is complete.
//!
//! The tracks, under one root named after the stream:
//!
//! | track | holds |
//! | --- | --- |
//! | `Windows` | the startup, steady and shutdown windows as slices |
//! | `Findings` | instants: startup end, shutdown begin, every failed guardrail's evidence with its message, markers, lost events |
//! | `Lanes` / `lane N` | one slice per packet, first event (its `Queued` stage) to its end, named by result and render command; `queued`, `submitted`, `completed` nested inside; flows from it to every resource event recorded in its context |
//! | `Live resources` / `live T` | a counter per type: resources of type T alive, updated at every create and destroy |
//! | `Owners` / `Kind 0xKEY` | one slice per resource the owner held, create to destroy, named `Type id` with its size; instants for rebuilds, binds, unbinds, pool traffic and (in a packet) the destroy |
//!
//! **Why slots.** A track can only hold slices that nest, and both a lane's packets
//! (the next one is queued while the last one presents) and an owner's resources
//! (a swapchain's images) overlap. One track per resource would be millions of
//! tracks on a long run; instead each lane and each owner lays its spans on the
//! fewest tracks that keep them apart ([`Slots`]: the lowest free slot, as many as
//! spans ever open at once), all named alike under the same parent, which Perfetto
//! shows as one row with the overlaps stacked.
//!
//! Memory is bounded by the live resources, the packets in flight (at most
//! [`MAX_OPEN_PACKETS`], the oldest evicted beyond), the lanes and owners (capped
//! like the analysis's, the rest pooled) and the analyzer's own state; nothing
//! grows with the length of the stream. The window and guardrail instants need the
//! whole stream, so they are drawn at the end, from the report of an [`Analyzer`]
//! that folds alongside. Same events, same calls to the canvas, in the same order.

pub(crate) mod canvas;
pub(crate) mod slots;

/// Implements [`EventSink`](gpu_ledger::EventSink) for a writer whose `scene` field
/// is a [`Scene`]: every call goes to the scene.
macro_rules! scene_sink {
    ($writer:ident) => {
        impl<W: std::io::Write + Send> gpu_ledger::EventSink for $writer<W> {
            fn on_start(&mut self, info: &gpu_ledger::StreamInfo) {
                self.scene.on_start(info);
            }
            fn on_name(&mut self, name: gpu_ledger::Name, text: &str) {
                self.scene.on_name(name, text);
            }
            fn on_event(&mut self, event: &gpu_ledger::Event) {
                self.scene.on_event(event);
            }
            fn on_finish(&mut self) {
                self.scene.on_finish();
            }
        }
    };
}
pub(crate) use scene_sink;

use std::collections::{BTreeMap, HashMap};

use gpu_ledger::analysis::{Analyzer, Report, Window, kind_name, type_name};
use gpu_ledger::{
    Dims, Event, EventKind, EventSink as _, LaneId, Name, Names, Owner, OwnerKind, PacketRef,
    PacketStage, PoolAction, Resource, ResourceAction, ResourceType, StreamInfo,
};

use canvas::{Args, Canvas, Instant, Order, Phase, Slice, Text, Track, TrackKind, Value};
use slots::{Recent, Slots};

/// Packets in flight tracked at once; opening one more ends the oldest as `evicted`.
pub const MAX_OPEN_PACKETS: usize = 65_536;
/// Flows drawn from one packet; its further resource events are counted, not linked.
pub const MAX_FLOWS_PER_PACKET: usize = 4_096;
/// Owners with tracks of their own; later owners share `(other owners)`.
pub const MAX_OWNERS: usize = 100_000;
/// Lanes with tracks of their own; later lanes share `(other lanes)`.
pub const MAX_LANES: usize = 1_024;
/// Ended packets remembered, so a late event is not taken for a new packet.
const RECENT_ENDED: usize = 65_536;

const ROOT: u64 = 1;
const WINDOWS: u64 = 2;
const FINDINGS: u64 = 3;
const LANES: u64 = 4;
const LIVE: u64 = 5;
const OWNERS: u64 = 6;

/// The first uuid handed to a slot or counter track (the fixed tracks use 1..=6;
/// 0 is Perfetto's implicit global track). Uuids are handed out in declaration
/// order, so they are small (one or two bytes on the wire) and the same events
/// give the same uuids.
const FIRST_UUID: u64 = 16;

/// Counts of what the scene drew: how big the picture is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct SceneStats {
    /// Events folded.
    pub events: u64,
    /// Packet slices (every packet seen, ended or still in flight at the end).
    pub packets: u64,
    /// Resource lifetime slices (every create, destroyed or live at the end).
    pub lifetimes: u64,
    /// Instants drawn.
    pub instants: u64,
    /// Counter values drawn.
    pub counter_values: u64,
    /// Flows from packets to the resource events recorded in their context.
    pub flows: u64,
    /// Tracks declared.
    pub tracks: u64,
    /// Resource events naming a packet that had already ended: drawn, not linked.
    pub late_events: u64,
    /// Resource events beyond [`MAX_FLOWS_PER_PACKET`] in one packet: drawn, not linked.
    pub flows_omitted: u64,
    /// Packets ended early as `evicted` because [`MAX_OPEN_PACKETS`] were in flight.
    pub packets_evicted: u64,
}

/// A row of slot tracks: one lane's or one owner's.
#[derive(Clone, Debug)]
struct Row {
    label: String,
    slots: Slots,
    /// The uuid of each slot's track.
    uuids: Vec<u64>,
    parent: u64,
    rank: Option<i32>,
}

/// A packet whose slice is open.
#[derive(Clone, Debug)]
struct OpenPacket {
    order: u64,
    lane_row: LaneId,
    slot: u32,
    start_ns: u64,
    command_id: Option<u64>,
    queued_ns: Option<u64>,
    submitted_ns: Option<u64>,
    completed_ns: Option<u64>,
    flows: Vec<u64>,
    touches: u64,
}

/// A resource whose lifetime slice is open.
#[derive(Clone, Copy, Debug)]
struct LiveResource {
    resource: Resource,
    row: Owner,
    slot: u32,
    start_ns: u64,
    dims: Option<Dims>,
    flow_in: Option<u64>,
    rebuilds: u64,
    binds: u64,
}

/// The fold: events in, drawing calls out.
pub(crate) struct Scene<C> {
    pub(crate) canvas: C,
    analyzer: Analyzer,
    names: Names,
    source: String,
    stats: SceneStats,
    first_ns: Option<u64>,
    last_ns: u64,
    started: bool,
    finished: bool,
    lanes: HashMap<LaneId, Row>,
    owners: HashMap<Owner, Row>,
    live: HashMap<u64, LiveResource>,
    packets: HashMap<PacketRef, OpenPacket>,
    packet_order: BTreeMap<u64, PacketRef>,
    ended: Recent<PacketRef>,
    counters: HashMap<ResourceType, (u64, u64)>,
    next_uuid: u64,
    report: Option<Report>,
}

const OTHER_LANES: LaneId = LaneId(u64::MAX);
const OTHER_OWNERS: Owner = Owner::new(OwnerKind::Other(Name(u32::MAX)), u64::MAX);

impl<C: Canvas> Scene<C> {
    pub(crate) fn new(canvas: C) -> Self {
        Self {
            canvas,
            analyzer: Analyzer::default(),
            names: Names::new(),
            source: String::new(),
            stats: SceneStats::default(),
            first_ns: None,
            last_ns: 0,
            started: false,
            finished: false,
            lanes: HashMap::new(),
            owners: HashMap::new(),
            live: HashMap::new(),
            packets: HashMap::new(),
            packet_order: BTreeMap::new(),
            ended: Recent::new(RECENT_ENDED),
            counters: HashMap::new(),
            next_uuid: FIRST_UUID,
            report: None,
        }
    }

    pub(crate) fn stats(&self) -> SceneStats {
        self.stats
    }

    /// Stream time of the first event, ns.
    pub(crate) fn origin_ns(&self) -> Option<u64> {
        self.first_ns
    }

    /// The report of the stream, once it has finished.
    pub(crate) fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    fn declare(&mut self, track: Track<'_>) {
        self.stats.tracks += 1;
        self.canvas.track(&track);
    }

    fn declare_fixed(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        let root = if self.source.is_empty() {
            "gpu-ledger".to_owned()
        } else {
            format!("gpu-ledger: {}", self.source)
        };
        let group = |uuid, name, order, rank, description| Track {
            uuid,
            parent: Some(ROOT),
            name,
            kind: TrackKind::Group(order),
            rank: Some(rank),
            description: Some(description),
        };
        self.declare(Track {
            uuid: ROOT,
            parent: None,
            name: &root,
            kind: TrackKind::Group(Order::Explicit),
            rank: None,
            description: Some(
                "a gpu-ledger run: times are stream time, since the stream started (the recorder's start)",
            ),
        });
        self.declare(Track {
            kind: TrackKind::Slices,
            ..group(
                WINDOWS,
                "Windows",
                Order::Explicit,
                0,
                "the startup, steady and shutdown windows, as the report draws them",
            )
        });
        self.declare(Track {
            kind: TrackKind::Slices,
            ..group(FINDINGS, "Findings", Order::Explicit, 1, "startup end, shutdown begin, failed guardrails with their evidence, markers and lost events")
        });
        self.declare(group(LANES, "Lanes", Order::Explicit, 2, "one slice per packet, from its first event to its end, named by result and render command"));
        self.declare(group(
            LIVE,
            "Live resources",
            Order::Lexicographic,
            3,
            "resources alive per type, at every create and destroy",
        ));
        self.declare(group(
            OWNERS,
            "Owners",
            Order::Chronological,
            4,
            "each owner's resources, create to destroy, with rebuilds, binds and pool traffic",
        ));
    }

    /// The row of `lane` (pooled beyond the cap), created on first use.
    fn lane_row(&mut self, lane: LaneId) -> LaneId {
        let lane = if self.lanes.contains_key(&lane) || self.lanes.len() < MAX_LANES {
            lane
        } else {
            OTHER_LANES
        };
        self.lanes.entry(lane).or_insert_with(|| Row {
            label: if lane == OTHER_LANES {
                "(other lanes)".to_owned()
            } else {
                format!("lane {}", lane.0)
            },
            slots: Slots::default(),
            uuids: Vec::new(),
            parent: LANES,
            rank: Some(i32::try_from(lane.0).unwrap_or(i32::MAX)),
        });
        lane
    }

    /// The row of `owner` (pooled beyond the cap), created on first use.
    fn owner_row(&mut self, owner: Owner) -> Owner {
        let owner = if self.owners.contains_key(&owner) || self.owners.len() < MAX_OWNERS {
            owner
        } else {
            OTHER_OWNERS
        };
        if !self.owners.contains_key(&owner) {
            let label = if owner == OTHER_OWNERS {
                "(other owners)".to_owned()
            } else {
                format!("{} {:#x}", kind_name(owner.kind, &self.names), owner.key)
            };
            let row = Row {
                label,
                slots: Slots::default(),
                uuids: Vec::new(),
                parent: OWNERS,
                rank: None,
            };
            self.owners.insert(owner, row);
        }
        owner
    }

    /// Takes a slot on a row for a span starting at `t`, declaring its track if new.
    fn take_slot(&mut self, row: RowRef, t: u64) -> (u32, u64) {
        let uuid = self.next_uuid;
        let r = self.row_mut(row);
        let (slot, new) = r.slots.take(t);
        if !new {
            return (slot, r.uuids[slot as usize]);
        }
        r.uuids.push(uuid);
        let (label, parent, rank) = (r.label.clone(), r.parent, r.rank);
        self.next_uuid += 1;
        self.declare(Track {
            uuid,
            parent: Some(parent),
            name: &label,
            kind: TrackKind::Slices,
            rank,
            description: None,
        });
        (slot, uuid)
    }

    fn slot_track(&self, row: RowRef, slot: u32) -> u64 {
        let uuids = match row {
            RowRef::Lane(lane) => &self.lanes[&lane].uuids,
            RowRef::Owner(owner) => &self.owners[&owner].uuids,
        };
        uuids[slot as usize]
    }

    fn row_mut(&mut self, row: RowRef) -> &mut Row {
        match row {
            RowRef::Lane(lane) => self.lanes.get_mut(&lane).expect("lane rows are made first"),
            RowRef::Owner(owner) => self
                .owners
                .get_mut(&owner)
                .expect("owner rows are made first"),
        }
    }

    fn count_live(&mut self, ty: ResourceType, t: u64, up: bool) {
        if !self.counters.contains_key(&ty) {
            let name = format!("live {}", type_name(ty, &self.names));
            let track = self.next_uuid;
            self.next_uuid += 1;
            self.declare(Track {
                uuid: track,
                parent: Some(LIVE),
                name: &name,
                kind: TrackKind::Counter,
                rank: None,
                description: None,
            });
            self.counters.insert(ty, (track, 0));
        }
        let (track, live) = self.counters.get_mut(&ty).expect("declared above");
        *live = if up {
            *live + 1
        } else {
            live.saturating_sub(1)
        };
        let (track, live) = (*track, *live);
        self.stats.counter_values += 1;
        self.canvas.counter(track, t, live);
    }

    /// The open packet `packet`, opened at `t` if new; `None` if it already ended.
    fn open_packet(&mut self, packet: PacketRef, t: u64) -> Option<&mut OpenPacket> {
        if self.ended.contains(&packet) {
            return None;
        }
        if !self.packets.contains_key(&packet) {
            if self.packets.len() >= MAX_OPEN_PACKETS
                && let Some((_, oldest)) = self.packet_order.pop_first()
            {
                self.stats.packets_evicted += 1;
                self.end_packet(oldest, t, "evicted");
            }
            let lane_row = self.lane_row(packet.lane);
            let (slot, _) = self.take_slot(RowRef::Lane(lane_row), t);
            let order = self.stats.events;
            self.packet_order.insert(order, packet);
            self.packets.insert(
                packet,
                OpenPacket {
                    order,
                    lane_row,
                    slot,
                    start_ns: t,
                    command_id: None,
                    queued_ns: None,
                    submitted_ns: None,
                    completed_ns: None,
                    flows: Vec::new(),
                    touches: 0,
                },
            );
        }
        self.packets.get_mut(&packet)
    }

    /// A flow from `packet` to the event with sequence number `seq`, if it can be drawn.
    fn flow_from(&mut self, packet: Option<PacketRef>, seq: u64, t: u64) -> Option<u64> {
        let packet = packet?;
        let Some(open) = self.open_packet(packet, t) else {
            self.stats.late_events += 1;
            return None;
        };
        if open.flows.len() >= MAX_FLOWS_PER_PACKET {
            self.stats.flows_omitted += 1;
            return None;
        }
        // Sequence numbers are unique, so they make flow ids (never 0).
        let id = seq + 1;
        open.flows.push(id);
        self.stats.flows += 1;
        Some(id)
    }

    fn end_packet(&mut self, packet: PacketRef, t: u64, result: &'static str) {
        let Some(open) = self.packets.remove(&packet) else {
            return;
        };
        self.packet_order.remove(&open.order);
        self.ended.insert(packet);
        let track = self.slot_track(RowRef::Lane(open.lane_row), open.slot);
        self.row_mut(RowRef::Lane(open.lane_row))
            .slots
            .release(open.slot, t);
        let name = match open.command_id {
            Some(cmd) => format!("{result} · cmd {cmd}"),
            None => result.to_owned(),
        };
        // Each recorded stage runs until the next one, the last until the end.
        let stages = [
            (open.queued_ns, "queued"),
            (open.submitted_ns, "submitted"),
            (open.completed_ns, "completed"),
        ];
        let starts: Vec<(u64, &'static str)> = stages
            .iter()
            .filter_map(|&(at, name)| Some((at?.clamp(open.start_ns, t), name)))
            .collect();
        let phases: Vec<Phase> = starts
            .iter()
            .enumerate()
            .map(|(i, &(start_ns, name))| Phase {
                start_ns,
                end_ns: starts.get(i + 1).map_or(t, |next| next.0),
                name,
            })
            .collect();
        let mut args: Vec<(&'static str, Value<'_>)> = vec![
            ("lane", Value::Uint(packet.lane.0)),
            ("packet", Value::Uint(packet.packet.0)),
            ("result", Value::Label(result)),
        ];
        if let Some(cmd) = open.command_id {
            args.push(("command_id", Value::Uint(cmd)));
        }
        args.push(("resource_events", Value::Uint(open.flows.len() as u64)));
        args.push(("touches", Value::Uint(open.touches)));
        self.stats.packets += 1;
        self.canvas.slice(&Slice {
            track,
            start_ns: open.start_ns,
            end_ns: t,
            name: Text::Own(&name),
            args: &args,
            flows_out: &open.flows,
            flow_in: None,
            phases: &phases,
        });
    }

    fn on_packet(&mut self, packet: PacketRef, stage: PacketStage, t: u64) {
        let result = match stage {
            PacketStage::Presented => "presented",
            PacketStage::Dropped => "dropped",
            PacketStage::NoOp => "no-op",
            PacketStage::Failed => "failed",
            PacketStage::Queued { command_id } => {
                if let Some(open) = self.open_packet(packet, t) {
                    open.command_id.get_or_insert(command_id);
                    open.queued_ns.get_or_insert(t);
                }
                return;
            }
            PacketStage::Submitted | PacketStage::Completed => {
                if let Some(open) = self.open_packet(packet, t) {
                    let at = if stage == PacketStage::Submitted {
                        &mut open.submitted_ns
                    } else {
                        &mut open.completed_ns
                    };
                    at.get_or_insert(t);
                }
                return;
            }
            // A stage this build does not know: nothing to draw.
            _ => return,
        };
        if self.open_packet(packet, t).is_some() {
            self.end_packet(packet, t, result);
        }
    }

    /// What a lifetime slice says of its resource: its id, type and size (the owner
    /// is the track's name).
    fn resource_args<'a>(r: &LiveResource, ty: &'a str) -> Vec<(&'static str, Value<'a>)> {
        let mut args = vec![
            ("resource_id", Value::Uint(r.resource.id.0)),
            ("type", Value::Label(ty)),
        ];
        if let Some(d) = r.dims {
            if r.resource.ty == ResourceType::Buffer {
                args.push(("bytes", Value::Uint(u64::from(d.width))));
            } else {
                args.push(("width", Value::Uint(u64::from(d.width))));
                args.push(("height", Value::Uint(u64::from(d.height))));
                push_scale(&mut args, d.scale);
            }
        }
        args
    }

    fn end_lifetime(&mut self, id: u64, t: u64, destroyed: bool) {
        let Some(r) = self.live.remove(&id) else {
            return;
        };
        let row = RowRef::Owner(r.row);
        let track = self.slot_track(row, r.slot);
        self.row_mut(row).slots.release(r.slot, t);
        let ty = type_name(r.resource.ty, &self.names);
        let name = format!("{ty} {id}");
        let mut args = Self::resource_args(&r, &ty);
        if r.rebuilds > 0 {
            args.push(("rebuilds", Value::Uint(r.rebuilds)));
        }
        if r.binds > 0 {
            args.push(("binds", Value::Uint(r.binds)));
        }
        if !destroyed {
            args.push(("live_at_end", Value::Bool(true)));
        }
        self.stats.lifetimes += 1;
        self.canvas.slice(&Slice {
            track,
            start_ns: r.start_ns,
            end_ns: t,
            name: Text::Own(&name),
            args: &args,
            flows_out: &[],
            flow_in: r.flow_in,
            phases: &[],
        });
        if destroyed {
            self.count_live(r.resource.ty, t, false);
        }
    }

    fn instant(
        &mut self,
        track: u64,
        ts: u64,
        name: Text<'_>,
        args: &Args<'_>,
        flow_in: Option<u64>,
    ) {
        self.stats.instants += 1;
        self.canvas.instant(&Instant {
            track,
            ts,
            name,
            args,
            flow_in,
        });
    }

    fn on_resource(
        &mut self,
        seq: u64,
        t: u64,
        action: ResourceAction,
        r: Resource,
        dims: Option<Dims>,
        packet: Option<PacketRef>,
    ) {
        match action {
            ResourceAction::Create => {
                // A create of a live id: the old lifetime ends here (the report counts the anomaly).
                self.end_lifetime(r.id.0, t, true);
                let flow_in = self.flow_from(packet, seq, t);
                let row = self.owner_row(r.owner);
                let (slot, _) = self.take_slot(RowRef::Owner(row), t);
                self.live.insert(
                    r.id.0,
                    LiveResource {
                        resource: r,
                        row,
                        slot,
                        start_ns: t,
                        dims,
                        flow_in,
                        rebuilds: 0,
                        binds: 0,
                    },
                );
                self.count_live(r.ty, t, true);
            }
            ResourceAction::Destroy => {
                let Some(live) = self.live.get(&r.id.0).copied() else {
                    // Destroy of an unknown id: nothing to draw or link (the report counts it).
                    return;
                };
                let flow_in = self.flow_from(packet, seq, t);
                // The instant is where the packet's flow ends; the flow says which packet.
                if packet.is_some() {
                    let track = self.slot_track(RowRef::Owner(live.row), live.slot);
                    self.instant(track, t, Text::Fixed("destroy"), &[], flow_in);
                }
                self.end_lifetime(r.id.0, t, true);
            }
            // Rebuilds, binds, unbinds, and any action this build does not know: an instant.
            _ => {
                // An event of an id that is not live has no lifetime to mark (the report counts it).
                if !self.live.contains_key(&r.id.0) {
                    return;
                }
                let flow_in = self.flow_from(packet, seq, t);
                let Some(live) = self.live.get_mut(&r.id.0) else {
                    return;
                };
                let name = match action {
                    ResourceAction::ResizeRebuild => {
                        live.rebuilds += 1;
                        live.dims = dims.or(live.dims);
                        "rebuild"
                    }
                    ResourceAction::Bind => {
                        live.binds += 1;
                        "bind"
                    }
                    ResourceAction::Unbind => "unbind",
                    _ => "resource event",
                };
                let live = *live;
                let track = self.slot_track(RowRef::Owner(live.row), live.slot);
                let mut args: Vec<(&'static str, Value<'_>)> = Vec::new();
                if let (ResourceAction::ResizeRebuild, Some(d)) = (action, dims) {
                    args.push(("width", Value::Uint(u64::from(d.width))));
                    args.push(("height", Value::Uint(u64::from(d.height))));
                    push_scale(&mut args, d.scale);
                }
                self.instant(track, t, Text::Fixed(name), &args, flow_in);
            }
        }
    }

    fn on_pool(
        &mut self,
        t: u64,
        action: PoolAction,
        ty: ResourceType,
        owner: Owner,
        dims: Option<Dims>,
    ) {
        let row = self.owner_row(owner);
        // Pool traffic goes on the owner's first track (declared here if it held nothing yet).
        let track = if self.owners[&row].slots.len() == 0 {
            let (slot, track) = self.take_slot(RowRef::Owner(row), t);
            self.row_mut(RowRef::Owner(row)).slots.release(slot, t);
            track
        } else {
            self.slot_track(RowRef::Owner(row), 0)
        };
        let name = match action {
            PoolAction::Hit => "pool hit",
            PoolAction::Miss => "pool miss",
            PoolAction::Release => "pool release",
            PoolAction::Evict => "pool evict",
            _ => "pool",
        };
        let ty = type_name(ty, &self.names);
        let mut args = vec![("type", Value::Label(&ty))];
        if let Some(d) = dims {
            args.push(("width", Value::Uint(u64::from(d.width))));
            args.push(("height", Value::Uint(u64::from(d.height))));
        }
        self.instant(track, t, Text::Fixed(name), &args, None);
    }

    /// End of stream: close what is open, then draw what needs the whole stream.
    fn close(&mut self) {
        self.declare_fixed();
        let end = self.last_ns;
        let open: Vec<PacketRef> = self.packet_order.values().copied().collect();
        for packet in open {
            self.end_packet(packet, end, "in flight");
        }
        let mut live: Vec<u64> = self.live.keys().copied().collect();
        live.sort_unstable();
        for id in live {
            self.end_lifetime(id, end, false);
        }
        self.analyzer.on_finish();
        let report = self.analyzer.report();
        self.draw_windows(&report);
        self.draw_findings(&report);
        self.report = Some(report);
    }

    fn draw_windows(&mut self, report: &Report) {
        for w in Window::ALL {
            let Some(r) = report.window(w) else { continue };
            let (Some(start), Some(end)) = (r.start_ns, r.end_ns) else {
                continue;
            };
            let churn = r
                .churn_ratio
                .map_or_else(|| "-".to_owned(), |c| format!("{c:.3}"));
            let args = [
                ("events", Value::Uint(r.events)),
                ("presented", Value::Uint(r.packets.presented)),
                ("created", Value::Uint(r.created_total())),
                ("destroyed", Value::Uint(r.destroyed_total())),
                ("churn_ratio", Value::Str(&churn)),
            ];
            self.canvas.slice(&Slice {
                track: WINDOWS,
                start_ns: start,
                end_ns: end,
                name: Text::Fixed(w.name()),
                args: &args,
                flows_out: &[],
                flow_in: None,
                phases: &[],
            });
        }
    }

    fn draw_findings(&mut self, report: &Report) {
        let s = &report.startup;
        if let Some(end) = s.end_ns {
            let args = [
                ("frames_presented", Value::Uint(s.frames_presented)),
                ("note", Value::Str(&s.note)),
            ];
            self.instant(FINDINGS, end, Text::Fixed("startup ends"), &args, None);
        } else if let Some(end) = report.windows.startup.as_ref().and_then(|w| w.end_ns) {
            let args = [("note", Value::Str(&s.note))];
            self.instant(
                FINDINGS,
                end,
                Text::Fixed("startup never stabilised"),
                &args,
                None,
            );
        }
        if let Some(start) = report.windows.shutdown.as_ref().and_then(|w| w.start_ns) {
            self.instant(FINDINGS, start, Text::Fixed("shutdown begins"), &[], None);
        }
        // Guardrail evidence names events by sequence number; the report's own
        // examples give their times.
        let mut times: HashMap<u64, u64> = HashMap::new();
        for e in &report.destroy_causes.examples {
            times.insert(e.destroy_seq, e.destroy_ns);
        }
        for e in &report.anomalies.examples {
            times.insert(e.seq, e.time_ns);
        }
        for l in &report.recreate_loops {
            times.insert(l.first_loop_seq, l.first_loop_ns);
        }
        let end = self.last_ns;
        for g in report.guardrails.iter().filter(|g| !g.passed) {
            let severity = g.severity.name();
            if g.evidence.items.is_empty() {
                let args = [
                    ("severity", Value::Label(severity)),
                    ("message", Value::Str(&g.message)),
                ];
                self.instant(FINDINGS, end, Text::Own(&g.id), &args, None);
            }
            for item in &g.evidence.items {
                let name = format!("{}: {}", g.id, item.what);
                let args = [
                    ("severity", Value::Label(severity)),
                    ("message", Value::Str(&g.message)),
                    ("seq", Value::Uint(item.seq)),
                ];
                let at = times.get(&item.seq).copied().unwrap_or(end);
                self.instant(FINDINGS, at, Text::Own(&name), &args, None);
            }
        }
    }
}

/// A scale, when it says something (0 is unknown; 1 is the common case, left out to
/// keep the trace small).
fn push_scale(args: &mut Vec<(&'static str, Value<'_>)>, scale: f32) {
    if scale != 0.0 && scale != 1.0 {
        args.push(("scale", Value::Float(f64::from(scale))));
    }
}

/// Which row a slot belongs to.
#[derive(Clone, Copy, Debug)]
enum RowRef {
    Lane(LaneId),
    Owner(Owner),
}

/// The scene takes a stream like an [`EventSink`], but needs no `Send`: the writers
/// wrapping it are the sinks.
impl<C: Canvas> Scene<C> {
    pub(crate) fn on_start(&mut self, info: &StreamInfo) {
        self.source = info.source.clone();
        self.analyzer.on_start(info);
    }

    pub(crate) fn on_name(&mut self, name: Name, text: &str) {
        self.names.define(name, text);
        self.analyzer.on_name(name, text);
    }

    pub(crate) fn on_event(&mut self, event: &Event) {
        self.declare_fixed();
        self.analyzer.on_event(event);
        let seq = self.stats.events;
        self.stats.events += 1;
        let t = event.time_ns;
        self.first_ns.get_or_insert(t);
        self.last_ns = self.last_ns.max(t);
        match event.kind {
            EventKind::Resource {
                action,
                resource,
                dims,
                packet,
            } => self.on_resource(seq, t, action, resource, dims, packet),
            EventKind::Pool {
                action,
                ty,
                owner,
                dims,
            } => self.on_pool(t, action, ty, owner, dims),
            EventKind::Packet { packet, stage } => self.on_packet(packet, stage, t),
            EventKind::Touched { packet, .. } => {
                if let Some(open) = self.open_packet(packet, t) {
                    open.touches += 1;
                }
            }
            EventKind::Marker(marker) => {
                let name = format!("marker {}", marker.resolve(&self.names));
                self.instant(FINDINGS, t, Text::Own(&name), &[], None);
            }
            EventKind::Lost { count } => {
                let name = format!("lost {count} events");
                let args = [("count", Value::Uint(count))];
                self.instant(FINDINGS, t, Text::Own(&name), &args, None);
            }
            // An event kind this build does not know: the analyzer alongside counts it.
            _ => {}
        }
    }

    pub(crate) fn on_finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.close();
        }
    }
}
