//! The inventory model and the operations the parsers perform on it, with
//! the same rules as Ansible's `InventoryData`, `Group` and `Host`.

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::{Map, Value};

/// Insertion-ordered map with a fast hasher (names are not attacker-chosen
/// keys of a long-lived service).
pub(crate) type FastMap<K, V> = IndexMap<K, V, foldhash::fast::RandomState>;

/// A group: its own variables, direct children and direct hosts.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub name: String,
    pub vars: Map<String, Value>,
    pub children: Vec<usize>,
    pub parents: Vec<usize>,
    pub hosts: Vec<usize>,
    pub priority: i64,
    pub depth: usize,
}

/// A host: its own variables and the groups it was listed in.
#[derive(Debug, Clone)]
pub(crate) struct Host {
    pub name: String,
    /// Shared between the hosts of one range line until one of them changes.
    pub vars: Arc<Map<String, Value>>,
    pub groups: Vec<usize>,
}

/// Index of the `all` group.
pub(crate) const ALL: usize = 0;
/// Index of the `ungrouped` group.
pub(crate) const UNGROUPED: usize = 1;

/// Groups and hosts in creation order, plus the warnings met so far.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub groups: FastMap<String, Group>,
    pub hosts: FastMap<String, Host>,
    pub warnings: Vec<String>,
    /// Hosts named so far, each once per line (or YAML entry) naming it:
    /// the count `hostrange::MAX_EXPANSION` caps.
    pub host_entries: usize,
}

pub(crate) const INVALID_GROUP_CHARS: &str =
    "Invalid characters were found in group names but not replaced, use -vvvv to see details";

/// The characters that make `name` an invalid Ansible variable name (a
/// leading digit, and anything but letters, digits and `_`), sorted and
/// without repeats: what Ansible's `-vvvv` detail of
/// [`INVALID_GROUP_CHARS`] lists.
pub(crate) fn invalid_group_chars(name: &str) -> Vec<char> {
    let mut bad: Vec<char> = name
        .chars()
        .enumerate()
        .filter(|&(i, c)| !(c == '_' || c.is_alphanumeric()) || (i == 0 && c.is_numeric()))
        .map(|(_, c)| c)
        .collect();
    bad.sort_unstable();
    bad.dedup();
    bad
}

impl Data {
    pub fn new() -> Self {
        let mut d = Data {
            groups: FastMap::default(),
            hosts: FastMap::default(),
            warnings: Vec::new(),
            host_entries: 0,
        };
        d.add_group("all");
        d.add_group("ungrouped");
        d.add_child_group(ALL, UNGROUPED)
            .expect("ungrouped under all");
        d
    }

    pub fn warn(&mut self, msg: impl Into<String>) {
        let msg = msg.into();
        if !self.warnings.contains(&msg) {
            self.warnings.push(msg);
        }
    }

    /// Warns, as `to_safe_group_name` does, about names Ansible would not accept as variables.
    pub fn check_group_name(&mut self, name: &str) {
        if !invalid_group_chars(name).is_empty() {
            self.warn(INVALID_GROUP_CHARS);
        }
    }

    /// Adds a group if it is new; returns its index.
    pub fn add_group(&mut self, name: &str) -> usize {
        if let Some(i) = self.groups.get_index_of(name) {
            return i;
        }
        self.check_group_name(name);
        let (i, _) = self.groups.insert_full(
            name.to_string(),
            Group {
                name: name.to_string(),
                vars: Map::new(),
                children: Vec::new(),
                parents: Vec::new(),
                hosts: Vec::new(),
                priority: 1,
                depth: 0,
            },
        );
        i
    }

    /// Every ancestor of group `g` (not `g` itself).
    pub fn ancestors(&self, g: usize) -> Vec<usize> {
        let mut seen = vec![false; self.groups.len()];
        let mut stack: Vec<usize> = self.groups[g].parents.clone();
        let mut out = Vec::new();
        while let Some(p) = stack.pop() {
            if !seen[p] {
                seen[p] = true;
                out.push(p);
                stack.extend(self.groups[p].parents.iter().copied());
            }
        }
        out
    }

