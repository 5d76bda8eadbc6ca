//! `kolla merge-ini` end to end: every golden case byte-exact, atomic DEST,
//! explain with redaction, strict mode.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kolla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(args)
        .output()
        .expect("run kolla")
}

fn golden_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../kolla-core/tests/inputs/ini")
}

fn sources(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .map(|p| p.display().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn every_golden_case_byte_exact() {
    let mut dirs: Vec<PathBuf> = fs::read_dir(golden_root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 60);
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut args = vec!["merge-ini".to_string()];
        if dir.join("no-whitespace").exists() {
            args.push("--no-whitespace".into());
        }
        args.extend(sources(&dir));
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = kolla(&argv);
        if let Ok(expected) = fs::read(dir.join("expected.ini")) {
            assert!(out.status.success(), "{name}: {out:?}");
            assert_eq!(out.stdout, expected, "{name}");
        } else {
            let expected = fs::read_to_string(dir.join("expected.err")).unwrap();
            assert_eq!(out.status.code(), Some(1), "{name}");
            assert!(out.stdout.is_empty(), "{name}");
            let stderr = String::from_utf8(out.stderr).unwrap();
            let prefix = format!("{}/", dir.display());
            assert_eq!(
                stderr.replace(&prefix, ""),
                format!("error: {expected}"),
                "{name}"
            );
        }
    }
}

#[test]
fn dest_is_written_atomically_with_mode_and_untouched_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.conf");
    let bad = dir.path().join("bad.conf");
    fs::write(&a, "[a]\nk = {{ v }}\n").unwrap();
    fs::write(&bad, "[b]\noops\n").unwrap();
    let dest = dir.path().join("out/nova.conf");
    fs::create_dir(dir.path().join("out")).unwrap();
    let d = dest.to_str().unwrap();
    let a_s = a.to_str().unwrap();
    let out = kolla(&["merge-ini", a_s, "-e", "v=1", "-o", d, "--mode", "0640"]);
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(fs::read_to_string(&dest).unwrap(), "[a]\nk = 1\n\n");
    assert_eq!(
        fs::metadata(&dest).unwrap().permissions().mode() & 0o7777,
        0o640
    );

    let out = kolla(&[
        "merge-ini",
        a_s,
        bad.to_str().unwrap(),
        "-e",
        "v=2",
        "-o",
        d,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.conf:2:1: at line 2, No ':' or '=' found in assignment: 'oops'"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&dest).unwrap(), "[a]\nk = 1\n\n");
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    let fresh = dir.path().join("never.conf");
    let out = kolla(&[
        "merge-ini",
        bad.to_str().unwrap(),
        "-o",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.exists());

    let out = kolla(&["merge-ini", a_s, "-e", "v=1", "-o", d, "--mode", "rw"]);
    assert_eq!(out.status.code(), Some(2), "a bad mode is a usage error");
}

#[test]
fn missing_sources_skip_or_fail_with_strict() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.conf");
    let m = missing.to_str().unwrap();
    let out = kolla(&["merge-ini", m]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    // The CLI says what it left out (the plugin skips silently, as upstream).
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "skipped {m}: No such file or directory (os error 2) (--strict makes this an error)\n"
        )
    );
    let out = kolla(&["--format", "json", "merge-ini", "--strict", m]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["kind"], "config");
    assert_eq!(err["path"], m);
}

#[test]
fn explain_redacts_secrets_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.conf");
    let b = dir.path().join("b.conf");
    fs::write(
        &a,
        "[database]\nconnection = mysql+pymysql://nova:dbpass@db/nova\n[keystone_authtoken]\npassword = kspass\nregion_name = One\n",
    )
    .unwrap();
    fs::write(
        &b,
        "[keystone_authtoken]\npassword = kspass2\nregion_name = Two\n",
    )
    .unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = kolla(&["merge-ini", "--explain", a, b]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for secret in ["dbpass", "kspass"] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(
        text.contains(&format!("region_name = Two    <- {b}:3")),
        "{text}"
    );
    assert!(text.contains(&format!("    replaced {a}:5: One")), "{text}");

    let out = kolla(&["--format", "json", "merge-ini", "--explain", a, b]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let password = &json["keys"][1];
    assert_eq!(password["key"], "password");
    assert_eq!(password["redacted"], true);
    assert_eq!(password["value"][0]["lines"][0], "********");
    assert_eq!(password["overridden"][0]["path"], a);
    assert_eq!(password["overridden"][0]["line"], 4);

    let out = kolla(&["merge-ini", "--explain", "--show-secrets", a, b]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("kspass2") && text.contains("dbpass"),
        "{text}"
    );
}

#[test]
fn includes_search_the_search_path_then_the_source_directory() {
    let dir = tempfile::tempdir().unwrap();
    let play = dir.path().join("play");
    let conf = dir.path().join("conf");
    fs::create_dir_all(play.join("templates")).unwrap();
    fs::create_dir_all(&conf).unwrap();
    fs::write(play.join("templates/common.j2"), "debug = {{ debug }}\n").unwrap();
    fs::write(conf.join("local.j2"), "port = {{ port }}\n").unwrap();
    let src = conf.join("nova.conf");
    // trim_blocks eats the newline after each include tag, and an included
    // template loses its final newline (Ansible renders this text to
    // "[DEFAULT]\ndebug = True\nport = 8774\n").
    fs::write(
        &src,
        "[DEFAULT]\n{% include 'common.j2' %}\n\n{% include 'local.j2' %}\n",
    )
    .unwrap();
    let out = kolla(&[
        "merge-ini",
        src.to_str().unwrap(),
        "-e",
        "debug=True",
        "-e",
        "port=8774",
        "--search-path",
        play.to_str().unwrap(),
        "--search-path",
        play.join("templates").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "[DEFAULT]\ndebug = True\nport = 8774\n\n"
    );
    // Without it only the source's own directory is searched.
    let out = kolla(&["merge-ini", src.to_str().unwrap(), "-e", "port=1"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nova.conf:2:4: ") && err.contains("common.j2"),
        "{err}"
    );
}
