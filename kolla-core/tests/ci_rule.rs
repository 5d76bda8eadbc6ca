//! The one rule for "CI is set": the Rust helper (`common/ci.rs`) and the
//! shell's (`scripts/lib.sh`) agree on every value, and the skipping script
//! fails instead of skipping when CI is set.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/ci.rs"]
mod ci;

const VALUES: &[(&str, bool)] = &[
    ("", false),
    ("0", false),
    ("false", false),
    ("False", false),
    ("FALSE", false),
    ("1", true),
    ("true", true),
    ("True", true),
    ("yes", true),
    ("no", true),
    ("github-actions", true),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `ci_is_set` from scripts/lib.sh with `CI` set to `value` (or unset).
fn shell_says(value: Option<&str>) -> bool {
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(". scripts/lib.sh && ci_is_set")
        .current_dir(repo());
    match value {
        Some(v) => cmd.env("CI", v),
        None => cmd.env_remove("CI"),
    };
    cmd.status().unwrap().success()
}

#[test]
fn ci_1_counts_as_set_and_empty_0_false_do_not() {
    assert!(!ci::means_set(None));
    assert!(!shell_says(None));
    for &(value, set) in VALUES {
        assert_eq!(ci::means_set(Some(OsStr::new(value))), set, "CI={value:?}");
        assert_eq!(shell_says(Some(value)), set, "scripts/lib.sh, CI={value:?}");
    }
}

/// As an unprivileged user the differential check cannot run: it skips
/// (exit 0, "SKIPPED") without CI and fails with CI set.
#[test]
fn set_configs_differential_fails_instead_of_skipping_under_ci() {
    let root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if !root || Command::new("setpriv").arg("--help").output().is_err() {
        ci::skip("dropping to an unprivileged user needs root and setpriv");
        return;
    }
    let script = repo().join("scripts/set-configs-differential");
    let run = |ci: Option<&str>| {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash"])
            .arg(&script);
        match ci {
            Some(v) => cmd.env("CI", v),
            None => cmd.env_remove("CI"),
        };
        cmd.output().unwrap()
    };
    let out = run(None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("SKIPPED"), "{stderr}");
    let out = run(Some("1"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("FAIL: CI is set"), "{stderr}");
}
