//! A bounded map of recently seen keys: recent destroys (with their owner),
//! recently finished packets.
//!
//! It answers "was this key seen among the last `capacity` insertions, and with
//! what?" in O(1) and forgets the oldest key beyond its capacity, so memory never
//! depends on the length of the stream.

use std::collections::VecDeque;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use super::hashing::FxHashMap;

/// The last `capacity` distinct keys inserted, each with the value it came with.
#[derive(Clone, Debug)]
pub(crate) struct Recent<K, V = ()> {
    map: FxHashMap<K, V>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Copy + Eq + Hash, V> Recent<K, V> {
    /// An empty map remembering at most `capacity` keys.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            map: FxHashMap::default(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Remembers `key` with `value`, forgetting the oldest key when full. A key
    /// already remembered keeps its place and its first value.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        match self.map.entry(key) {
            Entry::Occupied(_) => return,
            Entry::Vacant(slot) => {
                slot.insert(value);
            }
        }
        self.order.push_back(key);
        if self.order.len() > self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.map.remove(&old);
        }
    }

    /// Whether `key` is remembered.
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.map.contains_key(key)
    }

    /// The value `key` was remembered with.
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_oldest_beyond_capacity() {
        let mut recent = Recent::new(2);
        recent.insert(1u64, 'a');
        recent.insert(2, 'b');
        recent.insert(2, 'x');
        recent.insert(3, 'c');
        assert!(!recent.contains(&1));
        assert_eq!((recent.get(&2), recent.get(&3)), (Some(&'b'), Some(&'c')));
    }
}
