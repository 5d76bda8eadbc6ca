//! `kolla merge-yaml` and `kolla render`, run as the built binary.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

fn kolla(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kolla"))
        .args(args)
        .output()
        .expect("run kolla")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn merge_yaml_end_to_end_matches_upstream() {
    let dir = tempfile::tempdir().unwrap();
    let y1 = dir.path().join("y1.yml");
    let y2 = dir.path().join("y2.yml");
    std::fs::write(
        &y1,
        "b: {{ val }}\na:\n  list: [1, 2]\n  name: \"{{ name }}\"\n",
    )
    .unwrap();
    std::fs::write(&y2, "a:\n  list: [3]\n  extra: café\n").unwrap();
    let missing = dir.path().join("missing.yml");
    let out = kolla(&[
        "merge-yaml",
        "--extend-lists",
        "-e",
        "val=5",
        "-e",
        "name=n1",
        y1.to_str().unwrap(),
        missing.to_str().unwrap(),
        y2.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "a:\n  extra: \"caf\\xE9\"\n  list:\n  - 1\n  - 2\n  - 3\n  name: n1\nb: 5\n"
    );
    // Skipping is what the plugin does; on the command line it is said.
    assert_eq!(
        text(&out.stderr),
        format!(
            "skipped {}: No such file or directory (os error 2) (--strict makes this an error)\n",
            missing.display()
        )
    );

    // --strict: the missing source is an error naming it; nothing is written.
    let dest = dir.path().join("out.yml");
    let out = kolla(&[
        "merge-yaml",
        "--strict",
        "-e",
        "val=5 name=n1",
        y1.to_str().unwrap(),
        missing.to_str().unwrap(),
        "-o",
        dest.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("missing.yml"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dest.exists());
}

#[test]
fn merge_yaml_writes_dest_atomically_with_mode() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yml");
    std::fs::write(&a, format!("x: {}\n", "word ".repeat(10))).unwrap();
    let vars = dir.path().join("vars.yml");
    std::fs::write(&vars, "unused: 1\n").unwrap();
    let dest = dir.path().join("out.yml");
    let out = kolla(&[
        "merge-yaml",
        "--yaml-width",
        "20",
        "--vars",
        vars.to_str().unwrap(),
        a.to_str().unwrap(),
        "-o",
        dest.to_str().unwrap(),
        "--mode",
        "0640",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&dest).unwrap(),
        "x: word word word word\n  word word word word\n  word word\n"
    );
    assert_eq!(
        std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
        0o640
    );

    // A failing merge leaves the existing DEST as it was.
    let bad = dir.path().join("bad.yml");
    std::fs::write(&bad, "x: {y: 1}\n").unwrap();
    let before = std::fs::read_to_string(&dest).unwrap();
    let out = kolla(&[
        "merge-yaml",
        a.to_str().unwrap(),
        bad.to_str().unwrap(),
        "-o",
        dest.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.yml:1:") && err.contains("`x`"), "{err}");
    assert_eq!(std::fs::read_to_string(&dest).unwrap(), before);
}

#[test]
fn merge_yaml_errors_carry_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yml");
    let b = dir.path().join("b.yml");
    std::fs::write(&a, "y: [1, 2]\n").unwrap();
    std::fs::write(&b, "\ny: three\n").unwrap();
    let out = kolla(&[
        "merge-yaml",
        "--extend-lists",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("b.yml:2:1: Failure merging key `y` in dictionary `{'y': [1, 2]}`. Expecting a list, but received: `three`, which is of type: `<class 'str'>`"),
        "{err}"
    );
    // JSON errors name the kind, path and line.
    std::fs::write(&b, "a: [\n").unwrap();
    let out = kolla(&["--format", "json", "merge-yaml", b.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(text(&out.stderr).trim()).unwrap();
    assert_eq!(v["kind"], "yaml");
    assert_eq!(v["path"], b.to_str().unwrap());
    assert!(v["line"].as_u64().is_some());
    // A template error in a source names the source and its line.
    std::fs::write(&b, "a: 1\nb: {{ nope }}\n").unwrap();
    let out = kolla(&["merge-yaml", b.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("b.yml:2:7: 'nope' is undefined"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn render_prints_or_fails_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("nova.conf.j2");
    std::fs::write(
        &t,
        "[DEFAULT]\n{% if debug | bool %}\ndebug = {{ debug }}\n{% endif %}\nport = {{ port }}\n",
    )
    .unwrap();
    let out = kolla(&[
        "render",
        t.to_str().unwrap(),
        "-e",
        "debug=yes",
        "-e",
        "{port: 8774}",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "[DEFAULT]\ndebug = yes\nport = 8774\n");

    let out = kolla(&["render", t.to_str().unwrap(), "-e", "debug=no"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("nova.conf.j2:5:11: 'port' is undefined"),
        "{}",
        text(&out.stderr)
    );
    // --format json fills the location fields, and says the cause once.
    let out = kolla(&[
        "--format",
        "json",
        "render",
        t.to_str().unwrap(),
        "-e",
        "debug=no",
    ]);
    let v: serde_json::Value = serde_json::from_str(text(&out.stderr).trim()).unwrap();
    assert_eq!(v["kind"], "template");
    assert_eq!(v["path"], t.to_str().unwrap());
    assert_eq!(
        (v["line"].as_u64(), v["column"].as_u64()),
        (Some(5), Some(11))
    );
    assert_eq!(v["causes"], serde_json::json!([]));

    // Includes are found next to the template.
    std::fs::write(dir.path().join("part.j2"), "x = {{ port }}\n").unwrap();
    let inc = dir.path().join("inc.j2");
    std::fs::write(&inc, "[a]\n{% include 'part.j2' %}").unwrap();
    let out = kolla(&["render", inc.to_str().unwrap(), "-e", "port=2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // As Ansible's templar: the included template loses its final newline
    // (golden case template_include/src/case-own-dir.j2).
    assert_eq!(text(&out.stdout), "[a]\nx = 2");

    // --search-path directories come first, then the template's own one,
    // as Ansible's [playbook dir, playbook dir/templates, dirname(source)].
    let play = dir.path().join("play");
    std::fs::create_dir_all(play.join("templates")).unwrap();
    std::fs::write(play.join("part.j2"), "from play {{ port }}\n").unwrap();
    std::fs::write(play.join("templates/only.j2"), "only in templates\n").unwrap();
    let both = dir.path().join("both.j2");
    std::fs::write(
        &both,
        "{% include 'part.j2' %}\n\n{% include 'only.j2' %}\n",
    )
    .unwrap();
    let out = kolla(&[
        "render",
        both.to_str().unwrap(),
        "-e",
        "port=3",
        "--search-path",
        play.to_str().unwrap(),
        "--search-path",
        play.join("templates").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "from play 3\nonly in templates\n");
    let out = kolla(&["render", both.to_str().unwrap(), "-e", "port=3"]);
    assert!(
        text(&out.stderr).contains("only.j2"),
        "{}",
        text(&out.stderr)
    );
    // An undefined variable in the included template is named there.
    let out = kolla(&["render", inc.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("part.j2:1:8: 'port' is undefined"),
        "{}",
        text(&out.stderr)
    );
    let help = kolla(&["render", "--help"]);
    assert!(text(&help.stdout).contains("--search-path <DIR>"));

    let dest = dir.path().join("nova.conf");
    let out = kolla(&[
        "render",
        t.to_str().unwrap(),
        "-e",
        "debug=no port=1",
        "-o",
        dest.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dest).unwrap(),
        "[DEFAULT]\nport = 1\n"
    );
}

#[test]
fn ansible_golden_cases_through_the_cli() {
    // Upstream's bytes (tests/ansible/golden/merge_yaml), written by
    // kolla-ansible 22.2.0's merge_yaml under ansible-playbook.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ansible");
    let cases = kolla_core::yaml::load(
        "cases.yml",
        &std::fs::read_to_string(root.join("data/merge_yaml/cases.yml")).unwrap(),
    )
    .unwrap();
    let vars = r#"{"val": 5, "name": "n1", "enable_x": "yes", "port": "8774", "items": ["a", 1]}"#;
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let mut args: Vec<String> = vec!["merge-yaml".into(), "-e".into(), vars.into()];
        if case["extend_lists"].as_bool() == Some(true) {
            args.push("--extend-lists".into());
        }
        if let Some(w) = case["yaml_width"].as_u64() {
            args.extend(["--yaml-width".into(), w.to_string()]);
        }
        for s in case["sources"].as_array().unwrap() {
            let p = root
                .join("data/merge_yaml")
                .join(name)
                .join(s.as_str().unwrap());
            args.push(p.display().to_string());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = kolla(&refs);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let want = std::fs::read(root.join(format!("golden/merge_yaml/{name}.yml"))).unwrap();
        assert_eq!(out.stdout, want, "case {name}");
    }
}

#[test]
fn merge_yaml_includes_search_the_search_path() {
    let dir = tempfile::tempdir().unwrap();
    let play = dir.path().join("play");
    std::fs::create_dir_all(play.join("templates")).unwrap();
    std::fs::write(play.join("templates/scrape.j2"), "- job: {{ job }}\n").unwrap();
    let src = dir.path().join("prometheus.yml");
    std::fs::write(&src, "scrape_configs:\n{% include 'scrape.j2' %}\n").unwrap();
    let out = kolla(&[
        "merge-yaml",
        "-e",
        "job=node",
        "--search-path",
        play.join("templates").to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "scrape_configs:\n- job: node\n");
    let out = kolla(&["merge-yaml", "-e", "job=node", src.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("scrape.j2"),
        "{}",
        text(&out.stderr)
    );
}

/// kolla-ansible's merge_yaml skips every source `os.access(path, R_OK)`
/// rejects, not only missing ones. These are unreadable even for root: a
/// path through a regular file (ENOTDIR) and a symbolic link loop (ELOOP);
/// a file without read permission is another, for other users. A directory
/// passes `os.access` and then fails to read, as upstream.
#[test]
fn merge_yaml_skips_unreadable_sources_like_the_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yml");
    std::fs::write(&a, "a: 1\n").unwrap();
    let through_file = a.join("b.yml");
    let looped = dir.path().join("loop.yml");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let no_read = dir.path().join("no-read.yml");
    std::fs::write(&no_read, "a: 3\n").unwrap();
    std::fs::set_permissions(&no_read, std::fs::Permissions::from_mode(0o000)).unwrap();
    let c = dir.path().join("c.yml");
    std::fs::write(&c, "c: 2\n").unwrap();
    assert!(
        std::fs::read(&through_file).is_err() && std::fs::read(&looped).is_err(),
        "these sources must be unreadable for this test"
    );
    let root = std::fs::read(&no_read).is_ok();
    let out = kolla(&[
        "merge-yaml",
        a.to_str().unwrap(),
        through_file.to_str().unwrap(),
        looped.to_str().unwrap(),
        no_read.to_str().unwrap(),
        c.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Root reads the mode-000 file (so does upstream's os.access for root).
    let want = if root { "a: 3\nc: 2\n" } else { "a: 1\nc: 2\n" };
    assert_eq!(text(&out.stdout), want);
    // Each skipped source is named on stderr, in order.
    let err = text(&out.stderr);
    let named: Vec<&str> = err
        .lines()
        .map(|l| l.strip_prefix("skipped ").unwrap_or(l))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    let mut want = vec![through_file.to_str().unwrap(), looped.to_str().unwrap()];
    if !root {
        want.push(no_read.to_str().unwrap());
    }
    assert_eq!(named, want, "{err}");

    // --strict refuses them, naming the first.
    let out = kolla(&[
        "merge-yaml",
        "--strict",
        a.to_str().unwrap(),
        looped.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("loop.yml"),
        "{}",
        text(&out.stderr)
    );

    // A directory is an error, with upstream's words.
    let out = kolla(&[
        "merge-yaml",
        a.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("[Errno 21] Is a directory"),
        "{}",
        text(&out.stderr)
    );
}
