//! Checks no upstream tool makes (`kolla inventory check`).

use std::collections::BTreeSet;

use super::data::{ALL, UNGROUPED};
use super::Inventory;

/// Every group name in kolla-ansible's `multinode` inventory (master), the
/// names a typo is measured against.
pub const KNOWN_GROUPS: &[&str] = &[
    "control",
    "network",
    "compute",
    "monitoring",
    "storage",
    "deployment",
    "baremetal",
    "tls-backend",
    "common",
    "collectd",
    "grafana",
    "etcd",
    "prometheus",
    "hacluster",
    "hacluster-remote",
    "loadbalancer",
    "mariadb",
    "rabbitmq",
    "keystone",
    "glance",
    "nova",
    "neutron",
    "openvswitch",
    "cinder",
    "cloudkitty",
    "memcached",
    "horizon",
    "barbican",
    "heat",
    "ironic",
    "magnum",
    "mistral",
    "manila",
    "ceilometer",
    "aodh",
    "cyborg",
    "gnocchi",
    "tacker",
    "trove",
    "watcher",
    "octavia",
    "designate",
    "placement",
    "bifrost",
    "skyline",
    "valkey",
    "blazar",
    "letsencrypt",
    "cron",
    "fluentd",
    "kolla_logs",
    "kolla_toolbox",
    "opensearch",
    "opensearch-dashboards",
    "glance-api",
    "nova-api",
    "nova-conductor",
    "nova-metadata",
    "nova-super-conductor",
    "nova-novncproxy",
    "nova-scheduler",
    "nova-spicehtml5proxy",
    "nova-compute-ironic",
    "nova-serialproxy",
    "ironic-neutron-agent",
    "neutron-bgp-dragent",
    "neutron-dhcp-agent",
    "neutron-l3-agent",
    "neutron-metadata-agent",
    "neutron-metering-agent",
    "neutron-periodic-worker",
    "neutron-rpc-server",
    "neutron-server",
    "neutron-ovn-agent",
    "neutron-ovn-maintenance-worker",
    "neutron-ovn-metadata-agent",
    "neutron-ovn-vpn-agent",
    "cinder-api",
    "cinder-backup",
    "cinder-backup-lvm",
    "cinder-backup-multiple",
    "cinder-scheduler",
    "cinder-volume",
    "cinder-volume-lvm",
    "cinder-volume-multiple",
    "cloudkitty-api",
    "cloudkitty-processor",
    "iscsid",
    "tgtd",
    "manila-api",
    "manila-scheduler",
    "manila-share",
    "manila-data",
    "barbican-api",
    "barbican-keystone-listener",
    "barbican-worker",
    "heat-api",
    "heat-api-cfn",
    "heat-engine",
    "ironic-api",
    "ironic-conductor",
    "ironic-dnsmasq",
    "ironic-tftp",
    "ironic-http",
    "magnum-api",
    "magnum-conductor",
    "mistral-api",
    "mistral-executor",
    "mistral-engine",
    "mistral-event-engine",
    "ceilometer-central",
    "ceilometer-notification",
    "ceilometer-compute",
    "ceilometer-ipmi",
    "aodh-api",
    "aodh-evaluator",
    "aodh-listener",
    "aodh-notifier",
    "cyborg-api",
    "cyborg-agent",
    "cyborg-conductor",
    "gnocchi-api",
    "gnocchi-statsd",
    "gnocchi-metricd",
    "trove-api",
    "trove-conductor",
    "trove-taskmanager",
    "multipathd",
    "watcher-api",
    "watcher-engine",
    "watcher-applier",
    "octavia-api",
    "octavia-driver-agent",
    "octavia-health-manager",
    "octavia-housekeeping",
    "octavia-worker",
    "designate-api",
    "designate-central",
    "designate-producer",
    "designate-mdns",
    "designate-worker",
    "designate-sink",
    "designate-backend-bind9",
    "placement-api",
    "skyline-apiserver",
    "skyline-console",
    "tacker-server",
    "tacker-conductor",
    "blazar-api",
    "blazar-manager",
    "prometheus-node-exporter",
    "prometheus-mysqld-exporter",
    "prometheus-memcached-exporter",
    "prometheus-cadvisor",
    "prometheus-alertmanager",
    "prometheus-openstack-exporter",
    "prometheus-elasticsearch-exporter",
    "prometheus-blackbox-exporter",
    "prometheus-libvirt-exporter",
    "prometheus-openstack-network-exporter",
    "prometheus-valkey-exporter",
    "masakari-api",
    "masakari-engine",
    "masakari-hostmonitor",
    "masakari-instancemonitor",
    "ovn-controller",
    "ovn-controller-compute",
    "ovn-controller-network",
    "ovn-database",
    "ovn-northd",
    "ovn-nb-db",
    "ovn-sb-db",
    "ovn-sb-db-relay",
    "letsencrypt-webserver",
    "letsencrypt-lego",
];

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

pub(crate) fn check(inv: &Inventory) -> Vec<Finding> {
    let d = &inv.data;
    let mut out = Vec::new();
    let known: BTreeSet<&str> = KNOWN_GROUPS.iter().copied().collect();

    // Group names one edit away from a known kolla group.
    for g in d.groups.values() {
        if known.contains(g.name.as_str()) || g.name == "all" || g.name == "ungrouped" {
            continue;
        }
        if let Some(k) = KNOWN_GROUPS.iter().find(|k| one_edit(k, &g.name)) {
            out.push(Finding {
                kind: "group-typo",
                subject: g.name.clone(),
                message: format!(
                    "group '{}' is one edit away from kolla's '{k}'; a typo?",
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
                    "group '{}' is no child of any group and no kolla play targets it",
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
    out
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
