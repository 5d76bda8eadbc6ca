//! Day-2 operations on a deployed cloud: find kolla-rs's containers on the
//! engines, report their state and health ([`status`]), read or follow their
//! logs across hosts ([`logs`]).
//!
//! Containers are found by the labels the deployer puts on them
//! ([`crate::container::labels`]), so these operations need nothing but the
//! engines: the host a container belongs to is its `kolla-rs.host` label,
//! which also holds on one engine that carries several simulated hosts.

mod logs;
mod status;
mod time;

use std::sync::Arc;

pub use logs::{logs, parse_since, LogLine, LogsRequest};
pub use status::{status, ContainerStatus, Status};

use crate::catalog::Catalog;
use crate::container::labels;
use crate::engine::{ContainerEngine, ListFilter};

/// A container kolla-rs deployed, as found on an engine.
#[derive(Debug, Clone)]
pub struct Found {
    /// Which engine (index into the engines given to [`find`]).
    pub engine: usize,
    /// The inventory host it belongs to.
    pub host: String,
    /// The engine's name for it (`nova_api`, or `ctl01-nova_api` on a
    /// simulated host).
    pub name: String,
    /// The catalog service (`nova`).
    pub service: String,
    /// The catalog container (`nova_api`).
    pub container: String,
}

/// Which containers an operation is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Selector {
    /// Every container.
    #[default]
    All,
    /// Every container of a catalog service (by its name or an alias).
    Service(String),
    /// One catalog container name (`nova_api`) or engine name
    /// (`ctl01-nova_api`), on whichever hosts run it.
    Container(String),
}

impl Selector {
    /// A service when the catalog knows the name (or an alias of it),
    /// otherwise a container name.
    pub fn parse(name: &str, catalog: &Catalog) -> Selector {
        match catalog.canonical(name) {
            Some(service) => Selector::Service(service.to_string()),
            None => Selector::Container(name.to_string()),
        }
    }

    fn matches(&self, f: &Found) -> bool {
        match self {
            Selector::All => true,
            Selector::Service(s) => f.service == *s,
            Selector::Container(c) => f.container == *c || f.name == *c,
        }
    }
}

/// Finds kolla-rs's containers on `engines`, running or not, in host then
/// name order, optionally only those of `host`.
///
/// # Errors
/// The engine error (naming its endpoint) when an engine cannot be listed.
pub async fn find(
    engines: &[Arc<dyn ContainerEngine>],
    selector: &Selector,
    host: Option<&str>,
) -> Result<Vec<Found>, crate::engine::Error> {
    let filter = ListFilter {
        all: true,
        label: Some(format!("{}=true", labels::MANAGED)),
        ..Default::default()
    };
    let mut out = Vec::new();
    for (i, engine) in engines.iter().enumerate() {
        for c in engine.list_containers(&filter).await? {
            let get = |k: &str| c.labels.get(k).cloned().unwrap_or_default();
            let found = Found {
                engine: i,
                host: get(labels::HOST),
                service: get(labels::SERVICE),
                container: get(labels::CONTAINER),
                name: c.name.clone(),
            };
            if host.is_some_and(|h| h != found.host) || !selector.matches(&found) {
                continue;
            }
            out.push(found);
        }
    }
    out.sort_by(|a, b| (&a.host, &a.name).cmp(&(&b.host, &b.name)));
    Ok(out)
}

#[cfg(test)]
mod tests;
