//! The rollout of an [`UpgradePlan`]: service by service, step by step,
//! batch by batch. What is done to a host's containers is the caller's
//! [`Applier`] (deploy's apply on the real engines); this module owns the
//! order, the per-batch concurrency, `max_fail_percentage` and the report
//! of where a halted rollout stopped.
//!
//! Semantics (`../shared/spec/upgrade.md`, section C, without
//! `any_errors_fatal`):
//! - hosts of a batch run in parallel; the next batch starts only when
//!   every host of this one answered (the applier waits for health);
//! - a batch whose failures exceed `max_fail_percentage` (strictly), or
//!   whose hosts all failed, stops the whole rollout: later batches, phases
//!   and services are left untouched;
//! - otherwise failed hosts are dropped from the rest of the rollout and
//!   the report ends as failed;
//! - config, bootstrap and online-migration steps stop the rollout on any
//!   failure (kolla-ansible runs them once, `any_errors_fatal` for nova's).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde::Serialize;

use super::plan::{Action, OneShot, UpgradePlan};
use super::Halt;

/// What the rollout asks of the engines. Each call returns an error
/// message for the operator when it fails.
#[async_trait]
pub trait Applier: Send + Sync {
    /// Writes the service's new config on these hosts.
    async fn write_config(&self, service: &str, hosts: &[String]) -> Result<(), String>;
    /// Runs a one-shot container (bootstrap with `KOLLA_UPGRADE`, online
    /// migrations with `KOLLA_OSM`) to completion; exit code 0 is success.
    async fn one_shot(&self, step: &OneShot) -> Result<(), String>;
    /// Stops these containers on a host.
    async fn stop(&self, host: &str, containers: &[String]) -> Result<(), String>;
    /// Recreates these containers on their new image and waits until they
    /// are healthy.
    async fn upgrade(&self, host: &str, containers: &[String]) -> Result<(), String>;
    /// Restarts these containers and waits until they are healthy.
    async fn reload(&self, host: &str, containers: &[String]) -> Result<(), String>;
}

/// Progress events, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A step of a service begins (`config`, `bootstrap nova_api_bootstrap`, ...).
    Step {
        /// The service.
        service: String,
        /// The step.
        step: String,
    },
    /// A batch begins.
    Batch {
        /// The service.
        service: String,
        /// The phase.
        phase: String,
        /// 1-based.
        index: usize,
        /// Batches in the phase.
        of: usize,
        /// Its hosts.
        hosts: Vec<String>,
    },
    /// A batch ended.
    BatchDone {
        /// The service.
        service: String,
        /// The phase.
        phase: String,
        /// 1-based.
        index: usize,
        /// Hosts that failed, with the message.
        failed: Vec<(String, String)>,
        /// How long the batch took.
        seconds: f64,
    },
}

/// Where a halted rollout stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stop {
    /// The service.
    pub service: String,
    /// The step (`config`, `bootstrap`, a phase name, `online migrations`).
    pub step: String,
    /// The batch (1-based) and the phase's batch count, for phases.
    pub batch: Option<(usize, usize)>,
    /// Why: the halt rule, or the failed step's message.
    pub reason: String,
    /// The hosts that failed there, with their messages.
    pub failed: Vec<(String, String)>,
    /// What was left untouched, in order (batches, phases, services).
    pub untouched: Vec<String>,
}

/// The outcome of a rollout.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Batches rolled to the end.
    pub batches: usize,
    /// Containers recreated on their new image.
    pub upgraded: usize,
    /// Hosts that failed without halting (dropped from later steps).
    pub failed: Vec<(String, String, String)>,
    /// Where it stopped, when it halted.
    pub stopped: Option<Stop>,
    /// Wall time, seconds.
    pub seconds: f64,
    /// Of which spent in the applier's upgrade and reload calls (recreate
    /// and wait for health), seconds, summed over batches.
    pub batch_seconds: f64,
}

impl Report {
    /// Whether every step succeeded on every host.
    pub fn ok(&self) -> bool {
        self.stopped.is_none() && self.failed.is_empty()
    }

    /// A human summary, ending with what a re-run does.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} batch(es), {} container(s) upgraded in {:.2}s ({:.2}s in batches)\n",
            self.batches, self.upgraded, self.seconds, self.batch_seconds
        );
        for (service, host, message) in &self.failed {
            out.push_str(&format!("FAILED {service} on {host}: {message}\n"));
        }
        if let Some(s) = &self.stopped {
            let at = match s.batch {
                Some((i, n)) => format!("{} {}, batch {i} of {n}", s.service, s.step),
                None => format!("{} {}", s.service, s.step),
            };
            out.push_str(&format!("STOPPED at {at}: {}\n", s.reason));
            for (host, message) in &s.failed {
                out.push_str(&format!("  {host}: {message}\n"));
            }
            if !s.untouched.is_empty() {
                out.push_str(&format!("  left untouched: {}\n", s.untouched.join("; ")));
            }
        }
        if !self.ok() {
            out.push_str(
                "a re-run plans again from the engines: containers already on their new image are \
                 left alone, so it resumes with the failed hosts and everything after them\n",
            );
        }
        out
    }
}

