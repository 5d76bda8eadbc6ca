//! The typed catalog model: what one data file (`catalog/services/<service>.yml`) holds.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A boolean written either as a plain value or as a Jinja expression
/// (`"{{ enable_cells }}"`), evaluated per host through the variable Context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Flag {
    /// A literal `true` / `false`.
    Bool(bool),
    /// A Jinja expression; its rendering is read with Ansible's `bool` rules.
    Expr(String),
}

impl Default for Flag {
    fn default() -> Self {
        Flag::Bool(true)
    }
}

fn default_false() -> Flag {
    Flag::Bool(false)
}

/// How a config file reaches the container's config directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeKind {
    /// INI files layered through `merge_configs` (template, then each override).
    MergeConfigs,
    /// YAML files layered through `merge_yaml`.
    MergeYaml,
    /// A template rendered as is (the first found of template and overrides).
    Template,
    /// A plain copy, no rendering.
    Copy,
}

/// The hard and soft dependencies of a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependencies {
    /// Services that must be enabled (or configured as external) and deployed
    /// first: the database, messaging, keystone, a store.
    #[serde(default)]
    pub hard: Vec<String>,
    /// Services deployed first when they are enabled; absent ones are fine.
    #[serde(default)]
    pub soft: Vec<String>,
}

/// One file written into `{{ node_config_directory }}/<key>/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// File name (relative path) in the container's config directory.
    pub dest: String,
    /// The project's template that produces it (`None`: supplied by the operator only).
    #[serde(default)]
    pub template: Option<String>,
    /// How overrides are applied.
    pub merge: MergeKind,
    /// File mode on the host.
    #[serde(default = "default_mode")]
    pub mode: String,
    /// Owner on the host.
    #[serde(default = "default_owner")]
    pub owner: String,
    /// The override chain after the template (Jinja kept). For
    /// `merge_configs` / `merge_yaml`: lowest precedence first, each later
    /// file winning (genconfig adds the pre-6.0.0 `database.conf` and
    /// `messaging.conf` layers right after a `global.conf` step). For
    /// `template` / `copy`: whole-file replacements, first found wins, most
    /// specific first (upstream's `with_first_found`), the template last.
    #[serde(default)]
    pub overrides: Vec<String>,
    /// Written only when this Jinja expression is true for the host
    /// (`item`, `service_name` and `project_name` are set as in upstream's
    /// config tasks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Writes one file per element of this Jinja expression's value (a
    /// list, or a mapping looped as `{key, value}` pairs like
    /// `with_dict`), each rendered with `item` set to the element (and
    /// `service` to its `value`); `dest` should use `item`.
    #[serde(default, rename = "loop", skip_serializing_if = "Option::is_none")]
    pub loop_over: Option<String>,
}

fn default_mode() -> String {
    "0660".to_string()
}

fn default_owner() -> String {
    "{{ config_owner_user }}".to_string()
}

/// One `config_files` entry of a container's config.json.
///
/// Note: this describes config.json content for the catalog only; it meets
/// the crate's config.json type (`config_json` module) when genconfig writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigJsonFile {
    /// Path inside the container, under `container_config_directory`.
    pub source: String,
    /// Where kolla_set_configs puts it.
    pub dest: String,
    /// Owner (user or user:group).
    pub owner: String,
    /// Permissions, octal string.
    pub perm: String,
    /// `optional` as written (a bool or a Jinja expression).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<Value>,
    /// The entry sits inside a Jinja condition of the template. Without
    /// `when`, genconfig keeps it only when the container's config
    /// directory gets the file its `source` names.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conditional: bool,
    /// Kept only when this Jinja expression is true for the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Merge into an existing destination directory (`merge: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<Value>,
    /// Keep the source's own properties (`preserve_properties: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preserve_properties: Option<Value>,
}

/// One `permissions` entry of a container's config.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigJsonPermission {
    /// Path inside the container.
    pub path: String,
    /// Owner (user:group).
    pub owner: String,
    /// Apply recursively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurse: Option<bool>,
    /// Mode, octal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perm: Option<String>,
    /// Kept only when this Jinja expression is true for the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

/// What a container's config.json holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigJsonSpec {
    /// The command kolla_set_configs hands over to.
    #[serde(default)]
    pub command: Option<String>,
    /// Files to copy into place.
    #[serde(default)]
    pub config_files: Vec<ConfigJsonFile>,
    /// Ownership and permissions to set.
    #[serde(default)]
    pub permissions: Vec<ConfigJsonPermission>,
}

