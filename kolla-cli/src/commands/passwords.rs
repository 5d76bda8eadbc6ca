//! `kolla genpwd` and `kolla mergepwd`: kolla-ansible's `kolla-genpwd` and
//! `kolla-mergepwd`. They report key names and counts, never values.

use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::passwords::{self, GenOptions};

use crate::cli::Format;

/// Arguments of `kolla genpwd`.
#[derive(Debug, clap::Args)]
pub struct GenpwdArgs {
    /// The passwords file to fill in place (started from kolla-rs's own
    /// passwords.yml when missing).
    #[arg(
        short = 'p',
        long = "passwords",
        value_name = "FILE",
        default_value = "/etc/kolla/passwords.yml"
    )]
    pub passwords: PathBuf,
}

/// Arguments of `kolla mergepwd`.
#[derive(Debug, clap::Args)]
pub struct MergepwdArgs {
    /// The old passwords file, whose values are kept.
    #[arg(long, value_name = "FILE")]
    pub old: PathBuf,
    /// The new passwords file, whose keys are wanted (kolla-rs's own
    /// passwords.yml when not given).
    #[arg(long, value_name = "FILE")]
    pub new: Option<PathBuf>,
    /// Where to write the merged file.
    #[arg(long = "final", value_name = "FILE")]
    pub final_path: PathBuf,
    /// Drop the keys the new file does not have.
    #[arg(long)]
    pub clean: bool,
}

fn expand_home(path: PathBuf) -> PathBuf {
    match path.to_str().and_then(|s| s.strip_prefix("~/")) {
        Some(rest) => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(rest))
            .unwrap_or(path),
        None => path,
    }
}

/// Fills the empty values of the passwords file.
pub fn genpwd(args: GenpwdArgs, format: Format) -> anyhow::Result<ExitCode> {
    let path = expand_home(args.passwords);
    let report = passwords::genpwd_file(&path, &GenOptions::default())?;
    if report.was_world_accessible {
        eprintln!(
            "warning: {} was accessible to other users; its mode is now 0600",
            path.display()
        );
    }
    match format {
        Format::Json => {
            let mut value = serde_json::to_value(&report)?;
            value["path"] = serde_json::json!(path.display().to_string());
            println!("{value}");
        }
        Format::Text => {
            if report.created {
                println!("{}: created with every key", path.display());
            }
            let blank = if report.blank.is_empty() {
                String::new()
            } else {
                format!(" ({})", report.blank.join(", "))
            };
            println!(
                "{}: {} generated, {} kept, {} left blank{blank}",
                path.display(),
                report.filled.len(),
                report.kept,
                report.blank.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Merges an old passwords file into a new set of keys.
pub fn mergepwd(args: MergepwdArgs, format: Format) -> anyhow::Result<ExitCode> {
    let old = expand_home(args.old);
    let new = args.new.map(expand_home);
    let final_path = expand_home(args.final_path);
    let report = passwords::mergepwd_files(&old, new.as_deref(), &final_path, args.clean)?;
    for p in &report.world_accessible {
        eprintln!("warning: passwords file {p} is accessible to other users");
    }
    match format {
        Format::Json => {
            let mut value = serde_json::to_value(&report)?;
            value["final"] = serde_json::json!(final_path.display().to_string());
            println!("{value}");
        }
        Format::Text => {
            let old_only = if report.clean { "dropped" } else { "kept" };
            println!(
                "{}: {} values carried over, {} new keys, {} old-only keys {old_only}",
                final_path.display(),
                report.carried,
                report.added.len(),
                report.old_only.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
