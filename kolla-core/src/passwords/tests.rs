use super::*;

/// Small RSA keys keep debug-build tests fast; the release size is tested
/// once, in the CLI tests.
const FAST: GenOptions = GenOptions {
    length: PASSWORD_LENGTH,
    rsa_bits: 1024,
};

fn load(text: &str) -> serde_json::Value {
    crate::yaml::load_data("out", text).unwrap()
}

#[test]
fn template_has_upstream_and_retired_keys_in_order() {
    let doc = load(TEMPLATE);
    let map = doc.as_object().unwrap();
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    assert_eq!(
        keys[..3],
        [
            "rbd_secret_uuid",
            "cinder_rbd_secret_uuid",
            "database_password"
        ]
    );
    assert_eq!(keys.len(), 107 + 48); // retired: 7.0.0 keys + zaqar_keystone_password
    for k in [
        "valkey_master_password",
        "opensearch_dashboards_password",
        "murano_database_password",
        "swift_hash_path_suffix",
        "congress_keystone_password",
    ] {
        assert!(map.contains_key(k), "{k}");
    }
    for k in SSH_KEYS {
        assert_eq!(
            map[*k],
            serde_json::json!({"private_key": null, "public_key": null}),
            "{k}"
        );
    }
    assert!(map
        .iter()
        .filter(|(k, _)| !SSH_KEYS.contains(&k.as_str()))
        .all(|(_, v)| v.is_null()));
}

#[test]
fn fills_every_kind_and_keeps_set_values() {
    let text = "\
b_password:
rbd_secret_uuid:
designate_rndc_key:
barbican_crypto_key:
prometheus_bcrypt_salt:
docker_registry_password:
a_password: mine
empty_string: ''
nova_ssh_key:
  private_key:
  public_key:
keystone_ssh_key:
  private_key: kept
  public_key:
";
    let (out, report) = genpwd_text("p.yml", text, &FAST).unwrap();
    let v = load(&out);
    let s = |k: &str| {
        v[k].as_str()
            .unwrap_or_else(|| panic!("{k}: {}", v[k]))
            .to_owned()
    };
    assert_eq!(s("a_password"), "mine");
    assert_eq!(s("empty_string"), "");
    assert!(v["docker_registry_password"].is_null());
    assert_eq!(s("b_password").len(), 40);
    assert_eq!(s("rbd_secret_uuid").len(), 36);
    assert_eq!(s("designate_rndc_key").len(), 32);
    assert_eq!(s("barbican_crypto_key").len(), 44);
    assert_eq!(s("prometheus_bcrypt_salt").len(), 22);
    assert!(v["nova_ssh_key"]["private_key"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(v["nova_ssh_key"]["public_key"]
        .as_str()
        .unwrap()
        .starts_with("ssh-rsa "));
    assert_eq!(
        v["keystone_ssh_key"],
        serde_json::json!({"private_key": "kept", "public_key": null})
    );
    assert_eq!(
        report.filled,
        [
            "b_password",
            "rbd_secret_uuid",
            "designate_rndc_key",
            "barbican_crypto_key",
            "prometheus_bcrypt_salt",
            "nova_ssh_key"
        ]
    );
    assert_eq!(report.blank, ["docker_registry_password"]);
    assert_eq!(report.kept, 3);
    // Sorted keys, block style, as yaml.safe_dump writes them.
    let keys: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .filter_map(|l| l.split(':').next())
        .filter(|k| !k.contains(' ') && !k.starts_with('-'))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    assert!(out.starts_with("a_password: mine\nb_password: "));
    // A second run changes nothing.
    let (again, report) = genpwd_text("p.yml", &out, &FAST).unwrap();
    assert_eq!(again, out);
    assert!(report.filled.is_empty());
    // No value appears in the report.
    let shown = serde_json::to_string(&report).unwrap();
    assert!(!shown.contains(&s("b_password")));
}

#[test]
fn errors_name_the_file_and_line() {
    let err = genpwd_text("p.yml", "a:\nb: [\n", &FAST).unwrap_err();
    assert!(err.to_string().starts_with("p.yml:"), "{err}");
    assert!(err.location().is_some());
    let err = genpwd_text("p.yml", "- a\n", &FAST).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.yml: passwords file not in expected key/value format (found list)"
    );
    let err = genpwd_text("p.yml", "", &FAST).unwrap_err();
    assert!(err.to_string().contains("found NoneType"), "{err}");
    let err = genpwd_text("p.yml", "a:\nnova_ssh_key: secret\n", &FAST).unwrap_err();
    assert_eq!(
        err.location().map(ToString::to_string).as_deref(),
        Some("p.yml:2")
    );
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn genpwd_file_creates_from_template_and_keeps_values() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("passwords.yml");
    std::fs::write(&path, "x_password:\ny_password: set\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let report = genpwd_file(&path, &FAST).unwrap();
    assert!(report.was_world_accessible && !report.created);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let v = load(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(v["y_password"], "set");

    let fresh = dir.path().join("new.yml");
    let opts = GenOptions {
        length: 40,
        rsa_bits: 512,
    };
    let report = genpwd_file(&fresh, &opts).unwrap();
    assert!(report.created);
    assert_eq!(report.filled.len() + report.blank.len(), 155);
    let v = load(&std::fs::read_to_string(&fresh).unwrap());
    assert_eq!(v.as_object().unwrap().len(), 155);
}

#[test]
fn mergepwd_as_upstream() {
    let old = (
        "old.yml",
        "a: '1'\nb: null\ngone: '2'\nredis_master_password: r\n",
    );
    let new = ("new.yml", "a:\nb: default\nc:\nvalkey_master_password:\n");
    let (out, report) = mergepwd_text(old, new, false).unwrap();
    assert_eq!(
        out,
        "a: '1'\nb: null\nc: null\ngone: '2'\nredis_master_password: r\nvalkey_master_password: r\n"
    );
    assert_eq!(report.carried, 2);
    assert_eq!(report.added, ["c", "valkey_master_password"]);
    assert_eq!(report.old_only, ["gone", "redis_master_password"]);
    let (out, _) = mergepwd_text(old, new, true).unwrap();
    assert_eq!(out, "a: '1'\nb: null\nc: null\nvalkey_master_password: r\n");
    // An old valkey password wins over the redis one.
    let old = (
        "old.yml",
        "valkey_master_password: v\nredis_master_password: r\n",
    );
    let (out, _) = mergepwd_text(old, new, true).unwrap();
    assert!(out.contains("valkey_master_password: v\n"), "{out}");
    let err = mergepwd_text(("old.yml", "[]\n"), new, true).unwrap_err();
    assert!(err.to_string().starts_with("old.yml: "), "{err}");
}

#[test]
fn mergepwd_files_writes_0600_and_defaults_to_the_template() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.yml");
    std::fs::write(&old, "database_password: keep\nmy_old_key: x\n").unwrap();
    let fin = dir.path().join("final.yml");
    let report = mergepwd_files(&old, None, &fin, true).unwrap();
    assert_eq!(report.old_only, ["my_old_key"]);
    assert_eq!(
        std::fs::metadata(&fin).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let v = load(&std::fs::read_to_string(&fin).unwrap());
    assert_eq!(v["database_password"], "keep");
    assert_eq!(v.as_object().unwrap().len(), 155);
    let err = mergepwd_files(&dir.path().join("missing.yml"), None, &fin, false).unwrap_err();
    assert!(err.to_string().contains("missing.yml"), "{err}");
}
