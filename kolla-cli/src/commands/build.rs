//! `kolla build`: builds Kolla images from the image tree (the stand-in
//! tree here: no distro mirror or registry is reachable), as `kolla-build`
//! does: selection by regex or profile, template overrides, parallel
//! tree-aware builds, progress, and a summary.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use kolla_core::build::builder::{self, BuildOptions, Event, Report, Status};
use kolla_core::build::render::RenderVars;
use kolla_core::build::tree::{ImageTree, Selected, Selection};
use kolla_core::build::{image, standin};
use kolla_core::engine::ContainerEngine;

use crate::cli::Format;

/// Arguments of `kolla build`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Build only images whose name matches one of these (Python) regexes,
    /// and their parents.
    #[arg(value_name = "REGEX")]
    pub regex: Vec<String>,
    /// Build a predefined set of images (`infra`, `main`, `aux`,
    /// `default`, `standin`); ignored when regexes are given.
    #[arg(short = 'p', long)]
    pub profile: Vec<String>,
    /// A template override file: `{% extends parent_template %}` plus the
    /// blocks it replaces (repeatable; joined in order).
    #[arg(long, value_name = "FILE")]
    pub template_override: Vec<PathBuf>,
    /// The image tag.
    #[arg(long, default_value = "latest")]
    pub tag: String,
    /// The image namespace.
    #[arg(long, default_value = "kolla")]
    pub namespace: String,
    /// The base distro, for templates (`base_distro`).
    #[arg(long = "base", default_value = "debian")]
    pub base_distro: String,
    /// How many images build at once.
    #[arg(short = 'T', long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: u16,
    /// Do not rebuild images that exist already.
    #[arg(long)]
    pub skip_existing: bool,
    /// Do not rebuild the parents of matched images.
    #[arg(long)]
    pub skip_parents: bool,
    /// Push the images after building them.
    #[arg(long)]
    pub push: bool,
    /// Print the images that would be built, and stop.
    #[arg(long)]
    pub list_images: bool,
    /// Print the tree of the images that would be built, and stop.
    #[arg(long)]
    pub list_dependencies: bool,
    /// Print no build output (progress bars only).
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// A statically linked busybox (default: $KOLLA_BUSYBOX or /bin/busybox).
    #[arg(long)]
    pub busybox: Option<PathBuf>,
    /// The statically linked kolla_set_configs (default: as `kolla images
    /// standin` finds or builds it).
    #[arg(long)]
    pub set_configs: Option<PathBuf>,
    #[command(flatten)]
    pub engine: super::EngineArgs,
}

