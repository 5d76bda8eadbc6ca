//! `kolla inventory`: read Ansible inventories and answer questions about them.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use kolla_core::inventory::Inventory;

use crate::cli::Format;

/// Arguments of `kolla inventory`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inventory sources: INI or YAML files, directories, or `host1,host2,`.
    #[arg(short = 'i', long = "inventory", global = true)]
    pub inventory: Vec<PathBuf>,

    #[command(subcommand)]
    pub action: Action,
}

/// What to print.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// The same JSON as `ansible-inventory --list`.
    List,
    /// The same text as `ansible-inventory --graph`.
    Graph {
        /// The group to start at.
        #[arg(default_value = "all")]
        group: String,
        /// Show variables too (`--graph --vars`).
        #[arg(long)]
        vars: bool,
    },
    /// One host's merged variables: the same JSON as `ansible-inventory --host`.
    Host {
        /// The host.
        host: String,
    },
    /// The hosts a pattern names (`a:b`, `a:&b`, `a:!b`, `web*`, `~re`).
    Hosts {
        /// The host pattern.
        pattern: String,
    },
    /// Problems no upstream tool reports (typos, unused groups, ...).
    Check {
        /// The kolla-ansible release whose groups the inventory is judged
        /// against: the service catalog's by default, or an older one for
        /// an inventory written for it.
        #[arg(long, default_value = kolla_core::inventory::DEFAULT_RELEASE,
              value_parser = clap::builder::PossibleValuesParser::new(kolla_core::inventory::RELEASES))]
        release: String,
    },
}

/// Loads the inventory, prints Ansible's warnings to stderr, then the answer.
pub fn run(args: Args, format: Format, verbose: u8) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        !args.inventory.is_empty(),
        "give at least one inventory with -i"
    );
    let inv = Inventory::load(&args.inventory)?;
    for w in inv.warnings() {
        // Ansible's text points to its `-vvvv`; kolla's switch is `-v`.
        match w.strip_suffix(", use -vvvv to see details") {
            Some(head) if verbose > 0 => {
                eprintln!("[WARNING]: {head}:");
                for detail in inv.group_name_details() {
                    eprintln!("  {detail}");
                }
            }
            Some(head) => eprintln!("[WARNING]: {head}, use -v to see details"),
            None => eprintln!("[WARNING]: {w}"),
        }
    }
    let mut out = std::io::stdout().lock();
    match args.action {
        Action::List => out.write_all(inv.to_ansible_json().as_bytes())?,
        Action::Graph { group, vars } => out.write_all(
            inv.graph(&group, vars)
                .map_err(kolla_core::Error::from)?
                .as_bytes(),
        )?,
        Action::Host { host } => out.write_all(
            inv.host_json(&host)
                .map_err(kolla_core::Error::from)?
                .as_bytes(),
        )?,
        Action::Hosts { pattern } => {
            let (hosts, warnings) = inv
                .hosts_in_with_warnings(&pattern)
                .map_err(kolla_core::Error::from)?;
            for w in warnings {
                eprintln!("[WARNING]: {w}");
            }
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string(&hosts)?)?,
                Format::Text => {
                    for h in hosts {
                        writeln!(out, "{h}")?;
                    }
                }
            }
        }
        Action::Check { release } => {
            let findings = inv
                .check_release(&release)
                .map_err(kolla_core::Error::from)?;
            match format {
                Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&findings)?)?,
                Format::Text => {
                    for f in &findings {
                        writeln!(out, "{}: {}: {}", f.kind, f.subject, f.message)?;
                    }
                    if findings.is_empty() {
                        writeln!(out, "no problems found")?;
                    }
                }
            }
            if !findings.is_empty() {
                if let Some(hint) = release_hint(&findings, &release) {
                    eprintln!("hint: {hint}");
                }
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// When most unused groups are groups of another release, the inventory
/// was likely written for it: say which `--release` to try.
fn release_hint(findings: &[kolla_core::inventory::Finding], release: &str) -> Option<String> {
    let unused: Vec<&str> = findings
        .iter()
        .filter(|f| f.kind == "unused-group")
        .map(|f| f.subject.as_str())
        .collect();
    if unused.is_empty() {
        return None;
    }
    kolla_core::inventory::RELEASES
        .iter()
        .filter(|r| **r != release)
        .filter_map(|r| {
            let known = kolla_core::inventory::known_groups(r)?;
            let hits = unused.iter().filter(|g| known.contains(g)).count();
            (hits * 2 > unused.len()).then_some((hits, *r))
        })
        .max()
        .map(|(hits, r)| {
            format!(
                "{hits} of the {} unused groups are kolla-ansible {r} groups; \
                 for an inventory written for {r}, run check --release {r}",
                unused.len()
            )
        })
}
