//! [`IdMap`]: values by resource id (or packet), for what the fold looks up
//! several times per event: the live resources, the packets in flight.
//!
//! Resource ids count up, so the ids alive at once are mostly a dense band at the
//! newest end plus some old, long-lived ones; packet numbers count up within their
//! lane. A key's place is its [`Spot`] modulo a direct table at least four times
//! larger than what is stored, so the band sits side by side in memory and finding
//! a key costs one comparison, no hash. When a key's place is taken, the newer key
//! takes it and the older one moves to a hash map beside the table: the newest
//! resources and packets are the ones events name most. Any keys give the same
//! answers (keys far apart, or colliding on purpose, only fall back to the hash
//! map), and memory follows the most values stored at once, never the number of
//! keys seen.

use std::hash::Hash;

use crate::event::PacketRef;

use super::hashing::FxHashMap;

/// Where a key sits in a direct table: keys that come one after another (resource
/// ids, a lane's packet numbers) at places side by side.
pub(crate) trait Spot: Copy + Eq + Hash + Ord {
    /// The key's place, before it is reduced to the table's size.
    fn spot(self) -> u64;
    /// Any key: what an empty place holds.
    fn any() -> Self;
}

impl Spot for u64 {
    #[inline]
    fn spot(self) -> u64 {
        self
    }
    fn any() -> Self {
        0
    }
}

impl Spot for PacketRef {
    #[inline]
    fn spot(self) -> u64 {
        // Packet numbers count up within a lane; lanes are spread apart.
        self.packet.0 ^ self.lane.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
    fn any() -> Self {
        PacketRef::new(0, 0)
    }
}

/// An empty place in the direct table.
const EMPTY: u32 = u32::MAX;

/// The direct table's size before anything outgrows it.
const MIN_PLACES: usize = 1 << 10;

/// Values by key, with O(1) lookups that need no hash for keys near the newest.
#[derive(Clone, Debug)]
pub(crate) struct IdMap<K, V> {
    /// Place `spot & mask`: a key and where its value is in `values`, or `EMPTY`.
    places: Vec<(K, u32)>,
    /// Keys whose place a newer key took, and where their values are.
    moved: FxHashMap<K, u32>,
    /// The values and their keys; `None` where a removed value was.
    values: Vec<Option<(K, V)>>,
    /// Indices of `None` in `values`.
    free: Vec<u32>,
    len: usize,
}

impl<K, V> Default for IdMap<K, V> {
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

impl<K: Spot, V> IdMap<K, V> {
    /// How many values are stored.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is stored.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn place(&self, id: K) -> usize {
        id.spot() as usize & (self.places.len() - 1)
    }

    /// Where `id`'s value is in `values`.
    #[inline]
    fn find(&self, id: K) -> Option<u32> {
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
    pub(crate) fn get_mut(&mut self, id: K) -> Option<&mut V> {
        let at = self.find(id)?;
        self.values[at as usize].as_mut().map(|(_, v)| v)
    }

    /// Stores `value` for `id`; the value it replaces, if any.
    pub(crate) fn insert(&mut self, id: K, value: V) -> Option<V> {
        let at = match self.find(id) {
            Some(at) => at,
            None => self.add(id),
        };
        self.values[at as usize]
            .replace((id, value))
            .map(|(_, old)| old)
    }

    /// The value of `id`, made by `value` when it has none.
    pub(crate) fn get_or_insert_with(&mut self, id: K, value: impl FnOnce() -> V) -> &mut V {
        let at = match self.find(id) {
            Some(at) => at,
            None => self.add(id),
        };
        let (_, v) = self.values[at as usize].get_or_insert_with(|| (id, value()));
        v
    }

    /// Gives `id`, which has no value, an empty slot in `values` and its place.
    fn add(&mut self, id: K) -> u32 {
        if (self.len + 1) * 4 > self.places.len() {
            self.grow();
        }
        let at = match self.free.pop() {
            Some(at) => at,
            None => {
                self.values.push(None);
                (self.values.len() - 1) as u32
            }
        };
        self.len += 1;
        self.put(id, at);
        at
    }

    /// Gives `id` (whose value is at `at`) its place, moving an id there to `moved`.
    fn put(&mut self, id: K, at: u32) {
        let place = self.place(id);
        let (old_id, old_at) = std::mem::replace(&mut self.places[place], (id, at));
        if old_at != EMPTY {
            self.moved.insert(old_id, old_at);
        }
    }

    /// Removes `id`'s value and returns it.
    pub(crate) fn remove(&mut self, id: K) -> Option<V> {
        if self.places.is_empty() {
            return None;
        }
        let place = self.place(id);
        let at = match self.places[place] {
            (at_id, at) if at_id == id && at != EMPTY => {
                self.places[place] = (K::any(), EMPTY);
                at
            }
            _ => self.moved.remove(&id)?,
        };
        self.len -= 1;
        self.free.push(at);
        self.values[at as usize].take().map(|(_, v)| v)
    }

    /// The value of `id`.
    pub(crate) fn get(&self, id: K) -> Option<&V> {
        let at = self.find(id)?;
        self.values[at as usize].as_ref().map(|(_, v)| v)
    }

    /// Whether it holds a value for `id`.
    #[cfg(test)]
    pub(crate) fn contains_key(&self, id: K) -> bool {
        self.find(id).is_some()
    }

    /// Every key and its value, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.values.iter().flatten().map(|(k, v)| (k, v))
    }

