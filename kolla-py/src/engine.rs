//! The container engine and the `kolla_container` actions.

use std::sync::{Arc, OnceLock};

use kolla_core::engine::{action, facts, ContainerEngine, DockerEngine, MemoryEngine};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::to_py_err;

/// One runtime for every engine call from Python (the bollard client's
/// connections live on it).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime for kolla_rs")
    })
}

enum Backend {
    Docker(DockerEngine),
    Memory(MemoryEngine),
}

impl Backend {
    fn engine(&self) -> &dyn ContainerEngine {
        match self {
            Backend::Docker(e) => e,
            Backend::Memory(e) => e,
        }
    }
}

/// A container engine handle (`kolla_rs.ContainerEngine` wraps it).
#[pyclass(name = "ContainerEngine", module = "kolla_rs._native", frozen)]
struct PyContainerEngine {
    inner: Arc<Backend>,
}

fn parse_args(json: &str) -> PyResult<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_str(json) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(PyValueError::new_err("params must be a dict")),
        Err(e) => Err(PyValueError::new_err(e.to_string())),
    }
}

#[pymethods]
impl PyContainerEngine {
    /// Connects to the Docker engine at `host`, else `$DOCKER_HOST`, else
    /// the local socket.
    #[staticmethod]
    #[pyo3(signature = (host = None))]
    fn docker(py: Python<'_>, host: Option<String>) -> PyResult<Self> {
        let engine = py
            .detach(|| {
                runtime().block_on(async {
                    match host {
                        Some(h) => DockerEngine::connect_to(&h).await,
                        None => DockerEngine::connect().await,
                    }
                })
            })
            .map_err(|e| to_py_err(py, e.into()))?;
        Ok(PyContainerEngine {
            inner: Arc::new(Backend::Docker(engine)),
        })
    }

    /// A fresh in-memory engine.
    #[staticmethod]
    fn memory() -> Self {
        PyContainerEngine {
            inner: Arc::new(Backend::Memory(MemoryEngine::new())),
        }
    }

    /// The socket path or URL (or `memory://`).
    #[getter]
    fn endpoint(&self) -> String {
        self.inner.engine().endpoint().to_string()
    }

    /// In-memory engines only: make an image exist.
    fn add_image(&self, image: &str) -> PyResult<()> {
        match self.inner.as_ref() {
            Backend::Memory(m) => {
                m.add_image(image);
                Ok(())
            }
            Backend::Docker(_) => Err(PyValueError::new_err(
                "add_image is for the in-memory engine; build or pull on Docker",
            )),
        }
    }

    /// Runs a kolla_container action; arguments and result are JSON text.
    fn run_action_json(&self, py: Python<'_>, args_json: &str) -> PyResult<String> {
        let args = parse_args(args_json)?;
        let inner = self.inner.clone();
        let result = py.detach(move || {
            runtime().block_on(async move { action::run_action(inner.engine(), &args).await })
        });
        Ok(result.to_string())
    }

    /// Runs a kolla_container_facts query; the result is JSON text.
    #[pyo3(signature = (action, names, all = false))]
    fn facts_json(
        &self,
        py: Python<'_>,
        action: String,
        names: Vec<String>,
        all: bool,
    ) -> PyResult<String> {
        let inner = self.inner.clone();
        let result = py.detach(move || {
            runtime().block_on(async move {
                facts::container_facts(inner.engine(), &action, &names, all).await
            })
        });
        Ok(result.to_string())
    }

    /// The kolla containers (name, image, state, health) as JSON text.
    fn ps_json(&self, py: Python<'_>) -> PyResult<String> {
        let inner = self.inner.clone();
        let rows = py
            .detach(move || {
                runtime().block_on(async move { facts::kolla_containers(inner.engine()).await })
            })
            .map_err(|e| to_py_err(py, e.into()))?;
        serde_json::to_string(&rows).map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

/// `kolla_container`'s Ansible argument spec and `required_if`, as JSON
/// text (`legacy`: the `kolla_docker` alias).
#[pyfunction]
#[pyo3(signature = (legacy = false))]
fn container_argument_spec_json(legacy: bool) -> String {
    kolla_core::container::params::ansible_argument_spec(legacy).to_string()
}

/// `kolla_container_facts`' Ansible argument spec and `required_if`, as
/// JSON text.
#[pyfunction]
fn container_facts_argument_spec_json() -> String {
    kolla_core::container::params::ansible_facts_argument_spec().to_string()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The action names, so the Ansible modules' argument spec comes from the core.
    m.add(
        "CONTAINER_ACTIONS",
        kolla_core::container::params::ACTIONS.to_vec(),
    )?;
    // The whole argument spec too: the modules keep no copy of it.
    m.add_function(wrap_pyfunction!(container_argument_spec_json, m)?)?;
    m.add_function(wrap_pyfunction!(container_facts_argument_spec_json, m)?)?;
    m.add_class::<PyContainerEngine>()
}
