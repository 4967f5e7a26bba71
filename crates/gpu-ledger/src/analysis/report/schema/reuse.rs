//! The optimisation-readiness section of a report (plan slice F), as plain data.
//!
//! Part of the JSON contract (`docs/report-schema.md`): owned, rounded, sorted
//! values only, never a reference back into the analyzer.

use std::collections::BTreeMap;

#[cfg(feature = "json")]
use serde::Serialize;

/// Reuse of one resource type.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct TypeReuseReport {
    /// Creates.
    pub created: u64,
    /// Creates by an owner that had destroyed one of this type before.
    pub recreated: u64,
    /// Resources (destroyed or live) that lived across ≥ 2 presents or were bound ≥ 2 times.
    pub reused: u64,
    /// Resources (destroyed or live) that did not.
    pub single_use: u64,
    /// reused / (reused + recreated).
    pub reuse_rate: Option<f64>,
}

/// `ResizeRebuild` counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct RebuildCounts {
    /// Rebuilds.
    pub total: u64,
    /// Rebuilds that changed the resource's size.
    pub resized: u64,
    /// Rebuilds to the size it already had: wasted.
    pub same_size: u64,
    /// Rebuilds where the old or new size is unknown.
    pub unknown_size: u64,
}

/// A pool's own hit and miss counts.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct PoolReport {
    /// The pool's owner kind.
    pub owner_kind: String,
    /// The pool's key.
    pub owner_key: u64,
    /// The pooled type.
    pub resource_type: String,
    /// Hits.
    pub hits: u64,
    /// Misses.
    pub misses: u64,
    /// Objects returned to the pool.
    pub releases: u64,
    /// Objects evicted.
    pub evictions: u64,
    /// hits / (hits + misses).
    pub hit_rate: Option<f64>,
}

/// A (type, size) class a pool would serve well.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct CandidatePool {
    /// The type.
    pub resource_type: String,
    /// Width (pixels, or bytes for buffers); 0 when unknown.
    pub width: u32,
    /// Height; 0 when unknown or not applicable.
    pub height: u32,
    /// Creates in the class.
    pub created: u64,
    /// Destroys in the class.
    pub destroyed: u64,
    /// Creates a pool would have served.
    pub would_be_hits: u64,
    /// Creates and destroys pooling would remove (2 per hit).
    pub churn_removed: u64,
    /// churn_removed as a share of the class's churn, percent.
    pub churn_removed_pct: Option<f64>,
    /// Objects the pool would need to hold at most.
    pub pool_size: u64,
}

/// Optimisation readiness.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct ReuseReport {
    /// Native render targets reused vs recreated.
    pub native_targets: TypeReuseReport,
    /// Command queue reuse: reused / (reused + recreated); `None` without queues.
    pub queue_reuse_hit_rate: Option<f64>,
    /// Reuse per type.
    pub by_type: BTreeMap<String, TypeReuseReport>,
    /// `ResizeRebuild` counts, all types.
    pub resize_rebuilds: RebuildCounts,
    /// `ResizeRebuild` counts per type.
    pub resize_rebuilds_by_type: BTreeMap<String, RebuildCounts>,
    /// Pools that reported hits and misses.
    pub pools: Vec<PoolReport>,
    /// Classes a pool would serve, most churn removed first.
    pub candidate_pools: Vec<CandidatePool>,
    /// Classes or pools not tracked because of the memory cap.
    pub untracked: u64,
}
