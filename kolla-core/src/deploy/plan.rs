//! The plan (pure): the desired state against what each host's engine
//! reports, as steps with their reasons. `kolla plan` prints it; apply
//! runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use super::desired::{DesiredContainer, DesiredState};
use super::label;
use crate::container::compare::{differences, Difference};
use crate::container::{ContainerInfo, ContainerSpec, ImageInfo};

/// What one host's engine reports (gathered by apply's `observe`, or made
/// by hand in tests).
#[derive(Debug, Clone, Default)]
pub struct HostObserved {
    /// Inspections of the host's desired and kolla-rs-managed containers, by engine name.
    pub containers: BTreeMap<String, ContainerInfo>,
    /// The kolla-rs-managed containers of this host: engine name to labels.
    pub managed: BTreeMap<String, BTreeMap<String, String>>,
    /// The local images the desired containers use (`None`: absent).
    pub images: BTreeMap<String, Option<ImageInfo>>,
    /// The existing volumes (names).
    pub volumes: BTreeSet<String>,
    /// The config trees on disk: config dir to (file name to contents).
    pub config: BTreeMap<PathBuf, BTreeMap<String, Vec<u8>>>,
}

/// What every host's engine reports.
#[derive(Debug, Clone, Default)]
pub struct ObservedState {
    /// By inventory host.
    pub hosts: BTreeMap<String, HostObserved>,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The container does not exist: create and start it.
    Create,
    /// The container differs from the desired one: remove and create it.
    Recreate {
        /// The comparison failures (container::compare).
        differences: Vec<Difference>,
    },
    /// Config files changed: write them and restart the container.
    Restart {
        /// The files that changed.
        files: Vec<String>,
    },
    /// The container exists as desired but is not running: start it.
    Start,
    /// Run the one-shot `bootstrap_<service>` container (first deployment).
    Bootstrap,
    /// Remove the container (its service is disabled or left the host).
    Remove,
    /// Stop the container.
    Stop,
    /// Nothing to do.
    Noop,
}

impl Action {
    /// The action's short name (`create`, `recreate`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Recreate { .. } => "recreate",
            Action::Restart { .. } => "restart",
            Action::Start => "start",
            Action::Bootstrap => "bootstrap",
            Action::Remove => "remove",
            Action::Stop => "stop",
            Action::Noop => "no-op",
        }
    }
}

/// One step of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The inventory host.
    pub host: String,
    /// The catalog service.
    pub service: String,
    /// The catalog container name (`bootstrap_<service>` for bootstraps).
    pub container: String,
    /// The engine's container name.
    pub name: String,
    /// The deploy wave.
    pub wave: usize,
    /// What to do.
    #[serde(flatten)]
    pub action: Action,
    /// Why, in words.
    pub reason: String,
    /// What the engine refuses that was dropped for this container.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
    /// The container to create (create, recreate, bootstrap).
    #[serde(skip)]
    pub spec: Option<ContainerSpec>,
    /// The config dir and tree to write first.
    #[serde(skip)]
    pub config: Option<(PathBuf, BTreeMap<String, Vec<u8>>)>,
}

impl Step {
    /// `action host/container`, as progress and errors name a step.
    pub fn title(&self) -> String {
        format!("{} {}/{}", self.action.name(), self.host, self.container)
    }

    /// Whether the step changes anything.
    pub fn changes(&self) -> bool {
        self.action != Action::Noop
    }
}

