//! Inventory sources on disk: files, directories and host lists, and the
//! `group_vars/` and `host_vars/` beside them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::data::{Data, UNGROUPED};
use super::{hostrange, ini, yamlinv, Error, Inventory};
use crate::error::IoError;

/// Variables from one source's `group_vars/` and `host_vars/`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Adjacent {
    pub groups: HashMap<usize, Map<String, Value>>,
    pub hosts: HashMap<usize, Map<String, Value>>,
}

/// Names a directory source skips (upstream's `IGNORED_ALWAYS` and
/// `INVENTORY_IGNORE_EXTS`).
fn ignored(name: &str) -> bool {
    const EXTS: &[&str] = &[
        ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg",
        ".retry",
    ];
    name.starts_with('.')
        || matches!(name, "host_vars" | "group_vars" | "vars_plugins")
        || EXTS.iter().any(|e| name.ends_with(e))
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|c| c.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

pub(crate) fn load(paths: &[PathBuf]) -> crate::Result<Inventory> {
    let mut d = Data::new();
    let mut basedirs: Vec<PathBuf> = Vec::new();
    for p in paths {
        let text = p.to_string_lossy();
        if !p.exists() && text.contains(',') {
            host_list(&mut d, &text)?;
            continue;
        }
        if !p.exists() {
            return Err(Error::Source {
                path: text.into_owned(),
                message: "no such inventory source".into(),
            }
            .into());
        }
        parse_path(&mut d, p)?;
        let abs = absolute(p);
        basedirs.push(if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        });
    }
    d.reconcile().map_err(|message| Error::Source {
        path: paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        message,
    })?;
    let mut adjacent = Vec::new();
    for dir in &basedirs {
        adjacent.push(load_adjacent(&mut d, dir)?);
    }
    Ok(Inventory::finish(d, adjacent)?)
}

/// `-i 'h1,h2:2222,'`: hosts in `ungrouped`.
fn host_list(d: &mut Data, text: &str) -> Result<(), Error> {
    for h in text.split(',') {
        let h = h.trim();
        if h.is_empty() {
            continue;
        }
        let (host, port) = match hostrange::parse_address(h) {
            Some((host, port)) if !host.contains('[') => (host, port),
            _ => (h.to_string(), None),
        };
        if !d.hosts.contains_key(&host) {
            d.add_host(&host, Some(UNGROUPED), port)
                .map_err(|message| Error::Source {
                    path: text.to_string(),
                    message,
                })?;
        }
    }
    Ok(())
}

