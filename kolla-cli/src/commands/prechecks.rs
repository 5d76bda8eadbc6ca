//! `kolla prechecks`: can this host's engine build and run Kolla containers?
//! The checks live in `kolla_core::prechecks`; this prints their report.

use std::io::Write;
use std::process::ExitCode;

use kolla_core::engine::{self, DockerEngine};

use crate::cli::Format;

/// Arguments of `kolla prechecks`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A statically linked busybox to build the probe image from
    /// (default: $KOLLA_BUSYBOX or /bin/busybox from busybox-static).
    #[arg(long)]
    pub busybox: Option<std::path::PathBuf>,
}

/// Runs the checks and prints what was found.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let rt = super::runtime()?;
    let report = rt
        .block_on(async {
            let engine = DockerEngine::connect().await?;
            let busybox = match args.busybox {
                Some(p) => p,
                None => engine::image::find_static_busybox()?,
            };
            kolla_core::prechecks::run(&engine, &busybox).await
        })
        .map_err(kolla_core::Error::from)?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        Format::Text => out.write_all(report.to_text().as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
