//! The image tree: image definitions (a Dockerfile template, a parent and
//! the files an image adds), checked into a petgraph graph, then selected
//! the way `kolla-build` selects (regexes or a profile, `--skip-parents`,
//! `--skip-existing`) into a plan in waves.
//!
//! ```
//! use kolla_core::build::tree::{ImageDef, ImageTree, Selection};
//! let tree = ImageTree::new(vec![
//!     ImageDef::new("base", None, "FROM scratch\n"),
//!     ImageDef::new("openstack-base", Some("base"), "FROM {{ parent_image }}\n"),
//!     ImageDef::new("nova-api", Some("openstack-base"), "FROM {{ parent_image }}\n"),
//!     ImageDef::new("keystone", Some("openstack-base"), "FROM {{ parent_image }}\n"),
//! ]).unwrap();
//! let sel = Selection { regexes: vec!["^nova".into()], ..Default::default() };
//! let plan = tree.select(&sel, &Default::default()).unwrap();
//! // A matched image pulls its ancestors in; the plan runs parents first.
//! assert_eq!(plan.waves, [vec!["base"], vec!["openstack-base"], vec!["nova-api"]]);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use serde::Serialize;

use super::image::ContextFile;
use super::Error;
use crate::pycompat::re::{compile, Anchor};

/// One image: its name, parent, Dockerfile template and added files.
#[derive(Debug, Clone)]
pub struct ImageDef {
    /// The image name, `nova-api` (the reference is `NAMESPACE/NAME:TAG`).
    pub name: String,
    /// The parent image's name; `None` for a root (`FROM scratch` or a
    /// distro image).
    pub parent: Option<String>,
    /// The `Dockerfile.j2` text (minijinja; see [`super::render`]).
    pub template: String,
    /// Files put into the build context next to the Dockerfile.
    pub files: Vec<ContextFile>,
}

impl ImageDef {
    /// A definition with no added files.
    pub fn new(name: &str, parent: Option<&str>, template: &str) -> Self {
        ImageDef {
            name: name.into(),
            parent: parent.map(Into::into),
            template: template.into(),
            files: Vec::new(),
        }
    }
}

/// The checked tree: every parent exists, no cycles, names unique.
#[derive(Debug, Clone)]
pub struct ImageTree {
    graph: DiGraph<ImageDef, ()>,
    index: BTreeMap<String, NodeIndex>,
}

/// Why an image is or is not in a plan, as `kolla-build` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum Selected {
    /// To be built.
    Matched,
    /// Not selected by the regexes or profile.
    Unmatched,
    /// Selected, but skipped by an option (the reason says which).
    Skipped(String),
}

/// What to select.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Python regexes searched in image names (any match selects); when
    /// empty, `profiles` is used; when both are empty, every image.
    pub regexes: Vec<String>,
    /// Profile names (see [`profile`]).
    pub profiles: Vec<String>,
    /// Do not rebuild selected images that have children.
    pub skip_parents: bool,
    /// Do not rebuild selected images that exist already (the caller passes
    /// which do to [`ImageTree::select`]).
    pub skip_existing: bool,
}

/// The outcome of a selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Every image's selection status, by name.
    pub status: BTreeMap<String, Selected>,
    /// The images to build, in waves: an image's parent is built in an
    /// earlier wave or not built at all (skipped, so it must exist).
    pub waves: Vec<Vec<String>>,
}

impl Plan {
    /// The images to build, wave after wave.
    pub fn to_build(&self) -> impl Iterator<Item = &str> {
        self.waves.iter().flatten().map(String::as_str)
    }
}

