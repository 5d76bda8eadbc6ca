//! The labels kolla-rs puts on the containers it deploys. Day-2 operations
//! (status, logs, shell, destroy) find kolla-rs's containers by them, and
//! never touch a container without [`MANAGED`].

/// `true` on every container kolla-rs created.
pub const MANAGED: &str = "kolla-rs.managed";
/// The inventory host the container belongs to.
pub const HOST: &str = "kolla-rs.host";
/// The catalog service (`nova`).
pub const SERVICE: &str = "kolla-rs.service";
/// The catalog container name (`nova_api`).
pub const CONTAINER: &str = "kolla-rs.container";
/// A hash of the container's config directory when it was (re)started.
pub const CONFIG_HASH: &str = "kolla-rs.config-hash";
/// `true` on one-shot bootstrap containers.
pub const BOOTSTRAP: &str = "kolla-rs.bootstrap";
