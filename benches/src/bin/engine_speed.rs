//! Real-engine speed check: kolla-rs against the plain `docker` CLI, in the
//! same run, on 50 containers. Run once by hand (not part of the tests):
//!
//! ```sh
//! cargo run -p kolla-benches --bin engine_speed
//! ```
//!
//! It measures: starting 50 containers (kolla-rs `start_container`,
//! concurrently, against a `docker run` loop); `compare_container` across
//! the 50 running ones (against a `docker inspect` + `docker exec
//! kolla_set_configs --check` loop); and a no-op `start_container` pass
//! over the 50 correct ones (against a `docker start` loop).

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kolla_core::build::image::{find_static_busybox, kolla_like_context};
use kolla_core::engine::action::run_action;
use kolla_core::engine::{ContainerEngine, DockerEngine};
use serde_json::{json, Value};

const IMAGE: &str = "kolla-rs-bench/kolla-busybox:latest";
const N: usize = 50;
const SLEEPER: &str = "sh -c 'trap \"exit 0\" TERM; sleep 3600 & wait'";

fn docker_cli(args: &[&str]) {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("docker CLI");
    assert!(out.status.success(), "docker {args:?}: {out:?}");
}

async fn each(engine: &Arc<DockerEngine>, names: &[String], action: &'static str) -> Duration {
    let t = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for n in names {
        let engine = engine.clone();
        let args = json!({"action": action, "name": n, "image": IMAGE, "command": SLEEPER,
            "graceful_timeout": 2, "environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS"}});
        set.spawn(async move {
            let r: Value = run_action(engine.as_ref(), args.as_object().unwrap()).await;
            assert!(r.get("failed").is_none(), "{action}: {r}");
        });
    }
    set.join_all().await;
    t.elapsed()
}

async fn cleanup(engine: &DockerEngine, names: &[String]) {
    for n in names {
        let _ = engine.remove_container(n, true).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let engine = Arc::new(DockerEngine::connect().await.expect("a Docker engine"));
    let busybox = find_static_busybox().unwrap();
    let ctx = kolla_like_context(&busybox, "#!/bin/sh\nexit 0\n", true).unwrap();
    engine.build_image(IMAGE, ctx).await.unwrap();
    let ours: Vec<String> = (0..N).map(|i| format!("kolla_rs_speed_ours_{i}")).collect();
    let cli: Vec<String> = (0..N).map(|i| format!("kolla_rs_speed_cli_{i}")).collect();
    cleanup(&engine, &ours).await;
    cleanup(&engine, &cli).await;

    let start_ours = each(&engine, &ours, "start_container").await;
    let t = Instant::now();
    for n in &cli {
        docker_cli(&[
            "run",
            "-d",
            "--name",
            n,
            "--network",
            "host",
            IMAGE,
            "sh",
            "-c",
            "trap 'exit 0' TERM; sleep 3600 & wait",
        ]);
    }
    let start_cli = t.elapsed();

    let compare_ours = each(&engine, &ours, "compare_container").await;
    let t = Instant::now();
    for n in &cli {
        docker_cli(&["inspect", n]);
        docker_cli(&[
            "exec",
            "-u",
            "root",
            n,
            "/usr/local/bin/kolla_set_configs",
            "--check",
        ]);
    }
    let compare_cli = t.elapsed();

    let noop_ours = each(&engine, &ours, "start_container").await;
    let t = Instant::now();
    for n in &cli {
        docker_cli(&["start", n]);
    }
    let noop_cli = t.elapsed();

    cleanup(&engine, &ours).await;
    cleanup(&engine, &cli).await;

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| operation (50 containers) | kolla-rs | docker CLI loop |");
    println!("|---|---:|---:|");
    println!(
        "| start (create + start) | {:.0} ms | {:.0} ms |",
        ms(start_ours),
        ms(start_cli)
    );
    println!(
        "| compare_container (inspect + config check exec) | {:.0} ms | {:.0} ms |",
        ms(compare_ours),
        ms(compare_cli)
    );
    println!(
        "| no-op start_container | {:.0} ms | {:.0} ms |",
        ms(noop_ours),
        ms(noop_cli)
    );
}
