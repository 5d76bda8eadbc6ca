//! Helpers for the real-engine tests.
#![allow(dead_code)]

pub mod ci;

use kolla_core::build::image::{self, find_static_busybox};
use kolla_core::engine::action::run_action;
use kolla_core::engine::{ContainerEngine, DockerEngine};
use serde_json::{json, Value};

/// Connects to the local Docker engine.
///
/// Without a reachable engine the test is skipped loudly, unless `CI` is set
/// (or `KOLLA_REQUIRE_DOCKER`), where it fails: CI must never skip silently.
pub async fn docker() -> Option<DockerEngine> {
    match DockerEngine::connect().await {
        Ok(engine) => Some(engine),
        Err(e) => {
            if ci::docker_required() {
                panic!("the Docker engine is required here (CI is set) but unreachable: {e}");
            }
            eprintln!("SKIPPED: no Docker engine ({e}); set CI=true to make this a failure");
            None
        }
    }
}

/// The tag of the tiny busybox image the tests share.
pub const TEST_IMAGE: &str = "kolla-rs-test/busybox:latest";

/// Builds [`TEST_IMAGE`] from the static busybox (cheap when cached).
pub async fn test_image(engine: &DockerEngine) -> &'static str {
    let busybox = image::find_static_busybox().expect("static busybox for test images");
    let ctx = image::busybox_context(&busybox, &[]).unwrap();
    engine
        .build_image(TEST_IMAGE, ctx)
        .await
        .expect("build the test image");
    TEST_IMAGE
}

/// A container name unique to this test process.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "kolla_rs_test_{prefix}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Runs a cleanup future to completion from `Drop`, which may itself run
/// inside a runtime: the future gets a fresh thread and runtime of its own.
fn cleanup_on_fresh_runtime<F>(fut: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(fut)
    })
    .join()
    .ok();
}

/// Removes the named containers when dropped, even when the test panics.
pub struct Cleanup {
    pub engine: DockerEngine,
    pub names: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let engine = self.engine.clone();
        let names = std::mem::take(&mut self.names);
        cleanup_on_fresh_runtime(async move {
            for n in names {
                let _ = engine.remove_container(&n, true).await;
            }
        });
    }
}

/// Removes the image tags when dropped, even when the test panics.
pub struct ImageCleanup {
    pub engine: DockerEngine,
    pub tags: Vec<String>,
}

impl Drop for ImageCleanup {
    fn drop(&mut self) {
        let engine = self.engine.clone();
        let tags = std::mem::take(&mut self.tags);
        cleanup_on_fresh_runtime(async move {
            for t in tags {
                let _ = engine.remove_image(&t, true).await;
            }
        });
    }
}

/// Removes the named volumes when dropped, even when the test panics.
pub struct VolumeCleanup {
    pub engine: DockerEngine,
    pub names: Vec<String>,
}

impl Drop for VolumeCleanup {
    fn drop(&mut self) {
        let engine = self.engine.clone();
        let names = std::mem::take(&mut self.names);
        cleanup_on_fresh_runtime(async move {
            for n in names {
                let _ = engine.remove_volume(&n).await;
            }
        });
    }
}

/// A kolla-like image: busybox, a fake `kolla_set_configs` whose `--check`
/// exit code is steered by marker files, a passwd for `exec --user root`,
/// and image labels (which compare must ignore).
pub const IMAGE: &str = "kolla-rs-test/kolla-busybox:latest";
pub const IMAGE_OTHER_TAG: &str = "kolla-rs-test/kolla-busybox:other";
/// The same image without `/etc/passwd`: `exec --user root` cannot run.
pub const IMAGE_NO_ROOT: &str = "kolla-rs-test/kolla-busybox:noroot";

pub const SET_CONFIGS: &str = "#!/bin/sh\n\
if [ -f /tmp/kill ]; then exit 137; fi\n\
if [ -f /tmp/weird ]; then echo weird; exit 3; fi\n\
if [ -f /tmp/drift ]; then echo 'INFO:__main__:/etc/kolla/x.conf differs'; exit 1; fi\n\
echo 'INFO:__main__:config up to date'\n\
exit 0\n";

/// A command that stops at once on SIGTERM.
pub const SLEEPER: &str = "sh -c 'trap \"exit 0\" TERM; sleep 3600 & wait'";

pub async fn kolla_image(engine: &DockerEngine) {
    // Parallel builds of one tag can each miss the cache and move the tag;
    // build once per test process.
    static BUILT: tokio::sync::Mutex<bool> = tokio::sync::Mutex::const_new(false);
    let mut built = BUILT.lock().await;
    if *built {
        return;
    }
    let busybox = find_static_busybox().expect("static busybox");
    let ctx = image::kolla_like_context(&busybox, SET_CONFIGS, true).unwrap();
    engine.build_image(IMAGE, ctx.clone()).await.unwrap();
    engine.build_image(IMAGE_OTHER_TAG, ctx).await.unwrap();
    let ctx = image::kolla_like_context(&busybox, SET_CONFIGS, false).unwrap();
    engine.build_image(IMAGE_NO_ROOT, ctx).await.unwrap();
    *built = true;
}

pub struct Fixture {
    pub engine: DockerEngine,
    // Dropped in order: containers first, then the volumes they used.
    _cleanup: Cleanup,
    /// The volumes named after the fixture (`<name>_vol`, `<name>_v`).
    _volumes: VolumeCleanup,
    pub name: String,
}

impl Fixture {
    /// A unique name on `engine`, with its container (and `<name>_user`)
    /// and volumes (`<name>_vol`, `<name>_v`) removed on drop.
    pub fn named(engine: &DockerEngine, prefix: &str) -> Fixture {
        let name = unique_name(prefix);
        Fixture {
            _cleanup: Cleanup {
                engine: engine.clone(),
                names: vec![name.clone(), format!("{name}_user")],
            },
            _volumes: VolumeCleanup {
                engine: engine.clone(),
                names: vec![format!("{name}_vol"), format!("{name}_v")],
            },
            engine: engine.clone(),
            name,
        }
    }
}

/// The engine with [`IMAGE`] built, and a [`Fixture`] named after `prefix`;
/// `None` (skipped loudly) without an engine.
pub async fn fixture(prefix: &str) -> Option<Fixture> {
    let engine = docker().await?;
    kolla_image(&engine).await;
    Some(Fixture::named(&engine, prefix))
}

/// Runs one action from a JSON argument dict.
pub async fn act(engine: &dyn ContainerEngine, args: Value) -> Value {
    run_action(engine, args.as_object().unwrap()).await
}

/// `base` with the keys of `extra` set over it.
pub fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

/// The names of a compare result's `comparison_failures`.
pub fn failure_names(r: &Value) -> Vec<String> {
    r["comparison_failures"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// kolla-like parameters for a container running [`SLEEPER`] on [`IMAGE`].
pub fn plain(name: &str) -> Value {
    json!({"name": name, "image": IMAGE, "command": SLEEPER, "graceful_timeout": 2,
           "environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS"}})
}
