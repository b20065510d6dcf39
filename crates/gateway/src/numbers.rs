//! Numbers that this gateway and a server could read as different values.
//!
//! Policy conditions compare numbers as f64 (or exactly, for integers within i64/u64). A
//! decimal with more significant digits than f64 holds (`100.00000000000000001`) or an
//! integer beyond 64 bits reads as a nearby f64 here, while a server decoding money exactly
//! (Java `BigDecimal`, Python `Decimal`) sees the precise value: `gt 100` could be false for
//! us and true for it. Such numbers are refused in tool calls; ordinary clients never send
//! more than 17 significant digits (the shortest round-trip form of any f64).

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
    let is_integer = !token.contains(['.', 'e', 'E']);
    if is_integer {
        return token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok();
    }
    let mantissa = token.split(['e', 'E']).next().unwrap_or("");
    let significant = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|d| *d == b'0')
        .count();
    // Trailing zeros after the point don't add precision (`1.50000000000000000000`).
    let trailing_zeros = if mantissa.contains('.') {
        mantissa.bytes().rev().take_while(|d| *d == b'0').count()
    } else {
        0
    };
    significant.saturating_sub(trailing_zeros) <= 17
}

#[cfg(test)]
mod tests {
    use super::first_inexact_number;

    #[test]
    fn flags_only_numbers_f64_cannot_hold() {
        let ok = br#"{"a":100.0000000000001,"b":1e3,"c":-0.5,"d":18446744073709551615,"e":"100.00000000000000001","f":0.1,"g":1.50000000000000000000,"h":0.000000000000000001}"#;
        assert_eq!(first_inexact_number(ok), None);
        assert_eq!(
            first_inexact_number(br#"{"amount":100.00000000000000001}"#),
            Some("100.00000000000000001")
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