/// The patterns of a built-in profile: upstream's `infra`, `main`, `aux`
/// and `default` lists (kolla 23.0.0), and `standin`, every image of the
/// stand-in tree.
pub fn profile(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "infra" => &[
            "cron",
            "etcd",
            "fluentd",
            "haproxy",
            "hacluster",
            "keepalived",
            "kolla-toolbox",
            "letsencrypt",
            "mariadb",
            "memcached",
            "opensearch",
            "openvswitch",
            "proxysql",
            "rabbitmq",
            "tgtd",
            "valkey",
        ],
        "main" => &[
            "ceilometer",
            "cinder",
            "glance",
            "heat",
            "horizon",
            "iscsi",
            "keystone",
            "neutron",
            "nova-",
            "placement",
        ],
        "aux" => &[
            "aodh",
            "blazar",
            "cloudkitty",
            "designate",
            "gnocchi",
            "ironic",
            "kerbside",
            "magnum",
            "manila",
            "masakari",
            "mistral",
            "octavia",
            "tacker",
            "trove",
            "valkey",
        ],
        "default" => &[
            "cron",
            "kolla-toolbox",
            "fluentd",
            "glance",
            "haproxy",
            "heat",
            "horizon",
            "keepalived",
            "keystone",
            "mariadb",
            "memcached",
            "neutron",
            "nova-",
            "placement",
            "proxysql",
            "openvswitch",
            "rabbitmq",
        ],
        "standin" => &[".*"],
        _ => return None,
    })
}

/// The names [`profile`] knows.
pub const PROFILES: [&str; 5] = ["infra", "main", "aux", "default", "standin"];

impl ImageTree {
    /// Checks `defs` into a tree.
    ///
    /// # Errors
    /// [`Error::Duplicate`], [`Error::MissingParent`] or [`Error::Cycle`].
    pub fn new(defs: Vec<ImageDef>) -> Result<Self, Error> {
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        for d in defs {
            let name = d.name.clone();
            let at = graph.add_node(d);
            if index.insert(name.clone(), at).is_some() {
                return Err(Error::Duplicate { image: name });
            }
        }
        let edges: Vec<(NodeIndex, NodeIndex)> = graph
            .node_indices()
            .filter_map(|n| {
                let d = &graph[n];
                let p = d.parent.as_ref()?;
                Some(match index.get(p) {
                    Some(&pi) => Ok((pi, n)),
                    None => Err(Error::MissingParent {
                        image: d.name.clone(),
                        parent: p.clone(),
                    }),
                })
            })
            .collect::<Result<_, _>>()?;
        for (p, c) in edges {
            graph.add_edge(p, c, ());
        }
        if let Err(cycle) = petgraph::algo::toposort(&graph, None) {
            // Walk parents from the node in the cycle until one repeats.
            let mut members = vec![graph[cycle.node_id()].name.clone()];
            let mut at = cycle.node_id();
            loop {
                let p = graph
                    .neighbors_directed(at, Direction::Incoming)
                    .next()
                    .expect("a node in a cycle has a parent");
                members.push(graph[p].name.clone());
                if p == cycle.node_id() {
                    break;
                }
                at = p;
            }
            members.reverse();
            return Err(Error::Cycle { members });
        }
        Ok(ImageTree { graph, index })
    }

    /// The definition of `name`.
    pub fn get(&self, name: &str) -> Option<&ImageDef> {
        self.index.get(name).map(|&i| &self.graph[i])
    }

    /// Every image name, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }

    /// The children of `name`, sorted.
    pub fn children(&self, name: &str) -> Vec<&str> {
        let Some(&i) = self.index.get(name) else {
            return Vec::new();
        };
        let mut v: Vec<&str> = self
            .graph
            .neighbors_directed(i, Direction::Outgoing)
            .map(|c| self.graph[c].name.as_str())
            .collect();
        v.sort_unstable();
        v
    }

    /// The roots (images without a parent), sorted.
    pub fn roots(&self) -> Vec<&str> {
        self.index
            .iter()
            .filter(|(_, &i)| self.graph[i].parent.is_none())
            .map(|(n, _)| n.as_str())
            .collect()
    }

    /// The depth of `name` (roots are 0).
    fn depth(&self, name: &str) -> usize {
        let mut d = 0;
        let mut at = self.get(name).and_then(|i| i.parent.as_deref());
        while let Some(p) = at {
            d += 1;
            at = self.get(p).and_then(|i| i.parent.as_deref());
        }
        d
    }

