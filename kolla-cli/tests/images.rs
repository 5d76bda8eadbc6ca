//! `kolla images standin` end to end: the built binary builds stand-ins on
//! the real engine and prints their references.

use std::process::Command;

use kolla_core::engine::{ContainerEngine, DockerEngine};

#[path = "../../kolla-core/tests/common/ci.rs"]
mod ci;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn engine() -> Option<DockerEngine> {
    match runtime().block_on(DockerEngine::connect()) {
        Ok(e) => Some(e),
        Err(e) => {
            let required = ci::docker_required();
            assert!(
                !required,
                "the Docker engine is required here but unreachable: {e}"
            );
            eprintln!("SKIPPED: no Docker engine ({e})");
            None
        }
    }
}

#[test]
fn standin_builds_named_images_and_prints_them() {
    let Some(engine) = engine() else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args([
            "--format",
            "json",
            "images",
            "standin",
            "--namespace",
            "kolla-rs-test",
            "--tag",
            "cli",
            "nova-api",
            "keystone",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"images": ["kolla-rs-test/nova-api:cli", "kolla-rs-test/keystone:cli"]})
    );
    let rt = runtime();
    for img in [
        "kolla-rs-test/nova-api:cli",
        "kolla-rs-test/keystone:cli",
        "kolla-rs-test/standin-base:cli",
    ] {
        assert!(rt.block_on(engine.image_exists(img)).unwrap(), "{img}");
    }
}

#[test]
fn unknown_image_names_fail_with_the_name() {
    if engine().is_none() {
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(["images", "standin", "--tag", "cli", "nova-apii"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nova-apii is not a known Kolla image name"),
        "{stderr}"
    );
}

/// Stand-in images are for the Docker daemon; `--engine memory` says so.
#[test]
fn standin_on_the_memory_engine_is_refused_clearly() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(["images", "standin", "--engine", "memory", "keystone"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("kolla images standin needs a real engine") && err.contains("--engine docker"),
        "{err}"
    );
}
