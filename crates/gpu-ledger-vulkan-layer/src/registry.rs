//! A fixed-size, lock-free map from dispatch keys to the layer's per-instance
//! and per-device data: the lookup every intercepted call starts with.
//!
//! Every intercepted call must find its device before anything else, so the
//! lookup is a scan of a few atomic slots (one compare when the program has one
//! device) instead of a lock and a hash. Entries are leaked on purpose: a call
//! that raced a destroy (a program bug Vulkan leaves undefined) still reads
//! valid memory, and the cost is one small struct per instance or device ever
//! created. It never allocates after an insert and never blocks.

use std::sync::atomic::{AtomicPtr, Ordering};

/// Something stored under a dispatch key.
pub(crate) trait Keyed: Sync + 'static {
    /// The loader dispatch key it is stored under.
    fn key(&self) -> usize;
}

/// At most `N` live entries; an insert beyond that is refused.
pub(crate) struct Registry<T: Keyed, const N: usize> {
    slots: [AtomicPtr<T>; N],
}

impl<T: Keyed, const N: usize> Registry<T, N> {
    /// An empty registry (usable in a `static`).
    pub(crate) const fn new() -> Self {
        Self {
            slots: [const { AtomicPtr::new(std::ptr::null_mut()) }; N],
        }
    }

    /// Stores `value` (leaked: it lives for the rest of the process) and returns
    /// it, or `None` when all `N` slots are taken.
    pub(crate) fn insert(&self, value: T) -> Option<&'static T> {
        let value: &'static T = Box::leak(Box::new(value));
        let ptr = (value as *const T).cast_mut();
        for slot in &self.slots {
            if slot
                .compare_exchange(
                    std::ptr::null_mut(),
                    ptr,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
            {
                return Some(value);
            }
        }
        None
    }

    /// The entry stored under `key`.
    #[inline]
    pub(crate) fn get(&self, key: usize) -> Option<&'static T> {
        for slot in &self.slots {
            let ptr = slot.load(Ordering::Acquire);
            // SAFETY: non-NULL slots hold pointers from `Box::leak`, never freed.
            if let Some(entry) = unsafe { ptr.as_ref() }
                && entry.key() == key
            {
                return Some(entry);
            }
        }
        None
    }

    /// Every entry stored now.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'static T> + '_ {
        self.slots.iter().filter_map(|slot| {
            // SAFETY: as in `get`.
            unsafe { slot.load(Ordering::Acquire).as_ref() }
        })
    }

    /// Takes the entry under `key` out of the map (its memory stays valid).
    pub(crate) fn remove(&self, key: usize) -> Option<&'static T> {
        for slot in &self.slots {
            let ptr = slot.load(Ordering::Acquire);
            // SAFETY: as in `get`.
            if let Some(entry) = unsafe { ptr.as_ref() }
                && entry.key() == key
                && slot
                    .compare_exchange(
                        ptr,
                        std::ptr::null_mut(),
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    )
                    .is_ok()
            {
                return Some(entry);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Entry(usize, &'static str);

    impl Keyed for Entry {
        fn key(&self) -> usize {
            self.0
        }
    }

    #[test]
    fn entries_are_found_by_key_removed_and_slots_reused() {
        let registry: Registry<Entry, 2> = Registry::new();
        assert!(registry.insert(Entry(7, "a")).is_some());
        assert!(registry.insert(Entry(9, "b")).is_some());
        assert!(
            registry.insert(Entry(11, "c")).is_none(),
            "a full registry refuses"
        );
        assert_eq!(registry.get(9).map(|e| e.1), Some("b"));
        assert_eq!(registry.remove(7).map(|e| e.1), Some("a"));
        assert!(registry.get(7).is_none());
        assert!(
            registry.insert(Entry(7, "d")).is_some(),
            "a removed slot is reused"
        );
        assert_eq!(registry.get(7).map(|e| e.1), Some("d"));
        let mut all: Vec<&str> = registry.iter().map(|e| e.1).collect();
        all.sort_unstable();
        assert_eq!(all, ["b", "d"]);
    }
}