    /// A path of child edges from `from` down to `to`, if there is one.
    fn child_path(&self, from: usize, to: usize) -> Option<Vec<usize>> {
        let mut prev = vec![usize::MAX; self.groups.len()];
        let mut queue = std::collections::VecDeque::from([from]);
        prev[from] = from;
        while let Some(g) = queue.pop_front() {
            if g == to {
                let mut path = vec![to];
                let mut cur = to;
                while cur != from {
                    cur = prev[cur];
                    path.push(cur);
                }
                path.reverse();
                return Some(path);
            }
            for &c in &self.groups[g].children {
                if prev[c] == usize::MAX {
                    prev[c] = g;
                    queue.push_back(c);
                }
            }
        }
        None
    }

    /// Makes `child` a child group of `parent`, refusing self-references and cycles.
    pub fn add_child_group(&mut self, parent: usize, child: usize) -> Result<(), String> {
        if parent == child {
            return Err("can't add group to itself".into());
        }
        if self.groups[parent].children.contains(&child) {
            return Ok(());
        }
        if let Some(path) = self.child_path(child, parent) {
            let mut names: Vec<&str> = vec![self.groups[parent].name.as_str()];
            names.extend(path.iter().map(|&g| self.groups[g].name.as_str()));
            return Err(format!(
                "Adding group '{}' as child to '{}' creates a recursive dependency loop: {}",
                self.groups[child].name,
                self.groups[parent].name,
                names.join(" -> ")
            ));
        }
        self.groups[parent].children.push(child);
        if !self.groups[child].parents.contains(&parent) {
            self.groups[child].parents.push(parent);
        }
        Ok(())
    }

    /// Adds a host (new or known) and, optionally, puts it in `group`.
    pub fn add_host(
        &mut self,
        name: &str,
        group: Option<usize>,
        port: Option<u64>,
    ) -> Result<usize, String> {
        if name.is_empty() {
            return Err("Invalid empty host name provided: ".into());
        }
        self.host_entries += 1;
        let h = match self.hosts.get_index_of(name) {
            Some(h) => h,
            None => {
                let mut vars = Map::new();
                if let Some(p) = port {
                    vars.insert("ansible_port".into(), Value::from(p));
                }
                let localhosts = ["127.0.0.1", "localhost", "::1"];
                if localhosts.contains(&name) {
                    if let Some(first) = self
                        .hosts
                        .keys()
                        .find(|k| localhosts.contains(&k.as_str()))
                        .cloned()
                    {
                        self.warn(format!(
                            "A duplicate localhost-like entry was found ({name}). First found localhost was {first}"
                        ));
                    }
                }
                let (h, _) = self.hosts.insert_full(
                    name.to_string(),
                    Host {
                        name: name.to_string(),
                        vars: Arc::new(vars),
                        groups: Vec::new(),
                    },
                );
                h
            }
        };
        if let Some(g) = group {
            // Membership is symmetric; a host's own group list is the short one.
            if !self.hosts[h].groups.contains(&g) {
                self.groups[g].hosts.push(h);
                self.hosts[h].groups.push(g);
            }
        }
        Ok(h)
    }

    /// Sets a variable on the group of that name, or else the host (groups win, as upstream).
    pub fn set_variable(&mut self, entity: &str, key: &str, value: Value) -> Result<(), String> {
        if let Some(g) = self.groups.get_mut(entity) {
            if key == "ansible_group_priority" {
                g.priority = py_int_of(&value)?;
            } else {
                g.vars.insert(key.to_string(), value);
            }
        } else if let Some(h) = self.hosts.get_mut(entity) {
            Arc::make_mut(&mut h.vars).insert(key.to_string(), value);
        } else {
            return Err(format!("Could not identify group or host named {entity}"));
        }
        Ok(())
    }

