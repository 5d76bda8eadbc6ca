//! genconfig end to end on a small cloud: a test service (`gctest`, from
//! tests/fixtures/genconfig: catalog file, templates, inventory,
//! passwords), written to a temporary directory.
//!
//! The golden tree in tests/fixtures/genconfig/golden pins the full
//! output; regenerate it with `KOLLA_UPDATE_GOLDEN=1`.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use kolla_core::catalog::Catalog;
use kolla_core::genconfig::{self, Options, WriteOptions};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/genconfig")
}

struct Cloud {
    catalog: Catalog,
    inventory: Inventory,
    inputs: Inputs,
}

fn cloud(extra: &[&str]) -> Cloud {
    let f = fixtures();
    let catalog = Catalog::load(Some(&f.join("catalog"))).unwrap();
    let inventory = Inventory::load(&[f.join("inventory/hosts")]).unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_passwords(&f.join("passwords.yml")).unwrap();
    inputs
        .add_extra("kolla_internal_vip_address=192.0.2.250")
        .unwrap();
    for e in extra {
        inputs.add_extra(e).unwrap();
    }
    inputs.set_inventory(&inventory);
    Cloud {
        catalog,
        inventory,
        inputs,
    }
}

fn options(config_dir: &Path) -> Options {
    Options {
        services: vec!["gctest".into()],
        config_dir: Some(config_dir.to_path_buf()),
        template_dir: Some(fixtures().join("templates")),
        ..Default::default()
    }
}

fn generate(c: &Cloud, o: &Options) -> kolla_core::Result<genconfig::Generated> {
    genconfig::generate(&c.catalog, &c.inventory, &c.inputs, o)
}

fn file<'a>(g: &'a genconfig::Generated, host: &str, key: &str, name: &str) -> Option<&'a str> {
    g.configs
        .iter()
        .find(|c| c.host == host && c.key == key)?
        .files
        .iter()
        .find(|f| f.name == name)
        .map(|f| std::str::from_utf8(&f.bytes).unwrap())
}

/// Every file below `dir`: relative path to (content, mode).
fn tree(dir: &Path) -> BTreeMap<String, (String, u32)> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (String, u32)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
                out.insert(rel, (std::fs::read_to_string(&p).unwrap(), mode));
            }
        }
    }
    if dir.is_dir() {
        walk(dir, dir, &mut out);
    }
    out
}

