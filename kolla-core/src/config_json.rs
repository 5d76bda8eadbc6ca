//! The typed `config.json`: exactly the shape kolla's `set_configs` reads.
//!
//! One type for every side: the config generator writes it next to a
//! service's config files, and `kolla_set_configs` reads it inside the
//! container (with upstream's validation and messages:
//! `ConfigJson::from_json_str`, in [`crate::set_configs`]).

use serde::{Deserialize, Serialize};

fn is_false(b: &bool) -> bool {
    !*b
}

/// Reads a flag the way upstream tests it: Python truthiness of any value.
fn truthy<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(py_truthy(Some(&v)))
}

/// Python truthiness of a JSON value (how upstream tests its flags).
pub(crate) fn py_truthy(v: Option<&serde_json::Value>) -> bool {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// A container's `config.json`: the service command, the files to copy in,
/// and the ownership and modes to set.
///
/// Serialises to the same keys upstream's templates write; optional keys that
/// hold their default are left out.
///
/// ```
/// use kolla_core::config_json::{ConfigFile, ConfigJson, Permission};
/// let cfg = ConfigJson::builder("nova-api")
///     .config_file(ConfigFile::new("/var/lib/kolla/config_files/nova.conf", "/etc/nova/nova.conf").owner("nova").perm("0600"))
///     .config_file(ConfigFile::new("/var/lib/kolla/config_files/policy.yaml", "/etc/nova/").owner("nova").perm("0600").optional(true))
///     .permission(Permission::new("/var/log/kolla/nova", "nova:nova").recurse(true))
///     .build();
/// let json = cfg.to_json_pretty();
/// assert!(json.contains("\"optional\": true"));
/// assert_eq!(ConfigJson::from_json_str(&json).unwrap(), cfg);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConfigJson {
    /// The service command, written verbatim to `/run_command`.
    pub command: String,
    /// Files and directories to copy into place, in order (always
    /// written, `[]` when empty, as kolla's templates do).
    #[serde(default)]
    pub config_files: Vec<ConfigFile>,
    /// Directories to create (with owner and perm) before anything is copied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directories: Vec<Permission>,
    /// Empty files to create (with owner and perm); existing ones are kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Permission>,
    /// Ownership and modes applied last, globbed, optionally recursive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<Permission>,
}

/// One `config_files` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The source path, a glob (`*`, `?`, `[...]`) allowed.
    pub source: String,
    /// The destination; a trailing `/` means "into this directory".
    pub dest: String,
    /// `user` or `user:group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Octal mode as a string: `0600`, `644`, `0o640`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perm: Option<String>,
    /// A missing source is skipped instead of failing.
    #[serde(default, skip_serializing_if = "is_false", deserialize_with = "truthy")]
    pub optional: bool,
    /// Merge into an existing destination directory instead of replacing it.
    #[serde(default, skip_serializing_if = "is_false", deserialize_with = "truthy")]
    pub merge: bool,
    /// Keep the source's mode, times and ownership instead of owner/perm.
    #[serde(default, skip_serializing_if = "is_false", deserialize_with = "truthy")]
    pub preserve_properties: bool,
}

impl ConfigFile {
    /// An entry copying `source` to `dest` (set owner and perm next).
    pub fn new(source: impl Into<String>, dest: impl Into<String>) -> Self {
        ConfigFile {
            source: source.into(),
            dest: dest.into(),
            ..Default::default()
        }
    }

    /// Sets the owner (`user` or `user:group`).
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// Sets the mode string.
    pub fn perm(mut self, perm: impl Into<String>) -> Self {
        self.perm = Some(perm.into());
        self
    }

    /// Marks the source optional.
    pub fn optional(mut self, optional: bool) -> Self {
        self.optional = optional;
        self
    }

    /// Merges into an existing directory.
    pub fn merge(mut self, merge: bool) -> Self {
        self.merge = merge;
        self
    }

    /// Keeps the source's own properties.
    pub fn preserve_properties(mut self, preserve: bool) -> Self {
        self.preserve_properties = preserve;
        self
    }

    /// The destination path for one matched source: `dest`, or `dest` plus
    /// the source's file name when `dest` ends with `/`.
    ///
    /// ```
    /// use kolla_core::config_json::ConfigFile;
    /// let cf = ConfigFile::new("/x/*.conf", "/etc/svc/");
    /// assert_eq!(cf.dest_for("/x/a.conf"), "/etc/svc/a.conf");
    /// ```
    pub fn dest_for(&self, matched_source: &str) -> String {
        if self.dest.ends_with('/') {
            let base = matched_source.rsplit('/').next().unwrap_or(matched_source);
            format!("{}{}", self.dest, base)
        } else {
            self.dest.clone()
        }
    }
}

/// A `permissions` entry (also the shape of `directories` and `files`
/// entries, which upstream hands to the same permission code).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Permission {
    /// The path; in `permissions` a glob.
    pub path: String,
    /// `user` or `user:group`.
    pub owner: String,
    /// Octal mode string; absent means ownership only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perm: Option<String>,
    /// Apply to everything below a directory too.
    #[serde(default, skip_serializing_if = "is_false", deserialize_with = "truthy")]
    pub recurse: bool,
    /// Regular expressions searched in the full path of items below the top.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

impl Permission {
    /// An entry setting `owner` on `path`.
    pub fn new(path: impl Into<String>, owner: impl Into<String>) -> Self {
        Permission {
            path: path.into(),
            owner: owner.into(),
            ..Default::default()
        }
    }

    /// Sets the mode string.
    pub fn perm(mut self, perm: impl Into<String>) -> Self {
        self.perm = Some(perm.into());
        self
    }

    /// Applies recursively.
    pub fn recurse(mut self, recurse: bool) -> Self {
        self.recurse = recurse;
        self
    }

    /// Adds an exclude regex.
    pub fn exclude(mut self, pattern: impl Into<String>) -> Self {
        self.exclude.push(pattern.into());
        self
    }
}

/// Builds a [`ConfigJson`] entry by entry.
#[derive(Debug, Clone, Default)]
pub struct ConfigJsonBuilder {
    inner: ConfigJson,
}

impl ConfigJsonBuilder {
    /// Adds a `config_files` entry.
    pub fn config_file(mut self, entry: ConfigFile) -> Self {
        self.inner.config_files.push(entry);
        self
    }

    /// Adds a `directories` entry.
    pub fn directory(mut self, entry: Permission) -> Self {
        self.inner.directories.push(entry);
        self
    }

    /// Adds a `files` entry.
    pub fn file(mut self, entry: Permission) -> Self {
        self.inner.files.push(entry);
        self
    }

    /// Adds a `permissions` entry.
    pub fn permission(mut self, entry: Permission) -> Self {
        self.inner.permissions.push(entry);
        self
    }

    /// The finished config.
    pub fn build(self) -> ConfigJson {
        self.inner
    }
}

impl ConfigJson {
    /// Starts a config with the service `command`.
    pub fn builder(command: impl Into<String>) -> ConfigJsonBuilder {
        ConfigJsonBuilder {
            inner: ConfigJson {
                command: command.into(),
                ..Default::default()
            },
        }
    }

    /// Pretty JSON with 4-space indentation, as kolla-ansible writes it.
    pub fn to_json_pretty(&self) -> String {
        let mut out = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
        // Serialising plain strings, bools and vectors cannot fail.
        self.serialize(&mut ser).expect("config.json serialises");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}
