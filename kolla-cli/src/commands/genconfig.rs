//! `kolla genconfig`: every config file and config.json of every container
//! on every host, written atomically and idempotently; `--explain HOST KEY
//! FILE` shows where each INI key of one file came from.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::genconfig::{self, Options, WriteOptions};

use super::InputArgs;
use crate::cli::Format;

/// Arguments of `kolla genconfig`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inventory, globals, passwords, facts, extra vars.
    #[command(flatten)]
    pub input: InputArgs,
    /// The operator's override directory (Kolla's /etc/kolla/config).
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// A directory of templates (`<service>/<file>`) that win over the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Only the hosts this Ansible host pattern matches.
    #[arg(short = 'l', long, value_name = "PATTERN")]
    pub limit: Option<String>,
    /// Only these services (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub services: Vec<String>,
    /// Write `<DIR>/<host>/<key>/`; without it, node_config_directory of each local host.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Leave out the files of missing templates and files that fail (listed on stderr) instead of failing.
    #[arg(long)]
    pub keep_going: bool,
    /// Report what would change; write nothing.
    #[arg(long)]
    pub check: bool,
    /// Show where each key of one INI file came from: HOST KEY FILE.
    #[arg(long, num_args = 3, value_names = ["HOST", "KEY", "FILE"])]
    pub explain: Option<Vec<String>>,
}

/// Runs `kolla genconfig`.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    let (catalog, inventory, inputs) = args.input.load()?;
    let options = Options {
        limit: args.limit.clone(),
        services: args.services.clone(),
        config_dir: args.config_dir.clone(),
        template_dir: args.templates.clone(),
        keep_going: args.keep_going,
    };
    let mut out = std::io::stdout().lock();
    if let Some(ex) = &args.explain {
        let explanation = genconfig::explain(
            &catalog, &inventory, &inputs, &options, &ex[0], &ex[1], &ex[2],
        )?;
        match format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&explanation)?)?,
            Format::Text => out.write_all(explanation.to_text().as_bytes())?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    let generated = genconfig::generate(&catalog, &inventory, &inputs, &options)?;
    for m in &generated.missing {
        eprintln!(
            "warning: missing template {}/{} (left out {}/{})",
            m.service, m.template, m.key, m.dest
        );
    }
    for f in &generated.failed {
        eprintln!("warning: left out: {f}");
    }
    let changes = genconfig::write(
        &generated.configs,
        &WriteOptions {
            out: args.out.clone(),
            check: args.check,
        },
    )?;
    match format {
        Format::Json => {
            let report = serde_json::json!({
                "changes": changes,
                "missing": generated.missing,
                "failed": generated.failed,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        }
        Format::Text => {
            let mut n_changed = 0;
            for c in &changes {
                if let Some(why) = &c.skipped {
                    writeln!(out, "{} {}: skipped ({why})", c.host, c.key)?;
                    continue;
                }
                if !c.is_changed() {
                    continue;
                }
                n_changed += 1;
                let mut parts = Vec::new();
                for f in &c.created {
                    parts.push(format!("+{f}"));
                }
                for f in &c.changed {
                    parts.push(format!("~{f}"));
                }
                for f in &c.removed {
                    parts.push(format!("-{f}"));
                }
                writeln!(out, "{} {}: {}", c.host, c.key, parts.join(" "))?;
            }
            writeln!(
                out,
                "{} config directories, {} changed{}",
                changes.len(),
                n_changed,
                if args.check {
                    " (check: nothing written)"
                } else {
                    ""
                }
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
