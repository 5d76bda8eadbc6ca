//! YAML inventories (`all: {hosts, children, vars}`), read as Ansible's
//! `yaml` inventory plugin reads them.

use serde_json::{Map, Value};

use super::data::Data;
use super::{hostrange, py_type_name, Error};

/// Why a YAML document is not a YAML inventory (the next plugin is tried).
pub(crate) enum NotYamlInventory {
    /// Not YAML, empty, not a mapping, or a plugin configuration file.
    Skip,
}

/// Checks that `doc` looks like a YAML inventory.
pub(crate) fn accepts(doc: &Value) -> Result<&Map<String, Value>, NotYamlInventory> {
    match doc {
        Value::Object(m) if !m.is_empty() => match m.get("plugin") {
            Some(v) if truthy(v) => Err(NotYamlInventory::Skip),
            _ => Ok(m),
        },
        _ => Err(NotYamlInventory::Skip),
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Adds the groups of a YAML inventory document to `data`. With the
/// document's `text`, a structure error names `origin:line:col` of the
/// offending key (the text is loaded again, with positions, only when there
/// is an error to report); without it, `origin` alone.
pub(crate) fn parse_text(
    data: &mut Data,
    origin: &str,
    doc: &Map<String, Value>,
    text: Option<&str>,
) -> Result<(), Error> {
    for (name, group) in doc {
        parse_group(data, std::slice::from_ref(name), name, group)
            .map_err(|f| f.into_error(origin, text))?;
    }
    Ok(())
}

/// A structure error and the keys leading to the offending entry.
struct Fail {
    keys: Vec<String>,
    message: String,
}

impl Fail {
    fn into_error(self, origin: &str, text: Option<&str>) -> Error {
        match text.and_then(|t| locate(origin, t, &self.keys)) {
            Some((line, column)) => Error::Parse {
                location: crate::error::Location::new(origin, line).with_column(column),
                message: self.message,
            },
            None => Error::Source {
                path: origin.to_string(),
                message: self.message,
            },
        }
    }
}

fn fail(at: &[String], last: &str, message: String) -> Fail {
    let mut keys = at.to_vec();
    keys.push(last.to_string());
    Fail { keys, message }
}

/// Line and column of the entry reached by `keys`, or of the deepest entry
/// on the way when the rest is not a mapping (a string shorthand).
fn locate(origin: &str, text: &str, keys: &[String]) -> Option<(usize, usize)> {
    use crate::yaml::node::{load_node, Node};
    let mut node = load_node(origin, text).ok()?;
    let mut found = None;
    for key in keys {
        let Node::Map(m) = node else { break };
        let entry = m
            .borrow()
            .iter()
            .filter(|e| match &e.key {
                Node::Str(s) => s == key,
                other => match other.to_json() {
                    Value::String(s) => &s == key,
                    v => &v.to_string() == key,
                },
            })
            .last()
            .cloned();
        let Some(entry) = entry else { break };
        if entry.line > 0 {
            found = Some((entry.line, entry.column.max(1)));
        }
        node = entry.value;
    }
    found
}

fn parse_group(
    data: &mut Data,
    at: &[String],
    name: &str,
    body: &Value,
) -> Result<Option<usize>, Fail> {
    if !matches!(body, Value::Null | Value::Object(_)) {
        data.warn(format!(
            "Skipping '{name}' as this is not a valid group definition"
        ));
        return Ok(None);
    }
    let g = data.add_group(name);
    let Value::Object(body) = body else {
        return Ok(Some(g));
    };
    // Strings are allowed as shorthand for a one-key mapping.
    let mut body = body.clone();
    for section in ["vars", "children", "hosts"] {
        if let Some(v) = body.get_mut(section) {
            if let Value::String(s) = v {
                let mut m = Map::new();
                m.insert(s.clone(), Value::Null);
                *v = Value::Object(m);
            }
            if !matches!(v, Value::Object(_) | Value::Null) {
                return Err(fail(
                    at,
                    section,
                    format!(
                        "Invalid \"{section}\" entry for \"{name}\" group, requires a dictionary, found \"{}\" instead.",
                        py_type_name(v)
                    ),
                ));
            }
        }
    }
    for (key, value) in &body {
        let Value::Object(entries) = value else {
            if !value.is_null() {
                data.warn(format!(
                    "Skipping key ({key}) in group ({name}) as it is not a mapping, it is a {}",
                    py_type_name(value)
                ));
            }
            continue;
        };
        match key.as_str() {
            "vars" => {
                let at = [at, &["vars".to_string()]].concat();
                for (k, v) in entries {
                    data.set_variable(name, k, v.clone())
                        .map_err(|m| fail(&at, k, m))?;
                }
            }
            "children" => {
                let at = [at, &["children".to_string()]].concat();
                for (child, child_body) in entries {
                    let child_at = [at.as_slice(), std::slice::from_ref(child)].concat();
                    if let Some(c) = parse_group(data, &child_at, child, child_body)? {
                        data.add_child_group(g, c).map_err(|m| fail(&at, child, m))?;
                    } else {
                        return Err(fail(&at, child, format!("{child} is not a known host nor group")));
                    }
                }
            }
            "hosts" => {
                let at = [at, &["hosts".to_string()]].concat();
                for (pattern, vars) in entries {
                    let (hosts, port) = hostrange::expand_hostpattern(pattern, data.host_entries)
                        .map_err(|m| fail(&at, pattern, format!("{pattern}: {m}")))?;
                    let vars = match vars {
                        Value::Null => Map::new(),
                        Value::Object(m) => m.clone(),
                        other => {
                            return Err(fail(
                                &at,
                                pattern,
                                format!(
                                    "Invalid data from file, expected dictionary and got:\n\n{}",
                                    crate::pycompat::py_str(other)
                                ),
                            ))
                        }
                    };
                    let vars = std::sync::Arc::new(vars);
                    for h in &hosts {
                        let hi = data
                            .add_host(h, Some(g), port)
                            .map_err(|m| fail(&at, pattern, m))?;
                        data.set_host_vars(hi, &vars)
                            .map_err(|m| fail(&at, pattern, m))?;
                    }
                }
            }
            other => data.warn(format!(
                "Skipping unexpected key ({other}) in group ({name}), only \"vars\", \"children\" and \"hosts\" are valid"
            )),
        }
    }
    Ok(Some(g))
}
