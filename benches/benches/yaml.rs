//! YAML loading with Ansible's typing: a globals.yml-sized document.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn globals_like(n: usize) -> String {
    let mut s = String::from("---\n");
    for i in 0..n {
        s.push_str(&format!(
            "enable_service_{i}: \"yes\"\nservice_{i}_port: {}\nservice_{i}_flags: [a, b, 'c']\n",
            9000 + i
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = globals_like(500);
    let mut g = c.benchmark_group("yaml");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("load_globals_500", |b| {
        b.iter(|| kolla_core::yaml::load("globals.yml", &text).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
