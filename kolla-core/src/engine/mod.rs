//! The container engine seam: one async trait, a Docker backend and an
//! in-memory backend with the same observable behaviour, and kolla-ansible's
//! `kolla_container` actions on top of it.
//!
//! Everything deployment does to containers goes through [`ContainerEngine`].
//! [`DockerEngine`] (feature `docker`) is the only place that talks to the
//! Docker API; [`MemoryEngine`] keeps the same state in a map, for plans, dry
//! runs and fast tests.
//!
//! The pure container types, the parameter conversion and the comparison
//! live in [`crate::container`] (no async, no engine); this module is the
//! async edge, built with the `runtime` feature:
//!
//! - [`action`]: every action, returning the module's result dict;
//! - [`facts`]: `kolla_container_facts` and the `kolla container ps` rows;
//! - [`image`] (re-exported from [`crate::build::image`]): small local
//!   images built from a static busybox.
//!
//! ```
//! use kolla_core::engine::{action::run_action, MemoryEngine};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let engine = MemoryEngine::new();
//! engine.add_image("kolla/keystone:1");
//! let args = serde_json::json!({
//!     "action": "compare_container", "name": "keystone", "image": "kolla/keystone:1",
//! });
//! let result = run_action(&engine, args.as_object().unwrap()).await;
//! assert_eq!(result["comparison_failures"][0]["name"], "container_missing");
//! # });
//! ```

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub mod action;
#[cfg(feature = "docker")]
mod docker;
pub mod endpoint;
pub mod facts;
mod memory;

pub use crate::build::image;
pub use crate::container::{
    ContainerInfo, ContainerSpec, Dimensions, Error, Healthcheck, HostSettings, ImageInfo,
    RegistryAuth, RestartPolicy, Ulimit,
};

#[cfg(feature = "docker")]
pub use docker::{DockerEngine, ExecSession};
pub use memory::MemoryEngine;

/// Version facts about an engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineVersion {
    /// The engine's own version (`20.10.24`).
    pub version: String,
    /// The API version in use after negotiation.
    pub api_version: String,
    /// Operating system and architecture, `linux/amd64`.
    pub platform: String,
}

/// How often [`ContainerEngine::watch_start`] looks at the container.
const START_WATCH_STEP: std::time::Duration = std::time::Duration::from_millis(20);

/// What became of a container just after its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartFate {
    /// It stopped (or is restarting after a stop) with this exit code.
    Exited(i64),
    /// Its healthcheck answered `healthy`.
    Healthy,
    /// Its healthcheck answered `unhealthy` (it still runs).
    Unhealthy,
    /// Still running, with no answer yet, when the watch ended.
    Running,
}

impl StartFate {
    /// The fate `info` already tells, `None` while it runs with no answer.
    pub fn of(info: &ContainerInfo) -> Option<StartFate> {
        let code = || {
            info.raw
                .pointer("/State/ExitCode")
                .and_then(serde_json::Value::as_i64)
                .or(info.exit_code)
                .unwrap_or(0)
        };
        match info.status.as_str() {
            "exited" | "dead" | "restarting" => Some(StartFate::Exited(code())),
            _ => match info.health.as_deref() {
                Some("healthy") => Some(StartFate::Healthy),
                Some("unhealthy") => Some(StartFate::Unhealthy),
                _ => None,
            },
        }
    }
}

/// One line of a container listing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerSummary {
    /// The name, without the leading `/`.
    pub name: String,
    /// The id.
    pub id: String,
    /// The image reference.
    pub image: String,
    /// `created`, `running`, `paused`, `exited`, ...
    pub state: String,
    /// Docker's human status (`Up 3 minutes (healthy)`).
    pub status: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
}

impl ContainerSummary {
    /// Whether Docker would print its status as `Up ...` (running or paused).
    pub fn is_up(&self) -> bool {
        matches!(self.state.as_str(), "running" | "paused")
    }
}

/// Which containers [`ContainerEngine::list_containers`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// Include stopped containers.
    pub all: bool,
    /// Only these exact names (empty: any).
    pub names: Vec<String>,
    /// Only containers with this label (`key` or `key=value`).
    pub label: Option<String>,
}

impl ListFilter {
    /// Whether a container passes the name and label parts of the filter.
    pub fn matches(&self, name: &str, labels: &BTreeMap<String, String>) -> bool {
        let name_ok = self.names.is_empty() || self.names.iter().any(|n| n == name);
        let label_ok = match &self.label {
            None => true,
            Some(l) => match l.split_once('=') {
                Some((k, v)) => labels.get(k).is_some_and(|x| x == v),
                None => labels.contains_key(l.as_str()),
            },
        };
        name_ok && label_ok
    }
}

