//! [`Timeline`]: a compact, one-line-per-packet timeline of one window of a stream
//! (plan slice E: "emit compact timeline for startup sequence", "dump last N
//! packets with resource touches").
//!
//! Each packet becomes one entry: its lane and id, when it was queued, submitted,
//! completed and ended (in stream time, like every output), how it ended, and
//! the resource events made in its context, summarised
//! (`+2 CommandQueue -2 TextureTarget ~1 rebuild 3 touches`). Resource events
//! outside any packet are grouped by time bucket, and markers get an entry of
//! their own, so the entries read in stream order.
//!
//! The window's bounds are only known after the stream ([`WindowSpan`]), so the
//! fold is told them up front and a tool reads its input twice. Memory is bounded
//! by the packet limit ([`TimelineKeep`]: the first or the last N packets, default
//! the first [`DEFAULT_MAX_PACKETS`]) plus a bounded set of forgotten packets, never by the
//! length of the stream or of the window. It must never read a file or a clock;
//! the same events and span always give the same [`TimelineReport`].

use std::collections::VecDeque;
use std::fmt::Write as _;

#[cfg(feature = "json")]
use serde::{Deserialize, Serialize};

use crate::event::{
    Event, EventKind, EventSink, Marker, Name, Names, PacketRef, PacketStage, ResourceAction,
};

use crate::analysis::fold::hashing::FxHashMap;
use crate::analysis::fold::recent::Recent;
use crate::analysis::fold::types::{TypeTable, type_name};
use crate::analysis::report::numbers::{count, fixed3, ms};
use crate::analysis::report::render::table::Table;
use crate::analysis::report::schema::sections::TypeCounts;

use super::span::WindowSpan;
use crate::time::time_base;

/// The value of [`TimelineReport::format`].
pub const TIMELINE_FORMAT: &str = "gpu-ledger-timeline";
/// How many packets a timeline keeps when not told otherwise; also how many
/// entries of other kinds (buckets, markers) it keeps beyond its packet limit.
pub const DEFAULT_MAX_PACKETS: usize = 10_000;
/// Width of the time buckets that group resource events outside packets: 1 ms.
pub const DEFAULT_BUCKET_NS: u64 = 1_000_000;
/// How many dropped packets are remembered, so their later events are counted as
/// late instead of opening a new entry.
const FORGOTTEN: usize = 4_096;
/// How many resource ids an entry lists; further ones are counted.
pub const MAX_ENTRY_RESOURCES: usize = 32;

/// Which packets a [`Timeline`] keeps when the window has more than it may hold.
///
/// The limit counts packets; bucket and marker entries are kept alongside them,
/// up to [`DEFAULT_MAX_PACKETS`] more entries in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimelineKeep {
    /// The first N packets of the window (the start of the sequence); the
    /// timeline stops at the first packet left out.
    First(usize),
    /// The last N packets of the window ("the last N packets"), with the entries
    /// between them.
    Last(usize),
}

/// What an entry is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Subject {
    Packet(PacketRef),
    Outside(u64),
    Marker(Marker),
}

/// One entry while the stream is read.
#[derive(Clone, Debug)]
struct Entry {
    subject: Subject,
    first_ns: u64,
    command_id: Option<u64>,
    queued: Option<u64>,
    submitted: Option<u64>,
    completed: Option<u64>,
    ended: Option<u64>,
    outcome: Option<&'static str>,
    /// (type index, creates, destroys).
    churn: Vec<(u16, u64, u64)>,
    rebuilds: u64,
    binds: u64,
    unbinds: u64,
    touches: u64,
    /// The ids its events named, in first-seen order, at most [`MAX_ENTRY_RESOURCES`].
    ids: Vec<u64>,
    more_ids: u64,
}

impl Entry {
    fn new(subject: Subject, first_ns: u64) -> Self {
        Self {
            subject,
            first_ns,
            command_id: None,
            queued: None,
            submitted: None,
            completed: None,
            ended: None,
            outcome: None,
            churn: Vec::new(),
            rebuilds: 0,
            binds: 0,
            unbinds: 0,
            touches: 0,
            ids: Vec::new(),
            more_ids: 0,
        }
    }

