//! Properties of the INI merge (proptest): an empty source changes nothing,
//! the last source wins, parse -> write -> parse is stable, and arbitrary
//! bytes never panic and every error carries a location. The first three draw
//! only valid texts (built from pieces the grammar accepts), so no case is
//! discarded as unparsable; the last one covers the errors.

use kolla_core::ini::{explain::explain_texts, merge_texts, IniMerge};
use proptest::prelude::*;

/// One assignment line: `=` and `:` separators, spaced or tight, empty and
/// quoted values.
fn assignment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => ("[a-c]{1,2}", "[a-c0-9 =]{0,6}").prop_map(|(k, v)| format!("{k} = {v}")),
        2 => ("[a-c]{1,2}", "[a-c0-9:]{0,4}").prop_map(|(k, v)| format!("{k}:{v}")),
        1 => ("[a-c]{1,2}", "[a-c0-9]{0,4}").prop_map(|(k, v)| format!("{k}={v}")),
        1 => ("[a-c]{1,2}", "[a-c ]{0,4}").prop_map(|(k, v)| format!("{k}  =  \"{v}\"  ")),
        1 => Just("k =".to_owned()),
        1 => Just("k = \"\"".to_owned()),
        1 => Just("q = 'x'".to_owned()),
    ]
}

/// One piece of a valid INI text, as lines: a blank line, a comment, a
/// section header, or an assignment with its continuation lines (which only
/// ever follow an assignment or another continuation).
fn piece() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        1 => prop_oneof![Just(String::new()), Just("   ".to_owned())].prop_map(|l| vec![l]),
        1 => ("[#;]", "[a-z =]{0,6}").prop_map(|(c, s)| vec![format!("{c}{s}")]),
        2 => "[a-c ]{1,3}".prop_map(|s| vec![format!("[{s}]")]),
        1 => Just(vec!["[TEMPORARY_ORPHAN_VARIABLE_SECTION]".to_owned()]),
        6 => (assignment(), prop::collection::vec("[ \t]{1,2}[a-z#\"' ]{0,5}[a-z]", 0..3))
            .prop_map(|(a, more)| std::iter::once(a).chain(more).collect()),
    ]
}

/// A valid INI text (every generated text parses: the properties below
/// unwrap, so none is discarded), with LF or CRLF line ends and with or
/// without a final newline.
fn text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(piece(), 0..8),
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(pieces, final_newline, crlf)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut t = pieces.concat().join(nl);
            if final_newline {
                t.push_str(nl);
            }
            t
        })
}

/// Valid texts whose written form reads back the same: no quotes (unquoting
/// is not undone by the writer), no orphan header after other sections (the
/// orphan section is written without a header).
fn stable_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        1 => Just(vec![String::new()]),
        1 => "[a-z ]{0,6}".prop_map(|s| vec![format!("# {s}")]),
        2 => "[a-c ]{1,3}".prop_map(|s| vec![format!("[{s}]")]),
        1 => Just(vec!["k =".to_owned()]),
        5 => (
            ("[a-c]{1,2}", "[a-c0-9 =]{0,6}").prop_map(|(k, v)| format!("{k} = {v}")),
            prop::collection::vec("[a-z# ]{0,5}[a-z]".prop_map(|s| format!("  {s}")), 0..3),
        )
            .prop_map(|(a, more)| std::iter::once(a).chain(more).collect::<Vec<_>>()),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat().join("\n"))
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
        let base = merged(&[&a, &b]).unwrap();
        prop_assert_eq!(&merged(&[empty, &a, &b]).unwrap(), &base);
        prop_assert_eq!(&merged(&[&a, empty, &b]).unwrap(), &base);
        prop_assert_eq!(&merged(&[&a, &b, empty]).unwrap(), &base);
    }

    #[test]
    fn the_last_source_wins(a in text(), b in text()) {
        let both = explain_texts([("a", a.as_str()), ("b", b.as_str())]).unwrap();
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
        m.add("t", &t).unwrap();
        let once = m.write(whitespace);
        let mut again = IniMerge::new();
        again.add("once", &once).unwrap();
        prop_assert_eq!(again.write(whitespace), once);
    }

    #[test]
    fn one_invalid_line_in_a_valid_text_fails_at_that_line(
        pieces in prop::collection::vec(piece(), 0..8),
        at in any::<prop::sample::Index>(),
        bad in prop_oneof![Just("bad line"), Just("= v"), Just("[]"), Just("[ab"), Just(" : x")],
    ) {
        let mut lines = pieces.concat();
        let i = at.index(lines.len() + 1);
        // A line starting with blanks continues an assignment: only after a
        // blank line is it an unexpected continuation.
        if bad.starts_with(' ') {
            lines.insert(i, String::new());
            lines.insert(i + 1, bad.to_owned());
        } else {
            lines.insert(i, bad.to_owned());
        }
        let line = if bad.starts_with(' ') { i + 2 } else { i + 1 };
        let mut m = IniMerge::new();
        let err = m.add("t", &lines.join("\n")).unwrap_err();
        prop_assert_eq!(err.location().map(|l| l.line), Some(line), "{}", err);
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
                let column = loc.column.expect("a parse error has a column");
                let width = t.split('\n').nth(loc.line - 1).map_or(0, |l| l.chars().count());
                prop_assert!(column >= 1 && column <= width.max(1), "column {} of {}", column, width);
                let prefix = format!("{name}:{0}:{column}: at line {0}, ", loc.line);
                prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
                return Ok(());
            }
        }
        let _ = m.write(true);
        let _ = kolla_core::ini::Explanation::of(&m).to_text();
    }
}
