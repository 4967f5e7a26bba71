//! The definitions section of a report: the parameters it was computed with, as
//! plain data.
//!
//! Part of the JSON contract (`docs/report-schema.md`): two reports are only
//! comparable when this section is the same in both.

#[cfg(feature = "json")]
use serde::Serialize;

/// The definitions a report was computed with.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
pub struct DefinitionsReport {
    /// K.
    pub stable_presents: u32,
    /// Owner kinds whose resources are transient.
    pub transient_owner_kinds: Vec<String>,
    /// Types that are per-frame (transient).
    pub per_frame_types: Vec<String>,
    /// N.
    pub short_lived_packets: u64,
    /// X, ms.
    pub short_lived_ms: f64,
    /// R.
    pub recreate_loop_count: u32,
    /// T, ms.
    pub recreate_loop_window_ms: f64,
    /// Destroy-burst bucket width, ms.
    pub burst_bucket_ms: f64,
    /// Buckets listed per window.
    pub top_bursts: usize,
    /// W.
    pub lane_window_packets: usize,
    /// Contributors listed.
    pub top_contributors: usize,
    /// Rebuild evidence window, ms.
    pub rebuild_window_ms: f64,
    /// Replace evidence window and cause look-ahead, ms.
    pub replace_window_ms: f64,
    /// Would-be hits that make a candidate pool.
    pub pool_candidate_min_hits: u64,
    /// Examples kept per anomaly kind and per (type, cause).
    pub max_examples: usize,
    /// Memory cap: owners.
    pub max_owners: usize,
    /// Memory cap: packets in flight.
    pub max_live_packets: usize,
    /// Memory cap: lanes.
    pub max_lanes: usize,
    /// Memory cap: recent destroys remembered.
    pub recent_destroys: usize,
    /// Guardrail `recreate-churn`: non-transient loop keys tolerated.
    pub recreate_churn_max_keys: u64,
    /// Guardrail `queue-destroys-vs-presents`: destroys allowed per present.
    pub queue_destroy_factor: f64,
    /// Guardrail `destroy-in-flight`: destroys in flight tolerated.
    pub destroy_in_flight_max: u64,
    /// Memory cap: resources remembered per packet for `destroy-in-flight`.
    pub max_packet_refs: usize,
}
