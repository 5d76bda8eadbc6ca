//! Every `kolla_container` action on the real Docker engine, through the
//! same `run_action` the Ansible modules, Python and the CLI use.

mod common;

use std::sync::Arc;

use common::{
    act, failure_names, fixture, kolla_image, plain, with, IMAGE, IMAGE_NO_ROOT, IMAGE_OTHER_TAG,
    SLEEPER,
};
use kolla_core::build::image::{find_static_busybox, ContextFile};
use kolla_core::engine::{ContainerEngine, DockerEngine};
use serde_json::{json, Value};

/// Parameters with every compared field set, as a kolla service would.
fn rich(name: &str, vol: &str) -> Value {
    json!({
        "name": name,
        "image": IMAGE,
        "command": SLEEPER,
        "common_options": {
            "environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS"},
            "restart_policy": "unless-stopped",
            "restart_retries": "10",
            "graceful_timeout": 5,
        },
        "environment": {"NUMBER": 1, "FLAG": true, "EMPTY": null, "TEXT": "a b"},
        "labels": {"service": "test", "kolla_version": "test"},
        "volumes": [format!("{vol}:/var/lib/kolla/data"), "/tmp:/host-tmp:ro", ""],
        "tmpfs": ["/run/scratch", ""],
        "cap_add": ["NET_ADMIN", "SYS_NICE"],
        "security_opt": ["no-new-privileges"],
        "cgroupns_mode": "host",
        "dimensions": {"mem_limit": "64m", "cpu_shares": 512, "cpuset_cpus": "0",
                       "ulimits": {"nofile": {"soft": 1024, "hard": 2048}}},
        "healthcheck": {"test": "true", "interval": 30, "timeout": 5,
                        "start_period": 5, "retries": 3},
    })
}

#[tokio::test]
async fn start_is_idempotent_and_an_identical_spec_has_no_differences() {
    let Some(f) = fixture("idem").await else {
        return;
    };
    let vol = format!("{}_vol", f.name);
    let base = rich(&f.name, &vol);
    let r = act(
        &f.engine,
        with(base.clone(), json!({"action": "start_container"})),
    )
    .await;
    assert_eq!(r["changed"], true, "{r}");
    assert!(r.get("failed").is_none(), "{r}");
    // The named volume was pre-created with the kolla label.
    let v = f.engine.inspect_volume(&vol).await.unwrap().unwrap();
    assert_eq!(v.labels["kolla_managed"], "true");

    let again = act(
        &f.engine,
        with(base.clone(), json!({"action": "start_container"})),
    )
    .await;
    assert_eq!(again, json!({"changed": false, "result": false}));
    let cmp = act(
        &f.engine,
        with(base.clone(), json!({"action": "compare_container"})),
    )
    .await;
    assert_eq!(cmp, json!({"changed": false, "result": false}), "{cmp}");

    f.engine.remove_container(&f.name, true).await.unwrap();
    f.engine.remove_volume(&vol).await.unwrap();
}

