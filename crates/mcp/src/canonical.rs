//! Canonical JSON: object keys sorted by their bytes at every level, no whitespace. Equal
//! values give equal bytes whatever order a client sent the keys in and however `serde_json`
//! orders maps, so digests of arguments (approvals, audit) and of tool definitions (pins)
//! never change because of a client or a dependency feature.

use serde_json::Value;

/// Appends the canonical form of `value` to `out`.
pub fn write(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(&Value::String(k.clone()), out);
                out.push(b':');
                write(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

/// The canonical form of `value` as a string.
pub fn to_string(value: &Value) -> String {
    let mut out = Vec::with_capacity(128);
    write(value, &mut out);
    // serde_json writes UTF-8 and the structure adds only ASCII.
    String::from_utf8(out).unwrap_or_default()
}

fn write_scalar(v: &Value, out: &mut Vec<u8>) {
    // Writing a scalar into a Vec can't fail.
    let _ = serde_json::to_writer(&mut *out, v);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn keys_sorted_at_every_level_and_no_whitespace() {
        let v = json!({"b": [ {"z": 1, "a": "é\n"} ], "a": null, "B": 1.5});
        assert_eq!(
            super::to_string(&v),
            r#"{"B":1.5,"a":null,"b":[{"a":"é\n","z":1}]}"#
        );
    }

    #[test]
    fn key_order_of_the_input_does_not_matter() {
        let a: serde_json::Value = serde_json::from_str(r#"{"x":{"q":1,"p":2},"w":3}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"w":3,"x":{"p":2,"q":1}}"#).unwrap();
        assert_eq!(super::to_string(&a), super::to_string(&b));
    }
}