/// What an exec returned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecOutput {
    /// The exit code.
    pub exit_code: i64,
    /// stdout and stderr, interleaved as produced.
    pub output: String,
}

/// Which logs to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOptions {
    /// Include stdout.
    pub stdout: bool,
    /// Include stderr.
    pub stderr: bool,
    /// Only the last N lines (`None`: all).
    pub tail: Option<usize>,
    /// Only lines logged at or after this Unix time, in seconds.
    pub since: Option<i64>,
    /// Keep streaming new lines until the container stops
    /// ([`ContainerEngine::stream_logs`] only).
    pub follow: bool,
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            stdout: true,
            stderr: true,
            tail: None,
            since: None,
            follow: false,
        }
    }
}

/// A volume as the engine reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeInfo {
    /// The name.
    pub name: String,
    /// The driver (`local`).
    pub driver: String,
    /// Where its data lives on the host.
    pub mountpoint: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
}

/// A container engine: Docker, or the in-memory stand-in.
///
/// Operations on named objects return [`Error::NotFound`] when the object is
/// absent, so callers can tell "missing" from "failed", and
/// [`Error::Conflict`] when its state forbids the operation.
///
/// # Examples
///
/// ```
/// use kolla_core::engine::{ContainerEngine, ContainerSpec, MemoryEngine};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let engine = MemoryEngine::new();
/// engine.add_image("busybox:latest");
/// let spec = ContainerSpec { name: "hello".into(), image: "busybox:latest".into(), ..Default::default() };
/// engine.create_container(&spec).await.unwrap();
/// engine.start_container("hello").await.unwrap();
/// let info = engine.inspect_container("hello").await.unwrap().unwrap();
/// assert_eq!(info.status, "running");
/// # });
/// ```
#[async_trait]
pub trait ContainerEngine: Send + Sync {
    /// The socket path or URL (or `memory://`) this engine talks to.
    fn endpoint(&self) -> &str;

    /// The time zone of the host the engine runs on (the deploy target), as
    /// upstream's module reads it there: `/etc/timezone`, else the
    /// `/etc/localtime` link target after `zoneinfo/`, else `UTC`. Used for
    /// a container's `TZ` when the parameters do not give one.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (naming `environment.TZ`) when the
    /// engine is remote and its host's files cannot be read from here.
    fn host_timezone(&self) -> Result<String, Error>;

    /// A handle on the same engine whose requests time out after
    /// `seconds` (kolla's `client_timeout`); `None` when the engine has no
    /// request timeouts (the in-memory one).
    fn for_client_timeout(&self, _seconds: u64) -> Option<Box<dyn ContainerEngine>> {
        None
    }

    /// The engine's version facts.
    async fn version(&self) -> Result<EngineVersion, Error>;

    /// Builds `tag` from a tar build context holding a `Dockerfile`.
    async fn build_image(&self, tag: &str, context_tar: Vec<u8>) -> Result<(), Error>;

