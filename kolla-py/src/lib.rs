//! `kolla_rs._native`: the private native module behind the `kolla_rs`
//! Python package. Each function converts its arguments, calls one
//! kolla-core function, and converts the result or error back.

use pyo3::prelude::*;

mod catalog;
mod config;
mod engine;
mod errors;
mod genconfig;
mod inventory;
mod passwords;
mod yaml;

/// The native module. Python code imports `kolla_rs`, not this.
#[pymodule(gil_used = false)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    yaml::register(m)?;
    engine::register(m)?;
    config::register(m)?;
    inventory::register(m)?;
    passwords::register(m)?;
    catalog::register(m)?;
    genconfig::register(m)?;
    Ok(())
}
