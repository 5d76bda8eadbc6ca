//! Apply (async): observe each host's engine, then run a plan wave by wave,
//! hosts in parallel under a bounded concurrency, every container gated on
//! its health before the next wave starts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::desired::DesiredState;
use super::label;
use super::plan::{Action, HostObserved, ObservedState, Plan, Step};
use super::Error;
use crate::engine::{ContainerEngine, Error as EngineError, ListFilter, LogOptions};

/// Each inventory host's engine.
#[derive(Clone)]
pub struct Engines {
    default: Arc<dyn ContainerEngine>,
    by_host: BTreeMap<String, Arc<dyn ContainerEngine>>,
}

impl Engines {
    /// Every host on one engine (the local one, or simulated hosts).
    pub fn single(engine: Arc<dyn ContainerEngine>) -> Engines {
        Engines {
            default: engine,
            by_host: BTreeMap::new(),
        }
    }

    /// Puts `host` on its own engine.
    pub fn set(&mut self, host: &str, engine: Arc<dyn ContainerEngine>) {
        self.by_host.insert(host.to_string(), engine);
    }

    /// The engine of `host`.
    pub fn of(&self, host: &str) -> &Arc<dyn ContainerEngine> {
        self.by_host.get(host).unwrap_or(&self.default)
    }
}

impl std::fmt::Debug for Engines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engines")
            .field("default", &self.default.endpoint())
            .finish()
    }
}

fn engine_err(e: EngineError, what: &str, host: &str, endpoint: &str) -> crate::Error {
    Error::Step {
        step: what.to_string(),
        host: host.to_string(),
        endpoint: endpoint.to_string(),
        message: e.to_string(),
        logs: String::new(),
    }
    .into()
}

/// Asks every host's engine for what the plan needs: the desired and the
/// kolla-rs containers, the images, the volumes; and reads the config trees
/// on disk.
///
/// # Errors
/// An engine that cannot be reached (naming host and endpoint).
pub async fn observe(desired: &DesiredState, engines: &Engines) -> crate::Result<ObservedState> {
    // One listing per engine, shared by its hosts.
    let mut listings: BTreeMap<String, Vec<crate::engine::ContainerSummary>> = BTreeMap::new();
    let mut volumes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut out = ObservedState::default();
    for host in &desired.hosts {
        let engine = engines.of(host);
        let ep = engine.endpoint().to_string();
        if !listings.contains_key(&ep) {
            let filter = ListFilter {
                all: true,
                label: Some(format!("{}=true", label::MANAGED)),
                ..Default::default()
            };
            let list = engine
                .list_containers(&filter)
                .await
                .map_err(|e| engine_err(e, "observe", host, &ep))?;
            let vols = engine
                .list_volumes()
                .await
                .map_err(|e| engine_err(e, "observe", host, &ep))?;
            listings.insert(ep.clone(), list);
            volumes.insert(ep.clone(), vols.into_iter().map(|v| v.name).collect());
        }
        let mut obs = HostObserved {
            volumes: volumes[&ep].clone(),
            ..Default::default()
        };
        for c in &listings[&ep] {
            if c.labels.get(label::HOST).map(String::as_str) == Some(host.as_str()) {
                obs.managed.insert(c.name.clone(), c.labels.clone());
            }
        }
        let mut names: BTreeSet<String> = obs.managed.keys().cloned().collect();
        for dc in desired.containers.iter().filter(|c| &c.host == host) {
            names.insert(dc.spec.name.clone());
            if !obs.images.contains_key(&dc.spec.image) {
                let img = engine
                    .inspect_image(&dc.spec.image)
                    .await
                    .map_err(|e| engine_err(e, "observe", host, &ep))?;
                obs.images.insert(dc.spec.image.clone(), img);
            }
            if !obs.config.contains_key(&dc.config_dir) {
                obs.config
                    .insert(dc.config_dir.clone(), read_tree(&dc.config_dir));
            }
        }
        for n in names {
            if let Some(info) = engine
                .inspect_container(&n)
                .await
                .map_err(|e| engine_err(e, "observe", host, &ep))?
            {
                obs.containers.insert(n, info);
            }
        }
        out.hosts.insert(host.clone(), obs);
    }
    Ok(out)
}

/// The files directly in `dir` (an absent dir is empty).
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    read_into(dir, "", &mut out);
    out
}

/// Every file below `dir`, named by its path relative to the tree's root
/// (`services.d/glance-api.cfg`).
fn read_into(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if p.is_dir() {
            read_into(&p, &format!("{name}/"), out);
        } else if let Ok(data) = std::fs::read(&p) {
            out.insert(name, data);
        }
    }
}

