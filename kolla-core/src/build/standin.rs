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
//! The images form a tree built by [`super::builder`] (`kolla build
//! --profile standin`): `base` (busybox), `openstack-base` (the Kolla
//! start-up), and per service one thin `COPY` layer, so building all of
//! them is quick. See [`tree`].
//!
//! ```
//! let all = kolla_core::build::standin::catalog();
//! let nova = all.iter().find(|i| i.name == "nova-api").unwrap();
//! assert_eq!(nova.port, Some(8774));
//! assert!(nova.require.contains(&"/etc/nova/nova.conf:database:connection".to_string()));
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::image::{is_static_elf, ContextFile};
use super::tree::{ImageDef, ImageTree};
use super::Error;
use crate::container::Error as EngineError;

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
/// Kolla's healthchecks that query the service itself; the stand-in's
/// answer: up while the stand-in service runs.
const HEALTHCHECK_UP: &str = include_str!("../../data/standin/healthcheck_up");
const QUERY_HEALTHCHECKS: [&str; 4] = [
    "ovsdb-client",
    "ovs-appctl",
    "healthcheck_rabbitmq",
    "virsh",
];
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

fn file(path: &str, data: impl Into<Vec<u8>>, mode: u32) -> ContextFile {
    ContextFile {
        path: path.into(),
        data: data.into(),
        mode,
    }
}

fn read_static(path: &Path, what: &str) -> Result<Vec<u8>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Input {
        parameter: what.into(),
        message: format!("{}: {e}", path.display()),
    })?;
    if !is_static_elf(&bytes) {
        return Err(Error::Input {
            parameter: what.into(),
            message: format!("{} is not a statically linked ELF binary", path.display()),
        });
    }
    Ok(bytes)
}

/// The root of the stand-in tree.
pub const BASE: &str = "base";
/// The image every stand-in service image is built on.
pub const OPENSTACK_BASE: &str = "openstack-base";

/// The Dockerfile template of an image with Kolla's `<image>_header`,
/// `<image>_footer` and `footer` blocks around `body`.
fn template(name: &str, from: &str, body: &str, tail: &str) -> String {
    let block = name.replace('-', "_");
    format!(
        "FROM {from}\n{{% block {block}_header %}}{{% endblock %}}\n{body}\
         {{% block {block}_footer %}}{{% endblock %}}\n{{% block footer %}}{{% endblock %}}\n{tail}"
    )
}

/// The stand-in image tree, the `standin` profile of the builder:
///
/// - `base`: `FROM scratch` with the static busybox (and Kolla's
///   directories);
/// - `openstack-base`: adds `kolla_set_configs`, `kolla_start`, the
///   stand-in program and the accounts every service image needs;
/// - one image per name in [`catalog`], each one `COPY` layer: the
///   stand-in's settings (`/etc/kolla-standin/`), a wrapper per command the
///   service runs, and Kolla's healthcheck commands.
///
/// # Errors
/// When busybox or kolla_set_configs cannot be read or is not static.
pub fn tree(busybox: &Path, set_configs: &Path) -> Result<ImageTree, Error> {
    let bb = read_static(busybox, "busybox")?;
    let sc = read_static(set_configs, "kolla_set_configs")?;
    tree_of(bb, sc)
}

/// The stand-in tree's shape (names, parents, templates) with empty
/// binaries: for listing and planning, never for building.
///
/// # Errors
/// Only if the tree itself were inconsistent.
pub fn shape() -> Result<ImageTree, Error> {
    tree_of(Vec::new(), Vec::new())
}

