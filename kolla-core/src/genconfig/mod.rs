//! genconfig: every config file and `config.json` of every container on
//! every host, rendered and merged in memory ([`generate`]), then written
//! atomically and idempotently ([`write`]).
//!
//! For each host (narrowed by [`Options::limit`], an Ansible host pattern),
//! each enabled service placed on it ([`crate::graph`]), each enabled
//! container and each `config_files` entry of the catalog:
//!
//! - the entry's template (`kolla-core/templates/<service>/<template>`,
//!   embedded; an operator template directory wins, [`Options::template_dir`])
//!   is rendered with the host's variables ([`crate::vars::Context`]) plus
//!   `item` (`{key, value}` as upstream's config tasks loop), `service_name`
//!   (the key) and `project_name` (the service);
//! - the override paths are rendered the same way (`node_custom_config` is
//!   [`Options::config_dir`]), read once each, and rendered as templates too;
//! - the sources are combined per the entry's [`MergeKind`]: `merge_configs`
//!   through the one INI merge (template, `global.conf`, then the
//!   pre-6.0.0 `database.conf` and `messaging.conf`, then the rest of the
//!   chain; absent files change nothing), `merge_yaml` through the one YAML
//!   merge, `template` and `copy` as whole-file replacements (the first
//!   override found wins, else the template).
//!
//! Each container's `config.json` comes from the catalog's
//! [`ConfigJsonSpec`](crate::catalog::ConfigJsonSpec), rendered into the one
//! [`ConfigJson`] type.
//!
//! Speed: a template is rendered once per distinct input. The input is the
//! values of the variables the template reads (its undeclared variables),
//! so compute hosts that agree on them share one rendering.

mod render;
mod write;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use crate::catalog::{Catalog, ConfigFile, ConfigJsonSpec, Container, MergeKind, Service};
use crate::config_json::{self, ConfigJson};
use crate::inventory::{Inventory, ResolvedHost};
use crate::vars::{truthy, Context, Inputs};

pub use render::{embedded_templates, templates};
pub use write::{write, Change, WriteOptions};

use render::{HostEnv, Renderer};

include!(concat!(env!("OUT_DIR"), "/template_files.rs"));

/// Errors of genconfig.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Templates the catalog names do not exist (all of them, at once).
    #[error("missing templates (kolla-core/templates/<service>/<template>): {}", list_missing(.missing))]
    MissingTemplates {
        /// Every missing template, with the service and file that need it.
        missing: Vec<MissingTemplate>,
    },
    /// One file failed; the cause names the template or override and line.
    #[error("host {host}, {key}/{file}: {source}")]
    File {
        /// The inventory host.
        host: String,
        /// The config directory key.
        key: String,
        /// The file in it.
        file: String,
        /// What failed.
        #[source]
        source: Box<crate::Error>,
    },
    /// `--limit` matches no host.
    #[error("--limit {pattern}: no host of the inventory matches")]
    NoHosts {
        /// The pattern.
        pattern: String,
    },
    /// `--explain` names something genconfig does not generate.
    #[error("{what}")]
    NotFound {
        /// What is missing (host, key or file), and what exists.
        what: String,
    },
}

impl Error {
    /// Where in which file the error points, if it does.
    pub fn location(&self) -> Option<&crate::Location> {
        match self {
            Error::File { source, .. } => source.location(),
            _ => None,
        }
    }
}

fn list_missing(m: &[MissingTemplate]) -> String {
    m.iter()
        .map(|m| format!("{}/{} (for {}/{})", m.service, m.template, m.key, m.dest))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A template the catalog names that exists neither embedded nor in the
/// operator's template directory.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct MissingTemplate {
    /// The service.
    pub service: String,
    /// The template name (below `templates/<service>/`).
    pub template: String,
    /// The first container key that needs it.
    pub key: String,
    /// The file it would produce.
    pub dest: String,
}

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// An Ansible host pattern (`--limit`); all hosts when `None`.
    pub limit: Option<String>,
    /// Only these services (names or aliases); all enabled ones when empty.
    pub services: Vec<String>,
    /// The operator's override directory (`node_custom_config`,
    /// `--config-dir`); Kolla's default (`/etc/kolla/config`) when `None`.
    pub config_dir: Option<PathBuf>,
    /// An operator template directory (`<service>/<template>` files) that
    /// wins over the embedded templates.
    pub template_dir: Option<PathBuf>,
    /// Missing templates and files that fail do not fail the run: they are
    /// left out and listed in [`Generated::missing`] and
    /// [`Generated::failed`].
    pub keep_going: bool,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct File {
    /// Relative path in the container's config directory (`nova.conf`,
    /// `services.d/nova-api.cfg`).
    pub name: String,
    /// The content.
    #[serde(skip)]
    pub bytes: Arc<[u8]>,
    /// File mode.
    pub mode: u32,
}

