//! Shared helpers for the kolla-rs benchmarks (see `benches/`).

use std::path::PathBuf;

/// The shared benchmark inputs, `../shared/bench-data` beside the repository,
/// or `$KOLLA_BENCH_DATA`.
pub fn bench_data() -> PathBuf {
    std::env::var_os("KOLLA_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench-data")
        })
}

/// The INI merge bench inputs (`bench-data/merge`): the five sources every
/// chain shares, then one source per service and one per host, each as
/// (path relative to `merge/`, text), in the README's order.
pub struct MergeChains {
    /// `base/nova.conf` and the four global override files.
    pub common: Vec<(String, String)>,
    /// `custom/nova/<service>.conf`, in `services.txt` order.
    pub services: Vec<(String, String)>,
    /// `custom/nova/<host>/nova.conf`, in `hosts.txt` order.
    pub hosts: Vec<(String, String)>,
}

impl MergeChains {
    /// Reads the inputs, the first `hosts` hosts only when given.
    pub fn load(hosts: Option<usize>) -> Self {
        let root = bench_data().join("merge");
        let read = |rel: &str| {
            let text = std::fs::read_to_string(root.join(rel))
                .unwrap_or_else(|e| panic!("{}: {e}", root.join(rel).display()));
            (rel.to_owned(), text)
        };
        let list =
            |f: &str| -> Vec<String> { read(f).1.split_whitespace().map(str::to_owned).collect() };
        MergeChains {
            common: [
                "base/nova.conf",
                "custom/global.conf",
                "custom/database.conf",
                "custom/messaging.conf",
                "custom/nova.conf",
            ]
            .iter()
            .map(|p| read(p))
            .collect(),
            services: list("services.txt")
                .iter()
                .map(|s| read(&format!("custom/nova/{s}.conf")))
                .collect(),
            hosts: list("hosts.txt")
                .iter()
                .take(hosts.unwrap_or(usize::MAX))
                .map(|h| read(&format!("custom/nova/{h}/nova.conf")))
                .collect(),
        }
    }

    /// The number of (host, service) chains.
    pub fn len(&self) -> usize {
        self.hosts.len() * self.services.len()
    }

    /// Whether there are no chains.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Merges chain `i` (hosts in the outer loop, services in the inner),
    /// wrapping around, and writes it with whitespace on.
    pub fn merge(&self, i: usize) -> String {
        let i = i % self.len();
        let host = &self.hosts[i / self.services.len()];
        let service = &self.services[i % self.services.len()];
        let mut m = kolla_core::ini::IniMerge::new();
        for (name, text) in self.common.iter().chain([service, host]) {
            m.add(name, text).expect("bench inputs parse");
        }
        m.write(true)
    }
}
