//! Python's `%` string formatting (`'%s:%d' % (host, port)`), which Jinja's
//! `%` operator on a string and its `format` filter both use.

use minijinja::value::{Value, ValueKind};

use super::value::{py_repr, py_str, PyKind, PyValue};

/// The right-hand side of `%`.
#[derive(Debug, Clone, Copy)]
pub enum Args<'a> {
    /// A tuple: one item per conversion.
    Tuple(&'a [Value]),
    /// Any other object: the only argument; a mapping (or a list, which
    /// Python also accepts as one) also serves `%(name)s`.
    One(&'a Value),
}

/// A conversion's flags, width and precision.
#[derive(Debug, Default, Clone, Copy)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

/// `fmt % args` as Python computes it.
///
/// ```
/// use kolla_core::pycompat::printf::{percent_format, Args};
/// use minijinja::Value;
/// let args = [Value::from("db1"), Value::from(3306)];
/// assert_eq!(percent_format("%s:%d", Args::Tuple(&args)).unwrap(), "db1:3306");
/// let list = Value::from(vec![1, 2]);
/// assert_eq!(percent_format("%s", Args::One(&list)).unwrap(), "[1, 2]");
/// assert_eq!(percent_format("%05.1f|%-4x|%r", Args::Tuple(&[Value::from(2.25), Value::from(255), Value::from("a")])).unwrap(), "002.2|ff  |'a'");
/// ```
///
/// # Errors
/// Python's `TypeError` / `ValueError` messages: `not enough arguments for
/// format string`, `not all arguments converted during string formatting`,
/// `%d format: a real number is required, not str`, ...
pub fn percent_format(fmt: &str, args: Args<'_>) -> Result<String, String> {
    let (items, mapping): (&[Value], Option<&Value>) = match args {
        Args::Tuple(items) => (items, None),
        Args::One(v) => (
            std::slice::from_ref(v),
            matches!(v.kind(), ValueKind::Map | ValueKind::Seq).then_some(v),
        ),
    };
    let mut next = 0usize;
    let mut used_mapping = false;
    let take = |next: &mut usize| -> Result<Value, String> {
        let v = items
            .get(*next)
            .cloned()
            .ok_or_else(|| "not enough arguments for format string".to_string())?;
        *next += 1;
        Ok(v)
    };
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut chars = fmt.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // %(name)
        let mut keyed: Option<Value> = None;
        if chars.peek().map(|p| p.1) == Some('(') {
            chars.next();
            let mut depth = 1;
            let mut key = String::new();
            loop {
                let Some((_, k)) = chars.next() else {
                    return Err("incomplete format key".into());
                };
                match k {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                key.push(k);
            }
            let Some(map) = mapping else {
                return Err("format requires a mapping".into());
            };
            used_mapping = true;
            keyed = Some(
                map.get_item(&Value::from(key.as_str()))
                    .ok()
                    .filter(|v| !v.is_undefined())
                    .ok_or_else(|| format!("KeyError: {}", super::str_repr(&key)))?,
            );
        }
        let mut spec = Spec::default();
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            chars.next();
        }
        let number = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
                      next: &mut usize|
         -> Result<Option<usize>, String> {
            if chars.peek().map(|p| p.1) == Some('*') {
                chars.next();
                let v = take(next)?;
                let n = super::as_int(&v).ok_or_else(|| "* wants int".to_string())?;
                return Ok(Some(usize::try_from(n).unwrap_or(0)));
            }
            let mut n: Option<usize> = None;
            while let Some(&(_, d)) = chars.peek() {
                let Some(d) = d.to_digit(10) else { break };
                n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
                chars.next();
            }
            Ok(n)
        };
        spec.width = number(&mut chars, &mut next)?.unwrap_or(0);
        if chars.peek().map(|p| p.1) == Some('.') {
            chars.next();
            spec.precision = Some(number(&mut chars, &mut next)?.unwrap_or(0));
        }
        // Length modifiers are accepted and ignored, as in Python.
        while matches!(chars.peek().map(|p| p.1), Some('h' | 'l' | 'L')) {
            chars.next();
        }
        let Some((at, conv)) = chars.next() else {
            return Err("incomplete format".into());
        };
        if conv == '%' {
            out.push('%');
            continue;
        }
        let value = match keyed {
            Some(v) => v,
            None => take(&mut next)?,
        };
        let text = convert(conv, &value, &spec).map_err(|e| {
            if e.is_empty() {
                format!(
                    "unsupported format character '{conv}' (0x{:x}) at index {at}",
                    conv as u32
                )
            } else {
                e
            }
        })?;
        pad(&mut out, &text, &spec, conv);
    }
    if next < items.len() && mapping.is_none() && !used_mapping {
        return Err("not all arguments converted during string formatting".into());
    }
    Ok(out)
}

