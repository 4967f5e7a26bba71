//! [`ResourceStory`]: a sink that follows one resource through a stream and tells
//! its whole story — create, rebuilds, binds, packets, destroy and why.
//!
//! It runs the full [`Analyzer`] alongside, so the cause it gives is exactly the
//! one the report counts (same look-ahead, same windows). What it keeps about the
//! followed resource is bounded (first rebuilds and binds, first and last packets,
//! counts), so it never grows with the stream either.

use crate::event::{
    Dims, Event, EventKind, EventSink, Name, Owner, PacketRef, ReleaseModels, ResourceAction,
    ResourceId, ResourceType, StreamInfo,
};

use crate::analysis::fold::analyzer::Analyzer;
use crate::analysis::fold::anomalies::{AnomalyKind, Subject};
use crate::analysis::fold::attribution::{DestroyCause, Settled};
use crate::analysis::fold::definitions::Definitions;
use crate::analysis::fold::owners::kind_name;
use crate::analysis::fold::ring::Ring;
use crate::analysis::fold::types::type_name;
use crate::analysis::fold::windows::Window;
use crate::analysis::report::assemble::{evidence_item, shutdown_evidence};
use crate::analysis::report::numbers::ms;
use crate::analysis::report::schema::definitions::DefinitionsReport;
use crate::analysis::report::schema::sections::{PacketLabel, StoryDims};

use super::story::{Story, StoryCheck, StoryDestroy, StoryEvent, StoryPackets};

/// How many rebuilds, binds and packets (at each end) a story lists.
const LISTED: usize = 16;

/// An event of the followed resource, before its window is known.
#[derive(Clone, Copy, Debug)]
struct Noted {
    what: &'static str,
    seq: u64,
    time_ns: u64,
    seg: u64,
    packet: Option<PacketRef>,
    dims: Option<Dims>,
}

/// Follows one resource through a stream.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Definitions, ResourceStory};
/// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, Resource, ResourceAction, ResourceId, ResourceType};
///
/// let queue = Resource { id: ResourceId(5), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
/// let event = |time_ns, action| Event {
///     time_ns,
///     thread: 0,
///     kind: EventKind::Resource { action, resource: queue, dims: None, packet: None },
/// };
/// let mut story = ResourceStory::new(ResourceId(5), Definitions::default());
/// story.on_event(&event(0, ResourceAction::Create));
/// story.on_event(&event(2_000_000, ResourceAction::Destroy));
/// story.on_finish();
/// let story = story.story();
/// assert_eq!(story.lifetime_ms, Some(2.0));
/// assert_eq!(story.destroyed.unwrap().cause, "owner-removed");
/// ```
#[derive(Clone, Debug)]
pub struct ResourceStory {
    id: ResourceId,
    analyzer: Analyzer,
    ty: Option<ResourceType>,
    owner: Option<Owner>,
    created: Option<Noted>,
    destroyed: Option<Noted>,
    rebuilds: Vec<Noted>,
    rebuild_count: u64,
    binds: Vec<Noted>,
    bind_count: u64,
    unbind_count: u64,
    packet_count: u64,
    first_packets: Vec<PacketRef>,
    last_packets: Ring<PacketRef>,
    anomalies: Vec<String>,
    /// Destroy-check findings about this resource, as the fold recorded them.
    checks: Vec<StoryCheck>,
    /// How the fold settled the resource's destroy, caught as it happened.
    settled: Option<Settled>,
}

impl ResourceStory {
    /// A sink following resource `id` under `defs`.
    pub fn new(id: ResourceId, defs: Definitions) -> Self {
        Self {
            id,
            analyzer: Analyzer::new(defs),
            ty: None,
            owner: None,
            created: None,
            destroyed: None,
            rebuilds: Vec::new(),
            rebuild_count: 0,
            binds: Vec::new(),
            bind_count: 0,
            unbind_count: 0,
            packet_count: 0,
            first_packets: Vec::new(),
            last_packets: Ring::new(LISTED),
            anomalies: Vec::new(),
            checks: Vec::new(),
            settled: None,
        }
    }

