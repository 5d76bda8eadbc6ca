//! `kolla images standin`: an alias of `kolla build --profile standin`
//! that selects images by exact name and prints the references of the
//! service images built.

use std::process::ExitCode;

use anyhow::Context;

use kolla_core::build::builder::BuildOptions;
use kolla_core::build::render::RenderVars;
use kolla_core::build::standin;
use kolla_core::build::tree::Selection;

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
    /// Build one small local stand-in image per Kolla image name (default:
    /// every name kolla-rs knows) on the shared `base` and
    /// `openstack-base`; the same as `kolla build --profile standin`.
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
    /// static build, which is built now with cargo when missing and this
    /// program's kolla-rs checkout is still there).
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
    let shape = standin::shape().map_err(kolla_core::Error::from)?;
    for n in &a.images {
        if shape.get(n).is_none() {
            return Err(
                kolla_core::Error::from(kolla_core::build::Error::UnknownImage {
                    image: n.clone(),
                })
                .into(),
            );
        }
    }
    let names: Vec<String> = if a.images.is_empty() {
        standin::catalog().into_iter().map(|i| i.name).collect()
    } else {
        a.images.clone()
    };
    let opts = BuildOptions {
        selection: Selection {
            regexes: a.images.iter().map(|n| format!("^{n}$")).collect(),
            profiles: vec!["standin".into()],
            ..Default::default()
        },
        vars: RenderVars {
            namespace: a.namespace.clone(),
            tag: a.tag.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    let tree = super::build::standin_tree(a.busybox, a.set_configs)?;
    let rt = super::runtime()?;
    let engine = rt.block_on(a.engine.connect())?;
    let report = super::build::build_with_progress(&rt, engine.as_ref(), &tree, &opts, true)?;
    if let Some(bad) = report.images.iter().find(|i| i.status.is_failure()) {
        anyhow::bail!(
            "{} {}: {}",
            bad.reference,
            serde_json::to_value(bad.status)?.as_str().unwrap_or(""),
            bad.reason.as_deref().unwrap_or("")
        );
    }
    let built: Vec<String> = names.iter().map(|n| opts.vars.image_ref(n)).collect();
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

/// Builds the stand-ins of `images` (Kolla image names) on the local
/// engine, for `kolla quickstart`: the `standin` profile of the image
/// builder, images that already exist skipped.
pub async fn build_standins(namespace: &str, tag: &str, images: Vec<String>) -> anyhow::Result<()> {
    let engine = kolla_core::engine::DockerEngine::connect()
        .await
        .map_err(kolla_core::Error::from)?;
    let known: std::collections::BTreeSet<String> =
        standin::catalog().into_iter().map(|i| i.name).collect();
    let images: Vec<String> = images.into_iter().filter(|i| known.contains(i)).collect();
    if images.is_empty() {
        return Ok(());
    }
    let opts = BuildOptions {
        selection: Selection {
            regexes: images.iter().map(|n| format!("^{n}$")).collect(),
            profiles: vec!["standin".into()],
            skip_existing: true,
            ..Default::default()
        },
        vars: RenderVars {
            namespace: namespace.into(),
            tag: tag.into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let tree = super::build::standin_tree(None, None)?;
    let report = kolla_core::build::builder::build(&engine, &tree, &opts, &|_| {})
        .await
        .map_err(kolla_core::Error::from)?;
    if let Some(bad) = report.images.iter().find(|i| i.status.is_failure()) {
        anyhow::bail!(
            "stand-in {}: {}",
            bad.reference,
            bad.reason.as_deref().unwrap_or("failed to build")
        );
    }
    Ok(())
}

/// The static `kolla_set_configs` the images carry: found where
/// [`standin::find_static_set_configs`] looks, or, when this `kolla` was
/// built from a kolla-rs checkout that is still there, built now with the
/// same cargo command `scripts/kolla` runs (cargo's progress on stderr).
pub fn static_set_configs() -> anyhow::Result<std::path::PathBuf> {
    let not_found = match standin::find_static_set_configs() {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    let Some(root) = source_checkout(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))) else {
        return Err(kolla_core::Error::from(not_found).into());
    };
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    eprintln!(
        "kolla: building the static kolla_set_configs the stand-in images carry, from {} \
         (first time: about 2 minutes)",
        root.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(&cargo)
        .args(["build", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .args([
            "-p",
            "kolla-set-configs",
            "--target",
            "x86_64-unknown-linux-gnu",
            "--profile",
            "static",
            "--target-dir",
        ])
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .status()
        .with_context(|| format!("running {}", std::path::Path::new(&cargo).display()))?;
    if !status.success() {
        anyhow::bail!(
            "building the static kolla_set_configs failed ({status}); {}",
            kolla_core::Error::from(not_found)
        );
    }
    let built = target_dir.join("x86_64-unknown-linux-gnu/static/kolla_set_configs");
    anyhow::ensure!(
        built.is_file(),
        "cargo built kolla-set-configs but {} is not there",
        built.display()
    );
    Ok(built)
}

/// The kolla-rs checkout `kolla-cli` was built from (the workspace root
/// above `manifest_dir`), if it is still there.
fn source_checkout(manifest_dir: &std::path::Path) -> Option<std::path::PathBuf> {
    let root = manifest_dir.parent()?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let ours =
        manifest.contains("[workspace]") && root.join("kolla-set-configs/Cargo.toml").is_file();
    ours.then(|| root.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkout_is_known_only_where_the_workspace_is() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(source_checkout(here).as_deref(), here.parent());
        let empty = tempfile::tempdir().unwrap();
        let fake = empty.path().join("kolla-cli");
        std::fs::create_dir(&fake).unwrap();
        assert_eq!(source_checkout(&fake), None);
        // A workspace that is not kolla-rs's is not built from.
        std::fs::write(empty.path().join("Cargo.toml"), "[workspace]\n").unwrap();
        assert_eq!(source_checkout(&fake), None);
    }
}
