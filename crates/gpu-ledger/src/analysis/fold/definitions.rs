//! The parameters that turn DESIGN.md's definitions into numbers.
//!
//! Every report prints the [`Definitions`] it was computed with, so two reports
//! are only comparable when their definitions match. This module holds data and
//! defaults only: it must never depend on the stream being analysed.

use crate::event::{OwnerKind, ResourceType};

/// The parameters of every definition the analysis applies (DESIGN.md, "Definitions").
///
/// Durations are in nanoseconds; reports print them in milliseconds. All counts are
/// clamped to sensible minimums (a stable window needs at least one clean present,
/// a recreate loop at least one cycle), so no value can make the analysis panic.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::Definitions;
///
/// let mut defs = Definitions::default();
/// assert_eq!(defs.stable_presents, 3);
/// assert_eq!(defs.short_lived_ns, 250_000_000);
/// defs.stable_presents = 5; // demand a longer run of clean presents
/// assert_eq!(defs.stable_presents, 5);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Definitions {
    /// K: consecutive clean presents that make a stable present window (default 3).
    pub stable_presents: u32,
    /// Owner kinds whose resources are transient: counted, but never breaking
    /// stability (default `[Transient]`).
    pub transient_owner_kinds: Vec<OwnerKind>,
    /// Resource types that are per-frame, hence transient whoever owns them
    /// (default `[CommandBuffer]`).
    pub per_frame_types: Vec<ResourceType>,
    /// N: a resource destroyed within this many packets of its creation is
    /// short-lived (default 2, inclusive). Packets are those that reached a
    /// terminal state (presented, dropped, no-op, failed) on the lane the resource
    /// was created on, or on any lane when it was created outside packet context.
    /// The clause only applies once the stream has carried a packet event.
    pub short_lived_packets: u64,
    /// X: a resource destroyed within this many nanoseconds of its creation is
    /// short-lived (default 250 ms, inclusive).
    pub short_lived_ns: u64,
    /// R: recreate cycles of one (owner kind, owner key, type) that make a
    /// recreate loop (default 3).
    pub recreate_loop_count: u32,
    /// T: the span, in nanoseconds, the R cycles must fit in (default 1000 ms, inclusive).
    pub recreate_loop_window_ns: u64,
    /// Width of a destroy-burst bucket in nanoseconds (default 1 ms).
    pub burst_bucket_ns: u64,
    /// How many destroy-burst buckets each window reports (default 5).
    pub top_bursts: usize,
    /// W: the per-lane rolling window, in packets (default 120).
    pub lane_window_packets: usize,
    /// How many top churn contributors a report lists (default 10).
    pub top_contributors: usize,
    /// "The same moment" (default 1 ms): a destroy is caused by a rebuild when its
    /// owner had a `ResizeRebuild` within this many nanoseconds of it, before or after
    /// (or earlier in the same packet); and a create of the same type by the same
    /// owner this close *before* a destroy (or earlier in the same packet) replaces it.
    pub rebuild_window_ns: u64,
    /// A destroy is `replaced` when its owner creates the same type within this many
    /// nanoseconds after it; also the look-ahead horizon of every cause (default 100 ms).
    pub replace_window_ns: u64,
    /// A (type, size) class is a candidate pool when a pool would have served at
    /// least this many of its creates (default 3).
    pub pool_candidate_min_hits: u64,
    /// How many examples each anomaly kind and each (type, cause) keeps (default 3).
    pub max_examples: usize,
    /// Memory cap: distinct owners tracked before the rest are pooled into one
    /// "(other owners)" row (default 100 000).
    pub max_owners: usize,
    /// Memory cap: packets tracked at once before the oldest is evicted (default 65 536).
    pub max_live_packets: usize,
    /// Memory cap: lanes tracked before the rest are pooled into one row (default 1 024).
    pub max_lanes: usize,
    /// Memory cap: recent destroys remembered to tell a double destroy from the
    /// destroy of an unknown id (default 65 536).
    pub recent_destroys: usize,
    /// Guardrail `recreate-churn` (warning): how many non-transient (owner, type)
    /// keys may be in a recreate loop (R cycles within T) before it fails (default 0).
    pub recreate_churn_max_keys: u64,
    /// Guardrail `queue-destroys-vs-presents` (warning): it fails when command-queue
    /// destroys exceed this many times the presented packets, overall or in the
    /// startup window (default 2.0; negative or NaN reads as 0).
    pub queue_destroy_factor: f64,
    /// Guardrail `destroy-in-flight` (error): how many destroys of a resource that
    /// an in-flight packet references are tolerated (default 0: it is an assertion).
    pub destroy_in_flight_max: u64,
    /// Memory cap: resources remembered per packet for the `destroy-in-flight`
    /// check (default 256); references beyond it are counted in the guardrail's
    /// evidence, not checked.
    pub max_packet_refs: usize,
}

