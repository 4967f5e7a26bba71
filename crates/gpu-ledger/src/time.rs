//! [`StreamTime`]: the one time base of every event, report, dump and flag.
//!
//! Every [`Event::time_ns`](crate::Event::time_ns) is *stream time*: nanoseconds
//! since the stream's zero, the moment [`StreamInfo::start_unix_ns`](crate::StreamInfo)
//! names (the recorder's start; for an imported log, its first timestamp). Every
//! output uses that zero and says so: JSON time points are stream-time `*_ns` (or,
//! in the timeline and the graph, stream-time `*_ms`), text prints stream-time
//! milliseconds, and every flag that takes a time (`graph --at`) reads the same
//! base. Each document also carries `origin_ns`, the stream time of its first
//! event, because a renderer may record its first event long after the recorder
//! started: durations such as the startup stabilisation time count from there.
//! This module only converts and parses; it never reads a clock.

use std::fmt;
use std::str::FromStr;

/// A point in stream time, in nanoseconds since the stream's zero.
///
/// Text shows it in milliseconds with three decimals (rounded to the microsecond,
/// as every report rounds); [`FromStr`] reads milliseconds, or a number with a
/// unit (`ns`, `us`, `ms`, `s`), so a time copied from any output parses back.
///
/// # Example
/// ```
/// use gpu_ledger::time::StreamTime;
///
/// let t: StreamTime = "350.25".parse()?; // milliseconds, as text outputs print them
/// assert_eq!(t, StreamTime::from_ns(350_250_000));
/// assert_eq!("350250000ns".parse::<StreamTime>()?, t); // a JSON `*_ns` value, exactly
/// assert_eq!(t.to_string(), "350.250 ms");
/// assert_eq!(t.as_ms(), 350.25);
/// let err = "soon".parse::<StreamTime>().unwrap_err();
/// assert!(err.to_string().starts_with("\"soon\" is not a time in milliseconds"));
/// # Ok::<(), gpu_ledger::time::ParseTimeError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamTime(pub u64);

impl StreamTime {
    /// The stream's zero.
    pub const ZERO: StreamTime = StreamTime(0);

    /// `ns` nanoseconds after the stream's zero.
    pub const fn from_ns(ns: u64) -> Self {
        Self(ns)
    }

    /// Nanoseconds since the stream's zero.
    pub const fn as_ns(self) -> u64 {
        self.0
    }

    /// Milliseconds since the stream's zero, rounded to the microsecond (three
    /// decimals), as every report prints times.
    pub fn as_ms(self) -> f64 {
        ms(self.0)
    }
}

/// What a text output says about its times: the zero, and where the first event lies
/// (`origin_ns`, `None` for an empty stream).
///
/// # Example
/// ```
/// use gpu_ledger::time::time_base;
///
/// assert_eq!(time_base(Some(350_250_000)), "times in ms since the stream started, first event at 350.250");
/// assert_eq!(time_base(None), "times in ms since the stream started");
/// ```
pub fn time_base(origin_ns: Option<u64>) -> String {
    match origin_ns {
        Some(origin) => format!(
            "times in ms since the stream started, first event at {:.3}",
            ms(origin)
        ),
        None => "times in ms since the stream started".to_owned(),
    }
}

impl fmt::Display for StreamTime {
    /// `350.250 ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} ms", self.as_ms())
    }
}

impl FromStr for StreamTime {
    type Err = ParseTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let split = trimmed
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let scale = match unit.trim() {
            "" | "ms" => 1e6,
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "s" => 1e9,
            _ => return Err(ParseTimeError(text.to_owned())),
        };
        if unit.trim() == "ns"
            && let Ok(ns) = number.trim().parse::<u64>()
        {
            return Ok(Self(ns));
        }
        match number.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 && v * scale < u64::MAX as f64 => {
                Ok(Self((v * scale).round() as u64))
            }
            _ => Err(ParseTimeError(text.to_owned())),
        }
    }
}

/// A time that [`StreamTime`] cannot read; its message names the text and the forms
/// that parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTimeError(String);

impl fmt::Display for ParseTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a time in milliseconds: give a number such as 250 or 12.5 \
             (stream time, as outputs print it), or one with a unit: 350123456ns, 1.5s",
            self.0
        )
    }
}

impl std::error::Error for ParseTimeError {}

/// `ns` in milliseconds, rounded to the microsecond: the one rounding of every time
/// and duration a report prints.
pub(crate) fn ms(ns: u64) -> f64 {
    (ns as f64 / 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_every_unit_outputs_print() {
        let parse = |s: &str| s.parse::<StreamTime>().map(StreamTime::as_ns);
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("12.5"), Ok(12_500_000));
        assert_eq!(parse(" 12.5 ms "), Ok(12_500_000));
        assert_eq!(parse("18446744073709551615ns"), Ok(u64::MAX));
        assert_eq!(parse("20us"), Ok(20_000));
        assert_eq!(parse("1.5s"), Ok(1_500_000_000));
        for bad in ["", "-1", "soon", "12 parsecs", "nan", "inf", "1e30"] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn display_rounds_to_the_microsecond() {
        assert_eq!(StreamTime(41_199_999).to_string(), "41.200 ms");
        assert_eq!(StreamTime(1_500).as_ms(), 0.002);
    }
}
