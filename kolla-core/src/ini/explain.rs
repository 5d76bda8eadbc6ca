//! Provenance of a merged INI file: for every key, which source and line
//! won, and which earlier values it replaced.
//!
//! It is read off the one merge ([`IniMerge`]); nothing is parsed twice.
//!
//! # Secrets
//!
//! Explain output is meant to be pasted into tickets and chats, so it must not
//! be the way passwords leak. Unless the caller asks for secrets
//! ([`Explanation::redact`] is not called, e.g. `--show-secrets`), the values
//! of keys that look like secrets are replaced by `********`:
//! - a key whose name contains `password`, `passwd`, `secret`, `token`,
//!   `credential` or `private`, or has a part (split at `_`, `-`, `.`) that
//!   is `key` or ends in `key` (`api_key`, `fernet_key`, `memcache_secret_key`);
//! - in every other value, the password of a URL's user info
//!   (`rabbit://openstack:PASS@host`, `mysql+pymysql://nova:PASS@db/nova`), as
//!   found in `transport_url` and `connection`.
//!
//! The merged file itself is never redacted: it is the configuration.

use serde::Serialize;

use super::merge::{IniMerge, Occurrence, ORPHAN_SECTION};

/// The placeholder for a redacted value.
pub const REDACTED: &str = "********";

/// Where one value of a key came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The source file (or name).
    pub path: String,
    /// The 1-based line of the assignment in that source.
    pub line: usize,
    /// The value: its first line and continuation lines; empty for `k =`.
    pub lines: Vec<String>,
}

/// The provenance of one key of the merged result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyOrigin {
    /// The section; `None` for keys above any header (the orphan section).
    pub section: Option<String>,
    /// The key.
    pub key: String,
    /// The occurrences that were written, all from one source, in order.
    pub value: Vec<Origin>,
    /// Earlier occurrences this key replaced, oldest first.
    pub overridden: Vec<Origin>,
    /// Whether the values were redacted as secrets.
    pub redacted: bool,
}

/// The provenance of a whole merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The sources that were merged, in order (missing ones are not listed).
    pub sources: Vec<String>,
    /// The sections of the result, in order (`None` is the orphan section).
    pub sections: Vec<Option<String>>,
    /// Every key of the result, in output order.
    pub keys: Vec<KeyOrigin>,
}

impl Explanation {
    /// Reads the provenance off a merge. Values are as written (unredacted).
    ///
    /// ```
    /// use kolla_core::ini::{Explanation, IniMerge};
    /// let mut m = IniMerge::new();
    /// m.add("base.conf", "[database]\nconnection = mysql://nova:s3cret@db/nova\nmax_pool_size = 5\n")?;
    /// m.add("custom.conf", "[database]\nmax_pool_size = 50\n")?;
    /// let mut ex = Explanation::of(&m);
    /// ex.redact();
    /// let text = ex.to_text();
    /// assert!(text.contains("max_pool_size = 50    <- custom.conf:2"), "{text}");
    /// assert!(text.contains("replaced base.conf:3: 5"), "{text}");
    /// assert!(!text.contains("s3cret"));
    /// # Ok::<(), kolla_core::ini::Error>(())
    /// ```
    pub fn of(merge: &IniMerge<'_>) -> Explanation {
        let origin = |occ: &Occurrence| Origin {
            path: merge.source_name(occ.source).to_owned(),
            line: occ.line as usize,
            lines: merge
                .lines_of(occ)
                .iter()
                .map(|l| (*l).to_owned())
                .collect(),
        };
        let section_name = |s: &str| (s != ORPHAN_SECTION).then(|| s.to_owned());
        let mut keys = Vec::new();
        merge.for_each_key(|section, key, current, old| {
            keys.push(KeyOrigin {
                section: section_name(section),
                key: key.to_owned(),
                value: current.iter().map(origin).collect(),
                overridden: old.iter().map(origin).collect(),
                redacted: false,
            });
        });
        Explanation {
            sources: merge.sources().iter().map(|s| (*s).to_owned()).collect(),
            sections: merge.section_names().map(section_name).collect(),
            keys,
        }
    }

    /// Replaces secret values by [`REDACTED`] (see the module docs for
    /// which values count as secret).
    ///
    /// ```
    /// use kolla_core::ini::{IniMerge, Explanation};
    /// let mut m = IniMerge::new();
    /// m.add("a", "[k]\nadmin_password = hunter2\ntransport_url = rabbit://u:pw@h:5672//\nname = x\n")?;
    /// let mut ex = Explanation::of(&m);
    /// ex.redact();
    /// assert_eq!(ex.keys[0].value[0].lines, ["********"]);
    /// assert_eq!(ex.keys[1].value[0].lines, ["rabbit://u:********@h:5672//"]);
    /// assert_eq!(ex.keys[2].value[0].lines, ["x"]);
    /// # Ok::<(), kolla_core::ini::Error>(())
    /// ```
    pub fn redact(&mut self) {
        for k in &mut self.keys {
            let secret = is_secret_key(&k.key);
            let mut changed = false;
            for o in k.value.iter_mut().chain(k.overridden.iter_mut()) {
                for line in &mut o.lines {
                    if secret {
                        if !line.is_empty() {
                            *line = REDACTED.to_owned();
                            changed = true;
                        }
                    } else if let Some(masked) = mask_url_password(line) {
                        *line = masked;
                        changed = true;
                    }
                }
            }
            k.redacted = changed;
        }
    }

