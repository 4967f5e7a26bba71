//! Deterministic number formatting for reports: milliseconds and ratios rounded to
//! three decimals, `None` instead of a division by zero.
//!
//! Rounding happens once, here, so JSON (shortest round-trip form of the rounded
//! value) and text (fixed three decimals) always agree and never print noise such
//! as `41.199999999`.

/// `n` and the noun that agrees with it: `1 destroy`, `0 destroys`, `3 destroys`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `x` rounded to 3 decimals.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Nanoseconds as milliseconds, rounded to 3 decimals (microsecond resolution).
pub(crate) use crate::time::ms;

/// `num / den` rounded to 3 decimals; `None` when `den` is 0.
pub(crate) fn ratio(num: u64, den: u64) -> Option<f64> {
    (den != 0).then(|| round3(num as f64 / den as f64))
}

/// The mean of `sum_ns` over `count` samples, in ms; `None` when `count` is 0.
pub(crate) fn mean_ms(sum_ns: u128, count: u64) -> Option<f64> {
    (count != 0).then(|| ms((sum_ns / u128::from(count)).min(u128::from(u64::MAX)) as u64))
}

/// A fixed three-decimal rendering of an optional value, `-` for `None`.
pub(crate) fn fixed3(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_fixed_and_total() {
        assert_eq!(ms(41_199_999), 41.2);
        assert_eq!(ms(1_500), 0.002);
        assert_eq!(ratio(2, 3), Some(0.667));
        assert_eq!(ratio(5, 0), None);
        assert_eq!(mean_ms(3_000_000, 2), Some(1.5));
        assert_eq!(mean_ms(1, 0), None);
        assert_eq!(
            (fixed3(Some(0.1 + 0.2)), fixed3(None)),
            ("0.300".to_owned(), "-".to_owned())
        );
    }
}
