//! `kolla plan|deploy|reconfigure|stop|destroy|pull` and `kolla quickstart`:
//! the desired state of an inventory against its engines, and applying it.
//! The rules live in `kolla_core::deploy`; this parses, connects and prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use kolla_core::catalog::Catalog;
use kolla_core::deploy::apply::{self, ApplyOptions, Engines, Event, Summary};
use kolla_core::deploy::capability::{self, Capabilities};
use kolla_core::deploy::{DesiredState, Options, Plan};
use kolla_core::engine::ContainerEngine;
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

use crate::cli::Format;

/// What a deploy command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// Print the plan; touch nothing.
    Plan,
    /// Bring the cloud to the desired state.
    Deploy,
    /// Deploy after config changes (the same plan: changed config restarts).
    Reconfigure,
    /// Stop every kolla-rs container in scope.
    Stop,
    /// Remove every kolla-rs container in scope (and volumes if asked).
    Destroy,
    /// Pull the images of the desired containers.
    Pull,
}

/// Arguments shared by the deploy commands.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inventory sources (files, directories, host lists); repeatable.
    #[arg(short = 'i', long = "inventory", required = true, value_name = "INV")]
    pub inventory: Vec<PathBuf>,
    #[command(flatten)]
    pub common: Common,
}

/// Options of every deploy command (quickstart included).
#[derive(Debug, clap::Args)]
pub struct Common {
    /// kolla-ansible's globals.yml (default: CONFIG_DIR/globals.yml when present).
    #[arg(long, value_name = "FILE")]
    pub globals: Option<PathBuf>,
    /// kolla-ansible's passwords.yml (default: CONFIG_DIR/passwords.yml when present).
    #[arg(long, value_name = "FILE")]
    pub passwords: Option<PathBuf>,
    /// The operator's config directory (kolla-ansible's /etc/kolla).
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Extra variables (`K=V ...`, `@FILE`, YAML/JSON); repeatable, later wins.
    #[arg(short = 'e', long = "extra-vars", value_name = "VARS")]
    pub extra: Vec<String>,
    /// Ansible's JSON fact cache (one file per host).
    #[arg(long, value_name = "DIR")]
    pub facts: Option<PathBuf>,
    /// A directory of service files that replace or add to the built-in catalog.
    #[arg(long, value_name = "DIR")]
    pub catalog_dir: Option<PathBuf>,
    /// Only the hosts of this Ansible host pattern.
    #[arg(long, value_name = "PATTERN")]
    pub limit: Option<String>,
    /// Only these services (comma-separated) and what they depend on.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub services: Vec<String>,
    /// Every inventory host on the local engine: containers `<host>-<name>`,
    /// bridge networking, a config root and volumes per host.
    #[arg(long)]
    pub simulate_hosts: bool,
    /// Where simulated hosts keep their config trees (default: CONFIG_DIR/simulated).
    #[arg(long, value_name = "DIR")]
    pub simulate_root: Option<PathBuf>,
    /// Steps running at once within a wave.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Seconds a container may take to become healthy.
    #[arg(long, default_value_t = 180)]
    pub health_timeout: u64,
    /// Healthcheck interval (seconds) for every container, instead of Kolla's.
    #[arg(long, value_name = "SECONDS")]
    pub health_interval: Option<i64>,
    /// destroy: also remove the kolla-rs volumes of the removed containers.
    #[arg(long)]
    pub volumes: bool,
    /// destroy: the confirmation that it may remove the containers.
    #[arg(long = "yes-i-really-really-mean-it")]
    pub yes: bool,
    #[command(flatten)]
    pub engine: super::EngineArgs,
}

/// Everything built before the engines are asked.
struct Prepared {
    desired: DesiredState,
    engines: Engines,
    caps: Option<Capabilities>,
}

