//! The README's examples run as written: every ```` ```sh runnable ```` block
//! runs with bash from the repository root, with this build's `kolla` first
//! on PATH, and must succeed; a ```` ```text ```` block right under it is
//! its exact stdout. So the front door cannot drift from the code.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Example {
    line: usize,
    script: String,
    expected: Option<String>,
}

/// The runnable blocks of a Markdown text, with the output block after each.
fn examples(markdown: &str) -> Vec<Example> {
    let lines: Vec<&str> = markdown.lines().collect();
    let block = |start: usize| -> (String, usize) {
        let mut body = String::new();
        let mut i = start + 1;
        while i < lines.len() && lines[i].trim_end() != "```" {
            body.push_str(lines[i]);
            body.push('\n');
            i += 1;
        }
        (body, i + 1)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() == "```sh runnable" {
            let (script, next) = block(i);
            let mut j = next;
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            let expected =
                (j < lines.len() && lines[j].trim_end() == "```text").then(|| block(j).0);
            out.push(Example {
                line: i + 1,
                script,
                expected,
            });
            i = next;
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn readme_examples_run_as_written() {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let found = examples(&readme);
    assert!(found.len() >= 3, "the README lost its runnable examples");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kolla")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for ex in &found {
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", &ex.script])
            .current_dir(&root)
            .env("PATH", &path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "README.md:{}: exit {:?}\n{}",
                ex.line,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if let Some(want) = &ex.expected {
            if *want != stdout {
                failures.push(format!(
                    "README.md:{}: output differs\n--- README\n{want}--- kolla\n{stdout}",
                    ex.line
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_extractor_pairs_blocks_with_their_output() {
    let md = "x\n```sh runnable\necho a\n```\n\n```text\na\n```\n```sh\nnot run\n```\n```sh runnable\ntrue\n```\n";
    let ex = examples(md);
    assert_eq!(ex.len(), 2);
    assert_eq!(ex[0].script, "echo a\n");
    assert_eq!(ex[0].expected.as_deref(), Some("a\n"));
    assert_eq!(ex[1].expected, None);
    assert_eq!(ex[1].line, 12);
}
