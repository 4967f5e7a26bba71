//! [`IdMap`]: values by resource id, for the live resources the fold looks up
//! several times per event.
//!
//! Resource ids count up, so the ids alive at once are mostly a dense band at the
//! newest end plus some old, long-lived ones. An id's place is the id itself
//! modulo a direct table at least four times larger than what is stored, so the
//! band sits side by side in memory and finding an id costs one comparison, no
//! hash. When an id's place is taken, the newer id takes it and the older one
//! moves to a hash map beside the table: the newest resources are the ones events
//! name most. Any ids give the same answers (ids far apart, or colliding on
//! purpose, only fall back to the hash map), and memory follows the most values
//! stored at once, never the number of ids seen.

use super::hashing::FxHashMap;

/// An empty place in the direct table.
const EMPTY: u32 = u32::MAX;

/// The direct table's size before anything outgrows it.
const MIN_PLACES: usize = 1 << 10;

/// Values by `u64` id, with O(1) lookups that need no hash for ids near the newest.
#[derive(Clone, Debug)]
pub(crate) struct IdMap<V> {
    /// Place `id & mask`: an id and where its value is in `values`, or `EMPTY`.
    places: Vec<(u64, u32)>,
    /// Ids whose place a newer id took, and where their values are.
    moved: FxHashMap<u64, u32>,
    /// The values and their ids; `None` where a removed value was.
    values: Vec<Option<(u64, V)>>,
    /// Indices of `None` in `values`.
    free: Vec<u32>,
    len: usize,
}

impl<V> Default for IdMap<V> {
    fn default() -> Self {
        Self {
            places: Vec::new(),
            moved: FxHashMap::default(),
            values: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<V> IdMap<V> {
    /// How many values are stored.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn place(&self, id: u64) -> usize {
        id as usize & (self.places.len() - 1)
    }

    /// Where `id`'s value is in `values`.
    #[inline]
    fn find(&self, id: u64) -> Option<u32> {
        if self.places.is_empty() {
            return None;
        }
        let (at_id, at) = self.places[self.place(id)];
        if at_id == id && at != EMPTY {
            return Some(at);
        }
        if self.moved.is_empty() {
            return None;
        }
        self.moved.get(&id).copied()
    }

    /// The value of `id`.
    #[inline]
    pub(crate) fn get_mut(&mut self, id: u64) -> Option<&mut V> {
        let at = self.find(id)?;
        self.values[at as usize].as_mut().map(|(_, v)| v)
    }

    /// Stores `value` for `id`; the value it replaces, if any.
    pub(crate) fn insert(&mut self, id: u64, value: V) -> Option<V> {
        if let Some(at) = self.find(id) {
            let slot = &mut self.values[at as usize];
            return slot.replace((id, value)).map(|(_, old)| old);
        }
        if (self.len + 1) * 4 > self.places.len() {
            self.grow();
        }
        let at = match self.free.pop() {
            Some(at) => {
                self.values[at as usize] = Some((id, value));
                at
            }
            None => {
                self.values.push(Some((id, value)));
                (self.values.len() - 1) as u32
            }
        };
        self.len += 1;
        self.put(id, at);
        None
    }

    /// Gives `id` (whose value is at `at`) its place, moving an id there to `moved`.
    fn put(&mut self, id: u64, at: u32) {
        let place = self.place(id);
        let (old_id, old_at) = std::mem::replace(&mut self.places[place], (id, at));
        if old_at != EMPTY {
            self.moved.insert(old_id, old_at);
        }
    }

    /// Removes `id`'s value and returns it.
    pub(crate) fn remove(&mut self, id: u64) -> Option<V> {
        if self.places.is_empty() {
            return None;
        }
        let place = self.place(id);
        let at = match self.places[place] {
            (at_id, at) if at_id == id && at != EMPTY => {
                self.places[place] = (0, EMPTY);
                at
            }
            _ => self.moved.remove(&id)?,
        };
        self.len -= 1;
        self.free.push(at);
        self.values[at as usize].take().map(|(_, v)| v)
    }

    /// Every stored value, in no particular order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.values.iter().flatten().map(|(_, v)| v)
    }

    /// A direct table four times the values stored, or more, each id put back.
    #[cold]
    fn grow(&mut self) {
        let len = ((self.len + 1) * 4).next_power_of_two().max(MIN_PLACES);
        self.places = vec![(0, EMPTY); len];
        self.moved.clear();
        // Oldest first (ids count up), so that newer ids keep their places.
        let mut stored: Vec<(u64, u32)> = self
            .values
            .iter()
            .enumerate()
            .filter_map(|(at, v)| v.as_ref().map(|(id, _)| (*id, at as u32)))
            .collect();
        stored.sort_unstable();
        for (id, at) in stored {
            self.put(id, at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn answers_as_a_hash_map_for_any_ids() {
        // A band of counting ids with long-lived ones, ids that all share a
        // place, and a random mix: every answer as a plain map gives it.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut scripts: Vec<Vec<(bool, u64)>> = Vec::new();
        let mut band = Vec::new();
        for id in 1..20_000u64 {
            band.push((true, id));
            if id % 7 != 0 && id > 3 {
                band.push((false, id - 3)); // short-lived; every 7th lives on
            }
        }
        scripts.push(band);
        scripts.push((0..6_000).map(|i| (i % 3 != 2, (i % 500) << 32)).collect());
        scripts.push(
            (0..20_000)
                .map(|_| (random(3) != 0, random(3_000) | random(2) << 63))
                .collect(),
        );
        for script in scripts {
            let mut ids = IdMap::default();
            let mut plain = HashMap::new();
            let mut most = 0;
            for (i, &(add, id)) in script.iter().enumerate() {
                if add {
                    assert_eq!(ids.insert(id, i), plain.insert(id, i), "insert {id}");
                } else {
                    assert_eq!(ids.remove(id), plain.remove(&id), "remove {id}");
                }
                let probe = script[random(i as u64 + 1) as usize].1;
                assert_eq!(ids.get_mut(probe), plain.get_mut(&probe), "get {probe}");
                assert_eq!(ids.len(), plain.len());
                most = most.max(plain.len());
            }
            let mut values: Vec<usize> = ids.values().copied().collect();
            let mut expected: Vec<usize> = plain.values().copied().collect();
            values.sort_unstable();
            expected.sort_unstable();
            assert_eq!(values, expected);
            // Memory follows the most values stored at once.
            assert!(ids.places.len() <= ((most + 1) * 4).next_power_of_two().max(MIN_PLACES));
            assert!(ids.values.len() <= most);
        }
    }
}
