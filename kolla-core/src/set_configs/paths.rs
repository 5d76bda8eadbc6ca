//! Where `kolla_set_configs` reads and writes: the container's root, or a
//! relocated root for tests.
//!
//! Every absolute path the tool touches (the fixed config location,
//! `/run_command`, `/configured`, `/etc/kolla/defaults`, `/etc/passwd`,
//! `/etc/group`, and every source, dest and permission path named in
//! config.json) is resolved through [`Paths::real`]. The binary always uses
//! [`Paths::container`]; nothing in the environment or on the command line can
//! move the root. Upstream removed its `KOLLA_CONFIG_FILE` override for
//! CVE-2022-38060 (the tool runs as root under `sudo -E`, so a caller-chosen
//! config path let an unprivileged user copy any file anywhere). A relocated
//! root is only reachable from Rust code that links this library, which is
//! where the golden tests use it.

use std::path::{Path, PathBuf};

/// The fixed location of the YAML config (preferred when present).
pub const CONFIG_YAML: &str = "/var/lib/kolla/config_files/config.yaml";
/// The fixed location of the JSON config.
pub const CONFIG_JSON: &str = "/var/lib/kolla/config_files/config.json";
/// Where the service command is written for `kolla_start`.
pub const RUN_COMMAND: &str = "/run_command";
/// The marker that COPY_ONCE has already run.
pub const CONFIGURED: &str = "/configured";
/// Where image defaults are backed up.
pub const DEFAULTS_DIR: &str = "/etc/kolla/defaults";
/// The defaults backup state file.
pub const DEFAULTS_STATE: &str = "/etc/kolla/defaults/state";
/// The container's user database.
pub const PASSWD: &str = "/etc/passwd";
/// The container's group database.
pub const GROUP: &str = "/etc/group";

/// The root that container paths are resolved against.
///
/// ```
/// use kolla_core::set_configs::Paths;
/// let p = Paths::under("/tmp/root");
/// assert_eq!(p.real("/etc/nova/nova.conf"), std::path::Path::new("/tmp/root/etc/nova/nova.conf"));
/// assert_eq!(p.container_path(std::path::Path::new("/tmp/root/etc/x")), "/etc/x");
/// assert_eq!(Paths::container().real("/etc/x"), std::path::Path::new("/etc/x"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    /// The real container root, `/`: what the binary uses, always.
    pub fn container() -> Self {
        Paths {
            root: PathBuf::from("/"),
        }
    }

    /// A relocated root, for tests: every container path resolves below `root`.
    pub fn under(root: impl Into<PathBuf>) -> Self {
        Paths { root: root.into() }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real filesystem path of a container path.
    ///
    /// Relative paths are taken as relative to the container root too (the
    /// tool runs with `/` as its working directory in the image).
    pub fn real(&self, container_path: &str) -> PathBuf {
        let rel = container_path.trim_start_matches('/');
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// The container path of a real filesystem path below the root.
    pub fn container_path(&self, real: &Path) -> String {
        match real.strip_prefix(&self.root) {
            Ok(rel) => format!("/{}", rel.display()),
            Err(_) => real.display().to_string(),
        }
    }
}
