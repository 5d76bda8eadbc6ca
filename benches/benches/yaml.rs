//! YAML with Ansible's typing: loading a globals.yml-sized document, the
//! merge_yaml chain (load, merge, dump) on a Prometheus-sized config, and
//! Jinja rendering of a kolla-style template (parse once, render many).

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

/// A prometheus.yml with `jobs` scrape jobs, each with a few targets.
pub fn prometheus_like(jobs: usize) -> String {
    let mut s = String::from(
        "global:\n  scrape_interval: 60s\n  scrape_timeout: 45s\n  external_labels:\n    monitor: kolla\nrule_files:\n  - \"/etc/prometheus/*.rules\"\nscrape_configs:\n",
    );
    for j in 0..jobs {
        s.push_str(&format!(
            "  - job_name: job_{j}\n    scrape_interval: 30s\n    honor_labels: true\n    metrics_path: /metrics\n    static_configs:\n      - targets:\n          - '10.0.{}.{}:9100'\n          - '10.0.{}.{}:9100'\n        labels:\n          role: compute\n          long: \"a long label value that is folded when it passes the default eighty column width\"\n",
            j / 200, j % 200, j / 200, (j + 1) % 200
        ));
    }
    s
}

/// An override adding jobs and changing a global (extend_lists on).
pub fn prometheus_override(jobs: usize) -> String {
    let mut s = String::from("global:\n  scrape_interval: 15s\nscrape_configs:\n");
    for j in 0..jobs {
        s.push_str(&format!(
            "  - job_name: custom_{j}\n    static_configs:\n      - targets: ['h{j}:1234']\n"
        ));
    }
    s
}

/// A nova.conf.j2-like template: sections, conditionals, loops, filters.
pub fn nova_like_template(sections: usize) -> String {
    let mut s = String::from("[DEFAULT]\ndebug = {{ nova_logging_debug }}\nlog_dir = /var/log/kolla/nova\nstate_path = /var/lib/nova\nosapi_compute_listen = {{ api_interface_address }}\n{% if enable_nova_fake | bool %}\ncompute_driver = fake.FakeDriver\n{% endif %}\ntransport_url = {{ rpc_transport_url }}\n");
    for i in 0..sections {
        s.push_str(&format!(
            "\n[section_{i}]\n{{% if enable_section_{i} | default(true) | bool %}}\nenabled = {{{{ true }}}}\nworkers = {{{{ openstack_service_workers | int }}}}\nhosts = {{{{ groups['compute'] | map('regex_replace', '^', 'http://') | join(',') }}}}\nname = {{{{ service_name | upper }}}}-{i}\n{{% endif %}}\n"
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

    let base = prometheus_like(200);
    let over = prometheus_override(20);
    let opts = kolla_core::yaml::merge::MergeOptions {
        extend_lists: true,
        yaml_width: None,
    };
    let mut g = c.benchmark_group("merge_yaml");
    g.throughput(Throughput::Bytes((base.len() + over.len()) as u64));
    g.bench_function("prometheus_200_jobs_plus_override", |b| {
        b.iter(|| {
            kolla_core::yaml::merge::merge_yaml(
                &[("prometheus.yml", &base), ("override.yml", &over)],
                &opts,
            )
            .unwrap()
        })
    });
    let node = kolla_core::yaml::merge::merge_nodes(&[("p", &base), ("o", &over)], &opts).unwrap();
    g.bench_function("dump_only_prometheus_220_jobs", |b| {
        b.iter(|| kolla_core::yaml::dump::dump(&node, &Default::default()))
    });
    g.finish();

    let tmpl = nova_like_template(40);
    let vars = serde_json::json!({
        "nova_logging_debug": false, "api_interface_address": "10.0.0.1",
        "enable_nova_fake": "no", "rpc_transport_url": "rabbit://openstack:pw@10.0.0.1:5672//",
        "openstack_service_workers": "4", "service_name": "nova-api",
        "groups": {"compute": ["c1", "c2", "c3"]},
    });
    let mut g = c.benchmark_group("template");
    let compiled =
        kolla_core::template::compile("nova.conf.j2", &tmpl, &Default::default()).unwrap();
    g.bench_function("render_nova_like_40_sections_precompiled", |b| {
        b.iter(|| compiled.render(&vars).unwrap())
    });
    g.bench_function("parse_and_render_nova_like_40_sections", |b| {
        b.iter(|| kolla_core::template::render("nova.conf.j2", &tmpl, &vars).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
