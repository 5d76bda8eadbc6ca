//! kolla-ansible's `merge_yaml`: nested mapping merge of YAML sources,
//! written back with PyYAML's layout.
//!
//! For each key of a source, in order: a mapping merges into the existing
//! mapping (a missing key starts empty); with `extend_lists`, a list extends
//! an existing list in place; anything else replaces. Values are shared, not
//! copied, so YAML aliases stay aliases through the merge.
//!
//! Where upstream crashes with a Python `TypeError` (a mapping merged onto a
//! string, `null` or a list; a source whose top level is not a mapping), we
//! fail with an error naming the file, the line and the key path instead.
//! The `extend_lists` type error keeps upstream's exact text.

use super::dump::{dump, DumpOptions};
use super::node::{load_node, Map, Mapping, Node};
use super::Error;
use crate::error::Location;
use crate::pycompat::{py_repr, py_str};

/// Options of [`merge_yaml`] (kolla-ansible's `extend_lists` and `yaml_width`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeOptions {
    /// Extend an existing list with a later list instead of replacing it.
    pub extend_lists: bool,
    /// Line width for the output (`None`: PyYAML's 80).
    pub yaml_width: Option<usize>,
}

/// Merges YAML texts, given as `(origin, text)` pairs in order, and writes
/// the result as kolla-ansible's `merge_yaml` does.
///
/// A falsy document (empty, `{}`, `[]`, `0`, `false`, `""`) counts as `{}`.
///
/// ```
/// use kolla_core::yaml::merge::{merge_yaml, MergeOptions};
/// let out = merge_yaml(
///     &[("a.yml", "a:\n  y: [1, 2]\n"), ("b.yml", "a:\n  y: [3]\n")],
///     &MergeOptions { extend_lists: true, ..Default::default() },
/// ).unwrap();
/// assert_eq!(out, "a:\n  y:\n  - 1\n  - 2\n  - 3\n");
///
/// let err = merge_yaml(
///     &[("a.yml", "y: [1, 2]\n"), ("b.yml", "y: three\n")],
///     &MergeOptions { extend_lists: true, ..Default::default() },
/// ).unwrap_err();
/// assert_eq!(err.to_string(), "b.yml:1:1: Failure merging key `y` in dictionary `{'y': [1, 2]}`. \
///     Expecting a list, but received: `three`, which is of type: `<class 'str'>`");
/// ```
///
/// # Errors
/// A syntax error in a source, a top-level value that is not a mapping, a
/// mapping merged onto a non-mapping, or the `extend_lists` type error.
pub fn merge_yaml(sources: &[(&str, &str)], opts: &MergeOptions) -> Result<String, Error> {
    let acc = merge_nodes(sources, opts)?;
    Ok(dump(
        &acc,
        &DumpOptions {
            width: opts.yaml_width,
            ..DumpOptions::default()
        },
    ))
}

/// Like [`merge_yaml`] but returns the merged tree instead of its text.
///
/// # Errors
/// As [`merge_yaml`].
pub fn merge_nodes(sources: &[(&str, &str)], opts: &MergeOptions) -> Result<Node, Error> {
    let acc = Node::new_map();
    let Node::Map(acc_map) = &acc else {
        unreachable!("new_map is a map")
    };
    for (origin, text) in sources {
        let doc = load_node(origin, text)?;
        merge_document(acc_map, origin, &doc, opts.extend_lists)?;
    }
    Ok(acc)
}

/// Merges one loaded document into the accumulator.
///
/// # Errors
/// As [`merge_yaml`].
pub fn merge_document(
    acc: &Map,
    origin: &str,
    doc: &Node,
    extend_lists: bool,
) -> Result<(), Error> {
    if !doc.is_truthy() {
        return Ok(());
    }
    let Node::Map(update) = doc else {
        return Err(Error::NotMappingDocument {
            origin: origin.to_string(),
            found: doc.py_type(),
        });
    };
    if std::rc::Rc::ptr_eq(acc, update) {
        return Ok(());
    }
    let mut path = Vec::new();
    update_nested(acc, &update.borrow(), extend_lists, origin, &mut path)
}