#[tokio::test]
async fn every_compared_field_detects_a_change() {
    let Some(f) = fixture("fields").await else {
        return;
    };
    let vol = format!("{}_vol", f.name);
    let base = rich(&f.name, &vol);
    let r = act(
        &f.engine,
        with(base.clone(), json!({"action": "start_container"})),
    )
    .await;
    assert!(r.get("failed").is_none(), "{r}");
    let cases: Vec<(&str, Value)> = vec![
        ("cap_add", json!({"cap_add": ["NET_ADMIN"]})),
        ("security_opt", json!({"security_opt": []})),
        ("image", json!({"image": IMAGE_OTHER_TAG})),
        ("ipc_mode", json!({"ipc_mode": "host"})),
        (
            "labels",
            json!({"labels": {"service": "other", "kolla_version": "test"}}),
        ),
        (
            "labels",
            json!({"labels": {"service": "test", "kolla_version": "other"}}),
        ),
        (
            "privileged",
            json!({"privileged": true, "security_opt": ["no-new-privileges"]}),
        ),
        ("pid_mode", json!({"pid_mode": "host"})),
        ("cgroupns_mode", json!({"cgroupns_mode": "private"})),
        ("tmpfs", json!({"tmpfs": ["/run/scratch:size=1m"]})),
        ("tmpfs", json!({"tmpfs": []})),
        (
            "volumes",
            json!({"volumes": [format!("{vol}:/var/lib/kolla/data"), "/tmp:/host-tmp"]}),
        ),
        ("volumes_from", json!({"volumes_from": ["some_other"]})),
        ("environment", json!({"environment": {"NUMBER": 2}})),
        ("environment", json!({"environment": {"FLAG": "true"}})),
        ("container_state", json!({"state": "exited"})),
        (
            "dimensions",
            json!({"dimensions": {"mem_limit": "128m", "cpu_shares": 512,
            "cpuset_cpus": "0", "ulimits": {"nofile": {"soft": 1024, "hard": 2048}}}}),
        ),
        (
            "dimensions",
            json!({"dimensions": {"mem_limit": "64m", "cpu_shares": 512,
            "ulimits": {"nofile": {"soft": 1024, "hard": 2048}}}}),
        ),
        (
            "dimensions",
            json!({"dimensions": {"mem_limit": "64m", "cpu_shares": 512,
            "cpuset_cpus": "0", "ulimits": {"nofile": {"soft": 1024}}}}),
        ),
        ("command", json!({"command": "sleep 3600"})),
        (
            "healthcheck",
            json!({"healthcheck": {"test": "true", "interval": 31, "timeout": 5,
            "start_period": 5, "retries": 3}}),
        ),
        ("healthcheck", json!({"healthcheck": {}})),
        ("restart_policy", json!({"restart_policy": "always"})),
        ("network_mode", json!({"network_mode": "bridge"})),
    ];
    for (expected, change) in cases {
        let args = with(
            with(base.clone(), change.clone()),
            json!({"action": "compare_container"}),
        );
        let r = act(&f.engine, args).await;
        assert_eq!(r["changed"], true, "{expected} {change}: {r}");
        assert_eq!(failure_names(&r), [expected], "{change}: {r}");
    }
    // Equal spellings are not changes: units, digit strings, env as strings,
    // and a module environment that repeats the common one.
    for same in [
        json!({"dimensions": {"mem_limit": 67108864, "cpu_shares": "512", "cpuset_cpus": "0",
            "ulimits": {"nofile": {"soft": "1024", "hard": "2k"}}}}),
        json!({"environment": {"NUMBER": "1", "FLAG": "True", "EMPTY": "", "TEXT": "a b"}}),
        json!({"cap_add": ["SYS_NICE", "NET_ADMIN"], "pid_mode": "", "ipc_mode": ""}),
        json!({"restart_retries": 3}),
        // Labels the image carries need not be repeated.
        json!({"labels": {"service": "test"}}),
    ] {
        let args = with(
            with(base.clone(), same.clone()),
            json!({"action": "compare_container"}),
        );
        let r = act(&f.engine, args).await;
        assert_eq!(r["changed"], false, "{same}: {r}");
    }
    f.engine.remove_container(&f.name, true).await.unwrap();
    f.engine.remove_volume(&vol).await.unwrap();
}

#[tokio::test]
async fn config_drift_is_detected_through_a_real_exec() {
    let Some(f) = fixture("drift").await else {
        return;
    };
    let base = plain(&f.name);
    act(
        &f.engine,
        with(base.clone(), json!({"action": "start_container"})),
    )
    .await;
    let cmp = with(base.clone(), json!({"action": "compare_container"}));
    assert_eq!(act(&f.engine, cmp.clone()).await["changed"], false);

    let touch = |file: &str| vec!["touch".to_string(), file.to_string()];
    let rm = |file: &str| vec!["rm".to_string(), file.to_string()];
    f.engine
        .exec(&f.name, &touch("/tmp/drift"), None)
        .await
        .unwrap();
    let r = act(&f.engine, cmp.clone()).await;
    assert_eq!(failure_names(&r), ["config"], "{r}");
    let failure = &r["comparison_failures"][0];
    assert_eq!(failure["desired"], "up_to_date");
    assert!(
        failure["current"]
            .as_str()
            .unwrap()
            .contains("x.conf differs"),
        "{r}"
    );

    // Under COPY_ALWAYS a pure config change restarts, never recreates.
    let before = f.engine.inspect_container(&f.name).await.unwrap().unwrap();
    let r = act(
        &f.engine,
        with(
            base.clone(),
            json!({"action": "recreate_or_restart_container"}),
        ),
    )
    .await;
    assert_eq!(r["changed"], true, "{r}");
    let after = f.engine.inspect_container(&f.name).await.unwrap().unwrap();
    assert_eq!(before.id, after.id);
    assert_eq!(after.status, "running");

    f.engine
        .exec(&f.name, &rm("/tmp/drift"), None)
        .await
        .unwrap();
    f.engine
        .exec(&f.name, &touch("/tmp/kill"), None)
        .await
        .unwrap();
    let r = act(&f.engine, cmp.clone()).await;
    assert_eq!(
        r["comparison_failures"][0]["current"],
        "container exited abruptly during config check"
    );
    f.engine
        .exec(&f.name, &rm("/tmp/kill"), None)
        .await
        .unwrap();
    f.engine
        .exec(&f.name, &touch("/tmp/weird"), None)
        .await
        .unwrap();
    let r = act(&f.engine, cmp.clone()).await;
    assert_eq!(r["failed"], true);
    assert_eq!(
        r["msg"],
        "Failed to compare container configuration: ExitCode: 3 Message: weird\n"
    );

    // Once a field differs the answer is known: no exec, so the weird
    // exit code no longer matters (upstream's `or` short-circuits too).
    let r = act(
        &f.engine,
        with(cmp.clone(), json!({"environment": {"OTHER": "x"}})),
    )
    .await;
    assert_eq!(r.get("failed"), None, "{r}");
    assert_eq!(r["changed"], true);
    assert_eq!(failure_names(&r), ["environment"], "{r}");

    // A stopped container: its state differs, and that is the answer.
    act(
        &f.engine,
        with(base.clone(), json!({"action": "stop_container"})),
    )
    .await;
    let r = act(&f.engine, cmp.clone()).await;
    assert_eq!(failure_names(&r), ["container_state"], "{r}");
    // Desired stopped, so nothing else differs: the check is needed, the
    // exec fails with a client error (409, not running), and the config
    // counts as changed, as upstream has it.
    let r = act(&f.engine, with(cmp, json!({"state": "exited"}))).await;
    assert_eq!(r.get("failed"), None, "{r}");
    assert_eq!(failure_names(&r), ["config"], "{r}");
    assert_eq!(
        r["comparison_failures"][0]["current"],
        "container unavailable for config check"
    );
}

