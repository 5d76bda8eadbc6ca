//! Python's `str()` and `repr()` of values, for every value type of the
//! crate: JSON values (inventory, container parameters), template values
//! and YAML nodes each say what Python object they stand for
//! ([`PyValue`]); [`py_repr`] and [`py_str`] are written once.

use std::borrow::Cow;

use super::float::float_repr;
use super::text::repr as str_repr;

/// What Python object a value stands for, as far as its text is concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum PyKind<'a> {
    /// `None`.
    None,
    /// An undefined template value: `None` in a `repr`, empty as `str()`.
    Undefined,
    /// `True` / `False`.
    Bool(bool),
    /// An `int`.
    Int(i128),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(Cow<'a, str>),
    /// A `bytes` object.
    Bytes(Cow<'a, [u8]>),
    /// A `list` (its items through [`PyValue::py_items`]).
    List,
    /// A `dict` (its entries through [`PyValue::py_entries`]).
    Dict,
    /// Any other object, with its own `repr()` and `str()` (e.g. a
    /// `datetime.date`).
    Other {
        /// `repr(value)`.
        repr: String,
        /// `str(value)`.
        str: String,
    },
}

/// A value that stands for a Python object.
pub trait PyValue: Sized {
    /// The kind of object.
    fn py_kind(&self) -> PyKind<'_>;
    /// Calls `f` with each item of a [`PyKind::List`], in order.
    fn py_items(&self, f: &mut dyn FnMut(&Self));
    /// Calls `f` with each key and value of a [`PyKind::Dict`], in order.
    fn py_entries(&self, f: &mut dyn FnMut(&Self, &Self));
}

/// Python's `repr()` of a value (`{'y': [1, 2]}`, `'it\'s'`, `None`).
///
/// ```
/// use kolla_core::pycompat::py_repr;
/// let v = serde_json::json!([1, "a'b", null, true, {"k": 1.0}]);
/// assert_eq!(py_repr(&v), "[1, \"a'b\", None, True, {'k': 1.0}]");
/// let n = kolla_core::yaml::node::load_node("t", "a: [1, 'x', null, true, 1.5]\nb: \"it's\"\n").unwrap();
/// assert_eq!(py_repr(&n), r#"{'a': [1, 'x', None, True, 1.5], 'b': "it's"}"#);
/// ```
pub fn py_repr<V: PyValue>(value: &V) -> String {
    let mut out = String::new();
    write_repr(value, &mut out);
    out
}

/// Python's `str()` of a value: a string as it is, an undefined value as
/// nothing, other objects their own `str()`, everything else its `repr()`.
///
/// ```
/// use kolla_core::pycompat::py_str;
/// assert_eq!(py_str(&serde_json::json!("x")), "x");
/// assert_eq!(py_str(&serde_json::json!({"a": [true, null]})), "{'a': [True, None]}");
/// ```
pub fn py_str<V: PyValue>(value: &V) -> String {
    match value.py_kind() {
        PyKind::Str(s) => s.into_owned(),
        PyKind::Undefined => String::new(),
        PyKind::Other { str, .. } => str,
        _ => py_repr(value),
    }
}

/// Appends [`py_repr`] of `value` to `out`.
pub fn write_repr<V: PyValue>(value: &V, out: &mut String) {
    match value.py_kind() {
        PyKind::None | PyKind::Undefined => out.push_str("None"),
        PyKind::Bool(b) => out.push_str(if b { "True" } else { "False" }),
        PyKind::Int(i) => out.push_str(&i.to_string()),
        PyKind::Float(f) => out.push_str(&float_repr(f)),
        PyKind::Str(s) => out.push_str(&str_repr(&s)),
        PyKind::Bytes(b) => {
            out.push_str("b'");
            for b in b.iter() {
                match b {
                    b' '..=b'~' if *b != b'\'' && *b != b'\\' => out.push(*b as char),
                    _ => out.push_str(&format!("\\x{b:02x}")),
                }
            }
            out.push('\'');
        }
        PyKind::Other { repr, .. } => out.push_str(&repr),
        PyKind::List => {
            out.push('[');
            let mut first = true;
            value.py_items(&mut |v| {
                if !std::mem::take(&mut first) {
                    out.push_str(", ");
                }
                write_repr(v, out);
            });
            out.push(']');
        }
        PyKind::Dict => {
            out.push('{');
            let mut first = true;
            value.py_entries(&mut |k, v| {
                if !std::mem::take(&mut first) {
                    out.push_str(", ");
                }
                write_repr(k, out);
                out.push_str(": ");
                write_repr(v, out);
            });
            out.push('}');
        }
    }
}

impl PyValue for serde_json::Value {
    fn py_kind(&self) -> PyKind<'_> {
        use serde_json::Value;
        match self {
            Value::Null => PyKind::None,
            Value::Bool(b) => PyKind::Bool(*b),
            Value::Number(n) => match n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)) {
                Some(i) if !n.is_f64() => PyKind::Int(i),
                _ => PyKind::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => PyKind::Str(Cow::Borrowed(s)),
            Value::Array(_) => PyKind::List,
            Value::Object(_) => PyKind::Dict,
        }
    }

    fn py_items(&self, f: &mut dyn FnMut(&Self)) {
        if let serde_json::Value::Array(items) = self {
            items.iter().for_each(f);
        }
    }

    fn py_entries(&self, f: &mut dyn FnMut(&Self, &Self)) {
        if let serde_json::Value::Object(m) = self {
            for (k, v) in m {
                f(&serde_json::Value::String(k.clone()), v);
            }
        }
    }
}