impl Args {
    fn options(&self) -> anyhow::Result<BuildOptions> {
        let overrides = self
            .template_override
            .iter()
            .map(|p| {
                std::fs::read_to_string(p)
                    .with_context(|| format!("reading template override {}", p.display()))
                    .map(|t| (p.display().to_string(), t))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(BuildOptions {
            selection: Selection {
                regexes: self.regex.clone(),
                profiles: self.profile.clone(),
                skip_parents: self.skip_parents,
                skip_existing: self.skip_existing,
            },
            vars: RenderVars {
                namespace: self.namespace.clone(),
                tag: self.tag.clone(),
                base_distro: self.base_distro.clone(),
                ..Default::default()
            },
            overrides,
            threads: usize::from(self.threads),
            push: self.push,
        })
    }
}

/// The stand-in tree with its binaries read (found, or built, as needed).
pub fn standin_tree(
    busybox: Option<PathBuf>,
    set_configs: Option<PathBuf>,
) -> anyhow::Result<ImageTree> {
    let busybox = match busybox {
        Some(p) => p,
        None => image::find_static_busybox().map_err(kolla_core::Error::from)?,
    };
    let set_configs = match set_configs {
        Some(p) => p,
        None => super::images::static_set_configs()?,
    };
    Ok(standin::tree(&busybox, &set_configs).map_err(kolla_core::Error::from)?)
}

/// Builds (or lists) and prints the summary; exit 1 when an image failed.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let opts = args.options()?;
    if args.list_images || args.list_dependencies {
        // The tree's shape needs no binaries; nothing is built.
        let tree = standin::shape().map_err(kolla_core::Error::from)?;
        let plan = tree
            .select(&opts.selection, &Default::default())
            .map_err(kolla_core::Error::from)?;
        if args.list_dependencies {
            let deps = tree.dependencies(&plan);
            match format {
                Format::Json => println!("{deps}"),
                Format::Text => print_tree(&deps, 0),
            }
        } else {
            let names: Vec<&str> = plan
                .status
                .iter()
                .filter(|(_, s)| **s == Selected::Matched)
                .map(|(n, _)| n.as_str())
                .collect();
            match format {
                Format::Json => println!("{}", serde_json::json!(names)),
                Format::Text => {
                    for (i, n) in names.iter().enumerate() {
                        println!("{} : {n}", i + 1);
                    }
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    args.engine.require_real(
        "kolla build",
        "images are built for the Docker daemon, where containers will run them",
    )?;
    let tree = standin_tree(args.busybox.clone(), args.set_configs.clone())?;
    let rt = super::runtime()?;
    let engine = rt.block_on(args.engine.connect())?;
    let report = build_with_progress(&rt, engine.as_ref(), &tree, &opts, args.quiet)?;
    match format {
        Format::Json => {
            let mut s = report.summary();
            s["seconds"] = serde_json::json!(report.seconds);
            println!("{s}");
        }
        Format::Text => print_summary(&report),
    }
    Ok(if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs a build with progress bars on stderr (hidden when stderr is not a
/// terminal; then, unless `quiet`, each log line is printed prefixed with
/// its image).
pub fn build_with_progress(
    rt: &tokio::runtime::Runtime,
    engine: &dyn ContainerEngine,
    tree: &ImageTree,
    opts: &BuildOptions,
    quiet: bool,
) -> anyhow::Result<Report> {
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let tty = !multi.is_hidden();
    let total = multi.add(ProgressBar::new(0));
    total.set_style(
        ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} images {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let spinners: Mutex<std::collections::BTreeMap<String, ProgressBar>> =
        Mutex::new(Default::default());
    let on_event = |e: Event<'_>| match e {
        Event::Planned { total: n } => total.set_length(n as u64),
        Event::Started { image } => {
            let pb = multi.add(ProgressBar::new_spinner());
            pb.set_style(
                ProgressStyle::with_template("  {spinner} {prefix}: {wide_msg}")
                    .expect("valid template"),
            );
            pb.set_prefix(image.to_string());
            pb.enable_steady_tick(Duration::from_millis(120));
            spinners
                .lock()
                .expect("spinner lock")
                .insert(image.into(), pb);
        }
        Event::Log { image, line } => {
            if tty {
                if let Some(pb) = spinners.lock().expect("spinner lock").get(image) {
                    pb.set_message(line.to_string());
                }
            } else if !quiet {
                eprintln!("[{image}] {line}");
            }
        }
        Event::Finished { result } => {
            if let Some(pb) = spinners.lock().expect("spinner lock").remove(&result.name) {
                pb.finish_and_clear();
                multi.remove(&pb);
            }
            total.inc(1);
            if result.status != Status::Built {
                let line = format!(
                    "{}: {:?}: {}",
                    result.name,
                    result.status,
                    result.reason.as_deref().unwrap_or("")
                );
                if tty {
                    let _ = multi.println(line);
                } else {
                    eprintln!("{line}");
                }
            }
        }
    };
    let report = rt
        .block_on(builder::build(engine, tree, opts, &on_event))
        .map_err(kolla_core::Error::from)?;
    total.finish_and_clear();
    Ok(report)
}

fn print_summary(report: &Report) {
    for (status, title) in [
        (Status::Built, "Built"),
        (Status::Skipped, "Skipped"),
        (Status::Error, "Failed"),
        (Status::PushError, "Failed to push"),
        (Status::ParentError, "Not built (parent failed)"),
    ] {
        let mut it = report.with(status).peekable();
        if it.peek().is_none() {
            continue;
        }
        println!("{title}:");
        for i in it {
            match &i.reason {
                Some(r) => println!("  {}: {}", i.reference, r.lines().next().unwrap_or("")),
                None => println!("  {}", i.reference),
            }
        }
    }
    println!("({:.1} s)", report.seconds);
}

fn print_tree(v: &serde_json::Value, depth: usize) {
    match v {
        serde_json::Value::Array(items) => {
            for i in items {
                print_tree(i, depth);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, kids) in m {
                println!("{}{k}", "  ".repeat(depth));
                print_tree(kids, depth + 1);
            }
        }
        serde_json::Value::String(s) => println!("{}{s}", "  ".repeat(depth)),
        _ => {}
    }
}
