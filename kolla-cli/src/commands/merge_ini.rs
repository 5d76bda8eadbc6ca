//! `kolla merge-ini`: kolla-ansible's `merge_configs` on files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::ini::{self, MergeOptions};
use kolla_core::template::Vars;

use crate::cli::Format;

/// Arguments of `kolla merge-ini`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// INI sources, lowest precedence first; each is rendered as a template
    /// first. A missing or unreadable source is skipped (see --strict).
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    /// Write `key=value` instead of `key = value` (upstream's `whitespace: no`).
    #[arg(long)]
    pub no_whitespace: bool,
    /// A YAML or JSON file of variables for rendering the sources (repeatable).
    #[arg(long = "vars", value_name = "FILE")]
    pub vars: Vec<PathBuf>,
    /// Extra variables: KEY=VALUE pairs, a YAML/JSON mapping or @FILE (repeatable; wins over --vars).
    #[arg(short = 'e', long = "extra-vars", value_name = "KEY=VALUE")]
    pub extra_vars: Vec<String>,
    /// A directory that {% include %}, {% import %} and {% extends %} in the
    /// sources search before each source's own directory (repeatable, in
    /// order). kolla-ansible searches the playbook directory, then its
    /// templates/: pass --search-path PLAYBOOK --search-path PLAYBOOK/templates.
    #[arg(long = "search-path", value_name = "DIR")]
    pub search_path: Vec<PathBuf>,
    /// Print, for every key, which source and line won and what it replaced,
    /// instead of the merged file (with -o the file is still written).
    #[arg(long)]
    pub explain: bool,
    /// Show secret values in --explain output (redacted by default).
    #[arg(long, requires = "explain")]
    pub show_secrets: bool,
    /// Fail when a source is missing or unreadable, instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Write the result to DEST atomically instead of printing it.
    #[arg(short = 'o', long = "output", value_name = "DEST")]
    pub dest: Option<PathBuf>,
    /// Octal mode for DEST, e.g. 0660.
    #[arg(long, requires = "dest", value_parser = parse_mode)]
    pub mode: Option<u32>,
}

fn parse_mode(text: &str) -> Result<u32, String> {
    ini::parse_mode(text).ok_or_else(|| format!("{text:?} is not an octal mode like 0660"))
}

/// Merges, then prints or writes.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let mut vars = Vars::new();
    for file in &args.vars {
        vars.add_file(file)?;
    }
    for extra in &args.extra_vars {
        vars.add_extra(extra)?;
    }
    let options = MergeOptions {
        whitespace: !args.no_whitespace,
        strict: args.strict,
        vars: vars.into_value(),
        search_path: args.search_path.clone(),
    };
    let (text, mut explanation) = ini::merge_files_explained(&args.sources, &options)?;
    if let Some(dest) = &args.dest {
        ini::write_atomic(dest, text.as_bytes(), args.mode).map_err(kolla_core::Error::from)?;
    }
    let mut stdout = std::io::stdout().lock();
    if args.explain {
        if !args.show_secrets {
            explanation.redact();
        }
        match format {
            Format::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&explanation)?)?,
            Format::Text => stdout.write_all(explanation.to_text().as_bytes())?,
        }
    } else if args.dest.is_none() {
        match format {
            Format::Json => writeln!(stdout, "{}", serde_json::json!({ "content": text }))?,
            Format::Text => stdout.write_all(text.as_bytes())?,
        }
    } else if format == Format::Json {
        writeln!(
            stdout,
            "{}",
            serde_json::json!({ "dest": args.dest, "size": text.len() })
        )?;
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
