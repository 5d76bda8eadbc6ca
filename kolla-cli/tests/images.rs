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
        "kolla-rs-test/base:cli",
        "kolla-rs-test/openstack-base:cli",
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

/// Run directly (not through scripts/kolla), with no static
/// kolla_set_configs anywhere it looks, `kolla` builds it from the checkout
/// it was built from, with the command scripts/kolla runs, and goes on; a
/// failed build says what failed and how to do it by hand. (A stand-in
/// `cargo` records the call and puts the real static binary where cargo
/// would, so the test does not rebuild the workspace.)
#[test]
fn standin_builds_the_static_set_configs_on_demand() {
    let Some(engine) = engine() else { return };
    let kolla = std::path::Path::new(env!("CARGO_BIN_EXE_kolla"));
    let real = kolla
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("x86_64-unknown-linux-gnu/static/kolla_set_configs");
    if !real.is_file() {
        let required = ci::docker_required();
        assert!(
            !required,
            "no static kolla_set_configs at {}",
            real.display()
        );
        eprintln!("SKIPPED: no static kolla_set_configs at {}", real.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("kolla");
    std::fs::copy(kolla, &bin).unwrap();
    let target = tmp.path().join("target");
    let log = tmp.path().join("cargo.log");
    let fake = tmp.path().join("cargo");
    let script = format!(
        "#!/bin/sh\necho \"RUSTFLAGS=$RUSTFLAGS $*\" > {log}\n[ -n \"$FAIL\" ] && exit 101\n\
         mkdir -p {t}/x86_64-unknown-linux-gnu/static && cp {real} {t}/x86_64-unknown-linux-gnu/static/\n",
        log = log.display(),
        t = target.display(),
        real = real.display()
    );
    std::fs::write(&fake, script).unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let run = |fail: bool| {
        let mut cmd = Command::new(&bin);
        cmd.args([
            "images",
            "standin",
            "--namespace",
            "kolla-rs-test",
            "--tag",
            "ondemand",
            "keystone",
        ])
        .env_remove("KOLLA_SET_CONFIGS_BIN")
        .env("CARGO", &fake)
        .env("CARGO_TARGET_DIR", &target);
        if fail {
            cmd.env("FAIL", "1");
        }
        cmd.output().unwrap()
    };

    let out = run(true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("building the static kolla_set_configs failed"),
        "{stderr}"
    );
    assert!(stderr.contains("set KOLLA_SET_CONFIGS_BIN"), "{stderr}");

    let out = run(false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("kolla: building the static kolla_set_configs"),
        "{stderr}"
    );
    let call = std::fs::read_to_string(&log).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    assert_eq!(
        call.trim_end(),
        format!(
            "RUSTFLAGS=-C target-feature=+crt-static build --manifest-path {} -p kolla-set-configs \
             --target x86_64-unknown-linux-gnu --profile static --target-dir {}",
            root.join("Cargo.toml").display(),
            target.display()
        )
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "kolla-rs-test/keystone:ondemand\n"
    );
    runtime()
        .block_on(engine.remove_image("kolla-rs-test/keystone:ondemand", true))
        .unwrap();
}
