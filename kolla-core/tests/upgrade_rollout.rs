//! The rollout orchestration against the memory engine: simulated hosts
//! (`<host>-<container>` on one engine), an applier that recreates
//! containers on their new image, batches in serial order, the halt on
//! `max_fail_percentage`, and a re-run that finishes the job.

use std::collections::BTreeSet;
use std::sync::Mutex;

use async_trait::async_trait;
use kolla_core::container::compare::image_differs;
use kolla_core::engine::{ContainerEngine, ContainerSpec, MemoryEngine};
use kolla_core::graph::Placed;
use kolla_core::upgrade::rollout::{run, Applier, Event};
use kolla_core::upgrade::{plan, OneShot, Settings, UpgradePlan};

const OLD: &str = "ops-standin/nova:1";
const NEW: &str = "ops-standin/nova:2";

struct Sim {
    engine: MemoryEngine,
    /// Hosts whose upgrade fails (a healthcheck that never passes).
    broken: Mutex<BTreeSet<String>>,
    /// (host, container) in the order they were upgraded.
    log: Mutex<Vec<String>>,
}

#[async_trait]
impl Applier for Sim {
    async fn write_config(&self, _: &str, _: &[String]) -> Result<(), String> {
        Ok(())
    }
    async fn one_shot(&self, step: &OneShot) -> Result<(), String> {
        self.log
            .lock()
            .unwrap()
            .push(format!("{}:{}", step.env, step.name));
        Ok(())
    }
    async fn stop(&self, host: &str, containers: &[String]) -> Result<(), String> {
        for c in containers {
            let name = format!("{host}-{c}");
            self.engine
                .stop_container(&name, 1)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
    async fn upgrade(&self, host: &str, containers: &[String]) -> Result<(), String> {
        if self.broken.lock().unwrap().contains(host) {
            return Err(format!(
                "{host}: container unhealthy after 0.1s (stand-in healthcheck)"
            ));
        }
        for c in containers {
            let name = format!("{host}-{c}");
            let _ = self.engine.remove_container(&name, true).await;
            let spec = ContainerSpec {
                name: name.clone(),
                image: NEW.into(),
                ..Default::default()
            };
            self.engine
                .create_container(&spec)
                .await
                .map_err(|e| e.to_string())?;
            self.engine
                .start_container(&name)
                .await
                .map_err(|e| e.to_string())?;
            self.log.lock().unwrap().push(name);
        }
        Ok(())
    }
    async fn reload(&self, host: &str, containers: &[String]) -> Result<(), String> {
        for c in containers {
            self.engine
                .restart_container(&format!("{host}-{c}"), 1)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn cloud() -> (Vec<Vec<String>>, Vec<Placed>) {
    let ctl: Vec<String> = (1..=3).map(|i| format!("ctl{i}")).collect();
    let cmp: Vec<String> = (1..=10).map(|i| format!("cmp{i}")).collect();
    let p = |c: &str, hosts: &[String]| Placed {
        service: "nova".into(),
        container: c.into(),
        key: c.replace('_', "-"),
        groups: vec![],
        hosts: hosts.to_vec(),
    };
    (
        vec![vec!["nova".into()]],
        vec![
            p("nova_api", &ctl),
            p("nova_conductor", &ctl),
            p("nova_compute", &cmp),
        ],
    )
}

async fn sim() -> Sim {
    let engine = MemoryEngine::new();
    engine.add_image(OLD);
    engine.add_image(NEW);
    let (_, placed) = cloud();
    for p in &placed {
        for h in &p.hosts {
            let name = format!("{h}-{}", p.container);
            let spec = ContainerSpec {
                name: name.clone(),
                image: OLD.into(),
                ..Default::default()
            };
            engine.create_container(&spec).await.unwrap();
            engine.start_container(&name).await.unwrap();
        }
    }
    Sim {
        engine,
        broken: Mutex::new(BTreeSet::new()),
        log: Mutex::new(Vec::new()),
    }
}

/// Plans from the engine's actual state, as `kolla upgrade` does.
async fn plan_from(sim: &Sim, settings: &Settings) -> UpgradePlan {
    let (waves, placed) = cloud();
    let mut changes = BTreeSet::new();
    let local = sim.engine.inspect_image(NEW).await.unwrap();
    for p in &placed {
        for h in &p.hosts {
            let info = sim
                .engine
                .inspect_container(&format!("{h}-{}", p.container))
                .await
                .unwrap();
            if image_differs(NEW, info.as_ref(), local.as_ref()) {
                changes.insert((h.clone(), p.container.clone()));
            }
        }
    }
    plan(
        &waves,
        &placed,
        &|h, c| changes.contains(&(h.to_string(), c.to_string())),
        &[],
        settings,
    )
    .unwrap()
}

#[tokio::test]
async fn batches_follow_serial_and_a_rerun_changes_nothing() {
    let sim = sim().await;
    let p = plan_from(&sim, &Settings::default()).await;
    let events = Mutex::new(Vec::new());
    let report = run(&p, &sim, &|e: &Event| {
        events.lock().unwrap().push(e.clone())
    })
    .await;
    assert!(report.ok(), "{}", report.to_text());
    assert_eq!(report.upgraded, 3 * 2 + 10);
    let batches: Vec<(String, usize)> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            Event::Batch { phase, hosts, .. } => Some((phase.clone(), hosts.len())),
            _ => None,
        })
        .collect();
    let count = |ph: &str| batches.iter().filter(|(p, _)| p == ph).count();
    assert_eq!(count("stop-conductors"), 1);
    assert_eq!(count("controllers"), 3);
    assert_eq!(count("computes"), 10);
    assert_eq!(count("reload"), 3);
    let log = sim.log.lock().unwrap().clone();
    assert_eq!(log[0], "KOLLA_UPGRADE:nova_api_bootstrap");
    // Controllers before computes, in inventory order.
    let first_cmp = log.iter().position(|l| l.starts_with("cmp")).unwrap();
    assert!(log[..first_cmp].iter().any(|l| l == "ctl3-nova_api"));
    assert_eq!(log[first_cmp], "cmp1-nova_compute");
    assert_eq!(
        log.last().unwrap(),
        "KOLLA_OSM:nova_cell_online_data_migrations"
    );
    // Nothing new: nothing planned, nothing touched.
    let again = plan_from(&sim, &Settings::default()).await;
    assert!(again.services.is_empty(), "{}", again.to_text());
    let before = sim.log.lock().unwrap().len();
    let report = run(&again, &sim, &|_| {}).await;
    assert!(report.ok());
    assert_eq!(sim.log.lock().unwrap().len(), before);
}

#[tokio::test]
async fn max_fail_halts_and_a_rerun_finishes() {
    let sim = sim().await;
    sim.broken.lock().unwrap().insert("cmp4".into());
    let mut settings = Settings::default();
    settings
        .vars
        .insert("nova_max_fail_percentage".into(), serde_json::json!(0));
    let p = plan_from(&sim, &settings).await;
    let report = run(&p, &sim, &|_| {}).await;
    let stop = report.stopped.clone().expect("halted");
    assert_eq!(stop.step, "computes");
    assert_eq!(stop.batch, Some((4, 10)));
    assert_eq!(stop.failed[0].0, "cmp4");
    let text = report.to_text();
    assert!(text.contains("batch 4 of 10"), "{text}");
    assert!(text.contains("nova computes batches 5-10"), "{text}");
    assert!(text.contains("nova reload"), "{text}");
    assert!(text.contains("re-run"), "{text}");
    // Batches after the failing one are untouched: cmp5.. still run the old image.
    let old = sim
        .engine
        .inspect_container("cmp5-nova_compute")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.image, OLD);
    // Fixed, a re-run resumes at cmp4 and finishes.
    sim.broken.lock().unwrap().clear();
    let again = plan_from(&sim, &settings).await;
    let computes = again.services[0]
        .phases
        .iter()
        .find(|p| p.name == "computes")
        .unwrap();
    assert_eq!(computes.batches[0][0].0, "cmp4");
    assert!(again.services[0]
        .phases
        .iter()
        .all(|p| p.name != "controllers"));
    let report = run(&again, &sim, &|_| {}).await;
    assert!(report.ok(), "{}", report.to_text());
    assert!(plan_from(&sim, &settings).await.services.is_empty());
}

#[tokio::test]
async fn failures_within_the_limit_drop_the_host_and_go_on() {
    let sim = sim().await;
    sim.broken.lock().unwrap().insert("cmp2".into());
    let mut settings = Settings::default();
    // Computes two at a time; 1 of 2 failing is 50%, not more than 50%.
    settings
        .vars
        .insert("nova_computes_serial".into(), serde_json::json!(2));
    settings
        .vars
        .insert("kolla_max_fail_percentage".into(), serde_json::json!("50%"));
    let p = plan_from(&sim, &settings).await;
    let report = run(&p, &sim, &|_| {}).await;
    assert!(report.stopped.is_none(), "{}", report.to_text());
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].1, "cmp2");
    assert!(!report.ok());
    let c10 = sim
        .engine
        .inspect_container("cmp10-nova_compute")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c10.image, NEW);
}
