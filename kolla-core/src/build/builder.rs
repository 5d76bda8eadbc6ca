//! Building a plan through the engine trait: up to `threads` builds at
//! once, an image only after its parent, each build's log handed out line
//! by line, and a report of what was built, skipped or failed and why. A
//! failed image fails its descendants with `parent_error` and the reason.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use kolla_core::build::builder::{build, BuildOptions, Status};
//! use kolla_core::build::tree::{ImageDef, ImageTree};
//! use kolla_core::engine::MemoryEngine;
//! let tree = ImageTree::new(vec![
//!     ImageDef::new("base", None, "FROM scratch\n"),
//!     ImageDef::new("keystone", Some("base"), "FROM {{ parent_image }}\n"),
//! ]).unwrap();
//! let engine = MemoryEngine::new();
//! let report = build(&engine, &tree, &BuildOptions::default(), &|_| {}).await.unwrap();
//! assert!(report.images.iter().all(|i| i.status == Status::Built));
//! assert_eq!(engine.builds()[1].1, "FROM kolla/base:latest");
//! # });
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::image::build_context;
use super::render::{RenderVars, Renderer};
use super::tree::{ImageTree, Selected, Selection};
use super::Error;
use crate::engine::ContainerEngine;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Which images.
    pub selection: Selection,
    /// Namespace, tag, distro and extra template variables.
    pub vars: RenderVars,
    /// Template override files, `(path, text)`.
    pub overrides: Vec<(String, String)>,
    /// Builds at once (at least 1).
    pub threads: usize,
    /// Push each image after it is built.
    pub push: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            selection: Selection::default(),
            vars: RenderVars::default(),
            overrides: Vec::new(),
            threads: 8,
            push: false,
        }
    }
}

/// An image's outcome, with `kolla-build`'s status names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Built (and pushed, with `--push`).
    Built,
    /// The build failed.
    Error,
    /// Built, but the push failed.
    PushError,
    /// Not built because its parent (or an ancestor) failed.
    ParentError,
    /// Selected but skipped by an option.
    Skipped,
    /// Not selected.
    Unmatched,
}

impl Status {
    /// Whether this is a failure (the command exits non-zero).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Status::Error | Status::PushError | Status::ParentError
        )
    }
}

/// One image in the report.
#[derive(Debug, Clone, Serialize)]
pub struct ImageResult {
    /// Image name.
    pub name: String,
    /// Its reference, `kolla/nova-api:TAG`.
    pub reference: String,
    /// What happened.
    pub status: Status,
    /// Why (skips and failures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Seconds its build took (built and failed images).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
}

/// What a build did, image by image (sorted by name).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every image of the tree.
    pub images: Vec<ImageResult>,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
}

impl Report {
    /// The images with `status`.
    pub fn with(&self, status: Status) -> impl Iterator<Item = &ImageResult> {
        self.images.iter().filter(move |i| i.status == status)
    }

    /// Whether any image failed.
    pub fn failed(&self) -> bool {
        self.images.iter().any(|i| i.status.is_failure())
    }

    /// The summary `kolla-build --format json` prints: `built`, `failed`
    /// (with `status`, and here also `reason`), `not_matched`, `skipped`
    /// (here with `reason`), `unbuildable` (always empty here).
    pub fn summary(&self) -> serde_json::Value {
        use serde_json::json;
        let mut built = Vec::new();
        let mut failed = Vec::new();
        let mut not_matched = Vec::new();
        let mut skipped = Vec::new();
        for i in &self.images {
            match i.status {
                Status::Built => built.push(json!({"name": i.name})),
                Status::Unmatched => not_matched.push(json!({"name": i.name})),
                Status::Skipped => skipped.push(json!({"name": i.name, "reason": i.reason})),
                s => failed.push(json!({"name": i.name, "status": s, "reason": i.reason})),
            }
        }
        json!({"built": built, "failed": failed, "not_matched": not_matched,
               "skipped": skipped, "unbuildable": []})
    }
}

/// Progress of a build, for logs and progress bars.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The plan is known: this many images will be built.
    Planned {
        /// Images to build.
        total: usize,
    },
    /// An image's build started.
    Started {
        /// Image name.
        image: &'a str,
    },
    /// A line of an image's build output.
    Log {
        /// Image name.
        image: &'a str,
        /// The line.
        line: &'a str,
    },
    /// An image is done (built, failed, or failed through its parent).
    Finished {
        /// Its result.
        result: &'a ImageResult,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Pending,
    Running,
    Done(Status),
}

