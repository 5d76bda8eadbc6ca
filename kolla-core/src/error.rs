//! The crate-wide error type, its stable kinds, and source locations.
//!
//! Every module has its own `Error` enum. [`Error`] wraps them all so that
//! bindings and the CLI can ask one question, [`Error::kind`], and get a stable
//! string back, and [`Error::location`] for a `path:line:col` when the error
//! points into a file.

use std::fmt;
use std::path::PathBuf;

/// Where in a source an error happened.
///
/// Lines and columns are 1-based. It prints as `path:line:col` (or
/// `path:line` when the column is unknown), the form editors and terminals
/// turn into links.
///
/// ```
/// use kolla_core::Location;
/// let loc = Location::new("/etc/kolla/config/nova.conf", 4).with_column(2);
/// assert_eq!(loc.to_string(), "/etc/kolla/config/nova.conf:4:2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Location {
    /// The file, or a name standing for it (`<stdin>`, `-e`, a template name).
    pub path: String,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, when known.
    pub column: Option<usize>,
}

impl Location {
    /// A location at `line` of `path`, without a column.
    pub fn new(path: impl Into<String>, line: usize) -> Self {
        Location {
            path: path.into(),
            line,
            column: None,
        }
    }

    /// The same location with a column.
    pub fn with_column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(col) => write!(f, "{}:{}:{}", self.path, self.line, col),
            None => write!(f, "{}:{}", self.path, self.line),
        }
    }
}

/// A failed read or write of a file, naming the path.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct IoError {
    /// The file that could not be read or written.
    pub path: PathBuf,
    /// What the operating system said.
    #[source]
    pub source: std::io::Error,
}

impl IoError {
    /// Wraps an `io::Error` with the path it happened on.
    pub fn new(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IoError {
            path: path.into(),
            source,
        }
    }
}

/// Any error kolla-core returns.
///
/// Match on the variant for the module's own error, or call [`Error::kind`]
/// for a stable name that survives into Python (`KollaError.kind`) and JSON
/// output.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A YAML document could not be loaded.
    #[error(transparent)]
    Yaml(#[from] crate::yaml::Error),
    /// An INI config merge failed.
    #[error(transparent)]
    Ini(#[from] crate::ini::Error),
    /// A template failed to render.
    #[error(transparent)]
    Template(#[from] crate::template::Error),
    /// A merge source is a directory, or missing when that is refused.
    #[error(transparent)]
    Source(#[from] crate::source::Error),
    /// An inventory is malformed or a pattern is invalid.
    #[error(transparent)]
    Inventory(#[from] crate::inventory::Error),
    /// `config.json` is invalid or a config file could not be put in place.
    #[error(transparent)]
    SetConfigs(#[from] crate::set_configs::Error),
    /// A container engine operation failed.
    #[error(transparent)]
    Engine(#[from] crate::container::Error),
    /// A passwords file is not a mapping or an SSH key entry is malformed.
    #[error(transparent)]
    Passwords(#[from] crate::passwords::Error),
    /// The service catalog is invalid or a service name is unknown.
    #[error(transparent)]
    Catalog(#[from] crate::catalog::Error),
    /// A per-host variable could not be resolved.
    #[error(transparent)]
    Vars(#[from] crate::vars::Error),
    /// The service graph is inconsistent (cycle, missing dependency, no hosts).
    #[error(transparent)]
    Graph(#[from] crate::graph::Error),
    /// genconfig failed (missing templates, or one file, naming it).
    #[error(transparent)]
    Genconfig(#[from] crate::genconfig::Error),
}

impl Error {
    /// A stable, lowercase name for the kind of error.
    ///
    /// These strings are part of the public interface: the Python bindings map
    /// them onto `KollaError` subclasses and the CLI prints them with
    /// `--format json`.
    ///
    /// ```
    /// let err = kolla_core::yaml::load("x.yml", "a: [").unwrap_err();
    /// assert_eq!(kolla_core::Error::from(err).kind(), "yaml");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Io(_) => "io",
            Error::Yaml(e) if e.is_merge() => "config",
            Error::Yaml(_) => "yaml",
            Error::Ini(_) | Error::Source(_) => "config",
            Error::Template(_) => "template",
            Error::Inventory(_) => "inventory",
            Error::SetConfigs(_) => "set_configs",
            Error::Engine(_) => "engine",
            Error::Passwords(_) => "config",
            Error::Catalog(_) => "catalog",
            Error::Vars(_) => "vars",
            Error::Graph(_) => "graph",
            Error::Genconfig(crate::genconfig::Error::File { source, .. }) => source.kind(),
            Error::Genconfig(_) => "genconfig",
        }
    }

    /// Where in which file the error points, if it points into one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Io(_)
            | Error::Engine(_)
            | Error::Source(_)
            | Error::Vars(_)
            | Error::Graph(_) => None,
            Error::Catalog(e) => e.location(),
            Error::Yaml(e) => e.location(),
            Error::Ini(e) => e.location(),
            Error::Template(e) => e.location(),
            Error::Inventory(e) => e.location(),
            Error::SetConfigs(e) => e.location(),
            Error::Passwords(e) => e.location(),
            Error::Genconfig(e) => e.location(),
        }
    }

    /// The path the error is about, if any, even when no line is known.
    pub fn path(&self) -> Option<String> {
        match self {
            Error::Io(e) => Some(e.path.display().to_string()),
            Error::Yaml(e) => e.origin().map(str::to_string),
            Error::Ini(e) => Some(e.path().to_owned()),
            Error::Source(e) => Some(e.path().to_owned()),
            Error::Passwords(e) => Some(e.path().to_owned()),
            Error::Inventory(crate::inventory::Error::Source { path, .. }) => Some(path.clone()),
            _ => self.location().map(|l| l.path.clone()),
        }
    }
}

/// Shorthand for results with the crate-wide [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
