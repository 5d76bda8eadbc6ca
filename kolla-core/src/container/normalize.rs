//! The one normalisation of what a container spec holds: volume entries,
//! tmpfs mounts and image references.
//!
//! Creation (the Docker engine), comparison ([`super::compare`]) and the
//! in-memory engine all read a [`super::ContainerSpec`] through these
//! functions, so what is created is exactly what is later compared.

use std::collections::BTreeMap;

use super::Error;

/// Splits kolla volume entries into container paths (`Config.Volumes`) and
/// `src:dst:mode` binds (`HostConfig.Binds`).
///
/// Empty entries are skipped; an entry without `:` is an anonymous volume;
/// a two-part entry gets mode `rw` when its source has no `/` or its target
/// has one; parts past the third are ignored; a later entry with the same
/// source replaces the earlier bind.
///
/// ```
/// use kolla_core::container::normalize::generate_volumes;
/// let (paths, binds) = generate_volumes(&[
///     "kolla_logs:/var/log/kolla/".into(),
///     "/run:/run:shared".into(),
///     "".into(),
///     "/data".into(),
/// ]);
/// assert_eq!(paths, ["/var/log/kolla/", "/run", "/data"]);
/// assert_eq!(binds, ["kolla_logs:/var/log/kolla/:rw", "/run:/run:shared"]);
/// ```
pub fn generate_volumes(volumes: &[String]) -> (Vec<String>, Vec<String>) {
    let mut paths = Vec::new();
    let mut binds: Vec<(String, String, String)> = Vec::new();
    for vol in volumes {
        if vol.is_empty() {
            continue;
        }
        if !vol.contains(':') {
            paths.push(vol.clone());
            continue;
        }
        let parts: Vec<&str> = vol.split(':').collect();
        let mode = match parts.get(2) {
            Some(m) => m.to_string(),
            None => "rw".to_string(),
        };
        let (src, dst) = (parts[0].to_string(), parts[1].to_string());
        paths.push(dst.clone());
        match binds.iter_mut().find(|b| b.0 == src) {
            Some(b) => {
                b.1 = dst;
                b.2 = mode;
            }
            None => binds.push((src, dst, mode)),
        }
    }
    let binds = binds
        .into_iter()
        .map(|(s, d, m)| format!("{s}:{d}:{m}"))
        .collect();
    (paths, binds)
}

/// Named volumes among the entries (source without `/`), which are
/// pre-created with the `kolla_managed` label.
pub fn named_volumes(volumes: &[String]) -> Vec<String> {
    volumes
        .iter()
        .filter(|v| !v.is_empty() && v.contains(':'))
        .filter_map(|v| v.split(':').next())
        .filter(|s| !s.is_empty() && !s.contains('/'))
        .map(str::to_string)
        .collect()
}

/// Upstream's `parse_image`: `(repository, tag)` of an image reference,
/// with `latest` when there is no tag.
///
/// ```
/// use kolla_core::container::normalize::parse_image;
/// assert_eq!(parse_image("quay.io/k/nova:2025.1"), ("quay.io/k/nova".into(), "2025.1".into()));
/// assert_eq!(parse_image("registry:5000/nova"), ("registry:5000/nova".into(), "latest".into()));
/// assert_eq!(parse_image("nova:tag"), ("nova".into(), "tag".into()));
/// ```
pub fn parse_image(image: &str) -> (String, String) {
    let rest = match image.split_once('/') {
        Some((_, r)) => r,
        None => image,
    };
    if rest.contains(':') {
        let (repo, tag) = image.rsplit_once(':').unwrap_or((image, ""));
        (repo.to_string(), tag.to_string())
    } else {
        (image.to_string(), "latest".to_string())
    }
}

/// `repo:tag` as upstream looks images up.
pub fn image_ref(image: &str) -> String {
    let (repo, tag) = parse_image(image);
    format!("{repo}:{tag}")
}

/// The registry an image reference pulls from: its first component when
/// that names a host (has a `.` or a `:`, or is `localhost`), else Docker
/// Hub, `docker.io`.
///
/// ```
/// use kolla_core::container::normalize::image_registry;
/// assert_eq!(image_registry("quay.io/openstack.kolla/nova-api:2025.1"), "quay.io");
/// assert_eq!(image_registry("registry:5000/kolla/nova-api"), "registry:5000");
/// assert_eq!(image_registry("kolla/nova-api:1"), "docker.io");
/// assert_eq!(image_registry("busybox"), "docker.io");
/// ```
pub fn image_registry(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => "docker.io",
    }
}

/// Checks every volume entry before anything is created: the container
/// side of each entry must be an absolute path (`/path` for an anonymous
/// volume, `src:/path[:mode]` for a bind or named volume).
///
/// Upstream passes `onlyone` on to Docker, which leaves an anonymous volume
/// behind, and crashes on `/host:ro`; kolla-rs refuses both up front.
///
/// ```
/// use kolla_core::container::normalize::validate_volumes;
/// assert!(validate_volumes(&["kolla_logs:/var/log/kolla/".into(), "/data".into(), "".into()]).is_ok());
/// let e = validate_volumes(&["onlyone".into()]).unwrap_err();
/// assert!(e.to_string().starts_with("invalid parameter volumes: \"onlyone\""), "{e}");
/// assert!(validate_volumes(&["/host:ro".into()]).is_err());
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] naming `volumes` and the entry.
pub fn validate_volumes(volumes: &[String]) -> Result<(), Error> {
    for vol in volumes.iter().filter(|v| !v.is_empty()) {
        let target = match vol.split(':').nth(1) {
            None => vol.as_str(),
            Some(t) => t,
        };
        if !target.starts_with('/') {
            let what = if vol.contains(':') {
                "has no absolute container path after the first ':'"
            } else {
                "is neither src:/path[:mode] nor an absolute path for an anonymous volume"
            };
            return Err(Error::InvalidParameter {
                parameter: "volumes".into(),
                message: format!("{vol:?} {what}"),
            });
        }
    }
    Ok(())
}

/// tmpfs entries as Docker's `HostConfig.Tmpfs` map: path to mount options
/// (`/tmp:size=10m` gives `/tmp -> size=10m`); empty entries are dropped.
///
/// ```
/// use kolla_core::container::normalize::tmpfs_mounts;
/// let m = tmpfs_mounts(&["/tmp".into(), "".into(), "/run:size=1m".into()]);
/// assert_eq!(m.len(), 2);
/// assert_eq!(m["/tmp"], "");
/// assert_eq!(m["/run"], "size=1m");
/// ```
pub fn tmpfs_mounts(tmpfs: &[String]) -> BTreeMap<String, String> {
    tmpfs
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| match t.split_once(':') {
            Some((p, o)) => (p.to_string(), o.to_string()),
            None => (t.clone(), String::new()),
        })
        .collect()
}
