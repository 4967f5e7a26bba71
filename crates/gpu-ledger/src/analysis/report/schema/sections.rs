//! The sections of a [`Report`](crate::analysis::Report): plain data, names resolved, keys sorted.
//!
//! These types are the JSON contract (`docs/report-schema.md` documents every
//! field): they hold owned, already-rounded values and never refer back to the
//! analyzer, so a report can outlive the stream and serialise byte for byte the
//! same every time. Durations are milliseconds rounded to 3 decimals; ratios are
//! rounded to 3 decimals; a ratio with a zero denominator is `None` (JSON `null`).

use std::collections::BTreeMap;

#[cfg(feature = "json")]
use serde::{Deserialize, Serialize};

use crate::analysis::fold::attribution::DestroyCause;

/// Counts per resource type name.
pub type TypeCounts = BTreeMap<String, u64>;

/// Where the stream came from.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct StreamSummary {
    /// Who produced the stream (may be empty).
    pub source: String,
    /// Wall-clock time of stream time zero, ns since the Unix epoch; 0 when unknown.
    pub start_unix_ns: u64,
}

/// Whole-stream totals (or one window's, in a report restricted to it).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Totals {
    /// Events seen, every kind.
    pub events: u64,
    /// Resources created.
    pub created: u64,
    /// Resources destroyed (double destroys excluded).
    pub destroyed: u64,
    /// Packets presented.
    pub presented: u64,
    /// (created + destroyed) / presented; `None` when nothing was presented.
    pub churn_ratio: Option<f64>,
    /// Resources still live at the end of the stream (of the window, when restricted).
    pub live_at_end: u64,
    /// Short-lived destroys.
    pub short_lived: u64,
    /// `ResizeRebuild` events.
    pub rebuilds: u64,
    /// (owner, type) keys flagged as recreate loops.
    pub recreate_loop_keys: u64,
}

/// The startup summary: the first exit question.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct StartupSummary {
    /// Whether a stable present window was reached.
    pub stabilised: bool,
    /// Presents in the startup window.
    pub frames_presented: u64,
    /// End of startup relative to the first event, ms; `None` if never stabilised.
    pub stabilisation_ms: Option<f64>,
    /// Stream time of the stable window's first present, ns; `None` if never stabilised.
    pub end_ns: Option<u64>,
    /// Sequence number of the stable window's first present.
    pub stable_present_seq: Option<u64>,
    /// Creates in the startup window.
    pub created: u64,
    /// Destroys in the startup window.
    pub destroyed: u64,
    /// Startup churn ratio.
    pub churn_ratio: Option<f64>,
    /// One sentence: how startup ended.
    pub note: String,
}

/// Packet stages counted in a window or on a lane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct PacketReport {
    /// Queued.
    pub queued: u64,
    /// Submitted.
    pub submitted: u64,
    /// Completed by the GPU.
    pub completed: u64,
    /// Presented.
    pub presented: u64,
    /// Dropped.
    pub dropped: u64,
    /// No-op.
    pub noop: u64,
    /// Failed.
    pub failed: u64,
}

/// Destroys by cause.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct CauseCounts {
    /// Inside a rebuild of the same owner.
    pub rebuild: u64,
    /// The owner created the same type again right after.
    pub replaced: u64,
    /// In the shutdown window.
    pub shutdown: u64,
    /// The owner went away.
    #[cfg_attr(feature = "json", serde(rename = "owner-removed"))]
    pub owner_removed: u64,
    /// Unexplained.
    pub unknown: u64,
}

impl CauseCounts {
    /// All destroys counted.
    pub fn total(&self) -> u64 {
        self.rebuild + self.replaced + self.shutdown + self.owner_removed + self.unknown
    }

    /// The count for `cause`.
    pub fn get(&self, cause: DestroyCause) -> u64 {
        use DestroyCause::*;
        match cause {
            Rebuild => self.rebuild,
            Replaced => self.replaced,
            Shutdown => self.shutdown,
            OwnerRemoved => self.owner_removed,
            Unknown => self.unknown,
        }
    }

    /// Adds `n` destroys of `cause`.
    pub(crate) fn add(&mut self, cause: DestroyCause, n: u64) {
        use DestroyCause::*;
        match cause {
            Rebuild => self.rebuild += n,
            Replaced => self.replaced += n,
            Shutdown => self.shutdown += n,
            OwnerRemoved => self.owner_removed += n,
            Unknown => self.unknown += n,
        }
    }
}

