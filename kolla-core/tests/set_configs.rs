//! Rule-by-rule tests of `kolla_set_configs` (spec `set-configs.md`), run
//! on a temporary root through the library-level path relocation.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use kolla_core::set_configs::{self, Paths};

#[path = "common/ci.rs"]
mod ci;

const CF: &str = "/var/lib/kolla/config_files";
const ME: &str = "kolla-test-user:kolla-test-group";

struct Root {
    _dir: tempfile::TempDir,
    paths: Paths,
}

impl Root {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(dir.path());
        set_configs::write_test_accounts(&paths).unwrap();
        fs::create_dir_all(paths.real(CF)).unwrap();
        Root { _dir: dir, paths }
    }
    fn write(&self, path: &str, text: &str) {
        let real = self.paths.real(path);
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(real, text).unwrap();
    }
    fn read(&self, path: &str) -> String {
        fs::read_to_string(self.paths.real(path)).unwrap()
    }
    fn exists(&self, path: &str) -> bool {
        self.paths.real(path).symlink_metadata().is_ok()
    }
    fn mode(&self, path: &str) -> u32 {
        fs::metadata(self.paths.real(path)).unwrap().mode() & 0o7777
    }
    fn chmod(&self, path: &str, mode: u32) {
        fs::set_permissions(self.paths.real(path), fs::Permissions::from_mode(mode)).unwrap();
    }
    fn config(&self, json: &str) {
        self.write(&format!("{CF}/config.json"), json);
    }
    fn run(&self, args: &[&str], strategy: Option<&str>) -> (i32, String) {
        let mut argv = vec!["kolla_set_configs"];
        argv.extend_from_slice(args);
        let mut log = Vec::new();
        let code = set_configs::main(&self.paths, argv, strategy, &mut log);
        (code, String::from_utf8(log).unwrap())
    }
    fn copy(&self) -> (i32, String) {
        self.run(&[], Some("COPY_ALWAYS"))
    }
    fn check(&self) -> (i32, String) {
        self.run(&["--check"], None)
    }
}

fn ok(r: (i32, String)) -> String {
    assert_eq!(r.0, 0, "{}", r.1);
    r.1
}

fn fails(r: (i32, String), code: i32, msg: &str) -> String {
    assert_eq!(r.0, code, "{}", r.1);
    assert!(r.1.contains(msg), "expected {msg:?} in:\n{}", r.1);
    r.1
}

fn simple(root: &Root, perm: &str) {
    root.write(&format!("{CF}/svc.conf"), "[DEFAULT]\na = 1\n");
    root.config(&format!(
        r#"{{"command": "svc --opt 'x y'", "config_files": [
            {{"source": "{CF}/svc.conf", "dest": "/etc/svc/svc.conf", "owner": "{ME}", "perm": "{perm}"}}]}}"#
    ));
}

// --- A. Invocation, exit codes, logging ---------------------------------

#[test]
fn a1_unknown_option_is_a_usage_error() {
    let root = Root::new();
    let (code, log) = root.run(&["--frobnicate"], Some("COPY_ALWAYS"));
    assert_eq!(code, 2);
    assert!(
        log.contains("usage: kolla_set_configs [-h] [--check]"),
        "{log}"
    );
    assert!(log.contains("error: unrecognized arguments: --frobnicate"));
}

#[test]
fn a2_log_lines_have_timestamp_level_message() {
    let root = Root::new();
    simple(&root, "0600");
    let log = ok(root.copy());
    let first = log.lines().next().unwrap();
    let (stamp, rest) = first.split_at(23);
    assert_eq!(stamp.len(), 23);
    assert_eq!(&stamp[4..5], "-");
    assert_eq!(&stamp[19..20], ".");
    assert_eq!(
        rest,
        format!(" INFO Loading config file at {CF}/config.json")
    );
    assert!(log.contains(" INFO Validating config file\n"));
}

#[test]
fn a4_strategy_must_be_exact() {
    let root = Root::new();
    simple(&root, "0600");
    for s in [None, Some("copy_always"), Some("COPY")] {
        let log = fails(
            root.run(&[], s),
            1,
            "ERROR InvalidConfig: KOLLA_CONFIG_STRATEGY is not set properly",
        );
        assert!(log.contains(&format!(
            "INFO Kolla config strategy set to: {}",
            s.unwrap_or("None")
        )));
    }
    assert!(!root.exists("/run_command"));
}

