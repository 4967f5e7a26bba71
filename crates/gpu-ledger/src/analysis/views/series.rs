//! [`Series`]: a run as a few time series to draw — live resources per type over
//! time, creates and destroys per time bucket, and creates and destroys per packet —
//! bounded in size however long the run.
//!
//! The fold keeps at most `max_points` points per series. Time is cut into buckets
//! from the stream's first event, 1 ms wide to begin with; when the run outgrows
//! `max_points` buckets, neighbouring buckets are merged in pairs and the width
//! doubles, so a 2-second demo keeps 1–2 ms buckets and an hours-long trace keeps
//! seconds-wide ones. Merging is honest: a live count keeps its minimum, maximum and
//! last value per bucket (never an average), counts are summed, and a packet point
//! keeps how many packets it stands for and the most any one of them created or
//! destroyed. The output says how wide a bucket is and how many packets a point
//! holds, so a chart can say so.
//!
//! Memory is bounded by the points, the series (at most [`MAX_SERIES_TYPES`]
//! types, the rest pooled as `(other types)`), the live resources and the packets in
//! flight, never by the length of the stream. It never reads a file or a clock, and
//! the same events give the same [`Series`], byte for byte. A destroy of an unknown
//! id is ignored (the report counts it as an anomaly); a create of a live id
//! replaces it.

#[cfg(feature = "json")]
use serde::Serialize;

use crate::event::{Event, EventKind, EventSink, Name, Names, PacketRef, ResourceAction};

use crate::analysis::fold::hashing::FxHashMap;
use crate::analysis::fold::recent::Recent;
use crate::analysis::fold::types::{TypeTable, type_name};

/// The value of [`Series::format`].
pub const SERIES_FORMAT: &str = "gpu-ledger-series";
/// Points per series unless [`SeriesBuilder::new`] says otherwise.
pub const DEFAULT_MAX_POINTS: usize = 2_000;
/// The narrowest time bucket, ns: where bucketing starts before any merge.
pub const MIN_BUCKET_NS: u64 = 1_000_000;
/// Types with a series of their own; live counts of later types are summed into
/// one `(other types)` series.
pub const MAX_SERIES_TYPES: usize = 32;
/// Packets in flight whose creates and destroys are counted at once; further
/// packets are counted in [`Series::untracked_packets`].
const MAX_OPEN_PACKETS: usize = 65_536;
/// Finished packets remembered, so a duplicate terminal stage is not a new packet.
const RECENT_FINISHED: usize = 65_536;

const OTHER_TYPES: &str = "(other types)";

/// One series of live counts, per bucket.
#[derive(Clone, Debug, Default)]
struct Line {
    /// The type's dense index, or `None` for the pooled `(other types)`.
    ty: Option<u16>,
    now: u64,
    min: Vec<u64>,
    max: Vec<u64>,
    end: Vec<u64>,
}

/// Creates and destroys inside one packet in flight.
#[derive(Clone, Copy, Debug, Default)]
struct PacketChurn {
    created: u64,
    destroyed: u64,
}

