//! [`ResourceGraph`]: a sink that answers "what is alive right now, and who owns
//! it?" — the live resource graph at one point in a stream (plan slice E, "dump
//! current resource graph").
//!
//! It keeps one small record per live resource (type, owner, size, creation time,
//! the last packet that touched it) and nothing else, so its memory is bounded by
//! the live set, never by the length of the stream. Events after the point asked
//! for are counted and ignored. It must never read a file or a clock, and the
//! same events must always give the same [`Graph`], byte for byte: owners and
//! resources are sorted by resolved name and id, never by hash order. Unbalanced
//! input (a destroy of an unknown id) is ignored here; the report counts it.
//!
//! The point is a stream time (`graph --at`), the end of one packet (`graph
//! --at-packet`: everything up to and including the stage that ended it), or the
//! end of what was seen (the live analysis takes its dumps this way).

use std::collections::BTreeMap;
use std::fmt::Write as _;

#[cfg(feature = "json")]
use serde::{Deserialize, Serialize};

use crate::event::{
    Event, EventKind, EventSink, Name, Names, Owner, PacketRef, PacketStage, ResourceAction,
};
use crate::event::{Resource, ResourceType};

use crate::analysis::fold::analyzer::Analyzer;
use crate::analysis::fold::hashing::FxHashMap;
use crate::analysis::fold::owners::kind_name;
use crate::analysis::fold::types::type_name;
use crate::analysis::report::numbers::{count, ms};
use crate::analysis::report::schema::sections::{PacketLabel, StoryDims, TypeCounts};
use crate::text::Escaped;

/// The value of [`Graph::format`].
pub const GRAPH_FORMAT: &str = "gpu-ledger-graph";

/// Where a graph is taken, and why there.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::GraphPoint;
///
/// assert_eq!(GraphPoint::StartupEnd.name(), "startup-end");
/// assert_eq!(GraphPoint::EndOfStream.describe(), "the end of the stream (startup never stabilised)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GraphPoint {
    /// At a stream time the caller gave.
    Given,
    /// Where startup ended: the first present of the first stable present window.
    StartupEnd,
    /// At the end of the stream (startup never stabilised, or no time was given).
    EndOfStream,
    /// Just after a packet ended (its presented, dropped, no-op or failed stage):
    /// `graph --at-packet`.
    AfterPacket,
    /// When a running process dumped it: the end of the stream so far.
    Dump,
}

impl GraphPoint {
    /// The point's name in JSON: `given`, `startup-end` or `end-of-stream`.
    pub const fn name(self) -> &'static str {
        match self {
            GraphPoint::Given => "given",
            GraphPoint::StartupEnd => "startup-end",
            GraphPoint::EndOfStream => "end-of-stream",
            GraphPoint::AfterPacket => "after-packet",
            GraphPoint::Dump => "dump",
        }
    }

    /// The point named `name` (as [`GraphPoint::name`] spells it), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            GraphPoint::Given,
            GraphPoint::StartupEnd,
            GraphPoint::EndOfStream,
            GraphPoint::AfterPacket,
            GraphPoint::Dump,
        ]
        .into_iter()
        .find(|p| p.name() == name)
    }

    /// The point in words, for text outputs.
    pub const fn describe(self) -> &'static str {
        match self {
            GraphPoint::Given => "the time given",
            GraphPoint::StartupEnd => "the end of the startup window",
            GraphPoint::EndOfStream => "the end of the stream (startup never stabilised)",
            GraphPoint::AfterPacket => "the end of the packet given",
            GraphPoint::Dump => "the dump (the stream so far, in the running process)",
        }
    }
}

#[cfg(feature = "json")]
impl Serialize for GraphPoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(feature = "json")]
impl<'de> Deserialize<'de> for GraphPoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        GraphPoint::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown graph point {name:?}")))
    }
}

/// What the graph keeps about one live resource.
#[derive(Clone, Copy, Debug)]
struct LiveNode {
    ty: ResourceType,
    owner: Owner,
    dims: Option<StoryDims>,
    create_ns: u64,
    create_seq: u64,
    last_packet: Option<(PacketRef, u64)>,
}

