//! `kolla_rs.Catalog`, `kolla_rs.Graph` and `kolla_rs.Context`: the service
//! catalog, the service graph and one host's variables, from kolla-core.
//! Structured values cross as JSON text; secrets stay `<secret>` in
//! explanations and never reach an error message.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;

use kolla_core::catalog::Catalog;
use kolla_core::graph::{Graph, Options};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

use crate::errors::to_py_err;

fn json(v: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// The cloud-wide variable layers, as `kolla graph` takes them.
pub(crate) fn inputs(
    inventory: &Inventory,
    globals: Option<&PathBuf>,
    passwords: Option<&PathBuf>,
    extra: &[String],
    facts: Option<&PathBuf>,
) -> kolla_core::Result<Inputs> {
    let mut inputs = Inputs::new()?;
    if let Some(g) = globals {
        inputs.add_globals(g)?;
    }
    if let Some(p) = passwords {
        inputs.add_passwords(p)?;
    }
    for e in extra {
        inputs.add_extra(e)?;
    }
    if let Some(f) = facts {
        inputs.set_facts_dir(f);
    }
    inputs.set_inventory(inventory);
    Ok(inputs)
}

/// The service catalog (the Python wrapper decodes JSON).
#[pyclass(name = "Catalog", module = "kolla_rs._native", frozen)]
pub struct PyCatalog {
    inner: Arc<Catalog>,
}

#[pymethods]
impl PyCatalog {
    /// The embedded catalog, with the service files of `override_dir` on top.
    #[staticmethod]
    #[pyo3(signature = (override_dir = None))]
    fn load(py: Python<'_>, override_dir: Option<PathBuf>) -> PyResult<Self> {
        let catalog = py
            .detach(|| Catalog::load(override_dir.as_deref()))
            .map_err(|e| to_py_err(py, e))?;
        Ok(PyCatalog {
            inner: Arc::new(catalog),
        })
    }

    /// Every service name, sorted.
    fn names(&self) -> Vec<String> {
        self.inner
            .services()
            .iter()
            .map(|s| s.service.clone())
            .collect()
    }

    /// The canonical name of a service or alias, if known.
    fn canonical(&self, name: &str) -> Option<String> {
        self.inner.canonical(name).map(str::to_string)
    }

    /// One service in full (`kolla catalog show --format json`), as JSON text.
    fn get_json(&self, py: Python<'_>, name: &str) -> PyResult<String> {
        json(self.inner.get(name).map_err(|e| to_py_err(py, e))?)
    }

    /// Every service's summary (`kolla catalog list --format json`), as JSON text.
    fn list_json(&self) -> PyResult<String> {
        let entries: Vec<serde_json::Value> =
            self.inner.services().iter().map(|s| s.summary()).collect();
        json(&entries)
    }
}

/// The service graph of an inventory (the Python wrapper decodes JSON).
#[pyclass(name = "Graph", module = "kolla_rs._native", frozen)]
pub struct PyGraph {
    inner: Graph,
}

#[pymethods]
impl PyGraph {
    /// Builds the graph like `kolla graph` with the same options.
    #[staticmethod]
    #[pyo3(signature = (inventory, globals = None, passwords = None, extra = Vec::new(), facts = None, catalog_dir = None, services = Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn build(
        py: Python<'_>,
        inventory: Vec<String>,
        globals: Option<PathBuf>,
        passwords: Option<PathBuf>,
        extra: Vec<String>,
        facts: Option<PathBuf>,
        catalog_dir: Option<PathBuf>,
        services: Vec<String>,
    ) -> PyResult<Self> {
        let graph = py
            .detach(|| -> kolla_core::Result<Graph> {
                let catalog = Catalog::load(catalog_dir.as_deref())?;
                let inv = Inventory::load(&inventory)?;
                let inputs = inputs(
                    &inv,
                    globals.as_ref(),
                    passwords.as_ref(),
                    &extra,
                    facts.as_ref(),
                )?;
                Graph::build(&catalog, &inv, &inputs, &Options { services })
            })
            .map_err(|e| to_py_err(py, e))?;
        Ok(PyGraph { inner: graph })
    }

    /// The deploy waves: lists of service names.
    #[getter]
    fn waves(&self) -> Vec<Vec<String>> {
        self.inner.waves().to_vec()
    }

    /// Service to hosts, as JSON text (an object, in graph order).
    fn placement_json(&self) -> PyResult<String> {
        json(self.inner.placement())
    }

    /// The `kolla graph --format json` document, as JSON text.
    fn to_json(&self) -> PyResult<String> {
        json(&self.inner.to_json())
    }

    /// The `kolla graph --format dot` text.
    fn to_dot(&self) -> String {
        self.inner.to_dot()
    }

    /// The `kolla graph` text.
    fn to_text(&self) -> String {
        self.inner.to_text()
    }
}

