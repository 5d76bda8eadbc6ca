//! File operations on container paths: glob, delete, atomic copy, chown and
//! chmod, recursive walks. Paths are container paths (what the log prints);
//! [`Paths`] maps them to the real filesystem.

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::accounts::{dir_mode, parse_perm};
use super::{Error, Log, Paths};
use crate::pycompat::str_repr as py_str;

/// An `OSError`-style failure naming the container path (exit 2).
pub(crate) fn os_error(op: &str, path: &str, e: &io::Error) -> Error {
    Error::unexpected(format!("OSError: cannot {op} {}: {e}", py_str(path)))
}

/// The uid and gid of this process (read from `/proc/self`, no libc).
pub(crate) fn current_ids() -> io::Result<(u32, u32)> {
    let md = fs::metadata("/proc/self")?;
    Ok((md.uid(), md.gid()))
}

/// Whether a path has glob magic (`*`, `?`, `[`), as Python's `glob.has_magic`.
pub(crate) fn has_magic(p: &str) -> bool {
    p.contains(['*', '?', '['])
}

/// `os.path.lexists`.
pub(crate) fn lexists(p: &Path) -> bool {
    p.symlink_metadata().is_ok()
}

/// Python's `glob.glob` on a container path: `*` does not match a leading
/// dot, no `**`. Results are sorted (upstream returns directory order, which
/// is arbitrary).
pub(crate) fn glob(paths: &Paths, pattern: &str) -> Vec<String> {
    if !has_magic(pattern) {
        return if lexists(&paths.real(pattern)) {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        };
    }
    let root = paths.root().to_string_lossy();
    let rel = pattern.trim_start_matches('/');
    let full = if root == "/" {
        format!("/{rel}")
    } else {
        format!(
            "{}/{rel}",
            glob::Pattern::escape(root.trim_end_matches('/'))
        )
    };
    let opts = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let Ok(iter) = glob::glob_with(&full, opts) else {
        return Vec::new();
    };
    let mut out: Vec<String> = iter
        .filter_map(Result::ok)
        .map(|p| paths.container_path(&p))
        .collect();
    out.sort();
    out
}

/// Joins a container directory path and a name.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// `os.path.basename`.
pub(crate) fn basename(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// `os.path.dirname`.
pub(crate) fn dirname(p: &str) -> &str {
    match p.rfind('/') {
        Some(0) => "/",
        Some(i) => &p[..i],
        None => "",
    }
}

/// Entries of a directory, sorted by name (upstream uses `os.listdir`
/// order, which is arbitrary).
pub(crate) fn list_dir(real: &Path) -> io::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(real)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}

/// Deletes a file, symlink or whole directory tree, logging it.
pub(crate) fn delete_path(paths: &Paths, path: &str, log: &mut Log) -> Result<(), Error> {
    let real = paths.real(path);
    let Ok(md) = real.symlink_metadata() else {
        return Ok(());
    };
    log.info(&format!("Deleting {path}"));
    let r = if md.is_dir() {
        fs::remove_dir_all(&real)
    } else {
        fs::remove_file(&real)
    };
    r.map_err(|e| os_error("delete", path, &e))
}

/// Creates the missing parents of `path` (default mode, caller's owner).
pub(crate) fn create_parent_dirs(paths: &Paths, path: &str) -> Result<(), Error> {
    let parent = dirname(path);
    if parent.is_empty() {
        return Ok(());
    }
    let real = paths.real(parent);
    if real.exists() {
        return Ok(());
    }
    fs::create_dir_all(&real).map_err(|e| os_error("create directory", parent, &e))
}

/// A temporary sibling of `real` for an atomic replace.
pub(crate) fn temp_sibling(real: &Path) -> PathBuf {
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    real.with_file_name(format!(".{name}.kolla-tmp.{}", std::process::id()))
}

/// Writes `data` to `path` atomically: a temp file in the same directory,
/// then a rename over the target.
pub(crate) fn write_atomic(real: &Path, data: &[u8], mode: u32) -> io::Result<()> {
    let tmp = temp_sibling(real);
    let _ = fs::remove_file(&tmp);
    let result = (|| {
        fs::write(&tmp, data)?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(mode))?;
        fs::rename(&tmp, real)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Sets owner and (if `perm` is non-empty) mode on one path, the way
/// upstream's `set_perms` does: a missing path is a warning, chown and
/// chmod failures are logged and processing goes on, a bad perm is fatal.
///
/// `shown` is the container path for the log; `real` the file to change
/// (a temp file during an atomic copy).
pub(crate) fn set_perms(
    shown: &str,
    real: &Path,
    ids: (u32, u32),
    perm: Option<&str>,
    log: &mut Log,
) -> Result<(), Error> {
    log.info(&format!("Setting permission for {shown}"));
    if !real.exists() {
        log.warning(&format!("{shown} does not exist"));
        return Ok(());
    }
    if let Err(e) = std::os::unix::fs::chown(real, Some(ids.0), Some(ids.1)) {
        log.error(&format!(
            "Failed to change ownership of {shown} to {}:{}: {e}",
            ids.0, ids.1
        ));
    }
    if let Some(p) = perm.filter(|p| !p.is_empty()) {
        let mut mode = parse_perm(p)?;
        if real.is_dir() {
            mode = dir_mode(mode);
        }
        if let Err(e) = fs::set_permissions(real, fs::Permissions::from_mode(mode)) {
            log.error(&format!(
                "Failed to set permission of {shown} to {mode}: {e}"
            ));
        }
    }
    Ok(())
}

/// Copies mode and times of `src` onto `dst`, then chowns `dst` to the
/// source's owner (upstream's `copystat` + `chown`).
pub(crate) fn copy_properties(src: &Path, dst: &Path) -> io::Result<()> {
    let md = fs::metadata(src)?;
    let times = fs::FileTimes::new()
        .set_accessed(md.accessed()?)
        .set_modified(md.modified()?);
    // Times first, while the copy is surely readable; only root-owned
    // copies run here in a container, so an open failure is left to chmod.
    if let Ok(f) = fs::File::open(dst) {
        f.set_times(times)?;
    }
    fs::set_permissions(dst, fs::Permissions::from_mode(md.mode() & 0o7777))?;
    std::os::unix::fs::chown(dst, Some(md.uid()), Some(md.gid()))
}

/// Walks below a directory like `os.walk` (top-down, not into symlinked
/// directories), calling `f` with each directory's subdirectories first and
/// then its files.
pub(crate) fn walk(
    paths: &Paths,
    dir: &str,
    f: &mut dyn FnMut(&str) -> Result<(), Error>,
) -> Result<(), Error> {
    let real = paths.real(dir);
    let Ok(names) = list_dir(&real) else {
        return Ok(());
    };
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for n in names {
        let full = join(dir, &n);
        if paths.real(&full).is_dir() {
            dirs.push(full);
        } else {
            files.push(full);
        }
    }
    for d in dirs.iter().chain(files.iter()) {
        f(d)?;
    }
    for d in &dirs {
        let is_link = paths
            .real(d)
            .symlink_metadata()
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false);
        if !is_link {
            walk(paths, d, f)?;
        }
    }
    Ok(())
}
