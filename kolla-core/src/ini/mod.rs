//! Config merging: kolla-ansible's `merge_configs` (INI), byte for byte.
//!
//! - [`IniMerge`]: the oslo.config INI grammar and `OverrideConfigParser`'s
//!   merge and writer (spec `ini-merge.md`, sections A to C), built in one
//!   pass over each source, with provenance as a by-product.
//! - [`Explanation`]: which source and line won for every key, and what it
//!   replaced (`kolla merge-ini --explain`), with secrets redacted.
//! - [`merge_files`]: the action plugin's source handling (section D):
//!   universal newlines, templating, missing sources skipped.
//!
//! ```
//! let out = kolla_core::ini::merge_texts(
//!     [
//!         ("nova.conf.j2", "[DEFAULT]\ndebug = False\n\n[libvirt]\nvirt_type = kvm\n"),
//!         ("config/nova/nova-compute.conf", "[libvirt]\nvirt_type = qemu\n"),
//!     ],
//!     true,
//! )?;
//! assert_eq!(out, "[DEFAULT]\ndebug = False\n\n[libvirt]\nvirt_type = qemu\n\n");
//! # Ok::<(), kolla_core::ini::Error>(())
//! ```
//!
//! One deliberate difference from upstream (see `docs/deviations.md`): a
//! parse error reports the line in the failing source's own file, not a count
//! carried across all sources.

use crate::error::Location;

pub mod explain;
mod merge;
mod parse;

mod source;

pub use crate::fsutil::{parse_mode, write_atomic};
pub use explain::Explanation;
pub use merge::{merge_texts, IniMerge, ORPHAN_SECTION};
pub use source::{
    explain_files, load_sources, load_sources_reporting, merge_files, merge_files_explained,
    merge_rendered, MergeOptions,
};

/// A config merge failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A source is not valid INI.
    #[error("{location}: {message}")]
    Parse {
        /// The source file and its own line.
        location: Location,
        /// Upstream's message, e.g. `at line 2, Key cannot be empty: '= v'`.
        message: String,
    },
}

impl Error {
    /// Where in which file the error is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Parse { location, .. } => Some(location),
        }
    }

    /// The source the error is about.
    pub fn path(&self) -> &str {
        match self {
            Error::Parse { location, .. } => &location.path,
        }
    }

    /// Upstream's message alone, without our `path:line: ` prefix (what the
    /// Ansible plugin reports as the task's `msg`).
    pub fn upstream_message(&self) -> String {
        match self {
            Error::Parse { message, .. } => message.clone(),
        }
    }
}
