//! `kolla deploy` end to end on the real engine, with stand-in images and
//! simulated hosts (3 controllers, 5 computes): deploy, re-deploy is a
//! no-op, a changed setting restarts exactly its containers, a disabled
//! service is removed, an unreachable engine is a clear error and a re-run
//! finishes, stop then destroy leaves nothing kolla-rs made.
//!
//! Every name carries the prefix `deploye2e` (hosts, images, volumes).

use std::path::Path;
use std::process::{Command, Output};

use kolla_core::engine::{ContainerEngine, DockerEngine, ListFilter};

#[path = "../../kolla-core/tests/common/ci.rs"]
mod ci;

const NS: &str = "deploye2e";
const INV: &str = "[control]\ndeploye2e-ctl[1:3]\n[compute]\ndeploye2e-cmp[1:5]\n\
[memcached:children]\ncontrol\n[cron:children]\ncontrol\ncompute\n[kolla_toolbox:children]\ncontrol\ncompute\n";
const VARS: &str = "enable_openstack_core=no enable_fluentd=no enable_mariadb=no enable_haproxy=no \
enable_rabbitmq=no api_interface_address=0.0.0.0 docker_registry='' docker_namespace=deploye2e openstack_tag=latest cron_logrotate_schedule=daily memcached_connection_limit=5000 memcached_max_memory=64 cron_cmd='cron -f'";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn kolla(args: &[&str], dir: &Path, extra: &str) -> Output {
    let inv = dir.join("inv");
    let sim = dir.join("sim");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kolla"));
    cmd.args(args)
        .arg("-i")
        .arg(&inv)
        .args(["-e", VARS, "--simulate-hosts", "--health-interval", "1"])
        .arg("--simulate-root")
        .arg(&sim)
        .arg("--catalog-dir")
        .arg(dir.join("catalog"))
        .env("XDG_CACHE_HOME", dir.join("cache"));
    if !extra.is_empty() {
        cmd.args(["-e", extra]);
    }
    cmd.output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "stderr: {stderr}\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn ours(rt: &tokio::runtime::Runtime, engine: &DockerEngine) -> Vec<String> {
    rt.block_on(engine.list_containers(&ListFilter {
        all: true,
        label: Some("kolla-rs.managed=true".into()),
        ..Default::default()
    }))
    .unwrap()
    .into_iter()
    .filter(|c| c.name.starts_with(NS))
    .map(|c| c.name)
    .collect()
}

#[test]
fn deploy_redeploy_reconfigure_disable_stop_destroy_on_simulated_hosts() {
    let rt = runtime();
    let engine = match rt.block_on(DockerEngine::connect()) {
        Ok(e) => e,
        Err(e) => {
            assert!(!ci::docker_required(), "Docker is required here: {e}");
            eprintln!("SKIPPED: no Docker engine ({e})");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv"), INV).unwrap();
    // The kolla-toolbox stand-in answers no command: run it as a sleeper.
    let toolbox = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kolla-core/catalog/services/kolla-toolbox.yml"),
    )
    .unwrap()
    .replace("command: kolla_toolbox", "command: sleep 2147483647");
    std::fs::create_dir_all(dir.path().join("catalog")).unwrap();
    std::fs::write(dir.path().join("catalog/kolla-toolbox.yml"), toolbox).unwrap();
    // Stand-ins of the three images.
    let out = Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args([
            "images",
            "standin",
            "--namespace",
            NS,
            "--tag",
            "latest",
            "memcached",
            "cron",
            "kolla-toolbox",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Engine unreachable: a clear error naming the endpoint.
        let out = Command::new(env!("CARGO_BIN_EXE_kolla"))
            .args(["deploy", "-i"])
            .arg(dir.path().join("inv"))
            .args(["-e", VARS, "--simulate-hosts"])
            .env("DOCKER_HOST", "unix:///nonexistent/deploye2e.sock")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("/nonexistent/deploye2e.sock"), "{err}");

        // Deploy: 3 memcached, 8 cron, 8 kolla_toolbox, all healthy.
        let s = json(&kolla(&["--format", "json", "deploy"], dir.path(), ""));
        assert_eq!(s["created"], 19, "{s}");
        assert!(s["failures"].as_array().unwrap().is_empty(), "{s}");
        let names = ours(&rt, &engine);
        assert_eq!(names.len(), 19, "{names:?}");
        assert!(names.contains(&"deploye2e-ctl3-memcached".to_string()));
        assert!(!names.contains(&"deploye2e-cmp1-memcached".to_string()));
        assert!(names.contains(&"deploye2e-cmp5-kolla_toolbox".to_string()));
        for n in &names {
            let info = rt.block_on(engine.inspect_container(n)).unwrap().unwrap();
            assert_eq!(info.status, "running", "{n}");
            // memcached has a healthcheck; cron and kolla_toolbox have none.
            let want = n.ends_with("memcached").then_some("healthy");
            assert_eq!(info.health.as_deref(), want, "{n}");
        }

        // Again: zero changes.
        let plan = json(&kolla(&["--format", "json", "plan"], dir.path(), ""));
        let changing: Vec<_> = plan["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["action"] != "noop")
            .collect();
        assert!(changing.is_empty(), "{changing:?}");
        let s = json(&kolla(&["--format", "json", "deploy"], dir.path(), ""));
        assert_eq!(s["unchanged"], 19, "{s}");

        // A setting that only memcached's config reads: exactly the three restart.
        let s = json(&kolla(
            &["--format", "json", "reconfigure"],
            dir.path(),
            "memcached_max_memory=128",
        ));
        assert_eq!(
            (s["restarted"].as_u64(), s["unchanged"].as_u64()),
            (Some(3), Some(16)),
            "{s}"
        );

        // Disable memcached: exactly its containers go.
        let s = json(&kolla(
            &["--format", "json", "deploy"],
            dir.path(),
            "memcached_max_memory=128 enable_memcached=no",
        ));
        assert_eq!(s["removed"], 3, "{s}");
        assert_eq!(ours(&rt, &engine).len(), 16);

        // Stop, then destroy with volumes: nothing kolla-rs made is left.
        let s = json(&kolla(&["--format", "json", "stop"], dir.path(), ""));
        assert_eq!(s["stopped"], 16, "{s}");
        let out = kolla(&["destroy"], dir.path(), "");
        assert_eq!(out.status.code(), Some(1), "destroy without confirmation");
        let s = json(&kolla(
            &[
                "--format",
                "json",
                "destroy",
                "--volumes",
                "--yes-i-really-really-mean-it",
            ],
            dir.path(),
            "",
        ));
        assert_eq!(s["removed"], 16, "{s}");
        assert!(ours(&rt, &engine).is_empty());
        let vols = rt.block_on(engine.list_volumes()).unwrap();
        assert!(!vols.iter().any(|v| v.name.starts_with(NS)), "{vols:?}");
    }));
    // Clean up whatever a failure left.
    for n in ours(&rt, &engine) {
        let _ = rt.block_on(engine.remove_container(&n, true));
    }
    for v in rt.block_on(engine.list_volumes()).unwrap_or_default() {
        if v.name.starts_with(NS) {
            let _ = rt.block_on(engine.remove_volume(&v.name));
        }
    }
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