/// Builds the live resource graph at one point of a stream.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::ResourceGraph;
/// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, Resource, ResourceAction, ResourceId, ResourceType};
///
/// let queue = |id| Resource { id: ResourceId(id), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
/// let event = |time_ns, action, id| Event {
///     time_ns,
///     thread: 0,
///     kind: EventKind::Resource { action, resource: queue(id), dims: None, packet: None },
/// };
/// let mut graph = ResourceGraph::new(Some(5_000_000)); // 5 ms of stream time
/// graph.on_event(&event(0, ResourceAction::Create, 1));
/// graph.on_event(&event(1_000_000, ResourceAction::Create, 2));
/// graph.on_event(&event(2_000_000, ResourceAction::Destroy, 1));
/// graph.on_event(&event(9_000_000, ResourceAction::Destroy, 2)); // after 5 ms: ignored
/// let graph = graph.graph();
/// assert_eq!(graph.live, 1);
/// assert_eq!(graph.owners[0].resources[0].id, 2);
/// assert_eq!(graph.owners[0].resources[0].age_ms, 4.0);
/// assert_eq!(graph.events_after, 1);
/// ```
#[derive(Clone, Debug)]
pub struct ResourceGraph {
    at: Option<u64>,
    point: GraphPoint,
    /// For [`GraphPoint::AfterPacket`]: the packet, and its last stage seen (with its time).
    packet: Option<(PacketRef, Option<(PacketStage, u64)>)>,
    /// The point was passed: later events are counted, not applied.
    passed: bool,
    origin_ns: Option<u64>,
    names: Names,
    live: FxHashMap<u64, LiveNode>,
    events: u64,
    events_after: u64,
    last_ns: Option<u64>,
}

impl Default for ResourceGraph {
    /// A graph at the end of the stream.
    fn default() -> Self {
        Self::new(None)
    }
}

impl ResourceGraph {
    /// A graph of what is alive at stream time `at` (ns since the stream started,
    /// the base every report prints: events stamped at or before it are applied);
    /// `None` means at the end of the stream.
    pub fn new(at: Option<u64>) -> Self {
        Self {
            at,
            point: if at.is_some() {
                GraphPoint::Given
            } else {
                GraphPoint::EndOfStream
            },
            packet: None,
            passed: false,
            origin_ns: None,
            names: Names::new(),
            live: FxHashMap::default(),
            events: 0,
            events_after: 0,
            last_ns: None,
        }
    }

    /// A graph of what is alive just after `packet` ended: every event up to and
    /// including its presented, dropped, no-op or failed stage is applied, none
    /// after (`graph --at-packet LANE:PACKET`). When the packet never ends in the
    /// stream, the graph runs to the end and [`missing_packet`](Self::missing_packet)
    /// says why.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{GraphPoint, ResourceGraph};
    /// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, PacketRef, PacketStage,
    ///     Resource, ResourceAction, ResourceId, ResourceType};
    ///
    /// let target = |id| Resource { id: ResourceId(id), ty: ResourceType::TextureTarget, owner: Owner::new(OwnerKind::ChildVisual, 7) };
    /// let (p1, p2) = (PacketRef::new(1, 1), PacketRef::new(1, 2));
    /// let kinds = [
    ///     EventKind::Resource { action: ResourceAction::Create, resource: target(1), dims: None, packet: Some(p1) },
    ///     EventKind::Packet { packet: p1, stage: PacketStage::Presented },
    ///     EventKind::Resource { action: ResourceAction::Destroy, resource: target(1), dims: None, packet: Some(p2) },
    ///     EventKind::Packet { packet: p2, stage: PacketStage::Presented },
    /// ];
    /// let mut graph = ResourceGraph::after_packet(p1);
    /// for (i, kind) in kinds.into_iter().enumerate() {
    ///     graph.on_event(&Event { time_ns: i as u64 * 1_000_000, thread: 0, kind });
    /// }
    /// assert_eq!(graph.missing_packet(), None);
    /// let graph = graph.graph();
    /// assert_eq!((graph.at, graph.live, graph.at_ns), (GraphPoint::AfterPacket, 1, 1_000_000));
    /// assert_eq!(graph.events_after, 2);
    /// assert_eq!(ResourceGraph::after_packet(PacketRef::new(2, 9)).missing_packet().as_deref(),
    ///     Some("lane 2 packet 9 is not in the input"));
    /// ```
    pub fn after_packet(packet: PacketRef) -> Self {
        Self {
            point: GraphPoint::AfterPacket,
            packet: Some((packet, None)),
            ..Self::new(None)
        }
    }

