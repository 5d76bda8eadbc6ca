//! `passwords.yml`: kolla-ansible's `kolla-genpwd` and `kolla-mergepwd`.
//!
//! [`TEMPLATE`] holds every key of kolla-ansible 22.2.0's `passwords.yml` (in
//! its order) and those of the services and drivers it has retired since
//! 7.0.0. [`genpwd_file`] fills every empty value with a random value of the
//! key's [`Kind`] and never touches a value that is set; [`mergepwd_files`]
//! carries the values of an old file over to a new set of keys. Both write
//! the file as `yaml.safe_dump(..., default_flow_style=False)` does (sorted
//! keys), atomically and with mode 0600. Values never appear in reports or
//! errors.

pub mod random;

use std::path::Path;

use crate::yaml::dump::{dump, DumpOptions};
use crate::yaml::node::{load_node, Node};
use crate::Location;

/// The embedded `passwords.yml`: every key, every value empty.
pub const TEMPLATE: &str = include_str!("passwords.yml");

/// The name under which [`TEMPLATE`] appears in messages.
pub const TEMPLATE_NAME: &str = "<kolla passwords.yml>";

/// Password length (upstream's `length`).
pub const PASSWORD_LENGTH: usize = 40;

/// RSA key size of the SSH key pairs (upstream's `generate_RSA` default).
pub const RSA_BITS: usize = 4096;

/// Keys whose value is a random UUID (upstream's `uuid_keys`, plus the
/// retired `ceph_cluster_fsid` and `karbor_openstack_infra_id` as 7.0.0 had).
pub const UUID_KEYS: &[&str] = &[
    "rbd_secret_uuid",
    "cinder_rbd_secret_uuid",
    "gnocchi_project_id",
    "gnocchi_resource_id",
    "gnocchi_user_id",
    "designate_pool_id",
    "ceph_cluster_fsid",
    "karbor_openstack_infra_id",
];

/// Keys holding an SSH key pair (`private_key` / `public_key`).
pub const SSH_KEYS: &[&str] = &[
    "kolla_ssh_key",
    "nova_ssh_key",
    "keystone_ssh_key",
    "bifrost_ssh_key",
    "octavia_amp_ssh_key",
    "neutron_ssh_key",
    "haproxy_ssh_key",
];

/// Keys left empty when empty.
pub const BLANK_KEYS: &[&str] = &["docker_registry_password"];

/// Keys whose value is a 128-bit hex key (upstream: an HMAC-MD5 digest).
pub const HMAC_MD5_KEYS: &[&str] = &["designate_rndc_key", "osprofiler_secret"];

/// Keys whose value is a Fernet key.
pub const FERNET_KEYS: &[&str] = &["barbican_crypto_key"];

/// Keys whose value is a bcrypt salt.
pub const BCRYPT_KEYS: &[&str] = &["prometheus_bcrypt_salt"];

/// What kind of random value a key gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 40 letters and digits.
    Password,
    /// A version 4 UUID.
    Uuid,
    /// An RSA key pair: PKCS#8 PEM private key, OpenSSH public key.
    SshKey,
    /// Stays empty.
    Blank,
    /// 32 hex digits.
    HmacMd5,
    /// URL-safe base64 of 32 bytes.
    Fernet,
    /// 22 characters of `[A-Za-z0-9./]`.
    BcryptSalt,
}

/// The kind of value `key` gets.
///
/// ```
/// use kolla_core::passwords::{kind_of, Kind};
/// assert_eq!(kind_of("nova_ssh_key"), Kind::SshKey);
/// assert_eq!(kind_of("rbd_secret_uuid"), Kind::Uuid);
/// assert_eq!(kind_of("nova_keystone_password"), Kind::Password);
/// ```
pub fn kind_of(key: &str) -> Kind {
    if SSH_KEYS.contains(&key) {
        Kind::SshKey
    } else if BLANK_KEYS.contains(&key) {
        Kind::Blank
    } else if UUID_KEYS.contains(&key) {
        Kind::Uuid
    } else if HMAC_MD5_KEYS.contains(&key) {
        Kind::HmacMd5
    } else if FERNET_KEYS.contains(&key) {
        Kind::Fernet
    } else if BCRYPT_KEYS.contains(&key) {
        Kind::BcryptSalt
    } else {
        Kind::Password
    }
}

