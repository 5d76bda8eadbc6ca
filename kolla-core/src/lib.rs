//! # kolla-core
//!
//! The deployment logic of [Kolla](https://docs.openstack.org/kolla-ansible/)
//! rebuilt in Rust: what kolla-ansible does to turn an inventory and an
//! operator's overrides into running containers.
//!
//! The data flows one way (see `DESIGN.md` in the repository):
//!
//! 1. **inventory**: hosts, groups and variables, as Ansible reads them;
//! 2. **catalog** and **graph**: which services run where, in which order;
//! 3. **config**: templates rendered and overrides merged, byte-exact with
//!    kolla-ansible's `merge_configs` / `merge_yaml`;
//! 4. **plan**: desired containers against observed ones;
//! 5. **apply**: the plan, through the [`engine::ContainerEngine`] trait.
//!
//! Everything before apply is synchronous and pure; async lives only at the
//! engine edge.
//!
//! ```
//! let vars = kolla_core::yaml::load("globals.yml", "kolla_base_distro: debian\nenable_cinder: no\n")?;
//! assert_eq!(vars["enable_cinder"], false);
//! # Ok::<(), kolla_core::Error>(())
//! ```
//!
//! ## Errors
//!
//! Each module has its own error enum; [`Error`] wraps them, with a stable
//! [`Error::kind`] and, for errors that point into a file, a [`Location`]
//! that prints as `path:line:col`.
//!
//! ## Features
//!
//! - `docker` (default): the Docker engine backend, through bollard.
//! - `tls`: TLS to a remote Docker engine (`DOCKER_TLS_VERIFY`), with rustls.

pub mod catalog;
pub mod config;
pub mod engine;
pub mod error;
mod fsutil;
pub mod graph;
pub mod inventory;
mod pytext;
pub mod set_configs;
pub mod template;
pub mod vars;
pub mod yaml;

pub use error::{Error, IoError, Location, Result};
