//! Golden tests: each `tests/inputs/template/*.j2` was rendered by real
//! Ansible (ansible-core 2.19.14's templar, `scripts/gen-template-golden.py`)
//! with `vars.json`; our environment must give the same text, or fail where
//! Ansible fails.

use std::path::Path;

/// Cases where the reason is fancy-regex's own words (Python's `re` says
/// `missing ), unterminated subpattern at position 0`).
const ENGINE_REASON: &[(&str, &str)] = &[(
    "regex-err-pattern.j2",
    "invalid regular expression '(a': Parsing error at position 2: Opening parenthesis without closing parenthesis",
)];

#[test]
fn templates_render_like_ansible() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/template");
    let vars: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("vars.json")).unwrap()).unwrap();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "j2"))
        .collect();
    cases.sort();
    assert!(cases.len() > 30, "golden templates missing");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let src = std::fs::read_to_string(case).unwrap();
        let got = kolla_core::template::render(&name, &src, &vars);
        let out = case.with_extension("out");
        if out.exists() {
            let want = std::fs::read_to_string(&out).unwrap();
            match got {
                Ok(g) if g == want => {}
                Ok(g) => failures.push(format!("{name}:\n want {want:?}\n got  {g:?}")),
                Err(e) => failures.push(format!("{name}: unexpected error {e}")),
            }
            continue;
        }
        let upstream = std::fs::read_to_string(case.with_extension("err")).unwrap();
        match got {
            Ok(g) => failures.push(format!("{name}: expected error {upstream:?}, got {g:?}")),
            Err(e) => {
                let e = e.to_string();
                // Ansible's `'x' is undefined` text must appear as is, after our name:line.
                let quoted = upstream
                    .split_once(": ")
                    .map(|(_, m)| m.trim_end())
                    .filter(|m| m.ends_with("is undefined"));
                // A failing filter or test: Ansible's reason, after our name:line
                // (for patterns our engine rejects, its own reason).
                let reason = upstream
                    .split_once("' failed: ")
                    // Python's own words for `%` formatting errors.
                    .or_else(|| {
                        upstream
                            .split_once("Error rendering template: ")
                            .filter(|_| name.starts_with("percent-"))
                    })
                    .map(|(_, m)| m.trim_end())
                    .map(|m| match ENGINE_REASON.iter().find(|(n, _)| *n == name) {
                        Some((_, ours)) => *ours,
                        None => m,
                    });
                // An unknown filter or test: Ansible's `No filter named 'x'.`
                let unknown = upstream
                    .split_once("Syntax error in template: No ")
                    .map(|(_, m)| format!("No {}", m.trim_end()));
                if !e.starts_with(&format!("{name}:"))
                    || quoted.is_some_and(|q| !e.ends_with(q))
                    || unknown.is_some_and(|u| !e.ends_with(&u))
                    || reason.is_some_and(|r| !e.ends_with(r))
                {
                    failures.push(format!("{name}: error {e:?} vs Ansible's {upstream:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn undefined_errors_name_template_line_and_variable() {
    let e = kolla_core::template::render(
        "nova.conf.j2",
        "a\nb\nport = {{ nova_api_port }}\n",
        &serde_json::json!({}),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "nova.conf.j2:3:11: 'nova_api_port' is undefined"
    );
    let loc = kolla_core::Error::from(e);
    assert_eq!(loc.kind(), "template");
    assert_eq!(loc.location().unwrap().line, 3);
}