/// Writes a config tree: changed files atomically, unchanged ones untouched,
/// files no longer in the tree removed.
fn write_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) -> crate::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| crate::IoError::new(dir, e))?;
    for (name, data) in files {
        let p = dir.join(name);
        if std::fs::read(&p).ok().as_deref() != Some(data.as_slice()) {
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).map_err(|e| crate::IoError::new(parent, e))?;
            }
            crate::fsutil::write_atomic(&p, data, Some(0o660))?;
        }
    }
    for (name, _) in read_tree(dir) {
        if !files.contains_key(&name) {
            let p = dir.join(&name);
            std::fs::remove_file(&p).map_err(|e| crate::IoError::new(&p, e))?;
        }
    }
    Ok(())
}

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Steps running at once within a wave.
    pub concurrency: usize,
    /// How long a container may take to become healthy.
    pub health_timeout: Duration,
    /// Remove the named volumes of removed containers too (destroy).
    pub remove_volumes: bool,
    /// Log lines shown with a failure.
    pub log_lines: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency: 8,
            health_timeout: Duration::from_secs(180),
            remove_volumes: false,
            log_lines: 10,
        }
    }
}

/// A progress event.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A wave starts.
    Wave {
        /// Its index.
        wave: usize,
        /// Steps that change something in it.
        steps: usize,
    },
    /// A step starts.
    Started {
        /// `action host/container`.
        step: String,
    },
    /// A step finished.
    Finished {
        /// `action host/container`.
        step: String,
        /// Seconds it took.
        seconds: f64,
    },
    /// A step failed.
    Failed {
        /// `action host/container`.
        step: String,
        /// Why.
        error: String,
    },
}

/// One failed step.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// `action host/container`.
    pub step: String,
    /// The error.
    pub error: String,
    /// The container's last log lines.
    pub logs: String,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Containers created.
    pub created: usize,
    /// Containers recreated.
    pub recreated: usize,
    /// Containers restarted for changed config.
    pub restarted: usize,
    /// Stopped containers started.
    pub started: usize,
    /// Bootstrap containers run.
    pub bootstrapped: usize,
    /// Containers stopped.
    pub stopped: usize,
    /// Containers removed.
    pub removed: usize,
    /// Containers left as they were.
    pub unchanged: usize,
    /// Volumes created.
    pub volumes_created: usize,
    /// Volumes removed.
    pub volumes_removed: usize,
    /// Failed steps.
    pub failures: Vec<Failure>,
    /// Steps not run because an earlier wave failed.
    pub skipped: usize,
    /// Seconds the run took.
    pub elapsed: f64,
}

impl Summary {
    fn count(&mut self, a: &Action) {
        match a {
            Action::Create => self.created += 1,
            Action::Recreate { .. } => self.recreated += 1,
            Action::Restart { .. } => self.restarted += 1,
            Action::Start => self.started += 1,
            Action::Bootstrap => self.bootstrapped += 1,
            Action::Remove => self.removed += 1,
            Action::Stop => self.stopped += 1,
            Action::Noop => self.unchanged += 1,
        }
    }

    /// One line of counts, then the failures with their log lines.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} created, {} recreated, {} restarted, {} started, {} bootstrapped, {} stopped, {} removed, {} unchanged; {} failed; {:.1}s\n",
            self.created,
            self.recreated,
            self.restarted,
            self.started,
            self.bootstrapped,
            self.stopped,
            self.removed,
            self.unchanged,
            self.failures.len(),
            self.elapsed
        );
        if self.skipped > 0 {
            out.push_str(&format!(
                "{} steps not run: an earlier wave failed\n",
                self.skipped
            ));
        }
        for f in &self.failures {
            out.push_str(&format!("FAILED {}: {}\n", f.step, f.error));
            for l in f.logs.lines() {
                out.push_str(&format!("    | {l}\n"));
            }
        }
        out
    }
}

/// A progress callback.
pub type Progress<'a> = &'a (dyn Fn(&Event) + Send + Sync);

