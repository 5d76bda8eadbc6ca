//! The service graph: enabled services placed on their hosts, in deploy waves.
//!
//! Nodes are the enabled services of the [`Catalog`]; an edge runs from a
//! dependency to its dependent (hard edges from `depends_on.hard`, soft ones
//! from `depends_on.soft` when both ends are enabled). Each container is
//! placed on the hosts of its inventory group(s) where the service's and the
//! container's enable flags hold. Waves are the longest-path layers: every
//! service of a wave only depends on services of earlier waves, so a wave can
//! be deployed in parallel.
//!
//! ```
//! use kolla_core::{catalog::Catalog, graph::Graph, inventory::Inventory, vars::Inputs};
//! let inv = Inventory::from_ini("inv", "[control]\nctl1\n[memcached:children]\ncontrol\n[cron:children]\ncontrol\n[kolla_toolbox:children]\ncontrol\n").unwrap();
//! let mut inputs = Inputs::new()?;
//! inputs.add_extra("enable_openstack_core=no enable_fluentd=no enable_mariadb=no enable_haproxy=no enable_rabbitmq=no")?;
//! let catalog = Catalog::embedded()?;
//! let graph = Graph::build(&catalog, &inv, &inputs, &Default::default())?;
//! assert!(graph.placement()["memcached"].contains(&"ctl1".to_string()));
//! # Ok::<(), kolla_core::Error>(())
//! ```

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::catalog::{Catalog, Service};
use crate::inventory::{Inventory, ResolvedHost};
use crate::vars::{Context, Inputs};

/// Errors of the graph.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Services depend on each other in a loop.
    #[error("dependency cycle between services: {}", .members.join(" -> "))]
    Cycle {
        /// The services of the cycle, in order, the first repeated at the end.
        members: Vec<String>,
    },
    /// An enabled service needs a disabled one.
    #[error("service `{service}` is enabled but its hard dependency `{dependency}` is disabled (enable it, or set {}_external: true for an external one)", .dependency.replace('-', "_"))]
    HardDependencyDisabled {
        /// The enabled service.
        service: String,
        /// The disabled dependency.
        dependency: String,
    },
    /// An enabled service's container has no hosts to run on.
    #[error("service `{service}` is enabled but its group `{group}` (container {container}) has no hosts in the inventory")]
    NoHosts {
        /// The service.
        service: String,
        /// The container.
        container: String,
        /// The group.
        group: String,
    },
}

/// What to build the graph for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these services (names or aliases) and what they depend on; all when empty.
    pub services: Vec<String>,
}

/// One dependency edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The service deployed first.
    pub from: String,
    /// The service that depends on it.
    pub to: String,
    /// Whether it is a hard dependency.
    pub hard: bool,
}

/// One container on its hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placed {
    /// The service.
    pub service: String,
    /// The container name.
    pub container: String,
    /// The config directory key.
    pub key: String,
    /// The group(s) it follows.
    pub groups: Vec<String>,
    /// The hosts it runs on, in inventory order.
    pub hosts: Vec<String>,
}

/// The built graph.
#[derive(Debug, Clone, Serialize)]
pub struct Graph {
    waves: Vec<Vec<String>>,
    placement: IndexMap<String, Vec<String>>,
    containers: Vec<Placed>,
    edges: Vec<Edge>,
}

