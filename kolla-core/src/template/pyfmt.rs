//! How template values print: the environment's formatter (Python's
//! `str()`, see [`crate::pycompat`]) and the YAML node tree `to_yaml` dumps.

use minijinja::value::{Value, ValueKind};
use minijinja::{Error, Output, State};

use crate::pycompat::{as_int, py_str};

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
