//! YAML loading with Ansible's (YAML 1.1) typing, and kolla-ansible's
//! `merge_yaml`.

use pyo3::prelude::*;

use crate::errors::to_py_err;

fn parse_vars(py: Python<'_>, vars_json: Option<&str>) -> PyResult<serde_json::Value> {
    match vars_json {
        None => Ok(serde_json::Value::Object(Default::default())),
        Some(s) => serde_json::from_str(s).map_err(|e| {
            to_py_err(
                py,
                kolla_core::yaml::Error::BadExtraVars {
                    arg: "variables".into(),
                    message: e.to_string(),
                }
                .into(),
            )
        }),
    }
}

/// Loads YAML text and returns it as a JSON string (the Python side decodes it).
#[pyfunction]
#[pyo3(signature = (text, origin = "<string>"))]
fn load_yaml_json(py: Python<'_>, text: &str, origin: &str) -> PyResult<String> {
    let value = py
        .detach(|| kolla_core::yaml::load(origin, text))
        .map_err(|e| to_py_err(py, e.into()))?;
    Ok(value.to_string())
}

/// Renders, merges and dumps YAML files (`merge_yaml`); missing files are
/// skipped unless `strict`.
#[pyfunction]
#[pyo3(signature = (sources, extend_lists = false, yaml_width = None, vars_json = None, strict = false))]
fn merge_yaml_files(
    py: Python<'_>,
    sources: Vec<String>,
    extend_lists: bool,
    yaml_width: Option<usize>,
    vars_json: Option<&str>,
    strict: bool,
) -> PyResult<String> {
    use kolla_core::yaml::merge::{MergeOptions, Missing};
    let vars = parse_vars(py, vars_json)?;
    let opts = MergeOptions {
        extend_lists,
        yaml_width,
    };
    let missing = if strict {
        Missing::Error
    } else {
        Missing::Skip
    };
    py.detach(|| kolla_core::yaml::merge::merge_yaml_files(&sources, &opts, &vars, missing))
        .map_err(|e| to_py_err(py, e))
}

/// Merges and dumps already-rendered YAML texts, given as (origin, text).
#[pyfunction]
#[pyo3(signature = (texts, extend_lists = false, yaml_width = None))]
fn merge_yaml_texts(
    py: Python<'_>,
    texts: Vec<(String, String)>,
    extend_lists: bool,
    yaml_width: Option<usize>,
) -> PyResult<String> {
    let opts = kolla_core::yaml::merge::MergeOptions {
        extend_lists,
        yaml_width,
    };
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(o, t)| (o.as_str(), t.as_str()))
        .collect();
    py.detach(|| kolla_core::yaml::merge::merge_yaml(&refs, &opts))
        .map_err(|e| to_py_err(py, e.into()))
}

/// Renders template text the way Ansible does.
#[pyfunction]
#[pyo3(signature = (name, source, vars_json = None))]
fn render_template(
    py: Python<'_>,
    name: &str,
    source: &str,
    vars_json: Option<&str>,
) -> PyResult<String> {
    let vars = parse_vars(py, vars_json)?;
    py.detach(|| kolla_core::template::render(name, source, &vars))
        .map_err(|e| to_py_err(py, e.into()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load_yaml_json, m)?)?;
    m.add_function(wrap_pyfunction!(merge_yaml_files, m)?)?;
    m.add_function(wrap_pyfunction!(merge_yaml_texts, m)?)?;
    m.add_function(wrap_pyfunction!(render_template, m)?)
}
