//! The container engine seam: one async trait, a Docker backend and an
//! in-memory backend with the same observable behaviour.
//!
//! Everything deployment does to containers goes through [`ContainerEngine`].
//! [`DockerEngine`] (feature `docker`) is the only place that talks to the
//! Docker API; [`MemoryEngine`] keeps the same state in a map, for plans, dry
//! runs and fast tests.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

#[cfg(feature = "docker")]
mod docker;
pub mod image;
mod memory;

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
    /// The parameters given for an operation are invalid.
    #[error("invalid parameter {parameter}: {message}")]
    InvalidParameter {
        /// The parameter's name.
        parameter: String,
        /// What is wrong with it.
        message: String,
    },
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

/// What a container should be: the input to [`ContainerEngine::create_container`].
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
    /// Bind mounts and named volumes, `src:dst[:mode]`.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// The network mode; kolla runs everything with `host`.
    #[serde(default = "default_network_mode")]
    pub network_mode: String,
}

fn default_network_mode() -> String {
    "host".to_string()
}

/// The engine's view of a container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContainerInfo {
    /// The container name, without Docker's leading `/`.
    pub name: String,
    /// The engine's id.
    pub id: String,
    /// The image reference it was created from.
    pub image: String,
    /// `created`, `running`, `exited`, ...
    pub status: String,
    /// The exit code of the last run, when it has exited.
    pub exit_code: Option<i64>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
}

/// A container engine: Docker, or the in-memory stand-in.
///
/// Operations on named objects return [`Error::NotFound`] when the object is
/// absent, so callers can tell "missing" from "failed".
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

    /// The engine's version facts.
    async fn version(&self) -> Result<EngineVersion, Error>;

    /// Builds `tag` from a tar build context holding a `Dockerfile`.
    async fn build_image(&self, tag: &str, context_tar: Vec<u8>) -> Result<(), Error>;

    /// Whether an image exists locally.
    async fn image_exists(&self, image: &str) -> Result<bool, Error>;

    /// Removes an image; absent images are [`Error::NotFound`].
    async fn remove_image(&self, image: &str, force: bool) -> Result<(), Error>;

    /// Creates (but does not start) a container; returns its id.
    async fn create_container(&self, spec: &ContainerSpec) -> Result<String, Error>;

    /// Starts a created or stopped container.
    async fn start_container(&self, name: &str) -> Result<(), Error>;

    /// Waits for a container to stop and returns its exit code.
    async fn wait_container(&self, name: &str) -> Result<i64, Error>;

    /// The container's stdout and stderr so far, interleaved.
    async fn logs(&self, name: &str) -> Result<String, Error>;

    /// The container's state, or `None` when there is no such container.
    async fn inspect_container(&self, name: &str) -> Result<Option<ContainerInfo>, Error>;

    /// Removes a container (with `force`, even a running one).
    async fn remove_container(&self, name: &str, force: bool) -> Result<(), Error>;
}
