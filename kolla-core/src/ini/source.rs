//! `merge_configs` on files (spec `ini-merge.md`, section D): the sources
//! come through the one source pipeline ([`crate::source`]: universal
//! newlines, templating, missing or unreadable sources skipped, a directory
//! an error), then are parsed and merged.

use std::path::{Path, PathBuf};

use super::{Error, Explanation, IniMerge};
use crate::source::{read_sources, Missing, Pipeline, RenderedSource, Skipped};

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

/// Reads and renders `paths` in order through the one source pipeline
/// ([`crate::source::read_sources`]), skipping missing or unreadable ones
/// (unless `options.strict`).
///
/// # Errors
/// As [`crate::source::read_sources`].
pub fn load_sources<P: AsRef<Path>>(
    paths: &[P],
    options: &MergeOptions,
) -> crate::Result<Vec<RenderedSource>> {
    Ok(load_sources_reporting(paths, options)?.0)
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
    let pipeline = Pipeline {
        vars: &options.vars,
        search_path: &options.search_path,
        missing: if options.strict {
            Missing::Error
        } else {
            Missing::Skip
        },
    };
    read_sources(paths, &pipeline)
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
/// let options = kolla_core::ini::MergeOptions {
///     vars: serde_json::json!({"virt_type": "kvm"}),
///     ..Default::default()
/// };
/// let out = kolla_core::ini::merge_files(&[&base, &custom, &missing], &options)?;
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
