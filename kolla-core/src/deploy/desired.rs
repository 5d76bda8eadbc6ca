//! The desired state of a cloud (pure): for every host, the containers
//! (each a [`ContainerSpec`] made through the one parameter conversion,
//! [`Params::to_spec`]), the named volumes and the config trees.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{config_tree, label, Error, Relax};
use crate::catalog::{Catalog, Container, Service};
use crate::container::{normalize, params::Params, ContainerSpec};
use crate::graph::{Graph, Options as GraphOptions};
use crate::inventory::Inventory;
use crate::vars::{Context, Inputs};

/// What to build the desired state for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these services (and what they depend on); all when empty.
    pub services: Vec<String>,
    /// Only the hosts of this Ansible host pattern (`--limit`).
    pub limit: Option<String>,
    /// Every inventory host on one local engine: container names
    /// `<host>-<container>`, bridge networking, per-host config root and
    /// volumes.
    pub simulate_hosts: bool,
    /// Where simulated hosts keep their config trees (`<root>/<host>/<key>/`).
    pub simulate_root: Option<PathBuf>,
    /// The time zone for `TZ` (the deploy target's; see `params::host_timezone`).
    pub timezone: String,
    /// What the engine refuses and may be dropped (quickstart and simulated
    /// hosts only; a real deployment passes `None`).
    pub relax: Option<Relax>,
    /// Healthcheck interval in seconds for every container (quickstart and
    /// tests: stand-ins answer at once, Kolla's 30 s would only slow the
    /// health gates).
    pub health_interval: Option<i64>,
    /// The operator's override directory (`node_custom_config`): genconfig
    /// renders every container's config tree through it. `None`: Kolla's
    /// default, `/etc/kolla/config`.
    pub overrides: Option<PathBuf>,
}

