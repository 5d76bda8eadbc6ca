//! Checks no upstream tool makes (`kolla inventory check`).

use std::collections::BTreeSet;

use super::data::{ALL, UNGROUPED};
use super::Inventory;

/// The kolla-ansible releases whose group names are known (oldest first).
pub const RELEASES: &[&str] = &["4.0.0", "7.0.0", "22.2.0", "master"];

/// The release an inventory is judged against unless told otherwise: the
/// one the service catalog follows.
pub const DEFAULT_RELEASE: &str = "22.2.0";

/// Every group name kolla-ansible knows at `release` (one of [`RELEASES`]):
/// the groups its own multinode and all-in-one inventories declare, the
/// groups its site.yml plays target and its services' container groups
/// (`scripts/gen-known-groups.py` extracts them), sorted.
///
/// ```
/// let groups = kolla_core::inventory::known_groups("7.0.0").unwrap();
/// assert!(groups.contains(&"kibana") && groups.contains(&"chrony"));
/// assert!(!kolla_core::inventory::known_groups("22.2.0").unwrap().contains(&"kibana"));
/// assert!(kolla_core::inventory::known_groups("1.0.0").is_none());
/// ```
pub fn known_groups(release: &str) -> Option<Vec<&'static str>> {
    let text = match release {
        "4.0.0" => include_str!("groups/4.0.0.txt"),
        "7.0.0" => include_str!("groups/7.0.0.txt"),
        "22.2.0" => include_str!("groups/22.2.0.txt"),
        "master" => include_str!("groups/master.txt"),
        _ => return None,
    };
    Some(text.lines().filter(|l| !l.is_empty()).collect())
}

/// Groups that hold servers rather than map services.
const HOST_GROUPS: &[&str] = &[
    "control",
    "network",
    "compute",
    "storage",
    "monitoring",
    "deployment",
    "baremetal",
];

/// One problem `kolla inventory check` found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// A stable name for the kind of problem: `host-without-service`,
    /// `unused-group`, `group-typo` or `interface-mismatch`.
    pub kind: &'static str,
    /// The host or group the finding is about.
    pub subject: String,
    /// What is wrong, for a person.
    pub message: String,
}

fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
        return diff.len() == 1
            || (diff.len() == 2
                && diff[1] == diff[0] + 1
                && a[diff[0]] == b[diff[1]]
                && a[diff[1]] == b[diff[0]]);
    }
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    let mut i = 0;
    while i < short.len() && short[i] == long[i] {
        i += 1;
    }
    short[i..] == long[i + 1..]
}

pub(crate) fn check(inv: &Inventory, release: &str) -> Result<Vec<Finding>, super::Error> {
    let known_list = known_groups(release).ok_or_else(|| super::Error::UnknownRelease {
        release: release.to_string(),
    })?;
    let d = &inv.data;
    let mut out = Vec::new();
    let known: BTreeSet<&str> = known_list.iter().copied().collect();

    // Group names one edit away from a known kolla group.
    for g in d.groups.values() {
        if known.contains(g.name.as_str()) || g.name == "all" || g.name == "ungrouped" {
            continue;
        }
        if let Some(k) = known_list.iter().find(|k| one_edit(k, &g.name)) {
            out.push(Finding {
                kind: "group-typo",
                subject: g.name.clone(),
                message: format!(
                    "group '{}' is one edit away from kolla's '{k}' ({release}); a typo?",
                    g.name
                ),
            });
        }
    }

    // Groups nothing uses: only under `all`, holding hosts or children, yet
    // not a group any kolla play targets.
    for (i, g) in d.groups.values().enumerate() {
        let typo = out
            .iter()
            .any(|f| f.kind == "group-typo" && f.subject == g.name);
        if i == ALL || i == UNGROUPED || typo || known.contains(g.name.as_str()) {
            continue;
        }
        if g.parents.iter().all(|&p| p == ALL) {
            out.push(Finding {
                kind: "unused-group",
                subject: g.name.clone(),
                message: format!(
                    "group '{}' is no child of any group and no kolla {release} play targets it",
                    g.name
                ),
            });
        }
    }

    // Hosts that no kolla service group reaches (kolla deploys nothing there).
    let mut cache = super::resolve::Cache::default();
    for h in 0..d.hosts.len() {
        let names = super::resolve::host_group_names_cached(inv, h, &mut cache);
        let service = names
            .iter()
            .any(|n| known.contains(n) && !HOST_GROUPS.contains(n));
        if !service {
            out.push(Finding {
                kind: "host-without-service",
                subject: d.hosts[h].name.clone(),
                message: format!(
                    "host '{}' is in no service group, so nothing will be deployed on it",
                    d.hosts[h].name
                ),
            });
        }
    }

    // Interface variables set on some hosts of a group but not on their peers.
    for g in d.groups.values() {
        if g.hosts.len() < 2 {
            continue;
        }
        let own = |h: usize| -> BTreeSet<String> {
            let mut keys: BTreeSet<String> = d.hosts[h]
                .vars
                .keys()
                .filter(|k| k.ends_with("_interface"))
                .cloned()
                .collect();
            for adj in &inv.adjacent {
                if let Some(m) = adj.hosts.get(&h) {
                    keys.extend(m.keys().filter(|k| k.ends_with("_interface")).cloned());
                }
            }
            keys
        };
        let sets: Vec<BTreeSet<String>> = g.hosts.iter().map(|&h| own(h)).collect();
        let all_keys: BTreeSet<&String> = sets.iter().flatten().collect();
        for key in all_keys {
            let missing: Vec<&str> = g
                .hosts
                .iter()
                .zip(&sets)
                .filter(|(_, s)| !s.contains(key))
                .map(|(&h, _)| d.hosts[h].name.as_str())
                .collect();
            if !missing.is_empty() {
                out.push(Finding {
                    kind: "interface-mismatch",
                    subject: g.name.clone(),
                    message: format!(
                        "'{key}' is set per host on some hosts of '{}' but not on {}",
                        g.name,
                        missing.join(", ")
                    ),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::one_edit;

    #[test]
    fn edits() {
        assert!(one_edit("nova-scheduler", "nova-scheduller"));
        assert!(one_edit("nova-api", "nova-apj"));
        assert!(one_edit("nova", "nvoa"));
        assert!(!one_edit("nova", "nova"));
        assert!(!one_edit("nova", "neutron"));
    }
}
