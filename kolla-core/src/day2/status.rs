//! `kolla status`: every kolla-rs container per host with its image and tag,
//! state, health and uptime.

use std::sync::Arc;

use serde::Serialize;

use super::time::{now, parse_rfc3339};
use super::{find, Selector};
use crate::container::normalize::parse_image;
use crate::engine::{ContainerEngine, Error};

/// One container's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerStatus {
    /// The inventory host.
    pub host: String,
    /// The engine's container name.
    pub name: String,
    /// The catalog service.
    pub service: String,
    /// The catalog container.
    pub container: String,
    /// The image repository, without the tag.
    pub image: String,
    /// The image tag.
    pub tag: String,
    /// `running`, `exited`, `restarting`, ...
    pub state: String,
    /// `healthy`, `unhealthy` or `starting`; `None` without a healthcheck.
    pub health: Option<String>,
    /// Seconds since it started, while it runs.
    pub uptime_seconds: Option<i64>,
    /// The exit code, when it has exited.
    pub exit_code: Option<i64>,
    /// What differs from what kolla-rs would deploy now (empty: in sync).
    pub drift: Vec<String>,
}

impl ContainerStatus {
    /// Running, and healthy when it has a healthcheck.
    pub fn is_healthy(&self) -> bool {
        self.state == "running" && matches!(self.health.as_deref(), None | Some("healthy"))
    }
}

/// The state of a cloud's containers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Every container, in host then name order.
    pub containers: Vec<ContainerStatus>,
}

impl Status {
    /// Every container running and healthy, and none drifted. An empty cloud
    /// is not healthy: there is nothing to serve.
    pub fn ok(&self) -> bool {
        !self.containers.is_empty()
            && self
                .containers
                .iter()
                .all(|c| c.is_healthy() && c.drift.is_empty())
    }

    /// The JSON document `kolla status --format json` prints: the
    /// containers grouped by host, and the overall verdict.
    pub fn to_json(&self) -> serde_json::Value {
        let mut hosts: indexmap::IndexMap<&str, Vec<&ContainerStatus>> = Default::default();
        for c in &self.containers {
            hosts.entry(c.host.as_str()).or_default().push(c);
        }
        serde_json::json!({
            "ok": self.ok(),
            "hosts": hosts
                .into_iter()
                .map(|(host, cs)| serde_json::json!({"host": host, "containers": cs}))
                .collect::<Vec<_>>(),
        })
    }
}

/// Reads the state of every kolla-rs container on `engines` (only those of
/// `host` when given, only those `selector` picks).
///
/// # Errors
/// The engine error, naming its endpoint, when an engine cannot be read.
pub async fn status(
    engines: &[Arc<dyn ContainerEngine>],
    selector: &Selector,
    host: Option<&str>,
) -> Result<Status, Error> {
    let mut containers = Vec::new();
    let now = now();
    for f in find(engines, selector, host).await? {
        let Some(info) = engines[f.engine].inspect_container(&f.name).await? else {
            continue; // removed between the listing and now
        };
        let (image, tag) = parse_image(&info.image);
        let state = &info.raw["State"];
        let uptime_seconds = (info.status == "running")
            .then(|| state["StartedAt"].as_str().and_then(parse_rfc3339))
            .flatten()
            .map(|t| (now - t).max(0));
        containers.push(ContainerStatus {
            host: f.host,
            name: f.name,
            service: f.service,
            container: f.container,
            image,
            tag,
            exit_code: (info.status == "exited")
                .then_some(info.exit_code)
                .flatten(),
            state: info.status,
            health: info.health,
            uptime_seconds,
            drift: Vec::new(),
        });
    }
    Ok(Status { containers })
}
