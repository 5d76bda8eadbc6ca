//! One test per inventory row of `docs/deviations.md` that had none: each
//! documented behaviour (where kolla-rs deliberately differs from
//! `ansible-inventory`) is checked here, so a change to it fails a test.

use std::fs;

use kolla_core::inventory::Inventory;

/// The row "A host range expanding to more than 1,000,000 hosts": an error
/// naming the file and line, never an expansion; at the cap it still expands.
#[test]
fn host_range_over_the_cap_is_an_error_naming_file_and_line() {
    for (text, line) in [
        ("[g]\nh[0:999999999]\n", 2),
        // One more than the cap.
        ("[g]\na\nh[0:1000000]\n", 3),
        // Each range alone is small; together 10,000,000 names.
        ("[g]\nh[0:9999]-[0:999]\n", 2),
        // In a YAML inventory too.
        ("all:\n  hosts:\n    h[0:999999999]:\n", 0),
    ] {
        let origin = if line == 0 { "inv.yml" } else { "inv.ini" };
        let err = if line == 0 {
            Inventory::from_yaml(origin, text).unwrap_err().to_string()
        } else {
            Inventory::from_ini(origin, text).unwrap_err().to_string()
        };
        assert!(
            err.contains("host range expands to more than 1000000 hosts"),
            "{text:?}: {err}"
        );
        assert!(err.starts_with(origin), "{text:?}: {err}");
        if line != 0 {
            assert!(err.starts_with(&format!("{origin}:{line}")), "{err}");
        }
    }
}

#[test]
fn host_range_at_the_cap_expands() {
    // 1,000,000 names exactly (10 x 100,000): allowed.
    let inv = Inventory::from_ini("inv.ini", "[g]\nh[0:9]-[0:99999]\n").unwrap();
    let hosts = inv.hosts_of("g").unwrap();
    assert_eq!(hosts.len(), 1_000_000);
    assert_eq!(hosts[0], "h0-0");
    assert_eq!(hosts[999_999], "h9-99999");
}

/// The row "Inventory scripts, `plugin:` configuration files, TOML
/// inventories": an error naming the file.
#[test]
fn toml_inventories_are_rejected_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hosts.toml");
    fs::write(&path, "[web.hosts.web1]\n").unwrap();
    let err = Inventory::load(&[&path]).unwrap_err().to_string();
    assert!(
        err.starts_with(&path.display().to_string()),
        "names the file: {err}"
    );
    assert!(err.contains("TOML inventories are not supported"), "{err}");
}

#[test]
fn plugin_configuration_files_are_rejected_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "aws_ec2.yml",
            "plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n",
        ),
        ("constructed.yaml", "plugin: constructed\nstrict: true\n"),
        (
            "openstack.json",
            "{\"plugin\": \"openstack.cloud.openstack\"}\n",
        ),
        ("noext", "plugin: community.general.proxmox\n"),
    ] {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let err = Inventory::load(&[&path]).unwrap_err().to_string();
        assert!(
            err.starts_with(&path.display().to_string()),
            "{name}: names the file: {err}"
        );
        assert!(
            err.contains("inventory plugin configuration files are not supported"),
            "{name}: {err}"
        );
    }
    // A group or host that happens to be called `plugin` is not a plugin file.
    let path = dir.path().join("plain.yml");
    fs::write(&path, "all:\n  hosts:\n    plugin:\n").unwrap();
    let inv = Inventory::load(&[&path]).unwrap();
    assert_eq!(inv.hosts(), ["plugin"]);
}

