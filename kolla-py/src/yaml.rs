//! YAML loading with Ansible's (YAML 1.1) typing.

use pyo3::prelude::*;

use crate::errors::to_py_err;

/// Loads YAML text and returns it as a JSON string (the Python side decodes it).
#[pyfunction]
#[pyo3(signature = (text, origin = "<string>"))]
fn load_yaml_json(py: Python<'_>, text: &str, origin: &str) -> PyResult<String> {
    let value = py
        .detach(|| kolla_core::yaml::load(origin, text))
        .map_err(|e| to_py_err(py, e.into()))?;
    Ok(value.to_string())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load_yaml_json, m)?)
}