    /// Every stored value, in no particular order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    /// A direct table four times the values stored, or more, each id put back.
    #[cold]
    fn grow(&mut self) {
        let len = ((self.len + 1) * 4).next_power_of_two().max(MIN_PLACES);
        self.places = vec![(K::any(), EMPTY); len];
        self.moved.clear();
        // Oldest first (ids count up), so that newer ids keep their places.
        let mut stored: Vec<(K, u32)> = self
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

    /// xorshift: a random number below `n`.
    fn random(seed: &mut u64, n: u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed % n
    }

    /// Plays `script` (insert or remove each key) on an `IdMap` and a plain map,
    /// checking every answer and that memory follows the most values stored.
    fn same_as_a_map<K: Spot + std::fmt::Debug>(script: &[(bool, K)], seed: &mut u64) {
        let mut ids = IdMap::default();
        let mut plain = HashMap::new();
        let mut most = 0;
        for (i, &(add, id)) in script.iter().enumerate() {
            if add {
                assert_eq!(ids.insert(id, i), plain.insert(id, i), "insert {id:?}");
            } else {
                assert_eq!(ids.remove(id), plain.remove(&id), "remove {id:?}");
            }
            let probe = script[random(seed, i as u64 + 1) as usize].1;
            assert_eq!(ids.get_mut(probe), plain.get_mut(&probe), "get {probe:?}");
            assert_eq!(ids.len(), plain.len());
            most = most.max(plain.len());
        }
        let mut values: Vec<usize> = ids.values().copied().collect();
        let mut expected: Vec<usize> = plain.values().copied().collect();
        values.sort_unstable();
        expected.sort_unstable();
        assert_eq!(values, expected);
        assert!(ids.places.len() <= ((most + 1) * 4).next_power_of_two().max(MIN_PLACES));
        assert!(ids.values.len() <= most);
    }

    #[test]
    fn answers_as_a_hash_map_for_any_ids() {
        // A band of counting ids with long-lived ones, ids that all share a
        // place, and a random mix.
        let seed = &mut 0x9e37_79b9_7f4a_7c15_u64;
        let mut band = Vec::new();
        for id in 1..20_000u64 {
            band.push((true, id));
            if id % 7 != 0 && id > 3 {
                band.push((false, id - 3)); // short-lived; every 7th lives on
            }
        }
        same_as_a_map(&band, seed);
        let shared: Vec<(bool, u64)> = (0..6_000).map(|i| (i % 3 != 2, (i % 500) << 32)).collect();
        same_as_a_map(&shared, seed);
        let mixed: Vec<(bool, u64)> = (0..20_000)
            .map(|_| {
                (
                    random(seed, 3) != 0,
                    random(seed, 3_000) | random(seed, 2) << 63,
                )
            })
            .collect();
        same_as_a_map(&mixed, seed);
    }

    #[test]
    fn answers_as_a_hash_map_for_any_packets() {
        // Packets counting up on three lanes, each finished a few later, and a
        // random mix of lanes and numbers.
        let seed = &mut 0x2545_f491_4f6c_dd1d_u64;
        let mut lanes = Vec::new();
        for n in 0..9_000u64 {
            lanes.push((true, PacketRef::new(n % 3 + 1, n / 3)));
            if n >= 6 {
                lanes.push((false, PacketRef::new((n - 6) % 3 + 1, (n - 6) / 3)));
            }
        }
        same_as_a_map(&lanes, seed);
        let mixed: Vec<(bool, PacketRef)> = (0..20_000)
            .map(|_| {
                let p = PacketRef::new(random(seed, 5) << random(seed, 64), random(seed, 2_000));
                (random(seed, 3) != 0, p)
            })
            .collect();
        same_as_a_map(&mixed, seed);
    }
}
