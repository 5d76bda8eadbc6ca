//! `kolla_rs.genconfig`: kolla-core's genconfig (generate, then write),
//! returning the change report as JSON text.

use std::path::PathBuf;

use pyo3::prelude::*;

use kolla_core::catalog::Catalog;
use kolla_core::genconfig::{self, Options, WriteOptions};
use kolla_core::inventory::Inventory;

use crate::errors::to_py_err;

/// Generates and writes every config directory like `kolla genconfig`;
/// the per-(host, key) change report and the missing templates as JSON text.
#[pyfunction]
#[pyo3(signature = (inventory, out = None, globals = None, passwords = None, extra = Vec::new(), facts = None, catalog_dir = None, config_dir = None, templates = None, limit = None, services = Vec::new(), keep_going = false, check = false))]
#[allow(clippy::too_many_arguments)]
fn genconfig_json(
    py: Python<'_>,
    inventory: Vec<String>,
    out: Option<PathBuf>,
    globals: Option<PathBuf>,
    passwords: Option<PathBuf>,
    extra: Vec<String>,
    facts: Option<PathBuf>,
    catalog_dir: Option<PathBuf>,
    config_dir: Option<PathBuf>,
    templates: Option<PathBuf>,
    limit: Option<String>,
    services: Vec<String>,
    keep_going: bool,
    check: bool,
) -> PyResult<String> {
    py.detach(|| -> kolla_core::Result<String> {
        let catalog = Catalog::load(catalog_dir.as_deref())?;
        let inv = Inventory::load(&inventory)?;
        let inputs = crate::catalog::inputs(
            &inv,
            globals.as_ref(),
            passwords.as_ref(),
            &extra,
            facts.as_ref(),
        )?;
        let options = Options {
            limit,
            services,
            config_dir,
            template_dir: templates,
            keep_going,
        };
        let generated = genconfig::generate(&catalog, &inv, &inputs, &options)?;
        let changes = genconfig::write(&generated.configs, &WriteOptions { out, check })?;
        Ok(serde_json::json!({"changes": changes, "missing": generated.missing, "failed": generated.failed}).to_string())
    })
    .map_err(|e| to_py_err(py, e))
}

/// Registers the function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(genconfig_json, m)?)
}
