//! Properties of the INI merge (proptest): an empty source changes nothing,
//! the last source wins, parse -> write -> parse is stable, and arbitrary
//! bytes never panic and every error carries a location.

use kolla_core::ini::{explain::explain_texts, merge_texts, IniMerge};
use proptest::prelude::*;

/// One INI-ish line, drawn to hit the grammar's corners (some invalid).
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ("[a-c]{1,2}", "[a-c0-9 =]{0,6}").prop_map(|(k, v)| format!("{k} = {v}")),
        2 => ("[a-c]{1,2}", "[a-c0-9:]{0,4}").prop_map(|(k, v)| format!("{k}:{v}")),
        2 => "[a-c ]{1,3}".prop_map(|s| format!("[{s}]")),
        2 => "[a-z#\"' ]{0,6}".prop_map(|s| format!("  {s}")),
        1 => "[a-z]{0,4}".prop_map(|s| format!("\t{s}")),
        1 => "[a-z ]{0,6}".prop_map(|s| format!("# {s}")),
        1 => Just(String::new()),
        1 => Just("   ".to_owned()),
        1 => Just("k =".to_owned()),
        1 => Just("k = \"\"".to_owned()),
        1 => Just("q = 'x'".to_owned()),
        1 => Just("[TEMPORARY_ORPHAN_VARIABLE_SECTION]".to_owned()),
        1 => Just("bad line".to_owned()),
        1 => Just("= v".to_owned()),
        1 => Just("[]".to_owned()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..12),
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(lines, final_newline, crlf)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut t = lines.join(nl);
            if final_newline {
                t.push_str(nl);
            }
            t
        })
}

/// Texts whose written form reads back the same: no quotes (unquoting is not
/// undone by the writer), no orphan header after other sections (the orphan
/// section is written without a header).
fn stable_text() -> impl Strategy<Value = String> {
    let stable_line = prop_oneof![
        4 => ("[a-c]{1,2}", "[a-c0-9 =]{0,6}").prop_map(|(k, v)| format!("{k} = {v}")),
        2 => "[a-c ]{1,3}".prop_map(|s| format!("[{s}]")),
        2 => "[a-z# ]{1,6}".prop_map(|s| format!("  {s}")),
        1 => "[a-z ]{0,6}".prop_map(|s| format!("# {s}")),
        1 => Just(String::new()),
        1 => Just("k =".to_owned()),
    ];
    prop::collection::vec(stable_line, 0..14).prop_map(|lines| lines.join("\n"))
}

fn merged(sources: &[&str]) -> Result<String, kolla_core::ini::Error> {
    let named: Vec<(String, &str)> = sources
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("s{i}"), *t))
        .collect();
    merge_texts(named.iter().map(|(n, t)| (n.as_str(), *t)), true)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn an_empty_source_changes_nothing(a in text(), b in text(), empty in prop_oneof![
        Just(""), Just("\n"), Just("# only a comment\n"), Just("  \n\n")
    ]) {
        let Ok(base) = merged(&[&a, &b]) else { return Ok(()) };
        prop_assert_eq!(&merged(&[empty, &a, &b]).unwrap(), &base);
        prop_assert_eq!(&merged(&[&a, empty, &b]).unwrap(), &base);
        prop_assert_eq!(&merged(&[&a, &b, empty]).unwrap(), &base);
    }

    #[test]
    fn the_last_source_wins(a in text(), b in text()) {
        let Ok(both) = explain_texts([("a", a.as_str()), ("b", b.as_str())]) else { return Ok(()) };
        let last = explain_texts([("b", b.as_str())]).unwrap();
        // Every key b sets has exactly b's occurrences in the merge.
        for k in &last.keys {
            let m = both.keys.iter().find(|m| m.section == k.section && m.key == k.key).unwrap();
            prop_assert_eq!(&m.value, &k.value);
        }
        // Every other key keeps a's value.
        let first = explain_texts([("a", a.as_str())]).unwrap();
        for m in &both.keys {
            if !last.keys.iter().any(|k| k.section == m.section && k.key == m.key) {
                let k = first.keys.iter().find(|k| k.section == m.section && k.key == m.key).unwrap();
                prop_assert_eq!(&m.value, &k.value);
            }
        }
    }

    #[test]
    fn parse_write_parse_is_stable(t in stable_text(), whitespace in prop::bool::ANY) {
        let mut m = IniMerge::new();
        if m.add("t", &t).is_err() { return Ok(()) }
        let once = m.write(whitespace);
        let mut again = IniMerge::new();
        again.add("once", &once).unwrap();
        prop_assert_eq!(again.write(whitespace), once);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_have_locations(
        parts in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 1..4)
    ) {
        let texts: Vec<String> = parts.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
        let mut m = IniMerge::new();
        for (i, t) in texts.iter().enumerate() {
            let name = ["one", "two", "three"][i];
            if let Err(e) = m.add(name, t) {
                let loc = e.location().expect("a parse error has a location");
                prop_assert_eq!(&loc.path, name);
                let lines = t.strip_suffix('\n').unwrap_or(t).split('\n').count();
                prop_assert!(loc.line >= 1 && loc.line <= lines, "line {} of {}", loc.line, lines);
                let prefix = format!("{name}:{0}: at line {0}, ", loc.line);
                prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
                return Ok(());
            }
        }
        let _ = m.write(true);
        let _ = kolla_core::ini::Explanation::of(&m).to_text();
    }
}
