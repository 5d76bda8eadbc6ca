//! `kolla upgrade --plan-batches` and `kolla upgrade --plan`.

use std::process::{Command, Output};

use serde_json::Value;

fn kolla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn plan_batches_is_ansibles_arithmetic() {
    let sizes = |n: &str, s: &str| {
        stdout(&kolla(&[
            "upgrade",
            "--plan-batches",
            n,
            &format!("--serial={s}"),
        ]))
        .trim()
        .to_string()
    };
    assert_eq!(sizes("10", "30%"), "[3,3,3,1]");
    assert_eq!(sizes("10", "[1, 30%, 50%]"), "[1,3,5,1]");
    assert_eq!(sizes("3", "0%"), "[1,1,1]");
    assert_eq!(sizes("3", "0"), "[3]");
    assert_eq!(sizes("10", "-1"), "[10]");
    let bad = kolla(&["upgrade", "--plan-batches", "4", "--serial", "12.5%"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("invalid literal for int() with base 10: '12.5'"),
        "{err}"
    );
}

#[test]
fn plan_shows_novas_batches() {
    let out = kolla(&[
        "--format",
        "json",
        "upgrade",
        "--plan",
        "--engine",
        "memory",
        "-i",
        "inventory/multinode",
        "--services",
        "nova",
        "-e",
        "nova_max_fail_percentage=20%",
    ]);
    let plan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let nova = plan["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "nova")
        .expect("nova planned");
    assert_eq!(nova["max_fail"], 20.0);
    let phase = |name: &str| {
        nova["phases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("phase {name}: {nova}"))
            .clone()
    };
    // 4 computes at 10%: one at a time; 3 controllers at 30%: one at a time.
    assert_eq!(phase("computes")["batches"].as_array().unwrap().len(), 4);
    assert_eq!(phase("controllers")["batches"].as_array().unwrap().len(), 3);
    assert_eq!(
        phase("stop-conductors")["batches"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(nova["bootstrap"][0]["env"], "KOLLA_UPGRADE");
    // The operator's --serial is honoured (not forced to 0).
    let out = kolla(&[
        "--format",
        "json",
        "upgrade",
        "--plan",
        "--engine",
        "memory",
        "-i",
        "inventory/multinode",
        "--services",
        "nova",
        "--serial",
        "2",
    ]);
    let plan: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let nova = plan["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "nova")
        .unwrap();
    let computes = nova["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "computes")
        .unwrap();
    assert_eq!(computes["batches"].as_array().unwrap().len(), 2);
}
