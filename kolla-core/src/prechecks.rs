//! Prechecks: can this host's container engine build and run Kolla
//! containers? The engine is asked for its version, a probe image is built
//! from a static busybox, and a container of it runs once and is removed.
//!
//! The CLI's `kolla prechecks` prints the [`Report`]; the in-memory engine
//! cannot pass (it runs no processes, so the probe never exits).

use std::path::Path;

use crate::engine::{self, ContainerEngine, ContainerSpec};

/// The image the probe container runs.
pub const PROBE_IMAGE: &str = "kolla-rs/prechecks:latest";
/// What the probe container prints.
pub const PROBE_LINE: &str = "kolla-rs prechecks: container ran";

/// What the prechecks found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// The engine's address (`unix:///var/run/docker.sock`, `memory://`).
    pub endpoint: String,
    /// The engine's own version.
    pub version: String,
    /// The API version in use.
    pub api_version: String,
    /// Operating system and architecture.
    pub platform: String,
    /// The probe image built.
    pub image: String,
    /// The probe container's exit code.
    pub exit_code: i64,
    /// What the probe container printed.
    pub output: String,
}

impl Report {
    /// The report as text, one finding per line, ending with the verdict.
    pub fn to_text(&self) -> String {
        format!(
            "engine:   {}\nversion:  {} (API {})\nplatform: {}\nimage:    built {}\nrun:      {}\nprechecks passed\n",
            self.endpoint,
            self.version,
            self.api_version,
            self.platform,
            self.image,
            self.output.trim_end()
        )
    }
}

/// Runs the prechecks on `engine`, building the probe image from the static
/// busybox at `busybox`. The probe container is removed whether it passed
/// or not.
///
/// # Errors
/// The engine's error for the step that failed, or
/// [`engine::Error::Action`] when the probe container did not exit 0 or
/// printed something else than expected.
pub async fn run<E: ContainerEngine + ?Sized>(
    engine: &E,
    busybox: &Path,
) -> Result<Report, engine::Error> {
    let version = engine.version().await?;
    let ctx = engine::image::busybox_context(busybox, &[])?;
    engine.build_image(PROBE_IMAGE, ctx).await?;
    let name = format!("kolla_prechecks_{}", std::process::id());
    let spec = ContainerSpec {
        name: name.clone(),
        image: PROBE_IMAGE.into(),
        command: vec!["echo".into(), PROBE_LINE.into()],
        labels: [("kolla-rs.prechecks".to_string(), "1".to_string())].into(),
        network_mode: "host".into(),
        ..Default::default()
    };
    let outcome = probe(engine, &spec).await;
    // Always clean up, even when the probe failed.
    let _ = engine.remove_container(&name, true).await;
    let (code, output) = outcome?;
    if code != 0 || !output.contains(PROBE_LINE) {
        return Err(engine::Error::Action {
            message: format!("the probe container exited with {code} and printed {output:?}"),
            details: Default::default(),
        });
    }
    Ok(Report {
        endpoint: engine.endpoint().to_string(),
        version: version.version,
        api_version: version.api_version,
        platform: version.platform,
        image: PROBE_IMAGE.into(),
        exit_code: code,
        output,
    })
}

async fn probe<E: ContainerEngine + ?Sized>(
    engine: &E,
    spec: &ContainerSpec,
) -> Result<(i64, String), engine::Error> {
    engine.create_container(spec).await?;
    engine.start_container(&spec.name).await?;
    let code = engine.wait_container(&spec.name).await?;
    let output = engine.logs(&spec.name).await?;
    Ok((code, output))
}