#[test]
fn golden_small_cloud() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let g = generate(&c, &options(cfg.path())).unwrap();
    genconfig::write(
        &g.configs,
        &WriteOptions {
            out: Some(out.path().to_path_buf()),
            ..Default::default()
        },
    )
    .unwrap();
    let got = tree(out.path());
    let golden = fixtures().join("golden");
    if std::env::var_os("KOLLA_UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for (rel, (text, mode)) in &got {
            let p = golden.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            std::fs::write(format!("{}.mode", p.display()), format!("{mode:o}\n")).unwrap();
        }
    }
    let want: BTreeMap<String, (String, u32)> = tree(&golden)
        .into_iter()
        .filter(|(k, _)| !k.ends_with(".mode"))
        .map(|(k, (text, _))| {
            let mode = std::fs::read_to_string(golden.join(format!("{k}.mode"))).unwrap();
            let mode = u32::from_str_radix(mode.trim(), 8).unwrap();
            (k, (text, mode))
        })
        .collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (k, v) in &want {
        assert_eq!(&got[k], v, "{k}");
    }
    // Every container directory on exactly the hosts of its group.
    let dirs: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .flat_map(|h| {
            let h = h.unwrap().path();
            std::fs::read_dir(&h)
                .unwrap()
                .map(move |k| {
                    format!(
                        "{}/{}",
                        h.file_name().unwrap().to_string_lossy(),
                        k.unwrap().file_name().to_string_lossy()
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        dirs,
        [
            "cmp1/gctest-agent",
            "cmp2/gctest-agent",
            "ctl1/gctest-api",
            "ctl2/gctest-api"
        ]
    );
}

#[test]
fn second_run_changes_nothing_and_keeps_mtimes() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let wo = WriteOptions {
        out: Some(out.path().to_path_buf()),
        ..Default::default()
    };
    let g = generate(&c, &options(cfg.path())).unwrap();
    let first = genconfig::write(&g.configs, &wo).unwrap();
    assert!(first.iter().all(|c| c.is_changed() && c.changed.is_empty()));
    let conf = out.path().join("ctl1/gctest-api/gctest.conf");
    let before = std::fs::metadata(&conf).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let g = generate(&c, &options(cfg.path())).unwrap();
    let second = genconfig::write(&g.configs, &wo).unwrap();
    assert!(second.iter().all(|c| !c.is_changed()), "{second:?}");
    assert_eq!(
        std::fs::metadata(&conf).unwrap().modified().unwrap(),
        before
    );

    // A stale file goes, a changed input changes exactly its file, and a
    // changed mode is put back.
    std::fs::write(out.path().join("ctl1/gctest-api/old.conf"), "x").unwrap();
    std::fs::set_permissions(
        out.path().join("ctl2/gctest-api/run.sh"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    std::fs::write(cfg.path().join("gctest.conf"), "[DEFAULT]\ndebug = True\n").unwrap();
    let g = generate(&c, &options(cfg.path())).unwrap();
    let third = genconfig::write(&g.configs, &wo).unwrap();
    let ctl1 = third.iter().find(|c| c.host == "ctl1").unwrap();
    assert_eq!(ctl1.removed, ["old.conf"]);
    assert_eq!(ctl1.changed, ["gctest.conf"]);
    let ctl2 = third.iter().find(|c| c.host == "ctl2").unwrap();
    assert_eq!(ctl2.changed, ["gctest.conf", "run.sh"]);
    assert_eq!(
        std::fs::metadata(out.path().join("ctl2/gctest-api/run.sh"))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777,
        0o770
    );
    // No temporary files left behind.
    assert!(tree(out.path()).keys().all(|k| !k.contains(".tmp")));
}

#[test]
fn check_mode_writes_nothing() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let g = generate(&c, &options(cfg.path())).unwrap();
    let report = genconfig::write(
        &g.configs,
        &WriteOptions {
            out: Some(out.path().to_path_buf()),
            check: true,
        },
    )
    .unwrap();
    assert!(report.iter().all(|c| !c.created.is_empty()));
    assert!(tree(out.path()).is_empty());
}

#[test]
fn override_chain_order_with_database_and_messaging_layers() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    let d = cfg.path();
    std::fs::create_dir_all(d.join("gctest/ctl1")).unwrap();
    // Each layer sets `a` (the later wins) and its own key.
    let layers = [
        ("global.conf", "global"),
        ("database.conf", "database"),
        ("messaging.conf", "messaging"),
        ("gctest.conf", "service"),
        ("gctest/gctest-api.conf", "container"),
        ("gctest/ctl1/gctest.conf", "host"),
    ];
    let base = generate(&c, &options(d)).unwrap();
    for (i, (f, name)) in layers.iter().enumerate() {
        std::fs::write(
            d.join(f),
            format!("[DEFAULT]\na = {name}\n{name} = {i}\n[database]\nmax_pool_size = {i}\n"),
        )
        .unwrap();
    }
    let g = generate(&c, &options(d)).unwrap();
    let ctl1 = file(&g, "ctl1", "gctest-api", "gctest.conf").unwrap();
    assert!(ctl1.contains("a = host\n"), "{ctl1}");
    assert!(ctl1.contains("max_pool_size = 5\n"), "{ctl1}");
    for (i, (_, name)) in layers.iter().enumerate() {
        assert!(ctl1.contains(&format!("{name} = {i}\n")), "{ctl1}");
    }
    // ctl2 has no host file; the agent has no container file.
    let ctl2 = file(&g, "ctl2", "gctest-api", "gctest.conf").unwrap();
    assert!(ctl2.contains("a = container\n"), "{ctl2}");
    let cmp1 = file(&g, "cmp1", "gctest-agent", "gctest.conf").unwrap();
    assert!(cmp1.contains("a = service\n"), "{cmp1}");
    // Without database.conf and messaging.conf the rest is as before.
    std::fs::remove_file(d.join("database.conf")).unwrap();
    std::fs::remove_file(d.join("messaging.conf")).unwrap();
    let g = generate(&c, &options(d)).unwrap();
    let ctl1 = file(&g, "ctl1", "gctest-api", "gctest.conf").unwrap();
    assert!(!ctl1.contains("database = ") && !ctl1.contains("messaging = "));
    for f in [
        "global.conf",
        "gctest.conf",
        "gctest/gctest-api.conf",
        "gctest/ctl1/gctest.conf",
    ] {
        std::fs::remove_file(d.join(f)).unwrap();
    }
    let g = generate(&c, &options(d)).unwrap();
    assert_eq!(
        file(&g, "ctl1", "gctest-api", "gctest.conf"),
        file(&base, "ctl1", "gctest-api", "gctest.conf")
    );
}

#[test]
fn override_files_are_templates_and_whole_file_replacement_takes_the_first_found() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    let d = cfg.path();
    std::fs::create_dir_all(d.join("gctest/ctl2")).unwrap();
    std::fs::write(
        d.join("gctest.conf"),
        "[DEFAULT]\nhost = {{ inventory_hostname }}\n{% if service_name == 'gctest-api' %}\napi = yes\n{% endif %}\n",
    )
    .unwrap();
    std::fs::write(d.join("gctest/wsgi-gctest.conf"), "global {{ item.key }}\n").unwrap();
    std::fs::write(d.join("gctest/ctl2/wsgi-gctest.conf"), "ctl2 only\n").unwrap();
    std::fs::write(d.join("gctest/extra.ini"), "[x]\ny = 1\n").unwrap();
    std::fs::write(
        d.join("gctest/policy.yaml"),
        "\"gctest:write\": \"role:member\"\n",
    )
    .unwrap();
    let g = generate(&c, &options(d)).unwrap();
    let conf = file(&g, "ctl1", "gctest-api", "gctest.conf").unwrap();
    assert!(conf.contains("host = ctl1\napi = yes\n"), "{conf}");
    let agent = file(&g, "cmp1", "gctest-agent", "gctest.conf").unwrap();
    assert!(agent.contains("host = cmp1\n") && !agent.contains("api = yes"));
    assert_eq!(
        file(&g, "ctl1", "gctest-api", "wsgi-gctest.conf"),
        Some("global gctest-api\n")
    );
    assert_eq!(
        file(&g, "ctl2", "gctest-api", "wsgi-gctest.conf"),
        Some("ctl2 only\n")
    );
    assert_eq!(
        file(&g, "ctl1", "gctest-api", "extra.ini"),
        Some("[x]\ny = 1\n")
    );
    let policy = file(&g, "ctl1", "gctest-api", "policy.yaml").unwrap();
    assert!(policy.contains("gctest:write: role:member"), "{policy}");
    // config.json lists extra.ini only when it is generated.
    let cj = file(&g, "ctl1", "gctest-api", "config.json").unwrap();
    assert!(cj.contains("/etc/gctest/extra.ini"), "{cj}");
    let g = generate(&c, &options(tempfile::tempdir().unwrap().path())).unwrap();
    let cj = file(&g, "ctl1", "gctest-api", "config.json").unwrap();
    assert!(!cj.contains("extra.ini"), "{cj}");
    assert!(file(&g, "ctl1", "gctest-api", "extra.ini").is_none());
}

#[test]
fn config_json_is_the_one_type() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    let g = generate(&c, &options(cfg.path())).unwrap();
    let text = file(&g, "ctl1", "gctest-api", "config.json").unwrap();
    let cj = kolla_core::config_json::ConfigJson::from_json_str(text).unwrap();
    assert_eq!(
        cj.command,
        "gctest-api --config-file /etc/gctest/gctest.conf"
    );
    assert_eq!(
        cj.config_files[0].source,
        "/var/lib/kolla/config_files/gctest.conf"
    );
    assert_eq!(cj.config_files[0].owner.as_deref(), Some("gctest"));
    assert_eq!(cj.config_files[0].perm.as_deref(), Some("0600"));
    assert!(cj.config_files[1].optional, "policy.yaml is optional");
    assert!(cj.permissions[0].recurse);
}