/// One container of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    /// Container name (`nova_api`).
    pub name: String,
    /// Config directory key (`nova-api`): `{{ node_config_directory }}/<key>/`.
    pub key: String,
    /// The inventory group whose hosts run it.
    pub group: String,
    /// Further groups whose hosts run it too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_groups: Vec<String>,
    /// Upstream's exact host condition when it is more than a group (kept for genconfig/plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_in_groups: Option<String>,
    /// Image name, without registry, namespace or tag (`nova-api`).
    pub image: String,
    /// Enable expression of the container (ANDed with the service's).
    #[serde(default)]
    pub enabled: Flag,
    /// Runs privileged.
    #[serde(default = "default_false")]
    pub privileged: Flag,
    /// PID namespace mode (`host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid_mode: Option<String>,
    /// IPC namespace mode (`host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipc_mode: Option<String>,
    /// cgroup namespace mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgroupns_mode: Option<String>,
    /// Extra environment: a mapping, or a Jinja expression giving one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Value>,
    /// Volumes, `source:target[:mode]`, Jinja kept; empty renderings are dropped.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// The variable holding the operator's extra volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_volumes_var: Option<String>,
    /// Resource limits expression.
    #[serde(default = "default_dimensions")]
    pub dimensions: String,
    /// Healthcheck (`test`, `interval`, `retries`, `start_period`, `timeout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<IndexMap<String, Value>>,
    /// Files written into its config directory.
    #[serde(default)]
    pub config_files: Vec<ConfigFile>,
    /// Its config.json.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_json: Option<ConfigJsonSpec>,
}

fn default_dimensions() -> String {
    "{{ default_container_dimensions }}".to_string()
}

/// One HAProxy frontend/backend pair of a service (`haproxy:` in upstream's
/// service dicts); every field but `name` as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frontend {
    /// Frontend name (`nova_api`, `nova_api_external`).
    pub name: String,
    /// `enabled`, `mode`, `external`, `port`, `listen_port`, ...
    #[serde(flatten)]
    pub settings: IndexMap<String, Value>,
}

/// One service of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Name (`nova`, `opensearch-dashboards`).
    pub service: String,
    /// One line about it.
    #[serde(default)]
    pub description: String,
    /// Where the facts come from (upstream tag, or kolla-rs's own).
    #[serde(default)]
    pub origin: String,
    /// Older names (`elasticsearch` for `opensearch`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The service's enable expression (`{{ enable_nova | bool }}`).
    #[serde(default)]
    pub enable: Flag,
    /// Dependencies.
    #[serde(default)]
    pub depends_on: Dependencies,
    /// Port variables and their defaults.
    #[serde(default)]
    pub ports: IndexMap<String, Value>,
    /// HAProxy frontends and backends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub haproxy: Vec<Frontend>,
    /// Containers, in start order.
    pub containers: Vec<Container>,
}

impl Service {
    /// Every inventory group the service's containers use, in first-use order.
    pub fn groups(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.containers {
            for g in std::iter::once(&c.group).chain(&c.extra_groups) {
                if !out.contains(&g.as_str()) {
                    out.push(g);
                }
            }
        }
        out
    }

    /// The container called `name` (container name or config key).
    pub fn container(&self, name: &str) -> Option<&Container> {
        self.containers
            .iter()
            .find(|c| c.name == name || c.key == name)
    }

    /// The short form `kolla catalog list --format json` prints (and
    /// `kolla_rs.Catalog.list()` returns): name, aliases, description,
    /// containers (name, key, group, image), all and hard dependencies.
    pub fn summary(&self) -> serde_json::Value {
        let mut depends_on: Vec<&str> = self
            .depends_on
            .hard
            .iter()
            .chain(&self.depends_on.soft)
            .map(String::as_str)
            .collect();
        depends_on.sort_unstable();
        serde_json::json!({
            "service": self.service,
            "aliases": self.aliases,
            "description": self.description,
            "containers": self.containers.iter().map(|c| serde_json::json!({
                "name": c.name,
                "key": c.key,
                "group": c.group,
                "image": c.image,
            })).collect::<Vec<_>>(),
            "depends_on": depends_on,
            "hard_depends_on": self.depends_on.hard,
        })
    }
}
