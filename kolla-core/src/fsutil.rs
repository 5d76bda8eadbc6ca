//! Writing files the way every kolla-rs output is written: atomically
//! (temp file in the same directory, then rename), with a mode, never
//! half-written.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::IoError;

/// Parses an octal file mode as Ansible's `mode` takes it as a string:
/// `"0660"`, `"660"` or `"0o660"`.
///
/// ```
/// assert_eq!(kolla_core::ini::parse_mode("0660"), Some(0o660));
/// assert_eq!(kolla_core::ini::parse_mode("0o600"), Some(0o600));
/// assert_eq!(kolla_core::ini::parse_mode("u+rw"), None);
/// ```
pub fn parse_mode(text: &str) -> Option<u32> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    u32::from_str_radix(digits, 8).ok().filter(|m| *m <= 0o7777)
}

/// Writes `contents` to `dest` atomically: a temporary file in the same
/// directory, flushed, given `mode` (or the mode `dest` already has, or the
/// umask default for a new file), then renamed over `dest`. On error the
/// temporary file is removed and `dest` is untouched.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let dest = dir.path().join("nova.conf");
/// kolla_core::ini::write_atomic(&dest, b"[a]\nk = v\n\n", Some(0o640))?;
/// assert_eq!(std::fs::read_to_string(&dest)?, "[a]\nk = v\n\n");
/// # use std::os::unix::fs::PermissionsExt;
/// assert_eq!(std::fs::metadata(&dest)?.permissions().mode() & 0o7777, 0o640);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`IoError`] naming the file that could not be written.
pub fn write_atomic(dest: &Path, contents: &[u8], mode: Option<u32>) -> Result<(), IoError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = dest
        .file_name()
        .ok_or_else(|| {
            IoError::new(
                dest,
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
            )
        })?
        .to_string_lossy();
    let mode = match mode {
        Some(m) => Some(m),
        None => fs::metadata(dest)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777),
    };
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> std::io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&tmp)?;
        file.write_all(contents)?;
        if let Some(m) = mode {
            file.set_permissions(fs::Permissions::from_mode(m))?;
        }
        file.sync_all()?;
        fs::rename(&tmp, dest)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        IoError::new(dest, e)
    })
}
