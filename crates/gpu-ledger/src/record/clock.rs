//! Clocks for the recorder: the fast monotonic default and substitutes for tests.
//!
//! The hot path reads raw ticks; converting them to nanoseconds happens on the
//! drain thread, so a clock is a pair of "read ticks" and "ticks to nanoseconds".
//! A clock must be monotonic across threads: the recorder's total order relies on
//! a reading taken after another (in real time) never being smaller.
//!
//! This is the one module of the crate that needs `unsafe`: reading the
//! time-stamp counter and asking the CPU whether that counter is invariant.

use std::sync::OnceLock;
use std::time::Instant;

/// Where a [`Clock`]'s ticks come from.
#[derive(Clone, Copy, Debug)]
enum Source {
    /// The CPU's invariant time-stamp counter, scaled by a once-per-process calibration.
    Tsc,
    /// `std::time::Instant`, as nanoseconds since a process-wide base.
    Instant,
    /// A function that returns nanoseconds: for tests and hosts with their own clock.
    Fn(fn() -> u64),
}

/// A monotonic clock the recorder reads once per event.
///
/// [`Clock::monotonic`] is the default: the invariant TSC where the CPU has one
/// (`lfence; rdtsc`, about 15 ns a read on the reference machine, against about
/// 21 ns for `Instant::now()`), `Instant` elsewhere. Tests substitute a deterministic clock
/// with [`Clock::from_fn`].
///
/// # Example
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use gpu_ledger::record::Clock;
///
/// static NOW: AtomicU64 = AtomicU64::new(0);
/// let clock = Clock::from_fn(|| NOW.fetch_add(10, Ordering::Relaxed));
/// assert_eq!(clock.ticks_to_ns(clock.now_ticks(), 0), 0);
/// assert_eq!(clock.ticks_to_ns(clock.now_ticks(), 0), 10);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    source: Source,
    /// Nanoseconds per tick in 32.32 fixed point.
    ns_per_tick_q32: u64,
}

impl Clock {
    /// The fastest monotonic clock on this machine: the invariant TSC on x86-64
    /// CPUs that have one, `Instant` otherwise.
    ///
    /// The first call in a process calibrates the TSC against `Instant` (about 5 ms).
    pub fn monotonic() -> Self {
        match tsc::ns_per_tick_q32() {
            Some(ns_per_tick_q32) => Self {
                source: Source::Tsc,
                ns_per_tick_q32,
            },
            None => Self::instant(),
        }
    }

    /// `std::time::Instant`, whatever the CPU.
    pub fn instant() -> Self {
        instant_base();
        Self {
            source: Source::Instant,
            ns_per_tick_q32: 1 << 32,
        }
    }

    /// A clock that calls `now_ns` and takes its result as nanoseconds.
    ///
    /// `now_ns` must never go backwards, across threads too.
    pub const fn from_fn(now_ns: fn() -> u64) -> Self {
        Self {
            source: Source::Fn(now_ns),
            ns_per_tick_q32: 1 << 32,
        }
    }

    /// Whether this clock reads the CPU's time-stamp counter.
    pub fn is_tsc(&self) -> bool {
        matches!(self.source, Source::Tsc)
    }

    /// Reads the clock, in ticks.
    #[inline]
    pub fn now_ticks(&self) -> u64 {
        match self.source {
            Source::Tsc => tsc::read(),
            _ => self.now_ticks_not_tsc(),
        }
    }

    // Out of line: the recorder's hot path keeps only the TSC read inline.
    #[inline(never)]
    fn now_ticks_not_tsc(&self) -> u64 {
        match self.source {
            Source::Tsc => tsc::read(),
            Source::Instant => instant_base().elapsed().as_nanos() as u64,
            Source::Fn(now_ns) => now_ns(),
        }
    }

    /// Reads the clock with no ordering against earlier loads (a bare `rdtsc` on
    /// the TSC): only the unfenced floor uses it, to show what the fence costs.
    #[inline]
    pub(crate) fn now_ticks_unordered(&self) -> u64 {
        match self.source {
            Source::Tsc => tsc::read_unordered(),
            _ => self.now_ticks(),
        }
    }

    /// Reads the clock before any later load: where a reading must bound what
    /// is read from memory after it (the drain's horizon).
    pub(crate) fn now_ticks_before_loads(&self) -> u64 {
        match self.source {
            Source::Tsc => tsc::read_before_loads(),
            // `Instant` is an ordered read (the kernel's clock fences the counter);
            // a function clock is ordered by whatever synchronises its callers.
            _ => self.now_ticks(),
        }
    }

