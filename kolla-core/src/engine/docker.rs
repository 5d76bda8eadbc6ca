//! The Docker backend. This is the only file that knows bollard.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use bollard::auth::DockerCredentials;
use bollard::errors::Error as BollardError;
use bollard::exec::{CreateExecOptions, ResizeExecOptions, StartExecOptions, StartExecResults};
use bollard::models::{
    ContainerCreateBody, HealthConfig, HostConfig, HostConfigCgroupnsModeEnum, ResourcesUlimits,
    RestartPolicy as DockerRestartPolicy, RestartPolicyNameEnum, VolumeCreateRequest,
};
use bollard::query_parameters::{
    BuildImageOptionsBuilder, CreateContainerOptionsBuilder, CreateImageOptions,
    ImportImageOptions, ListContainersOptions, ListVolumesOptions, LogsOptionsBuilder,
    PushImageOptionsBuilder, RemoveContainerOptionsBuilder, RemoveImageOptionsBuilder,
    RemoveVolumeOptions, RestartContainerOptions, StopContainerOptions, WaitContainerOptions,
};
use bollard::Docker;
use futures_util::StreamExt;

use crate::container::normalize::{parse_image, tmpfs_mounts};

/// Registry credentials as bollard sends them (pulls and pushes).
fn credentials(a: &RegistryAuth) -> DockerCredentials {
    DockerCredentials {
        username: Some(a.username.clone()),
        password: Some(a.password.clone()),
        email: a.email.clone(),
        serveraddress: a.registry.clone(),
        ..Default::default()
    }
}

use super::{
    ContainerEngine, ContainerInfo, ContainerSpec, ContainerSummary, Dimensions, EngineVersion,
    Error, ExecOutput, Healthcheck, HostSettings, ImageInfo, ListFilter, LogOptions, RegistryAuth,
    RestartPolicy, Ulimit, VolumeInfo,
};

/// The Docker engine, reached through its API socket.
#[derive(Debug, Clone)]
pub struct DockerEngine {
    docker: Docker,
    endpoint: String,
    client_timeout: u64,
    /// What keeps the transport alive (an ssh forward), dropped with the
    /// last clone.
    guard: Option<std::sync::Arc<dyn std::any::Any + Send + Sync>>,
}

/// bollard's default per-request timeout, in seconds.
const DEFAULT_CLIENT_TIMEOUT: u64 = 120;

const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

