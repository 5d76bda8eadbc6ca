//! The one source pipeline of kolla-ansible's `merge_configs` (INI) and
//! `merge_yaml` actions: each source path is read as text with universal
//! newlines, rendered as a template, and handed on; a source the plugins
//! skip is skipped here too.
//!
//! Both plugins test a source with `os.access(path, R_OK)` and skip it
//! silently when that fails: a missing file, a file the user may not read,
//! a path through something that is not a directory, a symbolic link loop.
//! Here a source that cannot be opened for reading is skipped (or, with
//! [`Missing::Error`], is an error). A directory passes `os.access` and
//! then fails to read, in both plugins: `[Errno 21] Is a directory`.
//!
//! Rendering is Ansible's templar as these plugins call it: `lstrip_blocks`
//! on, includes searched in the given directories and then the source's
//! own. A text without any Jinja delimiter renders to itself and is not
//! handed to the template engine.

use std::borrow::Cow;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::error::IoError;

/// What to do with a source the plugins would skip (missing or unreadable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Missing {
    /// Skip it, as upstream does.
    #[default]
    Skip,
    /// Fail with [`Error::Missing`] naming it.
    Error,
}

/// A source could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A source is a directory (upstream: `[Errno 21] Is a directory`).
    #[error("[Errno 21] Is a directory: '{path}'")]
    Directory {
        /// The source as given.
        path: String,
    },
    /// A source is missing or unreadable and [`Missing::Error`] was asked
    /// for; by default such a source is skipped, as upstream does.
    #[error("{path}: source is missing or unreadable: {reason}")]
    Missing {
        /// The source as given.
        path: String,
        /// What the operating system said.
        reason: String,
    },
}

impl Error {
    /// The source the error is about.
    pub fn path(&self) -> &str {
        match self {
            Error::Directory { path } | Error::Missing { path, .. } => path,
        }
    }
}

/// How sources are read and rendered.
#[derive(Debug, Clone, Copy)]
pub struct Pipeline<'a> {
    /// The variables every source is rendered with.
    pub vars: &'a serde_json::Value,
    /// Directories `{% include %}`, `import` and `extends` search before the
    /// source's own directory (kolla-ansible: the playbook directory and its
    /// `templates/`).
    pub search_path: &'a [PathBuf],
    /// Skip or refuse sources the plugins skip.
    pub missing: Missing,
}

/// One source after reading and rendering: the text that gets parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedSource {
    /// The path as given (it names the source in errors and provenance).
    pub path: String,
    /// The rendered text.
    pub text: String,
}

/// A source that was skipped (missing or unreadable, with [`Missing::Skip`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The path as given.
    pub path: String,
    /// Why it was skipped (the operating system's words).
    pub reason: String,
}

/// Turns `\r\n` and lone `\r` into `\n`, as Python's text mode does.
///
/// ```
/// assert_eq!(kolla_core::source::universal_newlines("[a]\rk = v\r\n  w\r"), "[a]\nk = v\n  w\n");
/// ```
pub fn universal_newlines(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Reads and renders `paths` in order; returns the rendered sources and the
/// ones skipped.
///
/// ```
/// use kolla_core::source::{read_sources, Missing, Pipeline};
/// let dir = tempfile::tempdir()?;
/// let a = dir.path().join("a.conf");
/// std::fs::write(&a, "x = {{ x }}\r\n")?;
/// // A path through a file cannot be read, not even by root: skipped.
/// let through_file = a.join("b.conf");
/// let vars = serde_json::json!({"x": 1});
/// let p = Pipeline { vars: &vars, search_path: &[], missing: Missing::Skip };
/// let (read, skipped) = read_sources(&[&a, &through_file], &p)?;
/// assert_eq!(read[0].text, "x = 1\n");
/// assert_eq!(skipped[0].path, through_file.display().to_string());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// - [`Error::Directory`] for a directory (upstream fails the same way);
/// - [`Error::Missing`] for a missing or unreadable source with [`Missing::Error`];
/// - [`crate::Error::Io`] for a file that is not UTF-8 or fails to read;
/// - [`crate::Error::Template`] when rendering fails (e.g. an undefined variable).
pub fn read_sources<P: AsRef<Path>>(
    paths: &[P],
    pipeline: &Pipeline<'_>,
) -> crate::Result<(Vec<RenderedSource>, Vec<Skipped>)> {
    let mut out = Vec::with_capacity(paths.len());
    let mut skipped = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let Some(bytes) = read_source(path, &name, pipeline.missing, &mut skipped)? else {
            continue;
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            IoError::new(
                path,
                std::io::Error::new(ErrorKind::InvalidData, e.utf8_error()),
            )
        })?;
        let text = match universal_newlines(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(t) => t,
        };
        let text = if has_template_syntax(&text) {
            let opts = crate::template::RenderOptions {
                lstrip_blocks: true,
                search_path: crate::template::search_path_for(path, pipeline.search_path),
            };
            crate::template::render_with(&name, &text, pipeline.vars, &opts)?
        } else {
            text
        };
        out.push(RenderedSource { path: name, text });
    }
    Ok((out, skipped))
}