/// Every file of one container's config directory on one host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerConfig {
    /// The inventory host.
    pub host: String,
    /// The service.
    pub service: String,
    /// The container name (`nova_api`).
    pub container: String,
    /// The config directory key (`nova-api`).
    pub key: String,
    /// The host's `node_config_directory` (where it goes without `--out`).
    pub node_config_directory: String,
    /// Whether the host is this machine (`ansible_connection=local`, localhost).
    pub local: bool,
    /// The files, `config.json` included, sorted by name.
    pub files: Vec<File>,
}

/// What [`generate`] produced.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Generated {
    /// One entry per (host, key), hosts in inventory order.
    pub configs: Vec<ContainerConfig>,
    /// Templates that were missing (with [`Options::keep_going`]).
    pub missing: Vec<MissingTemplate>,
    /// Files left out because they failed (with [`Options::keep_going`]),
    /// each error naming host, key, file and the cause's file:line.
    pub failed: Vec<String>,
    /// How many config template renderings were done (the rest came from
    /// the render cache).
    pub renders: usize,
}

/// Renders every config file of every container on every host, in memory.
///
/// ```
/// use kolla_core::{catalog::Catalog, genconfig, inventory::Inventory, vars::Inputs};
/// let inv = Inventory::from_ini("inv", "[control]\nctl1\n[memcached:children]\ncontrol\n[cron:children]\ncontrol\n[kolla_toolbox:children]\ncontrol\n")?;
/// let mut inputs = Inputs::new()?;
/// inputs.add_extra("enable_openstack_core=no enable_fluentd=no enable_mariadb=no enable_haproxy=no enable_rabbitmq=no")?;
/// inputs.add_extra("api_interface_address=192.0.2.10")?;
/// // Leave out (and list) what fails or has no template yet.
/// let options = genconfig::Options { services: vec!["memcached".into()], keep_going: true, ..Default::default() };
/// let out = genconfig::generate(&Catalog::embedded()?, &inv, &inputs, &options)?;
/// let memcached = out.configs.iter().find(|c| c.key == "memcached").unwrap();
/// assert_eq!(memcached.host, "ctl1");
/// // Every file is there, or listed as missing or failed.
/// assert!(!memcached.files.is_empty() || !out.failed.is_empty() || !out.missing.is_empty());
/// # Ok::<(), kolla_core::Error>(())
/// ```
///
/// # Errors
/// - [`Error::MissingTemplates`] listing every missing template (unless
///   [`Options::keep_going`]);
/// - [`Error::File`] naming host, key and file, around the template,
///   merge or variable error (which names file and line);
/// - the graph's errors (unknown service, disabled hard dependency).
pub fn generate(
    catalog: &Catalog,
    inventory: &Inventory,
    inputs: &Inputs,
    options: &Options,
) -> crate::Result<Generated> {
    let run = Run::new(catalog, inventory, inputs, options)?;
    let mut out = Generated::default();
    let mut missing = BTreeSet::new();
    for &h in &run.hosts {
        let host = &run.resolved[h];
        let ctx = run.inputs.context(host).with_peers(&run.resolved);
        for (svc, container) in run.containers_on(host.name) {
            let failed = options.keep_going.then_some(&mut out.failed);
            let cfg = run.container(&ctx, svc, container, &mut missing, failed)?;
            out.configs.push(cfg);
        }
    }
    out.missing = dedup_missing(missing);
    if !out.missing.is_empty() && !options.keep_going {
        return Err(Error::MissingTemplates {
            missing: out.missing,
        }
        .into());
    }
    out.renders = run.renderer.renders();
    Ok(out)
}

