//! Jinja templating configured the way Ansible renders kolla's templates.
//!
//! One environment, built once: undefined variables are errors that name the
//! template, the line and the variable; `trim_blocks` is on and the final
//! newline is kept, as in Ansible's templar.

use minijinja::{Environment, UndefinedBehavior};

mod vars;
pub use vars::Vars;

use crate::error::Location;

/// A template failed to render.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Syntax error, undefined variable, or a failing filter.
    #[error("{location}: {message}")]
    Render {
        /// The template and line.
        location: Location,
        /// minijinja's description.
        message: String,
        /// The underlying error.
        #[source]
        source: minijinja::Error,
    },
}

impl Error {
    /// Where in which template the error is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Render { location, .. } => Some(location),
        }
    }
}

/// Builds the environment every kolla-rs rendering uses.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_keep_trailing_newline(true);
    env
}

/// Renders `source` (named `name` in errors) with `vars`.
///
/// ```
/// let vars = serde_json::json!({"virt_type": "qemu"});
/// let out = kolla_core::template::render("nova.conf", "[libvirt]\nvirt_type = {{ virt_type }}\n", &vars).unwrap();
/// assert_eq!(out, "[libvirt]\nvirt_type = qemu\n");
///
/// let err = kolla_core::template::render("nova.conf", "a\n{{ nope }}\n", &vars).unwrap_err();
/// assert!(err.to_string().starts_with("nova.conf:2: "), "{err}");
/// ```
///
/// # Errors
/// [`Error::Render`] with the template name and line.
pub fn render(name: &str, source: &str, vars: &serde_json::Value) -> Result<String, Error> {
    let env = environment();
    let wrap = |e: minijinja::Error| Error::Render {
        location: Location::new(name, e.line().unwrap_or(1)),
        message: e.to_string(),
        source: e,
    };
    let tmpl = env.template_from_named_str(name, source).map_err(wrap)?;
    tmpl.render(vars).map_err(wrap)
}
