//! `kolla genpwd` and `kolla mergepwd` end to end, against what kolla-ansible
//! 22.2.0's kolla-genpwd and kolla-mergepwd wrote for the same inputs
//! (tests/inputs/passwords/README.md).

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

fn input(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs/passwords")
        .join(name)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn genpwd_on_a_filled_file_writes_what_upstream_writes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("passwords.yml");
    fs::copy(input("prefilled.yml"), &p).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    let out = kolla(&["genpwd", "-p", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        fs::read_to_string(&p).unwrap(),
        fs::read_to_string(input("upstream-genpwd.yml")).unwrap()
    );
    assert_eq!(mode(&p), 0o600);
    let shown = text(&out);
    assert!(
        shown.contains("0 generated, 153 kept, 1 left blank (docker_registry_password)"),
        "{shown}"
    );
    assert!(shown.contains("its mode is now 0600"), "{shown}");
    assert!(!shown.contains("value0"), "a value was printed: {shown}");
}

#[test]
fn genpwd_fills_empty_values_with_a_release_size_key_and_prints_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("passwords.yml");
    // One empty SSH key (the only 4096-bit generation in the test suite).
    fs::write(
        &p,
        "nova_ssh_key:\n  private_key:\n  public_key:\nrbd_secret_uuid:\nx_password:\ny_password: kept\ndocker_registry_password:\n",
    )
    .unwrap();
    let out = kolla(&["--format", "json", "genpwd", "-p", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["filled"],
        serde_json::json!(["nova_ssh_key", "rbd_secret_uuid", "x_password"])
    );
    assert_eq!(report["kept"], 1);
    let written = fs::read_to_string(&p).unwrap();
    let v = kolla_core::yaml::load_data("p", &written).unwrap();
    let password = v["x_password"].as_str().unwrap();
    assert_eq!(password.len(), 40);
    assert!(!text(&out).contains(password));
    assert_eq!(v["y_password"], "kept");
    assert!(v["docker_registry_password"].is_null());
    // 4096-bit: a 512-byte modulus makes a public key line of about 724 characters.
    let public = v["nova_ssh_key"]["public_key"].as_str().unwrap();
    assert!(
        public.starts_with("ssh-rsa ") && (716..=732).contains(&public.len()),
        "{}",
        public.len()
    );
    assert!(v["nova_ssh_key"]["private_key"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----\n"));
    // When ssh-keygen is at hand, it derives the same public key from the private one.
    let key = dir.path().join("key");
    fs::write(&key, v["nova_ssh_key"]["private_key"].as_str().unwrap()).unwrap();
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    match Command::new("ssh-keygen")
        .arg("-y")
        .arg("-f")
        .arg(&key)
        .output()
    {
        Ok(derived) => {
            assert!(derived.status.success(), "{}", text(&derived));
            assert_eq!(String::from_utf8_lossy(&derived.stdout).trim(), public);
        }
        Err(e) if std::env::var_os("CI").is_some() => panic!("ssh-keygen: {e}"),
        Err(e) => eprintln!("skipping the ssh-keygen cross-check: {e}"),
    }
}

#[test]
fn genpwd_fills_the_whole_template() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("passwords.yml");
    // Keep it fast: pre-fill the SSH keys, then check every other key is filled.
    let template = kolla_core::passwords::TEMPLATE.replace(
        "  private_key:\n  public_key:\n",
        "  private_key: k\n  public_key: k\n",
    );
    fs::write(&p, &template).unwrap();
    let out = kolla(&["genpwd", "-p", p.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("147 generated, 7 kept, 1 left blank"),
        "{}",
        text(&out)
    );
    // (A missing file gets every key, 7 SSH key pairs included: that path is
    // tested in the core with small keys.)
    let out = kolla(&[
        "genpwd",
        "-p",
        dir.path().join("no/such/dir.yml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no/such/dir.yml"), "{}", text(&out));
}

#[test]
fn genpwd_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("passwords.yml");
    fs::write(&p, "a:\nb: [\n").unwrap();
    let out = kolla(&["genpwd", "-p", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains(&format!("{}:", p.display())),
        "{}",
        text(&out)
    );
    fs::write(&p, "a: s3cret\nnova_ssh_key: s3cret\n").unwrap();
    let out = kolla(&["genpwd", "-p", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains(&format!("{}:2:", p.display())),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("s3cret"));
    fs::write(&p, "- a\n").unwrap();
    let out = kolla(&["genpwd", "-p", p.to_str().unwrap()]);
    assert!(
        text(&out).contains("not in expected key/value format"),
        "{}",
        text(&out)
    );
    // Nothing was written over the malformed file.
    assert_eq!(fs::read_to_string(&p).unwrap(), "- a\n");
}

#[test]
fn mergepwd_writes_what_upstream_writes() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("new.yml");
    fs::write(&template, kolla_core::passwords::TEMPLATE).unwrap();
    for (clean, golden) in [
        (false, "upstream-mergepwd.yml"),
        (true, "upstream-mergepwd-clean.yml"),
    ] {
        let fin = dir.path().join(golden);
        let mut args = vec![
            "mergepwd",
            "--old",
            input("old.yml").to_str().unwrap().to_owned().leak(),
        ];
        args.extend([
            "--new",
            template.to_str().unwrap(),
            "--final",
            fin.to_str().unwrap(),
        ]);
        if clean {
            args.push("--clean");
        }
        let out = kolla(&args);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(
            fs::read_to_string(&fin).unwrap(),
            fs::read_to_string(input(golden)).unwrap(),
            "{golden}"
        );
        assert_eq!(mode(&fin), 0o600);
        assert!(!text(&out).contains("keepme"), "{}", text(&out));
        // Without --new, the embedded passwords.yml is the new file.
        let fin2 = dir.path().join("default-new.yml");
        let mut args = vec![
            "mergepwd",
            "--old",
            input("old.yml").to_str().unwrap().to_owned().leak(),
        ];
        args.extend(["--final", fin2.to_str().unwrap()]);
        if clean {
            args.push("--clean");
        }
        assert!(kolla(&args).status.success());
        assert_eq!(fs::read(&fin2).unwrap(), fs::read(&fin).unwrap());
    }
    let out = kolla(&[
        "mergepwd",
        "--old",
        "/nonexistent/old.yml",
        "--final",
        dir.path().join("f").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("/nonexistent/old.yml"),
        "{}",
        text(&out)
    );
}
