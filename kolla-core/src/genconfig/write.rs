//! Writing generated config directories: atomically (each file through
//! [`crate::fsutil::write_atomic`]) and idempotently (a file whose content
//! and mode are already right is not touched), removing the files of a
//! config directory genconfig no longer generates.

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ContainerConfig;
use crate::error::IoError;

/// Where [`write`] writes.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `<out>/<host>/<key>/`; without it, `node_config_directory/<key>/`
    /// of each local host (other hosts are skipped).
    pub out: Option<PathBuf>,
    /// Report what would change, write nothing.
    pub check: bool,
}

/// What writing one (host, key) directory changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The inventory host.
    pub host: String,
    /// The config directory key.
    pub key: String,
    /// The directory written.
    pub dir: PathBuf,
    /// Files that did not exist.
    pub created: Vec<String>,
    /// Files whose content or mode changed.
    pub changed: Vec<String>,
    /// Files removed (no longer generated).
    pub removed: Vec<String>,
    /// Files already right.
    pub unchanged: usize,
    /// Why the directory was not written (a remote host without `--out`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl Change {
    /// Whether anything was created, changed or removed.
    pub fn is_changed(&self) -> bool {
        !(self.created.is_empty() && self.changed.is_empty() && self.removed.is_empty())
    }
}

/// Writes every config directory; one [`Change`] per (host, key), in order.
///
/// ```
/// use kolla_core::genconfig::{write, ContainerConfig, File, WriteOptions};
/// let dir = tempfile::tempdir()?;
/// let cfg = ContainerConfig {
///     host: "h1".into(), service: "memcached".into(), container: "memcached".into(),
///     key: "memcached".into(), node_config_directory: "/etc/kolla".into(), local: false,
///     files: vec![File { name: "config.json".into(), bytes: b"{}\n".to_vec().into(), mode: 0o660 }],
/// };
/// let opts = WriteOptions { out: Some(dir.path().to_path_buf()), ..Default::default() };
/// let first = write(std::slice::from_ref(&cfg), &opts)?;
/// assert_eq!(first[0].created, ["config.json"]);
/// let again = write(std::slice::from_ref(&cfg), &opts)?;
/// assert!(!again[0].is_changed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`IoError`] naming the file or directory that could not be written.
pub fn write(configs: &[ContainerConfig], options: &WriteOptions) -> crate::Result<Vec<Change>> {
    let mut out = Vec::with_capacity(configs.len());
    for cfg in configs {
        let dir = match &options.out {
            Some(o) => o.join(&cfg.host).join(&cfg.key),
            None if cfg.local => Path::new(&cfg.node_config_directory).join(&cfg.key),
            None => {
                out.push(Change {
                    host: cfg.host.clone(),
                    key: cfg.key.clone(),
                    skipped: Some("not a local host (pass --out DIR)".into()),
                    ..Default::default()
                });
                continue;
            }
        };
        out.push(write_dir(cfg, &dir, options.check)?);
    }
    Ok(out)
}

fn write_dir(cfg: &ContainerConfig, dir: &Path, check: bool) -> crate::Result<Change> {
    let mut change = Change {
        host: cfg.host.clone(),
        key: cfg.key.clone(),
        dir: dir.to_path_buf(),
        ..Default::default()
    };
    if !check {
        create_dir(dir)?;
    }
    for f in &cfg.files {
        let path = dir.join(&f.name);
        match std::fs::read(&path) {
            Ok(old) if *old == *f.bytes => {
                let mode = std::fs::metadata(&path)
                    .map_err(|e| IoError::new(&path, e))?
                    .permissions()
                    .mode()
                    & 0o7777;
                if mode == f.mode {
                    change.unchanged += 1;
                    continue;
                }
                if !check {
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(f.mode))
                        .map_err(|e| IoError::new(&path, e))?;
                }
                change.changed.push(f.name.clone());
            }
            Ok(_) => {
                if !check {
                    crate::fsutil::write_atomic(&path, &f.bytes, Some(f.mode))?;
                }
                change.changed.push(f.name.clone());
            }
            Err(_) => {
                if !check {
                    if let Some(parent) = path.parent() {
                        create_dir(parent)?;
                    }
                    crate::fsutil::write_atomic(&path, &f.bytes, Some(f.mode))?;
                }
                change.created.push(f.name.clone());
            }
        }
    }
    // Files of this directory genconfig no longer generates.
    let keep: HashSet<&str> = cfg.files.iter().map(|f| f.name.as_str()).collect();
    if dir.is_dir() {
        remove_stale(dir, dir, &keep, check, &mut change.removed)?;
    }
    change.removed.sort();
    Ok(change)
}

fn create_dir(dir: &Path) -> Result<(), IoError> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| IoError::new(dir, e))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o770))
        .map_err(|e| IoError::new(dir, e))
}

fn remove_stale(
    root: &Path,
    dir: &Path,
    keep: &HashSet<&str>,
    check: bool,
    removed: &mut Vec<String>,
) -> Result<(), IoError> {
    let entries = std::fs::read_dir(dir).map_err(|e| IoError::new(dir, e))?;
    for e in entries {
        let e = e.map_err(|e| IoError::new(dir, e))?;
        let path = e.path();
        let ft = e.file_type().map_err(|e| IoError::new(&path, e))?;
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if ft.is_dir() {
            remove_stale(root, &path, keep, check, removed)?;
            if !check && std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
                std::fs::remove_dir(&path).map_err(|e| IoError::new(&path, e))?;
            }
            continue;
        }
        if keep.contains(rel.as_str()) {
            continue;
        }
        if !check {
            std::fs::remove_file(&path).map_err(|e| IoError::new(&path, e))?;
        }
        removed.push(rel);
    }
    Ok(())
}
