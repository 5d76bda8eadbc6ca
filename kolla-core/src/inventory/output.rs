//! `ansible-inventory --list` and `--graph` text.

use serde_json::{Map, Value};

use super::data::ALL;
use super::{resolve, Inventory};
use crate::pycompat::json::{json_dump_map, json_dump_pairs, json_string, newline};
use crate::pycompat::py_str;

/// Appends one group's entry (`{"children": [...], "hosts": [...]}`) if it has any.
fn group_entry(inv: &Inventory, g: usize) -> Option<Map<String, Value>> {
    let grp = &inv.data.groups[g];
    let mut m = Map::new();
    if !grp.children.is_empty() {
        m.insert(
            "children".into(),
            Value::Array(
                grp.children
                    .iter()
                    .map(|&c| Value::String(inv.data.groups[c].name.clone()))
                    .collect(),
            ),
        );
    }
    if g != ALL && !grp.hosts.is_empty() {
        m.insert(
            "hosts".into(),
            Value::Array(
                grp.hosts
                    .iter()
                    .map(|&h| Value::String(inv.data.hosts[h].name.clone()))
                    .collect(),
            ),
        );
    }
    (!m.is_empty()).then_some(m)
}

/// The `--list` JSON. Written directly (not through a `Value`) so that a
/// 10,000-host inventory does not build a second copy of every variable.
pub(crate) fn list_json(inv: &Inventory) -> String {
    let mut entries: Vec<(&str, Map<String, Value>)> = Vec::new();
    for g in 0..inv.data.groups.len() {
        if let Some(m) = group_entry(inv, g) {
            entries.push((inv.data.groups[g].name.as_str(), m));
        }
    }
    let mut cache = resolve::Cache::default();
    let mut hostvars = Vec::new();
    for h in 0..inv.data.hosts.len() {
        let vars = resolve::merged(inv, h, &mut cache);
        if !vars.is_empty() {
            hostvars.push((inv.data.hosts[h].name.as_str(), vars));
        }
    }
    hostvars.sort_unstable_by(|a, b| a.0.cmp(b.0));

    let mut meta = String::from("{");
    newline(&mut meta, 2);
    meta.push_str("\"hostvars\": ");
    if hostvars.is_empty() {
        meta.push_str("{}");
    } else {
        meta.push('{');
        for (i, (name, vars)) in hostvars.iter().enumerate() {
            if i > 0 {
                meta.push(',');
            }
            newline(&mut meta, 3);
            json_string(&mut meta, name);
            meta.push_str(": ");
            json_dump_pairs(&mut meta, vars.iter().map(|(k, v)| (*k, *v)), 3);
        }
        newline(&mut meta, 2);
        meta.push('}');
    }
    meta.push(',');
    newline(&mut meta, 2);
    meta.push_str("\"profile\": \"inventory_legacy\"");
    newline(&mut meta, 1);
    meta.push('}');

    let mut top: Vec<(&str, Option<String>)> =
        entries.iter().map(|(name, _)| (*name, None)).collect();
    top.push(("_meta", Some(meta)));
    let mut order: Vec<usize> = (0..top.len()).collect();
    order.sort_by(|&a, &b| top[a].0.cmp(top[b].0));

    let mut out = String::with_capacity(64 * 1024);
    out.push('{');
    for (n, &i) in order.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        newline(&mut out, 1);
        json_string(&mut out, top[i].0);
        out.push_str(": ");
        match &top[i].1 {
            Some(meta) => out.push_str(meta),
            None => json_dump_map(&mut out, &entries[i].1, 1),
        }
    }
    newline(&mut out, 0);
    out.push('}');
    out.push('\n');
    out
}

fn graph_name(out: &mut Vec<String>, name: &str, depth: usize) {
    let mut s = String::new();
    if depth > 0 {
        s.push_str(&"  |".repeat(depth));
        s.push_str("--");
    }
    s.push_str(name);
    out.push(s);
}

fn show_vars(out: &mut Vec<String>, vars: &Map<String, Value>, depth: usize) {
    let mut keys: Vec<&String> = vars.keys().collect();
    keys.sort_unstable();
    for k in keys {
        graph_name(out, &format!("{{{k} = {}}}", py_str(&vars[k])), depth);
    }
}

fn graph_group(inv: &Inventory, g: usize, depth: usize, vars: bool, out: &mut Vec<String>) {
    let grp = &inv.data.groups[g];
    graph_name(out, &format!("@{}:", grp.name), depth);
    for &c in &grp.children {
        graph_group(inv, c, depth + 1, vars, out);
    }
    if g != ALL {
        for &h in &grp.hosts {
            graph_name(out, &inv.data.hosts[h].name, depth + 1);
            if vars {
                let hv = resolve::host_vars(inv, h, &mut resolve::Cache::default());
                show_vars(out, &hv, depth + 2);
            }
        }
    }
    if vars {
        show_vars(out, &resolve::group_vars(inv, g), depth + 1);
    }
}

/// The `--graph` text (with its final newline).
pub(crate) fn graph(inv: &Inventory, g: usize, vars: bool) -> String {
    let mut lines = Vec::new();
    graph_group(inv, g, 0, vars, &mut lines);
    let mut s = lines.join("\n");
    s.push('\n');
    s
}
