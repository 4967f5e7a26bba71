//! A bounded set of recently seen keys: recent destroys, recently finished packets.
//!
//! It answers "was this key seen among the last `capacity` insertions?" in O(1)
//! and forgets the oldest key beyond its capacity, so memory never depends on the
//! length of the stream.

use std::collections::VecDeque;
use std::hash::Hash;

use super::hashing::FxHashSet;

/// The last `capacity` distinct keys inserted.
#[derive(Clone, Debug)]
pub(crate) struct RecentSet<K> {
    set: FxHashSet<K>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Copy + Eq + Hash> RecentSet<K> {
    /// An empty set remembering at most `capacity` keys.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            set: FxHashSet::default(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Remembers `key`, forgetting the oldest key when full.
    pub(crate) fn insert(&mut self, key: K) {
        if self.capacity == 0 || !self.set.insert(key) {
            return;
        }
        self.order.push_back(key);
        if self.order.len() > self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
    }

    /// Whether `key` is remembered.
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.set.contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_oldest_beyond_capacity() {
        let mut recent = RecentSet::new(2);
        recent.insert(1u64);
        recent.insert(2);
        recent.insert(2);
        recent.insert(3);
        assert!(!recent.contains(&1));
        assert!(recent.contains(&2) && recent.contains(&3));
    }
}
