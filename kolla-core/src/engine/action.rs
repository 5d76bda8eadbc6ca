//! Every `kolla_container` action, on any [`ContainerEngine`].
//!
//! [`run_action`] takes the module's argument dict and returns the module's
//! result dict (`changed`, `result`, and `comparison_failures`, `rc`,
//! `stdout`, `stderr` where upstream adds them; `failed` and `msg` on
//! failure). The Ansible modules, the Python binding and the CLI all print
//! exactly this dict.
//!
//! Restart policies are Docker's own (kolla-ansible before 16.0, no systemd
//! units): start, stop and restart are plain engine calls.

use serde_json::{json, Map, Value};

use super::{
    ContainerEngine, ContainerInfo, ContainerSpec, Error, ImageInfo, LogOptions, StartFate,
};
use crate::container::compare::{self, Difference};
use crate::container::normalize;
use crate::container::params::Params;

/// The command kolla images run to check their config files.
pub const CONFIG_CHECK_CMD: [&str; 2] = ["/usr/local/bin/kolla_set_configs", "--check"];

/// The longest a freshly started, detached container is watched for an
/// immediate exit (a crash on start). The watch
/// ([`ContainerEngine::watch_start`]) ends as soon as the answer is known:
/// the container exits or restarts (a failure), or its healthcheck answers;
/// a container still running without an answer by then counts as started.
pub const START_WATCH_LIMIT: std::time::Duration = std::time::Duration::from_millis(300);

/// What an action did, in the module's result shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Whether anything changed.
    pub changed: bool,
    /// The action's boolean return value.
    pub result: bool,
    /// Extra result keys (`comparison_failures`, `rc`, ...).
    pub extra: Map<String, Value>,
    /// The failure message, when the action failed.
    pub failed: Option<String>,
}

impl Outcome {
    /// The module's result dict.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("changed".into(), json!(self.changed));
        if let Some(msg) = &self.failed {
            m.insert("failed".into(), json!(true));
            m.insert("msg".into(), json!(msg));
        } else {
            m.insert("result".into(), json!(self.result));
        }
        for (k, v) in &self.extra {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }
}

/// Runs one action from a module argument dict and returns the module's
/// result dict. Never fails: errors become `failed: true` with `msg`.
///
/// ```
/// use kolla_core::engine::{action::run_action, MemoryEngine};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let engine = MemoryEngine::new();
/// engine.add_image("kolla/keystone:1");
/// let args = serde_json::json!({"action": "start_container", "name": "keystone", "image": "kolla/keystone:1"});
/// let r = run_action(&engine, args.as_object().unwrap()).await;
/// assert_eq!(r["changed"], true);
/// let r = run_action(&engine, args.as_object().unwrap()).await;
/// assert_eq!(r["changed"], false);
/// # });
/// ```
pub async fn run_action(engine: &dyn ContainerEngine, args: &Map<String, Value>) -> Value {
    let params = match Params::from_args(args) {
        Ok(p) => p,
        Err(e) => return failure(e, false, Map::new()).to_json(),
    };
    run(engine, &params).await.to_json()
}

/// Runs one action with already merged parameters.
pub async fn run(engine: &dyn ContainerEngine, params: &Params) -> Outcome {
    let engine_name = params.str("container_engine").unwrap_or("docker");
    if engine_name != "docker" {
        return failure(
            Error::action(format!(
                "container_engine {engine_name} is not supported: kolla-rs drives Docker"
            )),
            false,
            Map::new(),
        );
    }
    let timeout = u64::try_from(params.int("client_timeout")).unwrap_or(0);
    let scoped = (timeout > 0)
        .then(|| engine.for_client_timeout(timeout))
        .flatten();
    let engine: &dyn ContainerEngine = scoped.as_deref().unwrap_or(engine);
    let mut w = Worker {
        engine,
        p: params,
        changed: false,
        extra: Map::new(),
        spec: None,
        image: None,
    };
    let r = w.dispatch().await;
    match r {
        Ok(result) => Outcome {
            changed: w.changed,
            result,
            extra: w.extra,
            failed: None,
        },
        // `changed` says what was done before the failure: a failure that
        // changed nothing (bad parameters, a create the engine refused)
        // reports `changed: false` (upstream's catch-all always says true;
        // see docs/deviations.md).
        Err(e) => failure(e, w.changed, w.extra),
    }
}

