//! The retired services through genconfig (issue 13): with every retired
//! service enabled on the example multinode inventory, each container's
//! config directory lands on exactly the hosts of its group, every main
//! config file parses (INI through the one INI merge, YAML, JSON) and holds
//! its essentials (database, messaging, keystone_authtoken with memcache,
//! bind address and port, log dir, the service's own), and every config.json
//! names a command and files with owner and mode.
//!
//! Facts come from a fact cache written here (one JSON file per host, as
//! Ansible's `jsonfile` cache plugin writes it); every password is
//! `pw-<key>`, so the test can see which secret landed where.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kolla_core::catalog::Catalog;
use kolla_core::genconfig::{self, ContainerConfig, Generated, Options};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;
use serde_json::{json, Value};

/// The retired services (and collectd, kept with them), as the catalog names them.
const RETIRED: &[&str] = &[
    "congress", "kuryr", "murano", "rally", "sahara", "senlin", "swift", "tempest", "vmtp",
    "influxdb", "mongodb", "ceph", "collectd", "zaqar",
];

const VIP: &str = "192.0.2.254";
const EXT: &str = "203.0.113.10";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The address the fact cache gives `host` on eth0 (deterministic per host).
fn address(inv: &Inventory, host: &str) -> String {
    let i = inv.hosts().iter().position(|h| *h == host).unwrap();
    format!("198.51.100.{}", i + 10)
}

struct Run {
    inventory: Inventory,
    out: Generated,
    _dir: tempfile::TempDir,
}

/// genconfig of the multinode inventory with every retired service enabled,
/// once for all tests of this file.
fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let inventory = Inventory::load(&[repo().join("inventory/multinode")]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let facts = dir.path().join("facts");
        std::fs::create_dir(&facts).unwrap();
        for host in inventory.hosts() {
            let f = json!({"ansible_facts": {
                "hostname": host,
                "nodename": host,
                "processor_vcpus": 4,
                "memtotal_mb": 8192,
                "os_family": "RedHat",
                "distribution": "Rocky",
                "interfaces": ["lo", "eth0"],
                "eth0": {"device": "eth0", "ipv4": {"address": address(&inventory, host)}},
            }});
            std::fs::write(facts.join(host), f.to_string()).unwrap();
        }
        // Every password is `pw-<key>`.
        let template =
            kolla_core::yaml::load("passwords.yml", kolla_core::passwords::TEMPLATE).unwrap();
        let passwords: serde_json::Map<String, Value> = template
            .as_object()
            .unwrap()
            .keys()
            .map(|k| (k.clone(), Value::String(format!("pw-{k}"))))
            .collect();
        let pw_path = dir.path().join("passwords.yml");
        std::fs::write(&pw_path, Value::Object(passwords).to_string()).unwrap();

        let mut inputs = Inputs::new().unwrap();
        inputs.set_facts_dir(&facts);
        inputs.add_passwords(&pw_path).unwrap();
        let enable: Vec<String> = RETIRED.iter().map(|s| format!("enable_{s}=yes")).collect();
        inputs.add_extra(&enable.join(" ")).unwrap();
        inputs
            .add_extra(&format!(
                "kolla_internal_vip_address={VIP} enable_ceph_rgw_keystone=yes"
            ))
            .unwrap();
        // A separate external VIP.
        inputs
            .add_extra(&format!("kolla_external_vip_address={EXT}"))
            .unwrap();
        inputs.set_inventory(&inventory);
        let options = Options {
            services: RETIRED.iter().map(|s| s.to_string()).collect(),
            config_dir: Some(dir.path().join("config")),
            ..Default::default()
        };
        let out = genconfig::generate(&Catalog::embedded().unwrap(), &inventory, &inputs, &options)
            .unwrap_or_else(|e| panic!("genconfig failed: {e}"));
        Run {
            inventory,
            out,
            _dir: dir,
        }
    })
}

