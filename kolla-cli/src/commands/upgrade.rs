//! `kolla upgrade`: the rolling upgrade's batches (`--plan`), and Ansible's
//! `serial` arithmetic on its own (`--plan-batches N`, used by
//! scripts/diff-serial-upstream.py).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::catalog::Catalog;
use kolla_core::container::compare::image_differs;
use kolla_core::engine::endpoint::{self, Endpoint};
use kolla_core::engine::{ContainerEngine, MemoryEngine};
use kolla_core::graph::{Graph, Options};
use kolla_core::inventory::Inventory;
use kolla_core::upgrade::{plan, MaxFail, Sequence, Serial, Settings};
use kolla_core::vars::{Context, Inputs};

use crate::cli::Format;
use crate::commands::EngineKind;

/// Arguments of `kolla upgrade`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inventory sources (files, directories, host lists); repeatable.
    #[arg(
        short = 'i',
        long = "inventory",
        value_name = "INV",
        required_unless_present = "plan_batches"
    )]
    pub inventory: Vec<PathBuf>,
    /// kolla-ansible's globals.yml.
    #[arg(long, value_name = "FILE")]
    pub globals: Option<PathBuf>,
    /// kolla-ansible's passwords.yml (values are secret).
    #[arg(long, value_name = "FILE")]
    pub passwords: Option<PathBuf>,
    /// Extra variables (`K=V ...`, `@FILE`, YAML/JSON); repeatable, later wins.
    #[arg(short = 'e', long = "extra-vars", value_name = "VARS")]
    pub extra: Vec<String>,
    /// Ansible's JSON fact cache (one file per host).
    #[arg(long, value_name = "DIR")]
    pub facts: Option<PathBuf>,
    /// A directory of service files that replace or add to the built-in catalog.
    #[arg(long, value_name = "DIR")]
    pub catalog_dir: Option<PathBuf>,
    /// Only these services (comma-separated) and what they depend on.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub services: Vec<String>,
    /// Batch size for every phase: `3`, `30%`, or a list `[1, 30%, 50%]`
    /// whose last item repeats (Ansible's `serial`); overrides kolla_serial
    /// and <service>_serial.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub serial: Option<String>,
    /// Halt when a batch's failures exceed this percentage (strictly).
    #[arg(long, value_name = "P", allow_hyphen_values = true)]
    pub max_fail_percentage: Option<String>,
    /// Print the batches and steps; touch nothing.
    #[arg(long)]
    pub plan: bool,
    /// Print the batch sizes `--serial` gives a play of N hosts (JSON list)
    /// and exit: Ansible's arithmetic alone.
    #[arg(long, value_name = "N")]
    pub plan_batches: Option<usize>,
    /// Every inventory host on the local engine, containers named
    /// `<host>-<container>`.
    #[arg(long)]
    pub simulate_hosts: bool,
    /// The engine: `docker` (each host's kolla_engine_url) or `memory`.
    #[arg(long, value_enum, default_value_t = EngineKind::Docker)]
    pub engine: EngineKind,
}

