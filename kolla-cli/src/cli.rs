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

    /// Print more details (warnings list what they are about).
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

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
    /// Fill the empty values of passwords.yml as kolla-genpwd does.
    Genpwd(commands::passwords::GenpwdArgs),
    /// Merge an old passwords.yml into a new one as kolla-mergepwd does.
    Mergepwd(commands::passwords::MergepwdArgs),
    /// The service catalog: `list`, `show SERVICE`.
    Catalog(commands::catalog::Args),
    /// The enabled services of an inventory in deploy waves, placed on hosts (`--format text|json|dot|svg`).
    Graph(commands::graph::Args),
    /// Every config file and config.json of every container on every host (`--explain HOST KEY FILE`).
    Genconfig(commands::genconfig::Args),
}

/// Parses the command line, runs the command, and maps the outcome to an exit code.
///
/// A closed stdout or stderr (`kolla inventory list | head -2`) ends the
/// command quietly with exit 0, as ripgrep and most Unix tools that catch
/// `EPIPE` do: an error whose cause is a broken pipe is not reported (there
/// is nowhere to report it), and a `println!` that hits a closed pipe exits
/// instead of panicking.
pub fn execute() -> ExitCode {
    quiet_on_broken_pipe();
    let cli = Cli::parse_from(commands::graph::rewrite_args(std::env::args_os()));
    let result = match cli.command {
        Command::Prechecks(args) => commands::prechecks::run(args, cli.format),
        Command::Container(args) => commands::container::run(args, cli.format),
        Command::Images(args) => commands::images::run(args, cli.format),
        Command::MergeIni(args) => commands::merge_ini::run(args, cli.format),
        Command::Inventory(args) => commands::inventory::run(args, cli.format, cli.verbose),
        Command::MergeYaml(args) => commands::yaml::merge(args, cli.format),
        Command::Render(args) => commands::yaml::render(args, cli.format),
        Command::Genpwd(args) => commands::passwords::genpwd(args, cli.format),
        Command::Mergepwd(args) => commands::passwords::mergepwd(args, cli.format),
        Command::Catalog(args) => commands::catalog::run(args, cli.format),
        Command::Graph(args) => commands::graph::run(args, cli.format),
        Command::Genconfig(args) => commands::genconfig::run(args, cli.format),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err, cli.format);
            ExitCode::from(1)
        }
    }
}

/// Whether the error comes from writing to a closed pipe.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Makes `print!`-family macros that fail on a closed pipe end the process
/// with exit 0 instead of a panic (std reports such a failure as a panic
/// "failed printing to stdout: Broken pipe"). Other panics keep the default
/// hook.
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if payload.starts_with("failed printing to std") && payload.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// The causes of `err` worth printing: each one that the message before it
/// does not already say (a wrapper that prints `path: reason` and then its
/// source `reason` would say the same thing twice).
fn causes(err: &anyhow::Error) -> Vec<String> {
    let mut said = err.to_string();
    let mut out = Vec::new();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !said.contains(&text) {
            out.push(text.clone());
        }
        said = text;
    }
    out
}

/// Prints an error with its cause chain to stderr (nothing when stderr is
/// closed: there is nowhere left to say it).
fn report(err: &anyhow::Error, format: Format) {
    use std::io::Write;
    let core = err.downcast_ref::<kolla_core::Error>();
    let mut stderr = std::io::stderr().lock();
    let _ = match format {
        Format::Json => {
            let loc = core.and_then(|e| e.location());
            let value = serde_json::json!({
                "error": err.to_string(),
                "kind": core.map(|e| e.kind()).unwrap_or("error"),
                "path": core.and_then(|e| e.path()),
                "line": loc.map(|l| l.line),
                "column": loc.and_then(|l| l.column),
                "causes": causes(err),
            });
            writeln!(stderr, "{value}")
        }
        Format::Text => writeln!(stderr, "error: {err}").and_then(|()| {
            causes(err)
                .iter()
                .try_for_each(|c| writeln!(stderr, "  caused by: {c}"))
        }),
    };
}
