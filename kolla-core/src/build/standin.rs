//! Stand-in service images: one small local image per Kolla image name,
//! holding a static busybox, `kolla_set_configs`, `kolla_start`, Kolla's
//! healthcheck commands and a stand-in for the service.
//!
//! Real Kolla images cannot be pulled here, and a control-plane test wants
//! something light. A stand-in starts like the real image (`kolla_start`
//! runs `kolla_set_configs`, then execs `/run_command`), checks the config
//! files the service would read (a nova-api whose `nova.conf` does not parse
//! or lacks `[database] connection` exits 1 with a message), then serves
//! HTTP on the service's API port or just stays up. The healthchecks
//! (`healthcheck_curl`, `healthcheck_listen`, `healthcheck_port`,
//! `healthcheck_socket`) pass while it is up and fail when it is not.
//!
//! Every image is `FROM` one shared base image plus a single thin layer of
//! settings (`/etc/kolla-standin/`), so building all of them is quick.
//!
//! ```
//! let all = kolla_core::build::standin::catalog();
//! let nova = all.iter().find(|i| i.name == "nova-api").unwrap();
//! assert_eq!(nova.port, Some(8774));
//! assert!(nova.require.contains(&"/etc/nova/nova.conf:database:connection".to_string()));
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::image::{build_context, is_static_elf, ContextFile};
use crate::engine::{ContainerEngine, Error};

/// The generated data (from the reference `services.json`).
///
/// This is not a service catalog and must not grow into one: it holds, per
/// Kolla image name, only what the stand-in itself does (the commands it
/// answers to, the port it serves, the config files it checks), plus the
/// account names its `/etc/passwd` needs. Which services exist, where they
/// run and how they are configured belongs to `catalog`; [`Data`] rejects
/// any other key.
const DATA: &str = include_str!("../../data/standin-images.json");

const KOLLA_START: &str = include_str!("../../data/standin/kolla_start");
const KOLLA_EXTEND_START: &str = include_str!("../../data/standin/kolla_extend_start");
const STANDIN: &str = include_str!("../../data/standin/kolla-standin");
const HEALTHCHECKS: [(&str, &str); 4] = [
    (
        "healthcheck_curl",
        include_str!("../../data/standin/healthcheck_curl"),
    ),
    (
        "healthcheck_listen",
        include_str!("../../data/standin/healthcheck_listen"),
    ),
    (
        "healthcheck_port",
        include_str!("../../data/standin/healthcheck_port"),
    ),
    (
        "healthcheck_socket",
        include_str!("../../data/standin/healthcheck_socket"),
    ),
];

/// The gid of the shared `kolla` group, and the first service uid.
const KOLLA_GID: u32 = 42400;

/// One Kolla image and what its stand-in does.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandinImage {
    /// The Kolla image name, `nova-api`.
    pub name: String,
    /// The API (or service) port it listens on, if any.
    pub port: Option<u16>,
    /// Commands the real image's config.json may run (`nova-api`,
    /// `/usr/sbin/apache2`); each becomes the stand-in in the image.
    pub commands: Vec<String>,
    /// Config files that must parse as INI when present.
    pub ini: Vec<String>,
    /// `file:section:key` settings that must be present and non-empty.
    pub require: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    #[serde(rename = "_source")]
    _source: String,
    users: Vec<String>,
    images: Vec<StandinImage>,
}

fn data() -> Data {
    serde_json::from_str(DATA).expect("embedded standin-images.json is valid")
}

/// Every image name with a stand-in, with its settings.
pub fn catalog() -> Vec<StandinImage> {
    data().images
}

/// The container's `/etc/passwd` and `/etc/group`: root, a `kolla` group,
/// and one user (with a same-named group) per service owner in the
/// reference data, all members of `kolla`.
pub fn accounts_files() -> (String, String) {
    let users = data().users;
    let mut passwd = String::from("root:x:0:0:root:/root:/bin/sh\n");
    let mut group = String::from("root:x:0:\n");
    let mut members = Vec::new();
    for (i, u) in users.iter().filter(|u| *u != "kolla").enumerate() {
        let id = KOLLA_GID + 1 + i as u32;
        passwd.push_str(&format!("{u}:x:{id}:{id}::/var/lib/{u}:/bin/sh\n"));
        group.push_str(&format!("{u}:x:{id}:\n"));
        members.push(u.clone());
    }
    passwd.push_str(&format!("kolla:x:{KOLLA_GID}:{KOLLA_GID}::/:/bin/sh\n"));
    group.push_str(&format!("kolla:x:{KOLLA_GID}:{}\n", members.join(",")));
    (passwd, group)
}

