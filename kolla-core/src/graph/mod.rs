//! The service graph.

/// Errors of the graph.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A dependency cycle.
    #[error("dependency cycle: {0}")]
    Cycle(String),
}
