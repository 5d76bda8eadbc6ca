//! The container engine seam: one async trait, a Docker backend and an
//! in-memory backend with the same observable behaviour, and kolla-ansible's
//! `kolla_container` actions on top of it.
//!
//! Everything deployment does to containers goes through [`ContainerEngine`].
//! [`DockerEngine`] (feature `docker`) is the only place that talks to the
//! Docker API; [`MemoryEngine`] keeps the same state in a map, for plans, dry
//! runs and fast tests.
//!
//! - [`params`]: the module's argument spec, the `common_options` merge, and
//!   the one conversion of a parameter dict into a [`ContainerSpec`];
//! - [`compare`]: the one comparison `spec vs observed -> Vec<Difference>`
//!   (used by `compare_container` and the planner);
//! - [`action`]: every action, returning the module's result dict;
//! - [`facts`]: `kolla_container_facts` and the `kolla container ps` rows;
//! - [`image`]: small local images built from a static busybox.
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
pub mod compare;
#[cfg(feature = "docker")]
mod docker;
pub mod facts;
pub mod image;
mod memory;
pub mod params;

#[cfg(feature = "docker")]
pub use docker::DockerEngine;
pub use memory::MemoryEngine;

/// An engine operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The engine could not be reached at all.
    #[error("cannot reach the container engine at {endpoint}: {message}")]
    Unreachable {
        /// The socket path or URL that was tried.
        endpoint: String,
        /// What went wrong.
        message: String,
    },
    /// An operation on a named object (container, image, volume) failed.
    #[error("{operation} {object} on {endpoint}: {message}")]
    Operation {
        /// What was being done (`create container`, `build image`, ...).
        operation: &'static str,
        /// The container, image or volume name.
        object: String,
        /// The engine endpoint.
        endpoint: String,
        /// What the engine said.
        message: String,
    },
    /// The named container, image or volume does not exist.
    #[error("{kind} {name} not found on {endpoint}")]
    NotFound {
        /// `container`, `image` or `volume`.
        kind: &'static str,
        /// Its name.
        name: String,
        /// The engine endpoint.
        endpoint: String,
    },
    /// The engine refused the operation because of the object's state
    /// (HTTP 409 from Docker: in use, not running, name taken).
    #[error("{operation} {object} on {endpoint}: {message}")]
    Conflict {
        /// What was being done.
        operation: &'static str,
        /// The container, image or volume name.
        object: String,
        /// The engine endpoint.
        endpoint: String,
        /// What the engine said.
        message: String,
    },
    /// A `kolla_container` action failed the way the upstream module fails:
    /// `message` is its `msg`, `details` the extra result keys
    /// (`unsupported_dimensions`, `rc`, ...).
    #[error("{message}")]
    Action {
        /// The module's `msg`.
        message: String,
        /// Extra keys of the failed result.
        details: serde_json::Map<String, serde_json::Value>,
    },
    /// The parameters given for an operation are invalid.
    #[error("invalid parameter {parameter}: {message}")]
    InvalidParameter {
        /// The parameter's name.
        parameter: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    /// A module-style failure with no extra keys.
    pub fn action(message: impl Into<String>) -> Self {
        Error::Action {
            message: message.into(),
            details: serde_json::Map::new(),
        }
    }

    /// Whether the engine said the object is absent or in the wrong state
    /// (an HTTP 4xx from Docker), as opposed to failing.
    pub fn is_client_error(&self) -> bool {
        matches!(self, Error::NotFound { .. } | Error::Conflict { .. })
    }
}

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

/// A Docker restart policy (kolla-rs keeps Docker's own policies, not
/// systemd units; see `docs/deviations.md`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartPolicy {
    /// `no`, `always`, `unless-stopped` or `on-failure`.
    pub name: String,
    /// For `on-failure`: how many restarts before giving up (0: unlimited).
    #[serde(default)]
    pub max_retries: i64,
}

