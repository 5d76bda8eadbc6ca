//! The upgrade plan (pure): per service, in graph order, upstream's
//! sequence — new config, the bootstrap / database-migration one-shot with
//! `KOLLA_UPGRADE`, then the service's container phases in batches, then
//! the online data migrations (`KOLLA_OSM`) where the service has them.
//!
//! Only containers whose image changes are touched: the caller says which
//! (host, container) pairs those are (`compare_image` on each host's
//! engine). A service with none is left out entirely; a host with none is
//! in no batch.
//!
//! Nova's default sequence is the one Kolla documents: stop the conductors,
//! controllers in batches of 30%, computes in batches of 10%, then the
//! reload that lifts the RPC version pin (conductors first, API last).
//! Every other service rolls its containers in batches of 30%.
//!
//! Batch sizes, most specific first: `--serial`; `<service>_<phase>_serial`
//! (`nova_computes_serial`); `<service>_serial`; `kolla_serial`; the
//! phase's default. `max_fail_percentage`: `--max-fail-percentage`;
//! `<service>_max_fail_percentage`; `kolla_max_fail_percentage`; 100.
//!
//! ```
//! use kolla_core::upgrade::{plan, Settings};
//! use kolla_core::graph::Placed;
//! let placed = |c: &str, hosts: &[&str]| Placed {
//!     service: "nova".into(), container: c.into(), key: c.replace('_', "-"),
//!     groups: vec![], hosts: hosts.iter().map(|h| h.to_string()).collect(),
//! };
//! let computes: Vec<String> = (1..=10).map(|i| format!("cmp{i}")).collect();
//! let cref: Vec<&str> = computes.iter().map(String::as_str).collect();
//! let containers = vec![
//!     placed("nova_api", &["ctl1", "ctl2", "ctl3"]),
//!     placed("nova_conductor", &["ctl1", "ctl2", "ctl3"]),
//!     placed("nova_compute", &cref),
//! ];
//! let p = plan(&[vec!["nova".to_string()]], &containers, &|_, _| true, &[], &Settings::default()).unwrap();
//! let nova = &p.services[0];
//! let names: Vec<&str> = nova.phases.iter().map(|ph| ph.name.as_str()).collect();
//! assert_eq!(names, ["stop-conductors", "controllers", "computes", "reload"]);
//! assert_eq!(nova.phases[1].batches.len(), 3); // 30% of 3 controllers: 1 at a time
//! assert_eq!(nova.phases[2].batches.len(), 10); // 10% of 10 computes
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::{Error, MaxFail, Serial};
use crate::graph::Placed;
use crate::vars::{Context, Layer};

/// What a phase does to its containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Stop them (all hosts at once); a later phase starts them on the new image.
    Stop,
    /// Recreate them on their new image, batch by batch, each batch waiting
    /// for health before the next.
    Roll,
    /// Restart them, batch by batch (lifting an RPC version pin); only when
    /// the service was upgraded.
    Reload,
}

/// One phase of a service's sequence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseSpec {
    /// The name (`controllers`), also the `<service>_<name>_serial` variable part.
    pub name: String,
    /// What it does.
    pub action: Action,
    /// The containers it covers (catalog names); empty: every container of
    /// the service not covered by an earlier Roll phase.
    pub containers: Vec<String>,
    /// Its batch size when no variable or option gives one.
    pub default_serial: Serial,
}

/// A one-shot container run once per service during an upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OneShot {
    /// Its container name (`nova_api_bootstrap`).
    pub name: String,
    /// The catalog container whose image and config it uses.
    pub container: String,
    /// The environment variable that selects the step (`KOLLA_UPGRADE`, `KOLLA_OSM`).
    pub env: String,
    /// The host it runs on (the first of its container's hosts).
    pub host: String,
}

/// A service's upgrade sequence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sequence {
    /// The bootstrap one-shots: (name, container); run in order.
    pub bootstrap: Vec<(String, String)>,
    /// The phases, in order.
    pub phases: Vec<PhaseSpec>,
    /// The online data migrations: (name, container); run in order at the end.
    pub migrations: Vec<(String, String)>,
}

