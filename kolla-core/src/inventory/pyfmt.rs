//! Python's text forms of values: `repr()` of floats, complex numbers and
//! containers, and `json.dumps(..., sort_keys=True, indent=4)`, which is what
//! `ansible-inventory` prints.

use serde_json::Value;

/// Shortest round-trip digits and the decimal point position:
/// the value is `0.DIGITS * 10^decpt`.
fn shortest(f: f64) -> (bool, String, i32) {
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (f.is_sign_negative(), digits, exp + 1)
}

fn float_text(f: f64, add_dot_0: bool) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let (neg, digits, decpt) = shortest(f);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if f == 0.0 {
        out.push('0');
        if add_dot_0 {
            out.push_str(".0");
        }
        return out;
    }
    if decpt > -4 && decpt <= 16 {
        if decpt <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-decpt) as usize));
            out.push_str(&digits);
        } else if digits.len() as i32 <= decpt {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', (decpt as usize) - digits.len()));
            if add_dot_0 {
                out.push_str(".0");
            }
        } else {
            out.push_str(&digits[..decpt as usize]);
            out.push('.');
            out.push_str(&digits[decpt as usize..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", e.abs()));
    }
    out
}

/// Python's `repr(float)`: `1000.0`, `1e+16`, `1e-05`, `inf`.
pub(crate) fn py_float_repr(f: f64) -> String {
    float_text(f, true)
}

/// Python's `str(complex)`: `1j`, `(1+2j)`, `(-0-1j)`.
pub(crate) fn format_complex(re: f64, im: f64) -> String {
    let imag = float_text(im, false);
    if re == 0.0 && re.is_sign_positive() {
        return format!("{imag}j");
    }
    let sign = if im.is_sign_negative() || (im.is_nan() && imag.starts_with('-')) {
        ""
    } else {
        "+"
    };
    format!("({}{sign}{imag}j)", float_text(re, false))
}

fn num_text(n: &serde_json::Number) -> String {
    if n.is_f64() {
        py_float_repr(n.as_f64().unwrap_or(0.0))
    } else {
        n.to_string()
    }
}

/// Python's `repr()` of a string.
pub(crate) fn py_str_repr(s: &str) -> String {
    crate::pytext::repr(s)
}

/// Python's `repr()` of a value (as loaded from an inventory).
pub(crate) fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => num_text(n),
        Value::String(s) => py_str_repr(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str_repr(k), py_repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// Python's `str()` of a value: strings bare, everything else as `repr()`.
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Appends a JSON string the way Python's json module writes it with
/// `ensure_ascii=False` (what ansible-inventory's encoder does): only `"`,
/// `\\` and control characters are escaped.
pub(crate) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.dumps(value, sort_keys=True, indent=4)` as Python writes it.
pub(crate) fn json_dump(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&num_text(n)),
        Value::String(s) => json_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, level + 1);
                json_dump(out, item, level + 1);
            }
            newline(out, level);
            out.push(']');
        }
        Value::Object(m) => json_dump_map(out, m, level),
    }
}

/// [`json_dump`] of a mapping, keys sorted.
pub(crate) fn json_dump_map(out: &mut String, m: &serde_json::Map<String, Value>, level: usize) {
    json_dump_pairs(out, m.iter().map(|(k, v)| (k.as_str(), v)), level)
}

/// [`json_dump`] of a mapping given as pairs, keys sorted.
pub(crate) fn json_dump_pairs<'a>(
    out: &mut String,
    pairs: impl Iterator<Item = (&'a str, &'a Value)>,
    level: usize,
) {
    let mut items: Vec<(&str, &Value)> = pairs.collect();
    if items.is_empty() {
        out.push_str("{}");
        return;
    }
    items.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (k, v)) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, level + 1);
        json_string(out, k);
        out.push_str(": ");
        json_dump(out, v, level + 1);
    }
    newline(out, level);
    out.push('}');
}

pub(crate) fn newline(out: &mut String, level: usize) {
    const SPACES: &str = "                                                                ";
    out.push('\n');
    let mut n = level * 4;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_python() {
        for (f, want) in [
            (1000.0, "1000.0"),
            (1.5, "1.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0.0"),
            (123.456, "123.456"),
            (1.5e300, "1.5e+300"),
        ] {
            assert_eq!(py_float_repr(f), want);
        }
        assert_eq!(format_complex(0.0, 1.0), "1j");
        assert_eq!(format_complex(-0.0, -1.0), "(-0-1j)");
        assert_eq!(format_complex(1.0, 2.0), "(1+2j)");
        assert_eq!(format_complex(1.0, 0.0), "(1+0j)");
    }

    #[test]
    fn repr_like_python() {
        let v = serde_json::json!([1, "a'b", null, true, {"k": 1.0}]);
        assert_eq!(py_repr(&v), "[1, \"a'b\", None, True, {'k': 1.0}]");
    }
}