/// Runs `kolla upgrade`.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if let Some(n) = args.plan_batches {
        let serial = match &args.serial {
            Some(s) => Serial::parse(s).map_err(kolla_core::Error::from)?,
            None => Serial::default(),
        };
        writeln!(out, "{}", serde_json::to_string(&serial.batch_sizes(n))?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !args.plan {
        anyhow::bail!(
            "the rollout runs on deploy's apply, which this build does not have yet; \
             `kolla upgrade --plan` shows the batches it would roll"
        );
    }
    let catalog = Catalog::load(args.catalog_dir.as_deref())?;
    let inventory = Inventory::load(&args.inventory)?;
    let mut inputs = Inputs::new()?;
    if let Some(g) = &args.globals {
        inputs.add_globals(g)?;
    }
    if let Some(p) = &args.passwords {
        inputs.add_passwords(p)?;
    }
    for e in &args.extra {
        inputs.add_extra(e)?;
    }
    if let Some(f) = &args.facts {
        inputs.set_facts_dir(f);
    }
    inputs.set_inventory(&inventory);
    let graph = Graph::build(
        &catalog,
        &inventory,
        &inputs,
        &Options {
            services: args.services.clone(),
        },
    )?;
    let hosts = inventory.resolve_all();
    let ctx_of = |h: &str| {
        hosts
            .iter()
            .find(|r| r.name == h)
            .map(|r| inputs.context(r))
    };
    // Services with a database schema: a hard dependency on mariadb.
    let databases: Vec<String> = catalog
        .services()
        .iter()
        .filter(|s| s.depends_on.hard.iter().any(|d| d == "mariadb"))
        .map(|s| s.service.clone())
        .collect();
    // Cloud-wide batch settings, read as the first host sees them.
    let sequences: Vec<(String, Sequence)> = graph
        .waves()
        .iter()
        .flatten()
        .map(|s| {
            let names: Vec<&str> = graph
                .containers()
                .iter()
                .filter(|p| &p.service == s)
                .map(|p| p.container.as_str())
                .collect();
            (
                s.clone(),
                Sequence::builtin(s, &names, databases.contains(s)),
            )
        })
        .collect();
    let mut settings = match hosts.first() {
        Some(h) => {
            Settings::from_context(&inputs.context(h), &Settings::variable_names(&sequences))?
        }
        None => Settings::default(),
    };
    if let Some(s) = &args.serial {
        settings.serial = Some(Serial::parse(s).map_err(kolla_core::Error::from)?);
    }
    if let Some(m) = &args.max_fail_percentage {
        settings.max_fail = Some(MaxFail::parse(m).map_err(kolla_core::Error::from)?);
    }
    // Which (host, container) get a new image: compare_image on each engine.
    let mut wanted: Vec<(String, String, String, String)> = Vec::new(); // host, container, engine name, image
    for p in graph.containers() {
        let service = catalog.get(&p.service)?;
        let Some(c) = service.containers.iter().find(|c| c.name == p.container) else {
            continue;
        };
        for h in &p.hosts {
            let ctx = ctx_of(h).expect("placed hosts are inventory hosts");
            let image = desired_image(&ctx, &p.service, &c.name, &c.image)?;
            let name = if args.simulate_hosts {
                format!("{h}-{}", c.name)
            } else {
                c.name.clone()
            };
            wanted.push((h.clone(), c.name.clone(), name, image));
        }
    }
    let endpoints: Vec<(String, Endpoint)> =
        if args.simulate_hosts || args.engine == EngineKind::Memory {
            Vec::new()
        } else {
            let mut v = Vec::new();
            for h in &hosts {
                v.push((h.name.to_string(), Endpoint::for_host(&inputs.context(h))?));
            }
            v
        };
    let changes: BTreeSet<(String, String)> = crate::commands::runtime()?.block_on(async {
        let mut engines: Vec<(String, Box<dyn ContainerEngine>)> = Vec::new();
        let shared: Option<Box<dyn ContainerEngine>> = match args.engine {
            EngineKind::Memory => Some(Box::new(MemoryEngine::new())),
            EngineKind::Docker if args.simulate_hosts => Some(Box::new(
                kolla_core::engine::DockerEngine::connect()
                    .await
                    .map_err(kolla_core::Error::from)?,
            )),
            EngineKind::Docker => None,
        };
        if shared.is_none() {
            for (h, ep) in &endpoints {
                if wanted.iter().any(|w| &w.0 == h) {
                    let e = endpoint::connect(ep, h)
                        .await
                        .map_err(kolla_core::Error::from)?;
                    engines.push((h.clone(), Box::new(e)));
                }
            }
        }
        let mut changes = BTreeSet::new();
        for (h, container, name, image) in &wanted {
            let engine: &dyn ContainerEngine = match &shared {
                Some(e) => e.as_ref(),
                None => engines
                    .iter()
                    .find(|(x, _)| x == h)
                    .map(|(_, e)| e.as_ref())
                    .expect("an engine per host"),
            };
            let info = engine
                .inspect_container(name)
                .await
                .map_err(kolla_core::Error::from)?;
            let local = engine
                .inspect_image(&kolla_core::container::normalize::image_ref(image))
                .await
                .map_err(kolla_core::Error::from)?;
            if image_differs(image, info.as_ref(), local.as_ref()) {
                changes.insert((h.clone(), container.clone()));
            }
        }
        anyhow::Ok(changes)
    })?;
    let upgrade = plan(
        graph.waves(),
        graph.containers(),
        &|h, c| changes.contains(&(h.to_string(), c.to_string())),
        &databases,
        &settings,
    )?;
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&upgrade)?)?,
        Format::Text => out.write_all(upgrade.to_text().as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `<docker_image_url><image>:<tag>`, the tag from `<container>_tag`,
/// `<service>_tag` or `openstack_tag`, as kolla-ansible's `*_image_full`.
fn desired_image(
    ctx: &Context<'_>,
    service: &str,
    container: &str,
    image: &str,
) -> kolla_core::Result<String> {
    if image.contains(':') || image.contains('/') {
        return Ok(image.to_string());
    }
    let url = ctx.get("docker_image_url")?;
    let url = url.as_str().unwrap_or_default();
    let mut tag = None;
    for name in [
        format!("{container}_tag"),
        format!("{}_tag", service.replace('-', "_")),
        "openstack_tag".to_string(),
    ] {
        if ctx.raw(&name).is_some() {
            let v = ctx.get(&name)?;
            tag = Some(v.as_str().map_or_else(|| v.to_string(), str::to_string));
            break;
        }
    }
    Ok(format!(
        "{url}{image}:{}",
        tag.unwrap_or_else(|| "latest".into())
    ))
}