/// Python's type name of a value, for messages.
fn type_name(v: &Value) -> &'static str {
    match v.py_kind() {
        PyKind::None | PyKind::Undefined => "NoneType",
        PyKind::Bool(_) => "bool",
        PyKind::Int(_) => "int",
        PyKind::Float(_) => "float",
        PyKind::Str(_) => "str",
        PyKind::Bytes(_) => "bytes",
        PyKind::List => "list",
        PyKind::Dict => "dict",
        PyKind::Other { .. } => "object",
    }
}

/// A number for `%d`, `%x`, `%f`, ...: integers stay exact.
enum Num {
    Int(i128),
    Float(f64),
}

fn number(conv: char, v: &Value, integer: bool) -> Result<Num, String> {
    match v.py_kind() {
        PyKind::Bool(b) => Ok(Num::Int(i128::from(b))),
        PyKind::Int(i) => Ok(Num::Int(i)),
        PyKind::Float(_) if integer && matches!(conv, 'x' | 'X' | 'o') => {
            Err(format!("%{conv} format: an integer is required, not float"))
        }
        PyKind::Float(f) => Ok(Num::Float(f)),
        _ if matches!(conv, 'x' | 'X' | 'o') => Err(format!(
            "%{conv} format: an integer is required, not {}",
            type_name(v)
        )),
        _ => Err(format!(
            "%{conv} format: a real number is required, not {}",
            type_name(v)
        )),
    }
}

/// The text of one conversion before padding (signs included).
fn convert(conv: char, v: &Value, spec: &Spec) -> Result<String, String> {
    let sign = |neg: bool| {
        if neg {
            "-"
        } else if spec.plus {
            "+"
        } else if spec.space {
            " "
        } else {
            ""
        }
    };
    Ok(match conv {
        's' | 'r' | 'a' => {
            let mut s = if conv == 's' { py_str(v) } else { py_repr(v) };
            if conv == 'a' {
                s = s
                    .chars()
                    .map(|c| match c as u32 {
                        0..=0x7f => c.to_string(),
                        u @ 0x80..=0xff => format!("\\x{u:02x}"),
                        u @ 0x100..=0xffff => format!("\\u{u:04x}"),
                        u => format!("\\U{u:08x}"),
                    })
                    .collect();
            }
            match spec.precision {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            }
        }
        'd' | 'i' | 'u' => {
            let n = match number(conv, v, true)? {
                Num::Int(i) => i,
                Num::Float(f) if f.is_finite() => f.trunc() as i128,
                Num::Float(f) => {
                    return Err(if f.is_nan() {
                        "cannot convert float NaN to integer".into()
                    } else {
                        "cannot convert float infinity to integer".into()
                    })
                }
            };
            let digits = n.unsigned_abs().to_string();
            format!("{}{}", sign(n < 0), zero_fill(&digits, spec.precision))
        }
        'x' | 'X' | 'o' => {
            let Num::Int(n) = number(conv, v, true)? else {
                unreachable!("integer conversions reject floats")
            };
            let m = n.unsigned_abs();
            let (digits, prefix) = match conv {
                'x' => (format!("{m:x}"), "0x"),
                'X' => (format!("{m:X}"), "0X"),
                _ => (format!("{m:o}"), "0o"),
            };
            let prefix = if spec.alt { prefix } else { "" };
            format!(
                "{}{prefix}{}",
                sign(n < 0),
                zero_fill(&digits, spec.precision)
            )
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let f = match number(conv, v, false)? {
                Num::Int(i) => i as f64,
                Num::Float(f) => f,
            };
            let body = float_conv(f.abs(), conv, spec.precision.unwrap_or(6), spec.alt);
            format!("{}{body}", sign(f.is_sign_negative() && !f.is_nan()))
        }
        'c' => match v.py_kind() {
            PyKind::Str(s) if s.chars().count() == 1 => s.into_owned(),
            PyKind::Str(_) => return Err("%c requires int or char".into()),
            PyKind::Int(i) => u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| "%c arg not in range(0x110000)".to_string())?
                .to_string(),
            _ => return Err("%c requires int or char".into()),
        },
        _ => return Err(String::new()),
    })
}

