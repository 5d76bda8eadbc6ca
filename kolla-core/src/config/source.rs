//! Sources as kolla-ansible's `merge_configs` action reads them (spec
//! `ini-merge.md`, section D): each file read as text with universal
//! newlines, rendered as a template, then parsed; missing or unreadable
//! files are skipped; a directory is an error.

use std::borrow::Cow;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{Error, Explanation, IniMerge};
use crate::error::IoError;

/// How to read and merge a list of source files.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    /// Spaces around `=` in the output (upstream's `whitespace`, default on).
    pub whitespace: bool,
    /// A missing or unreadable source is an error instead of being skipped.
    pub strict: bool,
    /// Variables every source is rendered with.
    pub vars: serde_json::Value,
    /// Directories `{% include %}`, `import` and `extends` search before the
    /// source's own directory (kolla-ansible: the playbook directory and its
    /// `templates/`).
    pub search_path: Vec<PathBuf>,
}

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            whitespace: true,
            strict: false,
            vars: serde_json::Value::Object(Default::default()),
            search_path: Vec::new(),
        }
    }
}

/// One source after reading and rendering: the text that gets parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedSource {
    /// The path as given (it names the source in errors and provenance).
    pub path: String,
    /// The rendered text.
    pub text: String,
}

/// Turns `\r\n` and lone `\r` into `\n`, as Python's text mode does.
///
/// ```
/// assert_eq!(kolla_core::config::universal_newlines("[a]\rk = v\r\n  w\r"), "[a]\nk = v\n  w\n");
/// ```
pub fn universal_newlines(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Reads and renders `paths` in order, skipping missing or unreadable ones
/// (unless `options.strict`).
///
/// A text without any Jinja delimiter (`{{`, `{%`, `{#`) renders to itself,
/// so it is not handed to the template engine at all.
///
/// # Errors
/// - [`Error::Directory`] for a directory (upstream fails the same way);
/// - [`Error::Missing`] for a missing or unreadable source with `strict`;
/// - [`crate::Error::Io`] for a file that is not UTF-8 or fails to read;
/// - [`crate::Error::Template`] when rendering fails (e.g. an undefined variable).
pub fn load_sources<P: AsRef<Path>>(
    paths: &[P],
    options: &MergeOptions,
) -> crate::Result<Vec<RenderedSource>> {
    Ok(load_sources_reporting(paths, options)?.0)
}

/// A source [`load_sources`] skipped (missing or unreadable, without `strict`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The path as given.
    pub path: String,
    /// Why it was skipped (the operating system's words).
    pub reason: String,
}

/// [`load_sources`], also returning the sources it skipped, for callers
/// that tell the user (the CLI says on stderr what it left out).
///
/// # Errors
/// As [`load_sources`].
pub fn load_sources_reporting<P: AsRef<Path>>(
    paths: &[P],
    options: &MergeOptions,
) -> crate::Result<(Vec<RenderedSource>, Vec<Skipped>)> {
    let mut out = Vec::with_capacity(paths.len());
    let mut skipped = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::IsADirectory || path.is_dir() => {
                return Err(Error::Directory { path: name }.into())
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::PermissionDenied) => {
                if options.strict {
                    return Err(Error::Missing {
                        path: name,
                        reason: e.to_string(),
                    }
                    .into());
                }
                skipped.push(Skipped {
                    path: name,
                    reason: e.to_string(),
                });
                continue;
            }
            Err(e) => return Err(IoError::new(PathBuf::from(path), e).into()),
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
            render_source(&name, path, &text, options)?
        } else {
            text
        };
        out.push(RenderedSource { path: name, text });
    }
    Ok((out, skipped))
}

/// Renders a source as kolla-ansible's merge_configs does: Ansible's
/// templar with `lstrip_blocks` on (so an indented `{% if %}` line leaves
/// no indentation behind, which would turn the next line into a
/// continuation), includes searched in `options.search_path` and then the
/// source's own directory.
fn render_source(
    name: &str,
    path: &Path,
    source: &str,
    options: &MergeOptions,
) -> Result<String, crate::template::Error> {
    let opts = crate::template::RenderOptions {
        lstrip_blocks: true,
        search_path: crate::template::search_path_for(path, &options.search_path),
    };
    crate::template::render_with(name, source, &options.vars, &opts)
}

fn has_template_syntax(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices('{')
        .any(|(i, _)| matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#')))
}

/// Merges rendered sources into one [`IniMerge`] (which borrows them).
///
/// # Errors
/// [`Error::Parse`] for the first malformed source.
pub fn merge_rendered(sources: &[RenderedSource]) -> Result<IniMerge<'_>, Error> {
    let mut merge = IniMerge::new();
    for s in sources {
        merge.add(&s.path, &s.text)?;
    }
    Ok(merge)
}

/// `merge_configs` on files: read, render, merge, write.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let base = dir.path().join("nova.conf.j2");
/// std::fs::write(&base, "[libvirt]\nvirt_type = {{ virt_type }}\ncpu_mode = none\n")?;
/// let custom = dir.path().join("nova.conf");
/// std::fs::write(&custom, "[libvirt]\r\nvirt_type = qemu\r\n")?;
/// let missing = dir.path().join("nova/nova-compute.conf");
///
/// let options = kolla_core::config::MergeOptions {
///     vars: serde_json::json!({"virt_type": "kvm"}),
///     ..Default::default()
/// };
/// let out = kolla_core::config::merge_files(&[&base, &custom, &missing], &options)?;
/// assert_eq!(out, "[libvirt]\nvirt_type = qemu\ncpu_mode = none\n\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// See [`load_sources`] and [`merge_rendered`].
pub fn merge_files<P: AsRef<Path>>(paths: &[P], options: &MergeOptions) -> crate::Result<String> {
    let sources = load_sources(paths, options)?;
    Ok(merge_rendered(&sources)?.write(options.whitespace))
}

/// The provenance of `merge_files` (unredacted; call
/// [`Explanation::redact`] before showing it).
///
/// # Errors
/// See [`load_sources`] and [`merge_rendered`].
pub fn explain_files<P: AsRef<Path>>(
    paths: &[P],
    options: &MergeOptions,
) -> crate::Result<Explanation> {
    let sources = load_sources(paths, options)?;
    Ok(Explanation::of(&merge_rendered(&sources)?))
}

/// `merge_files` and its provenance, from the same single merge.
///
/// # Errors
/// See [`load_sources`] and [`merge_rendered`].
pub fn merge_files_explained<P: AsRef<Path>>(
    paths: &[P],
    options: &MergeOptions,
) -> crate::Result<(String, Explanation)> {
    let sources = load_sources(paths, options)?;
    let merge = merge_rendered(&sources)?;
    Ok((merge.write(options.whitespace), Explanation::of(&merge)))
}
