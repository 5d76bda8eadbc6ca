//! What a container is, with no engine in sight: the pure, synchronous
//! half of `kolla_container`.
//!
//! - [`ContainerSpec`] (what a container should be) and [`ContainerInfo`]
//!   (what the engine reports);
//! - [`params`]: the module's argument spec, the `common_options` merge and
//!   the one conversion of a parameter dict into a [`ContainerSpec`];
//! - [`normalize`]: the one normalisation of volumes, tmpfs mounts and image
//!   references, used by creation (the Docker engine), comparison and the
//!   in-memory engine alike;
//! - [`compare`]: the one comparison `spec vs observed -> Vec<Difference>`.
//!
//! The async edge (the engine trait, Docker, the in-memory engine, the
//! actions) is `crate::engine`, behind the `runtime` feature.
//!
//! ```
//! use kolla_core::container::{compare::differences, params::Params, ContainerInfo};
//! let args = serde_json::json!({"action": "compare_container", "name": "cron", "image": "kolla/cron:1"});
//! let spec = Params::from_args(args.as_object().unwrap()).unwrap().to_spec("UTC").unwrap();
//! let observed = ContainerInfo { name: "cron".into(), status: "running".into(), ..Default::default() };
//! assert!(!differences(&spec, &observed, None).is_empty());
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod compare;
pub mod labels;
pub mod normalize;
pub mod params;

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

/// What a container should be: the input to the engine's `create_container`.
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
        normalize::generate_volumes(&self.volumes)
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
