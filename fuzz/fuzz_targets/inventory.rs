//! Fuzzes the inventory parsers (INI and YAML) and everything downstream of
//! a successful parse: no panic, and every INI error names its line.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none inventory fuzz/seeds/inventory

#![no_main]

use kolla_core::inventory::Inventory;
use libfuzzer_sys::fuzz_target;

fn exercise(inv: &Inventory) {
    let _ = inv.to_ansible_json();
    let _ = inv.graph("all", true);
    let _ = inv.resolve_all();
    let _ = inv.hosts_in("all:!ungrouped:&*");
    let _ = inv.check();
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Inventory::from_ini("fuzz.ini", &text) {
        Ok(inv) => exercise(&inv),
        Err(e) => {
            let loc = e.location().expect("INI errors carry a location");
            assert!(loc.line >= 1);
        }
    }
    if let Ok(inv) = Inventory::from_yaml("fuzz.yml", &text) {
        exercise(&inv);
    }
});