/// Where each key of one generated INI file came from: the template, or an
/// override file and line; secret values show as `<secret>`.
///
/// # Errors
/// The host, key or file is not generated, the file is not a
/// `merge_configs` file, or generating it fails (as [`generate`]).
pub fn explain(
    catalog: &Catalog,
    inventory: &Inventory,
    inputs: &Inputs,
    options: &Options,
    host: &str,
    key: &str,
    file: &str,
) -> crate::Result<crate::ini::Explanation> {
    let mut options = options.clone();
    options.limit = None;
    let run = Run::new(catalog, inventory, inputs, &options)?;
    let Some(&h) = run.hosts.iter().find(|&&h| run.resolved[h].name == host) else {
        return Err(Error::NotFound {
            what: format!("host `{host}` is not in the inventory"),
        }
        .into());
    };
    let resolved = &run.resolved[h];
    let ctx = run.inputs.context(resolved).with_peers(&run.resolved);
    let on = run.containers_on(host);
    let Some((svc, container)) = on.iter().find(|(_, c)| c.key == key).copied() else {
        let keys: Vec<&str> = on.iter().map(|(_, c)| c.key.as_str()).collect();
        return Err(Error::NotFound {
            what: format!(
                "host `{host}` has no config directory `{key}` (it has: {})",
                keys.join(", ")
            ),
        }
        .into());
    };
    let Some(entry) = container.config_files.iter().find(|f| f.dest == file) else {
        let files: Vec<&str> = container
            .config_files
            .iter()
            .map(|f| f.dest.as_str())
            .collect();
        return Err(Error::NotFound {
            what: format!(
                "`{key}` has no config file `{file}` (it has: {})",
                files.join(", ")
            ),
        }
        .into());
    };
    if entry.merge != MergeKind::MergeConfigs {
        return Err(Error::NotFound {
            what: format!("`{key}/{file}` is not an INI file merged through merge_configs"),
        }
        .into());
    }
    let env = run.host_env(&ctx, svc, container);
    let mut missing = BTreeSet::new();
    let sources = run
        .sources(&env, svc, container, entry, &mut missing)
        .map_err(|e| file_error(host, key, file, e))?;
    if let Some(m) = missing.into_iter().next() {
        return Err(Error::MissingTemplates { missing: vec![m] }.into());
    }
    let Some(sources) = sources else {
        return Err(Error::NotFound {
            what: format!("`{key}/{file}` is not generated for host `{host}`"),
        }
        .into());
    };
    let mut merge = crate::ini::IniMerge::new();
    for (name, text) in &sources {
        merge
            .add(name, text)
            .map_err(|e| file_error(host, key, file, e.into()))?;
    }
    let mut ex = crate::ini::Explanation::of(&merge);
    redact(&mut ex, &inputs.secret_values());
    Ok(ex)
}

/// Hides secrets in an explanation: every value equal to (or holding) a
/// secret's value, and every value the INI explanation deems secret by its
/// key's name, shows as `<secret>`.
pub fn redact(ex: &mut crate::ini::Explanation, secrets: &[&str]) {
    const SECRET: &str = "<secret>";
    ex.redact();
    for k in &mut ex.keys {
        for o in k.value.iter_mut().chain(k.overridden.iter_mut()) {
            for line in &mut o.lines {
                if line == crate::ini::explain::REDACTED {
                    *line = SECRET.to_string();
                    continue;
                }
                if line.contains(crate::ini::explain::REDACTED) {
                    *line = line.replace(crate::ini::explain::REDACTED, SECRET);
                }
                for s in secrets {
                    if line.contains(s) {
                        *line = line.replace(s, SECRET);
                        k.redacted = true;
                    }
                }
            }
        }
    }
}

fn file_error(host: &str, key: &str, file: &str, e: crate::Error) -> crate::Error {
    Error::File {
        host: host.to_string(),
        key: key.to_string(),
        file: file.to_string(),
        source: Box::new(e),
    }
    .into()
}

fn dedup_missing(m: BTreeSet<MissingTemplate>) -> Vec<MissingTemplate> {
    let mut seen = HashSet::new();
    m.into_iter()
        .filter(|m| seen.insert((m.service.clone(), m.template.clone())))
        .collect()
}