    /// Nanoseconds from `start_ticks` to `ticks` (0 if `ticks` is earlier).
    pub fn ticks_to_ns(&self, ticks: u64, start_ticks: u64) -> u64 {
        let elapsed = ticks.saturating_sub(start_ticks) as u128;
        ((elapsed * self.ns_per_tick_q32 as u128) >> 32) as u64
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::monotonic()
    }
}

/// Reads the TSC as [`Clock::now_ticks`] does for a TSC clock (`lfence; rdtsc`):
/// an instruction, never host code.
#[inline(always)]
pub(crate) fn read_tsc() -> u64 {
    tsc::read()
}

fn instant_base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod tsc {
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    /// Reads the counter once every earlier load has completed (`lfence; rdtsc`).
    ///
    /// A plain `rdtsc` may execute before the loads that precede it, so a thread
    /// that has just seen another thread's resource could stamp its event earlier
    /// than the event the other thread stamped before handing the resource over.
    #[inline]
    pub(super) fn read() -> u64 {
        // SAFETY: `lfence` and `rdtsc` have no preconditions on x86-64 (SSE2 is
        // part of the baseline); they only order loads and read a counter.
        unsafe {
            core::arch::x86_64::_mm_lfence();
            core::arch::x86_64::_rdtsc()
        }
    }

    /// A bare `rdtsc`: not ordered after earlier loads, so not a recorder clock.
    #[inline]
    pub(super) fn read_unordered() -> u64 {
        // SAFETY: `rdtsc` has no preconditions on x86-64; it only reads a counter.
        unsafe { core::arch::x86_64::_rdtsc() }
    }

    /// Like [`read`], and no later load starts before the counter is read: the
    /// drain's horizon must be read before it looks at any ring.
    pub(super) fn read_before_loads() -> u64 {
        let ticks = read();
        // SAFETY: as above.
        unsafe { core::arch::x86_64::_mm_lfence() };
        ticks
    }

    fn is_invariant() -> bool {
        // Leaf 0x8000_0007 (EDX bit 8: invariant TSC) is only read after leaf
        // 0x8000_0000 says it exists.
        let max_extended = core::arch::x86_64::__cpuid(0x8000_0000).eax;
        max_extended >= 0x8000_0007 && core::arch::x86_64::__cpuid(0x8000_0007).edx & (1 << 8) != 0
    }

    /// Calibrates once per process; `None` where the TSC is not invariant.
    pub(super) fn ns_per_tick_q32() -> Option<u64> {
        static CALIBRATION: OnceLock<Option<u64>> = OnceLock::new();
        *CALIBRATION.get_or_init(|| {
            if !is_invariant() {
                return None;
            }
            let (i0, t0) = (Instant::now(), read());
            // Spin rather than sleep: a sleeping thread may wake late on a busy machine,
            // which is fine, but spinning keeps both readings close to their pair.
            while i0.elapsed() < Duration::from_millis(5) {
                std::hint::spin_loop();
            }
            let (t1, i1) = (read(), Instant::now());
            let ticks = t1.checked_sub(t0).filter(|&t| t > 0)?;
            let ns = (i1 - i0).as_nanos();
            Some(((ns << 32) / ticks as u128) as u64)
        })
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod tsc {
    pub(super) fn read() -> u64 {
        0
    }
    pub(super) fn read_unordered() -> u64 {
        0
    }
    pub(super) fn read_before_loads() -> u64 {
        0
    }
    pub(super) fn ns_per_tick_q32() -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_clock_tracks_instant_within_a_percent() {
        let clock = Clock::monotonic();
        let (t0, i0) = (clock.now_ticks(), Instant::now());
        std::thread::sleep(std::time::Duration::from_millis(20));
        let (t1, i1) = (clock.now_ticks(), Instant::now());
        let measured = clock.ticks_to_ns(t1, t0) as f64;
        let expected = (i1 - i0).as_nanos() as f64;
        let error = (measured - expected).abs() / expected;
        assert!(error < 0.01, "clock off by {:.3}%", error * 100.0);
    }

    #[test]
    fn ticks_before_start_read_as_zero() {
        let clock = Clock::from_fn(|| 5);
        assert_eq!(clock.ticks_to_ns(3, 10), 0);
        assert_eq!(clock.ticks_to_ns(15, 10), 5);
    }
}
