//! Golden tests: every case under `tests/inputs/yaml/` was produced by
//! upstream kolla-ansible 22.2.0's merge_yaml (PyYAML 6.0.4), see
//! `scripts/gen-yaml-golden.py`. Our merge must give the same bytes, or fail
//! where upstream fails.

use std::path::Path;

use kolla_core::yaml::merge::{merge_yaml, MergeOptions};

fn run_case(dir: &Path) -> Result<(), String> {
    let mut sources = Vec::new();
    for i in 1.. {
        let p = dir.join(format!("{i}.yml"));
        if !p.exists() {
            break;
        }
        sources.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).unwrap(),
        ));
    }
    let mut opts = MergeOptions::default();
    if let Ok(o) = std::fs::read_to_string(dir.join("options.json")) {
        let v: serde_json::Value = serde_json::from_str(&o).unwrap();
        opts.extend_lists = v["extend_lists"].as_bool().unwrap_or(false);
        opts.yaml_width = v["yaml_width"].as_u64().map(|w| w as usize);
    }
    let refs: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let got = merge_yaml(&refs, &opts);
    if let Ok(expected) = std::fs::read_to_string(dir.join("expected.yml")) {
        return match got {
            Ok(out) if out == expected => Ok(()),
            Ok(out) => Err(format!(
                "output differs\n--- want\n{expected}--- got\n{out}"
            )),
            Err(e) => Err(format!("unexpected error: {e}")),
        };
    }
    let upstream = std::fs::read_to_string(dir.join("expected.err")).unwrap();
    let err = match got {
        Ok(out) => {
            return Err(format!(
                "expected an error like {upstream:?}, got output {out:?}"
            ))
        }
        Err(e) => e.to_string(),
    };
    if let Some(msg) = upstream.trim_end().strip_prefix("AnsibleModuleError: ") {
        // Upstream's own message, kept exactly, after our file:line.
        if !err.ends_with(msg) || !err.contains(".yml:") {
            return Err(format!("error text differs\n want ...{msg}\n got {err}"));
        }
    } else if !err.contains(".yml") {
        // Upstream crashes with a Python TypeError; we must fail too, naming the file.
        return Err(format!("error does not name the file: {err}"));
    }
    Ok(())
}

#[test]
fn golden_cases_match_upstream() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/yaml");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() > 100,
        "golden cases missing under {}",
        root.display()
    );
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            run_case(d)
                .err()
                .map(|e| format!("{}: {e}", d.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}

/// The end-to-end cases that upstream's merge_yaml action plugin wrote under
/// a real ansible-playbook (tests/ansible/golden/merge_yaml): templating,
/// missing sources, `extend_lists`, `yaml_width`, through the core's
/// `merge_yaml_files`.
#[test]
fn ansible_golden_cases_through_the_core() {
    use kolla_core::source::{merge_yaml_files, Missing, Pipeline};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/ansible");
    let cases = kolla_core::yaml::load(
        "cases.yml",
        &std::fs::read_to_string(root.join("data/merge_yaml/cases.yml")).unwrap(),
    )
    .unwrap();
    // The play's variables (playbooks/merge_yaml_cases.yml).
    let vars = serde_json::json!({"val": 5, "name": "n1", "enable_x": "yes", "port": "8774", "items": ["a", 1]});
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 14);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let sources: Vec<_> = case["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                root.join("data/merge_yaml")
                    .join(name)
                    .join(s.as_str().unwrap())
            })
            .collect();
        let opts = MergeOptions {
            extend_lists: case["extend_lists"].as_bool().unwrap_or(false),
            yaml_width: case["yaml_width"].as_u64().map(|w| w as usize),
        };
        let pipeline = Pipeline {
            vars: &vars,
            search_path: &[],
            missing: Missing::Skip,
        };
        let got = merge_yaml_files(&sources, &opts, &pipeline).unwrap();
        let want =
            std::fs::read_to_string(root.join(format!("golden/merge_yaml/{name}.yml"))).unwrap();
        assert_eq!(got, want, "case {name}");
    }
}
