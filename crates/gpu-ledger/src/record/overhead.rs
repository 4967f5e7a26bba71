//! [`OverheadReport`]: what recording costs on one machine, beside the bars of
//! DESIGN.md, as `gpu-ledger overhead` prints it.
//!
//! This module holds the document only (its fields, rounding and rendering); the
//! measuring lives with the command that runs it. It never measures, reads a
//! clock or prints.

use std::fmt::Write as _;

/// The value of [`OverheadReport::format`].
pub const OVERHEAD_FORMAT: &str = "gpu-ledger-overhead";

/// Recording an event, enabled, one thread: the bar, ns (median).
pub const ENABLED_BAR_NS: f64 = 50.0;
/// Recording an event, enabled, one thread: the bar, as a ratio to the fenced floor
/// ([`floor::fenced`](super::floor::fenced)).
pub const FENCED_FLOOR_BAR_RATIO: f64 = 1.15;
/// Two threads recording at once: the bar, as a ratio to one thread.
pub const TWO_THREADS_BAR_RATIO: f64 = 1.1;
/// A disabled call site: the bar, ns.
pub const DISABLED_BAR_NS: f64 = 0.6;
/// Binary trace size on a realistic mix: the bar, bytes per event.
pub const BYTES_BAR: f64 = 24.0;

/// Raw measurements, as the measuring code produced them (medians, ns).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OverheadMeasures {
    /// Median cost of one enabled record call, one thread recording.
    pub enabled_ns: f64,
    /// Median cost of the fenced floor ([`floor::fenced`](super::floor::fenced)),
    /// timed in rounds between the recorder's.
    pub fenced_floor_ns: f64,
    /// The same for the unfenced floor ([`floor::unfenced`](super::floor::unfenced)).
    pub unfenced_floor_ns: f64,
    /// The recorder over the fenced floor: the median of per-round ratios.
    pub fenced_floor_ratio: f64,
    /// The recorder over the unfenced floor: the median of per-round ratios.
    pub unfenced_floor_ratio: f64,
    /// The same with two threads recording at once.
    pub two_threads_ns: f64,
    /// Median cost of a disabled call site.
    pub disabled_ns: f64,
    /// Binary trace bytes per event on the synthetic mix.
    pub bytes_per_event: f64,
    /// Events of that mix.
    pub bytes_mix_events: u64,
    /// Events the recorder dropped while measuring (0 expected).
    pub lost_events: u64,
    /// Whether the recorder's clock is the invariant TSC (else `Instant`).
    pub tsc: bool,
    /// Timed rounds per measurement.
    pub rounds: usize,
    /// Events per round.
    pub round_events: u64,
    /// Size of one event record, bytes.
    pub event_record_bytes: usize,
}