fn update_nested(
    conf: &Map,
    update: &Mapping,
    extend_lists: bool,
    origin: &str,
    path: &mut Vec<String>,
) -> Result<(), Error> {
    for entry in update.iter() {
        let (k, v) = (&entry.key, &entry.value);
        path.push(py_str(k));
        let loc = || {
            let at = Location::new(origin, entry.line.max(1));
            if entry.column > 0 {
                at.with_column(entry.column)
            } else {
                at
            }
        };
        match v {
            Node::Map(vm) => {
                let existing = conf.borrow().get(k).cloned();
                match existing {
                    None => {
                        let fresh = Node::new_map();
                        if let Node::Map(f) = &fresh {
                            update_nested(f, &vm.borrow(), extend_lists, origin, path)?;
                        }
                        conf.borrow_mut()
                            .insert_at(k.clone(), fresh, entry.line, entry.column);
                    }
                    Some(Node::Map(em)) => {
                        if !std::rc::Rc::ptr_eq(&em, vm) {
                            update_nested(&em, &vm.borrow(), extend_lists, origin, path)?;
                        }
                    }
                    // Upstream returns the old value unchanged when the new
                    // mapping is empty (its loop never runs).
                    Some(_) if vm.borrow().is_empty() => {}
                    Some(other) => {
                        return Err(Error::MergeTypeClash {
                            location: loc(),
                            key_path: path.join("."),
                            found: other.py_type(),
                        })
                    }
                }
            }
            _ => {
                let existing = conf.borrow().get(k).cloned();
                match existing {
                    Some(Node::Seq(list)) if extend_lists => match v {
                        Node::Seq(new) => {
                            let items: Vec<Node> = new.borrow().clone();
                            list.borrow_mut().extend(items);
                        }
                        _ => {
                            return Err(Error::ExtendLists {
                                location: loc(),
                                message: format!(
                                "Failure merging key `{}` in dictionary `{}`. Expecting a list, \
                                     but received: `{}`, which is of type: `<class '{}'>`",
                                py_str(k),
                                py_repr(&Node::Map(conf.clone())),
                                py_str(v),
                                v.py_type()
                            ),
                            })
                        }
                    },
                    _ => {
                        conf.borrow_mut()
                            .insert_at(k.clone(), v.clone(), entry.line, entry.column)
                    }
                }
            }
        }
        path.pop();
    }
    Ok(())
}

