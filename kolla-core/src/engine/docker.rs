//! The Docker backend. This is the only file that knows bollard.

use async_trait::async_trait;
use bollard::errors::Error as BollardError;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{
    BuildImageOptionsBuilder, CreateContainerOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder, WaitContainerOptions,
};
use bollard::Docker;
use futures_util::StreamExt;

use super::{ContainerEngine, ContainerInfo, ContainerSpec, EngineVersion, Error};

/// The Docker engine, reached through its API socket.
#[derive(Debug, Clone)]
pub struct DockerEngine {
    docker: Docker,
    endpoint: String,
}

const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

impl DockerEngine {
    /// Connects to `$DOCKER_HOST`, or to the default local socket, and
    /// negotiates the API version with the daemon.
    ///
    /// # Errors
    /// [`Error::Unreachable`], naming the socket or URL, when the daemon does
    /// not answer.
    ///
    /// # Examples
    /// ```no_run
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use kolla_core::engine::{ContainerEngine, DockerEngine};
    /// let engine = DockerEngine::connect().await.unwrap();
    /// println!("{}", engine.version().await.unwrap().version);
    /// # });
    /// ```
    pub async fn connect() -> Result<Self, Error> {
        let host = std::env::var("DOCKER_HOST").unwrap_or_else(|_| DEFAULT_SOCKET.to_string());
        Self::connect_to(&host).await
    }

    /// Connects to an explicit `unix://` or `tcp://` endpoint.
    ///
    /// # Errors
    /// [`Error::Unreachable`] when the endpoint is malformed or does not answer.
    pub async fn connect_to(host: &str) -> Result<Self, Error> {
        let unreachable = |e: BollardError| Error::Unreachable {
            endpoint: host.to_string(),
            message: e.to_string(),
        };
        let docker = Docker::connect_with_host(host).map_err(unreachable)?;
        let docker = docker.negotiate_version().await.map_err(unreachable)?;
        Ok(DockerEngine {
            docker,
            endpoint: host.to_string(),
        })
    }

    fn op_error(&self, operation: &'static str, object: &str, e: BollardError) -> Error {
        match e {
            BollardError::DockerResponseServerError {
                status_code: 404, ..
            } => Error::NotFound {
                kind: match operation {
                    "remove image" | "build image" => "image",
                    _ => "container",
                },
                name: object.to_string(),
                endpoint: self.endpoint.clone(),
            },
            BollardError::DockerResponseServerError { message, .. } => Error::Operation {
                operation,
                object: object.to_string(),
                endpoint: self.endpoint.clone(),
                message,
            },
            other => Error::Operation {
                operation,
                object: object.to_string(),
                endpoint: self.endpoint.clone(),
                message: other.to_string(),
            },
        }
    }
}

#[async_trait]
impl ContainerEngine for DockerEngine {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    async fn version(&self) -> Result<EngineVersion, Error> {
        let v = self
            .docker
            .version()
            .await
            .map_err(|e| Error::Unreachable {
                endpoint: self.endpoint.clone(),
                message: e.to_string(),
            })?;
        Ok(EngineVersion {
            version: v.version.unwrap_or_default(),
            api_version: self.docker.client_version().to_string(),
            platform: format!(
                "{}/{}",
                v.os.unwrap_or_default(),
                v.arch.unwrap_or_default()
            ),
        })
    }

