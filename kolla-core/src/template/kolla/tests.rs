//! Expected values are upstream's (kolla-ansible 22.2.0's filters run in
//! the oracle venv with the same inputs).

use serde_json::json;

fn r(src: &str, vars: serde_json::Value) -> String {
    match crate::template::render("t.j2", src, &vars) {
        Ok(s) => s,
        Err(e) => format!("ERR {e}"),
    }
}

#[test]
fn put_address_in_context_matches_upstream() {
    let cases = [
        ("fd00::1", "url", "[fd00::1]"),
        ("fd00::1", "memcache", "inet6:[fd00::1]"),
        (
            "fd00::1",
            "rabbitmq",
            "16#fd00,16#0,16#0,16#0,16#0,16#0,16#0,16#1",
        ),
        ("10.0.0.1", "rabbitmq", "10,0,0,1"),
        ("10.0.0.1", "url", "10.0.0.1"),
        ("host1", "memcache", "host1"),
        (
            "2001:db8:0:0:1::a",
            "rabbitmq",
            "16#2001,16#db8,16#0,16#0,16#1,16#0,16#0,16#a",
        ),
    ];
    for (a, c, want) in cases {
        let got = r(
            "{{ a | put_address_in_context(c) }}",
            json!({"a": a, "c": c}),
        );
        assert_eq!(got, want, "{a} {c}");
    }
    let err = r("{{ 'x' | put_address_in_context('bad') }}", json!({}));
    assert!(err.contains("Unknown context 'bad'"), "{err}");
    let err = r(
        "{{ 'host1' | put_address_in_context('rabbitmq') }}",
        json!({}),
    );
    assert!(
        err.contains("'host1' does not appear to be an IPv4 or IPv6 address"),
        "{err}"
    );
}

#[test]
fn kolla_url_matches_upstream() {
    let cases = [
        (
            "{{ 'fd00::1' | kolla_url('http', 80) }}",
            "http://[fd00::1]",
        ),
        (
            "{{ 'h' | kolla_url('https', '443', '/v3') }}",
            "https://h/v3",
        ),
        (
            "{{ 'h' | kolla_url('http', '8774', '/v2.1') }}",
            "http://h:8774/v2.1",
        ),
        (
            "{{ 'fd00::2' | kolla_url('wss', 443, '', 'url') }}",
            "wss://[fd00::2]",
        ),
        ("{{ 'h' | kolla_url('ws', '80') }}", "ws://h"),
    ];
    for (src, want) in cases {
        assert_eq!(r(src, json!({})), want, "{src}");
    }
    let err = r("{{ 'h' | kolla_url('http', 'abc') }}", json!({}));
    assert!(
        err.contains("invalid literal for int() with base 10: 'abc'"),
        "{err}"
    );
}

fn hostvars() -> serde_json::Value {
    json!({
        "hostvars": {
            "h1": {"api_interface": "eth0", "api_address_family": "ipv4",
                   "ansible_facts": {"eth0": {"ipv4": {"address": "10.0.0.1"}}},
                   "enable_haproxy": "yes", "kolla_internal_vip_address": "fd00::100",
                   "kolla_external_vip_address": "fd00::100",
                   "mariadb_shard_id": 0, "enable_mariabackup": "no", "database_password": "pw",
                   "mariadb_shard_root_user_prefix": "root_shard_"},
            "h2": {"api_interface": "br-ex", "api_address_family": "IPv6",
                   "ansible_facts": {"br_ex": {"ipv6": [
                       {"address": "fe80::1", "scope": "link"},
                       {"address": "fd00::100", "scope": "global"},
                       {"address": "fd00::2", "scope": "global"}]}},
                   "enable_haproxy": true, "kolla_internal_vip_address": "fd00::100",
                   "kolla_external_vip_address": "fd00::100",
                   "mariadb_shard_id": 1, "enable_mariabackup": "yes", "database_password": "pw",
                   "mariadb_shard_root_user_prefix": "root_shard_",
                   "mariadb_shard_backup_user_prefix": "backup_shard_",
                   "mariadb_backup_database_password": "bpw"},
            "h3": {"api_interface": "lo", "api_address_family": "ipv4",
                   "ansible_facts": {"lo": {"ipv4": {"address": "127.0.0.1"},
                       "ipv4_secondaries": [{"address": "127.0.0.2"}, {"address": "192.0.2.7"}]}},
                   "mariadb_shard_id": 0, "my_ip": "10.9.9.9"}
        },
        "inventory_hostname": "h1",
        "group_names": ["control", "compute"],
    })
}