/// A container healthcheck, in Docker's units (durations in nanoseconds).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Healthcheck {
    /// `["CMD-SHELL", "..."]` or `["CMD", ...]`.
    pub test: Vec<String>,
    /// Nanoseconds between checks.
    pub interval: i64,
    /// Nanoseconds before a check counts as failed.
    pub timeout: i64,
    /// Nanoseconds of grace after start.
    pub start_period: i64,
    /// Consecutive failures before `unhealthy`.
    pub retries: i64,
    /// Nanoseconds between checks during the start period (Docker 25+;
    /// kolla never sets it).
    #[serde(default)]
    pub start_interval: i64,
}

/// One ulimit (`nofile`, `nproc`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ulimit {
    /// The limit's name.
    pub name: String,
    /// The soft limit, when given.
    pub soft: Option<i64>,
    /// The hard limit, when given.
    pub hard: Option<i64>,
}

/// Resource limits, named after Docker's HostConfig fields. `None` means
/// "not set" (Docker reports 0 or empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimensions {
    /// `mem_limit`, bytes.
    pub memory: Option<i64>,
    /// `mem_reservation`, bytes.
    pub memory_reservation: Option<i64>,
    /// `memswap_limit`, bytes.
    pub memory_swap: Option<i64>,
    /// `cpu_period`.
    pub cpu_period: Option<i64>,
    /// `cpu_quota`.
    pub cpu_quota: Option<i64>,
    /// `cpu_shares`.
    pub cpu_shares: Option<i64>,
    /// `cpuset_cpus`, e.g. `0-2`.
    pub cpuset_cpus: Option<String>,
    /// `cpuset_mems`.
    pub cpuset_mems: Option<String>,
    /// `blkio_weight`.
    pub blkio_weight: Option<i64>,
    /// `ulimits`; `None` when not given.
    pub ulimits: Option<Vec<Ulimit>>,
}

/// What a container should be: the input to [`ContainerEngine::create_container`].
///
/// Build it by hand, or from a `kolla_container` parameter dict with
/// [`params::Params::to_spec`], the one conversion both the module and the
/// planner use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerSpec {
    /// The container name.
    pub name: String,
    /// The image reference, `kolla/nova-api:2024.1`.
    pub image: String,
    /// The command; empty means the image's default.
    #[serde(default)]
    pub command: Vec<String>,
    /// Environment variables.
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// Labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Volumes in kolla's syntax: `src:dst[:mode]` binds, `name:dst` named
    /// volumes, or a bare `/path` anonymous volume.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// The network mode; kolla runs everything with `host`.
    #[serde(default = "default_network_mode")]
    pub network_mode: String,
    /// Run privileged.
    #[serde(default)]
    pub privileged: bool,
    /// Extra capabilities.
    #[serde(default)]
    pub cap_add: Vec<String>,
    /// Security options (`label=disable`, ...).
    #[serde(default)]
    pub security_opt: Vec<String>,
    /// IPC namespace mode (`host`, `private`, `shareable`); `None` leaves Docker's default.
    #[serde(default)]
    pub ipc_mode: Option<String>,
    /// PID namespace mode (`host`, `private`).
    #[serde(default)]
    pub pid_mode: Option<String>,
    /// Cgroup namespace mode (`host`, `private`).
    #[serde(default)]
    pub cgroupns_mode: Option<String>,
    /// tmpfs mounts, `path[:options]`.
    #[serde(default)]
    pub tmpfs: Vec<String>,
    /// Containers whose volumes to mount.
    #[serde(default)]
    pub volumes_from: Vec<String>,
    /// Resource limits.
    #[serde(default)]
    pub dimensions: Dimensions,
    /// The healthcheck, `None` for the image's own (or none).
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    /// Docker's restart policy; `None` sets none (`no`).
    #[serde(default)]
    pub restart_policy: Option<RestartPolicy>,
    /// Allocate a TTY.
    #[serde(default)]
    pub tty: bool,
    /// The desired state (`running`, `exited`, `paused`); `None` means
    /// `running`. Only compared, never applied by `create_container`.
    #[serde(default)]
    pub state: Option<String>,
}

fn default_network_mode() -> String {
    "host".to_string()
}

impl ContainerSpec {
    /// The container paths (`Config.Volumes`) and the bind strings
    /// (`HostConfig.Binds`) the `volumes` list stands for, as upstream's
    /// `generate_volumes` computes them.
    pub fn volume_paths_and_binds(&self) -> (Vec<String>, Vec<String>) {
        compare::generate_volumes(&self.volumes)
    }
}

