//! Actions on the in-memory engine: the paths the real engine cannot show
//! here (no registry is reachable), with the same result shapes.

use kolla_core::engine::action::run_action;
use kolla_core::engine::{ContainerEngine, MemoryEngine};
use serde_json::{json, Value};

async fn act(engine: &MemoryEngine, args: Value) -> Value {
    run_action(engine, args.as_object().unwrap()).await
}

#[tokio::test]
async fn pull_changes_only_when_the_image_id_changes() {
    let engine = MemoryEngine::new();
    let pull = json!({"action": "pull_image", "image": "kolla/nova-api:1"});
    let r = act(&engine, pull.clone()).await;
    assert_eq!(r["failed"], true);
    assert_eq!(
        r["msg"],
        "The requested image does not exist: kolla/nova-api:1"
    );

    engine.publish_image("kolla/nova-api:1");
    assert_eq!(
        act(&engine, pull.clone()).await,
        json!({"changed": true, "result": false})
    );
    assert_eq!(
        act(&engine, pull.clone()).await,
        json!({"changed": false, "result": false})
    );
    engine.publish_image("kolla/nova-api:1");
    assert_eq!(act(&engine, pull.clone()).await["changed"], true);
    // ensure_image does not pull what is present.
    engine.publish_image("kolla/nova-api:1");
    let ensure = json!({"action": "ensure_image", "image": "kolla/nova-api:1"});
    assert_eq!(act(&engine, ensure).await["changed"], false);
}

#[tokio::test]
async fn start_pulls_a_missing_image_and_a_new_image_recreates() {
    let engine = MemoryEngine::new();
    engine.publish_image("kolla/keystone:1");
    let start = json!({"action": "start_container", "name": "keystone", "image": "kolla/keystone:1",
        "environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS"}});
    assert_eq!(act(&engine, start.clone()).await["changed"], true);
    let first = engine
        .inspect_container("keystone")
        .await
        .unwrap()
        .unwrap()
        .id;
    // A new build is published and pulled: compare sees the image, and the
    // handler recreates rather than restarts.
    engine.publish_image("kolla/keystone:1");
    act(
        &engine,
        json!({"action": "pull_image", "image": "kolla/keystone:1"}),
    )
    .await;
    let cmp = act(
        &engine,
        json!({"action": "compare_container", "name": "keystone",
        "image": "kolla/keystone:1"}),
    )
    .await;
    assert_eq!(cmp["comparison_failures"][0]["name"], "image");
    let compare_image = act(
        &engine,
        json!({"action": "compare_image", "name": "keystone",
        "image": "kolla/keystone:1"}),
    )
    .await;
    assert_eq!(compare_image, json!({"changed": false, "result": true}));
    let mut recreate = start.clone();
    recreate["action"] = json!("recreate_or_restart_container");
    assert_eq!(act(&engine, recreate).await["changed"], true);
    assert_ne!(
        engine
            .inspect_container("keystone")
            .await
            .unwrap()
            .unwrap()
            .id,
        first
    );
}

#[tokio::test]
async fn config_drift_codes_on_the_memory_engine() {
    let engine = MemoryEngine::new();
    engine.add_image("kolla/glance-api:1");
    let base = json!({"name": "glance_api", "image": "kolla/glance-api:1"});
    let with = |action: &str| {
        let mut a = base.clone();
        a["action"] = json!(action);
        a
    };
    act(&engine, with("start_container")).await;
    engine.set_exec_result("glance_api", 1, "INFO:changed\n");
    let r = act(&engine, with("compare_container")).await;
    assert_eq!(
        r["comparison_failures"],
        json!([{"name": "config", "current": "INFO:changed\n", "desired": "up_to_date"}])
    );
    engine.set_exec_result("glance_api", -1, "boom");
    let r = act(&engine, with("compare_container")).await;
    assert_eq!(
        r["msg"],
        "Failed to compare container configuration: ExitCode: -1 Message: boom"
    );
    assert_eq!(r["changed"], false, "a failed check changed nothing");
    engine.set_exec_result("glance_api", 0, "");
    assert_eq!(
        act(&engine, with("compare_container")).await["changed"],
        false
    );
    // A container that exited: detached start notices nothing is running
    // only through compare (state), like Docker.
    engine.exit("glance_api", 1).unwrap();
    let r = act(&engine, with("compare_container")).await;
    let names: Vec<&str> = r["comparison_failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["container_state"], "a difference answers: no exec");
    let r = act(&engine, with("start_container")).await;
    assert_eq!(r["changed"], true);
    assert_eq!(
        engine
            .inspect_container("glance_api")
            .await
            .unwrap()
            .unwrap()
            .status,
        "running"
    );
}

#[tokio::test]
async fn tz_comes_from_the_engines_host_unless_given() {
    // The in-memory engine's pretend host runs on UTC, whatever the machine
    // running the test says; a TZ in the environment wins.
    let engine = MemoryEngine::new();
    engine.add_image("kolla/cron:1");
    act(
        &engine,
        json!({"action": "start_container", "name": "cron", "image": "kolla/cron:1"}),
    )
    .await;
    let info = engine.inspect_container("cron").await.unwrap().unwrap();
    assert!(info.env.contains(&"TZ=UTC".to_string()), "{:?}", info.env);
    act(
        &engine,
        json!({"action": "start_container", "name": "cron2", "image": "kolla/cron:1",
               "environment": {"TZ": "Asia/Tokyo"}}),
    )
    .await;
    let info = engine.inspect_container("cron2").await.unwrap().unwrap();
    assert!(
        info.env.contains(&"TZ=Asia/Tokyo".to_string()),
        "{:?}",
        info.env
    );
}