fn inputs(common: &Common, inventory: &Inventory) -> anyhow::Result<Inputs> {
    let mut inputs = Inputs::new()?;
    let dir = common.config_dir.clone();
    if let Some(d) = &dir {
        inputs.set_default("CONFIG_DIR", serde_json::json!(d.display().to_string()));
    }
    let pick = |given: &Option<PathBuf>, name: &str| {
        given
            .clone()
            .or_else(|| dir.as_ref().map(|d| d.join(name)).filter(|p| p.is_file()))
    };
    if let Some(g) = pick(&common.globals, "globals.yml") {
        inputs.add_globals(&g)?;
    }
    if let Some(p) = pick(&common.passwords, "passwords.yml") {
        inputs.add_passwords(&p)?;
    }
    for e in &common.extra {
        inputs.add_extra(e)?;
    }
    if let Some(f) = &common.facts {
        inputs.set_facts_dir(f);
    }
    inputs.set_inventory(inventory);
    Ok(inputs)
}

async fn prepare(
    inventory: &[PathBuf],
    common: &Common,
    relax_allowed: bool,
    probe: bool,
) -> anyhow::Result<Prepared> {
    let catalog = Catalog::load(common.catalog_dir.as_deref())?;
    let inv = Inventory::load(inventory)?;
    let inputs = inputs(common, &inv)?;
    let engine: Arc<dyn ContainerEngine> = Arc::from(common.engine.connect().await?);
    let caps = if probe {
        Some(capabilities(engine.as_ref()).await?)
    } else {
        None
    };
    let relax = match (&caps, relax_allowed) {
        (Some(c), true) => Some(c.relax()),
        _ => None,
    };
    let simulate_root = common.simulate_root.clone().or_else(|| {
        common.simulate_hosts.then(|| {
            common
                .config_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from("/etc/kolla"))
                .join("simulated")
        })
    });
    let options = Options {
        services: common.services.clone(),
        limit: common.limit.clone(),
        simulate_hosts: common.simulate_hosts,
        simulate_root,
        timezone: engine.host_timezone().unwrap_or_else(|_| "UTC".to_string()),
        relax,
        health_interval: common.health_interval,
        // `--config-dir /etc/kolla`: the operator's overrides are in its
        // `config/`, as kolla-ansible's node_custom_config.
        overrides: common.config_dir.as_ref().map(|d| d.join("config")),
    };
    let desired = DesiredState::build(&catalog, &inv, &inputs, &options)?;
    Ok(Prepared {
        desired,
        engines: Engines::single(engine),
        caps,
    })
}

/// The engine's capabilities, cached per endpoint and engine version under
/// `$XDG_CACHE_HOME/kolla-rs` (the probe runs three containers).
async fn capabilities(engine: &dyn ContainerEngine) -> anyhow::Result<Capabilities> {
    if engine.endpoint().starts_with("memory") {
        return Ok(Capabilities::all(engine.endpoint()));
    }
    let version = engine.version().await.map_err(kolla_core::Error::from)?;
    let cache_dir = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("kolla-rs"));
    let key: String = format!("{}-{}", engine.endpoint(), version.version)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cache = cache_dir.map(|d| d.join(format!("capabilities-{key}.json")));
    if let Some(Ok(text)) = cache.as_ref().map(std::fs::read_to_string) {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            return Ok(Capabilities {
                endpoint: engine.endpoint().to_string(),
                privileged: v["privileged"].as_bool().unwrap_or(false),
                shared_mounts: v["shared_mounts"].as_bool().unwrap_or(false),
                nofile_hard: v["nofile_hard"].as_i64(),
                messages: Vec::new(),
            });
        }
    }
    let busybox =
        kolla_core::engine::image::find_static_busybox().map_err(kolla_core::Error::from)?;
    let caps = capability::probe(engine, &busybox)
        .await
        .map_err(kolla_core::Error::from)?;
    if let Some(c) = &cache {
        if let Some(d) = c.parent() {
            let _ = std::fs::create_dir_all(d);
        }
        let _ = std::fs::write(c, serde_json::to_string(&caps)?);
    }
    Ok(caps)
}

