//! Exact comparison of numbers as decimal text, with no floating point.
//!
//! JSON numbers are decimals. serde_json (without `arbitrary_precision`, which would change
//! how every crate in the workspace reads numbers) keeps a non-integer as an f64, so
//! `1024.0000000000001` would read as `1024`. Two rules together make every comparison exact:
//!
//! 1. The gateway refuses, before judging a call, any number whose value as written is not
//!    the value of the f64 it reads as ([`is_exact`]; it sees the original bytes). So every
//!    number that reaches a condition *is* the decimal the agent wrote.
//! 2. Conditions compare numbers by their decimal text ([`cmp_numbers`]): an integer's digits,
//!    or the shortest text that reads back as the same f64 — which by rule 1 is the same
//!    value as written. [`cmp_decimal`] compares two such texts by sign, magnitude and digits,
//!    exactly, whatever their exponents (`1e2 == 100`, `-0 == 0`, `1e400 > 1e399`).
//!
//! ## Numbers that this gateway and a server could read as different values
//!
//! Arguments are read into f64 (or i64/u64 for integers), and policy conditions compare
//! numbers exactly by their decimal text (above). A decimal the f64 it
//! reads as does not stand for exactly (`100.00000000000000001`, `1024.0000000000001`) or an
//! integer beyond 64 bits would be judged as a nearby value here, while a server decoding
//! money exactly (Java `BigDecimal`, Python `Decimal`) sees the precise value: `gt 1024`
//! could be false for us and true for it. Such numbers are refused in tool calls. Ordinary
//! clients print numbers in the shortest form that reads back as the same f64 (`0.1`,
//! `19.99`), which is always accepted.

use std::cmp::Ordering;

use serde_json::Number;

/// A decimal as `0.DIGITS × 10^point`, with no leading or trailing zeros in `digits`
/// (empty for zero, whose sign is ignored).
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    point: i128,
}

/// Parses a JSON number (also accepting a leading `+`), the text Rust and serde_json print
/// for numbers, and exponents of any size. `None` for anything else.
fn parse(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut negative = false;
    match bytes.first()? {
        b'-' => {
            negative = true;
            i += 1;
        }
        b'+' => i += 1,
        _ => {}
    }
    let mut digits = Vec::new();
    let mut before_point: i128 = 0;
    let mut seen_digit = false;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        digits.push(bytes[i] - b'0');
        before_point += 1;
        seen_digit = true;
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            digits.push(bytes[i] - b'0');
            seen_digit = true;
            i += 1;
        }
    }
    if !seen_digit {
        return None;
    }
    let mut exponent: i128 = 0;
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        let mut exp_negative = false;
        match bytes.get(i) {
            Some(b'-') => {
                exp_negative = true;
                i += 1;
            }
            Some(b'+') => i += 1,
            _ => {}
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            // Saturate: no text is long enough for 10^30 digits to matter.
            exponent = (exponent * 10 + i128::from(bytes[i] - b'0'))
                .min(1_000_000_000_000_000_000_000_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if i != bytes.len() {
        return None;
    }
    let leading = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..leading);
    while digits.last() == Some(&0) {
        digits.pop();
    }
    let point = before_point - leading as i128 + exponent;
    Some(Decimal {
        negative: negative && !digits.is_empty(),
        digits,
        point,
    })
}

fn cmp_magnitude(a: &Decimal, b: &Decimal) -> Ordering {
    match (a.digits.is_empty(), b.digits.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        // Both non-zero with a leading non-zero digit: the point decides, then the digits
        // (a shorter string is a smaller number: no trailing zeros).
        (false, false) => a.point.cmp(&b.point).then_with(|| a.digits.cmp(&b.digits)),
    }
}

/// Compares two decimal texts exactly. `None` when either is not a number.
pub fn cmp_decimal(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse(a)?, parse(b)?);
    Some(match (a.negative, b.negative) {
        (false, false) => cmp_magnitude(&a, &b),
        (true, true) => cmp_magnitude(&b, &a),
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
    })
}

