//! Catalog + per-host Context + service graph for the 10,000-compute bench
//! inventory (and the 10- and 1,000-compute ones, to show the growth), with
//! every service of the catalog enabled. The groups the bench inventories do
//! not define (retired services, zaqar) come from the example multinode
//! inventory's `:children` sections. Figures in benches/README.md.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kolla_core::catalog::{Catalog, Flag};
use kolla_core::graph::{Graph, Options};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn input(name: &str) -> String {
    let candidates = [
        root().join("inputs/inventory").join(name),
        PathBuf::from("/work/shared/bench-data/inventory").join(name),
    ];
    let path = candidates
        .iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("bench input {name} not found"));
    let mut text = std::fs::read_to_string(path).unwrap();
    // Add the example inventory's group mappings the bench inventory lacks.
    let example = std::fs::read_to_string(root().join("../inventory/multinode")).unwrap();
    for section in example.split("\n[").skip(1) {
        let (head, body) = section.split_once('\n').unwrap_or((section, ""));
        if let Some(name) = head.strip_suffix(":children]") {
            if !text.contains(&format!("[{name}:children]")) && !text.contains(&format!("[{name}]"))
            {
                text.push_str(&format!("\n[{head}\n{body}\n"));
            }
        }
    }
    text
}

fn enable_everything(catalog: &Catalog) -> String {
    let mut out = Vec::new();
    for s in catalog.services() {
        if let Flag::Expr(e) = &s.enable {
            let v = e.trim_start_matches("{{").trim_end_matches("}}").trim();
            out.push(format!(
                "{}=yes",
                v.strip_suffix("| bool").unwrap_or(v).trim()
            ));
        }
    }
    out.join(" ")
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::embedded().unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra(&enable_everything(&catalog)).unwrap();
    let mut g = c.benchmark_group("graph/context_and_graph");
    g.sample_size(10);
    for file in [
        "multinode-10-range.ini",
        "multinode-1000-range.ini",
        "multinode-10000-range.ini",
    ] {
        let text = input(file);
        let hosts = Inventory::from_ini(file, &text).unwrap().hosts().len();
        g.throughput(Throughput::Elements(hosts as u64));
        g.bench_with_input(BenchmarkId::from_parameter(file), &text, |b, text| {
            b.iter(|| {
                let inv = Inventory::from_ini(file, text).unwrap();
                let mut inputs = inputs.clone();
                inputs.set_inventory(&inv);
                // One Context per host, reading its interfaces.
                let resolved = inv.resolve_all();
                let mut n = 0;
                for h in &resolved {
                    let ctx = inputs.context(h);
                    n += ctx.get("api_interface").unwrap().as_str().unwrap().len();
                }
                let graph = Graph::build(&catalog, &inv, &inputs, &Options::default()).unwrap();
                assert_eq!(graph.placement().len(), catalog.services().len());
                n + graph.containers().len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
