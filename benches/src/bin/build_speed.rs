//! Real-engine image build speed: the whole stand-in tree (`kolla build
//! --profile standin`: base, openstack-base and one image per service)
//! built by kolla-rs, against `docker build` of the same rendered
//! Dockerfiles and contexts run one by one (parents first), in the same
//! run; then a no-change `--skip-existing` rebuild. Run once by hand:
//!
//! ```sh
//! cargo run -p kolla-benches --bin build_speed [THREADS]
//! ```
//!
//! Each side gets its own label in `base_header` (through a template
//! override), so neither reuses the other's layer cache. Every image made
//! is removed at the end.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use kolla_core::build::builder::{build, BuildOptions, Status};
use kolla_core::build::image::{build_context, find_static_busybox};
use kolla_core::build::render::{RenderVars, Renderer};
use kolla_core::build::standin;
use kolla_core::build::tree::Selection;
use kolla_core::engine::{ContainerEngine, DockerEngine};

fn docker_build(reference: &str, context: &[u8]) {
    let mut child = Command::new("docker")
        .args(["build", "-q", "-t", reference, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docker CLI");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(context)
        .expect("context to docker build");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "docker build {reference}: {out:?}");
}

fn label_override(who: &str, stamp: u128) -> (String, String) {
    (
        format!("{who}.j2"),
        format!(
            "{{% extends parent_template %}}\
             {{% block base_header %}}LABEL kolla-rs.bench=\"{who}-{stamp}\"{{% endblock %}}"
        ),
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let threads: usize = std::env::args()
        .nth(1)
        .map(|t| t.parse().expect("THREADS is a number"))
        .unwrap_or(8);
    let engine = DockerEngine::connect().await.expect("a Docker engine");
    let busybox = find_static_busybox().unwrap();
    let set_configs = standin::find_static_set_configs().unwrap_or_else(|e| {
        eprintln!("note: {e}; busybox (also static) stands in for kolla_set_configs' bytes");
        busybox.clone()
    });
    let tree = standin::tree(&busybox, &set_configs).unwrap();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let ours = RenderVars {
        namespace: "kolla-rs-buildbench-ours".into(),
        tag: "b".into(),
        ..Default::default()
    };
    let cli = RenderVars {
        namespace: "kolla-rs-buildbench-cli".into(),
        ..ours.clone()
    };
    let n = tree.names().count();

    // docker build, one by one, parents first.
    let over = [label_override("cli", stamp)];
    let renderer = Renderer::new(&tree, &over).unwrap();
    let plan = tree
        .select(&Selection::default(), &Default::default())
        .unwrap();
    let t = Instant::now();
    for name in plan.to_build() {
        let df = renderer.render(&tree, name, &cli).unwrap();
        let ctx = build_context(&df, &tree.get(name).unwrap().files).unwrap();
        docker_build(&cli.image_ref(name), &ctx);
    }
    let cli_secs = t.elapsed().as_secs_f64();

    // kolla-rs: the tree, in parallel.
    let mut opts = BuildOptions {
        selection: Selection::default(),
        vars: ours.clone(),
        overrides: vec![label_override("ours", stamp)],
        threads,
        push: false,
    };
    let t = Instant::now();
    let report = build(&engine, &tree, &opts, &|_| {}).await.unwrap();
    let ours_secs = t.elapsed().as_secs_f64();
    assert!(!report.failed(), "{}", report.summary());
    assert_eq!(report.with(Status::Built).count(), n);

    // No change, --skip-existing.
    opts.selection.skip_existing = true;
    let t = Instant::now();
    let again = build(&engine, &tree, &opts, &|_| {}).await.unwrap();
    let noop_secs = t.elapsed().as_secs_f64();
    assert_eq!(again.with(Status::Skipped).count(), n);

    println!("images in the stand-in tree: {n}");
    println!("docker build, one by one:            {cli_secs:8.2} s");
    println!("kolla-rs build, {threads} threads:           {ours_secs:8.2} s");
    println!("kolla-rs --skip-existing, no change: {noop_secs:8.3} s");

    for name in plan.to_build().collect::<Vec<_>>().into_iter().rev() {
        for v in [&ours, &cli] {
            let _ = engine.remove_image(&v.image_ref(name), true).await;
        }
    }
}
