//! `passwords.yml`: kolla-genpwd and kolla-mergepwd. Reports carry key names
//! and counts, never values.

use pyo3::prelude::*;

use crate::errors::to_py_err;

/// Fills the empty values of a passwords file in place; the report as JSON.
#[pyfunction]
fn genpwd_json(py: Python<'_>, path: std::path::PathBuf) -> PyResult<String> {
    let report = py
        .detach(|| {
            kolla_core::passwords::genpwd_file(&path, &kolla_core::passwords::GenOptions::default())
        })
        .map_err(|e| to_py_err(py, e))?;
    Ok(serde_json::to_string(&report).expect("reports serialize"))
}

/// Merges an old passwords file into a new one (the embedded passwords.yml
/// when `new` is None), writing `final`; the report as JSON.
#[pyfunction]
#[pyo3(signature = (old, new, r#final, clean = false))]
fn mergepwd_json(
    py: Python<'_>,
    old: std::path::PathBuf,
    new: Option<std::path::PathBuf>,
    r#final: std::path::PathBuf,
    clean: bool,
) -> PyResult<String> {
    let report = py
        .detach(|| kolla_core::passwords::mergepwd_files(&old, new.as_deref(), &r#final, clean))
        .map_err(|e| to_py_err(py, e))?;
    Ok(serde_json::to_string(&report).expect("reports serialize"))
}

/// Adds the passwords functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(genpwd_json, m)?)?;
    m.add_function(wrap_pyfunction!(mergepwd_json, m)?)
}
