use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::*;
use crate::engine::{ContainerSpec, MemoryEngine};

fn labelled(host: &str, service: &str, container: &str) -> BTreeMap<String, String> {
    [
        (labels::MANAGED, "true"),
        (labels::HOST, host),
        (labels::SERVICE, service),
        (labels::CONTAINER, container),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn cloud() -> Vec<Arc<dyn ContainerEngine>> {
    let engine = MemoryEngine::new();
    engine.add_image("kolla/nova-api:2025.1");
    engine.add_image("kolla/memcached:2025.1");
    for (name, host, svc, c, image) in [
        (
            "ctl01-nova_api",
            "ctl01",
            "nova",
            "nova_api",
            "kolla/nova-api:2025.1",
        ),
        (
            "ctl02-nova_api",
            "ctl02",
            "nova",
            "nova_api",
            "kolla/nova-api:2025.1",
        ),
        (
            "ctl01-memcached",
            "ctl01",
            "memcached",
            "memcached",
            "kolla/memcached:2025.1",
        ),
    ] {
        let spec = ContainerSpec {
            name: name.into(),
            image: image.into(),
            labels: labelled(host, svc, c),
            ..Default::default()
        };
        engine.create_container(&spec).await.unwrap();
        engine.start_container(name).await.unwrap();
    }
    // Not kolla-rs's: never listed.
    let other = ContainerSpec {
        name: "someone-elses".into(),
        image: "kolla/memcached:2025.1".into(),
        ..Default::default()
    };
    engine.create_container(&other).await.unwrap();
    vec![Arc::new(engine)]
}

#[tokio::test]
async fn find_picks_by_service_container_and_host() {
    let engines = cloud().await;
    let catalog = Catalog::embedded().unwrap();
    let names = |v: Vec<Found>| v.into_iter().map(|f| f.name).collect::<Vec<_>>();
    assert_eq!(
        names(find(&engines, &Selector::All, None).await.unwrap()),
        ["ctl01-memcached", "ctl01-nova_api", "ctl02-nova_api"]
    );
    let nova = Selector::parse("nova", &catalog);
    assert_eq!(nova, Selector::Service("nova".into()));
    assert_eq!(
        names(find(&engines, &nova, None).await.unwrap()),
        ["ctl01-nova_api", "ctl02-nova_api"]
    );
    let api = Selector::parse("nova_api", &catalog);
    assert_eq!(
        names(find(&engines, &api, Some("ctl02")).await.unwrap()),
        ["ctl02-nova_api"]
    );
    let by_engine_name = Selector::parse("ctl01-memcached", &catalog);
    assert_eq!(
        names(find(&engines, &by_engine_name, None).await.unwrap()),
        ["ctl01-memcached"]
    );
}

#[tokio::test]
async fn status_reports_state_and_the_verdict() {
    let engines = cloud().await;
    let st = status(&engines, &Selector::All, None).await.unwrap();
    assert_eq!(st.containers.len(), 3);
    let c = &st.containers[0];
    assert_eq!(
        (
            c.host.as_str(),
            c.image.as_str(),
            c.tag.as_str(),
            c.state.as_str()
        ),
        ("ctl01", "kolla/memcached", "2025.1", "running")
    );
    assert!(st.ok(), "{st:?}");
    engines[0]
        .stop_container("ctl02-nova_api", 1)
        .await
        .unwrap();
    let st = status(&engines, &Selector::All, None).await.unwrap();
    assert!(!st.ok());
    let json = st.to_json();
    assert_eq!(json["ok"], false);
    assert_eq!(json["hosts"][1]["host"], "ctl02");
    assert_eq!(json["hosts"][1]["containers"][0]["state"], "exited");
    // Nothing deployed is not healthy.
    let none = status(&engines, &Selector::All, Some("cmp01"))
        .await
        .unwrap();
    assert!(!none.ok());
}

#[tokio::test]
async fn logs_count_what_they_read() {
    let engines = cloud().await;
    let seen = Mutex::new(Vec::new());
    let request = LogsRequest {
        selector: Selector::Service("nova".into()),
        ..Default::default()
    };
    let n = logs(&engines, &request, &|l| seen.lock().unwrap().push(l))
        .await
        .unwrap();
    assert_eq!(n, 2);
}

#[test]
fn since_forms() {
    assert_eq!(parse_since("1700000000"), Ok(1_700_000_000));
    assert_eq!(parse_since("2026-12-08T04:00:00Z"), Ok(1_796_702_400));
    let ago = super::time::now() - parse_since("1h30m").unwrap();
    assert!((5_399..=5_401).contains(&ago), "{ago}");
    for bad in ["", "10x", "h", "1h30", "-5m"] {
        let e = parse_since(bad).unwrap_err();
        assert!(e.starts_with("--since"), "{e}");
    }
}
