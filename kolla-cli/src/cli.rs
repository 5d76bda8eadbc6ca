//! Argument parsing, output format and exit codes for `kolla`.
//!
//! Exit codes: 0 success, 1 the operation failed, 2 usage error (clap's own
//! code for bad arguments).

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;

/// Kolla deployment on the kolla-rs core.
#[derive(Debug, Parser)]
#[command(name = "kolla", version, about, long_about = None)]
pub struct Cli {
    /// How to print data: human-readable text, or JSON for scripts.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    #[command(subcommand)]
    pub command: Command,
}

/// Output format for commands that print data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON on stdout.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that the local container engine can build and run Kolla containers.
    Prechecks(commands::prechecks::Args),
    /// Run a kolla_container action, query container facts, or list kolla containers (`ps`).
    Container(commands::container::Args),
    /// Build images: `kolla images standin` builds the stand-in service images.
    Images(commands::images::Args),
    /// Merge INI files the way kolla-ansible's merge_configs does.
    MergeIni(commands::merge_ini::Args),
    /// Read Ansible inventories: list, graph, host variables, patterns, checks.
    Inventory(commands::inventory::Args),
    /// Merge YAML files as kolla-ansible's merge_yaml does (each rendered as a template first).
    MergeYaml(commands::yaml::MergeArgs),
    /// Render a Jinja template the way Ansible does.
    Render(commands::yaml::RenderArgs),
    /// The service catalog: `list`, `show SERVICE`.
    Catalog(commands::catalog::Args),
    /// The enabled services of an inventory in deploy waves, placed on hosts (`--format text|json|dot|svg`).
    Graph(commands::graph::Args),
}

/// Parses the command line, runs the command, and maps the outcome to an exit code.
pub fn execute() -> ExitCode {
    let cli = Cli::parse_from(commands::graph::rewrite_args(std::env::args_os()));
    let result = match cli.command {
        Command::Prechecks(args) => commands::prechecks::run(args, cli.format),
        Command::Container(args) => commands::container::run(args, cli.format),
        Command::Images(args) => commands::images::run(args, cli.format),
        Command::MergeIni(args) => commands::merge_ini::run(args, cli.format),
        Command::Inventory(args) => commands::inventory::run(args, cli.format),
        Command::MergeYaml(args) => commands::yaml::merge(args, cli.format),
        Command::Render(args) => commands::yaml::render(args, cli.format),
        Command::Catalog(args) => commands::catalog::run(args, cli.format),
        Command::Graph(args) => commands::graph::run(args, cli.format),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            report(&err, cli.format);
            ExitCode::from(1)
        }
    }
}

/// Prints an error with its whole cause chain to stderr.
fn report(err: &anyhow::Error, format: Format) {
    let core = err.downcast_ref::<kolla_core::Error>();
    match format {
        Format::Json => {
            let chain: Vec<String> = err.chain().skip(1).map(|c| c.to_string()).collect();
            let loc = core.and_then(|e| e.location());
            let value = serde_json::json!({
                "error": err.to_string(),
                "kind": core.map(|e| e.kind()).unwrap_or("error"),
                "path": core.and_then(|e| e.path()),
                "line": loc.map(|l| l.line),
                "column": loc.and_then(|l| l.column),
                "causes": chain,
            });
            eprintln!("{value}");
        }
        Format::Text => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
        }
    }
}
