//! `kolla graph`: the enabled services of an inventory, placed and ordered.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use kolla_core::catalog::Catalog;
use kolla_core::graph::{Graph, Options};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

use crate::cli::Format;

/// Arguments of `kolla graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
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
    /// Only these services (comma-separated) and what they depend on.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub services: Vec<String>,
    /// `--format dot|svg` for this command (set from `--format`).
    #[arg(long = "graph-format", hide = true, value_enum)]
    pub graph_format: Option<GraphFormat>,
}

/// The formats only `kolla graph` has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// graphviz dot.
    Dot,
    /// SVG drawn by graphviz's `dot`.
    Svg,
}

/// Lets `kolla graph --format dot|svg` through the global `--format`
/// (text|json): after the `graph` subcommand, those two values become the
/// command's own option.
pub fn rewrite_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let args: Vec<OsString> = args.into_iter().collect();
    if !args.iter().any(|a| a == "graph") {
        return args;
    }
    let mut out = Vec::with_capacity(args.len());
    let mut seen_graph = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        seen_graph |= a == "graph";
        let s = a.to_string_lossy();
        if seen_graph {
            if s == "--format" {
                if let Some(v) = args.get(i + 1).filter(|v| *v == "dot" || *v == "svg") {
                    out.push("--graph-format".into());
                    out.push(v.clone());
                    i += 2;
                    continue;
                }
            } else if let Some(v) = s
                .strip_prefix("--format=")
                .filter(|v| *v == "dot" || *v == "svg")
            {
                out.push(format!("--graph-format={v}").into());
                i += 1;
                continue;
            }
        }
        out.push(a.clone());
        i += 1;
    }
    out
}

/// Runs `kolla graph`.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
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
    let mut out = std::io::stdout().lock();
    match (args.graph_format, format) {
        (Some(GraphFormat::Dot), _) => out.write_all(graph.to_dot().as_bytes())?,
        (Some(GraphFormat::Svg), _) => out.write_all(&svg(&graph.to_dot())?)?,
        (None, Format::Json) => {
            writeln!(out, "{}", serde_json::to_string_pretty(&graph.to_json())?)?
        }
        (None, Format::Text) => out.write_all(graph.to_text().as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Renders dot through graphviz.
fn svg(dot: &str) -> anyhow::Result<Vec<u8>> {
    use std::process::{Command, Stdio};
    let mut child = match Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "--format svg needs graphviz's `dot`, which is not installed (apt-get install graphviz); `--format dot` prints the graph for rendering elsewhere"
        ),
        Err(e) => return Err(e).context("running graphviz `dot`"),
    };
    child
        .stdin
        .take()
        .context("dot's stdin")?
        .write_all(dot.as_bytes())?;
    let out = child.wait_with_output()?;
    anyhow::ensure!(
        out.status.success(),
        "graphviz `dot` failed: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(out.stdout)
}
