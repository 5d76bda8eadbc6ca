//! The in-container side: `config.json` and what `kolla_set_configs` does
//! with it.
//!
//! (Filled in by the set_configs issue.)

use crate::error::Location;

/// `config.json` is invalid or a file could not be put in place.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// config.json does not parse or does not match the schema.
    #[error("{location}: {message}")]
    InvalidConfig {
        /// The config.json file (and line, when known).
        location: Location,
        /// What is wrong, naming the JSON path.
        message: String,
    },
}

impl Error {
    /// Where in which file the error is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::InvalidConfig { location, .. } => Some(location),
        }
    }
}
