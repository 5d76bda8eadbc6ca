//! Ansible inventories: hosts, groups, variables and host patterns.
//!
//! An [`Inventory`] is read from INI or YAML inventory files (or
//! directories of them, or several at once) exactly as Ansible 2.19 reads
//! them, together with the `group_vars/` and `host_vars/` beside them. It
//! then answers what a deployment asks: the hosts of a group, the groups of
//! a host, a host's merged variables, and which hosts a pattern names.
//! [`Inventory::to_ansible_json`] prints the same bytes as
//! `ansible-inventory --list`.
//!
//! ```
//! use kolla_core::inventory::Inventory;
//!
//! let inv = Inventory::from_ini(
//!     "multinode",
//!     "[control]\ncontrol0[1:3] api_interface=eth0\n\
//!      [nova:children]\ncontrol\n[nova-api:children]\nnova\n[all:vars]\nx=1\n",
//! )
//! .unwrap();
//! assert_eq!(inv.hosts_of("nova-api").unwrap(), ["control01", "control02", "control03"]);
//! assert_eq!(inv.host_vars("control02").unwrap()["x"], 1);
//! assert_eq!(inv.hosts_in("nova-api:!control03").unwrap(), ["control01", "control02"]);
//! ```

mod check;
mod data;
mod hostrange;
mod ini;
mod output;
mod pattern;
mod resolve;
mod source;
mod yamlinv;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::Location;

pub use check::{known_groups, Finding, DEFAULT_RELEASE, RELEASES};

/// An inventory could not be read or a pattern could not be resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A malformed inventory line.
    #[error("{location}: {message}")]
    Parse {
        /// The inventory file and line.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// An inventory source as a whole could not be used (no line applies).
    #[error("{path}: {message}")]
    Source {
        /// The file or directory.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A host pattern is invalid.
    #[error("host pattern {pattern:?}: {message}")]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// What is wrong.
        message: String,
    },
    /// No such host in the inventory.
    #[error("unknown host {host:?}")]
    UnknownHost {
        /// The host name asked for.
        host: String,
    },
    /// No such group in the inventory.
    #[error("unknown group {group:?}")]
    UnknownGroup {
        /// The group name asked for.
        group: String,
    },
    /// [`Inventory::check_release`] was asked about a release it has no
    /// group names for.
    #[error("unknown kolla-ansible release {release:?} (known: {})", RELEASES.join(", "))]
    UnknownRelease {
        /// The release asked for.
        release: String,
    },
}

impl Error {
    /// Where in which file the error is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Parse { location, .. } => Some(location),
            _ => None,
        }
    }
}

/// A loaded inventory.
#[derive(Debug, Clone)]
pub struct Inventory {
    data: data::Data,
    /// Variables from `group_vars/` and `host_vars/`, one entry per source.
    adjacent: Vec<source::Adjacent>,
    /// Per group: its closure (itself and its ancestors) without `all`,
    /// sorted by (depth, priority, name): the order variables merge in.
    sorted_closure: Vec<Vec<usize>>,
}

