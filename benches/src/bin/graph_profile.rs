//! Times the stages of the `graph` bench (inventory parse, `set_inventory`,
//! per-host Contexts, `Graph::build`) on one bench inventory, to find where
//! the time goes: `cargo run --profile bench -p kolla-benches --bin
//! graph_profile -- [FILE] [ROUNDS]`.

use std::time::Instant;

use kolla_core::catalog::{Catalog, Flag};
use kolla_core::graph::{Graph, Options};
use kolla_core::inventory::Inventory;
use kolla_core::vars::Inputs;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .unwrap_or_else(|| "multinode-10000-range.ini".to_string());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = [
        root.join("inputs/inventory").join(&file),
        std::path::PathBuf::from("/work/shared/bench-data/inventory").join(&file),
    ]
    .into_iter()
    .find(|p| p.exists())
    .expect("bench input");
    let mut text = std::fs::read_to_string(path).unwrap();
    let example = std::fs::read_to_string(root.join("../inventory/multinode")).unwrap();
    for section in example.split("\n[").skip(1) {
        let (head, body) = section.split_once('\n').unwrap_or((section, ""));
        if let Some(name) = head.strip_suffix(":children]") {
            if !text.contains(&format!("[{name}:children]")) && !text.contains(&format!("[{name}]"))
            {
                text.push_str(&format!("\n[{head}\n{body}\n"));
            }
        }
    }
    let catalog = Catalog::embedded().unwrap();
    let mut inputs = Inputs::new().unwrap();
    let mut flags = Vec::new();
    for s in catalog.services() {
        if let Flag::Expr(e) = &s.enable {
            let v = e.trim_start_matches("{{").trim_end_matches("}}").trim();
            flags.push(format!(
                "{}=yes",
                v.strip_suffix("| bool").unwrap_or(v).trim()
            ));
        }
    }
    inputs.add_extra(&flags.join(" ")).unwrap();
    for _ in 0..rounds {
        let t = Instant::now();
        let inv = Inventory::from_ini(&file, &text).unwrap();
        let t_parse = t.elapsed();
        let t = Instant::now();
        let mut inp = inputs.clone();
        inp.set_inventory(&inv);
        let t_set = t.elapsed();
        let t = Instant::now();
        let resolved = inv.resolve_all();
        let t_resolve = t.elapsed();
        let t = Instant::now();
        let mut n = 0;
        for h in &resolved {
            let ctx = inp.context(h);
            n += ctx.get("api_interface").unwrap().as_str().unwrap().len();
        }
        let t_ctx = t.elapsed();
        let t = Instant::now();
        let graph = Graph::build(&catalog, &inv, &inp, &Options::default()).unwrap();
        let t_graph = t.elapsed();
        println!(
            "hosts {} parse {:?} set_inventory {:?} resolve_all {:?} contexts {:?} graph {:?} ({} containers, {n})",
            resolved.len(),
            t_parse,
            t_set,
            t_resolve,
            t_ctx,
            t_graph,
            graph.containers().len()
        );
    }
}