/// Builds the [`Series`] of a stream: an [`EventSink`].
///
/// # Example
/// ```
/// use gpu_ledger::analysis::SeriesBuilder;
/// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, PacketRef, PacketStage, Resource,
///     ResourceAction, ResourceId, ResourceType};
///
/// let queue = |id| Resource { id: ResourceId(id), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
/// let mut series = SeriesBuilder::default();
/// let mut at = |time_ns, kind| series.on_event(&Event { time_ns, thread: 0, kind });
/// let packet = Some(PacketRef::new(1, 1));
/// at(0, EventKind::Resource { action: ResourceAction::Create, resource: queue(1), dims: None, packet });
/// at(500_000, EventKind::Resource { action: ResourceAction::Create, resource: queue(2), dims: None, packet });
/// at(2_500_000, EventKind::Packet { packet: PacketRef::new(1, 1), stage: PacketStage::Presented });
/// at(3_000_000, EventKind::Resource { action: ResourceAction::Destroy, resource: queue(1), dims: None, packet: None });
/// let series = series.series();
/// assert_eq!(series.bucket_ns, 1_000_000);
/// assert_eq!(series.live[0].resource_type, "CommandQueue");
/// assert_eq!(series.live[0].max, [2, 2, 2, 2]);
/// assert_eq!(series.live[0].end, [2, 2, 2, 1]);
/// assert_eq!(series.destroyed, [0, 0, 0, 1]);
/// assert_eq!((series.packets.max_created.as_slice(), series.packets.packets.as_slice()), (&[2][..], &[1][..]));
/// ```
#[derive(Clone, Debug)]
pub struct SeriesBuilder {
    max_points: usize,
    bucket_ns: u64,
    origin_ns: Option<u64>,
    last_ns: u64,
    events: u64,
    names: Names,
    types: TypeTable,
    /// Type index → its line in `lines` (`u16::MAX`: none yet).
    line_of_type: Vec<u16>,
    /// Live id → its line.
    live: FxHashMap<u64, u16>,
    lines: Vec<Line>,
    created: Vec<u64>,
    destroyed: Vec<u64>,
    open: FxHashMap<PacketRef, PacketChurn>,
    finished: Recent<PacketRef>,
    untracked_packets: u64,
    packets: PacketPoints,
}

impl Default for SeriesBuilder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_POINTS)
    }
}

impl SeriesBuilder {
    /// A builder keeping at most `max_points` points per series (at least 2).
    pub fn new(max_points: usize) -> Self {
        Self {
            max_points: max_points.max(2),
            bucket_ns: MIN_BUCKET_NS,
            origin_ns: None,
            last_ns: 0,
            events: 0,
            names: Names::new(),
            types: TypeTable::default(),
            line_of_type: Vec::new(),
            live: FxHashMap::default(),
            lines: Vec::new(),
            created: Vec::new(),
            destroyed: Vec::new(),
            open: FxHashMap::default(),
            finished: Recent::new(RECENT_FINISHED),
            untracked_packets: 0,
            packets: PacketPoints {
                per_point: 1,
                ..PacketPoints::default()
            },
        }
    }

    /// The series as plain data: live lines sorted by type name, `(other types)` last.
    pub fn series(&self) -> Series {
        let mut live: Vec<LiveSeries> = self
            .lines
            .iter()
            .map(|line| LiveSeries {
                resource_type: line.ty.map_or_else(
                    || OTHER_TYPES.to_owned(),
                    |ty| type_name(self.types.get(ty), &self.names),
                ),
                min: line.min.clone(),
                max: line.max.clone(),
                end: line.end.clone(),
            })
            .collect();
        live.sort_by(|a, b| {
            (a.resource_type == OTHER_TYPES, &a.resource_type)
                .cmp(&(b.resource_type == OTHER_TYPES, &b.resource_type))
        });
        Series {
            format: SERIES_FORMAT.to_owned(),
            version: 1,
            origin_ns: self.origin_ns,
            end_ns: self.origin_ns.map(|_| self.last_ns),
            events: self.events,
            bucket_ns: self.bucket_ns,
            buckets: self.created.len() as u64,
            live,
            created: self.created.clone(),
            destroyed: self.destroyed.clone(),
            packets: self.packets.clone(),
            untracked_packets: self.untracked_packets,
        }
    }

    /// The bucket of time `t`, merging buckets until it fits.
    fn bucket(&mut self, t: u64) -> usize {
        let origin = *self.origin_ns.get_or_insert(t);
        // A stream whose time steps back keeps filling its current bucket.
        let t = t.max(self.last_ns).max(origin);
        self.last_ns = t;
        loop {
            let index = (t - origin) / self.bucket_ns;
            if index < self.max_points as u64 {
                let index = index as usize;
                while self.created.len() <= index {
                    self.open_bucket();
                }
                return index;
            }
            self.merge_buckets();
        }
    }

    fn open_bucket(&mut self) {
        self.created.push(0);
        self.destroyed.push(0);
        for line in &mut self.lines {
            line.min.push(line.now);
            line.max.push(line.now);
            line.end.push(line.now);
        }
    }

