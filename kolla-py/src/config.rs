//! INI merge (`merge_configs`): files or texts, and its provenance.

use pyo3::prelude::*;

use crate::errors::to_py_err;

fn options(
    whitespace: bool,
    strict: bool,
    variables_json: Option<&str>,
    search_path: Vec<std::path::PathBuf>,
) -> PyResult<kolla_core::ini::MergeOptions> {
    let vars = match variables_json {
        Some(text) => serde_json::from_str(text)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?,
        None => serde_json::Value::Object(Default::default()),
    };
    Ok(kolla_core::ini::MergeOptions {
        whitespace,
        strict,
        vars,
        search_path,
    })
}

/// Reads, renders and merges INI files; returns the merged text.
#[pyfunction]
#[pyo3(signature = (sources, whitespace = true, strict = false, variables_json = None, search_path = Vec::new()))]
fn merge_ini_files(
    py: Python<'_>,
    sources: Vec<String>,
    whitespace: bool,
    strict: bool,
    variables_json: Option<&str>,
    search_path: Vec<std::path::PathBuf>,
) -> PyResult<String> {
    let opts = options(whitespace, strict, variables_json, search_path)?;
    py.detach(|| kolla_core::ini::merge_files(&sources, &opts))
        .map_err(|e| to_py_err(py, e))
}

/// Merges (name, text) pairs; returns the merged text.
#[pyfunction]
#[pyo3(signature = (texts, whitespace = true))]
fn merge_ini_texts(
    py: Python<'_>,
    texts: Vec<(String, String)>,
    whitespace: bool,
) -> PyResult<String> {
    py.detach(|| {
        kolla_core::ini::merge_texts(
            texts.iter().map(|(n, t)| (n.as_str(), t.as_str())),
            whitespace,
        )
    })
    .map_err(|e| to_py_err(py, e.into()))
}

/// The provenance of merging INI files, as JSON.
#[pyfunction]
#[pyo3(signature = (sources, strict = false, variables_json = None, show_secrets = false, search_path = Vec::new()))]
fn explain_ini_files(
    py: Python<'_>,
    sources: Vec<String>,
    strict: bool,
    variables_json: Option<&str>,
    show_secrets: bool,
    search_path: Vec<std::path::PathBuf>,
) -> PyResult<String> {
    let opts = options(true, strict, variables_json, search_path)?;
    let mut ex = py
        .detach(|| kolla_core::ini::explain_files(&sources, &opts))
        .map_err(|e| to_py_err(py, e))?;
    if !show_secrets {
        ex.redact();
    }
    Ok(serde_json::to_string(&ex).expect("explanations serialize"))
}

/// The provenance of merging (name, text) pairs, as JSON.
#[pyfunction]
#[pyo3(signature = (texts, show_secrets = false))]
fn explain_ini_texts(
    py: Python<'_>,
    texts: Vec<(String, String)>,
    show_secrets: bool,
) -> PyResult<String> {
    let mut ex = py
        .detach(|| {
            kolla_core::ini::explain::explain_texts(
                texts.iter().map(|(n, t)| (n.as_str(), t.as_str())),
            )
        })
        .map_err(|e| to_py_err(py, e.into()))?;
    if !show_secrets {
        ex.redact();
    }
    Ok(serde_json::to_string(&ex).expect("explanations serialize"))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(merge_ini_files, m)?)?;
    m.add_function(wrap_pyfunction!(merge_ini_texts, m)?)?;
    m.add_function(wrap_pyfunction!(explain_ini_files, m)?)?;
    m.add_function(wrap_pyfunction!(explain_ini_texts, m)?)
}
