//! Parity pins of nova's and neutron's genconfig output against kolla-ansible
//! 22.2.0's own (`tests/data/tpl-nova/`, see its README): for each recorded
//! scenario, the config directories placed on the all-in-one host, the files
//! the catalog declares for each, every config.json, and (through
//! `kolla_core::genconfig::generate`) every INI entry and every other file
//! equal upstream's; every template the two catalog files name exists and
//! compiles in the engine. The host is `aio` with recorded facts (upstream's
//! `localhost`), so the result does not depend on the machine.
//!
//! config.json entries marked `conditional` are kept when their source file
//! is among the directory's files (upstream's conditions all amount to that
//! for these services: the policy file, TLS and Ceph files, SASL's auth.conf,
//! the feature ini files).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kolla_core::catalog::{Catalog, Container, MergeKind};
use kolla_core::genconfig;
use kolla_core::graph::{Graph, Options};
use kolla_core::inventory::Inventory;
use kolla_core::vars::{truthy, Context, Inputs};
use serde_json::{json, Value};

const SERVICES: [&str; 2] = ["nova", "neutron"];
const HOST: &str = "aio";
const UPSTREAM_HOST: &str = "localhost";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tpl-nova")
}

fn ours(key: &str) -> bool {
    key.starts_with("nova-") || key.starts_with("neutron-") || key == "ironic-neutron-agent"
}

fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn container<'c>(catalog: &'c Catalog, key: &str) -> &'c Container {
    SERVICES
        .iter()
        .flat_map(|s| catalog.get(s).unwrap().containers.iter())
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("no nova/neutron container with key {key}"))
}

/// The files the catalog writes for `c` with an empty override directory.
fn files_written(ctx: &Context<'_>, c: &Container) -> BTreeSet<String> {
    let mut out = BTreeSet::from(["config.json".to_string()]);
    for f in &c.config_files {
        // Operator-only files (no template of ours) need an override file.
        if f.template.is_none() {
            continue;
        }
        if let Some(when) = &f.when {
            let v = ctx
                .eval(when)
                .unwrap_or_else(|e| panic!("{}: when {when:?}: {e}", c.key));
            if !truthy(&v) {
                continue;
            }
        }
        out.insert(f.dest.clone());
    }
    out
}

