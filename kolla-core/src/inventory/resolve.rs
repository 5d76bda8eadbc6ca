//! Group membership and variable precedence.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::data::{Data, FastMap, ALL};
use super::Inventory;

/// Names `ansible-inventory` removes from host variables (`INTERNAL_STATIC_VARS`).
pub(crate) const INTERNAL_VARS: &[&str] = &[
    "ansible_async_path",
    "ansible_collection_name",
    "ansible_config_file",
    "ansible_dependent_role_names",
    "ansible_diff_mode",
    "ansible_facts",
    "ansible_forks",
    "ansible_inventory_sources",
    "ansible_limit",
    "ansible_play_batch",
    "ansible_play_hosts",
    "ansible_play_hosts_all",
    "ansible_play_role_names",
    "ansible_playbook_python",
    "ansible_role_name",
    "ansible_role_names",
    "ansible_run_tags",
    "ansible_skip_tags",
    "ansible_verbosity",
    "ansible_version",
    "inventory_dir",
    "inventory_file",
    "inventory_hostname",
    "inventory_hostname_short",
    "groups",
    "group_names",
    "hostvars",
    "playbook_dir",
    "play_hosts",
    "role_name",
    "role_names",
    "role_path",
    "role_uuid",
];

/// For each group, itself and its ancestors except `all`, sorted by
/// (depth, priority, name).
pub(crate) fn sorted_closures(d: &Data) -> Vec<Vec<usize>> {
    d.group_closures()
        .into_iter()
        .map(|mut c| {
            c.retain(|&g| g != ALL);
            sort_groups(d, &mut c);
            c
        })
        .collect()
}

fn sort_groups(d: &Data, groups: &mut [usize]) {
    groups.sort_by(|&a, &b| {
        let (ga, gb) = (&d.groups[a], &d.groups[b]);
        (ga.depth, ga.priority, &ga.name).cmp(&(gb.depth, gb.priority, &gb.name))
    });
}

/// The hosts of a group and its descendants: own hosts first, then breadth
/// first through children in declaration order.
pub(crate) fn group_hosts(d: &Data, g: usize) -> Vec<usize> {
    let mut seen_group = vec![false; d.groups.len()];
    let mut seen_host = vec![false; d.hosts.len()];
    let mut order = vec![g];
    seen_group[g] = true;
    let mut i = 0;
    while i < order.len() {
        for &c in &d.groups[order[i]].children {
            if !seen_group[c] {
                seen_group[c] = true;
                order.push(c);
            }
        }
        i += 1;
    }
    let mut out = Vec::new();
    for grp in order {
        for &h in &d.groups[grp].hosts {
            if !seen_host[h] {
                seen_host[h] = true;
                out.push(h);
            }
        }
    }
    out
}

/// What hosts with the same direct groups share.
pub(crate) struct Shared<'a> {
    /// Their groups (without `all`), in merge order.
    pub groups: Vec<usize>,
    /// Their sorted `group_names`.
    pub names: Arc<[&'a str]>,
    /// Their groups' merged variables (borrowed, internal names left out).
    pub vars: FastMap<&'a str, &'a Value>,
}

/// Memo of [`Shared`] by a host's direct groups.
#[derive(Default)]
pub(crate) struct Cache<'a> {
    by_direct: HashMap<Vec<usize>, Rc<Shared<'a>>, foldhash::fast::RandomState>,
}

fn is_internal(k: &str) -> bool {
    INTERNAL_VARS.contains(&k)
}

fn overlay<'a>(into: &mut FastMap<&'a str, &'a Value>, from: &'a Map<String, Value>) {
    for (k, v) in from {
        if !is_internal(k) {
            into.insert(k.as_str(), v);
        }
    }
}

fn shared<'a>(inv: &'a Inventory, h: usize, cache: &mut Cache<'a>) -> Rc<Shared<'a>> {
    let d = &inv.data;
    let direct = &d.hosts[h].groups;
    let mut key = direct.clone();
    key.sort_unstable();
    if let Some(s) = cache.by_direct.get(&key) {
        return s.clone();
    }
    let mut groups: Vec<usize> = Vec::new();
    let mut seen = vec![false; d.groups.len()];
    for &g in &key {
        for &a in &inv.sorted_closure[g] {
            if !seen[a] {
                seen[a] = true;
                groups.push(a);
            }
        }
    }
    sort_groups(d, &mut groups);
    let mut vars = FastMap::default();
    overlay(&mut vars, &d.groups[ALL].vars);
    for &g in &groups {
        overlay(&mut vars, &d.groups[g].vars);
    }
    for adj in &inv.adjacent {
        if let Some(m) = adj.groups.get(&ALL) {
            overlay(&mut vars, m);
        }
    }
    for adj in &inv.adjacent {
        for g in &groups {
            if let Some(m) = adj.groups.get(g) {
                overlay(&mut vars, m);
            }
        }
    }
    let mut names: Vec<&str> = groups.iter().map(|&g| d.groups[g].name.as_str()).collect();
    names.sort_unstable();
    let s = Rc::new(Shared {
        groups,
        names: names.into(),
        vars,
    });
    cache.by_direct.insert(key, s.clone());
    s
}

/// Every group of a host (directly or through children) except `all`, in merge order.
pub(crate) fn host_groups(inv: &Inventory, h: usize) -> Vec<usize> {
    shared(inv, h, &mut Cache::default()).groups.clone()
}

/// `group_names` of a host, sorted (shared between hosts with the same groups).
pub(crate) fn host_group_names_cached<'a>(
    inv: &'a Inventory,
    h: usize,
    cache: &mut Cache<'a>,
) -> Arc<[&'a str]> {
    shared(inv, h, cache).names.clone()
}

/// A host's merged variables, borrowed from the inventory.
pub(crate) fn merged<'a>(
    inv: &'a Inventory,
    h: usize,
    cache: &mut Cache<'a>,
) -> FastMap<&'a str, &'a Value> {
    let s = shared(inv, h, cache);
    let own = &inv.data.hosts[h].vars;
    let mut vars = FastMap::with_capacity_and_hasher(s.vars.len() + own.len(), Default::default());
    vars.extend(s.vars.iter().map(|(k, v)| (*k, *v)));
    overlay(&mut vars, own);
    for adj in &inv.adjacent {
        if let Some(m) = adj.hosts.get(&h) {
            overlay(&mut vars, m);
        }
    }
    vars
}

/// A host's merged variables, as `ansible-inventory --list` shows them.
pub(crate) fn host_vars<'a>(
    inv: &'a Inventory,
    h: usize,
    cache: &mut Cache<'a>,
) -> Map<String, Value> {
    merged(inv, h, cache)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A group's own variables plus its `group_vars/` files (and a non-default
/// priority), as `ansible-inventory --graph --vars` shows them.
pub(crate) fn group_vars(inv: &Inventory, g: usize) -> Map<String, Value> {
    let grp = &inv.data.groups[g];
    let mut vars = grp.vars.clone();
    for adj in &inv.adjacent {
        if let Some(m) = adj.groups.get(&g) {
            for (k, v) in m {
                vars.insert(k.clone(), v.clone());
            }
        }
    }
    if grp.priority != 1 {
        vars.insert("ansible_group_priority".into(), Value::from(grp.priority));
    }
    vars.retain(|k, _| !is_internal(k));
    vars
}
