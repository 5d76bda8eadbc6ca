//! The container comparison and the action layer, on the in-memory engine:
//! what a no-op deploy pass costs kolla-rs itself, without the engine.

use criterion::{criterion_group, criterion_main, Criterion};
use kolla_core::container::compare::differences;
use kolla_core::container::params::Params;
use kolla_core::engine::action::run_action;
use kolla_core::engine::{ContainerEngine, MemoryEngine};
use serde_json::json;

fn args(i: usize) -> serde_json::Value {
    json!({
        "action": "start_container", "name": format!("svc_{i}"), "image": "kolla/nova-api:1",
        "common_options": {"environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS"},
                           "restart_policy": "unless-stopped", "restart_retries": "10"},
        "volumes": ["/etc/kolla/nova-api/:/var/lib/kolla/config_files/:ro",
                    "/etc/localtime:/etc/localtime:ro", "kolla_logs:/var/log/kolla/"],
        "dimensions": {"mem_limit": "1g", "ulimits": {"nofile": {"soft": 1024, "hard": 2048}}},
        "healthcheck": {"test": "healthcheck_curl http://127.0.0.1:8774", "interval": 30,
                        "timeout": 30, "start_period": 5, "retries": 3},
    })
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let engine = MemoryEngine::new();
    engine.add_image("kolla/nova-api:1");
    for i in 0..50 {
        rt.block_on(run_action(&engine, args(i).as_object().unwrap()));
    }
    let spec = Params::from_args(args(0).as_object().unwrap())
        .unwrap()
        .to_spec("UTC")
        .unwrap();
    let observed = rt
        .block_on(engine.inspect_container("svc_0"))
        .unwrap()
        .unwrap();
    let image = rt
        .block_on(engine.inspect_image("kolla/nova-api:1"))
        .unwrap();

    let mut g = c.benchmark_group("engine");
    g.bench_function("params_to_spec", |b| {
        b.iter(|| {
            Params::from_args(args(0).as_object().unwrap())
                .unwrap()
                .to_spec("UTC")
                .unwrap()
        })
    });
    g.bench_function("differences", |b| {
        b.iter(|| differences(&spec, &observed, image.as_ref()))
    });
    g.bench_function("noop_start_50_memory", |b| {
        b.iter(|| {
            rt.block_on(async {
                for i in 0..50 {
                    run_action(&engine, args(i).as_object().unwrap()).await;
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