    /// Selects images as `kolla-build` does: the regexes (or the profiles'
    /// patterns) are searched in each name, a matched image pulls in its
    /// ancestors, then `--skip-existing` (an image in `existing`) and
    /// `--skip-parents` (a matched image with children) mark images skipped.
    ///
    /// # Errors
    /// [`Error::UnknownProfile`], [`Error::Regex`].
    pub fn select(&self, sel: &Selection, existing: &BTreeSet<String>) -> Result<Plan, Error> {
        let mut patterns: Vec<String> = sel.regexes.clone();
        if patterns.is_empty() {
            for p in &sel.profiles {
                let pats = profile(p).ok_or_else(|| Error::UnknownProfile {
                    profile: p.clone(),
                    known: PROFILES.join(", "),
                })?;
                patterns.extend(pats.iter().map(|s| s.to_string()));
            }
        }
        let mut status: BTreeMap<String, Selected> = BTreeMap::new();
        if patterns.is_empty() {
            for n in self.index.keys() {
                status.insert(n.clone(), Selected::Matched);
            }
        } else {
            // Upstream joins the patterns into one alternation.
            let joined = format!("({})", patterns.join("|"));
            let re = compile(&joined, false, false, Anchor::Search, false).map_err(|message| {
                Error::Regex {
                    pattern: joined.clone(),
                    message,
                }
            })?;
            for n in self.index.keys() {
                status.entry(n.clone()).or_insert(Selected::Unmatched);
                let hit = re.search(n).map_err(|message| Error::Regex {
                    pattern: joined.clone(),
                    message,
                })?;
                if hit.is_some() {
                    status.insert(n.clone(), Selected::Matched);
                    let mut at = self.get(n).and_then(|d| d.parent.clone());
                    while let Some(p) = at {
                        status.insert(p.clone(), Selected::Matched);
                        at = self.get(&p).and_then(|d| d.parent.clone());
                    }
                }
            }
        }
        for (n, s) in status.iter_mut() {
            if *s != Selected::Matched {
                continue;
            }
            if sel.skip_existing && existing.contains(n) {
                *s = Selected::Skipped("exists (--skip-existing)".into());
            } else if sel.skip_parents && !self.children(n).is_empty() {
                *s = Selected::Skipped("has children (--skip-parents)".into());
            }
        }
        let mut waves: Vec<Vec<String>> = Vec::new();
        for (n, s) in &status {
            if *s == Selected::Matched {
                let d = self.depth(n);
                if waves.len() <= d {
                    waves.resize(d + 1, Vec::new());
                }
                waves[d].push(n.clone());
            }
        }
        waves.retain(|w| !w.is_empty());
        Ok(Plan { status, waves })
    }

