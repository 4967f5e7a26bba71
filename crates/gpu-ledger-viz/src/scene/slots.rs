//! [`Slots`]: the fewest tracks that hold overlapping spans without overlap, and
//! [`Recent`], the packets that already ended.
//!
//! A timeline track can only hold slices that nest; a lane's packets (queued while
//! the previous one is still presenting) and an owner's resources (a swapchain's
//! images, a context's two targets) overlap. Spans arrive in start order, so
//! giving each the lowest free slot is the greedy interval partition: it uses
//! exactly as many slots as spans are ever open at once, which bounds the tracks by
//! the most resources an owner holds at once, never by the length of the run.

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;

/// Slot occupancy of one row of tracks.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slots {
    /// `None` while a span holds the slot, else when its last span ended.
    slots: Vec<Option<u64>>,
}

impl Slots {
    /// The lowest slot free for a span starting at `start_ns`, taken; and whether
    /// it is a slot never used before (its track must be declared).
    ///
    /// A slot is free once its last span ended strictly before `start_ns`: a span
    /// ending and another starting at the same nanosecond on one track would make
    /// their order a matter of sorting.
    pub(crate) fn take(&mut self, start_ns: u64) -> (u32, bool) {
        let free = self
            .slots
            .iter()
            .position(|s| s.is_some_and(|end| end < start_ns));
        match free {
            Some(slot) => {
                self.slots[slot] = None;
                (slot as u32, false)
            }
            None => {
                self.slots.push(None);
                ((self.slots.len() - 1) as u32, true)
            }
        }
    }

    /// Slot `slot`'s span ended at `end_ns`.
    pub(crate) fn release(&mut self, slot: u32, end_ns: u64) {
        if let Some(s) = self.slots.get_mut(slot as usize) {
            *s = Some(end_ns);
        }
    }

    /// Slots ever used.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }
}

/// The last `capacity` keys inserted.
#[derive(Clone, Debug)]
pub(crate) struct Recent<K> {
    set: HashSet<K>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Copy + Eq + Hash> Recent<K> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            set: HashSet::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    pub(crate) fn insert(&mut self, key: K) {
        if self.set.insert(key) {
            self.order.push_back(key);
            if self.order.len() > self.capacity
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
        }
    }

    pub(crate) fn contains(&self, key: &K) -> bool {
        self.set.contains(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_take_as_many_slots_as_are_open_at_once() {
        let mut slots = Slots::default();
        assert_eq!(slots.take(0), (0, true));
        assert_eq!(slots.take(5), (1, true));
        slots.release(0, 10);
        // Ends at 10, so a span starting at 10 may not share its track.
        assert_eq!(slots.take(10), (2, true));
        assert_eq!(slots.take(11), (0, false));
        assert_eq!(slots.len(), 3);
    }

    #[test]
    fn recent_forgets_the_oldest() {
        let mut recent = Recent::new(2);
        for k in [1, 2, 2, 3] {
            recent.insert(k);
        }
        assert!(!recent.contains(&1) && recent.contains(&2) && recent.contains(&3));
    }
}
