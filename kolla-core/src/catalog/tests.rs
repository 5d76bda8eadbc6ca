use super::*;

/// Every system in issue 12's scope, by the catalog name it lives under.
pub(crate) const SCOPE: &[&str] = &[
    // OpenStack services
    "aodh",
    "barbican",
    "bifrost",
    "ceilometer",
    "cinder",
    "cloudkitty",
    "congress",
    "designate",
    "glance",
    "gnocchi",
    "heat",
    "horizon",
    "ironic",
    "keystone",
    "kuryr",
    "magnum",
    "manila",
    "mistral",
    "murano",
    "neutron",
    "nova",
    "rally",
    "sahara",
    "senlin",
    "swift",
    "tempest",
    "trove",
    "vmtp",
    "watcher",
    "zaqar",
    // infrastructure
    "ceph",
    "collectd",
    "influxdb",
    "grafana",
    "elasticsearch",
    "kibana",
    "haproxy",
    "keepalived",
    "fluentd",
    "heka",
    "mariadb",
    "galera",
    "mongodb",
    "openvswitch",
    "rabbitmq",
    "memcached",
    // what they need in today's Kolla
    "placement",
    "kolla-toolbox",
    "cron",
    "iscsi",
    "proxysql",
];

#[test]
fn every_system_in_scope_is_present() {
    let cat = Catalog::embedded().unwrap();
    let missing: Vec<_> = SCOPE.iter().filter(|s| cat.find(s).is_none()).collect();
    assert!(missing.is_empty(), "missing from the catalog: {missing:?}");
    let iscsi = cat.get("iscsi").unwrap();
    assert!(iscsi.container("iscsid").is_some() && iscsi.container("tgtd").is_some());
    let common = ["fluentd", "kolla_toolbox", "cron"];
    for c in common {
        assert!(
            cat.services().iter().any(|s| s.container(c).is_some()),
            "{c}"
        );
    }
}

#[test]
fn aliases_map_to_successors() {
    let cat = Catalog::embedded().unwrap();
    assert_eq!(cat.get("elasticsearch").unwrap().service, "opensearch");
    assert_eq!(cat.get("kibana").unwrap().service, "opensearch-dashboards");
    assert_eq!(cat.canonical("heka"), Some("fluentd"));
}

#[test]
fn zaqar_has_its_role() {
    let cat = Catalog::embedded().unwrap();
    let z = cat.get("zaqar").unwrap();
    let names: Vec<_> = z.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["zaqar_api", "zaqar_websocket"]);
    assert!(z.depends_on.hard.contains(&"mongodb".to_string()));
    assert!(z.depends_on.hard.contains(&"keystone".to_string()));
    assert!(z.containers[0]
        .config_files
        .iter()
        .any(|f| f.dest == "zaqar.conf" && f.merge == MergeKind::MergeConfigs));
}

#[test]
fn hard_dependencies_name_catalog_services() {
    let cat = Catalog::embedded().unwrap();
    for s in cat.services() {
        for d in s.depends_on.hard.iter().chain(&s.depends_on.soft) {
            assert!(
                cat.find(d).is_some(),
                "{}: unknown dependency {d}",
                s.service
            );
        }
    }
}

#[test]
fn nova_facts() {
    let cat = Catalog::embedded().unwrap();
    let nova = cat.get("nova").unwrap();
    let api = nova.container("nova_api").unwrap();
    assert_eq!(api.group, "nova-api");
    assert_eq!(api.image, "nova-api");
    assert_eq!(api.privileged, Flag::Bool(true));
    let conf = api
        .config_files
        .iter()
        .find(|f| f.dest == "nova.conf")
        .unwrap();
    assert_eq!(conf.merge, MergeKind::MergeConfigs);
    assert_eq!(conf.template.as_deref(), Some("nova.conf.j2"));
    assert!(conf.overrides.iter().any(|o| o.ends_with("/global.conf")));
    let cj = api.config_json.as_ref().unwrap();
    assert_eq!(
        cj.command.as_deref(),
        Some("uwsgi /etc/nova/nova-api-uwsgi.ini")
    );
    assert!(
        nova.container("nova_compute").is_some(),
        "nova-cell containers belong to nova"
    );
    assert_eq!(nova.container("nova_compute").unwrap().group, "compute");
    assert!(nova.haproxy.iter().any(|f| f.name == "nova_api_external"));
}