    /// Notes that one of its events named resource `id`.
    fn named(&mut self, id: u64) {
        if self.ids.contains(&id) {
            return;
        }
        if self.ids.len() < MAX_ENTRY_RESOURCES {
            self.ids.push(id);
        } else {
            self.more_ids += 1;
        }
    }

    fn churn(&mut self, ty: u16) -> &mut (u16, u64, u64) {
        let i = match self.churn.iter().position(|c| c.0 == ty) {
            Some(i) => i,
            None => {
                self.churn.push((ty, 0, 0));
                self.churn.len() - 1
            }
        };
        &mut self.churn[i]
    }
}

/// Folds the events of one window into a compact timeline.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, Timeline, TimelineKeep, WindowSpan};
/// use gpu_ledger::{Collected, Event, EventKind, EventSink, Owner, OwnerKind, PacketRef, PacketStage,
///     Resource, ResourceAction, ResourceId, ResourceType};
///
/// let queue = Resource { id: ResourceId(1), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
/// let mut stream = Collected::default();
/// let packet = PacketRef::new(1, 1);
/// let kinds = [
///     EventKind::Packet { packet, stage: PacketStage::Queued { command_id: 9 } },
///     EventKind::Resource { action: ResourceAction::Create, resource: queue, dims: None, packet: Some(packet) },
///     EventKind::Packet { packet, stage: PacketStage::Presented },
/// ];
/// for (i, kind) in kinds.into_iter().enumerate() {
///     stream.on_event(&Event { time_ns: i as u64 * 1_000_000, thread: 0, kind });
/// }
/// // First pass: where the window lies; second pass: the timeline.
/// let mut analyzer = Analyzer::default();
/// stream.replay(&mut analyzer);
/// let mut timeline = Timeline::new(WindowSpan::whole(&analyzer), TimelineKeep::Last(10));
/// stream.replay(&mut timeline);
/// let report = timeline.report();
/// assert_eq!(report.entries.len(), 1);
/// assert_eq!(report.entries[0].summary, "+1 CommandQueue");
/// assert_eq!(report.entries[0].ended_ms, Some(2.0));
/// ```
#[derive(Clone, Debug)]
pub struct Timeline {
    span: WindowSpan,
    keep: TimelineKeep,
    bucket_ns: u64,
    names: Names,
    types: TypeTable,
    seq: u64,
    origin_ns: Option<u64>,
    entries: VecDeque<Entry>,
    /// Absolute index of `entries[0]`.
    base: u64,
    packets: FxHashMap<PacketRef, u64>,
    forgotten: Recent<PacketRef>,
    open_bucket: Option<(u64, u64)>,
    packets_kept: usize,
    stopped: bool,
    omitted: u64,
    packets_omitted: u64,
    late: u64,
    lost: u64,
}

impl Timeline {
    /// A timeline of the events in `span`, keeping `keep` entries.
    pub fn new(span: WindowSpan, keep: TimelineKeep) -> Self {
        Self {
            span,
            keep,
            bucket_ns: DEFAULT_BUCKET_NS,
            names: Names::new(),
            types: TypeTable::default(),
            seq: 0,
            origin_ns: None,
            entries: VecDeque::new(),
            base: 0,
            packets: FxHashMap::default(),
            forgotten: Recent::new(FORGOTTEN),
            open_bucket: None,
            packets_kept: 0,
            stopped: false,
            omitted: 0,
            packets_omitted: 0,
            late: 0,
            lost: 0,
        }
    }

    /// Groups resource events outside packets in buckets of `bucket_ns` (at least 1 ns).
    pub fn with_bucket_ns(mut self, bucket_ns: u64) -> Self {
        self.bucket_ns = bucket_ns.max(1);
        self
    }

    fn limit(&self) -> usize {
        match self.keep {
            TimelineKeep::First(n) | TimelineKeep::Last(n) => n,
        }
    }

