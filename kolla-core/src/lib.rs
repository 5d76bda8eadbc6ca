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
//! - `runtime`: the async edge: the [`engine`] trait with the in-memory
//!   engine and the `kolla_container` actions, and [`build`] (stand-in
//!   images). Pulls in tokio and async-trait. Without it kolla-core is
//!   synchronous: the pure [`container`] types, parameters and comparison,
//!   and [`set_configs`] (what the static `kolla_set_configs` is built from).
//! - `docker` (default, implies `runtime`): the Docker engine backend,
//!   through bollard.
//! - `tls`: TLS to a remote Docker engine (`DOCKER_TLS_VERIFY`), with rustls.

#[cfg(feature = "runtime")]
pub mod build;
pub mod catalog;
pub mod config_json;
pub mod container;
#[cfg(feature = "runtime")]
pub mod day2;
pub mod deploy;
#[cfg(feature = "runtime")]
pub mod engine;
pub mod error;
mod fsutil;
pub mod genconfig;
pub mod graph;
pub mod ini;
pub mod inventory;
pub mod passwords;
#[cfg(feature = "runtime")]
pub mod prechecks;
pub mod pycompat;
pub mod set_configs;
pub mod source;
pub mod template;
pub mod upgrade;
pub mod vars;
pub mod yaml;

pub use error::{Error, IoError, Location, Result};
