//! `kolla prechecks`: can this host's engine build and run Kolla containers?

use std::process::ExitCode;

use anyhow::Context;
use kolla_core::engine::{self, ContainerEngine, ContainerSpec, DockerEngine};

use crate::cli::Format;

/// Arguments of `kolla prechecks`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A statically linked busybox to build the probe image from
    /// (default: $KOLLA_BUSYBOX or /bin/busybox from busybox-static).
    #[arg(long)]
    pub busybox: Option<std::path::PathBuf>,
}

const PROBE_IMAGE: &str = "kolla-rs/prechecks:latest";
const PROBE_LINE: &str = "kolla-rs prechecks: container ran";

/// Runs the checks and prints what was found.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let rt = super::runtime()?;
    let report = rt.block_on(check(args))?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => {
            println!("engine:   {}", report["endpoint"].as_str().unwrap_or(""));
            println!(
                "version:  {} (API {})",
                report["version"].as_str().unwrap_or(""),
                report["api_version"].as_str().unwrap_or("")
            );
            println!("platform: {}", report["platform"].as_str().unwrap_or(""));
            println!("image:    built {PROBE_IMAGE}");
            println!(
                "run:      {}",
                report["output"].as_str().unwrap_or("").trim_end()
            );
            println!("prechecks passed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn check(args: Args) -> anyhow::Result<serde_json::Value> {
    let engine = DockerEngine::connect()
        .await
        .map_err(kolla_core::Error::from)?;
    let version = engine.version().await.map_err(kolla_core::Error::from)?;
    let busybox = match args.busybox {
        Some(p) => p,
        None => engine::image::find_static_busybox().map_err(kolla_core::Error::from)?,
    };
    let ctx = engine::image::busybox_context(&busybox, &[]).map_err(kolla_core::Error::from)?;
    engine
        .build_image(PROBE_IMAGE, ctx)
        .await
        .map_err(kolla_core::Error::from)?;
    let name = format!("kolla_prechecks_{}", std::process::id());
    let spec = ContainerSpec {
        name: name.clone(),
        image: PROBE_IMAGE.into(),
        command: vec!["echo".into(), PROBE_LINE.into()],
        labels: [("kolla-rs.prechecks".to_string(), "1".to_string())].into(),
        network_mode: "host".into(),
        ..Default::default()
    };
    let outcome = run_probe(&engine, &spec).await;
    // Always clean up, even when the probe failed.
    let _ = engine.remove_container(&name, true).await;
    let (code, output) = outcome?;
    anyhow::ensure!(
        code == 0 && output.contains(PROBE_LINE),
        "the probe container exited with {code} and printed {output:?}"
    );
    Ok(serde_json::json!({
        "endpoint": engine.endpoint(),
        "version": version.version,
        "api_version": version.api_version,
        "platform": version.platform,
        "image": PROBE_IMAGE,
        "exit_code": code,
        "output": output,
    }))
}

async fn run_probe(engine: &DockerEngine, spec: &ContainerSpec) -> anyhow::Result<(i64, String)> {
    engine
        .create_container(spec)
        .await
        .map_err(kolla_core::Error::from)?;
    engine
        .start_container(&spec.name)
        .await
        .map_err(kolla_core::Error::from)?;
    let code = engine
        .wait_container(&spec.name)
        .await
        .map_err(kolla_core::Error::from)
        .context("waiting for the probe container")?;
    let output = engine
        .logs(&spec.name)
        .await
        .map_err(kolla_core::Error::from)?;
    Ok((code, output))
}