impl Sequence {
    /// The built-in sequence of a service: nova's documented one, else a
    /// single Roll phase in batches of 30%, with a `KOLLA_UPGRADE` bootstrap
    /// on its first container when the service has a database.
    pub fn builtin(service: &str, containers: &[&str], database: bool) -> Sequence {
        let pct = Serial::percent;
        let names = |list: &[&str]| -> Vec<String> {
            list.iter()
                .filter(|c| containers.contains(c))
                .map(|c| c.to_string())
                .collect()
        };
        let phase = |name: &str, action, list: Vec<String>, serial| PhaseSpec {
            name: name.into(),
            action,
            containers: list,
            default_serial: serial,
        };
        if service == "nova" {
            let computes = names(&[
                "nova_libvirt",
                "nova_ssh",
                "nova_compute",
                "nova_compute_ironic",
            ]);
            let controllers: Vec<String> = containers
                .iter()
                .filter(|c| !computes.iter().any(|x| x.as_str() == **c))
                .map(|c| c.to_string())
                .collect();
            let mut bootstrap = Vec::new();
            if containers.contains(&"nova_api") {
                bootstrap.push(("nova_api_bootstrap".into(), "nova_api".into()));
            }
            if containers.contains(&"nova_conductor") {
                bootstrap.push(("nova_cell_bootstrap".into(), "nova_conductor".into()));
            }
            let mut migrations = Vec::new();
            if containers.contains(&"nova_api") {
                migrations.push(("nova_api_online_data_migrations".into(), "nova_api".into()));
            }
            if containers.contains(&"nova_conductor") {
                migrations.push((
                    "nova_cell_online_data_migrations".into(),
                    "nova_conductor".into(),
                ));
            }
            return Sequence {
                bootstrap,
                phases: vec![
                    phase(
                        "stop-conductors",
                        Action::Stop,
                        names(&["nova_super_conductor", "nova_conductor"]),
                        Serial::count(0),
                    ),
                    phase("controllers", Action::Roll, controllers, pct(30)),
                    phase("computes", Action::Roll, computes, pct(10)),
                    phase(
                        "reload",
                        Action::Reload,
                        names(&[
                            "nova_super_conductor",
                            "nova_conductor",
                            "nova_scheduler",
                            "nova_api",
                        ]),
                        pct(30),
                    ),
                ],
                migrations,
            };
        }
        Sequence {
            bootstrap: containers
                .first()
                .filter(|_| database)
                .map(|c| {
                    (
                        format!("bootstrap_{}_upgrade", service.replace('-', "_")),
                        c.to_string(),
                    )
                })
                .into_iter()
                .collect(),
            phases: vec![phase("containers", Action::Roll, Vec::new(), pct(30))],
            migrations: Vec::new(),
        }
    }
}

/// The batch settings of a run: command-line options and the cloud-wide
/// variables (`kolla_serial`, `<service>_serial`, ...).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--serial`: overrides every variable and default.
    pub serial: Option<Serial>,
    /// `--max-fail-percentage`.
    pub max_fail: Option<MaxFail>,
    /// Variables set by the operator (inventory, globals, `-e`), rendered.
    pub vars: BTreeMap<String, Value>,
}

impl Settings {
    /// Reads the `*_serial` and `*_max_fail_percentage` variables the
    /// operator set (not Kolla's defaults) from a host's context.
    ///
    /// # Errors
    /// A variable that fails to render.
    pub fn from_context(ctx: &Context<'_>, names: &[String]) -> crate::Result<Settings> {
        let mut vars = BTreeMap::new();
        for name in names {
            if let Some((_, layer)) = ctx.raw(name) {
                if layer != Layer::Defaults {
                    vars.insert(name.clone(), ctx.get(name)?);
                }
            }
        }
        Ok(Settings {
            vars,
            ..Settings::default()
        })
    }