    /// Opens an entry; `None` when the limit keeps it out.
    fn open(&mut self, subject: Subject, t: u64) -> Option<u64> {
        let is_packet = matches!(subject, Subject::Packet(_));
        let cap = self.limit().saturating_add(DEFAULT_MAX_PACKETS);
        if let TimelineKeep::First(n) = self.keep
            && (self.stopped || (is_packet && self.packets_kept >= n) || self.entries.len() >= cap)
        {
            self.stopped = true;
            self.drop_subject(subject);
            return None;
        }
        let abs = self.base + self.entries.len() as u64;
        self.entries.push_back(Entry::new(subject, t));
        if let Subject::Packet(p) = subject {
            self.packets.insert(p, abs);
            self.packets_kept += 1;
        }
        while self.packets_kept > self.limit() || self.entries.len() > cap {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.base += 1;
            self.drop_subject(old.subject);
            if let Subject::Packet(p) = old.subject {
                self.packets.remove(&p);
                self.packets_kept -= 1;
            }
        }
        (abs >= self.base).then_some(abs)
    }

    fn drop_subject(&mut self, subject: Subject) {
        self.omitted += 1;
        if let Subject::Packet(p) = subject {
            self.packets_omitted += 1;
            self.forgotten.insert(p, ());
        }
    }

    fn get(&mut self, abs: u64) -> Option<&mut Entry> {
        let i = abs.checked_sub(self.base)?;
        self.entries.get_mut(usize::try_from(i).ok()?)
    }

    /// The entry of packet `p`, opening it if needed; `None` when it was dropped.
    fn packet(&mut self, p: PacketRef, t: u64) -> Option<&mut Entry> {
        let abs = match self.packets.get(&p) {
            Some(&abs) => abs,
            None if self.forgotten.contains(&p) => {
                // After a first-N timeline stopped, every event of a left-out
                // packet is expected; only a last-N timeline has late events.
                if matches!(self.keep, TimelineKeep::Last(_)) {
                    self.late += 1;
                }
                return None;
            }
            None => self.open(Subject::Packet(p), t)?,
        };
        self.get(abs)
    }

    /// The bucket entry for a resource event outside packets at `t`.
    fn outside(&mut self, t: u64) -> Option<&mut Entry> {
        let bucket = t.saturating_sub(self.origin_ns.unwrap_or(0)) / self.bucket_ns;
        let abs = match self.open_bucket {
            Some((b, abs)) if b == bucket && abs >= self.base => abs,
            _ => {
                let abs = self.open(Subject::Outside(bucket), t)?;
                self.open_bucket = Some((bucket, abs));
                abs
            }
        };
        self.get(abs)
    }

    fn on_stage(&mut self, p: PacketRef, stage: PacketStage, t: u64) {
        let Some(e) = self.packet(p, t) else { return };
        match stage {
            PacketStage::Queued { command_id } => {
                e.command_id = Some(command_id);
                e.queued = Some(t);
            }
            PacketStage::Submitted => e.submitted = Some(t),
            PacketStage::Completed => e.completed = Some(t),
            terminal => {
                e.ended = Some(t);
                e.outcome = Some(terminal.name());
            }
        }
    }

