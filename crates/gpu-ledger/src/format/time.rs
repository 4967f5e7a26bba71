//! Time that jumps: telling a wild timestamp, a backward step and a clock reset
//! apart, so that one bad stamp never wrecks every other figure.
//!
//! Readers of untrusted inputs (JSON Lines traces, imported logs) see each
//! timestamp with its neighbours: the last one they accepted and the next one in
//! the input. [`judge`] decides from those three values alone, so a reader needs a
//! look-ahead of one timestamp; [`TimeLine`] then turns each judged raw value into
//! the stream time the reader hands on, which never runs backwards, and records
//! what it corrected in a [`TimeReport`] with line numbers.
//!
//! The rules, with *tolerance* the backward step a reader accepts silently (lines
//! printed by several threads interleave) and *jump* the largest believable gap:
//!
//! | the value | judged | stream time |
//! |---|---|---|
//! | the first, more than *jump* away from the next | outlier | the next value's |
//! | ahead of the last accepted one, and the next comes back nearer to that one than to it | outlier | unchanged |
//! | the last, more than *jump* after the one before | outlier | unchanged |
//! | behind the last accepted one by more than *tolerance*, and the next is back near that one | outlier | unchanged |
//! | behind by more than *tolerance*, and the next is behind too | clock reset | continues from here: later values are shifted by the step |
//! | behind by more than *tolerance*, and nothing follows | backward step | clamped to the last |
//! | behind by at most *tolerance* | reordered (counted, not an anomaly) | clamped to the last |
//! | more than *jump* after the last, and the next follows it | jump (reported, kept) | its own |
//!
//! Nothing here reads input or allocates per value; messages are formatted only
//! for the first [`TimeReport::MAX_REPORTED`] anomalies.

use std::fmt;

/// The parameters of [`judge`], in the input's own time unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimeRules {
    /// A backward step up to this size is reordering, not an anomaly.
    pub(crate) tolerance: u64,
    /// A forward gap beyond this is implausible at the ends of an input, and reported elsewhere.
    pub(crate) jump: u64,
    /// The unit's name in messages (`ms`, `ns`).
    pub(crate) unit: &'static str,
}

impl TimeRules {
    /// JSON Lines traces: nanoseconds from one clock, written in order, so any
    /// backward step is an anomaly and no forward gap is: a trace whose time never
    /// runs backwards reads back exactly, as its binary twin does.
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) const TRACE_NS: TimeRules = TimeRules {
        tolerance: 0,
        jump: u64::MAX,
        unit: "ns",
    };

    /// Renderer logs: milliseconds printed by several threads, which interleave by a few ms.
    pub(crate) const LOG_MS: TimeRules = TimeRules {
        tolerance: 1_000,
        jump: 24 * 3600 * 1_000,
        unit: "ms",
    };
}

/// What a timestamp is, judged against its neighbours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Judgement {
    /// In line (possibly a little behind, or after a believable gap).
    Accept,
    /// Out of line with both neighbours: ignored.
    Outlier,
    /// A step back that the next value confirms: the clock was reset.
    Reset,
}

/// Judges `cur` from the last accepted raw value `prev` and the next raw value `next`.
pub(crate) fn judge(rules: TimeRules, prev: Option<u64>, cur: u64, next: Option<u64>) -> Judgement {
    let tol = rules.tolerance;
    let Some(p) = prev else {
        return match next {
            // Alone, a first stamp is blamed only for an implausible gap: a
            // smaller one is the rest's step back or gap, judged from there.
            Some(n) if n.abs_diff(cur) > rules.jump => Judgement::Outlier,
            _ => Judgement::Accept,
        };
    };
    if cur >= p {
        return match next {
            // The next comes back, nearer to `p` than to `cur`: `cur` is a spike.
            Some(n)
                if n.saturating_add(tol) < cur
                    && n.saturating_add(tol) >= p
                    && cur - n > n.abs_diff(p) =>
            {
                Judgement::Outlier
            }
            None if cur - p > rules.jump => Judgement::Outlier,
            _ => Judgement::Accept,
        };
    }
    if p - cur <= tol {
        return Judgement::Accept;
    }
    match next {
        Some(n) if n.saturating_add(tol) >= p && n.saturating_sub(cur) > n.abs_diff(p) => {
            Judgement::Outlier
        }
        Some(n) if n.saturating_add(tol) < p => Judgement::Reset,
        _ => Judgement::Accept,
    }
}

/// What kind of time anomaly a reader found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeAnomalyKind {
    /// A stamp out of line with both neighbours (a wild value): it was ignored
    /// and its line took the time of the line before it.
    Outlier,
    /// A stamp behind the one before it by more than the input's tolerance,
    /// with nothing after it to say more: it was placed at the time before it.
    Backward,
    /// Time went back and continued from there (a clock reset, concatenated
    /// inputs): later stamps were shifted forward by the step so that durations
    /// after it stay right and time never runs backwards.
    Reset,
    /// Time jumped forward by more than a day and stayed there: kept as it is,
    /// but every duration across it includes the gap.
    Jump,
}

