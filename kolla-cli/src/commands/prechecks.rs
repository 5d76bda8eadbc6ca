//! `kolla prechecks`: can this host's engine build and run Kolla containers?
//! The checks live in `kolla_core::prechecks`; this prints their report.

use std::io::Write;
use std::process::ExitCode;

use kolla_core::engine;

use crate::cli::Format;

/// Arguments of `kolla prechecks`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A statically linked busybox to build the probe image from
    /// (default: $KOLLA_BUSYBOX or /bin/busybox from busybox-static).
    #[arg(long)]
    pub busybox: Option<std::path::PathBuf>,
    /// Inventory sources: also check what deploying it needs (capabilities
    /// of the engine, hosts of every enabled group, images present).
    #[arg(short = 'i', long = "inventory", value_name = "INV")]
    pub inventory: Vec<std::path::PathBuf>,
    #[command(flatten)]
    pub common: super::deploy::Common,
}

/// Runs the checks and prints what was found.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    args.common.engine.require_real(
        "kolla prechecks",
        "the checks build an image and run a probe container on it",
    )?;
    let rt = super::runtime()?;
    let report = rt.block_on(async {
        let engine = args.common.engine.connect().await?;
        let busybox = match args.busybox {
            Some(p) => p,
            None => engine::image::find_static_busybox().map_err(kolla_core::Error::from)?,
        };
        kolla_core::prechecks::run(engine.as_ref(), &busybox)
            .await
            .map_err(kolla_core::Error::from)
            .map_err(anyhow::Error::from)
    })?;
    let findings = if args.inventory.is_empty() {
        Vec::new()
    } else {
        super::deploy::deployment_findings(&args.inventory, &args.common)?
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let mut v = serde_json::to_value(&report)?;
            v["findings"] = serde_json::json!(findings);
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?
        }
        Format::Text => {
            out.write_all(report.to_text().as_bytes())?;
            for f in &findings {
                writeln!(out, "FINDING: {f}")?;
            }
        }
    }
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
