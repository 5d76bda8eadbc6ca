//! Desired state and plan, and apply on the in-memory engine.

use std::sync::Arc;

use super::apply::{apply, observe, ApplyOptions, Engines};
use super::*;
use crate::catalog::Catalog;
use crate::engine::{ContainerEngine, MemoryEngine};
use crate::inventory::Inventory;
use crate::vars::Inputs;

const INV: &str = "[control]\nctl1\nctl2\n[compute]\ncmp1\n[memcached:children]\ncontrol\n[cron:children]\ncontrol\ncompute\n[kolla_toolbox:children]\ncontrol\ncompute\n";
const SMALL: &str = "enable_openstack_core=no enable_fluentd=no enable_mariadb=no enable_haproxy=no enable_rabbitmq=no api_interface_address=10.0.0.1 cron_logrotate_schedule=daily memcached_connection_limit=5000 memcached_max_memory=64";

fn desired_with(extra: &str, options: &Options) -> DesiredState {
    let inv = Inventory::from_ini("inv", INV).unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra(SMALL).unwrap();
    inputs.add_extra(extra).unwrap();
    let catalog = Catalog::embedded().unwrap();
    DesiredState::build(&catalog, &inv, &inputs, options).unwrap()
}

fn opts(root: &std::path::Path) -> Options {
    Options {
        timezone: "UTC".into(),
        simulate_hosts: true,
        simulate_root: Some(root.to_path_buf()),
        ..Default::default()
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn desired_containers_carry_kolla_image_labels_and_env() {
    let d = desired_with("", &Options::default());
    let mc = d
        .containers
        .iter()
        .find(|c| c.container == "memcached" && c.host == "ctl1")
        .unwrap();
    assert!(
        mc.spec
            .image
            .starts_with("quay.io/openstack.kolla/memcached:2026.1-rocky-"),
        "{}",
        mc.spec.image
    );
    assert_eq!(mc.spec.name, "memcached");
    assert_eq!(mc.spec.environment["KOLLA_CONFIG_STRATEGY"], "COPY_ALWAYS");
    assert_eq!(mc.spec.labels[label::MANAGED], "true");
    assert_eq!(mc.spec.labels[label::HOST], "ctl1");
    assert_eq!(mc.spec.labels[label::SERVICE], "memcached");
    assert_eq!(mc.spec.labels[label::CONTAINER], "memcached");
    assert_eq!(mc.spec.labels[label::CONFIG_HASH], mc.config_hash);
    assert!(mc
        .spec
        .volumes
        .contains(&"/etc/kolla/memcached/:/var/lib/kolla/config_files/:ro".to_string()));
    assert!(mc.healthcheck_is_set());
    let nofile = mc.spec.dimensions.ulimits.as_ref().unwrap();
    assert_eq!(nofile[0].hard, Some(1_048_576));
    assert!(mc.warnings.is_empty(), "{:?}", mc.warnings);
    let cj = String::from_utf8(mc.files["config.json"].clone()).unwrap();
    assert!(
        cj.contains("/usr/bin/memcached -v -l 10.0.0.1 -p 11211"),
        "{cj}"
    );
    // memcached only on the controllers, cron everywhere.
    assert!(!d
        .containers
        .iter()
        .any(|c| c.container == "memcached" && c.host == "cmp1"));
    assert!(d
        .containers
        .iter()
        .any(|c| c.container == "cron" && c.host == "cmp1"));
}

impl DesiredContainer {
    fn healthcheck_is_set(&self) -> bool {
        self.spec.healthcheck.is_some()
    }
}

#[test]
fn simulated_hosts_prefix_names_volumes_and_config_roots() {
    let dir = tempfile::tempdir().unwrap();
    let d = desired_with("", &opts(dir.path()));
    let cron = d
        .containers
        .iter()
        .find(|c| c.container == "cron" && c.host == "cmp1")
        .unwrap();
    assert_eq!(cron.spec.name, "cmp1-cron");
    assert_eq!(cron.spec.network_mode, "bridge");
    assert!(cron
        .spec
        .volumes
        .contains(&"cmp1-kolla_logs:/var/log/kolla/".to_string()));
    let cfg = format!(
        "{}/cmp1/cron/:/var/lib/kolla/config_files/:ro",
        dir.path().display()
    );
    assert!(cron.spec.volumes.contains(&cfg), "{:?}", cron.spec.volumes);
    assert_eq!(cron.config_dir, dir.path().join("cmp1/cron"));
    assert!(d.volumes["cmp1"].contains(&"cmp1-kolla_logs".to_string()));
}

#[test]
fn relax_drops_and_lists_what_the_engine_refuses() {
    let mut o = Options {
        timezone: "UTC".into(),
        ..Default::default()
    };
    let strict = desired_with("", &o);
    assert!(strict.dropped().is_empty());
    o.relax = Some(Relax {
        privileged: true,
        shared_mounts: true,
        nofile_hard: Some(20_000),
    });
    let d = desired_with("", &o);
    let dropped = d.dropped();
    assert!(
        dropped
            .iter()
            .any(|x| x.contains("ctl1/memcached: ulimit nofile hard 1048576 capped to 20000")),
        "{dropped:?}"
    );
    let tb = d
        .containers
        .iter()
        .find(|c| c.container == "kolla_toolbox")
        .unwrap();
    assert!(!tb.spec.privileged);
    assert!(
        tb.dropped.iter().any(|x| x == "privileged"),
        "{:?}",
        tb.dropped
    );
    assert!(!tb.spec.volumes.iter().any(|v| v.ends_with(":shared")));
    // A strict (real) desired state keeps them, and capability findings say why.
    let caps = capability::Capabilities {
        endpoint: "unix:///x".into(),
        privileged: false,
        shared_mounts: false,
        nofile_hard: Some(20_000),
        messages: vec![],
    };
    let f = capability::findings(&strict, &caps);
    assert_eq!(f.len(), 3, "{f:?}");
    assert!(f[0].contains("kolla_toolbox"));
    assert!(f[1].contains("mount --make-rshared /"));
    assert!(f[2].contains("20000"));
}

#[test]
fn plan_apply_replan_is_noop_then_changes_are_precise() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(MemoryEngine::new());
    let d = desired_with("", &opts(dir.path()));
    for c in &d.containers {
        engine.add_image(&c.spec.image);
    }
    let engines = Engines::single(engine.clone() as Arc<dyn ContainerEngine>);
    let rt = rt();
    let observed = rt.block_on(observe(&d, &engines)).unwrap();
    let plan = Plan::new(&d, &observed);
    assert!(
        plan.steps.iter().all(|s| s.action == Action::Create),
        "{}",
        plan.to_text()
    );
    assert_eq!(plan.steps.len(), d.containers.len());
    let summary = rt.block_on(apply(&plan, &engines, &ApplyOptions::default(), &|_| {}));
    assert!(summary.failures.is_empty(), "{}", summary.to_text());
    assert_eq!(summary.created, d.containers.len());
    assert!(dir.path().join("ctl1/memcached/config.json").is_file());

    // Again: nothing to do.
    let observed = rt.block_on(observe(&d, &engines)).unwrap();
    let plan = Plan::new(&d, &observed);
    assert!(plan.is_noop(), "{}", plan.to_text());

    // A changed variable that only reaches memcached's config.json restarts
    // exactly the memcached containers, naming the file.
    let d2 = desired_with("memcached_max_memory=999", &opts(dir.path()));
    let plan = Plan::new(&d2, &rt.block_on(observe(&d2, &engines)).unwrap());
    let changed: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.changes())
        .map(|s| format!("{} {}", s.action.name(), s.name))
        .collect();
    assert_eq!(
        changed,
        ["restart ctl1-memcached", "restart ctl2-memcached"]
    );
    assert_eq!(
        plan.steps.iter().find(|s| s.changes()).unwrap().action,
        Action::Restart {
            files: vec!["config.json".into()]
        }
    );
    let s = rt.block_on(apply(&plan, &engines, &ApplyOptions::default(), &|_| {}));
    assert_eq!((s.restarted, s.unchanged), (2, d2.containers.len() - 2));
    let plan = Plan::new(&d2, &rt.block_on(observe(&d2, &engines)).unwrap());
    assert!(plan.is_noop(), "{}", plan.to_text());

    // A differing container parameter recreates, with the comparison failure.
    let d3 = desired_with(
        "memcached_max_memory=999 cron_logrotate_schedule=weekly",
        &opts(dir.path()),
    );
    let plan = Plan::new(&d3, &rt.block_on(observe(&d3, &engines)).unwrap());
    let rec: Vec<&Step> = plan.steps.iter().filter(|s| s.changes()).collect();
    assert_eq!(rec.len(), 3, "{}", plan.to_text());
    match &rec[0].action {
        Action::Recreate { differences } => assert_eq!(differences[0].name, "environment"),
        other => panic!("{other:?}"),
    }

    // Disabling a service removes exactly its containers.
    let d4 = desired_with("enable_memcached=no", &opts(dir.path()));
    let plan = Plan::new(&d4, &rt.block_on(observe(&d4, &engines)).unwrap());
    let removed: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.action == Action::Remove)
        .map(|s| format!("{} ({})", s.name, s.reason))
        .collect();
    assert_eq!(
        removed,
        [
            "ctl1-memcached (service memcached is disabled)",
            "ctl2-memcached (service memcached is disabled)"
        ]
    );

    // Stop then destroy leaves nothing kolla-rs made.
    let plan = Plan::stop(&d2, &rt.block_on(observe(&d2, &engines)).unwrap());
    let s = rt.block_on(apply(&plan, &engines, &ApplyOptions::default(), &|_| {}));
    assert_eq!(s.stopped, d2.containers.len());
    let plan = Plan::destroy(&d2, &rt.block_on(observe(&d2, &engines)).unwrap());
    let opts = ApplyOptions {
        remove_volumes: true,
        ..Default::default()
    };
    let s = rt.block_on(apply(&plan, &engines, &opts, &|_| {}));
    assert_eq!(s.removed, d2.containers.len());
    let left = rt
        .block_on(engine.list_containers(&crate::engine::ListFilter {
            all: true,
            ..Default::default()
        }))
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let vols = rt.block_on(engine.list_volumes()).unwrap();
    assert!(vols.is_empty(), "{vols:?}");
}

#[test]
fn a_failed_wave_stops_the_run_and_a_rerun_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(MemoryEngine::new());
    let d = desired_with("", &opts(dir.path()));
    // Images of the first wave only: its creates fail (the pull fails).
    let engines = Engines::single(engine.clone() as Arc<dyn ContainerEngine>);
    let rt = rt();
    let plan = Plan::new(&d, &rt.block_on(observe(&d, &engines)).unwrap());
    let s = rt.block_on(apply(&plan, &engines, &ApplyOptions::default(), &|_| {}));
    assert!(!s.failures.is_empty());
    assert!(
        s.failures[0].error.contains("is not present"),
        "{:?}",
        s.failures
    );
    assert!(s.skipped > 0 || d.waves.len() == 1);
    for c in &d.containers {
        engine.add_image(&c.spec.image);
    }
    let plan = Plan::new(&d, &rt.block_on(observe(&d, &engines)).unwrap());
    let s = rt.block_on(apply(&plan, &engines, &ApplyOptions::default(), &|_| {}));
    assert!(s.failures.is_empty(), "{}", s.to_text());
    let plan = Plan::new(&d, &rt.block_on(observe(&d, &engines)).unwrap());
    assert!(plan.is_noop());
}