    /// The variable names [`Settings::from_context`] should read for these
    /// services and their phases.
    pub fn variable_names(services: &[(String, Sequence)]) -> Vec<String> {
        let mut names = vec![
            "kolla_serial".to_string(),
            "kolla_max_fail_percentage".to_string(),
        ];
        for (service, seq) in services {
            let s = service.replace('-', "_");
            names.push(format!("{s}_serial"));
            names.push(format!("{s}_max_fail_percentage"));
            for p in &seq.phases {
                names.push(format!("{s}_{}_serial", p.name.replace('-', "_")));
            }
        }
        names
    }

    /// The serial of a service's phase, and where it came from.
    ///
    /// # Errors
    /// [`Error::Serial`] naming the variable for a value Ansible refuses.
    pub fn serial_for(&self, service: &str, phase: &PhaseSpec) -> Result<(Serial, String), Error> {
        if let Some(s) = &self.serial {
            return Ok((s.clone(), "--serial".into()));
        }
        let s = service.replace('-', "_");
        for name in [
            format!("{s}_{}_serial", phase.name.replace('-', "_")),
            format!("{s}_serial"),
            "kolla_serial".to_string(),
        ] {
            if let Some(v) = self.vars.get(&name) {
                return Ok((Serial::from_value(&name, v)?, name));
            }
        }
        Ok((phase.default_serial.clone(), "default".into()))
    }

    /// The max_fail_percentage of a service, and where it came from.
    ///
    /// # Errors
    /// [`Error::MaxFail`] naming the variable for a value Ansible refuses.
    pub fn max_fail_for(&self, service: &str) -> Result<(MaxFail, String), Error> {
        if let Some(m) = self.max_fail {
            return Ok((m, "--max-fail-percentage".into()));
        }
        let s = service.replace('-', "_");
        for name in [
            format!("{s}_max_fail_percentage"),
            "kolla_max_fail_percentage".to_string(),
        ] {
            if let Some(v) = self.vars.get(&name) {
                return Ok((MaxFail::from_value(&name, v)?, name));
            }
        }
        Ok((MaxFail::default(), "default".into()))
    }
}

/// One planned phase with its batches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phase {
    /// The phase name.
    pub name: String,
    /// What it does.
    pub action: Action,
    /// The serial used, and where it came from.
    pub serial: Serial,
    /// `--serial`, the variable's name, or `default`.
    pub serial_from: String,
    /// The batches: each a list of (host, containers on it to touch).
    pub batches: Vec<Vec<(String, Vec<String>)>>,
}

/// One service's planned upgrade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicePlan {
    /// The catalog service.
    pub service: String,
    /// Hosts whose config is written first (every host of the service).
    pub config_hosts: Vec<String>,
    /// The bootstrap one-shots (`KOLLA_UPGRADE`).
    pub bootstrap: Vec<OneShot>,
    /// The phases, with their batches (empty phases left out).
    pub phases: Vec<Phase>,
    /// The online data migrations (`KOLLA_OSM`).
    pub migrations: Vec<OneShot>,
    /// The max_fail_percentage applied to every batch.
    pub max_fail: MaxFail,
    /// Where it came from.
    pub max_fail_from: String,
}

/// The whole upgrade, service by service in graph order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpgradePlan {
    /// The services with something to upgrade.
    pub services: Vec<ServicePlan>,
    /// Services left alone because no image of theirs changes.
    pub unchanged: Vec<String>,
}

/// Plans the upgrade of the services in `waves` (the graph's waves, in
/// order) over their placed `containers`; `changes(host, container)` says
/// whether that container's image changes on that host; `databases` are
/// the services with a database schema to migrate (a bootstrap step).
///
/// # Errors
/// A `serial` or `max_fail_percentage` value Ansible would refuse.
pub fn plan(
    waves: &[Vec<String>],
    containers: &[Placed],
    changes: &dyn Fn(&str, &str) -> bool,
    databases: &[String],
    settings: &Settings,
) -> crate::Result<UpgradePlan> {
    let mut out = UpgradePlan {
        services: Vec::new(),
        unchanged: Vec::new(),
    };
    for service in waves.iter().flatten() {
        let mine: Vec<&Placed> = containers
            .iter()
            .filter(|p| &p.service == service)
            .collect();
        let names: Vec<&str> = mine.iter().map(|p| p.container.as_str()).collect();
        let seq = Sequence::builtin(service, &names, databases.contains(service));
        match plan_service(service, &mine, &seq, changes, settings)? {
            Some(p) => out.services.push(p),
            None => out.unchanged.push(service.clone()),
        }
    }
    Ok(out)
}