    /// The timeline as plain data.
    pub fn report(&self) -> TimelineReport {
        let rel = |t: Option<u64>| t.map(ms);
        let entries: Vec<TimelineEntry> = self
            .entries
            .iter()
            .map(|e| {
                let mut created = TypeCounts::new();
                let mut destroyed = TypeCounts::new();
                for &(ty, c, d) in &e.churn {
                    let name = type_name(self.types.get(ty), &self.names);
                    if c > 0 {
                        *created.entry(name.clone()).or_default() += c;
                    }
                    if d > 0 {
                        *destroyed.entry(name).or_default() += d;
                    }
                }
                let (kind, lane, packet, marker) = match e.subject {
                    Subject::Packet(p) => ("packet", Some(p.lane.0), Some(p.packet.0), None),
                    Subject::Outside(_) => ("outside", None, None, None),
                    Subject::Marker(m) => (
                        "marker",
                        None,
                        None,
                        Some(m.resolve(&self.names).into_owned()),
                    ),
                };
                let outcome = match e.subject {
                    Subject::Packet(_) => Some(e.outcome.unwrap_or("in-flight").to_owned()),
                    _ => None,
                };
                let summary = summary(&created, &destroyed, e);
                let mut resources = e.ids.clone();
                resources.sort_unstable();
                TimelineEntry {
                    kind: kind.to_owned(),
                    at_ms: ms(e.first_ns),
                    lane,
                    packet,
                    command_id: e.command_id,
                    queued_ms: rel(e.queued),
                    submitted_ms: rel(e.submitted),
                    completed_ms: rel(e.completed),
                    ended_ms: rel(e.ended),
                    outcome,
                    marker,
                    created,
                    destroyed,
                    rebuilds: e.rebuilds,
                    binds: e.binds,
                    unbinds: e.unbinds,
                    touches: e.touches,
                    summary,
                    resources,
                    more_resources: e.more_ids,
                }
            })
            .collect();
        let (keep, limit) = match self.keep {
            TimelineKeep::First(n) => ("first", n),
            TimelineKeep::Last(n) => ("last", n),
        };
        TimelineReport {
            format: TIMELINE_FORMAT.to_owned(),
            version: 1,
            origin_ns: self.origin_ns,
            window: self.span.window.map(|w| w.name().to_owned()),
            start_ms: rel(self.span.start_ns),
            end_ms: rel(self.span.end_ns),
            // The span's events, as far as this fold has seen them (an open span
            // ends wherever the stream is now).
            events: self
                .span
                .len()
                .min(self.seq.saturating_sub(self.span.start_seq)),
            bucket_ms: ms(self.bucket_ns),
            keep: keep.to_owned(),
            limit,
            packets_shown: entries.iter().filter(|e| e.kind == "packet").count() as u64,
            entries_omitted: self.omitted,
            packets_omitted: self.packets_omitted,
            late_events: self.late,
            lost_events: self.lost,
            entries,
        }
    }
}

/// `3 7 12 (+4 more)`, or `-` for none.
fn id_list(ids: &[u64], more: u64) -> String {
    if ids.is_empty() {
        return "-".to_owned();
    }
    let mut text = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(" ");
    if more > 0 {
        let _ = write!(text, " (+{more} more)");
    }
    text
}

/// `+2 CommandQueue -2 TextureTarget ~1 rebuild 3 binds 4 touches`.
fn summary(created: &TypeCounts, destroyed: &TypeCounts, e: &Entry) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(created.iter().map(|(t, n)| format!("+{n} {t}")));
    parts.extend(destroyed.iter().map(|(t, n)| format!("-{n} {t}")));
    if e.rebuilds > 0 {
        parts.push(format!("~{}", count(e.rebuilds, "rebuild", "rebuilds")));
    }
    for (n, one, many) in [
        (e.binds, "bind", "binds"),
        (e.unbinds, "unbind", "unbinds"),
        (e.touches, "touch", "touches"),
    ] {
        if n > 0 {
            parts.push(count(n, one, many));
        }
    }
    parts.join(" ")
}

impl EventSink for Timeline {
    fn on_name(&mut self, name: Name, text: &str) {
        self.names.define(name, text);
    }

