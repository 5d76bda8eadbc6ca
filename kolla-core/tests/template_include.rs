//! Golden tests for `{% include %}`, `{% import %}` and `{% extends %}`:
//! each `tests/inputs/template_include/src/case-*.j2` was rendered by real
//! Ansible (ansible-core 2.19.14, `scripts/gen-template-include-golden.py`)
//! with the search path kolla-ansible's merge actions set,
//! `[playbook, playbook/templates, dirname(source)]`; we render it with
//! `search_path_for(source, [playbook, playbook/templates])`.

use std::path::{Path, PathBuf};

use kolla_core::template::{compile, search_path_for, RenderOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/template_include")
}

fn render(case: &Path) -> Result<String, kolla_core::template::Error> {
    let root = root();
    let vars: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("vars.json")).unwrap()).unwrap();
    let play = root.join("playbook");
    let opts = RenderOptions {
        search_path: search_path_for(case, &[play.clone(), play.join("templates")]),
        ..Default::default()
    };
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    compile(&name, &std::fs::read_to_string(case).unwrap(), &opts)?.render(&vars)
}

#[test]
fn includes_render_like_ansible() {
    let root = root();
    let mut cases: Vec<_> = std::fs::read_dir(root.join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("case-")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "include cases missing");
    let mut failures = Vec::new();
    for case in &cases {
        let stem = case.file_stem().unwrap().to_string_lossy().to_string();
        let expected = root.join("expected").join(&stem);
        let got = render(case);
        match std::fs::read_to_string(expected.with_extension("out")) {
            Ok(want) => match got {
                Ok(g) if g == want => {}
                Ok(g) => failures.push(format!("{stem}:\n want {want:?}\n got  {g:?}")),
                Err(e) => failures.push(format!("{stem}: unexpected error {e}")),
            },
            Err(_) => {
                let upstream = std::fs::read_to_string(expected.with_extension("err")).unwrap();
                match got {
                    Ok(g) => failures.push(format!("{stem}: expected {upstream:?}, got {g:?}")),
                    Err(e) => {
                        let quoted = upstream
                            .split_once(": ")
                            .map(|(_, m)| m.trim_end())
                            .filter(|m| m.ends_with("is undefined"));
                        if quoted.is_some_and(|q| !e.to_string().ends_with(q)) {
                            failures.push(format!("{stem}: {e} vs Ansible's {upstream:?}"));
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_undefined_variable_in_an_included_template_is_named_with_its_line() {
    let src = root().join("src");
    let e = render(&src.join("case-undefined-in-include.j2")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "undefined.j2:3:15: 'missing_in_include' is undefined"
    );
    assert_eq!(e.location().unwrap().line, 3);
    let e = render(&src.join("case-undefined-attr-in-include.j2")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "undefined-attr.j2:1:4: 'd.nope' is undefined"
    );
    let e = render(&src.join("case-missing.j2")).unwrap_err();
    assert!(
        e.to_string().starts_with("case-missing.j2:2:4: ") && e.to_string().contains("nowhere.j2"),
        "{e}"
    );
}