/// The bytes of one source, or `None` when it is skipped.
fn read_source(
    path: &Path,
    name: &str,
    missing: Missing,
    skipped: &mut Vec<Skipped>,
) -> crate::Result<Option<Vec<u8>>> {
    let directory = || Error::Directory {
        path: name.to_string(),
    };
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::IsADirectory => return Err(directory().into()),
        // Whatever keeps a file from being opened for reading also makes
        // `os.access(path, R_OK)` false.
        Err(e) => {
            if missing == Missing::Error {
                return Err(Error::Missing {
                    path: name.to_string(),
                    reason: e.to_string(),
                }
                .into());
            }
            skipped.push(Skipped {
                path: name.to_string(),
                reason: e.to_string(),
            });
            return Ok(None);
        }
    };
    let mut bytes = Vec::new();
    match file.read_to_end(&mut bytes) {
        Ok(_) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::IsADirectory || path.is_dir() => Err(directory().into()),
        Err(e) => Err(IoError::new(path, e).into()),
    }
}

fn has_template_syntax(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices('{')
        .any(|(i, _)| matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#')))
}

/// The whole `merge_yaml` action on files: each source read and rendered
/// by [`read_sources`], then parsed and merged by
/// [`crate::yaml::merge::merge_yaml`].
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let a = dir.path().join("a.yml");
/// std::fs::write(&a, "b: {{ val }}\na:\n  list: [1, 2]\n").unwrap();
/// let b = dir.path().join("b.yml");
/// std::fs::write(&b, "a:\n  list: [3]\n  extra: caf\u{e9}\n").unwrap();
/// let vars = serde_json::json!({"val": 5});
/// let out = kolla_core::source::merge_yaml_files(
///     &[a, dir.path().join("missing.yml"), b],
///     &kolla_core::yaml::merge::MergeOptions { extend_lists: true, yaml_width: None },
///     &kolla_core::source::Pipeline { vars: &vars, search_path: &[], missing: Default::default() },
/// ).unwrap();
/// assert_eq!(out, "a:\n  extra: \"caf\\xE9\"\n  list:\n  - 1\n  - 2\n  - 3\nb: 5\n");
/// ```
///
/// # Errors
/// As [`read_sources`], and the errors of [`crate::yaml::merge::merge_yaml`].
pub fn merge_yaml_files<P: AsRef<Path>>(
    paths: &[P],
    opts: &crate::yaml::merge::MergeOptions,
    pipeline: &Pipeline<'_>,
) -> crate::Result<String> {
    merge_yaml_files_reporting(paths, opts, pipeline).map(|(text, _)| text)
}

/// [`merge_yaml_files`], also returning the sources skipped (missing or
/// unreadable, with [`Missing::Skip`]), in order, so a caller can say so.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let a = dir.path().join("a.yml");
/// std::fs::write(&a, "a: 1\n").unwrap();
/// let missing = dir.path().join("missing.yml");
/// let vars = serde_json::json!({});
/// let (out, skipped) = kolla_core::source::merge_yaml_files_reporting(
///     &[a, missing.clone()],
///     &Default::default(),
///     &kolla_core::source::Pipeline { vars: &vars, search_path: &[], missing: Default::default() },
/// ).unwrap();
/// assert_eq!(out, "a: 1\n");
/// assert_eq!(skipped.len(), 1);
/// assert_eq!(skipped[0].path, missing.display().to_string());
/// ```
///
/// # Errors
/// As [`merge_yaml_files`].
pub fn merge_yaml_files_reporting<P: AsRef<Path>>(
    paths: &[P],
    opts: &crate::yaml::merge::MergeOptions,
    pipeline: &Pipeline<'_>,
) -> crate::Result<(String, Vec<Skipped>)> {
    use crate::yaml::node::{load_node, Node};
    let mut skipped = Vec::new();
    let acc = Node::new_map();
    let Node::Map(acc_map) = &acc else {
        unreachable!("new_map is a map")
    };
    // One source at a time, as the plugin reads, renders, loads and merges
    // each before the next: the first failing source is the one reported.
    for path in paths {
        let (sources, skips) = read_sources(std::slice::from_ref(path), pipeline)?;
        skipped.extend(skips);
        for s in &sources {
            let doc = load_node(&s.path, &s.text)?;
            crate::yaml::merge::merge_document(acc_map, &s.path, &doc, opts.extend_lists)?;
        }
    }
    let text = crate::yaml::dump::dump(
        &acc,
        &crate::yaml::dump::DumpOptions {
            width: opts.yaml_width,
            ..Default::default()
        },
    );
    Ok((text, skipped))
}
