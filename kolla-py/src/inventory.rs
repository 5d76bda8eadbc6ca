//! `kolla_rs.Inventory`: Ansible inventories read by kolla-core.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::errors::to_py_err;

/// A loaded inventory (the Python wrapper adds `load(paths)` and decodes JSON).
#[pyclass(name = "Inventory", module = "kolla_rs._native", frozen)]
pub struct PyInventory {
    inner: Arc<kolla_core::inventory::Inventory>,
}

fn inv_err(py: Python<'_>, e: kolla_core::inventory::Error) -> PyErr {
    to_py_err(py, e.into())
}

#[pymethods]
impl PyInventory {
    /// Loads inventory sources (files, directories, `h1,h2,` lists).
    #[staticmethod]
    fn load(py: Python<'_>, paths: Vec<String>) -> PyResult<Self> {
        let inv = py
            .detach(|| kolla_core::inventory::Inventory::load(&paths))
            .map_err(|e| to_py_err(py, e))?;
        Ok(PyInventory {
            inner: Arc::new(inv),
        })
    }

    /// Every group name, in creation order.
    #[getter]
    fn groups(&self) -> Vec<String> {
        self.inner.groups().into_iter().map(String::from).collect()
    }

    /// Every host name, in the order first met.
    #[getter]
    fn hosts(&self) -> Vec<String> {
        self.inner.hosts().into_iter().map(String::from).collect()
    }

    /// Warnings Ansible would print while reading.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings().to_vec()
    }

    /// The hosts a pattern names.
    fn hosts_in(&self, py: Python<'_>, pattern: &str) -> PyResult<Vec<String>> {
        let hosts = self.inner.hosts_in(pattern).map_err(|e| inv_err(py, e))?;
        Ok(hosts.into_iter().map(String::from).collect())
    }

    /// The hosts of a group and its descendants.
    fn hosts_of(&self, py: Python<'_>, group: &str) -> PyResult<Vec<String>> {
        let hosts = self.inner.hosts_of(group).map_err(|e| inv_err(py, e))?;
        Ok(hosts.into_iter().map(String::from).collect())
    }

    /// `group_names` of a host.
    fn group_names(&self, py: Python<'_>, host: &str) -> PyResult<Vec<String>> {
        let names = self.inner.group_names(host).map_err(|e| inv_err(py, e))?;
        Ok(names.into_iter().map(String::from).collect())
    }

    /// A host's merged variables, as JSON text.
    fn host_vars_json(&self, py: Python<'_>, host: &str) -> PyResult<String> {
        let vars = self.inner.host_vars(host).map_err(|e| inv_err(py, e))?;
        Ok(serde_json::Value::Object(vars).to_string())
    }

    /// The `ansible-inventory --list` text.
    fn to_ansible_json(&self, py: Python<'_>) -> String {
        let inner = self.inner.clone();
        py.detach(move || inner.to_ansible_json())
    }

    /// The `ansible-inventory --graph` text.
    #[pyo3(signature = (group = "all", vars = false))]
    fn graph(&self, py: Python<'_>, group: &str, vars: bool) -> PyResult<String> {
        self.inner.graph(group, vars).map_err(|e| inv_err(py, e))
    }

    /// The parsed model (groups, hosts, own variables), as JSON text.
    fn model_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.model())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }

    /// `kolla inventory check` findings, as JSON text.
    fn check_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.check())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
}

/// One file's parse as JSON text, with groups from earlier sources known
/// (for the Ansible inventory plugin).
#[pyfunction]
fn inventory_source_model_json(
    py: Python<'_>,
    path: &str,
    known_groups: Vec<String>,
) -> PyResult<String> {
    let model = py
        .detach(|| {
            kolla_core::inventory::Inventory::parse_source_model(
                std::path::Path::new(path),
                &known_groups,
            )
        })
        .map_err(|e| to_py_err(py, e))?;
    serde_json::to_string(&model)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyInventory>()?;
    m.add_function(wrap_pyfunction!(inventory_source_model_json, m)?)
}
