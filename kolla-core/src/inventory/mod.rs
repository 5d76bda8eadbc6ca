//! Ansible inventories: hosts, groups, variables and host patterns.
//!
//! (Filled in by the inventory issue.)

use crate::error::Location;

/// An inventory could not be read or a pattern could not be resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A malformed inventory line.
    #[error("{location}: {message}")]
    Parse {
        /// The inventory file and line.
        location: Location,
        /// What is wrong.
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
