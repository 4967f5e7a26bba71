//! A bounded map of recently seen keys: recent destroys (with their owner),
//! recently finished packets.
//!
//! It answers "was this key seen among the last `capacity` insertions, and with
//! what?" in O(1) and forgets the oldest key beyond its capacity, so memory never
//! depends on the length of the stream.
//!
//! Keys are numbered as they come, and a key is remembered while fewer than
//! `capacity` keys came after it: forgetting costs nothing, and nothing is ever
//! looked up to be removed. Each key has a place in a direct table (its
//! [`Spot`], modulo the table's size), so keys that come one after another, as
//! resource ids and packet numbers do, sit side by side in memory instead of
//! scattered by a hash; a key whose place another remembered key holds goes to
//! a hash map beside it, swept of forgotten keys now and then. The table starts
//! small and doubles as keys come, up to the capacity (a power of two): counting
//! keys then each take the place of the key forgotten as they come, and a short
//! stream costs little. Any keys give the same answers, only slower when many collide.
//! It must never answer differently from "the last `capacity` distinct keys".

use super::hashing::FxHashMap;
use super::ids::Spot;

/// The direct table's size at the first insert (when the capacity allows).
const MIN_SLOTS: usize = 1 << 10;

/// A remembered key: `number` is 1 + its number among all keys inserted (0: empty).
#[derive(Clone, Copy, Debug)]
struct Slot<K, V> {
    number: u64,
    key: K,
    value: V,
}

/// The last `capacity` distinct keys inserted, each with the value it came with.
#[derive(Clone, Debug)]
pub(crate) struct Recent<K, V = ()> {
    /// The direct table: a power of two, made at the first insert and doubled as
    /// keys come, up to the capacity.
    slots: Vec<Slot<K, V>>,
    /// Keys whose place held another remembered key, with their number (0-based).
    overflow: FxHashMap<K, (u64, V)>,
    /// When `overflow` reaches this size, forgotten keys are swept out of it.
    sweep_at: usize,
    /// Keys inserted so far (each distinct while remembered).
    inserted: u64,
    capacity: usize,
    /// The direct table's largest size: the capacity, a power of two.
    full: usize,
}

