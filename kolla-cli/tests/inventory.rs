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
    assert_eq!(
        err,
        "[WARNING]: Invalid characters were found in group names but not replaced, use -vvvv to see details\n"
    );
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
        format!("error: {bad}:2: host range must specify equal-length begin and end formats\n")
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
