//! `kolla catalog list|show`: the services kolla-rs knows.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::catalog::{Catalog, Service};

use crate::cli::Format;

/// Arguments of `kolla catalog`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A directory of service files that replace or add to the built-in catalog.
    #[arg(long, global = true, value_name = "DIR")]
    pub catalog_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Sub,
}

/// `kolla catalog` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Every service: aliases, containers (name, group, image), dependencies.
    List,
    /// One service in full (name or alias).
    Show {
        /// The service.
        service: String,
    },
}

/// Runs `kolla catalog`.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::load(args.catalog_dir.as_deref())?;
    let mut out = std::io::stdout().lock();
    match args.command {
        Sub::List => {
            let entries: Vec<serde_json::Value> =
                catalog.services().iter().map(Service::summary).collect();
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&entries)?)?,
                Format::Text => {
                    for s in catalog.services() {
                        let aliases = if s.aliases.is_empty() {
                            String::new()
                        } else {
                            format!(" (also {})", s.aliases.join(", "))
                        };
                        writeln!(out, "{}{aliases}: {}", s.service, s.description)?;
                        for c in &s.containers {
                            writeln!(
                                out,
                                "  {:<32} group {:<28} image {}",
                                c.name, c.group, c.image
                            )?;
                        }
                        if !s.depends_on.hard.is_empty() {
                            writeln!(out, "  needs {}", s.depends_on.hard.join(", "))?;
                        }
                    }
                }
            }
        }
        Sub::Show { service } => {
            let s = catalog.get(&service)?;
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(s)?)?,
                Format::Text => out.write_all(show_text(s).as_bytes())?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show_text(s: &Service) -> String {
    let mut t = format!("service: {}\n", s.service);
    t += &format!("description: {}\norigin: {}\n", s.description, s.origin);
    if !s.aliases.is_empty() {
        t += &format!("aliases: {}\n", s.aliases.join(", "));
    }
    t += &format!("enable: {}\n", flag(&s.enable));
    t += &format!("hard dependencies: {}\n", s.depends_on.hard.join(", "));
    t += &format!("soft dependencies: {}\n", s.depends_on.soft.join(", "));
    if !s.ports.is_empty() {
        t += "ports:\n";
        for (k, v) in &s.ports {
            t += &format!("  {k}: {}\n", plain(v));
        }
    }
    for f in &s.haproxy {
        t += &format!("haproxy frontend: {}\n", f.name);
    }
    for c in &s.containers {
        t += &format!("container {} (config dir {}):\n", c.name, c.key);
        t += &format!(
            "  group: {}\n  image: {}\n  enabled: {}\n",
            c.group,
            c.image,
            flag(&c.enabled)
        );
        t += &format!("  privileged: {}\n", flag(&c.privileged));
        for v in &c.volumes {
            t += &format!("  volume: {v}\n");
        }
        for f in &c.config_files {
            t += &format!(
                "  file: {} ({:?} of {}, mode {})\n",
                f.dest,
                f.merge,
                f.template.as_deref().unwrap_or("-"),
                f.mode
            );
        }
        if let Some(cmd) = c.config_json.as_ref().and_then(|j| j.command.as_deref()) {
            t += &format!("  command: {cmd}\n");
        }
    }
    t
}

fn flag(f: &kolla_core::catalog::Flag) -> String {
    match f {
        kolla_core::catalog::Flag::Bool(b) => b.to_string(),
        kolla_core::catalog::Flag::Expr(e) => e.clone(),
    }
}

fn plain(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}
