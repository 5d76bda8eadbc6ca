//! `kolla merge-yaml` and `kolla render`: kolla-ansible's `merge_yaml` and
//! Ansible's templating on the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::source::{merge_yaml_files_reporting, Missing, Pipeline};
use kolla_core::yaml::merge::MergeOptions;

use super::{OutArgs, SearchArgs, VarArgs};
use crate::cli::Format;

/// Arguments of `kolla merge-yaml`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Extend lists from earlier sources instead of replacing them.
    #[arg(long)]
    pub extend_lists: bool,
    /// Line width for folding long strings (PyYAML's default is 80).
    #[arg(long, value_name = "N")]
    pub yaml_width: Option<usize>,
    /// Fail on a missing SOURCE instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub search: SearchArgs,
    /// YAML files (Jinja templates) to merge, in order; later ones win.
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutArgs,
}

/// Arguments of `kolla render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The template file.
    pub template: PathBuf,
    #[command(flatten)]
    pub vars: VarArgs,
    #[command(flatten)]
    pub search: SearchArgs,
    #[command(flatten)]
    pub out: OutArgs,
}

fn emit(text: &str, out: &OutArgs, format: Format) -> anyhow::Result<ExitCode> {
    out.write(text.as_bytes())?;
    match (format, &out.dest) {
        (Format::Json, dest) => println!(
            "{}",
            serde_json::json!({"dest": dest.as_ref().map(|d| d.display().to_string()), "content": text})
        ),
        (Format::Text, None) => print!("{text}"),
        (Format::Text, Some(_)) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Merges the sources and prints or writes the result.
pub fn merge(args: MergeArgs, format: Format) -> anyhow::Result<ExitCode> {
    let vars = args.vars.load()?;
    let opts = MergeOptions {
        extend_lists: args.extend_lists,
        yaml_width: args.yaml_width,
    };
    let missing = if args.strict {
        Missing::Error
    } else {
        Missing::Skip
    };
    let pipeline = Pipeline {
        vars: &vars,
        search_path: &args.search.search_path,
        missing,
    };
    let (text, skipped) = merge_yaml_files_reporting(&args.sources, &opts, &pipeline)?;
    // Skipping is what the plugin does; on the command line, say so.
    for s in &skipped {
        eprintln!(
            "skipped {}: {} (--strict makes this an error)",
            s.path, s.reason
        );
    }
    emit(&text, &args.out, format)
}

/// Renders the template and prints or writes the result.
pub fn render(args: RenderArgs, format: Format) -> anyhow::Result<ExitCode> {
    let vars = args.vars.load()?;
    let source = std::fs::read_to_string(&args.template)
        .map_err(|e| kolla_core::Error::from(kolla_core::IoError::new(&args.template, e)))?;
    let name = args.template.display().to_string();
    let opts = kolla_core::template::RenderOptions {
        search_path: kolla_core::template::search_path_for(
            &args.template,
            &args.search.search_path,
        ),
        ..Default::default()
    };
    let text = kolla_core::template::render_with(&name, &source, &vars, &opts)
        .map_err(kolla_core::Error::from)?;
    emit(&text, &args.out, format)
}