impl<K: Spot, V: Copy> Recent<K, V> {
    /// An empty map remembering at most `capacity` keys.
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            slots: Vec::new(),
            overflow: FxHashMap::default(),
            sweep_at: 64,
            inserted: 0,
            capacity,
            full: capacity.next_power_of_two(),
        }
    }

    /// Whether the key numbered `number` (0-based) is still remembered.
    #[inline]
    fn remembered(&self, number: u64) -> bool {
        number.saturating_add(self.capacity as u64) >= self.inserted
    }

    #[inline]
    fn place(&self, key: K) -> usize {
        key.spot() as usize & (self.slots.len() - 1)
    }

    /// Remembers `key` with `value`, forgetting the oldest key when full. A key
    /// already remembered keeps its place and its first value.
    #[inline]
    pub(crate) fn insert(&mut self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        if self.slots.len() < self.full {
            let remembered =
                usize::try_from(self.inserted).map_or(usize::MAX, |n| n.min(self.capacity));
            if self.slots.is_empty() || remembered * 2 >= self.slots.len() {
                self.grow(key, value);
            }
        }
        let place = self.place(key);
        let slot = self.slots[place];
        let here = slot.number != 0 && slot.key == key;
        if here && self.remembered(slot.number - 1) {
            return;
        }
        if !self.overflow.is_empty()
            && let Some(&(number, _)) = self.overflow.get(&key)
        {
            if self.remembered(number) {
                return;
            }
            self.overflow.remove(&key);
        }
        let number = self.inserted;
        self.inserted += 1;
        if here || slot.number == 0 || !self.remembered(slot.number - 1) {
            self.slots[place] = Slot {
                number: number + 1,
                key,
                value,
            };
            return;
        }
        self.overflow.insert(key, (number, value));
        if self.overflow.len() >= self.sweep_at {
            let inserted = self.inserted;
            let capacity = self.capacity as u64;
            self.overflow
                .retain(|_, (n, _)| n.saturating_add(capacity) >= inserted);
            // Every key counts toward the next sweep: sweeping stays linear overall.
            self.sweep_at = 2 * self.overflow.len() + 64;
        }
    }

    /// Makes the direct table twice as large (or `MIN_SLOTS`, at most `full`),
    /// each remembered key at its place in it. Keys in distinct places stay in
    /// distinct places: a key's new place keeps its old place in its low bits.
    #[cold]
    fn grow(&mut self, key: K, value: V) {
        let len = (self.slots.len() * 2).clamp(MIN_SLOTS.min(self.full), self.full);
        let empty = Slot {
            number: 0,
            key,
            value,
        };
        let old = std::mem::replace(&mut self.slots, vec![empty; len]);
        for slot in old {
            if slot.number != 0 && self.remembered(slot.number - 1) {
                let place = self.place(slot.key);
                self.slots[place] = slot;
            }
        }
    }

    /// Whether `key` is remembered.
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// The value `key` was remembered with.
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = &self.slots[self.place(*key)];
        if slot.number != 0 && slot.key == *key && self.remembered(slot.number - 1) {
            return Some(&slot.value);
        }
        match self.overflow.get(key) {
            Some((number, value)) if self.remembered(*number) => Some(value),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, VecDeque};

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

    #[test]
    fn the_table_grows_with_the_keys_remembered_up_to_the_capacity() {
        let mut recent = Recent::new(65_536);
        for key in 0..10u64 {
            recent.insert(key, ());
        }
        assert_eq!(recent.slots.len(), MIN_SLOTS, "a short stream costs little");
        for key in 10..200_000u64 {
            recent.insert(key, ());
        }
        assert_eq!(recent.slots.len(), 65_536);
        assert!(recent.contains(&(200_000 - 65_536)) && !recent.contains(&(199_999 - 65_536)));
        assert!(recent.overflow.is_empty(), "counting keys never collide");
    }

    /// The plain definition: a queue of the last `capacity` distinct keys.
    struct Plain {
        map: HashMap<u64, u32>,
        order: VecDeque<u64>,
        capacity: usize,
    }

    impl Plain {
        fn insert(&mut self, key: u64, value: u32) {
            if self.capacity == 0 || self.map.contains_key(&key) {
                return;
            }
            self.map.insert(key, value);
            self.order.push_back(key);
            if self.order.len() > self.capacity
                && let Some(old) = self.order.pop_front()
            {
                self.map.remove(&old);
            }
        }
    }

    #[test]
    fn answers_as_the_queue_of_the_last_distinct_keys_for_any_keys() {
        // Sequential ids, strided ids that all share a place, and a random mix
        // with repeats: every answer as the plain definition gives it.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for capacity in [0, 1, 3, 8, 100, 1_500] {
            let keys: Vec<Vec<u64>> = vec![
                (1..2_000).collect(),
                (0..2_000).map(|i| (i % 300) << 20).collect(),
                (0..4_000).map(|_| random(400)).collect(),
                (0..4_000).map(|_| random(3) << 40 | random(50)).collect(),
            ];
            for keys in keys {
                let mut recent = Recent::new(capacity);
                let mut plain = Plain {
                    map: HashMap::new(),
                    order: VecDeque::new(),
                    capacity,
                };
                for (i, &key) in keys.iter().enumerate() {
                    recent.insert(key, i as u32);
                    plain.insert(key, i as u32);
                    let probe = keys[random(i as u64 + 1) as usize];
                    assert_eq!(recent.get(&probe), plain.map.get(&probe), "{capacity}: {i}");
                    assert_eq!(recent.get(&key), plain.map.get(&key), "{capacity}: {i}");
                }
                assert!(recent.overflow.len() <= 2 * capacity + 64);
            }
        }
    }
}
