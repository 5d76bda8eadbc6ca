//! Building images (feature `runtime`): a `kolla-build` equivalent.
//!
//! - [`tree`]: image definitions in a checked graph, selection and the plan;
//! - [`render`]: `Dockerfile.j2` rendering with template override blocks;
//! - [`builder`]: parallel, tree-aware builds through the engine trait;
//! - [`image`]: build contexts, and small local images from a static busybox;
//! - [`standin`]: the stand-in tree, the `standin` profile of the builder.

pub mod builder;
pub mod image;
pub mod render;
pub mod standin;
pub mod tree;

/// An image tree, selection or render failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Two definitions share a name.
    #[error("image {image} is defined twice")]
    Duplicate {
        /// The image name.
        image: String,
    },
    /// A definition names a parent that is not defined.
    #[error("image {image}: parent image {parent} is not defined")]
    MissingParent {
        /// The image.
        image: String,
        /// Its missing parent.
        parent: String,
    },
    /// Parents form a loop.
    #[error("image parent cycle: {}", .members.join(" -> "))]
    Cycle {
        /// The images of the cycle, parent first, the first repeated at the end.
        members: Vec<String>,
    },
    /// An image name is not in the tree.
    #[error("{image} is not a known Kolla image name")]
    UnknownImage {
        /// The name asked for.
        image: String,
    },
    /// `--profile` names no known profile.
    #[error("profile {profile} does not exist (known: {known})")]
    UnknownProfile {
        /// The profile asked for.
        profile: String,
        /// The known profiles.
        known: String,
    },
    /// A selection regex does not compile.
    #[error("image regex {pattern}: {message}")]
    Regex {
        /// The (joined) pattern.
        pattern: String,
        /// Why.
        message: String,
    },
    /// A Dockerfile template or override does not parse or render.
    #[error("image {image}: template {message}")]
    Template {
        /// The image (or override files) concerned.
        image: String,
        /// file:line and what went wrong.
        message: String,
    },
    /// Reading an input (busybox, kolla_set_configs, an override file).
    #[error("{parameter}: {message}")]
    Input {
        /// What was read.
        parameter: String,
        /// Why it failed.
        message: String,
    },
    /// The engine failed outside a single image's build (connecting,
    /// checking which images exist).
    #[error(transparent)]
    Engine(#[from] crate::container::Error),
}