    #[cold]
    fn merge_buckets(&mut self) {
        self.bucket_ns = self.bucket_ns.saturating_mul(2);
        merge_pairs(&mut self.created, |a, b| a + b);
        merge_pairs(&mut self.destroyed, |a, b| a + b);
        for line in &mut self.lines {
            merge_pairs(&mut line.min, u64::min);
            merge_pairs(&mut line.max, u64::max);
            merge_pairs(&mut line.end, |_, b| b);
        }
    }

    /// The line of type `ty`, created (zero so far) on first use.
    fn line(&mut self, ty: crate::event::ResourceType) -> usize {
        let index = self.types.index(ty) as usize;
        if self.line_of_type.len() <= index {
            self.line_of_type.resize(index + 1, u16::MAX);
        }
        if self.line_of_type[index] == u16::MAX {
            let own = self.lines.iter().filter(|l| l.ty.is_some()).count() < MAX_SERIES_TYPES;
            let line = if own {
                self.new_line(Some(index as u16))
            } else {
                match self.lines.iter().position(|l| l.ty.is_none()) {
                    Some(line) => line,
                    None => self.new_line(None),
                }
            };
            self.line_of_type[index] = line as u16;
        }
        self.line_of_type[index] as usize
    }

    #[cold]
    fn new_line(&mut self, ty: Option<u16>) -> usize {
        let buckets = self.created.len();
        self.lines.push(Line {
            ty,
            now: 0,
            min: vec![0; buckets],
            max: vec![0; buckets],
            end: vec![0; buckets],
        });
        self.lines.len() - 1
    }

    fn add_live(&mut self, line: usize, bucket: usize, up: bool) {
        let line = &mut self.lines[line];
        if up {
            line.now += 1;
        } else {
            line.now = line.now.saturating_sub(1);
        }
        line.min[bucket] = line.min[bucket].min(line.now);
        line.max[bucket] = line.max[bucket].max(line.now);
        line.end[bucket] = line.now;
    }

    fn count_in_packet(&mut self, packet: PacketRef, created: bool) {
        if self.finished.contains(&packet) {
            return;
        }
        if !self.open.contains_key(&packet) && self.open.len() >= MAX_OPEN_PACKETS {
            self.untracked_packets += 1;
            return;
        }
        let churn = self.open.entry(packet).or_default();
        if created {
            churn.created += 1;
        } else {
            churn.destroyed += 1;
        }
    }

    fn finish_packet(&mut self, packet: PacketRef, t: u64) {
        if self.finished.contains(&packet) {
            return;
        }
        self.finished.insert(packet, ());
        let churn = self.open.remove(&packet).unwrap_or_default();
        self.packets.push(t, churn, self.max_points);
    }
}

/// Merges neighbouring values in pairs (a trailing odd value stays alone).
fn merge_pairs(values: &mut Vec<u64>, merge: impl Fn(u64, u64) -> u64) {
    let merged: Vec<u64> = values
        .chunks(2)
        .map(|pair| match *pair {
            [a, b] => merge(a, b),
            [a] => a,
            _ => 0,
        })
        .collect();
    *values = merged;
}

impl EventSink for SeriesBuilder {
    fn on_name(&mut self, name: Name, text: &str) {
        self.names.define(name, text);
    }

    fn on_event(&mut self, event: &Event) {
        self.events += 1;
        let bucket = self.bucket(event.time_ns);
        match event.kind {
            EventKind::Resource {
                action: ResourceAction::Create,
                resource,
                packet,
                ..
            } => {
                let line = self.line(resource.ty);
                if let Some(old) = self.live.insert(resource.id.0, line as u16) {
                    self.add_live(usize::from(old), bucket, false);
                }
                self.add_live(line, bucket, true);
                self.created[bucket] += 1;
                if let Some(p) = packet {
                    self.count_in_packet(p, true);
                }
            }
            EventKind::Resource {
                action: ResourceAction::Destroy,
                resource,
                packet,
                ..
            } => {
                if let Some(line) = self.live.remove(&resource.id.0) {
                    self.add_live(usize::from(line), bucket, false);
                }
                self.destroyed[bucket] += 1;
                if let Some(p) = packet {
                    self.count_in_packet(p, false);
                }
            }
            EventKind::Packet { packet, stage } => {
                use crate::event::PacketStage::*;
                if matches!(stage, Presented | Dropped | NoOp | Failed) {
                    self.finish_packet(packet, self.last_ns);
                }
            }
            _ => {}
        }
    }
}