/// Runs a plan: volumes first, then wave by wave (bootstraps of a wave
/// before its containers); a wave with a failure ends the run after it.
pub async fn apply(
    plan: &Plan,
    engines: &Engines,
    options: &ApplyOptions,
    progress: Progress<'_>,
) -> Summary {
    let start = Instant::now();
    let mut summary = Summary::default();
    for (host, vols) in &plan.volumes {
        let engine = engines.of(host);
        let labels: BTreeMap<String, String> = [
            (label::MANAGED.to_string(), "true".to_string()),
            (label::HOST.to_string(), host.clone()),
        ]
        .into();
        for v in vols {
            let title = format!("volume {host}/{v}");
            match engine.create_volume(v, &labels).await {
                Ok(()) => summary.volumes_created += 1,
                Err(e) => summary.failures.push(Failure {
                    step: title,
                    error: e.to_string(),
                    logs: String::new(),
                }),
            }
        }
    }
    if !summary.failures.is_empty() {
        summary.skipped = plan.steps.iter().filter(|s| s.changes()).count();
        summary.elapsed = start.elapsed().as_secs_f64();
        return summary;
    }
    let sem = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    for wave in 0..=plan.waves {
        let steps: Vec<&Step> = plan.steps.iter().filter(|s| s.wave == wave).collect();
        if steps.is_empty() {
            continue;
        }
        if !summary.failures.is_empty() {
            summary.skipped += steps.iter().filter(|s| s.changes()).count();
            continue;
        }
        let changing = steps.iter().filter(|s| s.changes()).count();
        if changing > 0 {
            progress(&Event::Wave {
                wave,
                steps: changing,
            });
        }
        // Bootstraps first: the service's containers need its database.
        let (boots, rest): (Vec<&Step>, Vec<&Step>) = steps
            .into_iter()
            .partition(|s| s.action == Action::Bootstrap);
        for batch in [boots, rest] {
            let mut set = tokio::task::JoinSet::new();
            for step in batch {
                if !step.changes() {
                    summary.count(&step.action);
                    continue;
                }
                progress(&Event::Started { step: step.title() });
                let step = step.clone();
                let engine = engines.of(&step.host).clone();
                let sem = sem.clone();
                let opts = options.clone();
                set.spawn(async move {
                    let _permit = sem.acquire_owned().await;
                    let t = Instant::now();
                    let r = run_step(&step, engine.as_ref(), &opts).await;
                    (step, r, t.elapsed())
                });
            }
            while let Some(joined) = set.join_next().await {
                let Ok((step, result, took)) = joined else {
                    continue;
                };
                match result {
                    Ok(()) => {
                        progress(&Event::Finished {
                            step: step.title(),
                            seconds: took.as_secs_f64(),
                        });
                        summary.count(&step.action);
                    }
                    Err((error, logs)) => {
                        progress(&Event::Failed {
                            step: step.title(),
                            error: error.clone(),
                        });
                        summary.failures.push(Failure {
                            step: step.title(),
                            error,
                            logs,
                        });
                    }
                }
            }
            if !summary.failures.is_empty() {
                break;
            }
        }
    }
    summary.elapsed = start.elapsed().as_secs_f64();
    summary
}

/// Runs one step; the error with the container's last log lines.
async fn run_step(
    step: &Step,
    engine: &dyn ContainerEngine,
    opts: &ApplyOptions,
) -> Result<(), (String, String)> {
    let ep = engine.endpoint().to_string();
    let fail = |e: String| {
        (
            format!("{e} (host {}, engine {ep})", step.host),
            String::new(),
        )
    };
    if let Some((dir, files)) = &step.config {
        write_tree(dir, files).map_err(|e| fail(e.to_string()))?;
    }
    let name = step.name.as_str();
    let grace = 10;
    match &step.action {
        Action::Noop => return Ok(()),
        Action::Stop => {
            return engine
                .stop_container(name, grace)
                .await
                .map_err(|e| fail(e.to_string()))
        }
        Action::Remove => {
            let vols = if opts.remove_volumes {
                engine
                    .inspect_container(name)
                    .await
                    .ok()
                    .flatten()
                    .map(|i| crate::container::normalize::named_volumes(&i.host.binds))
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            match engine.remove_container(name, true).await {
                Ok(()) | Err(EngineError::NotFound { .. }) => {}
                Err(e) => return Err(fail(e.to_string())),
            }
            for v in vols {
                let owned = engine
                    .inspect_volume(&v)
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|i| i.labels.get(label::MANAGED).is_some_and(|x| x == "true"));
                if owned {
                    let _ = engine.remove_volume(&v).await;
                }
            }
            return Ok(());
        }
        Action::Start => {
            engine
                .start_container(name)
                .await
                .map_err(|e| fail(e.to_string()))?;
        }
        Action::Create | Action::Recreate { .. } | Action::Restart { .. } | Action::Bootstrap => {
            let Some(spec) = &step.spec else {
                return Err(fail("no container spec".into()));
            };
            if !engine
                .image_exists(&spec.image)
                .await
                .map_err(|e| fail(e.to_string()))?
            {
                engine
                    .pull_image(&spec.image, None)
                    .await
                    .map_err(|e| fail(format!("image {} is not present and {e}", spec.image)))?;
            }
            // A restart writes the new config hash into the labels, which a
            // plain restart cannot change: the container is made again.
            match engine.remove_container(name, true).await {
                Ok(()) | Err(EngineError::NotFound { .. }) => {}
                Err(e) => return Err(fail(e.to_string())),
            }
            engine
                .create_container(spec)
                .await
                .map_err(|e| fail(e.to_string()))?;
            engine
                .start_container(name)
                .await
                .map_err(|e| fail(e.to_string()))?;
        }
    }
    if step.action == Action::Bootstrap {
        let code = engine
            .wait_container(name)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let logs = logs_tail(engine, name, opts.log_lines).await;
        let _ = engine.remove_container(name, true).await;
        if code != 0 {
            return Err((
                format!(
                    "bootstrap container {name} exited with {code} (host {})",
                    step.host
                ),
                logs,
            ));
        }
        return Ok(());
    }
    wait_ready(engine, name, &step.host, opts).await
}