fn config<'a>(host: &str, key: &str) -> &'a ContainerConfig {
    run()
        .out
        .configs
        .iter()
        .find(|c| c.host == host && c.key == key)
        .unwrap_or_else(|| panic!("no {key} config directory on {host}"))
}

fn text(c: &ContainerConfig, name: &str) -> String {
    let f = c.files.iter().find(|f| f.name == name).unwrap_or_else(|| {
        panic!(
            "{}: {} has no {name} (it has {:?})",
            c.host,
            c.key,
            names(c)
        )
    });
    String::from_utf8(f.bytes.to_vec()).unwrap()
}

fn names(c: &ContainerConfig) -> Vec<&str> {
    c.files.iter().map(|f| f.name.as_str()).collect()
}

/// An INI file as sections of keys; it must also pass the one INI merge
/// (oslo.config's grammar).
fn ini(c: &ContainerConfig, name: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let t = text(c, name);
    kolla_core::ini::merge_texts([(name, t.as_str())], true)
        .unwrap_or_else(|e| panic!("{}/{}/{name} does not parse: {e}\n{t}", c.host, c.key));
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut section = String::new();
    for line in t.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
            continue;
        }
        if let Some(s) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = s.to_string();
            out.entry(section.clone()).or_default();
            continue;
        }
        let (k, v) = l.split_once('=').unwrap_or_else(|| {
            panic!(
                "{}/{}/{name}: not a key = value line: {line}",
                c.host, c.key
            )
        });
        let prev = out
            .entry(section.clone())
            .or_default()
            .insert(k.trim().to_string(), v.trim().to_string());
        assert!(
            prev.is_none(),
            "{}/{}/{name}: [{section}] {} twice",
            c.host,
            c.key,
            k.trim()
        );
    }
    out
}

fn get<'a>(
    conf: &'a BTreeMap<String, BTreeMap<String, String>>,
    where_: &str,
    section: &str,
    key: &str,
) -> &'a str {
    conf.get(section)
        .and_then(|s| s.get(key))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("{where_}: [{section}] {key} is missing or empty"))
}