impl Default for Definitions {
    fn default() -> Self {
        Self {
            stable_presents: 3,
            transient_owner_kinds: vec![OwnerKind::Transient],
            per_frame_types: vec![ResourceType::CommandBuffer],
            short_lived_packets: 2,
            short_lived_ns: 250_000_000,
            recreate_loop_count: 3,
            recreate_loop_window_ns: 1_000_000_000,
            burst_bucket_ns: 1_000_000,
            top_bursts: 5,
            lane_window_packets: 120,
            top_contributors: 10,
            rebuild_window_ns: 1_000_000,
            replace_window_ns: 100_000_000,
            pool_candidate_min_hits: 3,
            max_examples: 3,
            max_owners: 100_000,
            max_live_packets: 65_536,
            max_lanes: 1_024,
            recent_destroys: 65_536,
            recreate_churn_max_keys: 0,
            queue_destroy_factor: 2.0,
            destroy_in_flight_max: 0,
            max_packet_refs: 256,
        }
    }
}

impl Definitions {
    /// K, at least 1.
    pub(crate) fn k(&self) -> u32 {
        self.stable_presents.max(1)
    }

    /// R, at least 1.
    pub(crate) fn r(&self) -> usize {
        self.recreate_loop_count.max(1) as usize
    }

    /// The burst bucket width, at least 1 ns.
    pub(crate) fn bucket_ns(&self) -> u64 {
        self.burst_bucket_ns.max(1)
    }

    /// How long a destroy waits for evidence before its cause is settled.
    pub(crate) fn horizon_ns(&self) -> u64 {
        self.replace_window_ns.max(self.rebuild_window_ns)
    }

    /// The queue-destroy factor, at least 0 (NaN reads as 0).
    pub(crate) fn queue_factor(&self) -> f64 {
        self.queue_destroy_factor.max(0.0)
    }

    /// Whether resources of this owner kind and type are transient.
    pub(crate) fn is_transient(&self, kind: OwnerKind, ty: ResourceType) -> bool {
        self.transient_owner_kinds.contains(&kind) || self.per_frame_types.contains(&ty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_design_md() {
        let d = Definitions::default();
        assert_eq!(
            (d.stable_presents, d.short_lived_packets, d.short_lived_ns),
            (3, 2, 250_000_000)
        );
        assert_eq!(
            (
                d.recreate_loop_count,
                d.recreate_loop_window_ns,
                d.burst_bucket_ns
            ),
            (3, 1_000_000_000, 1_000_000)
        );
        assert!(d.is_transient(OwnerKind::Transient, ResourceType::Texture));
        assert!(d.is_transient(OwnerKind::RootVisual, ResourceType::CommandBuffer));
        assert!(!d.is_transient(OwnerKind::RootVisual, ResourceType::CommandQueue));
    }

    #[test]
    fn degenerate_values_are_clamped() {
        let d = Definitions {
            stable_presents: 0,
            recreate_loop_count: 0,
            burst_bucket_ns: 0,
            ..Definitions::default()
        };
        assert_eq!((d.k(), d.r(), d.bucket_ns()), (1, 1, 1));
    }
}
