//! Building images on the engine (feature `runtime`).
//!
//! - [`image`]: build contexts, and small local images from a static busybox;
//! - [`standin`]: the stand-in service images (one day a profile of the
//!   Kolla image builder).

pub mod image;
pub mod standin;