#[test]
fn a5_config_location_cannot_be_moved_by_the_environment() {
    // The library reads no environment at all: KOLLA_CONFIG_FILE and
    // KOLLA_CONFIG are ignored (CVE-2022-38060).
    let root = Root::new();
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("evil.json"), r#"{"command": "evil"}"#).unwrap();
    std::env::set_var("KOLLA_CONFIG_FILE", other.path().join("evil.json"));
    std::env::set_var("KOLLA_CONFIG", r#"{"command": "evil"}"#);
    fails(root.copy(), 1, "Could not read file");
    std::env::remove_var("KOLLA_CONFIG_FILE");
    std::env::remove_var("KOLLA_CONFIG");
}

#[test]
fn a6_yaml_wins_and_loading_errors_are_upstreams() {
    let root = Root::new();
    fails(
        root.copy(),
        1,
        &format!("InvalidConfig: Could not read file {CF}/config.json: FileNotFoundError(2, 'No such file or directory')"),
    );
    root.config("{\"command\": ");
    let log = fails(
        root.copy(),
        1,
        &format!("InvalidConfig: Invalid json file found at {CF}/config.json"),
    );
    assert!(log.contains("line 1 column"), "{log}");

    root.config(r#"{"command": "from-json"}"#);
    root.write(&format!("{CF}/config.yaml"), "command: from-yaml\n");
    let log = ok(root.copy());
    assert!(log.contains(&format!("Loading config file at {CF}/config.yaml")));
    assert_eq!(root.read("/run_command"), "from-yaml");

    root.write(&format!("{CF}/config.yaml"), "# nothing\n");
    fails(
        root.copy(),
        1,
        &format!("InvalidConfig: Invalid yaml file found at {CF}/config.yaml: file is empty"),
    );
    root.write(&format!("{CF}/config.yaml"), "command: [\n");
    fails(
        root.copy(),
        1,
        &format!("InvalidConfig: Invalid yaml file found at {CF}/config.yaml"),
    );
}

// --- B. Schema and validation ---------------------------------------------

#[test]
fn b_validation_messages() {
    let root = Root::new();
    let cases: &[(&str, i32, &str)] = &[
        (r#"{"config_files": []}"#, 1, r#"InvalidConfig: Config is missing required "command" key"#),
        (r#"{"command": "x", "config_files": [{"source": "/a"}]}"#, 1, "InvalidConfig: Config is missing required keys: {"),
        (r#"{"command": "x", "config_files": [{"source": "/a", "dest": "/b", "owner": "root"}]}"#, 1, "InvalidConfig: Config needs preserve_properties or owner and perm"),
        (r#"{"command": "x", "directories": [{"path": "/d", "owner": "root"}]}"#, 1, "InvalidConfig: directories config is missing required keys: {'perm'}"),
        (r#"{"command": "x", "files": [{"path": "/d", "owner": null, "perm": "0600"}]}"#, 1, r#"InvalidConfig: files config key "owner" must not be null"#),
        (r#"{"command": "x", "directories": [{"path": "/d/*", "owner": "root", "perm": "0600"}]}"#, 1, "InvalidConfig: directories config does not support glob paths: /d/*"),
        (r#"{"command": "x", "config_files": [{"source": "/a", "dest": "/b", "owner": "root", "perm": "0600", "mode": "x"}]}"#, 2, "Unexpected error: TypeError: /var/lib/kolla/config_files/config.json: config_files[0]: unknown field `mode`"),
        (r#"{"command": "x", "config_files": [{"source": "/a", "dest": "/b", "owner": "root", "perm": 600}]}"#, 2, "config_files[0]: invalid type: integer `600`, expected a string"),
        (r#"{"command": "x", "permissions": [{"path": "/a"}]}"#, 2, "permissions[0]: missing field `owner`"),
    ];
    for (json, code, msg) in cases {
        root.config(json);
        fails(root.copy(), *code, msg);
        fails(root.check(), *code, msg);
    }
    // Other top-level keys are ignored; preserve_properties replaces owner/perm.
    root.config(r#"{"command": "x", "extra": 1, "config_files": [{"source": "/nope", "dest": "/b", "preserve_properties": true, "optional": true}]}"#);
    ok(root.copy());
}

#[test]
fn b12_unquoted_yaml_perm_is_an_integer_and_fails() {
    let root = Root::new();
    root.write(
        &format!("{CF}/config.yaml"),
        "command: x\nconfig_files:\n  - source: /a\n    dest: /b\n    owner: root\n    perm: 0600\n",
    );
    fails(root.copy(), 2, "invalid type: integer `384`");
}

#[test]
fn typed_config_round_trips_through_the_builder() {
    use set_configs::{ConfigFile, ConfigJson, Permission};
    let cfg = ConfigJson::builder("nova-api")
        .config_file(
            ConfigFile::new("/s", "/d")
                .owner("nova")
                .perm("0600")
                .merge(true),
        )
        .directory(Permission::new("/var/lib/nova", "nova").perm("0750"))
        .file(Permission::new("/var/lib/nova/x", "nova").perm("0640"))
        .permission(
            Permission::new("/var/log/kolla/nova", "nova:kolla")
                .recurse(true)
                .exclude("^/x"),
        )
        .build();
    let text = cfg.to_json_pretty();
    assert!(text.starts_with("{\n    \"command\": \"nova-api\",\n    \"config_files\": [\n        {\n            \"source\": \"/s\","), "{text}");
    assert!(!text.contains("optional"));
    assert_eq!(ConfigJson::from_json_str(&text).unwrap(), cfg);
    // Flags are read with Python truthiness, as upstream tests them.
    let v = ConfigJson::from_json_str(r#"{"command": "c", "config_files": [{"source": "/s", "dest": "/d", "owner": "o", "perm": "0600", "optional": "yes", "merge": 0}]}"#).unwrap();
    assert!(v.config_files[0].optional);
    assert!(!v.config_files[0].merge);
}

// --- C. Order of operations, COPY_ONCE ------------------------------------

#[test]
fn c13_copy_always_writes_files_command_and_permissions() {
    let root = Root::new();
    root.write(&format!("{CF}/svc.conf"), "a=1\n");
    root.write("/var/log/kolla/svc/old.log", "x");
    root.config(&format!(
        r#"{{"command": "svc --opt 'x y'",
            "config_files": [{{"source": "{CF}/svc.conf", "dest": "/etc/svc/svc.conf", "owner": "{ME}", "perm": "0640"}}],
            "directories": [{{"path": "/var/lib/svc/data", "owner": "{ME}", "perm": "0700"}}],
            "files": [{{"path": "/var/lib/svc/data/pid", "owner": "{ME}", "perm": "0600"}}],
            "permissions": [{{"path": "/var/log/kolla/svc", "owner": "{ME}", "perm": "0600", "recurse": true}}]}}"#
    ));
    let log = ok(root.copy());
    assert_eq!(root.read("/etc/svc/svc.conf"), "a=1\n");
    assert_eq!(root.mode("/etc/svc/svc.conf"), 0o640);
    assert_eq!(root.read("/run_command"), "svc --opt 'x y'");
    assert_eq!(root.mode("/run_command"), 0o644);
    assert_eq!(root.mode("/var/lib/svc/data"), 0o700);
    assert_eq!(root.mode("/var/lib/svc/data/pid"), 0o600);
    assert_eq!(root.mode("/var/log/kolla/svc"), 0o700);
    assert_eq!(root.mode("/var/log/kolla/svc/old.log"), 0o600);
    let order: Vec<usize> = [
        "Creating directories",
        "Creating files",
        "Copying service configuration files",
        "Writing out command to execute",
        "Setting permission for /var/log/kolla/svc",
    ]
    .iter()
    .map(|m| {
        log.find(m)
            .unwrap_or_else(|| panic!("{m} missing in {log}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{log}");
    assert!(root.exists("/etc/kolla/defaults/state"));
    assert!(!root.exists("/configured"));
}

#[test]
fn c14_copy_once_copies_once_and_then_is_immutable() {
    let root = Root::new();
    simple(&root, "0600");
    ok(root.run(&[], Some("COPY_ONCE")));
    assert!(root.exists("/configured"));
    root.write(&format!("{CF}/svc.conf"), "changed\n");
    root.config(&format!(
        r#"{{"command": "other", "config_files": [{{"source": "{CF}/svc.conf", "dest": "/etc/svc/svc.conf", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    let (code, log) = root.run(&[], Some("COPY_ONCE"));
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("ERROR ImmutableConfig: The config strategy prevents copying new configs"));
    assert_eq!(root.read("/etc/svc/svc.conf"), "[DEFAULT]\na = 1\n");
    assert_eq!(root.read("/run_command"), "svc --opt 'x y'");
}

#[test]
fn c14_failed_copy_once_leaves_no_marker() {
    let root = Root::new();
    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/absent", "dest": "/etc/a", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    fails(root.run(&[], Some("COPY_ONCE")), 1, "MissingRequiredSource");
    assert!(!root.exists("/configured"));
}

// --- D. config_files copy -----------------------------------------------

#[test]
fn d15_globs_optional_and_missing_sources() {
    let root = Root::new();
    root.write(&format!("{CF}/g2.ini"), "2");
    root.write(&format!("{CF}/g1.ini"), "1");
    root.write(&format!("{CF}/.hidden.ini"), "h");
    root.config(&format!(
        r#"{{"command": "x", "config_files": [
            {{"source": "{CF}/g*.ini", "dest": "/etc/g/", "owner": "{ME}", "perm": "0600"}},
            {{"source": "{CF}/*.ini", "dest": "/etc/all/", "owner": "{ME}", "perm": "0600"}},
            {{"source": "{CF}/nothing*", "dest": "/etc/n/", "owner": "{ME}", "perm": "0600", "optional": true}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(root.read("/etc/g/g1.ini"), "1");
    assert_eq!(root.read("/etc/g/g2.ini"), "2");
    assert!(!root.exists("/etc/all/.hidden.ini"));
    assert!(!root.exists("/etc/n"));

    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/nothing*", "dest": "/etc/n/", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    fails(
        root.copy(),
        1,
        &format!("ERROR MissingRequiredSource: {CF}/nothing* file is not found"),
    );
}

#[test]
fn d16_directories_replace_or_merge() {
    let root = Root::new();
    root.write(&format!("{CF}/tree/a.conf"), "a");
    root.write(&format!("{CF}/tree/sub/b.conf"), "b");
    root.write(&format!("{CF}/tree/.dot"), "d");
    root.write("/etc/tree/extra", "keep?");
    let cfg = |merge: bool| {
        format!(
            r#"{{"command": "x", "config_files": [{{"source": "{CF}/tree", "dest": "/etc/tree", "owner": "{ME}", "perm": "0640", "merge": {merge}}}]}}"#
        )
    };
    root.config(&cfg(true));
    ok(root.copy());
    assert_eq!(root.read("/etc/tree/extra"), "keep?");
    assert_eq!(root.read("/etc/tree/sub/b.conf"), "b");
    assert_eq!(root.read("/etc/tree/.dot"), "d");
    assert_eq!(root.mode("/etc/tree/sub"), 0o750);
    assert_eq!(root.mode("/etc/tree/a.conf"), 0o640);
    root.config(&cfg(false));
    ok(root.copy());
    assert!(!root.exists("/etc/tree/extra"));
    assert_eq!(root.read("/etc/tree/a.conf"), "a");
}

#[test]
fn d16_parents_are_created_and_a_file_replaces_a_directory() {
    let root = Root::new();
    root.write(&format!("{CF}/f"), "new");
    root.write("/deep/er/target/inside", "old");
    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/f", "dest": "/deep/er/target", "owner": "{ME}", "perm": "0600"}},
            {{"source": "{CF}/f", "dest": "/made/for/me/f", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    let log = ok(root.copy());
    assert_eq!(root.read("/deep/er/target"), "new");
    assert!(log.contains("INFO Deleting /deep/er/target"));
    assert_eq!(root.read("/made/for/me/f"), "new");
    assert!(log.contains(&format!("INFO Copying {CF}/f to /made/for/me/f")));
}

#[test]
fn d16_copies_are_atomic_renames() {
    let root = Root::new();
    simple(&root, "0600");
    ok(root.copy());
    let before = fs::metadata(root.paths.real("/etc/svc/svc.conf"))
        .unwrap()
        .ino();
    // A reader holding the old file keeps reading whole old content.
    let held = fs::read_to_string(root.paths.real("/etc/svc/svc.conf")).unwrap();
    root.write(&format!("{CF}/svc.conf"), "[DEFAULT]\na = 2\n");
    ok(root.copy());
    let after = fs::metadata(root.paths.real("/etc/svc/svc.conf"))
        .unwrap()
        .ino();
    assert_ne!(
        before, after,
        "the file is replaced by rename, not rewritten in place"
    );
    assert_eq!(held, "[DEFAULT]\na = 1\n");
    let leftovers: Vec<_> = fs::read_dir(root.paths.real("/etc/svc"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn d17_preserve_properties_copies_mode_and_times() {
    let root = Root::new();
    root.write(&format!("{CF}/p.conf"), "p");
    root.chmod(&format!("{CF}/p.conf"), 0o604);
    let src = fs::File::options()
        .write(true)
        .open(root.paths.real(&format!("{CF}/p.conf")))
        .unwrap();
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    src.set_modified(t).unwrap();
    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/p.conf", "dest": "/etc/p.conf", "preserve_properties": true}}]}}"#
    ));
    let log = ok(root.copy());
    assert!(log.contains(&format!(
        "INFO Copying permissions from {CF}/p.conf onto /etc/p.conf"
    )));
    assert_eq!(root.mode("/etc/p.conf"), 0o604);
    assert_eq!(
        fs::metadata(root.paths.real("/etc/p.conf"))
            .unwrap()
            .modified()
            .unwrap(),
        t
    );
    // Fixed upstream bug: a preserve_properties entry checks clean.
    ok(root.check());
}

#[test]
fn d16e_merge_and_preserve_copy_symlinks_as_symlinks() {
    let root = Root::new();
    fs::create_dir_all(root.paths.real(&format!("{CF}/links"))).unwrap();
    std::os::unix::fs::symlink("../target.conf", root.paths.real(&format!("{CF}/links/l")))
        .unwrap();
    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/links", "dest": "/etc/links", "merge": true, "preserve_properties": true}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(
        fs::read_link(root.paths.real("/etc/links/l"))
            .unwrap()
            .to_str(),
        Some("../target.conf")
    );
}

// --- E. Owners and permissions ------------------------------------------

#[test]
fn e18_unknown_user_or_group_is_an_unexpected_error() {
    let root = Root::new();
    root.write(&format!("{CF}/a"), "a");
    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/a", "dest": "/etc/a", "owner": "nosuchuser", "perm": "0600"}}]}}"#
    ));
    fails(
        root.copy(),
        2,
        r#"Unexpected error: KeyError: "getpwnam(): name not found: 'nosuchuser'""#,
    );
    root.config(r#"{"command": "x", "permissions": [{"path": "/etc", "owner": "kolla-test-user:nogroup"}]}"#);
    fails(
        root.copy(),
        2,
        r#"KeyError: "getgrnam(): name not found: 'nogroup'""#,
    );
}

#[test]
fn e18_owners_resolve_through_the_containers_own_files() {
    let root = Root::new();
    if fsuid() != 0 {
        ci::skip("chown to arbitrary ids needs root");
        return;
    }
    root.write(
        "/etc/passwd",
        "root:x:0:0::/:/bin/sh\nnova:x:42436:42436::/:/bin/sh\n",
    );
    root.write(
        "/etc/group",
        "root:x:0:\nnova:x:42436:\nkolla:x:42400:nova\n",
    );
    root.write(&format!("{CF}/nova.conf"), "n");
    root.config(&format!(
        r#"{{"command": "x", "config_files": [
            {{"source": "{CF}/nova.conf", "dest": "/etc/nova/nova.conf", "owner": "nova", "perm": "0600"}},
            {{"source": "{CF}/nova.conf", "dest": "/etc/nova/k.conf", "owner": "nova:kolla", "perm": "0600"}}]}}"#
    ));
    ok(root.copy());
    let md = fs::metadata(root.paths.real("/etc/nova/nova.conf")).unwrap();
    assert_eq!((md.uid(), md.gid()), (42436, 42436));
    let md = fs::metadata(root.paths.real("/etc/nova/k.conf")).unwrap();
    assert_eq!((md.uid(), md.gid()), (42436, 42400));
    ok(root.check());
    // The owner named in config.json changes: a real config change.
    root.config(&format!(
        r#"{{"command": "x", "config_files": [
            {{"source": "{CF}/nova.conf", "dest": "/etc/nova/nova.conf", "owner": "nova:kolla", "perm": "0600"}},
            {{"source": "{CF}/nova.conf", "dest": "/etc/nova/k.conf", "owner": "nova:kolla", "perm": "0600"}}]}}"#
    ));
    fails(root.check(), 1, "ConfigFileBadState");
}

fn fsuid() -> u32 {
    fs::metadata("/proc/self").unwrap().uid()
}

#[test]
fn e19_perm_forms_directories_and_missing_paths() {
    let root = Root::new();
    root.write("/data/f", "f");
    root.config(&format!(
        r#"{{"command": "x", "permissions": [
            {{"path": "/data", "owner": "{ME}", "perm": "0o640"}},
            {{"path": "/data/f", "owner": "{ME}", "perm": "2644"}},
            {{"path": "/absent/*", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(root.mode("/data"), 0o750);
    assert_eq!(root.mode("/data/f"), 0o2644);
    root.config(&format!(
        r#"{{"command": "x", "permissions": [{{"path": "/data", "owner": "{ME}", "perm": "rwx"}}]}}"#
    ));
    fails(root.copy(), 2, "Unexpected error: ValueError: Invalid permission 'rwx'. Expected a valid UNIX permission (e.g. 644, 0600, 2755) or a Python octal literal (e.g. 0o644, 0o0600, 0o2755).");
}

#[test]
fn e20_e21_recurse_with_exclude() {
    let root = Root::new();
    for p in [
        "/data/keep/a",
        "/data/skip/b",
        "/data/skipper",
        "/data/c",
        "/data/both/x",
    ] {
        root.write(p, "x");
    }
    let run = |excl: &str| {
        root.config(&format!(
            r#"{{"command": "x", "permissions": [{{"path": "/data", "owner": "{ME}", "perm": "0600", "recurse": true, "exclude": {excl}}}]}}"#
        ));
        for p in [
            "/data/keep/a",
            "/data/skip/b",
            "/data/skipper",
            "/data/c",
            "/data/both/x",
        ] {
            root.chmod(p, 0o644);
        }
        ok(root.copy())
    };
    run(r#"["/data/skip"]"#);
    assert_eq!(root.mode("/data"), 0o700, "the top is always processed");
    assert_eq!(root.mode("/data/keep/a"), 0o600);
    assert_eq!(root.mode("/data/c"), 0o600);
    assert_eq!(
        root.mode("/data/skip/b"),
        0o644,
        "regex search on the full path"
    );
    assert_eq!(root.mode("/data/skipper"), 0o644);
    // Upstream quirk kept: with two patterns only items matching both are skipped.
    let log = run(r#"["/data/skip", "/data/both|/data/skip"]"#);
    assert_eq!(root.mode("/data/skip/b"), 0o644);
    assert_eq!(root.mode("/data/both/x"), 0o600);
    assert_eq!(log.matches("Setting permission for /data/c\n").count(), 2);
}

// --- F. directories and files -------------------------------------------

#[test]
fn f23_files_section_rules() {
    let root = Root::new();
    root.write("/var/lib/x/existing", "keep me");
    root.config(&format!(
        r#"{{"command": "x", "files": [{{"path": "/var/lib/x/existing", "owner": "{ME}", "perm": "0600"}},
            {{"path": "/var/lib/x/new", "owner": "{ME}", "perm": "0640"}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(root.read("/var/lib/x/existing"), "keep me");
    assert_eq!(root.read("/var/lib/x/new"), "");
    assert_eq!(root.mode("/var/lib/x/new"), 0o640);
    std::os::unix::fs::symlink("/etc", root.paths.real("/var/lib/x/link")).unwrap();
    for (path, msg) in [
        (
            "/var/lib/x/link",
            "OSError: Path is a symbolic link, expected regular file (/var/lib/x/link)",
        ),
        (
            "/var/lib/x",
            "OSError: Path is a directory, expected file (/var/lib/x)",
        ),
        (
            "/var/lib/nope/f",
            "OSError: Parent directory does not exist (/var/lib/nope)",
        ),
    ] {
        root.config(&format!(
            r#"{{"command": "x", "files": [{{"path": "{path}", "owner": "{ME}", "perm": "0600"}}]}}"#
        ));
        fails(root.copy(), 2, msg);
    }
}

// --- G. Defaults backup and restore (swap bug fixed) ----------------------

#[test]
fn g26_image_default_survives_every_start() {
    let root = Root::new();
    root.write("/etc/svc/shipped.conf", "image-default");
    root.write(&format!("{CF}/shipped.conf"), "kolla-config");
    let cfg = format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/shipped.conf", "dest": "/etc/svc/shipped.conf", "owner": "{ME}", "perm": "0600"}}]}}"#
    );
    root.config(&cfg);
    for start in 1..=4 {
        ok(root.copy());
        assert_eq!(
            root.read("/etc/svc/shipped.conf"),
            "kolla-config",
            "start {start}"
        );
        assert_eq!(
            root.read("/etc/kolla/defaults/etc/svc/shipped.conf"),
            "image-default",
            "start {start}"
        );
        ok(root.check());
    }
    assert_eq!(
        root.read("/etc/kolla/defaults/state"),
        "{\n    \"/etc/svc/shipped.conf\": {\n        \"source\": \"/etc/svc/shipped.conf\",\n        \"preserve_properties\": true,\n        \"dest\": \"/etc/kolla/defaults/etc/svc/shipped.conf\"\n    }\n}"
    );
}

#[test]
fn g27_dropped_entries_are_restored_then_forgotten() {
    let root = Root::new();
    root.write("/etc/svc/shipped.conf", "image-default");
    root.write(&format!("{CF}/shipped.conf"), "kolla-config");
    root.write(&format!("{CF}/new.conf"), "new");
    let both = format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/shipped.conf", "dest": "/etc/svc/shipped.conf", "owner": "{ME}", "perm": "0600"}},
            {{"source": "{CF}/new.conf", "dest": "/etc/svc/", "owner": "{ME}", "perm": "0600"}}]}}"#
    );
    root.config(&both);
    ok(root.copy());
    assert_eq!(root.read("/etc/svc/new.conf"), "new");
    ok(root.check());
    root.config(r#"{"command": "x"}"#);
    // The config really changed: both files would be restored or removed.
    fails(
        root.check(),
        1,
        "ERROR StateMismatch: The following config files are tracked in state but missing from the config file. They would be restored or removed: ['/etc/svc/new.conf', '/etc/svc/shipped.conf']",
    );
    ok(root.copy());
    assert_eq!(root.read("/etc/svc/shipped.conf"), "image-default");
    assert!(!root.exists("/etc/svc/new.conf"));
    // Fixed upstream bug: once applied, the change is no longer reported.
    ok(root.check());
    assert_eq!(root.read("/etc/kolla/defaults/state"), "{}");
}

#[test]
fn g_state_swapped_by_upstream_is_read_the_right_way_round() {
    let root = Root::new();
    root.write("/etc/kolla/defaults/etc/svc/s.conf", "image-default");
    root.write("/etc/svc/s.conf", "kolla-config");
    root.write(
        "/etc/kolla/defaults/state",
        r#"{"/etc/svc/s.conf": {"source": "/etc/kolla/defaults/etc/svc/s.conf", "preserve_properties": true, "dest": "/etc/svc/s.conf"}}"#,
    );
    root.write(&format!("{CF}/s.conf"), "kolla-config");
    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/s.conf", "dest": "/etc/svc/s.conf", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(
        root.read("/etc/kolla/defaults/etc/svc/s.conf"),
        "image-default"
    );
}

// --- H. /run_command ------------------------------------------------------

#[test]
fn h28_run_command_is_written_verbatim() {
    let root = Root::new();
    root.config(r#"{"command": "svc  --a\t'b c' *"}"#);
    ok(root.copy());
    assert_eq!(root.read("/run_command"), "svc  --a\t'b c' *");
    assert_eq!(root.mode("/run_command"), 0o644);
}

// --- I. --check -------------------------------------------------------------

#[test]
fn i30_command_check() {
    let root = Root::new();
    simple(&root, "0600");
    fails(root.check(), 2, "Unexpected error:");
    ok(root.copy());
    root.config(&format!(
        r#"{{"command": "svc --new", "config_files": [{{"source": "{CF}/svc.conf", "dest": "/etc/svc/svc.conf", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    fails(
        root.check(),
        1,
        "ERROR ConfigFileCommandDiffers: Running command differs. svc --new != svc --opt 'x y'",
    );
}

#[test]
fn i33_check_is_clean_right_after_a_copy_for_every_perm_form() {
    for perm in ["0600", "600", "0o600", "2640", "0o2640"] {
        let root = Root::new();
        simple(&root, perm);
        ok(root.copy());
        ok(root.check());
    }
}

#[test]
fn i33_check_detects_content_mode_and_new_sources() {
    let root = Root::new();
    simple(&root, "0600");
    ok(root.copy());
    root.write(&format!("{CF}/svc.conf"), "[DEFAULT]\na = 2\n");
    let log = fails(
        root.check(),
        1,
        &format!("ERROR ConfigFileBadState: Following files are in bad state: ['{CF}/svc.conf']"),
    );
    assert!(log.contains(&format!(
        "ERROR The content of source file({CF}/svc.conf) and dest file(/etc/svc/svc.conf) are not equal."
    )));
    ok(root.copy());
    ok(root.check());
    root.chmod("/etc/svc/svc.conf", 0o644);
    fails(
        root.check(),
        1,
        "Dest file does not have expected perm: 0600, actual: 0644",
    );
    ok(root.copy());
    // perm in config.json changes
    simple(&root, "0640");
    fails(root.check(), 1, "ConfigFileBadState");
    ok(root.copy());
    ok(root.check());
    // An optional source that appears is a change.
    root.config(&format!(
        r#"{{"command": "svc --opt 'x y'", "config_files": [
            {{"source": "{CF}/svc.conf", "dest": "/etc/svc/svc.conf", "owner": "{ME}", "perm": "0640"}},
            {{"source": "{CF}/extra.conf", "dest": "/etc/svc/extra.conf", "owner": "{ME}", "perm": "0640", "optional": true}}]}}"#
    ));
    ok(root.check());
    root.write(&format!("{CF}/extra.conf"), "e");
    fails(root.check(), 1, "ConfigFileBadState");
    fs::remove_file(root.paths.real(&format!("{CF}/svc.conf"))).unwrap();
    fails(
        root.check(),
        1,
        &format!("MissingRequiredSource: {CF}/svc.conf file is not found"),
    );
}

#[test]
fn i34_directory_sources_check_clean_and_detect_changes() {
    let root = Root::new();
    root.write(&format!("{CF}/tree/a.conf"), "a");
    root.write(&format!("{CF}/tree/sub/deeper/b.conf"), "b");
    root.config(&format!(
        r#"{{"command": "x", "config_files": [{{"source": "{CF}/tree", "dest": "/etc/tree", "owner": "{ME}", "perm": "0600"}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(root.mode("/etc/tree/sub/deeper"), 0o700);
    // Fixed upstream bug: subdirectories are compared at the right path,
    // with the execute bits a copy adds.
    ok(root.check());
    root.chmod("/etc/tree/sub", 0o755);
    fails(
        root.check(),
        1,
        "Dest dir does not have expected perm: 0700, actual: 0755",
    );
    ok(root.copy());
    ok(root.check());
    root.write(&format!("{CF}/tree/sub/deeper/b.conf"), "b2");
    fails(root.check(), 1, &format!("['{CF}/tree']"));
    ok(root.copy());
    // A file removed from the source would be removed by a (non-merge) copy.
    fs::remove_file(root.paths.real(&format!("{CF}/tree/a.conf"))).unwrap();
    fails(root.check(), 1, "ConfigFileBadState");
    ok(root.copy());
    ok(root.check());
}

#[test]
fn i_check_ignores_strategy_and_changes_nothing() {
    let root = Root::new();
    simple(&root, "0600");
    ok(root.copy());
    let state = root.read("/etc/kolla/defaults/state");
    ok(root.run(&["--check"], Some("garbage")));
    assert_eq!(root.read("/etc/kolla/defaults/state"), state);
}

#[test]
fn i35_an_optional_source_that_disappears_is_a_change() {
    let root = Root::new();
    root.write("/etc/svc/policy.yaml", "image-default");
    root.write(&format!("{CF}/policy.yaml"), "operator-policy");
    root.write(&format!("{CF}/svc.conf"), "s");
    root.config(&format!(
        r#"{{"command": "x", "config_files": [
            {{"source": "{CF}/policy.yaml", "dest": "/etc/svc/policy.yaml", "owner": "{ME}", "perm": "0600", "optional": true}},
            {{"source": "{CF}/new.yaml", "dest": "/etc/svc/new.yaml", "owner": "{ME}", "perm": "0600", "optional": true}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(root.read("/etc/svc/policy.yaml"), "operator-policy");
    ok(root.check());
    fs::remove_file(root.paths.real(&format!("{CF}/policy.yaml"))).unwrap();
    fails(
        root.check(),
        1,
        &format!("ConfigFileBadState: Following files are in bad state: ['{CF}/policy.yaml']"),
    );
    ok(root.copy());
    assert_eq!(root.read("/etc/svc/policy.yaml"), "image-default");
    ok(root.check());
}

#[test]
fn f22_directories_are_created_with_perm_on_the_leaf_only() {
    let root = Root::new();
    root.config(&format!(
        r#"{{"command": "x", "directories": [{{"path": "/var/lib/svc/a/b", "owner": "{ME}", "perm": "0640"}}]}}"#
    ));
    ok(root.copy());
    assert_eq!(root.mode("/var/lib/svc/a/b"), 0o750);
    assert_eq!(root.mode("/var/lib/svc/a"), 0o755);
    root.write("/var/lib/file", "x");
    root.config(&format!(
        r#"{{"command": "x", "directories": [{{"path": "/var/lib/file/sub", "owner": "{ME}", "perm": "0640"}}]}}"#
    ));
    fails(
        root.copy(),
        2,
        "Unexpected error: OSError: Can't create destination directory (/var/lib/file/sub)",
    );
}