/// A destroy-burst bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Burst {
    /// Start of the bucket, stream ns.
    pub bucket_start_ns: u64,
    /// Destroys in it.
    pub count: u64,
}

/// One owner's churn.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Contributor {
    /// Owner kind name.
    pub owner_kind: String,
    /// Owner key.
    pub owner_key: u64,
    /// Whether the input names the owner (`false`: kind `Unknown`, a log line
    /// without an owner); an unknown owner is listed after every known one.
    pub owner_known: bool,
    /// Creates.
    pub created: u64,
    /// Destroys.
    pub destroyed: u64,
    /// Short-lived destroys.
    pub short_lived: u64,
    /// Creates and destroys of transient resources (counted in `created` and
    /// `destroyed` too); contributors rank by the churn that is not transient.
    pub transient: u64,
    /// Creates beyond the first creation of a resource slot: recreations and
    /// replacements.
    pub recreated: u64,
    /// Destroys in the shutdown window: teardown.
    pub teardown: u64,
    /// What contributors are ranked by: non-transient recreations and
    /// non-transient destroys outside teardown (churn beyond the first creation
    /// and the teardown).
    pub churn: u64,
}

/// One window of the run.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct WindowReport {
    /// Stream time of its first event, ns; `None` when empty.
    pub start_ns: Option<u64>,
    /// Stream time where the next window starts, or of its last event; `None` when empty.
    pub end_ns: Option<u64>,
    /// `end_ns - start_ns` in ms.
    pub duration_ms: Option<f64>,
    /// Events in it.
    pub events: u64,
    /// Packet stages in it.
    pub packets: PacketReport,
    /// Creates per type.
    pub created: TypeCounts,
    /// Destroys per type.
    pub destroyed: TypeCounts,
    /// Mean lifetime of the destroyed resources per type (those whose create was seen), ms.
    pub avg_destroyed_lifetime_ms: BTreeMap<String, Option<f64>>,
    /// Short-lived destroys per type.
    pub short_lived: TypeCounts,
    /// `ResizeRebuild` events per type.
    pub rebuilds: TypeCounts,
    /// Destroys per type by cause.
    pub destroy_causes: BTreeMap<String, CauseCounts>,
    /// The top destroy-burst buckets, most destroys first.
    pub destroy_bursts: Vec<Burst>,
    /// (created + destroyed) / presented in this window.
    pub churn_ratio: Option<f64>,
    /// Events the recorder lost, as reported inside this window.
    pub lost_events: u64,
    /// The owners with the most churn in this window.
    pub top_contributors: Vec<Contributor>,
    /// Who churns most in this window, ties counted.
    pub churn_sources: ChurnSources,
    /// The owners with the most short-lived destroys in this window.
    pub short_lived_owners: Vec<OwnerCount>,
    /// Resources live at the end of this window (created before its end, not destroyed by then).
    pub live_at_end: u64,
}

impl WindowReport {
    /// All creates in the window.
    pub fn created_total(&self) -> u64 {
        self.created.values().sum()
    }

    /// All destroys in the window.
    pub fn destroyed_total(&self) -> u64 {
        self.destroyed.values().sum()
    }
}

/// The three windows (a restricted report keeps one).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Windows {
    /// Startup.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub startup: Option<WindowReport>,
    /// Steady state.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub steady: Option<WindowReport>,
    /// Shutdown.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub shutdown: Option<WindowReport>,
}

/// A packet and a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct PacketCount {
    /// Lane id.
    pub lane: u64,
    /// Packet id.
    pub packet: u64,
    /// The count.
    pub count: u64,
}

/// A packet, by lane and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct PacketLabel {
    /// Lane id.
    pub lane: u64,
    /// Packet id.
    pub packet: u64,
}