/// What recording costs on this machine (`gpu-ledger overhead`'s document): the
/// measurements rounded to two decimals.
///
/// # Example
/// ```
/// use gpu_ledger::record::{OverheadMeasures, OverheadReport};
///
/// let report = OverheadReport::new(&OverheadMeasures {
///     enabled_ns: 19.456, fenced_floor_ns: 17.9, fenced_floor_ratio: 1.087,
///     two_threads_ns: 19.8, disabled_ns: 0.3, bytes_per_event: 6.96,
///     rounds: 301, round_events: 4096, ..OverheadMeasures::default()
/// });
/// assert_eq!(report.enabled_ns_per_event, 19.46);
/// assert_eq!(report.fenced_floor_ratio, 1.09);
/// assert_eq!(report.two_threads_ratio, 1.02);
/// assert!(report.render_text().contains("one thread <= 1.15x it (is 1.09x)"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct OverheadReport {
    /// Always `"gpu-ledger-overhead"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Median ns per enabled record call, one thread (bar: [`ENABLED_BAR_NS`]).
    pub enabled_ns_per_event: f64,
    /// Median ns per call of the fenced floor: `lfence; rdtsc` and a store.
    pub fenced_floor_ns_per_event: f64,
    /// Median ns per call of the unfenced floor: a bare `rdtsc` and a store.
    pub unfenced_floor_ns_per_event: f64,
    /// The recorder over the fenced floor, median of per-round ratios (bar:
    /// [`FENCED_FLOOR_BAR_RATIO`]).
    pub fenced_floor_ratio: f64,
    /// The recorder over the unfenced floor, median of per-round ratios (no bar:
    /// the recorder needs the fence, DESIGN.md says why).
    pub unfenced_floor_ratio: f64,
    /// Median ns per call with two threads recording at once.
    pub two_threads_ns_per_event: f64,
    /// Two threads over one (bar: [`TWO_THREADS_BAR_RATIO`]).
    pub two_threads_ratio: f64,
    /// Median ns per disabled call site (bar: [`DISABLED_BAR_NS`]).
    pub disabled_ns_per_call: f64,
    /// Binary trace bytes per event on the synthetic mix (bar: [`BYTES_BAR`]).
    pub bytes_per_event: f64,
    /// Events of that mix.
    pub bytes_mix_events: u64,
    /// Events dropped while measuring.
    pub lost_events: u64,
    /// The recorder's clock: `tsc` or `instant`.
    pub clock: String,
    /// Timed rounds per measurement.
    pub rounds: usize,
    /// Events per round.
    pub round_events: u64,
    /// Size of one event record, bytes.
    pub event_record_bytes: usize,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl OverheadReport {
    /// The document of `m`.
    pub fn new(m: &OverheadMeasures) -> Self {
        Self {
            format: OVERHEAD_FORMAT.to_owned(),
            version: 1,
            enabled_ns_per_event: round2(m.enabled_ns),
            fenced_floor_ns_per_event: round2(m.fenced_floor_ns),
            unfenced_floor_ns_per_event: round2(m.unfenced_floor_ns),
            fenced_floor_ratio: round2(m.fenced_floor_ratio),
            unfenced_floor_ratio: round2(m.unfenced_floor_ratio),
            two_threads_ns_per_event: round2(m.two_threads_ns),
            two_threads_ratio: round2(m.two_threads_ns / m.enabled_ns),
            disabled_ns_per_call: round2(m.disabled_ns),
            bytes_per_event: round2(m.bytes_per_event),
            bytes_mix_events: m.bytes_mix_events,
            lost_events: m.lost_events,
            clock: if m.tsc { "tsc" } else { "instant" }.to_owned(),
            rounds: m.rounds,
            round_events: m.round_events,
            event_record_bytes: m.event_record_bytes,
        }
    }

    /// A table of the measurements, each beside its bar and whether it is met.
    pub fn render_text(&self) -> String {
        let verdict = |ok: bool, bar: &str| format!("{} {bar}", if ok { "ok  " } else { "OVER" });
        let mut out = String::new();
        let _ = writeln!(
            out,
            "gpu-ledger recording overhead on this machine (median of {} rounds of {} events; clock: {})",
            self.rounds, self.round_events, self.clock
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "  {:<34} {:>10}  bar", "measure", "value");
        let ratio = self.two_threads_ratio;
        let rows = [
            (
                "enabled, one thread",
                format!("{:.1} ns", self.enabled_ns_per_event),
                verdict(
                    self.enabled_ns_per_event <= ENABLED_BAR_NS,
                    &format!("<= {ENABLED_BAR_NS} ns"),
                ),
            ),
            (
                "floor: lfence; rdtsc + store",
                format!("{:.1} ns", self.fenced_floor_ns_per_event),
                verdict(
                    self.fenced_floor_ratio <= FENCED_FLOOR_BAR_RATIO,
                    &format!(
                        "one thread <= {FENCED_FLOOR_BAR_RATIO}x it (is {:.2}x)",
                        self.fenced_floor_ratio
                    ),
                ),
            ),
            (
                "floor: rdtsc + store (no fence)",
                format!("{:.1} ns", self.unfenced_floor_ns_per_event),
                format!(
                    "one thread is {:.2}x it (the recorder needs the fence)",
                    self.unfenced_floor_ratio
                ),
            ),
            (
                "enabled, two threads at once",
                format!("{:.1} ns", self.two_threads_ns_per_event),
                verdict(
                    ratio <= TWO_THREADS_BAR_RATIO,
                    &format!("<= {TWO_THREADS_BAR_RATIO}x one thread (is {ratio:.2}x)"),
                ),
            ),
            (
                "disabled call site",
                format!("{:.2} ns", self.disabled_ns_per_call),
                verdict(
                    self.disabled_ns_per_call <= DISABLED_BAR_NS,
                    &format!("<= {DISABLED_BAR_NS} ns"),
                ),
            ),
            (
                "binary trace size",
                format!("{:.1} B", self.bytes_per_event),
                verdict(
                    self.bytes_per_event <= BYTES_BAR,
                    &format!(
                        "<= {BYTES_BAR} B/event ({} events of the synth mix)",
                        self.bytes_mix_events
                    ),
                ),
            ),
            (
                "events lost",
                self.lost_events.to_string(),
                String::from("0 expected"),
            ),
        ];
        for (what, value, bar) in rows {
            let _ = writeln!(out, "  {what:<34} {value:>10}  {bar}");
        }
        out
    }
}
