//! An engine that keeps containers, images and volumes in memory.
//!
//! It reports what Docker would report for the same calls (Docker's PATH in
//! the environment, `MemorySwap` defaulting to twice `Memory`, `host`
//! cgroup namespace, restart policy `no`), so comparisons behave the same
//! on both engines.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::json;

use crate::container::normalize::{image_ref, named_volumes, tmpfs_mounts};

use super::{
    ContainerEngine, ContainerInfo, ContainerSpec, ContainerSummary, EngineVersion, Error,
    ExecOutput, HostSettings, ImageInfo, ListFilter, LogOptions, RegistryAuth, RestartPolicy,
    StartFate, VolumeInfo,
};

const ENDPOINT: &str = "memory://";
const DOCKER_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// An in-memory [`ContainerEngine`].
///
/// Containers do not run anything: starting one marks it `running`, and
/// [`MemoryEngine::exit`] stops it with a chosen exit code. Images exist once
/// added with [`MemoryEngine::add_image`] or built, or pulled after
/// [`MemoryEngine::publish_image`] put them in its pretend registry (a pull
/// of anything else fails with the registry's "not found"). Execs return
/// what [`MemoryEngine::set_exec_result`] scripted, else exit code 0 with
/// no output.
#[derive(Debug, Default)]
pub struct MemoryEngine {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    images: BTreeMap<String, ImageInfo>,
    containers: BTreeMap<String, Container>,
    volumes: BTreeMap<String, VolumeInfo>,
    exec_results: HashMap<String, ExecOutput>,
    registry: BTreeMap<String, ImageInfo>,
    builds: Vec<(String, String)>,
    next_id: u64,
}

#[derive(Debug)]
struct Container {
    spec: ContainerSpec,
    id: String,
    image_id: String,
    status: &'static str,
    exit_code: Option<i64>,
}

impl MemoryEngine {
    /// An empty engine.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes an image exist, as if it had been pulled.
    pub fn add_image(&self, image: &str) {
        self.add_image_with_labels(image, BTreeMap::new());
    }

    /// Makes an image with labels exist (its id changes with each call, as
    /// a rebuilt image's would).
    pub fn add_image_with_labels(&self, image: &str, labels: BTreeMap<String, String>) {
        let mut st = self.lock();
        st.next_id += 1;
        let key = image_ref(image);
        let info = ImageInfo {
            id: format!("sha256:{:064x}", st.next_id),
            repo_tags: vec![key.clone()],
            labels,
        };
        st.images.insert(key, info);
    }

    /// Every build so far, in order: the image reference and its Dockerfile.
    pub fn builds(&self) -> Vec<(String, String)> {
        self.lock().builds.clone()
    }

    /// Whether `image` is in the pretend registry (published or pushed).
    pub fn in_registry(&self, image: &str) -> bool {
        self.lock().registry.contains_key(&image_ref(image))
    }

    /// Puts a new build of `image` in the pretend registry, for pulls.
    pub fn publish_image(&self, image: &str) {
        let mut st = self.lock();
        st.next_id += 1;
        let key = image_ref(image);
        let info = ImageInfo {
            id: format!("sha256:{:064x}", st.next_id),
            repo_tags: vec![key.clone()],
            labels: BTreeMap::new(),
        };
        st.registry.insert(key, info);
    }

    /// Stops a running container with `code`, as if its process had exited.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown container.
    pub fn exit(&self, name: &str, code: i64) -> Result<(), Error> {
        let mut st = self.lock();
        let c = st
            .containers
            .get_mut(name)
            .ok_or_else(|| not_found("container", name))?;
        c.status = "exited";
        c.exit_code = Some(code);
        Ok(())
    }

