//! `kolla_container_facts`: what containers and volumes the engine has.

use serde_json::{json, Map, Value};

use super::{ContainerEngine, Error, ListFilter};
use crate::container::compare::env_map;

pub use crate::container::params::FACTS_ACTIONS;

/// Runs one facts action and returns the module's result dict
/// (`changed: false`, `result: false` and the action's key), or
/// `failed`/`msg`.
///
/// `names` filters `get_containers` and `get_volumes` and names the
/// containers of the env and state actions (`get_containers_names` lists
/// every running container, as upstream); `all` includes stopped ones in
/// `get_containers`.
///
/// ```
/// use kolla_core::engine::{facts::container_facts, ContainerEngine, ContainerSpec, MemoryEngine};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let engine = MemoryEngine::new();
/// engine.add_image("i");
/// engine.create_container(&ContainerSpec { name: "a".into(), image: "i".into(), ..Default::default() }).await.unwrap();
/// engine.start_container("a").await.unwrap();
/// let r = container_facts(&engine, "get_containers_state", &["a".into()], false).await;
/// assert_eq!(r["states"]["a"], "running");
/// # });
/// ```
pub async fn container_facts(
    engine: &dyn ContainerEngine,
    action: &str,
    names: &[String],
    all: bool,
) -> Value {
    let mut out = Map::new();
    out.insert("changed".into(), json!(false));
    match facts(engine, action, names, all).await {
        Ok((key, value)) => {
            out.insert("result".into(), json!(false));
            out.insert(key.into(), value);
        }
        Err(e) => {
            out.insert("failed".into(), json!(true));
            let msg = match e {
                Error::Action { message, .. } => message,
                other => other.to_string(),
            };
            out.insert("msg".into(), json!(msg));
        }
    }
    Value::Object(out)
}

async fn facts(
    engine: &dyn ContainerEngine,
    action: &str,
    names: &[String],
    all: bool,
) -> Result<(&'static str, Value), Error> {
    match action {
        "get_containers" => {
            let filter = ListFilter {
                all,
                names: names.to_vec(),
                label: None,
            };
            let mut map = Map::new();
            for c in engine.list_containers(&filter).await? {
                if let Some(info) = engine.inspect_container(&c.name).await? {
                    let mut raw = info.raw;
                    if let Some(Value::Object(h)) =
                        raw.get_mut("State").and_then(|s| s.get_mut("Health"))
                    {
                        h.remove("Log");
                    }
                    map.insert(c.name, raw);
                }
            }
            Ok(("containers", Value::Object(map)))
        }
        "get_containers_names" => {
            // Every running container; upstream ignores `name` here.
            let filter = ListFilter::default();
            let list = engine.list_containers(&filter).await?;
            Ok((
                "container_names",
                json!(list.into_iter().map(|c| c.name).collect::<Vec<_>>()),
            ))
        }
        "get_containers_state" | "get_containers_env" => {
            if names.is_empty() {
                return Err(Error::action(format!(
                    "action is {action} but all of the following are missing: name"
                )));
            }
            let mut map = Map::new();
            for n in names {
                let Some(info) = engine.inspect_container(n).await? else {
                    return Err(Error::action(format!("No such container: {n}")));
                };
                let v = if action == "get_containers_state" {
                    json!(info.status)
                } else {
                    json!(env_map(&info.env))
                };
                map.insert(n.clone(), v);
            }
            let key = if action == "get_containers_state" {
                "states"
            } else {
                "envs"
            };
            Ok((key, Value::Object(map)))
        }
        "get_volumes" => {
            let mut map = Map::new();
            for v in engine.list_volumes().await? {
                if names.is_empty() || names.contains(&v.name) {
                    map.insert(
                        v.name.clone(),
                        json!({"Name": v.name, "Driver": v.driver,
                               "Mountpoint": v.mountpoint, "Labels": v.labels}),
                    );
                }
            }
            Ok(("volumes", Value::Object(map)))
        }
        other => Err(Error::action(format!(
            "value of action must be one of: {}, got: {other}",
            FACTS_ACTIONS.join(", ")
        ))),
    }
}

/// One row of `kolla container ps`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PsRow {
    /// Container name.
    pub name: String,
    /// Image reference.
    pub image: String,
    /// `running`, `exited`, ...
    pub state: String,
    /// `healthy`, `unhealthy`, `starting`, or empty without a healthcheck.
    pub health: String,
}

/// The kolla containers on an engine (those with `KOLLA_SERVICE_NAME` in
/// their environment, as every `kolla_container` start sets, or a
/// `kolla_version` image label), sorted by name, running or not.
///
/// ```
/// use kolla_core::engine::{action::run_action, facts::kolla_containers, MemoryEngine};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let engine = MemoryEngine::new();
/// engine.add_image("kolla/keystone:1");
/// let args = serde_json::json!({"action": "start_container", "name": "keystone", "image": "kolla/keystone:1"});
/// run_action(&engine, args.as_object().unwrap()).await;
/// let rows = kolla_containers(&engine).await.unwrap();
/// assert_eq!((rows[0].name.as_str(), rows[0].state.as_str()), ("keystone", "running"));
/// # });
/// ```
///
/// # Errors
/// When the engine cannot list or inspect.
pub async fn kolla_containers(engine: &dyn ContainerEngine) -> Result<Vec<PsRow>, Error> {
    let all = ListFilter {
        all: true,
        ..Default::default()
    };
    let list = engine.list_containers(&all).await?;
    let inspections = list.iter().map(|c| engine.inspect_container(&c.name));
    let mut rows = Vec::new();
    for info in futures_join(inspections).await {
        let Some(info) = info? else { continue };
        let kolla = env_map(&info.env).contains_key("KOLLA_SERVICE_NAME")
            || info.labels.contains_key("kolla_version");
        if kolla {
            rows.push(PsRow {
                name: info.name,
                image: info.image,
                state: info.status,
                health: info.health.unwrap_or_default(),
            });
        }
    }
    Ok(rows)
}

/// Awaits futures concurrently, keeping their order (no extra dependency).
async fn futures_join<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}