    async fn build_image(&self, tag: &str, context_tar: Vec<u8>) -> Result<(), Error> {
        let opts = BuildImageOptionsBuilder::default()
            .t(tag)
            .rm(true)
            .forcerm(true)
            .build();
        let body = bollard::body_full(context_tar.into());
        let mut stream = self.docker.build_image(opts, None, Some(body));
        let mut log = String::new();
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| self.op_error("build image", tag, e))?;
            if let Some(s) = info.stream {
                log.push_str(&s);
            }
            if let Some(err) = info.error_detail.and_then(|d| d.message) {
                return Err(Error::Operation {
                    operation: "build image",
                    object: tag.to_string(),
                    endpoint: self.endpoint.clone(),
                    message: format!("{err}\n{log}"),
                });
            }
        }
        Ok(())
    }

    async fn image_exists(&self, image: &str) -> Result<bool, Error> {
        match self.docker.inspect_image(image).await {
            Ok(_) => Ok(true),
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(false),
            Err(e) => Err(self.op_error("inspect image", image, e)),
        }
    }

    async fn remove_image(&self, image: &str, force: bool) -> Result<(), Error> {
        let opts = RemoveImageOptionsBuilder::default().force(force).build();
        self.docker
            .remove_image(image, Some(opts), None)
            .await
            .map(|_| ())
            .map_err(|e| self.op_error("remove image", image, e))
    }

    async fn create_container(&self, spec: &ContainerSpec) -> Result<String, Error> {
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            cmd: (!spec.command.is_empty()).then(|| spec.command.clone()),
            env: Some(
                spec.environment
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect(),
            ),
            labels: Some(spec.labels.clone().into_iter().collect()),
            host_config: Some(HostConfig {
                binds: (!spec.volumes.is_empty()).then(|| spec.volumes.clone()),
                network_mode: Some(spec.network_mode.clone()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let opts = CreateContainerOptionsBuilder::default()
            .name(&spec.name)
            .build();
        let resp = self
            .docker
            .create_container(Some(opts), body)
            .await
            .map_err(|e| match e {
                BollardError::DockerResponseServerError {
                    status_code: 404, ..
                } => Error::NotFound {
                    kind: "image",
                    name: spec.image.clone(),
                    endpoint: self.endpoint.clone(),
                },
                e => self.op_error("create container", &spec.name, e),
            })?;
        Ok(resp.id)
    }

    async fn start_container(&self, name: &str) -> Result<(), Error> {
        self.docker
            .start_container(name, None)
            .await
            .map_err(|e| self.op_error("start container", name, e))
    }

    async fn wait_container(&self, name: &str) -> Result<i64, Error> {
        let mut stream = self
            .docker
            .wait_container(name, None::<WaitContainerOptions>);
        let mut code = 0;
        while let Some(item) = stream.next().await {
            match item {
                Ok(r) => code = r.status_code,
                // bollard reports a non-zero exit as an error carrying the code.
                Err(BollardError::DockerContainerWaitError { code: c, .. }) => code = c,
                Err(e) => return Err(self.op_error("wait container", name, e)),
            }
        }
        Ok(code)
    }

    async fn logs(&self, name: &str) -> Result<String, Error> {
        let opts = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .tail("all")
            .build();
        let mut stream = self.docker.logs(name, Some(opts));
        let mut out = String::new();
        while let Some(item) = stream.next().await {
            let chunk = item.map_err(|e| self.op_error("read logs of", name, e))?;
            out.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
        }
        Ok(out)
    }

    async fn inspect_container(&self, name: &str) -> Result<Option<ContainerInfo>, Error> {
        let c = match self.docker.inspect_container(name, None).await {
            Ok(c) => c,
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => return Ok(None),
            Err(e) => return Err(self.op_error("inspect container", name, e)),
        };
        let state = c.state.unwrap_or_default();
        let config = c.config.unwrap_or_default();
        let status = state
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(Some(ContainerInfo {
            name: c
                .name
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_string(),
            id: c.id.unwrap_or_default(),
            image: config.image.unwrap_or_default(),
            exit_code: (status == "exited").then_some(state.exit_code.unwrap_or(0)),
            status,
            labels: config.labels.unwrap_or_default().into_iter().collect(),
        }))
    }

    async fn remove_container(&self, name: &str, force: bool) -> Result<(), Error> {
        let opts = RemoveContainerOptionsBuilder::default()
            .force(force)
            .v(true)
            .build();
        self.docker
            .remove_container(name, Some(opts))
            .await
            .map_err(|e| self.op_error("remove container", name, e))
    }
}
