//! Python compatibility: the one home of every piece of Python behaviour
//! that upstream's output or messages depend on. Each lives here once and
//! every module uses it from here.
//!
//! - [`text`] for `str.isspace`, `strip`, `len()`, and `repr()` of a `str`;
//! - [`float`] for `repr(float)` and `str(complex)`;
//! - [`value`] for `str()` and `repr()` of any value ([`PyValue`] is implemented
//!   by JSON values, template values and YAML nodes);
//! - [`json`] for `json.dumps` (the one string escaper);
//! - [`load_data`] for Ansible's `DataLoader` (JSON first, then YAML 1.1);
//! - [`shlex`] for `shlex.split`;
//! - [`re`] for Python `re` patterns and `re.sub` templates;
//! - [`printf`] for `%` string formatting;
//! - [`literal`] for `ast.literal_eval`;
//! - [`set`] for the iteration order of CPython's `set`.

pub mod float;
pub mod json;
pub(crate) mod literal;
pub mod printf;
pub mod re;
pub mod set;
pub(crate) mod shlex;
pub(crate) mod text;
pub mod value;

pub use float::{complex_str, float_repr};
pub use text::repr as str_repr;
pub(crate) use text::{char_len, lstrip, rstrip, strip};
pub use value::{as_int, py_repr, py_str, write_repr, PyKind, PyValue};

/// Ansible's `DataLoader` (also its `from_yaml` and `-e @file`): JSON first,
/// with JSON's typing (so `1e-07` is a float and `"\ud83d\ude00"` a surrogate
/// pair), then YAML 1.1.
///
/// ```
/// let v = kolla_core::pycompat::load_data("v.json", r#"{"f": 1e-07}"#).unwrap();
/// assert_eq!(v["f"], 1e-07);
/// assert_eq!(kolla_core::pycompat::load_data("v.yml", "a: yes").unwrap()["a"], true);
/// ```
///
/// # Errors
/// The YAML error when the text is neither JSON nor YAML.
pub fn load_data(origin: &str, text: &str) -> Result<serde_json::Value, crate::yaml::Error> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Ok(v),
        Err(_) => crate::yaml::load(origin, text),
    }
}