#[test]
fn when_limit_and_render_cache() {
    let c = cloud(&["gctest_debug=true"]);
    let cfg = tempfile::tempdir().unwrap();
    let mut o = options(cfg.path());
    let g = generate(&c, &o).unwrap();
    assert!(file(&g, "ctl1", "gctest-api", "debug.conf").is_some());
    // Hosts of one group share every rendering that does not read a
    // host's own variable: fewer renders than files.
    let files: usize = g.configs.iter().map(|c| c.files.len()).sum();
    assert!(g.renders < files, "{} renders for {files} files", g.renders);
    o.limit = Some("compute:!cmp2".into());
    let g = generate(&c, &o).unwrap();
    let hosts: Vec<&str> = g.configs.iter().map(|c| c.host.as_str()).collect();
    assert_eq!(hosts, ["cmp1"]);
    o.limit = Some("nosuch".into());
    let err = generate(&c, &o).unwrap_err();
    assert!(err.to_string().contains("no host"), "{err}");
    let c = cloud(&[]);
    let g = generate(&c, &options(cfg.path())).unwrap();
    assert!(file(&g, "ctl1", "gctest-api", "debug.conf").is_none());
}

#[test]
fn explain_names_sources_and_lines_and_hides_secrets() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(cfg.path().join("gctest")).unwrap();
    std::fs::write(
        cfg.path().join("gctest/gctest-api.conf"),
        "# comment\n[database]\nmax_pool_size = 50\nbackup = mysql://u:db-s3cret@h/x\n",
    )
    .unwrap();
    let ex = genconfig::explain(
        &c.catalog,
        &c.inventory,
        &c.inputs,
        &options(cfg.path()),
        "ctl1",
        "gctest-api",
        "gctest.conf",
    )
    .unwrap();
    let text = ex.to_text();
    let custom = cfg
        .path()
        .join("gctest/gctest-api.conf")
        .display()
        .to_string();
    assert!(
        text.contains(&format!("max_pool_size = 50    <- {custom}:3")),
        "{text}"
    );
    assert!(text.contains("templates/gctest/gctest.conf.j2:"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("<secret>"), "{text}");
    // Unknown key or file: the error lists what exists.
    let err = genconfig::explain(
        &c.catalog,
        &c.inventory,
        &c.inputs,
        &options(cfg.path()),
        "ctl1",
        "gctest-api",
        "nope.conf",
    )
    .unwrap_err();
    assert!(err.to_string().contains("gctest.conf"), "{err}");
}

