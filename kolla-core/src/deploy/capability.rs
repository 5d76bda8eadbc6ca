//! What an engine allows: privileged containers, `:shared` mount
//! propagation, the `nofile` ulimit Kolla's default dimensions ask for.
//! Engines differ (a rootless or nested Docker refuses some); each refusal
//! the deployment would hit becomes a finding with its fix, before anything
//! starts.

use std::path::Path;

use serde::Serialize;

use super::{desired::DesiredState, Relax};
use crate::engine::{self, ContainerEngine, ContainerSpec, Dimensions, Ulimit};

/// The image the probe containers run.
pub const PROBE_IMAGE: &str = "kolla-rs/capability-probe:latest";

/// Kolla's default `nofile` limit (`default_container_dimensions`).
pub const KOLLA_NOFILE: i64 = 1_048_576;

/// What one engine allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// The engine endpoint.
    pub endpoint: String,
    /// Privileged containers start.
    pub privileged: bool,
    /// `:shared` bind mounts start (`/` is a shared mount).
    pub shared_mounts: bool,
    /// The hard `nofile` limit a container gets, when it is below Kolla's default.
    pub nofile_hard: Option<i64>,
    /// The engine's messages for what failed.
    pub messages: Vec<String>,
}

impl Capabilities {
    /// Everything allowed (the in-memory engine).
    pub fn all(endpoint: &str) -> Capabilities {
        Capabilities {
            endpoint: endpoint.to_string(),
            privileged: true,
            shared_mounts: true,
            nofile_hard: None,
            messages: Vec::new(),
        }
    }

    /// What a simulated or quickstart run drops on this engine.
    pub fn relax(&self) -> Relax {
        Relax {
            privileged: !self.privileged,
            shared_mounts: !self.shared_mounts,
            nofile_hard: self.nofile_hard,
        }
    }
}

/// Probes the engine with three one-shot containers of a busybox image.
///
/// # Errors
/// The engine fails for another reason than a refusal (unreachable, build).
pub async fn probe(
    engine: &dyn ContainerEngine,
    busybox: &Path,
) -> Result<Capabilities, engine::Error> {
    if engine.endpoint().starts_with("memory") {
        return Ok(Capabilities::all(engine.endpoint()));
    }
    if !engine.image_exists(PROBE_IMAGE).await? {
        let ctx = engine::image::busybox_context(busybox, &[])?;
        engine.build_image(PROBE_IMAGE, ctx).await?;
    }
    let base = format!("kolla_rs_probe_{}", std::process::id());
    let spec = |suffix: &str| ContainerSpec {
        name: format!("{base}_{suffix}"),
        image: PROBE_IMAGE.into(),
        command: vec!["true".into()],
        labels: [("kolla-rs.probe".to_string(), "1".to_string())].into(),
        network_mode: "none".into(),
        ..Default::default()
    };
    let mut caps = Capabilities::all(engine.endpoint());
    let mut privileged = spec("privileged");
    privileged.privileged = true;
    if let Err(m) = try_run(engine, &privileged).await? {
        caps.privileged = false;
        caps.messages.push(format!("privileged: {m}"));
    }
    let mut shared = spec("shared");
    shared.volumes = vec!["/run:/run:shared".into()];
    if let Err(m) = try_run(engine, &shared).await? {
        caps.shared_mounts = false;
        caps.messages.push(format!(":shared volume: {m}"));
    }
    let mut nofile = spec("nofile");
    nofile.dimensions = Dimensions {
        ulimits: Some(vec![Ulimit {
            name: "nofile".into(),
            soft: Some(KOLLA_NOFILE),
            hard: Some(KOLLA_NOFILE),
        }]),
        ..Default::default()
    };
    if let Err(m) = try_run(engine, &nofile).await? {
        caps.messages.push(format!("nofile {KOLLA_NOFILE}: {m}"));
        // What a container gets without asking: the engine's own limit.
        let mut ask = spec("ulimit");
        ask.command = vec!["sh".into(), "-c".into(), "ulimit -Hn".into()];
        let limit = match run_output(engine, &ask).await? {
            Ok(out) => out.trim().parse::<i64>().ok(),
            Err(_) => None,
        };
        caps.nofile_hard = Some(limit.unwrap_or(1024));
    }
    Ok(caps)
}

/// Creates, starts and waits for a probe container; `Err(message)` when the
/// engine refuses it. Always removes it.
async fn try_run(
    engine: &dyn ContainerEngine,
    spec: &ContainerSpec,
) -> Result<Result<(), String>, engine::Error> {
    Ok(run_output(engine, spec).await?.map(|_| ()))
}

async fn run_output(
    engine: &dyn ContainerEngine,
    spec: &ContainerSpec,
) -> Result<Result<String, String>, engine::Error> {
    let _ = engine.remove_container(&spec.name, true).await;
    let result = async {
        engine.create_container(spec).await?;
        engine.start_container(&spec.name).await?;
        engine.wait_container(&spec.name).await?;
        engine.logs(&spec.name).await
    }
    .await;
    let _ = engine.remove_container(&spec.name, true).await;
    match result {
        Ok(out) => Ok(Ok(out)),
        Err(e @ engine::Error::Unreachable { .. }) => Err(e),
        Err(e) => Ok(Err(e.to_string())),
    }
}

/// The findings for what `desired` needs and `caps` refuses, each with its
/// fix; empty when the engine allows everything needed.
pub fn findings(desired: &DesiredState, caps: &Capabilities) -> Vec<String> {
    let mut out = Vec::new();
    let privileged: Vec<&str> = desired
        .containers
        .iter()
        .filter(|c| c.spec.privileged)
        .map(|c| c.container.as_str())
        .collect();
    if !caps.privileged && !privileged.is_empty() {
        out.push(format!(
            "the engine at {} refuses privileged containers (unable to apply caps: operation not permitted), and {} need it; fix: run Docker where it may grant capabilities (not in an unprivileged container or user namespace), or disable those services",
            caps.endpoint,
            dedup(privileged)
        ));
    }
    let shared: Vec<&str> = desired
        .containers
        .iter()
        .filter(|c| c.spec.volumes.iter().any(|v| v.ends_with(":shared")))
        .map(|c| c.container.as_str())
        .collect();
    if !caps.shared_mounts && !shared.is_empty() {
        out.push(format!(
            "`/` is not a shared mount on the engine's host, so the :shared volumes of {} fail; fix: `mount --make-rshared /` on that host",
            dedup(shared)
        ));
    }
    if let Some(max) = caps.nofile_hard {
        let over: Vec<&str> = desired
            .containers
            .iter()
            .filter(|c| {
                c.spec.dimensions.ulimits.as_ref().is_some_and(|u| {
                    u.iter()
                        .any(|l| l.name == "nofile" && l.hard.or(l.soft).is_some_and(|h| h > max))
                })
            })
            .map(|c| c.container.as_str())
            .collect();
        if !over.is_empty() {
            out.push(format!(
                "the engine's hard nofile limit is {max}, and {} ask more (Kolla's default_container_dimensions: {KOLLA_NOFILE}); fix: raise dockerd's LimitNOFILE (systemd) to {KOLLA_NOFILE}, or set default_container_dimensions to nofile {max} in globals.yml",
                dedup(over)
            ));
        }
    }
    out
}

fn dedup(mut v: Vec<&str>) -> String {
    v.sort_unstable();
    v.dedup();
    if v.len() > 6 {
        format!("{} and {} more", v[..6].join(", "), v.len() - 6)
    } else {
        v.join(", ")
    }
}