#[tokio::test]
async fn a_difference_answers_compare_without_the_config_exec() {
    // An image with no root in /etc/passwd: `exec --user root` cannot run
    // (exit 126). Upstream answers changed without running it.
    let Some(f) = fixture("noroot").await else {
        return;
    };
    let base = json!({"name": f.name, "image": IMAGE_NO_ROOT, "command": SLEEPER,
                      "graceful_timeout": 2});
    let r = act(
        &f.engine,
        with(base.clone(), json!({"action": "start_container"})),
    )
    .await;
    assert_eq!(r["changed"], true, "{r}");
    let r = act(
        &f.engine,
        with(
            base.clone(),
            json!({"action": "compare_container", "privileged": true}),
        ),
    )
    .await;
    assert_eq!(r.get("failed"), None, "{r}");
    assert_eq!(r["changed"], true);
    assert_eq!(failure_names(&r), ["privileged"], "{r}");
    // Nothing else differs: the check is needed, cannot run, and fails the
    // task as upstream's does, without claiming a change.
    let r = act(
        &f.engine,
        with(base, json!({"action": "compare_container"})),
    )
    .await;
    assert_eq!(r["failed"], true, "{r}");
    assert_eq!(r["changed"], false, "{r}");
    assert!(
        r["msg"]
            .as_str()
            .unwrap()
            .starts_with("Failed to compare container configuration: ExitCode: 126"),
        "{r}"
    );
}

#[tokio::test]
async fn recreate_versus_restart() {
    let Some(f) = fixture("recreate").await else {
        return;
    };
    let base = plain(&f.name);
    let id = |e: &DockerEngine, n: String| {
        let e = e.clone();
        async move { e.inspect_container(&n).await.unwrap().unwrap().id }
    };
    // No container: started.
    let r = act(
        &f.engine,
        with(
            base.clone(),
            json!({"action": "recreate_or_restart_container"}),
        ),
    )
    .await;
    assert_eq!(r["changed"], true, "{r}");
    let first = id(&f.engine, f.name.clone()).await;
    // COPY_ALWAYS, no difference: restarted in place.
    let r = act(
        &f.engine,
        with(
            base.clone(),
            json!({"action": "recreate_or_restart_container"}),
        ),
    )
    .await;
    assert_eq!(r["changed"], true);
    assert_eq!(id(&f.engine, f.name.clone()).await, first);
    // A difference: recreated.
    let changed = with(base.clone(), json!({"labels": {"new": "label"}}));
    let r = act(
        &f.engine,
        with(
            changed.clone(),
            json!({"action": "recreate_or_restart_container"}),
        ),
    )
    .await;
    assert_eq!(r["changed"], true);
    let second = id(&f.engine, f.name.clone()).await;
    assert_ne!(second, first);
    // COPY_ONCE: always recreated.
    let once = with(
        changed.clone(),
        json!({"environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ONCE"}}),
    );
    act(
        &f.engine,
        with(
            once.clone(),
            json!({"action": "recreate_or_restart_container"}),
        ),
    )
    .await;
    let third = id(&f.engine, f.name.clone()).await;
    assert_ne!(third, second);
    // The new image cannot be pulled: the failure comes before any stop,
    // so the running container is left alone (LP#1852572).
    let unpullable = with(
        changed.clone(),
        json!({"image": "kolla-rs-test/absent:1",
        "action": "recreate_or_restart_container"}),
    );
    let r = act(&f.engine, unpullable).await;
    assert_eq!(r["failed"], true, "{r}");
    let info = f.engine.inspect_container(&f.name).await.unwrap().unwrap();
    assert_eq!(
        (info.id.as_str(), info.status.as_str()),
        (third.as_str(), "running")
    );
    // No strategy and no difference: nothing happens, and it says so
    // (an empty desired environment is a subset of the container's).
    let mut none = with(changed, json!({"action": "recreate_or_restart_container"}));
    none["environment"] = json!({});
    let r = act(&f.engine, none).await;
    assert_eq!(r, json!({"changed": false, "result": false}));
    assert_eq!(id(&f.engine, f.name.clone()).await, third);
}

