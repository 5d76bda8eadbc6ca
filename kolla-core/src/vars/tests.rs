use super::*;
use crate::inventory::Inventory;

fn inv(text: &str) -> Inventory {
    Inventory::from_ini("inv", text).unwrap()
}

#[test]
fn defaults_and_implications() {
    let inv = inv("[control]\nctl1\n");
    let hosts = inv.resolve_all();
    let inputs = Inputs::new().unwrap();
    let ctx = inputs.context(&hosts[0]);
    assert!(ctx.get_bool("enable_keystone").unwrap());
    assert!(
        ctx.get_bool("enable_placement").unwrap(),
        "placement follows nova"
    );
    assert!(!ctx.get_bool("enable_opensearch").unwrap());
    assert!(!ctx.get_bool("enable_zaqar").unwrap());
    assert_eq!(ctx.get("node_config_directory").unwrap(), "/etc/kolla");
    assert_eq!(ctx.get("openstack_release").unwrap(), "2026.1");
}

#[test]
fn precedence_inventory_globals_passwords_extra() {
    let dir = tempfile::tempdir().unwrap();
    let globals = dir.path().join("globals.yml");
    std::fs::write(
        &globals,
        "enable_central_logging: yes\nkolla_base_distro: ubuntu\nnetwork_interface: g0\n",
    )
    .unwrap();
    let passwords = dir.path().join("passwords.yml");
    std::fs::write(
        &passwords,
        "database_password: s3cr3tvalue\nnetwork_interface: p0\n",
    )
    .unwrap();
    let inv =
        inv("[control]\nctl1 network_interface=h0 kolla_base_distro=rocky api_interface=bond0\n");
    let hosts = inv.resolve_all();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_globals(&globals).unwrap();
    inputs.add_passwords(&passwords).unwrap();
    let ctx = inputs.context(&hosts[0]);
    assert_eq!(
        ctx.get("api_interface").unwrap(),
        "bond0",
        "inventory over defaults"
    );
    assert_eq!(
        ctx.get("kolla_base_distro").unwrap(),
        "ubuntu",
        "globals over inventory"
    );
    assert_eq!(
        ctx.get("network_interface").unwrap(),
        "p0",
        "passwords over globals"
    );
    assert!(
        ctx.get_bool("enable_opensearch").unwrap(),
        "central logging implies opensearch"
    );
    assert_eq!(
        ctx.explain("database_password").unwrap(),
        (Layer::Passwords, Value::String("<secret>".into()))
    );
    let mut inputs2 = inputs.clone();
    inputs2.add_extra("network_interface=e0").unwrap();
    let ctx = inputs2.context(&hosts[0]);
    assert_eq!(
        ctx.get("network_interface").unwrap(),
        "e0",
        "-e over everything"
    );
}

#[test]
fn secrets_never_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let passwords = dir.path().join("passwords.yml");
    std::fs::write(&passwords, "keystone_admin_password: hunter2hunter2\n").unwrap();
    let inv = inv("[control]\nctl1\n");
    let hosts = inv.resolve_all();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_passwords(&passwords).unwrap();
    let ctx = inputs.context(&hosts[0]);
    let err = ctx
        .eval("{{ keystone_admin_password + undefined_thing }}")
        .unwrap_err()
        .to_string();
    assert!(!err.contains("hunter2hunter2"), "{err}");
    let err = ctx
        .eval("{{ keystone_admin_password | int + 'x' }}")
        .unwrap_err()
        .to_string();
    assert!(!err.contains("hunter2hunter2"), "{err}");
}

#[test]
fn facts_from_cache_and_missing_fact_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ctl1"),
        r#"{"ansible_hostname": "ctl1", "ansible_eth0": {"ipv4": {"address": "10.0.0.11"}}, "ansible_processor_vcpus": 8}"#,
    )
    .unwrap();
    let inv = inv("[control]\nctl1\nctl2\nctl3 api_interface_address=10.0.0.13\n");
    let hosts = inv.resolve_all();
    let mut inputs = Inputs::new().unwrap();
    inputs.set_facts_dir(dir.path());
    inputs.add_extra("api_interface=eth0").unwrap();
    let c1 = inputs.context(&hosts[0]);
    assert_eq!(c1.get("api_interface_address").unwrap(), "10.0.0.11");
    assert_eq!(c1.get("ansible_processor_vcpus").unwrap(), 8);
    let c2 = inputs.context(&hosts[1]);
    let err = c2.get("api_interface_address").unwrap_err().to_string();
    assert!(
        err.contains("host ctl2") && err.contains("ansible_eth0.ipv4.address"),
        "{err}"
    );
    let err = c2.fact("ansible_memtotal_mb").unwrap_err().to_string();
    assert!(
        err.contains("host ctl2") && err.contains("ansible_memtotal_mb"),
        "{err}"
    );
    let c3 = inputs.context(&hosts[2]);
    assert_eq!(
        c3.get("api_interface_address").unwrap(),
        "10.0.0.13",
        "host var wins"
    );
}

#[test]
fn local_host_reads_this_machine() {
    let inv = inv("[control]\nlocalhost ansible_connection=local\n");
    let hosts = inv.resolve_all();
    let inputs = Inputs::new().unwrap();
    let ctx = inputs.context(&hosts[0]);
    assert!(ctx.is_local());
    let cpus = ctx.fact("ansible_processor_vcpus").unwrap();
    assert!(cpus.as_u64().unwrap() >= 1);
    assert!(ctx.fact("ansible_memtotal_mb").unwrap().as_u64().unwrap() > 0);
    assert!(!ctx
        .fact("ansible_hostname")
        .unwrap()
        .as_str()
        .unwrap()
        .is_empty());
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra("api_interface=lo").unwrap();
    let ctx = inputs.context(&hosts[0]);
    assert_eq!(ctx.get("api_interface_address").unwrap(), "127.0.0.1");
}

