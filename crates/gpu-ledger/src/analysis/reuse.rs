//! Optimisation readiness (plan slice F): what is reused and what is recreated,
//! how rebuilds change sizes, how pools perform, and which (type, size) classes a
//! pool would serve.
//!
//! Candidate pools are found by simulating the simplest pool per (type, width,
//! height) class: every destroy returns an object to it, every create takes one if
//! any is free (a would-be hit). Each hit removes one create and one destroy. The
//! tables are bounded by the number of classes and pools, capped, never by the
//! number of events.

use crate::event::{Dims, Owner, PoolAction};

use std::collections::BTreeMap;

use crate::event::{Names, ResourceType};

use super::assemble::kind_name;
use super::definitions::Definitions;
use super::hashing::FxHashMap;
use super::numbers::ratio;
use super::reuse_report::{CandidatePool, PoolReport, RebuildCounts, ReuseReport, TypeReuseReport};
use super::types::type_name;

/// Memory cap on (type, size) classes and on pools.
const MAX_CLASSES: usize = 4_096;

/// One (type, width, height) class and its simulated pool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ClassState {
    pub(crate) ty: u16,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) created: u64,
    pub(crate) destroyed: u64,
    free: u64,
    pub(crate) peak_free: u64,
    pub(crate) hits: u64,
}

/// What a real pool reported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PoolCounts {
    pub(crate) hits: u64,
    pub(crate) misses: u64,
    pub(crate) releases: u64,
    pub(crate) evictions: u64,
}

/// Reuse counters of one resource type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TypeReuse {
    pub(crate) created: u64,
    /// Creates by an owner that had destroyed one of this type before.
    pub(crate) recreated: u64,
    /// Destroyed resources that lived across at least two presents or were bound twice.
    pub(crate) reused: u64,
    /// Destroyed resources that did not.
    pub(crate) single_use: u64,
    pub(crate) rebuilds: u64,
    pub(crate) rebuilds_resized: u64,
    pub(crate) rebuilds_same_size: u64,
    pub(crate) rebuilds_unknown_size: u64,
}

/// All reuse counters.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReuseTracker {
    pub(crate) classes: Vec<ClassState>,
    class_index: FxHashMap<(u16, u32, u32), u32>,
    pub(crate) pools: FxHashMap<(Owner, u16), PoolCounts>,
    pub(crate) types: Vec<TypeReuse>,
    pub(crate) overflowed: u64,
}

impl ReuseTracker {
    /// The class of a `ty` resource of size `dims`, if tracked.
    #[inline]
    pub(crate) fn class(&mut self, ty: u16, dims: Option<Dims>) -> Option<u32> {
        let (w, h) = dims.map_or((0, 0), |d| (d.width, d.height));
        if let Some(&i) = self.class_index.get(&(ty, w, h)) {
            return Some(i);
        }
        if self.classes.len() >= MAX_CLASSES {
            self.overflowed += 1;
            return None;
        }
        self.classes.push(ClassState {
            ty,
            width: w,
            height: h,
            ..ClassState::default()
        });
        let i = (self.classes.len() - 1) as u32;
        self.class_index.insert((ty, w, h), i);
        Some(i)
    }

    /// The reuse counters of type `ty`.
    #[inline]
    pub(crate) fn ty(&mut self, ty: u16) -> &mut TypeReuse {
        let i = ty as usize;
        if self.types.len() <= i {
            self.types.resize(i + 1, TypeReuse::default());
        }
        &mut self.types[i]
    }

    /// A create in class `class` of type `ty`; `recreated` when it is a recreate cycle.
    #[inline]
    pub(crate) fn on_create(&mut self, class: Option<u32>, ty: u16, recreated: bool) {
        if let Some(c) = class.and_then(|c| self.classes.get_mut(c as usize)) {
            c.created += 1;
            if c.free > 0 {
                c.free -= 1;
                c.hits += 1;
            }
        }
        let t = self.ty(ty);
        t.created += 1;
        if recreated {
            t.recreated += 1;
        }
    }

    /// A destroy in class `class` of type `ty`; `reused` when it was kept or bound again.
    #[inline]
    pub(crate) fn on_destroy(&mut self, class: Option<u32>, ty: u16, reused: bool) {
        if let Some(c) = class.and_then(|c| self.classes.get_mut(c as usize)) {
            c.destroyed += 1;
            c.free += 1;
            c.peak_free = c.peak_free.max(c.free);
        }
        let t = self.ty(ty);
        if reused {
            t.reused += 1;
        } else {
            t.single_use += 1;
        }
    }

    /// A `ResizeRebuild` of a `ty` resource from size `old` to size `new`.
    pub(crate) fn on_rebuild(&mut self, ty: u16, old: Option<(u32, u32)>, new: Option<(u32, u32)>) {
        let t = self.ty(ty);
        t.rebuilds += 1;
        match (old, new) {
            (Some(a), Some(b)) if a == b => t.rebuilds_same_size += 1,
            (Some(_), Some(_)) => t.rebuilds_resized += 1,
            _ => t.rebuilds_unknown_size += 1,
        }
    }

    /// A pool event of pool `owner` for type `ty`.
    pub(crate) fn on_pool(&mut self, action: PoolAction, owner: Owner, ty: u16) {
        let key = (owner, ty);
        if !self.pools.contains_key(&key) && self.pools.len() >= MAX_CLASSES {
            self.overflowed += 1;
            return;
        }
        let p = self.pools.entry(key).or_default();
        match action {
            PoolAction::Hit => p.hits += 1,
            PoolAction::Miss => p.misses += 1,
            PoolAction::Release => p.releases += 1,
            PoolAction::Evict => p.evictions += 1,
        }
    }

    /// The readiness section: `live` gives each live resource's type and whether it
    /// was reused so far (they count like destroyed ones).
    pub(crate) fn report(
        &self,
        live: impl Iterator<Item = (u16, bool)>,
        type_names: &[String],
        names: &Names,
        defs: &Definitions,
    ) -> ReuseReport {
        let mut types = self.types.clone();
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
        let mut pools: Vec<PoolReport> = self
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
        let mut candidate_pools: Vec<CandidatePool> = self
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
            untracked: self.overflowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simulated_pool_serves_creates_after_destroys() {
        let mut reuse = ReuseTracker::default();
        let dims = Some(Dims::new(1000, 1000, 2.0));
        let c = reuse.class(2, dims);
        reuse.on_create(c, 2, false);
        reuse.on_create(c, 2, false);
        reuse.on_destroy(c, 2, false);
        reuse.on_destroy(c, 2, false);
        reuse.on_create(c, 2, true);
        reuse.on_create(c, 2, true);
        reuse.on_create(c, 2, true);
        let class = reuse.classes[0];
        assert_eq!(
            (class.created, class.destroyed, class.hits, class.peak_free),
            (5, 2, 2, 2)
        );
        assert_eq!((reuse.ty(2).recreated, reuse.ty(2).single_use), (3, 2));
    }

    #[test]
    fn rebuilds_tell_resized_from_same_size() {
        let mut reuse = ReuseTracker::default();
        reuse.on_rebuild(0, Some((500, 500)), Some((1000, 1000)));
        reuse.on_rebuild(0, Some((1000, 1000)), Some((1000, 1000)));
        reuse.on_rebuild(0, None, Some((1000, 1000)));
        let t = *reuse.ty(0);
        assert_eq!(
            (
                t.rebuilds,
                t.rebuilds_resized,
                t.rebuilds_same_size,
                t.rebuilds_unknown_size
            ),
            (3, 1, 1, 1)
        );
    }
}