fn parse_path(d: &mut Data, p: &Path) -> crate::Result<()> {
    if p.is_dir() {
        let mut names: Vec<_> = std::fs::read_dir(p)
            .map_err(|e| IoError::new(p, e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        names.sort();
        for name in names {
            if ignored(&name.to_string_lossy()) {
                continue;
            }
            parse_path(d, &p.join(name))?;
        }
        return Ok(());
    }
    let bytes = std::fs::read(p).map_err(|e| IoError::new(p, e))?;
    let origin = p.display().to_string();
    if bytes.starts_with(b"#!") && is_executable(p) {
        // Upstream's `script` plugin would run it (docs/deviations.md).
        return Err(Error::Source {
            path: origin,
            message: "inventory scripts are not supported".into(),
        }
        .into());
    }
    parse_file(d, &origin, &bytes)
}

/// Whether any execute bit is set on `p`.
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// One inventory file: YAML when it has no extension or a YAML one and
/// holds a mapping, else INI (upstream tries its plugins in that order).
pub(crate) fn parse_file(d: &mut Data, origin: &str, bytes: &[u8]) -> crate::Result<()> {
    let ext = Path::new(origin)
        .extension()
        .map(|e| e.to_string_lossy().to_string());
    if ext.as_deref() == Some("toml") {
        return Err(Error::Source {
            path: origin.into(),
            message: "TOML inventories are not supported".into(),
        }
        .into());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(Error::Parse {
                location: crate::error::Location::new(origin, line),
                message: "the file is not valid UTF-8".into(),
            }
            .into());
        }
    };
    let mut yaml_error = None;
    if matches!(ext.as_deref(), None | Some("yml" | "yaml" | "json")) {
        let loaded = crate::yaml::load_data(origin, &text);
        if let Err(crate::yaml::Error::Syntax { location, message }) = &loaded {
            yaml_error = Some((location.clone(), message.clone()));
        }
        if let Ok(doc) = loaded {
            if let Value::Object(m) = &doc {
                if m.get("plugin")
                    .is_some_and(|v| !v.is_null() && v != &Value::Bool(false))
                {
                    return Err(Error::Source {
                        path: origin.into(),
                        message: "inventory plugin configuration files are not supported".into(),
                    }
                    .into());
                }
            }
            if let Ok(m) = yamlinv::accepts(&doc) {
                let mut scratch = d.clone();
                yamlinv::parse_text(&mut scratch, origin, m, Some(&text))?;
                *d = scratch;
                return Ok(());
            }
        }
    }
    let mut scratch = d.clone();
    match ini::parse(&mut scratch, origin, &text) {
        Ok(()) => {
            *d = scratch;
            Ok(())
        }
        // Neither plugin could read the file. Ansible then reports the
        // YAML plugin's error (with line and column) before the INI
        // plugin's; so do we, unless the file reads as INI (a section
        // header first, and no YAML extension), where the INI error is the
        // one that helps.
        Err(ini_error) => match yaml_error {
            Some((location, message)) if ext.is_some() || !looks_like_ini(&text) => {
                Err(Error::Parse {
                    location,
                    message: format!(
                        "YAML parsing failed: {message} (read as INI instead: {ini_error})"
                    ),
                }
                .into())
            }
            _ => Err(ini_error.into()),
        },
    }
}

/// Whether the first line that is not blank or a comment is an INI
/// section header (`[group]`).
fn looks_like_ini(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .is_some_and(|l| l.starts_with('['))
}

/// The file(s) upstream's `find_vars_files` picks for `name` in `dir`.
fn vars_files(dir: &Path, name: &str) -> Vec<PathBuf> {
    for ext in ["", ".yml", ".yaml", ".json"] {
        let p = dir.join(format!("{name}{ext}"));
        if p.exists() {
            if p.is_dir() {
                let mut out = Vec::new();
                dir_vars_files(&p, &mut out);
                return out;
            }
            return vec![p];
        }
    }
    Vec::new()
}

fn dir_vars_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let s = name.to_string_lossy();
        if s.starts_with('.') || s.ends_with('~') {
            continue;
        }
        let full = dir.join(&name);
        let ext = Path::new(&*s)
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()));
        if full.is_dir() && ext.is_none() {
            dir_vars_files(&full, out);
        } else if full.is_file()
            && ext
                .as_deref()
                .is_none_or(|e| [".yml", ".yaml", ".json"].contains(&e))
        {
            out.push(full);
        }
    }
}

fn load_vars(files: &[PathBuf]) -> crate::Result<Option<Map<String, Value>>> {
    let mut data: Option<Map<String, Value>> = None;
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| IoError::new(f, e))?;
        let origin = f.display().to_string();
        let v = crate::yaml::load_data(&origin, &text)?;
        match v {
            Value::Null => {}
            Value::Object(m) if m.is_empty() => {}
            Value::Object(m) => {
                let into = data.get_or_insert_with(Map::new);
                for (k, v) in m {
                    into.insert(k, v);
                }
            }
            Value::Bool(false) => {}
            Value::String(s) if s.is_empty() => {}
            other => {
                return Err(Error::Source {
                    path: origin,
                    message: format!(
                        "variables must be a mapping, found {}",
                        super::py_type_name(&other)
                    ),
                }
                .into())
            }
        }
    }
    Ok(data)
}

fn load_adjacent(d: &mut Data, basedir: &Path) -> crate::Result<Adjacent> {
    let mut adj = Adjacent::default();
    let real = std::fs::canonicalize(basedir).unwrap_or_else(|_| basedir.to_path_buf());
    let gdir = real.join("group_vars");
    if gdir.exists() && !gdir.is_dir() {
        d.warn(format!(
            "Found group_vars that is not a directory, skipping: {}",
            gdir.display()
        ));
    } else if gdir.is_dir() {
        for (i, name) in d.groups.keys().enumerate() {
            if name.starts_with('/') {
                continue;
            }
            if let Some(m) = load_vars(&vars_files(&gdir, name))? {
                adj.groups.insert(i, m);
            }
        }
    }
    let hdir = real.join("host_vars");
    if hdir.exists() && !hdir.is_dir() {
        d.warn(format!(
            "Found host_vars that is not a directory, skipping: {}",
            hdir.display()
        ));
    } else if hdir.is_dir() {
        for (i, name) in d.hosts.keys().enumerate() {
            if name.starts_with('/') {
                continue;
            }
            if let Some(m) = load_vars(&vars_files(&hdir, name))? {
                adj.hosts.insert(i, m);
            }
        }
    }
    Ok(adj)
}
