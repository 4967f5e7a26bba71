//! The three windows of a run (startup, steady state, shutdown) and how events are
//! assigned to them although their boundaries are only known later.
//!
//! The stream is cut into *segments*: every presented packet (before shutdown) is a
//! segment of its own, and so is each stretch of events between two presents. Both
//! window boundaries fall on segment boundaries (steady state starts at a present;
//! shutdown starts just after the last present, or at the shutdown marker), so a
//! window is a contiguous range of segments. Aggregates are kept per segment while a
//! segment's window is still undecided and folded into their window as soon as it is
//! decided ([`Segmented`]): at most the segments of the current run of clean
//! presents plus the tail after the last present are ever pending, so memory never
//! depends on the length of the stream. This module must never look at events
//! itself: the analyzer tells it about presents and markers.

use std::collections::VecDeque;

/// One of the three windows every event falls in.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::Window;
///
/// assert_eq!(Window::from_name("steady"), Some(Window::Steady));
/// assert_eq!(Window::Shutdown.name(), "shutdown");
/// assert_eq!(Window::from_name("teardown"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Window {
    /// From the first event to the first present of the first stable present window.
    Startup,
    /// Between startup and shutdown.
    Steady,
    /// From the shutdown marker, or from just after the last present, to the end.
    Shutdown,
}

impl Window {
    /// The three windows, in order.
    pub const ALL: [Window; 3] = [Window::Startup, Window::Steady, Window::Shutdown];

    /// The window's name as reports and the CLI spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Window::Startup => "startup",
            Window::Steady => "steady",
            Window::Shutdown => "shutdown",
        }
    }

    /// The window named `name` (`startup`, `steady` or `shutdown`), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.name() == name)
    }

    /// Its position in [`Window::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// Where the window boundaries stand: which segments are decided, and how.
#[derive(Clone, Debug, Default)]
pub(crate) struct Boundaries {
    /// The current segment.
    pub(crate) seg: u64,
    /// Clean presents in the current run (before stability).
    streak: u32,
    streak_start: Option<Mark>,
    /// The first present of the first stable present window.
    pub(crate) stable: Option<Mark>,
    /// The last present before shutdown.
    pub(crate) last_present: Option<Mark>,
    /// The shutdown marker.
    pub(crate) shutdown: Option<Mark>,
    /// The stream's last event so far is the clean-end marker.
    pub(crate) clean_end: bool,
    /// Packet stages after the last present, completions aside: work queued,
    /// submitted, dropped or failing after the last frame.
    pub(crate) tail_packets: u64,
    /// Non-transient recreates and replacements after the last present.
    pub(crate) tail_recreates: u64,
}

/// A boundary event: its segment, sequence number and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) seg: u64,
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
}

impl Boundaries {
    /// A present begins: it gets a segment of its own (before shutdown).
    pub(crate) fn begin_present(&mut self) {
        if self.shutdown.is_none() {
            self.seg += 1;
        }
    }

    /// The present at `seq`/`time_ns` was clean or not (`k` = K); returns `true`
    /// when it completes the first stable present window.
    pub(crate) fn on_present(&mut self, clean: bool, seq: u64, time_ns: u64, k: u32) -> bool {
        if self.shutdown.is_some() {
            return false;
        }
        let mark = Mark {
            seg: self.seg,
            seq,
            time_ns,
        };
        self.last_present = Some(mark);
        self.tail_packets = 0;
        self.tail_recreates = 0;
        if self.stable.is_some() {
            return false;
        }
        if !clean {
            self.streak = 0;
            self.streak_start = None;
            return false;
        }
        if self.streak == 0 {
            self.streak_start = Some(mark);
        }
        self.streak += 1;
        if self.streak >= k {
            self.stable = self.streak_start;
            return true;
        }
        false
    }

    /// The sequence number of the first present of the open run of clean presents
    /// that may yet become the first stable window: events from it on are startup
    /// or steady state depending on presents still to come. `None` once startup
    /// ended, after shutdown began, or with no such run open.
    pub(crate) fn undecided_from(&self) -> Option<u64> {
        if self.stable.is_some() || self.shutdown.is_some() {
            return None;
        }
        self.streak_start.map(|m| m.seq)
    }

    /// A present ended: what follows starts a new segment (before shutdown).
    pub(crate) fn end_present(&mut self) {
        if self.shutdown.is_none() {
            self.seg += 1;
        }
    }

    /// The shutdown marker: it and everything after it are shutdown. Only the first counts.
    pub(crate) fn on_shutdown(&mut self, seq: u64, time_ns: u64) {
        if self.shutdown.is_some() {
            return;
        }
        self.seg += 1;
        self.shutdown = Some(Mark {
            seg: self.seg,
            seq,
            time_ns,
        });
    }

