//! The parameters that turn DESIGN.md's definitions into numbers.
//!
//! Every report prints the [`Definitions`] it was computed with, so two reports
//! are only comparable when their definitions match. Each definition is declared
//! once, in [`definitions_table!`]: its field, type, default and doc, and how a
//! report prints it. [`Definitions`] is generated here from that table, and the
//! report's `DefinitionsReport` from the same table in the report schema, so the
//! two can never drift apart. This module holds data and defaults only: it must
//! never depend on the stream being analysed.

use crate::event::{OwnerKind, ResourceType};

/// The one table of definitions. Each row declares a parameter once:
///
/// ```text
/// /// doc
/// field: Type = default
///     => report_field: ReportType = |d, names| value;
/// ```
///
/// `value` is the parameter as a report prints it (clamped, in milliseconds, names
/// resolved), computed from `d: &Definitions` and `names: &Names`. The table is
/// handed to the macro `$then`, which generates a type from it: the parameters
/// here, the report's definitions section in the report schema (where `ms`,
/// `round3`, `kind_name` and `type_name` must be in scope).
macro_rules! definitions_table {
    ($then:ident) => {
        $then! {
            /// K: consecutive clean presents that make a stable present window (default 3).
            stable_presents: u32 = 3
                => stable_presents: u32 = |d, _names| d.k();
            /// Owner kinds whose resources are transient: counted, but never breaking
            /// stability (default `[Transient]`).
            transient_owner_kinds: Vec<OwnerKind> = vec![OwnerKind::Transient]
                => transient_owner_kinds: Vec<String> = |d, names| d.transient_owner_kinds.iter().map(|k| kind_name(*k, names)).collect();
            /// Resource types that are per-frame, hence transient whoever owns them
            /// (default `[CommandBuffer]`).
            per_frame_types: Vec<ResourceType> = vec![ResourceType::CommandBuffer]
                => per_frame_types: Vec<String> = |d, names| d.per_frame_types.iter().map(|t| type_name(*t, names)).collect();
            /// N: a resource destroyed within this many packets of its creation is
            /// short-lived (default 2, inclusive). Packets are those that reached a
            /// terminal state (presented, dropped, no-op, failed) on the lane the resource
            /// was created on, or on any lane when it was created outside packet context.
            /// The clause only applies once the stream has carried a packet event.
            short_lived_packets: u64 = 2
                => short_lived_packets: u64 = |d, _names| d.short_lived_packets;
            /// X: a resource destroyed within this many nanoseconds of its creation is
            /// short-lived (default 250 ms, inclusive).
            short_lived_ns: u64 = 250_000_000
                => short_lived_ms: f64 = |d, _names| ms(d.short_lived_ns);
            /// R: recreates (generation changes) of one (owner kind, owner key, type)
            /// that make a recreate loop (default 3).
            recreate_loop_count: u32 = 3
                => recreate_loop_count: u32 = |d, _names| d.r() as u32;
            /// T: the span, in nanoseconds, the R recreates must fit in (default 1000 ms, inclusive).
            recreate_loop_window_ns: u64 = 1_000_000_000
                => recreate_loop_window_ms: f64 = |d, _names| ms(d.recreate_loop_window_ns);
            /// Width of a destroy-burst bucket in nanoseconds (default 1 ms).
            burst_bucket_ns: u64 = 1_000_000
                => burst_bucket_ms: f64 = |d, _names| ms(d.bucket_ns());
            /// How many destroy-burst buckets each window reports (default 5).
            top_bursts: usize = 5
                => top_bursts: usize = |d, _names| d.top_bursts;
            /// W: the per-lane rolling window, in packets (default 120).
            lane_window_packets: usize = 120
                => lane_window_packets: usize = |d, _names| d.lane_window_packets;
            /// How many top churn contributors a report lists (default 10).
            top_contributors: usize = 10
                => top_contributors: usize = |d, _names| d.top_contributors;
            /// "The same moment" (default 1 ms): a destroy is caused by a rebuild when its
            /// owner had a `ResizeRebuild` within this many nanoseconds of it, before or after
            /// (or earlier in the same packet); recreates of one key this close together
            /// (or in one packet) are one generation change; and a create this close to the
            /// destroyed resource's own create is its sibling, never its replacement.
            rebuild_window_ns: u64 = 1_000_000
                => rebuild_window_ms: f64 = |d, _names| ms(d.rebuild_window_ns);
            /// A destroy is `replaced` when its owner creates the same type within this many
            /// nanoseconds after it, or before it (after the destroyed resource's own
            /// create: make-before-break); also the look-ahead horizon of every cause
            /// (default 100 ms).
            replace_window_ns: u64 = 100_000_000
                => replace_window_ms: f64 = |d, _names| ms(d.replace_window_ns);
            /// A (type, size) class is a candidate pool when a pool would have served at
            /// least this many of its creates (default 3).
            pool_candidate_min_hits: u64 = 3
                => pool_candidate_min_hits: u64 = |d, _names| d.pool_candidate_min_hits.max(1);
            /// How many examples each anomaly kind and each (type, cause) keeps (default 3).
            max_examples: usize = 3
                => max_examples: usize = |d, _names| d.max_examples;
            /// Memory cap: distinct owners tracked before the rest are pooled into one
            /// "(other owners)" row (default 100 000).
            max_owners: usize = 100_000
                => max_owners: usize = |d, _names| d.max_owners;
            /// Memory cap: packets tracked at once before the oldest is evicted (default 65 536).
            max_live_packets: usize = 65_536
                => max_live_packets: usize = |d, _names| d.max_live_packets;
            /// Memory cap: lanes tracked before the rest are pooled into one row (default 1 024).
            max_lanes: usize = 1_024
                => max_lanes: usize = |d, _names| d.max_lanes;
            /// Memory cap: recent destroys remembered to tell a double destroy from the
            /// destroy of an unknown id (default 65 536).
            recent_destroys: usize = 65_536
                => recent_destroys: usize = |d, _names| d.recent_destroys;
            /// Guardrail `recreate-churn` (warning): how many non-transient (owner, type)
            /// keys may be in a recreate loop (R cycles within T) before it fails (default 0).
            recreate_churn_max_keys: u64 = 0
                => recreate_churn_max_keys: u64 = |d, _names| d.recreate_churn_max_keys;
            /// Guardrail `queue-destroys-vs-presents` (warning): it fails when command-queue
            /// destroys exceed this many times the presented packets, overall or in the
            /// startup window (default 2.0; negative or NaN reads as 0).
            queue_destroy_factor: f64 = 2.0
                => queue_destroy_factor: f64 = |d, _names| round3(d.queue_factor());
            /// Guardrail `destroy-in-flight` (error under the immediate release model): how
            /// many destroys of a resource that submitted, uncompleted work references are
            /// tolerated (default 0: it is an assertion).
            destroy_in_flight_max: u64 = 0
                => destroy_in_flight_max: u64 = |d, _names| d.destroy_in_flight_max;
            /// Guardrail `destroy-before-submit` (error, any release model): how many
            /// destroys of a resource a packet used before it was submitted are tolerated
            /// (default 0).
            destroy_before_submit_max: u64 = 0
                => destroy_before_submit_max: u64 = |d, _names| d.destroy_before_submit_max;
            /// Guardrail `use-after-destroy` (error, any release model): how many uses of a
            /// resource by a packet after its destroy are tolerated (default 0).
            use_after_destroy_max: u64 = 0
                => use_after_destroy_max: u64 = |d, _names| d.use_after_destroy_max;
            /// Memory cap: resources remembered per packet for the destroy checks
            /// (default 256); references beyond it are counted in the guardrails'
            /// evidence, not checked.
            max_packet_refs: usize = 256
                => max_packet_refs: usize = |d, _names| d.max_packet_refs;
            /// Guardrail `error-findings` (error): how many findings of severity error
            /// from other checkers (validation layers, drivers) are tolerated (default 0).
            error_findings_max: u64 = 0
                => error_findings_max: u64 = |d, _names| d.error_findings_max;
        }
    };
}
pub(crate) use definitions_table;

/// Generates [`Definitions`] and its [`Default`] from the table.
macro_rules! parameters {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $ty:ty = $default:expr
            => $report_field:ident: $report_ty:ty = |$d:ident, $names:ident| $value:expr;
    )*) => {
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
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for Definitions {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }
    };
}

definitions_table!(parameters);

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