/// A passwords file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document is not a mapping of keys to values.
    #[error("{origin}: passwords file not in expected key/value format (found {found})")]
    NotAMapping {
        /// The file.
        origin: String,
        /// Python's type name of what was found.
        found: &'static str,
    },
    /// An SSH key entry is neither empty nor a `private_key`/`public_key` mapping.
    #[error("{location}: `{key}` must be empty or a mapping with private_key and public_key, found {found}")]
    BadSshKey {
        /// Where the key is.
        location: Location,
        /// The key.
        key: String,
        /// Python's type name of what was found.
        found: &'static str,
    },
}

impl Error {
    /// Where in the file the error points, if it points at a line.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::NotAMapping { .. } => None,
            Error::BadSshKey { location, .. } => Some(location),
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &str {
        match self {
            Error::NotAMapping { origin, .. } => origin,
            Error::BadSshKey { location, .. } => &location.path,
        }
    }
}

/// How to generate values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Password length.
    pub length: usize,
    /// RSA key size for SSH key pairs.
    pub rsa_bits: usize,
}

impl Default for GenOptions {
    /// Upstream's: 40 characters, 4096-bit RSA.
    fn default() -> Self {
        GenOptions {
            length: PASSWORD_LENGTH,
            rsa_bits: RSA_BITS,
        }
    }
}

/// What `genpwd` did: key names only, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GenReport {
    /// Keys that were empty and now hold a generated value.
    pub filled: Vec<String>,
    /// Number of keys whose value was already set and was kept.
    pub kept: usize,
    /// Keys left empty on purpose (blank keys).
    pub blank: Vec<String>,
    /// True when the file did not exist and was started from [`TEMPLATE`].
    pub created: bool,
    /// True when the file was readable or writable by others before (its
    /// mode is now 0600).
    pub was_world_accessible: bool,
}

fn load_mapping(origin: &str, text: &str) -> Result<Node, crate::Error> {
    let doc = load_node(origin, text)?;
    match doc {
        Node::Map(_) => Ok(doc),
        other => Err(Error::NotAMapping {
            origin: origin.to_owned(),
            found: other.py_type(),
        }
        .into()),
    }
}

fn dump_passwords(doc: &Node) -> String {
    dump(doc, &DumpOptions::default())
}

/// Fills the empty values of a loaded passwords mapping in place.
fn fill(origin: &str, doc: &Node, opts: &GenOptions) -> Result<GenReport, crate::Error> {
    let Node::Map(map) = doc else {
        unreachable!("load_mapping returns a mapping")
    };
    let entries: Vec<(Node, Node, usize)> = map
        .borrow()
        .iter()
        .map(|e| (e.key.clone(), e.value.clone(), e.line))
        .collect();
    let mut report = GenReport::default();
    for (key, value, line) in entries {
        let name = match &key {
            Node::Str(s) => s.clone(),
            other => other.to_json().to_string(),
        };
        let kind = match &key {
            Node::Str(s) => kind_of(s),
            _ => Kind::Password,
        };
        let new = if kind == Kind::SshKey {
            let empty = match &value {
                Node::Null => true,
                Node::Map(m) => {
                    let m = m.borrow();
                    let unset =
                        |k: &str| matches!(m.get(&Node::Str(k.into())), None | Some(Node::Null));
                    unset("private_key") && unset("public_key")
                }
                other => {
                    return Err(Error::BadSshKey {
                        location: Location::new(origin, line),
                        key: name,
                        found: other.py_type(),
                    }
                    .into())
                }
            };
            if empty {
                let (private, public) = random::rsa_pair(opts.rsa_bits);
                let pair = Node::new_map();
                if let Node::Map(m) = &pair {
                    let mut m = m.borrow_mut();
                    m.insert(Node::Str("private_key".into()), Node::Str(private), 0);
                    m.insert(Node::Str("public_key".into()), Node::Str(public), 0);
                }
                Some(pair)
            } else {
                None
            }
        } else if matches!(value, Node::Null) {
            match kind {
                Kind::Blank => None,
                Kind::Uuid => Some(random::uuid4()),
                Kind::HmacMd5 => Some(random::hex128()),
                Kind::Fernet => Some(random::fernet_key()),
                Kind::BcryptSalt => Some(random::bcrypt_salt()),
                Kind::Password | Kind::SshKey => Some(random::password(opts.length)),
            }
            .map(Node::Str)
        } else {
            None
        };
        match new {
            Some(v) => {
                map.borrow_mut().insert(key, v, line);
                report.filled.push(name);
            }
            None if kind == Kind::Blank && matches!(value, Node::Null) => report.blank.push(name),
            None => report.kept += 1,
        }
    }
    Ok(report)
}

