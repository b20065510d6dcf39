//! Time for audit records (the clock itself is `toolgate_clock::Clock`, injected so tests set
//! the time instead of sleeping): RFC 3339 UTC formatting with microseconds, and parsing of
//! the `--since/--until` forms (RFC 3339 timestamps or ages such as `90s`, `15m`, `1h`, `7d`).
//!
//! Written by hand (civil-date arithmetic after Howard Hinnant) to keep a date crate out of
//! the dependency tree; only UTC is ever written.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::AuditError;

/// `2026-01-31T12:00:00.000000Z`: fixed width, so times sort as text too.
pub fn format_rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, day) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        d.subsec_micros()
    )
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.frac]]` followed by `Z` or `±HH:MM`.
pub fn parse_rfc3339(s: &str) -> Result<SystemTime, AuditError> {
    let bad = |problem: &str| AuditError::BadTime {
        input: s.to_string(),
        problem: problem.to_string(),
    };
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Result<i64, AuditError> {
        let part = b.get(r).ok_or_else(|| bad("too short"))?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err(bad("expected digits"));
        }
        Ok(part.iter().fold(0i64, |n, c| n * 10 + i64::from(c - b'0')))
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad("expected YYYY-MM-DD"));
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo as u32) {
        return Err(bad("no such date"));
    }
    let mut secs = days_from_civil(y, mo as u32, d as u32) * 86_400;
    let mut nanos = 0u32;
    if b.len() > 10 {
        if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 16 || b[13] != b':' {
            return Err(bad("expected THH:MM after the date"));
        }
        let (h, mi) = (num(11..13)?, num(14..16)?);
        let mut i = 16;
        let mut sec = 0;
        if b.get(i) == Some(&b':') {
            sec = num(17..19)?;
            i = 19;
        }
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(bad("expected digits after the decimal point"));
            }
            let mut digits: Vec<u8> = b[start..i.min(start + 9)].to_vec();
            digits.resize(9, b'0');
            nanos = digits
                .iter()
                .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
        }
        if h > 23 || mi > 59 || sec > 60 {
            return Err(bad("no such time of day"));
        }
        secs += h * 3600 + mi * 60 + sec.min(59);
        match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => {}
            Some(sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
                let off = num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60;
                secs -= if *sign == b'+' { off } else { -off };
            }
            _ => return Err(bad("expected Z or an offset such as +02:00 at the end")),
        }
    }
    if secs < 0 {
        return Err(bad("before 1970"));
    }
    Ok(UNIX_EPOCH + Duration::new(secs as u64, nanos))
}

/// Parses an age: one or more `<number><unit>` with units `s`, `m`, `h`, `d`, `w`.
pub fn parse_age(s: &str) -> Result<Duration, AuditError> {
    let bad = |problem: &str| AuditError::BadTime {
        input: s.to_string(),
        problem: problem.to_string(),
    };
    let mut total = 0u64;
    let mut n: Option<u64> = None;
    for c in s.trim().chars() {
        if let Some(digit) = c.to_digit(10) {
            let v = n
                .unwrap_or(0)
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(digit)));
            n = Some(v.ok_or_else(|| bad("too large"))?);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(bad("units are s, m, h, d, w")),
        };
        let v = n
            .take()
            .ok_or_else(|| bad("a unit needs a number before it"))?;
        total = v
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| bad("too large"))?;
    }
    if n.is_some() {
        return Err(bad("a number needs a unit (s, m, h, d, w)"));
    }
    if total == 0 && s.trim().is_empty() {
        return Err(bad("empty"));
    }
    Ok(Duration::from_secs(total))
}

/// `--since`/`--until`: an age counted back from `now`, or an RFC 3339 time.
pub fn parse_time_spec(s: &str, now: SystemTime) -> Result<SystemTime, AuditError> {
    if s.trim().bytes().next().is_some_and(|c| c.is_ascii_digit()) && parse_age(s).is_ok() {
        let age = parse_age(s)?;
        return Ok(now.checked_sub(age).unwrap_or(UNIX_EPOCH));
    }
    parse_rfc3339(s)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m as u32, d as u32)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        for s in [
            "1970-01-01T00:00:00.000000Z",
            "2000-02-29T23:59:59.999999Z",
            "2026-01-31T12:00:00.123456Z",
            "2100-12-31T00:00:01.000001Z",
        ] {
            assert_eq!(format_rfc3339(parse_rfc3339(s).unwrap()), s);
        }
    }

    #[test]
    fn parses_offsets_and_short_forms() {
        let z = parse_rfc3339("2026-01-31T12:00:00Z").unwrap();
        assert_eq!(parse_rfc3339("2026-01-31T14:00:00+02:00").unwrap(), z);
        assert_eq!(parse_rfc3339("2026-01-31T11:00-01:00").unwrap(), z);
        assert_eq!(
            format_rfc3339(parse_rfc3339("2026-01-31").unwrap()),
            "2026-01-31T00:00:00.000000Z"
        );
        assert!(parse_rfc3339("2026-02-30T00:00:00Z").is_err());
        assert!(parse_rfc3339("2026-01-31T12:00:00").is_err());
        assert!(parse_rfc3339("yesterday").is_err());
    }

    #[test]
    fn parses_ages() {
        assert_eq!(parse_age("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_age("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_age("7d").unwrap(), Duration::from_secs(604_800));
        assert!(parse_age("5").is_err());
        assert!(parse_age("h").is_err());
        let now = parse_rfc3339("2026-01-31T12:00:00Z").unwrap();
        assert_eq!(
            format_rfc3339(parse_time_spec("1h", now).unwrap()),
            "2026-01-31T11:00:00.000000Z"
        );
        assert_eq!(parse_time_spec("2026-01-31T12:00:00Z", now).unwrap(), now);
    }
}