#[tokio::test]
async fn stop_start_restart_and_remove() {
    let Some(f) = fixture("lifecycle").await else {
        return;
    };
    let base = plain(&f.name);
    let run = |action: &str, extra: Value| {
        let args = with(with(base.clone(), extra), json!({"action": action}));
        let engine = f.engine.clone();
        async move { act(&engine, args).await }
    };
    // Missing container.
    let r = run("stop_container", json!({})).await;
    assert_eq!(r["failed"], true);
    assert_eq!(r["msg"], format!("No such container: {} to stop", f.name));
    assert_eq!(r["changed"], false);
    let r = run("stop_container", json!({"ignore_missing": true})).await;
    assert_eq!(r, json!({"changed": false, "result": false}));
    let r = run("restart_container", json!({})).await;
    assert_eq!(r["msg"], format!("No such container: {}", f.name));
    assert_eq!(
        run("stop_and_remove_container", json!({})).await["changed"],
        false
    );
    assert_eq!(run("remove_container", json!({})).await["changed"], false);

    assert_eq!(run("start_container", json!({})).await["changed"], true);
    let r = run("stop_container", json!({})).await;
    assert_eq!(r["changed"], true, "{r}");
    let info = f.engine.inspect_container(&f.name).await.unwrap().unwrap();
    assert_eq!(info.status, "exited");
    assert_eq!(info.exit_code, Some(0), "the SIGTERM trap ran");
    assert_eq!(run("stop_container", json!({})).await["changed"], false);
    // An exited container is started again (state differs: recreated).
    assert_eq!(run("start_container", json!({})).await["changed"], true);
    assert_eq!(
        f.engine
            .inspect_container(&f.name)
            .await
            .unwrap()
            .unwrap()
            .status,
        "running"
    );
    assert_eq!(run("restart_container", json!({})).await["changed"], true);
    assert_eq!(f.engine.health_status(&f.name).await.unwrap(), None);
    let r = run("stop_and_remove_container", json!({})).await;
    assert_eq!(r["changed"], true);
    assert!(f.engine.inspect_container(&f.name).await.unwrap().is_none());
    run("start_container", json!({})).await;
    assert_eq!(run("remove_container", json!({})).await["changed"], true);
    assert!(f.engine.inspect_container(&f.name).await.unwrap().is_none());
}

#[tokio::test]
async fn attached_start_returns_rc_and_streams() {
    let Some(f) = fixture("attached").await else {
        return;
    };
    let args = json!({"action": "start_container", "name": f.name, "image": IMAGE,
        "detach": false, "command": "sh -c 'echo out; echo err >&2; exit 0'"});
    let r = act(&f.engine, args.clone()).await;
    assert_eq!(r["rc"], 0, "{r}");
    assert_eq!(r["stdout"], "out\n");
    assert_eq!(r["stderr"], "err\n");
    assert_eq!(r["changed"], true);
    assert!(
        f.engine.inspect_container(&f.name).await.unwrap().is_none(),
        "removed on exit"
    );

    let mut failing = args.clone();
    failing["command"] = json!("sh -c 'echo boom; exit 4'");
    failing["remove_on_exit"] = json!(false);
    let r = act(&f.engine, failing).await;
    assert_eq!(r["failed"], true);
    assert_eq!(r["msg"], "Container exited with non-zero return code 4");
    assert_eq!(r["rc"], 4);
    assert_eq!(r["stdout"], "boom\n");
    assert!(
        f.engine.inspect_container(&f.name).await.unwrap().is_some(),
        "kept"
    );
}

#[tokio::test]
async fn volumes_are_created_and_removed_once() {
    let Some(f) = fixture("volume").await else {
        return;
    };
    let vol = format!("{}_v", f.name);
    let args = |action: &str| json!({"action": action, "name": vol});
    assert_eq!(act(&f.engine, args("create_volume")).await["changed"], true);
    assert_eq!(
        act(&f.engine, args("create_volume")).await["changed"],
        false
    );
    let v = f.engine.inspect_volume(&vol).await.unwrap().unwrap();
    assert_eq!(v.driver, "local");
    assert_eq!(v.labels["kolla_managed"], "true");
    // In use: a clear failure, and the volume stays.
    let user = json!({"action": "start_container", "name": f.name, "image": IMAGE,
        "command": SLEEPER, "volumes": [format!("{vol}:/data")]});
    act(&f.engine, user).await;
    let r = act(&f.engine, args("remove_volume")).await;
    assert_eq!(r["failed"], true);
    assert_eq!(
        r["msg"],
        format!("Volume named '{vol}' is currently in-use")
    );
    f.engine.remove_container(&f.name, true).await.unwrap();
    assert_eq!(act(&f.engine, args("remove_volume")).await["changed"], true);
    assert_eq!(
        act(&f.engine, args("remove_volume")).await["changed"],
        false
    );
    let facts = kolla_core::engine::facts::container_facts(
        &f.engine,
        "get_volumes",
        std::slice::from_ref(&vol),
        false,
    )
    .await;
    assert_eq!(facts["volumes"], json!({}));
}

