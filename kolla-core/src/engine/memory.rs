//! An engine that keeps containers and images in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use async_trait::async_trait;

use super::{ContainerEngine, ContainerInfo, ContainerSpec, EngineVersion, Error};

const ENDPOINT: &str = "memory://";

/// An in-memory [`ContainerEngine`].
///
/// Containers do not run anything: starting one marks it `running`, and
/// [`MemoryEngine::exit`] stops it with a chosen exit code. Images exist once
/// added with [`MemoryEngine::add_image`] or built.
#[derive(Debug, Default)]
pub struct MemoryEngine {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    images: BTreeSet<String>,
    containers: BTreeMap<String, Container>,
    next_id: u64,
}

#[derive(Debug)]
struct Container {
    spec: ContainerSpec,
    id: String,
    status: &'static str,
    exit_code: Option<i64>,
}

/// Docker treats a reference without a tag as `:latest`.
fn normalize_image(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    if last.contains(':') || last.contains('@') {
        image.to_string()
    } else {
        format!("{image}:latest")
    }
}

impl MemoryEngine {
    /// An empty engine.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes an image exist, as if it had been pulled.
    pub fn add_image(&self, image: &str) {
        self.lock().images.insert(normalize_image(image));
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

#[async_trait]
impl ContainerEngine for MemoryEngine {
    fn endpoint(&self) -> &str {
        ENDPOINT
    }

    async fn version(&self) -> Result<EngineVersion, Error> {
        Ok(EngineVersion {
            version: env!("CARGO_PKG_VERSION").to_string(),
            api_version: "memory".to_string(),
            platform: format!("{}/{}", std::env::consts::OS, std::env::consts::ARCH),
        })
    }

    async fn build_image(&self, tag: &str, _context_tar: Vec<u8>) -> Result<(), Error> {
        self.add_image(tag);
        Ok(())
    }

    async fn image_exists(&self, image: &str) -> Result<bool, Error> {
        Ok(self.lock().images.contains(&normalize_image(image)))
    }

    async fn remove_image(&self, image: &str, force: bool) -> Result<(), Error> {
        let mut st = self.lock();
        let key = normalize_image(image);
        if !st.images.contains(&key) {
            return Err(not_found("image", image));
        }
        let used = st
            .containers
            .values()
            .any(|c| normalize_image(&c.spec.image) == key);
        if used && !force {
            return Err(Error::Operation {
                operation: "remove image",
                object: image.to_string(),
                endpoint: ENDPOINT.to_string(),
                message: "image is in use by a container".to_string(),
            });
        }
        st.images.remove(&key);
        Ok(())
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String, Error> {
        let mut st = self.lock();
        if !st.images.contains(&normalize_image(&spec.image)) {
            return Err(not_found("image", &spec.image));
        }
        if st.containers.contains_key(&spec.name) {
            return Err(Error::Operation {
                operation: "create container",
                object: spec.name.clone(),
                endpoint: ENDPOINT.to_string(),
                message: "the container name is already in use".to_string(),
            });
        }
        st.next_id += 1;
        let id = format!("{:064x}", st.next_id);
        st.containers.insert(
            spec.name.clone(),
            Container {
                spec: spec.clone(),
                id: id.clone(),
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

    async fn logs(&self, name: &str) -> Result<String, Error> {
        let st = self.lock();
        st.containers
            .get(name)
            .ok_or_else(|| not_found("container", name))?;
        Ok(String::new())
    }

    async fn inspect_container(&self, name: &str) -> Result<Option<ContainerInfo>, Error> {
        let st = self.lock();
        Ok(st.containers.get(name).map(|c| ContainerInfo {
            name: c.spec.name.clone(),
            id: c.id.clone(),
            image: c.spec.image.clone(),
            status: c.status.to_string(),
            exit_code: c.exit_code,
            labels: c.spec.labels.clone(),
        }))
    }

    async fn remove_container(&self, name: &str, force: bool) -> Result<(), Error> {
        let mut st = self.lock();
        let c = st
            .containers
            .get(name)
            .ok_or_else(|| not_found("container", name))?;
        if c.status == "running" && !force {
            return Err(Error::Operation {
                operation: "remove container",
                object: name.to_string(),
                endpoint: ENDPOINT.to_string(),
                message: "cannot remove a running container; stop it first or force".into(),
            });
        }
        st.containers.remove(name);
        Ok(())
    }
}
