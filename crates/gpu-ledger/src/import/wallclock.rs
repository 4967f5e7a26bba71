//! Wall-clock timestamps as NSLog prints them (`2026-02-27 23:44:37.139`).
//!
//! Only the arithmetic the importer needs: a civil date and time to milliseconds
//! since the Unix epoch, read as UTC (NSLog prints local time and no zone, so
//! only differences between such stamps are meaningful). Never panics.

/// Milliseconds since the epoch of an NSLog line (`yyyy-MM-dd HH:mm:ss.SSS ...`),
/// read as UTC; `None` when its stamp is not one (or is before 1970).
pub(super) fn nslog_ms(line: &str) -> Option<u64> {
    let mut parts = line.splitn(3, ' ');
    let (date, time) = (parts.next()?, parts.next()?);
    u64::try_from(parse_nslog_ms(date, time)?).ok()
}

/// Milliseconds since the epoch for `yyyy-MM-dd HH:mm:ss.SSS`, read as UTC.
pub(super) fn parse_nslog_ms(date: &str, time: &str) -> Option<i64> {
    let mut d = date.splitn(3, '-');
    let (year, month, day): (i64, u32, u32) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    let (hms, millis) = time.split_once('.')?;
    let mut t = hms.splitn(3, ':');
    let (h, m, s): (i64, i64, i64) = (
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
    );
    let millis: i64 = millis.parse().ok()?;
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&h)
        && (0..60).contains(&m)
        && (0..61).contains(&s)
        && (0..1000).contains(&millis)
        && millis.to_string().len() <= 3;
    if !valid || millis_digits(time) != 3 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + h) * 60 + m) * 60_000 + s * 1000 + millis)
}

fn millis_digits(time: &str) -> usize {
    time.rsplit_once('.').map_or(0, |(_, ms)| ms.len())
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_plan_s_timestamp() {
        // 2026-02-27 23:44:37.139 UTC, checked against `date -u -d ... +%s%3N`.
        assert_eq!(
            parse_nslog_ms("2026-02-27", "23:44:37.139"),
            Some(1_772_235_877_139)
        );
        assert_eq!(parse_nslog_ms("1970-01-01", "00:00:00.000"), Some(0));
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for (date, time) in [
            ("2026-13-01", "00:00:00.000"),
            ("2026-02-27", "24:00:00.000"),
            ("2026-02-27", "23:44:37"),
            ("2026-02-27", "23:44:37.1391"),
            ("x", "y"),
        ] {
            assert_eq!(parse_nslog_ms(date, time), None, "{date} {time}");
        }
    }
}