/// Writes `content` to `dest` atomically: a temporary file in the same
/// directory, then a rename, so readers see the old file or the new one and
/// an error leaves `dest` untouched. `mode` is an octal string (`"0660"`).
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let dest = dir.path().join("out.yml");
/// kolla_core::yaml::merge::write_atomic(&dest, "a: 1\n", Some("0640")).unwrap();
/// assert_eq!(std::fs::read_to_string(&dest).unwrap(), "a: 1\n");
/// assert!(kolla_core::yaml::merge::write_atomic(&dest, "x", Some("rw")).is_err());
/// ```
///
/// # Errors
/// An invalid mode, or an I/O error naming `dest`.
pub fn write_atomic(
    dest: &std::path::Path,
    content: &str,
    mode: Option<&str>,
) -> Result<(), crate::Error> {
    let mode = match mode {
        Some(m) => Some(crate::fsutil::parse_mode(m).ok_or_else(|| {
            crate::IoError::new(
                dest,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("invalid mode {m:?}: expected an octal number like 0660"),
                ),
            )
        })?),
        None => None,
    };
    Ok(crate::fsutil::write_atomic(dest, content.as_bytes(), mode)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(sources: &[&str], extend: bool) -> Result<String, Error> {
        let named: Vec<(String, &str)> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("s{i}.yml"), *s))
            .collect();
        let refs: Vec<(&str, &str)> = named.iter().map(|(n, s)| (n.as_str(), *s)).collect();
        merge_yaml(
            &refs,
            &MergeOptions {
                extend_lists: extend,
                yaml_width: None,
            },
        )
    }

    #[test]
    fn upstream_unit_tests() {
        let base = "foo: bar\negg: spam\n";
        assert_eq!(m(&[base, "{}"], false).unwrap(), "egg: spam\nfoo: bar\n");
        assert_eq!(
            m(&[base, "egg: ham"], false).unwrap(),
            "egg: ham\nfoo: bar\n"
        );
        assert_eq!(
            m(&[base, "spam: ham"], false).unwrap(),
            "egg: spam\nfoo: bar\nspam: ham\n"
        );
        let nested = "foo: {a: b}\nbar: {a: false, b: INFO}\n";
        assert_eq!(
            m(&[nested, "bar: {a: true}"], false).unwrap(),
            "bar:\n  a: true\n  b: INFO\nfoo:\n  a: b\n"
        );
        assert_eq!(
            m(&[nested, "egg: {spam: 10}"], false).unwrap(),
            "bar:\n  a: false\n  b: INFO\negg:\n  spam: 10\nfoo:\n  a: b\n"
        );
        assert_eq!(
            m(&["foo: {a: b, c: 30}", "foo: {spam: 10}"], false).unwrap(),
            "foo:\n  a: b\n  c: 30\n  spam: 10\n"
        );
        let lists = "level0: {level1: {mylist: [one, two]}}";
        assert_eq!(
            m(&[lists, "level0: {level1: {mylist: [three]}}"], true).unwrap(),
            "level0:\n  level1:\n    mylist:\n    - one\n    - two\n    - three\n"
        );
        let err = m(&[lists, "level0: {level1: {mylist: three}}"], true).unwrap_err();
        assert!(err.to_string().contains("Failure merging key"), "{err}");
    }

    #[test]
    fn spec_section_f() {
        assert_eq!(
            m(
                &[
                    "a:\n  x: 1\n  y: [1, 2]\nb: s\n",
                    "a:\n  y: [3]\n  z: {q: 1}\n"
                ],
                false
            )
            .unwrap(),
            "a:\n  x: 1\n  y:\n  - 3\n  z:\n    q: 1\nb: s\n"
        );
        assert_eq!(m(&["a: {b: 1}\n", "a: x\n"], false).unwrap(), "a: x\n");
        assert_eq!(
            m(&["a: {b: 1}\n", "a: {}\n"], false).unwrap(),
            "a:\n  b: 1\n"
        );
        assert_eq!(m(&["a: 1\n", "a:\n"], false).unwrap(), "a: null\n");
        for empty in ["[]\n", "# c\n", "", "0", "false", "''"] {
            assert_eq!(m(&[empty], false).unwrap(), "{}\n");
        }
        assert_eq!(m(&["{}", "a: {}"], false).unwrap(), "a: {}\n");
        assert_eq!(m(&["a: x", "a: [1]"], true).unwrap(), "a:\n- 1\n");
    }

    #[test]
    fn merge_errors_name_the_key_column() {
        let err = m(&["a:\n  y: [1]\n", "a:\n  y: three\n"], true).unwrap_err();
        assert!(err.to_string().starts_with("s1.yml:2:3: "), "{err}");
        // A key from a `<<` merge keeps its own place.
        let err = m(&["y: [1]\n", "base: &b\n    y: two\n<<: *b\n"], true).unwrap_err();
        assert!(err.to_string().starts_with("s1.yml:2:5: "), "{err}");
    }

    #[test]
    fn crashes_become_clear_errors() {
        for (base, found) in [("a: x", "str"), ("a:", "NoneType"), ("a: [1]", "list")] {
            let err = m(&[base, "b: 1\na:\n  c: 1\n"], false).unwrap_err();
            let s = err.to_string();
            assert!(s.starts_with("s1.yml:2:1: "), "{s}");
            assert!(s.contains("`a`") && s.contains(found), "{s}");
        }
        // An empty mapping onto a scalar keeps the scalar, as upstream.
        assert_eq!(m(&["a: x", "a: {}"], false).unwrap(), "a: x\n");
        let err = m(&["- 1\n"], false).unwrap_err();
        assert!(err.to_string().contains("s0.yml"), "{err}");
        assert!(err.to_string().contains("list"), "{err}");
    }

    #[test]
    fn aliases_stay_shared_through_extension() {
        let out = m(&["a: &x [1]\nb: *x\n", "a: [2]\n"], true).unwrap();
        assert_eq!(out, "a: &id001\n- 1\n- 2\nb: *id001\n");
    }
}