/// The `host:port` list a service reaches a group on, through its eth0 addresses.
fn endpoints(group: &str, port: u16) -> String {
    let r = run();
    r.inventory
        .hosts_of(group)
        .unwrap()
        .iter()
        .map(|h| format!("{}:{port}", address(&r.inventory, h)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Database, messaging, keystone_authtoken with memcache and the log
/// directory: what every OpenStack service of the retired set needs.
fn openstack_essentials(
    host: &str,
    key: &str,
    file: &str,
    service: &str,
    rpc: bool,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let c = config(host, key);
    let conf = ini(c, file);
    let w = format!("{host}/{key}/{file}");
    assert_eq!(
        get(&conf, &w, "DEFAULT", "log_dir"),
        format!("/var/log/kolla/{service}"),
        "{w}"
    );
    let db = get(&conf, &w, "database", "connection");
    assert_eq!(
        db,
        format!("mysql+pymysql://{service}:pw-{service}_database_password@{VIP}:3306/{service}"),
        "{w}"
    );
    if rpc {
        let rabbit = endpoints("rabbitmq", 5672).replace(',', ",openstack:pw-rabbitmq_password@");
        let url = format!("rabbit://openstack:pw-rabbitmq_password@{rabbit}//");
        assert_eq!(get(&conf, &w, "DEFAULT", "transport_url"), url, "{w}");
        assert_eq!(
            get(&conf, &w, "oslo_messaging_notifications", "transport_url"),
            url,
            "{w}"
        );
    }
    keystone_authtoken(&conf, &w, "keystone_authtoken", service);
    conf
}

fn keystone_authtoken(
    conf: &BTreeMap<String, BTreeMap<String, String>>,
    w: &str,
    section: &str,
    service: &str,
) {
    assert_eq!(
        get(conf, w, section, "auth_url"),
        format!("http://{VIP}:5000"),
        "{w}"
    );
    assert_eq!(
        get(conf, w, section, "www_authenticate_uri"),
        format!("http://{EXT}:5000"),
        "{w}"
    );
    assert_eq!(get(conf, w, section, "auth_type"), "password", "{w}");
    assert_eq!(get(conf, w, section, "username"), service, "{w}");
    assert_eq!(
        get(conf, w, section, "password"),
        format!("pw-{service}_keystone_password"),
        "{w}"
    );
    assert_eq!(
        get(conf, w, section, "memcache_security_strategy"),
        "ENCRYPT",
        "{w}"
    );
    assert_eq!(
        get(conf, w, section, "memcache_secret_key"),
        "pw-memcache_secret_key",
        "{w}"
    );
    assert_eq!(
        get(conf, w, section, "memcached_servers"),
        endpoints("memcached", 11211),
        "{w}"
    );
}

fn first(group: &str) -> String {
    run().inventory.hosts_of(group).unwrap()[0].to_string()
}

fn addr(host: &str) -> String {
    address(&run().inventory, host)
}

#[test]
fn every_container_dir_is_on_exactly_its_groups_hosts() {
    let r = run();
    let catalog = Catalog::embedded().unwrap();
    let mut seen = 0;
    for svc in RETIRED {
        let s = catalog.get(svc).unwrap();
        for c in &s.containers {
            let mut want: BTreeSet<&str> = BTreeSet::new();
            for g in std::iter::once(&c.group).chain(&c.extra_groups) {
                want.extend(r.inventory.hosts_of(g).unwrap());
            }
            assert!(
                !want.is_empty(),
                "{svc}/{}: group {} has no host",
                c.key,
                c.group
            );
            let got: BTreeSet<&str> = r
                .out
                .configs
                .iter()
                .filter(|x| x.service == *svc && x.key == c.key)
                .map(|x| x.host.as_str())
                .collect();
            assert_eq!(got, want, "{svc}/{}: hosts of group {}", c.key, c.group);
            seen += 1;
        }
    }
    assert_eq!(seen, 39, "containers checked");
    // Nothing else: every generated directory belongs to a retired service.
    for c in &r.out.configs {
        assert!(
            RETIRED.contains(&c.service.as_str()),
            "unexpected {}/{}",
            c.host,
            c.key
        );
    }
}

#[test]
fn every_config_json_names_a_command_and_files_it_gets() {
    let r = run();
    for c in &r.out.configs {
        let w = format!("{}/{}", c.host, c.key);
        let cj: Value = serde_json::from_str(&text(c, "config.json"))
            .unwrap_or_else(|e| panic!("{w}/config.json: {e}"));
        let cmd = cj["command"]
            .as_str()
            .unwrap_or_else(|| panic!("{w}: config.json has no command"));
        assert!(
            !cmd.trim().is_empty() && !cmd.contains("{{"),
            "{w}: command {cmd:?}"
        );
        for f in cj["config_files"].as_array().unwrap() {
            for k in ["source", "dest", "owner", "perm"] {
                let v = f[k]
                    .as_str()
                    .unwrap_or_else(|| panic!("{w}: config_files entry without {k}: {f}"));
                assert!(!v.is_empty() && !v.contains("{{"), "{w}: {k} {v:?}");
            }
            let perm = f["perm"].as_str().unwrap();
            assert!(
                perm.len() == 4 && perm.chars().all(|d| ('0'..='7').contains(&d)),
                "{w}: perm {perm}"
            );
            // A file from the config directory is one genconfig wrote, unless
            // it is optional or comes from deploy (keyrings, rings).
            let src = f["source"].as_str().unwrap();
            if let Some(name) = src.strip_prefix("/var/lib/kolla/config_files/") {
                let deploy_made =
                    name.ends_with(".keyring") || name == "ceph.monmap" || name == "policy.json";
                let optional =
                    matches!(&f["optional"], Value::Bool(true)) || f["optional"] == "true";
                assert!(
                    deploy_made || optional || names(c).contains(&name),
                    "{w}: config.json copies {name}, which is not generated ({:?})",
                    names(c)
                );
            }
        }
    }
}

#[test]
fn congress_murano_sahara_senlin_hold_their_essentials() {
    let ctl = first("congress-api");
    let api = openstack_essentials(&ctl, "congress-api", "congress.conf", "congress", true);
    let w = "congress-api";
    assert_eq!(get(&api, w, "DEFAULT", "bind_host"), addr(&ctl));
    assert_eq!(get(&api, w, "DEFAULT", "bind_port"), "1789");
    assert!(get(&api, w, "DEFAULT", "drivers").contains("NovaDriver"));
    let pe = openstack_essentials(
        &ctl,
        "congress-policy-engine",
        "congress.conf",
        "congress",
        true,
    );
    assert!(
        !pe["DEFAULT"].contains_key("bind_port"),
        "only the API binds"
    );
    openstack_essentials(
        &ctl,
        "congress-datasource",
        "congress.conf",
        "congress",
        true,
    );

    let api = openstack_essentials(&ctl, "murano-api", "murano.conf", "murano", true);
    assert_eq!(get(&api, "murano-api", "DEFAULT", "bind_host"), addr(&ctl));
    assert_eq!(get(&api, "murano-api", "DEFAULT", "bind_port"), "8082");
    assert_eq!(
        get(&api, "murano-api", "murano", "url"),
        format!("http://{VIP}:8082")
    );
    let engine = openstack_essentials(&ctl, "murano-engine", "murano.conf", "murano", true);
    assert_eq!(
        get(&engine, "murano-engine", "rabbitmq", "login"),
        "muranoagent"
    );
    assert_eq!(get(&engine, "murano-engine", "rabbitmq", "host"), EXT);
    assert_eq!(
        get(&engine, "murano-engine", "murano_auth", "password"),
        "pw-murano_keystone_password"
    );

    let api = openstack_essentials(&ctl, "sahara-api", "sahara.conf", "sahara", true);
    assert_eq!(get(&api, "sahara-api", "DEFAULT", "host"), addr(&ctl));
    assert_eq!(get(&api, "sahara-api", "DEFAULT", "port"), "8386");
    assert_eq!(get(&api, "sahara-api", "trustee", "username"), "sahara");
    openstack_essentials(&ctl, "sahara-engine", "sahara.conf", "sahara", true);

    let api = openstack_essentials(&ctl, "senlin-api", "senlin.conf", "senlin", true);
    assert_eq!(
        get(&api, "senlin-api", "senlin_api", "bind_host"),
        addr(&ctl)
    );
    assert_eq!(get(&api, "senlin-api", "senlin_api", "bind_port"), "8778");
    assert_eq!(
        get(&api, "senlin-api", "authentication", "service_password"),
        "pw-senlin_keystone_password"
    );
    let engine = openstack_essentials(&ctl, "senlin-engine", "senlin.conf", "senlin", true);
    assert!(!engine.contains_key("senlin_api"), "only the API binds");
}

#[test]
fn rally_tempest_kuryr_vmtp_hold_their_essentials() {
    let h = first("rally");
    let c = config(&h, "rally");
    let conf = ini(c, "rally.conf");
    assert_eq!(
        get(&conf, "rally", "DEFAULT", "log_dir"),
        "/var/log/kolla/rally"
    );
    assert_eq!(
        get(&conf, "rally", "database", "connection"),
        format!("mysql+pymysql://rally:pw-rally_database_password@{VIP}:3306/rally")
    );

    let h = first("tempest");
    let conf = ini(config(&h, "tempest"), "tempest.conf");
    assert_eq!(
        get(&conf, "tempest", "DEFAULT", "log_dir"),
        "/var/log/kolla/tempest"
    );
    assert_eq!(
        get(&conf, "tempest", "auth", "admin_password"),
        "pw-keystone_admin_password"
    );
    assert_eq!(
        get(&conf, "tempest", "identity", "uri_v3"),
        format!("http://{VIP}:5000/v3")
    );
    assert_eq!(get(&conf, "tempest", "service_available", "swift"), "true");

    let h = first("compute");
    let c = config(&h, "kuryr");
    let conf = ini(c, "kuryr.conf");
    let uri = format!("http://{}:23750", addr(&h));
    assert_eq!(get(&conf, "kuryr", "DEFAULT", "kuryr_uri"), uri);
    assert_eq!(
        get(&conf, "kuryr", "DEFAULT", "log_dir"),
        "/var/log/kolla/kuryr"
    );
    assert_eq!(
        get(&conf, "kuryr", "neutron", "auth_url"),
        format!("http://{VIP}:5000")
    );
    assert_eq!(
        get(&conf, "kuryr", "neutron", "password"),
        "pw-kuryr_keystone_password"
    );
    assert_eq!(text(c, "kuryr.spec").trim(), uri);

    let h = first("vmtp");
    let c = config(&h, "vmtp");
    let y = kolla_core::yaml::load("cfg.default.yaml", &text(c, "cfg.default.yaml")).unwrap();
    assert_eq!(y["dns_nameservers"], json!(["8.8.8.8", "8.8.4.4"]));
    assert_eq!(y["internal_cidr"], json!(["10.0.0.0/24"]));
    assert_eq!(y["router_name"], "pns-router");
}

#[test]
fn swift_holds_its_essentials() {
    let h = first("swift-proxy-server");
    let c = config(&h, "swift-proxy-server");
    let conf = ini(c, "proxy-server.conf");
    let w = "swift-proxy-server";
    assert_eq!(get(&conf, w, "DEFAULT", "bind_ip"), addr(&h));
    assert_eq!(get(&conf, w, "DEFAULT", "bind_port"), "8080");
    assert_eq!(get(&conf, w, "DEFAULT", "log_udp_host"), addr(&h));
    let pipeline = get(&conf, w, "pipeline:main", "pipeline");
    assert!(
        pipeline.ends_with("proxy-server") && pipeline.contains(" authtoken keystoneauth "),
        "{pipeline}"
    );
    for filter in pipeline.split_whitespace().filter(|f| *f != "proxy-server") {
        assert!(
            conf.contains_key(&format!("filter:{filter}")),
            "{w}: no [filter:{filter}]"
        );
    }
    keystone_authtoken(&conf, w, "filter:authtoken", "swift");
    assert_eq!(
        get(&conf, w, "filter:cache", "memcache_servers"),
        endpoints("memcached", 11211)
    );
    let hash = ini(c, "swift.conf");
    assert_eq!(
        get(&hash, w, "swift-hash", "swift_hash_path_suffix"),
        "pw-swift_hash_path_suffix"
    );
    assert_eq!(
        get(&hash, w, "swift-hash", "swift_hash_path_prefix"),
        "pw-swift_hash_path_prefix"
    );

    let h = first("swift-object-server");
    for (key, file, port) in [
        ("swift-account-server", "account-server.conf", "6001"),
        (
            "swift-account-replicator",
            "account-replicator.conf",
            "6001",
        ),
        ("swift-container-server", "container-server.conf", "6002"),
        ("swift-container-updater", "container-updater.conf", "6002"),
        ("swift-object-server", "object-server.conf", "6000"),
        ("swift-object-expirer", "object-expirer.conf", "6000"),
    ] {
        let c = config(&h, key);
        let conf = ini(c, file);
        assert_eq!(get(&conf, key, "DEFAULT", "bind_ip"), addr(&h));
        assert_eq!(get(&conf, key, "DEFAULT", "bind_port"), port);
        assert_eq!(get(&conf, key, "DEFAULT", "devices"), "/srv/node");
        assert_eq!(get(&conf, key, "DEFAULT", "log_name"), key);
        ini(c, "swift.conf");
    }
    let rsync = text(config(&h, "swift-rsyncd"), "rsyncd.conf");
    for ring in ["[account]", "[container]", "[object]"] {
        assert!(rsync.contains(ring), "rsyncd.conf has no {ring}:\n{rsync}");
    }
}

#[test]
fn ceph_influxdb_mongodb_collectd_hold_their_essentials() {
    let mons: Vec<String> = run()
        .inventory
        .hosts_of("ceph-mon")
        .unwrap()
        .iter()
        .map(|h| addr(h))
        .collect();
    for key in ["ceph-mon", "ceph-mgr", "ceph-mds", "ceph-nfs", "ceph-rgw"] {
        let h = first(key);
        let conf = ini(config(&h, key), "ceph.conf");
        assert_eq!(get(&conf, key, "global", "fsid"), "pw-ceph_cluster_fsid");
        assert_eq!(get(&conf, key, "global", "mon host"), mons.join(", "));
        assert!(get(&conf, key, "global", "log file").starts_with("/var/log/kolla/ceph/"));
    }
    let h = first("ceph-rgw");
    let conf = ini(config(&h, "ceph-rgw"), "ceph.conf");
    assert_eq!(
        get(&conf, "ceph-rgw", "client.radosgw.gateway", "rgw frontends"),
        format!("civetweb port={}:6780", addr(&h))
    );
    assert_eq!(
        get(
            &conf,
            "ceph-rgw",
            "client.radosgw.gateway",
            "rgw_keystone_url"
        ),
        format!("http://{VIP}:5000")
    );
    assert!(text(config(&first("ceph-nfs"), "ceph-nfs"), "ganesha.conf").contains("Name = CEPH;"));

    let h = first("influxdb");
    let t = text(config(&h, "influxdb"), "influxdb.conf");
    assert!(
        t.contains(&format!("bind-address = \"{}:8086\"", addr(&h))),
        "{t}"
    );
    assert!(
        t.contains("file = \"/var/log/kolla/influxdb/influxdb.log\""),
        "{t}"
    );
    assert!(t.contains("dir = \"/var/lib/influxdb/data\""), "{t}");

    let h = first("mongodb");
    let y = kolla_core::yaml::load("mongodb.conf", &text(config(&h, "mongodb"), "mongodb.conf"))
        .unwrap();
    assert_eq!(y["net"]["bindIp"], addr(&h));
    assert_eq!(y["net"]["port"], 27017);
    assert_eq!(y["replication"]["replSetName"], "rs0");
    assert_eq!(y["systemLog"]["path"], "/var/log/kolla/mongodb/mongodb.log");

    let h = first("collectd");
    let t = text(config(&h, "collectd"), "collectd.conf");
    assert!(
        t.contains(&format!("Server \"{}\" \"25826\"", addr(&h))),
        "{t}"
    );
    assert!(t.contains("LoadPlugin network\n"), "{t}");
}

#[test]
fn zaqar_uses_mongodb_and_keystone() {
    let mongo: Vec<String> = run()
        .inventory
        .hosts_of("mongodb")
        .unwrap()
        .iter()
        .map(|h| format!("{}:27017", addr(h)))
        .collect();
    let uri = format!("mongodb://{}/?replicaSet=rs0", mongo.join(","));
    for (key, transport, port) in [
        ("zaqar-api", "wsgi", "8888"),
        ("zaqar-websocket", "websocket", "9000"),
    ] {
        let h = first(key);
        let conf = ini(config(&h, key), "zaqar.conf");
        assert_eq!(
            get(&conf, key, "DEFAULT", "log_dir"),
            "/var/log/kolla/zaqar"
        );
        assert_eq!(get(&conf, key, "drivers", "transport"), transport);
        assert_eq!(get(&conf, key, "drivers", "message_store"), "mongodb");
        let section = format!("drivers:transport:{transport}");
        assert_eq!(get(&conf, key, &section, "bind"), addr(&h));
        assert_eq!(get(&conf, key, &section, "port"), port);
        assert_eq!(get(&conf, key, "drivers:message_store:mongodb", "uri"), uri);
        assert_eq!(
            get(&conf, key, "drivers:management_store:mongodb", "uri"),
            uri
        );
        keystone_authtoken(&conf, key, "keystone_authtoken", "zaqar");
    }
}
