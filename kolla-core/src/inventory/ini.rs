//! INI inventories, read as Ansible's `ini` inventory plugin reads them.

use std::sync::OnceLock;

use indexmap::IndexMap;
use regex::Regex;

use super::data::Data;
use super::{hostrange, Error};
use crate::error::Location;
use crate::pycompat::{literal, shlex};

fn section_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$").expect("valid regex"))
}

fn groupname_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^([^:\]\s]+)\s*(?:#.*)?$").expect("valid regex"))
}

/// Python's `str.splitlines()` line boundaries.
pub(crate) fn splitlines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let is_break = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if is_break {
            out.push(&text[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(_, '\n')) = it.peek() {
                    it.next();
                    end += 1;
                }
            }
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[derive(Debug)]
enum Pending {
    Vars { line: usize },
    Children { line: usize, parents: Vec<usize> },
}

/// Parses INI inventory text into `data`. On any error nothing is kept by
/// the caller (the whole file is rejected, as upstream rejects it).
pub(crate) fn parse(data: &mut Data, origin: &str, text: &str) -> Result<(), Error> {
    let lines = splitlines(text);
    // Errors are about a whole line: the column is where its text starts.
    let err = |line: usize, message: String| {
        let raw = lines.get(line - 1).copied().unwrap_or("");
        let column = raw.chars().take_while(|c| c.is_whitespace()).count() + 1;
        Error::Parse {
            location: Location::new(origin, line).with_column(column),
            message,
        }
    };
    let mut pending: IndexMap<String, Pending> = IndexMap::new();
    let mut group = super::data::UNGROUPED;
    let mut state = "hosts";
    for (idx, raw) in lines.iter().copied().enumerate() {
        let lineno = idx + 1;
        let line = crate::pycompat::strip(raw);
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(m) = line
            .starts_with('[')
            .then(|| section_re().captures(line))
            .flatten()
        {
            let name = m.get(1).map_or("", |x| x.as_str()).to_string();
            let kind = m.get(2).map(|x| x.as_str());
            let st = kind.unwrap_or("hosts");
            data.check_group_name(&name);
            state = match st {
                "hosts" => "hosts",
                "children" => "children",
                "vars" => "vars",
                other => {
                    return Err(err(
                        lineno,
                        format!("Section [{name}:{other}] has unknown type: {other}"),
                    ))
                }
            };
            if !data.groups.contains_key(&name) {
                if state == "vars" && !pending.contains_key(&name) {
                    pending.insert(name.clone(), Pending::Vars { line: lineno });
                }
                data.add_group(&name);
            }
            group = data.groups.get_index_of(&name).expect("just added");
            if state != "vars" {
                match pending.get(&name) {
                    Some(Pending::Children { .. }) => {
                        add_pending_children(data, &name, &mut pending)
                            .map_err(|m| err(lineno, m))?;
                    }
                    Some(Pending::Vars { .. }) => {
                        pending.shift_remove(&name);
                    }
                    None => {}
                }
            }
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            return Err(err(
                lineno,
                format!(
                    "Invalid section entry: '{line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters"
                ),
            ));
        }
        match state {
            "hosts" => {
                let tokens = shlex::split(line, true).map_err(|e| {
                    err(
                        lineno,
                        format!("Error parsing host definition '{line}': {e}"),
                    )
                })?;
                let Some(first) = tokens.first() else {
                    return Err(err(
                        lineno,
                        format!("Error parsing host definition '{line}': empty"),
                    ));
                };
                let (hosts, port) = hostrange::expand_hostpattern(first, data.host_entries)
                    .map_err(|m| err(lineno, m))?;
                if first.trim().ends_with(':') && port.is_none() {
                    return Err(err(lineno, format!(
                        "Invalid host pattern '{first}' supplied, ending in ':' is not allowed, this character is reserved to provide a port."
                    )));
                }
                if hosts.iter().any(|h| crate::pycompat::strip(h) == "---") {
                    return Err(err(lineno, format!(
                        "Invalid host pattern '{first}' supplied, '---' is normally a sign this is a YAML file."
                    )));
                }
                let mut vars = serde_json::Map::with_capacity(tokens.len() - 1);
                for t in &tokens[1..] {
                    let Some((k, v)) = t.split_once('=') else {
                        return Err(err(
                            lineno,
                            format!("Expected key=value host variable assignment, got: {t}"),
                        ));
                    };
                    vars.insert(k.to_string(), literal::parse_value(v));
                }
                let vars = std::sync::Arc::new(vars);
                for h in &hosts {
                    let hi = data
                        .add_host(h, Some(group), port)
                        .map_err(|m| err(lineno, m))?;
                    data.set_host_vars(hi, &vars).map_err(|m| err(lineno, m))?;
                }
            }
            "vars" => {
                let Some((k, v)) = line.split_once('=') else {
                    return Err(err(lineno, format!("Expected key=value, got: {line}")));
                };
                let value = literal::parse_value(crate::pycompat::strip(v));
                let gname = data
                    .groups
                    .get_index(group)
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default();
                data.set_variable(&gname, crate::pycompat::strip(k), value)
                    .map_err(|m| err(lineno, m))?;
            }
            _ => {
                let Some(m) = groupname_re().captures(line) else {
                    return Err(err(lineno, format!("Expected group name, got: {line}")));
                };
                let child = m[1].to_string();
                match data.groups.get_index_of(&child) {
                    Some(c) => data.add_child_group(group, c).map_err(|m| err(lineno, m))?,
                    None => match pending.get_mut(&child) {
                        Some(Pending::Children { parents, .. }) => parents.push(group),
                        // A pending `[x:vars]` group is always already in `groups`.
                        Some(Pending::Vars { .. }) => {}
                        None => {
                            pending.insert(
                                child,
                                Pending::Children {
                                    line: lineno,
                                    parents: vec![group],
                                },
                            );
                        }
                    },
                }
            }
        }
    }
    if let Some((name, decl)) = pending.into_iter().next() {
        return Err(match decl {
            Pending::Vars { line } => err(
                line,
                format!("Section [{name}:vars] not valid for undefined group '{name}'."),
            ),
            Pending::Children { line, parents } => {
                let parent = parents
                    .last()
                    .and_then(|&p| data.groups.get_index(p))
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default();
                err(
                    line,
                    format!("Section [{parent}:children] includes undefined group '{name}'."),
                )
            }
        });
    }
    Ok(())
}

fn add_pending_children(
    data: &mut Data,
    name: &str,
    pending: &mut IndexMap<String, Pending>,
) -> Result<(), String> {
    let child = data.groups.get_index_of(name).expect("declared");
    let parents = match pending.get(name) {
        Some(Pending::Children { parents, .. }) => parents.clone(),
        _ => Vec::new(),
    };
    for p in parents {
        data.add_child_group(p, child)?;
        let pname = data
            .groups
            .get_index(p)
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        if matches!(pending.get(&pname), Some(Pending::Children { .. })) {
            add_pending_children(data, &pname, pending)?;
        }
    }
    pending.shift_remove(name);
    Ok(())
}