/// Upstream 22.2.0's container facts (a copy of the reference extraction):
/// every container of every in-scope role is in the catalog with the same
/// name, group (where upstream's is a plain name) and enable expression.
#[test]
fn containers_match_upstream_22_2_0() {
    let cat = Catalog::embedded().unwrap();
    let text = include_str!("../../tests/data/reference/services-22.2.0.json");
    let reference: serde_json::Value = serde_json::from_str(text).unwrap();
    let in_scope = [
        "aodh",
        "barbican",
        "ceilometer",
        "cinder",
        "cloudkitty",
        "collectd",
        "cron",
        "designate",
        "fluentd",
        "glance",
        "gnocchi",
        "grafana",
        "heat",
        "horizon",
        "ironic",
        "iscsi",
        "keystone",
        "kolla_toolbox",
        "loadbalancer",
        "magnum",
        "manila",
        "mariadb",
        "memcached",
        "mistral",
        "neutron",
        "nova",
        "nova-cell",
        "opensearch",
        "openvswitch",
        "placement",
        "rabbitmq",
        "trove",
        "watcher",
    ];
    let all: Vec<&Container> = cat.services().iter().flat_map(|s| &s.containers).collect();
    let mut checked = 0;
    for role in in_scope {
        let containers = reference["roles"][role]["containers"].as_object().unwrap();
        for (key, c) in containers {
            let name = c["container_name"].as_str().unwrap();
            let found = all
                .iter()
                .find(|x| x.key == *key)
                .unwrap_or_else(|| panic!("{role}: container {key} missing"));
            if !name.contains("{{") {
                assert_eq!(found.name, name, "{role}/{key}");
            }
            if let Some(g) = c["group"].as_str().filter(|g| !g.contains("{{")) {
                assert_eq!(found.group, g, "{role}/{key}");
            }
            let enabled = match &c["enabled"] {
                serde_json::Value::Bool(b) => Flag::Bool(*b),
                v => Flag::Expr(v.as_str().unwrap().to_string()),
            };
            assert_eq!(found.enabled, enabled, "{role}/{key}");
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked}");
}

#[test]
fn override_dir_replaces_and_adds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("memcached.yml"),
        "service: memcached\ncontainers:\n  - name: mc\n    key: memcached\n    group: cache\n    image: my-memcached\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("extra.yaml"),
        "service: extra\naliases: [more]\ndepends_on: {hard: [mariadb]}\ncontainers:\n  - name: extra\n    key: extra\n    group: extra\n    image: extra\n",
    )
    .unwrap();
    let cat = Catalog::load(Some(dir.path())).unwrap();
    assert_eq!(
        cat.get("memcached").unwrap().containers[0].image,
        "my-memcached"
    );
    assert_eq!(cat.get("more").unwrap().service, "extra");
    assert_eq!(
        cat.services().len(),
        Catalog::embedded().unwrap().services().len() + 1
    );
}

#[test]
fn invalid_file_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yml"),
        "service: bad\ncontainers:\n  - name: b\n    key: b\n    group: g\n    image: b\n    privilegd: true\n",
    )
    .unwrap();
    let err = Catalog::load(Some(dir.path())).unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.kind(), "catalog");
    assert!(msg.contains("bad.yml:7"), "{msg}");
    assert!(msg.contains("privilegd"), "{msg}");
}

#[test]
fn duplicate_alias_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.yml"),
        "service: x\naliases: [nova]\ncontainers:\n  - {name: x, key: x, group: x, image: x}\n",
    )
    .unwrap();
    let err = Catalog::load(Some(dir.path())).unwrap_err().to_string();
    assert!(err.contains("`nova` names both"), "{err}");
}

#[test]
fn unknown_service_suggests() {
    let cat = Catalog::embedded().unwrap();
    let err = cat.get("keystnoe").unwrap_err().to_string();
    assert_eq!(err, "unknown service `keystnoe`; did you mean `keystone`?");
    let err = cat.get("qqqqqqqq").unwrap_err().to_string();
    assert_eq!(err, "unknown service `qqqqqqqq`");
}