/// One inventory host's variables: defaults, inventory, facts, globals,
/// passwords (secret) and extra vars, in Ansible's precedence.
#[pyclass(name = "Context", module = "kolla_rs._native", frozen)]
pub struct PyContext {
    inventory: Arc<Inventory>,
    inputs: Inputs,
    host: String,
    group_names: Vec<String>,
}

impl PyContext {
    /// Runs `f` on the host's core Context.
    fn with<T>(
        &self,
        f: impl FnOnce(&kolla_core::vars::Context<'_>) -> kolla_core::Result<T>,
    ) -> kolla_core::Result<T> {
        let hosts = self.inventory.resolve_all();
        let host = hosts
            .iter()
            .find(|h| h.name == self.host)
            .expect("the host was checked when the Context was built");
        f(&self.inputs.context(host))
    }
}

#[pymethods]
impl PyContext {
    /// The Context of `host` in the inventory.
    #[staticmethod]
    #[pyo3(signature = (inventory, host, globals = None, passwords = None, extra = Vec::new(), facts = None))]
    fn build(
        py: Python<'_>,
        inventory: Vec<String>,
        host: String,
        globals: Option<PathBuf>,
        passwords: Option<PathBuf>,
        extra: Vec<String>,
        facts: Option<PathBuf>,
    ) -> PyResult<Self> {
        py.detach(|| -> kolla_core::Result<Self> {
            let inv = Inventory::load(&inventory)?;
            let group_names = inv
                .group_names(&host)?
                .into_iter()
                .map(str::to_string)
                .collect();
            let inputs = inputs(
                &inv,
                globals.as_ref(),
                passwords.as_ref(),
                &extra,
                facts.as_ref(),
            )?;
            Ok(PyContext {
                inventory: Arc::new(inv),
                inputs,
                host,
                group_names,
            })
        })
        .map_err(|e| to_py_err(py, e))
    }

    /// The inventory host name.
    #[getter]
    fn host(&self) -> String {
        self.host.clone()
    }

    /// The host's `group_names`.
    #[getter]
    fn group_names(&self) -> Vec<String> {
        self.group_names.clone()
    }

    /// Whether `name` comes from `passwords.yml`.
    fn is_secret(&self, name: &str) -> bool {
        self.inputs.is_secret(name)
    }

    /// The rendered value of `name`, as JSON text.
    fn get_json(&self, py: Python<'_>, name: &str) -> PyResult<String> {
        let v = py
            .detach(|| self.with(|ctx| ctx.get(name)))
            .map_err(|e| to_py_err(py, e))?;
        json(&v)
    }

    /// A Jinja expression rendered against the host's variables, as JSON text.
    fn eval_json(&self, py: Python<'_>, expr: &str) -> PyResult<String> {
        let v = py
            .detach(|| self.with(|ctx| ctx.eval(expr)))
            .map_err(|e| to_py_err(py, e))?;
        json(&v)
    }

    /// `{"layer": ..., "value": ...}` (raw value, secrets as `<secret>`) as
    /// JSON text, or None for an unknown variable.
    fn explain_json(&self, py: Python<'_>, name: &str) -> PyResult<Option<String>> {
        let found = py.detach(|| self.with(|ctx| Ok(ctx.explain(name))));
        let found = found.map_err(|e| to_py_err(py, e))?;
        found
            .map(|(layer, value)| json(&serde_json::json!({"layer": layer, "value": value})))
            .transpose()
    }
}

/// Adds the catalog, graph and context classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCatalog>()?;
    m.add_class::<PyGraph>()?;
    m.add_class::<PyContext>()
}
