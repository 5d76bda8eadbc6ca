//! `kolla inventory` end to end, running the built binary.

use std::path::PathBuf;
use std::process::Command;

fn inputs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../kolla-core/tests/inputs/inventory")
}

fn kolla(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn multinode() -> String {
    inputs()
        .join("upstream/multinode-master")
        .display()
        .to_string()
}

#[test]
fn list_and_graph_print_ansible_inventory_bytes_and_warnings_go_to_stderr() {
    let (code, out, err) = kolla(&["inventory", "-i", &multinode(), "list"]);
    assert_eq!(code, 0, "{err}");
    let golden =
        std::fs::read_to_string(inputs().join("golden/multinode-master.list.json")).unwrap();
    assert_eq!(out, golden);
    // kolla has no -vvvv: its -v prints the details.
    assert_eq!(
        err,
        "[WARNING]: Invalid characters were found in group names but not replaced, use -v to see details\n"
    );
    let (code, _, err) = kolla(&["-v", "inventory", "-i", &multinode(), "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with(
            "[WARNING]: Invalid characters were found in group names but not replaced:\n  \
             Not replacing invalid character(s) \"{'-'}\" in group name (tls-backend)\n"
        ),
        "{err}"
    );
    assert!(!err.contains("vvvv"), "{err}");
    let (code, out, _) = kolla(&["inventory", "graph", "-i", &multinode()]);
    assert_eq!(code, 0);
    let golden =
        std::fs::read_to_string(inputs().join("golden/multinode-master.graph.txt")).unwrap();
    assert_eq!(out, golden);
}

#[test]
fn hosts_and_host() {
    let (code, out, _) = kolla(&[
        "inventory",
        "-i",
        &multinode(),
        "hosts",
        "nova-api:!control02",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out, "control01\ncontrol03\n");
    let (_, out, _) = kolla(&[
        "--format",
        "json",
        "inventory",
        "-i",
        &multinode(),
        "hosts",
        "compute",
    ]);
    assert_eq!(out, "[\"compute01\"]\n");
    let (code, out, _) = kolla(&["inventory", "-i", &multinode(), "host", "localhost"]);
    assert_eq!(code, 0);
    assert_eq!(out, "{\n    \"ansible_connection\": \"local\"\n}\n");
    let (code, _, err) = kolla(&["inventory", "-i", &multinode(), "host", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown host \"nope\""), "{err}");
}

#[test]
fn parse_error_names_file_and_line_and_exits_1() {
    let bad = inputs()
        .join("errors/range_unequal.ini")
        .display()
        .to_string();
    let (code, out, err) = kolla(&["inventory", "-i", &bad, "list"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(
        err,
        format!("error: {bad}:2:1: host range must specify equal-length begin and end formats\n")
    );
    let (code, _, err) = kolla(&["--format", "json", "inventory", "-i", &bad, "list"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(v["kind"], "inventory");
    assert_eq!(v["line"], 2);
    assert_eq!(v["path"], bad);
}

#[test]
fn check_reports_findings_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inv");
    std::fs::write(
        &inv,
        "[control]\nc1\n[nova-scheduller:children]\ncontrol\n[nova:children]\ncontrol\n",
    )
    .unwrap();
    let (code, out, _) = kolla(&["inventory", "-i", inv.to_str().unwrap(), "check"]);
    assert_eq!(code, 1);
    assert!(out.contains("group-typo: nova-scheduller:"), "{out}");
    let (code, out, _) = kolla(&["inventory", "-i", &multinode(), "check"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "no problems found\n");
}

#[test]
fn no_inventory_is_an_error() {
    let (code, _, err) = kolla(&["inventory", "list"]);
    assert_eq!(code, 1);
    assert!(err.contains("-i"), "{err}");
}

#[test]
fn hosts_warns_about_a_pattern_that_matches_nothing() {
    let (code, out, err) = kolla(&["inventory", "-i", &multinode(), "hosts", "nosuchgroup"]);
    assert_eq!(code, 0);
    assert_eq!(out, "");
    assert!(
        err.ends_with("[WARNING]: Could not match supplied host pattern, ignoring: nosuchgroup\n"),
        "{err}"
    );
}

#[test]
fn check_judges_against_the_release_asked_for() {
    let old = inputs().join("upstream/multinode-7.0.0");
    let old = old.to_str().unwrap();
    // 7.0.0's own inventory passes as 7.0.0 ...
    let (code, out, err) = kolla(&["inventory", "-i", old, "check", "--release", "7.0.0"]);
    assert_eq!((code, out.as_str()), (0, "no problems found\n"), "{err}");
    // ... and against the catalog's release its retired groups are unused.
    let (code, out, err) = kolla(&["inventory", "-i", old, "check"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("unused-group: kibana:") && out.contains("22.2.0"),
        "{out}"
    );
    assert!(err.contains("run check --release 7.0.0"), "{err}");
    let (code, _, err) = kolla(&["inventory", "-i", old, "check", "--release", "1.0"]);
    assert_eq!(code, 2, "an unknown release is a usage error: {err}");
    assert!(err.contains("4.0.0") && err.contains("22.2.0"), "{err}");
}

#[test]
fn a_broken_yaml_inventory_reports_the_yaml_error_with_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory.yml");
    std::fs::write(&inv, "all:\n  hosts:\n    h1:\n   bad: [\n").unwrap();
    let inv = inv.to_str().unwrap();
    let (code, _, err) = kolla(&["--format", "json", "inventory", "-i", inv, "list"]);
    assert_eq!(code, 1);
    let err: serde_json::Value = serde_json::from_str(&err).unwrap();
    assert_eq!(err["path"], inv);
    assert_eq!(err["line"], 4);
    assert!(err["column"].is_u64(), "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("YAML parsing failed"),
        "{err}"
    );
}
