//! Parity of the core services' generated configs with kolla-ansible 22.2.0.
//!
//! Golden data: `tests/data/genconfig-core/localhost/<key>/`, upstream's own genconfig
//! output for the default all-in-one (see that directory's README). kolla-rs's
//! `genconfig::generate` runs on the same inputs (globals, passwords, an empty override
//! directory, every group on `localhost`, the oracle machine's facts) and must give, for every
//! container directory of the core services: the same files, the same config.json (as JSON
//! data) and the same INI entries (section, key, value).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kolla_core::catalog::Catalog;
use kolla_core::genconfig::{self, Options};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

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

/// Files upstream writes there that kolla-rs does not yet (none left).
const KNOWN_GAPS: &[&str] = &[];

/// config.json as data (an empty `config_files` list is written as `[]`, as upstream does).
fn config_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/genconfig-core")
}

/// Upstream's inventory: every group of the all-in-one on `localhost`, the children of
/// kolla-ansible's multinode inventory below them.
fn inventory() -> Inventory {
    let children = include_str!("data/genconfig-core/inventory-children.ini");
    let mut text = String::new();
    for g in [
        "control",
        "network",
        "compute",
        "storage",
        "monitoring",
        "deployment",
    ] {
        text.push_str(&format!("[{g}]\nlocalhost ansible_connection=local\n"));
    }
    text.push_str(children);
    Inventory::from_ini("all-in-one", &text).unwrap()
}

fn golden(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// (section, key, value) entries of an INI-shaped text; `None` when it is not one.
fn ini_entries(text: &str) -> Option<Vec<(String, String, String)>> {
    let mut section = String::new();
    let mut out = Vec::new();
    let mut saw_section = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            section = line[1..line.len() - 1].trim().to_string();
            saw_section = true;
            continue;
        }
        let (k, v) = line.split_once('=')?;
        out.push((section.clone(), k.trim().to_string(), v.trim().to_string()));
    }
    saw_section.then_some(out)
}

#[test]
fn core_services_match_upstream_all_in_one() {
    let dir = data();
    let mut inputs = Inputs::new().unwrap();
    inputs
        .add_globals(&dir.join("globals-default.yml"))
        .unwrap();
    inputs.add_passwords(&dir.join("passwords.yml")).unwrap();
    inputs.set_facts_dir(&dir.join("facts"));
    let inv = inventory();
    inputs.set_inventory(&inv);
    let empty = tempfile::tempdir().unwrap();
    let options = Options {
        config_dir: Some(empty.path().to_path_buf()),
        services: SERVICES.iter().map(|s| s.to_string()).collect(),
        keep_going: true,
        ..Default::default()
    };
    let out = genconfig::generate(&Catalog::embedded().unwrap(), &inv, &inputs, &options).unwrap();
    let core: Vec<_> = out
        .configs
        .iter()
        .filter(|c| SERVICES.contains(&c.service.as_str()))
        .collect();

    let mut report = Vec::new();
    let (mut ini_equal, mut ini_total, mut json_equal, mut json_total) = (0, 0, 0, 0);
    for entry in std::fs::read_dir(dir.join("localhost")).unwrap() {
        let key_dir = entry.unwrap().path();
        let key = key_dir.file_name().unwrap().to_string_lossy().to_string();
        let Some(ours) = core.iter().find(|c| c.key == key) else {
            report.push(format!("{key}: directory missing"));
            continue;
        };
        let ours: BTreeMap<&str, &[u8]> = ours
            .files
            .iter()
            .map(|f| (f.name.as_str(), &f.bytes[..]))
            .collect();
        for (name, up) in golden(&key_dir) {
            let path = format!("{key}/{name}");
            let Some(mine) = ours.get(name.as_str()) else {
                if !KNOWN_GAPS.contains(&path.as_str()) {
                    report.push(format!("{path}: file missing"));
                }
                continue;
            };
            let (up, mine) = (String::from_utf8_lossy(&up), String::from_utf8_lossy(mine));
            if name == "config.json" {
                json_total += 1;
                let (a, b) = (config_json(&up), config_json(&mine));
                if a == b {
                    json_equal += 1;
                } else {
                    report.push(format!(
                        "{path}: config.json differs\n  ours {b}\n  upstream {a}"
                    ));
                }
            } else if let Some(want) = ini_entries(&up) {
                let got = ini_entries(&mine).unwrap_or_default();
                for e in &want {
                    ini_total += 1;
                    if got.contains(e) {
                        ini_equal += 1;
                    } else {
                        report.push(format!(
                            "{path}: [{}] {} = {} missing or different",
                            e.0, e.1, e.2
                        ));
                    }
                }
            }
        }
        for name in ours.keys() {
            if !key_dir.join(name).exists() {
                report.push(format!("{key}/{name}: ours only"));
            }
        }
    }
    let pct = 100.0 * ini_equal as f64 / ini_total.max(1) as f64;
    eprintln!(
        "core services: INI entries equal {ini_equal}/{ini_total} ({pct:.2}%), config.json equal {json_equal}/{json_total}"
    );
    for line in &report {
        eprintln!("  {line}");
    }
    assert!(ini_total > 300, "{ini_total} INI entries compared");
    assert_eq!(json_total, 20, "config.json files compared");
    assert!(report.is_empty(), "{} differences (above)", report.len());
}