/// The row "Variables named like Ansible internals": `host_vars` drops
/// exactly ansible-core 2.19's `INTERNAL_STATIC_VARS`, as `--list` and
/// `--host` do; other names (even reserved ones such as `omit`, which
/// upstream only warns about) are kept.
#[test]
fn ansible_internal_variable_names_are_dropped_as_ansible_inventory_does() {
    // `sorted(ansible.constants.INTERNAL_STATIC_VARS)` of ansible-core 2.19.
    const INTERNAL_STATIC_VARS: &[&str] = &[
        "ansible_async_path",
        "ansible_collection_name",
        "ansible_config_file",
        "ansible_dependent_role_names",
        "ansible_diff_mode",
        "ansible_facts",
        "ansible_forks",
        "ansible_inventory_sources",
        "ansible_limit",
        "ansible_play_batch",
        "ansible_play_hosts",
        "ansible_play_hosts_all",
        "ansible_play_role_names",
        "ansible_playbook_python",
        "ansible_role_name",
        "ansible_role_names",
        "ansible_run_tags",
        "ansible_skip_tags",
        "ansible_verbosity",
        "ansible_version",
        "group_names",
        "groups",
        "hostvars",
        "inventory_dir",
        "inventory_file",
        "inventory_hostname",
        "inventory_hostname_short",
        "play_hosts",
        "playbook_dir",
        "role_name",
        "role_names",
        "role_path",
        "role_uuid",
    ];
    let mut host_line = String::from("h1 keep=1 omit=2 ansible_host=10.0.0.1");
    let mut group_vars = String::from("[g:vars]\ngroup_keep=3\n");
    for name in INTERNAL_STATIC_VARS {
        host_line.push_str(&format!(" {name}=x"));
        group_vars.push_str(&format!("{name}=y\n"));
    }
    let text = format!("[g]\n{host_line}\n{group_vars}");
    let inv = Inventory::from_ini("inv.ini", &text).unwrap();
    let vars = inv.host_vars("h1").unwrap();
    let names: Vec<&str> = vars.keys().map(String::as_str).collect();
    let mut want = vec!["ansible_host", "group_keep", "keep", "omit"];
    want.sort_unstable();
    let mut got = names.clone();
    got.sort_unstable();
    assert_eq!(got, want, "host_vars keeps only the non-internal names");
    // `--host` and `--list` print the same (what `ansible-inventory` prints).
    let host: serde_json::Value = serde_json::from_str(&inv.host_json("h1").unwrap()).unwrap();
    let mut printed: Vec<&str> = host
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    printed.sort_unstable();
    assert_eq!(printed, want);
    let list: serde_json::Value = serde_json::from_str(&inv.to_ansible_json()).unwrap();
    let listed = list["_meta"]["hostvars"]["h1"].as_object().unwrap();
    for name in INTERNAL_STATIC_VARS {
        assert!(!listed.contains_key(*name), "--list keeps {name}");
    }
    assert!(listed.contains_key("omit"));
}

/// The row "Implicit `localhost` in host patterns": only inventory hosts
/// match; Ansible's implicit localhost is not invented.
#[test]
fn localhost_patterns_match_only_an_inventory_localhost() {
    let inv = Inventory::from_ini("inv.ini", "[web]\nweb1\nweb2\n").unwrap();
    for pattern in ["localhost", "127.0.0.1", "::1", "local*", "~local.*"] {
        assert_eq!(
            inv.hosts_in(pattern).unwrap(),
            Vec::<&str>::new(),
            "{pattern}"
        );
    }
    assert_eq!(inv.hosts_in("localhost:web").unwrap(), ["web1", "web2"]);
    assert_eq!(inv.hosts_in("all").unwrap(), ["web1", "web2"]);
    assert!(inv.host_vars("localhost").is_err());

    // With localhost in the inventory, it matches like any host.
    let inv = Inventory::from_ini(
        "inv.ini",
        "localhost ansible_connection=local\n[web]\nweb1\n",
    )
    .unwrap();
    assert_eq!(inv.hosts_in("localhost").unwrap(), ["localhost"]);
    assert_eq!(inv.hosts_in("127.0.0.1").unwrap(), Vec::<&str>::new());
    assert_eq!(
        inv.hosts_in("localhost:web").unwrap(),
        ["localhost", "web1"]
    );
}

/// The same row, for inventory scripts: an executable file starting with
/// `#!` is an error naming the file (upstream would run it). An executable
/// file without `#!` is still read as INI, as upstream's `ini` plugin reads
/// it once running it failed.
#[test]
fn inventory_scripts_are_rejected_naming_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("dynamic");
    // Valid INI text, so only the script check can reject it.
    fs::write(&script, "#!/bin/sh\nweb1\n").unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let err = Inventory::load(&[&script]).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("{}: inventory scripts are not supported", script.display())
    );
    // Not executable: the `#!` line is an INI comment.
    fs::set_permissions(&script, fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(Inventory::load(&[&script]).unwrap().hosts(), ["web1"]);
    // Executable without `#!`: INI.
    let ini = dir.path().join("hosts");
    fs::write(&ini, "[web]\nweb1\n").unwrap();
    fs::set_permissions(&ini, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(Inventory::load(&[&ini]).unwrap().hosts(), ["web1"]);
}