fn tree_of(bb: Vec<u8>, sc: Vec<u8>) -> Result<ImageTree, Error> {
    let mut defs = Vec::new();
    let mut base = ImageDef::new(
        BASE,
        None,
        &template(
            BASE,
            "scratch",
            "COPY busybox /bin/busybox\n\
             COPY bash /bin/bash\n\
             RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox --install -s /bin && mkdir -p /tmp \
             /var/lib/kolla/config_files /etc/kolla /var/log/kolla /run && chmod 1777 /tmp\"]\n\
             ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n",
            "CMD [\"/bin/sh\"]\n",
        ),
    );
    base.files.push(file("busybox", bb, 0o755));
    // Kolla's scripts start with `#!/bin/bash` (haproxy_run.sh ...): busybox
    // sh runs them.
    base.files
        .push(file("bash", "#!/bin/sh\nexec /bin/sh \"$@\"\n", 0o755));
    defs.push(base);

    let (passwd, group) = accounts_files();
    let mut os_base = ImageDef::new(
        OPENSTACK_BASE,
        Some(BASE),
        &template(
            OPENSTACK_BASE,
            "{{ parent_image }}",
            "COPY rootfs/ /\n",
            "CMD [\"kolla_start\"]\n",
        ),
    );
    os_base.files = vec![
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
    defs.push(os_base);

    for img in catalog() {
        let mut def = ImageDef::new(
            &img.name,
            Some(OPENSTACK_BASE),
            &template(&img.name, "{{ parent_image }}", "COPY rootfs/ /\n", ""),
        );
        def.files = service_files(&img);
        defs.push(def);
    }
    ImageTree::new(defs)
}

/// A service image's files: its settings, command wrappers, healthchecks.
fn service_files(image: &StandinImage) -> Vec<ContextFile> {
    let lines = |v: &[String]| {
        let mut s = v.join("\n");
        if !s.is_empty() {
            s.push('\n');
        }
        s
    };
    let mut files = vec![
        file(
            "rootfs/etc/kolla-standin/image",
            format!("{}\n", image.name),
            0o644,
        ),
        file("rootfs/etc/kolla-standin/ini", lines(&image.ini), 0o644),
        file(
            "rootfs/etc/kolla-standin/require",
            lines(&image.require),
            0o644,
        ),
    ];
    if let Some(p) = image.port {
        files.push(file(
            "rootfs/etc/kolla-standin/port",
            format!("{p}\n"),
            0o644,
        ));
    }
    for (name, text) in HEALTHCHECKS {
        files.push(file(&format!("rootfs/usr/local/bin/{name}"), text, 0o755));
    }
    for name in QUERY_HEALTHCHECKS {
        if !image.commands.iter().any(|c| c == name) {
            files.push(file(
                &format!("rootfs/usr/local/bin/{name}"),
                HEALTHCHECK_UP,
                0o755,
            ));
        }
    }
    let mut commands = image.commands.clone();
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
    files
}

/// Finds the static `kolla_set_configs`: `$KOLLA_SET_CONFIGS_BIN`, else next
/// to the running executable, else the workspace's static build
/// (`target/x86_64-unknown-linux-gnu/static/`).
///
/// # Errors
/// [`Error::InvalidParameter`] naming the places tried and how to build it.
pub fn find_static_set_configs() -> Result<PathBuf, EngineError> {
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
    Err(EngineError::InvalidParameter {
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
    fn the_tree_has_every_image_one_copy_layer_each() {
        let bb = crate::build::image::find_static_busybox();
        let Ok(bb) = bb else { return };
        // busybox is static: it stands in for kolla_set_configs here.
        let t = tree(&bb, &bb).unwrap();
        assert_eq!(t.names().count(), catalog().len() + 2);
        assert_eq!(t.children(BASE), [OPENSTACK_BASE]);
        let r = crate::build::render::Renderer::new(&t, &[]).unwrap();
        let vars = crate::build::render::RenderVars::default();
        let df = r.render(&t, "nova-api", &vars).unwrap();
        assert_eq!(df, "FROM kolla/openstack-base:latest\n\nCOPY rootfs/ /\n\n");
        let files: Vec<&str> = t
            .get("nova-api")
            .unwrap()
            .files
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        assert!(
            files.contains(&"rootfs/usr/local/bin/nova-api"),
            "{files:?}"
        );
        assert!(files.contains(&"rootfs/usr/local/bin/healthcheck_curl"));
    }
}
