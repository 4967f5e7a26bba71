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

    /// Reads milliseconds (`250`, `12.5`, `1e3`), or a number with a unit (`ns`,
    /// `us`, `ms`, `s`), exactly to the nanosecond when written in decimals.
    /// Negative, non-finite and out-of-range times are refused, never clamped.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |why| ParseTimeError {
            text: text.to_owned(),
            why,
        };
        let trimmed = text.trim();
        let number_end = trimmed
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphabetic())
            .last()
            .map_or(trimmed.len(), |(i, _)| i);
        let (number, unit) = trimmed.split_at(number_end);
        let (number, unit) = (number.trim(), unit.trim());
        if number.is_empty() {
            return Err(error(Why::NotANumber));
        }
        let scale: u64 = match unit {
            "" | "ms" => 1_000_000,
            "ns" => 1,
            "us" | "µs" => 1_000,
            "s" => 1_000_000_000,
            _ => return Err(error(Why::Unit(unit.to_owned()))),
        };
        if number.starts_with('-') && number.parse::<f64>().is_ok_and(|v| v != 0.0) {
            return Err(error(Why::Negative));
        }
        if let Some(ns) = decimal_ns(number, scale) {
            return u64::try_from(ns)
                .map(Self)
                .map_err(|_| error(Why::OutOfRange));
        }
        match number.parse::<f64>() {
            Ok(v) if v.is_nan() => Err(error(Why::NotANumber)),
            Ok(v) if v * scale as f64 >= u64::MAX as f64 => Err(error(Why::OutOfRange)),
            Ok(v) if v >= 0.0 => Ok(Self((v * scale as f64).round() as u64)),
            _ => Err(error(Why::NotANumber)),
        }
    }
}

/// `number` (plain decimal digits, at most one `.`) times `scale` ns, rounded to
/// the nanosecond, exactly; `None` when it is not written that way.
fn decimal_ns(number: &str, scale: u64) -> Option<u128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 25 {
        return Some(u128::MAX); // far beyond any u64 of ns, whatever the scale
    }
    let value = |s: &str| -> u128 { s.bytes().fold(0u128, |v, b| v * 10 + u128::from(b - b'0')) };
    let whole_ns = value(whole) * u128::from(scale);
    // Only the fraction digits that can matter at 1 ns (scale is at most 10^9),
    // plus one to round on.
    let kept = &fraction[..fraction.len().min(10)];
    let denominator = 10u128.pow(kept.len() as u32);
    let fraction_ns = (value(kept) * u128::from(scale) * 2 + denominator) / (denominator * 2);
    Some(whole_ns + fraction_ns)
}

/// A time that [`StreamTime`] cannot read; its message names the text, what is
/// wrong with it and the forms that parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTimeError {
    text: String,
    why: Why,
}

/// What is wrong with a time.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Why {
    NotANumber,
    Unit(String),
    Negative,
    OutOfRange,
}

impl fmt::Display for ParseTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &self.text;
        match &self.why {
            Why::NotANumber => write!(
                f,
                "{text:?} is not a time in milliseconds: give a number such as 250 or 12.5 \
                 (stream time, as outputs print it), or one with a unit: 350123456ns, 1.5s"
            ),
            Why::Unit(unit) => write!(
                f,
                "{text:?} has an unknown unit {unit:?}: use ns, us, ms or s (no unit: ms)"
            ),
            Why::Negative => write!(
                f,
                "{text:?} is before the stream started: stream time counts up from 0"
            ),
            Why::OutOfRange => write!(
                f,
                "{text:?} is out of range: stream time ends at {} ms ({} ns), and no \
                 time is clamped to fit",
                LAST_MS,
                u64::MAX
            ),
        }
    }
}

/// `u64::MAX` ns, in ms with every digit.
const LAST_MS: &str = "18446744073709.551615";

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
        assert_eq!(parse("1e3"), Ok(1_000_000_000));
        assert_eq!(parse("0.0000006"), Ok(1), "rounded to the nanosecond");
        assert_eq!(
            parse("18446744073709.551615"),
            Ok(u64::MAX),
            "exact, no float"
        );
        assert_eq!(parse("9007199254.740993"), Ok(9_007_199_254_740_993));
        for bad in [
            "",
            "-1",
            "soon",
            "12 parsecs",
            "nan",
            "inf",
            "1e30",
            "1e308",
            ".",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn every_refusal_says_what_is_wrong() {
        let message = |s: &str| s.parse::<StreamTime>().unwrap_err().to_string();
        assert_eq!(
            message("1e308"),
            "\"1e308\" is out of range: stream time ends at 18446744073709.551615 ms \
             (18446744073709551615 ns), and no time is clamped to fit"
        );
        assert_eq!(
            message("18446744073709.5517"),
            message("18446744073709.5517")
        );
        assert!(message("18446744073709.5517").contains("out of range"));
        assert!(message("99999999999999999999ns").contains("out of range"));
        assert_eq!(
            message("-5"),
            "\"-5\" is before the stream started: stream time counts up from 0"
        );
        assert_eq!(
            message("12 parsecs"),
            "\"12 parsecs\" has an unknown unit \"parsecs\": use ns, us, ms or s (no unit: ms)"
        );
        assert!(message("soon").contains("is not a time in milliseconds"));
        assert!(
            message("inf").contains("is not a time"),
            "inf is a unit-less word"
        );
    }

    #[test]
    fn display_rounds_to_the_microsecond() {
        assert_eq!(StreamTime(41_199_999).to_string(), "41.200 ms");
        assert_eq!(StreamTime(1_500).as_ms(), 0.002);
    }
}