/// The plan: steps in wave order, the volumes to create, and what was
/// dropped because the engine refuses it.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Every step, wave by wave (removals last).
    pub steps: Vec<Step>,
    /// Named volumes to create, per host.
    pub volumes: BTreeMap<String, Vec<String>>,
    /// The number of waves (removals run after the last).
    pub waves: usize,
    /// Whether the hosts are simulated.
    pub simulated: bool,
    /// Settings left out because a variable was undefined.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Plan {
    /// Compares the desired state with the observed one.
    pub fn new(desired: &DesiredState, observed: &ObservedState) -> Plan {
        let empty = HostObserved::default();
        let mut steps = Vec::new();
        let mut created_services: BTreeSet<(String, String)> = BTreeSet::new();
        for dc in &desired.containers {
            let obs = observed.hosts.get(&dc.host).unwrap_or(&empty);
            let step = container_step(dc, obs);
            if step.action == Action::Create {
                created_services.insert((dc.host.clone(), dc.service.clone()));
            }
            steps.push(step);
        }
        // Bootstraps run once: when the service's first container is new on
        // the bootstrap host.
        let mut with_boot = Vec::with_capacity(steps.len() + desired.bootstraps.len());
        let mut boots: Vec<Step> = desired
            .bootstraps
            .iter()
            .filter(|b| created_services.contains(&(b.host.clone(), b.service.clone())))
            .map(|b| Step {
                host: b.host.clone(),
                service: b.service.clone(),
                container: b.spec.labels[label::CONTAINER].clone(),
                name: b.spec.name.clone(),
                wave: b.wave,
                action: Action::Bootstrap,
                reason: format!("first deployment of {}: one-shot database setup", b.service),
                dropped: Vec::new(),
                spec: Some(b.spec.clone()),
                config: None,
            })
            .collect();
        for s in steps {
            if let Some(i) = boots.iter().position(|b| b.service == s.service) {
                with_boot.push(boots.remove(i));
            }
            with_boot.push(s);
        }
        let mut steps = with_boot;
        // Removals: kolla-rs containers of this scope no longer desired.
        let wanted: BTreeSet<(&str, &str)> = desired
            .containers
            .iter()
            .map(|c| (c.host.as_str(), c.spec.name.as_str()))
            .collect();
        let waves = desired.waves.len();
        for host in &desired.hosts {
            let Some(obs) = observed.hosts.get(host) else {
                continue;
            };
            for (name, labels) in &obs.managed {
                if wanted.contains(&(host.as_str(), name.as_str())) {
                    continue;
                }
                let service = labels.get(label::SERVICE).cloned().unwrap_or_default();
                let boot = labels.get(label::BOOTSTRAP).is_some_and(|v| v == "true");
                let reason = if boot {
                    "a bootstrap container left by an interrupted run".to_string()
                } else if desired.services.contains(&service) {
                    "no longer placed on this host".to_string()
                } else {
                    format!("service {service} is disabled")
                };
                steps.push(Step {
                    host: host.clone(),
                    service,
                    container: labels.get(label::CONTAINER).cloned().unwrap_or_default(),
                    name: name.clone(),
                    wave: waves,
                    action: Action::Remove,
                    reason,
                    dropped: Vec::new(),
                    spec: None,
                    config: None,
                });
            }
        }
        let volumes = desired
            .volumes
            .iter()
            .map(|(h, vs)| {
                let have = observed.hosts.get(h).map(|o| &o.volumes);
                let missing = vs
                    .iter()
                    .filter(|v| !have.is_some_and(|have| have.contains(*v)))
                    .cloned()
                    .collect::<Vec<_>>();
                (h.clone(), missing)
            })
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Plan {
            steps,
            volumes,
            waves,
            simulated: desired.simulated,
            warnings: desired.warnings(),
        }
    }

    /// Stop every kolla-rs container of the hosts (and services) in scope.
    pub fn stop(desired: &DesiredState, observed: &ObservedState) -> Plan {
        Self::teardown(desired, observed, Action::Stop)
    }

    /// Remove every kolla-rs container of the hosts (and services) in scope.
    pub fn destroy(desired: &DesiredState, observed: &ObservedState) -> Plan {
        Self::teardown(desired, observed, Action::Remove)
    }

    fn teardown(desired: &DesiredState, observed: &ObservedState, action: Action) -> Plan {
        let mut steps = Vec::new();
        for host in &desired.hosts {
            let Some(obs) = observed.hosts.get(host) else {
                continue;
            };
            for (name, labels) in &obs.managed {
                let service = labels.get(label::SERVICE).cloned().unwrap_or_default();
                let running = obs
                    .containers
                    .get(name)
                    .is_none_or(|i| i.status == "running" || i.status == "restarting");
                let act = if action == Action::Stop && !running {
                    Action::Noop
                } else {
                    action.clone()
                };
                steps.push(Step {
                    host: host.clone(),
                    container: labels.get(label::CONTAINER).cloned().unwrap_or_default(),
                    name: name.clone(),
                    wave: 0,
                    reason: match act {
                        Action::Noop => "already stopped".into(),
                        Action::Stop => "stop requested".into(),
                        _ => "destroy requested".into(),
                    },
                    action: act,
                    service,
                    dropped: Vec::new(),
                    spec: None,
                    config: None,
                });
            }
        }
        Plan {
            steps,
            volumes: BTreeMap::new(),
            waves: 1,
            simulated: desired.simulated,
            warnings: Vec::new(),
        }
    }

    /// Counts of steps by action name.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for s in &self.steps {
            *out.entry(s.action.name()).or_default() += 1;
        }
        out
    }

    /// Whether nothing changes.
    pub fn is_noop(&self) -> bool {
        self.volumes.is_empty() && self.steps.iter().all(|s| !s.changes())
    }

    /// Every dropped privilege, as `host/container: what`.
    pub fn dropped(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|s| {
                s.dropped
                    .iter()
                    .map(move |d| format!("{}/{}: {d}", s.host, s.container))
            })
            .collect()
    }

    /// The plan as a table: one line per step that changes something, then
    /// the counts and every dropped privilege.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for s in self.steps.iter().filter(|s| s.changes()) {
            out.push_str(&format!(
                "{:<9} {:<28} {:<30} {}\n",
                s.action.name(),
                s.host,
                s.container,
                s.reason
            ));
        }
        for (h, vs) in &self.volumes {
            out.push_str(&format!("volumes   {h}: create {}\n", vs.join(", ")));
        }
        let dropped = self.dropped();
        if !dropped.is_empty() {
            out.push_str("dropped because the engine refuses them:\n");
            for d in dropped {
                out.push_str(&format!("  {d}\n"));
            }
        }
        if !self.warnings.is_empty() {
            out.push_str(&format!(
                "left out because a variable is undefined ({}):\n",
                self.warnings.len()
            ));
            for w in &self.warnings {
                out.push_str(&format!("  {w}\n"));
            }
        }
        let counts = self.counts();
        let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        out.push_str(&format!("plan: {}\n", summary.join(", ")));
        out
    }
}