#[test]
fn kolla_address_matches_upstream() {
    let cases = [
        ("{{ 'api' | kolla_address }}", "10.0.0.1"),
        ("{{ 'api' | kolla_address('h2') }}", "fd00::2"),
        ("{{ 'api' | kolla_address('h3') }}", "192.0.2.7"),
        ("{{ 'api' | kolla_address('h3', 'my_ip') }}", "10.9.9.9"),
    ];
    for (src, want) in cases {
        assert_eq!(r(src, hostvars()), want, "{src}");
    }
    let err = r("{{ 'tunnel' | kolla_address }}", hostvars());
    assert!(
        err.contains("Interface name undefined for network 'tunnel' (set 'tunnel_interface')"),
        "{err}"
    );
    // Ansible's hostvars gives Undefined for an unknown host.
    let err = r("{{ 'api' | kolla_address('nope') }}", hostvars());
    assert!(err.contains("'nope' not in 'hostvars'"), "{err}");
    let err = r(
        "{{ 'api' | kolla_address }}",
        json!({"inventory_hostname": "h"}),
    );
    assert!(err.contains("'hostvars' variable is unavailable"), "{err}");
}

#[test]
fn database_shards_info_matches_upstream() {
    assert_eq!(
        r("{{ ['h1','h2','h3'] | database_shards_info }}", hostvars()),
        "{'shards': {'0': {'hosts': ['h1', 'h3']}, '1': {'hosts': ['h2']}}, 'users': [{'password': 'pw', 'user': 'root_shard_0', 'shard_id': '0'}, {'password': 'pw', 'user': 'root_shard_1', 'shard_id': '1'}, {'password': 'bpw', 'user': 'backup_shard_1', 'shard_id': '1'}]}"
    );
}

#[test]
fn service_filters_match_upstream() {
    let vars = hostvars();
    assert_eq!(
        r("{{ {'a': {'enabled': 'yes', 'group': 'compute'}, 'b': {'enabled': False, 'group': 'compute'}, 'c': {'enabled': True, 'group': 'network'}, 'd': {'enabled': True, 'group': 'all'}, 'e': {'enabled': 'no', 'host_in_groups': True}, 'f': {'enabled': 'true', 'host_in_groups': 'yes'}} | select_services_enabled_and_mapped_to_host }}", vars.clone()),
        "{'a': {'enabled': 'yes', 'group': 'compute'}, 'd': {'enabled': True, 'group': 'all'}, 'f': {'enabled': 'true', 'host_in_groups': 'yes'}}"
    );
    assert_eq!(
        r("{{ {'a': {'enabled': True, 'haproxy': {'a_api': {'port': 1}}}, 'b': {'enabled': False, 'haproxy': {'b_api': {}}}, 'c': {'enabled': 'yes'}} | extract_haproxy_services }}", vars.clone()),
        "{'a_api': {'port': 1}}"
    );
    let err = r("{{ {'a': {'enabled': True, 'haproxy': {'x': 1}}, 'b': {'enabled': True, 'haproxy': {'x': 2}}} | extract_haproxy_services }}", vars.clone());
    assert!(
        err.contains("haproxy service names should be unique"),
        "{err}"
    );
    let err = r(
        "{{ {'container_name': 'c'} | service_enabled }}",
        vars.clone(),
    );
    assert!(
        err.contains("Service definition for 'c' does not have an 'enabled' attribute"),
        "{err}"
    );
    let err = r(
        "{{ {'container_name': 'c', 'enabled': True} | service_mapped_to_host }}",
        vars.clone(),
    );
    assert!(
        err.contains(
            "Service definition for 'c' does not have a 'group' or 'host_in_groups' attribute"
        ),
        "{err}"
    );
    assert_eq!(
        r(
            "{{ {'enabled': 'yes', 'group': 'control'} | service_enabled_and_mapped_to_host }}",
            vars
        ),
        "True"
    );
}

#[test]
fn customise_fluentd_matches_upstream() {
    assert_eq!(
        r("{{ ['/a/conf/input/00-global.conf.j2','/a/conf/input/01-syslog.conf.j2','/a/conf/output/00-local.conf.j2'] | customise_fluentd(['/etc/kolla/config/fluentd/input/01-syslog.conf','/etc/kolla/config/fluentd/input/99-x.conf']) }}", json!({})),
        "['/a/conf/input/00-global.conf.j2', '/a/conf/output/00-local.conf.j2', '/etc/kolla/config/fluentd/input/01-syslog.conf', '/etc/kolla/config/fluentd/input/99-x.conf']"
    );
}
