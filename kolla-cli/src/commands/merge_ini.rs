//! `kolla merge-ini`: kolla-ansible's `merge_configs` on files.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::ini::{self, MergeOptions};

use super::{OutArgs, SearchArgs, VarArgs};
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
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub search: SearchArgs,
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
    #[command(flatten)]
    pub out: OutArgs,
}

/// Merges, then prints or writes.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let options = MergeOptions {
        whitespace: !args.no_whitespace,
        strict: args.strict,
        vars: args.vars.load()?,
        search_path: args.search.search_path.clone(),
    };
    let (sources, skipped) = ini::load_sources_reporting(&args.sources, &options)?;
    // Skipping is what the plugin does; on the command line, say so.
    for s in &skipped {
        eprintln!(
            "skipped {}: {} (--strict makes this an error)",
            s.path, s.reason
        );
    }
    let merge = ini::merge_rendered(&sources).map_err(kolla_core::Error::from)?;
    let text = merge.write(options.whitespace);
    let mut explanation = ini::Explanation::of(&merge);
    args.out.write(text.as_bytes())?;
    let mut stdout = std::io::stdout().lock();
    if args.explain {
        if !args.show_secrets {
            explanation.redact();
        }
        match format {
            Format::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&explanation)?)?,
            Format::Text => stdout.write_all(explanation.to_text().as_bytes())?,
        }
    } else if args.out.dest.is_none() {
        match format {
            Format::Json => writeln!(stdout, "{}", serde_json::json!({ "content": text }))?,
            Format::Text => stdout.write_all(text.as_bytes())?,
        }
    } else if format == Format::Json {
        writeln!(
            stdout,
            "{}",
            serde_json::json!({ "dest": args.out.dest, "size": text.len() })
        )?;
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
