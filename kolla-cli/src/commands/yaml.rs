//! `kolla merge-yaml` and `kolla render`: kolla-ansible's `merge_yaml` and
//! Ansible's templating on the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::source::{merge_yaml_files, Missing, Pipeline};
use kolla_core::template::Vars;
use kolla_core::yaml::merge::{write_atomic, MergeOptions};

use crate::cli::Format;

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
    fn load(&self) -> anyhow::Result<serde_json::Value> {
        let mut vars = Vars::new();
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
    /// template's own directory (repeatable, in order). Ansible searches the
    /// playbook directory, then its templates/, then the template's own
    /// directory: pass --search-path PLAYBOOK --search-path PLAYBOOK/templates.
    #[arg(long = "search-path", value_name = "DIR")]
    pub search_path: Vec<PathBuf>,
}

/// Where the result goes.
#[derive(Debug, clap::Args)]
pub struct OutArgs {
    /// Write here (atomically) instead of printing to stdout.
    #[arg(short = 'o', long = "dest", value_name = "DEST")]
    pub dest: Option<PathBuf>,
    /// Octal mode for DEST, e.g. 0660.
    #[arg(long, requires = "dest")]
    pub mode: Option<String>,
}

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
    if let Some(dest) = &out.dest {
        write_atomic(dest, text, out.mode.as_deref())?;
    }
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
    let text = merge_yaml_files(&args.sources, &opts, &pipeline)?;
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
    let text = kolla_core::template::render_with(&name, &source, &vars, &opts)?;
    emit(&text, &args.out, format)
}