    /// A graph of the stream so far, for a running process's dump.
    pub fn live() -> Self {
        Self {
            point: GraphPoint::Dump,
            ..Self::new(None)
        }
    }

    /// For a graph [`after_packet`](Self::after_packet), why its point was never
    /// reached: the packet is not in the input, or never ended (with its last
    /// stage). `None` when it was, and for every other graph.
    pub fn missing_packet(&self) -> Option<String> {
        let (packet, last) = self.packet?;
        if self.passed {
            return None;
        }
        Some(match last {
            None => format!("{packet} is not in the input"),
            Some((stage, t)) => format!(
                "{packet} never ended in the input (its last stage: {} at {:.3} ms)",
                stage.name(),
                ms(t)
            ),
        })
    }

    /// A graph taken where startup ended in the stream `analyzer` has seen (a first
    /// pass over the same input), or at its end when startup never stabilised.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, GraphPoint, ResourceGraph};
    ///
    /// let graph = ResourceGraph::at_startup_end(&Analyzer::default()).graph();
    /// assert_eq!(graph.at, GraphPoint::EndOfStream);
    /// ```
    pub fn at_startup_end(analyzer: &Analyzer) -> Self {
        match analyzer.startup_end_ns() {
            Some(end) => Self {
                point: GraphPoint::StartupEnd,
                ..Self::new(Some(end))
            },
            None => Self::new(None),
        }
    }

    /// The stream time the graph is taken at, if one was asked for.
    fn cutoff(&self) -> Option<u64> {
        self.at
    }

    /// How many resources are alive now.
    pub fn live_len(&self) -> usize {
        self.live.len()
    }

    /// The graph as plain data, owners sorted by kind name and key, resources by
    /// type name and id.
    pub fn graph(&self) -> Graph {
        let at_ns = self.cutoff().or(self.last_ns).unwrap_or(0);
        let packet = self.packet.map(|(p, _)| PacketLabel {
            lane: p.lane.0,
            packet: p.packet.0,
        });
        let mut owners: BTreeMap<(String, u64), GraphOwner> = BTreeMap::new();
        let mut by_type = TypeCounts::new();
        for (&id, node) in &self.live {
            let kind = kind_name(node.owner.kind, &self.names);
            let ty = type_name(node.ty, &self.names);
            *by_type.entry(ty.clone()).or_default() += 1;
            let owner = owners
                .entry((kind.clone(), node.owner.key))
                .or_insert_with(|| GraphOwner {
                    owner_kind: kind,
                    owner_key: node.owner.key,
                    live: 0,
                    by_type: TypeCounts::new(),
                    resources: Vec::new(),
                });
            owner.live += 1;
            *owner.by_type.entry(ty.clone()).or_default() += 1;
            owner.resources.push(GraphResource {
                id,
                resource_type: ty,
                dims: node.dims,
                created_ns: node.create_ns,
                create_seq: node.create_seq,
                age_ms: ms(at_ns.saturating_sub(node.create_ns)),
                last_packet: node.last_packet.map(|(p, t)| GraphTouch {
                    lane: p.lane.0,
                    packet: p.packet.0,
                    time_ns: t,
                }),
            });
        }
        let mut owners: Vec<GraphOwner> = owners.into_values().collect();
        for o in &mut owners {
            o.resources
                .sort_by(|a, b| (&a.resource_type, a.id).cmp(&(&b.resource_type, b.id)));
        }
        Graph {
            format: GRAPH_FORMAT.to_owned(),
            version: 1,
            at: self.point,
            packet,
            at_ns,
            at_ms: ms(at_ns),
            origin_ns: self.origin_ns,
            events_applied: self.events - self.events_after,
            events_after: self.events_after,
            live: self.live.len() as u64,
            by_type,
            owners,
        }
    }

