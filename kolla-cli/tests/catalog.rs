//! `kolla catalog` and `kolla graph`.

use std::process::{Command, Output};

use serde_json::Value;

fn kolla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `-e` turning on every service of the catalog, from `catalog show --format json`.
fn enable_everything() -> String {
    let list = json(&kolla(&["catalog", "list", "--format", "json"]));
    let mut vars = Vec::new();
    for e in list.as_array().unwrap() {
        let s = json(&kolla(&[
            "catalog",
            "show",
            e["service"].as_str().unwrap(),
            "--format",
            "json",
        ]));
        if let Some(expr) = s["enable"].as_str() {
            let v = expr.trim_start_matches("{{").trim_end_matches("}}").trim();
            let v = v.strip_suffix("| bool").unwrap_or(v).trim();
            vars.push(format!("{v}=yes"));
        }
    }
    vars.join(" ")
}

#[test]
fn list_covers_the_scope_with_aliases() {
    let list = json(&kolla(&["catalog", "list", "--format", "json"]));
    let list = list.as_array().unwrap();
    let names: Vec<&str> = list
        .iter()
        .map(|e| e["service"].as_str().unwrap())
        .collect();
    let aliases: Vec<&str> = list
        .iter()
        .flat_map(|e| e["aliases"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    for s in [
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
        "ceph",
        "collectd",
        "influxdb",
        "grafana",
        "haproxy",
        "keepalived",
        "fluentd",
        "mariadb",
        "mongodb",
        "openvswitch",
        "rabbitmq",
        "memcached",
        "placement",
        "kolla-toolbox",
        "cron",
        "iscsi",
        "proxysql",
        "opensearch",
        "opensearch-dashboards",
    ] {
        assert!(names.contains(&s), "{s} missing");
    }
    assert!(aliases.contains(&"elasticsearch") && aliases.contains(&"kibana"));
    let nova = list.iter().find(|e| e["service"] == "nova").unwrap();
    assert!(nova["depends_on"]
        .as_array()
        .unwrap()
        .contains(&"keystone".into()));
    let c = &nova["containers"][0];
    assert_eq!(
        (c["name"].as_str(), c["group"].as_str(), c["image"].as_str()),
        (Some("nova_api"), Some("nova-api"), Some("nova-api"))
    );
}

#[test]
fn show_by_alias_and_unknown_suggests() {
    let s = json(&kolla(&[
        "catalog",
        "show",
        "elasticsearch",
        "--format",
        "json",
    ]));
    assert_eq!(s["service"], "opensearch");
    let out = kolla(&["catalog", "show", "keystnoe"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("did you mean `keystone`?"), "{err}");
}

#[test]
fn graph_multinode_everything_enabled() {
    let extra = enable_everything();
    let g = json(&kolla(&[
        "graph",
        "-i",
        "inventory/multinode",
        "-e",
        &extra,
        "--format",
        "json",
    ]));
    let waves: Vec<Vec<&str>> = g["waves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            w.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect()
        })
        .collect();
    let wave_of = |s: &str| {
        waves
            .iter()
            .position(|w| w.contains(&s))
            .unwrap_or_else(|| panic!("{s} in no wave"))
    };
    let list = json(&kolla(&["catalog", "list", "--format", "json"]));
    for e in list.as_array().unwrap() {
        let s = e["service"].as_str().unwrap();
        for d in e["hard_depends_on"].as_array().unwrap() {
            assert!(wave_of(d.as_str().unwrap()) < wave_of(s), "{d} after {s}");
        }
    }
    assert_eq!(
        g["placement"]["nova"].as_array().unwrap().len(),
        3 + 4,
        "controls and computes"
    );
    assert_eq!(g["placement"]["swift"].as_array().unwrap().len(), 3 + 3);
}

#[test]
fn graph_errors_exit_1_with_the_reason() {
    let out = kolla(&[
        "graph",
        "-i",
        "inventory/multinode",
        "-e",
        "enable_keystone=no",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is enabled but its hard dependency `keystone` is disabled"),
        "{err}"
    );
    let out = kolla(&[
        "graph",
        "-i",
        "inventory/multinode",
        "--services",
        "nuetron",
    ]);
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("did you mean `neutron`?"));
}

#[test]
fn graph_dot_and_svg() {
    let out = kolla(&["graph", "-i", "inventory/all-in-one", "--format", "dot"]);
    assert!(out.status.success());
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.contains("\"keystone\" -> \"nova\";"), "{dot}");
    let out = kolla(&["graph", "-i", "inventory/all-in-one", "--format=svg"]);
    let have_dot = Command::new("dot").arg("-V").output().is_ok();
    if have_dot {
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    } else {
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("graphviz") && err.contains("not installed"),
            "{err}"
        );
    }
}

#[test]
fn graph_passwords_are_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("passwords.yml");
    std::fs::write(
        &pw,
        "enable_keystone: no\nkeystone_admin_password: topsecretvalue\n",
    )
    .unwrap();
    let out = kolla(&[
        "graph",
        "-i",
        "inventory/all-in-one",
        "--passwords",
        pw.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("topsecretvalue"));
}