    /// Sets every variable of `vars` on host `h` (later keys win), sharing
    /// the map when the host has none of its own yet.
    pub fn set_host_vars(
        &mut self,
        h: usize,
        vars: &Arc<Map<String, Value>>,
    ) -> Result<(), String> {
        if vars.is_empty() {
            return Ok(());
        }
        let name = &self.hosts[h].name;
        if self.groups.contains_key(name) {
            // Upstream's set_variable prefers a group of the same name.
            let name = name.clone();
            for (k, v) in vars.iter() {
                self.set_variable(&name, k, v.clone())?;
            }
            return Ok(());
        }
        let host = &mut self.hosts[h];
        if host.vars.is_empty() {
            host.vars = vars.clone();
        } else {
            let mine = Arc::make_mut(&mut host.vars);
            for (k, v) in vars.iter() {
                mine.insert(k.clone(), v.clone());
            }
        }
        Ok(())
    }

    /// Upstream's `reconcile_inventory`: parentless groups go under `all`,
    /// hosts in no group go to `ungrouped`, and `ungrouped` loses hosts that
    /// have a real group. Then group depths are computed.
    pub fn reconcile(&mut self) -> Result<(), String> {
        for g in 1..self.groups.len() {
            if self.groups[g].parents.is_empty() {
                self.add_child_group(ALL, g)?;
            }
        }
        let closure = self.group_closures();
        for h in 0..self.hosts.len() {
            let mut mine: Vec<usize> = Vec::new();
            for &g in &self.hosts[h].groups {
                mine.extend(closure[g].iter().copied());
            }
            mine.sort_unstable();
            mine.dedup();
            if mine.contains(&UNGROUPED) {
                if mine.iter().any(|&g| g != ALL && g != UNGROUPED) {
                    self.groups[UNGROUPED].hosts.retain(|&x| x != h);
                    self.hosts[h].groups.retain(|&g| g != UNGROUPED);
                }
            } else if mine.iter().all(|&g| g == ALL) {
                let name = self.hosts[h].name.clone();
                if let Some(g) = self.groups.get_index_of(&name) {
                    self.add_child_group(UNGROUPED, g)?;
                } else {
                    self.groups[UNGROUPED].hosts.push(h);
                    self.hosts[h].groups.push(UNGROUPED);
                }
            }
        }
        let conflicts: Vec<String> = self
            .hosts
            .keys()
            .filter(|h| self.groups.contains_key(*h))
            .cloned()
            .collect();
        for c in conflicts {
            self.warn(format!("Found both group and host with same name: {c}"));
        }
        self.compute_depths();
        Ok(())
    }

    /// For each group, itself and all its ancestors.
    pub fn group_closures(&self) -> Vec<Vec<usize>> {
        (0..self.groups.len())
            .map(|g| {
                let mut a = self.ancestors(g);
                a.push(g);
                a
            })
            .collect()
    }

    /// Depth of each group: the longest chain of child edges from `all`.
    fn compute_depths(&mut self) {
        let n = self.groups.len();
        // Topological order (Kahn) over child edges; the graph is acyclic.
        let mut indeg = vec![0usize; n];
        for g in self.groups.values() {
            for &c in &g.children {
                indeg[c] += 1;
            }
        }
        let mut queue: Vec<usize> = (0..n).filter(|&g| indeg[g] == 0).collect();
        let mut depth = vec![0usize; n];
        while let Some(g) = queue.pop() {
            for i in 0..self.groups[g].children.len() {
                let c = self.groups[g].children[i];
                depth[c] = depth[c].max(depth[g] + 1);
                indeg[c] -= 1;
                if indeg[c] == 0 {
                    queue.push(c);
                }
            }
        }
        for (g, d) in depth.into_iter().enumerate() {
            self.groups[g].depth = d;
        }
    }
}

/// Python's `int(value)` for `ansible_group_priority`.
fn py_int_of(v: &Value) -> Result<i64, String> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f.trunc() as i64))
            .ok_or_else(|| format!("invalid ansible_group_priority: {n}")),
        Value::Bool(b) => Ok(*b as i64),
        Value::String(s) => {
            let t = s.trim();
            t.replace('_', "").parse::<i64>().map_err(|_| {
                format!(
                    "invalid literal for int() with base 10: {}",
                    crate::pycompat::str_repr(s)
                )
            })
        }
        other => Err(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            super::py_type_name(other)
        )),
    }
}
