//! Turns kolla-core errors into `kolla_rs.KollaError` subclasses that keep
//! `kind`, `path`, `line` and `column`.

use pyo3::prelude::*;

/// Builds the Python exception for a core error, through
/// `kolla_rs._errors.make_error`, which picks the subclass by kind.
pub fn to_py_err(py: Python<'_>, err: kolla_core::Error) -> PyErr {
    let loc = err.location().cloned();
    let build = || -> PyResult<PyErr> {
        let module = py.import("kolla_rs._errors")?;
        let exc = module.getattr("make_error")?.call1((
            err.kind(),
            err.to_string(),
            err.path(),
            loc.as_ref().map(|l| l.line),
            loc.as_ref().and_then(|l| l.column),
        ))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}
