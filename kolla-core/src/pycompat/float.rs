//! Python's text forms of floats: `repr(float)` (which `str(float)` equals)
//! and `str(complex)`.

/// Shortest round-trip digits and the decimal point position:
/// the value is `0.DIGITS * 10^decpt`.
fn shortest(f: f64) -> (bool, String, i32) {
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (f.is_sign_negative(), digits, exp + 1)
}

/// `repr(f)`, with or without the `.0` that a whole float gets (a complex
/// number's parts go without).
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

/// Python's `repr(float)`: `1000.0`, `1e+16`, `1e-05`, `inf`, `nan`.
///
/// ```
/// use kolla_core::pycompat::float_repr;
/// assert_eq!(float_repr(1000.0), "1000.0");
/// assert_eq!(float_repr(1e16), "1e+16");
/// assert_eq!(float_repr(1.5e-5), "1.5e-05");
/// assert_eq!(float_repr(0.1), "0.1");
/// ```
pub fn float_repr(f: f64) -> String {
    float_text(f, true)
}

/// Python's `str(complex)`: `1j`, `(1+2j)`, `(-0-1j)`.
pub fn complex_str(re: f64, im: f64) -> String {
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
            (0.0, "0.0"),
            (123.456, "123.456"),
            (1.5e300, "1.5e+300"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ] {
            assert_eq!(float_repr(f), want);
        }
        assert_eq!(complex_str(0.0, 1.0), "1j");
        assert_eq!(complex_str(-0.0, -1.0), "(-0-1j)");
        assert_eq!(complex_str(1.0, 2.0), "(1+2j)");
        assert_eq!(complex_str(1.0, 0.0), "(1+0j)");
    }

    #[test]
    fn python_float_repr() {
        assert_eq!(float_repr(1e22), "1e+22");
        assert_eq!(float_repr(123456789012345680.0), "1.2345678901234568e+17");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(0.00001), "1e-05");
        assert_eq!(float_repr(-2.5), "-2.5");
        assert_eq!(float_repr(1e15), "1000000000000000.0");
    }
}
