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

use super::hashing::FxHashMap;

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
        if self.pools.len() >= MAX_CLASSES && !self.pools.contains_key(&key) {
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