/// Selects, renders and builds: images that exist already are looked up
/// only with `--skip-existing`; every Dockerfile is rendered before the
/// first build starts (a template error builds nothing).
///
/// # Errors
/// A tree, selection or template error, or the engine failing to say which
/// images exist. Failed builds are not errors: they are in the report.
pub async fn build(
    engine: &dyn ContainerEngine,
    tree: &ImageTree,
    opts: &BuildOptions,
    on_event: &(dyn Fn(Event<'_>) + Send + Sync),
) -> Result<Report, Error> {
    let started = Instant::now();
    let vars = &opts.vars;
    let mut existing = BTreeSet::new();
    if opts.selection.skip_existing {
        let checks = tree.names().map(|n| async move {
            let r = engine.image_exists(&vars.image_ref(n)).await;
            (n, r)
        });
        for (n, r) in futures_util::future::join_all(checks).await {
            if r? {
                existing.insert(n.to_string());
            }
        }
    }
    let plan = tree.select(&opts.selection, &existing)?;
    let renderer = Renderer::new(tree, &opts.overrides)?;
    let mut contexts: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    for name in plan.to_build() {
        let dockerfile = renderer.render(tree, name, vars)?;
        let def = tree.get(name).expect("planned images are in the tree");
        let ctx = build_context(&dockerfile, &def.files).map_err(|e| Error::Input {
            parameter: format!("build context of {name}"),
            message: e.to_string(),
        })?;
        contexts.insert(name, ctx);
    }
    let order: Vec<&str> = plan.to_build().collect();
    on_event(Event::Planned { total: order.len() });

    let states: Mutex<BTreeMap<&str, (State, Option<ImageResult>)>> =
        Mutex::new(order.iter().map(|&n| (n, (State::Pending, None))).collect());
    let wake = tokio::sync::Notify::new();
    let parent_of = |n: &str| tree.get(n).and_then(|d| d.parent.as_deref());

    // Picks the next image whose parent is done; fails those whose parent
    // failed. `None` with nothing running or pending means all is done.
    enum Pick {
        Build(usize),
        Wait,
        Done,
    }
    let pick = || -> Pick {
        let mut st = states.lock().expect("build state lock");
        loop {
            let mut waiting = false;
            let mut failed_child = None;
            for (i, &n) in order.iter().enumerate() {
                match &st[n].0 {
                    State::Pending => {}
                    State::Running => {
                        waiting = true;
                        continue;
                    }
                    State::Done(_) => continue,
                }
                let parent_state = parent_of(n).and_then(|p| st.get(p)).map(|s| &s.0);
                match parent_state {
                    None | Some(State::Done(Status::Built)) => {
                        st.get_mut(n).expect("known").0 = State::Running;
                        return Pick::Build(i);
                    }
                    Some(State::Done(s)) if s.is_failure() => {
                        failed_child = Some((n, parent_of(n).unwrap_or(""), *s));
                        break;
                    }
                    _ => waiting = true,
                }
            }
            if let Some((n, p, ps)) = failed_child {
                let reason = if ps == Status::ParentError {
                    format!("parent image {p} was not built (an ancestor failed)")
                } else {
                    format!("parent image {p} failed to build")
                };
                let result = ImageResult {
                    name: n.into(),
                    reference: vars.image_ref(n),
                    status: Status::ParentError,
                    reason: Some(reason),
                    seconds: None,
                };
                on_event(Event::Finished { result: &result });
                *st.get_mut(n).expect("known") = (State::Done(Status::ParentError), Some(result));
                continue;
            }
            return if waiting { Pick::Wait } else { Pick::Done };
        }
    };

    let (wake, states_ref, pick, contexts, order_ref) = (&wake, &states, &pick, &contexts, &order);
    let lane = || async move {
        loop {
            let notified = wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let name = match pick() {
                Pick::Build(i) => order_ref[i],
                Pick::Wait => {
                    notified.await;
                    continue;
                }
                Pick::Done => {
                    wake.notify_waiters();
                    return;
                }
            };
            on_event(Event::Started { image: name });
            let reference = vars.image_ref(name);
            let t0 = Instant::now();
            let ctx = contexts[name].clone();
            let log = |line: &str| on_event(Event::Log { image: name, line });
            let mut outcome = engine
                .build_image_logged(&reference, ctx, &log)
                .await
                .map_err(|e| (Status::Error, e.to_string()));
            if outcome.is_ok() && opts.push {
                outcome = engine
                    .push_image(&reference, None)
                    .await
                    .map_err(|e| (Status::PushError, e.to_string()));
            }
            let (status, reason) = match outcome {
                Ok(()) => (Status::Built, None),
                Err((s, r)) => (s, Some(r)),
            };
            let result = ImageResult {
                name: name.into(),
                reference,
                status,
                reason,
                seconds: Some(round_ms(t0.elapsed())),
            };
            on_event(Event::Finished { result: &result });
            *states_ref
                .lock()
                .expect("build state lock")
                .get_mut(name)
                .expect("known") = (State::Done(status), Some(result));
            wake.notify_waiters();
        }
    };
    let lanes = opts.threads.max(1).min(order.len().max(1));
    futures_util::future::join_all((0..lanes).map(|_| lane())).await;

    let mut done = states.into_inner().expect("build state lock");
    let mut images = Vec::new();
    for (name, sel) in &plan.status {
        let reference = vars.image_ref(name);
        let result = match sel {
            Selected::Matched => done
                .remove(name.as_str())
                .and_then(|(_, r)| r)
                .expect("every planned image finished"),
            Selected::Unmatched => ImageResult {
                name: name.clone(),
                reference,
                status: Status::Unmatched,
                reason: None,
                seconds: None,
            },
            Selected::Skipped(why) => ImageResult {
                name: name.clone(),
                reference,
                status: Status::Skipped,
                reason: Some(why.clone()),
                seconds: None,
            },
        };
        images.push(result);
    }
    Ok(Report {
        images,
        seconds: round_ms(started.elapsed()),
    })
}

fn round_ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::tree::ImageDef;
    use crate::engine::MemoryEngine;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn tree() -> ImageTree {
        let child = "FROM {{ parent_image }}\n{% block footer %}{% endblock %}\n";
        ImageTree::new(vec![
            ImageDef::new("base", None, "FROM scratch\n"),
            // A parent the memory engine cannot build: its FROM is absent.
            ImageDef::new("broken", Some("base"), "FROM nowhere/missing:1\n"),
            ImageDef::new("broken-child", Some("broken"), child),
            ImageDef::new("broken-grandchild", Some("broken-child"), child),
            ImageDef::new("a", Some("base"), child),
            ImageDef::new("a-1", Some("a"), child),
            ImageDef::new("b", Some("base"), child),
        ])
        .unwrap()
    }

    #[test]
    fn failed_parents_fail_children_with_a_reason_and_others_build() {
        let engine = MemoryEngine::new();
        let opts = BuildOptions {
            threads: 3,
            push: true,
            ..Default::default()
        };
        let report = rt()
            .block_on(build(&engine, &tree(), &opts, &|_| {}))
            .unwrap();
        let st: BTreeMap<&str, (Status, Option<&str>)> = report
            .images
            .iter()
            .map(|i| (i.name.as_str(), (i.status, i.reason.as_deref())))
            .collect();
        assert_eq!(st["a-1"].0, Status::Built);
        assert_eq!(st["b"].0, Status::Built);
        assert_eq!(st["broken"].0, Status::Error);
        assert!(st["broken"].1.unwrap().contains("nowhere/missing:1"));
        assert_eq!(
            st["broken-child"],
            (
                Status::ParentError,
                Some("parent image broken failed to build")
            )
        );
        assert_eq!(st["broken-grandchild"].0, Status::ParentError);
        assert!(report.failed());
        // Parents were built before their children, and pushed.
        let order: Vec<String> = engine.builds().into_iter().map(|b| b.0).collect();
        let at = |n: &str| order.iter().position(|r| r == n).unwrap();
        assert!(at("kolla/a:latest") < at("kolla/a-1:latest"));
        assert!(engine.in_registry("kolla/a-1:latest"));
        let s = report.summary();
        assert_eq!(s["failed"].as_array().unwrap().len(), 3);
        assert_eq!(s["built"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn skip_existing_builds_nothing_the_second_time() {
        let engine = MemoryEngine::new();
        let t = tree();
        let mut opts = BuildOptions {
            selection: Selection {
                regexes: vec!["^a".into()],
                skip_existing: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let r = rt().block_on(build(&engine, &t, &opts, &|_| {})).unwrap();
        assert_eq!(r.with(Status::Built).count(), 3);
        let r = rt().block_on(build(&engine, &t, &opts, &|_| {})).unwrap();
        assert_eq!(r.with(Status::Built).count(), 0);
        assert_eq!(r.with(Status::Skipped).count(), 3);
        assert_eq!(engine.builds().len(), 3);
        // An override reaches the rendered Dockerfile.
        opts.selection.skip_existing = false;
        opts.overrides = vec![(
            "o.j2".into(),
            "{% extends parent_template %}{% block footer %}LABEL x=1{% endblock %}".into(),
        )];
        rt().block_on(build(&engine, &t, &opts, &|_| {})).unwrap();
        let last = engine.builds().pop().unwrap();
        assert_eq!(
            last,
            (
                "kolla/a-1:latest".into(),
                "FROM kolla/a:latest\nLABEL x=1".into()
            )
        );
    }
}