/// Fills every empty value of the passwords document `text` and returns the
/// document as upstream writes it, with the report.
///
/// ```
/// use kolla_core::passwords::{genpwd_text, GenOptions};
/// let (out, report) = genpwd_text("p.yml", "b_password:\na_password: kept\n", &GenOptions::default())?;
/// assert!(out.starts_with("a_password: kept\nb_password: "));
/// assert_eq!(report.filled, ["b_password"]);
/// # Ok::<(), kolla_core::Error>(())
/// ```
///
/// # Errors
/// Malformed YAML (file:line:column), a document that is not a mapping, or
/// an SSH key entry of the wrong shape (file:line).
pub fn genpwd_text(
    origin: &str,
    text: &str,
    opts: &GenOptions,
) -> Result<(String, GenReport), crate::Error> {
    let doc = load_mapping(origin, text)?;
    let report = fill(origin, &doc, opts)?;
    Ok((dump_passwords(&doc), report))
}

/// `kolla-genpwd -p path`: fills the empty values of `path` in place. A
/// missing file is started from [`TEMPLATE`]. The file is written
/// atomically with mode 0600.
///
/// # Errors
/// As [`genpwd_text`], or an I/O error naming the file.
pub fn genpwd_file(path: &Path, opts: &GenOptions) -> Result<GenReport, crate::Error> {
    let origin = path.display().to_string();
    let (text, created, was_world_accessible) = match std::fs::read_to_string(path) {
        Ok(t) => (t, false, world_accessible(path)),
        // Start from the template only where the file can be written, so a
        // mistyped directory fails before any key is generated.
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                && path
                    .parent()
                    .is_none_or(|d| d.as_os_str().is_empty() || d.is_dir()) =>
        {
            (TEMPLATE.to_owned(), true, false)
        }
        Err(e) => return Err(crate::IoError::new(path, e).into()),
    };
    let (out, mut report) = genpwd_text(&origin, &text, opts)?;
    report.created = created;
    report.was_world_accessible = was_world_accessible;
    crate::fsutil::write_atomic(path, out.as_bytes(), Some(0o600))?;
    Ok(report)
}

/// What `mergepwd` did: key names and counts only.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    /// Keys of the new file that took the old file's value.
    pub carried: usize,
    /// Keys only the new file has (left as the new file has them).
    pub added: Vec<String>,
    /// Keys only the old file has: kept, or dropped with `clean`.
    pub old_only: Vec<String>,
    /// Whether `old_only` keys were dropped.
    pub clean: bool,
    /// Files (old, new) that were readable or writable by others.
    pub world_accessible: Vec<String>,
}