/// Creates and destroys per finished packet, in the order packets finished: one
/// point per packet until there are more than `max_points`, then one point per
/// `per_point` consecutive packets. Columns share an index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct PacketPoints {
    /// Packets per point (a power of two; the last point may hold fewer).
    pub per_point: u64,
    /// Stream time the point's last packet finished, ns.
    pub end_ns: Vec<u64>,
    /// Packets in the point.
    pub packets: Vec<u64>,
    /// The most resources any one packet of the point created.
    pub max_created: Vec<u64>,
    /// The most resources any one packet of the point destroyed.
    pub max_destroyed: Vec<u64>,
    /// Resources the point's packets created, in all.
    pub created: Vec<u64>,
    /// Resources the point's packets destroyed, in all.
    pub destroyed: Vec<u64>,
}

impl PacketPoints {
    fn push(&mut self, t: u64, churn: PacketChurn, max_points: usize) {
        let last_full = self.packets.last().is_none_or(|&n| n >= self.per_point);
        if last_full {
            if self.packets.len() >= max_points {
                self.merge();
                return self.push(t, churn, max_points);
            }
            self.end_ns.push(t);
            self.packets.push(1);
            self.max_created.push(churn.created);
            self.max_destroyed.push(churn.destroyed);
            self.created.push(churn.created);
            self.destroyed.push(churn.destroyed);
            return;
        }
        let i = self.packets.len() - 1;
        self.end_ns[i] = t;
        self.packets[i] += 1;
        self.max_created[i] = self.max_created[i].max(churn.created);
        self.max_destroyed[i] = self.max_destroyed[i].max(churn.destroyed);
        self.created[i] += churn.created;
        self.destroyed[i] += churn.destroyed;
    }

    #[cold]
    fn merge(&mut self) {
        self.per_point = self.per_point.saturating_mul(2);
        merge_pairs(&mut self.end_ns, |_, b| b);
        merge_pairs(&mut self.packets, |a, b| a + b);
        merge_pairs(&mut self.max_created, u64::max);
        merge_pairs(&mut self.max_destroyed, u64::max);
        merge_pairs(&mut self.created, |a, b| a + b);
        merge_pairs(&mut self.destroyed, |a, b| a + b);
    }
}

/// Live resources of one type, per time bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct LiveSeries {
    /// The type's name (as in the report), or `(other types)`: the sum of the types
    /// beyond the first [`MAX_SERIES_TYPES`].
    pub resource_type: String,
    /// The fewest alive at any moment of the bucket.
    pub min: Vec<u64>,
    /// The most alive at any moment of the bucket.
    pub max: Vec<u64>,
    /// How many were alive at the bucket's end.
    pub end: Vec<u64>,
}

/// A run as time series to draw: the JSON document `gpu-ledger-series` (schema in
/// `docs/report-schema.md`).
///
/// Bucket `i` covers stream time `origin_ns + i × bucket_ns` up to the next bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Series {
    /// Always `"gpu-ledger-series"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Stream time of the first event, ns: bucket 0 starts here. `None` for an empty
    /// stream. Every time here is stream time, since the stream started.
    pub origin_ns: Option<u64>,
    /// Stream time of the last event, ns.
    pub end_ns: Option<u64>,
    /// Events folded.
    pub events: u64,
    /// Width of a time bucket, ns: [`MIN_BUCKET_NS`] doubled once per merge.
    pub bucket_ns: u64,
    /// Time buckets.
    pub buckets: u64,
    /// Live resources per type, by type name.
    pub live: Vec<LiveSeries>,
    /// Creates per time bucket.
    pub created: Vec<u64>,
    /// Destroys per time bucket (destroy bursts at this bucket width).
    pub destroyed: Vec<u64>,
    /// Creates and destroys per finished packet.
    pub packets: PacketPoints,
    /// In-packet creates and destroys not counted because too many packets were in flight.
    pub untracked_packets: u64,
}

