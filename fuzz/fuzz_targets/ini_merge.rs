//! Fuzz the INI parser and merge: the input is split at NUL bytes into up to
//! four sources, merged in order, written both ways and explained.
//! No input may panic; every error must carry a location in its own source.

#![no_main]

use kolla_core::ini::{Explanation, IniMerge};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let names = ["s1", "s2", "s3", "s4"];
    let mut merge = IniMerge::new();
    for (name, source) in names.iter().zip(text.splitn(4, '\0')) {
        if let Err(e) = merge.add(name, source) {
            let loc = e.location().expect("parse errors carry a location");
            assert_eq!(loc.path, *name);
            assert!(loc.line >= 1);
            return;
        }
    }
    let spaced = merge.write(true);
    let tight = merge.write(false);
    assert!(spaced.len() >= tight.len());
    let mut explained = Explanation::of(&merge);
    explained.redact();
    let _ = explained.to_text();
});