#[tokio::test]
async fn images_ensure_pull_compare_and_remove() {
    let Some(f) = fixture("image").await else {
        return;
    };
    // Present locally: ensure_image must not try the (unreachable) registry.
    let r = act(&f.engine, json!({"action": "ensure_image", "image": IMAGE})).await;
    assert_eq!(r, json!({"changed": false, "result": false}));
    // Absent and no registry: a clear failure naming the image.
    let r = act(
        &f.engine,
        json!({"action": "pull_image", "image": "kolla-rs-test/absent:1"}),
    )
    .await;
    assert_eq!(r["failed"], true, "{r}");
    let msg = r["msg"].as_str().unwrap();
    assert!(
        msg == "The requested image does not exist: kolla-rs-test/absent:1"
            || msg.starts_with("Unknown error message: "),
        "{msg}"
    );
    let r = act(
        &f.engine,
        json!({"action": "ensure_image", "image": "kolla-rs-test/absent:1"}),
    )
    .await;
    assert_eq!(r["failed"], true);
    // start_container with an unpullable image creates nothing.
    let r = act(
        &f.engine,
        json!({"action": "start_container", "name": f.name, "image": "kolla-rs-test/absent:1"}),
    )
    .await;
    assert_eq!(r["failed"], true);
    assert!(f.engine.inspect_container(&f.name).await.unwrap().is_none());

    // compare_image: no container -> True, unchanged.
    let cmp = json!({"action": "compare_image", "name": f.name, "image": IMAGE});
    assert_eq!(
        act(&f.engine, cmp.clone()).await,
        json!({"changed": false, "result": true})
    );
    act(
        &f.engine,
        with(plain(&f.name), json!({"action": "start_container"})),
    )
    .await;
    assert_eq!(
        act(&f.engine, cmp.clone()).await,
        json!({"changed": false, "result": false})
    );
    let other = with(cmp, json!({"image": IMAGE_OTHER_TAG}));
    assert_eq!(act(&f.engine, other).await["result"], true);

    // remove_image: in use is a clear failure; absent is no change.
    let tag = format!("kolla-rs-test/removable:{}", f.name);
    let _images = common::ImageCleanup {
        engine: f.engine.clone(),
        tags: vec![tag.clone()],
    };
    let marker = ContextFile {
        path: "marker".into(),
        data: f.name.clone().into_bytes(),
        mode: 0o644,
    };
    let ctx = kolla_core::build::image::busybox_context(&find_static_busybox().unwrap(), &[marker])
        .unwrap();
    f.engine.build_image(&tag, ctx).await.unwrap();
    let user = format!("{}_user", f.name);
    let _guard = common::Cleanup {
        engine: f.engine.clone(),
        names: vec![user.clone()],
    };
    act(
        &f.engine,
        json!({"action": "start_container", "name": user, "image": tag, "command": SLEEPER}),
    )
    .await;
    let r = act(&f.engine, json!({"action": "remove_image", "image": tag})).await;
    assert_eq!(r["failed"], true, "{r}");
    assert_eq!(r["msg"], format!("Image '{tag}' is currently in-use"));
    f.engine.remove_container(&user, true).await.unwrap();
    let r = act(&f.engine, json!({"action": "remove_image", "image": tag})).await;
    assert_eq!(r, json!({"changed": true, "result": false}));
    let r = act(&f.engine, json!({"action": "remove_image", "image": tag})).await;
    assert_eq!(r, json!({"changed": false, "result": false}));
}

