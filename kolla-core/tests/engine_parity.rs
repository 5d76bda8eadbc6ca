//! The memory/Docker parity scenario: one lifecycle of `kolla_container`
//! actions, run on the in-memory engine and on the real Docker engine, with
//! the same results asserted on both.

mod common;

use common::{act, failure_names, fixture, plain, with, IMAGE};
use kolla_core::engine::ContainerEngine;
use serde_json::{json, Value};

async fn lifecycle_scenario(engine: &dyn ContainerEngine, name: &str) {
    let base = plain(name);
    let run =
        |action: &str, extra: Value| with(with(base.clone(), extra), json!({"action": action}));
    assert_eq!(
        act(engine, run("start_container", json!({}))).await,
        json!({"changed": true, "result": false})
    );
    assert_eq!(
        act(engine, run("start_container", json!({}))).await,
        json!({"changed": false, "result": false})
    );
    assert_eq!(
        act(engine, run("compare_container", json!({}))).await,
        json!({"changed": false, "result": false})
    );
    let r = act(
        engine,
        run(
            "compare_container",
            json!({"privileged": true, "tmpfs": ["/t"], "dimensions": {"mem_limit": "8m"}}),
        ),
    )
    .await;
    assert_eq!(
        failure_names(&r),
        ["privileged", "tmpfs", "dimensions"],
        "{r}"
    );
    assert_eq!(
        r["comparison_failures"][2]["desired"],
        json!({"Memory": 8 << 20})
    );
    assert_eq!(r["comparison_failures"][2]["current"], json!({"Memory": 0}));
    // Recreated with the change, then equal again (Docker's implicit swap is no change).
    let changed = json!({"dimensions": {"mem_limit": "8m"}});
    assert_eq!(
        act(engine, run("start_container", changed.clone())).await["changed"],
        true
    );
    assert_eq!(
        act(engine, run("compare_container", changed.clone())).await["changed"],
        false
    );
    assert_eq!(
        act(engine, run("stop_container", json!({}))).await["changed"],
        true
    );
    let info = engine.inspect_container(name).await.unwrap().unwrap();
    assert_eq!((info.status.as_str(), info.exit_code), ("exited", Some(0)));
    let r = act(engine, run("compare_container", changed.clone())).await;
    assert_eq!(
        failure_names(&r),
        ["container_state"],
        "a difference answers: no exec"
    );
    assert_eq!(
        act(engine, run("restart_container", json!({}))).await["changed"],
        true
    );
    assert_eq!(
        engine
            .inspect_container(name)
            .await
            .unwrap()
            .unwrap()
            .status,
        "running"
    );
    let listed = engine
        .list_containers(&kolla_core::engine::ListFilter {
            all: true,
            names: vec![name.into()],
            label: None,
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].is_up());
    let states = kolla_core::engine::facts::container_facts(
        engine,
        "get_containers_state",
        &[name.into()],
        false,
    )
    .await;
    assert_eq!(states["states"][name], "running");
    assert_eq!(
        act(engine, run("stop_and_remove_container", json!({}))).await["changed"],
        true
    );
    assert!(engine.inspect_container(name).await.unwrap().is_none());
    let vol = format!("{name}_vol");
    let volume = |action: &str| json!({"action": action, "name": vol});
    assert_eq!(act(engine, volume("create_volume")).await["changed"], true);
    assert_eq!(act(engine, volume("create_volume")).await["changed"], false);
    assert_eq!(act(engine, volume("remove_volume")).await["changed"], true);
    assert_eq!(act(engine, volume("remove_volume")).await["changed"], false);
    let r = act(
        engine,
        json!({"action": "pull_image", "image": "kolla-rs-test/absent:1"}),
    )
    .await;
    assert_eq!(r["failed"], true);
    assert_eq!(
        act(engine, json!({"action": "ensure_image", "image": IMAGE})).await["changed"],
        false
    );
}

#[tokio::test]
async fn memory_and_docker_engines_behave_the_same() {
    let memory = kolla_core::engine::MemoryEngine::new();
    memory.add_image_with_labels(
        IMAGE,
        [("kolla_version".to_string(), "test".to_string())].into(),
    );
    lifecycle_scenario(&memory, "kolla_rs_test_parity").await;
    let Some(f) = fixture("parity").await else {
        return;
    };
    lifecycle_scenario(&f.engine, &f.name).await;
}