#[test]
fn errors_name_file_and_line() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    std::fs::write(
        cfg.path().join("global.conf"),
        "[DEFAULT]\n\nx = {{ nope }}\n",
    )
    .unwrap();
    let err = generate(&c, &options(cfg.path())).unwrap_err().to_string();
    let global = cfg.path().join("global.conf").display().to_string();
    assert!(err.contains(&format!("{global}:3:")), "{err}");
    assert!(err.contains("'nope' is undefined"), "{err}");
    assert!(err.contains("gctest.conf"), "{err}");
    std::fs::write(cfg.path().join("global.conf"), "[DEFAULT]\n= v\n").unwrap();
    let err = generate(&c, &options(cfg.path())).unwrap_err().to_string();
    assert!(err.contains(&format!("{global}:2")), "{err}");
}

#[test]
fn missing_templates_are_listed_at_once() {
    let c = cloud(&[]);
    let cfg = tempfile::tempdir().unwrap();
    let tpl = tempfile::tempdir().unwrap();
    let mut o = options(cfg.path());
    o.template_dir = Some(tpl.path().to_path_buf());
    let err = generate(&c, &o).unwrap_err().to_string();
    for t in [
        "gctest/gctest.conf.j2",
        "gctest/policy.yaml.j2",
        "gctest/run.sh",
    ] {
        assert!(err.contains(t), "{err}");
    }
    o.keep_going = true;
    let g = generate(&c, &o).unwrap();
    assert_eq!(g.missing.len(), 4, "{:?}", g.missing);
    assert!(file(&g, "ctl1", "gctest-api", "config.json").is_some());
}