/// What to build.
#[derive(Debug, Clone)]
pub struct StandinBuild {
    /// Image namespace, `kolla`.
    pub namespace: String,
    /// Image tag.
    pub tag: String,
    /// Image names; empty means every name in [`catalog`].
    pub images: Vec<String>,
    /// A statically linked busybox.
    pub busybox: PathBuf,
    /// The statically linked `kolla_set_configs`.
    pub set_configs: PathBuf,
}

impl StandinBuild {
    /// The reference of the stand-in for `name`: `kolla/nova-api:TAG`.
    pub fn image_ref(&self, name: &str) -> String {
        format!("{}/{}:{}", self.namespace, name, self.tag)
    }

    /// The shared base image's reference.
    pub fn base_ref(&self) -> String {
        self.image_ref("standin-base")
    }
}

fn file(path: &str, data: impl Into<Vec<u8>>, mode: u32) -> ContextFile {
    ContextFile {
        path: path.into(),
        data: data.into(),
        mode,
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::InvalidParameter {
        parameter: what.into(),
        message: format!("{}: {e}", path.display()),
    })
}

/// The base image's build context: busybox, kolla_set_configs, kolla_start,
/// the healthchecks, the stand-in and a wrapper for every service command.
///
/// # Errors
/// When busybox or kolla_set_configs cannot be read or is not static.
pub fn base_context(busybox: &Path, set_configs: &Path) -> Result<Vec<u8>, Error> {
    let bb = read(busybox, "busybox")?;
    let sc = read(set_configs, "kolla_set_configs")?;
    for (bytes, path) in [(&bb, busybox), (&sc, set_configs)] {
        if !is_static_elf(bytes) {
            return Err(Error::InvalidParameter {
                parameter: "static binary".into(),
                message: format!("{} is not a statically linked ELF binary", path.display()),
            });
        }
    }
    let (passwd, group) = accounts_files();
    let mut files = vec![
        file("busybox", bb, 0o755),
        file("rootfs/usr/local/bin/kolla_set_configs", sc, 0o755),
        file("rootfs/usr/local/bin/kolla_start", KOLLA_START, 0o755),
        file(
            "rootfs/usr/local/bin/kolla_extend_start",
            KOLLA_EXTEND_START,
            0o755,
        ),
        file("rootfs/usr/local/bin/kolla-standin", STANDIN, 0o755),
        file("rootfs/etc/passwd", passwd, 0o644),
        file("rootfs/etc/group", group, 0o644),
    ];
    for (name, text) in HEALTHCHECKS {
        files.push(file(&format!("rootfs/usr/local/bin/{name}"), text, 0o755));
    }
    let mut commands: Vec<String> = catalog().into_iter().flat_map(|i| i.commands).collect();
    commands.sort();
    commands.dedup();
    for c in commands {
        let base = c.rsplit('/').next().unwrap_or(&c);
        let at = if c.starts_with('/') {
            c.clone()
        } else {
            format!("/usr/local/bin/{c}")
        };
        let wrapper = format!("#!/bin/sh\nexec kolla-standin {base} \"$@\"\n");
        files.push(file(&format!("rootfs{at}"), wrapper, 0o755));
    }
    let dockerfile = "FROM scratch\n\
        COPY busybox /bin/busybox\n\
        RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox --install -s /bin && mkdir -p /tmp /var/lib/kolla/config_files /etc/kolla /var/log/kolla /run && chmod 1777 /tmp\"]\n\
        COPY rootfs/ /\n\
        ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n\
        LABEL kolla-rs.standin=base\n\
        CMD [\"kolla_start\"]\n";
    build_context(dockerfile, &files)
}

/// One image's thin layer on top of the base.
///
/// # Errors
/// When the context cannot be assembled.
pub fn image_context(base_ref: &str, image: &StandinImage) -> Result<Vec<u8>, Error> {
    let lines = |v: &[String]| {
        let mut s = v.join("\n");
        if !s.is_empty() {
            s.push('\n');
        }
        s
    };
    let mut files = vec![
        file("standin/image", format!("{}\n", image.name), 0o644),
        file("standin/ini", lines(&image.ini), 0o644),
        file("standin/require", lines(&image.require), 0o644),
    ];
    if let Some(p) = image.port {
        files.push(file("standin/port", format!("{p}\n"), 0o644));
    }
    // One instruction, one layer: the build is a single small commit.
    let dockerfile = format!("FROM {base_ref}\nCOPY standin/ /etc/kolla-standin/\n");
    build_context(&dockerfile, &files)
}

