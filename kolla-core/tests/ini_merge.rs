//! Golden tests for the INI merge: every case under `tests/inputs/ini/`
//! (spec sections F and G, other verified spec examples, and differential
//! cases whose expected output was produced by upstream; see `gen_golden.py`
//! there), and the bench data's expected outputs.

use std::fs;
use std::path::{Path, PathBuf};

use kolla_core::ini::{merge_files, MergeOptions};

#[path = "common/ci.rs"]
mod ci;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/ini");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_golden_case() {
    let cases = cases();
    assert!(cases.len() >= 60, "found only {} cases", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let options = MergeOptions {
            whitespace: !dir.join("no-whitespace").exists(),
            ..Default::default()
        };
        let got = merge_files(&sources(dir), &options);
        let name = dir.file_name().unwrap().to_string_lossy();
        if let Ok(expected) = fs::read_to_string(dir.join("expected.ini")) {
            match got {
                Ok(out) if out == expected => {}
                other => failures.push(format!("{name}: expected {expected:?}, got {other:?}")),
            }
        } else {
            let expected = fs::read_to_string(dir.join("expected.err")).unwrap();
            let prefix = format!("{}/", dir.display());
            match got {
                Err(e) => {
                    let text = format!("{}\n", e.to_string().replace(&prefix, ""));
                    if text != expected {
                        failures.push(format!("{name}: expected {expected:?}, got {text:?}"));
                    }
                    let loc = e.location().expect("parse errors carry a location");
                    assert!(loc.path.starts_with(&prefix), "{name}: {loc}");
                    assert_eq!(e.kind(), "config");
                }
                Ok(out) => failures.push(format!("{name}: expected error, got {out:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn bench_chain(host: &str, service: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench-data/merge");
    vec![
        root.join("base/nova.conf"),
        root.join("custom/global.conf"),
        root.join("custom/database.conf"),
        root.join("custom/messaging.conf"),
        root.join("custom/nova.conf"),
        root.join(format!("custom/nova/{service}.conf")),
        root.join(format!("custom/nova/{host}/nova.conf")),
    ]
}

#[test]
fn bench_data_expected_outputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench-data/merge");
    if !root.exists() {
        // CI always has shared/ beside the checkout: there a missing copy is a failure.
        ci::skip(&format!("no bench data at {}", root.display()));
        return;
    }
    for (host, service) in [
        ("compute0001", "nova-api"),
        ("compute1000", "nova-compute-ironic"),
    ] {
        let expected =
            fs::read_to_string(root.join(format!("expected/{host}/{service}/nova.conf"))).unwrap();
        let got = merge_files(&bench_chain(host, service), &MergeOptions::default()).unwrap();
        assert!(got == expected, "{host}/{service} differs");
    }
}

#[test]
fn missing_sources_are_skipped_unless_strict() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.conf");
    fs::write(&a, "[a]\nk = 1\n").unwrap();
    let missing = dir.path().join("nope.conf");
    let out = merge_files(&[&missing, &a, &missing], &MergeOptions::default()).unwrap();
    assert_eq!(out, "[a]\nk = 1\n\n");
    assert_eq!(
        merge_files(&[&missing], &MergeOptions::default()).unwrap(),
        ""
    );
    let strict = MergeOptions {
        strict: true,
        ..Default::default()
    };
    let err = merge_files(&[&a, &missing], &strict).unwrap_err();
    assert_eq!(err.kind(), "config");
    assert_eq!(err.path().unwrap(), missing.display().to_string());
}

#[test]
fn a_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = merge_files(&[dir.path()], &MergeOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("[Errno 21] Is a directory: '{}'", dir.path().display())
    );
}

#[test]
fn sources_are_rendered_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.conf");
    fs::write(
        &a,
        "[a]\n{% if x %}k = {{ x }}\n{% endif %}j = {{ '{{' }}\n",
    )
    .unwrap();
    let options = MergeOptions {
        vars: serde_json::json!({"x": "on"}),
        ..Default::default()
    };
    assert_eq!(
        merge_files(&[&a], &options).unwrap(),
        "[a]\nk = on\nj = {{\n\n"
    );
    // Indented block tags leave nothing behind (upstream renders merge_configs
    // sources with lstrip_blocks), so the next line is no continuation.
    let c = dir.path().join("c.conf");
    fs::write(&c, "[a]\nk = 1\n  {% if x %}\nj = 2\n  {% endif %}\n").unwrap();
    assert_eq!(
        merge_files(&[&c], &options).unwrap(),
        "[a]\nk = 1\nj = 2\n\n"
    );
    let undefined = merge_files(&[&a], &MergeOptions::default()).unwrap_err();
    assert_eq!(undefined.kind(), "template");
    // A parse error after rendering still names the source file.
    let b = dir.path().join("b.conf");
    fs::write(&b, "[b]\n{{ 'oops' }}\n").unwrap();
    let err = merge_files(&[&b], &MergeOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:2:1: at line 2, No ':' or '=' found in assignment: 'oops'",
            b.display()
        )
    );
}

#[test]
fn sources_unreadable_even_for_root_are_skipped() {
    // merge_configs skips what `os.access(path, R_OK)` rejects: a path
    // through a regular file and a symbolic link loop are rejected for root too.
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.conf");
    fs::write(&a, "[a]\nk = 1\n").unwrap();
    let looped = dir.path().join("loop.conf");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let out = merge_files(&[&a, &a.join("x.conf"), &looped], &MergeOptions::default()).unwrap();
    assert_eq!(out, "[a]\nk = 1\n\n");
}