fn container_step(dc: &DesiredContainer, obs: &HostObserved) -> Step {
    let mut step = Step {
        host: dc.host.clone(),
        service: dc.service.clone(),
        container: dc.container.clone(),
        name: dc.spec.name.clone(),
        wave: dc.wave,
        action: Action::Noop,
        reason: String::new(),
        dropped: dc.dropped.clone(),
        spec: Some(dc.spec.clone()),
        config: Some((dc.config_dir.clone(), dc.files.clone())),
    };
    let Some(info) = obs.containers.get(&dc.spec.name) else {
        step.action = Action::Create;
        step.reason = "not present".into();
        return step;
    };
    // The config hash is not a difference of the container: a changed
    // config restarts, it does not recreate.
    let mut spec = dc.spec.clone();
    match info.labels.get(label::CONFIG_HASH) {
        Some(h) => {
            spec.labels.insert(label::CONFIG_HASH.into(), h.clone());
        }
        None => {
            spec.labels.remove(label::CONFIG_HASH);
        }
    }
    let image = obs.images.get(&dc.spec.image).and_then(Option::as_ref);
    let diffs: Vec<Difference> = differences(&spec, info, image);
    if !diffs.is_empty() {
        step.reason = format!(
            "differs: {}",
            diffs
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        step.action = Action::Recreate { differences: diffs };
        return step;
    }
    let on_disk = obs.config.get(&dc.config_dir);
    let mut files: Vec<String> = dc
        .files
        .iter()
        .filter(|(name, data)| on_disk.and_then(|d| d.get(*name)) != Some(*data))
        .map(|(name, _)| name.clone())
        .collect();
    if let Some(d) = on_disk {
        files.extend(
            d.keys()
                .filter(|k| !dc.files.contains_key(*k))
                .map(|k| format!("{k} (removed)")),
        );
    }
    let hash_changed = info.labels.get(label::CONFIG_HASH) != Some(&dc.config_hash);
    if !files.is_empty() || hash_changed {
        if files.is_empty() {
            files.push("(written by an earlier run; not yet restarted)".into());
        }
        step.reason = format!("config changed: {}", files.join(", "));
        step.action = Action::Restart { files };
        return step;
    }
    if info.status != "running" {
        step.action = Action::Start;
        step.reason = format!("{}, not running", info.status);
        return step;
    }
    step.reason = "up to date".into();
    step
}
