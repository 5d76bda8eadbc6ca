//! Small local images for tests and stand-ins, built from Debian's static
//! busybox, since no registry is reachable.

use std::path::{Path, PathBuf};

use crate::container::Error;

/// Where Debian's `busybox-static` package puts its binary.
pub const DEFAULT_BUSYBOX: &str = "/bin/busybox";

/// Finds a statically linked busybox: `$KOLLA_BUSYBOX`, else `/bin/busybox`.
///
/// # Errors
/// [`Error::InvalidParameter`] when the file is missing or dynamically linked
/// (Debian's plain `busybox` package), since a `FROM scratch` image has no
/// dynamic loader.
pub fn find_static_busybox() -> Result<PathBuf, Error> {
    let path = std::env::var_os("KOLLA_BUSYBOX")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BUSYBOX));
    let bytes = std::fs::read(&path).map_err(|e| Error::InvalidParameter {
        parameter: "busybox".into(),
        message: format!(
            "{}: {e} (install Debian's busybox-static, or set KOLLA_BUSYBOX)",
            path.display()
        ),
    })?;
    if !is_static_elf(&bytes) {
        return Err(Error::InvalidParameter {
            parameter: "busybox".into(),
            message: format!(
                "{} is not a statically linked ELF binary (install busybox-static)",
                path.display()
            ),
        });
    }
    Ok(path)
}

/// Whether `bytes` is a 64-bit little-endian ELF file with no program
/// interpreter (no `PT_INTERP` header), i.e. it runs without a loader.
pub fn is_static_elf(bytes: &[u8]) -> bool {
    const PT_INTERP: u32 = 3;
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return false;
    }
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]) as usize;
    let phoff = u64::from_le_bytes(bytes[0x20..0x28].try_into().unwrap_or([0; 8])) as usize;
    let (phentsize, phnum) = (u16_at(0x36), u16_at(0x38));
    (0..phnum).all(|i| {
        let at = phoff + i * phentsize;
        match bytes.get(at..at + 4) {
            Some(t) => u32::from_le_bytes([t[0], t[1], t[2], t[3]]) != PT_INTERP,
            None => false,
        }
    })
}

/// One file to put into a build context.
#[derive(Debug, Clone)]
pub struct ContextFile {
    /// Path inside the context (and, with the default Dockerfile, the image).
    pub path: String,
    /// File contents.
    pub data: Vec<u8>,
    /// Unix mode bits.
    pub mode: u32,
}

/// Builds a tar build context: a `Dockerfile` plus `files`.
///
/// # Errors
/// [`Error::InvalidParameter`] if the archive cannot be assembled.
pub fn build_context(dockerfile: &str, files: &[ContextFile]) -> Result<Vec<u8>, Error> {
    let mut ar = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8], mode: u32| -> std::io::Result<()> {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(mode);
        h.set_mtime(0);
        h.set_cksum();
        ar.append_data(&mut h, path, data)
    };
    let tar_err = |e: std::io::Error| Error::InvalidParameter {
        parameter: "build context".into(),
        message: e.to_string(),
    };
    add("Dockerfile", dockerfile.as_bytes(), 0o644).map_err(tar_err)?;
    for f in files {
        add(&f.path, &f.data, f.mode).map_err(tar_err)?;
    }
    ar.into_inner().map_err(tar_err)
}

/// The build context of a minimal image: `FROM scratch`, busybox at
/// `/bin/busybox` with `/bin/sh` linked to it, plus any extra files.
///
/// # Errors
/// When busybox cannot be read.
pub fn busybox_context(busybox: &Path, extra: &[ContextFile]) -> Result<Vec<u8>, Error> {
    let data = std::fs::read(busybox).map_err(|e| Error::InvalidParameter {
        parameter: "busybox".into(),
        message: format!("{}: {e}", busybox.display()),
    })?;
    let mut files = vec![ContextFile {
        path: "busybox".into(),
        data,
        mode: 0o755,
    }];
    files.extend_from_slice(extra);
    let mut dockerfile = String::from(
        "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n",
    );
    for f in extra {
        dockerfile.push_str(&format!("COPY {0} /{0}\n", f.path));
    }
    dockerfile.push_str("CMD [\"/bin/sh\"]\n");
    build_context(&dockerfile, &files)
}

/// The build context of a small Kolla-like image for engine tests and
/// benches: busybox, a scripted `kolla_set_configs` (any executable text),
/// `/tmp`, an `/etc/passwd` holding root unless `with_root` is false (then
/// `exec --user root` cannot run), and Kolla's image labels.
///
/// # Errors
/// When busybox cannot be read.
pub fn kolla_like_context(
    busybox: &Path,
    set_configs: &str,
    with_root: bool,
) -> Result<Vec<u8>, Error> {
    let data = std::fs::read(busybox).map_err(|e| Error::InvalidParameter {
        parameter: "busybox".into(),
        message: format!("{}: {e}", busybox.display()),
    })?;
    let files = [
        ContextFile {
            path: "busybox".into(),
            data,
            mode: 0o755,
        },
        ContextFile {
            path: "kolla_set_configs".into(),
            data: set_configs.as_bytes().to_vec(),
            mode: 0o755,
        },
        ContextFile {
            path: "passwd".into(),
            data: b"root:x:0:0:root:/root:/bin/sh\n".to_vec(),
            mode: 0o644,
        },
    ];
    let passwd = if with_root {
        "COPY passwd /etc/passwd\n"
    } else {
        ""
    };
    let dockerfile = format!(
        "FROM scratch\n\
         COPY busybox /bin/busybox\n\
         RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n\
         RUN [\"/bin/mkdir\", \"-p\", \"/tmp\", \"/etc\"]\n\
         {passwd}\
         COPY kolla_set_configs /usr/local/bin/kolla_set_configs\n\
         LABEL kolla_version=\"test\" build-date=\"20250101\"\n\
         CMD [\"/bin/sh\"]\n"
    );
    build_context(&dockerfile, &files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_holds_dockerfile_and_files() {
        let tar = build_context(
            "FROM scratch\n",
            &[ContextFile {
                path: "x".into(),
                data: b"hi".to_vec(),
                mode: 0o600,
            }],
        )
        .unwrap();
        let mut ar = tar::Archive::new(&tar[..]);
        let names: Vec<String> = ar
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["Dockerfile", "x"]);
    }

    #[test]
    fn static_elf_detection() {
        assert!(!is_static_elf(b"#!/bin/sh\n"));
        // Our own test binary is dynamically linked against libc.
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert!(!is_static_elf(&me));
    }
}