    /// Notes the destroy-check findings about this resource the fold recorded
    /// since its log held `since` records.
    fn note_checks(&mut self, since: u64) {
        let log = &self.analyzer.anomalies;
        for r in log.since(since) {
            if r.resource != self.id.0 || r.kind.subject() != Subject::ResourceInPacket {
                continue;
            }
            let packet = r.packet.map_or_else(
                || "-".to_owned(),
                |p| format!("{}/{}", p.lane.0, p.packet.0),
            );
            let what = match r.kind {
                AnomalyKind::DestroyBeforeSubmit => {
                    format!("destroyed before packet {packet}, which used it, was submitted")
                }
                AnomalyKind::DestroyInFlight => format!(
                    "destroyed while packet {packet}, which used it, was submitted and not complete"
                ),
                _ => format!("touched by packet {packet} after its destroy"),
            };
            self.checks.push(StoryCheck {
                guardrail: r.kind.name().to_owned(),
                seq: r.seq,
                time_ns: r.time_ns,
                packet: r.packet.map(label),
                what,
            });
        }
    }

    /// The same story, holding the stream to `models` whatever it declares (see
    /// [`Analyzer::with_release_models`]).
    pub fn with_release_models(mut self, models: ReleaseModels) -> Self {
        self.analyzer = self.analyzer.with_release_models(models);
        self
    }