    /// Builds `tag` like [`ContainerEngine::build_image`], handing each
    /// line of the build's output to `log` as it arrives.
    async fn build_image_logged(
        &self,
        tag: &str,
        context_tar: Vec<u8>,
        log: &(dyn for<'l> Fn(&'l str) + Send + Sync),
    ) -> Result<(), Error> {
        let _ = log;
        self.build_image(tag, context_tar).await
    }

    /// Pushes a local image (`repo:tag`) to its registry.
    ///
    /// # Errors
    /// [`Error::Operation`] with the registry's message (no registry
    /// reachable, no permission), [`Error::NotFound`] for no such image.
    async fn push_image(&self, image: &str, auth: Option<&RegistryAuth>) -> Result<(), Error>;

    /// Whether an image exists locally.
    async fn image_exists(&self, image: &str) -> Result<bool, Error>;

    /// Removes an image; absent images are [`Error::NotFound`], images in
    /// use (without `force`) [`Error::Conflict`].
    async fn remove_image(&self, image: &str, force: bool) -> Result<(), Error>;

    /// A local image's id, names and labels, or `None` when absent.
    async fn inspect_image(&self, image: &str) -> Result<Option<ImageInfo>, Error>;

    /// Pulls `image` (`repo:tag`) from its registry.
    ///
    /// # Errors
    /// [`Error::Operation`] carrying the registry's message when the pull
    /// fails (no registry reachable, image unknown, bad credentials).
    async fn pull_image(&self, image: &str, auth: Option<&RegistryAuth>) -> Result<(), Error>;

    /// Loads images from a `docker save` tar archive.
    async fn import_image(&self, tar: Vec<u8>) -> Result<(), Error>;

    /// Creates (but does not start) a container; returns its id.
    async fn create_container(&self, spec: &ContainerSpec) -> Result<String, Error>;

    /// Starts a created or stopped container.
    async fn start_container(&self, name: &str) -> Result<(), Error>;

    /// Stops a container: SIGTERM, then SIGKILL after `timeout_secs`.
    /// Stopping a stopped container succeeds.
    async fn stop_container(&self, name: &str, timeout_secs: i64) -> Result<(), Error>;

    /// Stops (with `timeout_secs` grace) and starts a container again.
    async fn restart_container(&self, name: &str, timeout_secs: i64) -> Result<(), Error>;

    /// Waits for a container to stop and returns its exit code.
    async fn wait_container(&self, name: &str) -> Result<i64, Error>;

    /// Watches a container that was just started until its fate is known,
    /// and no longer: it exited (or is restarting after an exit), its
    /// healthcheck answered, or `limit` passed with it still running.
    ///
    /// The default watches the container's state (inspect, a few ms apart)
    /// and uses tokio's timer.
    ///
    /// # Errors
    /// Engine failures; a container removed meanwhile is
    /// [`StartFate::Exited`] with its last known code.
    async fn watch_start(
        &self,
        name: &str,
        limit: std::time::Duration,
    ) -> Result<StartFate, Error> {
        let deadline = tokio::time::Instant::now() + limit;
        let mut last_code = 0;
        loop {
            let Some(info) = self.inspect_container(name).await? else {
                return Ok(StartFate::Exited(last_code));
            };
            if let Some(fate) = StartFate::of(&info) {
                return Ok(fate);
            }
            last_code = info.exit_code.unwrap_or(0);
            if tokio::time::Instant::now() >= deadline {
                return Ok(StartFate::Running);
            }
            tokio::time::sleep(START_WATCH_STEP.min(limit)).await;
        }
    }

    /// The container's stdout and stderr so far, interleaved.
    async fn logs(&self, name: &str) -> Result<String, Error>;

    /// The container's logs, choosing streams and a tail.
    async fn logs_with(&self, name: &str, options: &LogOptions) -> Result<String, Error>;

    /// Streams a container's log to `sink` chunk by chunk as the engine sends
    /// it; with [`LogOptions::follow`], until the container stops or the
    /// future is dropped. The default reads [`ContainerEngine::logs_with`]
    /// once (engines without a live stream).
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container.
    async fn stream_logs(
        &self,
        name: &str,
        options: &LogOptions,
        sink: &mut (dyn for<'b> FnMut(&'b [u8]) + Send),
    ) -> Result<(), Error> {
        let text = self.logs_with(name, options).await?;
        sink(text.as_bytes());
        Ok(())
    }

    /// Runs `cmd` inside a running container (as `user`, or the image's
    /// user) and returns its exit code and output.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container, [`Error::Conflict`] when
    /// it is not running.
    async fn exec(
        &self,
        name: &str,
        cmd: &[String],
        user: Option<&str>,
    ) -> Result<ExecOutput, Error>;

    /// The container's state, or `None` when there is no such container.
    async fn inspect_container(&self, name: &str) -> Result<Option<ContainerInfo>, Error>;

    /// The containers passing `filter`, sorted by name.
    async fn list_containers(&self, filter: &ListFilter) -> Result<Vec<ContainerSummary>, Error>;

    /// The health status (`starting`, `healthy`, `unhealthy`), `None` when
    /// the container has no healthcheck.
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container.
    async fn health_status(&self, name: &str) -> Result<Option<String>, Error> {
        match self.inspect_container(name).await? {
            Some(info) => Ok(info.health),
            None => Err(Error::NotFound {
                kind: "container",
                name: name.to_string(),
                endpoint: self.endpoint().to_string(),
            }),
        }
    }

    /// Removes a container (with `force`, even a running one).
    async fn remove_container(&self, name: &str, force: bool) -> Result<(), Error>;

    /// Creates a `local` volume with `labels`.
    async fn create_volume(
        &self,
        name: &str,
        labels: &BTreeMap<String, String>,
    ) -> Result<(), Error>;

    /// A volume, or `None` when absent.
    async fn inspect_volume(&self, name: &str) -> Result<Option<VolumeInfo>, Error>;

    /// Every volume, sorted by name.
    async fn list_volumes(&self) -> Result<Vec<VolumeInfo>, Error>;

    /// Removes a volume; in use gives [`Error::Conflict`].
    async fn remove_volume(&self, name: &str) -> Result<(), Error>;
}