impl Inventory {
    /// Loads inventory sources as `ansible-inventory -i A -i B ...` does:
    /// files (INI or YAML), directories of them, or comma-separated host
    /// lists, with `group_vars/` and `host_vars/` beside each source.
    ///
    /// # Errors
    /// A malformed file (with its path and line), a source that does not
    /// exist, or an unreadable variables file.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> crate::Result<Inventory> {
        let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
        source::load(&paths)
    }

    /// Parses one INI inventory from memory (no `group_vars/`).
    ///
    /// # Errors
    /// [`Error::Parse`] naming `origin` and the line.
    pub fn from_ini(origin: &str, text: &str) -> Result<Inventory, Error> {
        let mut d = data::Data::new();
        ini::parse(&mut d, origin, text)?;
        Inventory::finish(d, Vec::new())
    }

    /// Parses one YAML inventory from memory (no `group_vars/`).
    ///
    /// # Errors
    /// YAML syntax errors or an invalid inventory structure.
    pub fn from_yaml(origin: &str, text: &str) -> crate::Result<Inventory> {
        let doc = crate::yaml::load_data(origin, text)?;
        let mut d = data::Data::new();
        match yamlinv::accepts(&doc) {
            Ok(m) => yamlinv::parse_text(&mut d, origin, m, Some(text))?,
            Err(_) => {
                return Err(Error::Source {
                    path: origin.into(),
                    message: "YAML inventory has invalid structure, it should be a dictionary"
                        .into(),
                }
                .into())
            }
        }
        Ok(Inventory::finish(d, Vec::new())?)
    }

    fn finish(mut d: data::Data, adjacent: Vec<source::Adjacent>) -> Result<Inventory, Error> {
        d.reconcile().map_err(|message| Error::Source {
            path: "<inventory>".into(),
            message,
        })?;
        let sorted_closure = resolve::sorted_closures(&d);
        Ok(Inventory {
            data: d,
            adjacent,
            sorted_closure,
        })
    }

    /// Warnings Ansible would print while reading these sources (without
    /// the `[WARNING]: ` prefix), in the order met.
    pub fn warnings(&self) -> &[String] {
        &self.data.warnings
    }

    /// The details behind Ansible's warning "Invalid characters were found
    /// in group names but not replaced" (which Ansible prints only with
    /// `-vvvv`): one line per group name that is not a valid variable name,
    /// in Ansible's words.
    ///
    /// ```
    /// let inv = kolla_core::inventory::Inventory::from_ini("i", "[nova-api]\nh\n").unwrap();
    /// assert_eq!(
    ///     inv.group_name_details(),
    ///     ["Not replacing invalid character(s) \"{'-'}\" in group name (nova-api)"]
    /// );
    /// ```
    pub fn group_name_details(&self) -> Vec<String> {
        self.data
            .groups
            .keys()
            .filter_map(|name| {
                let bad = data::invalid_group_chars(name);
                (!bad.is_empty()).then(|| {
                    let set: Vec<String> = bad.iter().map(|c| format!("'{c}'")).collect();
                    format!(
                        "Not replacing invalid character(s) \"{{{}}}\" in group name ({name})",
                        set.join(", ")
                    )
                })
            })
            .collect()
    }

    /// Every group name, in creation order (`all` and `ungrouped` first).
    pub fn groups(&self) -> Vec<&str> {
        self.data.groups.keys().map(String::as_str).collect()
    }

    /// Every host name, in the order hosts were first met.
    pub fn hosts(&self) -> Vec<&str> {
        self.data.hosts.keys().map(String::as_str).collect()
    }

    /// The direct child groups of `group`, in the order they were added.
    ///
    /// # Errors
    /// [`Error::UnknownGroup`].
    pub fn children_of(&self, group: &str) -> Result<Vec<&str>, Error> {
        let g = self.group_index(group)?;
        Ok(self.data.groups[g]
            .children
            .iter()
            .map(|&c| self.data.groups[c].name.as_str())
            .collect())
    }

    /// The hosts of `group` and its descendants (`groups[group]` in a play):
    /// its own hosts, then its children's, breadth first in declaration
    /// order, without duplicates.
    ///
    /// # Errors
    /// [`Error::UnknownGroup`].
    pub fn hosts_of(&self, group: &str) -> Result<Vec<&str>, Error> {
        let g = self.group_index(group)?;
        Ok(resolve::group_hosts(&self.data, g)
            .into_iter()
            .map(|h| self.data.hosts[h].name.as_str())
            .collect())
    }

    /// `group_names` of a host: every group it is in, directly or through
    /// children, except `all`, sorted.
    ///
    /// # Errors
    /// [`Error::UnknownHost`].
    pub fn group_names(&self, host: &str) -> Result<Vec<&str>, Error> {
        let h = self.host_index(host)?;
        let mut names: Vec<&str> = resolve::host_groups(self, h)
            .into_iter()
            .map(|g| self.data.groups[g].name.as_str())
            .collect();
        names.sort_unstable();
        Ok(names)
    }

    /// A host's variables merged as Ansible merges inventory variables:
    /// `all` < other groups by (depth, `ansible_group_priority`, name) <
    /// `group_vars/all` < `group_vars/<group>` in the same order < host
    /// variables < `host_vars/<host>`. Ansible's internal names
    /// (`inventory_file`, `groups`, ...) are left out, as in
    /// `ansible-inventory --list`.
    ///
    /// # Errors
    /// [`Error::UnknownHost`].
    pub fn host_vars(&self, host: &str) -> Result<Map<String, Value>, Error> {
        let h = self.host_index(host)?;
        Ok(resolve::host_vars(self, h, &mut resolve::Cache::default()))
    }

    /// Every host with its sorted `group_names` and merged variables: the
    /// full resolution a deployment needs. Group layers are computed once per
    /// distinct set of groups, and the variables are borrowed from the
    /// inventory rather than copied.
    ///
    /// ```
    /// let inv = kolla_core::inventory::Inventory::from_ini(
    ///     "i", "[c]\nh[1:2] a=1\n[c:vars]\nb=2\n").unwrap();
    /// let all = inv.resolve_all();
    /// assert_eq!(all[1].name, "h2");
    /// assert_eq!(&*all[1].group_names, ["c"]);
    /// assert_eq!(all[1].vars["b"], &serde_json::json!(2));
    /// ```
    pub fn resolve_all(&self) -> Vec<ResolvedHost<'_>> {
        let mut cache = resolve::Cache::default();
        (0..self.data.hosts.len())
            .map(|h| ResolvedHost {
                name: self.data.hosts[h].name.as_str(),
                group_names: resolve::host_group_names_cached(self, h, &mut cache),
                vars: resolve::merged(self, h, &mut cache),
            })
            .collect()
    }

    /// The hosts a host pattern names, in Ansible's order: `a:b` (union),
    /// `a:&b` (intersection), `a:!b` (exclusion), `*` and `?` wildcards,
    /// `~regex`, and `[i]`/`[i:j]` subscripts.
    ///
    /// # Errors
    /// [`Error::Pattern`] for an invalid regex or a subscript out of range.
    pub fn hosts_in(&self, pattern: &str) -> Result<Vec<&str>, Error> {
        Ok(self.hosts_in_with_warnings(pattern)?.0)
    }

    /// [`Inventory::hosts_in`], with the warnings Ansible prints while
    /// matching (without the `[WARNING]: ` prefix): one per term that names
    /// no group and no host.
    ///
    /// ```
    /// let inv = kolla_core::inventory::Inventory::from_ini("i", "[g]\nh\n").unwrap();
    /// let (hosts, warnings) = inv.hosts_in_with_warnings("g:nosuch").unwrap();
    /// assert_eq!(hosts, ["h"]);
    /// assert_eq!(warnings, ["Could not match supplied host pattern, ignoring: nosuch"]);
    /// ```
    ///
    /// # Errors
    /// As [`Inventory::hosts_in`].
    pub fn hosts_in_with_warnings(&self, pattern: &str) -> Result<(Vec<&str>, Vec<String>), Error> {
        let mut warnings = Vec::new();
        let hosts = pattern::hosts_in(self, pattern, &mut warnings)?
            .into_iter()
            .map(|h| self.data.hosts[h].name.as_str())
            .collect();
        Ok((hosts, warnings))
    }

    /// The same JSON text as `ansible-inventory --list` (with its final newline).
    pub fn to_ansible_json(&self) -> String {
        output::list_json(self)
    }

    /// The same JSON text as `ansible-inventory --host HOST` (with its final newline).
    ///
    /// ```
    /// let inv = kolla_core::inventory::Inventory::from_ini("i", "[g]\nh b=2 a=1\n").unwrap();
    /// assert_eq!(inv.host_json("h").unwrap(), "{\n    \"a\": 1,\n    \"b\": 2\n}\n");
    /// ```
    ///
    /// # Errors
    /// [`Error::UnknownHost`].
    pub fn host_json(&self, host: &str) -> Result<String, Error> {
        let h = self.host_index(host)?;
        let vars = resolve::merged(self, h, &mut resolve::Cache::default());
        let mut out = String::new();
        crate::pycompat::json::json_dump_pairs(&mut out, vars.iter().map(|(k, v)| (*k, *v)), 0);
        out.push('\n');
        Ok(out)
    }

    /// The same text as `ansible-inventory --graph [group] [--vars]`.
    ///
    /// # Errors
    /// [`Error::UnknownGroup`].
    pub fn graph(&self, group: &str, vars: bool) -> Result<String, Error> {
        let g = self.group_index(group)?;
        Ok(output::graph(self, g, vars))
    }

    /// Checks no upstream tool makes: hosts in no service group, groups
    /// nothing uses, group names one edit from a known kolla group, and
    /// interface variables that name a device on one host but not its peers;
    /// groups are judged against [`DEFAULT_RELEASE`].
    pub fn check(&self) -> Vec<Finding> {
        check::check(self, DEFAULT_RELEASE).expect("the default release is known")
    }

    /// [`Inventory::check`] against the groups of another kolla-ansible
    /// release (one of [`RELEASES`]), for an inventory written for it.
    ///
    /// ```
    /// let inv = kolla_core::inventory::Inventory::from_ini(
    ///     "i", "[control]\nc1\n[kibana:children]\ncontrol\n").unwrap();
    /// assert!(inv.check_release("7.0.0").unwrap().is_empty());
    /// assert_eq!(inv.check_release("22.2.0").unwrap()[0].kind, "unused-group");
    /// ```
    ///
    /// # Errors
    /// [`Error::UnknownRelease`].
    pub fn check_release(&self, release: &str) -> Result<Vec<Finding>, Error> {
        check::check(self, release)
    }

    /// The parsed model before any variable merging, in creation order:
    /// what an Ansible inventory plugin replays into Ansible's own inventory
    /// (groups with their own variables, priority, children and hosts;
    /// hosts with their own variables). `group_vars/` and `host_vars/` are
    /// not included, since Ansible loads those itself.
    ///
    /// ```
    /// let inv = kolla_core::inventory::Inventory::from_ini("i", "[g]\nh a=1\n").unwrap();
    /// let m = inv.model();
    /// assert_eq!(m.groups[2].name, "g");
    /// assert_eq!(m.groups[2].hosts, ["h"]);
    /// assert_eq!(m.hosts[0].vars["a"], 1);
    /// ```
    pub fn model(&self) -> Model {
        model_of(&self.data)
    }

    /// Parses one inventory file the way Ansible's `ini`/`yaml` plugins see
    /// it during a multi-source load: groups named in `known_groups` (from
    /// sources read before) count as declared. Returns what the file adds,
    /// before Ansible's reconciliation (no implicit `all`/`ungrouped`
    /// membership is added): the input of the `kolla_rs` inventory plugin.
    ///
    /// # Errors
    /// As [`Inventory::load`], for this one file.
    pub fn parse_source_model(path: &Path, known_groups: &[String]) -> crate::Result<Model> {
        let mut d = data::Data::new();
        for g in known_groups {
            d.add_group(g);
        }
        d.warnings.clear();
        let bytes = std::fs::read(path).map_err(|e| crate::error::IoError::new(path, e))?;
        source::parse_file(&mut d, &path.display().to_string(), &bytes)?;
        Ok(model_of(&d))
    }

    fn group_index(&self, group: &str) -> Result<usize, Error> {
        self.data
            .groups
            .get_index_of(group)
            .ok_or_else(|| Error::UnknownGroup {
                group: group.to_string(),
            })
    }

    fn host_index(&self, host: &str) -> Result<usize, Error> {
        self.data
            .hosts
            .get_index_of(host)
            .ok_or_else(|| Error::UnknownHost {
                host: host.to_string(),
            })
    }
}

