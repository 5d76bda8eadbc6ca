//! Helpers for the real-engine tests.
#![allow(dead_code)]

pub mod ci;

use kolla_core::engine::{self, ContainerEngine, DockerEngine};

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
    let busybox = engine::image::find_static_busybox().expect("static busybox for test images");
    let ctx = engine::image::busybox_context(&busybox, &[]).unwrap();
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
