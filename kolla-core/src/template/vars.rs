//! Variables for rendering: `--vars FILE` and `-e` extra vars, layered the
//! way `ansible-playbook -e` layers them (later wins, top-level keys replace).

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, IoError};

/// Variables built up from files and extra-var strings; later ones win.
///
/// ```
/// let mut vars = kolla_core::template::Vars::new();
/// vars.add_extra("openstack_release=2025.1 enable_cinder=yes").unwrap();
/// vars.add_extra(r#"{"api_interface": "eth0", "workers": 4}"#).unwrap();
/// let v = vars.into_value();
/// assert_eq!(v["openstack_release"], "2025.1");
/// assert_eq!(v["enable_cinder"], "yes"); // key=value pairs are strings, as in Ansible
/// assert_eq!(v["workers"], 4);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vars {
    map: Map<String, Value>,
}

impl Vars {
    /// No variables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every top-level key of a YAML (or JSON) mapping file.
    ///
    /// # Errors
    /// The file cannot be read, is not valid YAML (with its line), or its top
    /// level is not a mapping.
    pub fn add_file(&mut self, path: &Path) -> Result<(), Error> {
        let text = std::fs::read_to_string(path).map_err(|e| IoError::new(path, e))?;
        let origin = path.display().to_string();
        let value = crate::yaml::load_data(&origin, &text)?;
        self.add_value(&origin, value)
    }

    /// Adds one `-e` argument: `@FILE`, a YAML/JSON mapping (`{...}`), or
    /// whitespace-separated `key=value` pairs (values stay strings; quotes
    /// group words, as Ansible's key=value parser does).
    ///
    /// # Errors
    /// A malformed argument names `-e` and says what is wrong.
    pub fn add_extra(&mut self, arg: &str) -> Result<(), Error> {
        let trimmed = arg.trim_start();
        if let Some(file) = trimmed.strip_prefix('@') {
            return self.add_file(Path::new(file));
        }
        if trimmed.starts_with('{') {
            let value = crate::yaml::load_data("-e", trimmed)?;
            return self.add_value("-e", value);
        }
        for pair in
            crate::pycompat::shlex::split(arg, false).map_err(|m| bad_extra(arg, m.into()))?
        {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| bad_extra(arg, format!("`{pair}` is not key=value")))?;
            if k.is_empty() {
                return Err(bad_extra(arg, "empty variable name".into()));
            }
            self.map.insert(k.to_string(), Value::String(v.to_string()));
        }
        Ok(())
    }

    /// Adds every key of a mapping value; `origin` names it in errors.
    ///
    /// # Errors
    /// The value is not a mapping (an empty document counts as an empty one).
    pub fn add_value(&mut self, origin: &str, value: Value) -> Result<(), Error> {
        match value {
            Value::Object(m) => {
                self.map.extend(m);
                Ok(())
            }
            Value::Null => Ok(()),
            other => Err(crate::yaml::Error::NotAMapping {
                origin: origin.to_string(),
                found: type_name(&other),
            }
            .into()),
        }
    }

    /// Sets one variable.
    pub fn set(&mut self, key: impl Into<String>, value: Value) {
        self.map.insert(key.into(), value);
    }

    /// The variables as one mapping value, ready for rendering.
    pub fn into_value(self) -> Value {
        Value::Object(self.map)
    }

    /// The variables as a mapping.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn bad_extra(arg: &str, message: String) -> Error {
    crate::yaml::Error::BadExtraVars {
        arg: arg.to_string(),
        message,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn later_sources_win_and_quotes_group() {
        let mut v = Vars::new();
        v.add_extra("a=1 b='two words'").unwrap();
        v.add_extra("a=3").unwrap();
        assert_eq!(v.into_value(), json!({"a": "3", "b": "two words"}));
    }

    #[test]
    fn malformed_extra_vars_are_errors() {
        let mut v = Vars::new();
        assert!(v
            .add_extra("novalue")
            .unwrap_err()
            .to_string()
            .contains("-e"));
        assert!(v.add_extra("a='open").is_err());
        assert!(v.add_extra("{a: [").is_err());
    }

    #[test]
    fn json_files_load_as_json_first() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.json");
        std::fs::write(&p, r#"{"f": 1e-07, "s": "\ud83d\ude00"}"#).unwrap();
        let mut v = Vars::new();
        v.add_file(&p).unwrap();
        assert_eq!(v.as_map()["f"], json!(1e-07));
        assert_eq!(v.as_map()["s"], "\u{1F600}");
    }

    #[test]
    fn files_load_as_yaml_with_locations() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("globals.yml");
        std::fs::write(&p, "enable_cinder: yes\n").unwrap();
        let mut v = Vars::new();
        v.add_file(&p).unwrap();
        assert_eq!(v.as_map()["enable_cinder"], true);
        std::fs::write(&p, "- a\n- b\n").unwrap();
        let err = v.add_file(&p).unwrap_err();
        assert!(err.to_string().contains("globals.yml"), "{err}");
        assert!(err.to_string().contains("a list"), "{err}");
    }
}