/// Resources created and destroyed per packet.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct PerPacket {
    /// Packets that reached a terminal state.
    pub packets_finished: u64,
    /// Of those, packets that created or destroyed something.
    pub packets_with_churn: u64,
    /// Creates made inside a packet.
    pub created_in_packets: u64,
    /// Destroys made inside a packet.
    pub destroyed_in_packets: u64,
    /// Creates made outside any packet.
    pub created_outside_packets: u64,
    /// Destroys made outside any packet.
    pub destroyed_outside_packets: u64,
    /// Resource events naming a packet that had already finished.
    pub late_resource_events: u64,
    /// Packets forgotten at the memory cap before they finished.
    pub packets_evicted: u64,
    /// Creates in packets per presented packet.
    pub created_per_presented: Option<f64>,
    /// Destroys in packets per presented packet.
    pub destroyed_per_presented: Option<f64>,
    /// The packet that created the most.
    pub max_created: Option<PacketCount>,
    /// The packet that destroyed the most.
    pub max_destroyed: Option<PacketCount>,
}

/// An owner and a count.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct OwnerCount {
    /// Owner kind name.
    pub owner_kind: String,
    /// Owner key.
    pub owner_key: u64,
    /// The count.
    pub count: u64,
}

/// Short-lived resources.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct ShortLived {
    /// Short-lived destroys.
    pub count: u64,
    /// Per type.
    pub by_type: TypeCounts,
    /// The owners with the most.
    pub top_owners: Vec<OwnerCount>,
}

/// A suspected recreate loop.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct RecreateLoop {
    /// Owner kind name.
    pub owner_kind: String,
    /// Owner key.
    pub owner_key: u64,
    /// Resource type name.
    pub resource_type: String,
    /// Recreate cycles (a destroy followed by a create) of this key in the whole stream.
    pub recreates: u64,
    /// Cycles that completed R cycles within T.
    pub loop_cycles: u64,
    /// Stream time of the first such cycle, ns.
    pub first_loop_ns: u64,
    /// Its create's sequence number.
    pub first_loop_seq: u64,
    /// The window it fell in.
    pub window: String,
    /// Whether the key is transient (per-frame type or transient owner): expected churn.
    pub transient: bool,
}

/// A piece of evidence behind a destroy cause or a guardrail verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct EvidenceItem {
    /// Sequence number of the event that shows it.
    pub seq: u64,
    /// What that event shows.
    pub what: String,
    /// The resource it is about (guardrails of single destroys), when one is.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub resource_id: Option<u64>,
    /// That resource's owner kind.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub owner_kind: Option<String>,
    /// That resource's owner key.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub owner_key: Option<u64>,
    /// The packet involved.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub packet: Option<PacketLabel>,
}

impl EvidenceItem {
    /// Evidence `what` at event `seq`.
    pub(crate) fn at(seq: u64, what: String) -> Self {
        Self {
            seq,
            what,
            ..Self::default()
        }
    }
}

/// Who churns most, beyond first creation and teardown (the top-churn question).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct ChurnSources {
    /// The highest churn of a named owner (`Contributor::churn`); 0 when none churned.
    pub top_churn: u64,
    /// How many named owners have it: more than one is a tie.
    pub tied: u64,
    /// Named owners with any churn.
    pub sources: u64,
    /// Creates of resources whose owner the input does not name.
    pub unknown_owner_created: u64,
    /// Destroys of resources whose owner the input does not name.
    pub unknown_owner_destroyed: u64,
}

/// Resources still live at the end of the stream, for one (owner, type).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct LiveGroup {
    /// Owner kind name.
    pub owner_kind: String,
    /// Owner key.
    pub owner_key: u64,
    /// Whether the input names the owner.
    pub owner_known: bool,
    /// Resource type name.
    pub resource_type: String,
    /// How many are live.
    pub count: u64,
    /// Sequence number of the earliest create among them.
    pub first_create_seq: u64,
    /// Sequence number of the latest create among them.
    pub last_create_seq: u64,
}

/// How the run ended, and whether it had a shutdown (DESIGN.md, "Shutdown window").
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Ending {
    /// `marker` (a `ShutdownBegins` marker), `inferred` (no marker, but the stream
    /// ended cleanly and nothing was queued or recreated after the last present) or
    /// `none` (the run ended without a shutdown, or has not ended).
    pub shutdown: String,
    /// The stream ends with its producer's clean-end record.
    pub clean_end: bool,
    /// The stream has ended (`false`: a live report, mid-stream).
    pub ended: bool,
    /// Where the shutdown window starts: the marker, or the last present it follows.
    pub shutdown_from_seq: Option<u64>,
    /// Its stream time, ns.
    pub shutdown_from_ns: Option<u64>,
    /// Why no shutdown is inferred, one phrase each (empty with a shutdown).
    pub reasons: Vec<String>,
    /// One sentence.
    pub note: String,
}