    fn apply(&mut self, seq: u64, t: u64, action: ResourceAction, r: Resource, event: &Event) {
        let packet = match event.kind {
            EventKind::Resource { packet, .. } => packet,
            _ => None,
        };
        match action {
            ResourceAction::Create => {
                let dims = match event.kind {
                    EventKind::Resource { dims, .. } => dims.map(story_dims),
                    _ => None,
                };
                self.live.insert(
                    r.id.0,
                    LiveNode {
                        ty: r.ty,
                        owner: r.owner,
                        dims,
                        create_ns: t,
                        create_seq: seq,
                        last_packet: packet.map(|p| (p, t)),
                    },
                );
            }
            ResourceAction::Destroy => {
                self.live.remove(&r.id.0);
            }
            ResourceAction::ResizeRebuild | ResourceAction::Bind | ResourceAction::Unbind => {
                if let Some(node) = self.live.get_mut(&r.id.0) {
                    if action == ResourceAction::ResizeRebuild
                        && let EventKind::Resource { dims: Some(d), .. } = event.kind
                    {
                        node.dims = Some(story_dims(d));
                    }
                    if let Some(p) = packet {
                        node.last_packet = Some((p, t));
                    }
                }
            }
        }
    }
}

fn story_dims(d: crate::event::Dims) -> StoryDims {
    StoryDims {
        width: d.width,
        height: d.height,
        scale: f64::from(d.scale),
    }
}

impl EventSink for ResourceGraph {
    fn on_name(&mut self, name: Name, text: &str) {
        self.names.define(name, text);
    }

    fn on_event(&mut self, event: &Event) {
        let seq = self.events;
        self.events += 1;
        let t = event.time_ns;
        if self.origin_ns.is_none() {
            self.origin_ns = Some(t);
        }
        if self.passed || self.cutoff().is_some_and(|at| t > at) {
            self.events_after += 1;
            return;
        }
        self.last_ns = Some(t);
        if let (Some((p, last)), EventKind::Packet { packet, stage }) =
            (&mut self.packet, event.kind)
            && *p == packet
        {
            *last = Some((stage, t));
            self.passed = matches!(
                stage,
                PacketStage::Presented
                    | PacketStage::Dropped
                    | PacketStage::NoOp
                    | PacketStage::Failed
            );
        }
        match event.kind {
            EventKind::Resource {
                action, resource, ..
            } => self.apply(seq, t, action, resource, event),
            EventKind::Touched { packet, resource } => {
                if let Some(node) = self.live.get_mut(&resource.0) {
                    node.last_packet = Some((packet, t));
                }
            }
            _ => {}
        }
    }
}

/// The last packet that touched a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct GraphTouch {
    /// Lane id.
    pub lane: u64,
    /// Packet id.
    pub packet: u64,
    /// Stream time of the touch, ns.
    pub time_ns: u64,
}

/// One live resource.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct GraphResource {
    /// Its id.
    pub id: u64,
    /// Its type.
    pub resource_type: String,
    /// Its size (from its create or its last rebuild), when known.
    pub dims: Option<StoryDims>,
    /// Stream time of its create, ns.
    pub created_ns: u64,
    /// Sequence number of its create.
    pub create_seq: u64,
    /// `at_ns - created_ns`, ms.
    pub age_ms: f64,
    /// The last packet that touched it (a resource event in packet context or a
    /// `Touched` event), if any.
    pub last_packet: Option<GraphTouch>,
}

/// One owner and its live resources.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct GraphOwner {
    /// Owner kind name.
    pub owner_kind: String,
    /// Owner key.
    pub owner_key: u64,
    /// Its live resources.
    pub live: u64,
    /// Its live resources per type.
    pub by_type: TypeCounts,
    /// Its live resources, by type name then id.
    pub resources: Vec<GraphResource>,
}

