//! A fixed-capacity ring buffer: the per-lane rolling windows and recent-example lists.
//!
//! It allocates once, up to its capacity, and never again: pushing into a full ring
//! overwrites the oldest value. It must never grow past its capacity.

/// A ring of at most `capacity` values, oldest first when iterated.
#[derive(Clone, Debug)]
pub(crate) struct Ring<T> {
    items: Vec<T>,
    capacity: usize,
    next: usize,
}

impl<T> Ring<T> {
    /// An empty ring holding at most `capacity` values (0 keeps nothing).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            items: Vec::new(),
            capacity,
            next: 0,
        }
    }

    /// Appends `value`, overwriting the oldest value when full.
    pub(crate) fn push(&mut self, value: T) {
        if self.capacity == 0 {
            return;
        }
        if self.items.len() < self.capacity {
            self.items.push(value);
        } else {
            self.items[self.next] = value;
        }
        self.next = (self.next + 1) % self.capacity;
    }

    /// How many values it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it holds as many values as it can.
    pub(crate) fn is_full(&self) -> bool {
        self.capacity > 0 && self.items.len() == self.capacity
    }

    /// The oldest value, if any.
    pub(crate) fn oldest(&self) -> Option<&T> {
        if self.is_full() {
            self.items.get(self.next)
        } else {
            self.items.first()
        }
    }

    /// The values, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        let split = if self.is_full() { self.next } else { 0 };
        self.items[split..].iter().chain(self.items[..split].iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overwrites_oldest_and_iterates_in_order() {
        let mut ring = Ring::new(3);
        for v in 1..=5 {
            ring.push(v);
        }
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(ring.oldest(), Some(&3));
        assert_eq!(ring.len(), 3);
        let mut none: Ring<u8> = Ring::new(0);
        none.push(1);
        assert_eq!((none.len(), none.oldest()), (0, None));
    }
}
