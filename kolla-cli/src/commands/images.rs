//! `kolla images standin`: builds the stand-in service images.

use std::process::ExitCode;

use kolla_core::build::standin::{self, StandinBuild};
use kolla_core::engine;

use crate::cli::Format;

/// Arguments of `kolla images`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ImagesCommand,
}

/// `kolla images` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ImagesCommand {
    /// Build one small local stand-in image per Kolla image name
    /// (default: every name kolla-rs knows), sharing one base image.
    Standin(StandinArgs),
}

/// Arguments of `kolla images standin`.
#[derive(Debug, clap::Args)]
pub struct StandinArgs {
    /// The tag of the images built.
    #[arg(long, default_value = "latest")]
    pub tag: String,
    /// The image namespace.
    #[arg(long, default_value = "kolla")]
    pub namespace: String,
    /// A statically linked busybox (default: $KOLLA_BUSYBOX or /bin/busybox).
    #[arg(long)]
    pub busybox: Option<std::path::PathBuf>,
    /// The statically linked kolla_set_configs (default:
    /// $KOLLA_SET_CONFIGS_BIN, next to this program, or the workspace's
    /// static build).
    #[arg(long)]
    pub set_configs: Option<std::path::PathBuf>,
    /// Kolla image names (`nova-api`, `keystone`, ...).
    #[arg(value_name = "IMAGE")]
    pub images: Vec<String>,
    #[command(flatten)]
    pub engine: super::EngineArgs,
}

/// Builds the images and prints their references.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let ImagesCommand::Standin(a) = args.command;
    a.engine.require_real(
        "kolla images standin",
        "images are built for the Docker daemon, where containers will run them",
    )?;
    let rt = super::runtime()?;
    let engine = rt.block_on(a.engine.connect())?;
    let built = rt.block_on(async {
        let opts = StandinBuild {
            namespace: a.namespace,
            tag: a.tag,
            images: a.images,
            busybox: match a.busybox {
                Some(p) => p,
                None => engine::image::find_static_busybox()?,
            },
            set_configs: match a.set_configs {
                Some(p) => p,
                None => standin::find_static_set_configs()?,
            },
        };
        standin::build(engine.as_ref(), &opts).await
    });
    let built = built.map_err(kolla_core::Error::from)?;
    match format {
        Format::Json => println!("{}", serde_json::json!({ "images": built })),
        Format::Text => {
            for r in &built {
                println!("{r}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
