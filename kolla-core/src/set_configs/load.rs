//! Loading the fixed config file and validating it as upstream does, then
//! turning it into a typed [`ConfigJson`].

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{ConfigFile, ConfigJson, Error, Log, Paths, Permission, CONFIG_JSON, CONFIG_YAML};
use crate::config_json::py_truthy as truthy;
use crate::error::Location;

/// Python's `repr` of an `IOError` from `open()`.
fn py_io_repr(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "FileNotFoundError(2, 'No such file or directory')".into(),
        PermissionDenied => "PermissionError(13, 'Permission denied')".into(),
        IsADirectory => "IsADirectoryError(21, 'Is a directory')".into(),
        _ => format!(
            "OSError({}, {})",
            e.raw_os_error().unwrap_or(0),
            crate::pycompat::str_repr(&e.to_string())
        ),
    }
}

/// Reads and validates the container's config: `config.yaml` when it
/// exists, else `config.json`.
pub(crate) fn load_config(paths: &Paths, log: &mut Log) -> Result<ConfigJson, Error> {
    let yaml = paths.real(CONFIG_YAML);
    let (origin, value) = if yaml.exists() {
        log.info(&format!("Loading config file at {CONFIG_YAML}"));
        let text = std::fs::read_to_string(&yaml).map_err(|e| {
            Error::invalid(format!(
                "Could not read file {CONFIG_YAML}: {}",
                py_io_repr(&e)
            ))
        })?;
        let value = crate::yaml::load(CONFIG_YAML, &text).map_err(|e| Error::InvalidConfig {
            location: e.location().cloned(),
            message: format!("Invalid yaml file found at {CONFIG_YAML}: {e}"),
        })?;
        if value.is_null() {
            return Err(Error::invalid(format!(
                "Invalid yaml file found at {CONFIG_YAML}: file is empty"
            )));
        }
        (CONFIG_YAML, value)
    } else {
        log.info(&format!("Loading config file at {CONFIG_JSON}"));
        let text = std::fs::read_to_string(paths.real(CONFIG_JSON)).map_err(|e| {
            Error::invalid(format!(
                "Could not read file {CONFIG_JSON}: {}",
                py_io_repr(&e)
            ))
        })?;
        (CONFIG_JSON, parse_json_value(CONFIG_JSON, &text)?)
    };
    log.info("Validating config file");
    validate(&value)?;
    typed(origin, &value)
}

fn parse_json_value(origin: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::InvalidConfig {
        location: Some(Location::new(origin, e.line()).with_column(e.column())),
        message: format!("Invalid json file found at {origin}: {e}"),
    })
}

/// Parses, validates and types config.json text; `origin` names it.
pub(crate) fn parse_json(origin: &str, text: &str) -> Result<ConfigJson, Error> {
    let value = parse_json_value(origin, text)?;
    validate(&value)?;
    typed(origin, &value)
}

fn type_error(what: &str) -> Error {
    Error::unexpected(format!("TypeError: {what}"))
}

/// The list under `key`, as upstream iterates it (`config.get(key, [])`).
fn section<'v>(obj: &'v Map<String, Value>, key: &str) -> Result<&'v [Value], Error> {
    match obj.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(type_error(&format!(
            "{key}: expected a list, found {}",
            json_type(other)
        ))),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Upstream's `validate_config`, message for message.
pub(crate) fn validate(value: &Value) -> Result<(), Error> {
    let Some(obj) = value.as_object().filter(|o| o.contains_key("command")) else {
        return Err(Error::invalid("Config is missing required \"command\" key"));
    };
    for (i, data) in section(obj, "config_files")?.iter().enumerate() {
        let Some(d) = data.as_object() else {
            return Err(type_error(&format!(
                "config_files[{i}]: expected a mapping, found {}",
                json_type(data)
            )));
        };
        if !(d.contains_key("source") && d.contains_key("dest")) {
            return Err(Error::invalid(
                "Config is missing required keys: {'source', 'dest'}",
            ));
        }
        if (!d.contains_key("owner") || !d.contains_key("perm"))
            && !truthy(d.get("preserve_properties"))
        {
            return Err(Error::invalid(
                "Config needs preserve_properties or owner and perm",
            ));
        }
    }
    for name in ["directories", "files"] {
        for (i, data) in section(obj, name)?.iter().enumerate() {
            let Some(d) = data.as_object() else {
                return Err(type_error(&format!(
                    "{name}[{i}]: expected a mapping, found {}",
                    json_type(data)
                )));
            };
            let missing: Vec<String> = ["path", "owner", "perm"]
                .iter()
                .filter(|k| !d.contains_key(**k))
                .map(|k| format!("'{k}'"))
                .collect();
            if !missing.is_empty() {
                return Err(Error::invalid(format!(
                    "{name} config is missing required keys: {{{}}}",
                    missing.join(", ")
                )));
            }
            for key in ["path", "owner", "perm"] {
                if d[key].is_null() {
                    return Err(Error::invalid(format!(
                        "{name} config key \"{key}\" must not be null"
                    )));
                }
            }
            let Some(path) = d["path"].as_str() else {
                return Err(type_error(&format!("{name}[{i}].path: expected a string")));
            };
            if super::fsops::has_magic(path) {
                return Err(Error::invalid(format!(
                    "{name} config does not support glob paths: {path}"
                )));
            }
        }
    }
    Ok(())
}

fn entry<T: DeserializeOwned>(origin: &str, at: &str, v: &Value) -> Result<T, Error> {
    serde_json::from_value(v.clone()).map_err(|e| Error::Unexpected {
        location: None,
        message: format!("TypeError: {origin}: {at}: {e}"),
    })
}

/// Builds the typed config; a wrong type or an unknown `config_files` key
/// fails naming the file and the JSON path (upstream: a `TypeError`, exit 2).
fn typed(origin: &str, value: &Value) -> Result<ConfigJson, Error> {
    let obj = value.as_object().expect("validated");
    let command = match &obj["command"] {
        Value::String(s) => s.clone(),
        other => {
            return Err(Error::unexpected(format!(
                "TypeError: {origin}: command: expected a string, found {}",
                json_type(other)
            )))
        }
    };
    let list = |key: &str| -> Result<Vec<Permission>, Error> {
        section(obj, key)?
            .iter()
            .enumerate()
            .map(|(i, v)| entry(origin, &format!("{key}[{i}]"), v))
            .collect()
    };
    let config_files = section(obj, "config_files")?
        .iter()
        .enumerate()
        .map(|(i, v)| entry::<ConfigFile>(origin, &format!("config_files[{i}]"), v))
        .collect::<Result<_, _>>()?;
    Ok(ConfigJson {
        command,
        config_files,
        directories: list("directories")?,
        files: list("files")?,
        permissions: list("permissions")?,
    })
}

impl ConfigJson {
    /// Parses and validates config.json text the way `kolla_set_configs`
    /// does; errors name `config.json` and the line or JSON path.
    ///
    /// ```
    /// use kolla_core::config_json::ConfigJson;
    /// let cfg = ConfigJson::from_json_str(r#"{"command": "nova-api"}"#).unwrap();
    /// assert_eq!(cfg.command, "nova-api");
    /// assert!(ConfigJson::from_json_str("{}").is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error`] with upstream's message and exit code.
    pub fn from_json_str(text: &str) -> Result<Self, Error> {
        parse_json("config.json", text)
    }
}