/// The sources of one file in merge order: (name, rendered text).
type Sources = Vec<(String, Arc<str>)>;

/// The state of one genconfig run.
struct Run<'a> {
    catalog: &'a Catalog,
    inputs: std::borrow::Cow<'a, Inputs>,
    resolved: Vec<ResolvedHost<'a>>,
    /// Host indexes to generate for, inventory order.
    hosts: Vec<usize>,
    /// Host name to its (service, container) pairs, catalog order.
    placed: HashMap<String, Vec<(usize, usize)>>,
    renderer: Renderer,
    resolver: Box<render::HostVarResolver<'a>>,
}

impl<'a> Run<'a> {
    fn new(
        catalog: &'a Catalog,
        inventory: &'a Inventory,
        inputs: &'a Inputs,
        options: &Options,
    ) -> crate::Result<Run<'a>> {
        let mut inputs = std::borrow::Cow::Borrowed(inputs);
        if !inputs.has_inventory() {
            inputs.to_mut().set_inventory(inventory);
        }
        if let Some(dir) = &options.config_dir {
            inputs
                .to_mut()
                .set_extra("node_custom_config", Value::String(path_str(dir)));
        }
        let graph_opts = crate::graph::Options {
            services: options.services.clone(),
        };
        let graph = crate::graph::Graph::build(catalog, inventory, &inputs, &graph_opts)?;
        let wanted: Option<HashSet<&str>> = (!options.services.is_empty()).then(|| {
            options
                .services
                .iter()
                .filter_map(|s| catalog.canonical(s))
                .collect()
        });
        let svc_index: HashMap<&str, usize> = catalog
            .services()
            .iter()
            .enumerate()
            .map(|(i, s)| (s.service.as_str(), i))
            .collect();
        let mut placed: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let containers = serde_json::to_value(graph.containers()).unwrap_or_default();
        for p in graph.containers() {
            if wanted
                .as_ref()
                .is_some_and(|w| !w.contains(p.service.as_str()))
            {
                continue;
            }
            let Some(&si) = svc_index.get(p.service.as_str()) else {
                continue;
            };
            let Some(ci) = catalog.services()[si]
                .containers
                .iter()
                .position(|c| c.name == p.container)
            else {
                continue;
            };
            for h in &p.hosts {
                placed.entry(h.clone()).or_default().push((si, ci));
            }
        }
        let resolved = inventory.resolve_all();
        let hosts: Vec<usize> = match &options.limit {
            None => (0..resolved.len()).collect(),
            Some(pattern) => {
                let names: HashSet<&str> = inventory.hosts_in(pattern)?.into_iter().collect();
                if names.is_empty() {
                    return Err(Error::NoHosts {
                        pattern: pattern.clone(),
                    }
                    .into());
                }
                (0..resolved.len())
                    .filter(|&i| names.contains(resolved[i].name))
                    .collect()
            }
        };
        let index: HashMap<&'a str, usize> = resolved
            .iter()
            .enumerate()
            .map(|(i, h)| (h.name, i))
            .collect();
        let resolver =
            {
                let inputs: Inputs = (*inputs).clone();
                let hosts = inventory.resolve_all();
                Box::new(
                    move |host: &str, name: &str| -> crate::Result<Option<Value>> {
                        let Some(&i) = index.get(host) else {
                            return Ok(None);
                        };
                        let ctx = inputs.context(&hosts[i]).with_peers(&hosts);
                        if name == "ansible_facts" {
                            return Ok(ctx.ansible_facts());
                        }
                        match ctx.get(name) {
                            Ok(v) => Ok(Some(v)),
                            Err(crate::Error::Vars(crate::vars::Error::Render {
                                message, ..
                            })) if message == "is undefined" => Ok(None),
                            Err(e) => Err(e),
                        }
                    },
                ) as Box<render::HostVarResolver<'a>>
            };
        Ok(Run {
            resolver,
            catalog,
            renderer: Renderer::new(options.template_dir.as_deref(), inventory, containers),
            inputs,
            resolved,
            hosts,
            placed,
        })
    }

    fn containers_on(&self, host: &str) -> Vec<(&'a Service, &'a Container)> {
        let services = self.catalog.services();
        self.placed
            .get(host)
            .map(|v| {
                v.iter()
                    .map(|&(s, c)| (&services[s], &services[s].containers[c]))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn host_env<'c>(
        &'c self,
        ctx: &'c Context<'c>,
        svc: &Service,
        container: &Container,
    ) -> HostEnv<'c> {
        let value = json!({
            "container_name": container.name,
            "group": container.group,
            "enabled": true,
            "image": container.image,
            "privileged": container.privileged,
            "dimensions": container.dimensions,
        });
        let mut overlay = serde_json::Map::new();
        overlay.insert("item".into(), json!({"key": container.key, "value": value}));
        overlay.insert("service_name".into(), Value::String(container.key.clone()));
        overlay.insert("project_name".into(), Value::String(svc.service.clone()));
        HostEnv::new(ctx, overlay, &self.resolver)
    }

    /// One container's directory on one host.
    fn container(
        &self,
        ctx: &Context<'_>,
        svc: &Service,
        container: &Container,
        missing: &mut BTreeSet<MissingTemplate>,
        mut failed: Option<&mut Vec<String>>,
    ) -> crate::Result<ContainerConfig> {
        let host = ctx.host();
        let env = self.host_env(ctx, svc, container);
        let mut files: Vec<File> = Vec::new();
        for entry in &container.config_files {
            let items: Vec<Option<Value>> = match &entry.loop_over {
                None => vec![None],
                Some(expr) => {
                    let v = match self.renderer.render_value(&env, expr) {
                        Ok(v) => v,
                        Err(e) => {
                            let e = file_error(host, &container.key, &entry.dest, e);
                            match failed.as_deref_mut() {
                                Some(f) => {
                                    f.push(e.to_string());
                                    continue;
                                }
                                None => return Err(e),
                            }
                        }
                    };
                    match v {
                        Value::Array(a) => a.into_iter().map(Some).collect(),
                        Value::Object(m) => m
                            .into_iter()
                            .map(|(k, v)| Some(json!({"key": k, "value": v})))
                            .collect(),
                        Value::Null => Vec::new(),
                        Value::String(s) if s.is_empty() => Vec::new(),
                        v => vec![Some(v)],
                    }
                }
            };
            for item in items {
                let looped;
                let env = match &item {
                    None => &env,
                    Some(it) => {
                        let service = it.get("value").cloned().unwrap_or(Value::Null);
                        looped = env.with(&[("item", it.clone()), ("service", service)]);
                        &looped
                    }
                };
                let built = match self.file(env, svc, container, entry, missing) {
                    Ok(b) => b,
                    Err(e) => {
                        let e = file_error(host, &container.key, &entry.dest, e);
                        match failed.as_deref_mut() {
                            Some(f) => {
                                f.push(e.to_string());
                                None
                            }
                            None => return Err(e),
                        }
                    }
                };
                if let Some(f) = built {
                    files.retain(|x| x.name != f.name);
                    files.push(f);
                }
            }
        }
        if let Some(spec) = &container.config_json {
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            match self.config_json(&env, spec, &names) {
                Ok(cj) => {
                    let mut text = cj.to_json_pretty();
                    text.push('\n');
                    files.push(File {
                        name: "config.json".into(),
                        bytes: Arc::from(text.into_bytes()),
                        mode: 0o660,
                    });
                }
                Err(e) => {
                    let e = file_error(host, &container.key, "config.json", e);
                    match failed {
                        Some(f) => f.push(e.to_string()),
                        None => return Err(e),
                    }
                }
            }
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let ncd = env
            .get_str("node_config_directory")
            .unwrap_or_else(|| "/etc/kolla".into());
        Ok(ContainerConfig {
            host: host.to_string(),
            service: svc.service.clone(),
            container: container.name.clone(),
            key: container.key.clone(),
            node_config_directory: ncd,
            local: ctx.is_local(),
            files,
        })
    }

    /// The sources of one entry, in merge order, as (name, rendered text);
    /// `None` when the entry is not written for this host.
    fn sources(
        &self,
        env: &HostEnv<'_>,
        svc: &Service,
        container: &Container,
        entry: &ConfigFile,
        missing: &mut BTreeSet<MissingTemplate>,
    ) -> crate::Result<Option<Sources>> {
        if let Some(when) = &entry.when {
            if !truthy(&Value::String(
                self.renderer.render_str(env, when)?.to_string(),
            )) {
                return Ok(None);
            }
        }
        let lstrip = matches!(entry.merge, MergeKind::MergeConfigs | MergeKind::MergeYaml);
        let mut overrides = Vec::with_capacity(entry.overrides.len() + 2);
        for o in &entry.overrides {
            let path = self.renderer.render_str(env, o)?.to_string();
            let is_global = path.ends_with("/global.conf");
            overrides.push(path.clone());
            if is_global && entry.merge == MergeKind::MergeConfigs {
                let dir = &path[..path.len() - "global.conf".len()];
                overrides.push(format!("{dir}database.conf"));
                overrides.push(format!("{dir}messaging.conf"));
            }
        }
        // The template: embedded (or the operator's), else a file on disk.
        let template = match &entry.template {
            Some(t) => Some(self.renderer.render_str(env, t)?.to_string()),
            None => None,
        };
        let mut render_template = |name: &str| -> crate::Result<Option<(String, Arc<str>)>> {
            if let Some(full) = self.renderer.template_name(&svc.service, name) {
                let text = if entry.merge == MergeKind::Copy {
                    self.renderer.template_text(&full)?
                } else {
                    self.renderer
                        .render_template(env, &full, entry.merge == MergeKind::Template)?
                };
                return Ok(Some((format!("templates/{full}"), text)));
            }
            if name.starts_with('/') {
                if let Some(text) = self.renderer.read_file(name)? {
                    let text = if entry.merge == MergeKind::Copy {
                        text
                    } else {
                        self.renderer.render_file(env, name, &text, lstrip)?
                    };
                    return Ok(Some((name.to_string(), text)));
                }
                return Ok(None);
            }
            missing.insert(MissingTemplate {
                service: svc.service.clone(),
                template: name.to_string(),
                key: container.key.clone(),
                dest: entry.dest.clone(),
            });
            Ok(None)
        };
        match entry.merge {
            MergeKind::MergeConfigs | MergeKind::MergeYaml => {
                let mut out = Vec::with_capacity(overrides.len() + 1);
                if let Some(t) = template.as_deref() {
                    match render_template(t)? {
                        Some(s) => out.push(s),
                        None => return Ok(None),
                    }
                }
                for path in &overrides {
                    if let Some(text) = self.renderer.read_file(path)? {
                        let text = self.renderer.render_file(env, path, &text, lstrip)?;
                        out.push((path.clone(), text));
                    }
                }
                if out.is_empty() {
                    return Ok(None);
                }
                Ok(Some(out))
            }
            MergeKind::Template | MergeKind::Copy => {
                for path in &overrides {
                    if let Some(text) = self.renderer.read_file(path)? {
                        let text = if entry.merge == MergeKind::Copy {
                            text
                        } else {
                            self.renderer.render_file(env, path, &text, false)?
                        };
                        return Ok(Some(vec![(path.clone(), text)]));
                    }
                }
                match template.as_deref() {
                    Some(t) => Ok(render_template(t)?.map(|s| vec![s])),
                    None => Ok(None),
                }
            }
        }
    }

    /// One entry's file, merged.
    fn file(
        &self,
        env: &HostEnv<'_>,
        svc: &Service,
        container: &Container,
        entry: &ConfigFile,
        missing: &mut BTreeSet<MissingTemplate>,
    ) -> crate::Result<Option<File>> {
        let Some(sources) = self.sources(env, svc, container, entry, missing)? else {
            return Ok(None);
        };
        let mode = crate::fsutil::parse_mode(&self.renderer.render_str(env, &entry.mode)?)
            .unwrap_or(0o660);
        let name = self.renderer.render_str(env, &entry.dest)?.to_string();
        let bytes: Arc<[u8]> = match entry.merge {
            MergeKind::MergeConfigs => {
                let key: Vec<(&str, &Arc<str>)> =
                    sources.iter().map(|(n, t)| (n.as_str(), t)).collect();
                self.renderer.merged(&key, || {
                    let mut merge = crate::ini::IniMerge::new();
                    for (n, t) in &sources {
                        merge.add(n, t)?;
                    }
                    Ok(merge.write(true).into_bytes())
                })?
            }
            MergeKind::MergeYaml => {
                let key: Vec<(&str, &Arc<str>)> =
                    sources.iter().map(|(n, t)| (n.as_str(), t)).collect();
                self.renderer.merged(&key, || {
                    let pairs: Vec<(&str, &str)> =
                        sources.iter().map(|(n, t)| (n.as_str(), &**t)).collect();
                    Ok(crate::yaml::merge::merge_yaml(&pairs, &Default::default())?.into_bytes())
                })?
            }
            MergeKind::Template | MergeKind::Copy => Arc::from(sources[0].1.as_bytes()),
        };
        Ok(Some(File { name, bytes, mode }))
    }

    /// The container's config.json: the catalog's spec rendered for the host.
    fn config_json(
        &self,
        env: &HostEnv<'_>,
        spec: &ConfigJsonSpec,
        files: &[&str],
    ) -> crate::Result<ConfigJson> {
        let r = |s: &str| -> crate::Result<String> {
            Ok(self.renderer.render_str(env, s)?.to_string())
        };
        let when = |w: &Option<String>| -> crate::Result<bool> {
            match w {
                Some(w) => Ok(truthy(&Value::String(r(w)?))),
                None => Ok(true),
            }
        };
        let flag = |v: &Option<Value>| -> crate::Result<bool> {
            Ok(match v {
                None => false,
                Some(Value::String(s)) => truthy(&Value::String(r(s)?)),
                Some(v) => truthy(v),
            })
        };
        let ccd = env
            .get_str("container_config_directory")
            .unwrap_or_else(|| "/var/lib/kolla/config_files".into());
        let mut out = ConfigJson {
            command: match &spec.command {
                Some(c) => r(c)?,
                None => String::new(),
            },
            ..Default::default()
        };
        for f in &spec.config_files {
            if !when(&f.when)? {
                continue;
            }
            let source = match r(&f.source) {
                Ok(s) => s,
                // A conditional entry whose source names a variable the
                // host lacks: the template's condition is false there
                // (`neutron_policy_file` is only set when the operator
                // ships a policy file).
                Err(e) if f.conditional && f.when.is_none() && is_undefined(&e) => continue,
                Err(e) => return Err(e),
            };
            if f.conditional && f.when.is_none() && !generated(&source, &ccd, files) {
                continue;
            }
            let perm = r(&f.perm)?;
            out.config_files.push(config_json::ConfigFile {
                source,
                dest: r(&f.dest)?,
                owner: Some(r(&f.owner)?),
                perm: Some(perm),
                optional: flag(&f.optional)?,
                merge: flag(&f.merge)?,
                preserve_properties: flag(&f.preserve_properties)?,
            });
        }
        for p in &spec.permissions {
            if !when(&p.when)? {
                continue;
            }
            out.permissions.push(config_json::Permission {
                path: r(&p.path)?,
                owner: r(&p.owner)?,
                perm: p.perm.as_deref().map(r).transpose()?,
                recurse: p.recurse.unwrap_or(false),
                exclude: Vec::new(),
            });
        }
        Ok(out)
    }
}

/// Whether `e` is a rendering failure over an undefined variable.
fn is_undefined(e: &crate::Error) -> bool {
    let msg = e.to_string();
    msg.contains("is undefined") || msg.contains("variable is undefined")
}

/// Whether a config.json `source` names a file (or a directory or glob
/// over files) of the generated set.
fn generated(source: &str, ccd: &str, files: &[&str]) -> bool {
    let Some(rel) = source.strip_prefix(ccd).map(|r| r.trim_start_matches('/')) else {
        // Not in the config directory (a host path): keep it.
        return true;
    };
    let rel = rel.trim_end_matches('/');
    if rel.contains(['*', '?', '[']) {
        let Ok(pattern) = glob::Pattern::new(rel) else {
            return true;
        };
        return files.iter().any(|f| pattern.matches(f));
    }
    files
        .iter()
        .any(|f| *f == rel || f.strip_prefix(rel).is_some_and(|r| r.starts_with('/')))
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// The embedded templates, `(name, text)`, names `<service>/<file>`.
pub(crate) fn embedded() -> &'static [(&'static str, &'static str)] {
    EMBEDDED_TEMPLATES
}