/// The live resource graph at one point of a stream.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct Graph {
    /// Always `"gpu-ledger-graph"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Why the graph is taken where it is.
    pub at: GraphPoint,
    /// The packet whose end the graph is taken at (`at` is `after-packet`), else `None`.
    pub packet: Option<PacketLabel>,
    /// The point in the stream, stream time in ns (the last event's time when none
    /// was asked for).
    pub at_ns: u64,
    /// The same point, ms of stream time.
    pub at_ms: f64,
    /// Stream time of the stream's first event, ns (`None` for an empty stream).
    /// Every time here is stream time, since the stream started.
    pub origin_ns: Option<u64>,
    /// Events at or before `at_ns`.
    pub events_applied: u64,
    /// Events after `at_ns`, ignored.
    pub events_after: u64,
    /// Live resources.
    pub live: u64,
    /// Live resources per type.
    pub by_type: TypeCounts,
    /// Owners with live resources, by kind name then key.
    pub owners: Vec<GraphOwner>,
}

impl Graph {
    /// The graph as an indented tree: owners, then their resources.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::ResourceGraph;
    ///
    /// let text = ResourceGraph::new(None).graph().render_text();
    /// assert_eq!(text, "Resource graph at 0.000 ms since the stream started: 0 live resources, 0 owners\n");
    /// ```
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "Resource graph at {:.3} ms since the stream started: {}, {}",
            self.at_ms,
            count(self.live, "live resource", "live resources"),
            count(self.owners.len() as u64, "owner", "owners")
        );
        if !self.by_type.is_empty() {
            let _ = write!(out, " ({})", type_list(&self.by_type));
        }
        out.push('\n');
        for o in &self.owners {
            let _ = writeln!(
                out,
                "  {} {:#x}: {} live ({})",
                Escaped(&o.owner_kind),
                o.owner_key,
                o.live,
                type_list(&o.by_type)
            );
            for r in &o.resources {
                let _ = write!(
                    out,
                    "    {} {}  age {:.3} ms",
                    Escaped(&r.resource_type),
                    r.id,
                    r.age_ms
                );
                if let Some(d) = r.dims {
                    let _ = write!(out, "  {d}");
                }
                match r.last_packet {
                    Some(p) => {
                        let _ = write!(
                            out,
                            "  last packet {}/{} at {:.3} ms",
                            p.lane,
                            p.packet,
                            ms(p.time_ns)
                        );
                    }
                    None => out.push_str("  no packet"),
                }
                out.push('\n');
            }
        }
        out
    }

    /// The graph as pretty-printed JSON, fields in schema order (schema: `docs/report-schema.md`).
    #[cfg(feature = "json")]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"{GRAPH_FORMAT}\",\"error\":\"{e}\"}}"))
    }

    /// The same, as a JSON value (keys sorted), for tools that add fields to it.
    #[cfg(feature = "json")]
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// `2 CommandQueue, 1 Texture`.
fn type_list(counts: &TypeCounts) -> String {
    counts
        .iter()
        .map(|(t, n)| format!("{n} {}", Escaped(t)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{OwnerKind, ResourceId};

    #[test]
    fn memory_is_bounded_by_the_live_set() {
        let mut g = ResourceGraph::new(None);
        let owner = Owner::new(OwnerKind::ChildVisual, 7);
        for id in 1..=100_000u64 {
            for action in [ResourceAction::Create, ResourceAction::Destroy] {
                if action == ResourceAction::Destroy && id % 1000 == 0 {
                    continue; // every thousandth resource stays
                }
                g.on_event(&Event {
                    time_ns: id,
                    thread: 0,
                    kind: EventKind::Resource {
                        action,
                        resource: Resource {
                            id: ResourceId(id),
                            ty: ResourceType::Texture,
                            owner,
                        },
                        dims: None,
                        packet: None,
                    },
                });
            }
        }
        assert_eq!(g.live_len(), 100);
        let graph = g.graph();
        assert_eq!(graph.owners.len(), 1);
        let ids: Vec<u64> = graph.owners[0]
            .resources
            .iter()
            .map(|r| r.id)
            .take(3)
            .collect();
        assert_eq!(ids, vec![1000, 2000, 3000], "sorted by id within a type");
    }
}
