//! Ansible's set filters against CPython: `union`, `intersect`,
//! `difference` and `symmetric_difference` render `list(set(a) OP set(b))`,
//! whose order is CPython's hash-table order. The cases in
//! `inputs/set-order/golden.json` were answered by CPython 3.12
//! (`scripts/gen-set-order-golden.py`); they cover table growth, hash
//! collisions across the 2**61-1 modulus, booleans equal to 0 and 1, floats
//! equal to integers, and `None`.

use serde_json::{json, Value};

#[test]
fn set_filters_follow_cpython_order() {
    let golden: Value =
        serde_json::from_str(include_str!("inputs/set-order/golden.json")).expect("golden JSON");
    let cases = golden["cases"].as_array().expect("cases");
    assert!(cases.len() > 300);
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let op = case["op"].as_str().expect("op");
        let source = format!("{{{{ a | {op}(b) }}}}");
        let vars = json!({"a": case["a"], "b": case["b"]});
        let got = kolla_core::template::render("t", &source, &vars).expect("renders");
        if got != case["out"].as_str().expect("out") {
            failures.push(format!("case {i} {op}: got {got}, python {}", case["out"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn strings_keep_first_seen_order() {
    // Python's order for strings changes with PYTHONHASHSEED; kolla-rs keeps
    // the first-seen order (docs/deviations.md).
    let vars = json!({"a": ["b", "a", "b", 1], "b": ["c", "a"]});
    let r = |s| kolla_core::template::render("t", s, &vars).unwrap();
    assert_eq!(r("{{ a | union(b) }}"), "['b', 'a', 1, 'c']");
    assert_eq!(r("{{ a | intersect(b) }}"), "['a']");
    assert_eq!(r("{{ a | difference(b) }}"), "['b', 1]");
    assert_eq!(r("{{ a | symmetric_difference(b) }}"), "['b', 1, 'c']");
    // Unhashable items: Ansible itself falls back to first-seen order.
    let vars = json!({"a": [{"k": 1}, [2], {"k": 1}], "b": [[2], 3]});
    let r = |s| kolla_core::template::render("t", s, &vars).unwrap();
    assert_eq!(r("{{ a | union(b) }}"), "[{'k': 1}, [2], 3]");
    assert_eq!(r("{{ a | symmetric_difference(b) }}"), "[{'k': 1}, 3]");
}