#[tokio::test]
async fn faults_give_clear_errors_and_leave_nothing_half_done() {
    let Some(f) = fixture("faults").await else {
        return;
    };
    // Invalid parameters: nothing is created.
    let bad = with(
        plain(&f.name),
        json!({"action": "start_container",
        "dimensions": {"mem_limit": "1g", "blki_weight": 10}}),
    );
    let r = act(&f.engine, bad).await;
    assert_eq!(r["failed"], true);
    assert_eq!(r["msg"], "'Unsupported dimensions'");
    assert_eq!(r["unsupported_dimensions"], json!(["blki_weight"]));
    assert_eq!(r["changed"], false);
    let bad = with(
        plain(&f.name),
        json!({"action": "start_container", "dimensions": {"mem_limit": "2E"}}),
    );
    let r = act(&f.engine, bad).await;
    assert_eq!(r["msg"], "The docker dimension unit [e] is not supported for the dimension [2E]. The currently supported units are ['b', 'k', 'm', 'g'].");
    assert!(f.engine.inspect_container(&f.name).await.unwrap().is_none());
    let r = act(
        &f.engine,
        json!({"action": "start_container", "name": f.name}),
    )
    .await;
    assert_eq!(
        r["msg"],
        "action is start_container but all of the following are missing: image"
    );

    // A container that dies at once is a failure, with its last words.
    let dying = json!({"action": "start_container", "name": f.name, "image": IMAGE,
        "command": "sh -c 'echo cannot start >&2; exit 2'"});
    let r = act(&f.engine, dying).await;
    assert_eq!(r["failed"], true, "{r}");
    assert!(
        r["msg"]
            .as_str()
            .unwrap()
            .contains("exited at once with code 2"),
        "{r}"
    );
    assert!(r["logs"].as_str().unwrap().contains("cannot start"), "{r}");
    f.engine.remove_container(&f.name, true).await.unwrap();

    // A stop that times out: SIGTERM is ignored, SIGKILL ends it.
    let stubborn = json!({"action": "start_container", "name": f.name, "image": IMAGE,
        "command": "sh -c 'trap \"\" TERM; while :; do sleep 1; done'", "graceful_timeout": 1});
    assert_eq!(act(&f.engine, stubborn.clone()).await["changed"], true);
    let r = act(
        &f.engine,
        with(stubborn, json!({"action": "stop_container"})),
    )
    .await;
    assert_eq!(r, json!({"changed": true, "result": false}));
    let info = f.engine.inspect_container(&f.name).await.unwrap().unwrap();
    assert_eq!(info.status, "exited");
    assert_eq!(info.exit_code, Some(137), "killed after the grace period");

    // An unreachable engine names its endpoint.
    let err = DockerEngine::connect_to("tcp://127.0.0.1:1")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("tcp://127.0.0.1:1"), "{err}");
}

