//! Config merging: kolla-ansible's `merge_configs` (INI).
//!
//! (Filled in by the config-merging issue.)

use crate::error::Location;

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
}