/// Rolls `plan` out through `applier`, reporting progress to `progress`.
pub async fn run(
    plan: &UpgradePlan,
    applier: &dyn Applier,
    progress: &(dyn Fn(&Event) + Send + Sync),
) -> Report {
    let started = Instant::now();
    let mut report = Report::default();
    let mut dropped: BTreeSet<String> = BTreeSet::new();
    let mut batch_time = Duration::ZERO;
    'services: for (si, service) in plan.services.iter().enumerate() {
        let name = service.service.clone();
        let later_services = || -> Vec<String> {
            plan.services[si + 1..]
                .iter()
                .map(|s| format!("service {}", s.service))
                .collect()
        };
        let step = |s: &str| {
            progress(&Event::Step {
                service: name.clone(),
                step: s.to_string(),
            })
        };
        let stop = |step: &str, reason: String, failed, untouched| Stop {
            service: name.clone(),
            step: step.to_string(),
            batch: None,
            reason,
            failed,
            untouched,
        };
        let rest_of_service = |from_phase: usize| -> Vec<String> {
            let mut u: Vec<String> = service.phases[from_phase..]
                .iter()
                .map(|p| format!("{} {}", name, p.name))
                .collect();
            if !service.migrations.is_empty() {
                u.push(format!("{name} online migrations"));
            }
            u.extend(later_services());
            u
        };
        step("config");
        let hosts: Vec<String> = service
            .config_hosts
            .iter()
            .filter(|h| !dropped.contains(*h))
            .cloned()
            .collect();
        if let Err(m) = applier.write_config(&name, &hosts).await {
            let mut u = vec![format!("{name} bootstrap")];
            u.extend(rest_of_service(0));
            report.stopped = Some(stop("config", m, Vec::new(), u));
            break 'services;
        }
        for b in &service.bootstrap {
            step(&format!("bootstrap {}", b.name));
            if let Err(m) = applier.one_shot(b).await {
                report.stopped = Some(stop(
                    &format!("bootstrap {}", b.name),
                    m.clone(),
                    vec![(b.host.clone(), m)],
                    rest_of_service(0),
                ));
                break 'services;
            }
        }
        for (pi, phase) in service.phases.iter().enumerate() {
            let of = phase.batches.len();
            for (bi, batch) in phase.batches.iter().enumerate() {
                let work: Vec<&(String, Vec<String>)> =
                    batch.iter().filter(|(h, _)| !dropped.contains(h)).collect();
                if work.is_empty() {
                    continue;
                }
                progress(&Event::Batch {
                    service: name.clone(),
                    phase: phase.name.clone(),
                    index: bi + 1,
                    of,
                    hosts: work.iter().map(|(h, _)| h.clone()).collect(),
                });
                let t = Instant::now();
                let results = futures_join(work.iter().map(|(host, containers)| async move {
                    let r = match phase.action {
                        Action::Stop => applier.stop(host, containers).await,
                        Action::Roll => applier.upgrade(host, containers).await,
                        Action::Reload => applier.reload(host, containers).await,
                    };
                    (host.clone(), containers.len(), r)
                }))
                .await;
                let elapsed = t.elapsed();
                if phase.action != Action::Stop {
                    batch_time += elapsed;
                }
                let mut failed = Vec::new();
                for (host, n, r) in results {
                    match r {
                        Ok(()) if phase.action == Action::Roll => report.upgraded += n,
                        Ok(()) => {}
                        Err(m) => failed.push((host, m)),
                    }
                }
                progress(&Event::BatchDone {
                    service: name.clone(),
                    phase: phase.name.clone(),
                    index: bi + 1,
                    failed: failed.clone(),
                    seconds: elapsed.as_secs_f64(),
                });
                if let Some(halt) = service.max_fail.halts(failed.len(), work.len()) {
                    let reason = match halt {
                        Halt::MaxFailExceeded => format!(
                            "{halt}: {} of {} host(s) failed, more than {}%",
                            failed.len(),
                            work.len(),
                            service.max_fail.percent()
                        ),
                        Halt::WholeBatchFailed => halt.to_string(),
                    };
                    let mut untouched = Vec::new();
                    if bi + 1 < of {
                        untouched.push(format!("{name} {} batches {}-{of}", phase.name, bi + 2));
                    }
                    untouched.extend(rest_of_service(pi + 1));
                    report.stopped = Some(Stop {
                        batch: Some((bi + 1, of)),
                        ..stop(&phase.name, reason, failed, untouched)
                    });
                    break 'services;
                }
                report.batches += 1;
                for (h, m) in failed {
                    dropped.insert(h.clone());
                    report.failed.push((name.clone(), h, m));
                }
            }
        }
        for m in &service.migrations {
            step(&format!("online migrations {}", m.name));
            if let Err(e) = applier.one_shot(m).await {
                report.stopped = Some(stop(
                    "online migrations",
                    e.clone(),
                    vec![(m.host.clone(), e)],
                    later_services(),
                ));
                break 'services;
            }
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    report.batch_seconds = batch_time.as_secs_f64();
    report
}

/// Runs futures concurrently on this task and collects their outputs in order.
async fn futures_join<F: std::future::Future>(futs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set: Vec<std::pin::Pin<Box<F>>> = futs.map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter()
        .map(|o| o.expect("every future finished"))
        .collect()
}