    /// The matched part of the tree as nested JSON, as `kolla-build
    /// --list-dependencies` prints it: `{"base": [{"openstack-base":
    /// ["keystone", ...]}]}` (a leaf is a name, a parent a one-key object).
    pub fn dependencies(&self, plan: &Plan) -> serde_json::Value {
        fn node(t: &ImageTree, plan: &Plan, name: &str) -> Option<serde_json::Value> {
            let kept = matches!(plan.status.get(name), Some(s) if *s != Selected::Unmatched);
            if !kept {
                return None;
            }
            let kids: Vec<serde_json::Value> = t
                .children(name)
                .into_iter()
                .filter_map(|c| node(t, plan, c))
                .collect();
            Some(if t.children(name).is_empty() {
                serde_json::Value::String(name.into())
            } else {
                let mut m = serde_json::Map::new();
                m.insert(name.to_string(), serde_json::Value::Array(kids));
                serde_json::Value::Object(m)
            })
        }
        let roots: Vec<serde_json::Value> = self
            .roots()
            .into_iter()
            .filter_map(|r| node(self, plan, r))
            .collect();
        serde_json::Value::Array(roots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> ImageTree {
        ImageTree::new(vec![
            ImageDef::new("base", None, ""),
            ImageDef::new("openstack-base", Some("base"), ""),
            ImageDef::new("nova-base", Some("openstack-base"), ""),
            ImageDef::new("nova-api", Some("nova-base"), ""),
            ImageDef::new("nova-compute", Some("nova-base"), ""),
            ImageDef::new("keystone", Some("openstack-base"), ""),
            ImageDef::new("mariadb-server", Some("base"), ""),
        ])
        .unwrap()
    }

    #[test]
    fn missing_parent_and_cycle_and_duplicate() {
        let e = ImageTree::new(vec![ImageDef::new("a", Some("nope"), "")]).unwrap_err();
        assert_eq!(e.to_string(), "image a: parent image nope is not defined");
        let e = ImageTree::new(vec![
            ImageDef::new("r", None, ""),
            ImageDef::new("a", Some("b"), ""),
            ImageDef::new("b", Some("c"), ""),
            ImageDef::new("c", Some("a"), ""),
        ])
        .unwrap_err();
        let Error::Cycle { members } = &e else {
            panic!("{e}")
        };
        assert_eq!(members.first(), members.last());
        assert_eq!(members.len(), 4, "{members:?}");
        let e = ImageTree::new(vec![
            ImageDef::new("a", None, ""),
            ImageDef::new("a", None, ""),
        ])
        .unwrap_err();
        assert!(matches!(e, Error::Duplicate { .. }));
    }

    #[test]
    fn regex_pulls_in_ancestors_only() {
        let t = tree();
        let sel = Selection {
            regexes: vec!["nova-api".into()],
            ..Default::default()
        };
        let p = t.select(&sel, &BTreeSet::new()).unwrap();
        assert_eq!(
            p.waves,
            [["base"], ["openstack-base"], ["nova-base"], ["nova-api"]]
        );
        assert_eq!(p.status["keystone"], Selected::Unmatched);
        assert_eq!(p.status["nova-compute"], Selected::Unmatched);
    }

    #[test]
    fn profile_patterns_are_searched() {
        let t = tree();
        let sel = Selection {
            profiles: vec!["main".into()],
            ..Default::default()
        };
        let p = t.select(&sel, &BTreeSet::new()).unwrap();
        // `nova-` matches nova-base too, `keystone` keystone; mariadb is infra.
        assert_eq!(p.status["mariadb-server"], Selected::Unmatched);
        assert_eq!(p.waves.last().unwrap(), &["nova-api", "nova-compute"]);
        let bad = Selection {
            profiles: vec!["nope".into()],
            ..Default::default()
        };
        assert!(matches!(
            t.select(&bad, &BTreeSet::new()),
            Err(Error::UnknownProfile { .. })
        ));
    }

    #[test]
    fn skip_parents_and_skip_existing() {
        let t = tree();
        let sel = Selection {
            regexes: vec!["^nova".into()],
            skip_parents: true,
            ..Default::default()
        };
        let p = t.select(&sel, &BTreeSet::new()).unwrap();
        assert_eq!(p.waves, [["nova-api", "nova-compute"]]);
        assert!(matches!(p.status["nova-base"], Selected::Skipped(_)));
        let sel = Selection {
            skip_existing: true,
            ..Default::default()
        };
        let existing: BTreeSet<String> = ["base", "keystone"].map(String::from).into();
        let p = t.select(&sel, &existing).unwrap();
        assert_eq!(
            p.status["base"],
            Selected::Skipped("exists (--skip-existing)".into())
        );
        assert_eq!(p.waves[0], ["mariadb-server", "openstack-base"]);
    }

    #[test]
    fn dependencies_nest_parents() {
        let t = tree();
        let sel = Selection {
            regexes: vec!["keystone".into()],
            ..Default::default()
        };
        let p = t.select(&sel, &BTreeSet::new()).unwrap();
        assert_eq!(
            t.dependencies(&p),
            serde_json::json!([{"base": [{"openstack-base": ["keystone"]}]}])
        );
    }
}