#[test]
fn hostvars_and_kolla_address_read_other_hosts() {
    let c = cloud(&[]);
    let facts = tempfile::tempdir().unwrap();
    for (h, ip) in [
        ("ctl1", "10.1.0.1"),
        ("ctl2", "10.1.0.2"),
        ("cmp1", "10.1.1.1"),
        ("cmp2", "10.1.1.2"),
    ] {
        std::fs::write(
            facts.path().join(h),
            format!(r#"{{"ansible_hostname": "{h}-real", "ansible_eth0": {{"ipv4": {{"address": "{ip}"}}}}}}"#),
        )
        .unwrap();
    }
    let mut inputs = c.inputs.clone();
    inputs.set_facts_dir(facts.path());
    let tpl = tempfile::tempdir().unwrap();
    std::fs::create_dir(tpl.path().join("gctest")).unwrap();
    for f in ["policy.yaml.j2", "wsgi-gctest.conf.j2", "run.sh"] {
        std::fs::copy(
            fixtures().join("templates/gctest").join(f),
            tpl.path().join("gctest").join(f),
        )
        .unwrap();
    }
    std::fs::write(
        tpl.path().join("gctest/gctest.conf.j2"),
        "[cache]\nservers = {% for host in groups['control'] %}{{ 'api' | kolla_address(host) | put_address_in_context('memcache') }}:11211{% if not loop.last %},{% endif %}{% endfor %}\n\n\
         me = {{ 'api' | kolla_address }} {{ hostvars[groups['compute'][0]]['ansible_facts']['hostname'] }}\n",
    )
    .unwrap();
    let cfg = tempfile::tempdir().unwrap();
    let mut o = options(cfg.path());
    o.template_dir = Some(tpl.path().to_path_buf());
    let g = genconfig::generate(&c.catalog, &c.inventory, &inputs, &o).unwrap();
    assert_eq!(
        file(&g, "cmp2", "gctest-agent", "gctest.conf"),
        Some("[cache]\nservers = 10.1.0.1:11211,10.1.0.2:11211\nme = 10.1.1.2 cmp1-real\n\n")
    );
    assert_eq!(
        file(&g, "ctl1", "gctest-api", "gctest.conf"),
        Some("[cache]\nservers = 10.1.0.1:11211,10.1.0.2:11211\nme = 10.1.0.1 cmp1-real\n\n")
    );
}

#[test]
fn loop_entries_write_one_file_per_item() {
    let c = cloud(&[]);
    let tpl = tempfile::tempdir().unwrap();
    let cat = tempfile::tempdir().unwrap();
    std::fs::create_dir(tpl.path().join("gctest")).unwrap();
    std::fs::write(
        tpl.path().join("gctest/svc.cfg.j2"),
        "{{ item.key }} on {{ item.hosts | join(',') }}\n",
    )
    .unwrap();
    std::fs::write(
        cat.path().join("gctest.yml"),
        "service: gctest\ncontainers:\n- name: gctest_api\n  key: gctest-api\n  group: control\n  image: x\n  config_files:\n  - dest: 'services.d/{{ item.key }}.cfg'\n    template: svc.cfg.j2\n    merge: template\n    loop: '{{ genconfig_containers }}'\n",
    )
    .unwrap();
    let catalog = Catalog::load(Some(cat.path())).unwrap();
    let cfg = tempfile::tempdir().unwrap();
    let mut o = options(cfg.path());
    o.template_dir = Some(tpl.path().to_path_buf());
    let g = genconfig::generate(&catalog, &c.inventory, &c.inputs, &o).unwrap();
    assert_eq!(
        file(&g, "ctl1", "gctest-api", "services.d/gctest-api.cfg"),
        Some("gctest-api on ctl1,ctl2\n")
    );
}