    /// The window of segment `seg` if it can no longer change, else `None`.
    pub(crate) fn final_window(&self, seg: u64) -> Option<Window> {
        if let Some(shutdown) = self.shutdown {
            return Some(if seg >= shutdown.seg {
                Window::Shutdown
            } else {
                self.before_shutdown(seg)
            });
        }
        let last = self.last_present?.seg;
        if seg > last {
            return None; // the tail: shutdown unless another present comes
        }
        if self.stable.is_none() && self.streak_start.is_some_and(|s| seg >= s.seg) {
            return None; // inside a run of clean presents that may yet become stable
        }
        Some(self.before_shutdown(seg))
    }

    /// Whether, the stream ending now, a shutdown is inferred from its tail: no
    /// marker, but the stream ended cleanly, something was presented, and after the
    /// last present no packet was queued, submitted, dropped or failed and nothing
    /// was recreated (DESIGN.md, "Shutdown window").
    pub(crate) fn infers_shutdown(&self) -> bool {
        self.shutdown.is_none()
            && self.last_present.is_some()
            && self.clean_end
            && self.tail_packets == 0
            && self.tail_recreates == 0
    }

    /// The window of segment `seg` if the stream ended now.
    pub(crate) fn window_now(&self, seg: u64) -> Window {
        if let Some(shutdown) = self.shutdown {
            if seg >= shutdown.seg {
                return Window::Shutdown;
            }
            return self.before_shutdown(seg);
        }
        match self.last_present {
            None => Window::Startup,
            Some(last) if seg > last.seg && self.infers_shutdown() => Window::Shutdown,
            Some(_) => self.before_shutdown(seg),
        }
    }

    fn before_shutdown(&self, seg: u64) -> Window {
        match self.stable {
            Some(stable) if seg >= stable.seg => Window::Steady,
            _ => Window::Startup,
        }
    }
}

/// A mergeable aggregate kept per segment until its window is decided.
pub(crate) trait Part: Clone {
    /// Adds `other` (a later stretch of the stream) into `self`.
    fn merge(&mut self, other: &Self);
    /// Empties `self` for reuse, keeping its allocations.
    fn reset(&mut self);
}

/// An aggregate split by window, with the undecided segments pending.
///
/// Each pending segment's aggregate lives in a slot of `slots` for as long as it
/// is pending and is updated there; folding it into its window frees the slot for
/// a later segment, allocations kept. No aggregate is ever moved, so an event costs
/// the same however large the aggregate is.
#[derive(Clone, Debug)]
pub(crate) struct Segmented<T> {
    committed: [T; 3],
    /// The pending segments, oldest first, and the slot holding each one's aggregate.
    pending: VecDeque<(u64, u32)>,
    slots: Vec<T>,
    /// Slots no pending segment holds, empty.
    free: Vec<u32>,
    /// The pending segment last given out and its slot: nearly every event falls
    /// in it. Forgotten when that segment settles.
    last: Option<(u64, u32)>,
    template: T,
}

impl<T: Part> Segmented<T> {
    /// Empty, with `template` (an empty aggregate) as the shape of new segments.
    pub(crate) fn new(template: T) -> Self {
        Self {
            committed: [template.clone(), template.clone(), template.clone()],
            pending: VecDeque::new(),
            slots: Vec::new(),
            free: Vec::new(),
            last: None,
            template,
        }
    }

    /// The aggregate for the current segment.
    #[inline]
    pub(crate) fn current(&mut self, b: &Boundaries) -> &mut T {
        let slot = match self.last {
            Some((seg, slot)) if seg == b.seg => slot,
            _ => {
                let slot = match self.pending.back() {
                    Some(&(seg, slot)) if seg == b.seg => slot,
                    _ => match self.open(b) {
                        Some(slot) => slot,
                        None => return &mut self.committed[self.window_of(b.seg, b)],
                    },
                };
                self.last = Some((b.seg, slot));
                slot
            }
        };
        &mut self.slots[slot as usize]
    }

    /// Settles what is decided, then gives a new current segment a slot, or
    /// `None` when its window is already decided.
    #[cold]
    fn open(&mut self, b: &Boundaries) -> Option<u32> {
        self.settle(b);
        if b.final_window(b.seg).is_some() {
            return None;
        }
        let slot = self.take_slot();
        self.pending.push_back((b.seg, slot));
        Some(slot)
    }

    /// The committed window of decided segment `seg`.
    #[inline]
    fn window_of(&self, seg: u64, b: &Boundaries) -> usize {
        b.final_window(seg).map_or(0, Window::index)
    }