impl Series {
    /// The series as compact JSON (no whitespace: it is data for a chart), the same
    /// bytes for the same series.
    #[cfg(feature = "json")]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"{SERIES_FORMAT}\",\"error\":\"{e}\"}}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Owner, OwnerKind, PacketStage, Resource, ResourceId, ResourceType};

    fn resource(id: u64, ty: ResourceType) -> Resource {
        Resource {
            id: ResourceId(id),
            ty,
            owner: Owner::new(OwnerKind::ChildVisual, 7),
        }
    }

    fn event(t: u64, action: ResourceAction, r: Resource, packet: Option<PacketRef>) -> Event {
        Event {
            time_ns: t,
            thread: 0,
            kind: EventKind::Resource {
                action,
                resource: r,
                dims: None,
                packet,
            },
        }
    }

    #[test]
    fn merging_keeps_the_peak_and_the_last_value() {
        let mut b = SeriesBuilder::new(4);
        let q = |id| resource(id, ResourceType::CommandQueue);
        // A spike inside bucket 1 (1 ms): up to 3, back to 1.
        b.on_event(&event(0, ResourceAction::Create, q(1), None));
        b.on_event(&event(1_100_000, ResourceAction::Create, q(2), None));
        b.on_event(&event(1_200_000, ResourceAction::Create, q(3), None));
        b.on_event(&event(1_300_000, ResourceAction::Destroy, q(2), None));
        b.on_event(&event(1_400_000, ResourceAction::Destroy, q(3), None));
        // 9 ms in: with 4 points, buckets become 4 ms wide (two merges).
        b.on_event(&event(9_000_000, ResourceAction::Destroy, q(1), None));
        let s = b.series();
        assert_eq!(s.bucket_ns, 4_000_000);
        assert_eq!(s.buckets, 3);
        assert_eq!(s.live[0].max, [3, 1, 1], "the spike survives the merge");
        assert_eq!(
            s.live[0].min,
            [0, 1, 0],
            "bucket 0 starts before the first create"
        );
        assert_eq!(s.live[0].end, [1, 1, 0]);
        assert_eq!(s.destroyed, [2, 0, 1]);
        assert_eq!(s.created, [3, 0, 0]);
    }

    #[test]
    fn types_beyond_the_cap_are_pooled_exactly() {
        let mut b = SeriesBuilder::default();
        for i in 0..(MAX_SERIES_TYPES as u32 + 3) {
            b.on_name(Name(i), &format!("T{i:02}"));
            let r = resource(u64::from(i) + 1, ResourceType::Other(Name(i)));
            b.on_event(&event(u64::from(i), ResourceAction::Create, r, None));
        }
        let s = b.series();
        assert_eq!(s.live.len(), MAX_SERIES_TYPES + 1);
        let other = s.live.last().unwrap();
        assert_eq!(other.resource_type, "(other types)");
        assert_eq!(other.end, [3]);
    }

    #[test]
    fn packets_are_points_until_they_must_share() {
        let mut b = SeriesBuilder::new(2);
        let q = |id| resource(id, ResourceType::CommandQueue);
        for p in 1..=3u64 {
            let packet = PacketRef::new(1, p);
            for k in 0..p {
                b.on_event(&event(
                    p * 10,
                    ResourceAction::Create,
                    q(p * 10 + k),
                    Some(packet),
                ));
            }
            let present = EventKind::Packet {
                packet,
                stage: PacketStage::Presented,
            };
            b.on_event(&Event {
                time_ns: p * 10 + 1,
                thread: 0,
                kind: present,
            });
            // A second terminal stage is not a second packet.
            b.on_event(&Event {
                time_ns: p * 10 + 2,
                thread: 0,
                kind: present,
            });
        }
        let s = b.series().packets;
        assert_eq!(s.per_point, 2);
        assert_eq!(s.packets, [2, 1]);
        assert_eq!(s.max_created, [2, 3]);
        assert_eq!(s.created, [3, 3]);
        assert_eq!(s.end_ns, [21, 31]);
    }
}
