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

/// Adds the groups of a YAML inventory document to `data`.
pub(crate) fn parse(data: &mut Data, origin: &str, doc: &Map<String, Value>) -> Result<(), Error> {
    for (name, group) in doc {
        parse_group(data, origin, name, group)?;
    }
    Ok(())
}

fn fail(origin: &str, message: String) -> Error {
    Error::Source {
        path: origin.to_string(),
        message,
    }
}

fn parse_group(
    data: &mut Data,
    origin: &str,
    name: &str,
    body: &Value,
) -> Result<Option<usize>, Error> {
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
                    origin,
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
                for (k, v) in entries {
                    data.set_variable(name, k, v.clone())
                        .map_err(|m| fail(origin, m))?;
                }
            }
            "children" => {
                for (child, child_body) in entries {
                    if let Some(c) = parse_group(data, origin, child, child_body)? {
                        data.add_child_group(g, c).map_err(|m| fail(origin, m))?;
                    } else {
                        return Err(fail(origin, format!("{child} is not a known host nor group")));
                    }
                }
            }
            "hosts" => {
                for (pattern, vars) in entries {
                    let (hosts, port) = hostrange::expand_hostpattern(pattern, data.host_entries)
                        .map_err(|m| fail(origin, format!("{pattern}: {m}")))?;
                    let vars = match vars {
                        Value::Null => Map::new(),
                        Value::Object(m) => m.clone(),
                        other => {
                            return Err(fail(
                                origin,
                                format!(
                                    "Invalid data from file, expected dictionary and got:\n\n{}",
                                    crate::pycompat::py_str(other)
                                ),
                            ))
                        }
                    };
                    let vars = std::sync::Arc::new(vars);
                    for h in &hosts {
                        let hi = data.add_host(h, Some(g), port).map_err(|m| fail(origin, m))?;
                        data.set_host_vars(hi, &vars).map_err(|m| fail(origin, m))?;
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