impl Graph {
    /// Builds the graph of the enabled services for an inventory.
    ///
    /// # Errors
    /// An unknown service name (with a suggestion), a variable that fails to
    /// render, a hard dependency disabled, a group without hosts, or a cycle.
    pub fn build(
        catalog: &Catalog,
        inventory: &Inventory,
        inputs: &Inputs,
        options: &Options,
    ) -> crate::Result<Graph> {
        let mut with_groups;
        let inputs = if inputs.has_inventory() {
            inputs
        } else {
            with_groups = inputs.clone();
            with_groups.set_inventory(inventory);
            &with_groups
        };
        let hosts = inventory.resolve_all();
        let classes = Classes::new(&hosts, inputs);
        let ctxs: Vec<Context<'_>> = classes
            .reps
            .iter()
            .map(|&h| inputs.context(&hosts[h]))
            .collect();
        let cloud = ctxs.first();

        // Which services are enabled, per host class.
        let mut enabled: Vec<(&Service, Vec<bool>)> = Vec::new();
        for svc in catalog.services() {
            let per_class = ctxs
                .iter()
                .map(|c| c.flag(&svc.enable))
                .collect::<crate::Result<Vec<bool>>>()?;
            if per_class.iter().any(|&b| b) {
                enabled.push((svc, per_class));
            }
        }
        let mut names: HashSet<&str> = enabled.iter().map(|(s, _)| s.service.as_str()).collect();

        // Restrict to the asked services and their dependencies.
        if !options.services.is_empty() {
            let mut keep: HashSet<&str> = HashSet::new();
            let mut todo: Vec<&str> = Vec::new();
            for n in &options.services {
                todo.push(catalog.get(n)?.service.as_str());
            }
            while let Some(n) = todo.pop() {
                if !keep.insert(n) {
                    continue;
                }
                let s = catalog.get(n)?;
                for d in s.depends_on.hard.iter().chain(&s.depends_on.soft) {
                    todo.push(catalog.get(d)?.service.as_str());
                }
            }
            enabled.retain(|(s, _)| keep.contains(s.service.as_str()));
            names = enabled.iter().map(|(s, _)| s.service.as_str()).collect();
        }

        // Hard dependencies.
        for (svc, _) in &enabled {
            for d in &svc.depends_on.hard {
                let dep = catalog.get(d)?.service.as_str();
                if names.contains(dep) {
                    continue;
                }
                let external = format!("{}_external", dep.replace('-', "_"));
                let is_external = match cloud {
                    Some(c) if c.raw(&external).is_some() => c.get_bool(&external)?,
                    _ => false,
                };
                if !is_external {
                    return Err(Error::HardDependencyDisabled {
                        service: svc.service.clone(),
                        dependency: dep.to_string(),
                    }
                    .into());
                }
            }
        }

        // Placement.
        let mut group_hosts: HashMap<&str, Vec<usize>> = HashMap::new();
        let index: HashMap<&str, usize> =
            hosts.iter().enumerate().map(|(i, h)| (h.name, i)).collect();
        let known_groups: HashSet<&str> = inventory.groups().into_iter().collect();
        let mut containers = Vec::new();
        let mut placement = IndexMap::new();
        for (svc, svc_on) in &enabled {
            let mut svc_hosts: Vec<usize> = Vec::new();
            for c in &svc.containers {
                let on = ctxs
                    .iter()
                    .zip(svc_on)
                    .map(|(ctx, &s)| Ok(s && ctx.flag(&c.enabled)?))
                    .collect::<crate::Result<Vec<bool>>>()?;
                if !on.iter().any(|&b| b) {
                    continue;
                }
                let mut set: Vec<usize> = Vec::new();
                let groups: Vec<&str> = std::iter::once(c.group.as_str())
                    .chain(c.extra_groups.iter().map(String::as_str))
                    .collect();
                for g in &groups {
                    let members = group_hosts.entry(g).or_insert_with(|| {
                        if known_groups.contains(g) {
                            inventory
                                .hosts_of(g)
                                .map(|hs| hs.iter().filter_map(|h| index.get(h).copied()).collect())
                                .unwrap_or_default()
                        } else {
                            Vec::new()
                        }
                    });
                    set.extend(members.iter().copied().filter(|&h| on[classes.of[h]]));
                }
                set.sort_unstable();
                set.dedup();
                if set.is_empty() {
                    return Err(Error::NoHosts {
                        service: svc.service.clone(),
                        container: c.name.clone(),
                        group: c.group.clone(),
                    }
                    .into());
                }
                svc_hosts.extend(&set);
                containers.push(Placed {
                    service: svc.service.clone(),
                    container: c.name.clone(),
                    key: c.key.clone(),
                    groups: groups.iter().map(|g| g.to_string()).collect(),
                    hosts: set.iter().map(|&h| hosts[h].name.to_string()).collect(),
                });
            }
            svc_hosts.sort_unstable();
            svc_hosts.dedup();
            placement.insert(
                svc.service.clone(),
                svc_hosts
                    .iter()
                    .map(|&h| hosts[h].name.to_string())
                    .collect(),
            );
        }

        // Edges, cycles, waves.
        let mut g: DiGraph<&str, bool> = DiGraph::new();
        let mut node: HashMap<&str, NodeIndex> = HashMap::new();
        let mut order: Vec<&str> = names.iter().copied().collect();
        order.sort_unstable();
        for n in &order {
            node.insert(n, g.add_node(n));
        }
        let mut edges = Vec::new();
        for (svc, _) in &enabled {
            for (d, hard) in svc
                .depends_on
                .hard
                .iter()
                .map(|d| (d, true))
                .chain(svc.depends_on.soft.iter().map(|d| (d, false)))
            {
                let dep = catalog.get(d)?.service.as_str();
                if let (Some(&a), Some(&b)) = (node.get(dep), node.get(svc.service.as_str())) {
                    g.update_edge(a, b, hard);
                    edges.push(Edge {
                        from: dep.to_string(),
                        to: svc.service.clone(),
                        hard,
                    });
                }
            }
        }
        let waves = waves(&g)?;
        Ok(Graph {
            waves,
            placement,
            containers,
            edges,
        })
    }

    /// Services in deploy order: each inner list can run in parallel.
    pub fn waves(&self) -> &[Vec<String>] {
        &self.waves
    }

    /// Service to the hosts it runs on.
    pub fn placement(&self) -> &IndexMap<String, Vec<String>> {
        &self.placement
    }