fn render_str(ctx: &Context<'_>, s: &str) -> Option<String> {
    match ctx.eval(s).ok()? {
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// The config.json the catalog describes for `c`, given the files in its directory.
fn config_json(ctx: &Context<'_>, c: &Container, present: &BTreeSet<String>) -> Value {
    let spec = c.config_json.as_ref().expect("config_json");
    let mut files = Vec::new();
    for e in &spec.config_files {
        if let Some(when) = &e.when {
            let v = ctx
                .eval(when)
                .unwrap_or_else(|err| panic!("{}: when {when:?}: {err}", c.key));
            if !truthy(&v) {
                continue;
            }
        }
        let Some(source) = render_str(ctx, &e.source) else {
            assert!(
                e.conditional,
                "{}: source {:?} does not render",
                c.key, e.source
            );
            continue;
        };
        let name = Path::new(&source).file_name().unwrap().to_string_lossy();
        if e.conditional && !present.contains(name.as_ref()) {
            continue;
        }
        let mut entry = json!({
            "source": source,
            "dest": render_str(ctx, &e.dest).unwrap(),
            "owner": e.owner,
            "perm": e.perm,
        });
        if let Some(optional) = &e.optional {
            entry["optional"] = optional.clone();
        }
        files.push(entry);
    }
    let mut out = json!({"command": spec.command, "config_files": files});
    if !spec.permissions.is_empty() {
        out["permissions"] = serde_json::to_value(&spec.permissions).unwrap();
    }
    out
}

fn scenario(name: &str) {
    let root = data().join(name);
    let inv_path = data().join("inventory.ini");
    let inventory = Inventory::from_ini(
        "inventory.ini",
        &std::fs::read_to_string(&inv_path).unwrap(),
    )
    .unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_globals(&root.join("globals.yml")).unwrap();
    inputs.add_passwords(&data().join("passwords.yml")).unwrap();
    inputs.set_facts_dir(&data().join("facts"));
    inputs.set_inventory(&inventory);
    let catalog = Catalog::embedded().unwrap();
    let options = Options {
        services: SERVICES.iter().map(|s| s.to_string()).collect(),
    };
    let graph = Graph::build(&catalog, &inventory, &inputs, &options).unwrap();

    let golden_dir = root.join(UPSTREAM_HOST);
    let want_keys: BTreeSet<String> = listing(&golden_dir)
        .into_iter()
        .filter(|k| ours(k))
        .collect();
    let got_keys: BTreeSet<String> = graph
        .containers()
        .iter()
        .filter(|p| SERVICES.contains(&p.service.as_str()) && p.hosts.iter().any(|h| h == HOST))
        .map(|p| p.key.clone())
        .collect();
    assert_eq!(got_keys, want_keys, "{name}: config directories on {HOST}");

    let hosts = inventory.resolve_all();
    let host = hosts.iter().find(|h| h.name == HOST).unwrap();
    let ctx = inputs.context(host);
    let mut failures = Vec::new();
    for key in &want_keys {
        let c = container(&catalog, key);
        let want_files = listing(&golden_dir.join(key));
        let got_files = files_written(&ctx, c);
        if got_files != want_files {
            failures.push(format!(
                "{name}/{key}: files {got_files:?}, upstream {want_files:?}"
            ));
        }
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(golden_dir.join(key).join("config.json")).unwrap(),
        )
        .unwrap();
        let got = config_json(&ctx, c, &want_files);
        if got != want {
            failures.push(format!(
                "{name}/{key}: config.json\n got  {got}\n want {want}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Renders the scenario through `genconfig::generate` and compares every file.
fn rendered(name: &str) {
    let root = data().join(name);
    let inventory = Inventory::from_ini(
        "inventory.ini",
        &std::fs::read_to_string(data().join("inventory.ini")).unwrap(),
    )
    .unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_globals(&root.join("globals.yml")).unwrap();
    inputs.add_passwords(&data().join("passwords.yml")).unwrap();
    inputs.set_facts_dir(&data().join("facts"));
    inputs.set_inventory(&inventory);
    let catalog = Catalog::embedded().unwrap();
    let golden_dir = root.join(UPSTREAM_HOST);
    let failures = rendered_files(&catalog, &inventory, &inputs, name, &golden_dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `(section, key) -> values` of an INI text (comments and blank lines skipped).
fn ini_entries(text: &str) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].to_string();
            out.entry((section.clone(), String::new())).or_default();
            continue;
        }
        let (k, v) = t.split_once('=').unwrap_or((t, ""));
        out.entry((section.clone(), k.trim().to_string()))
            .or_default()
            .push(v.trim().to_string());
    }
    out
}

fn is_ini(name: &str) -> bool {
    (name.ends_with(".conf") || name.ends_with(".ini"))
        && !name.ends_with("-uwsgi.ini")
        && !["libvirtd.conf", "qemu.conf", "sasl.conf", "dnsmasq.conf"].contains(&name)
}

/// Text files compared without comment lines (see docs/deviations.md, tpl-nova).
fn uncommented(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') || l.starts_with("#!"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_string()
}

/// The rendered files of every nova/neutron directory against upstream's.
fn rendered_files(
    catalog: &Catalog,
    inventory: &Inventory,
    inputs: &Inputs,
    name: &str,
    golden_dir: &Path,
) -> Vec<String> {
    let empty = tempfile::tempdir().unwrap();
    let options = genconfig::Options {
        services: SERVICES.iter().map(|s| s.to_string()).collect(),
        config_dir: Some(empty.path().to_path_buf()),
        ..Default::default()
    };
    let generated = genconfig::generate(catalog, inventory, inputs, &options).unwrap();
    let mut failures = Vec::new();
    let (mut total, mut equal) = (0usize, 0usize);
    for cfg in generated
        .configs
        .iter()
        .filter(|c| c.host == HOST && ours(&c.key))
    {
        let dir = golden_dir.join(&cfg.key);
        let got_names: BTreeSet<String> = cfg.files.iter().map(|f| f.name.clone()).collect();
        let want_names = listing(&dir);
        if got_names != want_names {
            failures.push(format!(
                "{name}/{}: generated {got_names:?}, upstream {want_names:?}",
                cfg.key
            ));
        }
        for f in &cfg.files {
            let Ok(want) = std::fs::read_to_string(dir.join(&f.name)) else {
                continue;
            };
            let got = String::from_utf8_lossy(&f.bytes).into_owned();
            if f.name == "config.json" {
                let (g, w): (Value, Value) = (
                    serde_json::from_str(&got).unwrap(),
                    serde_json::from_str(&want).unwrap(),
                );
                if g != w {
                    failures.push(format!(
                        "{name}/{}/config.json:\n got  {g}\n want {w}",
                        cfg.key
                    ));
                }
            } else if f.name.starts_with("id_rsa") {
                // Secrets: emptied in the goldens.
            } else if is_ini(&f.name) {
                let (g, w) = (ini_entries(&got), ini_entries(&want));
                for (entry, value) in &w {
                    total += 1;
                    if g.get(entry) == Some(value) {
                        equal += 1;
                    } else {
                        failures.push(format!(
                            "{name}/{}/{}: {entry:?} = {:?}, upstream {value:?}",
                            cfg.key,
                            f.name,
                            g.get(entry)
                        ));
                    }
                }
                for entry in g.keys().filter(|e| !w.contains_key(*e)) {
                    failures.push(format!(
                        "{name}/{}/{}: {entry:?} is ours only",
                        cfg.key, f.name
                    ));
                }
            } else if uncommented(&got) != uncommented(&want) {
                failures.push(format!(
                    "{name}/{}/{}:\n got  {got:?}\n want {want:?}",
                    cfg.key, f.name
                ));
            }
        }
    }
    assert!(total > 100, "{name}: only {total} INI entries compared");
    eprintln!("{name}: INI entries equal {equal}/{total}");
    failures
}

#[test]
fn aio_default_matches_upstream() {
    scenario("aio-default");
}

#[test]
fn ovn_with_features_matches_upstream() {
    scenario("ovn");
}

#[test]
fn openvswitch_with_every_feature_and_cells_matches_upstream() {
    scenario("ovs");
}

// The rendered comparisons: every config file of the scenario against upstream's.
#[test]
fn aio_default_renders_like_upstream() {
    rendered("aio-default");
}

#[test]
fn ovn_renders_like_upstream() {
    rendered("ovn");
}

#[test]
fn openvswitch_with_every_feature_and_cells_renders_like_upstream() {
    rendered("ovs");
}

#[test]
fn every_template_exists_and_compiles() {
    let catalog = Catalog::embedded().unwrap();
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut seen = 0;
    for svc in SERVICES {
        for c in &catalog.get(svc).unwrap().containers {
            for f in &c.config_files {
                let Some(t) = &f.template else { continue };
                assert!(
                    !t.contains("{{"),
                    "{}/{}: template name {t:?} is not a file",
                    c.key,
                    f.dest
                );
                let path = templates.join(svc).join(t);
                let src = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}/{}: {}: {e}", c.key, f.dest, path.display()));
                if f.merge != MergeKind::Copy {
                    kolla_core::template::compile(t, &src, &Default::default())
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                }
                seen += 1;
            }
        }
    }
    assert!(seen > 60, "only {seen} template uses");
}