/// Plans one service along `seq`; `None` when none of its images change.
///
/// # Errors
/// As [`plan`].
pub fn plan_service(
    service: &str,
    placed: &[&Placed],
    seq: &Sequence,
    changes: &dyn Fn(&str, &str) -> bool,
    settings: &Settings,
) -> crate::Result<Option<ServicePlan>> {
    let changed: BTreeSet<(&str, &str)> = placed
        .iter()
        .flat_map(|p| {
            p.hosts
                .iter()
                .map(move |h| (h.as_str(), p.container.as_str()))
        })
        .filter(|(h, c)| changes(h, c))
        .collect();
    if changed.is_empty() {
        return Ok(None);
    }
    // Hosts in inventory order (the order of the first container listing them).
    let mut host_order: Vec<&str> = Vec::new();
    for p in placed {
        for h in &p.hosts {
            if !host_order.contains(&h.as_str()) {
                host_order.push(h);
            }
        }
    }
    let hosts_of = |c: &str| -> Vec<&str> {
        placed
            .iter()
            .find(|p| p.container == c)
            .map(|p| p.hosts.iter().map(String::as_str).collect())
            .unwrap_or_default()
    };
    let one_shot = |(name, container): &(String, String), env: &str| -> Option<OneShot> {
        let host = hosts_of(container).first()?.to_string();
        Some(OneShot {
            name: name.clone(),
            container: container.clone(),
            env: env.into(),
            host,
        })
    };
    let mut rolled: BTreeSet<&str> = BTreeSet::new();
    let mut phases = Vec::new();
    for spec in &seq.phases {
        let covered: Vec<&str> = if spec.containers.is_empty() {
            placed
                .iter()
                .map(|p| p.container.as_str())
                .filter(|c| !rolled.contains(c))
                .collect()
        } else {
            spec.containers.iter().map(String::as_str).collect()
        };
        if spec.action == Action::Roll {
            rolled.extend(covered.iter().copied());
        }
        // Per host, the covered containers it runs that this phase touches.
        let mut work: Vec<(String, Vec<String>)> = Vec::new();
        for h in &host_order {
            let on_host: Vec<String> = covered
                .iter()
                .filter(|c| hosts_of(c).contains(h))
                .filter(|c| match spec.action {
                    Action::Roll | Action::Stop => changed.contains(&(*h, **c)),
                    // The reload restarts every covered container: the
                    // service was upgraded and the pin must be lifted.
                    Action::Reload => true,
                })
                .map(|c| c.to_string())
                .collect();
            if !on_host.is_empty() {
                work.push((h.to_string(), on_host));
            }
        }
        if work.is_empty() {
            continue;
        }
        let (serial, serial_from) = settings.serial_for(service, spec)?;
        let (serial, serial_from) = if spec.action == Action::Stop {
            (Serial::count(0), "stop: every host at once".to_string())
        } else {
            (serial, serial_from)
        };
        phases.push(Phase {
            name: spec.name.clone(),
            action: spec.action,
            batches: serial.batches(&work),
            serial,
            serial_from,
        });
    }
    let (max_fail, max_fail_from) = settings.max_fail_for(service)?;
    Ok(Some(ServicePlan {
        service: service.to_string(),
        config_hosts: host_order.iter().map(|h| h.to_string()).collect(),
        bootstrap: seq
            .bootstrap
            .iter()
            .filter_map(|b| one_shot(b, "KOLLA_UPGRADE"))
            .collect(),
        phases,
        migrations: seq
            .migrations
            .iter()
            .filter_map(|m| one_shot(m, "KOLLA_OSM"))
            .collect(),
        max_fail,
        max_fail_from,
    }))
}