    /// Every enabled container with its hosts, by service in catalog order.
    pub fn containers(&self) -> &[Placed] {
        &self.containers
    }

    /// Dependency edges between enabled services.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The graph as JSON: `waves`, `placement`, `containers`, `edges`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The graph in graphviz's dot language (hard edges solid, soft dashed).
    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph kolla {\n  rankdir=LR;\n  node [shape=box];\n");
        for (i, wave) in self.waves.iter().enumerate() {
            out.push_str(&format!("  subgraph wave{i} {{ rank=same;"));
            for s in wave {
                out.push_str(&format!(" \"{s}\";"));
            }
            out.push_str(" }\n");
        }
        for e in &self.edges {
            let style = if e.hard { "" } else { " [style=dashed]" };
            out.push_str(&format!("  \"{}\" -> \"{}\"{style};\n", e.from, e.to));
        }
        out.push_str("}\n");
        out
    }

    /// A human-readable listing: waves, then each service's hosts.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (i, wave) in self.waves.iter().enumerate() {
            out.push_str(&format!("wave {}: {}\n", i + 1, wave.join(", ")));
        }
        for (s, hosts) in &self.placement {
            out.push_str(&format!("{s}: {}\n", summarize(hosts)));
        }
        out
    }
}

fn summarize(hosts: &[String]) -> String {
    if hosts.len() <= 8 {
        hosts.join(", ")
    } else {
        format!("{}, ... ({} hosts)", hosts[..4].join(", "), hosts.len())
    }
}

/// Longest-path layers of a DAG; a cycle is an error naming its members.
fn waves(g: &DiGraph<&str, bool>) -> crate::Result<Vec<Vec<String>>> {
    for scc in petgraph::algo::tarjan_scc(g) {
        let self_loop = scc.len() == 1 && g.contains_edge(scc[0], scc[0]);
        if scc.len() > 1 || self_loop {
            return Err(Error::Cycle {
                members: cycle_path(g, &scc),
            }
            .into());
        }
    }
    let topo = petgraph::algo::toposort(g, None).map_err(|c| Error::Cycle {
        members: vec![g[c.node_id()].to_string()],
    })?;
    let mut level = vec![0usize; g.node_count()];
    for n in topo {
        let l = g
            .neighbors_directed(n, petgraph::Direction::Incoming)
            .map(|p| level[p.index()] + 1)
            .max()
            .unwrap_or(0);
        level[n.index()] = l;
    }
    let depth = level.iter().copied().max().map_or(0, |m| m + 1);
    let mut out = vec![Vec::new(); depth];
    for n in g.node_indices() {
        out[level[n.index()]].push(g[n].to_string());
    }
    for w in &mut out {
        w.sort();
    }
    Ok(out)
}

/// One cycle through a strongly connected component, as names.
fn cycle_path(g: &DiGraph<&str, bool>, scc: &[NodeIndex]) -> Vec<String> {
    let members: HashSet<NodeIndex> = scc.iter().copied().collect();
    let start = *scc.iter().min_by_key(|n| g[**n]).unwrap_or(&scc[0]);
    let mut path = vec![start];
    let mut seen = HashSet::from([start]);
    let mut cur = start;
    loop {
        let mut next: Vec<NodeIndex> = g.neighbors(cur).filter(|n| members.contains(n)).collect();
        next.sort_by_key(|n| g[*n]);
        if next.contains(&start) {
            path.push(start);
            break;
        }
        match next.into_iter().find(|n| !seen.contains(n)) {
            Some(n) => {
                seen.insert(n);
                path.push(n);
                cur = n;
            }
            None => {
                path.push(start);
                break;
            }
        }
    }
    path.into_iter().map(|n| g[n].to_string()).collect()
}

/// Hosts grouped by the variables that can change an enable flag: hosts
/// whose inventory variables agree on every name kolla has a default for
/// (and on every `enable_*`) evaluate every flag alike, so each flag is
/// rendered once per class, not once per host.
struct Classes {
    /// Host index of each class's representative.
    reps: Vec<usize>,
    /// Class of each host.
    of: Vec<usize>,
}

impl Classes {
    fn new(hosts: &[ResolvedHost<'_>], inputs: &Inputs) -> Classes {
        let defaults = inputs.defaults();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut reps = Vec::new();
        let mut of = Vec::with_capacity(hosts.len());
        for (i, h) in hosts.iter().enumerate() {
            let mut key = h.group_names.join(",");
            key.push('\n');
            for (k, v) in &h.vars {
                if defaults.contains_key(*k) || k.starts_with("enable_") {
                    key.push_str(k);
                    key.push('=');
                    key.push_str(&v.to_string());
                    key.push('\n');
                }
            }
            let next = reps.len();
            let c = *by_key.entry(key).or_insert(next);
            if c == next {
                reps.push(i);
            }
            of.push(c);
        }
        Classes { reps, of }
    }
}

#[cfg(test)]
mod tests;
