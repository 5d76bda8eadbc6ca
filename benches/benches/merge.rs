//! INI merge (`merge_configs`) on the shared bench data: the full override
//! chain of one (host, service), as upstream was timed on it (see
//! `../shared/bench-data/README.md` and `benches/README.md`).

use std::fs;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kolla_benches::MergeChains;
use kolla_core::ini::{merge_files, MergeOptions};

fn bench(c: &mut Criterion) {
    let chain = MergeChains::load(None);
    let bytes: usize = chain.common.iter().map(|s| s.1.len()).sum::<usize>()
        + chain.services[0].1.len()
        + chain.hosts[0].1.len();
    let mut g = c.benchmark_group("merge");
    g.throughput(Throughput::Bytes(bytes as u64));

    // Upstream: 2.26 ms median (parse 7 sources, merge, write).
    let mut i = 0usize;
    g.bench_function("chain_in_memory", |b| {
        b.iter(|| {
            i = (i + 1) % chain.len();
            black_box(chain.merge(i))
        })
    });

    // Upstream: 3.24 ms (read 7 files, write 1).
    let root = kolla_benches::bench_data().join("merge");
    let paths: Vec<_> = chain
        .common
        .iter()
        .chain([&chain.services[0], &chain.hosts[0]])
        .map(|(rel, _)| root.join(rel))
        .collect();
    let out_dir = std::env::temp_dir().join(format!("kolla-bench-merge-{}", std::process::id()));
    fs::create_dir_all(&out_dir).unwrap();
    let options = MergeOptions::default();
    let mut n = 0u64;
    g.bench_function("chain_with_file_io", |b| {
        b.iter(|| {
            // One new output file per chain, as in the fleet run, written
            // plainly as upstream's timing did: write_atomic adds an fsync,
            // and rewriting one file in place makes ext4 flush it on close;
            // both measure the disk, not the merge.
            n += 1;
            let text = merge_files(&paths, &options).unwrap();
            fs::write(out_dir.join(format!("{n}.conf")), text).unwrap();
        })
    });
    g.finish();
    let _ = fs::remove_dir_all(&out_dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