impl TimeAnomalyKind {
    /// The kind's name in reports.
    pub const fn name(self) -> &'static str {
        match self {
            TimeAnomalyKind::Outlier => "time-outlier",
            TimeAnomalyKind::Backward => "time-backward",
            TimeAnomalyKind::Reset => "time-reset",
            TimeAnomalyKind::Jump => "time-jump",
        }
    }
}

/// One time anomaly: where, what, and what the reader did about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeAnomaly {
    /// The 1-based line of the input.
    pub line: u64,
    /// What kind of anomaly.
    pub kind: TimeAnomalyKind,
    /// One sentence: the values and what was done.
    pub message: String,
}

impl fmt::Display for TimeAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The time anomalies a reader found and corrected, counted by kind, with the
/// first [`Self::MAX_REPORTED`] in detail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeReport {
    /// Wild stamps ignored.
    pub outliers: u64,
    /// Backward steps beyond the tolerance, clamped.
    pub backward: u64,
    /// Clock resets, continued with a shift.
    pub resets: u64,
    /// Forward jumps of more than a day, kept.
    pub jumps: u64,
    /// Backward steps within the tolerance (interleaved lines), clamped: not anomalies.
    pub reordered: u64,
    /// The first anomalies, in input order.
    pub examples: Vec<TimeAnomaly>,
}

impl TimeReport {
    /// How many anomalies are kept in detail.
    pub const MAX_REPORTED: usize = 16;

    /// All anomalies (reordered lines are not anomalies).
    pub fn anomalies(&self) -> u64 {
        self.outliers + self.backward + self.resets + self.jumps
    }

    fn add(&mut self, line: u64, kind: TimeAnomalyKind, message: impl FnOnce() -> String) {
        let count = match kind {
            TimeAnomalyKind::Outlier => &mut self.outliers,
            TimeAnomalyKind::Backward => &mut self.backward,
            TimeAnomalyKind::Reset => &mut self.resets,
            TimeAnomalyKind::Jump => &mut self.jumps,
        };
        *count += 1;
        if self.examples.len() < Self::MAX_REPORTED {
            self.examples.push(TimeAnomaly {
                line,
                kind,
                message: message(),
            });
        }
    }
}

impl fmt::Display for TimeReport {
    /// One clause: the counts by kind, then the first anomaly.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} time anomalies (", self.anomalies())?;
        let mut first = true;
        for (n, what) in [
            (self.outliers, "wild stamps ignored"),
            (self.backward, "backward steps clamped"),
            (self.resets, "clock resets shifted"),
            (self.jumps, "jumps of more than a day kept"),
        ] {
            if n > 0 {
                write!(f, "{}{n} {what}", if first { "" } else { ", " })?;
                first = false;
            }
        }
        write!(f, ")")?;
        if let Some(e) = self.examples.first() {
            write!(f, ", first {e}")?;
        }
        Ok(())
    }
}

/// The stream clock of a reader: raw stamps in, judged, out as a time that never
/// runs backwards, with what was corrected recorded in [`Self::report`].
#[derive(Clone, Debug)]
pub(crate) struct TimeLine {
    rules: TimeRules,
    /// The last accepted raw stamp.
    prev: Option<u64>,
    /// Added to raw stamps after a reset.
    offset: u64,
    /// The last time handed out.
    now: Option<u64>,
    pub(crate) report: TimeReport,
}

impl TimeLine {
    pub(crate) fn new(rules: TimeRules) -> Self {
        Self {
            rules,
            prev: None,
            offset: 0,
            now: None,
            report: TimeReport::default(),
        }
    }

    /// Judges `raw` (on `line`) against its neighbours: its time, and the judgement.
    pub(crate) fn push(&mut self, line: u64, raw: u64, next: Option<u64>) -> (u64, Judgement) {
        let judgement = judge(self.rules, self.prev, raw, next);
        (self.apply(line, raw, judgement, next), judgement)
    }