async fn logs_tail(engine: &dyn ContainerEngine, name: &str, lines: usize) -> String {
    engine
        .logs_with(
            name,
            &LogOptions {
                tail: Some(lines),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default()
}

/// Waits until the container is healthy (or, without a healthcheck,
/// running); an exit, or the timeout, fails naming the container.
async fn wait_ready(
    engine: &dyn ContainerEngine,
    name: &str,
    host: &str,
    opts: &ApplyOptions,
) -> Result<(), (String, String)> {
    let deadline = Instant::now() + opts.health_timeout;
    // The in-memory engine runs nothing: running is as healthy as it gets.
    let simulated_engine = engine.endpoint().starts_with("memory");
    let mut pause = Duration::from_millis(50);
    loop {
        let info = match engine.inspect_container(name).await {
            Ok(Some(i)) => i,
            Ok(None) => {
                return Err((
                    format!("container {name} on host {host} disappeared while starting"),
                    String::new(),
                ))
            }
            Err(e) => return Err((e.to_string(), String::new())),
        };
        match info.status.as_str() {
            "exited" | "dead" => {
                return Err((
                    format!(
                        "container {name} on host {host} exited with {} while starting",
                        info.exit_code.unwrap_or(0)
                    ),
                    logs_tail(engine, name, opts.log_lines).await,
                ))
            }
            "running" => match info.health.as_deref() {
                // No healthcheck: it must still run a moment later (a
                // command that is not found exits at once, then restarts).
                None if simulated_engine => return Ok(()),
                None => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let again = engine.inspect_container(name).await.ok().flatten();
                    let restarts = |i: &crate::engine::ContainerInfo| {
                        i.raw
                            .pointer("/RestartCount")
                            .and_then(serde_json::Value::as_i64)
                    };
                    match again {
                        Some(a) if a.status == "running" && restarts(&a) == restarts(&info) => {
                            return Ok(())
                        }
                        _ => {
                            return Err((
                                format!("container {name} on host {host} does not stay up"),
                                logs_tail(engine, name, opts.log_lines).await,
                            ))
                        }
                    }
                }
                Some("healthy") => return Ok(()),
                Some(_) if simulated_engine => return Ok(()),
                Some(_) => {}
            },
            _ => {}
        }
        if Instant::now() >= deadline {
            return Err((
                format!(
                    "container {name} on host {host} not healthy after {}s (health: {})",
                    opts.health_timeout.as_secs(),
                    info.health.as_deref().unwrap_or(&info.status)
                ),
                logs_tail(engine, name, opts.log_lines).await,
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    #[test]
    fn nested_files_are_written_read_back_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("haproxy");
        let mut files = BTreeMap::new();
        files.insert("haproxy.cfg".to_string(), b"global\n".to_vec());
        files.insert(
            "services.d/keystone.cfg".to_string(),
            b"listen k\n".to_vec(),
        );
        write_tree(&root, &files).unwrap();
        // Read back whole, nested names included: an unchanged tree is
        // seen as unchanged (no restart on every deploy).
        assert_eq!(read_tree(&root), files);
        files.remove("services.d/keystone.cfg");
        write_tree(&root, &files).unwrap();
        assert!(!root.join("services.d/keystone.cfg").exists());
        assert_eq!(read_tree(&root), files);
    }
}
