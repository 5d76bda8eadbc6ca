//! Inventory: parse + full resolution (every host's groups and merged
//! variables), and parse + `ansible-inventory --list` JSON, on the kolla
//! multinode-style bench inventories (10, 1,000 and 10,000 compute hosts, in
//! `compute[0001:N]` range style and one-line-per-host explicit style).
//! Upstream timings are in ../shared/bench-data/README.md; figures in
//! benches/README.md.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kolla_core::inventory::Inventory;

fn input(name: &str) -> (String, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        root.join("inputs/inventory").join(name),
        root.join("../kolla-core/tests/inputs/inventory/bench")
            .join(name),
        root.join("../kolla-core/tests/inputs/inventory/large")
            .join(name),
    ];
    let path = candidates
        .iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("bench input {name} not found"));
    (name.to_string(), std::fs::read_to_string(path).unwrap())
}

fn bench(c: &mut Criterion) {
    let files = [
        "multinode-10-range.ini",
        "multinode-1000-range.ini",
        "multinode-1000-explicit.ini",
        "multinode-10000-range.ini",
        "multinode-10000-explicit.ini",
    ];
    let inputs: Vec<(String, String)> = files.iter().map(|f| input(f)).collect();

    let mut g = c.benchmark_group("inventory/parse_resolve_all");
    g.sample_size(10);
    for (name, text) in &inputs {
        let hosts = Inventory::from_ini(name, text).unwrap().hosts().len();
        g.throughput(Throughput::Elements(hosts as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| {
                let inv = Inventory::from_ini(name, text).unwrap();
                let all = inv.resolve_all();
                assert_eq!(all.len(), hosts);
                all.len()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("inventory/parse_list_json");
    g.sample_size(10);
    for (name, text) in &inputs {
        let hosts = Inventory::from_ini(name, text).unwrap().hosts().len();
        g.throughput(Throughput::Elements(hosts as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| {
                Inventory::from_ini(name, text)
                    .unwrap()
                    .to_ansible_json()
                    .len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