#[tokio::test]
async fn failures_that_changed_nothing_say_so_and_name_the_parameter() {
    let Some(f) = fixture("nochange").await else {
        return;
    };
    let start = |extra: Value| {
        with(
            json!({"action": "start_container", "name": f.name, "image": IMAGE,
                   "command": SLEEPER}),
            extra,
        )
    };
    let nothing_left = || async {
        assert!(
            f.engine.inspect_container(&f.name).await.unwrap().is_none(),
            "no container is left behind"
        );
    };
    // An unterminated quote in the command.
    let r = act(&f.engine, start(json!({"command": "sh -c 'echo hi"}))).await;
    assert_eq!(
        (r["failed"].clone(), r["changed"].clone()),
        (json!(true), json!(false)),
        "{r}"
    );
    assert!(
        r["msg"]
            .as_str()
            .unwrap()
            .starts_with("invalid parameter command:"),
        "{r}"
    );
    nothing_left().await;
    // A memory limit the engine refuses.
    let r = act(&f.engine, start(json!({"dimensions": {"mem_limit": "-5"}}))).await;
    assert_eq!(
        (r["failed"].clone(), r["changed"].clone()),
        (json!(true), json!(false)),
        "{r}"
    );
    nothing_left().await;
    // A volume with no container path: refused before anything is created
    // (Docker would leave an anonymous volume behind).
    let r = act(&f.engine, start(json!({"volumes": ["onlyone"]}))).await;
    assert_eq!(
        (r["failed"].clone(), r["changed"].clone()),
        (json!(true), json!(false)),
        "{r}"
    );
    assert_eq!(
        r["msg"],
        "invalid parameter volumes: \"onlyone\" is neither src:/path[:mode] nor an absolute path for an anonymous volume"
    );
    nothing_left().await;
    // A dimension that is not a number names the value, not a "unit".
    let r = act(
        &f.engine,
        start(json!({"dimensions": {"cpu_shares": "abc"}})),
    )
    .await;
    assert_eq!(
        r["msg"],
        "invalid parameter dimensions.cpu_shares: \"abc\" is not an integer (a whole number with an optional unit b, k, m or g)"
    );
    assert_eq!(r["changed"], false);
    // An image that is neither local nor pullable names the image and the
    // registry (the registry's own answer is kept under pull_error).
    let r = act(
        &f.engine,
        start(json!({"image": "localhost:1/kolla-rs-test/absent:1"})),
    )
    .await;
    assert_eq!(
        r["msg"],
        "image localhost:1/kolla-rs-test/absent:1 is not present locally and could not be pulled from localhost:1",
        "{r}"
    );
    assert_eq!(r["changed"], false);
    assert!(
        r["pull_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{r}"
    );
    nothing_left().await;
}

#[tokio::test]
async fn fifty_containers_driven_concurrently() {
    let Some(engine) = common::docker().await else {
        return;
    };
    kolla_image(&engine).await;
    let names: Vec<String> = (0..50).map(|_| common::unique_name("fifty")).collect();
    let _cleanup = common::Cleanup {
        engine: engine.clone(),
        names: names.clone(),
    };
    let engine = Arc::new(engine);
    let drive = |action: &'static str| {
        let mut set = tokio::task::JoinSet::new();
        for n in &names {
            let engine = engine.clone();
            let args = with(plain(n), json!({"action": action}));
            set.spawn(async move { act(engine.as_ref(), args).await });
        }
        set
    };
    for (action, changed) in [
        ("start_container", true),
        ("start_container", false),
        ("compare_container", false),
        ("stop_and_remove_container", true),
    ] {
        let results = drive(action).join_all().await;
        assert_eq!(results.len(), 50);
        for r in results {
            assert_eq!(r["changed"], changed, "{action}: {r}");
            assert!(r.get("failed").is_none(), "{action}: {r}");
        }
    }
    for n in &names {
        assert!(engine.inspect_container(n).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn facts_report_containers_states_envs_and_names() {
    let Some(f) = fixture("facts").await else {
        return;
    };
    act(
        &f.engine,
        with(
            plain(&f.name),
            json!({"action": "start_container", "environment": {"X": "1=2"}}),
        ),
    )
    .await;
    use kolla_core::engine::facts::container_facts;
    let names = [f.name.clone()];
    let r = container_facts(&f.engine, "get_containers", &names, false).await;
    assert_eq!(r["containers"][&f.name]["Name"], format!("/{}", f.name));
    assert_eq!(r["changed"], false);
    assert_eq!(r["result"], false);
    let r = container_facts(&f.engine, "get_containers_state", &names, false).await;
    assert_eq!(r["states"][&f.name], "running");
    let r = container_facts(&f.engine, "get_containers_env", &names, false).await;
    assert_eq!(r["envs"][&f.name]["X"], "1=2");
    assert_eq!(
        r["envs"][&f.name]["KOLLA_SERVICE_NAME"],
        f.name.replace('_', "-")
    );
    let r = container_facts(&f.engine, "get_containers_names", &names, false).await;
    let listed = r["container_names"].as_array().unwrap();
    assert!(listed.contains(&json!(f.name)), "{r}");
    f.engine.stop_container(&f.name, 1).await.unwrap();
    let r = container_facts(&f.engine, "get_containers", &names, false).await;
    assert_eq!(r["containers"], json!({}));
    let r = container_facts(&f.engine, "get_containers", &names, true).await;
    assert_eq!(r["containers"][&f.name]["State"]["Status"], "exited");
    let r = container_facts(
        &f.engine,
        "get_containers_state",
        &["kolla_rs_test_nope".into()],
        false,
    )
    .await;
    assert_eq!(r["msg"], "No such container: kolla_rs_test_nope");
    // The kolla_docker alias keeps the pre-2023 single-container queries.
    let r = act(
        &f.engine,
        json!({"action": "get_container_state", "name": f.name}),
    )
    .await;
    assert_eq!(r["Status"], "exited");
    let r = act(
        &f.engine,
        json!({"action": "get_container_env", "name": f.name}),
    )
    .await;
    assert_eq!(r["X"], "1=2");
}

/// One scenario, the same assertions, on any engine.
#[tokio::test]
async fn images_import_from_an_archive_and_logs_tail() {
    let Some(f) = fixture("import").await else {
        return;
    };
    let tag = format!("kolla-rs-test/imported:{}", f.name);
    let _images = common::ImageCleanup {
        engine: f.engine.clone(),
        tags: vec![tag.clone()],
    };
    let marker = ContextFile {
        path: "marker".into(),
        data: f.name.clone().into_bytes(),
        mode: 0o644,
    };
    let ctx = kolla_core::build::image::busybox_context(&find_static_busybox().unwrap(), &[marker])
        .unwrap();
    f.engine.build_image(&tag, ctx).await.unwrap();
    let saved = std::process::Command::new("docker")
        .args(["save", &tag])
        .output()
        .expect("docker save");
    assert!(saved.status.success());
    f.engine.remove_image(&tag, true).await.unwrap();
    assert!(f.engine.inspect_image(&tag).await.unwrap().is_none());
    f.engine.import_image(saved.stdout).await.unwrap();
    let image = f
        .engine
        .inspect_image(&tag)
        .await
        .unwrap()
        .expect("imported");
    assert!(image.repo_tags.contains(&tag));
    // A garbage archive is a clear error.
    let err = f
        .engine
        .import_image(b"not a tar".to_vec())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("import image"), "{err}");

    // Logs: tail and stream selection.
    let args = json!({"action": "start_container", "name": f.name, "image": tag,
        "detach": false, "remove_on_exit": false,
        "command": "sh -c 'for i in 1 2 3 4 5; do echo line$i; done'"});
    let r = act(&f.engine, args).await;
    assert_eq!(r["rc"], 0, "{r}");
    use kolla_core::engine::LogOptions;
    let tail = LogOptions {
        stdout: true,
        stderr: false,
        tail: Some(2),
        ..Default::default()
    };
    assert_eq!(
        f.engine.logs_with(&f.name, &tail).await.unwrap(),
        "line4\nline5\n"
    );
    let err_only = LogOptions {
        stdout: false,
        stderr: true,
        ..Default::default()
    };
    // Docker applies the tail to both streams together, so this container
    // writes only stdout (stream separation: attached_start_returns_rc_and_streams).
    assert_eq!(f.engine.logs_with(&f.name, &err_only).await.unwrap(), "");
    f.engine.remove_container(&f.name, true).await.unwrap();
    f.engine.remove_image(&tag, true).await.unwrap();
}

#[tokio::test]
async fn health_status_follows_the_healthcheck() {
    let Some(f) = fixture("health").await else {
        return;
    };
    let args = json!({"action": "start_container", "name": f.name, "image": IMAGE,
        "command": SLEEPER, "graceful_timeout": 1,
        "healthcheck": {"test": ["CMD", "true"], "interval": 1, "timeout": 1,
                        "start_period": 0, "retries": 1}});
    assert_eq!(act(&f.engine, args.clone()).await["changed"], true);
    let first = f.engine.health_status(&f.name).await.unwrap();
    assert!(
        matches!(first.as_deref(), Some("starting") | Some("healthy")),
        "{first:?}"
    );
    let ps = kolla_core::engine::facts::kolla_containers(&f.engine)
        .await
        .unwrap();
    let row = ps.iter().find(|r| r.name == f.name).expect("listed by ps");
    assert_eq!(row.state, "running");
    assert!(!row.health.is_empty());
    // The same healthcheck is no difference; a container without one has none.
    assert_eq!(
        act(
            &f.engine,
            with(args, json!({"action": "compare_container"}))
        )
        .await["changed"],
        false
    );
    let err = f
        .engine
        .health_status("kolla_rs_test_absent")
        .await
        .unwrap_err();
    assert!(err.is_client_error(), "{err}");
}

#[tokio::test]
async fn a_failing_healthcheck_turns_unhealthy() {
    let Some(f) = fixture("unhealthy").await else {
        return;
    };
    let args = json!({"action": "start_container", "name": f.name, "image": IMAGE,
        "command": SLEEPER, "graceful_timeout": 1,
        "healthcheck": {"test": ["CMD", "false"], "interval": 1, "timeout": 1,
                        "start_period": 0, "retries": 1}});
    let r = act(&f.engine, args.clone()).await;
    assert_eq!(r["changed"], true, "{r}");
    let mut status = None;
    for _ in 0..100 {
        status = f.engine.health_status(&f.name).await.unwrap();
        if status.as_deref() == Some("unhealthy") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status.as_deref(), Some("unhealthy"));
    let ps = kolla_core::engine::facts::kolla_containers(&f.engine)
        .await
        .unwrap();
    let row = ps.iter().find(|r| r.name == f.name).expect("listed by ps");
    assert_eq!(
        (row.state.as_str(), row.health.as_str()),
        ("running", "unhealthy")
    );
    // Unhealthy is not a difference: the spec is what it is.
    let r = act(
        &f.engine,
        with(args, json!({"action": "compare_container"})),
    )
    .await;
    assert_eq!(r["changed"], false, "{r}");
}

#[tokio::test]
async fn start_watch_ends_when_the_answer_is_known() {
    let Some(f) = fixture("watch").await else {
        return;
    };
    // A crash loop under Docker's restart policy: the container is
    // `restarting` (or exited between two tries), never up; start fails.
    let looping = json!({"action": "start_container", "name": f.name, "image": IMAGE,
        "command": "sh -c 'echo nope >&2; exit 3'", "restart_policy": "always"});
    let t = std::time::Instant::now();
    let r = act(&f.engine, looping).await;
    assert_eq!(r["failed"], true, "{r}");
    assert!(
        r["msg"]
            .as_str()
            .unwrap()
            .contains("exited at once with code 3"),
        "{r}"
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    f.engine.remove_container(&f.name, true).await.unwrap();

    // A container that keeps running is watched up to the limit, no longer.
    let t = std::time::Instant::now();
    let r = act(
        &f.engine,
        with(plain(&f.name), json!({"action": "start_container"})),
    )
    .await;
    assert_eq!(r, json!({"changed": true, "result": false}));
    let took = t.elapsed();
    assert!(
        took >= kolla_core::engine::action::START_WATCH_LIMIT
            && took < kolla_core::engine::action::START_WATCH_LIMIT * 10,
        "{took:?}"
    );
    // The watch itself ends at once for a container that has exited.
    f.engine.stop_container(&f.name, 1).await.unwrap();
    let t = std::time::Instant::now();
    let fate = f
        .engine
        .watch_start(&f.name, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(fate, kolla_core::engine::StartFate::Exited(0));
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
}