/// One container as it should be on one host.
#[derive(Debug, Clone, Serialize)]
pub struct DesiredContainer {
    /// The inventory host.
    pub host: String,
    /// The catalog service.
    pub service: String,
    /// The catalog container name (`nova_api`).
    pub container: String,
    /// The config directory key (`nova-api`).
    pub key: String,
    /// The deploy wave of its service.
    pub wave: usize,
    /// The container, labels included (the config hash among them).
    pub spec: ContainerSpec,
    /// The host directory its config tree goes to.
    pub config_dir: PathBuf,
    /// The config tree: file name in `config_dir` to contents.
    #[serde(skip)]
    pub files: BTreeMap<String, Vec<u8>>,
    /// The hash of the config tree (label `kolla-rs.config-hash`).
    pub config_hash: String,
    /// What was dropped because the engine refuses it (empty on a real deployment).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
    /// Settings left out because a variable they use is undefined (a gap in
    /// the catalog's defaults; `kolla plan` lists them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A one-shot `bootstrap_<service>` container (database setup), run once,
/// before the service's containers are first created.
#[derive(Debug, Clone, Serialize)]
pub struct Bootstrap {
    /// The inventory host it runs on (the first of the service's first container).
    pub host: String,
    /// The catalog service.
    pub service: String,
    /// The deploy wave of its service.
    pub wave: usize,
    /// The container (`KOLLA_BOOTSTRAP` set, restart policy `no`).
    pub spec: ContainerSpec,
}

/// The desired state of every host.
#[derive(Debug, Clone, Serialize)]
pub struct DesiredState {
    /// The services in deploy waves.
    pub waves: Vec<Vec<String>>,
    /// The hosts in scope (after `--limit`), in inventory order.
    pub hosts: Vec<String>,
    /// The services in scope (`--services` with their dependencies, or all enabled ones).
    pub services: Vec<String>,
    /// Every container, wave by wave.
    pub containers: Vec<DesiredContainer>,
    /// The bootstrap containers of services that have one.
    pub bootstraps: Vec<Bootstrap>,
    /// Named volumes per host, by engine name.
    pub volumes: BTreeMap<String, Vec<String>>,
    /// Whether the hosts are simulated on one engine.
    pub simulated: bool,
}

impl DesiredState {
    /// Builds the desired state.
    ///
    /// # Errors
    /// Graph errors (unknown service, disabled dependency, no hosts), a
    /// variable that does not render (naming host and container), or
    /// parameters the conversion rejects.
    pub fn build(
        catalog: &Catalog,
        inventory: &Inventory,
        inputs: &Inputs,
        options: &Options,
    ) -> crate::Result<DesiredState> {
        let mut inputs = inputs.clone();
        if !inputs.has_inventory() {
            inputs.set_inventory(inventory);
        }
        let graph = Graph::build(
            catalog,
            inventory,
            &inputs,
            &GraphOptions {
                services: options.services.clone(),
            },
        )?;
        let limit: Option<BTreeSet<String>> = match &options.limit {
            Some(p) => Some(
                inventory
                    .hosts_in(p)?
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            ),
            None => None,
        };
        let in_scope = |h: &str| limit.as_ref().is_none_or(|l| l.contains(h));
        let resolved = inventory.resolve_all();
        let contexts: BTreeMap<&str, Context<'_>> = resolved
            .iter()
            .filter(|h| in_scope(h.name))
            .map(|h| (h.name, inputs.context(h)))
            .collect();
        let wave_of: BTreeMap<&str, usize> = graph
            .waves()
            .iter()
            .enumerate()
            .flat_map(|(i, w)| w.iter().map(move |s| (s.as_str(), i)))
            .collect();
        let mut out = DesiredState {
            waves: graph.waves().to_vec(),
            hosts: inventory
                .hosts()
                .into_iter()
                .filter(|h| in_scope(h))
                .map(str::to_string)
                .collect(),
            services: graph.waves().iter().flatten().cloned().collect(),
            containers: Vec::new(),
            bootstraps: Vec::new(),
            volumes: BTreeMap::new(),
            simulated: options.simulate_hosts,
        };
        // Every config tree, rendered once for the whole cloud by genconfig
        // (files it cannot render yet are left out and listed as warnings).
        let generated = crate::genconfig::generate(
            catalog,
            inventory,
            &inputs,
            &crate::genconfig::Options {
                limit: options.limit.clone(),
                services: options.services.clone(),
                config_dir: options.overrides.clone(),
                template_dir: None,
                keep_going: true,
            },
        )?;
        let mut trees: BTreeMap<(String, String), BTreeMap<String, Vec<u8>>> = generated
            .configs
            .into_iter()
            .map(|c| {
                let files = c
                    .files
                    .iter()
                    .map(|f| (f.name.clone(), f.bytes.to_vec()))
                    .collect();
                ((c.host, c.key), files)
            })
            .collect();
        for placed in graph.containers() {
            let service = catalog.get(&placed.service)?;
            let Some(container) = service.container(&placed.container) else {
                continue;
            };
            let wave = wave_of.get(placed.service.as_str()).copied().unwrap_or(0);
            for host in &placed.hosts {
                let Some(ctx) = contexts.get(host.as_str()) else {
                    continue;
                };
                let tree = trees.remove(&(host.clone(), container.key.clone()));
                let mut dc = desired_container(service, container, ctx, wave, options, tree)
                    .map_err(|e| with_where(e, host, &container.name))?;
                let prefix = format!("host {host}, {}/", container.key);
                dc.warnings.extend(
                    generated
                        .failed
                        .iter()
                        .filter(|m| m.starts_with(&prefix))
                        .cloned(),
                );
                let vols = out.volumes.entry(host.clone()).or_default();
                for v in normalize::named_volumes(&dc.spec.volumes) {
                    if !vols.contains(&v) {
                        vols.push(v);
                    }
                }
                out.containers.push(dc);
            }
        }
        // Bootstraps: services that keep a database run their first
        // container's image once with KOLLA_BOOTSTRAP, on its first host.
        for svc in &out.services {
            let service = catalog.get(svc)?;
            if !service.depends_on.hard.iter().any(|d| d == "mariadb") {
                continue;
            }
            let Some(first) = out
                .containers
                .iter()
                .find(|c| &c.service == svc && service.containers[0].name == c.container)
            else {
                continue;
            };
            let mut spec = first.spec.clone();
            let base = format!("bootstrap_{}", svc.replace('-', "_"));
            spec.name = engine_name(&first.host, &base, options.simulate_hosts);
            spec.environment
                .insert("KOLLA_BOOTSTRAP".into(), String::new());
            spec.healthcheck = None;
            spec.restart_policy = Some(crate::container::RestartPolicy {
                name: "no".into(),
                max_retries: 0,
            });
            spec.labels.insert(label::CONTAINER.into(), base);
            spec.labels.insert(label::BOOTSTRAP.into(), "true".into());
            out.bootstraps.push(Bootstrap {
                host: first.host.clone(),
                service: svc.clone(),
                wave: first.wave,
                spec,
            });
        }
        Ok(out)
    }

    /// Every setting left out because a variable was undefined, as
    /// `host/container: what`.
    pub fn warnings(&self) -> Vec<String> {
        self.containers
            .iter()
            .flat_map(|c| {
                c.warnings
                    .iter()
                    .map(move |d| format!("{}/{}: {d}", c.host, c.container))
            })
            .collect()
    }