#[test]
fn reference_loops_are_errors() {
    let inv = inv("[control]\nctl1 a='{{ b }}' b='{{ a }}'\n");
    let hosts = inv.resolve_all();
    let inputs = Inputs::new().unwrap();
    let err = inputs.context(&hosts[0]).get("a").unwrap_err().to_string();
    assert!(
        err.contains("refers to itself") && err.contains("a -> b -> a"),
        "{err}"
    );
}

#[test]
fn flags_render_through_the_template_engine() {
    let inv = inv("[control]\nctl1\n");
    let hosts = inv.resolve_all();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra("enable_cells=yes").unwrap();
    let ctx = inputs.context(&hosts[0]);
    use crate::catalog::Flag;
    assert!(ctx.flag(&Flag::Expr("{{ enable_cells }}".into())).unwrap());
    assert!(!ctx
        .flag(&Flag::Expr(
            "{{ enable_cells | bool and enable_zaqar | bool }}".into()
        ))
        .unwrap());
    assert!(ctx
        .flag(&Flag::Expr("{{ 'control' in group_names }}".into()))
        .unwrap());
}

#[test]
fn groups_in_templates() {
    let inv = inv("[control]\nctl1\nctl2\n[compute]\ncmp1\n[nova:children]\ncontrol\n");
    let hosts = inv.resolve_all();
    let mut inputs = Inputs::new().unwrap();
    inputs.set_inventory(&inv);
    let ctl = inputs.context(&hosts[0]);
    let cmp = inputs.context(&hosts[2]);
    let e = "{{ inventory_hostname in groups['compute'] }}";
    assert_eq!(ctl.eval(e).unwrap(), false);
    assert_eq!(cmp.eval(e).unwrap(), true);
    assert_eq!(ctl.eval("{{ groups['nova'] | length }}").unwrap(), 2);
    assert_eq!(
        ctl.eval("{{ groups['nova'] | join(',') }}").unwrap(),
        "ctl1,ctl2"
    );
    assert_eq!(
        ctl.get("groups").unwrap()["control"],
        serde_json::json!(["ctl1", "ctl2"])
    );
    // Through a variable that reads groups.
    let mut with_var = inputs.clone();
    with_var.set_default("on_compute", Value::String(e.into()));
    let hosts2 = inv.resolve_all();
    assert!(with_var.context(&hosts2[2]).get_bool("on_compute").unwrap());
    assert!(!with_var.context(&hosts2[1]).get_bool("on_compute").unwrap());
    // An error reads as the plain render words it.
    let err = ctl
        .eval("{{ groups['nosuch'][0] }}")
        .unwrap_err()
        .to_string();
    let mut plain = Map::new();
    plain.insert("groups".into(), inputs.groups.clone().unwrap());
    let want = crate::template::render(
        "{{ groups['nosuch'][0] }}",
        "{{ groups['nosuch'][0] }}",
        &Value::Object(plain),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains(&want), "{err} / {want}");
    // A `groups` variable from a higher layer wins over the inventory's.
    let mut extra = inputs.clone();
    extra
        .add_extra(r#"{"groups": {"compute": ["other"]}}"#)
        .unwrap();
    let c = extra.context(&hosts[2]);
    assert_eq!(c.eval(e).unwrap(), false);
}

#[test]
fn python_printed_lists_read_back_as_lists() {
    let inv = inv("[control]\nctl1\n");
    let hosts = inv.resolve_all();
    let inputs = Inputs::new().unwrap();
    let ctx = inputs.context(&hosts[0]);
    // A list of dicts Jinja prints as Python does (single quotes, True):
    // Ansible reads it back as a list, and so do we.
    let backends = ctx.get("glance_store_backends").unwrap();
    assert_eq!(
        backends,
        serde_json::json!([
            {"name": "file", "type": "file", "enabled": true},
            {"name": "http", "type": "http", "enabled": true}
        ])
    );
}

/// Variables read other hosts' variables through `hostvars` (kolla_address
/// over `groups`, as `rpc_transport_url` does); loops across hosts are errors.
#[test]
fn hostvars_in_variables() {
    let inv =
        inv("[control]\nh1 api_interface_address=10.0.0.1\nh2 api_interface_address=10.0.0.2\n");
    let mut inputs = Inputs::new().unwrap();
    inputs.set_inventory(&inv);
    inputs.set_extra(
        "urls",
        Value::String(
            "{% for h in groups['control'] %}{{ hostvars[h].api_interface_address }};{% endfor %}"
                .into(),
        ),
    );
    inputs.set_extra("peer_x", Value::String("{{ hostvars['h2'].x }}".into()));
    inputs.set_extra("x", Value::String("{{ hostvars['h1'].x }}".into()));
    let hosts = inv.resolve_all();
    let ctx = inputs.context(&hosts[0]).with_peers(&hosts);
    assert_eq!(
        ctx.get("urls").unwrap(),
        Value::String("10.0.0.1;10.0.0.2;".into())
    );
    let err = ctx.get("peer_x").unwrap_err().to_string();
    assert!(err.contains("refers to itself"), "{err}");
    // Without peers `hostvars` stays unavailable.
    let ctx = inputs.context(&hosts[0]);
    assert!(ctx.get("urls").is_err());
}
