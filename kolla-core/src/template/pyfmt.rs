//! Python's text forms of template values: `str()`, `repr()` and
//! `json.dumps()`, so rendered output matches what Ansible's Jinja2 prints.

use minijinja::value::{Value, ValueKind};
use minijinja::{Error, Output, State};

use crate::pytext::repr as py_str_repr;
use crate::yaml::dump::py_float_repr;

/// The environment's formatter: prints `{{ value }}` as Python's `str()`.
///
/// # Errors
/// Writing failed, or the value is undefined (strict mode).
pub fn formatter(out: &mut Output<'_>, state: &State<'_, '_>, value: &Value) -> Result<(), Error> {
    if value.is_undefined() && state.undefined_behavior() == minijinja::UndefinedBehavior::Strict {
        return Err(Error::from(minijinja::ErrorKind::UndefinedError));
    }
    if value.is_none() {
        // Ansible 2.19 prints a bare `None` result as nothing.
        return Ok(());
    }
    write!(out, "{}", py_str(value)).map_err(Error::from)
}

/// Python's `str()` of a value: strings as is, `True`, `None`, reprs of
/// containers.
pub fn py_str(value: &Value) -> String {
    match value.kind() {
        ValueKind::String => value.as_str().unwrap_or_default().to_string(),
        ValueKind::Undefined => String::new(),
        _ => py_repr(value),
    }
}

/// Python's `repr()` of a value.
///
/// ```
/// use minijinja::Value;
/// use kolla_core::template::pyfmt::py_repr;
/// let v = Value::from_serialize(serde_json::json!({"a": [1, "x", null, true, 2.5]}));
/// assert_eq!(py_repr(&v), "{'a': [1, 'x', None, True, 2.5]}");
/// ```
pub fn py_repr(value: &Value) -> String {
    let mut s = String::new();
    write_repr(value, &mut s);
    s
}

fn write_repr(value: &Value, out: &mut String) {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("None"),
        ValueKind::Bool => out.push_str(if value.is_true() { "True" } else { "False" }),
        ValueKind::Number => out.push_str(&number_text(value)),
        ValueKind::String => out.push_str(&py_str_repr(value.as_str().unwrap_or_default())),
        ValueKind::Bytes => {
            out.push_str("b'");
            for b in value.as_bytes().unwrap_or_default() {
                match b {
                    b' '..=b'~' if *b != b'\'' && *b != b'\\' => out.push(*b as char),
                    _ => out.push_str(&format!("\\x{b:02x}")),
                }
            }
            out.push('\'');
        }
        ValueKind::Map => {
            out.push('{');
            if let Ok(keys) = value.try_iter() {
                for (i, k) in keys.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(&k, out);
                    out.push_str(": ");
                    let v = value.get_item(&k).unwrap_or_default();
                    write_repr(&v, out);
                }
            }
            out.push('}');
        }
        _ => {
            out.push('[');
            if let Ok(items) = value.try_iter() {
                for (i, v) in items.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(&v, out);
                }
            }
            out.push(']');
        }
    }
}

/// Integers as digits, floats as Python's `repr`.
pub fn number_text(value: &Value) -> String {
    if let Some(i) = as_int(value) {
        return i.to_string();
    }
    match f64::try_from(value.clone()) {
        Ok(f) => py_float_repr(f),
        Err(_) => value.to_string(),
    }
}

/// The value as an integer, when it is one (not a float, not a bool).
pub fn as_int(value: &Value) -> Option<i128> {
    if value.kind() != ValueKind::Number || !value.is_integer() {
        return None;
    }
    i128::try_from(value.clone()).ok()
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

/// Python's `json.dumps(value, ...)`.
///
/// ```
/// use kolla_core::template::pyfmt::{py_json, JsonOptions};
/// let v = minijinja::Value::from_serialize(serde_json::json!({"b": [1, 2.0], "a": "é"}));
/// let o = JsonOptions { ensure_ascii: true, ..Default::default() };
/// assert_eq!(py_json(&v, &o), r#"{"b": [1, 2.0], "a": "\u00e9"}"#);
/// ```
pub fn py_json(value: &Value, opts: &JsonOptions) -> String {
    let mut out = String::new();
    let (item_sep, key_sep) = opts.separators.clone().unwrap_or_else(|| {
        if opts.indent.is_some() {
            (",".into(), ": ".into())
        } else {
            (", ".into(), ": ".into())
        }
    });
    write_json(value, opts, &item_sep, &key_sep, 0, &mut out);
    out
}

fn json_str(s: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii && (c as u32) > 0x7e => {
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

fn write_json(
    value: &Value,
    opts: &JsonOptions,
    item_sep: &str,
    key_sep: &str,
    level: usize,
    out: &mut String,
) {
    let newline = |out: &mut String, level: usize| {
        if let Some(n) = opts.indent {
            out.push('\n');
            out.push_str(&" ".repeat(n * level));
        }
    };
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("null"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => {
            let t = number_text(value);
            out.push_str(match t.as_str() {
                "inf" => "Infinity",
                "-inf" => "-Infinity",
                "nan" => "NaN",
                other => other,
            })
        }
        ValueKind::String => json_str(value.as_str().unwrap_or_default(), opts.ensure_ascii, out),
        ValueKind::Map => {
            let mut keys: Vec<Value> = value.try_iter().map(|i| i.collect()).unwrap_or_default();
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
                    _ => number_text(k),
                };
                json_str(&ks, opts.ensure_ascii, out);
                out.push_str(key_sep);
                let v = value.get_item(k).unwrap_or_default();
                write_json(&v, opts, item_sep, key_sep, level + 1, out);
            }
            newline(out, level);
            out.push('}');
        }
        _ => {
            let items: Vec<Value> = value.try_iter().map(|i| i.collect()).unwrap_or_default();
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
                write_json(v, opts, item_sep, key_sep, level + 1, out);
            }
            newline(out, level);
            out.push(']');
        }
    }
}

/// Converts a template value into a YAML node tree (for `to_yaml`).
pub fn to_node(value: &Value) -> crate::yaml::node::Node {
    use crate::yaml::node::{Mapping, Node};
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => Node::Null,
        ValueKind::Bool => Node::Bool(value.is_true()),
        ValueKind::Number => match as_int(value) {
            Some(i) => Node::Int(i),
            None => Node::Float(f64::try_from(value.clone()).unwrap_or(f64::NAN)),
        },
        ValueKind::String => Node::Str(value.as_str().unwrap_or_default().to_string()),
        ValueKind::Map => {
            let mut m = Mapping::new();
            if let Ok(keys) = value.try_iter() {
                for k in keys {
                    let v = value.get_item(&k).unwrap_or_default();
                    m.insert(to_node(&k), to_node(&v), 0);
                }
            }
            Node::Map(std::rc::Rc::new(std::cell::RefCell::new(m)))
        }
        ValueKind::Bytes => {
            Node::Str(String::from_utf8_lossy(value.as_bytes().unwrap_or_default()).into())
        }
        _ => Node::new_seq(
            value
                .try_iter()
                .map(|i| i.map(|v| to_node(&v)).collect())
                .unwrap_or_default(),
        ),
    }
}
