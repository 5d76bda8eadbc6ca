//! genconfig of the 1,000-compute bench inventory (1,059 hosts) with the
//! default services: every config file and config.json of every container
//! on every host, rendered, merged and written to a tmpfs (/dev/shm when it
//! exists), with facts for every host from a fact-cache directory generated
//! here. Figures in benches/README.md.
//!
//! Services whose templates are not written yet are left out
//! (`keep_going`); the count of files written is printed once.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use kolla_core::catalog::Catalog;
use kolla_core::genconfig::{self, Options, WriteOptions};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

fn inventory_text() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let file = "multinode-1000-explicit.ini";
    let path = [
        root.join("inputs/inventory").join(file),
        PathBuf::from("/work/shared/bench-data/inventory").join(file),
    ]
    .into_iter()
    .find(|p| p.exists())
    .expect("bench inventory multinode-1000-explicit.ini");
    std::fs::read_to_string(path).unwrap()
}

/// Ansible's jsonfile fact cache: one file per host, its `ansible_host` as
/// the address of eth0 (and eth1/eth2 for computes).
fn write_facts(dir: &Path, inv: &Inventory) {
    for h in inv.resolve_all() {
        let ip = h
            .vars
            .get("ansible_host")
            .and_then(|v| v.as_str())
            .unwrap_or("10.0.0.1")
            .to_string();
        let iface = |addr: &str| serde_json::json!({"active": true, "ipv4": {"address": addr, "netmask": "255.255.0.0"}});
        let facts = serde_json::json!({
            "ansible_hostname": h.name,
            "ansible_fqdn": h.name,
            "ansible_nodename": h.name,
            "ansible_eth0": iface(&ip),
            "ansible_eth1": iface("0.0.0.0"),
            "ansible_eth2": iface(&ip.replacen("10.", "172.", 1)),
            "ansible_processor_vcpus": 8,
            "ansible_memtotal_mb": 32768,
            "ansible_os_family": "RedHat",
            "ansible_distribution": "Rocky",
        });
        std::fs::write(dir.join(h.name), facts.to_string()).unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let text = inventory_text();
    let inventory = Inventory::from_ini("multinode-1000-explicit.ini", &text).unwrap();
    let facts = tempfile::tempdir().unwrap();
    write_facts(facts.path(), &inventory);
    let catalog = Catalog::embedded().unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs
        .add_extra("kolla_internal_vip_address=10.10.0.250 kolla_base_distro=rocky")
        .unwrap();
    inputs.set_facts_dir(facts.path());
    inputs.set_inventory(&inventory);
    let config_dir = tempfile::tempdir().unwrap();
    let options = Options {
        config_dir: Some(config_dir.path().to_path_buf()),
        keep_going: true,
        ..Default::default()
    };
    let shm = Path::new("/dev/shm");
    let out = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let write = WriteOptions {
        out: Some(out.path().to_path_buf()),
        check: false,
    };
    let g = genconfig::generate(&catalog, &inventory, &inputs, &options).unwrap();
    let files: usize = g.configs.iter().map(|c| c.files.len()).sum();
    eprintln!(
        "genconfig bench: {} hosts, {} config directories, {} files, {} renders, {} missing templates, {} failed files",
        inventory.hosts().len(),
        g.configs.len(),
        files,
        g.renders,
        g.missing.len(),
        g.failed.len()
    );
    let mut group = c.benchmark_group("genconfig");
    group.sample_size(10);
    group.bench_function("generate_1000_compute", |b| {
        b.iter(|| genconfig::generate(&catalog, &inventory, &inputs, &options).unwrap())
    });
    group.bench_function("generate_and_write_1000_compute_fresh", |b| {
        b.iter(|| {
            let _ = std::fs::remove_dir_all(out.path().join("x"));
            let g = genconfig::generate(&catalog, &inventory, &inputs, &options).unwrap();
            genconfig::write(
                &g.configs,
                &WriteOptions {
                    out: Some(out.path().join("x")),
                    check: false,
                },
            )
            .unwrap()
        })
    });
    group.bench_function("generate_and_write_1000_compute_unchanged", |b| {
        b.iter(|| {
            let g = genconfig::generate(&catalog, &inventory, &inputs, &options).unwrap();
            genconfig::write(&g.configs, &write).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