    fn on_event(&mut self, event: &Event) {
        let seq = self.seq;
        self.seq += 1;
        let t = event.time_ns;
        if self.origin_ns.is_none() {
            self.origin_ns = Some(t);
        }
        if !self.span.contains(seq) {
            return;
        }
        match event.kind {
            EventKind::Packet { packet, stage } => self.on_stage(packet, stage, t),
            EventKind::Resource {
                action,
                resource,
                packet,
                ..
            } => {
                let ty = self.types.index(resource.ty);
                let entry = match packet {
                    Some(p) => self.packet(p, t),
                    None => self.outside(t),
                };
                let Some(e) = entry else { return };
                e.named(resource.id.0);
                match action {
                    ResourceAction::Create => e.churn(ty).1 += 1,
                    ResourceAction::Destroy => e.churn(ty).2 += 1,
                    ResourceAction::ResizeRebuild => e.rebuilds += 1,
                    ResourceAction::Bind => e.binds += 1,
                    ResourceAction::Unbind => e.unbinds += 1,
                }
            }
            EventKind::Touched { packet, resource } => {
                if let Some(e) = self.packet(packet, t) {
                    e.touches += 1;
                    e.named(resource.0);
                }
            }
            EventKind::Marker(m) => {
                self.open(Subject::Marker(m), t);
            }
            EventKind::Lost { count } => self.lost = self.lost.saturating_add(count),
            // Findings have their own report section; a timeline shows the work.
            EventKind::Pool { .. } | EventKind::Finding { .. } => {}
        }
    }
}

/// One line of a timeline: a packet, a bucket of resource events outside packets,
/// or a marker.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct TimelineEntry {
    /// `packet`, `outside` or `marker`.
    pub kind: String,
    /// Time of the entry's first event in the window, ms of stream time.
    pub at_ms: f64,
    /// Lane id (packets).
    pub lane: Option<u64>,
    /// Packet id (packets).
    pub packet: Option<u64>,
    /// Render command id, from the queued stage (packets).
    pub command_id: Option<u64>,
    /// Queued, ms of stream time.
    pub queued_ms: Option<f64>,
    /// Submitted, ms.
    pub submitted_ms: Option<f64>,
    /// Completed by the GPU, ms.
    pub completed_ms: Option<f64>,
    /// Presented, dropped, no-op or failed, ms.
    pub ended_ms: Option<f64>,
    /// `presented`, `dropped`, `noop`, `failed`, or `in-flight` when the packet did
    /// not end inside the window (packets).
    pub outcome: Option<String>,
    /// The marker's name (markers).
    pub marker: Option<String>,
    /// Creates per type.
    pub created: TypeCounts,
    /// Destroys per type.
    pub destroyed: TypeCounts,
    /// `ResizeRebuild` events.
    pub rebuilds: u64,
    /// Bind events.
    pub binds: u64,
    /// Unbind events.
    pub unbinds: u64,
    /// `Touched` events.
    pub touches: u64,
    /// The resource events in one line: `+2 CommandQueue -2 TextureTarget ~1 rebuild`.
    pub summary: String,
    /// The ids of the resources its events named (created, destroyed, rebuilt,
    /// bound, unbound or touched), ascending, at most 32.
    pub resources: Vec<u64>,
    /// Further resources its events named, beyond those listed.
    pub more_resources: u64,
}

/// A compact timeline of one window.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct TimelineReport {
    /// Always `"gpu-ledger-timeline"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Stream time of the stream's first event, ns. Every `*_ms` here is stream
    /// time, since the stream started, like the report's `*_ns`.
    pub origin_ns: Option<u64>,
    /// The window (`startup`, `steady`, `shutdown`), or `None` for the whole stream.
    pub window: Option<String>,
    /// Start of the window, ms of stream time.
    pub start_ms: Option<f64>,
    /// End of the window, ms.
    pub end_ms: Option<f64>,
    /// Events in the window.
    pub events: u64,
    /// Width of the buckets for resource events outside packets, ms.
    pub bucket_ms: f64,
    /// Which entries were kept: `first` or `last`.
    pub keep: String,
    /// How many packets could be kept.
    pub limit: usize,
    /// Packet entries shown.
    pub packets_shown: u64,
    /// Entries left out by the limit (packets, and the buckets and markers beside them).
    pub entries_omitted: u64,
    /// Of those, packets.
    pub packets_omitted: u64,
    /// Events of packets a last-N timeline had already left out, ignored.
    pub late_events: u64,
    /// Events the recorder lost, as reported inside the window.
    pub lost_events: u64,
    /// The entries, in stream order of their first event.
    pub entries: Vec<TimelineEntry>,
}

