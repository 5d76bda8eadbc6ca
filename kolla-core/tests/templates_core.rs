//! The core services' templates (`kolla-core/templates/<service>/`): every one parses in the
//! crate's template engine, and every `template:` their catalog files name exists.

use std::path::Path;

use kolla_core::catalog::Catalog;

const SERVICES: &[&str] = &[
    "cron",
    "fluentd",
    "kolla-toolbox",
    "haproxy",
    "keepalived",
    "proxysql",
    "mariadb",
    "memcached",
    "rabbitmq",
    "openvswitch",
    "keystone",
    "glance",
    "placement",
    "horizon",
    "heat",
];

fn templates_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"))
}

#[test]
fn every_core_template_parses() {
    let mut checked = 0;
    for svc in SERVICES {
        let dir = templates_dir().join(svc);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            if let Err(e) = kolla_core::template::compile(&name, &text, &Default::default()) {
                panic!("{e}");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} templates");
}

#[test]
fn core_catalog_templates_exist() {
    let cat = Catalog::embedded().unwrap();
    let mut missing = Vec::new();
    for svc in cat
        .services()
        .iter()
        .filter(|s| SERVICES.contains(&s.service.as_str()))
    {
        for c in &svc.containers {
            for f in &c.config_files {
                let Some(t) = &f.template else { continue };
                if t.starts_with("{{") || t.starts_with('/') {
                    continue;
                }
                if !templates_dir().join(&svc.service).join(t).is_file() {
                    missing.push(format!("{}/{} ({}/{})", svc.service, t, c.key, f.dest));
                }
            }
        }
    }
    assert!(missing.is_empty(), "missing templates: {missing:?}");
}

/// A template without kolla's own filters renders as upstream's did (the crontab of a
/// single keystone host, rotating every 3 days: Sunday and Wednesday at 00:00).
#[test]
fn fernet_crontab_of_one_host() {
    let text = std::fs::read_to_string(templates_dir().join("keystone/crontab.j2")).unwrap();
    let t = kolla_core::template::compile("crontab.j2", &text, &Default::default()).unwrap();
    let vars = serde_json::json!({
        "fernet_key_rotation_interval": 259200,
        "groups": {"keystone": ["ctl1"]},
        "inventory_hostname": "ctl1",
    });
    assert_eq!(
        t.render(&vars).unwrap(),
        "PATH=/var/lib/kolla/venv/bin:/usr/bin:/bin\n\n\
         0 0 * * 0 /usr/bin/fernet-rotate.sh\n\
         0 0 * * 3 /usr/bin/fernet-rotate.sh\n"
    );
    // Three hosts share the cycle: the second rotates one interval after the first.
    let vars = serde_json::json!({
        "fernet_key_rotation_interval": 3600,
        "groups": {"keystone": ["ctl1", "ctl2", "ctl3"]},
        "inventory_hostname": "ctl2",
    });
    let out = t.render(&vars).unwrap();
    assert!(
        out.contains("\n0 1 * * * /usr/bin/fernet-rotate.sh\n"),
        "{out}"
    );
    assert!(
        out.contains("\n0 4 * * * /usr/bin/fernet-rotate.sh\n"),
        "{out}"
    );
}