impl PyValue for minijinja::Value {
    fn py_kind(&self) -> PyKind<'_> {
        use minijinja::value::ValueKind;
        match self.kind() {
            ValueKind::Undefined => PyKind::Undefined,
            ValueKind::None => PyKind::None,
            ValueKind::Bool => PyKind::Bool(self.is_true()),
            ValueKind::Number => match as_int(self) {
                Some(i) => PyKind::Int(i),
                None => PyKind::Float(f64::try_from(self.clone()).unwrap_or(f64::NAN)),
            },
            ValueKind::String => PyKind::Str(Cow::Borrowed(self.as_str().unwrap_or_default())),
            ValueKind::Bytes => PyKind::Bytes(Cow::Borrowed(self.as_bytes().unwrap_or_default())),
            ValueKind::Map => PyKind::Dict,
            _ => PyKind::List,
        }
    }

    fn py_items(&self, f: &mut dyn FnMut(&Self)) {
        if let Ok(items) = self.try_iter() {
            for v in items {
                f(&v);
            }
        }
    }

    fn py_entries(&self, f: &mut dyn FnMut(&Self, &Self)) {
        if let Ok(keys) = self.try_iter() {
            for k in keys {
                let v = self.get_item(&k).unwrap_or_default();
                f(&k, &v);
            }
        }
    }
}

/// A template value as an integer, when it is one (not a float, not a bool).
pub fn as_int(value: &minijinja::Value) -> Option<i128> {
    if value.kind() != minijinja::value::ValueKind::Number || !value.is_integer() {
        return None;
    }
    i128::try_from(value.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_like_python() {
        let v = serde_json::json!([1, "a'b", null, true, {"k": 1.0}]);
        assert_eq!(py_repr(&v), "[1, \"a'b\", None, True, {'k': 1.0}]");
        let t =
            minijinja::Value::from_serialize(serde_json::json!({"a": [1, "x", null, true, 2.5]}));
        assert_eq!(py_repr(&t), "{'a': [1, 'x', None, True, 2.5]}");
        assert_eq!(py_str(&minijinja::Value::UNDEFINED), "");
        assert_eq!(py_repr(&minijinja::Value::UNDEFINED), "None");
        assert_eq!(
            py_repr(&minijinja::Value::from_bytes(b"a'\x00".to_vec())),
            "b'a\\x27\\x00'"
        );
    }
}