/// `kolla-mergepwd` on texts: the new document's keys, each with the old
/// document's value where the old one has the key. Without `clean` the keys
/// only the old document has are kept too (added after the new ones; the
/// output is sorted anyway); with `clean` they are dropped. As upstream, when
/// the new document has `valkey_master_password` and the old one has a set
/// `redis_master_password` but no `valkey_master_password`, the redis value
/// is carried over to valkey.
///
/// ```
/// use kolla_core::passwords::mergepwd_text;
/// let old = ("old.yml", "a: '1'\ngone: '2'\n");
/// let new = ("new.yml", "a:\nb:\n");
/// let (out, report) = mergepwd_text(old, new, false)?;
/// assert_eq!(out, "a: '1'\nb: null\ngone: '2'\n");
/// let (out, _) = mergepwd_text(old, new, true)?;
/// assert_eq!(out, "a: '1'\nb: null\n");
/// assert_eq!(report.added, ["b"]);
/// # Ok::<(), kolla_core::Error>(())
/// ```
///
/// # Errors
/// Malformed YAML, or a document that is not a mapping, naming the file.
pub fn mergepwd_text(
    old: (&str, &str),
    new: (&str, &str),
    clean: bool,
) -> Result<(String, MergeReport), crate::Error> {
    let old_doc = load_mapping(old.0, old.1)?;
    let new_doc = load_mapping(new.0, new.1)?;
    let (Node::Map(old_map), Node::Map(new_map)) = (&old_doc, &new_doc) else {
        unreachable!("load_mapping returns mappings")
    };
    let old_map = old_map.borrow();
    let mut report = MergeReport {
        clean,
        ..MergeReport::default()
    };
    {
        let mut new_map = new_map.borrow_mut();
        let valkey = Node::Str("valkey_master_password".into());
        let redis = Node::Str("redis_master_password".into());
        if new_map.get(&valkey).is_some() && old_map.get(&valkey).is_none() {
            if let Some(v) = old_map.get(&redis).filter(|v| v.is_truthy()) {
                new_map.insert(valkey, v.clone(), 0);
            }
        }
        let new_keys: Vec<Node> = new_map.iter().map(|e| e.key.clone()).collect();
        for key in new_keys {
            match old_map.get(&key) {
                Some(v) => {
                    new_map.insert(key, v.clone(), 0);
                    report.carried += 1;
                }
                None => report.added.push(key_name(&key)),
            }
        }
        for e in old_map.iter() {
            if new_map.get(&e.key).is_none() {
                report.old_only.push(key_name(&e.key));
                if !clean {
                    new_map.insert(e.key.clone(), e.value.clone(), 0);
                }
            }
        }
    }
    Ok((dump_passwords(&new_doc), report))
}

fn key_name(key: &Node) -> String {
    match key {
        Node::Str(s) => s.clone(),
        other => other.to_json().to_string(),
    }
}

/// `kolla-mergepwd --old --new --final [--clean]` on files; `new` of `None`
/// takes [`TEMPLATE`]. `final_path` is written atomically with mode 0600.
///
/// # Errors
/// As [`mergepwd_text`], or an I/O error naming the file.
pub fn mergepwd_files(
    old: &Path,
    new: Option<&Path>,
    final_path: &Path,
    clean: bool,
) -> Result<MergeReport, crate::Error> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| crate::IoError::new(p, e));
    let old_text = read(old)?;
    let old_name = old.display().to_string();
    let (new_name, new_text) = match new {
        Some(p) => (p.display().to_string(), read(p)?),
        None => (TEMPLATE_NAME.to_owned(), TEMPLATE.to_owned()),
    };
    let (out, mut report) = mergepwd_text((&old_name, &old_text), (&new_name, &new_text), clean)?;
    for p in std::iter::once(old).chain(new) {
        if world_accessible(p) {
            report.world_accessible.push(p.display().to_string());
        }
    }
    crate::fsutil::write_atomic(final_path, out.as_bytes(), Some(0o600))?;
    Ok(report)
}

fn world_accessible(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o006 != 0)
}

#[cfg(test)]
mod tests;
