//! Embeds the catalog data files (`catalog/services/*.yml`) and the config
//! templates (`templates/<service>/**`) as generated lists.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("catalog");
    println!("cargo:rerun-if-changed={}", dir.display());
    let services = dir.join("services");
    println!("cargo:rerun-if-changed={}", services.display());
    let mut names: Vec<_> = std::fs::read_dir(&services)
        .expect("kolla-core/catalog/services")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    names.sort();
    let mut out = String::from(
        "/// The embedded catalog data files: (file name, text).\n\
         pub(crate) const EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for p in &names {
        println!("cargo:rerun-if-changed={}", p.display());
        let file = p.file_name().unwrap().to_str().unwrap();
        writeln!(
            out,
            "    ({file:?}, include_str!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("catalog_files.rs");
    std::fs::write(dest, out).unwrap();
    embed_templates();
}

/// Every file under `templates/` (but the top-level README), named by its
/// `/`-separated path below `templates/` (`nova/nova.conf.j2`).
fn embed_templates() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    if root.is_dir() {
        walk(&root, &root, &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// The embedded config templates: (name below `templates/`, text).\n\
         pub(crate) const EMBEDDED_TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("template_files.rs");
    std::fs::write(dest, out).unwrap();
}

fn walk(root: &std::path::Path, dir: &std::path::Path, files: &mut Vec<(String, PathBuf)>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("kolla-core/templates")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(root, &p, files);
            continue;
        }
        let rel = p.strip_prefix(root).unwrap();
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_str().unwrap())
            .collect::<Vec<_>>()
            .join("/");
        if name == "README.md" || name.starts_with('.') || name.contains("/.") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", p.display());
        files.push((name, p));
    }
}
