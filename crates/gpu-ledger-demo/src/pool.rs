//! [`Pool`]: free objects of one type, by size class, that record their hits,
//! misses, releases and evictions.
//!
//! The pooled architecture keeps textures, display-list buffers and fences here
//! between frames instead of destroying and creating them. A pool records
//! `PoolHit` / `PoolMiss` when asked for an object, `PoolRelease` when given one
//! back and `PoolEvict` when emptied at teardown; it never creates or destroys
//! anything itself (on a miss the caller creates the object, through the
//! compositor's context, so the creation is counted like any other).

use gpu_ledger::{Dims, Ledger, Owner, PoolAction, ResourceType};

/// Free objects of type `ty`, each with the size class it was made for.
pub(crate) struct Pool<T> {
    owner: Owner,
    ty: ResourceType,
    free: Vec<(u64, Option<Dims>, T)>,
}

impl<T> Pool<T> {
    /// An empty pool of `ty` objects; `owner` is the pool itself (a `TexturePool`,
    /// `BufferPool` or `FencePool` owner kind, as the Omega logs name them).
    pub(crate) fn new(owner: Owner, ty: ResourceType) -> Self {
        Self {
            owner,
            ty,
            free: Vec::new(),
        }
    }

    /// The pool's owner, which objects made on a miss belong to.
    pub(crate) fn owner(&self) -> Owner {
        self.owner
    }

    /// A free object of size class `class`, recording `PoolHit`; or `None`,
    /// recording `PoolMiss`, when the caller must make one.
    pub(crate) fn take(&mut self, ledger: &Ledger, class: u64, dims: Option<Dims>) -> Option<T> {
        match self.free.iter().position(|(c, _, _)| *c == class) {
            Some(i) => {
                ledger.pool(PoolAction::Hit, self.ty, self.owner, dims);
                Some(self.free.swap_remove(i).2)
            }
            None => {
                ledger.pool(PoolAction::Miss, self.ty, self.owner, dims);
                None
            }
        }
    }

    /// Takes `object` (of size class `class`) back, recording `PoolRelease`.
    pub(crate) fn give(&mut self, ledger: &Ledger, class: u64, dims: Option<Dims>, object: T) {
        ledger.pool(PoolAction::Release, self.ty, self.owner, dims);
        self.free.push((class, dims, object));
    }

    /// Empties the pool, recording `PoolEvict` for each object; the caller destroys them.
    pub(crate) fn evict_all(&mut self, ledger: &Ledger) -> Vec<T> {
        self.free
            .drain(..)
            .map(|(_, dims, object)| {
                ledger.pool(PoolAction::Evict, self.ty, self.owner, dims);
                object
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gpu_ledger::{Collected, EventKind, LedgerConfig, OwnerKind};

    #[test]
    fn records_miss_release_hit_evict() {
        let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
        let mut pool = Pool::new(Owner::new(OwnerKind::Transient, 1), ResourceType::Fence);
        assert_eq!(pool.take(&ledger, 0, None), None::<u32>);
        pool.give(&ledger, 0, None, 7);
        assert_eq!(pool.take(&ledger, 1, None), None);
        assert_eq!(pool.take(&ledger, 0, None), Some(7));
        pool.give(&ledger, 0, None, 7);
        assert_eq!(pool.evict_all(&ledger), vec![7]);
        let events = ledger.finish().into_sink::<Collected>().unwrap().events;
        let actions: Vec<PoolAction> = events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Pool { action, .. } => Some(action),
                _ => None,
            })
            .collect();
        use PoolAction::*;
        assert_eq!(actions, vec![Miss, Release, Miss, Hit, Release, Evict]);
    }
}
