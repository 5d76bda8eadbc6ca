//! One module per subcommand: parse, call kolla-core, print. The argument
//! groups several commands share ([`VarArgs`], [`SearchArgs`], [`OutArgs`],
//! [`EngineArgs`])
//! live here, so each option has one name and one syntax everywhere.

use std::path::PathBuf;

use kolla_core::engine::{ContainerEngine, DockerEngine, MemoryEngine};

pub mod build;
pub mod catalog;
pub mod container;
pub mod day2;
pub mod deploy;
pub mod genconfig;
pub mod graph;
pub mod images;
pub mod inventory;
pub mod merge_ini;
pub mod passwords;
pub mod prechecks;
pub mod upgrade;
pub mod yaml;

/// A current-thread runtime for commands that talk to the engine.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// Which container engine a command talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineKind {
    /// The local Docker daemon ($DOCKER_HOST or /var/run/docker.sock).
    Docker,
    /// An in-memory engine that lives for this one command: nothing runs,
    /// nothing is kept afterwards; for trying actions without Docker.
    Memory,
}

/// The engine a command uses.
#[derive(Debug, clap::Args)]
pub struct EngineArgs {
    /// The container engine: `docker` (the local daemon) or `memory` (an
    /// in-memory engine that lives for this one command and runs nothing).
    #[arg(long, value_enum, default_value_t = EngineKind::Docker)]
    pub engine: EngineKind,
}

impl EngineArgs {
    /// Connects to the chosen engine.
    pub async fn connect(&self) -> anyhow::Result<Box<dyn ContainerEngine>> {
        Ok(match self.engine {
            EngineKind::Docker => Box::new(
                DockerEngine::connect()
                    .await
                    .map_err(kolla_core::Error::from)?,
            ),
            EngineKind::Memory => Box::new(MemoryEngine::new()),
        })
    }

    /// Fails with a clear message when `command` needs an engine that runs
    /// containers and builds real images (only `docker` does).
    pub fn require_real(&self, command: &str, why: &str) -> anyhow::Result<()> {
        if self.engine == EngineKind::Memory {
            anyhow::bail!(
                "{command} needs a real engine: {why}; the memory engine runs no processes \
                 and keeps nothing after this command (use --engine docker)"
            );
        }
        Ok(())
    }
}

/// Variables for templating, as `ansible-playbook` takes them.
#[derive(Debug, clap::Args)]
pub struct VarArgs {
    /// A YAML or JSON file of variables (repeatable; later files win).
    #[arg(long = "vars", value_name = "FILE")]
    pub vars: Vec<PathBuf>,
    /// Extra variables: KEY=VALUE pairs, a YAML/JSON mapping, or @FILE
    /// (repeatable; they win over --vars).
    #[arg(short = 'e', long = "extra-vars", value_name = "KEY=VALUE")]
    pub extra: Vec<String>,
}

impl VarArgs {
    /// The variables, merged in order.
    pub fn load(&self) -> anyhow::Result<serde_json::Value> {
        let mut vars = kolla_core::template::Vars::new();
        for f in &self.vars {
            vars.add_file(f)?;
        }
        for e in &self.extra {
            vars.add_extra(e)?;
        }
        Ok(vars.into_value())
    }
}

/// Where `{% include %}`, `{% import %}` and `{% extends %}` look.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// A directory that includes, imports and extends search before the
    /// source's own directory (repeatable, in order). Ansible searches the
    /// playbook directory, then its templates/, then the source's own
    /// directory: pass --search-path PLAYBOOK --search-path PLAYBOOK/templates.
    #[arg(long = "search-path", value_name = "DIR")]
    pub search_path: Vec<PathBuf>,
}

/// Where the result goes.
#[derive(Debug, clap::Args)]
pub struct OutArgs {
    /// Write the result to DEST (atomically) instead of printing it.
    #[arg(
        short = 'o',
        long = "output",
        visible_alias = "dest",
        value_name = "DEST"
    )]
    pub dest: Option<PathBuf>,
    /// Octal mode for DEST, e.g. 0660.
    #[arg(long, requires = "dest", value_parser = parse_mode)]
    pub mode: Option<u32>,
}

impl OutArgs {
    /// Writes `bytes` to DEST, if one was given (atomically, with --mode).
    pub fn write(&self, bytes: &[u8]) -> anyhow::Result<()> {
        if let Some(dest) = &self.dest {
            kolla_core::ini::write_atomic(dest, bytes, self.mode)
                .map_err(kolla_core::Error::from)?;
        }
        Ok(())
    }
}

fn parse_mode(text: &str) -> Result<u32, String> {
    kolla_core::ini::parse_mode(text)
        .ok_or_else(|| format!("{text:?} is not an octal mode like 0660"))
}

/// The inputs of a deployment: inventory, globals, passwords, facts, extra
/// vars and the catalog (`kolla genconfig`; `kolla graph` takes the same).
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Inventory sources (files, directories, host lists); repeatable.
    #[arg(short = 'i', long = "inventory", required = true, value_name = "INV")]
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
}

impl InputArgs {
    /// The catalog, the inventory and the variable inputs.
    pub fn load(
        &self,
    ) -> anyhow::Result<(
        kolla_core::catalog::Catalog,
        kolla_core::inventory::Inventory,
        kolla_core::vars::Inputs,
    )> {
        let catalog = kolla_core::catalog::Catalog::load(self.catalog_dir.as_deref())?;
        let inventory = kolla_core::inventory::Inventory::load(&self.inventory)?;
        let mut inputs = kolla_core::vars::Inputs::new()?;
        if let Some(g) = &self.globals {
            inputs.add_globals(g)?;
        }
        if let Some(p) = &self.passwords {
            inputs.add_passwords(p)?;
        }
        for e in &self.extra {
            inputs.add_extra(e)?;
        }
        if let Some(f) = &self.facts {
            inputs.set_facts_dir(f);
        }
        inputs.set_inventory(&inventory);
        Ok((catalog, inventory, inputs))
    }
}