    /// The report of the whole stream, computed alongside.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    fn touch(&mut self, packet: PacketRef) {
        self.packet_count += 1;
        if self.first_packets.len() < LISTED {
            self.first_packets.push(packet);
        } else {
            self.last_packets.push(packet);
        }
    }

    fn note(&mut self, seq: u64, event: &Event) {
        let (action, resource, dims, packet) = match event.kind {
            EventKind::Resource {
                action,
                resource,
                dims,
                packet,
            } if resource.id == self.id => (action, resource, dims, packet),
            EventKind::Touched { packet, resource } if resource == self.id => {
                self.touch(packet);
                return;
            }
            _ => return,
        };
        let what = action.name();
        let noted = Noted {
            what,
            seq,
            time_ns: event.time_ns,
            seg: self.analyzer.bounds.seg,
            packet,
            dims,
        };
        if let Some(p) = packet {
            self.touch(p);
        }
        if self.destroyed.is_some() && action != ResourceAction::Destroy {
            self.anomalies
                .push(format!("{what} at #{seq} after its destroy"));
        }
        match action {
            ResourceAction::Create => {
                if self.created.is_some() {
                    self.anomalies.push(format!("created again at #{seq}"));
                } else {
                    self.created = Some(noted);
                    self.ty = Some(resource.ty);
                    self.owner = Some(resource.owner);
                }
            }
            ResourceAction::Destroy => {
                if self.destroyed.is_some() {
                    self.anomalies.push(format!("destroyed again at #{seq}"));
                    return;
                }
                if self.created.is_none() {
                    self.anomalies.push(format!(
                        "destroyed at #{seq} without a create in the stream"
                    ));
                    self.ty = Some(resource.ty);
                    self.owner = Some(resource.owner);
                }
                self.destroyed = Some(noted);
            }
            ResourceAction::ResizeRebuild => {
                self.rebuild_count += 1;
                if self.rebuilds.len() < LISTED {
                    self.rebuilds.push(noted);
                }
            }
            ResourceAction::Bind | ResourceAction::Unbind => {
                if action == ResourceAction::Bind {
                    self.bind_count += 1;
                } else {
                    self.unbind_count += 1;
                }
                if self.binds.len() < LISTED {
                    self.binds.push(noted);
                }
            }
        }
    }

    fn event_of(&self, n: &Noted) -> StoryEvent {
        StoryEvent {
            what: n.what.to_owned(),
            seq: n.seq,
            time_ns: n.time_ns,
            window: self.analyzer.bounds.window_now(n.seg).name().to_owned(),
            packet: n.packet.map(label),
            dims: n.dims.map(|d| StoryDims {
                width: d.width,
                height: d.height,
                scale: f64::from(d.scale),
            }),
        }
    }

    /// The story so far, as if the stream ended now.
    pub fn story(&self) -> Story {
        let a = &self.analyzer;
        let names = a.names();
        let destroyed = self.destroyed.map(|d| {
            let event = self.event_of(&d);
            let settled = self.settled.or_else(|| a.settle_waiting(self.id.0, None));
            let window = a.bounds.window_now(d.seg);
            let shutdown = window == Window::Shutdown;
            let cause = settled.map_or(
                DestroyCause::of_slot(DestroyCause::Unknown.intrinsic_index(), shutdown),
                |s| s.shown(shutdown),
            );
            let mut evidence = Vec::new();
            if cause == DestroyCause::Shutdown {
                evidence.extend(shutdown_evidence(a));
            }
            evidence.extend(settled.and_then(|s| s.evidence).iter().map(evidence_item));
            StoryDestroy {
                event,
                cause: cause.name().to_owned(),
                evidence,
                short_lived: !shutdown && settled.is_some_and(|s| s.record.short_lived),
            }
        });
        let lifetime_ms = self
            .created
            .zip(self.destroyed)
            .map(|(c, d)| ms(d.time_ns.saturating_sub(c.time_ns)));
        Story {
            format: "gpu-ledger-story".to_owned(),
            version: 1,
            origin_ns: a.first_ns,
            resource_id: self.id.0,
            found: self.ty.is_some() || self.packet_count > 0,
            resource_type: self.ty.map(|t| type_name(t, names)),
            owner_kind: self.owner.map(|o| kind_name(o.kind, names)),
            owner_key: self.owner.map(|o| o.key),
            created: self.created.map(|c| self.event_of(&c)),
            rebuilds: self.rebuilds.iter().map(|n| self.event_of(n)).collect(),
            rebuild_count: self.rebuild_count,
            binds: self.binds.iter().map(|n| self.event_of(n)).collect(),
            bind_count: self.bind_count,
            unbind_count: self.unbind_count,
            packets: StoryPackets {
                count: self.packet_count,
                first: self.first_packets.iter().copied().map(label).collect(),
                last: self.last_packets.iter().copied().map(label).collect(),
            },
            destroyed,
            lifetime_ms,
            live_at_end: self.created.is_some() && self.destroyed.is_none(),
            anomalies: self.anomalies.clone(),
            checks: self.checks.clone(),
            definitions: DefinitionsReport::new(a.definitions(), names),
        }
    }
}

fn label(p: PacketRef) -> PacketLabel {
    PacketLabel {
        lane: p.lane.0,
        packet: p.packet.0,
    }
}

impl EventSink for ResourceStory {
    fn on_start(&mut self, info: &StreamInfo) {
        self.analyzer.on_start(info);
    }

    fn on_name(&mut self, name: Name, text: &str) {
        self.analyzer.on_name(name, text);
    }

    fn on_event(&mut self, event: &Event) {
        let seq = self.analyzer.events_seen();
        // The fold settles destroys whose look-ahead is over before it applies the
        // next event; catch this resource's settlement in the same state.
        if let Some(settled) = self.analyzer.settle_waiting(self.id.0, Some(event.time_ns)) {
            self.settled = Some(settled);
        }
        let recorded = self.analyzer.anomalies.recorded;
        self.analyzer.on_event(event);
        if self.analyzer.anomalies.recorded != recorded {
            self.note_checks(recorded);
        }
        self.note(seq, event);
    }

    fn on_flush(&mut self) {
        self.analyzer.on_flush();
    }

    fn on_finish(&mut self) {
        self.analyzer.on_finish();
    }
}