    /// Every privilege or setting dropped because the engine refuses it,
    /// as `host/container: what`.
    pub fn dropped(&self) -> Vec<String> {
        self.containers
            .iter()
            .flat_map(|c| {
                c.dropped
                    .iter()
                    .map(move |d| format!("{}/{}: {d}", c.host, c.container))
            })
            .collect()
    }
}

/// The engine's name for a container: Kolla's, or `<host>-<name>` on a
/// simulated host.
pub fn engine_name(host: &str, name: &str, simulated: bool) -> String {
    if simulated {
        format!("{host}-{name}")
    } else {
        name.to_string()
    }
}

fn with_where(e: crate::Error, host: &str, container: &str) -> crate::Error {
    match e {
        crate::Error::Deploy(d) => crate::Error::Deploy(d),
        other => Error::Desired {
            host: host.to_string(),
            container: container.to_string(),
            message: other.to_string(),
        }
        .into(),
    }
}

/// A rendered value that is a Python literal (`{'ulimits': ...}`) as data.
fn literal(v: Value) -> Value {
    match &v {
        Value::String(s) if s.trim_start().starts_with(['{', '[']) => {
            match crate::pycompat::literal::parse_value(s) {
                Value::String(_) => v,
                parsed => parsed,
            }
        }
        _ => v,
    }
}

fn string_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Renders a catalog value (strings as Jinja, recursively).
fn render(ctx: &Context<'_>, v: &Value) -> crate::Result<Value> {
    Ok(match v {
        Value::String(s) if s.contains("{{") || s.contains("{%") => literal(ctx.eval(s)?),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| render(ctx, x))
                .collect::<crate::Result<_>>()?,
        ),
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                out.insert(k.clone(), render(ctx, x)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

fn desired_container(
    service: &Service,
    c: &Container,
    ctx: &Context<'_>,
    wave: usize,
    options: &Options,
    generated: Option<BTreeMap<String, Vec<u8>>>,
) -> crate::Result<DesiredContainer> {
    let host = ctx.host().to_string();
    let sim = options.simulate_hosts;
    let node_config = string_of(&ctx.get("node_config_directory")?);
    let node_config = node_config.trim_end_matches('/').to_string();
    let config_root = if sim {
        options
            .simulate_root
            .clone()
            .unwrap_or_else(|| PathBuf::from(&node_config))
            .join(&host)
    } else {
        PathBuf::from(&node_config)
    };
    let config_dir = config_root.join(&c.key);

    // Image: <docker_registry>/<docker_namespace>/<prefix><image>:<tag>, as
    // Kolla's `<service>_image_full` forms it.
    let image_url = string_of(&ctx.get("docker_image_url")?);
    let tag_var = format!("{}_tag", service.service.replace('-', "_"));
    let tag = match ctx.get(&tag_var) {
        Ok(v) => string_of(&v),
        Err(_) => string_of(&ctx.get("openstack_tag")?),
    };
    let image = format!("{image_url}{}:{tag}", c.image);

    // Volumes: rendered, empty ones dropped, the operator's extra volumes after.
    let mut volumes: Vec<String> = Vec::new();
    let mut volume_warnings = Vec::new();
    for v in &c.volumes {
        match render(ctx, &Value::String(v.clone())) {
            Ok(r) => {
                let s = string_of(&r);
                if !s.trim().is_empty() {
                    volumes.push(s);
                }
            }
            Err(e) => volume_warnings.push(format!("volume {v} left out: {e}")),
        }
    }
    if let Some(var) = &c.extra_volumes_var {
        if let Ok(Value::Array(extra)) = ctx.get(var) {
            volumes.extend(extra.iter().map(string_of).filter(|s| !s.trim().is_empty()));
        }
    }
    if sim {
        volumes = volumes
            .into_iter()
            .map(|v| simulate_volume(&v, &host, &node_config, &config_root))
            .collect();
    }

    // Environment: KOLLA_CONFIG_STRATEGY (Kolla's common options), then the container's.
    let mut env = Map::new();
    env.insert(
        "KOLLA_CONFIG_STRATEGY".into(),
        Value::String(string_of(&ctx.get("config_strategy")?)),
    );
    let mut warnings = volume_warnings;
    match &c.environment {
        Some(Value::Object(m)) => {
            for (k, v) in m {
                match render(ctx, v) {
                    Ok(v) => {
                        env.insert(k.clone(), Value::String(string_of(&v)));
                    }
                    Err(e) => warnings.push(format!("environment {k} left out: {e}")),
                }
            }
        }
        Some(e) => match render(ctx, e) {
            Ok(Value::Object(m)) => {
                for (k, v) in m {
                    env.insert(k, Value::String(string_of(&v)));
                }
            }
            Ok(_) => {}
            Err(e) => warnings.push(format!("environment left out: {e}")),
        },
        None => {}
    }

    let mut dimensions = match render(ctx, &Value::String(c.dimensions.clone())) {
        Ok(v) if v.is_object() => v,
        Ok(_) => json!({}),
        // Every `<container>_dimensions` defaults to this in Kolla's roles.
        Err(_) => literal(ctx.get("default_container_dimensions")?),
    };
    let healthcheck = match &c.healthcheck {
        Some(h)
            if ctx
                .get_bool("enable_container_healthchecks")
                .unwrap_or(true) =>
        {
            let m: Map<String, Value> = h.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            match render(ctx, &Value::Object(m)) {
                Ok(v) => v,
                Err(e) => {
                    warnings.push(format!("healthcheck left out: {e}"));
                    Value::Null
                }
            }
        }
        _ => Value::Null,
    };
    let mut healthcheck = healthcheck;
    if let (Some(n), Value::Object(m)) = (options.health_interval, &mut healthcheck) {
        m.insert("interval".into(), json!(n));
    }
    let mut privileged = ctx.flag(&c.privileged)?;

    // The config tree and its hash.
    let files = match generated {
        Some(tree) => tree,
        None => match config_tree(c, ctx) {
            Ok(f) => f,
            Err(e) => {
                warnings.push(format!("config.json: {e}"));
                BTreeMap::new()
            }
        },
    };
    let config_hash = super::tree_hash(&files);
    let name = engine_name(&host, &c.name, sim);
    let labels = json!({
        label::MANAGED: "true",
        label::HOST: host,
        label::SERVICE: service.service,
        label::CONTAINER: c.name,
        label::CONFIG_HASH: config_hash,
    });

    // What the engine refuses, dropped where that is allowed.
    let mut dropped = Vec::new();
    if let Some(relax) = &options.relax {
        if relax.privileged && privileged {
            privileged = false;
            dropped.push("privileged".to_string());
        }
        if relax.shared_mounts {
            volumes = volumes
                .into_iter()
                .map(|v| match v.strip_suffix(":shared") {
                    Some(rest) => {
                        dropped.push(format!("shared mount propagation of {rest}"));
                        rest.to_string()
                    }
                    None => v,
                })
                .collect();
        }
        if let Some(max) = relax.nofile_hard {
            cap_ulimits(&mut dimensions, max, &mut dropped);
        }
    }

    let mut args = Map::new();
    args.insert("action".into(), json!("recreate_or_restart_container"));
    args.insert("name".into(), json!(name));
    args.insert("image".into(), json!(image));
    args.insert("volumes".into(), json!(volumes));
    args.insert("environment".into(), Value::Object(env));
    args.insert("dimensions".into(), dimensions);
    if !healthcheck.is_null() {
        args.insert("healthcheck".into(), healthcheck);
    }
    args.insert("privileged".into(), json!(privileged));
    args.insert("labels".into(), labels);
    args.insert("restart_policy".into(), json!("unless-stopped"));
    for (key, v) in [
        ("pid_mode", &c.pid_mode),
        ("ipc_mode", &c.ipc_mode),
        ("cgroupns_mode", &c.cgroupns_mode),
    ] {
        if let Some(v) = v {
            match render(ctx, &Value::String(v.clone())) {
                Ok(r) => {
                    let s = string_of(&r);
                    if !s.is_empty() {
                        args.insert(key.into(), json!(s));
                    }
                }
                Err(e) => warnings.push(format!("{key} left out: {e}")),
            }
        }
    }
    if sim {
        args.insert("network_mode".into(), json!("bridge"));
        // Host namespaces would make simulated hosts fight over ports.
        args.remove("pid_mode");
        args.remove("ipc_mode");
    }
    let spec = Params::from_args(&args)?.to_spec(&options.timezone)?;
    Ok(DesiredContainer {
        host,
        service: service.service.clone(),
        container: c.name.clone(),
        key: c.key.clone(),
        wave,
        spec,
        config_dir,
        files,
        config_hash,
        dropped,
        warnings,
    })
}

/// A volume of a simulated host: its config directory under the host's own
/// root, its named volumes prefixed with the host name.
fn simulate_volume(v: &str, host: &str, node_config: &str, root: &std::path::Path) -> String {
    if let Some(rest) = v.strip_prefix(&format!("{node_config}/")) {
        return format!("{}/{rest}", root.display());
    }
    if !v.starts_with('/') {
        if let Some((name, rest)) = v.split_once(':') {
            return format!("{host}-{name}:{rest}");
        }
    }
    v.to_string()
}

/// Caps every ulimit above `max` (hard and soft) to `max`.
fn cap_ulimits(dimensions: &mut Value, max: i64, dropped: &mut Vec<String>) {
    let Some(Value::Object(ulimits)) = dimensions.get_mut("ulimits") else {
        return;
    };
    for (name, limit) in ulimits.iter_mut() {
        let Value::Object(l) = limit else { continue };
        for key in ["soft", "hard"] {
            if let Some(v) = l.get(key).and_then(Value::as_i64) {
                if v > max {
                    l.insert(key.into(), json!(max));
                    dropped.push(format!("ulimit {name} {key} {v} capped to {max}"));
                }
            }
        }
    }
}
