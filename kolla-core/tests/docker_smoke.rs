//! Real-engine smoke test: build an image locally, run a container, read
//! what it printed, inspect it, remove it.

mod common;

use kolla_core::engine::{ContainerEngine, ContainerSpec, DockerEngine, Error};

#[tokio::test]
async fn container_runs_and_prints_a_known_line() {
    let Some(engine) = common::docker().await else {
        return;
    };
    let image = common::test_image(&engine).await;
    assert!(engine.image_exists(image).await.unwrap());

    let name = common::unique_name("smoke");
    let _cleanup = common::Cleanup {
        engine: engine.clone(),
        names: vec![name.clone()],
    };
    let spec = ContainerSpec {
        name: name.clone(),
        image: image.into(),
        command: vec![
            "sh".into(),
            "-c".into(),
            "echo hello from $GREETING; exit 3".into(),
        ],
        environment: [("GREETING".to_string(), "kolla-rs".to_string())].into(),
        labels: [("kolla-rs.test".to_string(), "smoke".to_string())].into(),
        ..Default::default()
    };
    let id = engine.create_container(&spec).await.unwrap();
    assert_eq!(id.len(), 64);
    let created = engine.inspect_container(&name).await.unwrap().unwrap();
    assert_eq!(created.status, "created");
    assert_eq!(created.labels["kolla-rs.test"], "smoke");

    engine.start_container(&name).await.unwrap();
    let code = engine.wait_container(&name).await.unwrap();
    assert_eq!(code, 3);
    let logs = engine.logs(&name).await.unwrap();
    assert_eq!(logs, "hello from kolla-rs\n");

    let exited = engine.inspect_container(&name).await.unwrap().unwrap();
    assert_eq!(exited.status, "exited");
    assert_eq!(exited.exit_code, Some(3));
    assert_eq!(exited.image, image);

    engine.remove_container(&name, false).await.unwrap();
    assert!(engine.inspect_container(&name).await.unwrap().is_none());
    let again = engine.remove_container(&name, false).await.unwrap_err();
    assert!(matches!(again, Error::NotFound { .. }), "{again}");
}

#[tokio::test]
async fn missing_image_is_not_found() {
    let Some(engine) = common::docker().await else {
        return;
    };
    let spec = ContainerSpec {
        name: common::unique_name("noimage"),
        image: "kolla-rs-test/absent:never".into(),
        ..Default::default()
    };
    let err = engine.create_container(&spec).await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound { kind: "image", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("kolla-rs-test/absent:never"));
}

#[tokio::test]
async fn unreachable_engine_names_the_endpoint() {
    let err = DockerEngine::connect_to("unix:///nonexistent/docker.sock")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unreachable { .. }));
    assert!(
        err.to_string().contains("/nonexistent/docker.sock"),
        "{err}"
    );
}