fn zero_fill(digits: &str, precision: Option<usize>) -> String {
    match precision {
        Some(p) if p > digits.len() => format!("{}{digits}", "0".repeat(p - digits.len())),
        _ => digits.to_string(),
    }
}

/// `%e`, `%f`, `%g` of a non-negative float.
fn float_conv(f: f64, conv: char, precision: usize, alt: bool) -> String {
    let upper = conv.is_ascii_uppercase();
    if !f.is_finite() {
        let s = if f.is_nan() { "nan" } else { "inf" };
        return if upper { s.to_uppercase() } else { s.into() };
    }
    let text = match conv.to_ascii_lowercase() {
        'f' => {
            let s = format!("{f:.precision$}");
            if alt && precision == 0 {
                format!("{s}.")
            } else {
                s
            }
        }
        'e' => exp_text(f, precision, alt),
        _ => {
            let p = precision.max(1);
            // The exponent after rounding to p significant digits.
            let e = format!("{:.*e}", p - 1, f);
            let x: i32 = e.split_once('e').map_or(0, |(_, x)| x.parse().unwrap_or(0));
            let s = if x >= -4 && x < p as i32 {
                format!("{f:.*}", (p as i32 - 1 - x).max(0) as usize)
            } else {
                exp_text(f, p - 1, alt)
            };
            if alt {
                s
            } else {
                strip_zeros(&s)
            }
        }
    };
    if upper {
        text.to_uppercase()
    } else {
        text
    }
}

/// `1.500000e+00`: Python's exponent has a sign and at least two digits.
fn exp_text(f: f64, precision: usize, alt: bool) -> String {
    let s = format!("{f:.precision$e}");
    let (mant, x) = s.split_once('e').unwrap_or((&s, "0"));
    let x: i32 = x.parse().unwrap_or(0);
    let dot = if alt && precision == 0 { "." } else { "" };
    format!(
        "{mant}{dot}e{}{:02}",
        if x < 0 { '-' } else { '+' },
        x.abs()
    )
}

/// `%g` without `#`: no trailing zeros after the point, nor a bare point.
fn strip_zeros(s: &str) -> String {
    let (mant, exp) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let mant = if mant.contains('.') {
        mant.trim_end_matches('0').trim_end_matches('.')
    } else {
        mant
    };
    format!("{mant}{exp}")
}