/// What deploying the inventory needs and the engine refuses or lacks,
/// each with its fix (`kolla prechecks -i`): capability findings (unless
/// the hosts are simulated, where they are dropped and listed), images
/// neither present nor pullable.
pub fn deployment_findings(inventory: &[PathBuf], common: &Common) -> anyhow::Result<Vec<String>> {
    let rt = super::runtime()?;
    rt.block_on(async {
        let p = prepare(inventory, common, common.simulate_hosts, true).await?;
        let mut out = Vec::new();
        if let Some(caps) = &p.caps {
            if !common.simulate_hosts {
                out.extend(capability::findings(&p.desired, caps));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &p.desired.containers {
            let engine = p.engines.of(&c.host);
            if !seen.insert(c.spec.image.clone()) {
                continue;
            }
            if !engine
                .image_exists(&c.spec.image)
                .await
                .map_err(kolla_core::Error::from)?
            {
                out.push(format!(
                    "image {} is not present on {} (needed by {}); fix: `kolla pull`, or `kolla images standin` for stand-ins",
                    c.spec.image,
                    engine.endpoint(),
                    c.container
                ));
            }
        }
        Ok(out)
    })
}

/// Runs one of the deploy commands.
pub fn run(verb: Verb, args: Args, format: Format) -> anyhow::Result<ExitCode> {
    run_with(verb, &args.inventory, &args.common, format, false)
}

fn run_with(
    verb: Verb,
    inventory: &[PathBuf],
    common: &Common,
    format: Format,
    quickstart: bool,
) -> anyhow::Result<ExitCode> {
    if verb == Verb::Destroy && !common.yes {
        return Err(kolla_core::Error::from(kolla_core::deploy::Error::Usage(
            "destroy removes every kolla-rs container of the inventory (and with --volumes their volumes); \
             confirm with --yes-i-really-really-mean-it"
                .into(),
        ))
        .into());
    }
    let rt = super::runtime()?;
    rt.block_on(async {
        let relax_allowed = quickstart || common.simulate_hosts;
        let probe = matches!(verb, Verb::Plan | Verb::Deploy | Verb::Reconfigure);
        let p = prepare(inventory, common, relax_allowed, probe).await?;
        if let Some(caps) = &p.caps {
            if !relax_allowed {
                let findings = capability::findings(&p.desired, caps);
                if !findings.is_empty() && verb != Verb::Plan {
                    return Err(kolla_core::Error::from(kolla_core::deploy::Error::Refused {
                        findings,
                    })
                    .into());
                }
                for f in findings {
                    eprintln!("warning: {f}");
                }
            }
        }
        let observed = apply::observe(&p.desired, &p.engines).await?;
        let plan = match verb {
            Verb::Stop => Plan::stop(&p.desired, &observed),
            Verb::Destroy => Plan::destroy(&p.desired, &observed),
            _ => Plan::new(&p.desired, &observed),
        };
        if verb == Verb::Plan {
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&plan)?)?,
                Format::Text => out.write_all(plan.to_text().as_bytes())?,
            }
            return Ok(ExitCode::SUCCESS);
        }
        if verb == Verb::Pull {
            return pull(&p, format).await;
        }
        let dropped = plan.dropped();
        if !dropped.is_empty() && format == Format::Text {
            eprintln!(
                "kolla: {} settings dropped because the engine refuses them (see `kolla plan`)",
                dropped.len()
            );
        }
        let options = ApplyOptions {
            concurrency: common.concurrency,
            health_timeout: Duration::from_secs(common.health_timeout),
            remove_volumes: common.volumes,
            ..Default::default()
        };
        let tty = std::io::stderr().is_terminal();
        let progress = move |e: &Event| report(e, format, tty);
        let summary = apply::apply(&plan, &p.engines, &options, &progress).await;
        print_summary(&summary, format)?;
        if quickstart && summary.failures.is_empty() {
            status(&p).await?;
        }
        Ok(if summary.failures.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}

async fn pull(p: &Prepared, format: Format) -> anyhow::Result<ExitCode> {
    let mut seen = std::collections::BTreeSet::new();
    let mut failed = 0;
    for c in &p.desired.containers {
        let engine = p.engines.of(&c.host);
        if !seen.insert((engine.endpoint().to_string(), c.spec.image.clone())) {
            continue;
        }
        let r = engine.pull_image(&c.spec.image, None).await;
        match (&r, format) {
            (Ok(()), Format::Text) => eprintln!("pulled {}", c.spec.image),
            (Err(e), Format::Text) => eprintln!("FAILED pull {}: {e}", c.spec.image),
            (_, Format::Json) => eprintln!(
                "{}",
                serde_json::json!({"event": "pull", "image": c.spec.image, "error": r.as_ref().err().map(|e| e.to_string())})
            ),
        }
        failed += usize::from(r.is_err());
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn report(e: &Event, format: Format, tty: bool) {
    match format {
        Format::Json => eprintln!("{}", serde_json::to_string(e).unwrap_or_default()),
        Format::Text => match e {
            Event::Wave { wave, steps } => eprintln!("wave {wave}: {steps} steps"),
            Event::Started { step } if tty => eprintln!("  ... {step}"),
            Event::Started { .. } => {}
            Event::Finished { step, seconds } => eprintln!("  ok  {step} ({seconds:.1}s)"),
            Event::Failed { step, error } => eprintln!("  FAILED {step}: {error}"),
        },
    }
}

fn print_summary(s: &Summary, format: Format) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(s)?)?,
        Format::Text => out.write_all(s.to_text().as_bytes())?,
    }
    Ok(())
}

/// Prints every desired container with its state and health.
async fn status(p: &Prepared) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for c in &p.desired.containers {
        let info = p
            .engines
            .of(&c.host)
            .inspect_container(&c.spec.name)
            .await
            .map_err(kolla_core::Error::from)?;
        let (state, health) = match info {
            Some(i) => (i.status, i.health.unwrap_or_else(|| "-".into())),
            None => ("absent".into(), "-".into()),
        };
        writeln!(
            out,
            "{:<24} {:<28} {:<10} {}",
            c.service, c.spec.name, state, health
        )?;
    }
    Ok(())
}