impl TimelineReport {
    /// The same timeline cut to its last `n` packets and the entries after the
    /// first of them, the rest counted as omitted (a dump's last packets, shown
    /// fewer: `gpu-ledger timeline --last N DUMP`).
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, Timeline, TimelineKeep, WindowSpan};
    /// use gpu_ledger::{Collected, Event, EventKind, EventSink, PacketRef, PacketStage};
    ///
    /// let mut timeline = Timeline::new(WindowSpan::open(), TimelineKeep::Last(10));
    /// for p in 1..=5 {
    ///     let kind = EventKind::Packet { packet: PacketRef::new(1, p), stage: PacketStage::Presented };
    ///     timeline.on_event(&Event { time_ns: p * 1_000_000, thread: 0, kind });
    /// }
    /// let last = timeline.report().last(2);
    /// assert_eq!(last.entries.iter().map(|e| e.packet).collect::<Vec<_>>(), [Some(4), Some(5)]);
    /// assert_eq!((last.packets_omitted, last.limit, last.keep.as_str()), (3, 2, "last"));
    /// ```
    pub fn last(mut self, n: usize) -> Self {
        let packets: Vec<usize> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == "packet")
            .map(|(i, _)| i)
            .collect();
        let from = match packets.len().checked_sub(n) {
            Some(skip) if n > 0 => packets.get(skip).copied().unwrap_or(self.entries.len()),
            Some(_) => self.entries.len(),
            None => 0,
        };
        let cut: Vec<TimelineEntry> = self.entries.drain(..from).collect();
        let cut_packets = cut.iter().filter(|e| e.kind == "packet").count() as u64;
        self.entries_omitted += cut.len() as u64;
        self.packets_omitted += cut_packets;
        self.packets_shown -= cut_packets;
        self.keep = "last".to_owned();
        self.limit = n;
        self
    }

    /// The timeline as an aligned table, one line per entry.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, Timeline, TimelineKeep, WindowSpan};
    ///
    /// let span = WindowSpan::whole(&Analyzer::default());
    /// let text = Timeline::new(span, TimelineKeep::First(10)).report().render_text();
    /// assert_eq!(text, "Timeline of the whole stream: 0 events, no entries\n");
    /// ```
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let what = match &self.window {
            Some(w) => format!("the {w} window"),
            None => "the whole stream".to_owned(),
        };
        let _ = write!(out, "Timeline of {what}: ");
        if let (Some(s), Some(e)) = (self.start_ms, self.end_ms) {
            let _ = write!(out, "{s:.3} to {e:.3} ms, ");
        }
        let _ = write!(out, "{} events, ", self.events);
        if self.entries.is_empty() {
            out.push_str("no entries\n");
        } else {
            let n = self.entries.len();
            let p = self.packets_shown;
            let _ = writeln!(
                out,
                "{n} {} ({p} {}); {}, resource events outside packets in {} ms buckets",
                if n == 1 { "entry" } else { "entries" },
                if p == 1 { "packet" } else { "packets" },
                time_base(self.origin_ns),
                self.bucket_ms
            );
        }
        // A last-N timeline is the detailed view ("the last N packets with the
        // resources they touched"): it lists ids; the compact one does not.
        let ids = self.keep == "last";
        let mut columns = vec![
            "at",
            "packet",
            "queued",
            "submitted",
            "completed",
            "ended",
            "outcome",
            "resources",
        ];
        if ids {
            columns.push("ids");
        }
        let mut table = Table::new(&columns);
        for e in &self.entries {
            let what = match (e.kind.as_str(), e.lane, e.packet) {
                ("packet", Some(l), Some(p)) => format!("{l}/{p}"),
                (kind, _, _) => format!("({kind})"),
            };
            let resources = match &e.marker {
                Some(m) => m.clone(),
                None => e.summary.clone(),
            };
            let mut row = vec![
                format!("{:.3}", e.at_ms),
                what,
                fixed3(e.queued_ms),
                fixed3(e.submitted_ms),
                fixed3(e.completed_ms),
                fixed3(e.ended_ms),
                e.outcome.clone().unwrap_or_default(),
                resources,
            ];
            if ids {
                row.push(id_list(&e.resources, e.more_resources));
            }
            table.row(row);
        }
        if !table.is_empty() {
            out.push_str(&table.render(2));
        }
        if self.entries_omitted > 0 {
            let (which, hint) = match self.keep.as_str() {
                "last" => ("earlier", "the last"),
                _ => ("later", "the first"),
            };
            let _ = writeln!(
                out,
                "  {} {which} entries not shown ({} of them packets): the limit keeps {hint} {} {}",
                self.entries_omitted,
                self.packets_omitted,
                self.limit,
                if self.limit == 1 { "packet" } else { "packets" }
            );
        }
        if self.late_events > 0 {
            let _ = writeln!(
                out,
                "  {} of packets not shown were ignored",
                count(self.late_events, "event", "events")
            );
        }
        if self.lost_events > 0 {
            let _ = writeln!(
                out,
                "  warning: the recorder lost {} events in this window",
                self.lost_events
            );
        }
        out
    }

    /// The timeline as pretty-printed JSON, fields in schema order (schema: `docs/report-schema.md`).
    #[cfg(feature = "json")]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"{TIMELINE_FORMAT}\",\"error\":\"{e}\"}}"))
    }

    /// The same, as a JSON value (keys sorted), for tools that add fields to it.
    #[cfg(feature = "json")]
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Owner, OwnerKind, Resource, ResourceId, ResourceType};

    fn feed(t: &mut Timeline, packets: u64) {
        let owner = Owner::new(OwnerKind::Transient, 1);
        for i in 0..packets {
            let packet = PacketRef::new(1, i);
            let resource = Resource {
                id: ResourceId(i + 1),
                ty: ResourceType::CommandBuffer,
                owner,
            };
            for kind in [
                EventKind::Packet {
                    packet,
                    stage: PacketStage::Queued { command_id: i },
                },
                EventKind::Resource {
                    action: ResourceAction::Create,
                    resource,
                    dims: None,
                    packet: Some(packet),
                },
                // Outside packets, in a new 1 ms bucket every time.
                EventKind::Resource {
                    action: ResourceAction::Destroy,
                    resource,
                    dims: None,
                    packet: None,
                },
                EventKind::Packet {
                    packet,
                    stage: PacketStage::Presented,
                },
            ] {
                t.on_event(&Event {
                    time_ns: i * 2_000_000,
                    thread: 0,
                    kind,
                });
            }
        }
    }

    fn span(events: u64) -> WindowSpan {
        WindowSpan {
            window: None,
            start_seq: 0,
            end_seq: events,
            start_ns: Some(0),
            end_ns: None,
        }
    }

    #[test]
    fn last_n_memory_is_bounded_by_n_packets() {
        let mut t = Timeline::new(span(u64::MAX), TimelineKeep::Last(5));
        feed(&mut t, 50_000);
        // 5 packets, the bucket after each and the one just before the first.
        assert_eq!(t.entries.len(), 11);
        assert_eq!(t.packets.len(), 5);
        let r = t.report();
        assert_eq!(r.packets_shown, 5);
        assert_eq!(r.entries.last().map(|e| e.packet), Some(None));
        assert_eq!(r.entries[1].packet, Some(49_995));
        assert_eq!(r.packets_omitted, 49_995);
    }

    #[test]
    fn first_n_stops_at_the_limit() {
        let mut t = Timeline::new(span(u64::MAX), TimelineKeep::First(3));
        feed(&mut t, 10_000);
        assert_eq!(t.entries.len(), 6, "3 packets and the bucket after each");
        assert_eq!(t.report().packets_omitted, 9_997);
        assert_eq!(t.report().late_events, 0);
    }
}
