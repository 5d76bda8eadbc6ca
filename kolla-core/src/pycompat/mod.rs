//! Python compatibility: the one home of every piece of Python behaviour
//! that upstream's output or messages depend on. Each lives here once and
//! every module uses it from here. It uses no other module of the crate
//! (Ansible's JSON-then-YAML `DataLoader` is [`crate::yaml::load_data`]).
//!
//! - [`text`] for `str.isspace`, `strip`, `len()`, and `repr()` of a `str`;
//! - [`float`] for `repr(float)` and `str(complex)`;
//! - [`value`] for `str()` and `repr()` of any value ([`PyValue`] is implemented
//!   by JSON values, template values and YAML nodes);
//! - [`json`] for `json.dumps` (the one string escaper);
//! - [`shlex`] for `shlex.split`;
//! - [`re`] for Python `re` patterns and `re.sub` templates;
//! - [`printf`] for `%` string formatting;
//! - [`literal`] for `ast.literal_eval`;
//! - [`set`] for the iteration order of CPython's `set`.

pub mod float;
mod int;
pub mod json;
pub(crate) mod literal;
pub mod printf;
pub mod re;
pub mod set;
pub(crate) mod shlex;
pub(crate) mod text;
pub mod value;

pub use float::{complex_str, float_repr};
pub use int::int_str;
pub use text::repr as str_repr;
pub(crate) use text::{char_len, lstrip, rstrip, strip};
pub use value::{as_int, py_repr, py_str, write_repr, PyKind, PyValue};