/// Arguments of `kolla quickstart`.
#[derive(Debug, clap::Args)]
pub struct QuickstartArgs {
    /// The inventory (default: the all-in-one inventory shipped with kolla-rs).
    #[arg(short = 'i', long = "inventory", value_name = "INV")]
    pub inventory: Vec<PathBuf>,
    /// Where quickstart keeps its config: passwords.yml and the config trees.
    #[arg(long, default_value = "/etc/kolla")]
    pub root: PathBuf,
    #[command(flatten)]
    pub common: Common,
}

/// The all-in-one inventory, embedded.
const ALL_IN_ONE: &str = include_str!("../../../inventory/all-in-one");

/// `kolla quickstart`: stand-in images when missing, passwords, the
/// all-in-one cloud on the local engine, its services with their health.
pub fn quickstart(mut args: QuickstartArgs, format: Format) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.root)?;
    let inventory = if args.inventory.is_empty() {
        let p = args.root.join("all-in-one");
        std::fs::write(&p, ALL_IN_ONE)?;
        vec![p]
    } else {
        args.inventory.clone()
    };
    // Passwords: generated once, kept.
    let pw = args.root.join("passwords.yml");
    if !pw.is_file() {
        kolla_core::passwords::genpwd_file(&pw, &Default::default())?;
        eprintln!("kolla: generated {}", pw.display());
    }
    args.common.passwords.get_or_insert(pw);
    args.common.config_dir.get_or_insert(args.root.clone());
    // Stand-in images: local, so no registry; tag latest.
    args.common.extra.insert(
        0,
        "docker_registry='' docker_namespace=kolla openstack_tag=latest".into(),
    );
    if args.common.health_interval.is_none() {
        args.common.health_interval = Some(2);
    }
    if args.common.engine.engine == super::EngineKind::Docker {
        ensure_standins(&inventory, &args.common)?;
    }
    run_with(Verb::Deploy, &inventory, &args.common, format, true)
}

/// Builds the stand-in images of the desired containers that are missing.
fn ensure_standins(inventory: &[PathBuf], common: &Common) -> anyhow::Result<()> {
    let rt = super::runtime()?;
    rt.block_on(async {
        let p = prepare(inventory, common, true, false).await?;
        let engine = p.engines.of("");
        let mut missing = std::collections::BTreeSet::new();
        for c in &p.desired.containers {
            if !engine
                .image_exists(&c.spec.image)
                .await
                .map_err(kolla_core::Error::from)?
            {
                let name = c
                    .spec
                    .image
                    .rsplit('/')
                    .next()
                    .and_then(|n| n.split(':').next())
                    .unwrap_or_default()
                    .to_string();
                missing.insert(name);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        eprintln!("kolla: building {} stand-in images", missing.len());
        super::images::build_standins("kolla", "latest", missing.into_iter().collect()).await
    })
}
