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
/// skipped unless `strict`. Includes search `search_path`, then each
/// source's own directory.
#[pyfunction]
#[pyo3(signature = (sources, extend_lists = false, yaml_width = None, vars_json = None, strict = false, search_path = Vec::new()))]
fn merge_yaml_files(
    py: Python<'_>,
    sources: Vec<String>,
    extend_lists: bool,
    yaml_width: Option<usize>,
    vars_json: Option<&str>,
    strict: bool,
    search_path: Vec<std::path::PathBuf>,
) -> PyResult<String> {
    use kolla_core::source::{Missing, Pipeline};
    use kolla_core::yaml::merge::MergeOptions;
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
    py.detach(|| {
        let pipeline = Pipeline {
            vars: &vars,
            search_path: &search_path,
            missing,
        };
        kolla_core::source::merge_yaml_files(&sources, &opts, &pipeline)
    })
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

/// Renders template text the way Ansible does. Includes search
/// `search_path`, then (for a template read from `path`) its directory.
#[pyfunction]
#[pyo3(signature = (name, source, vars_json = None, search_path = Vec::new(), path = None))]
fn render_template(
    py: Python<'_>,
    name: &str,
    source: &str,
    vars_json: Option<&str>,
    search_path: Vec<std::path::PathBuf>,
    path: Option<std::path::PathBuf>,
) -> PyResult<String> {
    let vars = parse_vars(py, vars_json)?;
    let opts = kolla_core::template::RenderOptions {
        search_path: match &path {
            Some(p) => kolla_core::template::search_path_for(p, &search_path),
            None => search_path,
        },
        ..Default::default()
    };
    py.detach(|| kolla_core::template::render_with(name, source, &vars, &opts))
        .map_err(|e| to_py_err(py, e.into()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load_yaml_json, m)?)?;
    m.add_function(wrap_pyfunction!(merge_yaml_files, m)?)?;
    m.add_function(wrap_pyfunction!(merge_yaml_texts, m)?)?;
    m.add_function(wrap_pyfunction!(render_template, m)?)
}