/// Host-level settings of a container as the engine reports them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HostSettings {
    /// `HostConfig.NetworkMode`.
    pub network_mode: String,
    /// `HostConfig.Privileged`.
    pub privileged: bool,
    /// `HostConfig.CapAdd`.
    pub cap_add: Vec<String>,
    /// `HostConfig.SecurityOpt`.
    pub security_opt: Vec<String>,
    /// `HostConfig.IpcMode` (`""` when unset).
    pub ipc_mode: String,
    /// `HostConfig.PidMode`.
    pub pid_mode: String,
    /// `HostConfig.CgroupnsMode`, `None` on engines that do not report it.
    pub cgroupns_mode: Option<String>,
    /// `HostConfig.Tmpfs`: path to options.
    pub tmpfs: BTreeMap<String, String>,
    /// `HostConfig.Binds`.
    pub binds: Vec<String>,
    /// `HostConfig.VolumesFrom`.
    pub volumes_from: Vec<String>,
    /// The resource limits, with Docker's zeros read as `None`.
    pub dimensions: Dimensions,
    /// `HostConfig.RestartPolicy`.
    pub restart_policy: RestartPolicy,
}

/// The engine's view of a container.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerInfo {
    /// The container name, without Docker's leading `/`.
    pub name: String,
    /// The engine's id.
    pub id: String,
    /// The image reference it was created from (`Config.Image`).
    pub image: String,
    /// `created`, `running`, `paused`, `restarting`, `exited`, `dead`.
    pub status: String,
    /// The exit code of the last run, when it has exited.
    pub exit_code: Option<i64>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// The id of the image it runs (`Image`, `sha256:...`).
    #[serde(default)]
    pub image_id: String,
    /// The process path (`Path`).
    #[serde(default)]
    pub path: String,
    /// The process arguments (`Args`).
    #[serde(default)]
    pub args: Vec<String>,
    /// `Config.Env`, `KEY=value` entries, image variables included.
    #[serde(default)]
    pub env: Vec<String>,
    /// `Config.Volumes`: container paths.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// `Config.Tty`.
    #[serde(default)]
    pub tty: bool,
    /// `Config.Healthcheck`.
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    /// `State.Health.Status` (`starting`, `healthy`, `unhealthy`), when
    /// the container has a healthcheck.
    #[serde(default)]
    pub health: Option<String>,
    /// `HostConfig`.
    #[serde(default)]
    pub host: HostSettings,
    /// The engine's full inspect document (Docker's JSON), for facts.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub raw: serde_json::Value,
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
}

impl Default for LogOptions {
    fn default() -> Self {
        LogOptions {
            stdout: true,
            stderr: true,
            tail: None,
        }
    }
}

/// An image as the engine reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    /// `sha256:...`.
    pub id: String,
    /// `repo:tag` names.
    pub repo_tags: Vec<String>,
    /// `Config.Labels`.
    pub labels: BTreeMap<String, String>,
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

/// Registry credentials for a pull. Never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RegistryAuth {
    /// User name.
    pub username: String,
    /// Password (redacted in `Debug`).
    pub password: String,
    /// The registry (`None`: Docker Hub).
    pub registry: Option<String>,
    /// E-mail, when the registry wants one.
    pub email: Option<String>,
}

impl std::fmt::Debug for RegistryAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("registry", &self.registry)
            .finish()
    }
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

    /// Waits at most `limit` for a container to stop: its exit code, or
    /// `None` when it is still running then.
    ///
    /// The default uses tokio's timer (the runtime needs it enabled).
    async fn wait_container_for(
        &self,
        name: &str,
        limit: std::time::Duration,
    ) -> Result<Option<i64>, Error> {
        match tokio::time::timeout(limit, self.wait_container(name)).await {
            Ok(r) => r.map(Some),
            Err(_) => Ok(None),
        }
    }

    /// The container's stdout and stderr so far, interleaved.
    async fn logs(&self, name: &str) -> Result<String, Error>;

    /// The container's logs, choosing streams and a tail.
    async fn logs_with(&self, name: &str, options: &LogOptions) -> Result<String, Error>;

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
