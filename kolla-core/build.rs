//! Embeds the catalog data files (`catalog/services/*.yml`) as a generated list.

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
}