/// Exact comparison of two JSON numbers by their decimal values.
pub fn cmp_numbers(a: &Number, b: &Number) -> Ordering {
    if let (Some(x), Some(y)) = (as_int(a), as_int(b)) {
        return x.cmp(&y);
    }
    // serde_json prints an f64 as the shortest text that reads back as it.
    cmp_decimal(&a.to_string(), &b.to_string()).unwrap_or(Ordering::Equal)
}

fn as_int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Whether the JSON number token `text` reads (with serde_json, as the gateway reads
/// arguments) as exactly the value written: an integer within i64/u64, or a decimal equal to
/// the f64 it becomes. `100.00000000000000001`, `1024.0000000000001`, `1e400` and integers
/// beyond 64 bits are not; `0.1`, `1e2`, `19.99`, `-0.0` are (their f64 prints back as the
/// same decimal).
pub fn is_exact(text: &str) -> bool {
    let Ok(n) = serde_json::from_str::<Number>(text) else {
        return false;
    };
    if as_int(&n).is_some() {
        return true;
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => cmp_decimal(text, &n.to_string()) == Some(Ordering::Equal),
        _ => false,
    }
}

/// Finds the first number token in a JSON text that f64/i64/u64 can't hold exactly.
/// Returns it as written.
pub fn first_inexact_number(json: &[u8]) -> Option<&str> {
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'"' => i = after_string(json, i + 1),
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < json.len()
                    && matches!(json[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let token = std::str::from_utf8(&json[start..i]).ok()?;
                if !exact(token) {
                    return Some(token);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The index just past the string whose contents start at `i` (or the end of the text).
/// Jumps between quotes and backslashes with `memchr`: large arguments are mostly text.
fn after_string(json: &[u8], mut i: usize) -> usize {
    while i < json.len() {
        match memchr::memchr2(b'"', b'\\', &json[i..]) {
            Some(off) if json[i + off] == b'"' => return i + off + 1,
            Some(off) => i += off + 2,
            None => return json.len(),
        }
    }
    json.len()
}

fn exact(token: &str) -> bool {
    is_exact(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp_decimal(a, b).unwrap_or_else(|| panic!("{a} or {b} is not a number"))
    }

    #[test]
    fn known_cases() {
        use Ordering::*;
        for (a, b, want) in [
            ("1e2", "100", Equal),
            ("1", "1.0", Equal),
            ("-0", "0", Equal),
            ("-0.0", "0e5", Equal),
            ("1024.0000000000001", "1024", Greater),
            ("1023.9999999999999", "1024", Less),
            ("100.00000000000000001", "100", Greater),
            ("1e400", "1e399", Greater),
            ("1e-400", "0", Greater),
            ("-1e-400", "0", Less),
            ("-1e400", "-1e399", Less),
            (
                "1e999999999999999999999999",
                "1e999999999999999999999998",
                Greater,
            ),
            ("0.5", "5e-1", Equal),
            ("12", "12.5", Less),
            ("-12", "-12.5", Greater),
            ("007", "7", Equal),
            ("1.50000000000000000000", "1.5", Equal),
            ("18446744073709551616", "18446744073709551615", Greater),
            ("0.1", "0.10000000000000001", Less),
            ("+3", "3", Equal),
            ("9.99e2", "999", Equal),
        ] {
            assert_eq!(c(a, b), want, "{a} vs {b}");
            assert_eq!(c(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    proptest::proptest! {
        /// On numbers f64 holds exactly, the decimal order is the float order.
        #[test]
        fn agrees_with_f64_order(a in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
                                 b in proptest::num::f64::NORMAL | proptest::num::f64::ZERO) {
            let (ta, tb) = (format!("{a:e}"), format!("{b}"));
            proptest::prop_assert_eq!(cmp_decimal(&ta, &tb), a.partial_cmp(&b), "{} vs {}", ta, tb);
        }

        /// Moving the point and padding zeros never changes the value.
        #[test]
        fn spelling_does_not_matter(n in proptest::prelude::any::<i64>(), shift in 0u32..30, pad in 0usize..5) {
            let plain = n.to_string();
            let (sign, digits) = plain.strip_prefix('-').map_or(("", plain.as_str()), |d| ("-", d));
            let zeros = "0".repeat(pad);
            let shifted = format!("{sign}{digits}{zeros}e-{}", pad);
            let scaled = format!("{sign}0.{}{digits}e{}", "0".repeat(shift as usize), shift as usize + digits.len());
            proptest::prop_assert_eq!(cmp_decimal(&plain, &shifted), Some(Ordering::Equal));
            proptest::prop_assert_eq!(cmp_decimal(&plain, &scaled), Some(Ordering::Equal), "{}", scaled);
            let bigger = format!("{plain}.{zeros}1");
            let want = if n < 0 { Ordering::Less } else { Ordering::Greater };
            proptest::prop_assert_eq!(cmp_decimal(&bigger, &plain), Some(want));
        }
    }

    #[test]
    fn not_numbers() {
        for bad in [
            "", "-", "e5", "1e", "1.2.3", "0x10", "NaN", "inf", "1 ", "--1",
        ] {
            assert_eq!(cmp_decimal(bad, "1"), None, "{bad:?}");
        }
    }

    #[test]
    fn exact_tokens() {
        for ok in [
            "0.1",
            "1e2",
            "19.99",
            "-0.0",
            "100.0000000000001",
            "1.50000000000000000000",
            "18446744073709551615",
            "-9223372036854775808",
            "0.000000000000000001",
            "1e300",
        ] {
            assert!(is_exact(ok), "{ok}");
        }
        for bad in [
            "1024.0000000000001",
            "100.00000000000000001",
            "1e400",
            "123456789012345678901",
            "-99999999999999999999",
            "9007199254740993.0",
        ] {
            assert!(!is_exact(bad), "{bad}");
        }
    }

    #[test]
    fn flags_only_numbers_f64_cannot_hold() {
        let ok = br#"{"a":100.0000000000001,"b":1e3,"c":-0.5,"d":18446744073709551615,"e":"100.00000000000000001","f":0.1,"g":1.50000000000000000000,"h":0.000000000000000001}"#;
        assert_eq!(first_inexact_number(ok), None);
        assert_eq!(
            first_inexact_number(br#"{"amount":100.00000000000000001}"#),
            Some("100.00000000000000001")
        );
        // 17 significant digits, but the f64 it reads as is 1024.0 (issue 16).
        assert_eq!(
            first_inexact_number(br#"{"size":1024.0000000000001}"#),
            Some("1024.0000000000001")
        );
        assert_eq!(
            first_inexact_number(br#"{"size":1024.0000000000002}"#),
            None
        );
        assert_eq!(
            first_inexact_number(br#"{"n":123456789012345678901}"#),
            Some("123456789012345678901")
        );
        assert_eq!(
            first_inexact_number(br#"{"s":"a\"1","n":-99999999999999999999}"#),
            Some("-99999999999999999999")
        );
    }

    #[test]
    fn numbers_inside_strings_are_skipped_across_escapes() {
        // An escaped backslash ends right before the closing quote; the number after the
        // string must still be seen, and the one inside it must not.
        let json = br#"{"s":"x\\","t":"\"99999999999999999999\"","n":123456789012345678901}"#;
        assert_eq!(first_inexact_number(json), Some("123456789012345678901"));
        assert_eq!(
            first_inexact_number(br#"{"s":"unterminated 99999999999999999999"#),
            None
        );
        assert_eq!(first_inexact_number(br#"{"s":"ends in a backslash\"#), None);
    }
}