/// One host as [`Inventory::resolve_all`] resolves it.
#[derive(Debug, Clone)]
pub struct ResolvedHost<'a> {
    /// The host name.
    pub name: &'a str,
    /// Its sorted `group_names` (shared by hosts with the same groups).
    pub group_names: std::sync::Arc<[&'a str]>,
    /// Its merged variables, in Ansible's merge order, borrowed from the inventory.
    pub vars: indexmap::IndexMap<&'a str, &'a Value, foldhash::fast::RandomState>,
}

/// The inventory as parsed, see [`Inventory::model`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Model {
    /// Every group in creation order.
    pub groups: Vec<ModelGroup>,
    /// Every host in creation order.
    pub hosts: Vec<ModelHost>,
    /// The warnings met while reading.
    pub warnings: Vec<String>,
}

/// One group of a [`Model`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelGroup {
    /// The group name.
    pub name: String,
    /// Variables set on the group itself (`[g:vars]`, `vars:`).
    pub vars: Map<String, Value>,
    /// `ansible_group_priority` (1 unless set).
    pub priority: i64,
    /// Direct child groups, in the order added.
    pub children: Vec<String>,
    /// Direct hosts, in the order added.
    pub hosts: Vec<String>,
}

/// One host of a [`Model`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelHost {
    /// The host name.
    pub name: String,
    /// Variables set on the host itself (inline, `ansible_port` from `:NN`).
    pub vars: Map<String, Value>,
}

fn model_of(d: &data::Data) -> Model {
    Model {
        groups: d
            .groups
            .values()
            .map(|g| ModelGroup {
                name: g.name.clone(),
                vars: g.vars.clone(),
                priority: g.priority,
                children: g
                    .children
                    .iter()
                    .map(|&c| d.groups[c].name.clone())
                    .collect(),
                hosts: g.hosts.iter().map(|&h| d.hosts[h].name.clone()).collect(),
            })
            .collect(),
        hosts: d
            .hosts
            .values()
            .map(|h| ModelHost {
                name: h.name.clone(),
                vars: (*h.vars).clone(),
            })
            .collect(),
        warnings: d.warnings.clone(),
    }
}

/// The Python type name upstream messages print (`<class 'list'>`).
pub(crate) fn py_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}