    /// The human-readable form:
    ///
    /// ```text
    /// [DEFAULT]
    /// debug = True    <- /etc/kolla/config/nova.conf:2
    ///     replaced nova.conf.j2:7: False
    /// ```
    ///
    /// Multi-line values print their lines joined by `\n`, an empty value
    /// prints as nothing after `=`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut current: Option<Option<&str>> = None;
        for k in &self.keys {
            let section = k.section.as_deref();
            if current != Some(section) {
                if current.is_some() {
                    out.push('\n');
                }
                match section {
                    Some(s) => out.push_str(&format!("[{s}]\n")),
                    None => out.push_str("(no section)\n"),
                }
                current = Some(section);
            }
            for o in &k.value {
                out.push_str(&format!(
                    "{} = {}    <- {}:{}\n",
                    k.key,
                    joined(&o.lines),
                    o.path,
                    o.line
                ));
            }
            for o in &k.overridden {
                out.push_str(&format!(
                    "    replaced {}:{}: {}\n",
                    o.path,
                    o.line,
                    joined(&o.lines)
                ));
            }
        }
        out
    }
}

fn joined(lines: &[String]) -> String {
    lines.join("\\n")
}

/// Whether a key's values are secrets (see the module docs).
///
/// ```
/// use kolla_core::ini::explain::is_secret_key;
/// assert!(is_secret_key("database_password"));
/// assert!(is_secret_key("memcache_secret_key"));
/// assert!(is_secret_key("api_key"));
/// assert!(is_secret_key("ApiKey"));
/// assert!(!is_secret_key("keystone_url"));
/// assert!(!is_secret_key("debug"));
/// ```
pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "credential",
        "private",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower
            .split(['_', '-', '.'])
            .any(|part| part.ends_with("key"))
}

/// `scheme://user:PASS@host` with the password masked, when the text holds
/// such a URL (several are masked, as in a `transport_url` with many hosts).
fn mask_url_password(text: &str) -> Option<String> {
    if !text.contains("://") || !text.contains('@') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    // Each authority ends at '/', '?', '#' or whitespace; its user info is
    // everything before the last '@'. transport_url lists hosts with ','.
    while let Some(pos) = rest.find("://") {
        out.push_str(&rest[..pos + 3]);
        rest = &rest[pos + 3..];
        let end = rest
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .unwrap_or(rest.len());
        let authority = &rest[..end];
        let mut masked = String::new();
        for (i, host) in authority.split(',').enumerate() {
            if i > 0 {
                masked.push(',');
            }
            match host.rfind('@') {
                Some(at) => match host[..at].find(':') {
                    Some(colon) => {
                        masked.push_str(&host[..colon + 1]);
                        masked.push_str(REDACTED);
                        masked.push_str(&host[at..]);
                        changed = true;
                    }
                    None => masked.push_str(host),
                },
                None => masked.push_str(host),
            }
        }
        out.push_str(&masked);
        rest = &rest[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Merges `sources` (name, text) and returns the provenance (unredacted).
///
/// ```
/// let ex = kolla_core::ini::explain::explain_texts([("a", "[s]\nk = 1\n"), ("b", "[s]\nk = 2\n")])?;
/// assert_eq!(ex.keys[0].value[0].path, "b");
/// assert_eq!(ex.keys[0].overridden[0].lines, ["1"]);
/// # Ok::<(), kolla_core::ini::Error>(())
/// ```
///
/// # Errors
/// [`super::Error::Parse`] for the first malformed source.
pub fn explain_texts<'a, I>(sources: I) -> Result<Explanation, super::Error>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut merge = IniMerge::new();
    for (name, text) in sources {
        merge.add(name, text)?;
    }
    Ok(Explanation::of(&merge))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_host_of_a_transport_url() {
        assert_eq!(
            mask_url_password("rabbit://openstack:pw1@10.0.0.1:5672,openstack:pw2@10.0.0.2:5672//")
                .unwrap(),
            "rabbit://openstack:********@10.0.0.1:5672,openstack:********@10.0.0.2:5672//"
        );
        assert_eq!(mask_url_password("http://x:80/"), None);
        assert_eq!(mask_url_password("http://user@host/"), None);
    }

    #[test]
    fn provenance_records_what_was_replaced() {
        let mut m = IniMerge::new();
        m.add("a", "[s]\nk = 1\nk = 2\nj = x\n").unwrap();
        m.add("b", "[s]\nk = 3\n").unwrap();
        m.add("c", "[s]\nk = 4\n    more\n").unwrap();
        let ex = Explanation::of(&m);
        let k = &ex.keys[0];
        assert_eq!(k.key, "k");
        assert_eq!(
            k.value,
            [Origin {
                path: "c".into(),
                line: 2,
                lines: vec!["4".into(), "more".into()]
            }]
        );
        let old: Vec<_> = k
            .overridden
            .iter()
            .map(|o| (o.path.as_str(), o.line))
            .collect();
        assert_eq!(old, [("a", 2), ("a", 3), ("b", 2)]);
        assert!(ex.keys[1].overridden.is_empty());
    }
}