impl UpgradePlan {
    /// The number of (host, container) recreations the plan makes.
    pub fn touched(&self) -> usize {
        self.services
            .iter()
            .flat_map(|s| &s.phases)
            .filter(|p| p.action == Action::Roll)
            .flat_map(|p| p.batches.iter().flatten())
            .map(|(_, cs)| cs.len())
            .sum()
    }

    /// The plan as text, one line per step and batch.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for s in &self.services {
            let _ = writeln!(
                out,
                "{} (max_fail_percentage {} from {})",
                s.service,
                s.max_fail.percent(),
                s.max_fail_from
            );
            let _ = writeln!(out, "  config: {} host(s)", s.config_hosts.len());
            for b in &s.bootstrap {
                let _ = writeln!(out, "  bootstrap: {} ({}) on {}", b.name, b.env, b.host);
            }
            for p in &s.phases {
                let action = match p.action {
                    Action::Stop => "stop",
                    Action::Roll => "roll",
                    Action::Reload => "reload",
                };
                let _ = writeln!(
                    out,
                    "  {} [{action}] serial {} ({}): {} batch(es)",
                    p.name,
                    p.serial,
                    p.serial_from,
                    p.batches.len()
                );
                for (i, batch) in p.batches.iter().enumerate() {
                    let hosts: Vec<String> = batch
                        .iter()
                        .map(|(h, cs)| format!("{h}({})", cs.join(",")))
                        .collect();
                    let _ = writeln!(out, "    batch {}: {}", i + 1, hosts.join(" "));
                }
            }
            for m in &s.migrations {
                let _ = writeln!(
                    out,
                    "  online migrations: {} ({}) on {}",
                    m.name, m.env, m.host
                );
            }
        }
        if !self.unchanged.is_empty() {
            let _ = writeln!(out, "unchanged: {}", self.unchanged.join(", "));
        }
        if self.services.is_empty() {
            out.push_str("nothing to upgrade: no image changes\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn placed(service: &str, c: &str, hosts: &[String]) -> Placed {
        Placed {
            service: service.into(),
            container: c.into(),
            key: c.replace('_', "-"),
            groups: vec![],
            hosts: hosts.to_vec(),
        }
    }

    fn cloud() -> (Vec<Vec<String>>, Vec<Placed>) {
        let ctl: Vec<String> = (1..=3).map(|i| format!("ctl{i}")).collect();
        let cmp: Vec<String> = (1..=10).map(|i| format!("cmp{i}")).collect();
        (
            vec![vec!["keystone".into()], vec!["nova".into()]],
            vec![
                placed("keystone", "keystone", &ctl),
                placed("keystone", "keystone_fernet", &ctl),
                placed("nova", "nova_api", &ctl),
                placed("nova", "nova_scheduler", &ctl),
                placed("nova", "nova_conductor", &ctl),
                placed("nova", "nova_libvirt", &cmp),
                placed("nova", "nova_compute", &cmp),
            ],
        )
    }

    #[test]
    fn nova_follows_the_documented_sequence() {
        let (waves, placed) = cloud();
        let dbs = ["keystone".to_string()];
        let p = plan(&waves, &placed, &|_, _| true, &dbs, &Settings::default()).unwrap();
        assert_eq!(p.services.len(), 2);
        assert_eq!(
            p.services[0].bootstrap[0].name,
            "bootstrap_keystone_upgrade"
        );
        let p2 = plan(&waves, &placed, &|_, _| true, &[], &Settings::default()).unwrap();
        assert!(p2.services[0].bootstrap.is_empty());
        let nova = &p.services[1];
        assert_eq!(nova.bootstrap[0].name, "nova_api_bootstrap");
        assert_eq!(nova.bootstrap[0].env, "KOLLA_UPGRADE");
        assert_eq!(nova.bootstrap[0].host, "ctl1");
        let stop = &nova.phases[0];
        assert_eq!(stop.action, Action::Stop);
        assert_eq!(stop.batches.len(), 1);
        assert_eq!(stop.batches[0][0].1, vec!["nova_conductor".to_string()]);
        let ctl = &nova.phases[1];
        assert_eq!(ctl.batches.len(), 3);
        assert_eq!(
            ctl.batches[0][0].1,
            ["nova_api", "nova_scheduler", "nova_conductor"]
        );
        let cmp = &nova.phases[2];
        assert_eq!(cmp.serial.to_string(), "10%");
        assert_eq!(cmp.batches.len(), 10);
        assert_eq!(cmp.batches[0][0].1, ["nova_libvirt", "nova_compute"]);
        let reload = &nova.phases[3];
        assert_eq!(reload.action, Action::Reload);
        assert_eq!(
            reload.batches[0][0].1,
            ["nova_conductor", "nova_scheduler", "nova_api"]
        );
        assert_eq!(nova.migrations[0].env, "KOLLA_OSM");
        assert_eq!(p.touched(), 3 * 3 + 10 * 2 + 3 * 2);
    }

    #[test]
    fn only_changed_images_are_touched() {
        let (waves, placed) = cloud();
        // Only nova_compute on cmp1..cmp4 changes.
        let changes =
            |h: &str, c: &str| c == "nova_compute" && ["cmp1", "cmp2", "cmp3", "cmp4"].contains(&h);
        let p = plan(&waves, &placed, &changes, &[], &Settings::default()).unwrap();
        assert_eq!(p.unchanged, ["keystone"]);
        let nova = &p.services[0];
        let names: Vec<&str> = nova.phases.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["computes", "reload"]);
        // 10% of 4 hosts truncates to 0, then 1.
        assert_eq!(nova.phases[0].batches.len(), 4);
        assert_eq!(p.touched(), 4);
        // Nothing changes: nothing planned.
        let none = plan(&waves, &placed, &|_, _| false, &[], &Settings::default()).unwrap();
        assert!(none.services.is_empty());
        assert_eq!(none.touched(), 0);
        assert!(none.to_text().contains("nothing to upgrade"));
    }

    #[test]
    fn serial_settings_most_specific_first() {
        let (waves, placed) = cloud();
        let mut s = Settings::default();
        s.vars.insert("kolla_serial".into(), json!("50%"));
        s.vars
            .insert("nova_computes_serial".into(), json!([1, "20%"]));
        s.vars
            .insert("nova_max_fail_percentage".into(), json!("20%"));
        let p = plan(&waves, &placed, &|_, _| true, &[], &s).unwrap();
        // keystone: kolla_serial 50% of 3 = 1.
        assert_eq!(p.services[0].phases[0].serial_from, "kolla_serial");
        let nova = &p.services[1];
        assert_eq!(nova.phases[1].serial_from, "kolla_serial");
        assert_eq!(nova.phases[1].batches.len(), 3);
        let sizes: Vec<usize> = nova.phases[2].batches.iter().map(Vec::len).collect();
        assert_eq!(sizes, [1, 2, 2, 2, 2, 1]);
        assert_eq!(nova.phases[2].serial_from, "nova_computes_serial");
        assert_eq!(nova.max_fail.percent(), 20.0);
        assert_eq!(p.services[0].max_fail.percent(), 100.0);
        // --serial beats every variable; an operator's 0 is honoured.
        s.serial = Some(Serial::count(0));
        let p = plan(&waves, &placed, &|_, _| true, &[], &s).unwrap();
        assert!(p.services[1].phases.iter().all(|ph| ph.batches.len() == 1));
        // A bad variable is named.
        let mut bad = Settings::default();
        bad.vars.insert("nova_serial".into(), json!("12.5%"));
        let e = plan(&waves, &placed, &|_, _| true, &[], &bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("nova_serial"), "{e}");
    }
}