/// Builds the base image and one stand-in per requested name; returns the
/// references built, in order.
///
/// # Errors
/// [`Error::InvalidParameter`] for an unknown image name or a missing or
/// dynamically linked binary; engine errors from the builds.
pub async fn build(
    engine: &dyn ContainerEngine,
    opts: &StandinBuild,
) -> Result<Vec<String>, Error> {
    let all = catalog();
    let wanted: Vec<&StandinImage> = if opts.images.is_empty() {
        all.iter().collect()
    } else {
        opts.images
            .iter()
            .map(|n| {
                all.iter()
                    .find(|i| &i.name == n)
                    .ok_or_else(|| Error::InvalidParameter {
                        parameter: "image".into(),
                        message: format!("{n} is not a known Kolla image name"),
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let base = opts.base_ref();
    engine
        .build_image(&base, base_context(&opts.busybox, &opts.set_configs)?)
        .await?;
    // The thin builds are independent: run them in a few lanes at once
    // (the engine commits layers one by one, so more lanes gain little).
    let contexts = wanted
        .iter()
        .map(|img| Ok((opts.image_ref(&img.name), image_context(&base, img)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    let refs: Vec<String> = contexts.iter().map(|(r, _)| r.clone()).collect();
    let lane = |n: usize| {
        let mine: Vec<&(String, Vec<u8>)> = contexts.iter().skip(n).step_by(LANES).collect();
        async move {
            for (r, ctx) in mine {
                engine.build_image(r, ctx.clone()).await?;
            }
            Ok::<(), Error>(())
        }
    };
    let results = tokio::join!(lane(0), lane(1), lane(2), lane(3));
    results.0?;
    results.1?;
    results.2?;
    results.3?;
    Ok(refs)
}

/// How many thin builds run at once.
const LANES: usize = 4;

/// Finds the static `kolla_set_configs`: `$KOLLA_SET_CONFIGS_BIN`, else next
/// to the running executable, else the workspace's static build
/// (`target/x86_64-unknown-linux-gnu/static/`).
///
/// # Errors
/// [`Error::InvalidParameter`] naming the places tried and how to build it.
pub fn find_static_set_configs() -> Result<PathBuf, Error> {
    let mut tried = Vec::new();
    if let Some(p) = std::env::var_os("KOLLA_SET_CONFIGS_BIN") {
        tried.push(PathBuf::from(p));
    }
    if let Ok(exe) = std::env::current_exe() {
        let mut dir = exe.parent().map(Path::to_path_buf);
        for _ in 0..3 {
            let Some(d) = dir else { break };
            tried.push(d.join("kolla_set_configs"));
            tried.push(d.join("x86_64-unknown-linux-gnu/static/kolla_set_configs"));
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    for p in &tried {
        if std::fs::read(p).is_ok_and(|b| is_static_elf(&b)) {
            return Ok(p.clone());
        }
    }
    Err(Error::InvalidParameter {
        parameter: "kolla_set_configs".into(),
        message: format!(
            "no statically linked kolla_set_configs found (tried {}); build it with \
             RUSTFLAGS=\"-C target-feature=+crt-static\" cargo build -p kolla-set-configs \
             --target x86_64-unknown-linux-gnu --profile static, or set KOLLA_SET_CONFIGS_BIN",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_image_has_a_standin() {
        let all = catalog();
        assert_eq!(all.len(), 121);
        for name in [
            "nova-api",
            "keystone",
            "mariadb",
            "rabbitmq",
            "horizon",
            "neutron-server",
        ] {
            assert!(all.iter().any(|i| i.name == name), "{name}");
        }
        let keystone = all.iter().find(|i| i.name == "keystone").unwrap();
        assert_eq!(keystone.port, Some(5000));
    }

    #[test]
    fn accounts_cover_every_owner() {
        let (passwd, group) = accounts_files();
        let a = crate::set_configs::Accounts::parse(&passwd, &group);
        for owner in [
            "nova",
            "nova:kolla",
            "aodh:kolla",
            "mysql",
            "root",
            "ironic-inspector",
        ] {
            a.resolve(owner).unwrap();
        }
        assert_eq!(a.gid("kolla").unwrap(), KOLLA_GID);
    }

    #[test]
    fn image_layer_is_one_copy() {
        let img = catalog()
            .into_iter()
            .find(|i| i.name == "nova-api")
            .unwrap();
        let ctx = image_context("kolla/standin-base:t", &img).unwrap();
        let mut ar = tar::Archive::new(&ctx[..]);
        let mut df = String::new();
        for e in ar.entries().unwrap() {
            let mut e = e.unwrap();
            if e.path().unwrap().to_str() == Some("Dockerfile") {
                std::io::Read::read_to_string(&mut e, &mut df).unwrap();
            }
        }
        assert_eq!(df.lines().count(), 2, "{df}");
        assert!(df.starts_with("FROM kolla/standin-base:t\n"));
    }
}