    /// What the next execs in container `name` return.
    pub fn set_exec_result(&self, name: &str, exit_code: i64, output: &str) {
        self.lock().exec_results.insert(
            name.to_string(),
            ExecOutput {
                exit_code,
                output: output.to_string(),
            },
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep going.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn not_found(kind: &'static str, name: &str) -> Error {
    Error::NotFound {
        kind,
        name: name.to_string(),
        endpoint: ENDPOINT.to_string(),
    }
}

fn conflict(operation: &'static str, object: &str, message: &str) -> Error {
    Error::Conflict {
        operation,
        object: object.to_string(),
        endpoint: ENDPOINT.to_string(),
        message: message.to_string(),
    }
}

fn observe(c: &Container) -> ContainerInfo {
    let spec = &c.spec;
    let (paths, binds) = spec.volume_paths_and_binds();
    let mut env: Vec<String> = Vec::new();
    if !spec.environment.contains_key("PATH") {
        env.push(DOCKER_PATH.to_string());
    }
    env.extend(spec.environment.iter().map(|(k, v)| format!("{k}={v}")));
    let mut dimensions = spec.dimensions.clone();
    if let (Some(m), None) = (dimensions.memory, dimensions.memory_swap) {
        dimensions.memory_swap = Some(2 * m);
    }
    let (path, args) = match spec.command.split_first() {
        Some((p, a)) => (p.clone(), a.to_vec()),
        None => (String::new(), Vec::new()),
    };
    let host = HostSettings {
        network_mode: if spec.network_mode.is_empty() {
            "default".into()
        } else {
            spec.network_mode.clone()
        },
        privileged: spec.privileged,
        cap_add: spec.cap_add.clone(),
        security_opt: spec.security_opt.clone(),
        ipc_mode: spec.ipc_mode.clone().unwrap_or_else(|| "private".into()),
        pid_mode: spec.pid_mode.clone().unwrap_or_default(),
        cgroupns_mode: Some(spec.cgroupns_mode.clone().unwrap_or_else(|| "host".into())),
        tmpfs: tmpfs_mounts(&spec.tmpfs),
        binds,
        volumes_from: spec.volumes_from.clone(),
        dimensions,
        restart_policy: spec.restart_policy.clone().unwrap_or(RestartPolicy {
            name: "no".into(),
            max_retries: 0,
        }),
    };
    let running = matches!(c.status, "running" | "paused");
    let raw = json!({
        "Id": c.id,
        "Name": format!("/{}", spec.name),
        "Image": c.image_id,
        "Path": path,
        "Args": args,
        "State": {
            "Status": c.status,
            "Running": running,
            "Paused": c.status == "paused",
            "Restarting": false,
            "Dead": false,
            "ExitCode": c.exit_code.unwrap_or(0),
        },
        "Config": {"Image": spec.image, "Env": env, "Labels": spec.labels, "Tty": spec.tty},
    });
    ContainerInfo {
        name: spec.name.clone(),
        id: c.id.clone(),
        image: spec.image.clone(),
        status: c.status.to_string(),
        exit_code: c.exit_code,
        labels: spec.labels.clone(),
        image_id: c.image_id.clone(),
        path,
        args,
        env,
        volumes: paths,
        tty: spec.tty,
        healthcheck: spec.healthcheck.clone(),
        health: spec
            .healthcheck
            .as_ref()
            .filter(|_| running)
            .map(|_| "starting".to_string()),
        host,
        raw,
    }
}

#[async_trait]
impl ContainerEngine for MemoryEngine {
    fn endpoint(&self) -> &str {
        ENDPOINT
    }

    /// The in-memory engine's pretend host runs on UTC, whatever the
    /// machine running the tests says.
    fn host_timezone(&self) -> Result<String, Error> {
        Ok("UTC".to_string())
    }

    async fn version(&self) -> Result<EngineVersion, Error> {
        Ok(EngineVersion {
            version: env!("CARGO_PKG_VERSION").to_string(),
            api_version: "memory".to_string(),
            platform: format!("{}/{}", std::env::consts::OS, std::env::consts::ARCH),
        })
    }

    async fn build_image(&self, tag: &str, context_tar: Vec<u8>) -> Result<(), Error> {
        // Record the build; its base must exist, as on a real engine with
        // no registry (a FROM of `scratch` needs nothing).
        let dockerfile = dockerfile_of(&context_tar).ok_or_else(|| Error::Operation {
            operation: "build image",
            object: tag.to_string(),
            endpoint: ENDPOINT.to_string(),
            message: "the build context holds no readable Dockerfile".into(),
        })?;
        let from = dockerfile
            .lines()
            .find_map(|l| l.trim().strip_prefix("FROM "))
            .map(|f| f.split_whitespace().next().unwrap_or("").to_string());
        if let Some(base) = from.filter(|b| b != "scratch") {
            if !self.lock().images.contains_key(&image_ref(&base)) {
                return Err(Error::Operation {
                    operation: "build image",
                    object: tag.to_string(),
                    endpoint: ENDPOINT.to_string(),
                    message: format!("pull access denied for {base}: no such local image"),
                });
            }
        }
        self.lock().builds.push((image_ref(tag), dockerfile));
        self.add_image(tag);
        Ok(())
    }

    async fn push_image(&self, image: &str, _auth: Option<&RegistryAuth>) -> Result<(), Error> {
        let mut st = self.lock();
        let key = image_ref(image);
        let Some(info) = st.images.get(&key).cloned() else {
            return Err(not_found("image", image));
        };
        st.registry.insert(key, info);
        Ok(())
    }

    async fn image_exists(&self, image: &str) -> Result<bool, Error> {
        Ok(self.lock().images.contains_key(&image_ref(image)))
    }

    async fn remove_image(&self, image: &str, force: bool) -> Result<(), Error> {
        let mut st = self.lock();
        let key = image_ref(image);
        let Some(info) = st.images.get(&key) else {
            return Err(not_found("image", image));
        };
        let used = st.containers.values().any(|c| c.image_id == info.id);
        if used && !force {
            return Err(conflict(
                "remove image",
                image,
                "image is in use by a container",
            ));
        }
        st.images.remove(&key);
        Ok(())
    }

    async fn inspect_image(&self, image: &str) -> Result<Option<ImageInfo>, Error> {
        Ok(self.lock().images.get(&image_ref(image)).cloned())
    }

    async fn pull_image(&self, image: &str, _auth: Option<&RegistryAuth>) -> Result<(), Error> {
        let mut st = self.lock();
        let key = image_ref(image);
        match st.registry.get(&key).cloned() {
            Some(info) => {
                st.images.insert(key, info);
                Ok(())
            }
            None => Err(Error::Operation {
                operation: "pull image",
                object: image.to_string(),
                endpoint: ENDPOINT.to_string(),
                message: format!("manifest for {key} not found"),
            }),
        }
    }

    async fn import_image(&self, _tar: Vec<u8>) -> Result<(), Error> {
        Err(Error::Operation {
            operation: "import image",
            object: "<archive>".into(),
            endpoint: ENDPOINT.to_string(),
            message: "the in-memory engine cannot read image archives; use add_image".into(),
        })
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String, Error> {
        let mut st = self.lock();
        let Some(image) = st.images.get(&image_ref(&spec.image)) else {
            return Err(not_found("image", &spec.image));
        };
        let image_id = image.id.clone();
        if st.containers.contains_key(&spec.name) {
            return Err(conflict(
                "create container",
                &spec.name,
                "the container name is already in use",
            ));
        }
        st.next_id += 1;
        let id = format!("{:064x}", st.next_id);
        st.containers.insert(
            spec.name.clone(),
            Container {
                spec: spec.clone(),
                id: id.clone(),
                image_id,
                status: "created",
                exit_code: None,
            },
        );
        Ok(id)
    }

    async fn start_container(&self, name: &str) -> Result<(), Error> {
        let mut st = self.lock();
        let c = st
            .containers
            .get_mut(name)
            .ok_or_else(|| not_found("container", name))?;
        c.status = "running";
        c.exit_code = None;
        Ok(())
    }

    async fn stop_container(&self, name: &str, _timeout_secs: i64) -> Result<(), Error> {
        let mut st = self.lock();
        let c = st
            .containers
            .get_mut(name)
            .ok_or_else(|| not_found("container", name))?;
        if matches!(c.status, "running" | "paused") {
            c.status = "exited";
            c.exit_code = Some(0);
        }
        Ok(())
    }

    async fn restart_container(&self, name: &str, _timeout_secs: i64) -> Result<(), Error> {
        self.start_container(name).await
    }

    async fn wait_container(&self, name: &str) -> Result<i64, Error> {
        let st = self.lock();
        let c = st
            .containers
            .get(name)
            .ok_or_else(|| not_found("container", name))?;
        match c.status {
            "running" => Err(Error::Operation {
                operation: "wait container",
                object: name.to_string(),
                endpoint: ENDPOINT.to_string(),
                message: "an in-memory container only stops through MemoryEngine::exit".into(),
            }),
            _ => Ok(c.exit_code.unwrap_or(0)),
        }
    }

    /// The in-memory engine knows at once: nothing runs, so a started
    /// container stays up until [`MemoryEngine::exit`].
    async fn watch_start(
        &self,
        name: &str,
        _limit: std::time::Duration,
    ) -> Result<StartFate, Error> {
        let st = self.lock();
        let c = st
            .containers
            .get(name)
            .ok_or_else(|| not_found("container", name))?;
        Ok(match c.status {
            "running" | "paused" => StartFate::Running,
            _ => StartFate::Exited(c.exit_code.unwrap_or(0)),
        })
    }

    async fn logs(&self, name: &str) -> Result<String, Error> {
        self.logs_with(name, &LogOptions::default()).await
    }

    async fn logs_with(&self, name: &str, _options: &LogOptions) -> Result<String, Error> {
        let st = self.lock();
        st.containers
            .get(name)
            .ok_or_else(|| not_found("container", name))?;
        Ok(String::new())
    }

    async fn exec(
        &self,
        name: &str,
        _cmd: &[String],
        _user: Option<&str>,
    ) -> Result<ExecOutput, Error> {
        let st = self.lock();
        let c = st
            .containers
            .get(name)
            .ok_or_else(|| not_found("container", name))?;
        if c.status != "running" {
            return Err(conflict(
                "exec in container",
                name,
                &format!("Container {} is not running", c.id),
            ));
        }
        Ok(st.exec_results.get(name).cloned().unwrap_or_default())
    }

    async fn inspect_container(&self, name: &str) -> Result<Option<ContainerInfo>, Error> {
        Ok(self.lock().containers.get(name).map(observe))
    }

    async fn list_containers(&self, filter: &ListFilter) -> Result<Vec<ContainerSummary>, Error> {
        let st = self.lock();
        Ok(st
            .containers
            .values()
            .filter(|c| filter.all || matches!(c.status, "running" | "paused"))
            .filter(|c| filter.matches(&c.spec.name, &c.spec.labels))
            .map(|c| ContainerSummary {
                name: c.spec.name.clone(),
                id: c.id.clone(),
                image: c.spec.image.clone(),
                state: c.status.to_string(),
                status: match c.status {
                    "running" => "Up".into(),
                    "exited" => format!("Exited ({})", c.exit_code.unwrap_or(0)),
                    other => other.to_string(),
                },
                labels: c.spec.labels.clone(),
            })
            .collect())
    }

    async fn remove_container(&self, name: &str, force: bool) -> Result<(), Error> {
        let mut st = self.lock();
        let c = st
            .containers
            .get(name)
            .ok_or_else(|| not_found("container", name))?;
        if c.status == "running" && !force {
            return Err(conflict(
                "remove container",
                name,
                "cannot remove a running container; stop it first or force",
            ));
        }
        st.containers.remove(name);
        Ok(())
    }

    async fn create_volume(
        &self,
        name: &str,
        labels: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        let mut st = self.lock();
        st.volumes
            .entry(name.to_string())
            .or_insert_with(|| VolumeInfo {
                name: name.to_string(),
                driver: "local".into(),
                mountpoint: format!("/var/lib/docker/volumes/{name}/_data"),
                labels: labels.clone(),
            });
        Ok(())
    }

    async fn inspect_volume(&self, name: &str) -> Result<Option<VolumeInfo>, Error> {
        Ok(self.lock().volumes.get(name).cloned())
    }

    async fn list_volumes(&self) -> Result<Vec<VolumeInfo>, Error> {
        Ok(self.lock().volumes.values().cloned().collect())
    }

    async fn remove_volume(&self, name: &str) -> Result<(), Error> {
        let mut st = self.lock();
        if !st.volumes.contains_key(name) {
            return Err(not_found("volume", name));
        }
        let in_use = st
            .containers
            .values()
            .any(|c| named_volumes(&c.spec.volumes).iter().any(|v| v == name));
        if in_use {
            return Err(conflict(
                "remove volume",
                name,
                "volume is in use by a container",
            ));
        }
        st.volumes.remove(name);
        Ok(())
    }
}

/// The `Dockerfile` of a tar build context.
fn dockerfile_of(context_tar: &[u8]) -> Option<String> {
    let mut ar = tar::Archive::new(context_tar);
    for e in ar.entries().ok()? {
        let mut e = e.ok()?;
        if e.path().ok()?.to_str() == Some("Dockerfile") {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).ok()?;
            return Some(s);
        }
    }
    None
}
