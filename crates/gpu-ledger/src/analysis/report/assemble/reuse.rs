//! The optimisation-readiness section of a report (plan slice F): reuse per type,
//! resize rebuilds, real pools' hit rates and the candidate pools the fold's
//! simulation found, with names resolved and lists sorted.
//!
//! It reads the fold's reuse counters and never changes them.

use std::collections::BTreeMap;

use crate::analysis::fold::definitions::Definitions;
use crate::analysis::fold::owners::kind_name;
use crate::analysis::fold::reuse::{ReuseTracker, TypeReuse};
use crate::analysis::fold::types::type_name;
use crate::analysis::report::numbers::ratio;
use crate::analysis::report::schema::reuse::{
    CandidatePool, PoolReport, RebuildCounts, ReuseReport, TypeReuseReport,
};
use crate::event::{Names, ResourceType};

/// The readiness section of `tracker`: `live` gives each live resource's type and
/// whether it was reused so far (they count like destroyed ones).
pub(crate) fn reuse(
    tracker: &ReuseTracker,
    live: impl Iterator<Item = (u16, bool)>,
    type_names: &[String],
    names: &Names,
    defs: &Definitions,
) -> ReuseReport {
    let mut types = tracker.types.clone();
    for (ty, reused) in live {
        let i = ty as usize;
        if types.len() <= i {
            types.resize(i + 1, TypeReuse::default());
        }
        if reused {
            types[i].reused += 1;
        } else {
            types[i].single_use += 1;
        }
    }
    let mut by_type: BTreeMap<String, TypeReuseReport> = BTreeMap::new();
    let mut rebuilds_by_type: BTreeMap<String, RebuildCounts> = BTreeMap::new();
    let mut rebuilds = RebuildCounts::default();
    for (i, t) in types.iter().enumerate() {
        let name = type_names.get(i).cloned().unwrap_or_default();
        let e = by_type.entry(name.clone()).or_default();
        e.created += t.created;
        e.recreated += t.recreated;
        e.reused += t.reused;
        e.single_use += t.single_use;
        e.reuse_rate = ratio(e.reused, e.reused + e.recreated);
        if t.rebuilds > 0 {
            let r = rebuilds_by_type.entry(name).or_default();
            for c in [r, &mut rebuilds] {
                c.total += t.rebuilds;
                c.resized += t.rebuilds_resized;
                c.same_size += t.rebuilds_same_size;
                c.unknown_size += t.rebuilds_unknown_size;
            }
        }
    }
    let lookup = |ty: ResourceType| by_type.get(&type_name(ty, names)).copied();
    let native_targets = lookup(ResourceType::NativeTarget).unwrap_or_default();
    let queue_reuse_hit_rate = lookup(ResourceType::CommandQueue).and_then(|q| q.reuse_rate);
    let mut pools: Vec<PoolReport> = tracker
        .pools
        .iter()
        .map(|(&(owner, ty), p)| PoolReport {
            owner_kind: kind_name(owner.kind, names),
            owner_key: owner.key,
            resource_type: type_names.get(ty as usize).cloned().unwrap_or_default(),
            hits: p.hits,
            misses: p.misses,
            releases: p.releases,
            evictions: p.evictions,
            hit_rate: ratio(p.hits, p.hits + p.misses),
        })
        .collect();
    pools.sort_by(|x, y| {
        (&x.owner_kind, x.owner_key, &x.resource_type).cmp(&(
            &y.owner_kind,
            y.owner_key,
            &y.resource_type,
        ))
    });
    let min_hits = defs.pool_candidate_min_hits.max(1);
    let mut candidate_pools: Vec<CandidatePool> = tracker
        .classes
        .iter()
        .filter(|c| c.hits >= min_hits && 4 * c.hits >= c.created + c.destroyed)
        .map(|c| CandidatePool {
            resource_type: type_names.get(c.ty as usize).cloned().unwrap_or_default(),
            width: c.width,
            height: c.height,
            created: c.created,
            destroyed: c.destroyed,
            would_be_hits: c.hits,
            churn_removed: 2 * c.hits,
            churn_removed_pct: ratio(200 * c.hits, c.created + c.destroyed),
            pool_size: c.peak_free,
        })
        .collect();
    candidate_pools.sort_by(|x, y| {
        y.churn_removed
            .cmp(&x.churn_removed)
            .then(x.resource_type.cmp(&y.resource_type))
            .then((x.width, x.height).cmp(&(y.width, y.height)))
    });
    candidate_pools.truncate(defs.top_contributors);
    ReuseReport {
        native_targets,
        queue_reuse_hit_rate,
        by_type,
        resize_rebuilds: rebuilds,
        resize_rebuilds_by_type: rebuilds_by_type,
        pools,
        candidate_pools,
        untracked: tracker.overflowed,
    }
}