/// The release models the destroy checks applied (DESIGN.md, "Release model").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct ReleaseReport {
    /// The stream's model, `immediate` or `deferred`; `None` when not declared.
    pub model: Option<String>,
    /// Per resource type, where it differs.
    pub by_type: BTreeMap<String, String>,
    /// The names in `by_type` that no resource of the stream has (a misspelt
    /// `--release-model TYPE=MODEL`, or a type this run never made), sorted.
    pub unmatched_types: Vec<String>,
    /// `trace` (as the stream declared), `override` (given to the analysis, e.g.
    /// `--release-model`) or `not declared`.
    pub source: String,
}

/// One destroy, explained.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct DestroyExample {
    /// The resource.
    pub resource_id: u64,
    /// Its type.
    pub resource_type: String,
    /// Its owner's kind.
    pub owner_kind: String,
    /// Its owner's key.
    pub owner_key: u64,
    /// Why it was destroyed.
    pub cause: String,
    /// The window the destroy fell in.
    pub window: String,
    /// Sequence number of the destroy.
    pub destroy_seq: u64,
    /// Stream time of the destroy, ns.
    pub destroy_ns: u64,
    /// Sequence number of its create, if seen.
    pub create_seq: Option<u64>,
    /// Packet context of the destroy.
    pub packet: Option<PacketLabel>,
    /// Lifetime, ms, if the create was seen.
    pub lifetime_ms: Option<f64>,
    /// Whether it was short-lived.
    pub short_lived: bool,
    /// Whether it was transient (per-frame type or transient owner): expected churn.
    pub transient: bool,
    /// The events that justify the cause.
    pub evidence: Vec<EvidenceItem>,
}

/// Why resources were destroyed.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct DestroyCauses {
    /// Per type, all windows.
    pub by_type: BTreeMap<String, CauseCounts>,
    /// The first and last few destroys of each (type, cause): non-transient ones
    /// first, then by type name and sequence number.
    pub examples: Vec<DestroyExample>,
}

/// Submit→present latency of a lane.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct LatencyReport {
    /// Presented packets with a submit time.
    pub samples: u64,
    /// Mean over all samples, ms.
    pub mean_ms: Option<f64>,
    /// Max over all samples, ms.
    pub max_ms: Option<f64>,
    /// Samples in the rolling window (the last W presented packets with a latency).
    pub recent_samples: u64,
    /// Median of the rolling window (nearest rank), ms.
    pub p50_ms: Option<f64>,
    /// 95th percentile of the rolling window (nearest rank), ms.
    pub p95_ms: Option<f64>,
}

/// The last W packets of a lane.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct RollingReport {
    /// Packets in the window (at most W).
    pub packets: u64,
    /// Of those, presented.
    pub presented: u64,
    /// Creates and destroys those packets made.
    pub churn: u64,
    /// churn / presented.
    pub churn_ratio: Option<f64>,
}

/// One sync lane.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct LaneReport {
    /// Lane id (`18446744073709551615` pools the lanes beyond the memory cap).
    pub lane: u64,
    /// Packet stages.
    pub packets: PacketReport,
    /// Packets queued or submitted that have not finished.
    pub in_flight: u64,
    /// Creates made in this lane's packets.
    pub created: u64,
    /// Destroys made in this lane's packets.
    pub destroyed: u64,
    /// (created + destroyed) / presented.
    pub churn_ratio: Option<f64>,
    /// Submit→present latency.
    pub latency: LatencyReport,
    /// The last W packets.
    pub recent: RollingReport,
}

/// A size as an event gave it (a story's events, a graph's resources).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[non_exhaustive]
pub struct StoryDims {
    /// Width (pixels, or bytes for buffers).
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Backing scale (0 when unknown).
    pub scale: f64,
}

/// As the event's size prints ([`Dims`](crate::Dims)'s form: `500x300 @2`, `4096 B`).
impl std::fmt::Display for StoryDims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::event::Dims::new(self.width, self.height, self.scale as f32).fmt(f)
    }
}