/// Pads `text` to the width: left-justified with `-`, zero-filled after
/// the sign (and prefix) with `0` for numbers, else right-justified.
fn pad(out: &mut String, text: &str, spec: &Spec, conv: char) {
    let len = text.chars().count();
    if len >= spec.width {
        out.push_str(text);
        return;
    }
    let fill = spec.width - len;
    let numeric = !matches!(conv, 's' | 'r' | 'a' | 'c');
    if spec.left {
        out.push_str(text);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if spec.zero && numeric && !text.ends_with("inf") && !text.ends_with("nan") {
        let mut split = text
            .find(|c: char| !matches!(c, '+' | '-' | ' '))
            .unwrap_or(0);
        if text[split..].starts_with("0x")
            || text[split..].starts_with("0X")
            || text[split..].starts_with("0o")
        {
            split += 2;
        }
        out.push_str(&text[..split]);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(&text[split..]);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(fmt: &str, args: &[Value]) -> Result<String, String> {
        percent_format(fmt, Args::Tuple(args))
    }

    #[test]
    fn like_python() {
        let v = |x: serde_json::Value| Value::from_serialize(x);
        assert_eq!(
            t("%s:%d", &[v("h".into()), v(5672.into())]).unwrap(),
            "h:5672"
        );
        assert_eq!(
            t("%s|%r", &[v(true.into()), v(serde_json::Value::Null)]).unwrap(),
            "True|None"
        );
        assert_eq!(
            t(
                "%5s|%-5s|%.2s",
                &[v("ab".into()), v("ab".into()), v("abc".into())]
            )
            .unwrap(),
            "   ab|ab   |ab"
        );
        assert_eq!(
            t(
                "%+d %05d % d %d",
                &[v(3.into()), v((-42).into()), v(7.into()), v(2.9.into())]
            )
            .unwrap(),
            "+3 -0042  7 2"
        );
        assert_eq!(
            t(
                "%#x %X %#o %.3d",
                &[v(255.into()), v(255.into()), v(8.into()), v(5.into())]
            )
            .unwrap(),
            "0xff FF 0o10 005"
        );
        assert_eq!(
            t(
                "%f %.2f %e %.3E",
                &[
                    v(1.5.into()),
                    v(2.675.into()),
                    v(12345.678.into()),
                    v(0.00012.into())
                ]
            )
            .unwrap(),
            "1.500000 2.67 1.234568e+04 1.200E-04"
        );
        assert_eq!(
            t(
                "%g %g %g %g %.3g",
                &[
                    v(0.0001.into()),
                    v(1e-5.into()),
                    v(123456.0.into()),
                    v(1234567.0.into()),
                    v(2.0.into())
                ]
            )
            .unwrap(),
            "0.0001 1e-05 123456 1.23457e+06 2"
        );
        assert_eq!(
            t("100%% %c%c", &[v("x".into()), v(65.into())]).unwrap(),
            "100% xA"
        );
        assert_eq!(
            t(
                "%*d|%-*d",
                &[v(4.into()), v(1.into()), v(3.into()), v(2.into())]
            )
            .unwrap(),
            "   1|2  "
        );
        assert_eq!(
            t("%s %s", &[v(1.into())]).unwrap_err(),
            "not enough arguments for format string"
        );
        assert_eq!(
            t("%s", &[v(1.into()), v(2.into())]).unwrap_err(),
            "not all arguments converted during string formatting"
        );
        assert_eq!(
            t("%d", &[v("x".into())]).unwrap_err(),
            "%d format: a real number is required, not str"
        );
        let m = v(serde_json::json!({"a": 1, "b": "x"}));
        assert_eq!(
            percent_format("%(b)s=%(a)03d", Args::One(&m)).unwrap(),
            "x=001"
        );
        assert_eq!(
            percent_format("%s", Args::One(&m)).unwrap(),
            "{'a': 1, 'b': 'x'}"
        );
        let l = v(serde_json::json!([1, 2]));
        assert_eq!(percent_format("%s", Args::One(&l)).unwrap(), "[1, 2]");
        assert_eq!(
            percent_format("x", Args::One(&v(1.into()))).unwrap_err(),
            "not all arguments converted during string formatting"
        );
    }
}
