//! Python's `json.dumps`: the one JSON string escaper, the fixed form
//! `ansible-inventory` prints (`sort_keys=True, indent=4`, written straight
//! from JSON values without building a copy) and the general form with the
//! options Ansible's `to_json` / `to_nice_json` filters pass ([`py_json`]).

use minijinja::value::ValueKind;
use serde_json::Value;

use super::float::float_repr;
use super::value::{PyKind, PyValue};

fn num_text(n: &serde_json::Number) -> String {
    if n.is_f64() {
        float_repr(n.as_f64().unwrap_or(0.0))
    } else {
        n.to_string()
    }
}

/// Appends a JSON string the way Python's json module writes it with
/// `ensure_ascii=False` (what ansible-inventory's encoder does): only `"`,
/// `\\` and control characters are escaped.
pub(crate) fn json_string(out: &mut String, s: &str) {
    json_str(out, s, false)
}

/// Appends a JSON string as Python's json module writes it: `"`, `\\` and
/// control characters escaped, and with `ensure_ascii` everything beyond
/// ASCII as `\uXXXX` (UTF-16 surrogate pairs above the BMP).
pub fn json_str(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    if !s
        .bytes()
        .any(|b| b < 0x20 || b == b'"' || b == b'\\' || (ensure_ascii && b > 0x7e))
    {
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
            c if ensure_ascii && (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
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

/// Options of Python's `json.dumps` that Ansible's filters use.
#[derive(Debug, Clone, Default)]
pub struct JsonOptions {
    /// `indent`: pretty-print with this many spaces (`None`: one line).
    pub indent: Option<usize>,
    /// `sort_keys`.
    pub sort_keys: bool,
    /// `separators`: item and key separators; `None` picks Python's
    /// defaults (`", "`/`": "` on one line, `","`/`": "` when indenting).
    pub separators: Option<(String, String)>,
    /// `ensure_ascii` (Python's default is true).
    pub ensure_ascii: bool,
}

/// Python's `json.dumps(value, ...)` of a template value.
///
/// ```
/// use kolla_core::pycompat::json::{py_json, JsonOptions};
/// let v = minijinja::Value::from_serialize(serde_json::json!({"b": [1, 2.0], "a": "é"}));
/// let o = JsonOptions { ensure_ascii: true, ..Default::default() };
/// assert_eq!(py_json(&v, &o), r#"{"b": [1, 2.0], "a": "\u00e9"}"#);
/// ```
pub fn py_json(value: &minijinja::Value, opts: &JsonOptions) -> String {
    let mut out = String::new();
    let (item_sep, key_sep) = opts.separators.clone().unwrap_or_else(|| {
        if opts.indent.is_some() {
            (",".into(), ": ".into())
        } else {
            (", ".into(), ": ".into())
        }
    });
    write_json(value, opts, (&item_sep, &key_sep), 0, &mut out);
    out
}

/// A number as `json.dumps` writes it.
fn json_number(kind: &PyKind<'_>) -> String {
    match kind {
        PyKind::Int(i) => i.to_string(),
        PyKind::Float(f) if f.is_nan() => "NaN".into(),
        PyKind::Float(f) if f.is_infinite() => {
            if *f > 0.0 { "Infinity" } else { "-Infinity" }.into()
        }
        PyKind::Float(f) => float_repr(*f),
        _ => String::new(),
    }
}

fn write_json(
    value: &minijinja::Value,
    opts: &JsonOptions,
    seps: (&str, &str),
    level: usize,
    out: &mut String,
) {
    let (item_sep, key_sep) = seps;
    let newline = |out: &mut String, level: usize| {
        if let Some(n) = opts.indent {
            out.push('\n');
            out.push_str(&" ".repeat(n * level));
        }
    };
    let kind = value.py_kind();
    match kind {
        PyKind::Undefined | PyKind::None => out.push_str("null"),
        PyKind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        PyKind::Int(_) | PyKind::Float(_) => out.push_str(&json_number(&kind)),
        PyKind::Str(s) => json_str(out, &s, opts.ensure_ascii),
        PyKind::Dict => {
            let mut keys: Vec<minijinja::Value> =
                value.try_iter().map(|i| i.collect()).unwrap_or_default();
            if keys.is_empty() {
                out.push_str("{}");
                return;
            }
            if opts.sort_keys {
                keys.sort();
            }
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                newline(out, level + 1);
                let ks = match k.kind() {
                    ValueKind::String => k.as_str().unwrap_or_default().to_string(),
                    ValueKind::Bool => if k.is_true() { "true" } else { "false" }.into(),
                    ValueKind::None => "null".into(),
                    _ => json_number(&k.py_kind()),
                };
                json_str(out, &ks, opts.ensure_ascii);
                out.push_str(key_sep);
                let v = value.get_item(k).unwrap_or_default();
                write_json(&v, opts, seps, level + 1, out);
            }
            newline(out, level);
            out.push('}');
        }
        _ => {
            let items: Vec<minijinja::Value> =
                value.try_iter().map(|i| i.collect()).unwrap_or_default();
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                newline(out, level + 1);
                write_json(v, opts, seps, level + 1, out);
            }
            newline(out, level);
            out.push(']');
        }
    }
}
