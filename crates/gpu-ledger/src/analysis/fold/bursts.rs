//! Destroy bursts: destroys bucketed by time, keeping only the top buckets.
//!
//! Events arrive in (nearly) time order, so one bucket is open at a time; a bucket is
//! closed when the stream moves past it and enters a bounded top list. Memory is the
//! top list, never the number of buckets. Counts are exact when timestamps are
//! monotonic; a bucket revisited after it was evicted from the top list loses its
//! earlier count (documented, and deterministic either way).

use super::windows::Part;

/// The open bucket and the top closed buckets of one stretch of the stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bursts {
    open: Option<(u64, u64)>,
    top: Vec<(u64, u64)>,
    cap: usize,
}

impl Bursts {
    /// Empty, keeping at most `cap` closed buckets.
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            open: None,
            top: Vec::new(),
            cap,
        }
    }

    /// Counts `count` destroys in bucket `bucket`.
    #[inline]
    pub(crate) fn add(&mut self, bucket: u64, count: u64) {
        match &mut self.open {
            Some((b, c)) if *b == bucket => *c += count,
            open => {
                if let Some((b, c)) = open.replace((bucket, count)) {
                    self.close(b, c);
                }
            }
        }
    }

    fn close(&mut self, bucket: u64, count: u64) {
        if let Some(open) = self.open.as_mut().filter(|(b, _)| *b == bucket) {
            open.1 += count;
            return;
        }
        // One pass: the bucket if it is kept, else the smallest kept bucket (the
        // later one on ties), which the new one evicts if it beats it.
        let mut weakest: Option<usize> = None;
        for i in 0..self.top.len() {
            let (b, c) = self.top[i];
            if b == bucket {
                self.top[i].1 += count;
                return;
            }
            if weakest.is_none_or(|w| {
                let (wb, wc) = self.top[w];
                c < wc || (c == wc && b > wb)
            }) {
                weakest = Some(i);
            }
        }
        if self.top.len() < self.cap {
            self.top.push((bucket, count));
            return;
        }
        if let Some(i) = weakest {
            let (wb, wc) = self.top[i];
            if count > wc || (count == wc && bucket < wb) {
                self.top[i] = (bucket, count);
            }
        }
    }

    /// The top `n` buckets as `(bucket, count)`, most destroys first, earlier first on ties.
    pub(crate) fn top(&self, n: usize) -> Vec<(u64, u64)> {
        let mut all = self.clone();
        if let Some((b, c)) = all.open.take() {
            all.close(b, c);
        }
        all.top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        all.top.truncate(n);
        all.top
    }
}

impl Part for Bursts {
    fn merge(&mut self, other: &Self) {
        for &(b, c) in &other.top {
            self.close(b, c);
        }
        if let Some((b, c)) = other.open {
            self.add(b, c);
        }
    }

    fn reset(&mut self) {
        self.open = None;
        self.top.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_biggest_buckets() {
        let mut bursts = Bursts::new(2);
        for (bucket, n) in [(1, 3), (2, 1), (3, 5), (4, 2)] {
            for _ in 0..n {
                bursts.add(bucket, 1);
            }
        }
        assert_eq!(bursts.top(5), vec![(3, 5), (1, 3)]);
    }

    #[test]
    fn the_weakest_bucket_is_evicted_as_a_sort_would_choose_it() {
        // Against the plain rule: keep the cap biggest, earlier first on ties.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..200 {
            let mut bursts = Bursts::new(3);
            let mut closed: Vec<(u64, u64)> = Vec::new();
            for bucket in 0..12 {
                let count = random(4) + 1;
                bursts.add(bucket, count);
                closed.push((bucket, count));
            }
            let mut plain = closed.clone();
            plain.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            plain.truncate(3);
            // Buckets closed in order, each seen once: the top is exact.
            assert_eq!(bursts.top(3), plain, "{closed:?}");
        }
    }

    #[test]
    fn merging_split_buckets_adds_them() {
        let mut a = Bursts::new(3);
        a.add(1, 2);
        a.add(7, 1);
        let mut b = Bursts::new(3);
        b.add(7, 2);
        b.add(9, 1);
        a.merge(&b);
        assert_eq!(a.top(3), vec![(7, 3), (1, 2), (9, 1)]);
    }
}