    /// Returns the time of `raw` (on `line`), judged `judgement` by [`judge`]
    /// (`next`: the next raw stamp, used when the first stamp is an outlier).
    pub(crate) fn apply(
        &mut self,
        line: u64,
        raw: u64,
        judgement: Judgement,
        next: Option<u64>,
    ) -> u64 {
        let unit = self.rules.unit;
        let time = match judgement {
            Judgement::Outlier => {
                let prev = self.prev;
                self.report.add(line, TimeAnomalyKind::Outlier, || match prev {
                    Some(p) => format!(
                        "stamp {raw} is out of line with the stamps around it ({p} before it): ignored, the line keeps the time before it"
                    ),
                    None => format!(
                        "first stamp {raw} is out of line with the stamps after it ({} next): ignored",
                        next.unwrap_or(raw)
                    ),
                });
                return match self.now {
                    Some(now) => now,
                    None => {
                        let time = next.unwrap_or(raw).saturating_add(self.offset);
                        self.now = Some(time);
                        time
                    }
                };
            }
            Judgement::Reset => {
                let now = self.now.unwrap_or(raw);
                let step = self.prev.map_or(0, |p| p - raw);
                self.report.add(line, TimeAnomalyKind::Reset, || {
                    format!(
                        "time went back {step} {unit} (to {raw}) and continued from there: later stamps are shifted {step} {unit} forward"
                    )
                });
                self.offset = now.saturating_sub(raw);
                raw.saturating_add(self.offset)
            }
            Judgement::Accept => {
                let time = raw.saturating_add(self.offset);
                match (self.prev, self.now) {
                    (Some(p), Some(now)) if time < now => {
                        if p.saturating_sub(raw) > self.rules.tolerance {
                            self.report.add(line, TimeAnomalyKind::Backward, || {
                                format!(
                                    "stamp {raw} is {} {unit} before the one above it ({p}): placed at that time",
                                    p - raw
                                )
                            });
                        } else {
                            self.report.reordered += 1;
                        }
                    }
                    (Some(p), _) if raw.saturating_sub(p) > self.rules.jump => {
                        self.report.add(line, TimeAnomalyKind::Jump, || {
                            format!(
                                "time jumps forward {} {unit} (from {p} to {raw}) and stays there: kept",
                                raw - p
                            )
                        });
                    }
                    _ => {}
                }
                time
            }
        };
        self.prev = Some(raw);
        let time = self.now.map_or(time, |now| now.max(time));
        self.now = Some(time);
        time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: TimeRules = TimeRules::LOG_MS;

    /// Judges a whole sequence with a look-ahead of one; the times handed out.
    fn run(raw: &[u64]) -> (Vec<u64>, TimeReport) {
        let mut line = TimeLine::new(R);
        let times = raw
            .iter()
            .enumerate()
            .map(|(i, &t)| line.push(i as u64 + 1, t, raw.get(i + 1).copied()).0)
            .collect();
        (times, line.report)
    }

    #[test]
    fn a_wild_stamp_mid_stream_is_ignored() {
        let (times, report) = run(&[1000, 1001, 99_999_999_999_999, 1100, 1101]);
        assert_eq!(times, [1000, 1001, 1001, 1100, 1101]);
        assert_eq!((report.outliers, report.anomalies()), (1, 1));
        assert_eq!(report.examples[0].line, 3);
    }

    #[test]
    fn a_wild_first_stamp_is_ignored_either_way() {
        let (times, report) = run(&[99_999_999_999_999, 1000, 1001]);
        assert_eq!(times, [1000, 1000, 1001]);
        assert_eq!(report.outliers, 1);
        let (times, report) = run(&[0, 1_772_257_475_000, 1_772_257_475_001]);
        assert_eq!(times[1..], [1_772_257_475_000, 1_772_257_475_001]);
        assert_eq!(times[0], 1_772_257_475_000);
        assert_eq!(report.outliers, 1);
    }

    #[test]
    fn a_wild_low_stamp_and_a_wild_last_stamp_are_ignored() {
        let (times, report) = run(&[5000, 5001, 3, 5002, 99_999_999_999]);
        assert_eq!(times, [5000, 5001, 5001, 5002, 5002]);
        assert_eq!(report.outliers, 2);
    }

    #[test]
    fn interleaved_lines_are_reordered_silently_and_real_steps_are_reported() {
        let (times, report) = run(&[1000, 1002, 1001, 1003]);
        assert_eq!(times, [1000, 1002, 1002, 1003]);
        assert_eq!((report.reordered, report.anomalies()), (1, 0));
        let (times, report) = run(&[1000, 9000, 5000]);
        assert_eq!(times, [1000, 9000, 9000]);
        assert_eq!(report.backward, 1);
    }

    #[test]
    fn a_clock_reset_keeps_the_durations_after_it() {
        let (times, report) = run(&[10_000, 10_010, 2_000, 2_016, 2_032]);
        assert_eq!(times, [10_000, 10_010, 10_010, 10_026, 10_042]);
        assert_eq!(report.resets, 1);
        assert_eq!(report.examples[0].line, 3);
    }

    #[test]
    fn a_long_gap_that_the_stream_follows_is_kept_and_reported() {
        let day = 24 * 3600 * 1000;
        let (times, report) = run(&[1000, 1001, 1000 + 2 * day, 1001 + 2 * day]);
        assert_eq!(times, [1000, 1001, 1000 + 2 * day, 1001 + 2 * day]);
        assert_eq!((report.jumps, report.outliers), (1, 0));
    }

    #[test]
    fn ordered_streams_are_untouched() {
        let raw: Vec<u64> = (0..100).map(|i| i * 7).collect();
        let (times, report) = run(&raw);
        assert_eq!(times, raw);
        assert_eq!(report, TimeReport::default());
    }
}