    /// An empty slot.
    fn take_slot(&mut self) -> u32 {
        match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(self.template.clone());
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// The aggregate holding segment `seg` (now or earlier).
    pub(crate) fn at(&mut self, seg: u64, b: &Boundaries) -> &mut T {
        self.settle(b);
        if let Some(window) = b.final_window(seg) {
            return &mut self.committed[window.index()];
        }
        let slot = match self.pending.binary_search_by_key(&seg, |&(s, _)| s) {
            Ok(index) => self.pending[index].1,
            Err(index) => {
                let slot = self.take_slot();
                self.pending.insert(index, (seg, slot));
                slot
            }
        };
        &mut self.slots[slot as usize]
    }

    /// Folds every pending segment whose window is decided.
    pub(crate) fn settle(&mut self, b: &Boundaries) {
        while let Some(&(seg, slot)) = self.pending.front() {
            let Some(window) = b.final_window(seg) else {
                break;
            };
            self.pending.pop_front();
            if self.last.is_some_and(|(last, _)| last == seg) {
                self.last = None;
            }
            let part = &mut self.slots[slot as usize];
            self.committed[window.index()].merge(part);
            part.reset();
            self.free.push(slot);
        }
    }

    /// How many segments are pending.
    #[cfg(test)]
    pub(crate) fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// The three windows as if the stream ended now.
    pub(crate) fn view(&self, b: &Boundaries) -> [T; 3] {
        let mut out = self.committed.clone();
        for &(seg, slot) in &self.pending {
            out[b.window_now(seg).index()].merge(&self.slots[slot as usize]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Count(u64);

    impl Part for Count {
        fn merge(&mut self, other: &Self) {
            self.0 += other.0;
        }
        fn reset(&mut self) {
            self.0 = 0;
        }
    }

    /// Feeds a script: 'e' = event, 'c' = clean present, 'u' = unclean present,
    /// 'm' = shutdown marker, 'q' = a packet queued; the stream then ends cleanly.
    /// Returns the per-window event counts as if ended.
    fn run(script: &str, k: u32) -> [u64; 3] {
        run_ending(script, k, true)
    }

    fn run_ending(script: &str, k: u32, clean_end: bool) -> [u64; 3] {
        let mut b = Boundaries::default();
        let mut agg = Segmented::new(Count(0));
        for (seq, c) in script.chars().enumerate() {
            let seq = seq as u64;
            match c {
                'c' | 'u' => {
                    b.begin_present();
                    b.on_present(c == 'c', seq, seq, k);
                    agg.current(&b).0 += 1;
                    b.end_present();
                }
                'm' => {
                    b.on_shutdown(seq, seq);
                    agg.current(&b).0 += 1;
                }
                'q' => {
                    b.tail_packets += 1;
                    agg.current(&b).0 += 1;
                }
                _ => agg.current(&b).0 += 1,
            }
        }
        b.clean_end = clean_end;
        agg.view(&b).map(|c| c.0)
    }

    #[test]
    fn windows_partition_scripts() {
        // K = 3: "eeu" startup, then c c c stable: steady from the first c; tail "ee" shutdown.
        assert_eq!(run("eeucccee", 3), [3, 3, 2]);
        // K-1 clean presents never stabilise: startup up to the last present.
        assert_eq!(run("eeuccee", 3), [5, 0, 2]);
        // A broken run goes back to startup.
        assert_eq!(run("eecucccee", 3), [4, 3, 2]);
        // Marker: shutdown from the marker, even with presents after it.
        assert_eq!(run("eccceemcce", 3), [1, 5, 4]);
        // No present at all: everything is startup.
        assert_eq!(run("eeee", 3), [4, 0, 0]);
        // Marker before stability.
        assert_eq!(run("ecmcc", 3), [2, 0, 3]);
    }

    #[test]
    fn a_tail_is_teardown_only_after_a_clean_end_with_nothing_queued() {
        assert_eq!(run("euccceee", 3), [2, 3, 3], "clean end, quiet tail");
        assert_eq!(
            run_ending("euccceee", 3, false),
            [2, 6, 0],
            "cut or crashed: the tail stays steady state"
        );
        assert_eq!(
            run("euccceqe", 3),
            [2, 6, 0],
            "a packet queued after the last present"
        );
        assert_eq!(
            run("euceqe", 3),
            [6, 0, 0],
            "never stabilised: the tail stays startup"
        );
        assert_eq!(run_ending("euccceee", 3, false), run("euccceqe", 3));
    }

    #[test]
    fn settled_segments_do_not_pile_up() {
        let mut b = Boundaries::default();
        let mut agg = Segmented::new(Count(0));
        for seq in 0..10_000u64 {
            if seq % 10 == 0 {
                b.begin_present();
                b.on_present(true, seq, seq, 3);
                agg.current(&b).0 += 1;
                b.end_present();
            } else {
                agg.current(&b).0 += 1;
            }
        }
        assert!(agg.pending.len() <= 2, "pending: {}", agg.pending.len());
        b.clean_end = true;
        assert_eq!(agg.view(&b).map(|c| c.0), [0, 9_991, 9]);
    }
}
