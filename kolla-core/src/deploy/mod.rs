//! Deploying a cloud: the desired state (pure), the plan (pure), and its
//! application through the engines (async, feature `runtime`).
//!
//! ```text
//! inventory + catalog + globals ─> DesiredState ─┐
//!                     engines ─> ObservedState ──┴─> Plan (steps with reasons) ─> apply
//! ```
//!
//! Containers kolla-rs creates carry the labels in [`label`]; only those are
//! ever removed.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::catalog::Container;
use crate::config_json::{ConfigFile, ConfigJson, Permission};
use crate::vars::Context;

#[cfg(feature = "runtime")]
pub mod apply;
#[cfg(feature = "runtime")]
pub mod capability;
pub mod desired;
pub mod plan;

pub use desired::{DesiredContainer, DesiredState, Options};
pub use plan::{Action, ObservedState, Plan, Step};

/// The labels of every container kolla-rs creates (one definition, in
/// [`crate::container::labels`]).
pub use crate::container::labels as label;

/// What an engine refuses and a simulated or quickstart run may drop.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Relax {
    /// Privileged containers are refused: run them unprivileged.
    pub privileged: bool,
    /// `/` is not a shared mount: drop `:shared` propagation.
    pub shared_mounts: bool,
    /// The engine's hard `nofile` limit: cap ulimits to it.
    pub nofile_hard: Option<i64>,
}

/// Errors of desired state, plan and apply; each names the host and the
/// container or step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A container's desired state could not be built.
    #[error("host {host}, container {container}: {message}")]
    Desired {
        /// The inventory host.
        host: String,
        /// The catalog container.
        container: String,
        /// What failed.
        message: String,
    },
    /// A step failed while applying the plan.
    #[error("step `{step}` failed on host {host} ({endpoint}): {message}{}", logs_text(.logs))]
    Step {
        /// The step, as the plan prints it.
        step: String,
        /// The inventory host.
        host: String,
        /// The engine endpoint.
        endpoint: String,
        /// What failed.
        message: String,
        /// The container's last log lines, when it has any.
        logs: String,
    },
    /// The engine refuses what the deployment needs.
    #[error("the engine refuses what this deployment needs:\n{}", .findings.iter().map(|f| format!("  - {f}")).collect::<Vec<_>>().join("\n"))]
    Refused {
        /// The findings, each with its fix.
        findings: Vec<String>,
    },
    /// A destructive command was not confirmed.
    #[error("{0}")]
    Usage(String),
}

fn logs_text(logs: &str) -> String {
    if logs.trim().is_empty() {
        String::new()
    } else {
        format!("\nlast log lines:\n{}", logs.trim_end())
    }
}

/// The config tree of one container: file name to contents.
///
/// The seam to genconfig: until `genconfig::generate` lands this is
/// `config.json` alone, made from the catalog's config.json entries (files
/// the tree does not hold yet are optional, conditional entries left out).
pub fn config_tree(c: &Container, ctx: &Context<'_>) -> crate::Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let Some(spec) = &c.config_json else {
        return Ok(out);
    };
    let text = |s: &str| -> crate::Result<String> {
        if s.contains("{{") || s.contains("{%") {
            Ok(match ctx.eval(s)? {
                Value::String(s) => s,
                other => other.to_string(),
            })
        } else {
            Ok(s.to_string())
        }
    };
    let mut cj = ConfigJson {
        command: text(spec.command.as_deref().unwrap_or(""))?,
        ..Default::default()
    };
    for f in spec.config_files.iter().filter(|f| !f.conditional) {
        let mut entry = ConfigFile::new(text(&f.source)?, text(&f.dest)?)
            .owner(text(&f.owner)?)
            .perm(text(&f.perm)?);
        entry.optional = true;
        cj.config_files.push(entry);
    }
    for p in &spec.permissions {
        let mut entry = Permission::new(text(&p.path)?, text(&p.owner)?);
        entry.recurse = p.recurse.unwrap_or(false);
        entry.perm = p.perm.clone();
        cj.permissions.push(entry);
    }
    let mut json = cj.to_json_pretty();
    json.push('\n');
    out.insert("config.json".to_string(), json.into_bytes());
    Ok(out)
}

/// The hash of a config tree (names and contents), hex: the
/// `kolla-rs.config-hash` label.
pub fn tree_hash(files: &BTreeMap<String, Vec<u8>>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (name, data) in files {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((data.len() as u64).to_le_bytes());
        h.update(data);
    }
    h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;
