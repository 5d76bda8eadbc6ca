//! `kolla build` on the real engine: a small tree on a static busybox with
//! template override blocks, selection, parallel builds where children
//! wait for their parents, a failing parent that fails its children with a
//! reason, and a `--skip-existing` rebuild that builds nothing.

mod common;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use kolla_core::build::builder::{build, BuildOptions, Event, Status};
use kolla_core::build::image::{find_static_busybox, ContextFile};
use kolla_core::build::render::RenderVars;
use kolla_core::build::tree::{ImageDef, ImageTree, Selection};
use kolla_core::engine::ContainerEngine;

fn tree() -> ImageTree {
    let busybox = std::fs::read(find_static_busybox().expect("static busybox")).unwrap();
    let block = |name: &str| {
        let b = name.replace('-', "_");
        format!("{{% block {b}_footer %}}{{% endblock %}}\n{{% block footer %}}{{% endblock %}}\n")
    };
    let mut root = ImageDef::new(
        "root",
        None,
        &format!(
            "FROM scratch\nCOPY busybox /bin/busybox\n\
             RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n{}",
            block("root")
        ),
    );
    root.files.push(ContextFile {
        path: "busybox".into(),
        data: busybox,
        mode: 0o755,
    });
    // Each child's RUN takes a while, so that two siblings overlap in time
    // when the builds run in parallel.
    let child = |name: &str, parent: &str, run: &str| {
        ImageDef::new(
            name,
            Some(parent),
            &format!("FROM {{{{ parent_image }}}}\nRUN {run}\n{}", block(name)),
        )
    };
    let uniq = format!("{}-{}", std::process::id(), unique());
    ImageTree::new(vec![
        root,
        child("mid", "root", &format!("echo mid {uniq} > /mid && sleep 1")),
        child("leaf-a", "mid", &format!("echo a {uniq} > /a && sleep 2")),
        child("leaf-b", "mid", &format!("echo b {uniq} > /b && sleep 2")),
        child("broken", "root", "echo failing on purpose && false"),
        child("broken-child", "broken", "true"),
    ])
    .unwrap()
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_overrides_selection_parallelism_failures_and_skip_existing() {
    let Some(engine) = common::docker().await else {
        return;
    };
    let tree = tree();
    let vars = RenderVars {
        namespace: format!("kolla-rs-buildtest-{}", std::process::id()),
        tag: "t".into(),
        ..Default::default()
    };
    let _cleanup = common::ImageCleanup {
        engine: engine.clone(),
        tags: tree.names().map(|n| vars.image_ref(n)).collect(),
    };
    let over = "{% extends parent_template %}\n\
        {% block leaf_a_footer %}LABEL kolla-rs.buildtest=leaf-a-footer{% endblock %}\n\
        {% block footer %}LABEL kolla-rs.buildtest-footer=all{% endblock %}\n";
    let mut opts = BuildOptions {
        selection: Selection {
            regexes: vec!["^leaf-".into(), "broken-child".into()],
            ..Default::default()
        },
        vars: vars.clone(),
        overrides: vec![("over.j2".into(), over.into())],
        threads: 4,
        push: false,
    };

    // The timeline of starts and finishes, per image.
    let t0 = Instant::now();
    let events: Mutex<Vec<(f64, String, &'static str)>> = Mutex::new(Vec::new());
    let logs: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    let on_event = |e: Event<'_>| {
        let at = t0.elapsed().as_secs_f64();
        match e {
            Event::Started { image } => events.lock().unwrap().push((at, image.into(), "start")),
            Event::Finished { result } => {
                events
                    .lock()
                    .unwrap()
                    .push((at, result.name.clone(), "end"))
            }
            Event::Log { image, line } => {
                let mut l = logs.lock().unwrap();
                let s = l.entry(image.into()).or_default();
                s.push_str(line);
                s.push('\n');
            }
            Event::Planned { .. } => {}
        }
    };
    let report = build(&engine, &tree, &opts, &on_event).await.unwrap();
    let status: BTreeMap<&str, (Status, Option<&str>)> = report
        .images
        .iter()
        .map(|i| (i.name.as_str(), (i.status, i.reason.as_deref())))
        .collect();
    for n in ["root", "mid", "leaf-a", "leaf-b"] {
        assert_eq!(status[n].0, Status::Built, "{n}: {:?}", status[n]);
    }
    assert_eq!(status["broken"].0, Status::Error);
    assert!(
        status["broken"]
            .1
            .unwrap()
            .contains("returned a non-zero code"),
        "{:?}",
        status["broken"]
    );
    assert_eq!(
        status["broken-child"],
        (
            Status::ParentError,
            Some("parent image broken failed to build")
        )
    );
    // Logs streamed per image.
    assert!(logs.lock().unwrap()["broken"].contains("failing on purpose"));

    // Children started only after their parent finished; siblings overlapped.
    let ev = events.lock().unwrap().clone();
    let at = |n: &str, what: &str| {
        ev.iter()
            .find(|(_, i, w)| i == n && *w == what)
            .unwrap_or_else(|| panic!("{n} {what} in {ev:?}"))
            .0
    };
    for (parent, child) in [
        ("root", "mid"),
        ("mid", "leaf-a"),
        ("mid", "leaf-b"),
        ("root", "broken"),
    ] {
        assert!(
            at(parent, "end") <= at(child, "start"),
            "{parent} -> {child}: {ev:?}"
        );
    }
    assert!(
        at("leaf-a", "start") < at("leaf-b", "end") && at("leaf-b", "start") < at("leaf-a", "end"),
        "siblings did not build in parallel: {ev:?}"
    );

    // The override blocks landed: leaf-a's own footer, and `footer` everywhere.
    let a = engine
        .inspect_image(&vars.image_ref("leaf-a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.labels["kolla-rs.buildtest"], "leaf-a-footer");
    assert_eq!(a.labels["kolla-rs.buildtest-footer"], "all");
    let b = engine
        .inspect_image(&vars.image_ref("leaf-b"))
        .await
        .unwrap()
        .unwrap();
    assert!(!b.labels.contains_key("kolla-rs.buildtest"));
    assert_eq!(b.labels["kolla-rs.buildtest-footer"], "all");

    // Selection: only leaf-b (and its ancestors, skipped as existing).
    opts.selection = Selection {
        regexes: vec!["leaf-b".into()],
        skip_existing: true,
        ..Default::default()
    };
    let t = Instant::now();
    let again = build(&engine, &tree, &opts, &|_| {}).await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(again.with(Status::Built).count(), 0);
    let skipped: Vec<&str> = again
        .with(Status::Skipped)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(skipped, ["leaf-b", "mid", "root"]);
    assert_eq!(
        again.with(Status::Unmatched).count(),
        3,
        "{:?}",
        again.summary()
    );
    assert!(secs < 1.0, "--skip-existing no-op took {secs:.2} s");
}
