//! `kolla container` end to end: the built binary against the real engine.

use std::process::{Command, Output};

use kolla_core::engine::{image, ContainerEngine, DockerEngine};
use serde_json::Value;

#[path = "../../kolla-core/tests/common/ci.rs"]
mod ci;

const IMAGE: &str = "kolla-rs-test/busybox:latest";
const SLEEPER: &str = "sh -c 'trap \"exit 0\" TERM; sleep 3600 & wait'";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The engine with the test image, or `None` (skipped loudly) without one;
/// with CI set a missing engine fails.
fn engine() -> Option<DockerEngine> {
    rt().block_on(async {
        match DockerEngine::connect().await {
            Ok(e) => {
                let bb = image::find_static_busybox().expect("static busybox");
                let ctx = image::busybox_context(&bb, &[]).unwrap();
                e.build_image(IMAGE, ctx).await.unwrap();
                Some(e)
            }
            Err(err) => {
                let required = ci::docker_required();
                assert!(!required, "the Docker engine is required (CI): {err}");
                eprintln!("SKIPPED: no Docker engine ({err})");
                None
            }
        }
    })
}

struct Cleanup(DockerEngine, String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let (engine, name) = (self.0.clone(), self.1.clone());
        std::thread::spawn(move || {
            rt().block_on(async { engine.remove_container(&name, true).await.ok() })
        })
        .join()
        .ok();
    }
}

/// `kolla ARGS --format json`.
fn kolla_json(args: &[&str]) -> Output {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    kolla(&args)
}

fn kolla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(args)
        .output()
        .expect("run kolla")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn actions_facts_and_ps_through_the_binary() {
    let Some(engine) = engine() else { return };
    let name = format!("kolla_rs_cli_{}", std::process::id());
    let _cleanup = Cleanup(engine, name.clone());
    let dir = tempfile::tempdir().unwrap();
    let params = dir.path().join("params.json");
    std::fs::write(
        &params,
        r#"{"labels": {"tier": "cli"}, "graceful_timeout": 3, "environment": {"B": "2"}}"#,
    )
    .unwrap();
    let start = [
        "container",
        "start_container",
        "--name",
        &name,
        "--image",
        IMAGE,
        "--command",
        SLEEPER,
        "--env",
        "A=1",
        "--params",
        params.to_str().unwrap(),
    ];
    let out = kolla_json(&start);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(json_of(&out)["changed"], true);
    let out = kolla_json(&start);
    assert_eq!(
        json_of(&out),
        serde_json::json!({"changed": false, "result": false})
    );

    let out = kolla(&["container", "ps"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("NAME"), "{table}");
    let line = table
        .lines()
        .find(|l| l.starts_with(&name))
        .expect("listed");
    assert!(line.contains(IMAGE) && line.contains("running"), "{line}");
    let out = kolla_json(&["container", "ps"]);
    let rows = json_of(&out);
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .unwrap();
    assert_eq!(row["state"], "running");

    let out = kolla_json(&[
        "container",
        "facts",
        &name,
        "--facts-action",
        "get_containers_env",
    ]);
    let env = &json_of(&out)["envs"][&name];
    assert_eq!(
        (env["A"].as_str(), env["B"].as_str()),
        (Some("1"), Some("2"))
    );

    // Bad input: the module's failure, exit 1.
    let out = kolla_json(&[
        "container",
        "compare_container",
        "--name",
        &name,
        "--params",
        params.to_str().unwrap(),
        "--image",
        IMAGE,
    ]);
    // The busybox image has no kolla_set_configs: a clear failure.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let r = json_of(&out);
    assert!(
        r["msg"]
            .as_str()
            .unwrap()
            .starts_with("Failed to compare container configuration: ExitCode: 12"),
        "{r}"
    );

    let out = kolla_json(&["container", "stop_and_remove_container", "--name", &name]);
    assert_eq!(json_of(&out)["changed"], true);
    let out = kolla_json(&["container", "stop_and_remove_container", "--name", &name]);
    assert_eq!(json_of(&out)["changed"], false);
}

#[test]
fn invalid_parameters_and_unreachable_engine() {
    if engine().is_none() {
        return;
    }
    let out = kolla_json(&[
        "container",
        "start_container",
        "--name",
        "kolla_rs_cli_never",
        "--image",
        IMAGE,
        "--params",
        "/nonexistent/params.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/params.json"));
    let out = kolla_json(&["container", "stop_container"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json_of(&out)["msg"],
        "action is stop_container but all of the following are missing: name"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(["container", "ps"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unix:///nonexistent/docker.sock"));

    // TLS asked for on a build without the `tls` feature: said plainly.
    let out = Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(["container", "ps"])
        .env("DOCKER_HOST", "tcp://127.0.0.1:1")
        .env("DOCKER_TLS_VERIFY", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("tcp://127.0.0.1:1"), "{stderr}");
    assert!(stderr.contains("DOCKER_TLS_VERIFY"), "{stderr}");
}

#[test]
fn help_lists_the_actions_spec_documents_params_and_text_is_text() {
    let out = kolla(&["container", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for action in kolla_core::container::params::ACTIONS
        .iter()
        .chain(&["facts", "ps", "spec"])
    {
        assert!(help.contains(action), "{action} missing in:\n{help}");
    }
    assert!(
        help.contains("healthcheck") && help.contains("dimensions"),
        "{help}"
    );
    let out = kolla(&["container", "spec"]);
    assert!(out.status.success(), "{out:?}");
    let spec = json_of(&out);
    assert_eq!(spec["argument_spec"]["healthcheck"]["type"], "dict");
    assert_eq!(
        spec["argument_spec"]["state"]["choices"],
        serde_json::json!(["running", "exited", "paused"])
    );
    let out = kolla(&["container", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    if engine().is_none() {
        return;
    }
    let out = kolla(&[
        "container",
        "compare_container",
        "--name",
        "kolla_rs_cli_absent",
        "--image",
        IMAGE,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("changed: true\nresult: true\n"), "{text}");
    assert!(
        serde_json::from_slice::<Value>(&out.stdout).is_err(),
        "{text}"
    );
    assert!(text.contains("comparison_failures: [{"), "{text}");
}

/// `--engine memory` runs actions on the in-memory engine: no Docker
/// needed, and the engine lives for this one command.
#[test]
fn engine_memory_runs_actions_in_process() {
    let out = kolla_json(&[
        "container",
        "--engine",
        "memory",
        "create_volume",
        "--name",
        "kolla_rs_mem_v",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(json_of(&out)["changed"], true);
    // A fresh process, a fresh engine: nothing from the last command.
    let out = kolla_json(&[
        "container",
        "--engine",
        "memory",
        "facts",
        "--facts-action",
        "get_volumes",
    ]);
    assert!(out.status.success(), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["changed"], false, "{v}");
    assert!(!v.to_string().contains("kolla_rs_mem_v"), "{v}");
    // The memory engine answers as the memory engine: its endpoint, its
    // (empty) registry.
    let out = kolla_json(&[
        "container",
        "--engine",
        "memory",
        "start_container",
        "--name",
        "kolla_rs_mem_c",
        "--image",
        "kolla-rs-test/absent:1",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["failed"], true, "{v}");
    assert_eq!(v["endpoint"], "memory://", "{v}");
    let out = kolla_json(&["container", "--engine", "memory", "ps"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(json_of(&out), serde_json::json!([]));
}

#[test]
fn engine_choice_is_checked() {
    let out = kolla(&["container", "--engine", "podman", "ps"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("possible values: docker, memory"), "{err}");
}