fn failure(e: Error, changed: bool, mut extra: Map<String, Value>) -> Outcome {
    let msg = match e {
        Error::Action { message, details } => {
            extra.extend(details);
            message
        }
        other => other.to_string(),
    };
    Outcome {
        changed,
        result: false,
        extra,
        failed: Some(msg),
    }
}

struct Worker<'a> {
    engine: &'a dyn ContainerEngine,
    p: &'a Params,
    changed: bool,
    extra: Map<String, Value>,
    spec: Option<ContainerSpec>,
    /// The local image, once looked up (cleared by a pull).
    image: Option<Option<ImageInfo>>,
}

impl Worker<'_> {
    async fn dispatch(&mut self) -> Result<bool, Error> {
        match self.p.action() {
            "compare_container" => self.compare_container().await,
            "compare_image" => self.compare_image().await,
            "create_volume" => self.create_volume().await.map(|_| false),
            "ensure_image" => self.ensure_image().await.map(|_| false),
            "pull_image" => self.pull_image().await.map(|_| false),
            "recreate_or_restart_container" => self.recreate_or_restart().await.map(|_| false),
            "remove_container" => self.remove_container().await.map(|_| false),
            "remove_image" => self.remove_image().await.map(|_| false),
            "remove_volume" => self.remove_volume().await.map(|_| false),
            "restart_container" => self.restart_container().await.map(|_| false),
            "start_container" => self.start_container().await.map(|_| false),
            "stop_container" => self.stop_container().await.map(|_| false),
            "stop_and_remove_container" => self.stop_and_remove().await.map(|_| false),
            "get_container_env" => self.get_container_env().await.map(|_| false),
            "get_container_state" => self.get_container_state().await.map(|_| false),
            other => Err(Error::action(format!("unknown action {other}"))),
        }
    }

    fn name(&self) -> &str {
        self.p.name()
    }

    fn image(&self) -> &str {
        self.p.str("image").unwrap_or_default()
    }

    fn spec(&mut self) -> Result<ContainerSpec, Error> {
        if self.spec.is_none() {
            // TZ comes from the engine's host (the target), not from the
            // machine running kolla-rs; only asked for when not given.
            let timezone = if self.p.environment().contains_key("TZ") {
                String::new()
            } else {
                self.engine.host_timezone()?
            };
            self.spec = Some(self.p.to_spec(&timezone)?);
        }
        Ok(self.spec.clone().unwrap_or_default())
    }

    async fn info(&self) -> Result<Option<ContainerInfo>, Error> {
        self.engine.inspect_container(self.name()).await
    }

    /// The local image for the `image` parameter, looked up as `repo:tag`.
    async fn local_image(&mut self) -> Result<Option<ImageInfo>, Error> {
        if self.image().is_empty() {
            return Ok(None);
        }
        if let Some(cached) = &self.image {
            return Ok(cached.clone());
        }
        let found = self
            .engine
            .inspect_image(&normalize::image_ref(self.image()))
            .await?;
        self.image = Some(found.clone());
        Ok(found)
    }

    async fn differences(&mut self, info: &ContainerInfo) -> Result<Vec<Difference>, Error> {
        let spec = self.spec()?;
        let image = self.local_image().await?;
        Ok(compare::differences(&spec, info, image.as_ref()))
    }

    async fn compare_container(&mut self) -> Result<bool, Error> {
        let spec = self.spec()?;
        let failures = container_differences(self.engine, &spec, true).await?;
        if !failures.is_empty() {
            self.changed = true;
            self.extra.insert(
                "comparison_failures".into(),
                serde_json::to_value(&failures).unwrap_or_default(),
            );
        }
        Ok(self.changed)
    }

    async fn compare_image(&mut self) -> Result<bool, Error> {
        let info = self.info().await?;
        let local = self.local_image().await?;
        Ok(compare::image_differs(
            self.image(),
            info.as_ref(),
            local.as_ref(),
        ))
    }

    async fn pull_image(&mut self) -> Result<(), Error> {
        let image = normalize::image_ref(self.image());
        let old = self.engine.inspect_image(&image).await?.map(|i| i.id);
        let auth = self.p.auth();
        if let Err(e) = self.engine.pull_image(&image, auth.as_ref()).await {
            let m = match &e {
                Error::Operation { message, .. } => message.clone(),
                Error::NotFound { .. } => "not found".to_string(),
                _ => return Err(e),
            };
            let message = if m.trim_end().ends_with("not found") {
                format!("The requested image does not exist: {image}")
            } else {
                format!("Unknown error message: {m}")
            };
            let mut details = Map::new();
            details.insert("endpoint".into(), json!(self.engine.endpoint()));
            return Err(Error::Action { message, details });
        }
        self.image = None;
        let new = self.engine.inspect_image(&image).await?.map(|i| i.id);
        self.changed |= old != new;
        Ok(())
    }

    /// Pulls the image because it is not present locally (start, ensure,
    /// recreate): a failure says so and names the registry, with the
    /// registry's own answer under `pull_error`.
    async fn ensure_image(&mut self) -> Result<(), Error> {
        if self.local_image().await?.is_some() {
            return Ok(());
        }
        match self.pull_image().await {
            Err(Error::Action {
                message,
                mut details,
            }) => {
                let image = normalize::image_ref(self.image());
                details.insert("pull_error".into(), json!(message));
                Err(Error::Action {
                    message: format!(
                        "image {image} is not present locally and could not be pulled from {}",
                        normalize::image_registry(&image)
                    ),
                    details,
                })
            }
            other => other,
        }
    }

    async fn remove_image(&mut self) -> Result<(), Error> {
        if self.local_image().await?.is_none() {
            return Ok(());
        }
        let image = normalize::image_ref(self.image());
        match self.engine.remove_image(&image, false).await {
            Ok(()) => {
                self.changed = true;
                Ok(())
            }
            Err(Error::Conflict { .. }) => Err(Error::action(format!(
                "Image '{}' is currently in-use",
                self.image()
            ))),
            // Removed meanwhile by someone else: the end state is the same.
            Err(Error::NotFound { .. }) => Ok(()),
            Err(Error::Operation { message, .. }) => {
                let mut details = Map::new();
                details.insert("detail".into(), json!(message));
                Err(Error::Action {
                    message: "Server error".into(),
                    details,
                })
            }
            Err(e) => Err(e),
        }
    }

    async fn create_volume(&mut self) -> Result<(), Error> {
        if self.engine.inspect_volume(self.name()).await?.is_none() {
            let labels = [("kolla_managed".to_string(), "true".to_string())].into();
            self.engine.create_volume(self.name(), &labels).await?;
            self.changed = true;
        }
        Ok(())
    }

    async fn remove_volume(&mut self) -> Result<(), Error> {
        if self.engine.inspect_volume(self.name()).await?.is_some() {
            match self.engine.remove_volume(self.name()).await {
                Ok(()) | Err(Error::NotFound { .. }) => self.changed = true,
                Err(Error::Conflict { .. }) => {
                    return Err(Error::action(format!(
                        "Volume named '{}' is currently in-use",
                        self.name()
                    )))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn remove_container(&mut self) -> Result<(), Error> {
        if self.info().await?.is_some() {
            if let Err(e) = self.engine.remove_container(self.name(), true).await {
                if self.info().await?.is_some() {
                    return Err(e);
                }
            }
            self.changed = true;
        }
        Ok(())
    }

    async fn stop_container(&mut self) -> Result<(), Error> {
        match self.info().await? {
            None if self.p.bool("ignore_missing") => Ok(()),
            None => Err(Error::action(format!(
                "No such container: {} to stop",
                self.name()
            ))),
            Some(info) if info.status == "exited" => Ok(()),
            Some(_) => {
                self.engine
                    .stop_container(self.name(), self.p.graceful_timeout())
                    .await?;
                self.changed = true;
                Ok(())
            }
        }
    }

    async fn stop_and_remove(&mut self) -> Result<(), Error> {
        if self.info().await?.is_some() {
            self.stop_container().await?;
            self.remove_container().await?;
        }
        Ok(())
    }

    async fn restart_container(&mut self) -> Result<(), Error> {
        if self.info().await?.is_none() {
            return Err(Error::action(format!("No such container: {}", self.name())));
        }
        self.engine
            .restart_container(self.name(), self.p.graceful_timeout())
            .await?;
        self.changed = true;
        Ok(())
    }

    async fn create_container(&mut self) -> Result<(), Error> {
        let spec = self.spec()?;
        let labels = [("kolla_managed".to_string(), "true".to_string())].into();
        for vol in normalize::named_volumes(&spec.volumes) {
            if self.engine.inspect_volume(&vol).await?.is_none() {
                self.engine.create_volume(&vol, &labels).await?;
                self.changed = true;
            }
        }
        self.engine.create_container(&spec).await?;
        self.changed = true;
        Ok(())
    }

    async fn start_container(&mut self) -> Result<(), Error> {
        // Validate first: bad parameters must not pull, stop or remove.
        self.spec()?;
        self.ensure_image().await?;
        let mut info = self.info().await?;
        if let Some(current) = &info {
            if !self.differences(current).await?.is_empty() {
                self.stop_container().await?;
                self.remove_container().await?;
                info = None;
            }
        }
        let info = match info {
            Some(i) => i,
            None => {
                self.create_container().await?;
                self.info().await?.ok_or_else(|| Error::NotFound {
                    kind: "container",
                    name: self.name().to_string(),
                    endpoint: self.engine.endpoint().to_string(),
                })?
            }
        };
        let up = matches!(info.status.as_str(), "running" | "paused");
        if !up {
            self.engine.start_container(self.name()).await?;
            self.changed = true;
        }
        if !self.p.bool("detach") {
            let rc = self.engine.wait_container(self.name()).await?;
            let read = |stdout, stderr| LogOptions {
                stdout,
                stderr,
                ..Default::default()
            };
            let stdout = self
                .engine
                .logs_with(self.name(), &read(true, false))
                .await?;
            let stderr = self
                .engine
                .logs_with(self.name(), &read(false, true))
                .await?;
            self.extra.insert("rc".into(), json!(rc));
            self.extra.insert("stdout".into(), json!(stdout));
            self.extra.insert("stderr".into(), json!(stderr));
            if self.p.bool("remove_on_exit") {
                self.stop_container().await?;
                self.remove_container().await?;
            }
            if rc != 0 {
                self.changed = true;
                return Err(Error::action(format!(
                    "Container exited with non-zero return code {rc}"
                )));
            }
        } else if !up {
            self.check_not_dead_on_arrival().await?;
        }
        Ok(())
    }

    /// A detached container that dies within [`START_WATCH_LIMIT`] of its
    /// start failed; say so with its last log lines instead of reporting
    /// success.
    async fn check_not_dead_on_arrival(&mut self) -> Result<(), Error> {
        let fate = self
            .engine
            .watch_start(self.name(), START_WATCH_LIMIT)
            .await?;
        let code = match fate {
            StartFate::Exited(code) if code != 0 => code,
            _ => return Ok(()),
        };
        let status = match self.info().await? {
            Some(info) => info.status,
            None => "removed".into(),
        };
        let opts = LogOptions {
            tail: Some(20),
            ..Default::default()
        };
        let logs = self
            .engine
            .logs_with(self.name(), &opts)
            .await
            .unwrap_or_default();
        let mut details = Map::new();
        details.insert("rc".into(), json!(code));
        details.insert("logs".into(), json!(logs));
        Err(Error::Action {
            message: format!(
                "Container {} exited at once with code {code} ({status})",
                self.name()
            ),
            details,
        })
    }

    async fn recreate_or_restart(&mut self) -> Result<(), Error> {
        let strategy = self.p.config_strategy();
        let Some(info) = self.info().await? else {
            return self.start_container().await;
        };
        let differs =
            strategy.as_deref() == Some("COPY_ONCE") || !self.differences(&info).await?.is_empty();
        if differs {
            // Pull before stopping, so a failed pull leaves the container up.
            self.ensure_image().await?;
            self.stop_container().await?;
            self.remove_container().await?;
            self.start_container().await
        } else if strategy.as_deref() == Some("COPY_ALWAYS") {
            self.restart_container().await
        } else {
            Ok(())
        }
    }

    async fn get_container_env(&mut self) -> Result<(), Error> {
        let Some(info) = self.info().await? else {
            return Err(Error::action(format!("No such container: {}", self.name())));
        };
        for (k, v) in compare::env_map(&info.env) {
            self.extra.insert(k, json!(v));
        }
        Ok(())
    }

    async fn get_container_state(&mut self) -> Result<(), Error> {
        let Some(info) = self.info().await? else {
            return Err(Error::action(format!("No such container: {}", self.name())));
        };
        if let Some(Value::Object(state)) = info.raw.get("State") {
            self.extra.extend(state.clone());
        }
        Ok(())
    }
}

/// What `compare_container` reports for `spec` on `engine`: a
/// `container_missing` entry when there is no container, else every
/// section D difference (against the local copy of the desired image) and,
/// with `config` and only when nothing else differs, the config drift
/// check.
///
/// This is the entry point the planner shares with the action.
///
/// ```
/// use kolla_core::engine::{action::container_differences, ContainerEngine, ContainerSpec, MemoryEngine};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let engine = MemoryEngine::new();
/// engine.add_image("kolla/cron:1");
/// let spec = ContainerSpec { name: "cron".into(), image: "kolla/cron:1".into(), network_mode: "host".into(), ..Default::default() };
/// engine.create_container(&spec).await.unwrap();
/// engine.start_container("cron").await.unwrap();
/// assert!(container_differences(&engine, &spec, true).await.unwrap().is_empty());
/// # });
/// ```
///
/// # Errors
/// Engine failures, and an unexpected exit code of the config check.
pub async fn container_differences(
    engine: &dyn ContainerEngine,
    spec: &ContainerSpec,
    config: bool,
) -> Result<Vec<Difference>, Error> {
    let Some(info) = engine.inspect_container(&spec.name).await? else {
        return Ok(vec![Difference {
            name: "container_missing".into(),
            current: Value::Null,
            desired: json!(spec.name),
        }]);
    };
    let image = if spec.image.is_empty() {
        None
    } else {
        engine
            .inspect_image(&normalize::image_ref(&spec.image))
            .await?
    };
    let mut d = compare::differences(spec, &info, image.as_ref());
    // Once a field differs the answer is "changed" and the in-container
    // check would tell nothing more: upstream does not run it then, and an
    // exec that was not needed must not fail the task (exit 126 in an image
    // with no root in /etc/passwd, a container that is restarting).
    if config && d.is_empty() {
        d.extend(check_config(engine, &spec.name).await?);
    }
    Ok(d)
}

/// Config drift: runs `kolla_set_configs --check` as root inside the
/// container (rule 27). `None` when the config is up to date.
///
/// # Errors
/// An unexpected exit code, or an engine failure other than "the container
/// is absent or not running".
pub async fn check_config(
    engine: &dyn ContainerEngine,
    name: &str,
) -> Result<Option<Difference>, Error> {
    let cmd: Vec<String> = CONFIG_CHECK_CMD.iter().map(|s| s.to_string()).collect();
    let diff = |current: Value| {
        Some(Difference {
            name: "config".into(),
            current,
            desired: json!("up_to_date"),
        })
    };
    match engine.exec(name, &cmd, Some("root")).await {
        Ok(out) => match out.exit_code {
            0 => Ok(None),
            1 => Ok(diff(json!(out.output))),
            137 => Ok(diff(json!("container exited abruptly during config check"))),
            code => {
                // Upstream raises here (and its catch-all says changed;
                // kolla-rs says what was done: nothing).
                Err(Error::action(format!(
                    "Failed to compare container configuration: ExitCode: {code} Message: {}",
                    out.output
                )))
            }
        },
        Err(e) if e.is_client_error() => Ok(diff(json!("container unavailable for config check"))),
        Err(e) => Err(e),
    }
}
