//! Numbers that this gateway and a server could read as different values.
//!
//! Arguments are read into f64 (or i64/u64 for integers), and policy conditions compare
//! numbers exactly by their decimal text (`toolgate_policy::numbers`). A decimal the f64 it
//! reads as does not stand for exactly (`100.00000000000000001`, `1024.0000000000001`) or an
//! integer beyond 64 bits would be judged as a nearby value here, while a server decoding
//! money exactly (Java `BigDecimal`, Python `Decimal`) sees the precise value: `gt 1024`
//! could be false for us and true for it. Such numbers are refused in tool calls. Ordinary
//! clients print numbers in the shortest form that reads back as the same f64 (`0.1`,
//! `19.99`), which is always accepted.

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
    toolgate_policy::numbers::is_exact(token)
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
