//! The service catalog: every service kolla-rs deploys, one data file each.
//!
//! The data files live in `kolla-core/catalog/services/<service>.yml` and are
//! embedded in the binary at build time. An operator override directory may
//! hold files of the same shape: a file named like an embedded service
//! replaces it, any other adds a service.
//!
//! ```
//! let catalog = kolla_core::catalog::Catalog::embedded()?;
//! let nova = catalog.get("nova")?;
//! assert!(nova.depends_on.hard.contains(&"keystone".to_string()));
//! // Old names still work.
//! assert_eq!(catalog.get("elasticsearch")?.service, "opensearch");
//! // Typos get a suggestion.
//! let err = catalog.get("nvoa").unwrap_err();
//! assert!(err.to_string().contains("did you mean `nova`?"));
//! # Ok::<(), kolla_core::Error>(())
//! ```

mod model;
mod suggest;

use std::collections::HashMap;
use std::path::Path;

pub use model::{
    ConfigFile, ConfigJsonFile, ConfigJsonPermission, ConfigJsonSpec, Container, Dependencies,
    Flag, Frontend, MergeKind, Service,
};
pub use suggest::closest;

use crate::error::{IoError, Location};

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// The variable defaults (`catalog/defaults.yml`), as embedded.
pub const DEFAULTS_YML: &str = include_str!("../../catalog/defaults.yml");

/// Errors of the catalog.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A data file does not match the catalog's shape.
    #[error("{location}: {message}")]
    Invalid {
        /// File and line.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A name is neither a service nor an alias.
    #[error("unknown service `{name}`{}", suggestion_text(.suggestion))]
    UnknownService {
        /// The name asked for.
        name: String,
        /// The closest known name, if one is close.
        suggestion: Option<String>,
    },
}

fn suggestion_text(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

impl Error {
    /// Where in which file the error points, if it does.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Invalid { location, .. } => Some(location),
            Error::UnknownService { .. } => None,
        }
    }
}

/// Every service, looked up by name or alias.
#[derive(Debug, Clone)]
pub struct Catalog {
    services: Vec<Service>,
    index: HashMap<String, usize>,
}

impl Catalog {
    /// The catalog embedded in the binary.
    ///
    /// # Errors
    /// An embedded file is invalid (a build defect; tests keep it from happening).
    pub fn embedded() -> crate::Result<Catalog> {
        Self::load(None)
    }

    /// The embedded catalog with the operator's override directory on top:
    /// every `*.yml` / `*.yaml` file there replaces the embedded service of the
    /// same name (its `service:` field) or adds a new one.
    ///
    /// # Errors
    /// A file cannot be read or does not match the catalog's shape (file:line),
    /// or two files define the same service or alias.
    pub fn load(override_dir: Option<&Path>) -> crate::Result<Catalog> {
        let mut services = Vec::with_capacity(EMBEDDED.len());
        for (name, text) in EMBEDDED {
            services.push(parse(&format!("catalog/services/{name}"), text)?);
        }
        if let Some(dir) = override_dir {
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| IoError::new(dir, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
                .collect();
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).map_err(|e| IoError::new(&path, e))?;
                let svc = parse(&path.display().to_string(), &text)?;
                match services.iter_mut().find(|s| s.service == svc.service) {
                    Some(slot) => *slot = svc,
                    None => services.push(svc),
                }
            }
        }
        services.sort_by(|a, b| a.service.cmp(&b.service));
        let mut index = HashMap::new();
        for (i, s) in services.iter().enumerate() {
            for name in std::iter::once(&s.service).chain(&s.aliases) {
                if let Some(j) = index.insert(name.clone(), i) {
                    return Err(Error::Invalid {
                        location: Location::new(format!("catalog service {}", s.service), 1),
                        message: format!(
                            "`{name}` names both `{}` and `{}`",
                            services[j].service, s.service
                        ),
                    }
                    .into());
                }
            }
        }
        Ok(Catalog { services, index })
    }

    /// Every service, sorted by name.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service called `name` (or aliased so), if any.
    pub fn find(&self, name: &str) -> Option<&Service> {
        self.index.get(name).map(|&i| &self.services[i])
    }

    /// The service called `name` (or aliased so).
    ///
    /// # Errors
    /// [`Error::UnknownService`], with the closest known name.
    pub fn get(&self, name: &str) -> crate::Result<&Service> {
        self.find(name).ok_or_else(|| self.unknown(name).into())
    }

    /// The unknown-service error for `name`, with a suggestion.
    pub fn unknown(&self, name: &str) -> Error {
        Error::UnknownService {
            name: name.to_string(),
            suggestion: closest(name, self.index.keys().map(String::as_str)).map(str::to_string),
        }
    }

    /// The canonical name of a service or alias.
    pub fn canonical<'a>(&'a self, name: &str) -> Option<&'a str> {
        self.find(name).map(|s| s.service.as_str())
    }
}

/// Parses one data file; errors carry file:line.
fn parse(origin: &str, text: &str) -> crate::Result<Service> {
    let value = crate::yaml::load(origin, text)?;
    let svc: Service = serde_json::from_value(value).map_err(|e| {
        let message = e.to_string();
        Error::Invalid {
            location: Location::new(origin, line_of(text, &message)),
            message,
        }
    })?;
    check(origin, text, &svc)?;
    Ok(svc)
}

/// Rules serde cannot express: names present, containers present, unique keys.
fn check(origin: &str, text: &str, svc: &Service) -> crate::Result<()> {
    let bad = |needle: &str, message: String| -> crate::Error {
        Error::Invalid {
            location: Location::new(origin, find_line(text, needle).unwrap_or(1)),
            message,
        }
        .into()
    };
    if svc.service.is_empty() {
        return Err(bad("service:", "`service` is empty".into()));
    }
    if svc.containers.is_empty() {
        return Err(bad(
            "containers:",
            format!("service `{}` has no containers", svc.service),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for c in &svc.containers {
        if !seen.insert(c.name.as_str()) {
            return Err(bad(
                &format!("name: {}", c.name),
                format!("container `{}` appears twice", c.name),
            ));
        }
        if c.group.is_empty() {
            return Err(bad(
                &format!("name: {}", c.name),
                format!("container `{}` has an empty group", c.name),
            ));
        }
    }
    Ok(())
}

/// The line a serde message points at: the first line holding a name the
/// message quotes in backticks, else 1.
fn line_of(text: &str, message: &str) -> usize {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| !name.is_empty())
        .find_map(|name| find_line(text, &format!("{name}:")))
        .unwrap_or(1)
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

#[cfg(test)]
mod tests;