impl DockerEngine {
    /// Starts an interactive exec in a running container: a pseudo-terminal
    /// of `rows` x `cols` when `tty` is set, stdin attached, output as raw
    /// bytes. This is `docker exec -it [-u USER] NAME CMD...`; the session
    /// resizes with [`ExecSession::resize`] and ends with
    /// [`ExecSession::exit_code`].
    ///
    /// # Errors
    /// [`Error::NotFound`] for a missing container, [`Error::Conflict`] when
    /// it is not running.
    pub async fn exec_interactive(
        &self,
        name: &str,
        cmd: &[String],
        user: Option<&str>,
        tty: bool,
        size: Option<(u16, u16)>,
    ) -> Result<ExecSession, Error> {
        let opts = CreateExecOptions {
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(tty),
            cmd: Some(cmd.to_vec()),
            user: user.map(str::to_string),
            ..Default::default()
        };
        let created = self
            .docker
            .create_exec(name, opts)
            .await
            .map_err(|e| self.op_error("exec in container", name, e))?;
        let started = self
            .docker
            .start_exec(
                &created.id,
                Some(StartExecOptions {
                    detach: false,
                    tty,
                    output_capacity: None,
                }),
            )
            .await
            .map_err(|e| self.op_error("exec in container", name, e))?;
        let StartExecResults::Attached { output, input } = started else {
            return Err(Error::Operation {
                operation: "exec in container",
                object: name.to_string(),
                endpoint: self.endpoint.clone(),
                message: "the engine did not attach to the exec".into(),
            });
        };
        let (object, endpoint) = (name.to_string(), self.endpoint.clone());
        let session = ExecSession {
            docker: self.docker.clone(),
            id: created.id,
            container: name.to_string(),
            endpoint: self.endpoint.clone(),
            output: Box::pin(output.map(move |item| {
                item.map(|c| c.into_bytes().to_vec())
                    .map_err(|e| Error::Operation {
                        operation: "read exec output of",
                        object: object.clone(),
                        endpoint: endpoint.clone(),
                        message: e.to_string(),
                    })
            })),
            input,
        };
        if let (true, Some((rows, cols))) = (tty, size) {
            session.resize(rows, cols).await?;
        }
        Ok(session)
    }

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
        if host.starts_with("tcp://")
            && std::env::var_os("DOCKER_TLS_VERIFY").is_some_and(|v| !v.is_empty())
            && !cfg!(feature = "tls")
        {
            return Err(Error::Unreachable {
                endpoint: host.to_string(),
                message: "DOCKER_TLS_VERIFY asks for TLS, but kolla-core was built without its `tls` feature".into(),
            });
        }
        let docker = Docker::connect_with_host(host).map_err(unreachable)?;
        let docker = docker.negotiate_version().await.map_err(unreachable)?;
        Ok(DockerEngine {
            docker,
            endpoint: host.to_string(),
            client_timeout: DEFAULT_CLIENT_TIMEOUT,
            guard: None,
        })
    }

    /// Connects to `tcp://` with TLS: the CA that signed the engine's
    /// certificate, and the client's certificate and key (PEM files).
    ///
    /// # Errors
    /// [`Error::Unreachable`] naming the URL when a file cannot be read,
    /// the handshake fails or the engine does not answer; without the `tls`
    /// feature, always (saying so).
    pub async fn connect_tls(
        host: &str,
        ca: &std::path::Path,
        cert: &std::path::Path,
        key: &std::path::Path,
    ) -> Result<Self, Error> {
        #[cfg(feature = "tls")]
        {
            let unreachable = |e: BollardError| Error::Unreachable {
                endpoint: host.to_string(),
                message: e.to_string(),
            };
            let docker = Docker::connect_with_ssl(
                host,
                key,
                cert,
                ca,
                DEFAULT_CLIENT_TIMEOUT,
                bollard::API_DEFAULT_VERSION,
            )
            .map_err(unreachable)?;
            let docker = docker.negotiate_version().await.map_err(unreachable)?;
            Ok(DockerEngine {
                docker,
                endpoint: host.to_string(),
                client_timeout: DEFAULT_CLIENT_TIMEOUT,
                guard: None,
            })
        }
        #[cfg(not(feature = "tls"))]
        {
            let _ = (ca, cert, key);
            Err(Error::Unreachable {
                endpoint: host.to_string(),
                message: "TLS is asked for (kolla_engine_tls*), but kolla-core was built without its `tls` feature".into(),
            })
        }
    }

    /// The same engine, reported under `endpoint` (the URL the operator
    /// gave, e.g. `ssh://...`), kept alive by `guard` (its transport).
    pub fn through(
        mut self,
        endpoint: String,
        guard: std::sync::Arc<dyn std::any::Any + Send + Sync>,
    ) -> DockerEngine {
        self.endpoint = endpoint;
        self.guard = Some(guard);
        self
    }

    /// The same connection with another per-request timeout (kolla's
    /// `client_timeout`, seconds). Waits for a container to exit have no
    /// timeout; stops and restarts get the grace period on top.
    pub fn with_client_timeout(&self, seconds: u64) -> DockerEngine {
        let seconds = seconds.max(1);
        DockerEngine {
            docker: self
                .docker
                .clone()
                .with_timeout(Duration::from_secs(seconds)),
            endpoint: self.endpoint.clone(),
            client_timeout: seconds,
            guard: self.guard.clone(),
        }
    }

    fn op_error(&self, operation: &'static str, object: &str, e: BollardError) -> Error {
        match e {
            BollardError::DockerResponseServerError {
                status_code: 404, ..
            } => Error::NotFound {
                kind: if operation.contains("image") {
                    "image"
                } else if operation.contains("volume") {
                    "volume"
                } else {
                    "container"
                },
                name: object.to_string(),
                endpoint: self.endpoint.clone(),
            },
            BollardError::DockerResponseServerError {
                status_code: 409,
                message,
            } => Error::Conflict {
                operation,
                object: object.to_string(),
                endpoint: self.endpoint.clone(),
                message,
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

/// A year: "no timeout" for requests that last as long as a container.
const NO_TIMEOUT: u64 = 365 * 24 * 3600;

#[async_trait]
impl ContainerEngine for DockerEngine {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn host_timezone(&self) -> Result<String, Error> {
        // A local socket: the engine's host is this host. kolla-ansible's
        // module runs on the target host, so this is the target's zone.
        if self.endpoint.starts_with("unix://") || self.endpoint.starts_with('/') {
            return Ok(crate::container::params::host_timezone());
        }
        Err(Error::InvalidParameter {
            parameter: "environment.TZ".into(),
            message: format!(
                "the engine at {} is remote and its host's time zone cannot be read from here; \
                 give TZ in the environment (or run kolla-rs on that host)",
                self.endpoint
            ),
        })
    }

    fn for_client_timeout(&self, seconds: u64) -> Option<Box<dyn ContainerEngine>> {
        Some(Box::new(self.with_client_timeout(seconds)))
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
        self.build_image_logged(tag, context_tar, &|_| {}).await
    }

    async fn build_image_logged(
        &self,
        tag: &str,
        context_tar: Vec<u8>,
        log_line: &(dyn for<'l> Fn(&'l str) + Send + Sync),
    ) -> Result<(), Error> {
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
                for line in s.lines().filter(|l| !l.trim().is_empty()) {
                    log_line(line);
                }
                log.push_str(&s);
            }
            if let Some(err) = info.error_detail.and_then(|d| d.message) {
                log_line(&err);
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

    async fn push_image(&self, image: &str, auth: Option<&RegistryAuth>) -> Result<(), Error> {
        let (repo, tag) = parse_image(image);
        let opts = PushImageOptionsBuilder::default().tag(&tag).build();
        let creds = auth.map(credentials);
        let mut stream = self.docker.push_image(&repo, Some(opts), creds);
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| self.op_error("push image", image, e))?;
            if let Some(err) = info.error_detail.and_then(|d| d.message) {
                return Err(Error::Operation {
                    operation: "push image",
                    object: image.to_string(),
                    endpoint: self.endpoint.clone(),
                    message: err,
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
        let (paths, binds) = spec.volume_paths_and_binds();
        let d = &spec.dimensions;
        let host_config = HostConfig {
            binds: (!binds.is_empty()).then_some(binds),
            network_mode: Some(spec.network_mode.clone()),
            privileged: Some(spec.privileged),
            cap_add: (!spec.cap_add.is_empty()).then(|| spec.cap_add.clone()),
            security_opt: (!spec.security_opt.is_empty()).then(|| spec.security_opt.clone()),
            ipc_mode: spec.ipc_mode.clone().filter(|s| !s.is_empty()),
            pid_mode: spec.pid_mode.clone().filter(|s| !s.is_empty()),
            cgroupns_mode: spec.cgroupns_mode.as_deref().and_then(|m| match m {
                "private" => Some(HostConfigCgroupnsModeEnum::PRIVATE),
                "host" => Some(HostConfigCgroupnsModeEnum::HOST),
                _ => None,
            }),
            tmpfs: (!spec.tmpfs.is_empty())
                .then(|| tmpfs_mounts(&spec.tmpfs).into_iter().collect()),
            volumes_from: (!spec.volumes_from.is_empty()).then(|| spec.volumes_from.clone()),
            memory: d.memory,
            memory_reservation: d.memory_reservation,
            memory_swap: d.memory_swap,
            cpu_period: d.cpu_period,
            cpu_quota: d.cpu_quota,
            cpu_shares: d.cpu_shares,
            cpuset_cpus: d.cpuset_cpus.clone(),
            cpuset_mems: d.cpuset_mems.clone(),
            blkio_weight: d.blkio_weight.map(|w| w.clamp(0, u16::MAX as i64) as u16),
            ulimits: d.ulimits.as_ref().map(|u| {
                u.iter()
                    .map(|u| ResourcesUlimits {
                        name: Some(u.name.clone()),
                        soft: u.soft,
                        hard: u.hard,
                    })
                    .collect()
            }),
            restart_policy: spec.restart_policy.as_ref().map(|p| DockerRestartPolicy {
                name: Some(match p.name.as_str() {
                    "always" => RestartPolicyNameEnum::ALWAYS,
                    "unless-stopped" => RestartPolicyNameEnum::UNLESS_STOPPED,
                    "on-failure" => RestartPolicyNameEnum::ON_FAILURE,
                    _ => RestartPolicyNameEnum::NO,
                }),
                maximum_retry_count: (p.name == "on-failure").then_some(p.max_retries),
            }),
            ..Default::default()
        };
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
            volumes: (!paths.is_empty()).then_some(paths),
            tty: Some(spec.tty),
            healthcheck: spec.healthcheck.as_ref().map(|h| HealthConfig {
                test: Some(h.test.clone()),
                interval: Some(h.interval),
                timeout: Some(h.timeout),
                retries: Some(h.retries),
                start_period: Some(h.start_period),
                start_interval: (h.start_interval != 0).then_some(h.start_interval),
            }),
            host_config: Some(host_config),
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
        // A bootstrap container may run for a long time: no request timeout.
        let docker = self
            .docker
            .clone()
            .with_timeout(Duration::from_secs(NO_TIMEOUT));
        let mut stream = docker.wait_container(name, None::<WaitContainerOptions>);
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
        self.logs_with(name, &LogOptions::default()).await
    }

    async fn logs_with(&self, name: &str, options: &LogOptions) -> Result<String, Error> {
        let tail = options
            .tail
            .map(|n| n.to_string())
            .unwrap_or_else(|| "all".into());
        let opts = LogsOptionsBuilder::default()
            .stdout(options.stdout)
            .stderr(options.stderr)
            .tail(&tail)
            .since(options.since.unwrap_or(0) as i32)
            .build();
        let mut stream = self.docker.logs(name, Some(opts));
        let mut out = String::new();
        while let Some(item) = stream.next().await {
            let chunk = item.map_err(|e| self.op_error("read logs of", name, e))?;
            out.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
        }
        Ok(out)
    }

    async fn stream_logs(
        &self,
        name: &str,
        options: &LogOptions,
        sink: &mut (dyn for<'b> FnMut(&'b [u8]) + Send),
    ) -> Result<(), Error> {
        let tail = options
            .tail
            .map(|n| n.to_string())
            .unwrap_or_else(|| "all".into());
        let opts = LogsOptionsBuilder::default()
            .stdout(options.stdout)
            .stderr(options.stderr)
            .tail(&tail)
            .since(options.since.unwrap_or(0) as i32)
            .follow(options.follow)
            .build();
        let mut stream = self.docker.logs(name, Some(opts));
        while let Some(item) = stream.next().await {
            let chunk = item.map_err(|e| self.op_error("read logs of", name, e))?;
            sink(&chunk.into_bytes());
        }
        Ok(())
    }

    async fn inspect_container(&self, name: &str) -> Result<Option<ContainerInfo>, Error> {
        let c = match self.docker.inspect_container(name, None).await {
            Ok(c) => c,
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => return Ok(None),
            Err(e) => return Err(self.op_error("inspect container", name, e)),
        };
        let raw = serde_json::to_value(&c).unwrap_or_default();
        let state = c.state.unwrap_or_default();
        let config = c.config.unwrap_or_default();
        let hc = c.host_config.unwrap_or_default();
        let status = state
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "unknown".into());
        let nonzero = |v: Option<i64>| v.filter(|n| *n != 0);
        let host = HostSettings {
            network_mode: hc.network_mode.unwrap_or_default(),
            privileged: hc.privileged.unwrap_or(false),
            cap_add: hc.cap_add.unwrap_or_default(),
            security_opt: hc.security_opt.unwrap_or_default(),
            ipc_mode: hc.ipc_mode.unwrap_or_default(),
            pid_mode: hc.pid_mode.unwrap_or_default(),
            cgroupns_mode: hc.cgroupns_mode.map(|m| m.to_string()),
            tmpfs: hc.tmpfs.unwrap_or_default().into_iter().collect(),
            binds: hc.binds.unwrap_or_default(),
            volumes_from: hc.volumes_from.unwrap_or_default(),
            dimensions: Dimensions {
                memory: nonzero(hc.memory),
                memory_reservation: nonzero(hc.memory_reservation),
                memory_swap: nonzero(hc.memory_swap),
                cpu_period: nonzero(hc.cpu_period),
                cpu_quota: nonzero(hc.cpu_quota),
                cpu_shares: nonzero(hc.cpu_shares),
                cpuset_cpus: hc.cpuset_cpus.filter(|s| !s.is_empty()),
                cpuset_mems: hc.cpuset_mems.filter(|s| !s.is_empty()),
                blkio_weight: nonzero(hc.blkio_weight.map(i64::from)),
                ulimits: hc.ulimits.map(|u| {
                    u.into_iter()
                        .map(|u| Ulimit {
                            name: u.name.unwrap_or_default(),
                            soft: u.soft,
                            hard: u.hard,
                        })
                        .collect()
                }),
            },
            restart_policy: hc
                .restart_policy
                .map(|p| RestartPolicy {
                    name: p.name.map(|n| n.to_string()).unwrap_or_default(),
                    max_retries: p.maximum_retry_count.unwrap_or(0),
                })
                .unwrap_or_default(),
        };
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
            image_id: c.image.unwrap_or_default(),
            path: c.path.unwrap_or_default(),
            args: c.args.unwrap_or_default(),
            env: config.env.unwrap_or_default(),
            volumes: config.volumes.unwrap_or_default(),
            tty: config.tty.unwrap_or(false),
            healthcheck: config.healthcheck.and_then(|h| {
                let test = h.test.unwrap_or_default();
                (!test.is_empty()).then(|| Healthcheck {
                    test,
                    interval: h.interval.unwrap_or(0),
                    timeout: h.timeout.unwrap_or(0),
                    start_period: h.start_period.unwrap_or(0),
                    retries: h.retries.unwrap_or(0),
                    start_interval: h.start_interval.unwrap_or(0),
                })
            }),
            health: state
                .health
                .and_then(|h| h.status)
                .map(|s| s.to_string())
                .filter(|s| !s.is_empty() && s != "none"),
            host,
            raw,
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

    async fn inspect_image(&self, image: &str) -> Result<Option<ImageInfo>, Error> {
        match self.docker.inspect_image(image).await {
            Ok(i) => Ok(Some(ImageInfo {
                id: i.id.unwrap_or_default(),
                repo_tags: i.repo_tags.unwrap_or_default(),
                labels: i
                    .config
                    .and_then(|c| c.labels)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
            })),
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(None),
            Err(e) => Err(self.op_error("inspect image", image, e)),
        }
    }

    async fn pull_image(&self, image: &str, auth: Option<&RegistryAuth>) -> Result<(), Error> {
        let (repo, tag) = parse_image(image);
        let opts = CreateImageOptions {
            from_image: Some(repo),
            tag: Some(tag),
            ..Default::default()
        };
        let creds = auth.map(credentials);
        let fail = |message: String| Error::Operation {
            operation: "pull image",
            object: image.to_string(),
            endpoint: self.endpoint.clone(),
            message,
        };
        let mut stream = self.docker.create_image(Some(opts), None, creds);
        let mut last_error = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(info) => {
                    if let Some(e) = info.error_detail.and_then(|d| d.message) {
                        last_error = Some(e);
                    }
                }
                Err(BollardError::DockerResponseServerError { message, .. }) => {
                    return Err(fail(message))
                }
                Err(BollardError::DockerStreamError { error }) => return Err(fail(error)),
                Err(e) => return Err(fail(e.to_string())),
            }
        }
        match last_error {
            Some(e) => Err(fail(e)),
            None => Ok(()),
        }
    }

    async fn import_image(&self, tar: Vec<u8>) -> Result<(), Error> {
        let body = bollard::body_full(tar.into());
        let mut stream = self
            .docker
            .import_image(ImportImageOptions::default(), body, None);
        while let Some(item) = stream.next().await {
            let info = item.map_err(|e| self.op_error("import image", "<archive>", e))?;
            if let Some(err) = info.error_detail.and_then(|d| d.message) {
                return Err(Error::Operation {
                    operation: "import image",
                    object: "<archive>".into(),
                    endpoint: self.endpoint.clone(),
                    message: err,
                });
            }
        }
        Ok(())
    }

    async fn stop_container(&self, name: &str, timeout_secs: i64) -> Result<(), Error> {
        let t = timeout_secs.clamp(0, i32::MAX as i64);
        let opts = StopContainerOptions {
            t: Some(t as i32),
            signal: None,
        };
        // The request must outlive the grace period plus the kill.
        let docker = self
            .docker
            .clone()
            .with_timeout(Duration::from_secs(t as u64 + self.client_timeout));
        match docker.stop_container(name, Some(opts)).await {
            Ok(()) => Ok(()),
            // 304: already stopped.
            Err(BollardError::DockerResponseServerError {
                status_code: 304, ..
            }) => Ok(()),
            Err(e) => Err(self.op_error("stop container", name, e)),
        }
    }

    async fn restart_container(&self, name: &str, timeout_secs: i64) -> Result<(), Error> {
        let t = timeout_secs.clamp(0, i32::MAX as i64);
        let opts = RestartContainerOptions {
            t: Some(t as i32),
            signal: None,
        };
        let docker = self
            .docker
            .clone()
            .with_timeout(Duration::from_secs(t as u64 + self.client_timeout));
        docker
            .restart_container(name, Some(opts))
            .await
            .map_err(|e| self.op_error("restart container", name, e))
    }

    async fn exec(
        &self,
        name: &str,
        cmd: &[String],
        user: Option<&str>,
    ) -> Result<ExecOutput, Error> {
        let opts = CreateExecOptions {
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            cmd: Some(cmd.to_vec()),
            user: user.map(str::to_string),
            ..Default::default()
        };
        let created = self
            .docker
            .create_exec(name, opts)
            .await
            .map_err(|e| self.op_error("exec in container", name, e))?;
        let started = self
            .docker
            .start_exec(&created.id, None)
            .await
            .map_err(|e| self.op_error("exec in container", name, e))?;
        let mut output = String::new();
        if let StartExecResults::Attached {
            output: mut out, ..
        } = started
        {
            while let Some(item) = out.next().await {
                let chunk = item.map_err(|e| self.op_error("exec in container", name, e))?;
                output.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
            }
        }
        let inspected = self
            .docker
            .inspect_exec(&created.id)
            .await
            .map_err(|e| self.op_error("exec in container", name, e))?;
        Ok(ExecOutput {
            exit_code: inspected.exit_code.unwrap_or(-1),
            output,
        })
    }

    async fn list_containers(&self, filter: &ListFilter) -> Result<Vec<ContainerSummary>, Error> {
        let mut filters: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(l) = &filter.label {
            filters.insert("label".into(), vec![l.clone()]);
        }
        if filter.names.len() == 1 {
            filters.insert("name".into(), vec![format!("^/{}$", filter.names[0])]);
        }
        let opts = ListContainersOptions {
            all: filter.all,
            filters: (!filters.is_empty()).then_some(filters),
            ..Default::default()
        };
        let list = self
            .docker
            .list_containers(Some(opts))
            .await
            .map_err(|e| self.op_error("list containers", "*", e))?;
        let mut out: Vec<ContainerSummary> = list
            .into_iter()
            .filter_map(|c| {
                let name = c
                    .names
                    .unwrap_or_default()
                    .into_iter()
                    .map(|n| n.trim_start_matches('/').to_string())
                    .find(|n| !n.contains('/'))?;
                let labels: BTreeMap<String, String> =
                    c.labels.unwrap_or_default().into_iter().collect();
                filter.matches(&name, &labels).then(|| ContainerSummary {
                    name,
                    id: c.id.unwrap_or_default(),
                    image: c.image.unwrap_or_default(),
                    state: c.state.map(|s| s.to_string()).unwrap_or_default(),
                    status: c.status.unwrap_or_default(),
                    labels,
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn create_volume(
        &self,
        name: &str,
        labels: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        let req = VolumeCreateRequest {
            name: Some(name.to_string()),
            driver: Some("local".into()),
            labels: Some(labels.clone().into_iter().collect()),
            ..Default::default()
        };
        self.docker
            .create_volume(req)
            .await
            .map(|_| ())
            .map_err(|e| self.op_error("create volume", name, e))
    }

    async fn inspect_volume(&self, name: &str) -> Result<Option<VolumeInfo>, Error> {
        match self.docker.inspect_volume(name).await {
            Ok(v) => Ok(Some(VolumeInfo {
                name: v.name,
                driver: v.driver,
                mountpoint: v.mountpoint,
                labels: v.labels.into_iter().collect(),
            })),
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => Ok(None),
            Err(e) => Err(self.op_error("inspect volume", name, e)),
        }
    }

    async fn list_volumes(&self) -> Result<Vec<VolumeInfo>, Error> {
        let resp = self
            .docker
            .list_volumes(None::<ListVolumesOptions>)
            .await
            .map_err(|e| self.op_error("list volumes", "*", e))?;
        let mut out: Vec<VolumeInfo> = resp
            .volumes
            .unwrap_or_default()
            .into_iter()
            .map(|v| VolumeInfo {
                name: v.name,
                driver: v.driver,
                mountpoint: v.mountpoint,
                labels: v.labels.into_iter().collect(),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn remove_volume(&self, name: &str) -> Result<(), Error> {
        self.docker
            .remove_volume(name, None::<RemoveVolumeOptions>)
            .await
            .map_err(|e| self.op_error("remove volume", name, e))
    }
}

/// An interactive exec started by [`DockerEngine::exec_interactive`].
pub struct ExecSession {
    docker: Docker,
    id: String,
    container: String,
    endpoint: String,
    /// What the process writes (stdout and stderr; one stream under a TTY).
    pub output: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Vec<u8>, Error>> + Send>>,
    /// The process's stdin.
    pub input: std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
}

impl std::fmt::Debug for ExecSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecSession")
            .field("id", &self.id)
            .field("container", &self.container)
            .finish_non_exhaustive()
    }
}

impl ExecSession {
    fn error(&self, operation: &'static str, e: BollardError) -> Error {
        Error::Operation {
            operation,
            object: self.container.clone(),
            endpoint: self.endpoint.clone(),
            message: e.to_string(),
        }
    }

    /// Resizes the session's terminal.
    ///
    /// # Errors
    /// The engine's error when the exec is gone.
    pub async fn resize(&self, rows: u16, cols: u16) -> Result<(), Error> {
        self.docker
            .resize_exec(
                &self.id,
                ResizeExecOptions {
                    height: rows,
                    width: cols,
                },
            )
            .await
            .map_err(|e| self.error("resize exec in", e))
    }

    /// The exit code, once the process has ended (`None` while it runs).
    ///
    /// # Errors
    /// The engine's error when the exec cannot be inspected.
    pub async fn exit_code(&self) -> Result<Option<i64>, Error> {
        let i = self
            .docker
            .inspect_exec(&self.id)
            .await
            .map_err(|e| self.error("inspect exec in", e))?;
        Ok(if i.running == Some(true) {
            None
        } else {
            i.exit_code
        })
    }
}
